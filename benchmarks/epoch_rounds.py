"""The real trainer's epoch, PyTorch against Keras, the frameworks taking turns.

A study trains its rows one after the other in one process, so the per-epoch ratio it reports
also holds whatever the machine did between the rows (a 2-core cloud CPU drifts by 10% within
a minute, for minutes at a time) and whatever one framework's runtime left behind for the other
in that process. This script times the `quick` recipe's scratch rows (alexnet-cifar + BatchNorm,
32 px, batch 128, --precision auto) as short studies, --rounds times:

- `one process`: both rows in one `alexnet-cifar study`, as a study runs them, the order
  switching every round (PyTorch first, then Keras first);
- `own process`: each row in a `study --only ROW` of its own, the frameworks taking turns.

Each run trains --epochs epochs on --limit-train images; its last epoch is read from
metrics.jsonl (the first pays the warm-up): the epoch's wall seconds and its training-step
images per second (`phases.compute`). The Keras / PyTorch ratio is taken within each pair and
its median reported. Writes results/epoch-rounds-<cpu|gpu>.{json,md}.

Usage: python benchmarks/epoch_rounds.py [--rounds 2] [--limit-train 12800] [--epochs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import yaml

from alexnet_cifar.study.matrix import load_preset
from alexnet_cifar.system.cpuinfo import cpu_flags
from alexnet_cifar.training.precision import BF16_CPU_FLAGS

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ("pytorch", "keras")
RECIPE = "quick"


def short_preset(order: tuple[str, ...], args) -> dict:
    """The `quick` preset's scratch rows, in ``order``, cut to a short run."""
    quick = load_preset(RECIPE)
    cut = {"epochs": args.epochs, "limit_train": args.limit_train, "limit_test": args.limit_test}
    rows = {f"scratch-{f}": {**quick["rows"][f"scratch-{f}"], **cut} for f in order}
    return {"seeds": 1, "defaults": quick["defaults"], "rows": rows}


def study(order: tuple[str, ...], only: str | None, args, tmp: Path) -> dict[str, dict]:
    """Runs one study; each row's last epoch from its metrics.jsonl (framework -> epoch)."""
    out = Path(tempfile.mkdtemp(dir=tmp))
    preset = out / "short.yaml"
    preset.write_text(yaml.safe_dump(short_preset(order, args)))
    command = [str(ROOT / ".venv/bin/alexnet-cifar"), "study", "--preset", str(preset)]
    command += ["--out", str(out / "study"), "--quiet"]
    command += ["--only", only] if only else []
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    epochs = {}
    for framework in order if only is None else (only.removeprefix("scratch-"),):
        metrics = out / "study" / "runs" / f"scratch-{framework}" / "seed-0" / "metrics.jsonl"
        last = json.loads(metrics.read_text().splitlines()[-1])
        run = json.loads((metrics.parent / "results.json").read_text())
        epochs[framework] = {
            "precision": run["precision"],
            "hardware": run["hardware"],
            "train_images": run["num_train_images"]
            // run["config"]["batch_size"]
            * run["config"]["batch_size"],
            "wall_seconds": last["wall_seconds"],
            "compute_seconds": last["phases"]["compute"],
            "images_per_second": last["images_per_second"],
            "phases": last["phases"],
        }
    return epochs


def measure(args) -> dict:
    modes: dict[str, list[dict]] = {"one process": [], "own process": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            order = FRAMEWORKS if r % 2 == 0 else FRAMEWORKS[::-1]
            together = study(order, None, args, Path(tmp))
            modes["one process"].append({**together, "order": " then ".join(order)})
            print(f"round {r + 1}: one process ({' then '.join(order)}) done", flush=True)
            pair = {}
            for framework in order:
                pair |= study(order, f"scratch-{framework}", args, Path(tmp))
            modes["own process"].append({**pair, "order": " then ".join(order)})
            print(f"round {r + 1}: own processes done", flush=True)
    return modes


def machine(hardware: dict) -> str:
    if hardware.get("device", "cpu") != "cpu":
        return ", ".join(hardware["devices"])
    bf16 = sorted(cpu_flags() & set(BF16_CPU_FLAGS))
    native = f"native bf16 ({', '.join(bf16)})" if bf16 else "no native bf16"
    return f"{hardware['cpu']}, {hardware['cpu_count']} cores, {native}"


def summary(modes: dict) -> dict:
    out = {}
    for mode, pairs in modes.items():
        wall = [p["keras"]["wall_seconds"] / p["pytorch"]["wall_seconds"] for p in pairs]
        speed = [p["keras"]["images_per_second"] / p["pytorch"]["images_per_second"] for p in pairs]
        out[mode] = {
            "keras_over_pytorch_epoch_seconds": wall,
            "keras_over_pytorch_step_speed": speed,
            "median_epoch_seconds": statistics.median(wall),
            "median_step_speed": statistics.median(speed),
        }
    return out


def table(record: dict) -> str:
    lines = [
        "# The trainer's epoch, PyTorch against Keras, taking turns",
        "",
        f"Machine: {record['machine']}; the `{RECIPE}` recipe's scratch rows (alexnet-cifar + "
        f"BatchNorm, 32 px, batch 128, `auto` = {record['precision']}), "
        f"{record['limit_train']:,} images ({record['train_images']:,} trained on an epoch), "
        f"{record['epochs']} epochs a run, the last one timed; `benchmarks/epoch_rounds.py`.",
        "",
        "| mode | round | order | PyTorch epoch s | Keras epoch s | Keras / PyTorch epoch "
        "| PyTorch img/s | Keras img/s | Keras / PyTorch speed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, pairs in record["modes"].items():
        for i, p in enumerate(pairs):
            pt, k = p["pytorch"], p["keras"]
            lines.append(
                f"| {mode} | {i + 1} | {p['order']} | {pt['wall_seconds']:.1f} | "
                f"{k['wall_seconds']:.1f} | {k['wall_seconds'] / pt['wall_seconds']:.2f}x | "
                f"{pt['images_per_second']:.0f} | {k['images_per_second']:.0f} | "
                f"{k['images_per_second'] / pt['images_per_second']:.2f}x |"
            )
    lines += ["", "Medians over the rounds (Keras / PyTorch):", ""]
    for mode, s in record["summary"].items():
        lines.append(
            f"- {mode}: epoch time {s['median_epoch_seconds']:.2f}x, training-step speed "
            f"{s['median_step_speed']:.2f}x"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode")
    parser.add_argument("--epochs", type=int, default=2, help="epochs a run; the last is timed")
    parser.add_argument("--limit-train", type=int, default=12800, help="images a run draws on")
    parser.add_argument("--limit-test", type=int, default=1000, help="test images a run scores")
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch pays the warm-up")
    if "ALEXNET_CIFAR_DATA" not in os.environ:
        parser.error("set ALEXNET_CIFAR_DATA to CIFAR-10 (a folder or the archive)")
    modes = measure(args)
    first = modes["one process"][0]["pytorch"]
    hardware = first["hardware"]
    kind = "cpu" if hardware.get("device", "cpu") == "cpu" else "gpu"
    record = {
        "machine": machine(hardware),
        "hardware": hardware,
        "precision": first["precision"],
        "recipe": RECIPE,
        "epochs": args.epochs,
        "limit_train": args.limit_train,
        "train_images": first["train_images"],
        "modes": modes,
        "summary": summary(modes),
    }
    out = ROOT / "results" / f"epoch-rounds-{kind}"
    out.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    out.with_suffix(".md").write_text(table(record))
    print(table(record))


if __name__ == "__main__":
    main()
