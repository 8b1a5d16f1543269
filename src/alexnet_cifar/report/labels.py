"""Readable names for a study's rows in prose ("PyTorch from scratch", "PyTorch desde cero"):
the row ids (``scratch-pytorch``) stay in tables and commands, where a reader looks them up."""

from __future__ import annotations

import re

from ..weights.registry import source_for
from .i18n import Words

Table = tuple[str, list[str], list[list[str]]]  # a report table: (title, header, rows)


def row_labels(data: dict, w: Words) -> dict[str, str]:
    """Row id -> its label in ``w``'s language; a row whose label another row shares keeps its
    id (an ablation's rows differ in what no label names)."""
    moved = data.get("transfer")
    by_name = {r["row"]: r for r in data["rows"]}
    labels = {}
    for r in data["rows"]:
        fw = w.get(f"fw_{r['framework']}", r["framework"])
        if moved is not None and r["row"] in moved.sources:
            labels[r["row"]] = w("lbl_source", fw=fw)
        elif moved is not None and (found := _line_of(moved, r["row"])) is not None:
            labels[r["row"]] = found.label(w, moved.main_source, by_name)
        elif r.get("init") == "imagenet" and (source := source_for(r["framework"], r["model"])):
            labels[r["row"]] = w("lbl_pretrained", fw=fw, source=w(f"src_{source.name}"))
        else:
            labels[r["row"]] = w("lbl_scratch", fw=fw)
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {row: (row if seen[label] > 1 else label) for row, label in labels.items()}


def _line_of(moved, row: str):
    return next((line for (line, _), r in moved.cells.items() if r["row"] == row), None)


def in_prose(sentences: list[str], labels: dict[str, str]) -> list[str]:
    """``sentences`` with every row id outside `backquotes` replaced by its label, each
    sentence starting with a capital."""
    ids = sorted((r for r, label in labels.items() if label != r), key=len, reverse=True)
    if not ids:
        return sentences
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    out = []
    for sentence in sentences:
        pieces = sentence.split("`")
        for i in range(0, len(pieces), 2):  # the even pieces lie outside backquotes
            pieces[i] = pattern.sub(lambda m: labels[m.group(1)], pieces[i])
        text = "`".join(pieces)
        out.append(text[:1].upper() + text[1:])
    return out


def hardware(row: dict, w: Words) -> str:
    hw = row["hardware"]
    return hw.get("gpu") or w("cores", cpu=hw.get("cpu", "?"), n=hw.get("cpu_count", "?"))
