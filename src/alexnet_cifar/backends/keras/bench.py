"""`alexnet-cifar bench --framework keras`: compute only, and through the tf.data pipeline."""

from __future__ import annotations

import keras

from ...arch import spec_for
from ...bench import bench_record, images_per_second
from ...config import TrainConfig
from ...preprocess import get_augmentation, get_normalization
from ...runs import environment
from ...training.precision import choose
from .model import build
from .pipeline import TFData
from .train import capability, device_scope, hardware, resolve_device, software


def bench(
    config: TrainConfig,
    data,
    *,
    batch_size: int,
    steps: int,
    warmup: int,
    naive: bool = True,
    baseline: bool = True,
) -> dict:
    """``baseline``: when the precision is not fp32, also time compute-only training and
    inference in fp32, for the speed-up."""
    device = resolve_device(config.device)
    spec = spec_for(config)
    cap = capability(config.device)
    precision = choose(config.precision, cap, "keras")
    with device_scope(config):

        def model_in(p: str) -> keras.Model:
            keras.utils.set_random_seed(0)
            model = build(spec, precision=p)
            optimizer = keras.optimizers.SGD(1e-3, momentum=0.9)
            model.compile(
                optimizer=keras.optimizers.LossScaleOptimizer(optimizer)
                if p == "fp16"
                else optimizer,
                loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                jit_compile=config.compile,
            )
            return model

        def timed(fn, *args):
            return images_per_second(lambda: fn(*args), batch_size, steps, warmup)

        model = model_in(precision)
        n = min(len(data.x_train), batch_size * (steps + warmup) * 2)

        def pipeline(x, y, augment):
            norm, aug = get_normalization("cifar"), get_augmentation(augment)
            return TFData(x, y, spec.input_size, norm, aug, spec.num_classes)

        pipe = pipeline(data.x_train[:n], data.y_train[:n], "standard")
        stream = iter(pipe.epoch(batch_size, 0, 0, n // batch_size).repeat())
        x0, y0 = next(stream)
        r = bench_record("keras", spec, batch_size, steps, warmup)
        r["precision"] = precision
        r["compute_train"] = timed(model.train_on_batch, x0, y0)
        r["pipeline_train"] = images_per_second(
            lambda: model.train_on_batch(*next(stream)), batch_size, steps, warmup
        )
        r["pipeline_only"] = images_per_second(lambda: next(stream), batch_size, steps * 4, warmup)
        eval_pipe = pipeline(data.x_test[:batch_size], data.y_test[:batch_size], "none")
        r["compute_inference"] = timed(model.predict_on_batch, x0)
        r["pipeline_inference"] = images_per_second(
            lambda: model.predict_on_batch(eval_pipe.transform(eval_pipe.images)),
            batch_size,
            steps,
            warmup,
        )
        if baseline and precision != "fp32":
            fp32 = model_in("fp32")
            r["fp32"] = {
                "compute_train": timed(fp32.train_on_batch, x0, y0),
                "compute_inference": timed(fp32.predict_on_batch, x0),
            }
            r["speedup_over_fp32"] = {k: r[k] / v for k, v in r["fp32"].items()}
    r["naive_train"] = None  # the naive PIL DataLoader is the PyTorch studies' pipeline
    r["pipeline_over_compute"] = r["pipeline_train"] / r["compute_train"]
    r["software"] = software()
    r["hardware"] = environment({**hardware(device), "native_bf16": cap.bf16})
    return r
