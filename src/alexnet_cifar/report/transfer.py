"""A transfer study read as one experiment: every row that trains on the target classes placed
by its start (scratch, new last layer only, whole net fine-tuned, fine-tuned with the other
channel order), its framework, the row it starts from and its training images per class; the
pairs worth testing; the table, the conclusions and the earlier studies' pretrained numbers.

A study is a transfer study when some row starts from another row of it (``init_from:
{row: NAME}`` in its preset): the run's config then names ``runs/NAME/seed-N``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..metrics import told_apart
from .i18n import Words

KINDS = ("scratch", "head", "finetune", "mismatched")
_RUN_OF_ROW = re.compile(r"(?:^|/)runs/([^/]+)/seed-\d+/?$")
# the earlier studies' ImageNet starts on all ten classes at 224 px, against their own scratch
EARLIER_PRETRAINED = (("pytorch", 0.84, 0.7972), ("keras", 0.70, 0.79))


@dataclass(frozen=True, order=True)
class Line:
    """One curve of the figure: a way to start, in one framework, from one source row."""

    kind: str
    framework: str
    source: str = ""  # the row it starts from; "" for scratch

    def label(self, w: Words, main_source: str, by_name: dict) -> str:
        text = w(f"tr_kind_{self.kind}", fw=w(f"fw_{self.framework}"))
        if self.source and self.source != main_source:
            source_fw = by_name.get(self.source, {}).get("framework", self.source)
            text = w("tr_from_other", line=text, fw=w.get(f"fw_{source_fw}", source_fw))
        return text


@dataclass
class Transfer:
    main_source: str  # the row most target rows start from
    sources: list[str]  # every row some row starts from, finished or not
    cells: dict[tuple[Line, int], dict]  # (line, images per class) -> the row
    lines: list[Line]
    sizes: list[int]  # images per class, ascending

    def row(self, kind: str, framework: str, size: int, source: str | None = None) -> dict | None:
        src = "" if kind == "scratch" else (source or self.main_source)
        return self.cells.get((Line(kind, framework, src), size))

    def frameworks(self) -> list[str]:
        return sorted({line.framework for line in self.lines})

    def pairs(self) -> list[tuple[str, str]]:
        """(A, B) row pairs to test, B - A: each start against scratch, the fed-wrongly start
        against the same start fed right, PyTorch against Keras, a start from another source
        against the main one, and the sources against each other."""
        out = []
        for size in self.sizes:
            for fw in self.frameworks():
                scratch = self.row("scratch", fw, size)
                for kind in ("head", "finetune", "mismatched"):
                    out.append((scratch, self.row(kind, fw, size)))
                out.append((self.row("finetune", fw, size), self.row("mismatched", fw, size)))
                for line in self.lines:
                    if line.framework == fw and line.source not in ("", self.main_source):
                        other = self.cells.get((line, size))
                        out.append((self.row(line.kind, fw, size), other))
                        out.append((scratch, other))
            for kind in ("scratch", "head", "finetune"):
                out.append(tuple(self.row(kind, fw, size) for fw in ("pytorch", "keras")))
        names = [(a["row"], b["row"]) for a, b in out if a is not None and b is not None]
        if len(self.sources) == 2:
            names.append(tuple(self.sources))
        return list(dict.fromkeys(names))


def source_row(row: dict) -> str:
    """The study row a run started from, or "" (scratch, an ImageNet file, a file of yours)."""
    init_from = str(row.get("config", {}).get("init_from") or "").replace("\\", "/")
    found = _RUN_OF_ROW.search(init_from)
    return found.group(1) if found else ""


def images_per_class(row: dict) -> int:
    return round((row.get("num_train_images") or 0) / max(len(row["class_names"]), 1))


def layout(rows: list[dict], study_rows: list[str] = ()) -> Transfer | None:
    """The transfer study in ``rows`` (the report's rows; ``study_rows``: every row the study
    holds, finished or not), or None when no row starts from another."""
    names = set(study_rows) | {r["row"] for r in rows}
    starts = {r["row"]: s for r in rows if (s := source_row(r)) in names}
    if not starts:
        return None
    by_name = {r["row"]: r for r in rows}
    main_source = Counter(starts.values()).most_common(1)[0][0]
    target = {tuple(by_name[name]["class_names"]) for name in starts}
    if len(target) != 1:
        return None  # starts onto different class sets: not one target task
    classes = next(iter(target))
    cells = {}
    for r in rows:
        if tuple(r["class_names"]) != classes:
            continue
        source = starts.get(r["row"], "")
        line = Line(_kind(r, source, by_name), r["framework"], source)
        cells[(line, images_per_class(r))] = r
    return Transfer(
        main_source=main_source,
        sources=sorted(set(starts.values()), key=lambda s: (s != main_source, s)),
        cells=cells,
        lines=sorted(
            {line for line, _ in cells},
            key=lambda line: (*_line_order(line), line.source != main_source),
        ),
        sizes=sorted({size for _, size in cells}),
    )


def _kind(row: dict, source: str, by_name: dict) -> str:
    config = row.get("config", {})
    if not source:
        return "scratch"
    if config.get("finetune") == "head":
        return "head"
    seen = by_name.get(source, {}).get("config", {}).get("channels", "rgb")
    return "mismatched" if config.get("channels", "rgb") != seen else "finetune"


def _line_order(line: Line) -> tuple:
    return (KINDS.index(line.kind), line.framework != "pytorch")


def table(t: Transfer, w: Words, by_name: dict) -> tuple[str, list[str], list[list[str]]]:
    """Target test accuracy per start (rows) and images per class (columns), mean ± spread."""
    head = [w("tr_start")] + [w.plural("tr_per_class", size) for size in t.sizes]
    body = []
    for line in t.lines:
        cells = []
        for size in t.sizes:
            row = t.cells.get((line, size))
            cells.append(_mean_sd(row, w) if row else "—")
        body.append([line.label(w, t.main_source, by_name)] + cells)
    return w("tr_table"), head, body


def gain_table(t: Transfer, w: Words, pairs: dict, by_name: dict):
    """Each start minus scratch in the same framework, points, with the interval over seeds
    (McNemar's p with one seed)."""
    head = [w("tr_start")] + [w.plural("tr_per_class", size) for size in t.sizes]
    body = []
    for line in t.lines:
        if line.kind == "scratch":
            continue
        cells = []
        for size in t.sizes:
            row, scratch = t.cells.get((line, size)), t.row("scratch", line.framework, size)
            pair = pairs.get((scratch["row"], row["row"])) if row and scratch else None
            cells.append(difference(pair, w) if pair else "—")
        body.append([line.label(w, t.main_source, by_name)] + cells)
    return w("tr_gain_table"), head, body


def _mean_sd(row: dict, w: Words) -> str:
    if len(row["runs"]) < 2:
        return w.pct(row["test_accuracy"], 1)
    return f"{w.pct(row['test_accuracy'], 1)} ± {w.points(row['accuracy_std'], 1, sign=False)}"


def difference(pair: dict, w: Words, unit: bool = False) -> str:
    """B - A in points, with the paired interval over seeds or, for one seed, McNemar's p."""
    d = w.points(pair["acc_b"] - pair["acc_a"], 1)
    if unit:
        d = w("tr_pts", d=d)
    if pair["paired"]:
        lo, hi = pair["paired"]["ci"]
        return f"{d} ({w('interval', lo=w.points(lo, 1), hi=w.points(hi, 1))})"
    return f"{d} (p {w.p_value(pair['p_value'])})"


def conclusions(t: Transfer, w: Words, pairs: dict, by_name: dict) -> list[str]:
    """What a source start buys at each size, where it stops mattering, what the other channel
    order costs, whether the frameworks differ, what a start from another source changes, and
    the earlier studies' ImageNet starts beside it."""
    out = []
    label = {line: line.label(w, t.main_source, by_name) for line in t.lines}

    def pair_of(a: dict | None, b: dict | None) -> dict | None:
        return pairs.get((a["row"], b["row"])) if a and b else None

    sources = [by_name[s] for s in t.sources if s in by_name]
    if sources:
        out.append(
            w(
                "tr_sources",
                parts=w.join(
                    w(
                        "tr_source_part",
                        fw=w(f"fw_{s['framework']}"),
                        acc=w.pct(s["test_accuracy"], 1),
                    )
                    for s in sources
                ),
                k=len(sources[0]["class_names"]),
                n=w.count(sources[0].get("num_train_images") or 0),
            )
        )
    for size in t.sizes:
        parts = []
        for line in t.lines:
            if line.kind not in ("head", "finetune") or line.source != t.main_source:
                continue
            pair = pair_of(t.row("scratch", line.framework, size), t.cells.get((line, size)))
            if pair:
                parts.append(f"{label[line]}, {difference(pair, w, unit=True)}")
        if parts:
            out.append(w("tr_gain", n=w.count(size), parts="; ".join(parts)))
    stops = where_it_stops(t, w, pairs)
    if stops:
        out.append(stops)
    for fw in t.frameworks():
        parts = []
        for size in t.sizes:
            pair = pair_of(t.row("finetune", fw, size), t.row("mismatched", fw, size))
            scratch = pair_of(t.row("scratch", fw, size), t.row("mismatched", fw, size))
            if pair and scratch:
                parts.append(
                    w(
                        "tr_mismatch_part",
                        n=w.count(size),
                        d=difference(pair, w, unit=True),
                        ds=difference(scratch, w, unit=True),
                    )
                )
        if parts:
            out.append(w("tr_mismatch", fw=w(f"fw_{fw}"), parts="; ".join(parts)))
    fw_parts, apart = [], []
    for size in t.sizes:
        pair = pair_of(t.row("finetune", "pytorch", size), t.row("finetune", "keras", size))
        if pair:
            fw_parts.append(w("tr_fw_part", n=w.count(size), d=difference(pair, w, unit=True)))
            if told_apart(pair):
                apart.append(w.count(size))
    if fw_parts:
        key = "tr_fw_apart" if apart else "tr_fw_same"
        out.append(w(key, parts="; ".join(fw_parts), sizes=w.join(apart)))
    for line in t.lines:
        if line.source in ("", t.main_source):
            continue
        for size in t.sizes:
            other = t.cells.get((line, size))
            pair = pair_of(t.row(line.kind, line.framework, size), other)
            if pair:
                key = "tr_crossed_apart" if told_apart(pair) else "tr_crossed_same"
                source_fw = by_name.get(line.source, {}).get("framework", line.source)
                main_fw = by_name.get(t.main_source, {}).get("framework", t.main_source)
                out.append(
                    w(
                        key,
                        fw=w(f"fw_{line.framework}"),
                        src=w.get(f"fw_{source_fw}", source_fw),
                        main=w.get(f"fw_{main_fw}", main_fw),
                        n=w.count(size),
                        acc=w.pct(pair["acc_b"], 1),
                        acc_main=w.pct(pair["acc_a"], 1),
                        d=difference(pair, w, unit=True),
                    )
                )
    out.append(_earlier(t, w, by_name))
    return out


def where_it_stops(t: Transfer, w: Words, pairs: dict) -> str | None:
    """The first size from which the fine-tuned start is ahead of scratch in no framework (or
    that it stays ahead, or never is); None without such pairs."""
    ahead_at: dict[int, dict[str, bool]] = {}
    for size in t.sizes:
        for fw in t.frameworks():
            a, b = t.row("scratch", fw, size), t.row("finetune", fw, size)
            pair = pairs.get((a["row"], b["row"])) if a and b else None
            if pair:
                ahead = told_apart(pair) and pair["acc_b"] > pair["acc_a"]
                ahead_at.setdefault(size, {})[fw] = ahead
    if not ahead_at:
        return None
    sizes = sorted(ahead_at)
    behind = [s for s in sizes if not any(ahead_at[s].values())]
    if not behind:
        # ahead at every size in some framework: say where only some framework shows it
        partly = [
            w(
                "tr_shown_in",
                fws=w.join([w(f"fw_{f}") for f, a in ahead_at[s].items() if a]),
                n=w.count(s),
            )
            for s in sizes
            if not all(ahead_at[s].values())
        ]
        if partly:
            return w("tr_helps_partly", n=w.count(sizes[-1]), where="; ".join(partly))
        return w("tr_helps_everywhere", n=w.count(sizes[-1]))
    first = behind[0]
    if all(not any(ahead_at[s].values()) for s in sizes if s >= first) and first != sizes[0]:
        return w("tr_stops", n=w.count(first))
    if first == sizes[0] and len(behind) == len(sizes):
        return w("tr_never")
    return w("tr_mixed", sizes=w.join(w.count(s) for s in behind))


def _earlier(t: Transfer, w: Words, by_name: dict) -> str:
    """The earlier studies' ImageNet starts and what differs from this study's source."""
    parts = [
        w(
            "tr_earlier_part",
            fw=w(f"fw_{fw}"),
            pre=w.pct(pre, 2),
            scratch=w.pct(scratch, 2),
            d=w.points(pre - scratch, 2),
        )
        for fw, pre, scratch in EARLIER_PRETRAINED
    ]
    source = by_name.get(t.main_source, {})
    return w(
        "tr_earlier",
        parts=w.join(parts),
        n=w.count(source.get("num_train_images") or 0),
        k=len(source.get("class_names") or ()) or "?",
        px=source.get("input_size") or "?",
    )
