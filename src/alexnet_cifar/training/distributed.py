"""Data-parallel training, decided once for both frameworks: which process this is (rank) of
how many (world size), and which part of every global batch it trains on. ``--batch-size``
stays the global batch: every rank draws the same epoch plan (training/plan.py) and takes its
contiguous share of each batch, so N processes see exactly the images and augmentations one
process would, and the gradients they average are the one process's gradient."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..config import TrainConfig
from ..errors import ConfigError


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def chief(self) -> bool:
        """Rank 0 alone writes records, checkpoints, TensorBoard and results."""
        return self.rank == 0

    @classmethod
    def from_env(cls, framework: str, env: Mapping[str, str] = os.environ) -> World:
        """The world this process belongs to: for PyTorch as torchrun describes it (RANK,
        WORLD_SIZE, LOCAL_RANK), for Keras as TF_CONFIG does (its chief first, then its
        workers); one process without them."""
        if framework == "keras":
            if int(env.get("WORLD_SIZE", "1") or 1) > 1:
                raise ConfigError(
                    "WORLD_SIZE is set: torchrun starts PyTorch processes; Keras trains "
                    "data-parallel from TF_CONFIG (see README: More than one GPU or machine)"
                )
            return cls._from_tf_config(env.get("TF_CONFIG"))
        try:
            size = int(env.get("WORLD_SIZE", "1"))
            rank = int(env.get("RANK", "0"))
            local = int(env.get("LOCAL_RANK", str(rank)))
        except ValueError as exc:
            raise ConfigError(
                f"RANK / WORLD_SIZE / LOCAL_RANK must be integers ({exc}); launch with torchrun"
            ) from None
        if size < 1 or not 0 <= rank < size:
            raise ConfigError(f"RANK {rank} is outside WORLD_SIZE {size}; launch with torchrun")
        return cls(rank, size, local)

    @classmethod
    def _from_tf_config(cls, text: str | None) -> World:
        if not text:
            return cls()
        try:
            spec = json.loads(text)
            cluster, task = spec["cluster"], spec["task"]
            tasks = [("chief", a) for a in cluster.get("chief", [])]
            tasks += [("worker", a) for a in cluster.get("worker", [])]
            rank = tasks.index((task["type"], cluster[task["type"]][int(task["index"])]))
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ConfigError(
                f"TF_CONFIG is not a cluster spec with this task in it ({type(exc).__name__}: "
                f"{exc}); see README: More than one GPU or machine"
            ) from None
        return cls(rank, len(tasks), 0)

    def part(self, batch: int) -> slice:
        """This rank's contiguous share of a global batch of ``batch`` images: equal shares,
        the first ``batch % size`` ranks one image more."""
        share, extra = divmod(batch, self.size)
        start = self.rank * share + min(self.rank, extra)
        return slice(start, start + share + (self.rank < extra))

    def grad_weight(self, local: int, batch: int) -> float:
        """What a rank's mean loss over ``local`` images is multiplied by so that averaging the
        ranks' gradients (what DDP and tf.distribute do) gives the global batch's mean."""
        return local * self.size / batch

    def check(self, config: TrainConfig) -> None:
        if config.batch_size < self.size:
            raise ConfigError(
                f"--batch-size {config.batch_size} is the global batch, smaller than the "
                f"{self.size} processes that split it; raise it to at least {self.size} or "
                "start fewer processes"
            )
