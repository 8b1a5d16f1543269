"""`alexnet-cifar bench --framework keras`: compute only, and through the tf.data pipeline."""

from __future__ import annotations

import keras

from ...arch import spec_for
from ...bench import bench_record, images_per_second
from ...config import TrainConfig
from ...preprocess import get_augmentation, get_normalization
from ...runs import environment
from .model import build
from .pipeline import TFData
from .train import device_scope, hardware, resolve_device, software


def bench(
    config: TrainConfig, data, *, batch_size: int, steps: int, warmup: int, naive: bool = True
) -> dict:
    device = resolve_device(config.device)
    spec = spec_for(config)
    keras.utils.set_random_seed(0)
    with device_scope(config):
        model = build(spec)
        model.compile(
            optimizer=keras.optimizers.SGD(1e-3, momentum=0.9),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            jit_compile=config.compile,
        )
        n = min(len(data.x_train), batch_size * (steps + warmup) * 2)

        def pipeline(x, y, augment):
            norm, aug = get_normalization("cifar"), get_augmentation(augment)
            return TFData(x, y, spec.input_size, norm, aug, spec.num_classes)

        pipe = pipeline(data.x_train[:n], data.y_train[:n], "standard")
        stream = iter(pipe.epoch(batch_size, 0, 0, n // batch_size).repeat())
        x0, y0 = next(stream)
        r = bench_record("keras", spec, batch_size, steps, warmup)
        r["compute_train"] = images_per_second(
            lambda: model.train_on_batch(x0, y0), batch_size, steps, warmup
        )
        r["pipeline_train"] = images_per_second(
            lambda: model.train_on_batch(*next(stream)), batch_size, steps, warmup
        )
        r["pipeline_only"] = images_per_second(lambda: next(stream), batch_size, steps * 4, warmup)
        eval_pipe = pipeline(data.x_test[:batch_size], data.y_test[:batch_size], "none")
        r["compute_inference"] = images_per_second(
            lambda: model.predict_on_batch(x0), batch_size, steps, warmup
        )
        r["pipeline_inference"] = images_per_second(
            lambda: model.predict_on_batch(eval_pipe.transform(eval_pipe.images)),
            batch_size,
            steps,
            warmup,
        )
    r["naive_train"] = None  # the naive PIL DataLoader is the PyTorch studies' pipeline
    r["pipeline_over_compute"] = r["pipeline_train"] / r["compute_train"]
    r["software"] = software()
    r["hardware"] = environment(hardware(device))
    return r
