"""`alexnet-cifar study`: a matrix of runs from a preset, then the report.

A preset is YAML: ``defaults`` (TrainConfig fields for every row) and ``rows`` (name ->
fields). The built-in presets live in alexnet_cifar/presets/; a user's file works the same.
DIR/study.json records every row's status; DIR/runs/<row>/ is that row's run directory.
"""

from __future__ import annotations

import shutil
import traceback
from dataclasses import replace
from importlib import resources
from pathlib import Path

import yaml

from . import atomic
from .config import TrainConfig
from .errors import AlexNetCifarError, ConfigError, WeightsError


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
    preset.setdefault("defaults", {})
    preset["name"] = name
    return preset


def row_configs(
    preset: dict,
    out: Path,
    only: list[str] | None = None,
    data_dir: str | None = None,
    weights_dir: str | None = None,
) -> dict[str, TrainConfig]:
    """Every row's validated config; a bad preset fails here, before any training."""
    rows = preset["rows"]
    unknown = sorted(set(only or []) - set(rows))
    if unknown:
        raise ConfigError(
            f"--only {', '.join(unknown)}: not rows of preset {preset['name']} ({', '.join(rows)})"
        )
    configs = {}
    for name, fields in rows.items():
        if only and name not in only:
            continue
        try:
            config = TrainConfig.from_dict({**preset["defaults"], **(fields or {})})
        except TypeError as exc:
            raise ConfigError(f"preset {preset['name']}, row {name}: {exc}") from exc
        config = replace(config, out=str(out / "runs" / name), data_dir=data_dir)
        source = config.pretrained
        if source and weights_dir and config.weights is None:
            candidate = Path(weights_dir) / source.file_name
            if candidate.is_file():
                config.weights = str(candidate)
        try:
            configs[name] = config.validate()
        except ConfigError as exc:
            raise ConfigError(f"preset {preset['name']}, row {name}: {exc}") from exc
    return configs


class StudyRecord:
    def __init__(self, out: Path):
        self.path = out / "study.json"

    def load(self) -> dict:
        import json

        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def save(self, record: dict) -> None:
        atomic.write_json(self.path, record)


def run_study(
    preset_name: str,
    out: str | Path,
    *,
    only: list[str] | None = None,
    resume: bool = False,
    data=None,
    data_dir: str | None = None,
    weights_dir: str | None = None,
    progress: bool = True,
    echo=print,
) -> dict:
    from .api import train
    from .runs import RunDir

    out = Path(out)
    preset = load_preset(preset_name)
    configs = row_configs(preset, out, only, data_dir, weights_dir)
    record_file = StudyRecord(out)
    if record_file.path.exists() and not resume:
        raise ConfigError(
            f"{out} already holds a study; continue it with --resume, or choose another --out"
        )
    record = record_file.load() or {
        "preset": preset["name"],
        "description": preset.get("description", ""),
        "rows": {},
    }
    record["rows"] = {**record.get("rows", {})}
    record_file.save(record)
    if data is None:
        from .data import load_cifar10

        data = load_cifar10(data_dir, progress=progress)
    for i, (name, config) in enumerate(configs.items(), 1):
        run = RunDir(config.out)
        previous = record["rows"].get(name, {})
        if previous.get("status") == "completed" and run.results_file.exists():
            echo(f"[{i}/{len(configs)}] {name}: done already, kept")
            continue
        echo(f"[{i}/{len(configs)}] {name}: {config.framework} {config.model} ({config.init})")
        try:
            train(config, data=data, resume=run.config_file.exists(), progress=progress)
            entry = {"status": "completed"}
        except WeightsError as exc:
            entry = {"status": "skipped", "reason": str(exc)}
            if not run.metrics():  # nothing trained: leave no half-made run behind
                shutil.rmtree(run.path, ignore_errors=True)
        except KeyboardInterrupt:
            record["rows"][name] = {"status": "interrupted", "run_dir": f"runs/{name}"}
            record_file.save(record)
            raise
        except AlexNetCifarError as exc:
            entry = {"status": "failed", "reason": str(exc)}
        except Exception as exc:  # one broken row must not lose the others' results
            entry = {
                "status": "failed",
                "reason": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=5),
            }
        entry["run_dir"] = f"runs/{name}"
        record["rows"][name] = entry
        record_file.save(record)
        if entry["status"] != "completed":
            echo(f"    {entry['status']}: {entry['reason']}")
    return record
