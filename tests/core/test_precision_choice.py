"""The precision choice (training/precision.py), without a framework: what auto picks on each
kind of device, and the refusals."""

import pytest

from alexnet_cifar import TrainConfig
from alexnet_cifar.config import upgrade_config
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.system.cpuinfo import cpu_flags, cpu_model
from alexnet_cifar.training.precision import Capability, choose, cpu_native_bf16, cuda_native_bf16

AMX_CPU = Capability("cpu", "Intel Xeon", bf16=True, fp16=True)
OLD_CPU = Capability("cpu", "AMD EPYC", bf16=False, fp16=True)
A100 = Capability("cuda", "A100 (compute capability 8.0)", cuda_native_bf16((8, 0)), True)
T4 = Capability("cuda", "T4 (compute capability 7.5)", cuda_native_bf16((7, 5)), True)


@pytest.mark.parametrize(
    "cap, expected", [(AMX_CPU, "bf16"), (OLD_CPU, "fp32"), (A100, "bf16"), (T4, "fp16")]
)
def test_auto_picks_the_fastest_native_precision(cap, expected):
    assert choose("auto", cap, "pytorch") == expected
    assert choose(expected, cap, "pytorch") == expected  # idempotent: a recorded choice holds


def test_bf16_where_it_is_not_native_is_refused_with_what_is_supported():
    with pytest.raises(ConfigError) as err:
        choose("bf16", OLD_CPU, "keras")
    msg = str(err.value)
    assert (
        "AMD EPYC" in msg and "amx_bf16" in msg and "fp32, fp16" in msg and "auto picks fp32" in msg
    )
    with pytest.raises(ConfigError, match=r"compute capability 8\.0.*auto picks fp16"):
        choose("bf16", T4, "pytorch")


def test_fp16_where_the_framework_lacks_it_is_refused():
    no_fp16 = Capability("cpu", "some CPU", bf16=False, fp16=False)
    with pytest.raises(
        ConfigError, match="keras has no fp16 training on the cpu; .* supports fp32"
    ):
        choose("fp16", no_fp16, "keras")
    with pytest.raises(ConfigError, match="not known"):
        choose("fp8", AMX_CPU, "pytorch")


def test_cpu_bf16_is_read_from_the_processor_flags(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC 9R14\n"
        "flags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni\n"
    )
    assert cpu_model(info) == "AMD EPYC 9R14"
    assert cpu_flags(info) >= {"avx512f", "avx512_bf16"}
    assert cpu_native_bf16({"amx_bf16", "amx_tile"})
    assert cpu_native_bf16({"avx512_bf16"})
    assert not cpu_native_bf16({"avx512f", "avx2"})
    assert cpu_flags(tmp_path / "missing") == set()  # not Linux: no bf16 claimed


def test_a_cpu_named_without_a_model_number_is_told_by_family_and_model(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n")
    assert cpu_model(info) == "AMD EPYC (family 26, model 2)"
    info.write_text(
        "processor\t: 0\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9R14\n"
    )
    assert cpu_model(info) == "AMD EPYC 9R14"


def test_precision_is_a_checked_config_value():
    assert TrainConfig().precision == "auto"
    with pytest.raises(ConfigError, match="--precision 'half' is not known"):
        TrainConfig(precision="half").validate()


def test_a_config_from_before_precision_existed_reads_as_what_it_ran_in():
    assert upgrade_config({"amp": True, "device": "auto"})["precision"] == "fp32"
    assert upgrade_config({"amp": True, "device": "cuda"})["precision"] == "bf16"
    assert upgrade_config({"amp": False, "device": "cuda"})["precision"] == "fp32"
    assert TrainConfig.from_dict({"amp": True, "device": "cpu"}).precision == "fp32"
