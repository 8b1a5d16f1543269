"""Shared fixtures. torch/torchvision are imported before anything can import tensorflow:
the two bundled LLVMs collide (segfault) when tensorflow comes first (design.md §7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

try:  # import-order guard, see module docstring
    import torch  # noqa: F401
    import torchvision  # noqa: F401
except ImportError:
    pass

from cifar_fixtures import REPO_ROOT  # noqa: E402

SHARED_CIFAR = REPO_ROOT.parent / "shared" / "data" / "cifar10"


def real_cifar_dir() -> Path | None:
    path = Path(os.environ.get("ALEXNET_CIFAR_DATA") or SHARED_CIFAR)
    return path if path.exists() else None


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Never read or write the user's real cache from a test."""
    monkeypatch.setenv("ALEXNET_CIFAR_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="session")
def real_cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("real-cache")


@pytest.fixture(scope="session")
def cifar_real(real_cache_dir):
    """The real CIFAR-10 copy (../shared/data/cifar10 or $ALEXNET_CIFAR_DATA), decoded once."""
    path = real_cifar_dir()
    if path is None:
        pytest.skip("real CIFAR-10 copy not found; set ALEXNET_CIFAR_DATA")
    from alexnet_cifar.data import load_cifar10
    return load_cifar10(path, cache_dir=real_cache_dir, download_missing=False, progress=False)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network, and empty torch.hub / Keras caches: every download fails at once."""
    import urllib.error
    import urllib.request

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request, "urlretrieve", no_network)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
