"""A study's matrix: a preset (built in, or a user's YAML file) read and checked, and the
run config of each row and seed.

A preset is YAML: ``defaults`` (TrainConfig fields for every row) and ``rows`` (name ->
fields). The built-in presets live in study/presets/; a user's file works the same.
"""

from __future__ import annotations

import shlex
from dataclasses import fields as fields_of
from dataclasses import replace
from importlib import resources
from pathlib import Path

import yaml

from ..config import TrainConfig
from ..errors import ConfigError
from ..system.environment import portable_path

PRESETS = "alexnet_cifar.study.presets"  # the package of the built-in preset files

# the keys of a preset file; rows and defaults hold TrainConfig fields
PRESET_KEYS = {"description", "defaults", "rows", "seeds", "shared_init"}


def preset_names() -> list[str]:
    return sorted(
        p.name[:-5] for p in resources.files(PRESETS).iterdir() if p.name.endswith(".yaml")
    )


def load_preset(name_or_path: str) -> dict:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ConfigError(f"preset file {path} does not exist")
        text, name = path.read_text(), path.stem
    elif name_or_path in preset_names():
        text = resources.files(PRESETS).joinpath(f"{name_or_path}.yaml").read_text()
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
    starts = row_starts(preset)
    configs: dict[str, dict[int, TrainConfig]] = {}
    for name, fields in rows.items():
        if only and name not in only:
            continue
        fields = {
            k: v for k, v in (fields or {}).items() if not (k == "init_from" and name in starts)
        }
        try:
            config = TrainConfig.from_dict({**preset["defaults"], **fields})
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
                config,
                seed=seed,
                out=str(run_dir(out, name, seed)),
                # the same seed's run of the row it starts from
                init_from=str(run_dir(out, starts[name], seed))
                if name in starts
                else config.init_from,
            )
    return configs


def run_dir(out: Path, row: str, seed: int) -> Path:
    return Path(out) / "runs" / row / f"seed-{seed}"


def row_starts(preset: dict) -> dict[str, str]:
    """Row -> the row whose finished run (of the same seed) it starts from (``init_from:
    {row: NAME}``); a missing row or a cycle is one line naming it."""
    rows = preset["rows"]
    starts = {}
    for name, fields in rows.items():
        start = (fields or {}).get("init_from")
        if not isinstance(start, dict):
            continue
        source = start.get("row")
        if set(start) != {"row"} or source not in rows:
            raise ConfigError(
                f"preset {preset['name']}, row {name}: init_from {{row: NAME}} names a row of "
                f"this preset ({', '.join(rows)}); got {start}"
            )
        starts[name] = source
    for name in starts:
        chain = [name]
        while chain[-1] in starts:
            chain.append(starts[chain[-1]])
            if chain[-1] in chain[:-1]:
                raise ConfigError(
                    f"preset {preset['name']}: rows start from each other in a circle "
                    f"({' -> '.join(chain)}); one of them must start from its own weights"
                )
    return starts


def depth(row: str, starts: dict[str, str]) -> int:
    """How many rows stand before ``row`` in its chain of starts."""
    n = 0
    while row in starts:
        row, n = starts[row], n + 1
    return n


def run_order(
    configs: dict[str, dict[int, TrainConfig]], starts: dict[str, str] | None = None
) -> list[tuple[str, int]]:
    """The (row, seed) runs in the order a study runs them: seed by seed, the rows in turn,
    their order reversed every other seed (A B, B A, A B, ...). A machine whose speed drifts
    over the hours of a study then slows every row alike, where running all of one row's
    seeds first would hand one row the fast hours and call it the faster framework. A row that
    starts from another (``starts``) runs after it, in each seed."""
    starts = starts or {}
    rows = list(configs)
    seeds = sorted({seed for per_seed in configs.values() for seed in per_seed})
    order = []
    for turn, seed in enumerate(seeds):
        turned = rows if turn % 2 == 0 else rows[::-1]
        for row in sorted(turned, key=lambda r: depth(r, starts)):  # stable: keeps the turn
            if seed in configs[row]:
                order.append((row, seed))
    return order
