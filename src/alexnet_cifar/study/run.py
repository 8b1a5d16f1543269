"""Running a study: every row and seed of its matrix in turn (or on Ray), resumable.

DIR/study.json records every row's status; DIR/runs/<row>/ is that row's run directory.
"""

from __future__ import annotations

import shutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from ..config import TrainConfig
from ..errors import AlexNetCifarError, ConfigError, WeightsError
from ..runs import RunDir, read_json
from ..system import atomic
from ..system.environment import source_commit, source_tree
from ..training.distributed import World
from .matrix import load_preset, row_configs, row_starts, run_order, seed_list, study_command


def shared_start(config: TrainConfig, out: Path) -> str:
    """The initial-weights file every scratch row of this model and seed starts from (a
    ``shared_init: true`` preset), made once by the row's framework and kept in the study."""
    from ..arch import spec_for
    from ..backends import get_backend

    spec = spec_for(config)
    suffix = ".pt" if config.framework == "pytorch" else ".weights.h5"
    key = f"{spec.name}{'-bn' if spec.batchnorm else ''}-{spec.input_size}px-seed-{config.seed}"
    for existing in (out / "init").glob(f"{key}.*"):
        return str(existing)
    path = out / "init" / f"{key}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    backend = get_backend(config.framework)
    backend.save_file(backend.build(spec, seed=config.seed), path)
    return str(path)


class StudyRecord:
    def __init__(self, out: Path):
        self.path = out / "study.json"

    def load(self) -> dict:
        return read_json(self.path) if self.path.exists() else {}

    def save(self, record: dict) -> None:
        atomic.write_json(self.path, record)


def run_study(
    preset_name: str,
    out: str | Path,
    *,
    only: list[str] | None = None,
    resume: bool = False,
    seeds: int | None = None,
    precision: str | None = None,
    data=None,
    data_dir: str | None = None,
    weights_dir: str | None = None,
    progress: bool = True,
    echo=print,
    executor: str = "local",
    address: str | None = None,
    allow_dirty: bool = False,
) -> dict:
    """Every row of a preset (x seeds) into OUT/runs/, with OUT/study.json. ``data``: CIFAR-10,
    a function that loads it (called once the checks have passed), or None (from
    ``data_dir``). ``executor``: ``local`` runs them one after another in this process;
    ``ray`` runs them as tasks on the Ray cluster at ``address`` (default: a new local
    instance) that share OUT's storage. The study records the one commit it runs; a package
    source with uncommitted changes, or another than the study started with, is refused
    unless ``allow_dirty`` (the report then warns)."""
    if World.from_env("pytorch").size > 1:
        raise ConfigError(
            "study under torchrun: every process would run the whole study; start it as one "
            "process (--executor ray spreads its runs over machines)"
        )
    out = Path(out)
    preset = load_preset(preset_name)
    configs = row_configs(preset, out, only, data_dir, weights_dir, seeds, precision)
    starts = row_starts(preset)
    if executor == "ray" and starts:  # refused before any record or cluster
        raise ConfigError(
            f"rows that start from other rows ({', '.join(starts)}) run one after another: "
            "use --executor local for this preset"
        )
    run_remote = None
    if executor == "ray":
        from .ray_executor import connect

        run_remote = connect(address)
    elif executor != "local":
        raise ConfigError(f"--executor {executor!r} is not known; choose local or ray")
    with RunDir(out).lock():  # one process per study folder
        return _run_rows(
            StudyRun(
                preset=preset,
                configs=configs,
                out=out,
                resume=resume,
                data=data,
                data_dir=data_dir,
                progress=progress,
                echo=echo,
                executor=run_remote,
                command_of=(preset_name, precision),
                allow_dirty=allow_dirty,
            )
        )


@dataclass(kw_only=True)
class StudyRun:
    """What one `study` command runs, and how."""

    preset: dict
    configs: dict[str, dict[int, TrainConfig]]  # row -> seed -> its run's config
    out: Path
    resume: bool
    data: Any  # CIFAR-10 loaded already, or None (loaded when a row runs here)
    data_dir: str | None
    progress: bool
    echo: Callable[[str], None]
    executor: Callable | None = None  # runs the pending rows elsewhere (ray_executor)
    # (--preset as given, --precision): what its command line in study.json is made of
    command_of: tuple[str, str | None] = ("", None)
    allow_dirty: bool = False  # run from uncommitted or other source, and say so


def covering_command(study: StudyRun, recorded: dict) -> str:
    """The command that runs (or continues) every row and seed of the study: those of the
    record (``recorded``: row -> its record) and those this invocation runs. A study grown by
    several `--only` and `--seeds` invocations is re-run whole by it."""
    preset, (preset_arg, precision) = study.preset, study.command_of
    counts = {name: len(r.get("seeds", {})) for name, r in recorded.items()}
    for name, per_seed in study.configs.items():
        counts[name] = max(counts.get(name, 0), len(per_seed))
    names = [name for name in preset["rows"] if name in counts]
    only = None if len(names) == len(preset["rows"]) else names
    most = max(counts.values(), default=1)
    seeds = None if most == len(seed_list(preset)) else most
    return study_command(preset_arg, study.out, only, seeds, precision)


def _run_rows(study: StudyRun) -> dict:
    preset, configs, out, echo = study.preset, study.configs, study.out, study.echo
    record_file = StudyRecord(out)
    if record_file.path.exists() and not study.resume:
        raise ConfigError(
            f"{out} already holds a study; continue it with --resume, or choose another --out"
        )
    record = record_file.load() or {
        "preset": preset["name"],
        "description": preset.get("description", ""),
        "command": "",
        "rows": {},
    }
    record["rows"] = {**record.get("rows", {})}
    record_source(record, record_file.path, study.allow_dirty)
    record["command"] = covering_command(study, record["rows"])
    record_file.save(record)
    pending = []
    starts = row_starts(preset)
    order = run_order(configs, starts)
    for i, (name, seed) in enumerate(order, 1):
        runs = record["rows"].setdefault(name, {}).setdefault("seeds", {})
        config = configs[name][seed]
        label = f"[{i}/{len(order)}] {name} seed {seed}"
        if runs.get(str(seed), {}).get("status") == "completed":
            echo(f"{label}: done already, kept")
            continue
        if preset.get("shared_init") and config.init == "scratch" and not config.init_from:
            config = replace(config, init_from=shared_start(config, out))
        pending.append(Pending(label, name, seed, config))

    def finish(task: Pending, entry: dict) -> None:
        row = record["rows"][task.row]
        row["seeds"][str(task.seed)] = {**entry, "run_dir": _relative(task.config, out)}
        _summarize(row)
        record_file.save(record)
        if entry["status"] != "completed":
            echo(f"    {task.label}: {entry['status']}: {entry['reason']}")

    if study.executor is not None:
        study.executor(pending, _run_row, finish, echo)
        return record
    data = study.data() if callable(study.data) else study.data
    if data is None:
        from ..data import load_cifar10

        data = load_cifar10(study.data_dir, progress=study.progress)
    skipped = set()
    for task in pending:
        if task.row in skipped:
            continue  # the same weights are missing for every seed
        source = starts.get(task.row)
        status = record["rows"].get(source, {}).get("seeds", {}).get(str(task.seed), {})
        if source is not None and status.get("status") != "completed":
            # never from random weights in its place
            reason = f"its start, row {source} seed {task.seed}, did not complete"
            finish(
                task,
                {"status": "skipped", "reason": f"{reason} ({status.get('status') or 'not run'})"},
            )
            continue
        origin = f"from {source} seed {task.seed}" if source is not None else task.config.init
        echo(f"{task.label}: {task.config.framework} {task.config.model} ({origin})")
        try:
            entry = _run_row(task.config, data, study.progress)
        except KeyboardInterrupt:
            finish(task, {"status": "interrupted", "reason": "stopped (Ctrl-C or SIGTERM)"})
            raise
        finish(task, entry)
        if entry["status"] == "skipped":
            skipped.add(task.row)
    return record


def record_source(record: dict, path: Path, allow_dirty: bool) -> None:
    """Record the commit the study runs (kept from its start), or refuse: a package source
    with uncommitted changes, or one that differs from the source the study started with
    (committing finished runs or docs beside it changes neither)."""
    commit, tree = source_commit(), source_tree()
    if commit is None:  # an installed package: its version says what ran
        return
    base = commit.removesuffix("+changes")
    dirty = commit != base
    started = record.get("source_tree")
    moved = started is not None and started != tree
    if dirty and not allow_dirty:
        raise ConfigError(
            f"the alexnet_cifar source has uncommitted changes (at commit {base}); a study "
            "records the one commit it ran: commit them first, or pass --allow-dirty (the "
            "report then warns that the commit does not hold all the code)"
        )
    if moved and not allow_dirty:
        raise ConfigError(
            f"{path}: this study started from commit {record.get('commit')}, whose package "
            f"source differs from this checkout's ({base}); continue it there (git checkout "
            f"{record.get('commit')}), or pass --allow-dirty to mix them (the report then warns)"
        )
    if started is None:
        record["commit"], record["source_tree"] = base, tree
    record["dirty"] = bool(record.get("dirty") or dirty or moved)


class Pending(NamedTuple):
    """A (row, seed) run still to do."""

    label: str
    row: str
    seed: int
    config: TrainConfig


def _relative(config: TrainConfig, out: Path) -> str:
    return Path(config.out).relative_to(out).as_posix()


def _run_row(config: TrainConfig, data, progress: bool) -> dict:
    """One (row, seed) run: completed, skipped (ImageNet weights missing) or failed."""
    from ..api import train

    run = RunDir(config.out)
    try:
        train(config, data=data, resume=run.config_file.exists(), progress=progress)
        return {"status": "completed"}
    except WeightsError as exc:
        if not run.metrics():  # nothing trained: leave no half-made run behind
            shutil.rmtree(run.path, ignore_errors=True)
            if run.path.parent.is_dir() and not any(run.path.parent.iterdir()):
                run.path.parent.rmdir()
        return {"status": "skipped", "reason": str(exc)}
    except AlexNetCifarError as exc:
        return {"status": "failed", "reason": str(exc)}
    except Exception as exc:  # one broken row must not lose the others' results
        return {
            "status": "failed",
            "reason": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=5),
        }


def _summarize(row: dict) -> None:
    """A row's status over its seeds: completed when every seed is, else the first other
    status and its reason."""
    others = [r for r in row["seeds"].values() if r["status"] != "completed"]
    row["status"] = others[0]["status"] if others else "completed"
    if others and others[0].get("reason"):
        row["reason"] = others[0]["reason"]
    else:
        row.pop("reason", None)
