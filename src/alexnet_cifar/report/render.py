"""The report as Markdown and as one self-contained HTML file (figures embedded): conclusions
first, a short headline table, the details below it, how to reproduce, notes and figures."""

from __future__ import annotations

import base64
import html
from functools import partial
from pathlib import Path

from ..data import translate
from ..study.matrix import description, load_preset, preset_names
from ..system import atomic
from ..system.environment import portable_path
from ..weights.registry import SOURCES
from . import earlier, figures, gallery, paper, transfer
from .collect import collect, pair_lookup, seed_of
from .conclusions import conclusions, setup_ours, summary
from .glossary import Linker
from .i18n import Words
from .labels import Table, hardware
from .reproduce import reproduce

FORMATS = ("md", "html")
DASH = "—"  # a cell with nothing to say for this row (a row not run)


def _tables(data: dict, w: Words) -> tuple[Table, list[Table]]:
    """The headline table, and the detail tables below it (those with nothing to show left
    out)."""
    details = [
        _details_table(data, w),
        _per_seed_table(data, w),
        *_per_class_tables(data, w),
        *_significance_tables(data, w),
        _earlier_table(data, w),
        *paper.per_class_tables(data, w),
        paper.epoch_table(data, w),
        paper.resolution_table(data, w),
    ]
    moved = data.get("transfer")
    if moved is not None:  # the question is the target task's; every row's table follows
        by_name = {r["row"]: r for r in data["rows"]}
        _, head, body = _headline_table(data, w)
        details = [
            transfer.gain_table(moved, w, pair_lookup(data), by_name),
            (w("all_rows"), head, body),
            *details,
        ]
        return transfer.table(moved, w, by_name), [t for t in details if t is not None]
    return _headline_table(data, w), [t for t in details if t is not None]


def title(data: dict, w: Words) -> str:
    """The report's title, naming only the comparisons its finished rows make (a pretrained
    row whose weights could not be had compares nothing)."""
    rows = data["rows"]
    starts = {"pretrained" if r.get("init") == "imagenet" else "scratch" for r in rows}
    frameworks = {r.get("framework") for r in rows} - {None}
    parts = [w("t_starts")] if len(starts) > 1 else []
    parts += [w("t_transfer")] if data.get("transfer") is not None else []
    parts += [w("t_frameworks")] if len(frameworks) > 1 else []
    return f"{w('title')}: {', '.join(parts)}" if parts else w("title")


def _headline_table(data: dict, w: Words) -> Table:
    """Row, accuracy with its spread and interval, time per epoch, time to 85%."""
    head = [w("row"), w("accuracy"), w("single_view"), w("sd"), w("ci"), w("sec_epoch")]
    head.append(w("to_85"))
    body = []
    for r in data["rows"]:
        several = len(r["runs"]) > 1
        times = r["epoch_seconds"]
        spread = (
            w("interval", lo=w.num(min(times), 1), hi=w.num(max(times), 1))
            if len(times) > 1
            else w("na")
        )
        body.append(
            [
                r["row"],
                w.pct(r["test_accuracy"]),
                _single_view(r, w),
                w.points(r["accuracy_std"], sign=False) if several else w("na"),
                w("interval", lo=w.pct(r["ci"][0]), hi=w.pct(r["ci"][1])),
                f"{w.num(r['seconds_per_epoch'], 1)} ({spread})" if times else w("na"),
                w.time_to(r),
            ]
        )
    for r in data["not_run"]:
        why = w.get(f"why_{r['status']}", r["status"] or "")
        body.append([r["row"], w("not_run_cell", why=why)] + [DASH] * 5)
    return w("headline"), head, body


def _single_view(row: dict, w: Words) -> str:
    """The mean single-view accuracy where the headline figure is --tta's, else a dash."""
    views = [run.get("single_view_accuracy") for run in row["runs"]]
    if not all(run.get("tta_accuracy") is not None for run in row["runs"]) or None in views:
        return DASH
    return w.pct(float(sum(views) / len(views)))


def _details_table(data: dict, w: Words) -> Table | None:
    if not data["rows"]:
        return None
    head = [
        w("row"),
        w("framework"),
        w("model"),
        w("init"),
        w("precision"),
        w("seeds"),
        w("epochs"),
        w("range"),
        w("ips"),
        w("params"),
    ]
    body = [
        [
            r["row"],
            r["framework"],
            r["model"] + (" +BN" if r.get("batchnorm") else ""),
            w.get(f"init_{r['init']}", r["init"]),
            r["precision"],
            w.count(len(r["runs"])),
            w.count(r["epochs"]),
            w("interval", lo=w.pct(r["accuracy_min"]), hi=w.pct(r["accuracy_max"]))
            if len(r["runs"]) > 1
            else w("na"),
            w.num(r["train_images_per_second"], 1) if r.get("train_images_per_second") else w("na"),
            w.count(r["parameters"]),
        ]
        for r in data["rows"]
    ]
    return w("details"), head, body


def _per_seed_table(data: dict, w: Words) -> Table | None:
    """Each row's accuracy per seed, where some row has several seeds."""
    rows = data["rows"]
    if not any(len(r["runs"]) > 1 for r in rows):
        return None
    seeds = sorted({s for r in rows for s in r["seeds"]})

    def accuracy(r: dict, seed) -> str:
        found = (w.pct(x["test_accuracy"]) for x in r["runs"] if seed_of(x) == seed)
        return next(found, w("na"))

    body = [[r["row"]] + [accuracy(r, s) for s in seeds] for r in rows]
    return w("per_seed"), [w("row")] + [f"{w('seed')} {s}" for s in seeds], body


def _per_class_tables(data: dict, w: Words) -> list[Table]:
    """Each class's accuracy (names in the report's language) per row: one table per set of
    classes the rows were trained on."""
    by_classes: dict[tuple[str, ...], list[dict]] = {}
    for r in data["rows"]:
        by_classes.setdefault(tuple(r["class_names"]), []).append(r)
    tables = []
    for names, rows in by_classes.items():
        body = [
            [label] + [w.pct(r["per_class_accuracy"][n]) for r in rows]
            for n, label in zip(names, translate(list(names), w.lang))
        ]
        title = w("per_class")
        if len(by_classes) > 1:
            title += f" ({', '.join(translate(list(names), w.lang))})"
        tables.append((title, [w("class")] + [r["row"] for r in rows], body))
    return tables


def _significance_tables(data: dict, w: Words) -> list[Table]:
    """One table per comparison group (scratch vs pretrained, PyTorch vs Keras, ...)."""
    head = [w("pair"), "A", "B", w("diff_pp"), w("diff_ci"), w("p_paired"), w("p_mcnemar")]
    return [
        (f"{w('significance')} ({w.get(group, group)})", head, [_pair_cells(p, w) for p in pairs])
        for group, pairs in data["pairs"].items()
        if pairs
    ]


def _pair_cells(p: dict, w: Words) -> list[str]:
    paired = p["paired"]
    interval = (
        w("interval", lo=w.points(paired["ci"][0]), hi=w.points(paired["ci"][1]))
        if paired
        else w("na")
    )
    pair = f"{p['a']} / {p['b']}"
    if not p["all_seeds"]:
        seeds = p["shared_seeds"]
        pair += f" ({w.plural('shared_seeds', len(seeds), seeds=w.join(map(str, seeds)))})"
    return [
        pair,
        w.pct(p["acc_a"]),
        w.pct(p["acc_b"]),
        w.points(p["acc_b"] - p["acc_a"]),
        interval,
        w.p_value(paired["p_value"]) if paired else w("na"),
        ", ".join(w.p_value(s["p_value"]) for s in p["per_seed"]),
    ]


def _earlier_table(data: dict, w: Words) -> Table:
    """Every number of the earlier studies, each beside this study's row of that kind: its
    accuracy and setup, why it did not run, or that this study has no such row."""
    by_name = {r["row"]: r for r in data["rows"]}
    not_run = {r["row"]: r for r in data["not_run"]}
    body = []
    for row, theirs in earlier.EARLIER.items():
        framework, source = earlier.WHAT[row]
        fw = w(f"fw_{framework}")
        what = (
            w("lbl_pretrained", fw=fw, source=w(f"src_{source}"))
            if source
            else w("lbl_scratch", fw=fw)
        )
        if row in by_name:
            r = by_name[row]
            ours = f"{w.pct(r['test_accuracy'])} ({setup_ours(r, w)})"
        elif row in not_run:
            why = not_run[row]
            ours = w("not_run_cell", why=w.get(f"why_{why['status']}", why["status"] or ""))
        else:
            ours = w("not_in_study")
        for e in theirs:
            body.append([what, w.pct(e.accuracy), e.setup[w.lang], row, ours])
    head = [w("their_row"), w("their_study"), w("their_setup"), w("row"), w("this_study")]
    return w("earlier_table"), head, body


def notes(data: dict, w: Words) -> list[str]:
    """Every row not run, once, with a fix the reader can follow; the hardware; whose the
    earlier numbers are."""
    out = []
    by_source: dict[str, list[str]] = {}
    for r in data["not_run"]:
        if r.get("source"):
            by_source.setdefault(r["source"], []).append(r["row"])
    for name, rows in by_source.items():
        s = SOURCES[name]
        out.append(
            w(
                "skip_weights" if s.url else "skip_local",
                rows=w.join(rows),
                title=w(f"src_{name}"),
                file=s.file_name,
                cache=portable_path(s.cache_dir()),
                where=s.url or s.page,
            )
        )
    for r in data["not_run"]:
        if r.get("source"):
            continue
        if r["status"] == "incomplete":
            out.append(w("incomplete_note", rows=r["row"], path=portable_path(r["path"])))
        elif r["status"] == "interrupted":
            out.append(w("interrupted_note", rows=r["row"]))
        elif r["status"] == "pending":
            continue  # listed together below
        elif r["reason"]:
            out.append(w("failed_note", rows=r["row"], reason=r["reason"]))  # redacted by collect
    pending = [r["row"] for r in data["not_run"] if r["status"] == "pending"]
    if pending:
        out.append(w("pending_note", rows=w.join(pending)))
    machines = sorted({hardware(r, w) for r in data["rows"]})
    if machines:
        out.append(w("hardware_note", hw="; ".join(machines)))
    out.append(w("earlier_note"))  # the earlier studies' table is always there
    return out


def intro(data: dict, w: Words) -> str:
    """The preset and its description in the report's language (the packaged preset's own text
    where the study recorded one language only)."""
    if not data["preset"]:
        return ""
    text = data["description"]
    if not isinstance(text, dict) and data["preset"] in preset_names():
        text = load_preset(data["preset"]).get("description")
    line = w("preset_line", name=data["preset"])
    return f"{line} {description({'description': text}, w.lang)}".strip()


def _figures(data: dict, fig_dir: Path, w: Words) -> list[tuple[str, Path]]:
    rows, lang = data["rows"], w.lang
    figs = []
    moved = data.get("transfer")
    if moved is not None:
        by_name = {r["row"]: r for r in rows}
        path = fig_dir / f"transfer.{lang}.png"
        figs.append((w("tr_figure"), figures.transfer_curves(moved, path, w, by_name)))
        # the other figures for the target task's largest training set: rows of one task,
        # one length of epoch
        rows = [r for (_, size), r in moved.cells.items() if size == moved.sizes[-1]]
    val_images = rows[0].get("num_val_images", 0) if rows else 0
    figs += [
        (w("curves"), figures.learning_curves(rows, fig_dir / f"curves.{lang}.png", w, val_images)),
        (w("over_time"), figures.accuracy_over_time(rows, fig_dir / f"over_time.{lang}.png", w)),
        (w("times"), figures.epoch_times(rows, fig_dir / f"times.{lang}.png", w)),
        (w("phases_title"), figures.epoch_phases(rows, fig_dir / f"phases.{lang}.png", w)),
        (w("bars"), figures.per_class_bars(rows, fig_dir / f"per_class.{lang}.png", w)),
    ]
    figs += [
        (
            f"{w('confusion')}: {r['row']}",
            figures.confusion(r, fig_dir / f"confusion.{r['row']}.{lang}.png", w),
        )
        for r in rows
    ]
    by_name = {r["row"]: r for r in rows}
    for p in data["pairs"].get("fw_vs", []):
        a, b = by_name[p["a"]], by_name[p["b"]]
        name = f"confusion-diff.{a['row']}.{b['row']}.{lang}.png"
        figs.append(
            (
                f"{w('confusion_diff')}: {a['row']} - {b['row']}",
                figures.confusion_difference(a, b, fig_dir / name, w),
            )
        )
    return [(title, p) for title, p in figs if p is not None]


def _galleries(data: dict, cifar, fig_dir: Path, w: Words) -> tuple[list, list[str]]:
    """(figures, notes): a gallery per framework where the test images are at hand, else a
    note that says how to draw it."""
    if cifar is None:
        return [], [w("gallery_no_data")]
    figs = []
    for row in gallery.gallery_rows(data):
        images = gallery.test_images(cifar, row["runs"][0])
        if images is None:
            return [], [w("gallery_other_data")]
        path = fig_dir / f"gallery.{row['row']}.{w.lang}.png"
        figs.append((f"{w('gallery')}: {row['row']}", gallery.gallery(row, images, path, w)))
    return figs, []


def write_report(root: str | Path, langs=("en",), formats=FORMATS, cifar=None) -> list[Path]:
    """The report of the study or runs in ``root``, in each language and format; ``cifar``:
    the CIFAR-10 the runs were tested on (or a function that loads it), for the gallery of
    test images (None: no gallery, and a note that says how to get one)."""
    data = collect(root)
    if callable(cifar):
        cifar = cifar()
    out_dir = Path(root) / "report"
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        w = Words(lang)
        for stale in fig_dir.glob(f"*.{lang}.png"):  # a row gone since the last report
            stale.unlink()
        headline, details = _tables(data, w)
        shown, missing = _galleries(data, cifar, fig_dir, w)
        page = Page(
            w=w,
            title=title(data, w),
            summary=summary(data, w),
            intro=intro(data, w),
            conclusions=conclusions(data, w),
            headline=headline,
            details=details,
            reproduce=reproduce(data, w),
            notes=notes(data, w) + missing,
            figs=shown + _figures(data, fig_dir, w),
        )
        if "md" in formats:
            path = out_dir / f"report.{lang}.md"
            atomic.write_text(path, page.markdown())
            written.append(path)
        if "html" in formats:
            path = out_dir / f"report.{lang}.html"
            atomic.write_text(path, page.html())
            written.append(path)
    return written


class Page:
    """One report in one language, in either format."""

    def __init__(
        self, *, w, title, summary, intro, conclusions, headline, details, reproduce, notes, figs
    ):
        self.w, self.title, self.intro, self.conclusions = w, title, intro, conclusions
        self.summary = summary  # the first screen: a few sentences, then the headline table
        self.headline, self.details, self.reproduce = headline, details, reproduce
        self.notes, self.figs = notes, figs

    def _scan_tables(self, linker: Linker) -> None:
        """Terms that appear only in tables still get their glossary entry."""
        for title, head, body in (self.headline, *self.details):
            linker.scan(" ".join([title, *head, *(c for row in body for c in row)]))

    def markdown(self) -> str:
        w = self.w
        linker = Linker(w)
        for text in (*self.summary, self.intro, *self.conclusions, *self.notes):
            linker.scan(text)
        self._scan_tables(linker)
        parts = [
            f"# {self.title}",
            " ".join(self.summary),
            _md_table(self.headline),
            self.intro,
            f"## {w('conclusions')}",
            _md_list(self.conclusions),
        ]
        parts += [_md_table(t) for t in self.details]
        parts.append(f"## {w('reproduce')}")
        for kind, payload in self.reproduce:
            if kind == "p":
                parts.append(payload)
            elif kind == "code":
                parts.append(f"```\n{payload}\n```")
            elif kind == "table":
                parts.append(_md_table(payload, level="###"))
            elif kind == "links":
                parts.append(
                    _md_list(
                        f"{label}: " + ", ".join(f"[{text}]({href})" for text, href in links)
                        for label, links in payload
                    )
                )
        parts += [f"## {w('notes')}", _md_list(self.notes), linker.markdown_section()]
        parts.append(f"## {w('figures')}")
        parts += [f"### {title}\n\n![{title}](figures/{p.name})" for title, p in self.figs]
        return "\n\n".join(p for p in parts if p) + "\n"

    def html(self) -> str:
        w, e = self.w, html.escape
        linker = Linker(w)
        prose = partial(_inline_code, linker=linker)
        parts = [
            f"<!doctype html><html lang='{w.lang}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{e(self.title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{e(self.title)}</h1>",
            f"<p class='summary'>{prose(' '.join(self.summary))}</p>",
            _html_table(self.headline, cards=True),
        ]
        if self.intro:
            parts.append(f"<p>{prose(self.intro)}</p>")
        parts.append(f"<h2>{e(w('conclusions'))}</h2>{_html_list(self.conclusions, prose)}")
        parts += [_html_table(t) for t in self.details]
        parts.append(f"<h2>{e(w('reproduce'))}</h2>")
        for kind, payload in self.reproduce:
            if kind == "p":
                parts.append(f"<p>{prose(payload)}</p>")
            elif kind == "code":
                parts.append(f"<pre>{e(payload)}</pre>")
            elif kind == "table":
                parts.append(_html_table(payload, level="h3"))
            elif kind == "links":
                items = [
                    f"{e(label)}: "
                    + ", ".join(
                        f"<a href='{e(href)}'>{_link_text(text)}</a>" for text, href in links
                    )
                    for label, links in payload
                ]
                parts.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        parts.append(f"<h2>{e(w('notes'))}</h2>{_html_list(self.notes, prose)}")
        self._scan_tables(linker)
        parts.append(linker.html_section())
        parts.append(f"<h2>{e(w('figures'))}</h2>")
        for title, p in self.figs:
            b64 = base64.b64encode(p.read_bytes()).decode()
            # the page carries its figures; a click opens the file beside it at full size
            parts.append(
                f"<h3>{e(title)}</h3><a href='figures/{e(p.name)}'>"
                f"<img alt='{e(title)}' data-text-px='{_text_px(p)}' "
                f"src='data:image/png;base64,{b64}'></a>"
            )
        parts.append("</body></html>")
        return "\n".join(parts)


# Tables scroll inside their own box; a cell never breaks inside a word or number (headers
# break only between words); long URLs and commands wrap or scroll instead of widening the page.
CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "line-height:1.45}p,li{overflow-wrap:anywhere}.scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
    "padding:3px 6px;font-size:13px;vertical-align:top;text-align:left}td{white-space:nowrap}"
    "th{background:#f3f3f3;font-weight:600}th span{white-space:nowrap}"
    "pre{overflow-x:auto;background:#f6f6f6;padding:.6em;font-size:13px}"
    "code{background:#f3f3f3}img{max-width:100%;height:auto}"
    "h1{font-size:1.6em;margin:.3em 0}.summary{font-size:1.05em}"
    "dt{font-weight:600;margin-top:.5em}dd{margin-left:1.2em}"
    # a phone: the headline table as one card per row, each cell a "header: value" line
    "@media (max-width:600px){body{margin:.5em auto}h1{font-size:1.3em}h2{font-size:1.15em}"
    "table.cards,table.cards tbody,table.cards tr,table.cards td{display:block}"
    "table.cards tr:first-child{display:none}table.cards tr{border:1px solid #ccc;"
    "margin:.4em 0;padding:.2em .4em}table.cards td{border:0;padding:1px 0;"
    "white-space:normal}table.cards td.empty{display:none}"
    "table.cards td:first-child{font-weight:600}"
    "table.cards td:not(:first-child)::before{content:attr(data-label) ': ';color:#555}}"
)


def _text_px(path: Path) -> str:
    """The height of the figure's smallest text at its natural size, as _save recorded it."""
    from PIL import Image

    with Image.open(path) as image:
        return image.text.get(figures.TEXT_KEY, "")


def _md_list(items) -> str:
    return "\n".join(f"- {i}" for i in items)


def _md_table(table: Table, level: str = "##") -> str:
    title, head, body = table
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in row) + " |"
        for row in body
    ]
    return f"{level} {title}\n\n" + "\n".join(lines)


def _html_list(items, prose=None) -> str:
    prose = prose or _inline_code
    return "<ul>" + "".join(f"<li>{prose(i)}</li>" for i in items) + "</ul>"


def _inline_code(text: str, linker: Linker | None = None) -> str:
    """Escaped text with `backquoted` commands set as code, and (with ``linker``) the first use
    of each glossary term outside them linked to its definition."""
    pieces = html.escape(text).split("`")
    return "".join(
        f"<code>{p}</code>" if i % 2 else (linker.html(p) if linker else p)
        for i, p in enumerate(pieces)
    )


def _link_text(text: str) -> str:
    """A folder link reads as its path, set as code."""
    return f"<code>{html.escape(text)}</code>" if "/" in text else html.escape(text)


def _header_cell(text: str) -> str:
    # each word kept whole: a header wraps between words only
    return " ".join(f"<span>{html.escape(word)}</span>" for word in text.split())


def _html_table(table: Table, level: str = "h2", cards: bool = False) -> str:
    """A table in its own scroll box; ``cards``: on a phone each row becomes a card of
    "header: value" lines (the cells without a value left out), so nothing scrolls sideways."""
    title, head, body = table
    e = html.escape

    def cell(header: str, value: str) -> str:
        if not cards:
            return f"<td>{e(value)}</td>"
        empty = " class='empty'" if value == DASH else ""
        return f"<td data-label='{e(header)}'{empty}>{e(value)}</td>"

    return (
        f"<{level}>{e(title)}</{level}><div class='scroll'>"
        + f"<table{' class=cards' if cards else ''}><tr>"
        + "".join(f"<th>{_header_cell(h)}</th>" for h in head)
        + "</tr>"
        + "".join("<tr>" + "".join(cell(h, c) for h, c in zip(head, row)) + "</tr>" for row in body)
        + "</table></div>"
    )
