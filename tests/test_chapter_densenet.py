"""The DenseNet chapter (docs/densenet.md, scripts/chapters/densenet.py) against its sources.

Sources:
* Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional Networks",
  CVPR 2017, arXiv 1608.06993: section 1, section 3 (growth rate, bottleneck, compression,
  implementation details), Table 1 (ImageNet architectures), Table 2 (CIFAR parameters and
  errors), Table 3 (ImageNet errors), sections 4.2 to 4.4 and 5.
* Pleiss, Chen, Huang, Li, van der Maaten & Weinberger, "Memory-Efficient Implementation of
  DenseNets", arXiv 1707.06990, abstract; their code's README (gpleiss/efficient_densenet_pytorch).
* The authors' repository, liuzhuang13/DenseNet (README: Table 2's rows, the Wide-DenseNets).
* torchvision: weights metadata and the DenseNet class (memory_efficient), torch tier.

Every printed value the page or its tables show is held against calc here, with the source's
rounding, and a last test makes sure the prose holds no other number.
"""

import itertools
import re
import sys

import pytest

from calc.errors import CalcError
from calc.models import get_model
from calc.render.numbers import nbytes
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("densenet")
sys.path.insert(0, str(ROOT / "scripts" / "hooks"))
import shortcodes  # noqa: E402

PAGE = ROOT / "docs" / "densenet.md"


def params(name, **knobs):
    return summarize(get_model(name, **knobs)).params


def macs(name, **knobs):
    return summarize(get_model(name, **knobs)).macs


# ------------------------------------------------------------------------------------------
# Table 1: the ImageNet DenseNets

TABLE_1_SIZES = ("112 × 112", "56 × 56", "56 × 56", "56 × 56 → 28 × 28", "28 × 28",
                 "28 × 28 → 14 × 14", "14 × 14", "14 × 14 → 7 × 7", "7 × 7", "1 × 1")


def test_table_1_as_printed():
    assert chapter.PAPER_TABLE_1 == {"DenseNet-121": (6, 12, 24, 16),
                                     "DenseNet-169": (6, 12, 32, 32),
                                     "DenseNet-201": (6, 12, 48, 32),
                                     "DenseNet-264": (6, 12, 64, 48)}
    assert chapter.TABLE_1_GROWTH_RATE == 32
    assert tuple(r[1] for r in chapter.TABLE_1_ROWS) == TABLE_1_SIZES


def test_table_1_output_sizes_agree_in_all_four_networks():
    made = chapter.table_1()
    body = made.rows[:len(TABLE_1_SIZES)]
    for row, printed in zip(body, TABLE_1_SIZES):
        assert row[1] == row[2] == printed, row
    for config in chapter.PAPER_TABLE_1.values():
        net = chapter.imagenet_densenet(config)
        for label, printed, node in chapter.TABLE_1_ROWS:
            out = net.node(node).output_shape
            assert printed.endswith(f"{out[1]} × {out[2]}"), (config, label)


def test_table_1_networks_are_torchvisions():
    """Table 1's first three networks are torchvision's densenet121/169/201, exactly; the
    stem has 2k channels ("2k convolutions of size 7x7 with stride 2", section 3)."""
    for name, zoo in (("DenseNet-121", "densenet121"), ("DenseNet-169", "densenet169"),
                      ("DenseNet-201", "densenet201")):
        s = chapter.table_1_summary(chapter.PAPER_TABLE_1[name])
        assert s.params == params(zoo) and s.macs == macs(zoo)
    for zoo, k in (("densenet121", 32), ("densenet161", 48)):
        net = get_model(zoo)
        assert net.node("features.conv0").layer.out_channels == 2 * k
        assert net.node("features.denseblock1.denselayer1.conv2").layer.out_channels == k
    net = get_model("densenet161")
    assert [len([n for n in net.nodes if n.name.startswith(f"features.denseblock{b}.")
                 and n.name.endswith(".conv2")]) for b in (1, 2, 3, 4)] == [6, 12, 36, 24]
    assert params("densenet", growth_rate=48, block_config=(6, 12, 36, 24),
                  num_init_features=96) == params("densenet161")


def test_names_count_weighted_layers_but_264_has_265():
    for name, config in chapter.PAPER_TABLE_1.items():
        net = chapter.imagenet_densenet(config)
        assert chapter.weighted_layers(net) == chapter.named_depth(config)
        assert (chapter.named_depth(config) == int(name.split("-")[1])) == (name != "DenseNet-264")
    assert chapter.named_depth((6, 12, 64, 48)) == 265
    made = chapter.table_1()
    layers = next(r for r in made.rows if r[0] == "weighted layers (calc)")
    assert layers[4:] == (121, 169, 201, 265)
    blocks = [r for r in made.rows if r[0].startswith("Dense Block")]
    for b, row in enumerate(blocks):
        assert row[4:] == tuple(c[b] for c in chapter.PAPER_TABLE_1.values())
        for n, config in zip(row[4:], chapter.PAPER_TABLE_1.values()):
            net = chapter.imagenet_densenet(config)
            assert n == len([x for x in net.nodes if x.name.startswith(
                f"features.denseblock{b + 1}.") and x.name.endswith(".conv2")])


def test_table_1_calc_rows():
    made = chapter.table_1()
    by = {r[0]: r[4:] for r in made.rows}
    assert by["params (calc)"] == tuple(chapter.table_1_summary(c).params
                                        for c in chapter.PAPER_TABLE_1.values())
    assert by["params (calc)"][:3] == (7_978_856, 14_149_480, 20_013_928)
    assert by["channels into the classifier (calc)"] == (1024, 1664, 1920, 2688)
    assert by["torchvision model"] == ("densenet121", "densenet169", "densenet201", "none")


def test_smallest_input_is_torchvisions_min_size():
    get_model("densenet121", input_shape=(3, 29, 29))
    with pytest.raises(CalcError, match="transition3.pool"):
        get_model("densenet121", input_shape=(3, 28, 28))


# ------------------------------------------------------------------------------------------
# The dense block, B and C

def test_growth_rate_formula_and_block_sums():
    """Layer l reads k0 + k(l - 1) channels (section 3); a block's inputs sum to
    L k0 + k L(L-1)/2, quadratic in L."""
    net = get_model("densenet121")
    layers = chapter.layer_inputs(net)
    for block in {d["block"] for d in layers}:
        mine = [d for d in layers if d["block"] == block]
        k0, k = mine[0]["in_channels"], mine[0]["growth"]
        assert [d["in_channels"] for d in mine] == [k0 + k * (i - 1) for i in
                                                    range(1, len(mine) + 1)]
        L = len(mine)
        assert sum(d["in_channels"] for d in mine) == L * k0 + k * L * (L - 1) // 2
        assert all(d["inner"] == 4 * k for d in mine)     # "4k feature-maps" (section 3)
    third = [d for d in layers if d["block"] == "features.denseblock3"]
    assert len(third) == 24 and sum(d["in_channels"] for d in third) == 14_976


def test_block_figure_numbers():
    made = chapter.block_figure()
    assert "64-channel block input" in made.alt and "up to 224" in made.alt
    assert "outputs 256" in made.alt and "to 128 at 28×28" in made.alt


def test_bottleneck_break_even():
    """With B a layer costs 4kC + 36k^2 per position, without 9kC: B pays when C > 36k/5."""
    made = chapter.layer_cost()
    for block, index, grid, c, with_b, plain, ratio in made.rows:
        h, w = (int(v) for v in grid.split("×"))
        k = 32
        assert with_b == h * w * (4 * k * c + 36 * k * k)
        assert plain == h * w * 9 * k * c
        assert (plain > with_b) == (c > 36 * k / 5)
    by = {(r[0], r[1]): r for r in made.rows}
    assert all(by[("block 1", i)][6] < 1 for i in (1, 6))
    assert by[("block 3", 24)][3] == 992 and by[("block 3", 24)][6] > 1


def test_family_variants_start_from_densenet121():
    """The family's defaults (B on, theta = 0.5) are torchvision's densenet121."""
    net = get_model("densenet", bottleneck=True, compression=0.5)
    s, z = summarize(net), summarize(get_model("densenet121"))
    assert (s.params, s.macs) == (z.params, z.macs)
    assert s.memory(32).training_saved == z.memory(32).training_saved
    # without compression the blocks end with k0 + k * (6 + 12 + 24 + 16) channels
    wide = get_model("densenet", compression=1.0)
    assert wide.node("features.norm5").output_shape[0] == 64 + 32 * 58 == 1920
    # without the bottleneck a dense layer is one 3x3 conv to k on the concatenation
    plain = get_model("densenet", bottleneck=False)
    conv = plain.node("features.denseblock3.denselayer24.conv1").layer
    assert (conv.in_channels, conv.out_channels, conv.kernel_size) == (992, 32, (3, 3))


def test_what_b_and_c_buy():
    """The page: on the ImageNet layout removing C costs params, MACs and memory; removing
    B costs params and MACs but saves memory; on CIFAR at depth 100 B and C together cut the
    parameters ninefold (Figure 4, left: DenseNet-BC the most parameter-efficient)."""
    v = {x["label"].split(" (")[0] + ("/cifar" if "L=100" in x["label"] else ""): x
         for x in chapter.bc_variants()}
    bc, b, c, plain = v["DenseNet-BC"], v["DenseNet-B"], v["DenseNet-C"], v["DenseNet"]
    for with_c, without_c in ((bc, b), (c, plain)):
        assert all(without_c[key] > with_c[key] for key in ("params", "macs", "saved"))
    for with_b, without_b in ((bc, c), (b, plain)):
        assert without_b["params"] > with_b["params"] and without_b["macs"] > with_b["macs"]
        assert without_b["saved"] < with_b["saved"]
    cifar = [x for x in chapter.bc_variants() if "L=100" in x["label"]]
    assert min(cifar, key=lambda x: x["params"])["label"].startswith("DenseNet-BC")
    assert cifar[-1]["params"] == params("densenet_100_12")
    assert round(params("densenet_100_12") / params("densenet_bc_100_12"), 1) == 9.1


def test_channels_figure():
    made = chapter.channels_figure()
    assert "121 weighted layers" in made.alt
    assert "from 64 to 992" in made.alt and "reads 128" in made.alt
    assert "256 → 128 channels; 512 → 256 channels; 1024 → 512 channels" in made.alt


# ------------------------------------------------------------------------------------------
# Table 2: the CIFAR DenseNets

def test_table_2_as_printed():
    assert [(n, L, k, p) for n, L, k, _, p, _, _ in chapter.PAPER_TABLE_2] == [
        ("DenseNet", 40, 12, "1.0M"), ("DenseNet", 100, 12, "7.0M"),
        ("DenseNet", 100, 24, "27.2M"), ("DenseNet-BC", 100, 12, "0.8M"),
        ("DenseNet-BC", 250, 24, "15.3M"), ("DenseNet-BC", 190, 40, "25.6M")]
    # C10+ and C100+ errors, Table 2 (the authors' README repeats them)
    assert [(c10, c100) for *_, c10, c100 in chapter.PAPER_TABLE_2] == [
        (5.24, 24.42), (4.10, 20.20), (3.74, 19.25), (4.51, 22.27), (3.62, 17.60),
        (3.46, 17.18)]


@pytest.mark.parametrize("row", chapter.PAPER_TABLE_2, ids=lambda r: r[3])
def test_table_2_params_round_to_the_printed_value(row):
    name, depth, k, model, printed, *_ = row
    p = params(model)
    assert f"{p / 1e6:.1f}M" == printed
    assert get_model(model) is not None
    assert params("cifar_densenet", depth=depth, growth_rate=k,
                  bottleneck=name.endswith("BC"), compression=0.5 if name.endswith("BC")
                  else 1.0) == p


def test_cifar_layout_as_section_3_describes():
    """Three blocks on 32x32, 16x16 and 8x8; a stem of 16 channels or 2k; L = 3n + 4 or 6n + 4."""
    for model, stem, n in (("densenet_40_12", 16, 12), ("densenet_100_12", 16, 32),
                           ("densenet_bc_100_12", 24, 16), ("densenet_bc_250_24", 48, 41)):
        net = get_model(model)
        assert net.node("conv1").layer.out_channels == stem
        for block, size in ((1, 32), (2, 16), (3, 8)):
            convs = [x for x in net.nodes if x.name.startswith(f"block{block}.")
                     and x.name.endswith(".conv1")]
            assert len(convs) == n and convs[0].output_shape[1:] == (size, size)
    made = chapter.table_2()
    assert [r[3] for r in made.rows[:6]] == [12, 32, 32, 16, 41, 31]


def test_table_2_claims_of_the_page():
    """k = 12 -> 24 at depth 100: "a 4x growth of parameters" (section 4.3), 3.9 exactly;
    DenseNet-BC (L=250, k=24) beats DenseNet (L=100, k=24) on C10+ and C100+ with fewer
    parameters; the repository's wide DenseNets' parameter counts."""
    ratio = params("densenet_100_24") / params("densenet_100_12")
    assert round(ratio) == 4 and round(ratio, 2) == 3.9
    rows = {r[3]: r for r in chapter.PAPER_TABLE_2}
    assert rows["densenet_bc_250_24"][5] < rows["densenet_100_24"][5]
    assert rows["densenet_bc_250_24"][6] < rows["densenet_100_24"][6]
    assert params("densenet_bc_250_24") < params("densenet_100_24")
    for _, model, printed in chapter.WIDE_DENSENETS:
        assert f"{params(model) / 1e6:.1f}M" == printed
    assert [m for _, m, _ in chapter.WIDE_DENSENETS] == ["densenet_bc_40_36", "densenet_bc_40_48",
                                                        "densenet_bc_40_60"]


def test_wide_densenet_memory_close_to_bc_100():
    """The authors' README: Wide-DenseNet-BC (L=40, k=48) "uses about the same memory/time"
    as DenseNet-BC (L=100, k=12); calc's saved activations agree within 10%, at 4x the MACs."""
    a = summarize(get_model("densenet_bc_40_48")).memory(64).training_saved
    b = summarize(get_model("densenet_bc_100_12")).memory(64).training_saved
    assert abs(a / b - 1) < 0.1
    assert round(macs("densenet_bc_40_48") / macs("densenet_bc_100_12"), 1) == 4.0


# ------------------------------------------------------------------------------------------
# Parameter efficiency (sections 4.3, 4.4, 5; Table 3)

def test_parameter_claims():
    # "15.3M parameters ... FractalNet and Wide ResNets that have more than 30M" (4.3)
    assert params("wrn_28_10") > 30e6
    # "DenseNet-201 with 20M parameters ... 101-layer ResNet with more than 40M" (4.4)
    assert round(params("densenet201") / 1e6) == 20 and params("resnet101") > 40e6
    # "a ResNet-101, which requires twice as much computation" as a ResNet-50 (4.4)
    assert round(macs("resnet101") / macs("resnet50")) == 2
    # 0.8M against the 1001-layer ResNet's printed 10.2M: "90% fewer parameters" (4.3, 5)
    assert f"{params('densenet_bc_100_12') / 1e6:.1f}M" == "0.8M"
    assert 1 - params("densenet_bc_100_12") / 10.2e6 > 0.9
    # Pleiss et al.: "A 264-layer DenseNet (73M parameters)": k = 48, a 2k stem
    big = params("densenet", growth_rate=48, block_config=(6, 12, 64, 48), num_init_features=96)
    assert f"{round(big / 1e6)}M" == chapter.PLEISS_264_PARAMS
    assert round(params("densenet", block_config=(6, 12, 64, 48)) / 1e6) != 73


def test_table_3_as_printed():
    assert chapter.PAPER_TABLE_3 == {"DenseNet-121": ((25.02, 23.61), (7.71, 6.66)),
                                     "DenseNet-169": ((23.80, 22.08), (6.85, 5.92)),
                                     "DenseNet-201": ((22.58, 21.46), (6.34, 5.54)),
                                     "DenseNet-264": ((22.15, 20.80), (6.12, 5.29))}
    made = chapter.imagenet_table()
    assert [r[4] for r in made.rows[:4]] == ["25.02", "23.80", "22.58", "22.15"]
    # torchvision's ported weights come out slightly worse than Table 3's single crop
    for row in made.rows[:3]:
        assert 0 < float(row[7]) - float(row[4]) < 1


def test_efficiency_figure_claims():
    """densenet121 beats resnet34 with fewer parameters; densenet201 is within half a point of
    resnet101 with under half its parameters; densenet161 and resnet101 meet on MACs."""
    acc = chapter.TORCHVISION_ACC1
    assert acc["densenet121"] > acc["resnet34"] and params("densenet121") < params("resnet34")
    assert acc["resnet101"] - acc["densenet201"] < 0.5
    assert params("densenet201") < params("resnet101") / 2
    assert abs(macs("densenet161") / macs("resnet101") - 1) < 0.01
    assert acc["resnet101"] > acc["densenet161"]
    assert round(params("resnet101") / params("densenet161"), 1) == 1.6
    assert chapter.RESNET50_V2_ACC1 > max(acc[d] for d in chapter.DENSENETS)


# ------------------------------------------------------------------------------------------
# Memory

def test_cifar_torchvision_layout_equals_calcs_cifar_densenet():
    """Same parameters, MACs and every memory count as calc's densenet_bc_*: only names differ."""
    for depth, k in ((100, 12), (190, 40)):
        tv = summarize(chapter.cifar_bc_torchvision_layout(depth, k))
        zoo = summarize(get_model(f"densenet_bc_{depth}_{k}"))
        assert (tv.params, tv.macs) == (zoo.params, zoo.macs)
        a, b = tv.memory(64), zoo.memory(64)
        assert (a.training_activations, a.training_shared_concat, a.training_saved) == \
            (b.training_activations, b.training_shared_concat, b.training_saved)


def test_memory_orderings():
    for which in ("densenet121", "densenet_bc_100_12", "densenet_bc_190_40"):
        m = chapter.memory_counts(which)
        assert m["naive"] > m["shared"] > m["saved"] > m["checkpointed"]
    r50 = chapter.memory_counts("resnet50")
    d121 = chapter.memory_counts("densenet121")
    assert r50["naive"] == r50["shared"]                 # no concatenations
    assert d121["saved"] > r50["saved"] > d121["checkpointed"]


def test_depth_sweep_quadratic_against_linear():
    sweep = chapter.depth_sweep()
    for key in ("naive", "shared", "saved"):
        steps = [b[key] - a[key] for a, b in itertools.pairwise(sweep)]
        assert all(y > x for x, y in itertools.pairwise(steps)), key   # convex
    steps = [b["checkpointed"] - a["checkpointed"] for a, b in itertools.pairwise(sweep)]
    assert len(set(steps)) == 1                                        # a straight line
    assert sweep[2]["layers"] == 121


def test_checkpointed_per_layer_is_nine_k_channels():
    """The page: with memory_efficient=True a dense layer keeps conv1's 4k channels, their
    normalised copy (4k) and its k new maps, 9k channels whatever its input width; the
    count itself is calc's training_checkpointed (tests/test_memory_oracle.py holds it equal
    to PyTorch's saved tensors)."""
    k, grid = 32, 8 * 8     # one block on a 32x32 input: the stem leaves an 8x8 map
    for n in (5, 40):
        short, long = (summarize(get_model("densenet", block_config=(m,),
                                           input_shape=(3, 32, 32))).memory(1)
                       for m in (n, n + 1))
        # 9k channels for the new layer; the head's norm5 keeps k more input channels, its
        # ReLU k more output channels, the classifier k more inputs; norm2 and norm5 keep
        # 4k and k more statistics (two float32 per channel)
        assert long.training_checkpointed - short.training_checkpointed == \
            4 * (grid * (9 * k + 2 * k) + k) + 8 * (4 * k + k)
        # without checkpointing the new layer keeps its full-width input twice over
        assert long.training_saved - short.training_saved > \
            4 * grid * 2 * (64 + n * k)


def test_page_checkpointed_shortcode_matches_the_module():
    expanded = shortcodes.expand(PAGE.read_text(), "densenet.md")
    m = re.search(r"For `densenet121` at a batch of\s+32 this is\s+([\d.]+ \w+),", expanded)
    assert m, "the page's checkpointed total moved"
    assert m.group(1) == nbytes(chapter.memory_counts("densenet121")["checkpointed"])
    assert m.group(1) == nbytes(
        summarize(get_model("densenet121")).memory(chapter.IMAGENET_BATCH).training_checkpointed)
    assert chapter.IMAGENET_BATCH == 32 and chapter.CIFAR_BATCH == 64


def test_memory_efficient_recomputes_the_1x1_convolutions():
    """The page's share of forward MACs that checkpointing repeats."""
    s = summarize(get_model("densenet121"))
    conv1 = sum(r.macs for r in s.rows if ".denselayer" in r.name and r.name.endswith(".conv1"))
    assert round(100 * conv1 / s.macs) == 41


def test_calculator_tries():
    """The page's suggestions: bn_size 1 lowers params, MACs and saved memory."""
    base = summarize(get_model("densenet121"))
    thin = summarize(get_model("densenet121", bn_size=1))
    assert thin.params < base.params and thin.macs < base.macs
    assert thin.memory(32).training_saved < base.memory(32).training_saved
    for depth, bottleneck in ((100, False), (100, True), (250, True), (40, True)):
        get_model("cifar_densenet", depth=depth, growth_rate=24, bottleneck=bottleneck)


# ------------------------------------------------------------------------------------------
# Pleiss et al. and their code, as printed

def test_pleiss_printed_values():
    assert chapter.PLEISS_264_PARAMS == "73M"
    assert chapter.PLEISS_REPO_MEMORY == {"Naive": (2.863, 0.165), "Efficient": (1.605, 0.207)}


# ------------------------------------------------------------------------------------------
# torchvision metadata and code (torch tier)

@pytest.mark.torch
def test_torchvision_metadata(torch):
    torchvision = pytest.importorskip("torchvision")
    from torchvision.models import get_model_weights
    for name in (*chapter.DENSENETS, *chapter.RESNETS):
        weights = get_model_weights(name)
        meta = weights.IMAGENET1K_V1.meta
        assert meta["_metrics"]["ImageNet-1K"]["acc@1"] == chapter.TORCHVISION_ACC1[name]
        assert meta["num_params"] == params(name)
        assert meta["_ops"] == round(macs(name) / 1e9, 3)
    for name in chapter.DENSENETS:
        meta = get_model_weights(name).DEFAULT.meta
        assert meta["_docs"].strip() == "These weights are ported from LuaTorch."
        assert meta["min_size"] == (29, 29)
        assert meta["recipe"] == "https://github.com/pytorch/vision/pull/116"
        assert len(list(get_model_weights(name))) == 1        # no newer recipe
    v2 = get_model_weights("resnet50").IMAGENET1K_V2.meta
    assert v2["_metrics"]["ImageNet-1K"]["acc@1"] == chapter.RESNET50_V2_ACC1 == 80.858
    doc = torchvision.models.DenseNet.__doc__
    assert "If True, uses checkpointing. Much more memory efficient,\n          but slower." \
        in doc or "If True, uses checkpointing. Much more memory efficient" in doc


# ------------------------------------------------------------------------------------------
# No hand-typed numbers in the prose

ALLOWED = {
    # structural: kernel sizes, strides, "1×1", "3×3", "2×2", "7×7", the paper's labels
    "1": "1×1 kernels, top-1, section 1, equation 1, Table 1, Bn size 1, compression 1",
    "2": "2×2 pooling, stride 2, equation 2, Table 2; the stem's '2k convolutions' (section 3)",
    "3": "3×3 kernels, section 3, Table 3",
    "4": "section 4; Figure 4; '4×' growth of parameters (section 4.3; test_table_2_claims)",
    "5": "section 5",
    "7": "7×7 stem and 7×7 grid (Table 1; test_table_1_output_sizes...)",
    "4.2": "section 4.2", "4.3": "section 4.3", "4.4": "section 4.4",
    # Table 1 and section 3 (ImageNet), printed; test_table_1_*
    "224": "input size (section 3, Table 1)",
    "56": "Table 1 grid 56×56", "28": "Table 1 grid 28×28; one below min_size "
          "(test_smallest_input...)", "14": "Table 1 grid 14×14; Pleiss's '14M' (abstract)",
    "121": "DenseNet-121 (Table 1; test_names_count...)", "169": "DenseNet-169",
    "201": "DenseNet-201", "264": "DenseNet-264 (Table 1); Pleiss's '264-layer'",
    "6": "block length in Table 1 / densenet161 (test_table_1_networks_are_torchvisions)",
    "12": "block length; k = 12 (Table 2)", "24": "block length of densenet161; k = 24 (Table 2)",
    "36": "densenet161's third block (test_table_1_networks...); Wide-DenseNet k = 36",
    "48": "densenet161's growth rate (test_table_1_networks...); Wide-DenseNet k = 48",
    "96": "densenet161's 2k stem (test_table_1_networks...; test_parameter_claims)",
    "29": "torchvision's min_size (test_torchvision_metadata, test_smallest_input...)",
    "32": "the chapter's ImageNet batch (test_page_checkpointed...); CIFAR grid 32×32",
    # CIFAR (section 3, Table 2, section 4.2), printed
    "16": "CIFAR grid 16×16; the 16-channel stem (test_cifar_layout...)",
    "8": "CIFAR grid 8×8; Pleiss's '8 NVIDIA Tesla M40 GPUs'",
    "40": "L = 40 (Table 2; README's Wide-DenseNets); '40M' (section 4.4)",
    "60": "Wide-DenseNet k = 60 (README)",
    "100": "L = 100 (Table 2); CIFAR-100; 100 layers (gpleiss README)",
    "250": "L = 250 (Table 2)", "10": "CIFAR-10",
    "64": "batch size 64 (section 4.2; gpleiss README)",
    "15.3": "'15.3M' (Table 2; section 4.3; test_table_2_params...)",
    "3.46": "C10+ error (section 4.3, Table 2)", "17.18": "C100+ error (section 4.3, Table 2)",
    "5.77": "C10 error (section 4.3)", "5.83": "C10 error (section 4.3)",
    # parameter efficiency, printed (test_parameter_claims)
    "30": "'more than 30M' (section 4.3)", "20": "'20M' (section 4.4); '15-20%' (gpleiss)",
    "50": "ResNet-50", "101": "ResNet-101, '101-layer'", "1001": "'1001-layer' (section 4.3)",
    "4.51": "section 4.3", "4.62": "section 4.3", "22.27": "section 4.3", "22.71": "section 4.3",
    "90": "'90% fewer parameters' (section 4.3)", "10.2": "'10.2M' (section 5)",
    "0.8": "'0.8M' (Table 2, section 5)",
    "80.858": "resnet50 IMAGENET1K_V2 acc@1 (test_torchvision_metadata)",
    # Pleiss et al. and their code, printed (test_pleiss_printed_values, test_parameter_claims)
    "73": "'73M parameters' (abstract)", "20.26": "top-1 error (abstract)",
    "2.863": "gpleiss README", "1.605": "gpleiss README", "15": "'15-20%' (gpleiss README)",
    # years and arXiv identifiers
    **{y: "year" for y in ("2016", "2017", "2018", "2019")},
    **{a: "arXiv id" for a in ("1604.06174", "1608.06993", "1611.09326", "1707.06990",
                               "1711.05225", "1711.09224", "1904.09730", "2001.02394")},
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
