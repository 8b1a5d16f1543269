"""The Keras AlexNet (Keras 3, TensorFlow, channels_last), built from the same arch.Spec.

Layer names mirror the PyTorch module paths (``features_4`` is ``features.4``), so ports
between the two are a name lookup plus the layout changes in weights/port.py.
"""

from __future__ import annotations

import numpy as np

import keras
from keras import layers, ops

from ...arch import (
    BN_EPS,
    BN_MOMENTUM,
    LRN_ALPHA,
    LRN_BETA,
    LRN_K,
    LRN_SIZE,
    Init,
    LayerInfo,
    LayerKind,
    Spec,
)
from ...errors import ConfigError, WeightsError
from ...system import atomic
from ...weights.port import check_shapes
from ...weights.registry import PretrainedSource, download_failed, explicit_file
from .precision import POLICIES

# the Keras dtype policy of each precision (training/precision.py)


def _initializer(init: Init | None):
    if init is None:
        return "glorot_uniform"
    if init.kind == "he-normal":  # Keras computes fan-out as kh*kw*out, as PyTorch does
        return keras.initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal")
    if init.kind == "normal":
        return keras.initializers.RandomNormal(0.0, init.std)
    raise ValueError(f"no Keras initializer for {init.kind!r}")


@keras.saving.register_keras_serializable("alexnet_cifar")
class GroupedConv2D(layers.Layer):
    """A grouped convolution run as one convolution per channel group, concatenated.

    The kernel is stored whole, (kh, kw, in/groups, out): exactly the Caffe npy layout and
    Conv2D(groups=g)'s. Group g's outputs see only group g's inputs. Splitting is about 6x
    faster than Conv2D(groups=2) on the CPU, which Keras can only run through XLA there.
    """

    def __init__(
        self, filters, kernel_size, strides=1, groups=2, kernel_initializer=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.strides, self.groups = (
            filters,
            kernel_size,
            strides,
            groups,
        )
        self.kernel_initializer = keras.initializers.get(kernel_initializer or "glorot_uniform")

    def build(self, input_shape):
        cin = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.kernel_size, self.kernel_size, cin // self.groups, self.filters),
            initializer=self.kernel_initializer,
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, x):
        xs = ops.split(x, self.groups, axis=-1)
        ks = ops.split(self.kernel, self.groups, axis=-1)
        y = ops.concatenate(
            [ops.conv(xi, ki, strides=self.strides, padding="valid") for xi, ki in zip(xs, ks)],
            axis=-1,
        )
        return y + self.bias

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "groups": self.groups,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable("alexnet_cifar")
class LocalResponseNorm(layers.Layer):
    """Caffe's across-channel LRN. TensorFlow does not divide alpha by the window size, so
    alpha / size is passed."""

    def call(self, x):
        import tensorflow as tf

        return tf.nn.local_response_normalization(
            x, depth_radius=LRN_SIZE // 2, alpha=LRN_ALPHA / LRN_SIZE, beta=LRN_BETA, bias=LRN_K
        )


@keras.saving.register_keras_serializable("alexnet_cifar")
class FusedBatchNorm(layers.BatchNormalization):
    """BatchNorm after a convolution through TensorFlow's fused kernel (FusedBatchNormV3).

    Keras 3's own layer casts bf16 activations to float32 and computes moments and the
    normalization as separate ops; the fused kernel takes bf16 (or float32) activations with
    float32 scale, offset and statistics, forward and backward: on the CPU the fp32 training
    step with BatchNorm runs 1.17x faster (results/fused-batchnorm-cpu). The running variance
    it updates is the batch's unbiased variance, as PyTorch's is (Keras 3's own layer uses the
    biased one); the batch is normalized with the biased one in both. Same weights, names and
    order as BatchNormalization.
    """

    def build(self, input_shape):
        if len(input_shape) != 4 or self.axis not in (-1, 3):
            raise ValueError(f"{self.name}: the fused kernel takes NHWC maps, not {input_shape}")
        super().build(input_shape)

    def call(self, inputs, training=None, mask=None):
        import tensorflow as tf

        gamma, beta = ops.cast(self.gamma, "float32"), ops.cast(self.beta, "float32")
        if training and self.trainable:
            y, mean, variance, *_ = tf.compat.v1.nn.fused_batch_norm(
                inputs, gamma, beta, epsilon=self.epsilon, data_format="NHWC", is_training=True
            )
            keep = self.momentum
            self.moving_mean.assign(self.moving_mean * keep + mean * (1.0 - keep))
            self.moving_variance.assign(self.moving_variance * keep + variance * (1.0 - keep))
        else:
            y, *_ = tf.compat.v1.nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=self.moving_mean,
                variance=self.moving_variance,
                epsilon=self.epsilon,
                data_format="NHWC",
                is_training=False,
            )
        return ops.cast(y, self.compute_dtype)


def _adaptive_pool(spec: Spec, h: int, side: int, policy: str):
    if h == side:
        return None  # at the native input size the map is already side x side
    if h % side:
        raise ConfigError(
            f"{spec.name} at {spec.input_size} px ends in a {h}x{h} map; Keras has "
            f"no adaptive pooling to {side}x{side} unless {h} is a multiple of "
            f"{side}. Use the native input size."
        )
    return layers.AveragePooling2D(h // side, h // side, name="avgpool", dtype=policy)


def _layers(spec: Spec, info: LayerInfo, policy: str, logits: bool) -> list[layers.Layer]:
    """The Keras layers of one spec layer: none (an identity pool), one, or a padding and its
    convolution (Keras convolutions pad only 'same' or 'valid')."""
    layer, kind, name = info.layer, info.layer.kind, info.keras_name
    if kind is LayerKind.CONV:
        pad = layers.ZeroPadding2D(layer.padding, name=f"{name}_pad", dtype=policy)
        conv, grouped = (
            (GroupedConv2D, {"groups": layer.groups}) if layer.groups > 1 else (layers.Conv2D, {})
        )
        init = _initializer(layer.init)
        out = conv(
            layer.out,
            layer.kernel,
            layer.stride,
            kernel_initializer=init,
            name=name,
            dtype=policy,
            **grouped,
        )
        return [pad] * bool(layer.padding) + [out]
    if kind is LayerKind.LINEAR:
        # the logits in float32 under a mixed policy too (training/precision.py)
        dtype = "float32" if logits else policy
        init = _initializer(layer.init)
        return [layers.Dense(layer.out, kernel_initializer=init, name=name, dtype=dtype)]
    if kind is LayerKind.RELU:
        return [layers.ReLU(name=name, dtype=policy)]
    if kind is LayerKind.LRN:
        # float32: TensorFlow has no bf16 LRN kernel (training/precision.py)
        return [LocalResponseNorm(name=name, dtype="float32")]
    if kind is LayerKind.MAXPOOL:
        return [layers.MaxPooling2D(layer.kernel, layer.stride, name=name, dtype=policy)]
    if kind is LayerKind.BATCHNORM:
        # Keras' momentum is the share of the old statistic: 1 - PyTorch's
        momentum = 1 - BN_MOMENTUM
        return [FusedBatchNorm(momentum=momentum, epsilon=BN_EPS, name=name, dtype=policy)]
    if kind is LayerKind.DROPOUT:
        return [layers.Dropout(layer.p, name=name, dtype=policy)]
    if kind is LayerKind.AVGPOOL:
        pool = _adaptive_pool(spec, info.in_shape[1], layer.out, policy)
        return [pool] if pool else []
    raise ValueError(f"no Keras layer for {kind.value!r}")


def layer_alone(spec: Spec, info: LayerInfo, precision: str) -> list[layers.Layer]:
    """Spec layer ``info`` as the model builds it (one or more Keras layers), on its own, in
    ``precision``'s policy (bench --layers)."""
    return _layers(spec, info, POLICIES[precision], logits=False)


def build(spec: Spec, seed: int | None = None, precision: str = "fp32") -> keras.Model:
    """The Keras model of ``spec``, its initialisation drawn from ``seed`` when given, every
    layer in the dtype policy of ``precision`` (training/precision.py). No
    layer carries a regularizer: weight decay is the optimizer's (training/optim.py), so the
    loss is the data loss, as in PyTorch."""
    if seed is not None:
        keras.utils.set_random_seed(seed)
    policy = POLICIES[precision]
    inputs = keras.Input((spec.input_size, spec.input_size, 3), name="image")
    x = inputs
    infos = list(spec.layers())
    last_linear = max(i for i, info in enumerate(infos) if info.layer.kind is LayerKind.LINEAR)
    for i, info in enumerate(infos):
        if info.section == "classifier" and info.index == 0:
            x = layers.Flatten(name="flatten", dtype=policy)(x)  # H,W,C order; see weights/port.py
        for layer in _layers(spec, info, policy, logits=i == last_linear):
            x = layer(x)
    outputs = layers.Activation("linear", dtype="float32", name="logits")(x)
    model = keras.Model(inputs, outputs, name=spec.name.replace("-", "_"))
    model.spec = spec  # as the PyTorch model carries it: port_weights reads it
    return model


# -- weight I/O, the same functions in both backends ----------------------------------------
def export_weights(model: keras.Model) -> dict:
    """Layer name -> list of arrays, for every layer that holds weights."""
    return {
        layer.name: [np.asarray(w) for w in layer.get_weights()]
        for layer in model.layers
        if layer.weights
    }


def import_weights(
    model: keras.Model, weights: dict, fresh: set[str] | frozenset = frozenset()
) -> None:
    """Copy ``weights`` (layer name -> arrays) in, every shape checked; only the layers in
    ``fresh`` (a new head) may be missing, and keep their initialisation."""
    own = {layer.name: layer for layer in model.layers if layer.weights}
    check_shapes(
        {name: [tuple(w.shape) for w in layer.weights] for name, layer in own.items()},
        {name: [tuple(np.shape(a)) for a in arrays] for name, arrays in weights.items()},
        fresh,
        "layer",
    )
    for name, arrays in weights.items():
        own[name].set_weights(arrays)


def _h5_variables(path) -> dict[str, tuple]:
    import h5py

    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(
            lambda name, obj: (
                found.__setitem__(name, obj.shape) if isinstance(obj, h5py.Dataset) else None
            )
        )
    return found


def _check_arrays(path, spec: Spec, model: keras.Model, arrays: list) -> None:
    """The arrays of a checkpoint (in ``model.weights`` order) against the model's: the
    first variable that differs is named with both shapes."""
    for i, variable in enumerate(model.weights):
        found = tuple(arrays[i].shape) if i < len(arrays) else None
        if found != tuple(variable.shape):
            raise WeightsError(
                f"{path} does not fit Keras {spec.name} (batchnorm={spec.batchnorm}, "
                f"{spec.num_classes} classes): {variable.path} expects shape "
                f"{tuple(variable.shape)}, the file holds {found or 'nothing'}"
            )
    if len(arrays) > len(model.weights):
        raise WeightsError(f"{path} holds more arrays than Keras {spec.name} has weights")


def load_file(path, spec: Spec) -> dict:
    """A Keras `.weights.h5` file (from save_file or model.save_weights), or a run checkpoint.

    Keras 3 matches .weights.h5 variables by class-ordered paths and skips what the model
    lacks without a word; so the file's variables are compared with the model's first, and
    any difference is an error, not a partial load."""
    import tempfile

    model = build(spec)
    path = str(path)
    try:
        if path.endswith(".npz"):
            with np.load(path) as f:
                arrays = [f[f"w{i}"] for i in range(sum(k.startswith("w") for k in f.files))]
            _check_arrays(path, spec, model, arrays)
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
            shapes = [(k, expected[k], found[k]) for k in reshaped[:3]]
            raise WeightsError(
                f"{path} does not fit Keras {spec.name} (batchnorm={spec.batchnorm}, "
                f"{spec.num_classes} classes): missing {missing[:3] or 'none'}, unexpected "
                f"{extra[:3] or 'none'}, other shapes {shapes or 'none'}."
                " Pass the --model/--batchnorm/--num-classes the file was saved with."
            )
        model.load_weights(path)
    except (OSError, ValueError, KeyError) as exc:
        raise WeightsError(f"{path}: cannot load it into Keras {spec.name} ({exc})") from exc
    return export_weights(model)


def read_vgg16(
    source: PretrainedSource, spec: Spec, path: str | None = None, progress: bool = True
) -> dict:
    """The registry's reader for ``keras-vgg16``: the ImageNet convolutions of
    keras.applications.VGG16 (include_top=False) by our layer names, kernels unchanged."""
    local = explicit_file(path, source)
    try:
        vgg = keras.applications.VGG16(
            include_top=False,
            weights=str(local) if local else "imagenet",
            input_shape=(spec.input_size, spec.input_size, 3),
        )
    except Exception as exc:  # get_file raises a bare Exception when the download fails
        raise download_failed(source, str(exc)) from exc
    convs = [layer for layer in vgg.layers if isinstance(layer, layers.Conv2D)]
    ours = [r.keras_name for r in spec.param_layers() if r.layer.kind is LayerKind.CONV]
    return {name: conv.get_weights() for name, conv in zip(ours, convs, strict=True)}


IMAGENET_READERS = {"keras-vgg16": read_vgg16}


def save_file(model: keras.Model, path) -> None:
    with atomic.atomic_path(path, suffix=".weights.h5") as tmp:
        model.save_weights(str(tmp))


def predict_proba(model: keras.Model, images, normalization) -> np.ndarray:
    """Softmax probabilities for uint8 NHWC images, through the training input pipeline."""
    from ...preprocess import get_augmentation
    from .pipeline import Pipeline

    data = Pipeline(
        images,
        np.zeros(len(images)),
        model.spec.input_size,
        normalization,
        get_augmentation("none"),
        model.spec.num_classes,
    )
    logits = np.asarray(model(data.transform(data.images), training=False))
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)
