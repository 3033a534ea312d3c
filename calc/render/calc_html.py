"""HTML pieces of a calculator's result: the answer, formulas, notes, warnings, a figure."""

from __future__ import annotations

from . import html


def formula(label: str, text: str) -> str:
    """A formula line with numbers substituted, as escaped text."""
    return (f'<p class="calc-formula"><span class="calc-axis-name">{html.escape(label)}</span> '
            f"<code>{html.escape(text)}</code></p>")


def paragraph(text: str, cls: str = "calc-note") -> str:
    return f'<p class="{cls}">{html.escape(text)}</p>'


def result(answer: str, parts=(), warnings=(), figure: str = "") -> str:
    """The result block: answer (escaped), pre-built parts, warnings, then the figure."""
    fig = f'<figure class="calc-figure">{figure}</figure>' if figure else ""
    return (f'<div class="calc-result"><p class="calc-answer">{answer}</p>'
            + "".join(parts) + html.warnings(list(warnings)) + fig + "</div>")


def strong(text) -> str:
    return f"<strong>{html.escape(text)}</strong>"
