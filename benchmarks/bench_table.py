"""The Markdown table of `bench` JSON files: img/s in fp32 and in the precision `auto` chose,
and the speed-up, with the machine and its bf16 support named.

Usage: python benchmarks/bench_table.py results/bench-cpu-*.json > results/bench-cpu.md
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alexnet_cifar.training.precision import BF16_CPU_FLAGS

Done = TypeVar("Done")


def bench_process(
    framework: str,
    model: str,
    flags: list[str],
    run: Callable[[list[str]], Done] = lambda c: subprocess.run(
        c, check=True, stdout=subprocess.DEVNULL
    ),
) -> tuple[dict, Done]:
    """One `alexnet-cifar bench` of ``model`` in ``framework`` with ``flags``, in a process of
    its own (a measurement not disturbed by the one before it), started and waited for by
    ``run``; its JSON result and what ``run`` returned."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        command = [sys.executable, "-m", "alexnet_cifar", "bench", "--framework", framework]
        command += ["--model", model, *flags, "--quiet", "--output", str(out)]
        done = run(command)
        return json.loads(out.read_text()), done


def _machine(r: dict) -> str:
    hw = r["hardware"]
    if hw.get("gpu"):
        return f"{hw['gpu']} (GPU)"
    bf16 = (
        f"native bf16 ({' or '.join(BF16_CPU_FLAGS)})"
        if hw.get("native_bf16")
        else "no native bf16"
    )
    return f"{hw['cpu']}, {hw['cpu_count']} cores, {bf16}"


def table(results: list[dict]) -> str:
    versions = {k: v for r in results for k, v in r["software"].items()}
    lines = [
        f"Machine: {_machine(results[0])}; torch {versions.get('torch', '-')}, TensorFlow "
        f"{versions.get('tensorflow', '-')}. Compute only (a batch already on the device), "
        f"{results[0]['steps']} timed steps, images per second.",
        "",
        "| framework | model | batch | precision (auto) | train fp32 | train auto | speed-up "
        "| inference fp32 | inference auto | speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(results, key=lambda r: (r["input_size"], r["framework"])):
        fp32 = r.get("fp32") or {k: r[k] for k in ("compute_train", "compute_inference")}
        speed = r.get("speedup_over_fp32") or {"compute_train": 1.0, "compute_inference": 1.0}
        lines.append(
            f"| {r['framework']} | {r['model']} {r['input_size']} px | {r['batch_size']} "
            f"| {r['precision']} | {fp32['compute_train']:,.0f} | {r['compute_train']:,.0f} "
            f"| {speed['compute_train']:.2f}x | {fp32['compute_inference']:,.0f} "
            f"| {r['compute_inference']:,.0f} | {speed['compute_inference']:.2f}x |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table([json.loads(Path(p).read_text()) for p in sys.argv[1:]]))
