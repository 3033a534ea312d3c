"""Conv2d and BatchNorm2d check their arguments on a fast path for the common case (most
nodes of a CNN are these two), with calc.validate's rules as the fallback. Whatever the
arguments, construction must give what those rules give, value or message: here the rules
are applied one by one, in the order the layers apply them, as the reference."""

from __future__ import annotations

from hypothesis import example, given, settings, strategies as st

from calc import CalcError, validate
from calc.layers import BatchNorm2d, Conv2d, Layer

# values either side of every bound the fast paths test (0, 8, MAX_CHANNELS) and of every
# type they accept or refuse
EDGES = [-1, 0, 1, 2, 3, 7, 8, 9, 64, validate.MAX_CHANNELS, validate.MAX_CHANNELS + 1,
         validate.MAX_SIZE + 1]
edge_ints = st.sampled_from(EDGES)
odd = st.sampled_from([True, False, 1.0, 2.5, "3", None, (2, 3), [1, 1], (1,), (0, 9)])
value = st.one_of(edge_ints, st.integers(-3, 300), odd)


def outcome(build):
    try:
        return build()
    except CalcError as err:
        return ("error", str(err))


def conv_reference(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                   bias):
    limit = validate.MAX_CHANNELS
    in_channels = validate.integer("in_channels", in_channels, 1, limit)
    out_channels = validate.integer("out_channels", out_channels, 1, limit)
    groups = validate.integer("groups", groups, 1, limit)
    for name, v in (("in_channels", in_channels), ("out_channels", out_channels)):
        if v % groups:
            raise CalcError(f"groups ({groups}) must divide {name} ({v})")
    bias = validate.boolean("bias", bias)
    kernel_size = validate.pair("kernel_size", kernel_size, 1)
    k = kernel_size
    return {"in_channels": in_channels, "out_channels": out_channels, "kernel_size": k,
            "stride": validate.pair("stride", stride, 1),
            "padding": validate.pair("padding", padding, 0),
            "dilation": validate.pair("dilation", dilation, 1), "groups": groups, "bias": bias,
            "params": out_channels * in_channels // groups * k[0] * k[1]
                      + (out_channels if bias else 0)}


def fields_of(layer: Layer, names) -> dict:
    return {name: getattr(layer, name) for name in names}


# a valid convolution (the fast path's case), then up to two of its arguments replaced by
# anything: every bound is met on its own, not only in the company of other errors
valid_conv = st.tuples(st.integers(1, 96), st.integers(1, 96), st.integers(1, 9),
                       st.integers(1, 9), st.integers(0, 9), st.integers(1, 9),
                       st.sampled_from([1, 1, 1, 2, 4]), st.booleans())


@st.composite
def conv_args(draw):
    args = list(draw(valid_conv))
    if args[6] > 1:   # groups that divide both channel counts, most of the time
        args[0] *= args[6]
        args[1] *= args[6]
    for index in draw(st.lists(st.integers(0, 7), max_size=2)):
        args[index] = draw(st.one_of(st.booleans(), odd) if index == 7 else value)
    return tuple(args)


# each fast-path bound, just outside it, with every other argument valid
@example((3, 8, 0, 1, 0, 1, 1, True))
@example((3, 8, 3, 0, 1, 1, 1, True))
@example((3, 8, 3, 1, -1, 1, 1, True))
@example((3, 8, 3, 1, 1, 0, 1, True))
@example((3, 8, 8, 8, 8, 8, 1, True))
@example((6, 8, 3, 1, 1, 1, 4, True))
@example((6, 9, 3, 1, 1, 1, 3, True))
@example((0, 8, 3, 1, 1, 1, 1, True))
@example((3, validate.MAX_CHANNELS + 1, 3, 1, 1, 1, 1, True))
@example((3, 8, 3, 1, 1, 1, 0, True))
@example((3, 8, 3, 1, 1, 1, 1, 1))
@example((True, 8, 3, 1, 1, 1, 1, True))
@example((3, 8, True, 1, 1, 1, 1, True))
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(conv_args())
def test_conv2d_takes_exactly_what_the_rules_take(args):
    cin, cout, k, s, p, d, groups, bias = args
    expected = outcome(lambda: conv_reference(*args))
    got = outcome(lambda: Conv2d(*args))
    if isinstance(expected, dict):
        assert isinstance(got, Conv2d), got
        assert fields_of(got, expected) == expected
        assert got == Conv2d(in_channels=cin, out_channels=cout, kernel_size=k, stride=s,
                             padding=p, dilation=d, groups=groups, bias=bias)
    else:
        assert got == expected


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.one_of(edge_ints, value), st.booleans(), st.booleans())
def test_batchnorm2d_takes_exactly_what_the_rules_take(num_features, affine, track):
    def reference():
        n = validate.integer("num_features", num_features, 1, validate.MAX_CHANNELS)
        return {"num_features": n, "params": 2 * n if affine else 0,
                "buffers": 2 * n + 1 if track else 0}
    expected = outcome(reference)
    got = outcome(lambda: BatchNorm2d(num_features, affine=affine, track_running_stats=track))
    if isinstance(expected, dict):
        assert fields_of(got, expected) == expected
    else:
        assert got == expected
