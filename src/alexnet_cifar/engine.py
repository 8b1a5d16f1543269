"""The run engine: check a config, create (or reopen) its run directory, build the backend's
trainer with its starting weights (ImageNet, or --init-from), fit and evaluate; or re-evaluate
a run's checkpoint."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from .arch import spec_for
from .backends import get_backend
from .config import TrainConfig
from .data import Cifar10, in_channel_order, keep_classes, load_cifar10, make_splits
from .data.split import Splits
from .errors import ConfigError, WeightsError
from .runs import FollowerRun, RunDir
from .training.distributed import World
from .training.precision import choose
from .training.trainer import EpochCallback
from .weights.imagenet import imagenet_weights
from .weights.init_from import initial_weights


def run_data(
    config: TrainConfig, data: Cifar10 | Callable[[], Cifar10] | None, progress: bool
) -> Cifar10:
    """``data`` if given (a loader is called now), else CIFAR-10 from ``config.data_dir``;
    checked against the config."""
    if callable(data):
        data = data()
    if data is None:
        data = load_cifar10(config.data_dir, progress=progress)
    if config.classes:
        data = keep_classes(data, config.classes)
    data = in_channel_order(data, config.channels)
    if data.num_classes != config.num_classes:
        raise ConfigError(
            f"the data has {data.num_classes} classes but the config asks for "
            f"{config.num_classes}; pass --num-classes {data.num_classes}"
        )
    return data


def preflight(config: TrainConfig, resume: bool = False, check_out: bool = True) -> ModuleType:
    """Every check that needs no data: values, framework installed, device and precision
    (``config.precision`` is set to the one ``auto`` picks), run directory. Returns the
    backend module."""
    config.validate()
    if not config.out:
        raise ConfigError("no run directory: pass --out RUN_DIR")
    backend = get_backend(config.framework)
    if resume:
        _keep_precision(config, RunDir.open(config.out).config().precision)
    # recorded resolved: config.json says what the run computed in
    config.precision = choose(config.precision, backend.capability(config.device), config.framework)
    if check_out and not resume and RunDir(config.out).config_file.exists():
        raise ConfigError(
            f"{config.out} already holds a run; continue it with "
            f"--resume {config.out}, or choose another --out"
        )
    return backend


def _keep_precision(config: TrainConfig, stored: str) -> None:
    """A resumed run computes in the precision it started in: ``auto`` means that one; any
    other is refused, as a changed flag is."""
    if config.precision == "auto":
        config.precision = stored
    elif config.precision != stored:
        raise ConfigError(
            f"{config.out} trained in {stored}; --resume keeps the run's precision: drop "
            f"--precision {config.precision}, or start a new run with --out"
        )


def run_training(
    config: TrainConfig,
    data: Cifar10 | Callable[[], Cifar10] | None,
    *,
    resume: bool,
    progress: bool,
    callbacks: tuple[EpochCallback, ...] | list[EpochCallback] = (),
    world: World | None = None,
) -> dict:
    """Create (or reopen) the run, build the trainer, fit, evaluate; returns results.json.
    A resumed run with a checkpoint skips loading ImageNet weights it would replace. Every
    check runs here, once: the values, the world (``world``, else from the environment), the
    precision and the splits, handed down to the trainer."""
    world = world or World.from_env(config.framework)
    world.check(config)
    progress = progress and world.chief
    backend = preflight(config, resume, check_out=world.chief)
    trainer_cls = backend.Trainer
    has_checkpoint = (
        resume and RunDir(config.out).checkpoint(trainer_cls.checkpoint_suffix).exists()
    )
    # read and checked before the data and the run folder: a bad file leaves nothing behind
    start = None
    if config.init_from and not has_checkpoint:
        start = initial_weights(
            config.init_from, spec_for(config), config.framework, config.classes
        )
    data = run_data(config, data, progress)
    splits = make_splits(config, data)  # a batch too large for the data fails before any write
    if not world.chief:  # reads what rank 0 writes, writes nothing
        run = FollowerRun(config.out)
    else:
        run = RunDir.open(config.out) if resume else RunDir.create(config.out, config)
    with run.lock():
        try:
            return _train(
                RunSetup(
                    run=run,
                    trainer_cls=trainer_cls,
                    config=config,
                    data=data,
                    splits=splits,
                    start=start,
                    resume=resume,
                    has_checkpoint=has_checkpoint,
                    world=world,
                ),
                progress,
                callbacks,
            )
        except Exception:
            if world.chief and not resume and not run.metrics():
                # nothing was trained: remove the new folder, so the same command can retry
                shutil.rmtree(run.path, ignore_errors=True)
            raise
        finally:
            backend.free_device_memory()


@dataclass(kw_only=True)
class RunSetup:
    """A run ready to train: its folder, the backend's trainer class, its data and starting
    weights, and whether it continues from a checkpoint."""

    run: RunDir
    trainer_cls: type
    config: TrainConfig
    data: Cifar10
    splits: Splits
    start: dict | None  # --init-from weights, read and checked already
    resume: bool
    has_checkpoint: bool
    world: World


def machine_speed(config: TrainConfig, data: Cifar10) -> float | None:
    """Images/s of ``config.speed_probe`` compute-only training steps of a fresh copy of the
    run's model, timed before it trains, recorded for reading (docs/training.md: a few steps
    catch the start-up too). None where the probe is off."""
    if not config.speed_probe:
        return None
    from .bench.kit import compute_only

    kit = get_backend(config.framework).Bench(config)
    batch = min(config.batch_size, len(data.x_train))
    return compute_only(kit, data, batch_size=batch, steps=config.speed_probe, warmup=1)


def _train(setup: RunSetup, progress: bool, callbacks) -> dict:
    run, trainer_cls, config, world = setup.run, setup.trainer_cls, setup.config, setup.world
    # a data-parallel run's ranks share the machine: its speed alone would not be comparable
    speed = machine_speed(config, setup.data) if world.size == 1 else None
    with trainer_cls.device_scope(config):
        pretrained = setup.start
        if config.init == "imagenet" and not setup.has_checkpoint:
            pretrained = imagenet_weights(
                config.framework, spec_for(config), config.weights, progress
            )
        try:
            trainer = trainer_cls(
                config,
                run,
                setup.data,
                progress,
                pretrained=pretrained,
                world=world,
                splits=setup.splits,
                machine_speed=speed,
            )
        except WeightsError as exc:
            if config.weights and config.weights not in str(exc):
                raise WeightsError(f"{config.weights}: {exc}") from None
            raise
        try:
            if setup.resume:
                trainer.load_checkpoint()
                # the new settings land only once the run could be reopened: a failure
                # changes nothing
                run.save_config(config)
            trainer.fit(callbacks)
            return trainer.evaluate()
        finally:
            trainer.finish()


def rerun_evaluation(
    run_dir,
    data: Cifar10 | Callable[[], Cifar10] | None,
    progress: bool,
    precision: str | None = None,
) -> dict:
    """A run's last checkpoint on its test images (in ``precision``, default the run's own);
    rewrites results.json."""
    run = RunDir.open(run_dir)
    config = run.config()
    backend = get_backend(config.framework)
    config.precision = choose(
        precision or config.precision, backend.capability(config.device), config.framework
    )
    trainer_cls = backend.Trainer
    if not run.checkpoint(trainer_cls.checkpoint_suffix).exists():
        raise ConfigError(f"{run.path}: no checkpoint yet (no epoch finished); train first")
    with run.lock(), trainer_cls.device_scope(config):
        trainer = trainer_cls(config, run, run_data(config, data, progress), progress)
        trainer.load_checkpoint()
        return trainer.evaluate()
