"""The rules both frameworks follow, decided once in the core: the optimizer formulas and the
weight decay, the augmented batches, and runs that repeat exactly."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import train  # noqa: E402
from alexnet_cifar.preprocess import AUGMENTATIONS, get_normalization  # noqa: E402
from alexnet_cifar.training.optim import decay_rule  # noqa: E402
from alexnet_cifar.training.plan import epoch_plan  # noqa: E402

from train_fixtures import small_config  # noqa: E402


# SGD without momentum runs a compiled update of its own in Keras
@pytest.mark.parametrize(
    "optimizer, momentum", [("sgd", 0.9), ("sgd", 0.0), ("adam", 0.9), ("adamw", 0.9)]
)
@pytest.mark.parametrize("scope", ["all", "weights"])
def test_keras_optimizers_follow_torch_optim_step_for_step(optimizer, momentum, scope):
    import tensorflow as tf

    import keras
    from alexnet_cifar.backends.keras.optim import torch_optimizer
    from alexnet_cifar.backends.pytorch.optim import make_optimizer
    from alexnet_cifar.config import TrainConfig
    from alexnet_cifar.training.finetune import finetune_plan

    rng = np.random.default_rng(0)
    shapes = [(3, 3, 2, 4), (4,), (6, 4)]  # a kernel, a bias (or BatchNorm), a dense kernel
    start = [rng.normal(size=s).astype(np.float32) for s in shapes]
    grads = [[rng.normal(size=s).astype(np.float32) for s in shapes] for _ in range(5)]
    config = TrainConfig(
        optimizer=optimizer, lr=0.05, momentum=momentum, weight_decay=0.1, decay_on=scope
    )
    rule = decay_rule(optimizer, 0.1, scope)

    params = torch.nn.ParameterList([torch.nn.Parameter(torch.tensor(w)) for w in start])
    plan = finetune_plan(config, [n for n, _ in params.named_parameters()], set())
    t_opt = make_optimizer(config, params, plan, rule, config.lr)
    k_vars = [keras.Variable(w) for w in start]
    k_opt = torch_optimizer(optimizer, 0.05, config.momentum, rule)
    for g in grads:
        for p, gg in zip(params, g):
            p.grad = torch.tensor(gg)
        t_opt.step()
        k_opt.apply_gradients(zip([tf.constant(x) for x in g], k_vars))
    for p, v, w in zip(params, k_vars, start):
        np.testing.assert_allclose(np.asarray(v), p.detach().numpy(), rtol=2e-5, atol=2e-6)
        assert not np.allclose(np.asarray(v), w)
    # "weights" leaves the bias undecayed: with a zero gradient it would not move at all
    assert rule.rate_for((4,)) == (0.0 if scope == "weights" else 0.1)
    assert rule.rate_for((6, 4)) == 0.1


def test_keras_sgd_refuses_a_decoupled_decay_rule():
    from alexnet_cifar.backends.keras.optim import TorchSGD

    with pytest.raises(ValueError, match="coupled"):
        TorchSGD(0.05, momentum=0.9, decay=decay_rule("adamw", 0.1, "all"))


@pytest.mark.parametrize("augment", sorted(AUGMENTATIONS))
@pytest.mark.parametrize("size", [32, 224, 227])
def test_both_pipelines_feed_the_same_augmented_batches(augment, size):
    from alexnet_cifar.backends.keras.pipeline import Pipeline as KerasPipeline
    from alexnet_cifar.backends.pytorch.pipeline import Pipeline as TorchPipeline
    from alexnet_cifar.preprocess import get_augmentation

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (24, 32, 32, 3), dtype=np.uint8)
    labels = np.arange(24) % 10
    aug, norm = get_augmentation(augment), get_normalization("cifar")
    t = TorchPipeline(images, labels, torch.device("cpu"), size, norm, aug)
    k = KerasPipeline(images, labels, size, norm, aug, 10)
    t_batches = list(t.epoch(8, 5, 2, 3))
    k_batches = list(k.epoch(8, 5, 2, 3))
    assert len(t_batches) == len(k_batches) == 3
    for (tx, ty), (kx, ky) in zip(t_batches, k_batches):
        np.testing.assert_array_equal(ty.numpy(), ky.numpy().argmax(1))
        np.testing.assert_allclose(tx.numpy().transpose(0, 2, 3, 1), kx.numpy(), atol=1e-4)
    if augment != "none":  # the warps do something, and differ between epochs
        first = epoch_plan(len(labels), 8, 3, aug, 5, 2).batch(0)[0]
        plain = t.transform(t.images[torch.from_numpy(first)]).numpy()
        assert not np.allclose(plain, t_batches[0][0].numpy())
        other = next(iter(t.epoch(8, 5, 3, 1)))[0].numpy()
        assert not np.allclose(other, t_batches[0][0].numpy())


def test_the_ranks_shares_put_together_are_the_one_process_batches():
    """Data-parallel ranks (3 of them, a batch of 8 split 3/3/2) feed, step by step, exactly
    the images and warps of one process, in both frameworks."""
    from alexnet_cifar.backends.keras.pipeline import Pipeline as KerasPipeline
    from alexnet_cifar.backends.pytorch.pipeline import Pipeline as TorchPipeline
    from alexnet_cifar.preprocess import get_augmentation
    from alexnet_cifar.training.distributed import World

    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (24, 32, 32, 3), dtype=np.uint8)
    labels = np.arange(24) % 10
    aug, norm = get_augmentation("standard"), get_normalization("cifar")
    parts = [World(rank, 3).part(8) for rank in range(3)]
    assert [p.stop - p.start for p in parts] == [3, 3, 2]
    t = TorchPipeline(images, labels, torch.device("cpu"), 32, norm, aug)
    k = KerasPipeline(images, labels, 32, norm, aug, 10)
    for whole, shares in [
        (list(t.epoch(8, 5, 2, 3)), [list(t.epoch(8, 5, 2, 3, p)) for p in parts]),
        (list(k.epoch(8, 5, 2, 3)), [list(k.epoch(8, 5, 2, 3, p)) for p in parts]),
    ]:
        for step, (x, y) in enumerate(whole):
            np.testing.assert_array_equal(np.concatenate([s[step][1] for s in shares]), y)
            np.testing.assert_allclose(np.concatenate([s[step][0] for s in shares]), x, atol=1e-6)


def _records(run) -> list[dict]:
    from alexnet_cifar.records import MACHINE_KEYS

    lines = (run / "metrics.jsonl").read_text().splitlines()
    return [{k: v for k, v in json.loads(line).items() if k not in MACHINE_KEYS} for line in lines]


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_the_same_seed_and_flags_repeat_the_run_exactly(tmp_path, cifar_real, framework):
    """Dropout, BatchNorm, augmentation and a shuffled order, twice: identical records."""
    runs = []
    for i in range(2):
        config = small_config(
            tmp_path / str(i),
            framework,
            augment="standard",
            epochs=2,
            limit_train=120,
            batch_size=16,
        )
        train(config, data=cifar_real, progress=False)
        runs.append(_records(tmp_path / str(i) / "run"))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 2
