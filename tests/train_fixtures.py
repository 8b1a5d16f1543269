"""The small training run both backends' tests use: 300 images, 2 epochs, 32 px."""

from alexnet_cifar import TrainConfig


def small_config(tmp_path, framework: str, **kw) -> TrainConfig:
    base = dict(
        framework=framework,
        model="alexnet-cifar",
        batchnorm=True,
        epochs=2,
        batch_size=32,
        optimizer="sgd",
        lr=0.05,
        augment="flip",
        limit_train=300,
        limit_test=100,
        val_fraction=0.2,
        device="cpu",
        precision="fp32",  # the same numbers on every CPU; tests/both/test_mixed_precision.py
        out=str(tmp_path / "run"),
    )
    return TrainConfig(**{**base, **kw})
