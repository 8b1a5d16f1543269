"""What `alexnet-cifar bench` prints: its measurements and the layer table, as text."""

from __future__ import annotations

from .kit import UPDATE_ROW


def shape_label(row: dict) -> str:
    if row["layer"] == UPDATE_ROW:
        return f"{row['in_shape'][0]:,} weights"
    return "x".join(map(str, row["in_shape"]))


def format_layers(rows: list[dict]) -> str:
    lines = [f"{'layer alone, forward + backward':<34} {'input (C,H,W)':<16} {'ms/batch':>9}"]
    for r in rows:
        shape = shape_label(r)
        lines.append(f"{r['layer'] + ' (' + r['kind'] + ')':<34} {shape:<16} {r['ms']:>9.2f}")
    lines.append(f"{'sum of the rows':<34} {'':<16} {sum(r['ms'] for r in rows):>9.2f}")
    return "\n".join(lines)


def format_bench(r: dict) -> str:
    lines = [
        f"{r['framework']} {r['model']} at {r['input_size']} px, batch {r['batch_size']}, "
        f"{r['steps']} timed steps on {r['hardware'].get('gpu') or r['hardware']['cpu']}, "
        f"{r.get('precision', 'fp32')}, --augment {r.get('augment', 'standard')}",
        f"{'measurement':<44} {'images/s':>10}",
    ]
    for key, label in (
        ("compute_train", "train, compute only (batch on device)"),
        ("fresh_train", "train, compute only, batches made beforehand"),
        ("pipeline_train", "train, through the input pipeline"),
        ("naive_train", "train, through the naive PIL DataLoader"),
        ("compute_inference", "inference, compute only"),
        ("pipeline_inference", "inference, through the pipeline"),
        ("pipeline_only", "input pipeline alone"),
        ("naive_pipeline_only", "input pipeline alone (naive PIL)"),
        ("nchw_compute_train", "train, compute only, NCHW layout"),
    ):
        if r.get(key) is not None:
            lines.append(f"{label:<44} {r[key]:>10.1f}")
    for key, label in (
        ("fresh_over_compute", "batches made beforehand / one batch (train)"),
        ("pipeline_over_compute", "pipeline / compute (train)"),
        ("pipeline_over_naive", "pipeline / naive (train)"),
        ("channels_last_over_nchw", "channels_last / NCHW (train)"),
    ):
        if r.get(key) is not None:
            lines.append(f"{label:<44} {r[key]:>10.3f}")
    for key, value in r.get("fp32", {}).items():
        label = f"{key.replace('compute_', '')}, compute only, fp32"
        lines.append(f"{label:<44} {value:>10.1f}")
        label = f"{r['precision']} / fp32 ({key.replace('compute_', '')})"
        lines.append(f"{label:<44} {r['speedup_over_fp32'][key]:>10.3f}")
    return "\n".join(lines)
