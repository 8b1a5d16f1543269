"""`alexnet-cifar bench`, framework-neutral: what is timed and in which order (``run_bench``),
the timing itself and the printed form. A backend supplies a ``BenchKit``: its training and
inference steps and its input pipeline's batches."""

from __future__ import annotations

import itertools
import statistics
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from ..arch import spec_for
from ..system.environment import environment
from ..training.finetune import FinetunePlan, finetune_plan
from ..training.optim import DecayRule, decay_rule
from ..training.precision import choose

Step = Callable[..., Any]


def step_rate(
    step: Callable[[], None],
    batch_size: int,
    steps: int,
    warmup: int,
    sync: Callable[[], None] = lambda: None,
) -> float:
    """Run ``step`` warmup + steps times; images/s over the timed steps only."""
    for _ in range(warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return batch_size * steps / (time.perf_counter() - start)


def bench_record(framework: str, spec, batch_size: int, steps: int, warmup: int) -> dict:
    """The head of a bench result: what was measured, before the numbers."""
    return {
        "framework": framework,
        "model": spec.name,
        "input_size": spec.input_size,
        "batch_size": batch_size,
        "steps": steps,
        "warmup": warmup,
    }


class BenchKit(ABC):
    """One framework's pieces of a bench run of ``config``'s model and optimizer, on the device
    its --device names, in the precision its --precision resolves to there, with the software
    and hardware facts its record names."""

    framework: str
    device_api: Any  # the backend's device.py: resolve_device, capability, software, hardware

    def __init__(self, config):
        api = self.device_api
        self.device = api.resolve_device(config.device)
        cap = api.capability(config.device)
        self.config, self.spec = config, spec_for(config)
        self.precision = choose(config.precision, cap, self.framework)
        self.software = api.software()
        self.hardware = {**api.hardware(self.device), "native_bf16": cap.bf16}

    def scope(self) -> AbstractContextManager:
        """Entered around the whole bench (Keras places its variables with it)."""
        return nullcontext()

    def sync(self) -> None:  # noqa: B027 (an optional hook: only a GPU queues work)
        """Wait for the device's queued work (timing an asynchronous GPU)."""

    @abstractmethod
    def steps(self, precision: str) -> tuple[Step, Step]:
        """(train_step(x, y), infer(x)) of a fresh model, seeded alike, in ``precision``; the
        step updates the weights with the trainer's optimizer (update_rules: its momentum and
        weight decay), so the trainer is held against the same work less its input."""

    @abstractmethod
    def batches(self, images, labels, augment: str, batch_size: int) -> Iterator[tuple]:
        """Endless training batches (x, y) through the input pipeline, ready for the steps."""

    @abstractmethod
    def pipeline(self, images, labels, augment: str) -> Any:
        """The backend's input Pipeline over these images (CIFAR normalization)."""

    def evaluation_input(self, images, labels) -> Callable[[], Any]:
        """A call that runs the inference pipeline over ``images`` (one batch)."""
        pipe = self.pipeline(images, labels, "none")
        return lambda: pipe.transform(pipe.images)

    def other_layout(self, precision: str, x: Any) -> tuple[Step, Any] | None:
        """(train step, x) in the other memory layout, where the backend has a choice."""
        return None

    def naive_batches(self, images, labels, batch_size: int) -> Iterator[tuple] | None:
        """Batches through the earlier studies' PIL DataLoader, where the backend has it."""
        return None

    def update_rules(self, names: list[str]) -> tuple[FinetunePlan, DecayRule]:
        """The trainer's rules for a model whose weights are ``names``, every one trained: the
        config's optimizer updates all of them, each decayed as training/optim.py says."""
        c = self.config
        return finetune_plan(c, names, names), decay_rule(c.optimizer, c.weight_decay, c.decay_on)

    @abstractmethod
    def update_step(self, precision: str) -> Step:
        """A call that applies the trainer's optimizer (the config's, with its momentum and
        weight decay) once to every weight of a fresh model, with fixed random gradients: the
        part of a training step that no layer holds."""

    @abstractmethod
    def layer_step(self, info, precision: str, batch_size: int) -> Step:
        """A call that runs spec layer ``info`` alone, as this backend's model builds it, forward
        and backward (gradients of a fixed random projection of its output with respect to its
        input and weights), in training mode, on a random batch of its input shape."""


# an identity at the native input size, and a plain average pool elsewhere
UNTIMED_LAYERS = ("avgpool",)


UPDATE_ROW = "optimizer_update"


def layer_times(kit: BenchKit, *, batch_size: int, steps: int, warmup: int) -> list[dict]:
    """Milliseconds per batch of each spec layer alone, forward and backward, then of the
    optimizer's update over all the weights (its ``in_shape``: the parameter count): where two
    frameworks' training steps differ, this names the layer whose kernels differ."""
    rows = []
    with kit.scope():
        for info in kit.spec.layers():
            if info.layer.kind.value in UNTIMED_LAYERS:
                continue
            step = kit.layer_step(info, kit.precision, batch_size)
            per_second = step_rate(step, batch_size, steps, warmup, kit.sync)
            rows.append(
                {
                    "layer": info.keras_name,
                    "kind": info.layer.kind.value,
                    "in_shape": list(info.in_shape),
                    "ms": 1000.0 * batch_size / per_second,
                }
            )
        per_second = step_rate(kit.update_step(kit.precision), batch_size, steps, warmup, kit.sync)
        rows.append(
            {
                "layer": UPDATE_ROW,
                "kind": kit.config.optimizer,
                "in_shape": [kit.spec.num_params()],
                "ms": 1000.0 * batch_size / per_second,
            }
        )
    return rows


def compute_only(kit: BenchKit, data, *, batch_size: int, steps: int, warmup: int) -> float:
    """Images/s of a fresh model's training step alone, on one batch from the pipeline."""
    with kit.scope():
        n = min(len(data.x_train), batch_size)
        x, y = next(kit.batches(data.x_train[:n], data.y_train[:n], "none", batch_size))
        train_step, _ = kit.steps(kit.precision)
        return step_rate(lambda: train_step(x, y), batch_size, steps, warmup, kit.sync)


PAIRED_WINDOWS = 3
# distinct batches, made before the timing, that the step cycles through: a batch it has not
# just read, at no pipeline cost (four 224 px batches of 128 are 300 MB)
FRESH_BATCHES = 4


def turn_order(count: int, turn: int) -> list[int]:
    """Indices 0..count-1, starting at ``turn``'s: what is timed first in a turn can run faster
    (PyTorch's 224 px step, docs/measurements.md), an advantage that no arm should keep."""
    return [(turn + k) % count for k in range(count)]


def paired_rates(
    arms: Sequence[Callable[[], Any]],
    timed: Callable[[Callable[[], Any], int, int], float],
    *,
    steps: int,
    warmup: int,
    windows: int = PAIRED_WINDOWS,
) -> tuple[list[float], list[list[float]]]:
    """Images/s of steps timed in alternating windows (``timed(step, n, warmup)``), and each
    later arm's rate over the first's within each window. A 2-core cloud CPU drifts by 10%
    within a minute, so two steps timed one after the other can pass drift off as a difference;
    within a round of short windows all arms see the same machine, and the median ratio of a
    round keeps that. Each window starts with the next arm."""
    per_window = max(1, steps // windows)
    per_image: list[list[float]] = [[] for _ in arms]  # seconds an image, by window
    for w in range(windows):
        for i in turn_order(len(arms), w):
            per_image[i].append(1.0 / timed(arms[i], per_window, warmup if w == 0 else 0))
    first, *others = per_image
    rates = [len(s) / sum(s) for s in per_image]
    return rates, [[a / b for a, b in zip(first, s, strict=True)] for s in others]


def run_bench(
    kit: BenchKit,
    data,
    *,
    batch_size: int,
    steps: int,
    warmup: int,
    naive: bool = True,
    baseline: bool = True,
    arms_only: bool = False,
) -> dict:
    """Images/s of training and inference, compute only and through the input pipeline, the
    same keys in the same order for every backend. ``baseline``: when the precision is not
    fp32, compute-only training and inference in fp32 too, for the speed-up. ``arms_only``: the
    training step's three arms alone (one batch, batches made beforehand, the pipeline), for a
    caller that wants only their ratios: nothing else is timed, the rest's keys are absent."""

    def timed(step: Callable[[], Any], n: int = steps) -> float:
        return step_rate(step, batch_size, n, warmup, kit.sync)

    n = min(len(data.x_train), batch_size * (steps + warmup) * 2)
    with kit.scope():
        stream = kit.batches(data.x_train[:n], data.y_train[:n], kit.config.augment, batch_size)
        x0, y0 = next(stream)
        train_step, infer = kit.steps(kit.precision)
        r = bench_record(kit.framework, kit.spec, batch_size, steps, warmup)
        r["precision"] = kit.precision
        r["augment"] = kit.config.augment  # the pipeline's warps: with rotation or without
        # the step on one batch, on batches made beforehand, and on the pipeline's: what a
        # batch the step has not just read costs it, apart from what making one costs
        made = [next(stream) for _ in range(FRESH_BATCHES)]
        fresh = itertools.cycle(range(FRESH_BATCHES))
        rates, (fresh_rounds, rounds) = paired_rates(
            [
                lambda: train_step(x0, y0),
                lambda: train_step(*made[next(fresh)]),
                lambda: train_step(*next(stream)),
            ],
            lambda step, n, w: step_rate(step, batch_size, n, w, kit.sync),
            steps=steps,
            warmup=warmup,
        )
        r["compute_train"], r["fresh_train"], r["pipeline_train"] = rates
        made.clear()  # its 300 MB at 224 px, before the inference timing
        if arms_only:
            return _finished(r, kit, fresh_rounds, rounds)
        r["pipeline_only"] = timed(lambda: next(stream), steps * 4)
        evaluation = kit.evaluation_input(data.x_test[:batch_size], data.y_test[:batch_size])
        r["compute_inference"] = timed(lambda: infer(x0))
        r["pipeline_inference"] = timed(lambda: infer(evaluation()))
        other = kit.other_layout(kit.precision, x0)
        if other is not None:
            other_step, other_x = other
            r["nchw_compute_train"] = timed(lambda: other_step(other_x, y0))
            r["channels_last_over_nchw"] = r["compute_train"] / r["nchw_compute_train"]
        if baseline and kit.precision != "fp32":
            fp32_train, fp32_infer = kit.steps("fp32")
            r["fp32"] = {
                "compute_train": timed(lambda: fp32_train(x0, y0)),
                "compute_inference": timed(lambda: fp32_infer(x0)),
            }
            r["speedup_over_fp32"] = {k: r[k] / v for k, v in r["fp32"].items()}
        naive_stream = (
            kit.naive_batches(data.x_train[:n], data.y_train[:n], batch_size) if naive else None
        )
        r["naive_train"] = None
        if naive_stream is not None:
            r["naive_train"] = timed(lambda: train_step(*next(naive_stream)))
            r["naive_pipeline_only"] = timed(lambda: next(naive_stream), steps * 4)
            r["pipeline_over_naive"] = r["pipeline_train"] / r["naive_train"]
    return _finished(r, kit, fresh_rounds, rounds)


def _finished(r: dict, kit: BenchKit, fresh_rounds: list, rounds: list) -> dict:
    """``r`` with the arms' ratios over rounds (their medians), the software and the machine."""
    r["fresh_over_compute_rounds"] = fresh_rounds
    r["fresh_over_compute"] = statistics.median(fresh_rounds)
    r["pipeline_over_compute_rounds"] = rounds
    r["pipeline_over_compute"] = statistics.median(rounds)
    r["software"] = kit.software
    r["hardware"] = environment(kit.hardware)
    return r
