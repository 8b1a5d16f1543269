"""ImageNet weights for a model: read by the source's registered reader, ported to the
framework's layout, and the layers a fine-tune starts fresh left out."""

from __future__ import annotations

from ..arch import Spec, get_spec, with_input_size
from ..backends import get_backend
from ..errors import ConfigError
from . import caffe
from .port import convert_weights
from .registry import PretrainedSource, Reader, new_names, source_for


def reader_for(source: PretrainedSource) -> Reader:
    if source.reader == "numpy":
        return caffe.read_imagenet
    return get_backend(source.reader).IMAGENET_READERS[source.name]


def imagenet_weights(
    framework: str, spec: Spec, path: str | None = None, progress: bool = True
) -> dict:
    """The ImageNet weights ``framework``'s model of ``spec`` starts from.

    Args:
        framework: ``pytorch`` or ``keras``: the layout to return.
        spec: the model to fill; its classes decide whether the ImageNet head is kept.
        path: a local weights file (``--weights``); None: the download or cache.
        progress: show a download progress bar.

    Returns:
        A state_dict-like mapping for PyTorch, layer name -> arrays for Keras, without the
        layers a fine-tune starts fresh (``registry.new_layers``).
    """
    source = source_for(framework, spec.name)
    if source is None:
        raise ConfigError(f"no ImageNet weights for {framework} {spec.name}")
    imagenet_spec = with_input_size(get_spec(source.model, 1000), spec.input_size)
    weights = reader_for(source)(source, imagenet_spec, path, progress)
    layout = "keras" if source.reader == "numpy" else source.reader
    weights = convert_weights(imagenet_spec, weights, layout, framework)
    fresh = new_names(source, spec, framework)
    return {k: v for k, v in weights.items() if k not in fresh}
