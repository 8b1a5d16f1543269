"""ImageNet weight files in their real formats (keys, shapes, dtypes, layout), random values."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

CAFFE_SHAPES = {
    "conv1": (11, 11, 3, 96),
    "conv2": (5, 5, 48, 256),
    "conv3": (3, 3, 256, 384),
    "conv4": (3, 3, 192, 384),
    "conv5": (3, 3, 192, 256),
    "fc6": (9216, 4096),
    "fc7": (4096, 4096),
    "fc8": (4096, 1000),
}


def caffe_layers(seed: int = 0) -> dict:
    """Weights drawn as the 2012 paper initialised the net the real file was trained from,
    N(0, 0.01) in every layer: that scale suits Caffe's 0..255 inputs, where a unit-variance
    (He) draw makes fine-tuning at the paper's learning rate diverge within a few steps."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in CAFFE_SHAPES.items():
        w = (rng.standard_normal(shape) * 0.01).astype(np.float32)
        out[name] = [w, (rng.standard_normal(shape[-1]) * 0.1).astype(np.float32)]
    return out


def write_caffe_npy(path: Path, layers: dict | None = None) -> Path:
    np.save(
        path,
        np.array(layers if layers is not None else caffe_layers(), dtype=object),
        allow_pickle=True,
    )
    return path


def write_npy_with_callable(path: Path, marker: Path) -> Path:
    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "|O", "fortran_order": False, "shape": ()}
        )
        pickle.dump(np.array({"conv1": Exploit()}, dtype=object), f, protocol=3)
    return path


def write_torchvision_pth(path: Path, seed: int = 0) -> Path:
    import torch
    import torchvision

    torch.manual_seed(seed)
    model = torchvision.models.alexnet(weights=None)
    with torch.no_grad():  # weights large enough to give O(1) logits
        for p in model.parameters():
            if p.dim() > 1:
                p.normal_(0, (2.0 / p[0].numel()) ** 0.5)
            else:
                p.normal_(0, 0.1)
    torch.save(model.state_dict(), path)
    return path


def write_vgg16_notop_h5(path: Path, input_size: int = 32) -> Path:
    """The legacy HDF5 layout of vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    import keras

    vgg = keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(input_size, input_size, 3)
    )
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, vgg)
    return path
