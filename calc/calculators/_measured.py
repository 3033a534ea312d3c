"""The measured networks the summary calculators keep between two requests, and the field that
shows every layer."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

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
