"""The report's reproducibility block: software versions, machine, date and commit, each row's
recipe, the split, the command that re-runs the study, and links to every run's folder."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from dataclasses import fields
from pathlib import Path

from ..config import TrainConfig, upgrade_config
from ..data import translate
from ..study.matrix import study_command
from ..system.environment import portable_path
from .i18n import Words
from .labels import hardware

# the recipe table's lines: the config fields marked as recipe, in the config's order
RECIPE = tuple(f.name for f in fields(TrainConfig) if f.metadata.get("recipe"))
DEFAULTS = {f.name: f.default for f in fields(TrainConfig)}
SOFTWARE = (
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("tensorflow", "TensorFlow"),
    ("keras", "Keras"),
    ("cuda", "CUDA"),
)

Item = tuple[str, object]  # ("p", text) | ("code", text) | ("table", Table) | ("links", [...])


def config_of(run: dict) -> dict:
    return {**DEFAULTS, **upgrade_config(run.get("config", {}))}


def versions(rows: list[dict]) -> str:
    runs = [run for r in rows for run in r["runs"]]
    found = {"Python": sorted({run["hardware"].get("python", "?") for run in runs})}
    on_gpu = any(run["hardware"].get("gpu") for run in runs)
    for key, name in SOFTWARE:
        if key == "cuda" and not on_gpu:
            continue  # a CPU run's torch build names a CUDA version it never used
        values = sorted({str(run["software"][key]) for run in runs if key in run["software"]})
        if values:
            found[name] = values
    return ", ".join(f"{name} {' / '.join(values)}" for name, values in found.items())


def recipe_table(rows: list[dict], w: Words):
    configs = [config_of(r["runs"][0]) for r in rows]
    for c, r in zip(configs, rows):
        c["input_size"] = r.get("input_size") or c.get("input_size")
        c["precision"] = r["precision"]
    body = [[w.get(f"hp_{key}", key)] + [_value(key, c, w) for c in configs] for key in RECIPE]
    return w("recipe"), [w("setting")] + [r["row"] for r in rows], body


def _value(key: str, config: dict, w: Words) -> str:
    value = config.get(key)
    if key == "limit_train" and value is None:
        return w("v_limit_train_all")  # no limit: every training image
    if key == "classes":
        return w("v_all_classes") if value is None else ", ".join(translate(value, w.lang))
    if key == "finetune" and config.get("init") != "imagenet" and not config.get("init_from"):
        return w("v_none")  # a run from random weights fine-tunes nothing
    if value in (None, "none", 0) and f"v_{key}_none" in w.text:
        return w(f"v_{key}_none")  # in words that agree with the setting's name
    return w.value(value)


def command(data: dict) -> str:
    """The recorded command, else one rebuilt from the records: the preset, this folder, the
    rows and seeds present, and the precision every run computed in."""
    if data.get("command"):
        return data["command"]
    rows = data["rows"]
    if data.get("preset"):
        precisions = {run["precision"] for r in rows for run in r["runs"]}
        seeds = max((len(r["runs"]) for r in rows), default=1)
        return study_command(
            data["preset"],
            data["root"],
            seeds=seeds,
            precision=precisions.pop() if len(precisions) == 1 else None,
        )
    return "\n".join(train_command(run) for r in rows for run in r["runs"])


def train_command(run: dict) -> str:
    """`alexnet-cifar train` with every setting of the run that differs from the default."""
    config = config_of(run)
    words = ["alexnet-cifar", "train"]
    for f in fields(TrainConfig):
        value = config.get(f.name)
        if not f.metadata["cli"] or value == f.default or value is None:
            continue
        flag = "--" + f.name.replace("_", "-")
        words += [flag] if value is True else [flag, str(value)]
    return shlex.join([*words, "--out", portable_path(run["path"])])


# how a fresh machine gets what the study needs: README's two commands, from the repository
INSTALL = 'python3 -m venv .venv && .venv/bin/pip install -e ".[all,dev]"'
TESTS = ".venv/bin/python -m pytest -q"


def _commits(commits: list[str], w: Words) -> str:
    """The commits in words: a run from uncommitted changes says so instead of "+changes"."""
    if not commits:
        return w("not_recorded")
    return ", ".join(
        w("uncommitted", commit=c.removesuffix("+changes")) if c.endswith("+changes") else c
        for c in commits
    )


def reproduce(data: dict, w: Words) -> list[Item]:
    rows = data["rows"]
    if not rows:
        return [("p", w("command")), ("code", command(data))]
    runs = [run for r in rows for run in r["runs"]]
    dates = sorted({run["finished"][:10] for run in runs if run.get("finished")})
    commits = (
        [data["commit"]]
        if data.get("commit")
        else sorted({run["commit"] for run in runs if run.get("commit")})
    )
    if not dates:
        when = w("not_recorded")
    else:
        first, last = (w.date(dt.date.fromisoformat(d)) for d in (dates[0], dates[-1]))
        when = first if len(dates) == 1 else w("interval", lo=first, hi=last)
    first = rows[0]
    items: list[Item] = [("p", w("install")), ("code", f"{INSTALL}\n{TESTS}")]
    items.append(("p", w("data_from", source=first.get("data_source") or w("not_recorded"))))
    items += [
        ("p", w("command")),
        ("code", command(data)),
        *_precision_note(runs, w),
        ("p", f"{w('machine')}: {'; '.join(sorted({hardware(r, w) for r in rows}))}."),
        *_run_times(runs, w),
        ("p", f"{w('versions')}: {versions(rows)}."),
        ("p", f"{w('date')}: {when}. {w('commit')}: {_commits(commits, w)}."),
        *_source_warnings(data, runs, commits, w),
        (
            "p",
            w(
                "splits",
                train=w.count(first.get("num_train_images", 0)),
                val=w.count(first.get("num_val_images", 0)),
                test=w.count(first["num_test_images"]),
            ),
        ),
        ("table", recipe_table(rows, w)),
        ("p", w("runs") + ":"),
        ("links", run_links(data, w)),
    ]
    return items


def _precision_note(runs: list[dict], w: Words) -> list[Item]:
    """What --precision auto chose, and what it chooses on a CPU without bf16."""
    chosen = {run["precision"] for run in runs}
    auto = {run.get("config", {}).get("precision") for run in runs} <= {"auto", "bf16", None}
    if chosen == {"bf16"} and auto and not any(run["hardware"].get("gpu") for run in runs):
        return [("p", w("precision_note"))]
    return []


def _run_times(runs: list[dict], w: Words) -> list[Item]:
    seconds = [run["train_seconds"] for run in runs if run.get("train_seconds")]
    if not seconds:
        return []
    lo, hi = (w.num(f(seconds) / 60, 0) for f in (min, max))
    total = w.num(sum(seconds) / 3600, 1)
    if len(seconds) == 1:
        return [("p", w("run_time_one", m=lo))]
    if lo == hi:  # no range of one number
        return [("p", w("run_times_same", m=lo, total=total))]
    return [("p", w("run_times", lo=lo, hi=hi, total=total))]


def _source_warnings(data: dict, runs: list[dict], commits: list[str], w: Words) -> list[Item]:
    out: list[Item] = []
    if data.get("dirty") or any(c.endswith("+changes") for c in commits):
        out.append(("p", w("dirty_warning")))
    if len(commits) > 1:
        out.append(("p", w("mixed_commits", n=len(commits))))
    return out


def run_links(data: dict, w: Words) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per run: its label and (text, href) links to its folder and TensorBoard events, relative
    to the report folder."""
    report_dir = Path(data["root"]) / "report"
    out = []
    for r in data["rows"]:
        for run in r["runs"]:
            href = Path(os.path.relpath(run["path"], report_dir)).as_posix()
            label = f"{r['row']}, {w('seed')} {run.get('config', {}).get('seed', 0)}"
            links = [(href + "/", href + "/")]
            if (Path(run["path"]) / "tensorboard").is_dir():
                links.append((w("tensorboard"), href + "/tensorboard/"))
            out.append((label, links))
    return out
