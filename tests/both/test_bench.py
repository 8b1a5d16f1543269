"""One bench driver for both frameworks (bench.run_bench): the same measurements, under the same
keys, in the same order; PyTorch adds only its CPU memory-layout comparison."""

import statistics
import sys

import numpy as np
import pytest

from alexnet_cifar import TrainConfig
from alexnet_cifar.arch import spec_for
from alexnet_cifar.backends import get_backend
from alexnet_cifar.bench.kit import PAIRED_WINDOWS, UPDATE_ROW, layer_times, paired_rates, run_bench
from alexnet_cifar.data import load_cifar10

from cifar_fixtures import make_official


def tiny_bench(framework: str, data, *, augment: str, **options) -> dict:
    """run_bench of the 32 px model in fp32 on the CPU, batches of 8, one step a window."""
    config = TrainConfig(
        framework=framework, model="alexnet-cifar", device="cpu", precision="fp32", augment=augment
    )
    kit = get_backend(framework).Bench(config)
    return run_bench(kit, data, batch_size=8, steps=1, warmup=0, **options)


def test_both_backends_bench_the_same_keys_in_the_same_order(tmp_path):
    folder, _, _ = make_official(tmp_path / "data", per_batch=40, n_test=30)
    data = load_cifar10(folder, verify=False, download_missing=False, progress=False)
    keys = {}
    for framework in ("pytorch", "keras"):
        # the pipeline's warps are the run's (--augment)
        r = tiny_bench(framework, data, augment="flip", naive=False, baseline=True)
        assert r["framework"] == framework and r["compute_train"] > 0 and r["augment"] == "flip"
        # the ratio pairs windows timed one after the other, so it is a median of pairs,
        # close to (not equal to) the ratio of the two overall rates
        for arm in ("fresh", "pipeline"):
            rounds = r[f"{arm}_over_compute_rounds"]
            assert len(rounds) == PAIRED_WINDOWS and all(x > 0 for x in rounds)
            assert r[f"{arm}_over_compute"] == pytest.approx(statistics.median(rounds))
            assert min(rounds) <= r[f"{arm}_train"] / r["compute_train"] <= max(rounds)
        assert r["naive_train"] is None  # naive=False: no PIL DataLoader is started
        keys[framework] = list(r)
    layout = ["nchw_compute_train", "channels_last_over_nchw"]
    assert [k for k in keys["pytorch"] if k not in layout] == keys["keras"]
    assert set(layout) <= set(keys["pytorch"])


def test_arms_only_times_the_three_training_arms_and_nothing_else(tmp_path):
    """`bench --arms-only` (time_breakdown's second warp): the step on one batch, on batches
    made beforehand and through the pipeline, with their ratios; no inference, layout, fp32 or
    naive timing, in either framework."""
    folder, _, _ = make_official(tmp_path / "data", per_batch=40, n_test=30)
    data = load_cifar10(folder, verify=False, download_missing=False, progress=False)
    keys = {}
    for framework in ("pytorch", "keras"):
        r = tiny_bench(framework, data, augment="flip", arms_only=True)
        assert all(r[f"{arm}_train"] > 0 for arm in ("compute", "fresh", "pipeline"))
        assert r["pipeline_over_compute"] > 0 and r["fresh_over_compute"] > 0
        skipped = {
            "compute_inference",
            "pipeline_only",
            "naive_train",
            "fp32",
            "nchw_compute_train",
        }
        assert not skipped & set(r)
        keys[framework] = list(r)
    assert keys["pytorch"] == keys["keras"]


def test_both_backends_time_the_same_layers_alone():
    """`bench --layers`: each spec layer timed alone in either framework, under the same names,
    so a table can set them side by side; then the optimizer's update over every weight."""
    from alexnet_cifar.arch import get_spec

    names, updates = {}, {}
    for framework in ("pytorch", "keras"):
        config = TrainConfig(
            framework=framework, model="alexnet-cifar", batchnorm=True, precision="fp32"
        )
        kit = get_backend(framework).Bench(config)
        rows = layer_times(kit, batch_size=4, steps=1, warmup=1)
        assert all(r["ms"] > 0 for r in rows)
        *layers, update = rows
        names[framework] = [(r["layer"], r["kind"], r["in_shape"]) for r in layers]
        updates[framework] = (update["layer"], update["kind"], update["in_shape"])
        model = get_backend(framework).build(spec_for(config))
        trained = model.parameters() if framework == "pytorch" else model.trainable_weights
        assert update["in_shape"] == [sum(int(np.prod(w.shape)) for w in trained)]
    spec = get_spec("alexnet-cifar", 10, batchnorm=True)
    expected = [(i.keras_name, i.layer.kind.value, list(i.in_shape)) for i in spec.layers()]
    assert names["pytorch"] == names["keras"] == [e for e in expected if e[1] != "avgpool"]
    assert updates["pytorch"] == updates["keras"] == (UPDATE_ROW, "sgd", [spec.num_params()])
    assert ("features_1", "batchnorm", [64, 32, 32]) in names["keras"]


def test_paired_rates_hold_a_difference_steady_while_the_machine_drifts():
    """Each round of windows sees one machine speed (here 1x, 3x, 0.5x); the second step costs
    1.25x the first, the third 2x. Timed once each, 3x drift between them would read as a 2.4x
    speed-up; the ratios within a round read 0.8 and 0.5 in every round."""
    speeds = iter([1.0] * 3 + [3.0] * 3 + [0.5] * 3)
    cost = {"first": 1.0, "second": 1.25, "third": 2.0}
    calls = []

    def timed(step, n, warmup):
        calls.append((step(), n, warmup))
        return next(speeds) / cost[calls[-1][0]]

    rates, rounds = paired_rates(
        [lambda: "first", lambda: "second", lambda: "third"], timed, steps=7, warmup=2
    )
    assert rounds[0] == pytest.approx([0.8] * 3) and rounds[1] == pytest.approx([0.5] * 3)
    assert rates[1] / rates[0] == pytest.approx(0.8) and rates[2] / rates[0] == pytest.approx(0.5)
    # each window starts with the next arm: no arm is always timed first
    assert [c[0] for c in calls] == [
        *("first", "second", "third"),
        *("second", "third", "first"),
        *("third", "first", "second"),
    ]
    assert [c[1] for c in calls] == [2] * 9  # 7 steps: 2 a window
    assert [c[2] for c in calls] == [2, 2, 2] + [0] * 6  # warm-up only in the first round


def test_time_breakdowns_rounds_start_with_each_framework_in_turn(monkeypatch):
    """benchmarks/time_breakdown.py's Keras / PyTorch rounds: each framework starts every other
    round, so neither keeps the advantage of being timed first; the ratio pairs each round's
    two rates."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "time_breakdown.py"
    spec = importlib.util.spec_from_file_location("time_breakdown", path)
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script puts benchmarks/ first
    spec.loader.exec_module(script)
    calls = []
    rate = {"pytorch": 100.0, "keras": 80.0}

    def step_only(framework, *_):
        calls.append(framework)
        return rate[framework] * len(calls)  # the machine speeds up with every call

    monkeypatch.setattr(script, "step_only", step_only)
    args = type("Args", (), {"rounds": 3})()
    out = script.alternating_rounds("alexnet", [], args, "auto", 128)
    assert calls == ["pytorch", "keras", "keras", "pytorch", "pytorch", "keras"]
    assert out["images_per_second"]["keras"] == [160.0, 240.0, 480.0]
    assert out["keras_over_pytorch"] == pytest.approx([1.6, 0.6, 480 / 500])
