"""The ResNets chapter (docs/resnets.md, scripts/chapters/resnets.py): every value it shows
from a source, checked against calc.

Sources, cited per test:

* He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", arXiv 1512.03385,
  CVPR 2016 ("the paper"): abstract, Sections 3.3, 3.4, 4.1, 4.2, Tables 1, 2, 3, 6.
* Xie et al., "Aggregated Residual Transformations for Deep Neural Networks" (ResNeXt),
  arXiv 1611.05431, and the facebookresearch/ResNeXt README.
* fb.resnet.torch's README and models/resnet.lua (the stride on the 3x3).
* torchvision's weights metadata and resnet.py documentation (the torch tier).
* T. He et al., "Bag of Tricks ...", arXiv 1812.01187; He et al., "Identity Mappings in Deep
  Residual Networks", arXiv 1603.05027; Wightman et al., "ResNet strikes back", arXiv
  2110.00476; Luo et al., arXiv 1701.04128; NVIDIA's ResNet-50 v1.5 page: printed values the
  page quotes, with nothing in calc to compare them with.

The last test reads the page and fails on any number in its prose that is neither computed
at build time nor listed in ALLOWED with its source.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from calc.checks import check
from calc.coverage import window_axis
from calc.models import get_model
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("resnets")

PAGE = ROOT / "docs" / "resnets.md"


def s(name, **kw):
    return summarize(get_model(name, **kw))


def rows(name, **kw):
    return {r.name: r for r in s(name, **kw).rows}


def gmacs(name, **kw):
    return s(name, **kw).macs / 1e9


# --- The paper: Table 1 ------------------------------------------------------------------

@pytest.mark.parametrize("name", chapter.DEPTHS)
def test_table_1_layout(name):
    """Table 1: block type and blocks per stage of each column; calc's zoo builds them, and
    the weighted layers on the main path (plus the FC layer) give the network's name."""
    block, layers = chapter.PAPER_TABLE_1[name]
    net = get_model(name)
    for stage, count in enumerate(layers, start=1):
        blocks = {n.name.split(".")[1] for n in net.nodes if n.name.startswith(f"layer{stage}.")}
        assert len(blocks) == count
    assert ("layer1.0.conv3" in {n.name for n in net.nodes}) == (block == "bottleneck")
    weighted = sum(r.type in ("Conv2d", "Linear") and ".downsample" not in r.name
                   for r in s(name).rows)
    assert weighted == int(name[len("resnet"):])


def test_table_1_output_sizes_and_stride_placement():
    """Table 1: output sizes 112, 56, 28, 14, 7; conv3_1, conv4_1, conv5_1 downsample. The
    paper's v1 strides the first 1x1; torchvision's v1.5 (and fb.resnet.torch) the 3x3."""
    r = rows("resnet50")
    assert r["conv1"].output[1:] == (112, 112) and r["maxpool"].output[1:] == (56, 56)
    for stage, size in zip((1, 2, 3, 4), (56, 28, 14, 7)):
        assert r[f"layer{stage}.0.add"].output[1:] == (size, size)
    v1, v15 = chapter.paper("resnet50"), get_model("resnet50")
    assert v1.node("layer2.0.conv1").layer.stride == (2, 2)
    assert v1.node("layer2.0.conv2").layer.stride == (1, 1)
    assert v15.node("layer2.0.conv1").layer.stride == (1, 1)
    assert v15.node("layer2.0.conv2").layer.stride == (2, 2)


def test_table_1_flops_as_printed():
    """Table 1's FLOPs row, x10^9, as printed."""
    assert chapter.PAPER_FLOPS == {"resnet18": "1.8", "resnet34": "3.6", "resnet50": "3.8",
                                   "resnet101": "7.6", "resnet152": "11.3"}


def test_table_1_flops_are_calc_macs():
    """The page: 18 and 34 with option A round to the print (B's ResNet-34 would print 3.7);
    101 and 152 with the stride on the 1x1 (v1) round to it (v1.5 would not); ResNet-50's
    v1 count rounds to 3.9 and only truncation gives 3.8."""
    f = chapter.PAPER_FLOPS
    rnd, cut = chapter.printed_round, chapter.printed_truncate
    for n in ("resnet18", "resnet34"):
        assert rnd(gmacs(n, shortcut="A"), f[n]) == f[n]
    assert rnd(gmacs("resnet18"), "1.8") == "1.8"
    assert rnd(gmacs("resnet34"), "3.6") == "3.7"
    for n in ("resnet101", "resnet152"):
        assert rnd(gmacs(n, stride_on="1x1"), f[n]) == f[n]
        assert rnd(gmacs(n), f[n]) != f[n]
    assert rnd(gmacs("resnet50", stride_on="1x1"), "3.8") == "3.9"
    assert cut(gmacs("resnet50", stride_on="1x1"), "3.8") == "3.8"
    made = chapter.flops_table()
    assert [r[5] for r in made.rows] == ["yes", "yes", "no: truncated, 3.8", "yes", "yes"]


def test_no_simple_convention_gives_all_three_bottleneck_flops():
    """The page: without the FC layer, without the projections, or without the first
    stage's projection, the v1 counts never round to 3.8, 7.6 and 11.3 together (nor do the
    v1.5 counts, nor truncation)."""
    names = ("resnet50", "resnet101", "resnet152")
    printed = [chapter.PAPER_FLOPS[n] for n in names]

    def variants(n):
        for stride_on in ("1x1", "3x3"):
            r = rows(n, stride_on=stride_on)
            total = s(n, stride_on=stride_on).macs
            fc = r["fc"].macs
            proj = sum(x.macs for k, x in r.items() if "downsample" in k)
            first = r["layer1.0.downsample.0"].macs
            yield from (total, total - fc, total - proj, total - first, total - fc - proj)

    table = {n: list(variants(n)) for n in names}
    for i in range(len(table[names[0]])):
        for mode in (chapter.printed_round, chapter.printed_truncate):
            got = [mode(table[n][i] / 1e9, p) for n, p in zip(names, printed)]
            assert got != printed


def test_torchvision_metadata_gflops_are_calc_macs():
    """torchvision's metadata GFLOPS for the ResNets (4.089, 7.801, 11.514 ...) are MACs."""
    expected = {"resnet18": 1.814, "resnet34": 3.664, "resnet50": 4.089, "resnet101": 7.801,
                "resnet152": 11.514, "resnext50_32x4d": 4.23, "wide_resnet50_2": 11.398}
    for name, g in expected.items():
        assert round(gmacs(name), 3) == g


def test_vgg_comparison_section_4_1():
    """He et al. print 19.6 billion for VGG-19 and 15.3 for VGG-16; ResNet-152 is cheaper."""
    assert round(gmacs("vgg19"), 1) == 19.6
    vgg16_convs = sum(r.macs for r in s("vgg16").rows if r.type == "Conv2d")
    assert round(vgg16_convs / 1e9, 1) == 15.3
    assert s("resnet152", stride_on="1x1").macs < vgg16_convs


def test_table_1_rows():
    made = chapter.table_1()
    by = {r[0]: r for r in made.rows}
    assert by["weighted layers (calc)"][2:] == (18, 34, 50, 101, 152)
    assert by["conv4_x"][6] == "[1x1, 256 \u00b7 3x3, 256 \u00b7 1x1, 1024] x36"
    assert by["conv3_x"][3] == "[3x3, 128 \u00b7 3x3, 128] x4"
    assert by["receptive field, px (calc)"][4] == s("resnet50", stride_on="1x1") \
        .receptive_field.size[0]


# --- The paper: Table 2 and the plain networks --------------------------------------------

def test_table_2_as_printed():
    """Table 2: top-1 error (%, 10-crop): plain-18 27.94, plain-34 28.54, ResNet-18 27.88,
    ResNet-34 25.03 (option A)."""
    assert chapter.PAPER_TABLE_2 == (("plain", 18, "27.94"), ("plain", 34, "28.54"),
                                     ("ResNet", 18, "27.88"), ("ResNet", 34, "25.03"))


@pytest.mark.parametrize("depth", (18, 34))
def test_option_a_costs_exactly_the_plain_network(depth):
    """Table 2's caption: the ResNets "have no extra parameter compared to their plain
    counterparts"; calc: the same parameters and the same MACs (a sum is not a MAC)."""
    plain, res = chapter.plain_summary(depth), s(f"resnet{depth}", shortcut="A")
    assert plain.params == res.params and plain.macs == res.macs
    assert plain.receptive_field == res.receptive_field
    assert sum(r.type == "Conv2d" for r in plain.rows) == depth - 1


def test_table_2_rows():
    made = chapter.table_2()
    params = {r[0]: r[1] for r in made.rows}
    for depth in (18, 34):
        assert params[f"plain-{depth}"] == params[f"ResNet-{depth} (option A)"] \
            == s(f"resnet{depth}", shortcut="A").params
    assert [r[-1] for r in made.rows] == ["27.94", "28.54", "27.88", "25.03"]


# --- The paper: Table 3, shortcut options -------------------------------------------------

def test_table_3_as_printed():
    """Table 3 (10-crop, ImageNet val): plain-34 28.54/10.02; ResNet-34 A 25.03/7.76,
    B 24.52/7.46, C 24.19/7.40; ResNet-50 22.85/6.71, -101 21.75/6.05, -152 21.43/5.71.
    Cross-checks: A's top-1 is Table 2's ResNet-34; the 50/101/152 rows round to the
    KaimingHe/deep-residual-networks README's 10-crop table (22.9/6.7, 21.8/6.1, 21.4/5.7)."""
    printed = {r[0]: (r[3], r[4]) for r in chapter.PAPER_TABLE_3}
    assert printed == {"plain-34": ("28.54", "10.02"), "ResNet-34 A": ("25.03", "7.76"),
                       "ResNet-34 B": ("24.52", "7.46"), "ResNet-34 C": ("24.19", "7.40"),
                       "ResNet-50": ("22.85", "6.71"), "ResNet-101": ("21.75", "6.05"),
                       "ResNet-152": ("21.43", "5.71")}
    assert printed["ResNet-34 A"][0] == chapter.PAPER_TABLE_2[3][2]
    assert printed["plain-34"][0] == chapter.PAPER_TABLE_2[1][2]
    readme = {"ResNet-50": ("22.9", "6.7"), "ResNet-101": ("21.8", "6.1"),
              "ResNet-152": ("21.4", "5.7")}
    for k, (t1, t5) in readme.items():
        assert tuple(str(Decimal(v).quantize(Decimal("0.1"), ROUND_HALF_UP))
                     for v in printed[k]) == (t1, t5)


def test_shortcut_options_costs():
    """Section 4.1: A has no extra parameters, B projects where the shape changes (3 in
    ResNet-34), C everywhere: "thirteen" more projections than B. D costs what B costs."""
    a, b, c, d = (s("resnet34", shortcut=k) for k in "ABCD")
    assert a.params == chapter.plain_summary(34).params
    assert chapter.projections_of(a) == 0 and chapter.projections_of(b) == 3
    assert chapter.projections_of(c) - chapter.projections_of(b) == 13
    assert d.params == b.params and d.macs == b.macs
    assert a.params < b.params < c.params
    made = chapter.table_3()
    assert [r[4] for r in made.rows[:7]] == [r[3] for r in chapter.PAPER_TABLE_3]


def test_bottleneck_projection_doubles_the_block():
    """Section 4.1: a projection in place of the bottleneck's identity would double its
    time complexity and model size: 1024x1024 weights against the block's 17 x 256^2."""
    block = sum(rows("resnet50")[f"layer3.1.{c}"].params for c in ("conv1", "conv2", "conv3"))
    assert block == 17 * 256 ** 2 and 1024 * 1024 / block > 0.9
    c = rows("resnet50", shortcut="C")
    assert c["layer3.1.downsample.0"].params == 1024 * 1024


def test_resnet_d_is_misaligned_by_half_a_cell():
    """The page: ResNet-D's 2x2 pool centres the shortcut 2 px (half a cell of a stride-4
    map) from the main path; calc flags the sum and gives no field; no gaps remain."""
    r = rows("resnet50", shortcut="D")
    gap = r["layer2.0.downsample.2"].rf.centre(0) - r["layer2.0.bn3"].rf.centre(0)
    assert gap == 2 == r["layer1.2.relu_3"].rf.stride[0] / 2
    assert s("resnet50", shortcut="D").receptive_field is None
    assert [f.rule for f in check(get_model("resnet50", shortcut="D"))] == ["misaligned"]


# --- The blocks --------------------------------------------------------------------------

def test_block_arithmetic():
    """18C^2 for the basic block, 17C^2 for the bottleneck; MACs in the same ratio; the basic
    block widens the field by 4 cells, the bottleneck by 2."""
    r34, r50 = rows("resnet34"), rows("resnet50")
    basic = r34["layer3.1.conv1"].params + r34["layer3.1.conv2"].params
    bottle = sum(r50[f"layer3.1.{c}"].params for c in ("conv1", "conv2", "conv3"))
    assert basic == 18 * 256 ** 2 and bottle == 17 * 256 ** 2
    macs = (sum(r50[f"layer3.1.{c}"].macs for c in ("conv1", "conv2", "conv3"))
            / (r34["layer3.1.conv1"].macs + r34["layer3.1.conv2"].macs))
    assert round(100 * macs, 1) == round(100 * 17 / 18, 1)
    for r, cells in ((r34, 4), (r50, 2)):
        grow = (r["layer3.1.add"].rf.size[0] - r["layer3.0.add"].rf.size[0])
        assert grow // r["layer3.0.add"].rf.stride[0] == cells
    assert s("resnet50").receptive_field.size[0] < s("resnet34").receptive_field.size[0]


def test_resnet50_against_resnet34():
    """The page: ResNet-50's blocks are cheaper than ResNet-34's; its projections are not."""
    p34, p50 = chapter.macs_by_part("resnet34"), chapter.macs_by_part("resnet50",
                                                                        stride_on="1x1")
    assert p50["3x3"] + p50["1x1"] < p34["3x3"]
    assert p50["projections"] > 10 * p34["projections"]
    assert sum(p50.values()) == s("resnet50", stride_on="1x1").macs
    assert sum(chapter.macs_by_part("resnet34", shortcut="A").values()) \
        == s("resnet34", shortcut="A").macs


def test_design_rule_section_3_3():
    """"if the feature map size is halved, the number of filters is doubled so as to preserve
    the time complexity per layer": every width-keeping 3x3 costs the same."""
    r34, r50 = rows("resnet34"), rows("resnet50")
    costs = {r34[n].macs for n in ("layer1.0.conv1", "layer2.1.conv1", "layer3.1.conv1",
                                   "layer4.1.conv1")}
    costs |= {r50[f"layer{i}.1.conv2"].macs for i in (1, 2, 3, 4)}
    assert len(costs) == 1


def test_stages_figure_numbers():
    parts = {g["part"]: g for g in chapter.stage_totals("resnet50")}
    assert sum(g["params"] for g in parts.values()) == s("resnet50").params
    assert sum(g["macs"] for g in parts.values()) == s("resnet50").macs
    assert parts["conv5_x"]["params"] > 0.5 * s("resnet50").params


# --- v1 against v1.5 ---------------------------------------------------------------------

def test_v1_v15_difference_is_three_reductions():
    """Only layer{2,3,4}.0.conv1 change, each by 3/4 of its v1.5 MACs; params identical."""
    a, b = rows("resnet50", stride_on="1x1"), rows("resnet50")
    changed = [n for n in a if a[n].macs != b[n].macs]
    assert changed == ["layer2.0.conv1", "layer3.0.conv1", "layer4.0.conv1"]
    assert {b[n].macs - a[n].macs for n in changed} == {3 * a["layer2.0.conv1"].macs}
    assert s("resnet50").params == s("resnet50", stride_on="1x1").params
    made = chapter.v1_table()
    assert made.rows[-1][-1].sort == s("resnet50").macs - s("resnet50", stride_on="1x1").macs


def test_v1_reads_a_quarter_and_the_checks_count_it():
    """The page: a 1x1 stride-2 conv reads one pixel in four (784 of 3,136 at conv3_1);
    calc's gaps check finds 6 such convs in v1, 3 in v1.5, 0 with ResNet-D."""
    assert chapter.unread_fraction(56, 1, 2, 0) == 0.75
    assert chapter.unread_fraction(56, 3, 2, 1) == 0 == chapter.unread_fraction(56, 2, 2, 0)
    assert len(chapter.v1_gap_findings(stride_on="1x1")) == 6
    assert len(chapter.v1_gap_findings()) == 3
    assert len(chapter.v1_gap_findings(shortcut="D")) == 0


@pytest.mark.parametrize("label, k, stride, pad, role", chapter.DOWNSAMPLERS)
def test_downsampling_figure_agrees_with_calc_coverage(label, k, stride, pad, role):
    """The figure's counts come from the layer's geometry; calc's coverage mask agrees on
    which cells are read."""
    reads = chapter.window_reads(56, k, stride, pad)
    axis = window_axis(56, k, stride, pad, pooling=k == 2)
    mask = axis.read_mask()[pad:pad + 56]
    assert [int(x > 0) for x in reads] == list(mask)
    assert sum(x == 0 for x in reads) == axis.unread


def test_v1_field_is_wider():
    """The page: the paper's ResNet-50 sees 483 px, torchvision's 427 (8 + 16 + 32 more)."""
    assert s("resnet50", stride_on="1x1").receptive_field.size[0] \
        - s("resnet50").receptive_field.size[0] == 8 + 16 + 32


# --- ResNeXt -----------------------------------------------------------------------------

def test_resnext_templates_readme():
    """The ResNeXt README's 1x complexity templates: (cardinality, baseWidth) = (1, 64),
    (2, 40), (4, 24), (8, 14), (32, 4); each within 5% of ResNet-50's params and MACs."""
    assert chapter.RESNEXT_1X == ((1, 64), (2, 40), (4, 24), (8, 14), (32, 4))
    base = s("resnet50")
    for c, d in chapter.RESNEXT_1X:
        t = s("resnet", groups=c, width_per_group=d)
        assert abs(t.params - base.params) / base.params < 0.05
        assert abs(t.macs - base.macs) / base.macs < 0.05
    assert s("resnet", groups=32, width_per_group=4).params == s("resnext50_32x4d").params
    assert rows("resnext50_32x4d")["layer1.0.conv2"].params == 9 * 128 * 128 // 32


def test_resnext_readme_table():
    """README, single-crop 224: ResNet-50 ~4.1 GFLOPS 23.9; ResNeXt-50 (32x4d) ~4.1 22.2;
    ResNet-101 ~7.8 22.0; ResNeXt-101 (32x4d) ~7.8 21.2; ResNeXt-101 (64x4d) ~15.6 20.4.
    Each printed ~GFLOPS is calc's v1.5 MAC count within 5%."""
    assert [(r[0], r[2], r[3]) for r in chapter.RESNEXT_README] == [
        ("ResNet-50 (1x64d)", "~4.1", "23.9"), ("ResNeXt-50 (32x4d)", "~4.1", "22.2"),
        ("ResNet-101 (1x64d)", "~7.8", "22.0"), ("ResNeXt-101 (32x4d)", "~7.8", "21.2"),
        ("ResNeXt-101 (64x4d)", "~15.6", "20.4")]
    for label, model, gflops, _ in chapter.RESNEXT_README:
        macs = chapter._model_of(model).macs / 1e9
        assert abs(macs - float(gflops[1:])) / float(gflops[1:]) < 0.05, label


# --- CIFAR (Table 6) ---------------------------------------------------------------------

def test_table_6_as_printed():
    """Table 6: n, depth, params (M) and error (%): 20 0.27 8.75, 32 0.46 7.51, 44 0.66
    7.17, 56 0.85 6.97, 110 1.7 6.43, 1202 19.4 7.93 (the errors as akamaster's README also
    quotes them)."""
    assert chapter.PAPER_TABLE_6 == ((3, 20, "0.27", "8.75"), (5, 32, "0.46", "7.51"),
                                     (7, 44, "0.66", "7.17"), (9, 56, "0.85", "6.97"),
                                     (18, 110, "1.7", "6.43"), (200, 1202, "19.4", "7.93"))


@pytest.mark.parametrize("n, depth, millions, err", chapter.PAPER_TABLE_6)
def test_table_6_params(n, depth, millions, err):
    """Section 4.2: depth 6n + 2; calc's exact count rounds to the printed millions."""
    assert depth == 6 * n + 2
    assert chapter.printed_round(s(f"cifar_resnet_{depth}").params / 1e6, millions) == millions


def test_table_6_rows_and_fields():
    made = chapter.table_6()
    assert all(r[2] == r[4] for r in made.rows)
    assert all(r[6] > 32 for r in made.rows)


# --- The receptive field -----------------------------------------------------------------

def test_resnet50_field_passes_the_input_at_layer3_4():
    r = rows("resnet50")
    assert r["layer3.3.add"].rf.size[0] < 224 < r["layer3.4.add"].rf.size[0]
    ends = chapter.block_ends("resnet50")
    assert next(e for e in ends if e[2] > 224)[0] == "layer3.4"
    assert ends[-1][2] == s("resnet50").receptive_field.size[0]


def test_field_does_not_depend_on_input_size():
    assert s("resnet50", input_shape=(3, 448, 448)).receptive_field \
        == s("resnet50").receptive_field


def test_resnet34_earns_the_large_field_note():
    """calc notes a field over four times the input (Luo et al.)."""
    assert [f.rule for f in check(get_model("resnet34")) if f.rule == "large_field"] \
        == ["large_field"]
    assert not [f for f in check(get_model("resnet50")) if f.rule == "large_field"]


def test_effective_field_illustration_grows_with_the_square_root():
    """The figure's right panel: the 95% width of an equal-weight 3x3 stack grows about as
    the square root of the depth (4x the layers: about 2x the width), the field linearly."""
    width = {n: chapter.central_width(chapter.uniform_stack_profile(n)) for n in (6, 12, 24, 48)}
    for n in (6, 12):
        assert abs(width[4 * n] / width[n] - 2) < 0.35
    assert width[48] < (2 * 48 + 1) / 3
    assert chapter.uniform_stack_profile(2) == [1, 2, 3, 2, 1]


# --- Figures and tables render with their numbers ---------------------------------------

def test_accuracy_table_and_figure_use_the_metadata_values():
    made = chapter.torchvision_table()
    by = {r[0]: r for r in made.rows}
    assert by["resnet50"][3].sort == 76.130 and by["resnet50"][4].sort == 80.858
    assert by["resnext101_64x4d"][3] == "" and by["resnext101_64x4d"][4].sort == 83.246
    assert all(r[1] == s(r[0]).params for r in made.rows)


def test_page_claims_about_torchvision_accuracy():
    """The page: the new-recipe ResNet-50 beats the simple-recipe ResNet-152; ResNeXt-50
    beats ResNet-50 under both recipes."""
    acc = chapter.accuracy
    assert acc("resnet50", "new") > acc("resnet152", "simple")
    for recipe in ("simple", "new"):
        assert acc("resnext50_32x4d", recipe) > acc("resnet50", recipe)


# --- torchvision's metadata (torch tier) ------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("key", sorted(chapter.TORCHVISION_ACC1))
def test_torchvision_metadata(key, torch):
    from torchvision.models import get_model_weights

    model, weights = key
    meta = get_model_weights(model)[weights].meta
    acc, recipe = chapter.TORCHVISION_ACC1[key]
    assert meta["_metrics"]["ImageNet-1K"]["acc@1"] == pytest.approx(acc, abs=5e-4)
    assert meta["num_params"] == s(model).params
    assert meta["_ops"] == pytest.approx(gmacs(model), abs=5e-4)
    docs = " ".join(meta.get("_docs", "").split())
    assert {"simple": "simple training recipe", "new": "new training recipe"}[recipe] in docs


@pytest.mark.torch
def test_torchvision_documents_v15(torch):
    """torchvision's resnet50 documentation: the stride on the 3x3, "ResNet V1.5"."""
    import torchvision.models.resnet as tv

    assert "ResNet V1.5" in tv.resnet50.__doc__
    model = tv.resnet50()
    assert model.layer2[0].conv2.stride == (2, 2) and model.layer2[0].conv1.stride == (1, 1)


@pytest.mark.torch
def test_plain_network_matches_torchvision_without_shortcuts(torch):
    """The chapter's plain-34 has the parameters of torchvision's resnet34 less its three
    downsample projections (conv + BN)."""
    import torchvision

    model = torchvision.models.resnet34()
    down = sum(p.numel() for n, p in model.named_parameters() if "downsample" in n)
    assert chapter.plain_summary(34).params == sum(p.numel() for p in model.parameters()) - down


# --- No hand-typed numbers ---------------------------------------------------------------

STRUCTURAL = ("structural: kernel sizes (1x1, 3x3, 7x7), strides, map sizes, widths, block "
              "counts, network names (ResNet-50), knob values suggested for the calculator")
ALLOWED = {
    "1": STRUCTURAL, "2": STRUCTURAL + "; 6n + 2", "3": STRUCTURAL + "; Table 3",
    "4": STRUCTURAL + "; 32x4d; Section 4.1", "6": STRUCTURAL + "; 6n + 2; Table 6",
    "7": STRUCTURAL, "8": "8x8 map of the CIFAR family (Section 4.2)",
    "10": "10-crop testing (Tables 2, 3); CIFAR-10's 10-way classifier (Section 4.2)",
    "19": "VGG-19's name",
    "2,2,2,2": "Layers knob values (Table 1's blocks per stage)", "3,4,6,3": "Layers knob",
    "3,4,23,3": "Layers knob", "3,8,36,3": "Layers knob",
    "14": "14x14 map (Table 1)", "16": "CIFAR widths and 16x16 map (Section 4.2)",
    "18": "ResNet-18's name; 18 layers (Table 1)", "20": "ResNet-20's name (Table 6)",
    "21": "a depth the CIFAR calculator refuses (not 6n + 2): test_table_6_params",
    "23": "ResNet-101's 23 blocks in conv4_x (Table 1): test_table_1_layout",
    "32": "CIFAR's 32x32 input; ResNeXt 32x4d; CIFAR width (Section 4.2)",
    "34": "ResNet-34's name", "36": "ResNet-152's 36 blocks in conv4_x: test_table_1_layout",
    "50": "ResNet-50's name", "56": "ResNet-56 / 56-layer plain net (Figure 1); 56x56 map",
    "64": "Table 1 and CIFAR widths; ResNeXt 64x4d", "101": "ResNet-101's name",
    "110": "ResNet-110's name (Table 6)", "128": "widths; width_per_group 128",
    "152": "ResNet-152's name", "224": "the 224x224 input (Table 1)",
    "256": "widths (Table 1); batch 256 (Section 3.4, KaimingHe README)",
    "448": "an input size for the calculator",
    "1000": "the 1000-way classifier (Table 1)", "1024": "widths (Table 1); an input size",
    "1202": "ResNet-1202's name (Table 6)",
    "1001": "Identity Mappings' 1001-layer network (its abstract)",
    "200": "Identity Mappings' 200-layer ImageNet network (its abstract)",
    # the paper's printed values
    "3.57": "the paper's abstract: ensemble top-5 test error, ILSVRC 2015",
    "27.94": "Table 2: test_table_2_as_printed", "28.54": "Tables 2 and 3",
    "27.88": "Table 2", "25.03": "Tables 2 and 3: test_table_3_as_printed",
    "24.52": "Table 3", "24.19": "Table 3",
    "1.8": "Table 1 FLOPs: test_table_1_flops_are_calc_macs", "3.6": "Table 1 FLOPs",
    "3.7": "ResNet-34 option B rounded: test_table_1_flops_are_calc_macs",
    "3.8": "Table 1 FLOPs (ResNet-50)", "3.9": "ResNet-50 v1 rounded",
    "7.6": "Table 1 FLOPs", "11.3": "Table 1 FLOPs",
    "15.3": "Section 4.1, VGG-16: test_vgg_comparison_section_4_1",
    "19.6": "Section 4.1, VGG-19: test_vgg_comparison_section_4_1",
    "8.75": "Table 6: test_table_6_as_printed", "6.43": "Table 6", "7.93": "Table 6",
    # other sources' printed values (no calc counterpart)
    "77.16": "Bag of Tricks: ResNet-50-D top-1 (paperswithcode's listing of the paper)",
    "75.3": "Bag of Tricks abstract", "79.29": "Bag of Tricks abstract",
    "0.5": "NVIDIA's ResNet-50 v1.5 page: ~0.5% top-1", "5": "NVIDIA's page: ~5% imgs/sec",
    "22.2": "ResNeXt README: test_resnext_readme_table", "23.9": "ResNeXt README",
    "4.62": "Identity Mappings abstract (CIFAR-10 error)",
    "80.4": "ResNet strikes back abstract",
    "80.858": "torchvision metadata: test_torchvision_metadata",
    "76.13": "torchvision metadata (76.130): test_torchvision_metadata",
    # section numbers, years, arXiv ids
    "3.3": "Section number", "3.4": "Section number", "4.1": "Section number",
    "4.2": "Section number",
    "2015": "year", "2016": "year", "2017": "year", "2019": "year", "2021": "year",
    "1512.03385": "arXiv id", "1502.03167": "arXiv id", "1812.01187": "arXiv id",
    "1611.05431": "arXiv id", "1701.04128": "arXiv id", "1603.05027": "arXiv id",
    "2110.00476": "arXiv id",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
