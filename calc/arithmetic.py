"""Size arithmetic of convolution, pooling and transposed convolution, one axis at a time.

Every function takes either ints or ``(h, w)`` pairs; when any argument is a pair
the result is a pair, computed independently per axis. Sizes are in pixels.

Sources: V. Dumoulin & F. Visin, "A guide to convolution arithmetic for deep
learning", arXiv:1603.07285 (cited as "D&V relationship N"), and the shape
formulas of the PyTorch documentation for ``Conv2d``, ``MaxPool2d`` and
``ConvTranspose2d``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import validate
from .errors import CalcError


def _is_pair(value) -> bool:
    return isinstance(value, (tuple, list))


def _axiswise(one_axis, names, values):
    """Apply ``one_axis`` per axis when any value is a pair, else once."""
    if not any(_is_pair(v) for v in values):
        return one_axis(*values)
    pairs = [validate.pair(n, v, minimum=-validate.MAX_SIZE) if v is not None else (None, None)
             for n, v in zip(names, values)]
    return tuple(one_axis(*(p[axis] for p in pairs)) for axis in (0, 1))


def span(kernel_size: int, dilation: int = 1) -> int:
    """Cells one dilated window covers on an axis, ``d(k - 1) + 1`` (D&V section 5.1), on
    validated ints: the one place every module takes it from.

    >>> span(3, 2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def effective_kernel_size(kernel_size, dilation=1):
    """Span of a dilated kernel: ``k + (k - 1)(d - 1) = d(k - 1) + 1`` (D&V section 5.1).

    >>> effective_kernel_size(3, dilation=2)
    5
    """
    def one(k, d):
        k = validate.integer("kernel_size", k, 1)
        d = validate.integer("dilation", d, 1)
        return span(k, d)
    return _axiswise(one, ("kernel_size", "dilation"), (kernel_size, dilation))


def _conv_terms(size, kernel_size, stride, padding, dilation):
    return (validate.integer("size", size, 1), validate.integer("kernel_size", kernel_size, 1),
            validate.integer("stride", stride, 1), validate.integer("padding", padding, 0),
            validate.integer("dilation", dilation, 1))


# One-axis formulas on validated ints. Layers call these directly: their fields were
# checked once at construction, so a shape pass does not validate them again.

def _fitting_span(i: int, k: int, p: int, d: int) -> int:
    reach = span(k, d)
    if reach > i + 2 * p:
        what = f"dilated kernel_size ({reach})" if d > 1 else f"kernel_size ({k})"
        raise CalcError(f"{what} must be <= padded input size ({i} + 2*{p} = {i + 2 * p})")
    return reach


def _conv(i: int, k: int, s: int, p: int, d: int) -> int:
    return (i + 2 * p - _fitting_span(i, k, p, d)) // s + 1


def _pool(i: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    if 2 * p > k:
        raise CalcError(f"padding must be <= kernel_size / 2 for pooling, got padding {p} "
                        f"with kernel_size {k}")
    room = i + 2 * p - span(k, d)
    if not ceil_mode:
        o = room // s + 1
    else:
        o = -(-room // s) + 1
        if (o - 1) * s >= i + p:  # the last window would start in the right padding
            o -= 1
    if o < 1:  # ceil mode accepts a window that overhangs the input, floor mode does not
        _fitting_span(i, k, p, d)
    return o


def _conv_transpose(i: int, k: int, s: int, p: int, a: int, d: int) -> int:
    if a >= max(s, d):
        raise CalcError(f"output_padding must be < max(stride, dilation) = {max(s, d)}, got {a}")
    o = (i - 1) * s - 2 * p + span(k, d) + a
    if o < 1:
        raise CalcError(f"padding ({p}) is too large: the output size would be {o}, "
                        "it must be >= 1")
    return o


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution.

    ``o = floor((i + 2p - d(k - 1) - 1) / s) + 1``: D&V relationship 6 (any
    padding and stride) generalised by relationship 15 (dilation); identical to
    the ``H_out`` formula of ``torch.nn.Conv2d``.

    AlexNet's first layer (227x227, 11x11 kernel, stride 4) gives 55:

    >>> conv_output_size(227, 11, stride=4)
    55
    >>> conv_output_size((224, 224), 7, stride=2, padding=3)
    (112, 112)
    """
    def one(i, k, s, p, d):
        return _conv(*_conv_terms(i, k, s, p, d))
    return _axiswise(one, ("size", "kernel_size", "stride", "padding", "dilation"),
                     (size, kernel_size, stride, padding, dilation))


def conv_input_sizes(output: int, kernel_size: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> range:
    """Every input size that a convolution maps to ``output``: the floor makes it ``s`` sizes.

    ``i + 2p - d(k - 1) - 1`` must lie in ``[(o - 1)s, os - 1]`` (D&V relationship 6 solved
    for ``i``); a transposed convolution with the same arguments inverts this mapping, its
    ``output_padding`` choosing one of these sizes (D&V section 4.6).

    >>> conv_input_sizes(4, 3, stride=2, padding=1)
    range(7, 9)
    """
    o = validate.integer("output", output, 1)
    k = validate.integer("kernel_size", kernel_size, 1)
    s = validate.integer("stride", stride, 1)
    p = validate.integer("padding", padding, 0)
    d = validate.integer("dilation", dilation, 1)
    low = (o - 1) * s + span(k, d) - 2 * p
    first = max(low, 1, span(k, d) - 2 * p)
    return range(first, max(first, low + s))


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Output size of max or average pooling, as ``torch.nn.MaxPool2d`` computes it.

    Floor mode is D&V relationship 7, ``o = floor((i + 2p - d(k - 1) - 1) / s) + 1``.
    Ceil mode rounds up instead, but PyTorch drops the last window when it would
    start in the right padding: if ``(o - 1) s >= i + p`` then ``o -= 1``; so in
    ceil mode a window may overhang the input (a 4x4 window over 3x3, stride 2,
    gives 1). PyTorch also requires ``p <= k / 2``. ``stride`` defaults to
    ``kernel_size``. The rule is that of ATen's ``pooling_output_shape``.

    GoogLeNet's first max pool (112x112, 3x3, stride 2, ceil mode) gives 56:

    >>> pool_output_size(112, 3, stride=2, ceil_mode=True)
    56
    >>> pool_output_size(112, 3, stride=2)
    55
    """
    ceil_mode = validate.boolean("ceil_mode", ceil_mode)
    if stride is None:
        stride = kernel_size

    def one(i, k, s, p, d):
        return _pool(*_conv_terms(i, k, s, p, d), ceil_mode)
    return _axiswise(one, ("size", "kernel_size", "stride", "padding", "dilation"),
                     (size, kernel_size, stride, padding, dilation))


def conv_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0,
                               dilation=1):
    """Output size of a transposed convolution.

    ``o = (i - 1) s - 2p + d(k - 1) + output_padding + 1``: the ``H_out`` formula of
    ``torch.nn.ConvTranspose2d``; D&V relationship 14 (``o' = s(i' - 1) + a + k - 2p``)
    with ``a = output_padding`` and dilation. PyTorch requires
    ``output_padding < max(stride, dilation)``.

    DCGAN's generator doubles 4x4 to 8x8 with a 4x4 kernel, stride 2, padding 1:

    >>> conv_transpose_output_size(4, 4, stride=2, padding=1)
    8
    """
    def one(i, k, s, p, a, d):
        i = validate.integer("size", i, 1)
        k = validate.integer("kernel_size", k, 1)
        s = validate.integer("stride", s, 1)
        p = validate.integer("padding", p, 0)
        a = validate.integer("output_padding", a, 0)
        d = validate.integer("dilation", d, 1)
        return _conv_transpose(i, k, s, p, a, d)
    return _axiswise(one, ("size", "kernel_size", "stride", "padding", "output_padding",
                           "dilation"),
                     (size, kernel_size, stride, padding, output_padding, dilation))


@dataclass(frozen=True)
class SamePadding:
    """TensorFlow "SAME" padding of one axis: ``output = ceil(size / stride)``."""
    output: int
    before: int
    after: int

    @property
    def total(self) -> int:
        return self.before + self.after

    @property
    def symmetric(self) -> bool:
        return self.before == self.after


def tf_same_padding(size, kernel_size, stride=1, dilation=1):
    """TensorFlow's ``padding="SAME"``: ``o = ceil(i / s)``, padding split with the extra pixel after.

    ``total = max((o - 1) s + d(k - 1) + 1 - i, 0)``, ``before = total // 2``,
    ``after = total - before`` (TensorFlow's ``nn.convolution`` documentation).
    PyTorch's symmetric ``padding`` cannot express an odd total: that is why
    ports of TF models pad explicitly.

    >>> tf_same_padding(224, 7, stride=2)
    SamePadding(output=112, before=2, after=3)
    """
    def one(i, k, s, d):
        i = validate.integer("size", i, 1)
        k = validate.integer("kernel_size", k, 1)
        s = validate.integer("stride", s, 1)
        d = validate.integer("dilation", d, 1)
        o = -(-i // s)
        total = max((o - 1) * s + span(k, d) - i, 0)
        return SamePadding(o, total // 2, total - total // 2)
    return _axiswise(one, ("size", "kernel_size", "stride", "dilation"),
                     (size, kernel_size, stride, dilation))


def padding_for_output(size, target, kernel_size, stride=1, dilation=1):
    """Every symmetric padding ``p`` with ``conv_output_size(size, k, s, p, d) == target``.

    Solves ``floor((i + 2p - d(k - 1) - 1) / s) + 1 = o`` for ``p``: ``i + 2p`` must
    lie in ``[(o - 1) s + d(k - 1) + 1, o s + d(k - 1)]``. Returns a list (empty when
    no symmetric padding works: use :func:`tf_same_padding` for an asymmetric one).

    "Same" padding of a 3x3 convolution, stride 1:

    >>> padding_for_output(56, 56, 3)
    [1]
    >>> padding_for_output(224, 112, 7, stride=2)
    [3]
    """
    def one(i, o, k, s, d):
        i = validate.integer("size", i, 1)
        o = validate.integer("target", o, 1)
        k = validate.integer("kernel_size", k, 1)
        s = validate.integer("stride", s, 1)
        d = validate.integer("dilation", d, 1)
        low = (o - 1) * s + span(k, d)  # smallest padded size giving o
        high = o * s + span(k, d) - 1   # largest padded size giving o
        p_min = max(0, -(-(low - i) // 2))
        p_max = (high - i) // 2
        return list(range(p_min, p_max + 1))
    return _axiswise(one, ("size", "target", "kernel_size", "stride", "dilation"),
                     (size, target, kernel_size, stride, dilation))


@dataclass(frozen=True, order=True)
class ConvSolution:
    """One layer configuration found by a solver."""
    kernel_size: int
    stride: int
    padding: int
    output_padding: int = 0
    dilation: int = 1


def _solver_terms(size, target, dilation, max_kernel_size, max_stride, max_padding):
    return (validate.integer("size", size, 1), validate.integer("target", target, 1),
            validate.integer("dilation", dilation, 1, 64),
            validate.integer("max_kernel_size", max_kernel_size, 1, 64),
            validate.integer("max_stride", max_stride, 1, 64),
            validate.integer("max_padding", max_padding, 0, 64))


def solve_conv(size, target, max_kernel_size=7, max_stride=4, max_padding=3, dilation=1):
    """Every (kernel_size, stride, padding) within the bounds that maps ``size`` to ``target``.

    Enumerates the bounded space and keeps the solutions of D&V relationship 6
    (with dilation, relationship 15). Sorted by kernel, then stride, then padding.

    >>> [(c.kernel_size, c.stride, c.padding)
    ...  for c in solve_conv(32, 16, max_kernel_size=3, max_stride=2, max_padding=1)]
    [(1, 2, 0), (2, 2, 0), (3, 2, 1)]
    """
    i, o, d, kmax, smax, pmax = _solver_terms(size, target, dilation, max_kernel_size,
                                              max_stride, max_padding)
    found = []
    for k in range(1, kmax + 1):
        reach = span(k, d)
        for s in range(1, smax + 1):
            for p in range(0, pmax + 1):
                if reach <= i + 2 * p and (i + 2 * p - reach) // s + 1 == o:
                    found.append(ConvSolution(k, s, p, 0, d))
    return found


def solve_conv_transpose(size, target, max_kernel_size=7, max_stride=4, max_padding=3,
                         dilation=1):
    """Every (kernel_size, stride, padding, output_padding) of a transposed conv mapping size to target.

    Solves ``o = (i - 1) s - 2p + d(k - 1) + output_padding + 1`` (PyTorch
    ``ConvTranspose2d``; D&V relationship 14) with ``output_padding < max(s, d)``.

    >>> [(c.kernel_size, c.stride, c.padding, c.output_padding)
    ...  for c in solve_conv_transpose(4, 8, max_kernel_size=4, max_stride=2, max_padding=1)]
    [(1, 2, 0, 1), (2, 2, 0, 0), (3, 2, 1, 1), (4, 2, 1, 0)]
    """
    i, o, d, kmax, smax, pmax = _solver_terms(size, target, dilation, max_kernel_size,
                                              max_stride, max_padding)
    found = []
    for k in range(1, kmax + 1):
        for s in range(1, smax + 1):
            for p in range(0, pmax + 1):
                a = o - ((i - 1) * s - 2 * p + span(k, d))
                if 0 <= a < max(s, d):
                    found.append(ConvSolution(k, s, p, a, d))
    return found
