"""PyTorch's side of a data-parallel run (training/distributed.py decides the rest): the
process group torchrun describes (NCCL on CUDA, gloo on the CPU), the model wrapped in
DistributedDataParallel, and sums across ranks."""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

from ...config import TrainConfig
from ...errors import ConfigError
from ...training.distributed import World


def join_world(world: World, device: torch.device, config: TrainConfig) -> torch.device:
    """Join the process group (once per process) and return this rank's device."""
    if config.sync_bn and device.type != "cuda":
        raise ConfigError(
            "--sync-bn: PyTorch's SyncBatchNorm runs on GPUs only; on the CPU drop it (each "
            "process then normalizes over its share of the batch)"
        )
    if device.type == "cuda":
        device = torch.device("cuda", world.local_rank % torch.cuda.device_count())
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return device


def leave_world() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def data_parallel(model: nn.Module, device: torch.device, sync_bn: bool):
    """(the model, its DistributedDataParallel wrapper); with ``sync_bn`` the model's
    BatchNorm layers become SyncBatchNorm (same parameter names: checkpoints stay portable)."""
    if sync_bn:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    ids = [device.index] if device.type == "cuda" else None
    return model, nn.parallel.DistributedDataParallel(model, device_ids=ids)


def all_sum(values: list[torch.Tensor]) -> list[float]:
    """Each value summed over the ranks (one collective), as Python floats."""
    stacked = torch.stack([v.double() for v in values])
    if dist.is_initialized():
        dist.all_reduce(stacked)
    return stacked.tolist()


def world_devices(device: torch.device) -> list[str]:
    """Every rank's device, in rank order."""
    if not dist.is_initialized():
        return [str(device)]
    devices: list = [None] * dist.get_world_size()
    dist.all_gather_object(devices, str(device))
    return devices
