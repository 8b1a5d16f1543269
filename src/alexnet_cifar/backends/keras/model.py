"""The Keras AlexNet (Keras 3, TensorFlow, channels_last), built from the same arch.Spec.

Layer names mirror the PyTorch module paths (``features_4`` is ``features.4``), so ports
between the two are a name lookup plus the layout changes in weights/port.py.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from ...arch import INIT_LINEAR_STD, LRN_ALPHA, LRN_BETA, LRN_K, LRN_SIZE, Spec
from ...errors import ConfigError


def _conv_init():
    # He-normal on fan-out, as the PyTorch backend (Keras computes fan-out as kh*kw*out too).
    return keras.initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal")


@keras.saving.register_keras_serializable("alexnet_cifar")
class GroupedConv2D(layers.Layer):
    """A grouped convolution run as one convolution per channel group, concatenated.

    The kernel is stored whole, (kh, kw, in/groups, out): exactly the Caffe npy layout and
    Conv2D(groups=g)'s. Group g's outputs see only group g's inputs. Splitting is about 6x
    faster than Conv2D(groups=2) on the CPU, which Keras can only run through XLA there.
    """

    def __init__(self, filters, kernel_size, strides=1, groups=2, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.strides, self.groups = \
            filters, kernel_size, strides, groups

    def build(self, input_shape):
        cin = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(self.kernel_size, self.kernel_size, cin // self.groups,
                                  self.filters), initializer=_conv_init())
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, x):
        xs = ops.split(x, self.groups, axis=-1)
        ks = ops.split(self.kernel, self.groups, axis=-1)
        y = ops.concatenate([ops.conv(xi, ki, strides=self.strides, padding="valid")
                             for xi, ki in zip(xs, ks)], axis=-1)
        return y + self.bias

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides, "groups": self.groups}


@keras.saving.register_keras_serializable("alexnet_cifar")
class LocalResponseNorm(layers.Layer):
    """Caffe's across-channel LRN. TensorFlow does not divide alpha by the window size, so
    alpha / size is passed (design.md §2)."""

    def call(self, x):
        import tensorflow as tf
        return tf.nn.local_response_normalization(
            x, depth_radius=LRN_SIZE // 2, alpha=LRN_ALPHA / LRN_SIZE, beta=LRN_BETA, bias=LRN_K)


def _adaptive_pool(spec: Spec, h: int):
    if spec.pool_to is None or h == spec.pool_to:
        return None  # at the native input size the map is already pool_to x pool_to
    if h % spec.pool_to:
        raise ConfigError(f"{spec.name} at {spec.input_size} px ends in a {h}x{h} map; Keras has "
                          f"no adaptive pooling to {spec.pool_to}x{spec.pool_to} unless {h} is a "
                          f"multiple of {spec.pool_to}. Use the native input size.")
    k = h // spec.pool_to
    return layers.AveragePooling2D(k, k, name="avgpool")


def build(spec: Spec, weight_decay: float = 0.0) -> keras.Model:
    """``weight_decay`` > 0 adds the L2 penalty that PyTorch's coupled weight decay applies
    (gradient += wd * w) to every kernel and bias."""
    reg = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
    inputs = keras.Input((spec.input_size, spec.input_size, 3), name="image")
    x = inputs
    for info in spec.layers():
        layer, name = info.layer, info.name.replace(".", "_")
        if info.section == "avgpool":
            pool = _adaptive_pool(spec, x.shape[1])
            x = pool(x) if pool else x
            continue
        if info.section == "classifier" and info.index == 0:
            x = layers.Flatten(name="flatten")(x)  # H,W,C order; see weights/port.py
        if layer.kind == "conv":
            if layer.padding:
                x = layers.ZeroPadding2D(layer.padding, name=f"{name}_pad")(x)
            if layer.groups > 1:
                x = GroupedConv2D(layer.out, layer.kernel, layer.stride, layer.groups,
                                  name=name)(x)
            else:
                x = layers.Conv2D(layer.out, layer.kernel, layer.stride, name=name,
                                  kernel_initializer=_conv_init(), kernel_regularizer=reg,
                                  bias_regularizer=reg)(x)
        elif layer.kind == "relu":
            x = layers.ReLU(name=name)(x)
        elif layer.kind == "lrn":
            x = LocalResponseNorm(name=name)(x)
        elif layer.kind == "maxpool":
            x = layers.MaxPooling2D(layer.kernel, layer.stride, name=name)(x)
        elif layer.kind == "batchnorm":
            # PyTorch's defaults: eps 1e-5, running stats updated with momentum 0.1.
            x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)(x)
        elif layer.kind == "dropout":
            x = layers.Dropout(layer.p, name=name)(x)
        elif layer.kind == "linear":
            x = layers.Dense(layer.out, name=name,
                             kernel_initializer=keras.initializers.RandomNormal(0.0, INIT_LINEAR_STD),
                             kernel_regularizer=reg, bias_regularizer=reg)(x)
        else:
            raise ValueError(f"no Keras layer for {layer.kind!r}")
    # Logits in float32 even under a mixed-precision policy.
    outputs = layers.Activation("linear", dtype="float32", name="logits")(x)
    model = keras.Model(inputs, outputs, name=spec.name.replace("-", "_"))
    model.spec = spec  # as the PyTorch model carries it: port_weights reads it
    return model


# -- weight I/O, the same four functions in both backends ---------------------------------
def export_weights(model: keras.Model) -> dict:
    """Layer name -> list of arrays, for every layer that holds weights."""
    return {layer.name: [np.asarray(w) for w in layer.get_weights()]
            for layer in model.layers if layer.weights}


def import_weights(model: keras.Model, weights: dict, allow_missing: bool = False) -> set[str]:
    """Copy ``weights`` in; with ``allow_missing`` (a new head) layers the weights lack keep
    their fresh initialisation. Returns those layer names."""
    from ...errors import WeightsError
    own = {layer.name: layer for layer in model.layers if layer.weights}
    fresh = {name for name in own if name not in weights} if allow_missing else set()
    for name, layer in own.items():
        if name in fresh:
            continue
        if name not in weights:
            raise WeightsError(f"weights lack layer {name!r}")
        expected = [tuple(w.shape) for w in layer.weights]
        found = [tuple(np.shape(a)) for a in weights[name]]
        if expected != found:
            raise WeightsError(f"{name}: expected shapes {expected}, found {found}")
    extra = sorted(set(weights) - set(own))
    if extra:
        raise WeightsError(f"weights hold layers {', '.join(extra[:5])}, which this model lacks")
    for name, layer in own.items():
        if name not in fresh:
            layer.set_weights(weights[name])
    return fresh


def _h5_variables(path) -> dict[str, tuple]:
    import h5py
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: found.__setitem__(name, obj.shape)
                     if isinstance(obj, h5py.Dataset) else None)
    return found


def load_file(path, spec: Spec) -> dict:
    """A Keras `.weights.h5` file (from save_file or model.save_weights), or a run checkpoint.

    Keras 3 matches .weights.h5 variables by class-ordered paths and skips what the model
    lacks without a word; so the file's variables are compared with the model's first, and
    any difference is an error, not a partial load."""
    import tempfile

    from ...errors import WeightsError
    model = build(spec)
    path = str(path)
    try:
        if path.endswith(".npz"):
            with np.load(path) as f:
                arrays = [f[f"w{i}"] for i in range(sum(k.startswith("w") for k in f.files))]
            expected = [tuple(w.shape) for w in model.weights]
            if [a.shape for a in arrays] != expected:
                raise WeightsError(f"{path}: its arrays do not fit Keras {spec.name} "
                                   f"(batchnorm={spec.batchnorm}, {spec.num_classes} classes)")
            model.set_weights(arrays)
            return export_weights(model)
        with tempfile.TemporaryDirectory() as tmp:
            model.save_weights(f"{tmp}/reference.weights.h5")
            expected = _h5_variables(f"{tmp}/reference.weights.h5")
        found = _h5_variables(path)
        if found != expected:
            missing = sorted(set(expected) - set(found))
            extra = sorted(set(found) - set(expected))
            reshaped = sorted(k for k in set(found) & set(expected) if found[k] != expected[k])
            raise WeightsError(
                f"{path} does not fit Keras {spec.name} (batchnorm={spec.batchnorm}, "
                f"{spec.num_classes} classes): missing {missing[:3] or 'none'}, unexpected "
                f"{extra[:3] or 'none'}, other shapes {[(k, expected[k], found[k]) for k in reshaped[:3]] or 'none'}."
                " Pass the --model/--batchnorm/--num-classes the file was saved with.")
        model.load_weights(path)
    except (OSError, ValueError, KeyError) as exc:
        raise WeightsError(f"{path}: cannot load it into Keras {spec.name} ({exc})") from exc
    return export_weights(model)


def vgg16_imagenet(spec: Spec, path: str | None = None) -> dict:
    """The ImageNet convolutions of keras.applications.VGG16 (include_top=False), by our layer
    names: the 13 convolutions in order, kernels unchanged."""
    from ...errors import WeightsError
    from ...weights import sources
    source = str(sources.explicit_file(path, sources.VGG16_FILE)) if path else "imagenet"
    try:
        vgg = keras.applications.VGG16(include_top=False, weights=source,
                                       input_shape=(spec.input_size, spec.input_size, 3))
    except WeightsError:
        raise
    except Exception as exc:  # get_file raises a bare Exception when the download fails
        raise WeightsError(sources.offline_message(
            "Keras VGG16 ImageNet weights", "keras.applications", sources.keras_models_dir(),
            sources.VGG16_FILE, str(exc))) from exc
    convs = [layer for layer in vgg.layers if isinstance(layer, layers.Conv2D)]
    ours = [f"features_{i}" for i, l in enumerate(spec.features) if l.kind == "conv"]
    return {name: conv.get_weights() for name, conv in zip(ours, convs, strict=True)}


def save_file(model: keras.Model, path) -> None:
    from ... import atomic
    with atomic.atomic_path(path, suffix=".weights.h5") as tmp:
        model.save_weights(str(tmp))


def predict_proba(model: keras.Model, images, normalization) -> np.ndarray:
    """Softmax probabilities for uint8 NHWC images, through the training input pipeline."""
    from ...preprocess import get_augmentation
    from .pipeline import TFData
    data = TFData(images, np.zeros(len(images)), model.spec.input_size, normalization,
                  get_augmentation("none"), model.spec.num_classes)
    logits = np.asarray(model(data.transform(data.images), training=False))
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)
