"""The shared learning-rate curve against PyTorch's own schedulers."""

import pytest

torch = pytest.importorskip("torch")

from alexnet_cifar.training.schedule import lr_factor, plateau_scale  # noqa: E402


def test_onecycle_equals_torch_onecyclelr():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=0.1, total_steps=50, cycle_momentum=False
    )
    for step in range(50):
        assert opt.param_groups[0]["lr"] == pytest.approx(
            0.1 * lr_factor("onecycle", step, 50, 10, 1), rel=1e-9
        )
        opt.step()
        sched.step()


def test_plateau_scale_equals_torch_reduce_lr_on_plateau():
    """The rule read off the records cuts the rate where torch's ReduceLROnPlateau does."""
    losses = [1.0, 0.9, 0.9, 0.95, 0.89995, 0.5, 0.6, 0.7, 0.8, 0.8, 0.8]
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=1)
    for n, loss in enumerate(losses, 1):
        ref.step(loss)
        records = [{"val_loss": v} for v in losses[:n]]
        assert plateau_scale(records) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-9), n
