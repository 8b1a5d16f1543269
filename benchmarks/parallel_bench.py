"""Data-parallel speed on this machine: 1 process (all cores) against 2 processes (one core
each; torchrun for PyTorch, TF_CONFIG workers for Keras), same global batch, same images.

Usage: python benchmarks/parallel_bench.py [OUT_PREFIX]   (default results/parallel-cpu)
writes OUT_PREFIX.json and OUT_PREFIX.md; the data from $ALEXNET_CIFAR_DATA.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from alexnet_cifar.system import atomic
from alexnet_cifar.system.cpuinfo import cpu_model

EPOCHS = 3  # the first one warms up; the others are timed
ARGS = (
    "--model alexnet-cifar --batchnorm --augment flip --optimizer sgd --lr 0.05 --momentum 0.9 "
    "--limit-train 6400 --val-fraction 0.2 --limit-test 100 --batch-size 128 --device cpu "
    f"--precision fp32 --quiet --epochs {EPOCHS}"
).split()


def _ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _run(framework: str, procs: int, out: Path) -> float:
    args = ["train", "--framework", framework, *ARGS, "--out", str(out)]
    threads = str(max(1, (os.cpu_count() or 1) // procs))
    env = {**os.environ, "OMP_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads}
    if procs == 1:
        subprocess.run([sys.executable, "-m", "alexnet_cifar", *args], env=env, check=True)
    elif framework == "pytorch":
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        subprocess.run(
            [*cmd, "--nproc-per-node", str(procs), "-m", "alexnet_cifar", *args],
            env=env,
            check=True,
        )
    else:
        cluster = {"worker": [f"localhost:{p}" for p in _ports(procs)]}
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "alexnet_cifar", *args],
                env={
                    **env,
                    "TF_CONFIG": json.dumps(
                        {"cluster": cluster, "task": {"type": "worker", "index": i}}
                    ),
                },
            )
            for i in range(procs)
        ]
        if any(w.wait() for w in workers):
            raise SystemExit(f"a Keras worker failed ({framework}, {procs} processes)")
    records = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    timed = sorted(r["images_per_second"] for r in records[1:])
    return timed[len(timed) // 2]


def main(prefix: str = "results/parallel-cpu") -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for framework in ("pytorch", "keras"):
            one = _run(framework, 1, Path(tmp) / f"{framework}-1")
            two = _run(framework, 2, Path(tmp) / f"{framework}-2")
            rows.append(
                {
                    "framework": framework,
                    "one_process": one,
                    "two_processes": two,
                    "speedup": two / one,
                }
            )
    result = {"cpu": cpu_model(), "cpu_count": os.cpu_count(), "args": ARGS, "rows": rows}
    atomic.write_json(Path(prefix + ".json"), result)
    lines = [
        f"Data-parallel training on {result['cpu']} ({result['cpu_count']} cores): "
        "alexnet-cifar + BatchNorm, 32 px, global batch 128, fp32, train img/s (median epoch)",
        "",
        "| framework | 1 process | 2 processes | speed-up |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['framework']} | {r['one_process']:.0f} | {r['two_processes']:.0f} "
        f"| {r['speedup']:.2f}x |"
        for r in rows
    ]
    atomic.write_text(Path(prefix + ".md"), "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:])
