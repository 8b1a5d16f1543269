"""Download of the official archive, with a progress bar and an md5 check before it is kept."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

from ..errors import DataError
from ..system import atomic


def download(url: str, dest: Path, md5: str, timeout: float = 60.0, progress: bool = True) -> Path:
    """Fetch ``url`` to ``dest``; the file appears only once complete and its md5 matches."""
    h = hashlib.md5()
    try:
        with atomic.atomic_path(dest) as tmp:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    desc=f"downloading {dest.name}",
                    disable=None if progress else True,
                ) as bar:
                    while block := response.read(1 << 20):
                        out.write(block)
                        h.update(block)
                        bar.update(len(block))
            if h.hexdigest() != md5:
                raise DataError(
                    f"{url}: downloaded file has md5 {h.hexdigest()}, expected {md5}; "
                    "nothing was kept. Try again; if it persists, download by hand "
                    "and pass --data-dir."
                )
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DataError(f"could not download {url} ({exc}).") from exc
    return dest
