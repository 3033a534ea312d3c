"""The build-your-own chapter (docs/build-your-own.md, docs/examples/, and
scripts/chapters/build_your_own.py): every example file, every formula and every claim.

* Every description in docs/examples/ parses, its ``# -> CxHxW`` comments state the shapes
  calc computes, and it round-trips through ``describe``; every file in
  docs/examples/errors/ fails with the message the page's table shows.
* The pairs the page calls "the same network" are the same network, and the blocks it
  attributes to torchvision or a paper are theirs (ResNet-18's layer1 and layer2.0,
  GoogLeNet's inception (3a)).
* The procedure's closed forms (the receptive field of each plan, the MACs of both worked
  examples) equal what calc measures on the files; the claims of the prose hold.
* The design-check examples together trigger every rule of calc.checks, and the page
  names every rule.
* The PyTorch export shown on the page is what calc exports today; in the torch tier the
  export of every example builds a module with calc's parameter count and output shape.
* No number in the prose is typed by hand, except those listed in ALLOWED with their source.
"""

import re

import pytest

from calc import CalcError
from calc.calculators.designer import TEMPLATE
from calc.checks import RULES, check
from calc.description import parse
from calc.models import get_model
from calc.render.description import describe
from calc.render.pytorch import class_name, to_pytorch
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("build_your_own")

PAGE = ROOT / "docs" / "build-your-own.md"
EXAMPLES = ROOT / "docs" / "examples"
NETWORKS = chapter.example_names()                  # every description that parses
ERRORS = chapter.example_names("errors")            # every description that must not


def net(name):
    return chapter.load(name)[0]


def s(name):
    return summarize(net(name))


def nodes_of(network):
    return [(n.name, n.layer, n.inputs, n.output_shape) for n in network.nodes]


def layers_of(network, prefix=""):
    """The layers (and their shapes) in order, names aside."""
    return [(n.layer, n.output_shape) for n in network.nodes[1:] if n.name.startswith(prefix)]


# --- The files ----------------------------------------------------------------------------

def test_the_examples_exist():
    assert {"small-96", "seg-512", "format-basics", "format-lazy", "draft-64",
            "fixed-64"} <= set(NETWORKS)
    assert "errors/stride-zero" in ERRORS


@pytest.mark.parametrize("name", NETWORKS)
def test_every_example_parses_and_round_trips(name):
    network = net(name)
    back = parse(describe(network), network.name)
    assert nodes_of(back) == nodes_of(network) and back.output == network.output


SHAPE_COMMENT = re.compile(r"#\s*->\s*(\d+(?:x\d+)*)")


@pytest.mark.parametrize("name", NETWORKS)
def test_shape_comments_are_calcs_shapes(name):
    """A comment ``# -> 64x24x24`` states the output shape of the line's (last) layer."""
    network, lines = chapter.load(name)
    by_line = {}
    for node in network.nodes[1:]:
        if node.name in lines:
            by_line[lines[node.name]] = node.output_shape      # the last node of the line
    text = chapter.example_text(name).split("\n")
    checked = 0
    for n, line in enumerate(text, start=1):
        m = SHAPE_COMMENT.search(line)
        if m and not line.lstrip().startswith("#"):
            assert n in by_line, f"{name}.txt line {n} makes no layer"
            assert "x".join(map(str, by_line[n])) == m[1], f"{name}.txt line {n}"
            checked += 1
    if name in ("small-96", "seg-512", "format-basics"):
        assert checked >= 4


# The messages the page's table shows (tested here so a change in wording is seen).
ERROR_MESSAGES = {
    "errors/in-channels": "line 5: Conv2d expects in_channels=64, but its input has 32 "
                          "(32x32x32)",
    "errors/indentation": "line 5: indented 4 spaces, deeper than line 4 (2 spaces), which "
                          "opens no block",
    "errors/linear-in-features": "line 6: Linear expects in_features=4096, but its input "
                                 "has 16384 (16384)",
    "errors/missing-flatten": "line 6: Linear needs a flat (F,) input, got shape 16x1x1: "
                              "add a Flatten first",
    "errors/residual-shape": "line 4: residual: the body's output is 64x16x16 (0.2, line 7) "
                             "but the shortcut (the block's input) is 32x32x32 (input, line "
                             "3); an add needs one shape",
    "errors/stride-zero": "line 7: stride must be >= 1, got 0",
    "errors/too-small": "line 5: kernel_size (2) must be <= padded input size",
    "errors/typo": "line 3: Conv2d has no argument 'stides'",
    "errors/unknown-name": "line 5: 'from steam' names no layer above it",
}


def test_every_error_file_has_its_expected_message():
    assert set(ERRORS) == set(ERROR_MESSAGES)


@pytest.mark.parametrize("name", ERRORS)
def test_error_files_fail_with_the_message_shown(name):
    with pytest.raises(CalcError) as err:
        chapter.load(name)
    assert str(err.value).startswith(ERROR_MESSAGES[name]), str(err.value)
    row = next(r for r in chapter.errors_table().rows if r[0] == name.split("/")[1] + ".txt")
    assert row[3] == str(err.value)
    line = int(re.match(r"line (\d+)", str(err.value))[1])
    assert row[2] == chapter.example_text(name).split("\n")[line - 1].strip()
    assert row[1] and not row[1].startswith("#")
    if name == "errors/stride-zero":
        assert f"`{ERROR_MESSAGES[name]}`" in PAGE.read_text()


def test_the_brief_s_example_message_is_on_line_7():
    """The format's docstring and the page quote 'line 7: stride must be >= 1, got 0'."""
    assert chapter.error_of("errors/stride-zero") == "line 7: stride must be >= 1, got 0"


# --- "The same network" and "torchvision's block" -------------------------------------------

def test_lazy_and_explicit_descriptions_are_the_same_network():
    assert nodes_of(net("format-lazy")) == nodes_of(net("format-basics"))


def test_keyword_shorthand_fills_in_the_input_size():
    """'Conv2d(out_channels=32, kernel_size=3) or Linear(out_features=10) ... take
    in_channels and in_features'."""
    network = parse("input 3x8x8\nConv2d(out_channels=32, kernel_size=3)\nFlatten()\n"
                    "Linear(out_features=10)")
    assert network.nodes[1].layer.in_channels == 3
    assert network.nodes[-1].layer.in_features == 32 * 6 * 6


def test_names_file_is_torchvision_layer2_0_with_its_names():
    resnet18 = get_model("resnet18")
    block = [(n.name.removeprefix("layer2.0."), n.layer, n.output_shape)
             for n in resnet18.nodes if n.name.startswith("layer2.0.")]
    mine = [(n.name, n.layer, n.output_shape) for n in net("format-names").nodes[1:]]
    assert mine == block


def test_residual_block_file_is_the_names_file():
    assert layers_of(net("format-residual")) == layers_of(net("format-names"))


def test_repeat_file_is_resnet18_layer1():
    resnet18 = get_model("resnet18")
    assert layers_of(net("format-repeat")) == layers_of(resnet18, "layer1.")


def test_inception_file_is_googlenet_paper_inception_3a():
    paper = get_model("googlenet_paper")
    assert layers_of(net("format-inception")) == layers_of(paper, "inception3a.")


def test_repvgg_block_sums_three_branches():
    network = net("format-add")
    add = next(n for n in network.nodes if n.layer.type == "Add")
    assert len(add.inputs) == 3 and network.output_shape == (64, 56, 56)
    assert s("format-add").params == 64 * 64 * 9 + 64 * 64 + 3 * 2 * 64


def test_output_file_has_an_auxiliary_head():
    network = net("format-output")
    assert network.output == "logits"
    assert {"aux_logits"} <= network.auxiliary()
    summary = s("format-output")
    assert summary.aux_params > 0 and summary.output == (10,)


def test_block_names_the_page_quotes():
    """'the ReLU after its first residual block is 3.0.1, the first convolution 3.0.0.0'."""
    network = net("small-96")
    assert network.node("3.0.1").layer.type == "ReLU"
    assert network.node("3.0.0.0").layer.type == "Conv2d"


# --- The procedure's arithmetic ----------------------------------------------------------

@pytest.mark.parametrize("n", range(1, chapter.MAX_STEPS + 1))
def test_receptive_field_closed_forms(n):
    """r_n = 18 2^n - 17 for small-96's stages; 9 2^n - 4 for seg-512's levels."""
    assert chapter.plan_field(chapter.stage_plan(n)) == 18 * 2 ** n - 17
    assert chapter.plan_field(chapter.level_plan(n)) == 9 * 2 ** n - 4


def test_worked_examples_have_their_plans_fields():
    assert s("small-96").receptive_field.size == (18 * 2 ** 4 - 17,) * 2
    assert s("seg-512").receptive_field.size == (9 * 2 ** 5 - 4,) * 2


def test_halvings_are_ceil_division():
    for size in chapter.HALVING_SIZES:
        expected, x = [], size
        for _ in range(chapter.MAX_STEPS):
            x = -(-x // 2)
            expected.append(x)
        assert chapter.halvings(size) == expected
    assert chapter.steps_to_final_map(96) == [4, 5]


def small_96_width():
    budget, units, first = 400e6, 4 * 4 + 3 / 2, 96 // 2
    return int((budget / (units * 9 * first ** 2)) ** 0.5) // 8 * 8


def seg_512_width():
    budget, units = 16e9, 5 * (1 / 2 + 1 + 2 + 1 + 2 / 9) + 3 / 2
    return int((budget / (units * 9 * 512 ** 2)) ** 0.5) // 8 * 8


def test_small_96_is_the_procedure_s_network():
    c = small_96_width()
    assert c == 32
    convs = [n.layer for n in net("small-96").nodes if n.layer.type == "Conv2d"]
    assert sorted({layer.out_channels for layer in convs}) == [c, 2 * c, 4 * c, 8 * c]
    closed = int((4 * 4 + 3 / 2) * 9 * 48 ** 2 * c ** 2) + 48 ** 2 * 9 * 3 * c + 8 * c * 10
    assert s("small-96").macs == closed < 400e6


def test_seg_512_is_the_procedure_s_network():
    c = seg_512_width()
    assert c == 16
    units = 5 * (1 / 2 + 1 + 2 + 1 + 2 / 9) + 3 / 2
    estimate = round(units * 9 * 512 ** 2 * c ** 2)
    exact = estimate - 512 ** 2 * 9 * c * (c // 2 - 3) + 512 ** 2 * c * 2
    assert s("seg-512").macs == exact < 16e9
    convs = [n.layer for n in net("seg-512").nodes if n.layer.type == "Conv2d"]
    assert max(layer.out_channels for layer in convs) == c * 2 ** 5


def test_prose_claims_of_example_1():
    summary = s("small-96")
    last = 4 * 9 * 256 ** 2
    assert 0.6 < last / summary.params < 0.7                       # "about two thirds"
    assert not check(net("small-96"))                              # "nothing to flag"
    assert round(summarize(get_model("resnet18")).macs / 400e6, 1) == 4.5
    # the field passes half the input in stage 2 and the whole input in stage 3
    rows = [r for r in summary.rows if r.rf and len(r.output) == 3]
    half = next(r for r in rows if r.rf.size[0] >= 48)
    whole = next(r for r in rows if r.rf.size[0] >= 96)
    assert half.output[1:] == (24, 24) and whole.output[1:] == (12, 12)


def test_try_small_96_at_64():
    """'change input 3x96x96 to input 3x64x64': runs, four halvings to 4, large_field."""
    text = chapter.example_text("small-96").replace("input 3x96x96", "input 3x64x64")
    network = parse(text)
    assert [f.rule for f in check(network)] == ["large_field"]
    assert min(n.output_shape[1] for n in network.nodes
               if len(n.output_shape) == 3 and n.output_shape[1] > 1) == 4


def test_prose_claims_of_example_2():
    summary = s("seg-512")
    assert not check(net("seg-512"))
    stages = dict(chapter.stages(summary))
    total = sum(r.activations for r in summary.rows)
    full = sum(r.activations for r in stages["512x512"])
    assert 0.45 < full / total < 0.55                                 # "about half"
    mem = summary.memory(8, "float32")
    assert 80 < mem.training_activations / mem.weights < 120          # "about a hundredfold"
    level_macs = {sum(r.macs for r in rows) for label, rows in chapter.stages(summary)
                  if label not in ("512x512", "16x16", "head")}
    assert len(level_macs) == 1                                       # every level the same


def test_try_seg_512_with_four_levels():
    """'delete the last level': the field falls to r_4 and the MACs by about a fifth."""
    lines = chapter.example_text("seg-512").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("MaxPool2d(2)")
                 and "16x16" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("up4 ="))
    four = summarize(parse("\n".join(lines[:start] + lines[end:])))
    assert four.receptive_field.size[0] == 9 * 2 ** 4 - 4
    assert 0.17 < 1 - four.macs / s("seg-512").macs < 0.22


def test_try_the_designer():
    """The designer's suggestions do what the page says."""
    resnet18 = describe(get_model("resnet18"))
    findings = check(parse(resnet18))
    assert [f.node for f in findings if f.rule == "gaps"] == [
        "layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0"]
    stem1 = resnet18.replace("conv1 = Conv2d(3, 64, kernel_size=7, stride=2,",
                             "conv1 = Conv2d(3, 64, kernel_size=7,")
    assert stem1 != resnet18
    a, b = summarize(get_model("resnet18")), summarize(parse(stem1))
    assert b.receptive_field.size < a.receptive_field.size and b.macs > 3.5 * a.macs
    broken = resnet18.replace("layer2.0.conv1 = Conv2d(64, 128, kernel_size=3, stride=2,",
                              "layer2.0.conv1 = Conv2d(64, 128, kernel_size=3,")
    assert broken != resnet18
    with pytest.raises(CalcError, match=r"line \d+: Add: layer2\.0\.bn2 is 128x56x56 \(line "
                                        r"\d+\) but layer2\.0\.downsample\.1 is 128x28x28"):
        parse(broken)
    even = TEMPLATE.replace("kernel_size=3, padding=1, bias=False)\nBatchNorm2d(32)",
                            "kernel_size=4, padding=1, bias=False)\nBatchNorm2d(32)")
    thirty = TEMPLATE.replace("LazyConv2d(64, 3, stride=2", "LazyConv2d(60, 3, stride=2")
    assert even != TEMPLATE != thirty
    assert [f.rule for f in check(parse(even))] == ["even_same"]
    assert [f.rule for f in check(parse(thirty))] == ["not_multiple_of_8"]


def test_zoo_final_maps_quoted():
    assert summarize(get_model("resnet50")).receptive_field_node == "layer4.2.relu_3"
    for model, node in (("googlenet", "inception5b.cat"), ("inception_v3", "Mixed_7c.cat"),
                        ("resnet20", "layer3.2.relu_2")):
        assert summarize(get_model(model)).receptive_field_node == node


# --- The design checks --------------------------------------------------------------------

CHECK_EXAMPLES = ("draft-64", "format-residual", "shortcut-avgpool2", "draft-upsampler",
                  "draft-shallow")


def test_the_check_examples_cover_every_rule():
    seen = {f.rule for name in CHECK_EXAMPLES for f in check(net(name))}
    assert set(RULES) <= seen, f"no example on the page triggers {set(RULES) - seen}"


def test_the_page_names_every_rule():
    text = PAGE.read_text()
    for rule in RULES:
        assert f"`{rule}`" in text, rule


def test_draft_64_is_wrong_in_eleven_ways_and_fixed_64_in_none():
    findings = check(net("draft-64"))
    assert len(findings) == len({f.rule for f in findings}) == 11
    assert not check(net("fixed-64"))


def test_the_shortcut_story():
    def rules(name):
        return {f.rule for f in check(net(name))} & {"gaps", "misaligned"}
    assert rules("format-residual") == {"gaps"}
    assert rules("shortcut-avgpool2") == {"misaligned"}
    assert rules("shortcut-avgpool3") == set()


def test_the_upsampler_fix_is_even():
    text = chapter.example_text("draft-upsampler").replace(
        "ConvTranspose2d(64, 32, kernel_size=3, stride=2, padding=1, output_padding=1)",
        "ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1)")
    network = parse(text)
    # the uneven overlap is gone; the field the summary reports (9 px, at the ReLU before
    # the upsampling) is still under half of 128, as for the draft
    assert [f.rule for f in check(network)] == ["small_field"]
    assert [f.rule for f in check(net("draft-upsampler"))] == ["uneven", "small_field"]
    assert network.output_shape == (3, 128, 128)


def test_findings_tables():
    made = chapter.findings_table("draft-64")
    network, lines = chapter.load("draft-64")
    assert [(r[0], r[1]) for r in made.rows] == [(lines[f.node], f.rule)
                                                 for f in check(network)]
    assert chapter.findings_table("fixed-64").rows == (("", "", "", "no findings"),)
    only = chapter.findings_table("shortcut-avgpool2", only="gaps, misaligned")
    assert [r[1] for r in only.rows] == ["misaligned"]


# --- The tables ---------------------------------------------------------------------------

def test_measure_table_is_calc():
    for name, batch in chapter.WORKED.items():
        rows = dict(chapter.measure_table(name, batch).rows)
        summary = s(name)
        assert rows["parameters"] == f"{summary.params:,}"
        assert rows["MACs per image"].startswith(f"{summary.macs:,} ")
        assert rows["design checks"] == "none"


def test_plans_table_is_the_closed_forms():
    for row in chapter.plans_table().rows:
        n = row[0]
        assert row[1:] == (2 ** n, chapter.halvings(96)[n - 1], 18 * 2 ** n - 17,
                           512 // 2 ** n, 9 * 2 ** n - 4)


def test_stages_table_shows_flat_macs_and_growing_params():
    rows = chapter.stages_table("small-96").rows
    spatial = [r for r in rows if r[0] != "head"]
    assert len({r[4] for r in spatial[1:]}) == 1                          # MACs flat
    params = [r[3] for r in spatial]
    assert all(3.5 < b / a < 4.5 for a, b in zip(params, params[1:]))     # x4 per stage


# --- The page -----------------------------------------------------------------------------

def test_the_page_includes_every_example():
    text = PAGE.read_text()
    included = set(re.findall(r'--8<-- "docs/examples/([\w.-]+)"', text))
    assert {f"{n}.txt" for n in NETWORKS} <= included
    for name in included:
        assert (EXAMPLES / name).is_file()


def test_the_export_shown_is_calcs_export():
    """docs/examples/format-basics.py is `python -m calc export --file
    docs/examples/format-basics.txt --to pytorch --class-name SmallVGG`, unedited."""
    network = parse(chapter.example_text("format-basics"), "format-basics")
    assert (EXAMPLES / "format-basics.py").read_text() == to_pytorch(network, "SmallVGG"), (
        "regenerate: python -m calc export --file docs/examples/format-basics.txt --to "
        "pytorch --class-name SmallVGG > docs/examples/format-basics.py")


@pytest.mark.torch
@pytest.mark.parametrize("name", NETWORKS)
def test_exported_code_runs_with_calcs_counts(torch, name):
    network = net(name)
    code = to_pytorch(network)
    namespace = {}
    exec(compile(code, f"<{name}>", "exec"), namespace)  # our own generated code
    with torch.device("meta"):
        module = namespace[class_name(network.name)]().eval()
        with torch.no_grad():
            out = module(torch.empty(2, *network.input_shape))
    assert sum(p.numel() for p in module.parameters()) == summarize(network).params
    assert tuple(out.shape) == (2, *network.output_shape)


@pytest.mark.torch
def test_the_shown_export_file_runs(torch):
    namespace = {}
    exec(compile((EXAMPLES / "format-basics.py").read_text(), "format-basics.py", "exec"),
         namespace)
    module = namespace["SmallVGG"]().eval()
    with torch.no_grad():
        out = module(torch.zeros(2, 3, 32, 32))
    assert tuple(out.shape) == (2, 10)
    assert sum(p.numel() for p in module.parameters()) == s("format-basics").params


# Every number left in the page's prose once fenced blocks, {{= }} shortcodes, inline code,
# math, link targets and HTML are removed, with where it comes from.
ALLOWED = {
    # the givens of the worked examples (the problem, not a result)
    "96": "example 1's input, 96x96 (STL-10's image size, Coates et al. 2011)",
    "10": "STL-10's classes; example 1's output",
    "0.4": "example 1's budget, 0.4 GMACs (a given): test_small_96_is_the_procedure_s_network",
    "128": "example 1's training batch (a given)",
    "512": "example 2's input, 512x512 (a given)",
    "2": "example 2's classes; 'stride-2' and '2 x 2' (structural)",
    "16": "example 2's budget, 16 GMACs (a given): test_seg_512_is_the_procedure_s_network",
    "8": "example 2's batch (a given); 'multiple of 8' (the tensor-core rule, introduction)",
    "64": "draft-64's input, 64x64 (the draft's given), and 3x64x64 in the try-it",
    "224": "ResNet-18's and draft-shallow's 224x224 input (torchvision's size)",
    "299": "Inception v3's 299x299 input",
    "32": "CIFAR's 32x32 images",
    "56": "the 56x56 input of the block examples (ResNet-18's layer2.0)",
    # model names
    "18": "ResNet-18", "20": "ResNet-20", "50": "ResNet-50",
    # structural integers: kernel sizes, strides, counts of a definition
    "1": "1x1 kernels, 1x1 maps, stride 1", "3": "3x3 kernels and maps",
    "4": "4x4 kernels (even_same, DCGAN)", "5": "5x5 (the inception branch)",
    "7": "7x7 (the stem, the final map range)",
    # the procedure's numbered steps 1 to 6 (an ordered list: its markers are prose too)
    "6": "step 6 of the procedure",
    # years, and arXiv ids
    "2011": "year (STL-10)", "2015": "year (U-Net)", "2016": "year (Luo et al.; Odena)",
    "2019": "year (Distill; CVPR)", "2021": "year (RepVGG)",
    "1701.04128": "arXiv id (Luo et al.)", "1505.04597": "arXiv id (U-Net)",
    "1812.01187": "arXiv id (Bag of Tricks)", "2101.03697": "arXiv id (RepVGG)",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
