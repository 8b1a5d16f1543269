"""The report as Markdown and as one self-contained HTML file (figures embedded)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from .. import atomic
from ..data import translate
from . import earlier, figures
from .collect import collect, seed_of
from .i18n import TEXT

FORMATS = ("md", "html")


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _p(p: float) -> str:
    return f"{p:.2g}" if p >= 1e-4 else "<0.0001"


def _hardware(r: dict) -> str:
    hw = r["hardware"]
    return hw.get("gpu") or f"{hw.get('cpu', '?')} ({hw.get('cpu_count', '?')} cores)"


def _accuracy(r: dict) -> str:
    if len(r["runs"]) == 1:
        return _pct(r["test_accuracy"])
    return f"{_pct(r['test_accuracy'])} ± {100 * r['accuracy_std']:.2f}"


def findings(data: dict, lang: str) -> list[str]:
    """Sentences that state only what the numbers show."""
    t = TEXT[lang]
    out = []
    rows = data["rows"]
    if rows:
        best = max(rows, key=lambda r: r["test_accuracy"])
        out.append(
            t["best"].format(
                row=best["row"],
                acc=_accuracy(best),
                lo=_pct(best["ci"][0]),
                hi=_pct(best["ci"][1]),
                n=f"{best['num_test_images']:,}",
                seeds=len(best["runs"]),
            )
        )
    compared = [p for group in data["pairs"].values() for p in group]
    for p in compared:
        paired = p["paired"]
        names = dict(a=p["a"], b=p["b"], acc_a=_pct(p["acc_a"]), acc_b=_pct(p["acc_b"]))
        if paired:  # several seeds: the paired interval decides
            lo, hi = (100 * x for x in paired["ci"])
            verdict = t["not_apart"] if lo <= 0 <= hi else t["apart"]
            d = round(100 * paired["mean"], 2) + 0.0
            out.append(
                t["diff_seeds"].format(**names, n=paired["n"], d=d, lo=lo, hi=hi, verdict=verdict)
            )
        else:  # one seed: McNemar on the test images
            verdict = t["sig"] if p["p_value"] < 0.05 else t["nsig"]
            d = 100 * (p["acc_b"] - p["acc_a"])
            out.append(t["diff"].format(**names, d=d, p=_p(p["p_value"]), verdict=verdict))
    if not compared:
        out.append(t["none_sig"])
    if data["not_run"]:
        out.append(
            t["skipped_note"].format(
                n=len(data["not_run"]), rows=", ".join(r["row"] for r in data["not_run"])
            )
        )
    return out


Table = tuple[str, list[str], list[list[str]]]  # (title, header, rows)


def _tables(data: dict, lang: str) -> list[Table]:
    """Every table of the report, in order; a table with nothing to show is left out."""
    tables = [
        _comparison_table(data, lang),
        _per_seed_table(data, lang),
        _per_class_table(data, lang),
        *_significance_tables(data, lang),
    ]
    return [table for table in tables if table is not None]


def _comparison_table(data: dict, lang: str) -> Table:
    """One line per row: accuracy over seeds, its spread and interval, speed, size, and the
    earlier studies' number; the rows not run with their status."""
    t = TEXT[lang]
    head = [
        t["row"],
        t["framework"],
        t["model"],
        t["init"],
        t["precision"],
        t["accuracy"],
        t["range"],
        t["ci"],
        t["seeds"],
        t["epochs"],
        t["sec_epoch"],
        t["ips"],
        t["to_85"],
        t["params"],
        t["earlier"],
    ]
    body = [
        [
            r["row"],
            r["framework"],
            r["model"] + (" +BN" if r.get("batchnorm") else ""),
            r["init"],
            r["precision"],
            _accuracy(r),
            f"{_pct(r['accuracy_min'])}-{_pct(r['accuracy_max'])}",
            f"{_pct(r['ci'][0])}-{_pct(r['ci'][1])}",
            str(len(r["runs"])),
            str(r["epochs"]),
            f"{r['seconds_per_epoch']:.1f}",
            f"{r['train_images_per_second']:.1f}",
            _time_to_85(r, t),
            f"{r['parameters']:,}",
            earlier.cell(r["row"]),
        ]
        for r in data["rows"]
    ]
    body += [
        [
            r["row"],
            "",
            "",
            "",
            "",
            t.get(r["status"], r["status"] or ""),
            t.get(f"short_{r['status']}", ""),
        ]
        + [""] * 7
        + [earlier.cell(r["row"])]
        for r in data["not_run"]
    ]
    return t["comparison"], head, body


def _time_to_85(row: dict, t: dict) -> str:
    """Minutes until validation first reached 85% (median over the seeds that did)."""
    runs = len(row["runs"])
    if row.get("time_to_85") is None:
        return t["not_reached"]
    minutes = f"{row['time_to_85'] / 60:.1f} min"
    return minutes if row["reached_85"] == runs else f"{minutes} ({row['reached_85']}/{runs})"


def _per_seed_table(data: dict, lang: str) -> Table | None:
    """Each row's accuracy per seed, where some row has several seeds."""
    t, rows = TEXT[lang], data["rows"]
    if not any(len(r["runs"]) > 1 for r in rows):
        return None
    seeds = sorted({s for r in rows for s in r["seeds"]})

    def accuracy(r: dict, seed) -> str:
        return next((_pct(x["test_accuracy"]) for x in r["runs"] if seed_of(x) == seed), "")

    body = [[r["row"]] + [accuracy(r, s) for s in seeds] for r in rows]
    return t["per_seed"], [t["row"]] + [f"{t['seed']} {s}" for s in seeds], body


def _per_class_table(data: dict, lang: str) -> Table | None:
    """Each class's accuracy (names in the report's language) per row."""
    t, rows = TEXT[lang], data["rows"]
    if not rows:
        return None
    names = rows[0]["class_names"]
    body = [
        [label] + [_pct(r["per_class_accuracy"][n]) for r in rows]
        for n, label in zip(names, translate(names, lang))
    ]
    return t["per_class"], [t["class"]] + [r["row"] for r in rows], body


def _significance_tables(data: dict, lang: str) -> list[Table]:
    """One table per comparison group (scratch vs pretrained, PyTorch vs Keras, ...)."""
    t = TEXT[lang]
    head = [t["pair"], "A", "B", t["diff_pp"], t["diff_ci"], t["p_paired"], t["p_mcnemar"]]
    return [
        (f"{t['significance']}: {t.get(group, group)}", head, [_pair_cells(p) for p in pairs])
        for group, pairs in data["pairs"].items()
        if pairs
    ]


def _pair_cells(p: dict) -> list[str]:
    paired = p["paired"]
    d = round(100 * (p["acc_b"] - p["acc_a"]), 2) + 0.0
    interval = f"{100 * paired['ci'][0]:+.2f} to {100 * paired['ci'][1]:+.2f}" if paired else ""
    return [
        f"{p['a']} / {p['b']}",
        _pct(p["acc_a"]),
        _pct(p["acc_b"]),
        f"{d:+.2f}",
        interval,
        _p(paired["p_value"]) if paired else "",
        ", ".join(_p(s["p_value"]) for s in p["per_seed"]),
    ]


def notes(data: dict, lang: str) -> list[str]:
    """What the tables leave out: the full reason of every row not run, the hardware, and the
    earlier studies' setups."""
    t = TEXT[lang]
    out = [f"{r['row']}: {r['reason']}" for r in data["not_run"] if r["reason"]]
    machines = sorted({_hardware(r) for r in data["rows"]})
    if machines:
        out.append(t["hardware_note"].format(hw="; ".join(machines)))
    names = [r["row"] for r in data["rows"]] + [r["row"] for r in data["not_run"]]
    items = earlier.note_items(names, lang)
    if items:
        out.append(t["earlier_note"].format(items="; ".join(items)))
    return out


def _md_table(head, body) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in row) + " |"
        for row in body
    ]
    return "\n".join(lines)


def write_report(root: str | Path, langs=("en",), formats=FORMATS) -> list[Path]:
    data = collect(root)
    out_dir = Path(root) / "report"
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        t = TEXT[lang]
        figs = [
            (
                t["curves"],
                figures.learning_curves(data["rows"], fig_dir / f"curves.{lang}.png", lang),
            ),
            (
                t["over_time"],
                figures.accuracy_over_time(data["rows"], fig_dir / f"over_time.{lang}.png", lang),
            ),
            (
                t["bars"],
                figures.per_class_bars(data["rows"], fig_dir / f"per_class.{lang}.png", lang),
            ),
        ]
        figs += [
            (
                f"{t['confusion']}: {r['row']}",
                figures.confusion(r, fig_dir / f"confusion.{r['row']}.{lang}.png", lang),
            )
            for r in data["rows"]
        ]
        figs = [(title, p) for title, p in figs if p is not None]
        tables = _tables(data, lang)
        facts = findings(data, lang)
        remarks = notes(data, lang)
        intro = (
            f"{t['preset']}: {data['preset']}. {data['description'] or ''}".strip()
            if data["preset"]
            else ""
        )
        if "md" in formats:
            parts = [
                f"# {t['title']}",
                intro,
                f"## {t['findings']}",
                "\n".join(f"- {f}" for f in facts),
            ]
            parts += [f"## {title}\n\n{_md_table(head, body)}" for title, head, body in tables]
            parts += [f"## {t['notes']}", "\n".join(f"- {n}" for n in remarks)]
            parts += [f"## {t['figures']}"] + [
                f"### {title}\n\n![{title}](figures/{p.name})" for title, p in figs
            ]
            path = out_dir / f"report.{lang}.md"
            atomic.write_text(path, "\n\n".join(p for p in parts if p) + "\n")
            written.append(path)
        if "html" in formats:
            path = out_dir / f"report.{lang}.html"
            atomic.write_text(path, _html(t, intro, facts, tables, remarks, figs, lang))
            written.append(path)
    return written


def _html(t, intro, facts, tables, remarks, figs, lang) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{e(t['title'])}</title><style>body{{font-family:sans-serif;max-width:"
        "1200px;margin:2em auto;padding:0 1em;overflow-wrap:anywhere}table{border-collapse:"
        "collapse;margin:1em 0;max-width:100%}td,th{border:1px solid #ccc;padding:3px 6px;"
        "font-size:13px}th{background:#f3f3f3}img{max-width:100%}</style></head><body>",
        f"<h1>{e(t['title'])}</h1>",
    ]
    if intro:
        parts.append(f"<p>{e(intro)}</p>")
    parts.append(
        f"<h2>{e(t['findings'])}</h2><ul>" + "".join(f"<li>{e(f)}</li>" for f in facts) + "</ul>"
    )
    for title, head, body in tables:
        parts.append(
            f"<h2>{e(title)}</h2><table><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in head)
            + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in body)
            + "</table>"
        )
    parts.append(
        f"<h2>{e(t['notes'])}</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in remarks) + "</ul>"
    )
    parts.append(f"<h2>{e(t['figures'])}</h2>")
    for title, p in figs:
        b64 = base64.b64encode(p.read_bytes()).decode()
        parts.append(f"<h3>{e(title)}</h3><img alt='{e(title)}' src='data:image/png;base64,{b64}'>")
    parts.append("</body></html>")
    return "\n".join(parts)
