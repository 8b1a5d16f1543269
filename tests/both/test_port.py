"""One spec, two frameworks: equal parameter counts and equal logits after porting weights."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import build_model, port_weights  # noqa: E402
from alexnet_cifar.api import count_parameters  # noqa: E402
from alexnet_cifar.arch import VARIANTS, get_spec  # noqa: E402
from alexnet_cifar.errors import ConfigError, WeightsError  # noqa: E402
from alexnet_cifar.weights.port import chw_to_hwc_rows, hwc_to_chw_rows  # noqa: E402

from model_fixtures import logits_keras, logits_torch, randomize_torch  # noqa: E402

CASES = [(m, bn) for m in VARIANTS for bn in (False, True)]
# the 57-61 M-parameter ImageNet variants with BatchNorm: the same port as without, slower
PORT_CASES = [
    pytest.param(m, bn, marks=pytest.mark.slow)
    if bn and m in ("alexnet", "alexnet-caffe")
    else (m, bn)
    for m, bn in CASES
]


@pytest.mark.parametrize("model,batchnorm", CASES)
def test_parameter_counts_equal_in_both_frameworks(model, batchnorm):
    expected = get_spec(model, 10, batchnorm).num_params()
    assert count_parameters(build_model("pytorch", model, batchnorm=batchnorm)) == expected
    assert count_parameters(build_model("keras", model, batchnorm=batchnorm)) == expected


@pytest.mark.parametrize("model,batchnorm", PORT_CASES)
def test_torch_to_keras_and_back_gives_the_same_logits(model, batchnorm):
    spec = get_spec(model, 10, batchnorm)
    t = build_model("pytorch", model, batchnorm=batchnorm)
    randomize_torch(t)
    k = build_model("keras", model, batchnorm=batchnorm)
    port_weights(t, k)
    x = np.random.default_rng(1).standard_normal(
        (2, spec.input_size, spec.input_size, 3), dtype=np.float32
    )
    lt, lk = logits_torch(t, x), logits_keras(k, x)
    assert np.abs(lt).max() > 0.1  # the comparison is not between near-zero numbers
    assert np.abs(lt - lk).max() <= 1e-4

    back = build_model("pytorch", model, batchnorm=batchnorm)
    port_weights(k, back)
    for key, value in t.state_dict().items():
        assert torch.equal(value, back.state_dict()[key]), key


def test_keras_random_weights_port_to_torch():
    k = build_model("keras", "alexnet-cifar", batchnorm=True)
    for layer in k.layers:
        if layer.weights:
            layer.set_weights(
                [
                    np.random.default_rng(2).standard_normal(w.shape).astype("float32") * 0.1
                    + (1.0 if "variance" in w.name else 0.0)
                    for w in layer.weights
                ]
            )
    t = build_model("pytorch", "alexnet-cifar", batchnorm=True)
    port_weights(k, t)
    x = np.random.default_rng(3).standard_normal((2, 32, 32, 3), dtype=np.float32)
    np.testing.assert_allclose(logits_torch(t, x), logits_keras(k, x), atol=1e-4, rtol=1e-4)


def test_fc1_reorder_is_the_flatten_permutation():
    c, h, w = 3, 2, 2
    fmap = np.random.default_rng(0).standard_normal((c, h, w))
    weight = np.random.default_rng(1).standard_normal((5, c * h * w))
    torch_out = weight @ fmap.reshape(-1)  # torch flattens C,H,W
    keras_out = fmap.transpose(1, 2, 0).reshape(-1) @ chw_to_hwc_rows(weight, (c, h, w))
    np.testing.assert_allclose(torch_out, keras_out)
    np.testing.assert_array_equal(
        hwc_to_chw_rows(chw_to_hwc_rows(weight, (c, h, w)), (c, h, w)), weight
    )


def test_grouped_conv_matches_an_explicit_per_group_convolution():
    """Keras GroupedConv2D and PyTorch groups=2 against NumPy, one group at a time."""
    from alexnet_cifar.backends.keras.model import GroupedConv2D

    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 7, 7, 8)).astype(np.float32)
    kernel = rng.standard_normal((3, 3, 4, 6)).astype(np.float32)  # (kh, kw, in/2, out)
    bias = rng.standard_normal(6).astype(np.float32)

    def conv_valid(xs, ks):  # xs (H, W, Cin), ks (kh, kw, Cin, Cout)
        out = np.zeros((xs.shape[0] - 2, xs.shape[1] - 2, ks.shape[3]))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.tensordot(xs[i : i + 3, j : j + 3], ks, axes=3)
        return out

    expected = (
        np.concatenate(
            [
                conv_valid(x[0, :, :, :4], kernel[..., :3]),
                conv_valid(x[0, :, :, 4:], kernel[..., 3:]),
            ],
            -1,
        )
        + bias
    )
    layer = GroupedConv2D(6, 3, groups=2)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(np.asarray(layer(x))[0], expected, atol=1e-4)
    conv = torch.nn.Conv2d(8, 6, 3, groups=2)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()))
        conv.bias.copy_(torch.from_numpy(bias))
        out = conv(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))[0].numpy()
    np.testing.assert_allclose(out.transpose(1, 2, 0), expected, atol=1e-4)


def test_port_refuses_different_specs_and_wrong_shapes():
    from alexnet_cifar.backends.pytorch import import_weights

    with pytest.raises(ConfigError, match="cannot port alexnet-cifar"):
        port_weights(
            build_model("pytorch", "alexnet-cifar"),
            build_model("keras", "alexnet-cifar", batchnorm=True),
        )
    t = build_model("pytorch", "alexnet-cifar")
    sd = {k: v.numpy() for k, v in t.state_dict().items()}
    sd["features.0.weight"] = sd["features.0.weight"][:, :2]
    with pytest.raises(
        WeightsError,
        match=r"features.0.weight: expected shape \(64, 3, 3, 3\), "
        r"found \(64, 2, 3, 3\)",
    ):
        import_weights(t, sd)
