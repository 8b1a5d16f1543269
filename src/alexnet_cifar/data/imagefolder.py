"""Image-folder data sets: `train/<class>/*.png|jpg` and `test/<class>/*`.

The PNG export of CIFAR-10 has this shape, and so can a user's own data set. Classes
are the sorted folder names (for CIFAR-10 that is the official label order); images are read
in (class, file name) order, so the arrays are the same on every machine.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from tqdm.auto import tqdm

from ..errors import DataError
from .decoded import Decoded

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
SPLITS = ("train", "test")


def is_image_folder(path: Path) -> bool:
    return all((path / s).is_dir() for s in SPLITS)


def list_images(root: Path) -> dict[str, list[tuple[str, Path]]]:
    """Split -> [(class name, file)], checking that both splits have the same classes."""
    listing: dict[str, list[tuple[str, Path]]] = {}
    classes_per_split: dict[str, list[str]] = {}
    for split in SPLITS:
        split_dir = root / split
        classes = sorted(p.name for p in split_dir.iterdir() if p.is_dir())
        if not classes:
            raise DataError(
                f"{split_dir}: no class folders. Expected {split}/<class>/<image>.png, "
                "one folder per class."
            )
        classes_per_split[split] = classes
        files = []
        for cls in classes:
            images = sorted(
                p for p in (split_dir / cls).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not images:
                raise DataError(
                    f"{split_dir / cls}: class folder holds no images "
                    f"({', '.join(IMAGE_SUFFIXES)})."
                )
            files.extend((cls, p) for p in images)
        listing[split] = files
    train, test = classes_per_split["train"], classes_per_split["test"]
    if train != test:
        only_train = sorted(set(train) - set(test))
        only_test = sorted(set(test) - set(train))
        raise DataError(
            f"{root}: train/ and test/ have different class folders (only in train: "
            f"{only_train or 'none'}; only in test: {only_test or 'none'}). Both splits need "
            "the same classes, or the labels would not mean the same thing."
        )
    return listing


def _decode(path: Path, size: tuple[int, int]) -> np.ndarray:
    try:
        with Image.open(path) as img:
            img.load()
            if img.size != size:
                raise DataError(
                    f"{path}: image is {img.size[0]}x{img.size[1]}, expected "
                    f"{size[0]}x{size[1]} like the rest of the data set. Resize "
                    "or remove it."
                )
            return np.asarray(img.convert("RGB"), dtype=np.uint8)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise DataError(f"{path}: unreadable image ({exc}). Replace or remove the file.") from exc


def read_image_folder(
    root: Path, size: tuple[int, int] = (32, 32), progress: bool = True
) -> Decoded:
    """Decode every image."""
    listing = list_images(root)
    class_names = sorted({cls for cls, _ in listing["train"]})
    label = {c: i for i, c in enumerate(class_names)}
    out = []
    # PIL releases the GIL while decoding, so threads use both cores without pickling arrays.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for split in SPLITS:
            files = listing[split]
            images = list(
                tqdm(
                    pool.map(lambda f: _decode(f[1], size), files),
                    total=len(files),
                    desc=f"decoding {split}",
                    unit="img",
                    disable=None if progress else True,
                    leave=False,
                )
            )
            out += [np.stack(images), np.array([label[c] for c, _ in files], dtype=np.int64)]
    verification = (
        f"decoded {len(out[0]) + len(out[2])} images, all {out[0].shape[2]}x{out[0].shape[1]} "
        "RGB (no reference checksums for an image folder)"
    )
    return Decoded(*out, class_names, verification)


def fingerprint_entries(root: Path) -> list[str]:
    """What identifies the folder's content cheaply: relative path, size, mtime per image."""
    entries = []
    for split in SPLITS:
        with os.scandir(root / split) as classes:
            class_dirs = sorted((e.name, e.path) for e in classes if e.is_dir())
        for cls, cls_path in class_dirs:
            with os.scandir(cls_path) as files:
                for e in sorted(files, key=lambda e: e.name):
                    if os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES:
                        st = e.stat()
                        entries.append(f"{split}/{cls}/{e.name}:{st.st_size}:{st.st_mtime_ns}")
    return entries
