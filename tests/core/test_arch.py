"""The framework-neutral spec: shapes and parameter counts from design.md, bad variants."""

import pytest

from alexnet_cifar.arch import get_spec, with_input_size
from alexnet_cifar.errors import ConfigError


@pytest.mark.parametrize(
    "model,classes,params",
    [
        ("alexnet", 10, 57_044_810),
        ("alexnet", 1000, 61_100_840),
        ("alexnet-caffe", 1000, 60_965_224),
    ],
)
def test_parameter_counts_match_the_reference_nets(model, classes, params):
    assert get_spec(model, classes).num_params() == params


def test_feature_maps_reach_six_by_six_at_the_native_sizes():
    assert get_spec("alexnet").feature_shape() == (256, 6, 6)
    caffe = get_spec("alexnet-caffe").layers()
    assert caffe[0].shape == (96, 55, 55)  # conv1, no padding: 227 -> 55
    assert get_spec("alexnet-caffe").feature_shape() == (256, 6, 6)
    assert get_spec("alexnet-cifar").feature_shape() == (128, 4, 4)


def test_batchnorm_adds_a_layer_after_every_conv():
    plain, bn = get_spec("alexnet"), get_spec("alexnet", batchnorm=True)
    assert [l.kind for l in bn.features].count("batchnorm") == 5
    assert bn.num_params() - plain.num_params() == 2 * (64 + 192 + 384 + 256 + 256)


def test_forward_macs_of_alexnet_224():
    assert 0.70e9 < get_spec("alexnet").macs() < 0.72e9  # design.md §5: about 0.71 GMAC


def test_unknown_model_and_bad_sizes():
    with pytest.raises(ConfigError, match="unknown model 'resnet'.*alexnet-cifar"):
        get_spec("resnet")
    with pytest.raises(ConfigError, match="num_classes must be a positive integer"):
        get_spec("alexnet", 0)
    with pytest.raises(ConfigError, match="input 32 px is too small"):
        with_input_size(get_spec("alexnet"), 32).layers()
