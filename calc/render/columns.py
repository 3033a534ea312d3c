"""The columns of a summary table, declared once for the text, HTML and JSON renderers.

A :class:`Column` says what a row holds under a key (JSON), how the cell reads (text and
HTML, ``""`` when empty) and how it aligns; the renderers only lay the cells out. After
torchinfo's column registry, whose golden files test what the tables show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..summary import Row
from . import numbers


def rf_cell(rf) -> str:
    """``size/stride/padding``, each ``7`` or ``7x1`` (h x w); blank when undefined."""
    if rf is None:
        return ""
    return "/".join(numbers.pair(v) for v in (rf.size, rf.stride, rf.padding))


def rf_dict(rf):
    if rf is None:
        return None
    return {"size": list(rf.size), "stride": list(rf.stride), "padding": list(rf.padding)}


@dataclass(frozen=True)
class Column:
    key: str                                   # JSON key of a row
    title: str | None                          # header; None: JSON only
    value: Callable[[Row], object]             # the data, for JSON
    cell: Callable[[Row], str] = str           # the text of a cell, "" when empty
    numeric: bool = False                      # right-aligned
    omit: Callable[[object], bool] = lambda v: False   # JSON leaves the key out


AUX_MARK = " (aux)"   # an auxiliary branch's row: its params count, its MACs run in training only

SUMMARY_COLUMNS = (
    Column("name", "Layer", lambda r: r.name,
           lambda r: r.name + (AUX_MARK if r.auxiliary else "")),
    Column("type", "Type", lambda r: r.type, lambda r: r.type),
    Column("output", "Output", lambda r: list(r.output), lambda r: numbers.shape(r.output)),
    Column("params", "Params", lambda r: r.params,
           lambda r: numbers.grouped(r.params) if r.params else "", numeric=True),
    Column("macs", "MACs", lambda r: r.macs,
           lambda r: numbers.grouped(r.macs) if r.macs else "", numeric=True),
    Column("activations", None, lambda r: r.activations),
    Column("rf", "RF size/stride/padding", lambda r: rf_dict(r.rf), lambda r: rf_cell(r.rf),
           omit=lambda v: v is None),
    Column("auxiliary", None, lambda r: r.auxiliary, omit=lambda v: not v),
)

SHOWN = tuple(c for c in SUMMARY_COLUMNS if c.title is not None)


def cells(rows, columns=SHOWN) -> list[tuple[str, ...]]:
    return [tuple(c.cell(r) for c in columns) for r in rows]


def row_dict(row: Row, columns=SUMMARY_COLUMNS) -> dict:
    out = {}
    for c in columns:
        value = c.value(row)
        if not c.omit(value):
            out[c.key] = value
    return out
