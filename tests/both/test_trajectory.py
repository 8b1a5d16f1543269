"""The proof that the comparison is fair: from the same initial weights, with the same data,
order and augmentation, SGD with momentum, weight decay and a cosine schedule, PyTorch and
Keras take the same steps and end with the same weights."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import TrainConfig  # noqa: E402
from alexnet_cifar.arch import spec_for  # noqa: E402
from alexnet_cifar.backends import get_backend  # noqa: E402
from alexnet_cifar.runs import RunDir  # noqa: E402
from alexnet_cifar.training.progress import EpochProgress  # noqa: E402
from alexnet_cifar.weights.port import convert_weights  # noqa: E402

STEPS = 8


def parity_config(tmp_path, framework, init_from, **kw) -> TrainConfig:
    base = dict(
        framework=framework,
        model="alexnet-cifar",
        epochs=2,
        batch_size=16,
        optimizer="sgd",
        lr=0.02,
        momentum=0.9,
        weight_decay=5e-3,  # large, so a decay that differs shows
        schedule="cosine",
        augment="standard",
        dropout=0.0,
        limit_train=16 * STEPS,
        limit_test=10,
        val_fraction=0.0,
        device="cpu",
        precision="fp32",
        init_from=str(init_from),
        out=str(tmp_path / framework),
    )
    return TrainConfig(**{**base, **kw}).validate()


def one_epoch(config: TrainConfig, data) -> tuple[dict, float, dict]:
    """The trainer of ``config`` after its first epoch: (weights in PyTorch's layout, the
    epoch's train_loss, the weights validation evaluates: --ema's average)."""
    from alexnet_cifar.weights.init_from import initial_weights

    backend = get_backend(config.framework)
    spec = spec_for(config)
    start = initial_weights(config.init_from, spec, config.framework)
    with backend.Trainer.device_scope(config):
        trainer = backend.Trainer(config, RunDir(config.out), data, False, pretrained=start)
        assert trainer.steps == STEPS
        stats = trainer.train_epoch(0, EpochProgress(0, 1, trainer.steps, False))

        def weights() -> dict:  # copies: PyTorch's arrays share the tensors' memory
            ported = convert_weights(
                spec, backend.export_weights(trainer.model), config.framework, "pytorch"
            )
            return {k: np.copy(v) for k, v in ported.items()}

        live = weights()
        with trainer.averaged_weights():
            evaluated = weights()
    return live, stats["train_loss"], evaluated


def relative_differences(a: dict, b: dict) -> dict:
    return {
        k: float(np.linalg.norm(a[k] - b[k]) / max(np.linalg.norm(b[k]), 1e-12))
        for k in b
        if not k.endswith("num_batches_tracked")
    }


@pytest.mark.parametrize(
    "model, kw",
    [
        ("alexnet-cifar", {}),
        ("alexnet-cifar", {"batchnorm": True, "decay_on": "weights", "lr": 0.01}),
        ("alexnet-caffe", {"batch_size": 2, "limit_train": 2 * STEPS, "lr": 0.005}),
        (
            "alexnet-cifar",
            {
                "batchnorm": True,
                "lr": 0.01,
                "augment": "crop",
                "cutout": 8,
                "label_smoothing": 0.1,
                "schedule": "onecycle",
                "ema": 0.9,
            },
        ),
    ],
    ids=["alexnet-cifar", "alexnet-cifar-batchnorm", "alexnet-caffe", "modern-recipe"],
)
def test_pytorch_and_keras_take_the_same_steps(tmp_path, cifar_real, model, kw):
    torch.manual_seed(3)
    config = parity_config(tmp_path, "pytorch", "x.pt", model=model, **kw)
    net = get_backend("pytorch").build(spec_for(config))
    with torch.no_grad():  # a start off zero biases, which 8 steps hardly move from 0
        for name, p in net.named_parameters():
            if name.endswith("bias"):
                p.normal_(0.0, 0.05)
    start = tmp_path / "start.pt"
    torch.save(net.state_dict(), start)
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}

    results = {
        fw: one_epoch(parity_config(tmp_path, fw, start, model=model, **kw), cifar_real)
        for fw in ("pytorch", "keras")
    }
    (w_torch, loss_torch, avg_torch), (w_keras, loss_keras, avg_keras) = results.values()
    moved = relative_differences(w_torch, before)
    assert max(moved.values()) > 1e-2  # it trained
    for keras_side, torch_side in ((w_keras, w_torch), (avg_keras, avg_torch)):
        diffs = relative_differences(keras_side, torch_side)
        worst = max(diffs, key=diffs.get)
        assert diffs[worst] <= 1e-3, f"{worst}: relative difference {diffs[worst]:.2e}"
    assert loss_keras == pytest.approx(loss_torch, rel=1e-3)
    if kw.get("ema"):  # the average is not the live weights, nor the start
        assert max(relative_differences(avg_torch, w_torch).values()) > 1e-3
        assert max(relative_differences(avg_torch, before).values()) > 1e-3
