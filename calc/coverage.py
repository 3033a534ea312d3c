"""Which cells the windows of a layer read, skip and overlap, one axis at a time: data, no words.

A convolution or pooling window of kernel span ``d(k - 1) + 1`` moves by the stride over the
padded input. Three things can go wrong on an axis, and each is counted here:

* the *tail*: the floor of ``(i + 2p - span) / s`` drops the last ``(i + 2p - span) mod s``
  padded cells, so input cells after the last window are never read (AlexNet at 224: one row
  and one column, Dumoulin & Visin section 2.4);
* *holes*: when the stride exceeds the span (or dilation leaves room between taps), input cells
  between windows or between taps are never read;
* *blind* outputs: with padding at least the span, border windows see only zeros.

A transposed convolution scatters one kernel per input pixel (D&V section 4): outputs past
every footprint, or between footprints when the stride exceeds the span, receive no input;
and when the kernel's taps do not divide evenly among the ``s`` stride phases, neighbouring
outputs receive different numbers of taps, the checkerboard pattern of Odena, Dumoulin & Olah,
"Deconvolution and Checkerboard Artifacts", Distill 2016.

The calculators, the CLI and the design checks word these facts; none re-derives them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import arithmetic, validate
from .arithmetic import span


def covered(cells: int, windows: int, stride: int, kernel_size: int, dilation: int) -> bytearray:
    """``mask[x] == 1`` when some tap reads cell ``x``: ``x = j*stride + t*dilation`` for a window
    ``0 <= j < windows`` and a tap ``0 <= t < kernel_size``; cells at or past ``cells`` are cut.

    The union is contiguous when taps touch (``dilation == 1`` and ``kernel_size >= stride``)
    or windows touch (``stride == 1`` and ``windows >= dilation``); otherwise it is painted
    with one strided slice per window or per tap, whichever is fewer.

    >>> list(covered(7, 2, 4, 2, 1))
    [1, 1, 0, 0, 1, 1, 0]
    """
    mask = bytearray(cells)
    reach = span(kernel_size, dilation)
    end = min(cells, (windows - 1) * stride + reach)
    if (dilation == 1 and kernel_size >= stride) or (stride == 1 and windows >= dilation):
        mask[:end] = b"\x01" * end
        return mask
    if windows <= kernel_size:
        starts, step, length = range(0, windows * stride, stride), dilation, reach
    else:
        starts, step, length = (range(0, kernel_size * dilation, dilation), stride,
                                (windows - 1) * stride + 1)
    for start in starts:
        stop = min(cells, start + length)
        if stop > start:
            mask[start:stop:step] = b"\x01" * len(range(start, stop, step))
    return mask


def covered_count(lo: int, hi: int, windows: int, stride: int, kernel_size: int,
                  dilation: int) -> int:
    """How many cells of ``[lo, hi)`` some tap reads (the ones of :func:`covered`), without a mask.

    ``x = j*stride + t*dilation`` is symmetric in (window, tap): iterate over the shorter of
    the two ranges; each of its members contributes a progression of the other's step, and
    progressions on one residue class merge into intervals of their index. Time grows with
    ``min(windows, kernel_size)``, memory likewise: a 2^20-cell kernel is counted, not drawn.

    >>> covered_count(0, 7, 2, 4, 2, 1), covered_count(0, 10**12, 10**6, 10**6, 3, 1)
    (4, 3000000)
    """
    if hi <= lo:
        return 0
    (count, step), (other, spacing) = sorted(((windows, stride), (kernel_size, dilation)))
    # positions: a * spacing + b * step for b in [0, count), a in [0, other): iterate over b
    classes: dict[int, list[tuple[int, int]]] = {}
    for b in range(count):
        offset = b * step
        residue = offset % spacing
        first = offset // spacing              # index of x = residue + m * spacing
        classes.setdefault(residue, []).append((first, first + other))
    total = 0
    for residue, intervals in classes.items():
        m_lo = -(-(lo - residue) // spacing)   # smallest m with residue + m*spacing >= lo
        m_hi = -(-(hi - residue) // spacing)   # ... and < hi
        intervals.sort()
        start, stop = intervals[0]
        for a, b in intervals[1:] + [(None, None)]:
            if a is not None and a <= stop:
                stop = max(stop, b)
                continue
            total += max(0, min(stop, m_hi) - max(start, m_lo))
            if a is not None:
                start, stop = a, b
    return total


@dataclass(frozen=True)
class WindowAxis:
    """One axis of a convolution or pooling: what its ``output`` windows read of the input.

    Cells are counted on the padded axis, ``0 .. cells``: padding ``0 .. p``, the input
    ``p .. p + i``, padding again, then (ceil mode only) the overhang of the last window.
    """
    size: int
    kernel_size: int
    stride: int
    padding: int
    dilation: int
    ceil_mode: bool
    output: int
    tail: int          # input cells after the last window: never read
    holes: int         # input cells between windows or taps: never read
    blind: int         # outputs whose window holds only padding
    overhang: int      # ceil mode: cells the last window reaches past the padded input
    dropped_last: bool  # ceil mode: PyTorch dropped a last window that started in the padding

    @property
    def span(self) -> int:
        return span(self.kernel_size, self.dilation)

    @property
    def room(self) -> int:
        """``i + 2p - d(k - 1) - 1``: how far the first window can move (the floor's numerator)."""
        return self.size + 2 * self.padding - self.span

    @property
    def remainder(self) -> int:
        """Padded cells the floor drops after the last window: ``room mod s``."""
        return self.room % self.stride

    @property
    def end(self) -> int:
        """One past the last window's last cell."""
        return (self.output - 1) * self.stride + self.span

    @property
    def cells(self) -> int:
        return max(self.size + 2 * self.padding, self.end)

    @property
    def unread(self) -> int:
        """Input cells that no window reads: the tail and the holes."""
        return self.tail + self.holes

    def read_mask(self) -> bytearray:
        """``mask[x] == 1`` when some tap reads padded cell ``x`` (for drawing: O(cells))."""
        return covered(self.cells, self.output, self.stride, self.kernel_size, self.dilation)


def window_axis(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                dilation: int = 1, ceil_mode: bool = False, pooling: bool = False) -> WindowAxis:
    """Coverage of one axis of ``Conv2d`` (``pooling=False``) or ``MaxPool2d``/``AvgPool2d``.

    Raises :class:`~calc.errors.CalcError` where PyTorch refuses the layer.

    AlexNet's conv1 at the paper's stated 224: the last row is never read.

    >>> a = window_axis(224, 11, 4)
    >>> a.output, a.tail, a.remainder
    (54, 1, 1)
    """
    i, k, s, p, d = (validate.integer("size", size, 1),
                     validate.integer("kernel_size", kernel_size, 1),
                     validate.integer("stride", stride, 1),
                     validate.integer("padding", padding, 0),
                     validate.integer("dilation", dilation, 1))
    ceil_mode = validate.boolean("ceil_mode", ceil_mode)
    if pooling:
        o = arithmetic._pool(i, k, s, p, d, ceil_mode)
    else:
        o = arithmetic._conv(i, k, s, p, d)
    reach = span(k, d)
    end = (o - 1) * s + reach                 # one past the last window
    tail = max(0, p + i - max(end, p))
    holes = i - covered_count(p, p + i, o, s, k, d) - tail
    blind = (p - reach) // s + 1 if p >= reach else 0
    blind += max(0, o - (-(-(p + i) // s)))
    overhang = max(0, end - (i + 2 * p))
    raw = -(-(i + 2 * p - reach) // s) + 1     # ceil mode's count before PyTorch's rule
    return WindowAxis(i, k, s, p, d, ceil_mode, o, tail, holes, blind, overhang,
                      ceil_mode and raw != o)


@dataclass(frozen=True)
class TransposeAxis:
    """One axis of ``ConvTranspose2d``: which outputs receive input, and how many taps each.

    The kernel's taps land on the ``stride`` phases of the output (``x mod stride``) in
    fixed numbers: ``taps_min`` and ``taps_max`` are the fewest and the most a phase gets.
    """
    size: int
    kernel_size: int
    stride: int
    padding: int
    output_padding: int
    dilation: int
    output: int
    beyond: int                     # last outputs past every kernel footprint
    holes: int                      # outputs between footprints that receive nothing
    taps_min: int
    taps_max: int

    @property
    def span(self) -> int:
        return span(self.kernel_size, self.dilation)

    @property
    def full(self) -> int:
        """Output length before the padding crops it: ``(i - 1)s + d(k - 1) + 1``."""
        return (self.size - 1) * self.stride + self.span

    @property
    def uneven(self) -> bool:
        """Every phase receives taps, but not equally many: checkerboard artifacts."""
        return 0 < self.taps_min < self.taps_max

    @property
    def gaps(self) -> bool:
        """Some stride phase receives no tap at all."""
        return self.taps_min == 0

    def fed_mask(self) -> bytes:
        """``fed[x] == 0`` marks an output cell no input pixel's kernel reaches: it holds only
        the bias (for drawing: O(output))."""
        p, o = self.padding, self.output
        mask = covered(self.full, self.size, self.stride, self.kernel_size, self.dilation)
        return bytes(mask[p:p + o]) + bytes(self.beyond)


def transpose_axis(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                   output_padding: int = 0, dilation: int = 1) -> TransposeAxis:
    """Coverage of one output axis of a transposed convolution.

    DCGAN's k=4, s=2 doubling: every output receives 2 taps (even overlap). With k=3 the
    phases receive 2 and 1 taps: uneven.

    >>> a = transpose_axis(4, 4, 2, 1)
    >>> a.taps_min, a.taps_max, transpose_axis(4, 3, 2, 1).uneven
    (2, 2, True)
    """
    i, k, s, p, a, d = (validate.integer("size", size, 1),
                        validate.integer("kernel_size", kernel_size, 1),
                        validate.integer("stride", stride, 1),
                        validate.integer("padding", padding, 0),
                        validate.integer("output_padding", output_padding, 0),
                        validate.integer("dilation", dilation, 1))
    o = arithmetic._conv_transpose(i, k, s, p, a, d)
    full = (i - 1) * s + span(k, d)
    beyond = max(0, p + o - full)
    inside = max(0, min(p + o, full) - p)
    holes = inside - covered_count(p, p + inside, i, s, k, d)
    hits: dict[int, int] = {}
    for t in range(k):
        hits[(t * d) % s] = hits.get((t * d) % s, 0) + 1
    fewest = min(hits.values()) if len(hits) == s else 0   # a phase no tap lands on
    return TransposeAxis(i, k, s, p, a, d, o, beyond, holes, fewest, max(hits.values()))


def transpose_taps(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                   output_padding: int = 0, dilation: int = 1, limit: int = 64) -> tuple[int, ...]:
    """How many kernel taps land on each of the first ``limit`` outputs of one axis of a
    transposed convolution: output ``x`` receives tap ``t`` of input ``j`` when
    ``j*stride + t*dilation - padding == x``. Unequal counts are the checkerboard.

    >>> transpose_taps(4, 3, 2, 1)
    (1, 2, 1, 2, 1, 2, 1)
    """
    a = transpose_axis(size, kernel_size, stride, padding, output_padding, dilation)
    counts = [0] * min(a.output, validate.integer("limit", limit, 1, 1 << 16))
    for t in range(kernel_size):
        # x = j*s + t*d - p for j in [0, size): the x in range are an arithmetic progression
        offset = t * dilation - padding
        first = max(0, -(-(-offset) // stride))      # smallest j with x >= 0
        for j in range(first, size):
            x = j * stride + offset
            if x >= len(counts):
                break
            counts[x] += 1
    return tuple(counts)


def _per_axis(values):
    """``(h_values, w_values)`` from arguments that are ints or (h, w) pairs."""
    pairs = [validate.pair(name, v, minimum=-validate.MAX_SIZE) for name, v in values]
    return tuple(tuple(p[axis] for p in pairs) for axis in (0, 1))


def conv_coverage(size, kernel_size, stride=1, padding=0, dilation=1):
    """``(height, width)`` :class:`WindowAxis` of a ``Conv2d``; arguments are ints or pairs."""
    axes = _per_axis((("size", size), ("kernel_size", kernel_size), ("stride", stride),
                      ("padding", padding), ("dilation", dilation)))
    return tuple(window_axis(*a) for a in axes)


def pool_coverage(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """``(height, width)`` :class:`WindowAxis` of a pooling layer; ``stride`` defaults to the kernel."""
    stride = kernel_size if stride is None else stride
    axes = _per_axis((("size", size), ("kernel_size", kernel_size), ("stride", stride),
                      ("padding", padding), ("dilation", dilation)))
    return tuple(window_axis(*a, ceil_mode=ceil_mode, pooling=True) for a in axes)


def conv_transpose_coverage(size, kernel_size, stride=1, padding=0, output_padding=0,
                            dilation=1):
    """``(height, width)`` :class:`TransposeAxis` of a ``ConvTranspose2d``."""
    axes = _per_axis((("size", size), ("kernel_size", kernel_size), ("stride", stride),
                      ("padding", padding), ("output_padding", output_padding),
                      ("dilation", dilation)))
    return tuple(transpose_axis(*a) for a in axes)
