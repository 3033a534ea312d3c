"""Size arithmetic against independent formulations: PyTorch's ATen source and brute force."""

import pytest
from hypothesis import given, settings, strategies as st

from calc import CalcError, arithmetic as ar

sizes = st.integers(1, 300)
kernels = st.integers(1, 11)
strides = st.integers(1, 6)
pads = st.integers(0, 6)
dils = st.integers(1, 4)


def windows(i, k, s, p, d):
    """Brute force: count window start positions whose dilated span fits in the padded input."""
    span = d * (k - 1) + 1
    return sum(1 for x in range(0, i + 2 * p) if x % s == 0 and x + span <= i + 2 * p)


def aten_pool(i, k, s, p, d, ceil_mode):
    """ATen's pooling_output_shape (aten/src/ATen/native/Pool.h), transcribed."""
    o = (i + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= i + p:
        o -= 1
    return o


@given(sizes, kernels, strides, pads, dils)
def test_conv_matches_brute_force(i, k, s, p, d):
    if d * (k - 1) + 1 > i + 2 * p:
        with pytest.raises(CalcError, match="kernel_size"):
            ar.conv_output_size(i, k, s, p, d)
    else:
        assert ar.conv_output_size(i, k, s, p, d) == windows(i, k, s, p, d)


@given(sizes, kernels, strides, pads, dils, st.booleans())
def test_pool_matches_aten(i, k, s, p, d, ceil_mode):
    if 2 * p > k or aten_pool(i, k, s, p, d, ceil_mode) < 1:
        with pytest.raises(CalcError):
            ar.pool_output_size(i, k, s, p, d, ceil_mode)
    else:
        assert ar.pool_output_size(i, k, s, p, d, ceil_mode) == aten_pool(i, k, s, p, d, ceil_mode)


@given(sizes, kernels, strides, pads, st.integers(0, 5), dils)
def test_conv_transpose_inverts_conv(i, k, s, p, a, d):
    """D&V section 4: a transposed conv maps the conv's output size back to one of the
    s inputs that share it; output_padding picks which."""
    if a >= max(s, d):
        with pytest.raises(CalcError, match="output_padding"):
            ar.conv_transpose_output_size(i, k, s, p, a, d)
        return
    o = (i - 1) * s - 2 * p + d * (k - 1) + a + 1  # torch.nn.ConvTranspose2d docs
    if o < 1:
        with pytest.raises(CalcError):
            ar.conv_transpose_output_size(i, k, s, p, a, d)
        return
    assert ar.conv_transpose_output_size(i, k, s, p, a, d) == o
    if a < s:
        assert ar.conv_output_size(o, k, s, p, d) == i


@given(sizes, kernels, strides, dils)
def test_tf_same(i, k, s, d):
    same = ar.tf_same_padding(i, k, s, d)
    assert same.output == -(-i // s)
    assert same.after - same.before in (0, 1)
    # the padded input yields exactly ceil(i / s) outputs
    assert windows(i + same.total, k, s, 0, d) == same.output


@given(sizes, sizes, kernels, strides, dils)
def test_padding_for_output_is_complete(i, o, k, s, d):
    found = ar.padding_for_output(i, o, k, s, d)
    brute = [p for p in range(0, o * s + d * k + 1)
             if d * (k - 1) + 1 <= i + 2 * p and windows(i, k, s, p, d) == o]
    assert found == brute


@settings(max_examples=40)
@given(st.integers(1, 40), st.integers(1, 40))
def test_solvers_are_exact(i, o):
    for c in ar.solve_conv(i, o, 5, 3, 2):
        assert ar.conv_output_size(i, c.kernel_size, c.stride, c.padding) == o
    expected = {(k, s, p) for k in range(1, 6) for s in range(1, 4) for p in range(3)
                if k <= i + 2 * p and windows(i, k, s, p, 1) == o}
    assert {(c.kernel_size, c.stride, c.padding) for c in ar.solve_conv(i, o, 5, 3, 2)} == expected
    for c in ar.solve_conv_transpose(i, o, 5, 3, 2):
        assert ar.conv_transpose_output_size(i, c.kernel_size, c.stride, c.padding,
                                             c.output_padding) == o


def test_famous_numbers():
    assert ar.conv_output_size(227, 11, 4) == 55            # AlexNet conv1 (Krizhevsky et al. 2012)
    assert ar.conv_output_size(224, 7, 2, 3) == 112         # ResNet conv1 (He et al. 2016)
    assert ar.pool_output_size(112, 3, 2, 1) == 56          # ResNet maxpool
    assert ar.pool_output_size(299 - 2, 3, 2) == 148        # floor mode
    assert ar.pool_output_size(14, 3, 2, ceil_mode=True) == 7   # torchvision googlenet maxpool3
    assert ar.conv_transpose_output_size(32, 4, 2, 1) == 64  # DCGAN last layer (Radford et al.)
    assert ar.conv_output_size((224, 224), (1, 7), padding=(0, 3)) == (224, 224)  # Inception v3


def test_pairs_per_axis():
    assert ar.conv_output_size((224, 100), (3, 5), (1, 2), (1, 0), (1, 2)) == (224, 46)
    assert ar.pool_output_size((7, 8), 2, ceil_mode=True) == (4, 4)
    assert ar.pool_output_size(3, 4, 2, ceil_mode=True) == 1   # ATen lets the window overhang
    assert ar.tf_same_padding((5, 6), 3, 2) == (ar.SamePadding(3, 1, 1), ar.SamePadding(3, 0, 1))


@pytest.mark.parametrize("call, field", [
    (lambda: ar.conv_output_size(0, 3), "size must be >= 1"),
    (lambda: ar.conv_output_size(10, 3, stride=0), "stride must be >= 1, got 0"),
    (lambda: ar.conv_output_size(10, 3, padding=-1), "padding must be >= 0"),
    (lambda: ar.conv_output_size(10, 3, dilation=0), "dilation must be >= 1"),
    (lambda: ar.conv_output_size(2, 5), "kernel_size \\(5\\) must be <= padded input"),
    (lambda: ar.conv_output_size(10 ** 9, 3), "size must be <= "),
    (lambda: ar.conv_output_size(10.5, 3), "size must be an integer"),
    (lambda: ar.conv_output_size("10", 3), "size must be an integer"),
    (lambda: ar.conv_output_size(True, 3), "size must be an integer"),
    (lambda: ar.conv_output_size((1, 2, 3), 3), "pair"),
    (lambda: ar.pool_output_size(10, 2, padding=2), "padding must be <= kernel_size / 2"),
    (lambda: ar.pool_output_size(10, 2, ceil_mode="yes"), "ceil_mode must be true or false"),
    (lambda: ar.conv_transpose_output_size(4, 4, 2, output_padding=2), "output_padding must be <"),
    (lambda: ar.conv_transpose_output_size(1, 1, 1, padding=3), "padding \\(3\\) is too large"),
    (lambda: ar.solve_conv(10, 5, max_stride=0), "max_stride must be >= 1"),
])
def test_errors_name_field_and_rule(call, field):
    with pytest.raises(CalcError, match=field):
        call()


hostile = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), st.text(max_size=5),
                    st.integers(-10 ** 12, 10 ** 12), st.lists(st.integers(-3, 50), max_size=3))


@given(hostile, hostile, hostile, hostile, hostile)
def test_hostile_input_raises_only_calcerror(a, b, c, d, e):
    for fn in (ar.conv_output_size, ar.pool_output_size, ar.conv_transpose_output_size,
               ar.tf_same_padding, ar.padding_for_output, ar.effective_kernel_size):
        try:
            fn(a, b, c, d) if fn is not ar.effective_kernel_size else fn(a, b)
        except CalcError:
            pass
