"""ImageNet weights for a (framework, model), in that framework's layout, with the classifier
head left out when the number of classes differs from ImageNet's 1000."""

from __future__ import annotations

from ..arch import Spec, get_spec
from ..config import TrainConfig
from . import caffe
from .port import keras_to_torch, param_layers, torch_to_keras
from .sources import find_caffe_npy


def fresh_names(config: TrainConfig, spec: Spec, framework: str) -> set[str]:
    """What a pretrained start leaves at its fresh initialisation: the replaced head, and for
    vgg16 (whose ImageNet classifier is not used) the whole classifier."""
    if config.init != "imagenet":
        return set()
    layers = [p for p in param_layers(spec) if p[0].startswith("classifier")]
    if config.model != "vgg16":
        if spec.num_classes == 1000:
            return set()
        layers = layers[-1:]
    if framework == "keras":
        return {name for _, name, _ in layers}
    return {f"{prefix}.{k}" for prefix, _, _ in layers for k in ("weight", "bias")}


def imagenet_weights(config: TrainConfig, spec: Spec, progress: bool = True):
    """The weights without the fresh layers (see fresh_names). vgg16 is loaded by the Keras
    backend itself, through keras.applications."""
    from ..backends import get_backend

    source = config.pretrained_source
    imagenet_spec = get_spec(config.model, 1000)
    if source == "torchvision":
        sd = get_backend("pytorch").torchvision_state_dict(config.weights, progress)
        weights = sd if config.framework == "pytorch" else torch_to_keras(imagenet_spec, sd)
    elif source == "caffe-npy":
        path = find_caffe_npy(config.weights)
        keras_layout = caffe.to_keras_layout(imagenet_spec, caffe.read_npy_dict(path), str(path))
        weights = keras_layout if config.framework == "keras" else \
            keras_to_torch(imagenet_spec, keras_layout)
    else:
        raise ValueError(source)
    fresh = fresh_names(config, spec, config.framework)
    return {k: v for k, v in weights.items() if k not in fresh}
