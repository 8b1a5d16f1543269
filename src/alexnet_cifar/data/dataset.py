"""Find, verify, decode and cache CIFAR-10; the single entry point is :func:`load_cifar10`.

Resolution order: ``data_dir`` argument > ``$ALEXNET_CIFAR_DATA`` > the cache folder > download.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import DataError
from . import cache, download, imagefolder, official

ENV_DATA = "ALEXNET_CIFAR_DATA"


@dataclass
class Cifar10:
    """CIFAR-10 (or an image folder of its shape) as uint8 NHWC arrays and int64 labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    source: str = ""
    kind: str = ""
    verification: str = ""
    from_cache: bool = field(default=False, compare=False)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def _source_kind(path: Path) -> str:
    if official.is_archive(path):
        return "official-archive"
    if path.is_dir():
        if official.find_batches_folder(path) is not None:
            return "official-folder"
        if imagefolder.is_image_folder(path):
            return "image-folder"
        if (path / official.ARCHIVE_NAME).is_file():
            return "official-archive"
    return ""


def _describe_expected() -> str:
    return (
        f"{official.ARCHIVE_NAME}, a {official.FOLDER_NAME}/ folder, or an image folder "
        "with train/<class>/ and test/<class>/"
    )


def resolve_source(data_dir: str | os.PathLike | None, cache_dir: Path) -> Path | None:
    """The local source to read, or None when only a download can help."""
    if data_dir is not None:
        origin, path = "--data-dir", Path(data_dir)
    elif os.environ.get(ENV_DATA):
        origin, path = f"${ENV_DATA}", Path(os.environ[ENV_DATA])
    else:
        archive = cache_dir / official.ARCHIVE_NAME
        return archive if archive.is_file() else None
    if not path.exists():
        raise DataError(
            f"{origin} {path}: no such file or folder. Point it at {_describe_expected()}."
        )
    if path.is_dir() and not any(path.iterdir()):
        raise DataError(
            f"{origin} {path}: the folder is empty. Put {_describe_expected()} there, "
            "or unset it to download the official archive."
        )
    kind = _source_kind(path)
    if not kind:
        raise DataError(f"{origin} {path}: not a CIFAR-10 source. Expected {_describe_expected()}.")
    if path.is_dir() and kind == "official-archive":
        path = path / official.ARCHIVE_NAME
    return path


def check_source(
    data_dir: str | os.PathLike | None = None, *, cache_dir=None, download_missing: bool = True
) -> None:
    """Raise the error `load_cifar10` would raise for a missing or unreadable source, without
    reading it: a command that writes records checks this first, so that a bad path leaves
    nothing behind."""
    root = cache.cache_root(cache_dir)
    if resolve_source(data_dir, root) is None and not download_missing:
        raise DataError(_not_found_message(root, "downloading is turned off"))


def _fingerprint(path: Path, kind: str, verify: bool) -> str:
    if kind == "image-folder":
        parts = imagefolder.fingerprint_entries(path)
    else:
        files = (
            [path]
            if kind == "official-archive"
            else [
                official.find_batches_folder(path) / n
                for n in (*official.TRAIN_BATCHES, official.TEST_BATCH)
            ]
        )
        # A missing file is left to the reader, which names it in its error.
        parts = [
            f"{f.resolve()}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files if f.exists()
        ]
    return cache.fingerprint([kind, f"verify={verify}", *parts])


def load_cifar10(
    data_dir: str | os.PathLike | None = None,
    *,
    cache_dir=None,
    download_missing: bool = True,
    verify: bool = True,
    use_cache: bool = True,
    progress: bool = True,
    url: str = official.URL,
    archive_md5: str = official.ARCHIVE_MD5,
    member_md5: dict[str, str] = official.MEMBER_MD5,
) -> Cifar10:
    """Load CIFAR-10 from the first source found; decode once, then serve from the cache.

    Args:
        data_dir: cifar-10-python.tar.gz, a cifar-10-batches-py/ folder (or its parent), or an
            image folder ``train/<class>/*`` + ``test/<class>/*``; default
            ``$ALEXNET_CIFAR_DATA``, then the cache folder, then a download.
        cache_dir: where the archive and the decoded arrays are cached (default
            ``$ALEXNET_CIFAR_CACHE``, else ``$XDG_CACHE_HOME/alexnet-cifar``).
        download_missing: download the official archive when no local copy is found.
        verify: check the official files' md5 sums; False reads a user's own data in that
            format (image folders are checked image by image instead).
        use_cache: read and write the decoded-array cache.
        progress: show progress bars.
        url, archive_md5, member_md5: the download and its checksums (the official release's).

    Returns:
        uint8 NHWC train and test images with int64 labels, class names and where they came
        from.
    """
    root = cache.cache_root(cache_dir)
    path = resolve_source(data_dir, root)
    if path is None:
        if not download_missing:
            raise DataError(_not_found_message(root, "downloading is turned off"))
        try:
            path = download.download(
                url, root / official.ARCHIVE_NAME, archive_md5, progress=progress
            )
        except DataError as exc:
            raise DataError(_not_found_message(root, str(exc))) from exc
    path = path.resolve()
    kind = _source_kind(path)
    key = _fingerprint(path, kind, verify)
    cache_file = root / "decoded" / f"cifar10-{key}.npz"
    if use_cache and (hit := cache.load(cache_file)) is not None:
        arrays, meta = hit
        return Cifar10(
            **arrays,
            class_names=meta["class_names"],
            source=str(path),
            kind=kind,
            verification=meta["verification"],
            from_cache=True,
        )

    if kind == "image-folder":
        decoded = imagefolder.read_image_folder(path, progress=progress)
    else:
        decoded = official.read_official(
            path,
            checksums=member_md5 if verify else None,
            archive_md5=archive_md5 if verify else None,
        )
    verification = decoded.verification
    data = Cifar10(
        decoded.x_train,
        decoded.y_train,
        decoded.x_test,
        decoded.y_test,
        class_names=list(decoded.class_names),
        source=str(path),
        kind=kind,
        verification=verification,
    )
    if use_cache:
        cache.save(
            cache_file,
            {k: getattr(data, k) for k in cache.ARRAYS},
            {"class_names": data.class_names, "verification": verification, "source": str(path)},
        )
    return data


def _not_found_message(cache_dir: Path, reason: str) -> str:
    return (
        f"CIFAR-10 not found: no --data-dir given, ${ENV_DATA} is unset, "
        f"{cache_dir / official.ARCHIVE_NAME} does not exist, and {reason.rstrip('.')}. Pass "
        f"--data-dir (or set ${ENV_DATA}) to {_describe_expected()}; or, with internet, "
        f"run again to download {official.URL} ({official.ARCHIVE_BYTES:,} bytes)."
    )


def keep_classes(data: Cifar10, names: list[str]) -> Cifar10:
    """Only the images of the classes ``names``, in their original order, relabelled 0..k-1
    in the order of ``names``: the same images and labels whichever framework trains on them."""
    missing = [n for n in names if n not in data.class_names]
    if missing:
        raise DataError(
            f"--classes {' '.join(missing)}: not in this data's classes "
            f"({', '.join(data.class_names)})"
        )
    relabel = np.full(len(data.class_names), -1, dtype=np.int64)
    relabel[[data.class_names.index(n) for n in names]] = np.arange(len(names))
    kept_train, kept_test = relabel[data.y_train] >= 0, relabel[data.y_test] >= 0
    return replace(
        data,
        x_train=data.x_train[kept_train],
        y_train=relabel[data.y_train[kept_train]],
        x_test=data.x_test[kept_test],
        y_test=relabel[data.y_test[kept_test]],
        class_names=list(names),
    )


def in_channel_order(data: Cifar10, order: str) -> Cifar10:
    """``data`` with its images' channels in ``order`` (rgb: as they are; bgr: reversed), the
    same for every split and both frameworks."""
    if order == "rgb":
        return data
    return replace(
        data,
        x_train=np.ascontiguousarray(data.x_train[..., ::-1]),
        x_test=np.ascontiguousarray(data.x_test[..., ::-1]),
    )
