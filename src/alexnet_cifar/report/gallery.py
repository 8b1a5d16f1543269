"""Look before reading: test images with their true and predicted labels, per framework. For
each row shown, the class pair its model confuses most (both directions) and a random sample
of the test set, drawn from the row's first seed, so a reader sees what a number like "cat
78%" is made of."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data import keep_classes, translate
from .i18n import Words

PER_DIRECTION = 4  # confused images shown each way (cat as dog, dog as cat)
SAMPLE = 8  # random test images
COLUMNS = 4


def gallery_rows(data: dict) -> list[dict]:
    """The rows worth a gallery, one per framework: the first PyTorch/Keras pair; in a
    transfer study the whole-network fine-tunes on the most images; else the first row of
    each framework."""
    rows = data["rows"]
    moved = data.get("transfer")
    if moved is not None:
        size = moved.sizes[-1]
        found = [moved.row("finetune", fw, size) for fw in moved.frameworks()]
        return [r for r in found if r is not None]
    by_name = {r["row"]: r for r in rows}
    pairs = data["pairs"].get("fw_vs") or []
    if pairs:
        return [by_name[pairs[0]["a"]], by_name[pairs[0]["b"]]]
    first: dict[str, dict] = {}
    for r in rows:
        first.setdefault(r["framework"], r)
    return list(first.values())


def test_images(cifar, run: dict) -> np.ndarray | None:
    """The test images of ``run`` in its order (its classes kept), or None when ``cifar`` is
    not the data the run was tested on (the labels differ)."""
    classes = run.get("config", {}).get("classes")
    if classes:
        cifar = keep_classes(cifar, classes)
    indices = np.asarray(run["test_indices"])
    if indices.size == 0 or indices.max() >= len(cifar.y_test):
        return None
    if not np.array_equal(cifar.y_test[indices], np.asarray(run["test_labels"])):
        return None
    return cifar.x_test[indices]


def most_confused(run: dict) -> tuple[int, int]:
    """(i, j): the two classes the run mistakes for each other most often, both ways."""
    cm = np.asarray(run["confusion_matrix"])
    both = cm + cm.T
    np.fill_diagonal(both, -1)
    i, j = np.unravel_index(int(np.argmax(both)), both.shape)
    return (int(i), int(j)) if cm[i, j] >= cm[j, i] else (int(j), int(i))


def picks(run: dict, seed: int = 0) -> tuple[tuple[int, int], list[int], list[int]]:
    """The most confused pair, the test images (positions) that show it (i taken for j, then
    j for i), and a random sample of the test set."""
    preds, labels = np.asarray(run["test_predictions"]), np.asarray(run["test_labels"])
    i, j = most_confused(run)
    confused = [int(k) for k in np.flatnonzero((labels == i) & (preds == j))[:PER_DIRECTION]] + [
        int(k) for k in np.flatnonzero((labels == j) & (preds == i))[:PER_DIRECTION]
    ]
    sample = np.random.default_rng(seed).choice(len(labels), min(SAMPLE, len(labels)), False)
    return (i, j), confused, sorted(int(k) for k in sample)


def gallery(row: dict, images: np.ndarray, path: Path, w: Words) -> Path:
    """One figure: the most confused pair's mistakes above, a random sample below, each image
    titled "true → predicted" (green when right, red when wrong)."""
    from .figures import WIDTH, _plt, _save, _wrap

    run = row["runs"][0]
    names = translate(row["class_names"], w.lang)
    preds, labels = np.asarray(run["test_predictions"]), np.asarray(run["test_labels"])
    (i, j), confused, sample = picks(run)
    sections = [
        (w("gallery_confused", a=names[i], b=names[j]), confused),
        (w("gallery_sample"), sample),
    ]
    n_rows = sum(max(1, -(-len(items) // COLUMNS)) for _, items in sections)
    plt = _plt()
    fig = plt.figure(figsize=(WIDTH, n_rows * 1.3 + 0.8))
    grid = fig.add_gridspec(n_rows, COLUMNS, hspace=0.45)
    line = 0
    for title, items in sections:
        lines = max(1, -(-len(items) // COLUMNS))
        for k in range(lines * COLUMNS):
            ax = fig.add_subplot(grid[line + k // COLUMNS, k % COLUMNS])
            ax.axis("off")
            if k == 0:
                ax.set_title(_wrap(title), loc="left", pad=12, x=0, ha="left")
            if k >= len(items):
                continue
            pos = items[k]
            ax.imshow(images[pos], interpolation="nearest")
            right = preds[pos] == labels[pos]
            ax.text(
                0.5,
                -0.08,
                f"{names[labels[pos]]} → {names[preds[pos]]}",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=8,
                wrap=True,
                color="tab:green" if right else "tab:red",
            )
        line += lines
    fig.suptitle(w("gallery_title", row=row["row"], seed=run.get("config", {}).get("seed", 0)))
    return _save(fig, path)
