"""The earlier studies' own experiment beside this study's rows, point by point: each class's
accuracy against the earlier PyTorch study's per-class table, the time per epoch against theirs
(each with its machine), and, where a study trains a framework from scratch at 32 px and at
224 px, what the 224 px input's compute buys."""

from __future__ import annotations

from ..data import translate
from . import earlier
from .collect import seed_of
from .i18n import Words
from .labels import Table, hardware
from .speed import compare_speed


def per_class_tables(data: dict, w: Words) -> list[Table]:
    """For each row the earlier studies published per-class figures for: class, theirs, this
    study's (mean over seeds), the difference."""
    by_name = {r["row"]: r for r in data["rows"]}
    tables = []
    for name, (overall, theirs) in earlier.PER_CLASS.items():
        row = by_name.get(name)
        if row is None or set(theirs) - set(row["per_class_accuracy"]):
            continue
        ours = row["per_class_accuracy"]
        classes = list(theirs)
        body = [
            [label, w.pct(theirs[c]), w.pct(ours[c]), w.points(ours[c] - theirs[c])]
            for c, label in zip(classes, translate(classes, w.lang), strict=True)
        ]
        mean = sum(ours[c] for c in classes) / len(classes)
        body.append([w("p_mean"), w.pct(overall), w.pct(mean), w.points(mean - overall)])
        head = [w("class"), w("p_theirs", acc=w.pct(overall)), name, w("diff_pp")]
        tables.append((w("p_per_class", row=name), head, body))
    return tables


def epoch_table(data: dict, w: Words) -> Table | None:
    """This study's time per epoch beside each earlier figure of the same kind of row, with the
    machine each ran on."""
    by_name = {r["row"]: r for r in data["rows"]}
    body = []
    for name, entries in earlier.EARLIER.items():
        row = by_name.get(name)
        if row is None or not row.get("seconds_per_epoch"):
            continue
        for e in entries:
            if e.epoch_seconds is not None:
                body.append(
                    [
                        name,
                        w.minutes(row["seconds_per_epoch"]),
                        f"{row['input_size']} px, {hardware(row, w)}",
                        w.pct(e.accuracy),
                        w.minutes(e.epoch_seconds),
                        w("p_their_machine"),
                    ]
                )
    if not body:
        return None
    head = [w("row"), w("p_ours_epoch"), w("p_our_machine")]
    head += [w("their_study"), w("p_their_epoch"), w("p_machine")]
    return w("p_epochs"), head, body


def resolutions(data: dict) -> dict[str, list[dict]]:
    """Framework -> its rows trained from scratch, smallest input first, where the study has
    them at more than one input size."""
    by_framework: dict[str, list[dict]] = {}
    for r in data["rows"]:
        if r["init"] == "scratch" and not r.get("init_from"):
            by_framework.setdefault(r["framework"], []).append(r)
    return {
        fw: sorted(rows, key=lambda r: r["input_size"])
        for fw, rows in by_framework.items()
        if len({r["input_size"] for r in rows}) > 1
    }


def resolution_table(data: dict, w: Words) -> Table | None:
    """Each framework's scratch rows by input size: model, multiply-adds per image, accuracy,
    time per epoch and time to 80% validation accuracy."""
    found = resolutions(data)
    if not found:
        return None
    body = [
        [
            r["row"],
            w(f"fw_{fw}"),
            f"{r['input_size']} px",
            r["model"] + (" +BN" if r.get("batchnorm") else ""),
            f"{w.num(r['macs_per_image'] / 1e6, 0)} M",
            w.pct(r["test_accuracy"]),
            w.minutes(r["seconds_per_epoch"]) if r.get("seconds_per_epoch") else w("na"),
            w.time_to(r, "80"),
        ]
        for fw, rows in found.items()
        for r in rows
    ]
    head = [w("row"), w("framework"), w("p_input"), w("model"), w("p_macs"), w("accuracy")]
    head += [w("sec_epoch"), w("to_80")]
    return w("p_resolution"), head, body


def conclusions(data: dict, w: Words) -> list[str]:
    """Per framework: the largest input against the smallest, in accuracy, in multiply-adds,
    and in time per epoch where the speed rule lets the two runs be compared."""
    out = []
    for fw, rows in resolutions(data).items():
        small, large = rows[0], rows[-1]
        # the ratio is the large input's time per epoch over the small one's
        found = compare_speed(*({seed_of(x): x for x in r["runs"]} for r in (small, large)))
        time = (
            w("p_res_time", ratio=w.num(found.ratio, 1), small=small["input_size"])
            if found is not None and found.verdict == "faster" and found.ratio > 1
            else w("p_res_time_open")
        )
        out.append(
            w(
                "p_res",
                fw=w(f"fw_{fw}"),
                big=large["input_size"],
                small=small["input_size"],
                acc_big=w.pct(large["test_accuracy"]),
                acc_small=w.pct(small["test_accuracy"]),
                d=w.points(large["test_accuracy"] - small["test_accuracy"]),
                macs=w.num(large["macs_per_image"] / small["macs_per_image"], 1),
                time=time,
            )
        )
    return out
