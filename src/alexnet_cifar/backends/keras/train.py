"""The Keras calls of the trainer skeleton (training/trainer.py): ``model.fit`` for one epoch
at a time on that epoch's tf.data stream, with the shared per-step learning-rate curve."""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np
import tensorflow as tf

import keras

from ...config import TrainConfig
from ...training.phases import StepTimer
from ...training.plan import epoch_seed
from ...training.progress import EpochProgress
from ...training.trainer import Trainer as TrainerBase
from ...training.trainer import images_per_second
from . import distributed
from .device import device_scope, hardware, resolve_device, software
from .model import build, import_weights
from .optim import WeightAverage, make_optimizer, make_schedule
from .pipeline import Pipeline


class _ReportSteps(keras.callbacks.Callback):
    """Feeds the shared progress bar. Keras converts the logs to numbers (a device sync) on
    every call, so the model runs EpochProgress.SYNC_EVERY steps per call
    (``steps_per_execution``) and this sees every SYNC_EVERY-th step, as the PyTorch loop
    reads its loss."""

    def __init__(self, progress: EpochProgress, timer: StepTimer):
        super().__init__()
        self.progress, self.timer = progress, timer

    def on_train_batch_begin(self, batch, logs=None):
        self.timer.window_begin()

    def on_train_batch_end(self, batch, logs=None):
        # Keras numbers a short last call as if it ran SYNC_EVERY steps; the data ends sooner
        step = min(batch, self.progress.steps - 1)
        loss, accuracy = float(logs["loss"]), float(logs["accuracy"])  # the host sync
        self.timer.window_end(step + 1)
        self.progress.update(step, loss, accuracy)


class Trainer(TrainerBase):
    checkpoint_suffix = ".keras.npz"
    write_suffix = ".npz"  # np.savez appends it otherwise

    @classmethod
    def device_scope(cls, config: TrainConfig) -> AbstractContextManager:
        return device_scope(config)

    def build(self) -> None:
        config = self.config
        self.device = resolve_device(config.device)
        self.pipelines = self.input_pipelines(
            lambda x, y, aug, norm: Pipeline(
                x, y, self.spec.input_size, norm, aug, config.num_classes
            )
        )
        # the same seed and flags give the same run: tf.data and every kernel deterministic
        tf.config.experimental.enable_op_determinism()
        self.precision = config.precision
        self.model = build(self.spec, config.seed, self.precision)

    def load_weights(self, weights: dict) -> None:
        import_weights(self.model, weights, self.fresh)

    def weight_names(self) -> list[str]:
        return [layer.name for layer in self.model.layers if layer.weights]

    def build_optimizer(self) -> None:
        config = self.config
        self.schedule = make_schedule(config, self.steps)
        optimizer = make_optimizer(
            config,
            self.model,
            self.finetune,
            self.decay,
            self.schedule,
            loss_scaled=self.precision == "fp16",
        )
        if self.ema_decays is not None:
            self.average = WeightAverage(optimizer, self.ema_decays)
        mirrored = tf.distribute.get_strategy().num_replicas_in_sync > 1
        self.model.compile(
            optimizer=optimizer,
            loss=keras.losses.CategoricalCrossentropy(
                from_logits=True, label_smoothing=config.label_smoothing
            ),
            metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
            jit_compile=config.compile,
            # several steps per call fail under MirroredStrategy in TF 2.21 ("You must feed a
            # value for placeholder tensor ... while/cond"): one step per call there
            steps_per_execution=1 if mirrored else EpochProgress.SYNC_EVERY,
        )
        if self.world.size > 1:  # several workers: the custom step, and a plain forward pass
            self._worker_step = distributed.train_step(
                self.model, config.batch_size, config.label_smoothing
            )
            self._predict = tf.function(lambda x: self.model(x, training=False))

    def set_lr_scale(self, scale: float) -> None:
        self.schedule.scale.assign(scale)

    def current_lr(self) -> float:
        return float(self.schedule(self.model.optimizer.iterations))

    def steps_taken(self) -> int:
        return int(tf.convert_to_tensor(self.model.optimizer.iterations))  # also a MirroredVariable

    def write_checkpoint(self, path: Path, epochs_done: int) -> None:
        arrays = {f"w{i}": w for i, w in enumerate(self.model.get_weights())}
        arrays.update(
            {f"o{i}": np.asarray(v) for i, v in enumerate(self.model.optimizer.variables)}
        )
        # the run's config beside the weights, as PyTorch's checkpoint holds it (a string array:
        # readable without pickle)
        config = np.array(json.dumps(self.config.to_dict()))
        np.savez(path, epochs_done=epochs_done, config=config, **arrays)

    def read_checkpoint(self, path: Path) -> int:
        with np.load(path) as f:
            n_w = sum(1 for k in f.files if k.startswith("w"))
            self.model.set_weights([f[f"w{i}"] for i in range(n_w)])
            self.model.optimizer.build(self.model.trainable_variables)
            for i, v in enumerate(self.model.optimizer.variables):
                v.assign(f[f"o{i}"])
            return int(f["epochs_done"])

    def _reseed_dropout(self, epoch: int) -> None:
        """Each epoch's dropout masks from (seed, epoch), as PyTorch's: a resumed run repeats."""
        seed = epoch_seed(self.config.seed, epoch)
        generators = [
            layer.seed_generator for layer in self.model.layers if hasattr(layer, "seed_generator")
        ]
        for i, generator in enumerate(generators):
            generator.state.assign(np.array([seed + i, 0], dtype=generator.state.dtype))

    def train_epoch(self, epoch: int, progress: EpochProgress) -> dict:
        if self.world.size > 1:
            return self._train_epoch_workers(epoch, progress)
        self._reseed_dropout(epoch)
        bs = self.config.batch_size
        planned = time.perf_counter()  # the plan, in Python; tf.data's work overlaps the steps
        stream = self.pipelines["train"].epoch(bs, self.config.seed, epoch, self.steps)
        self.step_timer.add_input(time.perf_counter() - planned)
        history = self.model.fit(
            stream,
            epochs=1,
            steps_per_epoch=self.steps,
            callbacks=[_ReportSteps(progress, self.step_timer)],
            shuffle=False,
            verbose=0,
        )
        return {
            "train_loss": history.history["loss"][-1],
            "train_accuracy": history.history["accuracy"][-1],
        }

    def _train_epoch_workers(self, epoch: int, progress: EpochProgress) -> dict:
        """One epoch of several workers: each feeds its share of every global batch."""
        self._reseed_dropout(epoch)
        bs = self.config.batch_size
        share = self.pipelines["train"].epoch(
            bs, self.config.seed, epoch, self.steps, self.world.part(bs)
        )
        strategy = tf.distribute.get_strategy()
        batches = iter(strategy.distribute_datasets_from_function(lambda _: share))
        loss_sum = correct = 0.0
        self.step_timer.window_begin()
        for step in range(self.steps):
            loss, hits = self._worker_step(batches)
            loss_sum, correct = loss_sum + loss, correct + hits
            seen = (step + 1) * bs
            if progress.due(step):
                progress.update(step, float(loss_sum) / seen, float(correct) / seen)
                self.step_timer.window_end(step + 1)
            else:
                progress.update(step)
        seen = self.steps * bs
        return {"train_loss": float(loss_sum) / seen, "train_accuracy": float(correct) / seen}

    def is_peer_failure(self, exc: BaseException) -> bool:
        # a worker gone aborts the collectives: Unavailable, or Cancelled/Aborted after it
        errors = tf.errors
        return isinstance(
            exc, (errors.UnavailableError, errors.CancelledError, errors.AbortedError)
        )

    def is_out_of_memory(self, exc: BaseException) -> bool:
        return isinstance(exc, tf.errors.ResourceExhaustedError)

    def fits(self, batch: int) -> bool:
        size = self.spec.input_size
        x = np.zeros((batch, size, size, 3), np.float32)
        y = np.eye(self.config.num_classes, dtype=np.float32)[np.zeros(batch, int)]
        try:
            self.model.train_on_batch(x, y)
            return True
        except tf.errors.ResourceExhaustedError:
            return False

    def predict_logits(self, split: str, mirror: bool = False) -> tuple[np.ndarray, float]:
        data = self.pipelines[split]
        start = time.perf_counter()
        batches = data.evaluation(max(self.config.batch_size, 256), mirror)
        if self.world.size > 1:  # every worker predicts all of it, outside the strategy
            logits = np.concatenate([np.asarray(self._predict(x)) for x, _ in batches])
        else:
            logits = self.model.predict(batches, verbose=0)
        seconds = time.perf_counter() - start
        return np.asarray(logits, np.float32), images_per_second(len(data), seconds)

    def software(self) -> dict:
        return software()

    def hardware(self) -> dict:
        """As PyTorch's: ``devices`` names every replica's device (a strategy's replicas are
        all of one kind)."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        devices = [self.device] * replicas
        return {**hardware(self.device), "world_size": self.world.size, "devices": devices}
