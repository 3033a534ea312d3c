"""The PyTorch export as text (no torch needed): nested like torchvision's models, one class
per block structure, compact for repeated blocks, and always valid, harmless Python whatever
names a description gives. The torch tier (test_export_torch.py) runs the code."""

import ast
import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import CalcError
from calc.description import parse
from calc.models import get_model, list_models, member_names
from calc.render.pytorch import RESERVED, class_name, to_pytorch, usable_class_name

ZOO = list(dict.fromkeys(list_models() + [m.example for m in member_names()]))
# the only names the exported code reads that it does not define itself
GLOBALS = {"torch", "nn", "F", "super", "range", "isinstance", "tuple"}


def check_harmless(code: str) -> ast.Module:
    """The code imports torch only, defines classes only, reads no name it does not define
    (but torch's and a few builtins), touches no dunder but ``__init__``, and its only
    strings are docstrings and module names."""
    tree = ast.parse(code)
    defined = set(GLOBALS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            names = [(getattr(statement, "module", None), a.name, a.asname)
                     for a in statement.names]
            assert names in ([(None, "torch", None)], [("torch", "nn", None)],
                             [("torch.nn", "functional", "F")]), ast.unparse(statement)
        else:
            assert isinstance(statement, ast.ClassDef), ast.unparse(statement)
    docstrings = {id(c.body[0].value) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                  and isinstance(c.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id in defined, node.id
        elif isinstance(node, ast.Attribute):
            assert not node.attr.startswith("__") or node.attr == "__init__", node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in docstrings:
            assert re.fullmatch(r"[A-Za-z0-9_-]*", node.value), node.value
    return tree


def classes(code: str) -> list[str]:
    return re.findall(r"^class (\w+)\(", code, flags=re.M)


@pytest.mark.parametrize("name", ZOO)
def test_every_zoo_export_is_harmless_python(name):
    check_harmless(to_pytorch(get_model(name)))


def test_resnet152_is_two_block_classes_and_sequentials():
    code = to_pytorch(get_model("resnet152"))
    assert classes(code) == ["Residual", "ResidualDownsample", "Resnet152"]
    assert "        self.layer3 = nn.Sequential(\n" \
           "            ResidualDownsample(512, 1024, 256, stride=2),\n" \
           "            *(Residual(1024, 256) for _ in range(35)),\n" in code
    assert code.count("\n") < 130          # the flat export took 993 lines


def test_densenet201_builds_its_dense_blocks_in_a_loop():
    code = to_pytorch(get_model("densenet201"))
    assert classes(code) == ["Denselayer", "Transition", "Denseblock", "Features",
                             "Densenet201"]
    assert "self.add_module(f\"denselayer{i + 1}\", Denselayer(in_channels + i * 32))" in code
    assert "self.denseblock3 = Denseblock(256, 48)" in code
    assert code.count("\n") < 130          # the flat export took 1,329


def test_inception_v3_has_one_class_per_module_kind():
    code = to_pytorch(get_model("inception_v3"))
    assert classes(code) == ["ConvBNReLU", "MixedA", "MixedB", "MixedC", "AuxLogits",
                             "MixedD", "MixedE", "InceptionV3"]
    assert "self.Mixed_6c = MixedC(160)" in code
    assert code.count("\n") < 300          # the flat export took 639


def test_a_repeat_is_a_sequential_written_once():
    network = parse("input 3x32x32\nLazyConv2d(16, 3, padding=1)\nReLU()\nrepeat 100:\n"
                    "  LazyConv2d(16, 3, padding=1)\n  LazyBatchNorm2d()\n  ReLU(inplace=True)\n"
                    "AdaptiveAvgPool2d(1)\nFlatten()\nLazyLinear(10)\n", "deep")
    code = to_pytorch(network)
    check_harmless(code)
    assert "class Deep(nn.Sequential):" in code
    assert "for _ in range(100))," in code
    assert code.count("\n") < 40


def test_a_residual_repeat_gets_a_class_with_numbered_children():
    network = parse("input 8x16x16\nrepeat 3:\n  residual:\n    LazyConv2d(8, 3, padding=1)\n"
                    "    ReLU(inplace=True)\n  ReLU(inplace=True)\n", "res")
    code = to_pytorch(network, "Res")
    assert classes(code) == ["Residual", "Res"]
    assert "class Residual(nn.ModuleList):" in code and "out = out + x" in code
    assert "nn.Sequential(*(nn.Sequential(Residual(), nn.ReLU(inplace=True)) " \
           "for _ in range(3)))" in code


def test_the_generated_names_of_a_description_stay_in_the_code():
    """A named layer keeps its name as the module's attribute; a numbered one is indexed."""
    network = parse(
        "input 3x8x8\nstem = LazyConv2d(4, 3, padding=1)\nReLU()\nhead.fc = Flatten()\n"
        "head.out = LazyLinear(2)\n", "named")
    code = to_pytorch(network, "Named")
    assert 'self.stem = nn.Conv2d(3, 4, kernel_size=3, padding=1)' in code
    assert 'self["1"] = nn.ReLU()' in code
    assert "x = self.head(x)" in code


NAMES = st.sampled_from(
    ["class", "None", "def", "forward", "training", "keys", "_modules", "__class__",
     "__import__", "self", "x", "xs", "out", "features", "torch", "nn", "F", "super", "range",
     "i", "os", "3", "3x", "a-b", "a.b", "a..b", "a.", "x.0", "x.1", "layer.0.conv",
     "Residual", "PadChannels", "eval", "exec"] + sorted(RESERVED)[:8])
LAYERS = st.sampled_from(["LazyConv2d(4, 3, padding=1)", "ReLU()", "ReLU(inplace=True)",
                          "LazyBatchNorm2d()", "MaxPool2d(1)"])


@st.composite
def descriptions(draw):
    lines = ["input 3x8x8"]
    for _ in range(draw(st.integers(1, 8))):
        layer = draw(LAYERS)
        name = draw(st.none() | NAMES)
        block = draw(st.sampled_from(["", "", "repeat 2:", "residual:"]))
        line = f"{name} = {layer}" if name else layer
        if block:
            lines += [block, "  " + line, "  ReLU()"]
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(descriptions(), st.sampled_from(["n", 'a"""; import os; """', "\\x00\\N{", "x\n\"'"]))
def test_hostile_names_make_harmless_python(text, network_name):
    try:
        network = parse(text, network_name)
    except CalcError:
        return
    check_harmless(to_pytorch(network, "Net"))


@pytest.mark.parametrize("name, usable", [
    ("Net", True), ("class", False), ("None", False), ("torch", False), ("nn", False),
    ("F", False), ("PadChannels", False), ("range", False), ("1x", False), ("Résumé", True)])
def test_class_names_that_the_code_needs_are_refused(name, usable):
    assert usable_class_name(name) is usable
    network = parse("input 3x8x8\nReLU()\n", "n")
    if usable:
        assert f"class {name}(nn.Sequential):" in to_pytorch(network, name)
    else:
        with pytest.raises(CalcError, match="class name"):
            to_pytorch(network, name)


@pytest.mark.parametrize("name", ["none", "f", "torch", "class", "range", "3d"])
def test_class_name_always_makes_a_usable_name(name):
    made = class_name(name)
    assert usable_class_name(made) and not keyword.iskeyword(made)
