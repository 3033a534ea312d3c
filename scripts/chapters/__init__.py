"""Figures and tables of the chapters, made at build time from calc's numbers.

A chapter module (``scripts/chapters/<chapter>.py``) registers functions:

* ``@figure("vgg-params-and-macs")`` -> :class:`Figure`: an SVG drawn with matplotlib
  (see :mod:`chapters.plot`), its alt text and caption;
* ``@table("vgg-table-2")`` -> :class:`Table`: header, rows and caption; a paper's printed
  values sit in their own columns, labelled as the paper's, beside calc's exact numbers.

A page places them with fences (``scripts/hooks/chapter_blocks.py``)::

    ```figure
    id: vgg-params-and-macs
    ```

Keyword lines after ``id`` are passed to the function. A function may also return a tuple
of Figure, Table and :class:`Note` blocks, shown in order, or None: nothing is shown (the
benchmark results of ``chapters.benchmarks``, which exist only where a run wrote them). An
unknown id or a failing function stops the build with the page and the line. Tests import
these modules and check every table against its source (``tests/test_chapters.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS_DIR = ROOT / "docs"     # the site's docs_dir; the hook sets it from mkdocs.yml

FIGURES: dict[str, Callable[..., "Figure"]] = {}
TABLES: dict[str, Callable[..., "Table"]] = {}


@dataclass(frozen=True)
class Figure:
    svg: str             # an <svg> element, text in currentColor (both palettes)
    alt: str             # what the figure shows, for a reader who cannot see it
    caption: str = ""    # plain text under the figure


@dataclass(frozen=True)
class Cell:
    """A cell shown as ``text`` and sorted by ``sort`` (a number): ``Cell("4.089 G", 4.089e9)``."""
    text: str
    sort: float


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple, ...]          # cells: str, numbers (right-aligned) or Cell
    caption: str = ""                # plain text above the table
    notes: tuple[str, ...] = field(default=())   # plain text lines under the table
    sortable: bool = False           # the reader can sort by any column (calc.js)


@dataclass(frozen=True)
class Note:
    """An admonition: a title, plain text and, optionally, a command shown as code."""
    title: str
    text: str
    code: str = ""


def _register(registry: dict, kind: str, name: str):
    def wrap(fn):
        if name in registry:
            raise RuntimeError(f"{kind} {name!r} registered twice")
        registry[name] = fn
        return fn
    return wrap


def figure(name: str):
    """Decorator: register a figure function under ``name``."""
    return _register(FIGURES, "figure", name)


def table(name: str):
    """Decorator: register a table function under ``name``."""
    return _register(TABLES, "table", name)


def load() -> None:
    """Import every chapter module (each registers its figures and tables)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_") and module.name != "plot":
            importlib.import_module(f"{__name__}.{module.name}")
