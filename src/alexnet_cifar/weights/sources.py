"""Where each set of ImageNet weights comes from, and where a user without internet puts it."""

from __future__ import annotations

import os
from pathlib import Path

from ..data.cache import cache_root
from ..errors import WeightsError

TORCHVISION_URL = "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth"
TORCHVISION_FILE = "alexnet-owt-7be5be79.pth"  # torch.hub checks the hash prefix 7be5be79
CAFFE_FILE = "bvlc_alexnet.npy"
CAFFE_PAGE = "https://www.cs.toronto.edu/~guerzhoy/tf_alexnet/"
VGG16_FILE = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"


def torch_hub_dir() -> Path:
    home = os.environ.get("TORCH_HOME") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch"
    return Path(home) / "hub" / "checkpoints"


def keras_models_dir() -> Path:
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "models"


def weights_dir() -> Path:
    return cache_root() / "weights"


def explicit_file(path: str | None, what: str) -> Path | None:
    if path is None:
        return None
    p = Path(path).expanduser()
    if not p.is_file():
        raise WeightsError(f"--weights {path}: no such file (expected {what})")
    return p


def find_caffe_npy(path: str | None) -> Path:
    """--weights, else the cache folder; the npy has no official download with a checksum."""
    found = explicit_file(path, CAFFE_FILE)
    if found:
        return found
    cached = weights_dir() / CAFFE_FILE
    if cached.is_file():
        return cached
    raise WeightsError(
        f"the Caffe AlexNet weights are not here: pass --weights path/to/{CAFFE_FILE} "
        f"(from {CAFFE_PAGE}), or put the file at {cached}")


def offline_message(what: str, url: str, folder: Path, file: str, reason: str) -> str:
    return (f"could not download {what} from {url} ({reason}). Without internet, put {file} "
            f"into {folder}/ or pass --weights path/to/{file}")
