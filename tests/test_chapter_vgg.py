"""The VGG chapter (docs/vgg.md, scripts/chapters/vgg.py): every value it shows from a source.

Sources, cited per test:

* Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
  Recognition", arXiv 1409.1556v6, ICLR 2015 ("the paper"): Sections 2.1-2.3, 3.1, 3.3,
  4.1, 4.5, Tables 1, 2, 3, 7, Appendix A.
* CS231n's notes, cs231n.github.io convolutional-networks.md, "VGGNet in detail".
* He et al., "Deep Residual Learning for Image Recognition", arXiv 1512.03385, Sections 3.3
  and 4.1.
* torchvision's weights metadata (the torch tier).

The last test reads the page and fails on any number in its prose that is neither computed
at build time nor listed in ALLOWED with its source.
"""

import re
import sys

import pytest

from calc.checks import check
from calc.models import get_model
from calc.models.vgg import CONFIGS
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("vgg")

PAGE = ROOT / "docs" / "vgg.md"


def s(name, **kw):
    return summarize(get_model(name, **kw))


def params_of(name, kind, **kw):
    return sum(r.params for r in s(name, **kw).rows if r.type == kind)


def macs_of(name, kind, **kw):
    return sum(r.macs for r in s(name, **kw).rows if r.type == kind)


def two_significant(n: int) -> int:
    """Round to two significant figures, as CS231n's memory lines do (802,816 -> 800K)."""
    digits = len(str(n))
    scale = 10 ** max(digits - 2, 0)
    return round(n / scale) * scale


def parse_si(text: str) -> int:
    """CS231n's "3.2M", "800K", "4096" -> 3_200_000, 800_000, 4096."""
    return chapter.printed_count(text)


def test_parse_si():
    assert [parse_si(t) for t in ("3.2M", "800K", "25K", "4096")] == [3_200_000, 800_000,
                                                                      25_000, 4096]


# --- The paper: Table 1 -----------------------------------------------------------------

# Table 1, transcribed column by column: the layers of each block (a block ends in maxpool).
TABLE_1 = {
    "A": [["conv3-64"], ["conv3-128"], ["conv3-256"] * 2, ["conv3-512"] * 2, ["conv3-512"] * 2],
    "A-LRN": [["conv3-64", "LRN"], ["conv3-128"], ["conv3-256"] * 2, ["conv3-512"] * 2,
              ["conv3-512"] * 2],
    "B": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 2, ["conv3-512"] * 2,
          ["conv3-512"] * 2],
    "C": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 2 + ["conv1-256"],
          ["conv3-512"] * 2 + ["conv1-512"], ["conv3-512"] * 2 + ["conv1-512"]],
    "D": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 3, ["conv3-512"] * 3,
          ["conv3-512"] * 3],
    "E": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 4, ["conv3-512"] * 4,
          ["conv3-512"] * 4],
}


@pytest.mark.parametrize("cfg", sorted(TABLE_1))
def test_configs_are_table_1(cfg):
    """Table 1: calc's configuration lists are the paper's columns, block by block."""
    assert [[chapter._item_name(i) for i in b] for b in chapter._blocks(CONFIGS[cfg])] \
        == TABLE_1[cfg]


def test_table_1_weight_layers_header():
    """Table 1's header: 11, 11, 13, 16, 16, 19 weight layers (convs + 3 FC)."""
    assert chapter.PAPER_WEIGHT_LAYERS == {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16,
                                           "E": 19}
    for cfg, name in chapter.PAPER_MODELS.items():
        assert chapter.weight_layers(name) == chapter.PAPER_WEIGHT_LAYERS[cfg]


def test_generic_layout_section_2_1():
    """Section 2.1/2.2: 224x224 RGB input, widths from 64 doubling to 512, FC 4096-4096-1000,
    five 2x2/2 max pools, 3x3 convs at stride 1 and padding 1."""
    net = get_model("vgg_d")
    assert net.input_shape == (3, 224, 224)
    widths = sorted({n.layer.out_channels for n in net.nodes if n.layer.type == "Conv2d"})
    assert widths == [64, 128, 256, 512]
    assert [n.layer.out_features for n in net.nodes if n.layer.type == "Linear"] \
        == [4096, 4096, 1000]
    pools = [n.layer for n in net.nodes if n.layer.type == "MaxPool2d"]
    assert len(pools) == 5 and all(p.kernel_size == (2, 2) and p.stride == (2, 2) for p in pools)
    convs = [n.layer for n in net.nodes if n.layer.type == "Conv2d"]
    assert all(c.kernel_size == (3, 3) and c.stride == (1, 1) and c.padding == (1, 1)
               for c in convs)


# --- The paper: Table 2 -----------------------------------------------------------------

def test_table_2_as_printed():
    """Table 2, "Number of parameters (in millions)": five columns, A and A-LRN share one."""
    assert [(label, printed) for label, _, printed in chapter.PAPER_TABLE_2] == [
        ("A, A-LRN", 133), ("B", 133), ("C", 134), ("D", 138), ("E", 144)]


@pytest.mark.parametrize("label, columns, printed", chapter.PAPER_TABLE_2)
def test_table_2_is_calc_rounded_to_millions(label, columns, printed):
    """Table 2: every configuration of a column rounds to the printed millions."""
    for cfg in columns:
        assert round(s(chapter.PAPER_MODELS[cfg]).params / 1e6) == printed


def test_a_lrn_has_a_parameters_and_torchvision_matches_the_paper():
    """Table 2 prints one column for A and A-LRN; torchvision's A, B, D, E equal the paper's."""
    assert s("vgg_a_lrn").params == s("vgg_a").params
    for tv, paper in (("vgg11", "vgg_a"), ("vgg13", "vgg_b"), ("vgg16", "vgg_d"),
                      ("vgg19", "vgg_e")):
        assert s(tv).params == s(paper).params and s(tv).macs == s(paper).macs


def test_overfeat_144m_section_2_2():
    """Section 2.2: E has no more weights than OverFeat's "144M weights"."""
    assert round(s("vgg_e").params / 1e6) == 144


def test_table_2_rows():
    made = chapter.table_2()
    for row, (label, columns, printed) in zip(made.rows, chapter.PAPER_TABLE_2):
        exact = s(chapter.PAPER_MODELS[columns[0]]).params
        assert row[:4] == (label, printed, exact, printed)
        assert row[4] + row[5] == exact
    assert {r[5] for r in made.rows} == {params_of("vgg16", "Linear")}


def test_table_1_rows():
    made = chapter.table_1()
    assert made.header[1:] == tuple(CONFIGS)
    by_label = {r[0]: r[1:] for r in made.rows}
    assert by_label["weight layers (paper)"] == by_label["weight layers (calc)"]
    assert by_label["block 3, then maxpool"][3] == "conv3-256 \u00d72, conv1-256"
    assert by_label["receptive field, px (calc)"][2] == by_label["receptive field, px (calc)"][3]


# --- The paper: Section 2.3 and the 5x5 twin of Section 4.1 ------------------------------

def test_section_2_3_stacks():
    """Section 2.3: two 3x3 layers see 5x5, three see 7x7; 3(3^2 C^2) = 27C^2 against
    7^2 C^2 = 49C^2, "i.e. 81% more"."""
    assert chapter._stack_rf(3, 2) == 5 and chapter._stack_rf(3, 3) == 7
    assert chapter.per_pair_weights(3, 3) == 27 and chapter.per_pair_weights(7) == 49
    assert chapter.per_pair_weights(3, 2) == 18 and chapter.per_pair_weights(5) == 25
    assert round(100 * (49 / 27 - 1)) == 81


def test_twin_5x5_section_4_1():
    """Section 4.1: B with each pair of 3x3 replaced by one 5x5: five 5x5 layers, the same
    receptive field."""
    twin = summarize(chapter.twin_5x5("B"))
    convs = [r for r in twin.rows if r.type == "Conv2d"]
    assert len(convs) == 5
    assert all(twin.network.node(r.name).layer.kernel_size == (5, 5) for r in convs)
    assert twin.receptive_field.size == s("vgg_b").receptive_field.size
    # the page: the twin does fewer MACs than B overall, though more weights in block 5
    assert twin.macs < s("vgg_b").macs
    made = chapter.twin_table("B")
    block5 = made.rows[4]
    assert block5[3] > block5[2] and made.rows[1][3] < made.rows[1][2]


def test_configuration_c_keeps_b_field():
    """Section 2.3: the 1x1 layers of C add non-linearity "without affecting the receptive
    fields"; D's 3x3 layers in the same places widen it."""
    assert s("vgg_c").receptive_field == s("vgg_b").receptive_field
    assert s("vgg_d").receptive_field.size[0] > s("vgg_c").receptive_field.size[0]


# --- The page's other structural claims ------------------------------------------------

def test_doubling_keeps_per_layer_cost_and_block_5_is_a_quarter():
    rows = {r.name: r for r in s("vgg16").rows}
    keep = [rows[n].macs for n in ("features.2", "features.7", "features.12", "features.19")]
    assert len(set(keep)) == 1
    assert rows["features.19"].macs == 4 * rows["features.26"].macs
    acts = chapter.stages_table().rows
    assert acts[3][6] == 4 * acts[4][6]   # block 5's activations: a quarter of block 4's
    assert acts[2][5] == acts[3][5]       # blocks 3 and 4 do the same MACs


def test_per_gpu_batch_section_3_1_and_3_3():
    """Section 3.1: batch 256; Section 3.3: four GPUs, data parallel: 64 images per GPU."""
    assert 256 // 4 == 64


def test_cifar_input_warns_about_adaptive_pooling():
    findings = check(get_model("vgg16", input_shape=(3, 32, 32)))
    assert [(f.rule, f.node) for f in findings if f.rule == "enlarged"] == [("enlarged", "avgpool")]
    assert not [f for f in check(get_model("vgg_d", input_shape=(3, 32, 32)))
                if f.rule == "enlarged"]


# --- CS231n's walk-through ---------------------------------------------------------------

@pytest.mark.parametrize("line, node, memory, weights", chapter.CS231N_LINES)
def test_cs231n_line(line, node, memory, weights):
    """Each CS231n line: memory is calc's activations, to two significant figures where the
    page writes K or M and exact where it does not; weights are calc's exact weights without
    biases."""
    group = next(g for g in chapter.layer_groups("vgg16") if g["node"] == node)
    exact = group["output"]
    assert parse_si(memory) == (two_significant(exact) if memory[-1] in "KM" else exact)
    layer = get_model("vgg16").node(node).layer
    assert int(weights.replace(",", "")) == chapter._weights(layer)


def test_cs231n_totals_and_their_differences():
    """"TOTAL memory: 24M * 4 bytes ~= 93MB / image" and "TOTAL params: 138M parameters";
    "the first FC layer contains 100M weights, out of a total of 140M"."""
    count = chapter.cs231n_count()
    net = get_model("vgg16")
    weights = sum(chapter._weights(n.layer) for n in net.nodes)
    assert count == 15_237_608 and two_significant(count) != parse_si("24M")
    assert 24 * 10 ** 6 * 4 == 96 * 10 ** 6                    # 96 MB, not 93
    assert round(24 * 10 ** 6 * 4 / 2 ** 20) == 92             # nor 93 MiB
    assert chapter.CS231N_TOTAL_MB == 93 and chapter.CS231N_TOTAL_MEMORY == "24M"
    assert round(weights / 1e6) == round(s("vgg16").params / 1e6) == 138
    assert chapter.CS231N_TOTAL_PARAMS == "138M"
    assert two_significant(chapter._weights(net.node("classifier.0").layer)) == 100 * 10 ** 6
    assert two_significant(s("vgg16").params) == 140 * 10 ** 6
    made = chapter.cs231n_table()
    assert made.rows[-1][3] == count and made.rows[-1][5] + made.rows[-1][6] == s("vgg16").params


def pool_indices(name="vgg16") -> int:
    """Bytes of every max pool's argmax (int64) for one image."""
    return 8 * sum(r.activations for r in s(name).rows if r.type == "MaxPool2d")


def test_memory_model_against_the_cs231n_count():
    """The page: PyTorch keeps each map of CS231n's list once plus every max pool's indices,
    and in the classifier fc6's input (the adaptive pool's output), the two dropouts' outputs
    (fc7's and fc8's inputs) and their one-byte masks, but not fc8's output; counting every
    output apart (training_activations) is more for VGG-16."""
    m = s("vgg16").memory(1, "float32")
    row = {r.name: r for r in s("vgg16").rows}
    estimate = 4 * chapter.cs231n_count() + pool_indices()
    classifier = (4 * row["avgpool"].activations
                  + 4 * (row["classifier.2"].activations + row["classifier.5"].activations)
                  + (row["classifier.2"].activations + row["classifier.5"].activations)
                  - 4 * row["classifier.6"].activations)
    assert m.training_saved == estimate + classifier
    assert round(100 * classifier / m.training_saved, 1) == 0.2      # the page's "within"
    assert 4 * chapter.cs231n_count() < m.training_saved < m.training_activations
    assert m.inference_peak == 2 * 4 * s("vgg16").rows[0].activations   # conv1_2 in and out
    assert m.weights == 4 * s("vgg16").params


def test_float16_does_not_halve_what_pytorch_keeps():
    """The page: the max pools' int64 indices and the dropouts' byte masks do not shrink."""
    full, half = s("vgg16").memory(64, "float32"), s("vgg16").memory(64, "float16")
    fixed = 64 * (pool_indices() + 2 * 4096)
    assert half.training_saved - fixed == (full.training_saved - fixed) // 2
    assert half.training_saved > full.training_saved // 2
    assert half.training_activations * 2 == full.training_activations


def test_batch_norm_keeps_two_maps_per_convolution():
    """The page: with batch norm each convolution leaves its output (kept by the norm) and
    the normalised map (kept by the in-place ReLU) for the backward pass."""
    plain, bn = s("vgg16").memory(64), s("vgg16_bn").memory(64)
    convs = sum(r.activations for r in s("vgg16").rows if r.type == "Conv2d")
    statistics = 2 * 4 * sum(r.output[0] for r in s("vgg16").rows if r.type == "Conv2d")
    assert bn.training_saved - plain.training_saved == 64 * 4 * convs + statistics
    made = chapter.batch_norm_table()
    assert made.rows[2][0] == "vgg16"
    assert made.rows[2][5] == chapter.nbytes(
        s("vgg16_bn").memory(1).training_saved - s("vgg16").memory(1).training_saved)


def test_page_memory_numbers_are_calcs():
    """The page's shortcodes give calc's training_saved for one image and for batch 64."""
    sys.path.insert(0, str(ROOT / "scripts" / "hooks"))
    try:
        import shortcodes
    finally:
        sys.path.remove(str(ROOT / "scripts" / "hooks"))
    page = shortcodes.expand(PAGE.read_text(), "vgg.md")
    one, batch = s("vgg16").memory(1), s("vgg16").memory(64)
    assert f"`training_saved`: {chapter.nbytes(one.training_saved)}," in page
    assert re.search(r"At batch 64 PyTorch keeps\s+" + re.escape(chapter.nbytes(
        batch.training_saved)) + r"\s+of activations", page)
    assert re.search(r"within\s+0\.2%\s+of `training_saved`", page)


# --- He et al. (ResNet) ------------------------------------------------------------------

def test_resnet_paper_vgg_costs():
    """He et al. print 19.6 billion FLOPs (multiply-adds) for VGG-19 (Section 3.3, Fig. 3) and
    15.3/19.6 for VGG-16/19 (Section 4.1). 19.6 is VGG-19's whole count; 15.3 matches only
    VGG-16's convolutions."""
    assert round(s("vgg19").macs / 1e9, 1) == 19.6
    assert round(macs_of("vgg16", "Conv2d") / 1e9, 1) == 15.3
    assert round(s("vgg16").macs / 1e9, 1) != 15.3


# --- torchvision's metadata --------------------------------------------------------------

def test_batch_norm_gains_between_one_and_two_points():
    """The page: torchvision's _bn weights gain between one and two points of top-1."""
    for base in ("vgg11", "vgg13", "vgg16", "vgg19"):
        gain = chapter.TORCHVISION_ACC1[f"{base}_bn"] - chapter.TORCHVISION_ACC1[base]
        assert 1 < gain < 2


def test_batch_norm_adds_two_per_channel():
    channels = sum(r.output[0] for r in s("vgg16").rows if r.type == "Conv2d")
    assert s("vgg16_bn").params - s("vgg16").params == 2 * channels
    assert s("vgg16_bn").buffers == 2 * channels + 13
    assert s("vgg16_bn").macs == s("vgg16").macs


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(chapter.TORCHVISION_ACC1))
def test_torchvision_metadata(name, torch):
    from torchvision.models import get_model_weights

    meta = get_model_weights(name).DEFAULT.meta
    assert meta["_metrics"]["ImageNet-1K"]["acc@1"] == pytest.approx(
        chapter.TORCHVISION_ACC1[name], abs=5e-4)
    assert meta["num_params"] == s(name).params


@pytest.mark.torch
def test_pytorch_saves_training_saved_about_the_cs231n_count_plus_pool_indices(torch):
    """The page: PyTorch keeps exactly calc's training_saved for torchvision's vgg16 at
    224x224: about each tensor of CS231n's list once (in-place ReLUs) plus every max pool's
    argmax as int64, 4 * count + 8 * pool outputs bytes per image, and less than
    training_activations. (The CPU's dropout masks are float32, not one byte: 3 more bytes
    per value.)"""
    import torchvision

    model = torchvision.models.vgg16().train()
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved = {}

    def pack(t):
        key = t.untyped_storage().data_ptr()
        if key not in params:
            saved[key] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(torch.randn(1, 3, 224, 224))
    measured = sum(saved.values())
    pools = sum(r.activations for r in s("vgg16").rows if r.type == "MaxPool2d")
    estimate = 4 * chapter.cs231n_count() + 8 * pools
    assert measured == s("vgg16").memory(1).training_saved + 3 * 2 * 4096
    assert abs(measured - estimate) / estimate < 0.005
    assert 4 * chapter.cs231n_count() < measured < s("vgg16").memory(1).training_activations


# --- No hand-typed numbers ---------------------------------------------------------------

# Every number left in the page's prose once fenced blocks, {{= }} shortcodes, inline code,
# math and link targets are removed, with where it comes from. A paper's printed value is
# listed only if a test above asserts it against calc, or if calc has nothing to compare it
# with (accuracies), which the reason says.
STRUCTURAL = "structural: kernel sizes (1x1, 3x3, 5x5, 7x7, 11x11), strides, block numbers, " \
             "table numbers, network names (VGG-16)"
ALLOWED = {
    "1": STRUCTURAL, "2": STRUCTURAL + "; '2-3 weeks' of training (Section 3.3, printed)",
    "3": STRUCTURAL + "; '2-3 weeks' (Section 3.3)", "4": "block number 4; Table numbers",
    "5": STRUCTURAL, "7": STRUCTURAL + "; Table 7; '7% higher' top-1 of B's 5x5 twin "
    "(Section 4.1, printed accuracy)",
    "11": "AlexNet's 11x11 first layer (Section 2.3) and A's 11 weight layers (Table 1): "
          "test_table_1_weight_layers_header",
    "16": "VGG-16's name; 16 weight layers in D (Table 1)", "19": "VGG-19's name; E's 19 layers",
    "32": "a CIFAR-sized 32x32 input suggested for the calculator (structural)",
    "34": "ResNet-34's name",
    "49": "Section 2.3's printed 49C^2: test_section_2_3_stacks",
    "81": "Section 2.3's printed '81% more': test_section_2_3_stacks",
    "64": "Table 1 width (test_generic_layout_section_2_1); batch 64 = 256 // 4, computed "
          "on the page (test_per_gpu_batch_section_3_1_and_3_3)",
    "128": "Table 1 width", "512": "Table 1 width",
    "256": "Table 1 width; batch 256 (Section 3.1); training scale S = 256 (Table 3); the "
           "input size suggested for the calculator",
    "224": "the paper's 224x224 input (Section 2.1): test_generic_layout_section_2_1",
    "1000": "FC width (Section 2.1)", "4096": "FC width (Section 2.1)",
    "133": "Table 2: test_table_2_is_calc_rounded_to_millions",
    "134": "Table 2", "138": "Table 2; CS231n's '138M': test_cs231n_totals_and_their_differences",
    "144": "Table 2; OverFeat's '144M weights' (Section 2.2): test_overfeat_144m_section_2_2",
    "24": "CS231n's printed '24M': test_cs231n_totals_and_their_differences",
    "93": "CS231n's printed '93MB': test_cs231n_totals_and_their_differences",
    "100": "CS231n's printed '100M' weights of the first FC layer",
    "140": "CS231n's printed 'total of 140M'",
    "15.3": "He et al. Section 4.1: test_resnet_paper_vgg_costs",
    "19.6": "He et al. Sections 3.3 and 4.1: test_resnet_paper_vgg_costs",
    # printed accuracies: no calc counterpart
    "7.3": "Table 7: VGG's ILSVRC-2014 submission, top-5 test error",
    "6.7": "Table 7 / Section 4.5: GoogLeNet (7 nets)", "6.8": "Table 7: VGG 2 nets",
    "7.0": "Table 7: VGG 1 net", "7.9": "Table 7: GoogLeNet 1 net",
    "16.4": "Table 7: Krizhevsky et al. 5 nets", "11.7": "Section 4.5: Clarifai without "
    "outside data", "25.3": "Appendix A: localisation error",
    "28.7": "Table 3: B, top-1", "28.1": "Table 3: C (S = 256), top-1",
    "27.0": "Table 3: D (S = 256), top-1", "29.7": "Table 3: A-LRN, top-1",
    "29.6": "Table 3: A, top-1",
    # section numbers
    "2.1": "Section number", "2.2": "Section number", "2.3": "Section number",
    "3.1": "Section number", "3.2": "Section number", "3.3": "Section number",
    "4.1": "Section number",
    # years and arXiv ids
    "2012": "year", "2013": "year", "2014": "year", "2015": "year", "2016": "year",
    "1409.1556": "arXiv id (VGG)", "1409.4842": "arXiv id (GoogLeNet)",
    "1502.03167": "arXiv id (batch normalisation)", "1512.03385": "arXiv id (ResNet)",
    "1603.08155": "arXiv id (perceptual losses)", "2302.04032": "arXiv id (Pihlgren et al.)",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
