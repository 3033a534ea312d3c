"""The designer's caches: a line read once is reused, and nothing about the result changes."""

import pytest

from calc import CalcError
from calc import description as D
from calc.checks import _layer_rules, check
from calc.description import parse_with_lines
from calc.render.pytorch import to_pytorch

TEXT = """input 16x32x32
repeat 40:
  LazyConv2d(16, 3, padding=1)
  ReLU()
residual:
  LazyConv2d(16, 3, padding=1)
Flatten()
LazyLinear(10)
"""


def _cold(text):
    D._parts.cache_clear()
    D._layer.cache_clear()
    _layer_rules.cache_clear()
    try:
        network, lines = parse_with_lines(text)
    except CalcError as err:
        return str(err)
    return network, lines, check(network), to_pytorch(network)


def _warm(text):
    try:
        network, lines = parse_with_lines(text)
    except CalcError as err:
        return str(err)
    return network, lines, check(network), to_pytorch(network)


@pytest.mark.parametrize("edit", [
    lambda t: t,
    lambda t: t.replace("repeat 40", "repeat 39"),
    lambda t: t.replace("LazyLinear(10)", "LazyLinear(12)"),
    lambda t: t.replace("input 16x32x32", "input 8x32x32"),       # every shape changes
    lambda t: t.replace("input 16x32x32", "input 16x1x1"),         # padding-only windows
    lambda t: t.replace("Flatten()", "MaxPool2d(3, ceil_mode=True)\nFlatten()"),
    lambda t: t.replace("LazyConv2d(16, 3, padding=1)\n  ReLU", "Conv2d(16, 16, 3, x=1)\n  ReLU"),
    lambda t: t.replace("  ReLU()", "  ReLU(inplace=2)"),
])
def test_a_warm_parse_equals_a_cold_one(edit):
    _warm(TEXT)                       # the caches hold the original's lines
    text = edit(TEXT)
    warm = _warm(text)
    assert warm == _cold(text)
    assert _warm(text) == warm        # and again, from the caches alone


def test_the_caches_are_bounded():
    D._parts.cache_clear()
    D._layer.cache_clear()
    long_line = "LazyConv2d(16, 3, padding=1" + " " * (D._CACHED + 10) + ")"
    network, _ = parse_with_lines(f"input 16x8x8\n{long_line}\n")
    assert network.nodes[1].layer.out_channels == 16
    assert D._parts.cache_info().currsize == D._layer.cache_info().currsize == 0
    text = "input 16x8x8\n" + "".join(f"LazyConv2d({k % 64 + 1}, 1, bias=True)  \n"
                                       for k in range(D._CACHE_LINES + 100))
    parse_with_lines(text)
    assert D._parts.cache_info().currsize <= D._CACHE_LINES
    assert D._layer.cache_info().currsize <= D._CACHE_LINES

