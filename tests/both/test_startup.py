"""Quiet start-up: a PyTorch run never imports TensorFlow (TensorBoard events are written
without it), and a Keras command hides TensorFlow's C++ start-up notices unless the user sets
TF_CPP_MIN_LOG_LEVEL; any other line TensorFlow writes meanwhile still shows."""

import os
import subprocess
import sys

import pytest

from alexnet_cifar.backends.startup import tensorflow_notices_held

from cifar_fixtures import make_official

NOTICES = ("absl::InitializeLog", "oneDNN custom operations", "cudart_stub", "cuInit")

RUN = """
import sys
from alexnet_cifar.cli import main
status = main(sys.argv[1:])
print("tensorflow imported:", "tensorflow" in sys.modules)
sys.exit(status)
"""


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    folder, _, _ = make_official(tmp_path_factory.mktemp("data"), per_batch=20, n_test=20)
    return folder


def train(framework: str, data, out, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    flags = "--model alexnet-cifar --epochs 1 --batch-size 16 --device cpu --quiet --no-verify"
    cmd = [sys.executable, "-c", RUN, "train", "--framework", framework, *flags.split()]
    cmd += ["--data-dir", str(data), "--out", str(out)]
    return subprocess.run(cmd, env={**base, **env}, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # a process of its own
def test_a_pytorch_run_imports_no_tensorflow_and_writes_readable_events(tmp_path, official):
    done = train("pytorch", official, tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert "tensorflow imported: False" in done.stdout
    assert not [n for n in NOTICES if n in done.stderr], done.stderr
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path / "run" / "tensorboard"))
    events.Reload()
    assert {"train_loss", "val_accuracy", "lr"} <= set(events.Tags()["scalars"])
    assert [e.step for e in events.Scalars("train_loss")] == [1]


@pytest.mark.slow  # a process of its own
def test_keras_start_up_notices_show_only_when_the_user_asks(tmp_path, official):
    quiet = train("keras", official, tmp_path / "quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert not [n for n in NOTICES if n in quiet.stderr], quiet.stderr
    asked = train("keras", official, tmp_path / "asked", TF_CPP_MIN_LOG_LEVEL="0")
    assert asked.returncode == 0, asked.stderr
    assert "oneDNN custom operations" in asked.stderr or "cuInit" in asked.stderr


def test_lines_that_are_not_start_up_notices_still_show(capfd, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    with tensorflow_notices_held():
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on. You may see...\n")
        os.write(2, b"E0000 some_kernel.cc:1] a real error\n")
        print("a Python warning", file=sys.stderr)
    err = capfd.readouterr().err
    assert "oneDNN" not in err
    assert "a real error" in err and "a Python warning" in err


SUBNORMALS = """
import sys, warnings
warnings.simplefilter("error")  # a partial flush fails loudly here
import torch
SUBNORMAL_BITS = 1 << 20  # float32 2**-129 (importing the backend's constant would flush)
n = 1 << 22  # split over torch's threads
def subnormal_products():
    x = torch.full((n,), SUBNORMAL_BITS, dtype=torch.int32).view(torch.float32)
    return int(torch.count_nonzero(x * 2.0))
if sys.argv[1] == "torch-first":
    print("computed before the backend:", subnormal_products())  # starts torch's threads
from alexnet_cifar.backends import get_backend
get_backend("pytorch")
counts = {"pytorch": subnormal_products()}
if sys.argv[1] == "both":
    get_backend("keras")
    import tensorflow as tf
    y = tf.bitcast(tf.fill([n], SUBNORMAL_BITS), tf.float32)
    counts["keras"] = int(tf.math.count_nonzero(y * 2.0))
print(counts)
"""


@pytest.mark.slow  # a process of its own
def test_both_frameworks_flush_subnormal_floats_to_zero_on_every_cpu_thread():
    """TensorFlow flushes subnormals to zero; the PyTorch backend makes torch do the same on
    all its threads (4M products, split over them), so the two compute alike and neither pays
    x86's slow path for them. Where torch started its threads before the backend was imported,
    a warning names the fix instead of a silent partial flush."""

    def run(mode: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-c", SUBNORMALS, mode]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300)

    both = run("both")
    assert both.returncode == 0, both.stderr
    assert "{'pytorch': 0, 'keras': 0}" in both.stdout
    late = run("torch-first")
    assert "computed before the backend: 4194304" in late.stdout  # none flushed: the control
    assert late.returncode != 0
    assert "import alexnet_cifar.backends.pytorch" in late.stderr
    assert "before the first torch computation" in late.stderr


HUGE = """
import sys
import alexnet_cifar.backends.pytorch
import torch

x = torch.ones(64 * 2**20 // 4)  # 64 MiB, touched
with open("/proc/self/smaps_rollup") as f:
    huge = [int(l.split()[1]) for l in f if l.startswith("AnonHugePages:")]
print("huge kB:", huge[0] if huge else 0)
"""


def transparent_huge_pages() -> str:
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return f.read().split("[")[1].split("]")[0]
    except (OSError, IndexError):
        return "unknown"


@pytest.mark.slow  # processes of their own
@pytest.mark.skipif(
    transparent_huge_pages() not in ("madvise", "always"), reason="no transparent huge pages"
)
def test_torch_allocates_large_tensors_in_huge_pages_unless_the_user_says_no():
    def huge_kb(**env) -> int:
        base = {k: v for k, v in os.environ.items() if k != "THP_MEM_ALLOC_ENABLE"}
        done = subprocess.run(
            [sys.executable, "-c", HUGE], env={**base, **env}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout.split("huge kB:")[1])

    assert huge_kb() >= 32 * 1024
    if transparent_huge_pages() == "madvise":  # "always" gives them whatever torch asks
        assert huge_kb(THP_MEM_ALLOC_ENABLE="0") < 32 * 1024


def test_float32_means_ieee_float32_in_both_frameworks_not_tf32():
    """training/precision.py's TF32 (off), applied when each backend is imported: TensorFlow
    would otherwise run float32 products in TF32 on an Ampere GPU, torch its convolutions."""
    from alexnet_cifar.backends import get_backend
    from alexnet_cifar.training.precision import TF32

    get_backend("pytorch")  # torch before TensorFlow (backends/startup.py says why)
    get_backend("keras")
    import tensorflow as tf
    import torch

    assert TF32 is False
    assert tf.config.experimental.tensor_float_32_execution_enabled() is TF32
    assert torch.backends.cuda.matmul.allow_tf32 is TF32
    assert torch.backends.cudnn.allow_tf32 is TF32
