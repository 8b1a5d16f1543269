"""The PyTorch model from the spec: counts, shapes, torchvision compatibility, LRN."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

from alexnet_cifar import build_model  # noqa: E402
from alexnet_cifar.api import count_parameters  # noqa: E402
from alexnet_cifar.arch import VARIANTS, get_spec  # noqa: E402


@pytest.mark.parametrize("model", list(VARIANTS))
@pytest.mark.parametrize("batchnorm", [False, True])
def test_counts_and_output_shape(model, batchnorm):
    net = build_model("pytorch", model, batchnorm=batchnorm).eval()
    spec = get_spec(model, 10, batchnorm)
    assert count_parameters(net) == spec.num_params()
    with torch.no_grad():
        assert net(torch.randn(2, 3, spec.input_size, spec.input_size)).shape == (2, 10)


def test_state_dict_keys_and_shapes_equal_torchvision():
    ours = build_model("pytorch", "alexnet", num_classes=1000).state_dict()
    theirs = torchvision.models.alexnet(weights=None).state_dict()
    assert list(ours) == list(theirs)
    assert all(ours[k].shape == theirs[k].shape for k in ours)


def test_torchvision_weights_give_identical_logits():
    tv = torchvision.models.alexnet(weights=None).eval()
    ours = build_model("pytorch", "alexnet", num_classes=1000).eval()
    ours.load_state_dict(tv.state_dict())
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), tv(x), rtol=0, atol=0)


def test_grouped_conv_and_lrn_follow_caffe():
    """conv2 of alexnet-caffe sees only its half of the inputs; LRN is Caffe's formula."""
    net = build_model("pytorch", "alexnet-caffe").eval()
    conv2 = net.features[4]
    assert conv2.groups == 2 and tuple(conv2.weight.shape) == (256, 48, 5, 5)
    lrn = net.features[2]
    x = torch.rand(1, 8, 3, 3)
    a = x.numpy()
    sq = np.pad(a**2, ((0, 0), (2, 2), (0, 0), (0, 0)))
    window = sum(sq[:, i : i + 8] for i in range(5))
    expected = a / (1.0 + 1e-4 / 5 * window) ** 0.75
    np.testing.assert_allclose(lrn(x).numpy(), expected, rtol=1e-6)


def test_scratch_init_is_seeded_and_scaled():
    torch.manual_seed(1)
    a = build_model("pytorch", "alexnet-cifar")
    torch.manual_seed(1)
    b = build_model("pytorch", "alexnet-cifar")
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(va, vb), k
    fc = a.classifier[1].weight
    assert abs(fc.std().item() - 0.01) < 1e-3 and a.classifier[1].bias.abs().sum() == 0


def test_fp16_backward_step_says_whether_loss_scaling_took_the_step():
    """A finite loss steps the weights and says so; an overflowing one leaves them, says so
    and halves the scale; a second optimizer is watched as well (a resumed run builds one)."""
    from alexnet_cifar.backends.pytorch.precision import Precision

    amp = Precision("fp16", torch.device("cpu"))
    for _ in range(2):
        layer = torch.nn.Linear(4, 1)
        opt = torch.optim.SGD(layer.parameters(), lr=0.1)
        before = layer.weight.detach().clone()
        assert amp.backward_step(layer(torch.ones(2, 4)).sum(), opt) is True
        assert not torch.equal(layer.weight, before)
        moved, scale = layer.weight.detach().clone(), amp.scaler.get_scale()
        assert amp.backward_step(layer(torch.full((2, 4), float("inf"))).sum(), opt) is False
        assert torch.equal(layer.weight, moved) and amp.scaler.get_scale() == scale / 2
