"""Where a run computes: the machine's GPUs read from the driver's files, --device cuda refused
in one line that says why and what to install, auto never falling back to the CPU in silence,
and the batch size suggested after running out of memory."""

import warnings

import pytest

from alexnet_cifar.errors import ConfigError
from alexnet_cifar.system.gpuinfo import nvidia_gpus
from alexnet_cifar.training.devices import use_gpu
from alexnet_cifar.training.memory import largest_fitting_batch, out_of_memory_message


def test_gpus_are_read_from_the_driver_files(tmp_path):
    for bus, model in [("0000:01:00.0", "NVIDIA H100 80GB HBM3"), ("0000:02:00.0", "Tesla T4")]:
        (tmp_path / bus).mkdir()
        (tmp_path / bus / "information").write_text(f"Model: \t\t {model}\nIRQ:   42\n")
    assert nvidia_gpus(tmp_path) == ["NVIDIA H100 80GB HBM3", "Tesla T4"]
    assert nvidia_gpus(tmp_path / "no-driver") == []


def choose(requested, *, visible=False, cuda_build=True, gpus=(), framework="keras"):
    return use_gpu(
        requested,
        framework,
        visible=visible,
        build="TensorFlow 2.21.0",
        cuda_build=cuda_build,
        gpus=list(gpus),
    )


def test_a_visible_gpu_is_used_unless_the_cpu_is_asked_for():
    assert choose("auto", visible=True) and choose("cuda", visible=True)
    assert not choose("cpu", visible=True)


def test_cuda_on_a_machine_without_gpu_says_so():
    with pytest.raises(ConfigError, match="no NVIDIA GPU.*--device cpu"):
        choose("cuda")


@pytest.mark.parametrize(
    "framework, cuda_build, fix",
    [
        ("keras", False, r"CPU-only build.*Tesla T4.*alexnet-cifar\[keras,cuda\]"),
        ("keras", True, r"cannot reach the Tesla T4.*alexnet-cifar\[cuda\]"),
        ("pytorch", False, r"CPU-only build.*--force-reinstall torch==2.14.1"),
        ("pytorch", True, r"cannot reach the Tesla T4.*driver"),
    ],
)
def test_cuda_the_build_cannot_use_names_the_fix(framework, cuda_build, fix):
    with pytest.raises(ConfigError, match=f"^--device cuda: .*{fix}"):
        choose("cuda", cuda_build=cuda_build, gpus=["Tesla T4"], framework=framework)


def test_auto_warns_once_when_it_leaves_a_gpu_unused_and_is_silent_without_one():
    with pytest.warns(RuntimeWarning, match="auto trains on the CPU: .*CPU-only build"):
        assert not choose("auto", cuda_build=False, gpus=["Tesla T4"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not choose("auto")


def test_the_suggested_batch_is_the_largest_halving_that_fits():
    tried = []

    def fits(batch):
        tried.append(batch)
        return batch <= 100

    assert largest_fitting_batch(fits, 512) == 64
    assert tried == [256, 128, 64]
    assert largest_fitting_batch(lambda b: False, 8) is None
    assert "--batch-size 64 fits" in out_of_memory_message("Tesla T4", 512, 64, "kept")
    assert "not even one image" in out_of_memory_message("Tesla T4", 512, None, "kept")
