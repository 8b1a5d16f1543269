"""`alexnet-cifar study`: a matrix of runs from a preset, then the report.

A preset is YAML: ``defaults`` (TrainConfig fields for every row) and ``rows`` (name ->
fields). The built-in presets live in alexnet_cifar/presets/; a user's file works the same.
DIR/study.json records every row's status; DIR/runs/<row>/ is that row's run directory.
"""

from __future__ import annotations

import shlex
import shutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from dataclasses import fields as fields_of
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import atomic
from .config import TrainConfig
from .environment import portable_path
from .errors import AlexNetCifarError, ConfigError, WeightsError
from .runs import RunDir, read_json
from .training.distributed import World

# the keys of a preset file; rows and defaults hold TrainConfig fields
PRESET_KEYS = {"description", "defaults", "rows", "seeds", "shared_init"}


def preset_names() -> list[str]:
    return sorted(
        p.name[:-5]
        for p in resources.files("alexnet_cifar.presets").iterdir()
        if p.name.endswith(".yaml")
    )


def load_preset(name_or_path: str) -> dict:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ConfigError(f"preset file {path} does not exist")
        text, name = path.read_text(), path.stem
    elif name_or_path in preset_names():
        text = resources.files("alexnet_cifar.presets").joinpath(f"{name_or_path}.yaml").read_text()
        name = name_or_path
    else:
        raise ConfigError(
            f"unknown preset {name_or_path!r}; choose one of "
            f"{', '.join(preset_names())}, or pass a .yaml file"
        )
    try:
        preset = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"preset {name_or_path}: not valid YAML ({exc})") from exc
    if (
        not isinstance(preset, dict)
        or not isinstance(preset.get("rows"), dict)
        or not preset["rows"]
    ):
        raise ConfigError(f"preset {name_or_path}: needs a 'rows' mapping (row name -> settings)")
    unknown = sorted(set(preset) - PRESET_KEYS)
    if unknown:
        raise ConfigError(
            f"preset {name_or_path}: unknown key(s) {', '.join(unknown)}; a preset holds "
            f"{', '.join(sorted(PRESET_KEYS))}"
        )
    preset.setdefault("defaults", {})
    preset["name"] = name
    return preset


def study_command(
    preset: str,
    out: str | Path,
    only: list[str] | None = None,
    seeds: int | None = None,
    precision: str | None = None,
) -> str:
    """The command line that runs (or continues) this study: what its report tells a reader
    to type."""
    words = ["alexnet-cifar", "study", "--preset", preset, "--out", portable_path(out)]
    if only:
        words += ["--only", *only]
    if seeds is not None:
        words += ["--seeds", str(seeds)]
    if precision is not None:
        words += ["--precision", precision]
    return shlex.join([*words, "--resume"])


def description(preset: dict, lang: str = "en") -> str:
    """A preset's description in ``lang``: presets carry theirs as {en: ..., es: ...}; a
    user's preset may give one string for every language."""
    text = preset.get("description") or ""
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or ""
    return text


def seed_list(preset: dict, seeds: int | None = None) -> list[int]:
    """The seed offsets every row runs: ``--seeds`` or the preset's ``seeds:`` (default 1)."""
    n = seeds if seeds is not None else preset.get("seeds", 1)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ConfigError(f"--seeds must be a positive integer, got {n!r}")
    return list(range(n))


def row_configs(
    preset: dict,
    out: Path,
    only: list[str] | None = None,
    data_dir: str | None = None,
    weights_dir: str | None = None,
    seeds: int | None = None,
    precision: str | None = None,
) -> dict[str, dict[int, TrainConfig]]:
    """Every row's validated config per seed (row -> seed -> config, the run in
    ``runs/<row>/seed-<seed>``); ``precision`` overrides the preset's for every row. A bad
    preset fails here, before any training."""
    rows = preset["rows"]
    unknown = sorted(set(only or []) - set(rows))
    if unknown:
        raise ConfigError(
            f"--only {', '.join(unknown)}: not rows of preset {preset['name']} ({', '.join(rows)})"
        )
    offsets = seed_list(preset, seeds)
    configs: dict[str, dict[int, TrainConfig]] = {}
    for name, fields in rows.items():
        if only and name not in only:
            continue
        try:
            config = TrainConfig.from_dict({**preset["defaults"], **(fields or {})})
        except (TypeError, ConfigError) as exc:
            keys = ", ".join(f.name for f in fields_of(TrainConfig) if f.metadata["cli"])
            raise ConfigError(
                f"preset {preset['name']}, row {name}: {exc} (valid keys: {keys})"
            ) from None
        config = replace(config, data_dir=data_dir)
        if precision is not None:
            config.precision = precision
        source = config.pretrained
        if source and weights_dir and config.weights is None:
            candidate = Path(weights_dir) / source.file_name
            if candidate.is_file():
                config.weights = str(candidate)
        try:
            config.validate()
        except ConfigError as exc:
            raise ConfigError(f"preset {preset['name']}, row {name}: {exc}") from exc
        configs[name] = {}
        for offset in offsets:
            seed = config.seed + offset
            configs[name][seed] = replace(
                config, seed=seed, out=str(out / "runs" / name / f"seed-{seed}")
            )
    return configs


def shared_start(config: TrainConfig, out: Path) -> str:
    """The initial-weights file every scratch row of this model and seed starts from (a
    ``shared_init: true`` preset), made once by the row's framework and kept in the study."""
    from .arch import spec_for
    from .backends import get_backend

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
) -> dict:
    """Every row of a preset (x seeds) into OUT/runs/, with OUT/study.json. ``executor``:
    ``local`` runs them one after another in this process; ``ray`` runs them as tasks on the
    Ray cluster at ``address`` (default: a new local instance) that share OUT's storage."""
    if World.from_env("pytorch").size > 1:
        raise ConfigError(
            "study under torchrun: every process would run the whole study; start it as one "
            "process (--executor ray spreads its runs over machines)"
        )
    out = Path(out)
    preset = load_preset(preset_name)
    configs = row_configs(preset, out, only, data_dir, weights_dir, seeds, precision)
    run_remote = None
    if executor == "ray":
        from .ray_executor import connect

        run_remote = connect(address)
    elif executor != "local":
        raise ConfigError(f"--executor {executor!r} is not known; choose local or ray")
    with RunDir(out).lock():  # one process per study folder
        return _run_rows(
            StudyRun(
                preset,
                configs,
                out,
                resume,
                data,
                data_dir,
                progress,
                echo,
                run_remote,
                (preset_name, precision),
            )
        )


@dataclass
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
    record["command"] = covering_command(study, record["rows"])
    record_file.save(record)
    pending = []
    for i, (name, per_seed) in enumerate(configs.items(), 1):
        runs = record["rows"].setdefault(name, {}).setdefault("seeds", {})
        for seed, config in per_seed.items():
            label = f"[{i}/{len(configs)}] {name} seed {seed}"
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
    data = study.data
    if data is None:
        from .data import load_cifar10

        data = load_cifar10(study.data_dir, progress=study.progress)
    skipped = set()
    for task in pending:
        if task.row in skipped:
            continue  # the same weights are missing for every seed
        echo(f"{task.label}: {task.config.framework} {task.config.model} ({task.config.init})")
        try:
            entry = _run_row(task.config, data, study.progress)
        except KeyboardInterrupt:
            finish(task, {"status": "interrupted", "reason": "stopped (Ctrl-C or SIGTERM)"})
            raise
        finish(task, entry)
        if entry["status"] == "skipped":
            skipped.add(task.row)
    return record


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
    from .api import train

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
