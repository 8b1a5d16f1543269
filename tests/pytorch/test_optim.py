"""The PyTorch optimizer runs torch.optim's fused kernels on the CPU, and they follow the
per-tensor loop within float32 rounding (a fused multiply-add moves a last bit here and there),
so the switch changes speed and nothing a run can tell."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from alexnet_cifar.backends.pytorch.optim import make_optimizer  # noqa: E402
from alexnet_cifar.config import TrainConfig  # noqa: E402
from alexnet_cifar.training.finetune import finetune_plan  # noqa: E402
from alexnet_cifar.training.optim import decay_rule  # noqa: E402


def _run(optimizer: str, fused: bool) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    shapes = [(4, 3, 3, 3), (4,), (10, 36)]
    params = torch.nn.ParameterList(
        [torch.nn.Parameter(torch.tensor(rng.normal(size=s), dtype=torch.float32)) for s in shapes]
    )
    config = TrainConfig(optimizer=optimizer, lr=0.05, weight_decay=5e-4, decay_on="weights")
    rule = decay_rule(optimizer, 5e-4, "weights")
    plan = finetune_plan(config, [n for n, _ in params.named_parameters()], set())
    opt = make_optimizer(config, params, plan, rule, config.lr)
    assert all(g.get("fused") is True for g in opt.param_groups)
    if not fused:
        for g in opt.param_groups:
            g["fused"] = False
    for _ in range(6):
        for p in params:
            p.grad = torch.tensor(rng.normal(size=p.shape), dtype=torch.float32)
        opt.step()
    return [p.detach().numpy().copy() for p in params]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_fused_optimizer_equals_the_per_tensor_loop(optimizer):
    fused, loop = _run(optimizer, True), _run(optimizer, False)
    for a, b in zip(fused, loop):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_loss_scaled_training_keeps_the_loop_that_gradscaler_can_skip():
    params = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(3, 2))])
    config = TrainConfig()
    plan = finetune_plan(config, [n for n, _ in params.named_parameters()], set())
    rule = decay_rule("sgd", 5e-4, "all")
    opt = make_optimizer(config, params, plan, rule, 0.1, loss_scaled=True)
    assert not any(g.get("fused") for g in opt.param_groups)
