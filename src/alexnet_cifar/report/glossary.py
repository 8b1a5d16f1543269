"""The report's glossary: the terms a reader may not know (EMA, TTA, one-cycle, label
smoothing, McNemar, intervals, bf16), each defined once at the end of the page and linked from
its first use in the prose."""

from __future__ import annotations

import html
import re

from .i18n import Words

# how each term is written in the report's prose, per language (the first match is linked)
TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "ema": {
        "en": ("weight averaging", "EMA"),
        "es": ("media móvil de los pesos", "media de los pesos", "media de pesos", "EMA"),
    },
    "tta": {"en": ("test-time augmentation", "TTA"), "es": ("aumento en el test", "TTA")},
    "onecycle": {"en": ("one-cycle",), "es": ("un ciclo", "one-cycle")},
    "smoothing": {"en": ("label smoothing",), "es": ("suavizado de etiquetas",)},
    "mcnemar": {"en": ("McNemar",), "es": ("McNemar",)},
    "interval": {"en": ("95% interval",), "es": ("intervalo del 95 %",)},
    "bf16": {"en": ("bf16",), "es": ("bf16",)},
}


def _pattern(phrase: str) -> str:
    # a space in a phrase also matches the no-break space the number formats use
    return r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", "[ \u00a0]") + r"(?![\w-])"


class Linker:
    """Links the first use of each term in a page's prose to its definition (HTML), and lists
    the terms it met for the glossary."""

    def __init__(self, w: Words):
        self.w = w
        self.used: list[str] = []
        self._patterns = {
            key: re.compile("|".join(_pattern(p) for p in phrases[w.lang]), re.IGNORECASE)
            for key, phrases in TERMS.items()
        }

    def html(self, escaped: str) -> str:
        """``escaped`` (HTML-escaped text, no tags) with the first use of each new term linked."""
        for key, pattern in self._patterns.items():
            if key in self.used:
                continue
            found = pattern.search(escaped)
            if found:
                self.used.append(key)
                link = f"<a href='#g-{key}'>{found.group(0)}</a>"
                escaped = escaped[: found.start()] + link + escaped[found.end() :]
        return escaped

    def scan(self, text: str) -> None:
        """Note the terms in ``text`` (Markdown: no links, the glossary lists them)."""
        for key, pattern in self._patterns.items():
            if key not in self.used and pattern.search(text):
                self.used.append(key)

    def entries(self) -> list[tuple[str, str, str]]:
        """(key, term, definition) of every term met, in the glossary's order."""
        return [(k, self.w(f"g_{k}_term"), self.w(f"g_{k}")) for k in TERMS if k in self.used]

    def html_section(self) -> str:
        if not self.used:
            return ""
        e = html.escape
        items = "".join(
            f"<dt id='g-{key}'>{e(term)}</dt><dd>{e(text)}</dd>"
            for key, term, text in self.entries()
        )
        return f"<h2>{e(self.w('glossary'))}</h2><dl>{items}</dl>"

    def markdown_section(self) -> str:
        if not self.used:
            return ""
        items = "\n".join(f"- **{term}**: {text}" for _, term, text in self.entries())
        return f"## {self.w('glossary')}\n\n{items}"
