"""Pretrained settings that cannot work fail before any framework is imported."""

import pytest

from alexnet_cifar import TrainConfig
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.predict import predict


def test_head_finetune_with_the_imagenet_classifier_kept_is_refused():
    config = TrainConfig(model="alexnet", init="imagenet", num_classes=1000, finetune="head")
    with pytest.raises(ConfigError, match="leaves nothing to train; use --finetune full"):
        config.validate()
    # vgg16's file has no classifier: its whole head is new, so head-only training has work
    TrainConfig(
        framework="keras", model="vgg16", init="imagenet", num_classes=1000, finetune="head"
    ).validate()


def test_predict_refuses_vgg16_imagenet_weights_before_building_a_model(tmp_path):
    config = TrainConfig(framework="keras", model="vgg16", init="imagenet", num_classes=1000)
    with pytest.raises(ConfigError, match="predict with vgg16 needs a fine-tuned run"):
        predict([str(tmp_path / "x.png")], config=config)


def test_a_study_alternates_its_rows_seed_by_seed():
    """Seed 0: A B C; seed 1: C B A; seed 2: A B C. A row that lacks a seed is passed over."""
    from alexnet_cifar.study.matrix import run_order

    configs = {"a": {0: 1, 1: 1, 2: 1}, "b": {0: 1, 1: 1, 2: 1}, "c": {0: 1, 2: 1}}
    assert run_order(configs) == [
        ("a", 0),
        ("b", 0),
        ("c", 0),
        ("b", 1),
        ("a", 1),
        ("a", 2),
        ("b", 2),
        ("c", 2),
    ]


def test_rows_that_start_from_rows_run_after_them_and_cycles_are_refused():
    from alexnet_cifar.errors import ConfigError
    from alexnet_cifar.study.matrix import row_starts, run_order

    preset = {"name": "p", "rows": {"a": {}, "b": {"init_from": {"row": "a"}}, "c": {}}}
    starts = row_starts(preset)
    assert starts == {"b": "a"}
    configs = {"a": {0: 1, 1: 1}, "b": {0: 1, 1: 1}, "c": {0: 1, 1: 1}}
    # alternating, but b always after a in its seed
    assert run_order(configs, starts) == [
        ("a", 0),
        ("c", 0),
        ("b", 0),
        ("c", 1),
        ("a", 1),
        ("b", 1),
    ]
    cycle = {
        "name": "p",
        "rows": {"a": {"init_from": {"row": "b"}}, "b": {"init_from": {"row": "a"}}},
    }
    with pytest.raises(ConfigError, match=r"start from each other in a circle \(a -> b -> a\)"):
        row_starts(cycle)
    missing = {"name": "p", "rows": {"a": {"init_from": {"row": "z"}}}}
    with pytest.raises(ConfigError, match=r"row a: init_from \{row: NAME\} names a row"):
        row_starts(missing)
