"""What keeping freed memory (backends/startup.keep_freed_blocks) buys each framework's step.

For alexnet-cifar + BatchNorm at 32 px and alexnet at 224 px (batch 128, --precision auto,
--augment flip), each framework gets `alexnet-cifar bench --arms-only` (the compute-only step on
one batch, on four batches made beforehand, and through the input pipeline) in a process of its
own, once with ALEXNET_CIFAR_KEEP_FREED_MEMORY=1 (the default) and once with 0 (glibc's own
behaviour), --rounds times, the two settings taking turns and each round started by the other
one; then a short run of the real trainer at 224 px per framework (--trainer), kept and handed
back, with its epochs' seconds and its peak memory. Each process's CPU time is read from the
kernel (user and system: page faults of memory handed back and taken again show as system
time) with its peak resident memory. Writes
results/freed-memory-<cpu|gpu>.{json,md}; the ratios within one run are what count.

Usage: ALEXNET_CIFAR_DATA=... python benchmarks/freed_memory.py [--rounds 2] [--steps 24]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_table import _machine, bench_process  # noqa: E402

from alexnet_cifar.backends.startup import KEEP_FREED  # noqa: E402
from alexnet_cifar.bench.kit import turn_order  # noqa: E402

FRAMEWORKS = ("pytorch", "keras")
MODELS = (("alexnet-cifar", ["--batchnorm"], "32 px"), ("alexnet", [], "224 px"))
SETTINGS = ("1", "0")  # kept (the default), handed back (glibc's own)
ARMS = ("compute_train", "fresh_train", "pipeline_train")


def run_alone(command: list[str], keep: str, **popen) -> os.struct_rusage:
    """One process with the setting ``keep``; the kernel's account of its CPU time and memory."""
    child = subprocess.Popen(command, env={**os.environ, KEEP_FREED: keep}, **popen)
    _, status, usage = os.wait4(child.pid, 0)
    if (code := os.waitstatus_to_exitcode(status)) != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {code})")
    return usage


def bench(framework: str, model: str, flags: list[str], keep: str, args) -> dict:
    """One bench process; its result with its CPU time and peak memory."""
    flags = [*flags, "--precision", "auto", "--batch-size", "128", "--augment", "flip"]
    flags += ["--steps", str(args.steps), "--arms-only"]
    result, usage = bench_process(
        framework, model, flags, lambda c: run_alone(c, keep, stdout=subprocess.DEVNULL)
    )
    result["cpu_user_s"], result["cpu_system_s"] = usage.ru_utime, usage.ru_stime
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def trainer(framework: str, keep: str, epochs: int) -> dict:
    """A short real run at 224 px (2,560 images before the validation split: 18 steps of 128
    an epoch): each epoch's seconds and the process's peak memory, which would grow with the
    epochs if the kept blocks fragmented."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "alexnet_cifar", "train", "--framework", framework]
        command += ["--model", "alexnet", "--precision", "auto", "--batch-size", "128"]
        command += ["--limit-train", "2560", "--limit-test", "512", "--epochs", str(epochs)]
        command += ["--augment", "flip", "--quiet", "--out", str(Path(tmp) / "run")]
        usage = run_alone(command, keep)
        lines = (Path(tmp) / "run" / "metrics.jsonl").read_text().splitlines()
    seconds = [json.loads(line)["seconds"] for line in lines]
    return {"epochs": epochs, "epoch_seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def trainer_runs(args) -> list[dict]:
    """Per framework: kept for half the epochs and for all of them, handed back for all."""
    rows = []
    for framework in args.trainer:
        runs = {
            "kept, half": trainer(framework, "1", args.trainer_epochs // 2),
            "kept": trainer(framework, "1", args.trainer_epochs),
            "back": trainer(framework, "0", args.trainer_epochs),
        }
        print(f"{framework} trainer runs done", flush=True)
        rows.append({"framework": framework, "runs": runs})
    return rows


def measure(args) -> list[dict]:
    rows = []
    for model, flags, size in MODELS:
        for framework in FRAMEWORKS:
            runs: dict[str, list[dict]] = {keep: [] for keep in SETTINGS}
            for r in range(args.rounds):
                for keep in (SETTINGS[i] for i in turn_order(len(SETTINGS), r)):
                    runs[keep].append(bench(framework, model, flags, keep, args))
                    print(f"{framework} {model} keep={keep} round {r + 1}", flush=True)
            rows.append({"framework": framework, "model": model, "size": size, "runs": runs})
    return rows


def _median_ratio(row: dict, key: str) -> str:
    kept, back = row["runs"]["1"], row["runs"]["0"]
    ratios = [k[key] / b[key] for k, b in zip(kept, back, strict=True)]
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def _share(runs: list[dict]) -> str:
    shares = [r["cpu_system_s"] / (r["cpu_system_s"] + r["cpu_user_s"]) for r in runs]
    return f"{100 * statistics.median(shares):.0f}%"


def table(rows: list[dict]) -> str:
    first = rows[0]["runs"]["1"][0]
    lines = [
        "# Keeping freed memory: each framework's training step with and without",
        "",
        f"Machine: {_machine(first)}; precision {first['precision']}, batch 128, `--augment "
        "flip`. Written by `python benchmarks/freed_memory.py`: `bench --arms-only` in a "
        f"process of its own with {KEEP_FREED}=1 (kept, the default) and =0 (glibc hands large "
        f"blocks back), {len(rows[0]['runs']['1'])} rounds, the settings taking turns. Kept / "
        "handed back: the median ratio of images/s over the rounds (range). System time: the "
        "kernel's share of the whole process's CPU time (page faults; start-up and data loading "
        "included), median.",
        "",
        "| model | framework | compute only, kept / back | made beforehand, kept / back | "
        "pipeline, kept / back | images/s compute only, kept / back | system time, kept / back "
        "| pipeline / compute, kept | peak memory MB, kept / back |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        kept, back = row["runs"]["1"], row["runs"]["0"]
        rate = "{:.0f} / {:.0f}".format(
            *(statistics.median(r["compute_train"] for r in runs) for runs in (kept, back))
        )
        pipe = [r["pipeline_over_compute"] for r in kept]
        peaks = (max(r["peak_rss_mb"] for r in runs) for runs in (kept, back))
        memory = "{:.0f} / {:.0f}".format(*peaks)
        lines.append(
            f"| {row['model']} {row['size']} | {row['framework']} | "
            + " | ".join(_median_ratio(row, key) for key in ARMS)
            + f" | {rate} | {_share(kept)} / {_share(back)} | {statistics.median(pipe):.2f} "
            f"({min(pipe):.2f}-{max(pipe):.2f}) | {memory} |"
        )
    return "\n".join(lines) + "\n"


def trainer_table(rows: list[dict]) -> str:
    lines = [
        "",
        "## The real trainer at 224 px",
        "",
        "`alexnet-cifar train --model alexnet --limit-train 2560 --augment flip` (18 steps an "
        "epoch, batch 128, auto precision): the median epoch after the first, and the peak "
        "memory of a run half as long, which it would exceed if the kept blocks fragmented.",
        "",
        "| framework | epoch s, kept / back | peak memory MB: kept, half the epochs / kept / "
        "back |",
        "|---|---|---|",
    ]
    for row in rows:
        runs = row["runs"]
        epoch = "{:.1f} / {:.1f}".format(
            *(statistics.median(runs[k]["epoch_seconds"][1:]) for k in ("kept", "back"))
        )
        memory = " / ".join(f"{runs[k]['peak_rss_mb']:.0f}" for k in ("kept, half", "kept", "back"))
        lines.append(f"| {row['framework']} | {epoch} | {memory} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=24, help="timed steps per arm")
    parser.add_argument("--out", help="output stem (default: results/freed-memory-cpu)")
    parser.add_argument(
        "--trainer", nargs="*", default=list(FRAMEWORKS), help="frameworks for the trainer runs"
    )
    parser.add_argument("--trainer-epochs", type=int, default=4)
    parser.add_argument("--skip-bench", action="store_true", help="the trainer runs only")
    args = parser.parse_args()
    rows = [] if args.skip_bench else measure(args)
    train_rows = trainer_runs(args)
    kind = "gpu" if rows and rows[0]["runs"]["1"][0]["hardware"].get("gpu") else "cpu"
    stem = Path(args.out or ROOT / "results" / f"freed-memory-{kind}")
    out = {"bench": rows, "trainer": train_rows}
    stem.with_suffix(".json").write_text(json.dumps(out, indent=1))
    text = (table(rows) if rows else "") + (trainer_table(train_rows) if train_rows else "")
    stem.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
