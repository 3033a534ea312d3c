"""calc.coverage against brute force over every window position and kernel tap."""

import pytest
from hypothesis import assume, given, strategies as st

from calc import CalcError, arithmetic
from calc.coverage import (conv_coverage, conv_transpose_coverage, covered_count, pool_coverage,
                           transpose_axis, window_axis)


def brute_read(i, k, s, p, d, o):
    """Padded cells each window reads: window j reads j*s + t*d for t < k."""
    return {j * s + t * d for j in range(o) for t in range(k)}


small = st.integers(1, 9)


@given(i=st.integers(1, 40), k=small, s=small, p=st.integers(0, 9), d=st.integers(1, 4),
       pooling=st.booleans(), ceil_mode=st.booleans())
def test_window_axis_counts_equal_brute_force(i, k, s, p, d, pooling, ceil_mode):
    try:
        a = window_axis(i, k, s, p, d, ceil_mode=ceil_mode, pooling=pooling)
    except CalcError:
        return
    o = a.output
    read = brute_read(i, k, s, p, d, o)
    unread = [x for x in range(p, p + i) if x not in read]
    last = max(read)
    assert a.tail == sum(1 for x in unread if x > last)
    assert a.holes == sum(1 for x in unread if x < last)
    # an output is blind when its window holds no input cell
    blind = sum(1 for j in range(o) if not any(p <= j * s + t * d < p + i for t in range(k)))
    assert a.blind == blind or d > 1   # the closed form assumes the window's span is dense
    assert a.overhang == max(0, last + 1 - (i + 2 * p))
    assert list(a.read_mask()) == [1 if x in read else 0 for x in range(a.cells)]


@given(i=st.integers(1, 30), k=small, s=small, p=st.integers(0, 9), a=st.integers(0, 8),
       d=st.integers(1, 3))
def test_transpose_axis_counts_equal_brute_force(i, k, s, p, a, d):
    assume(a < max(s, d))
    try:
        t = transpose_axis(i, k, s, p, a, d)
    except CalcError:
        return
    o = t.output
    reached = {j * s + tap * d - p for j in range(i) for tap in range(k)}
    fed = [x in reached for x in range(o)]
    assert list(t.fed_mask()) == [int(f) for f in fed]
    assert t.beyond + t.holes == fed.count(False)
    assert t.beyond == max(0, a - p)
    phases = [sum(1 for tap in range(k) if (tap * d) % s == r) for r in range(s)]
    assert (t.taps_min, t.taps_max) == (min(phases), max(phases))


def test_famous_cases():
    h, w = conv_coverage(224, 11, 4)                 # AlexNet's paper input: one row dropped
    assert h == w and (h.output, h.tail, h.holes) == (54, 1, 0)
    assert conv_coverage(227, 11, 4)[0].unread == 0   # ... and none at 227
    one_by_one = conv_coverage(56, 1, 2)[0]   # ResNet v1's strided 1x1: every other row unread
    assert (one_by_one.output, one_by_one.holes, one_by_one.tail) == (28, 27, 1)
    assert pool_coverage(112, 3, 2, ceil_mode=True)[0].overhang == 1
    dcgan = conv_transpose_coverage(4, 4, 2, 1)[0]
    assert (dcgan.output, dcgan.uneven, dcgan.gaps) == (8, False, False)
    assert conv_transpose_coverage(4, 3, 2, 1)[0].uneven


def test_huge_axes_are_counted_not_drawn():
    a = window_axis(1 << 20, 1 << 19, 3)
    assert a.output == arithmetic.conv_output_size(1 << 20, 1 << 19, 3)
    t = transpose_axis(160369, 160369, 160369)
    assert t.output == 160369 ** 2 and t.holes == 0
    assert covered_count(0, 10 ** 12, 10 ** 6, 10 ** 6, 3, 1) == 3 * 10 ** 6


@pytest.mark.parametrize("args", [(0, 3), (8, 0), (8, 3, 0), (8, 3, 1, -1), (2, 5)])
def test_bad_layers_are_refused(args):
    with pytest.raises(CalcError):
        window_axis(*args)
