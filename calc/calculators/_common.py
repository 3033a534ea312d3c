"""Shared pieces of the size calculators: per-axis splitting, window coverage, HTML assembly."""

from __future__ import annotations

from ..render import html

AXIS_NOUNS = {"height": ("row", "rows"), "width": ("column", "columns"),
              "height and width": ("row and column", "rows and columns")}
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


def count(n: int, axis: str) -> str:
    """``1 row``, ``3 columns``, ``2 rows and columns``."""
    one, many = AXIS_NOUNS[axis]
    return f"{n} {one if n == 1 else many}"


def covered(cells: int, windows: int, stride: int, kernel_size: int, dilation: int) -> bytearray:
    """``mask[x] == 1`` when some tap reads cell ``x``: ``x = j*stride + t*dilation`` for a window
    ``0 <= j < windows`` and a tap ``0 <= t < kernel_size``; cells at or past ``cells`` are cut.

    The union is contiguous when taps touch (``dilation == 1`` and ``kernel_size >= stride``)
    or windows touch (``stride == 1`` and ``windows >= dilation``); otherwise it is painted
    with one strided slice per window or per tap, whichever is fewer.
    """
    mask = bytearray(cells)
    span = dilation * (kernel_size - 1) + 1
    end = min(cells, (windows - 1) * stride + span)
    if (dilation == 1 and kernel_size >= stride) or (stride == 1 and windows >= dilation):
        mask[:end] = b"\x01" * end
        return mask
    if windows <= kernel_size:
        starts, step, reach = range(0, windows * stride, stride), dilation, span
    else:
        starts, step, reach = range(0, kernel_size * dilation, dilation), stride, \
            (windows - 1) * stride + 1
    for start in starts:
        stop = min(cells, start + reach)
        if stop > start:
            mask[start:stop:step] = b"\x01" * len(range(start, stop, step))
    return mask


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
