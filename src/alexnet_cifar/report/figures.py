"""The report's matplotlib figures, written as PNG files: every statistic drawn with its spread
over seeds, axes in percent, numbers in the report's language."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from ..data import translate
from ..system import atomic
from .i18n import Words

# Every figure is drawn WIDTH inches wide with no text under MIN_FONT points: shrunk to a
# phone's 358 px column its smallest text still renders at about 8 px; at DPI it stays sharp at
# its natural 768 px on a desktop.
WIDTH = 4.8
DPI = 160
MIN_FONT = 8
TEXT_KEY = "smallest-text-px"  # PNG text chunk: the smallest text's height at natural size


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update(
        {
            "font.size": 9,
            "axes.titlesize": 9,
            "axes.labelsize": 9,
            "xtick.labelsize": MIN_FONT,
            "ytick.labelsize": MIN_FONT,
            "legend.fontsize": MIN_FONT,
            "figure.titlesize": 10,
        }
    )
    return plt


def _wrap(text: str, points: float = 9, width: float = WIDTH) -> str:
    """``text`` broken into lines that fit ``width`` inches at ``points``."""
    return textwrap.fill(text, max(20, int(width * 72 / (0.55 * points))))


def smallest_text(fig) -> float:
    """The smallest visible text's size in points (0 for a figure without text)."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist only once drawn
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    return min(sizes, default=0.0)


def _digits(v: float) -> int:
    for d in range(3):
        if abs(v * 10**d - round(v * 10**d)) < 1e-6:
            return d
    return 2


def _localize(ax, w: Words, x: bool = True, y: bool = True) -> None:
    """Tick labels in the language's number format (a decimal comma in Spanish)."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: w.num(v, _digits(v)))
    if x:
        ax.xaxis.set_major_formatter(fmt)
    if y:
        ax.yaxis.set_major_formatter(fmt)


def _save(fig, path: Path) -> Path:
    """The figure as a PNG at DPI, with its smallest text's height in pixels written into it
    (``TEXT_KEY``) for the page to check how large it renders."""
    try:
        text_px = smallest_text(fig) * DPI / 72
        with atomic.atomic_path(path, suffix=path.suffix) as tmp:
            fig.savefig(
                tmp,
                dpi=DPI,
                bbox_inches="tight",
                format=path.suffix.lstrip("."),
                metadata={TEXT_KEY: f"{text_px:.1f}"},
            )
    finally:
        _plt().close(fig)
    return path


def _epoch_axis(ax, n_epochs: int) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0.5, n_epochs + 0.5)


def _series(row: dict, key: str, scale: float = 1.0) -> np.ndarray:
    """(seeds, epochs) of one metric, cut to the epochs every seed has."""
    per_seed = [[m.get(key) for m in run["metrics"]] for run in row["runs"] if run["metrics"]]
    n = min(len(s) for s in per_seed)
    values = np.array([[np.nan if v is None else v for v in s[:n]] for s in per_seed], float)
    return values * scale


_DASHES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v")


def _mean_and_band(ax, x, values: np.ndarray, label: str, style: dict | None = None) -> None:
    """The mean over seeds as a line (points alone for one epoch), the lowest to highest seed as
    a band."""
    mean = np.nanmean(values, axis=0)
    style = {"marker": "o", **(style or {}), "label": label, "markersize": 4}
    if len(x) == 1:
        style["linestyle"] = "none"
    (line,) = ax.plot(x, mean, **style)
    if len(values) > 1 and len(x) > 1:
        ax.fill_between(
            x, np.nanmin(values, 0), np.nanmax(values, 0), color=line.get_color(), alpha=0.2
        )


def learning_curves(rows: list[dict], path: Path, w: Words, val_images: int) -> Path | None:
    rows = [r for r in rows if any(run["metrics"] for run in r["runs"])]
    if not rows:
        return None
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(WIDTH, 6.8))
    n_epochs = 1
    for i, r in enumerate(rows):
        loss = _series(r, "train_loss")
        x = np.arange(1, loss.shape[1] + 1)
        n_epochs = max(n_epochs, len(x))
        # a dash and marker of its own: rows that train alike would hide each other
        style = {"linestyle": _DASHES[i % len(_DASHES)], "marker": _MARKERS[i % len(_MARKERS)]}
        _mean_and_band(ax1, x, loss, r["row"], style)
        val = _series(r, "val_accuracy", 100)
        if not np.all(np.isnan(val)):
            _mean_and_band(ax2, x, val, r["row"], style)
    ax1.set(xlabel=w("epoch"), ylabel=w("train_loss"))
    ax2.set(xlabel=w("epoch"), ylabel=w("val_acc"))
    for ax in (ax1, ax2):
        _epoch_axis(ax, n_epochs)
        _localize(ax, w)
        ax.grid(alpha=0.3)
    ax1.legend()
    ax2.legend()
    seeds = max(len(r["runs"]) for r in rows)
    fig.suptitle(
        _wrap(w("curves_title", seeds=w.plural("n_seeds", seeds), val=w.count(val_images)), 10)
    )
    fig.tight_layout()
    return _save(fig, path)


def accuracy_over_time(rows: list[dict], path: Path, w: Words) -> Path | None:
    """Validation accuracy (percent) against the wall-clock minutes of training and validation
    so far, means over seeds: which row gets how far how soon."""
    rows = [r for r in rows if any(m.get("val_accuracy") is not None for m in r["metrics"])]
    if not rows:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    for r in rows:
        walls = _series(r, "wall_seconds")
        if np.any(np.isnan(walls)):  # records from before wall_seconds
            walls = _series(r, "seconds")
        walls = walls.mean(axis=0)
        minutes = np.cumsum(walls) / 60
        val = np.nanmean(_series(r, "val_accuracy", 100), axis=0)
        style = {"linestyle": "none"} if len(val) == 1 else {}
        ax.plot(minutes, val, marker="o", label=r["row"], **style)
    ax.set(xlabel=w("minutes"), ylabel=w("val_acc"), title=_wrap(w("over_time")))
    ax.grid(alpha=0.3)
    _localize(ax, w)
    ax.legend()
    fig.tight_layout()
    return _save(fig, path)


def per_class_bars(rows: list[dict], path: Path, w: Words) -> Path | None:
    """Mean per-class accuracy over seeds with its standard deviation as error bars, on an axis
    from 0 to 100%; the legend below the plot, where it covers no bar."""
    if not rows:
        return None
    classes = rows[0]["class_names"]
    names = translate(classes, w.lang)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    width = 0.8 / len(rows)
    x = np.arange(len(names))
    for i, r in enumerate(rows):
        per_seed = 100 * np.array(
            [[run["per_class_accuracy"][c] for c in classes] for run in r["runs"]]
        )
        mean = per_seed.mean(axis=0)
        sd = per_seed.std(axis=0, ddof=1) if len(per_seed) > 1 else None
        ax.bar(x + i * width, mean, width, yerr=sd, capsize=2, label=r["row"])
    ax.set_ylim(0, 100)  # from zero: a zoomed axis makes small gaps look large
    ax.set_xticks(x + 0.4 - width / 2, names, rotation=45, ha="right")
    ax.set(ylabel=w("test_acc"), title=_wrap(w("bars")))
    ax.grid(axis="y", alpha=0.3)
    _localize(ax, w, x=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=min(len(rows), 2))
    fig.tight_layout()
    return _save(fig, path)


def class_rates(row: dict) -> np.ndarray:
    """The confusion matrix as percent of each true class, the mean over seeds."""
    rates = []
    for run in row["runs"]:
        cm = np.array(run["confusion_matrix"], float)
        rates.append(100 * cm / np.maximum(cm.sum(axis=1, keepdims=True), 1))
    return np.mean(rates, axis=0)


def _matrix(ax, values: np.ndarray, names: list[str], w: Words, cmap: str, limits) -> object:
    im = ax.imshow(values, cmap=cmap, vmin=limits[0], vmax=limits[1])
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right")
    ax.set_yticks(range(len(names)), names)
    diverging = limits[0] < 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            # white on the darkest cells: the high end of a sequential map, both ends of a
            # diverging one
            dark = abs(v) > 0.6 * limits[1] if diverging else v > 0.6 * limits[1]
            ax.text(
                j,
                i,
                w.num(v, 1 if abs(v) < 10 else 0),
                ha="center",
                va="center",
                fontsize=MIN_FONT,
                color="white" if dark else "black",
            )
    ax.set(xlabel=w("predicted"), ylabel=w("true"))
    return im


def confusion(row: dict, path: Path, w: Words) -> Path:
    names = translate(row["class_names"], w.lang)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 4.8))
    im = _matrix(ax, class_rates(row), names, w, "Blues", (0, 100))
    ax.set_title(
        _wrap(w("confusion_title", row=row["row"], seeds=w.plural("n_seeds", len(row["runs"]))))
    )
    fig.colorbar(im, ax=ax, format=lambda v, _: w.num(v, _digits(v)))
    fig.tight_layout()
    return _save(fig, path)


def confusion_difference(a: dict, b: dict, path: Path, w: Words) -> Path:
    """Where one framework's model does better than the other's, in percentage points of each
    true class: on the diagonal ``a``'s share right minus ``b``'s, off it ``b``'s share confused
    minus ``a``'s, so that red is always in ``a``'s favour and blue in ``b``'s; the title says
    how far a class's accuracy moves between seeds, the noise these cells sit in."""
    names = translate(a["class_names"], w.lang)
    favour = in_favour(a, b)
    bound = max(1.0, float(np.abs(favour).max()))
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 5.6))
    im = _matrix(ax, favour, names, w, "RdBu_r", (-bound, bound))
    spreads = [x for x in (seed_spread(a), seed_spread(b)) if x is not None]
    ax.set_title(_wrap(w("confusion_diff_title", a=a["row"], b=b["row"])))
    bar = fig.colorbar(im, ax=ax, format=lambda v, _: w.num(v, _digits(v)), shrink=0.8)
    legend = w("confusion_diff_legend", a=a["row"], b=b["row"])
    bar.set_label(_wrap(legend, width=3.2))
    if spreads:
        note = w("confusion_diff_noise", sd=w.num(max(spreads), 1))
        fig.text(0.5, 0.005, _wrap(note), ha="center", va="bottom")
    fig.tight_layout(rect=(0, 0.07 if spreads else 0, 1, 1))
    return _save(fig, path)


def in_favour(a: dict, b: dict) -> np.ndarray:
    """Points of each true class in ``a``'s favour (negative: ``b``'s): ``a``'s rate minus
    ``b``'s on the diagonal (right answers), ``b``'s minus ``a``'s off it (confusions)."""
    favour = class_rates(b) - class_rates(a)
    np.fill_diagonal(favour, -np.diag(favour))
    return favour


def seed_spread(row: dict) -> float | None:
    """The largest standard deviation over seeds of one class's accuracy, in points; None with
    one seed."""
    if len(row["runs"]) < 2:
        return None
    classes = row["class_names"]
    per_seed = 100 * np.array([[r["per_class_accuracy"][c] for c in classes] for r in row["runs"]])
    return float(per_seed.std(axis=0, ddof=1).max())


def epoch_times(rows: list[dict], path: Path, w: Words) -> Path | None:
    """Seconds per epoch of every epoch of every seed: a box per row (its points where a row has
    only a few)."""
    rows = [r for r in rows if r["epoch_seconds"]]
    if not rows:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 1.0 + 0.45 * len(rows)))
    data = [r["epoch_seconds"] for r in rows]
    ax.boxplot(data, orientation="horizontal", widths=0.5)
    for i, values in enumerate(data, 1):
        ax.plot(values, [i] * len(values), "o", alpha=0.5, color="tab:blue", markersize=4)
    ax.set_yticks(range(1, len(rows) + 1), [r["row"] for r in rows])
    ax.set(xlabel=w("seconds"), title=_wrap(w("times")))
    ax.grid(axis="x", alpha=0.3)
    _localize(ax, w, y=False)
    fig.tight_layout()
    return _save(fig, path)


def epoch_phases(rows: list[dict], path: Path, w: Words) -> Path | None:
    """A stacked bar per row of where an epoch's time goes (training/phases.py, means over
    every epoch of every seed, so the first epoch's warm-up shows), with the range of the
    epoch's whole wall time."""
    from ..training.phases import PHASES

    rows = [r for r in rows if r.get("phases")]
    if not rows:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 2.2 + 0.45 * len(rows)))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for phase in PHASES:
        widths = np.array([r["phases"].get(phase, 0.0) for r in rows])
        ax.barh(y, widths, left=left, height=0.5, label=w(f"ph_{phase}"))
        left += widths
    walls = [r["epoch_walls"] for r in rows]
    low = left - np.array([min(v) for v in walls])
    high = np.array([max(v) for v in walls]) - left
    ax.errorbar(left, y, xerr=[np.maximum(low, 0), np.maximum(high, 0)], fmt="none", color="k")
    ax.set_yticks(y, [r["row"] for r in rows])
    ax.invert_yaxis()
    ax.set(xlabel=w("seconds"), title=_wrap(w("phases_title")))
    ax.grid(axis="x", alpha=0.3)
    _localize(ax, w, y=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
    fig.tight_layout()
    return _save(fig, path)


# one colour per start, one line style per framework: the start is what the figure compares
_KIND_COLOURS = {"scratch": "tab:gray", "head": "tab:orange", "finetune": "tab:blue"}
_KIND_COLOURS["mismatched"] = "tab:red"
_FRAMEWORK_STYLES = {"pytorch": "-", "keras": "--"}


def transfer_curves(t, path: Path, w: Words, by_name: dict) -> Path | None:
    """Target test accuracy against training images per class (log axis): one line per start
    and framework, the mean over seeds with the lowest to highest seed as a band, chance as a
    dotted line."""
    if not t.cells:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH, 4.4))
    seeds = 1
    for line in t.lines:
        points = [(size, t.cells[(line, size)]) for size in t.sizes if (line, size) in t.cells]
        x = np.array([size for size, _ in points], float)
        accs = [100 * np.array([run["test_accuracy"] for run in r["runs"]]) for _, r in points]
        seeds = max(seeds, *(len(a) for a in accs))
        mean = np.array([a.mean() for a in accs])
        colour = _KIND_COLOURS[line.kind]
        crossed = line.source not in ("", t.main_source)
        ax.plot(
            x,
            mean,
            color=colour,
            marker="D" if crossed else "o",
            markersize=8 if crossed else 5,
            markerfacecolor="white" if crossed else colour,
            label=line.label(w, t.main_source, by_name),
            linestyle="none" if len(x) == 1 else _FRAMEWORK_STYLES.get(line.framework, "-"),
        )
        if any(len(a) > 1 for a in accs) and len(x) > 1:
            lows, highs = [a.min() for a in accs], [a.max() for a in accs]
            ax.fill_between(x, lows, highs, color=colour, alpha=0.12)
    classes = len(next(iter(t.cells.values()))["class_names"])
    chance = 100 / classes
    ax.axhline(chance, color="k", linestyle=":", linewidth=1)
    ax.text(t.sizes[0], chance + 1, w("tr_chance", pct=w.pct(1 / classes, 0)))
    ax.set_xscale("log")
    ax.set_xticks(t.sizes, [w.count(s) for s in t.sizes])
    ax.minorticks_off()
    ax.set_ylim(0, 100)
    ax.set(xlabel=w("tr_fig_x"), ylabel=w("test_acc"))
    ax.set_title(_wrap(w("tr_bands", seeds=w.plural("n_seeds", seeds))))
    _localize(ax, w, x=False)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    fig.tight_layout()
    return _save(fig, path)
