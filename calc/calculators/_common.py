"""Per-axis splitting shared by the size calculators (they import nothing of the network
analysis: the arithmetic chapter's start-up loads none of it)."""

from __future__ import annotations

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
