"""The report's matplotlib figures, written as PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data import translate
from .i18n import TEXT


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def learning_curves(rows: list[dict], path: Path, lang: str) -> Path | None:
    rows = [r for r in rows if r["metrics"]]
    if not rows:
        return None
    t = TEXT[lang]
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for r in rows:
        epochs = [m["epoch"] + 1 for m in r["metrics"]]
        ax1.plot(epochs, [m["train_loss"] for m in r["metrics"]], marker="o", label=r["row"])
        val = [m.get("val_accuracy") for m in r["metrics"]]
        if any(v is not None for v in val):
            ax2.plot(epochs, val, marker="o", label=r["row"])
    ax1.set(xlabel=t["epoch"], ylabel=t["train_loss"])
    ax2.set(xlabel=t["epoch"], ylabel=t["val_acc"])
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def accuracy_over_time(rows: list[dict], path: Path, lang: str) -> Path | None:
    """Validation accuracy (percent) against the wall-clock minutes of training and validation
    so far, the first seed of each row: which row gets how far how soon."""
    rows = [r for r in rows if any(m.get("val_accuracy") is not None for m in r["metrics"])]
    if not rows:
        return None
    t = TEXT[lang]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    for r in rows:
        walls = [m.get("wall_seconds", m["seconds"]) for m in r["metrics"]]
        minutes = np.cumsum(walls) / 60
        ax.plot(
            minutes, [100 * m["val_accuracy"] for m in r["metrics"]], marker="o", label=r["row"]
        )
    ax.set(xlabel=t["minutes"], ylabel=f"{t['val_acc']} (%)", title=t["over_time"])
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def confusion(row: dict, path: Path, lang: str) -> Path:
    t = TEXT[lang]
    names = translate(row["class_names"], lang)
    cm = np.array(row["confusion_matrix"])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 5))
    im = ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(
                j,
                i,
                cm[i, j],
                ha="center",
                va="center",
                fontsize=6,
                color="white" if cm[i, j] > cm.max() / 2 else "black",
            )
    ax.set(xlabel=t["predicted"], ylabel=t["true"], title=f"{t['confusion']}: {row['row']}")
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def per_class_bars(rows: list[dict], path: Path, lang: str) -> Path | None:
    if not rows:
        return None
    names = translate(rows[0]["class_names"], lang)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 4))
    width = 0.8 / len(rows)
    x = np.arange(len(names))
    for i, r in enumerate(rows):
        acc = [r["per_class_accuracy"][n] for n in r["class_names"]]
        ax.bar(x + i * width, acc, width, label=r["row"])
    ax.set_xticks(x + 0.4 - width / 2, names, rotation=30, ha="right")
    ax.set(ylim=(0, 1), ylabel=TEXT[lang]["accuracy"], title=TEXT[lang]["bars"])
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
