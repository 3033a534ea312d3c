"""Per-axis splitting shared by the size calculators; the measured networks the summary
calculators keep between two requests; the field that shows every layer."""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

from ..checks import check
from ..summary import summarize
from .spec import Field

EVERY_LAYER = Field("all_layers", "Every layer", kind="bool", default=False,
                    help="a long table shows its first and last layers unless this is ticked")
_MEASURED: OrderedDict = OrderedDict()
KEPT = 8     # networks kept: a change of batch, dtype or table size rebuilds nothing


def measured(key: tuple, build: Callable):
    """``(summary, findings)`` of the network ``build()`` makes, kept by ``key`` (the
    arguments that define it): the most recent :data:`KEPT`."""
    if key in _MEASURED:
        _MEASURED.move_to_end(key)
        return _MEASURED[key]
    network = build()
    result = (summarize(network), check(network))
    _MEASURED[key] = result
    if len(_MEASURED) > KEPT:
        _MEASURED.popitem(last=False)
    return result

AXIS_INDEXES = {"height": (0,), "width": (1,), "height and width": (0, 1)}


def axes(values: dict, names) -> list[tuple[str, dict]]:
    """Split the ``(h, w)`` values of ``names`` into one dict per axis.

    When both axes carry the same numbers there is one entry, labelled ``height and width``,
    so that a square layer reads as one formula, not two identical ones.
    """
    h = {n: values[n][0] for n in names}
    w = {n: values[n][1] for n in names}
    if h == w:
        return [("height and width", h)]
    return [("height", h), ("width", w)]
