"""Shared fixtures. torch/torchvision are imported before anything can import tensorflow:
the two bundled LLVMs collide (segfault) when tensorflow comes first.

Tests live in folders by what they need: core/ (neither framework), pytorch/, keras/, both/,
cuda/ (both, on a GPU);
each test gets that folder's marker, so ``-m "not keras"`` runs what a PyTorch-only install
can run."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from alexnet_cifar.backends.startup import import_torch_first

import_torch_first()  # before any test imports TensorFlow (see the module docstring)

from cifar_fixtures import real_cifar_dir, real_data_args  # noqa: E402

# The README's test command sets a relative ALEXNET_CIFAR_DATA; the processes and notebook
# kernels the tests start inherit it and may run in other folders.
if os.environ.get("ALEXNET_CIFAR_DATA"):
    os.environ["ALEXNET_CIFAR_DATA"] = str(Path(os.environ["ALEXNET_CIFAR_DATA"]).resolve())
from weight_fixtures import write_caffe_npy, write_torchvision_pth  # noqa: E402

FOLDER_MARKERS = {
    "pytorch": ("pytorch",),
    "keras": ("keras",),
    "both": ("pytorch", "keras"),
    "cuda": ("pytorch", "keras", "cuda"),
}


# Fixtures that read the real CIFAR-10 copy: a test that asks for one is in the slow tier.
REAL_DATA_FIXTURES = {"cifar_real", "data_args", "real_cache_dir"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        for marker in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(marker)
        if REAL_DATA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Never read or write the user's real cache from a test."""
    monkeypatch.setenv("ALEXNET_CIFAR_CACHE", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def _clean_source(monkeypatch):
    """A study refuses a package source with uncommitted changes: tests of studies run from
    a clean commit whatever state the checkout is in (tests/both/test_study.py tests the
    refusal itself)."""
    monkeypatch.setattr("alexnet_cifar.study.run.source_commit", lambda: "0123456789ab")
    monkeypatch.setattr("alexnet_cifar.study.run.source_tree", lambda: "tree-0")


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


@pytest.fixture(scope="session")
def cifar_tiny():
    """A CIFAR-10 of 400 training and 100 test images made here (noise around one colour per
    class), for tests of the machinery (records, faults, resume): they need no real image and
    belong in the fast tier."""
    import numpy as np

    from alexnet_cifar.data.dataset import Cifar10

    from cifar_fixtures import CLASSES

    rng = np.random.default_rng(0)
    colours = rng.integers(40, 216, size=(10, 1, 1, 3))

    def split(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = np.arange(n) % 10
        noise = rng.normal(0, 30, size=(n, 32, 32, 3))
        return np.clip(colours[labels] + noise, 0, 255).astype(np.uint8), labels.astype(np.int64)

    x_train, y_train = split(400)
    x_test, y_test = split(100)
    return Cifar10(x_train, y_train, x_test, y_test, list(CLASSES), source="tests", kind="tiny")


@pytest.fixture(scope="session")
def pth(tmp_path_factory) -> Path:
    """alexnet-owt-7be5be79.pth in torchvision's format, random values; written once."""
    return write_torchvision_pth(tmp_path_factory.mktemp("w") / "alexnet-owt-7be5be79.pth")


@pytest.fixture(scope="session")
def npy(tmp_path_factory) -> Path:
    """bvlc_alexnet.npy in its real format, random values; written once."""
    return write_caffe_npy(tmp_path_factory.mktemp("w") / "bvlc_alexnet.npy")


class NetworkBlocked(OSError):
    """What every connection attempt raises under the ``offline`` fixture."""


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network at all, and empty torch.hub / Keras caches. Blocked at the socket, below
    every downloader the product uses (urllib, torch.hub's own urlopen, keras' get_file), so
    a test cannot download real weights even on a machine with internet."""

    def refuse(*args, **kwargs):
        raise NetworkBlocked("network blocked in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))


@pytest.fixture
def data_args(real_cache_dir) -> list[str]:
    """The real CIFAR-10 copy and its decoded cache, as command-line arguments."""
    return real_data_args(real_cache_dir)
