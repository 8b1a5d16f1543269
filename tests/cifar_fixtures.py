"""Tiny CIFAR-10 sources in the real formats, built by the tests themselves."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CIFAR = REPO_ROOT.parent / "shared" / "data" / "cifar10"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
BATCHES = (
    "data_batch_1",
    "data_batch_2",
    "data_batch_3",
    "data_batch_4",
    "data_batch_5",
    "test_batch",
)


def real_cifar_dir() -> Path | None:
    """The real CIFAR-10 copy: $ALEXNET_CIFAR_DATA, else ../shared/data/cifar10 beside the
    repository; None where neither exists."""
    # absolute: the path is handed to processes and kernels that run in other folders
    path = Path(os.environ.get("ALEXNET_CIFAR_DATA") or SHARED_CIFAR).resolve()
    return path if path.exists() else None


def real_data_args(cache_dir: Path) -> list[str]:
    """The real copy and its decoded cache as command-line arguments; skips the test without."""
    import pytest

    path = real_cifar_dir()
    if path is None:
        pytest.skip("real CIFAR-10 copy not found; set ALEXNET_CIFAR_DATA")
    return ["--data-dir", str(path), "--cache-dir", str(cache_dir)]


def random_images(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    labels = np.arange(n) % 10
    return images, labels


def official_pickle(obj) -> bytes:
    """Pickle like the official (Python 2, numpy 1) batches: protocol 2, numpy.core globals."""
    blob = pickle.dumps(obj, protocol=2)
    return blob.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def batch_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    # Official rows are channel-planar: 1024 R values, then G, then B.
    data = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
    return official_pickle(
        {
            b"batch_label": b"fixture",
            b"labels": [int(x) for x in labels],
            b"data": data,
            b"filenames": [b"img%d.png" % i for i in range(len(images))],
        }
    )


def make_official(root: Path, per_batch: int = 20, n_test: int = 20, archive: bool = False):
    """A cifar-10-batches-py/ folder (or its .tar.gz). Returns (path, arrays, member md5s)."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    xs, ys, md5 = [], [], {}
    for i, name in enumerate(BATCHES):
        x, y = random_images(n_test if name == "test_batch" else per_batch, seed=i)
        blob = batch_bytes(x, y)
        (folder / name).write_bytes(blob)
        md5[name] = hashlib.md5(blob).hexdigest()
        xs.append(x)
        ys.append(y)
    (folder / "batches.meta").write_bytes(
        official_pickle({b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072})
    )
    arrays = {
        "x_train": np.concatenate(xs[:5]),
        "y_train": np.concatenate(ys[:5]),
        "x_test": xs[5],
        "y_test": ys[5],
    }
    if not archive:
        return folder, arrays, md5
    path = root / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    shutil.rmtree(folder)
    return path, arrays, md5


def make_image_folder(
    root: Path, per_class: int = 3, n_test: int = 2, classes=CLASSES[:3]
) -> tuple[Path, dict]:
    arrays = {}
    for split, n in (("train", per_class), ("test", n_test)):
        xs, ys = [], []
        for label, cls in enumerate(classes):
            (root / split / cls).mkdir(parents=True)
            x, _ = random_images(n, seed=label + (100 if split == "test" else 0))
            for i, img in enumerate(x):
                Image.fromarray(img).save(root / split / cls / f"img_{i:03d}.png")
            xs.append(x)
            ys.append(np.full(n, label))
        arrays[f"x_{split}"] = np.concatenate(xs)
        arrays[f"y_{split}"] = np.concatenate(ys)
    return root, arrays


def file_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def pickle_with_callable(marker: Path) -> bytes:
    """A pickle that would create ``marker`` when loaded by plain pickle."""

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    return pickle.dumps({b"data": Exploit(), b"labels": []}, protocol=2)


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()
