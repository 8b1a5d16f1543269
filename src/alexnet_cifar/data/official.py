"""The official CIFAR-10 python release: `cifar-10-python.tar.gz` or its extracted folder."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..system.safe_pickle import safe_load
from .classes import CLASS_NAMES
from .decoded import Decoded

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
ARCHIVE_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_BYTES = 170_498_071
FOLDER_NAME = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
MEMBER_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}


def md5_of_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.endswith((".tar.gz", ".tgz"))


def find_batches_folder(path: Path) -> Path | None:
    """`path` itself or its `cifar-10-batches-py` child, if it holds the batch files."""
    for candidate in (path, path / FOLDER_NAME):
        if (candidate / TEST_BATCH).is_file() or (candidate / TRAIN_BATCHES[0]).is_file():
            return candidate
    return None


def read_official(
    path: Path, checksums: dict[str, str] | None = MEMBER_MD5, archive_md5: str | None = ARCHIVE_MD5
) -> Decoded:
    """Read train and test arrays from the archive or the extracted folder.

    Each batch is checked against ``checksums`` (md5 per member) before it is unpickled;
    ``None`` skips the checks (a user's own CIFAR-format data).
    """
    if is_archive(path):
        if archive_md5 is not None:
            found = md5_of_file(path)
            if found != archive_md5:
                raise DataError(
                    f"{path}: md5 mismatch (expected {archive_md5}, found {found}): the archive "
                    "is corrupt or incomplete. Delete it and download it again, or pass "
                    "--no-verify to read a modified copy anyway."
                )
        members = _read_archive_members(path)
    else:
        folder = find_batches_folder(path)
        if folder is None:
            raise DataError(f"{path}: no CIFAR-10 batch files (data_batch_1..5, test_batch) here.")
        members = {}
        for name in (*TRAIN_BATCHES, TEST_BATCH):
            member = folder / name
            if not member.is_file():
                raise DataError(
                    f"{member}: missing. The folder must hold data_batch_1..5 and test_batch "
                    f"from {ARCHIVE_NAME}; extract the archive again or point --data-dir at it."
                )
            members[name] = (str(member), member.read_bytes())
        if (folder / "batches.meta").is_file():
            members["batches.meta"] = (
                str(folder / "batches.meta"),
                (folder / "batches.meta").read_bytes(),
            )

    if checksums is not None:
        for name, expected in checksums.items():
            source, blob = members[name]
            found = hashlib.md5(blob).hexdigest()
            if found != expected:
                raise DataError(
                    f"{source}: md5 mismatch (expected {expected}, found {found}): the file is "
                    "corrupt or truncated. Download the official archive again, or pass "
                    "--no-verify to read a modified copy anyway."
                )
    x_train, y_train = zip(*(_decode_batch(*members[n]) for n in TRAIN_BATCHES))
    x_test, y_test = _decode_batch(*members[TEST_BATCH])
    class_names = _label_names(members.get("batches.meta"))
    verification = (
        "md5 verified (archive and 6 batches)"
        if checksums is not None and archive_md5 is not None and is_archive(path)
        else "md5 verified (6 batches)"
        if checksums is not None
        else "not verified (--no-verify)"
    )
    return Decoded(
        np.concatenate(x_train), np.concatenate(y_train), x_test, y_test, class_names, verification
    )


def _read_archive_members(path: Path) -> dict[str, tuple[str, bytes]]:
    wanted = {*TRAIN_BATCHES, TEST_BATCH, "batches.meta"}
    members: dict[str, tuple[str, bytes]] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for info in tar:
                name = Path(info.name).name
                if info.isfile() and name in wanted:
                    members[name] = (f"{path}:{info.name}", tar.extractfile(info).read())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DataError(
            f"{path}: cannot read the archive ({exc}); it is truncated or corrupt. Delete it "
            "and download it again."
        ) from exc
    missing = sorted(wanted - {"batches.meta"} - set(members))
    if missing:
        raise DataError(
            f"{path}: the archive lacks {', '.join(missing)}; it is not the "
            f"CIFAR-10 python release ({ARCHIVE_NAME})."
        )
    return members


def _decode_batch(source: str, blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    batch = safe_load(blob, source)
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise DataError(
            f"{source}: not a CIFAR-10 batch (expected a dict with b'data' and "
            "b'labels'); the file is corrupt or of another data set."
        )
    data = np.asarray(batch[b"data"])
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if (
        data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != 3 * 32 * 32
        or len(labels) != len(data)
    ):
        raise DataError(
            f"{source}: data has shape {data.shape} and dtype {data.dtype} for "
            f"{len(labels)} labels; a CIFAR-10 batch holds N x 3072 uint8 rows "
            "and N labels."
        )
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{source}: labels outside 0..9; not a CIFAR-10 batch.")
    # Rows are channel-planar (all R, then G, then B), each plane row-major 32x32.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def _label_names(meta: tuple[str, bytes] | None) -> list[str]:
    if meta is None:
        return list(CLASS_NAMES["en"])
    decoded = safe_load(meta[1], meta[0])
    names = decoded.get(b"label_names") if isinstance(decoded, dict) else None
    if not names or len(names) != 10:
        raise DataError(f"{meta[0]}: no 10 label names in batches.meta; the file is corrupt.")
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]
