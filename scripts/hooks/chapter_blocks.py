"""```figure and ```table fences: the chapters' figures and tables, made at build time.

    ```figure
    id: vgg-params-and-macs
    ```

The id names a function registered in ``scripts/chapters/``; further ``key: value`` lines
(read like a ```calc fence's) are its keyword arguments. A figure becomes an inline SVG in
a ``<figure>`` with its caption; a table an HTML table (every cell escaped) with its caption
and notes; a note an admonition. A function may return several of them (a tuple) or None,
which shows nothing. An unknown id or a function that fails stops the build with the page
and line.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from _fences import fences
from calc_fence import parse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # scripts/: the chapters
import chapters  # noqa: E402

LANGUAGES = ("figure", "table")


class ChapterBlockError(SuperFencesException, PluginError):
    """A bad ```figure or ```table fence; the message names the page and the line."""


class _Page:
    where = "?"
    fences: list = []


def _line_of(src: str, language: str) -> str:
    key = [line.strip() for line in src.strip().splitlines()]
    for fence in _Page.fences:
        if fence.language == language and \
                [line.strip() for line in fence.body.strip().splitlines()] == key:
            return str(fence.line)
    return "?"


def _cell(value) -> str:
    if isinstance(value, chapters.Cell):
        return (f'<td class="num" data-sort="{value.sort!r}">{html.escape(value.text)}</td>')
    if isinstance(value, bool) or value is None:
        return f"<td>{html.escape(str(value or ''))}</td>"
    if isinstance(value, (int, float)):
        text = f"{value:,}" if isinstance(value, int) else str(value)
        return f'<td class="num" data-sort="{value!r}">{html.escape(text)}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def table_html(t) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in t.rows)
    caption = f"<caption>{html.escape(t.caption)}</caption>" if t.caption else ""
    notes = "".join(f'<p class="calc-table-note">{html.escape(n)}</p>' for n in t.notes)
    sortable = ' class="calc-sortable"' if getattr(t, "sortable", False) else ""
    return (f'<div class="calc-chapter-table" data-search-exclude><table{sortable}>{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}</div>")


def figure_html(f) -> str:
    caption = f"<figcaption>{html.escape(f.caption)}</figcaption>" if f.caption else ""
    return f'<figure class="calc-chart" data-search-exclude>{f.svg}{caption}</figure>'


def note_html(n) -> str:
    code = f"<pre><code>{html.escape(n.code)}</code></pre>" if n.code else ""
    return (f'<div class="admonition note"><p class="admonition-title">{html.escape(n.title)}'
            f"</p><p>{html.escape(n.text)}</p>{code}</div>")


def block_html(made) -> str:
    """A Figure, Table or Note as HTML; a tuple of them in order; None as nothing."""
    if made is None:
        return ""
    if isinstance(made, tuple):
        return "".join(block_html(m) for m in made)
    if isinstance(made, chapters.Figure):
        return figure_html(made)
    if isinstance(made, chapters.Table):
        return table_html(made)
    if isinstance(made, chapters.Note):
        return note_html(made)
    raise TypeError(f"a block function returned {type(made).__name__}, not a Figure, Table "
                    "or Note")


def render(src: str, language: str) -> str:
    try:
        args = parse(src)
        name = args.pop("id", None)
        if name is None:
            raise ValueError("id is required (the figure or table to show)")
        registry = chapters.FIGURES if language == "figure" else chapters.TABLES
        if name not in registry:
            raise ValueError(f"no {language} {name!r}; known: {', '.join(sorted(registry))}")
        return block_html(registry[name](**args))
    except Exception as err:
        detail = err if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        raise ChapterBlockError(f"{_Page.where}:{_line_of(src, language)}: {language} fence: "
                                f"{detail}") from err


def _formatter(language):
    def format(src="", language=language, class_name=None, options=None, md=None, **kwargs):
        return render(src, language)
    return format


def on_config(config, **kwargs):
    chapters.DOCS_DIR = Path(config.docs_dir)     # where chapters.benchmarks finds data/
    chapters.load()
    options = config.mdx_configs.setdefault("pymdownx.superfences", {})
    custom = [f for f in options.get("custom_fences", []) if f.get("name") not in LANGUAGES]
    for language in LANGUAGES:
        custom.append({"name": language, "class": language, "format": _formatter(language)})
    options["custom_fences"] = custom
    return config


def on_page_markdown(markdown, page, **kwargs):
    _Page.where = page.file.src_uri
    _Page.fences = [f for f in fences(page.file.content_string) if f.language in LANGUAGES]
    return markdown
