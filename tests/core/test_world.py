"""Which process of a data-parallel run this is, from torchrun's variables or TF_CONFIG, and the
refusals: a bad environment, torchrun with Keras, a global batch smaller than the world."""

import json

import pytest

from alexnet_cifar.config import TrainConfig
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.training.distributed import World


def test_torchrun_variables_give_rank_size_and_local_rank():
    env = {"WORLD_SIZE": "4", "RANK": "3", "LOCAL_RANK": "1"}
    assert World.from_env("pytorch", env) == World(3, 4, 1)
    assert World.from_env("pytorch", {}) == World() and World().chief
    with pytest.raises(ConfigError, match="RANK 4 is outside WORLD_SIZE 4"):
        World.from_env("pytorch", {"WORLD_SIZE": "4", "RANK": "4"})
    with pytest.raises(ConfigError, match="must be integers"):
        World.from_env("pytorch", {"WORLD_SIZE": "two"})


def test_tf_config_puts_the_chief_first_then_the_workers():
    cluster = {"chief": ["a:1"], "worker": ["b:1", "c:1"]}
    for task, rank in [({"type": "chief", "index": 0}, 0), ({"type": "worker", "index": 1}, 2)]:
        env = {"TF_CONFIG": json.dumps({"cluster": cluster, "task": task})}
        assert World.from_env("keras", env) == World(rank, 3, 0)
    with pytest.raises(ConfigError, match="TF_CONFIG is not a cluster spec"):
        World.from_env("keras", {"TF_CONFIG": '{"cluster": {}}'})
    with pytest.raises(ConfigError, match="torchrun starts PyTorch processes"):
        World.from_env("keras", {"WORLD_SIZE": "2"})


def test_the_global_batch_must_cover_the_world():
    with pytest.raises(ConfigError, match="--batch-size 2 is the global batch"):
        World(0, 3).check(TrainConfig(batch_size=2))
    World(0, 3).check(TrainConfig(batch_size=3))
