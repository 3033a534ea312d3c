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


def test_the_field_rules_use_the_summarys_receptive_field_node():
    """The concat's field (9, the widest path) is the network's, not the last conv's (1)."""
    from calc.summary import summarize
    text = ("input 3x16x16\na = Conv2d(3, 8, 9, padding=4)\nb = Conv2d(3, 8, 1) from input\n"
            "Concat() from a, b")
    assert summarize(parse(text)).receptive_field_node == "2"
    assert "small_field" not in rules(text)
    small = text.replace("input 3x16x16", "input 3x32x32")
    [f] = [f for f in check(parse(small)) if f.rule == "small_field"]
    assert (f.node, f.layer, f.value) == ("2", "Concat", (9, 9))
    for name in ("inception_v3", "resnet50", "densenet121", "googlenet", "resnet20"):
        network = get_model(name)
        expected = summarize(network).receptive_field_node
        for f in check(network):
            if f.rule in ("small_field", "large_field"):
                assert f.node == expected, name


GAPS_BLOCK = """input 64x56x56
residual:
  LazyConv2d(128, 3, stride=2, padding=1)
  ReLU()
  LazyConv2d(128, 3, padding=1)
shortcut:
  SHORTCUT
  LazyConv2d(128, 1)
"""


def test_the_gaps_fix_does_not_trip_the_misaligned_rule():
    """ResNet's 1x1 stride-2 shortcut skips pixels; the fix the text recommends (3x3, stride 2,
    padding 1) reads them all and stays aligned; ResNet-D's 2x2 pool is the half-pixel shift."""
    def block(shortcut):
        return GAPS_BLOCK.replace("SHORTCUT", shortcut)
    broken = block("MaxPool2d(1, stride=2)")
    assert rules(broken) >= {"gaps"} and "misaligned" not in rules(broken)
    [text] = [t for t in findings_text(check(parse(broken))) if t.startswith("The stride")]
    fix = text.split("Fix: ")[1]
    assert "3x3" in fix and "stride 2" in fix and "padding 1" in fix
    assert "ResNet-D" in fix and "half-pixel shift" in fix and "deliberate" in fix
    for recommended in ("AvgPool2d(3, stride=2, padding=1)", "MaxPool2d(3, stride=2, padding=1)",
                        "LazyConv2d(64, 3, stride=2, padding=1)"):
        assert not rules(block(recommended)) & {"gaps", "misaligned"}, recommended
    assert rules(block("AvgPool2d(2, stride=2)")) & {"gaps", "misaligned"} == {"misaligned"}


def test_the_misaligned_fix_treats_resnet_d_as_deliberate():
    findings = check(get_model("resnet50", shortcut="D"))
    assert [f.node for f in findings if f.rule == "misaligned"] == ["layer2.0.add"]
    [text] = [t for t in findings_text(findings) if t.startswith("Merging paths")]
    fix = text.split("Fix: ")[1]
    assert "ResNet-D" in fix and "deliberate" in fix and "half a pixel" in fix
    assert "detection" in fix and "segmentation" in fix   # when it matters


def test_one_label_per_sentence():
    """Notes and warnings carry one label: the CLI's ``Warning:`` never wraps a ``Note:``."""
    from calc.render.checks_text import findings_items, labelled
    for rule in SEVERITY:
        broken = CASES[rule][0]
        items = findings_items(check(parse(broken)))
        [(severity, sentence)] = [i for i in items if i[0] == "note"]
        assert severity == SEVERITY[rule]
        assert not sentence.startswith(("Note", "Warning")), sentence
        assert labelled(severity, sentence).startswith("Note: ")
        assert not labelled(severity, sentence).startswith("Note: Note")
        assert any(t.startswith("Note: ") for t in findings_text(check(parse(broken))))
    items = findings_items(check(parse(CASES["dropped"][0])))
    assert items[0][0] == "warning" and labelled(*items[0]).startswith("Warning: The floor")


def test_kernel_sizes_are_written_hxw():
    [text] = findings_text(check(parse(CASES["tiny"][0])))
    assert "(3x3 kernel on a 1x1 map)" in text and "(3 kernel" not in text
    net = parse("input 8x1x1\nConv2d(8, 8, (1, 3), padding=(0, 1))")
    assert "(1x3 kernel on a 1x1 map)" in findings_text(check(net))[0]
