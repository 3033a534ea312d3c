"""Inline SVG of one convolution, pooling or transposed convolution, after Dumoulin & Visin.

Data in (one :class:`Axis` per spatial axis, height then width), an ``<svg>`` string out: the
drawn input grid on the left (padding cells empty, input cells filled), the kernel taps of the
first output position (the holes between taps are the dilation), the outline of the last window
(dashed), and the output grid on the right, like the figures of V. Dumoulin & F. Visin, "A guide
to convolution arithmetic for deep learning", arXiv:1603.07285, but for any numbers. A
transposed convolution is drawn as D&V draw it (their section 4): the equivalent stride-1
convolution over the input with ``stride - 1`` zeros inserted between pixels, padded by
``d(k - 1) - padding`` zeros before and that plus ``output_padding`` after.

An axis longer than :data:`FULL` cells is elided: only cells near region boundaries, kernel taps
and window ends are drawn; a gap marked with an ellipsis stands for each hidden run, and the
description says which rows and columns are hidden. Pure string building: deterministic,
bounded in size whatever the numbers, every coordinate an int, every text escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import arithmetic
from .html import escape

FULL = 36       # axes with at most this many cells are drawn whole
BUDGET = 30     # cells kept (before filling short gaps) on an elided axis
MAX_TAPS = 16   # kernels with more taps per axis show the first and last few

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
_FILLS = {
    "in": '<g fill="#56B4E9">',
    "zero": '<g fill="#999999" fill-opacity="0.3">',
    "extra": '<g fill="#F0E442" fill-opacity="0.6">',
    "crop": '<g fill="#555555" fill-opacity="0.55">',
    "pixel": '<g fill="#56B4E9">',
    "unread": '<g fill="#CC79A7">',
    "tap": '<g fill="#E69F00">',
    "out": '<g fill="#009E73" fill-opacity="0.45">',
    "empty": '<g fill="#CC79A7">',
}
# When strips of the two axes meet, the cell shows the higher kind ("pad" is drawn empty).
_RANK = {"in": 0, "zero": 1, "pad": 2, "extra": 3, "crop": 4}


@dataclass(frozen=True)
class Axis:
    """One axis of a diagram, counted in cells of the drawn input grid (cell 0 is drawn first).

    ``strips`` are disjoint ``(start, stop, kind)`` ranges covering ``0 .. cells``; kind is
    ``in`` (input), ``pad`` (zero padding), ``zero`` (zeros inserted by a transposed
    convolution's stride), ``extra`` (ceil-mode overhang or ``output_padding`` zeros) or
    ``crop`` (input cells that a transposed convolution's padding removes). ``taps`` are the
    cells the first output position reads, ``last`` the window ``[start, stop)`` of the last
    one. ``read[x] == 0`` marks an input cell no window reads; ``pixels`` lists the real input
    cells among ``zero`` ones; ``fed[r] == 0`` marks an output cell that receives no input.
    """
    cells: int
    strips: tuple
    taps: range
    last: tuple
    output: int
    read: bytes | None = None
    pixels: range | None = None
    fed: bytes | None = None


def _strips(*items):
    return tuple((a, b, kind) for a, b, kind in items if b > a)


def conv_axis(size, kernel_size, stride, padding, dilation, output, read=None) -> Axis:
    """Axis of a convolution or pooling: padded input, plus any ceil-mode overhang after it."""
    span = arithmetic.span(kernel_size, dilation)
    padded = size + 2 * padding
    last = (output - 1) * stride
    cells = max(padded, last + span)
    return Axis(cells, _strips((0, padding, "pad"), (padding, padding + size, "in"),
                               (padding + size, padded, "pad"), (padded, cells, "extra")),
                range(0, span, dilation), (last, last + span), output, read)


def transpose_axis(size, kernel_size, stride, padding, output_padding, dilation, output,
                   fed=None) -> Axis:
    """Axis of a transposed convolution drawn as its equivalent direct convolution (D&V 4.6).

    The input is stretched to ``(i - 1)s + 1`` cells, padded with ``d(k - 1) - p`` zeros before
    and ``d(k - 1) - p + a`` after; a negative count crops the stretched input instead.
    """
    span = arithmetic.span(kernel_size, dilation)
    stretched = (size - 1) * stride + 1
    before = span - 1 - padding
    after = before + output_padding
    first = max(before, 0)
    cut_before, cut_after = max(-before, 0), max(-after, 0)
    tail = max(after, 0)
    extra = min(output_padding, tail)
    cells = first + stretched + tail
    end = first + stretched
    strips = _strips((0, first, "pad"), (first, first + cut_before, "crop"),
                     (first + cut_before, end - cut_after, "zero"), (end - cut_after, end, "crop"),
                     (end, end + tail - extra, "pad"), (end + tail - extra, cells, "extra"))
    start = first - before  # where the equivalent convolution's first window starts
    return Axis(cells, strips, range(start, start + span, dilation),
                (start + output - 1, start + output - 1 + span), output,
                pixels=range(first, end, stride), fed=fed)


def _filled(chosen) -> list[int]:
    out = []
    for x in sorted(chosen):
        if out and 1 < x - out[-1] <= 3:   # a gap of one or two cells is drawn, not elided
            out.extend(range(out[-1] + 1, x))
        out.append(x)
    return out


def _slot_count(indices: list[int]) -> int:
    """Cells drawn plus one slot per hidden run."""
    return len(indices) + sum(1 for a, b in zip(indices, indices[1:]) if b > a + 1)


def _choose(n: int, required, groups) -> list[int]:
    """Indices to draw on an axis of ``n`` cells: all when short, else ``required`` and the
    ``groups`` (in order of priority) that fit in :data:`BUDGET` slots, hidden runs included."""
    if n <= FULL:
        return list(range(n))
    chosen = {x for x in required if 0 <= x < n} | {0, n - 1}
    for group in groups:
        grown = chosen | {x for x in group if 0 <= x < n}
        if _slot_count(_filled(grown)) <= BUDGET:
            chosen = grown
    return _filled(chosen)


def _ends(r: range, cap: int = MAX_TAPS):
    """Taps worth drawing: all of a short, dense kernel; the ends of a long one; the first two
    and the last of a widely dilated one (its holes are elided anyway)."""
    if r.step > 3:
        return list(r[:2]) + list(r[-1:])
    return r if len(r) <= cap else list(r[:3]) + list(r[-3:])


class _Slots:
    """Pixel positions of the drawn cells of one axis; a hidden run takes one cell's room."""

    def __init__(self, indices, cell: int, origin: int):
        self.cell = cell
        self.runs = []      # (first index, last index, pixel of first)
        self.gaps = []      # (pixel, first hidden index, last hidden index)
        x = origin
        for i in indices:
            if self.runs and i == self.runs[-1][1] + 1:
                f, _, x0 = self.runs[-1]
                self.runs[-1] = (f, i, x0)
            else:
                if self.runs:
                    self.gaps.append((x, self.runs[-1][1] + 1, i - 1))
                    x += cell
                self.runs.append((i, i, x))
            x += cell
        self.end = x
        self.length = x - origin

    def x(self, i: int) -> int:
        for f, last, x0 in self.runs:
            if f <= i <= last:
                return x0 + (i - f) * self.cell
        raise KeyError(i)

    def pieces(self, a: int, b: int):
        """Pixel intervals of the drawn cells in ``[a, b)``."""
        out = []
        for f, last, x0 in self.runs:
            lo, hi = max(a, f), min(b - 1, last)
            if lo <= hi:
                out.append((x0 + (lo - f) * self.cell, x0 + (hi - f + 1) * self.cell))
        return out

    def marks(self, keep):
        """Pixel intervals of the drawn cells for which ``keep(index)`` holds."""
        out = []
        for f, last, x0 in self.runs:
            start = None
            for i in range(f, last + 1):
                if keep(i):
                    if start is None:
                        start = i
                elif start is not None:
                    out.append((x0 + (start - f) * self.cell, x0 + (i - f) * self.cell))
                    start = None
            if start is not None:
                out.append((x0 + (start - f) * self.cell, x0 + (last - f + 1) * self.cell))
        return out

    def bounds(self):
        """Every cell edge of every run: (pixel start, pixel end, edges)."""
        return [(x0, x0 + (last - f + 1) * self.cell,
                 range(x0, x0 + (last - f + 1) * self.cell + 1, self.cell))
                for f, last, x0 in self.runs]


def _rects(out: list, ys, xs):
    for y0, y1 in ys:
        for x0, x1 in xs:
            out.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}"/>')


def _grid_path(rows: _Slots, cols: _Slots) -> str:
    d = []
    for y0, y1, ys in rows.bounds():
        for x0, x1, xs in cols.bounds():
            d.extend(f"M{x0} {y}H{x1}" for y in ys)
            d.extend(f"M{x} {y0}V{y1}" for x in xs)
    return ('<path fill="none" stroke="currentColor" stroke-opacity="0.45" d="'
            + "".join(d) + '"/>')


def _required_in(a: Axis):
    """Region edges and window ends: the outlines are drawn through them."""
    return ([x for s0, s1, _ in a.strips for x in (s0, s1 - 1)]
            + [a.taps[0], a.taps[-1], a.last[0], a.last[1] - 1])


def _groups_in(a: Axis):
    strips = [s1 for _, s1, _ in a.strips]
    groups = [strips, _ends(a.taps), _ends(range(a.last[0], a.last[1], a.taps.step))]
    if a.pixels is not None:
        groups.append(list(a.pixels[:3]) + list(a.pixels[-3:]))
    if a.read is not None:
        first = a.read.find(0)
        if first >= 0:
            groups.append((first, first + 1))
    step = a.taps.step
    groups.append(range(a.taps[-1] + 1, a.taps[-1] + 1 + step))  # context after the first window
    return groups


def _groups_out(a: Axis):
    n = a.output
    groups = [(1, 2, n - 3, n - 2)]
    if a.fed is not None:
        first = a.fed.find(0)
        if first >= 0:
            groups.append((first, first + 1))
    return groups


def _hidden(slots: _Slots, noun: str, where: str):
    return [f"{noun} {g0} to {g1} of the {where}" if g1 > g0 else f"{noun} {g0} of the {where}"
            for _, g0, g1 in slots.gaps]


def _cell_size(*counts) -> int:
    return max(6, min(20, 320 // max(counts)))


def diagram(h: Axis, w: Axis, *, title: str, summary: str, legend: dict,
            input_label: str = "input", output_label: str = "output") -> str:
    """The whole figure, ``h`` and ``w`` its axes. ``legend`` maps the kinds drawn (``in``,
    ``pad``, ``zero``, ``pixel``, ``extra``, ``crop``, ``unread``, ``tap``, ``last``, ``out``,
    ``empty``) to the words shown next to their swatch; ``summary`` describes the figure in
    words for the ``<desc>``."""
    in_rows = _choose(h.cells, _required_in(h), _groups_in(h))
    in_cols = _choose(w.cells, _required_in(w), _groups_in(w))
    out_rows = _choose(h.output, (), _groups_out(h))
    out_cols = _choose(w.output, (), _groups_out(w))
    c = _cell_size(len(in_rows), len(in_cols), len(out_rows), len(out_cols))
    margin, top = 14, 34
    rows = _Slots(in_rows, c, top)
    cols = _Slots(in_cols, c, margin)
    label_room = margin + 6 * len(input_label) + 16    # input label must not run into output's
    gap = max(40, label_room - cols.end)
    o_rows = _Slots(out_rows, c, top)
    o_cols = _Slots(out_cols, c, cols.end + gap)
    body: list[str] = []

    # background strips of the input grid
    by_kind: dict[str, list] = {}
    for a0, a1, ka in h.strips:
        ys = rows.pieces(a0, a1)
        for b0, b1, kb in w.strips:
            kind = ka if _RANK[ka] >= _RANK[kb] else kb
            if kind != "pad":
                _rects(by_kind.setdefault(kind, []), ys, cols.pieces(b0, b1))
    # real pixels among inserted zeros (transposed convolution)
    if h.pixels is not None and w.pixels is not None:
        ys = rows.marks(lambda i: _pixel(h, i))
        xs = cols.marks(lambda i: _pixel(w, i))
        _rects(by_kind.setdefault("pixel", []), ys, xs)
    # input cells no window reads
    if h.read is not None and w.read is not None:
        h0, h1 = _in_range(h)
        unread = by_kind.setdefault("unread", [])
        # unread rows across the input, then the read rows' unread columns: each cell once
        _rects(unread, rows.marks(lambda i: _unread(h, i)), cols.pieces(*_in_range(w)))
        _rects(unread, rows.marks(lambda i: h0 <= i < h1 and h.read[i]),
               cols.marks(lambda i: _unread(w, i)))
        if not unread:
            del by_kind["unread"]
    _rects(by_kind.setdefault("tap", []), rows.marks(h.taps.__contains__),
           cols.marks(w.taps.__contains__))
    # output grid
    _rects(by_kind.setdefault("out", []), o_rows.pieces(0, h.output), o_cols.pieces(0, w.output))
    if h.fed is not None and w.fed is not None:
        empty = by_kind.setdefault("empty", [])
        _rects(empty, o_rows.marks(lambda r: not h.fed[r]), o_cols.pieces(0, w.output))
        _rects(empty, o_rows.pieces(0, h.output), o_cols.marks(lambda r: not w.fed[r]))
        if not empty:
            del by_kind["empty"]
    x0, y0 = o_cols.x(0), o_rows.x(0)
    by_kind["tap"].append(f'<rect x="{x0}" y="{y0}" width="{c}" height="{c}"/>')
    for kind in ("in", "zero", "extra", "crop", "pixel", "unread", "out", "empty", "tap"):
        if by_kind.get(kind):
            body.append(_FILLS[kind] + "".join(by_kind[kind]) + "</g>")

    body.append(_grid_path(rows, cols))
    body.append(_grid_path(o_rows, o_cols))
    # outlines: the whole input region, the first window (solid), the last window (dashed)
    ry, rx = _in_range(h), _in_range(w)
    if ry[1] > ry[0] and rx[1] > rx[0]:
        body.append(_outline(rows, cols, ry, rx, 'stroke="currentColor" stroke-width="2"'))
    body.append(_outline(rows, cols, (h.taps[0], h.taps[-1] + 1), (w.taps[0], w.taps[-1] + 1),
                         'stroke="#E69F00" stroke-width="2"'))
    body.append(_outline(rows, cols, h.last, w.last,
                         'stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"'))
    xl, yl = o_cols.x(w.output - 1), o_rows.x(h.output - 1)
    body.append(f'<rect x="{xl}" y="{yl}" width="{c}" height="{c}" fill="none" stroke="#D55E00" '
                f'stroke-width="2" stroke-dasharray="4 3"/>')
    # ellipses for hidden runs
    for slots, other, vertical in ((cols, rows, False), (rows, cols, True),
                                   (o_cols, o_rows, False), (o_rows, o_cols, True)):
        side = other.end - other.length - 7 if other is cols else other.end + 7
        for px, _, _ in slots.gaps:
            if vertical:
                body.append(f'<text x="{side}" y="{px + c // 2 + 4}" '
                            f'text-anchor="middle">\u22ee</text>')
            else:
                body.append(f'<text x="{px + c // 2}" y="{top - 4}" '
                            f'text-anchor="middle">\u22ef</text>')
    body.append(f'<text x="{margin}" y="14">{escape(input_label)}</text>')
    body.append(f'<text x="{o_cols.x(0)}" y="14">{escape(output_label)}'
                "</text>")
    arrow_y = top + min(rows.length, o_rows.length) // 2
    body.append(f'<text x="{cols.end + gap // 2}" y="{arrow_y + 4}" text-anchor="middle" '
                'font-size="16">\u2192</text>')

    # legend, one line per item present
    y = max(rows.end, o_rows.end) + 18
    keys = [k for k in ("in", "pad", "zero", "pixel", "extra", "crop", "unread", "tap", "last",
                        "out", "empty") if k in legend]
    swatch = {"pad": 'fill="none" stroke="currentColor" stroke-opacity="0.6"',
              "last": 'fill="none" stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"'}
    widest = 0
    for k in keys:
        look = swatch.get(k) or _FILLS[k][3:-1]
        body.append(f'<rect x="{margin}" y="{y - 10}" width="12" height="12" {look}/>')
        body.append(f'<text x="{margin + 18}" y="{y}">{escape(legend[k])}</text>')
        widest = max(widest, len(legend[k]))
        y += 17
    width = max(o_cols.end + margin + 8, o_cols.x(0) + 6 * len(output_label) + margin,
                margin + 18 + 7 * widest)
    height = y

    hidden = (_hidden(rows, "rows", "input grid") + _hidden(cols, "columns", "input grid")
              + _hidden(o_rows, "rows", "output") + _hidden(o_cols, "columns", "output"))
    desc = summary
    if hidden:
        desc += (" Large grids are elided, marked by ellipses: not drawn are "
                 + "; ".join(hidden) + " (counting from 0).")
    desc += " Legend: " + "; ".join(f"{_LOOKS[k]}: {legend[k]}" for k in keys) + "."
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="calc-diagram" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            'font-family="sans-serif" font-size="11" fill="currentColor" '
            'style="max-width:100%;height:auto">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
            + "".join(body) + "</svg>")


_LOOKS = {"in": "blue cells", "pad": "empty cells", "zero": "grey cells", "pixel": "blue cells",
          "extra": "yellow cells", "crop": "dark cells", "unread": "pink cells",
          "tap": "orange cells", "last": "dashed red outline", "out": "green cells",
          "empty": "pink output cells"}


def _pixel(a: Axis, i: int) -> bool:
    if i not in a.pixels:
        return False
    return any(s0 <= i < s1 and kind == "zero" for s0, s1, kind in a.strips)


def _in_range(a: Axis):
    for s0, s1, kind in a.strips:
        if kind in ("in", "zero"):
            return s0, s1
    return 0, 0


def _unread(a: Axis, i: int) -> bool:
    s0, s1 = _in_range(a)
    return s0 <= i < s1 and not a.read[i]


def _outline(rows: _Slots, cols: _Slots, ry, rx, look: str) -> str:
    y0, x0 = rows.x(ry[0]), cols.x(rx[0])
    y1, x1 = rows.x(ry[1] - 1) + rows.cell, cols.x(rx[1] - 1) + cols.cell
    return f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" {look}/>'
