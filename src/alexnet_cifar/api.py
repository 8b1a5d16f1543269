"""The Python API for notebooks: the same records the CLI writes, as return values."""

from __future__ import annotations

import math

from .backends import get_backend
from .config import TrainConfig
from .errors import ConfigError
from .experiment import spec_for


def build_model(framework: str, model: str, *, num_classes: int = 10, batchnorm: bool = False,
                input_size: int | None = None, init: str = "scratch",
                weights: str | None = None):
    """A plain ``torch.nn.Module`` (NCHW) or ``keras.Model`` (NHWC) taking a preprocessed
    float batch at the model's input size and returning logits.

    ``init="imagenet"`` loads ImageNet weights (``weights``: a local file, else download or
    cache); with ``num_classes=1000`` the ImageNet classifier is kept, otherwise the last
    layer (for vgg16 the whole head) is new. Preprocess inputs with the weights' convention:
    ``alexnet_cifar.preprocess.get_normalization(TrainConfig(...).normalization_name)``."""
    config = TrainConfig(framework=framework, model=model, num_classes=num_classes,
                         batchnorm=batchnorm, input_size=input_size, init=init,
                         weights=weights).validate()
    backend = get_backend(framework)
    spec = spec_for(config)
    net = backend.build(spec)
    if init == "imagenet":
        if config.pretrained_source == "keras-vgg16":
            loaded = backend.vgg16_imagenet(spec, weights)
        else:
            from .weights.pretrained import imagenet_weights
            loaded = imagenet_weights(config, spec)
        backend.import_weights(net, loaded, allow_missing=True)
    return net


def count_parameters(model) -> int:
    if hasattr(model, "trainable_weights"):  # keras.Model; BN statistics are not parameters
        return int(sum(math.prod(w.shape) for w in model.trainable_weights))
    return int(sum(p.numel() for p in model.parameters()))


def preflight(config: TrainConfig, resume: bool = False):
    """Every check that needs no data: values, framework installed, device, run directory.
    Returns the backend module."""
    from .runs import RunDir
    config.validate()
    if not config.out:
        raise ConfigError("no run directory: pass --out RUN_DIR")
    backend = get_backend(config.framework)
    backend.resolve_device(config.device)
    if resume:
        RunDir.open(config.out)
    elif RunDir(config.out).config_file.exists():
        raise ConfigError(f"{config.out} already holds a run; continue it with "
                          f"--resume {config.out}, or choose another --out")
    return backend


def train(config: TrainConfig | dict, *, data=None, resume: bool = False, progress: bool = True,
          callbacks=()) -> dict:
    """Train ``config`` (a TrainConfig or dict; ``out`` names the run directory) and return
    the results record written to ``results.json``."""
    if isinstance(config, dict):
        config = TrainConfig.from_dict(config)
    if not isinstance(config, TrainConfig):
        raise ConfigError(f"train() takes a TrainConfig or a dict, not {type(config).__name__}")
    backend = preflight(config, resume)
    return backend.train(config, data, resume=resume, progress=progress, callbacks=callbacks)


def evaluate(run_dir, *, data=None, data_dir: str | None = None, progress: bool = True) -> dict:
    """Re-evaluate a finished or interrupted run from its checkpoint; returns results.json."""
    from .runs import RunDir
    config = RunDir.open(run_dir).config()
    if data_dir is not None:
        config.data_dir = data_dir
        RunDir(run_dir).save_config(config)
    return get_backend(config.framework).evaluate(run_dir, data, progress=progress)


def _framework_of(model) -> str:
    return "keras" if hasattr(model, "trainable_weights") else "pytorch"


def port_weights(src, dst) -> None:
    """Copy the weights of ``src`` into ``dst``: two models of the same spec built by
    build_model, PyTorch and Keras in either direction (or the same framework twice)."""
    spec_src, spec_dst = getattr(src, "spec", None), getattr(dst, "spec", None)
    if spec_src is None or spec_dst is None:
        raise ConfigError("port_weights needs models made by build_model (they carry their spec)")
    if spec_src != spec_dst:
        raise ConfigError(f"cannot port {spec_src.name} ({spec_src.num_classes} classes, "
                          f"batchnorm={spec_src.batchnorm}) into {spec_dst.name} "
                          f"({spec_dst.num_classes} classes, batchnorm={spec_dst.batchnorm})")
    fw_src, fw_dst = _framework_of(src), _framework_of(dst)
    weights = get_backend(fw_src).export_weights(src)
    weights = convert_weights(spec_src, weights, fw_src, fw_dst)
    get_backend(fw_dst).import_weights(dst, weights)


def convert_weights(spec, weights: dict, src: str, dst: str) -> dict:
    """Weights exported by backend ``src`` -> the layout backend ``dst`` imports."""
    from .weights.port import keras_to_torch, torch_to_keras
    if src == dst:
        return weights
    return torch_to_keras(spec, weights) if src == "pytorch" else keras_to_torch(spec, weights)
