"""Design checks (calc.checks) on hand-made networks, one rule at a time, and against brute force."""

import pytest
from hypothesis import given, strategies as st

from calc import CalcError
from calc.checks import RULES, SEVERITY, check
from calc.description import parse
from calc.models import get_model
from calc.render.checks_text import findings_text


def rules(text: str) -> set[str]:
    return {f.rule for f in check(parse(text))}


# rule -> (a network that breaks it, the same network mended)
CASES = {
    "dropped": ("input 3x224x224\nConv2d(3, 96, 11, stride=4)",
                "input 3x227x227\nConv2d(3, 96, 11, stride=4)"),
    "gaps": ("input 64x56x56\nConv2d(64, 128, 1, stride=2)",
             "input 64x56x56\nConv2d(64, 128, 3, stride=2, padding=1)"),
    "blind": ("input 3x8x8\nConv2d(3, 4, 3, padding=3)", "input 3x8x8\nConv2d(3, 4, 3, padding=1)"),
    "overhang": ("input 3x112x112\nMaxPool2d(3, stride=2, ceil_mode=True)",
                 "input 3x112x112\nMaxPool2d(3, stride=2, padding=1)"),
    "uneven": ("input 8x4x4\nConvTranspose2d(8, 4, 3, stride=2, padding=1)",
               "input 8x4x4\nConvTranspose2d(8, 4, 4, stride=2, padding=1)"),
    "tiny": ("input 8x1x1\nConv2d(8, 8, 3, padding=1)", "input 8x1x1\nConv2d(8, 8, 1)"),
    "enlarged": ("input 8x2x2\nAdaptiveAvgPool2d(7)", "input 8x14x14\nAdaptiveAvgPool2d(7)"),
    "small_field": ("input 3x64x64\nConv2d(3, 8, 3)", "input 3x5x5\nConv2d(3, 8, 3)"),
    "large_field": ("input 3x8x8\nrepeat 20:\n  LazyConv2d(8, 3, padding=1)",
                    "input 3x64x64\nrepeat 20:\n  LazyConv2d(8, 3, padding=1)"),
    "shrinking": ("input 3x32x32\nLazyConv2d(64, 3, padding=1)\nLazyConv2d(32, 3, stride=2, "
                  "padding=1)",
                  "input 3x32x32\nLazyConv2d(64, 3, padding=1)\nLazyConv2d(128, 3, stride=2, "
                  "padding=1)"),
    "dominant": ("input 3x32x32\nLazyConv2d(256, 3, padding=1)\nrepeat 8:\n  LazyConv2d(8, 1)",
                 "input 3x32x32\nLazyConv2d(8, 3, padding=1)\nrepeat 8:\n"
                 "  LazyConv2d(8, 3, padding=1)"),
    "misaligned": ("input 3x16x16\na = Conv2d(3, 4, 3, stride=2, padding=1)\n"
                   "b = MaxPool2d(2) from input\nConcat() from a, b",
                   "input 3x16x16\na = Conv2d(3, 4, 3, stride=2, padding=1)\n"
                   "b = MaxPool2d(3, stride=2, padding=1) from input\nConcat() from a, b"),
    "even_same": ("input 3x16x16\nConv2d(3, 8, 4, padding=2)",
                  "input 3x16x16\nConv2d(3, 8, 4, stride=2, padding=1)"),
    "not_multiple_of_8": ("input 3x16x16\nConv2d(3, 12, 3)\nConv2d(12, 16, 3)",
                          "input 3x16x16\nConv2d(3, 16, 3)\nConv2d(16, 12, 3)"),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)
    assert set(SEVERITY) <= set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_rule_fires_on_its_case_and_not_on_the_mended_one(rule):
    broken, mended = CASES[rule]
    assert rule in rules(broken)
    assert rule not in rules(mended)
    text = findings_text(check(parse(broken)))
    assert any("Fix:" in t for t in text)


def test_findings_are_worded_once_per_rule_with_the_lines():
    net = parse("input 3x224x224\n\nConv2d(3, 96, 11, stride=4)\nReLU()\n"
                "Conv2d(96, 8, 11, stride=4)")
    from calc.description import parse_with_lines
    net, lines = parse_with_lines("input 3x224x224\n\nConv2d(3, 96, 11, stride=4)\nReLU()\n"
                                  "Conv2d(96, 8, 11, stride=4)")
    text = findings_text(check(net), lines)
    dropped = [t for t in text if t.startswith("The floor drops")]
    assert len(dropped) == 1 and "(2 layers)" in dropped[0]
    assert "line 3, 0 (224x224" in dropped[0] and "line 5, 2" in dropped[0]


@given(i=st.integers(4, 64), k=st.integers(1, 7), s=st.integers(1, 5), p=st.integers(0, 3))
def test_dropped_and_gaps_agree_with_brute_force(i, k, s, p):
    try:
        net = parse(f"input 1x{i}x{i}\nConv2d(1, 1, {k}, stride={s}, padding={min(p, k // 2)})")
    except CalcError:
        return
    p = min(p, k // 2)
    o = net.output_shape[1]
    read = {j * s + t for j in range(o) for t in range(k)}
    unread = [x for x in range(p, p + i) if x not in read]
    found = rules(f"input 1x{i}x{i}\nConv2d(1, 1, {k}, stride={s}, padding={p})")
    assert ("gaps" in found) == any(x < max(read) for x in unread)
    assert ("dropped" in found) == (bool(unread) and not any(x < max(read) for x in unread))


@pytest.mark.parametrize("name, expected", [
    ("vgg16", set()), ("resnet18", {"gaps"}), ("googlenet", {"overhang"}),
    ("alexnet", {"dominant", "shrinking"}),
])
def test_zoo_networks(name, expected):
    assert {f.rule for f in check(get_model(name))} == expected
