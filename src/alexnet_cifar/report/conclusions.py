"""The report's conclusions, written from the numbers: which row is ahead only where the
statistics tell it apart, which framework trains faster and by how much, what pretraining gives,
how the rows stand against the earlier studies, and what to run next."""

from __future__ import annotations

import numpy as np

from ..metrics import detectable_difference, pairs_to_detect, told_apart
from . import earlier, paper, transfer
from .collect import compare, pair_lookup, seed_of
from .i18n import Words
from .labels import hardware, in_prose, row_labels
from .speed import compare_speed

TARGET_DIFFERENCE = 0.005  # half a point: what "run more seeds" aims to detect


def _how(pair: dict, w: Words) -> str:
    if pair["paired"]:
        return w("told_apart") if told_apart(pair) else w("ci_includes")
    return w("mcnemar_apart", p=w.p_value(pair["p_value"]))


def _pair(data: dict, a: dict, b: dict) -> dict | None:
    for group in data["pairs"].values():
        for p in group:
            if {p["a"], p["b"]} == {a["row"], b["row"]}:
                return p  # told apart or not, whichever way round
    found = compare(a, b)
    return {"a": a["row"], "b": b["row"], **found} if found else None


def conclusions(data: dict, w: Words) -> list[str]:
    """What the numbers say, in sentences that name rows by their labels."""
    return in_prose(_conclusions(data, w), row_labels(data, w))


def _conclusions(data: dict, w: Words) -> list[str]:
    rows = data["rows"]
    by_name = {r["row"]: r for r in rows}
    if data.get("transfer") is not None:
        return _transfer(data, by_name, w)
    out = _ranking(rows, data, w)
    fw_pairs = framework_pairs(data, by_name)
    for pair in fw_pairs:
        out += _accuracy_difference(pair, by_name, w)
        out += _speed(by_name[pair["a"]], by_name[pair["b"]], w)
    out += _pretrained(data, by_name, w)
    out += _earlier(rows, w, row_labels(data, w))
    out += paper.conclusions(data, w)
    upcoming = _next(data, fw_pairs, w)
    if upcoming:
        out.append(w("c_next", items="; ".join(upcoming)))
    if not rows or not data["pairs"] or not any(data["pairs"].values()):
        out.append(w("none_compared"))
    return out


def _transfer(data: dict, by_name: dict, w: Words) -> list[str]:
    """A transfer study's answers, then the speed of its two sources (the one pair of rows
    that train the same task in both frameworks from scratch over the same epochs) and what to
    run next."""
    moved = data["transfer"]
    out = transfer.conclusions(moved, w, pair_lookup(data), by_name)
    sources = [by_name[s] for s in moved.sources if s in by_name]
    if len(sources) == 2 and sources[0]["framework"] != sources[1]["framework"]:
        out += _speed(*sources, w)
    upcoming = _next(data, [], w)
    if upcoming:
        out.append(w("c_next", items="; ".join(upcoming)))
    return out


def framework_pairs(data: dict, by_name: dict) -> list[dict]:
    """The pairs that set a PyTorch row against a Keras one: the study's own, else any."""
    return data["pairs"].get("fw_vs") or [
        p
        for p in data["pairs"].get("pairs", [])
        if by_name[p["a"]]["framework"] != by_name[p["b"]]["framework"]
    ]


def ranked_rows(rows: list[dict], data: dict) -> tuple[list[dict], dict | None]:
    """The rows by test accuracy, best first, and either the pair that tells the best apart
    from the second (the best then leads alone) or None; with None, the rows level with the
    best are those of ``level_with_best``."""
    ranked = sorted(rows, key=lambda r: -r["test_accuracy"])
    if len(ranked) < 2:
        return ranked, None
    pair = _pair(data, ranked[0], ranked[1])
    return ranked, pair if pair is not None and told_apart(pair) else None


def level_with_best(ranked: list[dict], data: dict) -> list[dict]:
    """The best row and every row the statistics do not tell apart from it."""
    best = ranked[0]
    return [best] + [
        r for r in ranked[1:] if (p := _pair(data, best, r)) is None or not told_apart(p)
    ]


def _ranking(rows: list[dict], data: dict, w: Words) -> list[str]:
    """A best row only when it is told apart from the next; else the rows level with it."""
    if len(rows) < 2:
        return []
    ranked, pair = ranked_rows(rows, data)
    best, second = ranked[0], ranked[1]
    if pair is not None:
        return [
            w(
                "c_best",
                row=best["row"],
                acc=w.pct(best["test_accuracy"]),
                row2=second["row"],
                acc2=w.pct(second["test_accuracy"]),
                how=_how(pair, w),
            )
        ]
    level = level_with_best(ranked, data)
    return [
        w(
            "c_tie",
            rows=w.join(r["row"] for r in level),
            accs=", ".join(w.pct(r["test_accuracy"]) for r in level),
        )
    ]


def _accuracy_difference(pair: dict, by_name: dict, w: Words) -> list[str]:
    a, b = pair["a"], pair["b"]
    n_images = w.count(by_name[a]["num_test_images"])
    paired = pair["paired"]
    if not paired:
        verdict = w("sig") if pair["p_value"] < 0.05 else w("nsig")
        return [
            w(
                "c_one_seed",
                a=a,
                b=b,
                acc_a=w.pct(pair["acc_a"]),
                acc_b=w.pct(pair["acc_b"]),
                n_images=n_images,
                p=w.p_value(pair["p_value"]),
                verdict=verdict,
            )
        ]
    n_seeds = w.plural("n_seeds", paired["n"])
    lo, hi = paired["ci"]
    key = "c_fw_apart" if told_apart(pair) else "c_fw_same"
    out = [
        w(
            key,
            a=a,
            b=b,
            d=w.points(paired["mean"]),
            lo=w.points(lo),
            hi=w.points(hi),
            n_seeds=n_seeds,
        )
    ]
    significant = sum(s["p_value"] < 0.05 for s in pair["per_seed"])
    if significant:
        out.append(w("c_mcnemar_some", n_images=n_images, k=significant, n=len(pair["per_seed"])))
    else:
        out.append(w("c_mcnemar_all", n_images=n_images))
    mde = detectable_difference(paired["sd"], paired["n"])
    out.append(
        w(
            "c_detectable",
            n_seeds=n_seeds,
            sd=w.points(paired["sd"], sign=False),
            mde=w.points(mde, sign=False),
        )
    )
    return out


def _speed(ra: dict, rb: dict, w: Words) -> list[str]:
    if not ra["epoch_seconds"] or not rb["epoch_seconds"]:
        return []
    if hardware(ra, w) != hardware(rb, w):
        hw_a, hw_b = hardware(ra, w), hardware(rb, w)
        return [w("c_speed_hw", a=ra["row"], b=rb["row"], hw_a=hw_a, hw_b=hw_b)]
    by_seed = [{seed_of(run): run for run in r["runs"]} for r in (ra, rb)]
    found = compare_speed(*by_seed)
    if found is None:
        return []
    a, b, ratio = ra["row"], rb["row"], found.ratio
    medians = {"a_s": w.num(ra["seconds_per_epoch"], 1), "b_s": w.num(rb["seconds_per_epoch"], 1)}
    if found.verdict == "unrecorded":
        out = [w("c_speed_unrecorded", a=a, b=b, **medians)]
    elif found.verdict == "busy":
        out = [w("c_speed_busy", a=a, b=b, pct=w.pct(found.spread, 0))]
    elif found.verdict == "drift":
        out = [w(f"c_speed_drift_{found.what}", a=a, b=b, pct=w.pct(found.spread - 1, 0))]
    elif found.verdict == "one_seed":
        out = [w("c_speed_one_seed", a=a, b=b, ratio=w.num(ratio, 2), **medians)]
    else:
        lo, hi = found.interval
        fast, slow = (a, b) if ratio > 1 else (b, a)
        shown = (ratio, lo, hi) if ratio > 1 else (1 / ratio, 1 / hi, 1 / lo)
        out = [
            w(
                "c_speed_faster" if found.verdict == "faster" else "c_speed_apart",
                fast=fast,
                slow=slow,
                ratio=w.num(shown[0], 2),
                lo=w.num(shown[1], 2),
                hi=w.num(shown[2], 2),
                n=found.seeds,
            )
        ]
    # medians, as the epoch times above: an epoch that shared the machine with other work
    # would otherwise name the phase it slowed
    a_phases, b_phases = ra.get("phase_medians"), rb.get("phase_medians")
    if a_phases and b_phases:
        phase = max(a_phases, key=lambda k: abs(a_phases[k] - b_phases.get(k, 0.0)))
        out.append(
            w(
                "c_phase",
                phase=w.get(f"phase_{phase}", phase),
                a=ra["row"],
                b=rb["row"],
                a_s=w.num(a_phases[phase], 1),
                b_s=w.num(b_phases.get(phase, 0.0), 1),
            )
        )
    return out


def _range(values: list[float], w: Words) -> str:
    return w("interval", lo=w.num(min(values), 1), hi=w.num(max(values), 1))


def _pretrained(data: dict, by_name: dict, w: Words) -> list[str]:
    pairs = data["pairs"].get("scratch_vs", [])
    out = []
    for pair in pairs:
        scratch, pre = by_name[pair["a"]], by_name[pair["b"]]
        gain = w(
            "c_pre_gain",
            pre=pre["row"],
            scratch=scratch["row"],
            acc_pre=w.pct(pre["test_accuracy"]),
            acc_s=w.pct(scratch["test_accuracy"]),
            d=w.points(pre["test_accuracy"] - scratch["test_accuracy"]),
            how=_how(pair, w),
        )
        out.append(w("c_pretrained", verdict_sentence=gain))
        if (pre.get("num_train_images"), pre["epochs"]) != (
            scratch.get("num_train_images"),
            scratch["epochs"],
        ):
            out.append(
                w(
                    "c_pre_short",
                    n_pre=w.count(pre.get("num_train_images") or 0),
                    e_pre=w.plural("n_epochs", pre["epochs"]),
                    n_s=w.count(scratch.get("num_train_images") or 0),
                    e_s=w.plural("n_epochs", scratch["epochs"]),
                )
            )
    skipped = [r["row"] for r in data["not_run"] if r.get("source")]
    if not pairs and skipped:
        out.append(w("c_no_pretrained", rows=w.join(skipped)))
    return out


def setup_ours(row: dict, w: Words) -> str:
    return w(
        "setup_ours",
        px=row.get("input_size") or "?",
        params=w.num(row["parameters"] / 1e6, 1) + NBSP_M,
        epochs=w.plural("n_epochs", row["epochs"]),
        device=w("gpu") if row["hardware"].get("gpu") else w("cpu"),
    )


NBSP_M = "\u00a0M"


def _earlier(rows: list[dict], w: Words, labels: dict[str, str]) -> list[str]:
    """Each row the earlier studies also trained, beside their number, with what differs
    between the two setups, computed from the row's config."""
    out = []
    for row in rows:
        theirs = earlier.entries(row["row"])
        if theirs:
            out.append(
                w(
                    "c_earlier",
                    row=labels[row["row"]],
                    acc=w.pct(row["test_accuracy"]),
                    theirs_acc=w.pct(theirs[0].accuracy),
                    diffs="; ".join(differences(row, earlier.RECIPE.get(row["row"], {}), w)),
                )
            )
    return out


def differences(row: dict, theirs: dict, w: Words) -> list[str]:
    """What this row's recipe does that the earlier study's did not (as far as it is known):
    the resolution, epochs, BatchNorm, optimizer, schedule, label smoothing, augmentation,
    weight averaging and test-time augmentation, with the single-view accuracy where TTA is
    in the headline figure."""
    config = row.get("config", {})
    out = []
    px = row.get("input_size")
    if px and theirs.get("input_size") and px != theirs["input_size"]:
        out.append(w("d_px", ours=px, theirs=theirs["input_size"]))
    if theirs.get("epochs") and row["epochs"] != theirs["epochs"]:
        out.append(w("d_epochs", ours=row["epochs"], theirs=theirs["epochs"]))
    if "batchnorm" in theirs and bool(row.get("batchnorm")) != theirs["batchnorm"]:
        out.append(w("d_bn_added" if row.get("batchnorm") else "d_bn_removed"))
    optimizer = config.get("optimizer")
    if optimizer and theirs.get("optimizer") and optimizer != theirs["optimizer"]:
        out.append(w("d_optimizer", ours=w.value(optimizer), theirs=w.value(theirs["optimizer"])))
    if config.get("schedule") not in (None, "none"):
        out.append(w("d_schedule", schedule=w.value(config["schedule"])))
    if config.get("label_smoothing"):
        out.append(w("d_smoothing", x=w.value(config["label_smoothing"])))
    if config.get("augment") not in (None, "none") and not theirs.get("augmented"):
        out.append(w("d_augment", how=w.value(config["augment"])))
    if config.get("ema"):
        out.append(w("d_ema"))
    views = [run.get("single_view_accuracy") for run in row["runs"]]
    if config.get("tta") not in (None, "none") and None not in views:
        single = w.pct(float(sum(views) / len(views)))
        out.append(w("d_tta", how=w.value(config["tta"]), single=single))
    return out or [w("d_unknown")]


def _next(data: dict, fw_pairs: list[dict], w: Words) -> list[str]:
    rows = data["rows"]
    items = []
    if any(len(r["runs"]) < 2 for r in rows):
        items.append(w("next_more_seeds"))
    else:
        for pair in fw_pairs:
            paired = pair["paired"]
            if paired and not told_apart(pair) and paired["sd"] > 0:
                n = pairs_to_detect(paired["sd"], TARGET_DIFFERENCE)
                if n and n > paired["n"]:
                    items.append(w("next_seeds", n=w.count(n)))
                    break
    if any(r.get("source") for r in data["not_run"]):
        items.append(w("next_weights"))
    gains = [(_last_gain(r), r["row"]) for r in rows]
    gains = [(g, name) for g, name in gains if g is not None and g > TARGET_DIFFERENCE]
    if gains:
        gain, name = max(gains)
        items.append(w("next_longer", row=name, d=w.points(gain, sign=False)))
    if rows and not any(r["phases"] for r in rows):
        items.append(w("next_breakdown"))
    return items


def _last_gain(row: dict) -> float | None:
    """Validation accuracy's rise in the last epoch, mean over seeds."""
    gains = []
    for run in row["runs"]:
        val = [m.get("val_accuracy") for m in run["metrics"]]
        if len(val) >= 2 and val[-1] is not None and val[-2] is not None:
            gains.append(val[-1] - val[-2])
    return float(np.mean(gains)) if gains else None


def summary(data: dict, w: Words) -> list[str]:
    """Two or three plain sentences a reader sees first: who is most accurate (or that they are
    level), how long an epoch takes where and whether one framework is faster, what did not
    run; for a transfer study, what the source start gives at the smallest and largest sizes
    and where it stops mattering."""
    rows = data["rows"]
    labels = row_labels(data, w)
    by_name = {r["row"]: r for r in rows}
    if data.get("transfer") is not None:
        return _transfer_summary(data, by_name, w)
    out = []
    ranked, pair = ranked_rows(rows, data)
    if len(ranked) == 1:
        out.append(w("s_one", row=labels[ranked[0]["row"]], acc=w.pct(ranked[0]["test_accuracy"])))
    elif ranked:
        best, second = ranked[0], ranked[1]
        if pair is not None:
            out.append(
                w(
                    "s_best",
                    best=labels[best["row"]],
                    acc=w.pct(best["test_accuracy"]),
                    second=labels[second["row"]],
                    acc2=w.pct(second["test_accuracy"]),
                )
            )
        else:
            level = level_with_best(ranked, data)
            out.append(
                w(
                    "s_level",
                    rows=w.join(labels[r["row"]] for r in level),
                    accs=w.join(w.pct(r["test_accuracy"]) for r in level),
                )
            )
    fw_pairs = framework_pairs(data, by_name)
    if fw_pairs:
        a, b = by_name[fw_pairs[0]["a"]], by_name[fw_pairs[0]["b"]]
        if a["epoch_seconds"] and b["epoch_seconds"] and hardware(a, w) == hardware(b, w):
            out.append(_time_sentence(a, b, labels, w))
    not_run = [r["row"] for r in data["not_run"]]
    if not_run:
        out.append(w.plural("s_not_run", len(not_run), rows=w.join(not_run)))
    return out


def _time_sentence(a: dict, b: dict, labels: dict, w: Words) -> str:
    found = compare_speed(*({seed_of(run): run for run in r["runs"]} for r in (a, b)))
    verdict = w("s_speed_open")
    if found is not None and found.verdict == "faster":
        fast, slow = (a, b) if found.ratio > 1 else (b, a)
        ratio = found.ratio if found.ratio > 1 else 1 / found.ratio
        verdict = w("s_faster", fast=labels[fast["row"]], ratio=w.num(ratio, 2))
    parts = [
        w("s_time_part", s=w.num(r["seconds_per_epoch"], 0), row=labels[r["row"]]) for r in (a, b)
    ]
    return w("s_time", hw=hardware(a, w), parts=w.join(parts), verdict=verdict)


def _transfer_summary(data: dict, by_name: dict, w: Words) -> list[str]:
    moved = data["transfer"]
    fw = moved.frameworks()[-1] if "pytorch" not in moved.frameworks() else "pytorch"
    sizes = [moved.sizes[0], moved.sizes[-1]] if len(moved.sizes) > 1 else moved.sizes
    parts = []
    for size in sizes:
        ft, sc = moved.row("finetune", fw, size), moved.row("scratch", fw, size)
        if ft and sc:
            parts.append(
                w(
                    "s_transfer_part",
                    ft=w.pct(ft["test_accuracy"], 1),
                    sc=w.pct(sc["test_accuracy"], 1),
                    n=w.count(size),
                )
            )
    out = [w("s_transfer", fw=w(f"fw_{fw}"), parts=w.join(parts))] if parts else []
    stops = transfer.where_it_stops(moved, w, pair_lookup(data))
    return out + ([stops] if stops else [])
