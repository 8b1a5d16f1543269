"""Training and evaluation with the Keras toolkit: model.fit on tf.data, callbacks for the
shared run records, checkpoints (atomic, resumable), NaN stop and TensorBoard."""

from __future__ import annotations

import math
import time

import keras
import numpy as np
import tensorflow as tf

from ... import atomic
from ...config import TrainConfig
from ...data import Cifar10
from ...errors import ConfigError, TrainingDiverged
from ...config import PLATEAU_FACTOR, PLATEAU_PATIENCE
from ...experiment import (epochs_without_improvement, lr_factor, make_splits, rerun_evaluation, results_record,
                           run_training, spec_for, steps_per_epoch, warn_if_at_chance)
from ...preprocess import get_augmentation, get_normalization
from ...runs import RunDir
from ...weights.pretrained import fresh_names, imagenet_weights
from .model import build
from .pipeline import TFData

CHECKPOINT = ".keras.npz"


def resolve_device(name: str) -> str:
    gpus = tf.config.list_physical_devices("GPU")
    if name == "cuda" and not gpus:
        raise ConfigError("--device cuda: TensorFlow sees no GPU (tensorflow-cpu, or no CUDA "
                          "build: pip install 'tensorflow[and-cuda]'); use --device cpu or auto")
    return "gpu" if gpus and name in ("auto", "cuda") else "cpu"


def software() -> dict:
    return {"tensorflow": tf.__version__, "keras": keras.__version__,
            "keras_backend": keras.backend.backend()}


def hardware(device: str) -> dict:
    info = {"device": device}
    if device == "gpu":
        details = tf.config.experimental.get_device_details(tf.config.list_physical_devices("GPU")[0])
        info["gpu"] = details.get("device_name", "GPU")
    return info


class TableSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The shared per-step learning-rate curve (experiment.lr_factor), as a lookup table."""

    def __init__(self, base_lr: float, factors: np.ndarray):
        self.base_lr = base_lr
        self.factors = tf.constant(factors, tf.float32)

    def __call__(self, step):
        i = tf.minimum(tf.cast(step, tf.int32), tf.shape(self.factors)[0] - 1)
        return self.base_lr * tf.gather(self.factors, i)

    def get_config(self):
        return {"base_lr": self.base_lr, "factors": self.factors.numpy().tolist()}


def make_schedule(config: TrainConfig, steps: int) -> TableSchedule:
    total = steps * config.epochs
    factors = np.array([lr_factor(config.schedule, s, total, steps, config.step_size)
                        for s in range(total)], dtype=np.float32)
    return TableSchedule(config.lr, factors)


def make_optimizer(config: TrainConfig, steps: int, backbone=()) -> keras.optimizers.Optimizer:
    """``backbone``: variables trained at lr x --backbone-lr-factor (discriminative)."""
    # ReduceLROnPlateau sets a plain learning rate; the other schedules are a per-step table.
    lr = config.lr if config.schedule == "plateau" else make_schedule(config, steps)
    cls, kwargs = {"sgd": (keras.optimizers.SGD, {"momentum": config.momentum}),
                   "adam": (keras.optimizers.Adam, {}),
                   "adamw": (keras.optimizers.AdamW, {"weight_decay": config.weight_decay})
                   }[config.optimizer]
    if backbone:
        cls = _discriminative(cls, backbone, config.backbone_lr_factor)
    return cls(lr, **kwargs)


def _discriminative(base, backbone, factor: float):
    """Keras 3 optimizers have no parameter groups, but call update_step once per variable
    with the learning rate: scaling it there gives the backbone its own rate. The TensorFlow
    backend passes the underlying tf.Variable, so both it and the Keras variable are known."""
    ids = {id(v) for v in backbone} | {id(getattr(v, "value", v)) for v in backbone}

    class Discriminative(base):
        def update_step(self, gradient, variable, learning_rate):
            if id(variable) in ids:
                learning_rate = learning_rate * factor
            return super().update_step(gradient, variable, learning_rate)

    Discriminative.__name__ = f"Discriminative{base.__name__}"
    return Discriminative


class RunRecorder(keras.callbacks.Callback):
    """metrics.jsonl, checkpoint and state after every epoch; stops on a NaN loss."""

    def __init__(self, trainer: "Trainer", callbacks=()):
        super().__init__()
        self.trainer, self.user_callbacks = trainer, list(callbacks)
        self.diverged: str | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        loss = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss) and self.diverged is None:
            self.diverged = f"{loss} in epoch {self.epoch + 1} (step {batch + 1})"
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epoch = epoch + 1
        if self.diverged:
            return  # nothing of this epoch is kept
        seconds = time.perf_counter() - self.start
        t = self.trainer
        lr = self.model.optimizer.learning_rate
        record = {"epoch": epoch, "train_loss": float(logs["loss"]),
                  "train_accuracy": float(logs["accuracy"]), "seconds": seconds,
                  "images_per_second": t.steps * t.config.batch_size / seconds,
                  "lr": float(lr.numpy() if hasattr(lr, "numpy") else lr),
                  "val_loss": float(logs["val_loss"]) if "val_loss" in logs else None,
                  "val_accuracy": float(logs["val_accuracy"]) if "val_accuracy" in logs else None}
        t.save_checkpoint(epoch + 1)
        t.run.append_epoch(record)
        warn_if_at_chance(t.config, record)
        t.run.set_state("running", epochs_done=epoch + 1)
        for cb in self.user_callbacks:
            cb(epoch, record, self.model)

    def on_train_begin(self, logs=None):
        self.epoch = self.trainer.start_epoch


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras' EarlyStopping on val_accuracy, picking up the epochs already recorded."""

    def __init__(self, run: RunDir, patience: int):
        super().__init__(monitor="val_accuracy", mode="max", patience=patience)
        self.run = run

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        previous = [r["val_accuracy"] for r in self.run.metrics()]
        if previous:
            self.best = max(previous)
            self.wait = epochs_without_improvement(self.run.metrics())


class Trainer:
    def __init__(self, config: TrainConfig, run: RunDir, data: Cifar10, progress: bool = True,
                 load_pretrained: bool = True):
        self.config, self.run, self.data, self.progress = config, run, data, progress
        self.device = resolve_device(config.device)
        self.spec = spec_for(config)
        self.splits = make_splits(config, data)
        norm = get_normalization(config.normalization_name)
        common = dict(input_size=self.spec.input_size, normalization=norm,
                      num_classes=config.num_classes, seed=config.seed)
        none = get_augmentation("none")
        self.train_data = TFData(data.x_train[self.splits.train], data.y_train[self.splits.train],
                                 augmentation=get_augmentation(config.augment), **common)
        self.val_data = TFData(data.x_train[self.splits.val], data.y_train[self.splits.val],
                               augmentation=none, **common)
        self.test_data = TFData(data.x_test[self.splits.test], data.y_test[self.splits.test],
                                augmentation=none, **common)
        self.steps = steps_per_epoch(len(self.train_data), config.batch_size)
        keras.utils.set_random_seed(config.seed)
        keras.mixed_precision.set_global_policy(
            "mixed_bfloat16" if config.amp and self.device == "gpu" else "float32")
        decay = config.weight_decay if config.optimizer in ("sgd", "adam") else 0.0
        self.model = build(self.spec, weight_decay=decay)
        self.fresh = fresh_names(config, self.spec, "keras")
        if config.init == "imagenet" and load_pretrained:
            self._load_pretrained()
        self.model.compile(
            optimizer=make_optimizer(config, self.steps, self._finetune()),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True,
                                                      label_smoothing=config.label_smoothing),
            metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
            jit_compile=config.compile)
        self.start_epoch = 0

    def _load_pretrained(self) -> None:
        from .model import import_weights, vgg16_imagenet
        if self.config.pretrained_source == "keras-vgg16":
            weights = vgg16_imagenet(self.spec, self.config.weights)
        else:
            weights = imagenet_weights(self.config, self.spec, self.progress)
        fresh = import_weights(self.model, weights, allow_missing=True)
        assert fresh == self.fresh, (fresh, self.fresh)

    def _finetune(self) -> list:
        """Freeze the backbone (head) or return its variables for a lower rate (discriminative)."""
        config = self.config
        if config.init == "scratch" or config.finetune == "full":
            return []
        backbone = [l for l in self.model.layers if l.weights and l.name not in self.fresh]
        if config.finetune == "discriminative":
            return [w for l in backbone for w in l.trainable_weights]
        if not self.fresh:
            raise ConfigError("--finetune head with the ImageNet classifier kept (1000 classes) "
                              "leaves nothing to train; use --finetune full or discriminative")
        for layer in backbone:
            layer.trainable = False
        return []

    def save_checkpoint(self, epochs_done: int) -> None:
        arrays = {f"w{i}": w for i, w in enumerate(self.model.get_weights())}
        arrays.update({f"o{i}": np.asarray(v) for i, v in
                       enumerate(self.model.optimizer.variables)})
        with atomic.atomic_path(self.run.checkpoint(CHECKPOINT), suffix=".npz") as tmp:
            np.savez(tmp, epochs_done=epochs_done, **arrays)

    def load_checkpoint(self) -> None:
        path = self.run.checkpoint(CHECKPOINT)
        if not path.exists():
            return
        with np.load(path) as f:
            n_w = sum(1 for k in f.files if k.startswith("w"))
            self.model.set_weights([f[f"w{i}"] for i in range(n_w)])
            self.model.optimizer.build(self.model.trainable_variables)
            for i, v in enumerate(self.model.optimizer.variables):
                v.assign(f[f"o{i}"])
            self.start_epoch = int(f["epochs_done"])

    def fit(self, callbacks=()) -> list[dict]:
        self.run.truncate_metrics(self.start_epoch)
        self.run.set_state("running", epochs_done=self.start_epoch)
        recorder = RunRecorder(self, callbacks)
        cbs = [recorder, keras.callbacks.TensorBoard(str(self.run.tensorboard_dir))]
        if self.config.schedule == "plateau":
            cbs.append(keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss", factor=PLATEAU_FACTOR, patience=PLATEAU_PATIENCE, verbose=0))
        if self.config.early_stopping:
            cbs.append(ResumableEarlyStopping(self.run, self.config.early_stopping))
        if self.start_epoch >= self.config.epochs:
            return self.run.metrics()
        bs = self.config.batch_size
        with self.run.guard():
            self.model.fit(
                self.train_data.training(bs, self.config.seed, self.start_epoch,
                                         self.config.epochs, self.steps),
                epochs=self.config.epochs, initial_epoch=self.start_epoch,
                steps_per_epoch=self.steps,
                validation_data=self.val_data.evaluation(max(bs, 256)) if len(self.val_data) else None,
                callbacks=cbs, shuffle=False, verbose=(1 if self.progress else 0) if _tty() else 2 * self.progress)
            if recorder.diverged:
                raise TrainingDiverged(
                    f"the training loss became {recorder.diverged}; the run stopped and its last "
                    f"good checkpoint (after epoch {len(self.run.metrics())}) is kept in "
                    f"{self.run.path}. Lower --lr (now {self.config.lr}), add --batchnorm, or "
                    "check the input normalization.")
        return self.run.metrics()

    def predict(self, data: TFData) -> tuple[np.ndarray, float]:
        start = time.perf_counter()
        logits = self.model.predict(data.evaluation(max(self.config.batch_size, 256)), verbose=0)
        seconds = time.perf_counter() - start
        return np.argmax(logits, axis=1), len(data) / seconds

    def evaluate(self) -> dict:
        preds, ips = self.predict(self.test_data)
        results = results_record(self.config, self.spec, self.data, self.splits, preds,
                                 self.run.metrics(), ips, software(), hardware(self.device))
        self.run.write_results(results)
        self.run.set_state("completed", epochs_done=len(self.run.metrics()))
        return results


def _tty() -> bool:
    import sys
    return sys.stdout.isatty()


def _device_scope(config: TrainConfig):
    return tf.device("/GPU:0" if resolve_device(config.device) == "gpu" else "/CPU:0")


def train(config: TrainConfig, data: Cifar10 | None = None, *, resume: bool = False,
          progress: bool = True, callbacks=()) -> dict:
    """Train (or continue) the run in ``config.out`` and evaluate it on the test set."""
    return run_training(Trainer, CHECKPOINT, config, data, resume=resume, progress=progress,
                        callbacks=callbacks, scope=_device_scope)


def evaluate(run_dir, data: Cifar10 | None = None, progress: bool = True) -> dict:
    """Re-evaluate a run's last checkpoint on its test images; rewrites results.json."""
    return rerun_evaluation(Trainer, CHECKPOINT, run_dir, data, progress, scope=_device_scope)
