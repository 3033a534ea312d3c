"""The description format: parsing, errors that name the line, hostile input, the round trip."""

import re
import time

import pytest
from hypothesis import given, settings, strategies as st

from calc import CalcError
from calc.checks import check
from calc.description import MAX_NODES, MAX_TEXT, parse
from calc.layers import Concat, Conv2d
from calc.models import get_model, list_models, member_names
from calc.receptive_field import receptive_fields
from calc.render.description import describe
from calc.summary import summarize

EXAMPLE = """
# a small CIFAR net
input 3x32x32
conv1 = Conv2d(3, 32, kernel_size=3, padding=1)   # PyTorch's constructor, checked
ReLU()
repeat 2:
  LazyConv2d(32, 3, padding=1)     # Lazy*: in_channels comes from the running shape
  BatchNorm2d()
  ReLU(inplace=True)
residual:
  LazyConv2d(32, 3, padding=1)
MaxPool2d(2)
concat:
  branch:
    LazyConv2d(16, 1)
  branch:
Flatten()
LazyLinear(10)
"""


def test_the_docstring_example():
    net = parse(EXAMPLE)
    names = [n.name for n in net.nodes]
    assert names[:4] == ["input", "conv1", "1", "2.0.0"]
    assert net.node("3.add").inputs == ("3.0", "2.1.2")            # x + body(x)
    assert net.node("5.concat").output_shape == (48, 16, 16)         # 16 new + 32 passed on
    assert net.output_shape == (10,)
    s = summarize(net)
    assert s.params == 896 + 2 * (9248 + 64) + 9248 + 16 * 32 + 16 + 48 * 16 * 16 * 10 + 10


def test_names_from_and_output():
    net = parse("""input 3x8x8
a = Conv2d(3, 4, 3, padding=1)
b = Conv2d(3, 4, kernel_size=1) from input
Conv2d(3, 4, 1) from input
sum = Add() from a, b, 2
cat = Concat() from sum, a
head = AdaptiveAvgPool2d(1)
aux = Flatten() from a
output head""")
    assert net.node("sum").inputs == ("a", "b", "2")
    assert net.node("cat").output_shape == (8, 8, 8)
    assert net.output == "head" and net.auxiliary() == frozenset({"aux"})


@pytest.mark.parametrize("text, message", [
    ("", "starts with 'input CxHxW'"),
    ("Conv2d(3, 8, 3)", "line 1: a description starts with 'input CxHxW'"),
    ("input 3x32", "line 1: input must be CxHxW or F"),
    ("input 3x32x32\nConv2d(3, 8, 3, stride=0)", "line 2: stride must be >= 1, got 0"),
    ("input 3x32x32\n\n\nConv3d(3, 8, 3)", "line 4: unknown layer 'Conv3d'"),
    ("input 3x32x32\nConv2d(4, 8, 3)", "line 2: Conv2d expects in_channels=4, but its input has 3"),
    ("input 3x32x32\nConv2d(3, 8, 3, stides=2)", "line 2: Conv2d has no argument 'stides'"),
    ("input 3x32x32\nLazyConv2d(8, 3, in_channels=3)", "LazyConv2d has no argument 'in_channels'"),
    ("input 3x32x32\nConv2d(3, 8, kernel_size=3, padding_mode='reflect')",
     "calc supports only padding_mode='zeros'"),
    ("input 64x56x56\na = LazyConv2d(64, 3, padding=1)\nb = LazyConv2d(64, 3, stride=2, "
     "padding=1) from input\nAdd() from a, b", "line 4: Add: a is 64x56x56 (line 2) but b is "
     "64x28x28 (line 3); an add needs one shape"),
    ("input 64x56x56\nadd:\n  branch:\n    LazyConv2d(64, 3, padding=1)\n  branch:\n"
     "    MaxPool2d(2)", "line 2: add: branch 1 is 64x56x56 (0.0.0, line 4) but branch 2 is "
     "64x28x28 (0.1.0, line 6); an add needs one shape"),
    ("input 3x8x8\nAdd() from input", "line 2: Add needs 'from' and at least two inputs"),
    ("input 3x8x8\nReLU() from nowhere", "line 2: 'from nowhere' names no layer above it"),
    ("input 3x8x8\nx = ReLU()\nx = ReLU()", "line 3: the name 'x' is used twice"),
    ("input 3x8x8\nrepeat 0:\n  ReLU()", "line 2: repeat must be between 1 and"),
    ("input 3x8x8\nrepeat 2:\nReLU()", "line 2: repeat: needs indented lines after it"),
    ("input 3x8x8\n  ReLU()", "line 2: indented 2 spaces, deeper than line 1 (0 spaces), "
     "which opens no block"),
    ("input 3x8x8\nrepeat 2:\n    ReLU()\n  ReLU()", "line 4: indented 2 spaces, which matches "
     "no block it could belong to: a line continues a block at that block's indentation "
     "(0 or 4 spaces here)"),
    ("input 3x8x8\nrepeat 2:\n    repeat 2:\n        ReLU()\n      ReLU()",
     "line 5: indented 6 spaces, which matches no block it could belong to"),
    ("input 3x8x8\nconcat:\n  ReLU()", "line 3: inside concat: put layers in branch: blocks"),
    ("input 3x8x8\nbranch:\n  ReLU()", "line 2: branch: belongs inside add: or concat:"),
    ("input 3x8x8\nshortcut:\n  ReLU()", "line 2: shortcut: must follow a residual: block"),
    ("input 3x8x8\nReLU(inplace=1)", "line 2: inplace must be True or False"),
    ("input 3x8x8\nConv2d(3, 8, (1, 2, 3))", "kernel_size must be one integer or a pair"),
    ("input 3x8x8\nConv2d(3, 8, 3", "line 2: expected 'Layer(arguments)'"),
    ("input 3x8x8\nConv2d(3, 8, kernel_size=)", "line 2: an argument is missing its value"),
    ("input 3x8x8\nConv2d(3, 8, kernel_size=stride)", "line 2: expected a value, got 'stride'"),
    ("input 3x8x8\nConv2d(3, 8, 99999999999999)", "line 2: 99999999999999... has more than 12"),
    ("input 3x8x8\nConv2d(3, kernel_size=3)", "line 2: Conv2d needs out_channels"),
    ("input 3x8x8\nConv2d(3, 8, 3, stride=2, 1)", "a positional argument follows a keyword"),
    ("input 3x8x8\nLazyLinear(10)", "line 2: Linear needs a flat (F,) input"),
    ("input 3x8x8\nLinear(10, 5)", "line 2: Linear needs a flat (F,) input"),
    ("input 3x8x8\noutput nowhere", "line 2: output 'nowhere' names no layer above it"),
    ("input 3x8x8\ninput 3x8x8", "line 2: 'input' is given twice"),
    ("input 3x8x8", "needs at least one layer after its input line"),
])
def test_mistakes_name_the_line_and_the_rule(text, message):
    with pytest.raises(CalcError) as err:
        parse(text)
    assert message in str(err.value), str(err.value)


@pytest.mark.parametrize("text, message", [
    ("input 3x8x8\n" + "repeat 1000:\n  repeat 1000:\n    ReLU()", "builds more than"),
    ("input 3x8x8\n" + "ReLU()\n" * 60_000, "at most 50,000 lines"),
    ("input 3x8x8\n" + "".join(" " * d + "repeat 1:\n" for d in range(1000)) +
     " " * 1000 + "ReLU()", "nest more than 32 deep"),
    ("input 3x8x8\n" + "x" * 10_000_000, "at most 1,000,000 characters"),
    ("input 3x8x8\nConv2d(3, 1000000000, 1)", "out_channels must be <= 1048576"),
    ("input 999999999x8x8\nReLU()", "line 1: input[0] must be <= 1048576"),
    ("input 1000000000x8x8\nReLU()", "line 1: input must be CxHxW or F"),
    ("input 3x8x8\nReLU(" + "(" * 10_000 + ")", "line 2: tuples do not nest"),
    ("input 3x8x8\nConv2d(3, 8, " + "1, " * 100 + ")", "at most 16 arguments"),
    ("input 3x8x8\nrepeat 99999999999999:\n  ReLU()", "repeat needs a whole number"),
    ("input 3x8x8\n\tReLU()", "indent with spaces, not tabs"),
])
def test_hostile_descriptions_end_fast_with_a_limit(text, message):
    start = time.perf_counter()
    with pytest.raises(CalcError) as err:
        parse(text)
    assert message in str(err.value), str(err.value)
    assert time.perf_counter() - start < 5   # generous: a hang or a blow-up takes far longer


def test_limits_are_what_the_messages_say():
    assert MAX_TEXT == 1_000_000 and MAX_NODES == 50_000
    net = parse("input 3x8x8\nrepeat 1000:\n  ReLU()")
    assert len(net.nodes) == 1001


def nodes_of(net):
    return [(n.name, n.layer, n.inputs, n.output_shape) for n in net.nodes]


@pytest.mark.parametrize("name", list_models() + [m.example for m in member_names()])
def test_every_zoo_network_round_trips(name):
    net = get_model(name)
    back = parse(describe(net), name)
    assert nodes_of(back) == nodes_of(net) and back.output == net.output
    a, b = summarize(net), summarize(back)
    assert (a.params, a.macs, a.output, a.receptive_field, len(a.rows)) == \
        (b.params, b.macs, b.output, b.receptive_field, len(b.rows))


def test_family_members_round_trip():
    for net in (get_model("resnet", block="bottleneck", layers=(1, 2, 1, 1), groups=8,
                          width_per_group=8, input_shape=(3, 97, 131), num_classes=7),
                get_model("alexnet", variant="paper", input_shape=(3, 224, 224)),
                get_model("vgg", cfg="A-LRN", batch_norm=True, variant="paper"),
                get_model("inception_v3", aux_logits=False, input_shape=(3, 150, 180))):
        assert nodes_of(parse(describe(net))) == nodes_of(net)


@settings(max_examples=150)
@given(st.lists(st.sampled_from(list("input3x8 ():,=#\n\t_.'\"-+0123456789")
                               + ["ReLU", "Conv2d", "repeat", "concat:", "branch:", "from",
                                  "Add()", "input 3x8x8\n", "  ", "Lazy", "Linear",
                                  "residual:", "output"]), max_size=120).map("".join))
def test_any_text_is_a_network_or_a_calc_error(text):
    try:
        net = parse(text)
    except CalcError as err:
        assert str(err)
    else:
        assert net.nodes and net.nodes[0].name == "input"


LAYER_LINES = st.sampled_from([
    "LazyConv2d({c}, {k}, stride={s}, padding={p})", "MaxPool2d({k}, stride={s}, padding=0)",
    "AvgPool2d(2, ceil_mode=True)", "ReLU()", "LazyBatchNorm2d()", "Dropout(0.25)",
    "LeakyReLU(0.2)", "residual:\n  LazyConv2d({c0}, 3, padding=1)",
    "concat:\n  branch:\n    LazyConv2d({c}, 1)\n  branch:",
])


@settings(max_examples=80)
@given(st.lists(st.tuples(LAYER_LINES, st.integers(1, 8), st.integers(1, 3), st.integers(1, 2),
                          st.integers(0, 1)), min_size=1, max_size=8))
def test_typed_descriptions_round_trip(lines):
    text, channels = ["input 4x16x16"], 4
    for template, c, k, s, p in lines:
        text.append(template.format(c=c, k=k, s=s, p=min(p, k // 2), c0="{c0}"))
    try:
        net = parse("\n".join(text).replace("{c0}", "4"))
    except CalcError:
        return   # a size that does not fit, a residual whose width changed: a clear refusal
    assert nodes_of(parse(describe(net))) == nodes_of(net)
    assert channels


def test_checks_run_on_a_description():
    net = parse("input 3x224x224\nConv2d(3, 96, 11, stride=4)\nReLU()")
    assert "dropped" in [f.rule for f in check(net)]
    assert receptive_fields(net)[0]["0"].size == (11, 11)
    assert isinstance(net.node("0").layer, Conv2d)
    assert Concat().arity == 0


@pytest.mark.parametrize("text, message", [
    # a residual body that changes the shape, no shortcut (docs/examples/errors/residual-shape)
    ("input 32x32x32\nresidual:\n  LazyConv2d(64, 3, stride=2, padding=1)\n  ReLU()\n",
     "line 2: residual: the body's output is 64x16x16 (0.1, line 4) but the shortcut (the "
     "block's input) is 32x32x32 (input, line 1); an add needs one shape (a shortcut: block "
     "can give it the body's shape)"),
    ("input 8x8x8\nresidual:\n  LazyConv2d(16, 3, stride=2, padding=1)\nshortcut:\n"
     "  LazyConv2d(16, 1)\n",
     "line 2: residual: the body's output is 16x4x4 (0.0, line 3) but the shortcut's output is "
     "16x8x8 (0.shortcut.0, line 5); an add needs one shape"),
    ("input 8x8x8\nadd:\n  branch:\n    LazyConv2d(16, 3, stride=2, padding=1)\n  branch:\n",
     "line 2: add: branch 1 is 16x4x4 (0.0.0, line 4) but branch 2 (the block's input) is "
     "8x8x8 (input, line 1); an add needs one shape"),
    ("input 8x8x8\nconcat:\n  branch:\n    LazyConv2d(16, 3, padding=1)\n  branch:\n"
     "    LazyConv2d(16, 3, stride=2, padding=1)\n",
     "line 2: concat: branch 1 is 16x8x8 (0.0.0, line 4) but branch 2 is 16x4x4 (0.1.0, "
     "line 6); a concat joins channels: the heights and widths must match"),
    ("input 8x8x8\na = Conv2d(8, 16, 3, stride=2, padding=1)\nb = Conv2d(8, 16, 1) from input\n"
     "Concat() from a, b",
     "line 4: Concat: a is 16x4x4 (line 2) but b is 16x8x8 (line 3); a concat joins channels"),
])
def test_a_shape_mismatch_says_once_which_two_layers_disagree(text, message):
    with pytest.raises(CalcError) as err:
        parse(text)
    said = str(err.value)
    assert said.startswith(message), said
    shapes = re.findall(r"\b\d+x\d+x\d+\b", said)
    assert len(shapes) == 2 and len(set(shapes)) == 2, said   # each shape once, no echo


@pytest.mark.parametrize("text, line, rule", [
    ("input 3x8x8\nConv2d(3, 8, 3)\n        ReLU()", 3, "which opens no block"),
    ("input 3x8x8\nrepeat 2:\n  Conv2d(3, 3, 3, padding=1)\n" + " " * 40 + "ReLU()", 4,
     "deeper than line 3 (2 spaces), which opens no block: a line is indented deeper than the "
     "one before it only when that one is a block header"),
    ("input 3x8x8\nrepeat 2:\n    repeat 2:\n        ReLU()\n   ReLU()", 5,
     "indented 3 spaces, which matches no block it could belong to: a line continues a block "
     "at that block's indentation (0, 4 or 8 spaces here)"),
    ("   input 3x8x8\nReLU()", 1, "the input line must not be indented"),
])
def test_a_wrong_indentation_names_the_line_and_the_rule(text, line, rule):
    with pytest.raises(CalcError) as err:
        parse(text)
    assert str(err.value).startswith(f"line {line}: "), str(err.value)
    assert rule in str(err.value), str(err.value)
