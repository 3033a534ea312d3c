"""The comparison page (docs/comparison.md, scripts/chapters/comparison.py).

What is checked, and against what:

* the side-by-side table has one row per zoo preset, and its numbers are calc's; a few are
  recomputed here by other routes (AlexNet's MACs by hand, VGG's receptive fields by the
  recurrence, the memory columns from their definition);
* the depth columns against what each family's name counts (He et al. 2016, Section 4.1;
  Szegedy et al. 2015, Section 5; Zagoruyko & Komodakis 2016, Section 2; Simonyan &
  Zisserman 2015, Table 1; Huang et al. 2017, Section 3);
* the papers' errors as printed (He et al. Table 6; Zagoruyko & Komodakis, the mean/std
  results table; Huang et al. Table 2; Simonyan & Zisserman Table 3; Krizhevsky et al.
  Table 2; Szegedy et al. Table 3), each tied to calc's network by the parameter count the
  same table prints, at the paper's rounding;
* torchvision's published accuracies, parameter counts and GMACs (the torch tier);
* the claims the page makes in words, and that every number left in its prose is computed
  or listed in ALLOWED with its source.
"""

import re

import pytest

from calc.models import get_model, list_models
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("comparison")

PAGE = ROOT / "docs" / "comparison.md"


def s(name, **kw):
    return summarize(get_model(name, **kw))


def by_name(made):
    return {row[0]: dict(zip(made.header, row)) for row in made.rows}


@pytest.fixture(scope="module")
def table():
    return chapter.side_by_side()


@pytest.fixture(scope="module")
def rows(table):
    return by_name(table)


# --- The side-by-side table ---------------------------------------------------------------

def test_one_row_per_preset(table):
    names = [row[0] for row in table.rows]
    assert sorted(names) == sorted(list_models()) and len(names) == len(set(names))
    assert table.sortable and table.header == chapter.HEADER
    assert f"({len(list_models())} presets)" in table.caption


def test_counts_are_calcs(rows):
    for name, row in rows.items():
        summary = s(name)
        assert row["params"].sort == summary.params
        assert row["MACs"].sort == summary.macs
        assert row["input"].text == "x".join(map(str, summary.input))
        assert row["output"].text == "x".join(map(str, summary.output))


def test_formatting(rows):
    assert rows["resnet50"]["MACs"].text == "4.089\u00a0G"
    assert rows["resnet50"]["params"].text == "25.557\u00a0M"
    assert rows["resnet50"]["top-1, % (torchvision)"].text == "80.858 (V2, new recipe)"
    assert rows["vgg16"]["top-1, % (torchvision)"].text == "71.592 (V1)"
    assert rows["vgg_d"]["paper's error, %"].text == "27.0\u00a0/\u00a08.8"
    assert rows["resnet110"]["paper's error, %"].text == "6.43"
    assert rows["googlenet_paper"]["paper's error, %"].text == "top-5\u00a010.07"


def test_alexnet_macs_by_hand(rows):
    """torchvision's AlexNet, layer by layer: output positions x Cout x Cin x k^2, then FC."""
    convs = [(55, 64, 3, 11), (27, 192, 64, 5), (13, 384, 192, 3), (13, 256, 384, 3),
             (13, 256, 256, 3)]
    macs = sum(o * o * cout * cin * k * k for o, cout, cin, k in convs)
    macs += 256 * 6 * 6 * 4096 + 4096 * 4096 + 4096 * 1000
    assert rows["alexnet"]["MACs"].sort == macs == 714_188_480


def test_vgg_receptive_fields_by_the_recurrence(rows):
    """size += (k - 1) * jump; jump *= stride, over Table 1's 3x3 convs and 2x2 pools."""
    from calc.models.vgg import CONFIGS

    for cfg, name in (("A", "vgg_a"), ("B", "vgg_b"), ("C", "vgg_c"), ("D", "vgg_d"),
                      ("E", "vgg_e")):
        size, jump = 1, 1
        for item in CONFIGS[cfg]:
            if item == "M":
                size, jump = size + jump, jump * 2
            elif item != "LRN":
                k = item[1] if isinstance(item, tuple) else 3
                size += (k - 1) * jump
        assert rows[name]["receptive field, px"].text == str(size)
    assert rows["dcgan_example_generator"]["receptive field, px"] == "none"


def test_weight_layers_count_summary_rows(rows):
    """By another route: the summary's rows outside auxiliary branches."""
    for name, row in rows.items():
        count = sum(r.type in chapter.WEIGHT_LAYERS and not r.auxiliary for r in s(name).rows)
        assert row["weight layers"] == count


def test_memory_columns_follow_their_definition(rows):
    for name in ("resnet50", "densenet121", "vgg16", "inception_v3", "wrn_28_10"):
        summary = s(name)
        for batch in (1, 64):
            m = summary.memory(batch, "float32")
            assert m.weights == 4 * summary.params and m.buffers == 4 * summary.buffers
            inference = rows[name][f"inference, batch {batch}"].sort
            training = rows[name][f"training, batch {batch}"].sort
            assert inference == m.weights + m.buffers + m.inference_peak
            assert training == 2 * m.weights + m.buffers + m.training_saved
        # activations grow with the batch, weights do not
        one, many = summary.memory(1), summary.memory(64)
        assert many.inference_peak == 64 * one.inference_peak


# --- What the names count -------------------------------------------------------------------

def test_names_count_the_longest_path(rows):
    """He et al. (Section 4.1, Table 1) count the layers a signal crosses: ResNet-50 has 50
    on its main path; so do VGG (Table 1), DenseNet (Huang et al., Section 3: L layers), the
    CIFAR ResNets (6n + 2) and the pre-activation ResNets (9n + 2); GoogLeNet is "22 layers
    deep when counting only layers with parameters" (Szegedy et al., Section 5). Table 1's
    DenseNet-264 is the exception: its blocks give 265 (the DenseNet chapter)."""
    checked = 0
    for name, row in rows.items():
        m = (re.fullmatch(r"(?:preact_resnet|resnet|resnext|wide_resnet|vgg|densenet)(\d+)"
                          r"(?:_.*)?", name)
             or re.fullmatch(r"densenet_(?:bc_)?(\d+)_\d+", name))
        if m:
            named = int(m.group(1))
            assert row["longest path"] == named + (name == "densenet264"), name
            checked += 1
    assert rows["densenet264"]["weight layers"] == 265
    assert checked > 30
    assert rows["googlenet"]["longest path"] == rows["googlenet_paper"]["longest path"] == 22
    assert rows["googlenet"]["weight layers"] > 22
    paper_vgg = {"vgg_a": 11, "vgg_a_lrn": 11, "vgg_b": 13, "vgg_c": 16, "vgg_d": 16,
                 "vgg_e": 19}   # Table 1's header
    for name, layers in paper_vgg.items():
        assert rows[name]["longest path"] == rows[name]["weight layers"] == layers


def test_resnet50_projections_sit_beside_the_path(rows):
    projections = sum(r.name.endswith("downsample.0") for r in s("resnet50").rows)
    assert projections == 4
    assert rows["resnet50"]["weight layers"] == 50 + projections


def test_wide_resnets_count_convolutions():
    """Zagoruyko & Komodakis, Section 2: in WRN-n-k, n is "a total number of convolutional
    layers" (the shortcut projections included, the classifier not)."""
    for name in ("wrn_16_8", "wrn_28_10", "wrn_40_4"):
        n = int(name.split("_")[1])
        net = get_model(name)
        assert sum(node.layer.type == "Conv2d" for node in net.nodes) == n
        assert chapter.longest_path(net) < n < chapter.weight_layers(net)


# --- Families -------------------------------------------------------------------------------

def test_family_of_every_preset(rows):
    expected = {"resnet50": "resnet", "resnext50_32x4d": "resnet", "wide_resnet50_2": "resnet",
                "resnet20": "cifar_resnet", "wrn_28_10": "wrn", "densenet121": "densenet",
                "densenet_bc_100_12": "cifar_densenet", "vgg_d": "vgg", "vgg16_bn": "vgg",
                "googlenet_paper": "googlenet", "inception_v3": "inception_v3",
                "alexnet_paper": "alexnet", "lenet5": "lenet"}
    for name, family in expected.items():
        assert rows[name]["family"] == family
    assert all(row["family"] for row in rows.values())


# --- The papers' errors ---------------------------------------------------------------------

# Transcribed from the papers' tables (see the module docstring): zoo name -> printed error.
PRINTED = {
    # He et al. 2016, Table 6 (CIFAR-10 test error, %), with "# params" 0.27M ... 19.4M
    "resnet20": 8.75, "resnet32": 7.51, "resnet44": 7.17, "resnet56": 6.97,
    "resnet110": 6.43, "resnet1202": 7.93,
    # Zagoruyko & Komodakis 2016, mean/std table, CIFAR-10, median of 5 runs
    "wrn_40_4": 4.53, "wrn_16_8": 4.27, "wrn_28_10": 4.00,
    # Huang et al. 2017, Table 2, C10+
    "densenet_40_12": 5.24, "densenet_bc_100_12": 4.51, "densenet_bc_250_24": 3.62,
    "densenet_bc_190_40": 3.46,
    # He et al. 2016b, Table 4, CIFAR-10
    "preact_resnet164": 5.46, "preact_resnet1001": 4.92,
    # Huang et al. 2017, Table 3, single-crop top-1 and top-5 val
    "densenet264": 22.15,
    # Simonyan & Zisserman 2015, Table 3, top-1 val, S = Q = 256
    "vgg_a": 29.6, "vgg_a_lrn": 29.7, "vgg_b": 28.7, "vgg_c": 28.1, "vgg_d": 27.0,
    "vgg_e": 27.3,
    # Krizhevsky et al. 2012, Table 2, 1 CNN, top-1 val
    "alexnet_paper": 40.7,
}
PRINTED_TOP5 = {"vgg_a": 10.4, "vgg_a_lrn": 10.5, "vgg_b": 9.9, "vgg_c": 9.4, "vgg_d": 8.8,
                "vgg_e": 9.0, "alexnet_paper": 18.2, "googlenet_paper": 10.07,
                "densenet264": 6.12}


def test_paper_errors_as_printed():
    results = chapter.PAPER_RESULTS
    assert {n: r.error for n, r in results.items() if r.error is not None} == PRINTED
    assert {n: r.top5 for n, r in results.items() if r.top5 is not None} == PRINTED_TOP5
    assert results["googlenet_paper"].error is None     # Table 3 prints top-5 only


def printed_rounding(text: str, count: int) -> bool:
    """"0.27M" -> count rounds to 0.27 million; "133" -> to 133 million (VGG's Table 2)."""
    digits = text.rstrip("M")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return round(count / 1e6, decimals) == float(digits)


@pytest.mark.parametrize("name", sorted(n for n, r in chapter.PAPER_RESULTS.items()
                                        if r.params))
def test_paper_parameter_count_is_calcs_network(name):
    """Each error's table prints the network's parameters: calc's count rounds to it, so the
    error belongs to the network in the row (VGG: Table 2, in millions). He et al. 2016b
    print the pre-activation ResNets' counts without the batch norms' scale and shift."""
    count = s(name).params
    if name.startswith("preact_resnet"):
        count -= sum(r.params for r in s(name).rows if r.type == "BatchNorm2d")
    assert printed_rounding(chapter.PAPER_RESULTS[name].params, count)


def test_papers_only_where_the_network_is_the_papers():
    """torchvision's versions, LeNet-5 (full C3, linear output) and the DCGANs carry none."""
    for name in chapter.PAPER_RESULTS:
        assert name in list_models() and name not in chapter.TORCHVISION
    for name in ("lenet5", "alexnet", "googlenet", "vgg16", "resnet50", "densenet121"):
        assert name not in chapter.PAPER_RESULTS
    assert not [n for n in chapter.PAPER_RESULTS if n.startswith("dcgan")]


# --- torchvision ----------------------------------------------------------------------------

def test_torchvision_rows(rows):
    for name, w in chapter.TORCHVISION.items():
        assert rows[name]["top-1, % (torchvision)"].sort == w.acc1
        assert rows[name]["top-5, % (torchvision)"].sort == w.acc5
    assert not [n for n, r in rows.items()
                if n not in chapter.TORCHVISION and r["top-1, % (torchvision)"] is not None]


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(chapter.TORCHVISION))
def test_torchvision_metadata(name, torch):
    """Accuracies, weights, recipe, num_params and _ops (GMACs, 3 decimals) as published."""
    from torchvision.models import get_model_weights

    weights = get_model_weights(name)
    default = weights.DEFAULT
    mine = chapter.TORCHVISION[name]
    metrics = default.meta["_metrics"]["ImageNet-1K"]
    assert str(default) == mine.weights
    assert metrics["acc@1"] == pytest.approx(mine.acc1, abs=5e-4)
    assert metrics["acc@5"] == pytest.approx(mine.acc5, abs=5e-4)
    assert ("new training recipe" in default.meta["_docs"]) == mine.new_recipe
    assert default.meta["num_params"] == s(name).params
    assert default.meta["_ops"] == round(s(name).macs / 1e9, 3)
    if name in chapter.TORCHVISION_V1:
        v1 = weights.IMAGENET1K_V1
        old = chapter.TORCHVISION_V1[name]
        assert str(v1) == old.weights and default is not v1
        assert v1.meta["_metrics"]["ImageNet-1K"]["acc@1"] == pytest.approx(old.acc1, abs=5e-4)
        assert v1.meta["_metrics"]["ImageNet-1K"]["acc@5"] == pytest.approx(old.acc5, abs=5e-4)
        assert "new training recipe" not in v1.meta["_docs"]
    else:
        assert not str(default).endswith("V2")   # no V2 without its V1 listed


@pytest.mark.torch
def test_every_zoo_model_torchvision_has_is_listed(torch):
    from torchvision.models import get_model_weights
    from torchvision.models import list_models as torchvision_models

    shipped = {n for n in torchvision_models() if n in list_models()
               and not n.startswith("quantized")}
    assert shipped == set(chapter.TORCHVISION)
    assert {n for n in shipped if str(get_model_weights(n).DEFAULT).endswith("V2")} \
        == set(chapter.TORCHVISION_V1)


# --- The frontier and the page's claims -----------------------------------------------------

def test_frontier_table():
    made = chapter.frontier_table()
    rows = by_name(made)
    assert set(rows) == set(chapter.TORCHVISION)
    assert rows["vgg16"]["fewest MACs at least as accurate"] == "densenet121"
    assert rows["vgg16"]["fewest params at least as accurate"] == "densenet121"
    ratio = s("vgg16").macs / s("densenet121").macs
    assert rows["vgg16"]["times the MACs"].sort == pytest.approx(ratio)
    assert rows["resnet50"]["fewest MACs at least as accurate"] == "on the frontier"
    front = [p.name for p in chapter.frontier(chapter.accuracy_points())]
    for p in chapter.accuracy_points():     # nothing on the frontier is beaten
        if p.name in front:
            assert not any(q.top1 >= p.top1 and q.macs < p.macs
                           for q in chapter.accuracy_points())


def test_vgg_is_off_the_frontier_in_both_budgets():
    points = chapter.accuracy_points()
    for cost in ("macs", "params"):
        beaten = chapter.cheapest_as_accurate(points, cost)
        assert all(beaten[p.name] for p in points if p.name.startswith("vgg"))
    tv = chapter.TORCHVISION
    assert tv["vgg16"].acc1 < tv["densenet121"].acc1
    for base in ("vgg11", "vgg13", "vgg16", "vgg19"):   # batch norm: one to two points,
        assert 1 < tv[f"{base}_bn"].acc1 - tv[base].acc1 < 2    # no MACs, few parameters
        assert s(f"{base}_bn").macs == s(base).macs
        assert s(f"{base}_bn").params - s(base).params < s(base).params / 10_000


def test_recipe_claims():
    """The page: the new recipe lifts resnet50 from 76.13 to 80.858; under the old recipe
    resnet152, at more than twice the MACs, gains less over resnet50."""
    assert chapter.TORCHVISION_V1["resnet50"].acc1 == 76.13
    assert chapter.TORCHVISION["resnet50"].acc1 == 80.858
    gains = chapter.recipe_gains()
    deeper = chapter.TORCHVISION_V1["resnet152"].acc1 - chapter.TORCHVISION_V1["resnet50"].acc1
    assert deeper < gains["resnet50"] and s("resnet152").macs > 2 * s("resnet50").macs
    assert all(w.new_recipe for n, w in chapter.TORCHVISION.items() if n in gains)
    assert {n for n, w in chapter.TORCHVISION.items() if w.new_recipe} - set(gains) \
        == {"resnext101_64x4d"}
    # the page: the frontier's upper half is ResNets and ResNeXts
    front = [p.name for p in chapter.frontier(chapter.accuracy_points())]
    upper = front[len(front) // 2:]
    assert all(n.startswith(("resnet", "resnext")) for n in upper)


def test_top1_per_gmac_ranks_the_least_accurate_first():
    points = chapter.accuracy_points()
    best = max(points, key=lambda p: p.top1 / p.macs)
    assert best.name == "alexnet" == min(points, key=lambda p: p.top1).name


def test_params_and_macs_claims():
    assert s("densenet121").params < s("resnet18").params
    assert s("densenet121").macs > s("resnet18").macs
    def ratio(name):
        return s(name).params / s(name).macs
    assert ratio("alexnet") > 10 * ratio("resnet50")


def test_receptive_field_claims(rows):
    """Most networks end with a field larger than their input; only AlexNet, VGG-11 to
    VGG-16 (and their paper twins) and the paper's DCGAN discriminator end smaller."""
    larger, smaller = [], []
    for name in rows:
        rf = s(name).receptive_field
        if rf is None:
            continue
        side = s(name).input[1]
        (larger if rf.size[0] > side else smaller if rf.size[0] < side else []).append(name)
    assert len(larger) > len(rows) / 2
    assert set(smaller) == {"alexnet", "alexnet_paper", "vgg11", "vgg11_bn", "vgg13",
                            "vgg13_bn", "vgg16", "vgg16_bn", "vgg_a", "vgg_a_lrn", "vgg_b",
                            "vgg_c", "vgg_d", "dcgan_paper_discriminator"}


def test_memory_claims():
    for name in ("vgg16", "resnet50"):          # weights dominate inference at batch 1
        m = s(name).memory(1)
        assert m.weights > m.inference_total / 2
    r, d = s("resnet50").memory(64), s("densenet121").memory(64)
    assert 2 * r.weights < (2 * r.weights + r.buffers + r.training_saved) / 10
    assert 3 * s("densenet121").params < s("resnet50").params
    assert d.training_saved > r.training_saved


def test_float16_halves_weights_and_inference_activations():
    for name in ("densenet121", "resnet50"):
        full, half = s(name).memory(64, "float32"), s(name).memory(64, "float16")
        assert full.weights == 2 * half.weights
        assert full.inference_peak == 2 * half.inference_peak


def test_calculator_claims():
    """resnet50 at 32x32: the convolutions' MACs fall by the ratio of the areas, and the
    later blocks of the last stage work on a 1x1 map."""
    def conv_macs(**kw):
        return sum(r.macs for r in s("resnet50", **kw).rows if r.type == "Conv2d")
    assert conv_macs() == (224 // 32) ** 2 * conv_macs(input_shape=(3, 32, 32))
    net = get_model("resnet50", input_shape=(3, 32, 32))
    later = [n for n in net.nodes if re.fullmatch(r"layer4\.[12]\.conv2", n.name)]
    assert len(later) == 2
    for node in later:      # a 3x3 window on a 1x1 map: one pixel, eight cells of padding
        assert node.layer.kernel_size == (3, 3) and node.layer.padding == (1, 1)
        assert node.input_shapes[0][1:] == node.output_shape[1:] == (1, 1)


def test_input_sizes_named_on_the_page():
    assert s("resnet50").input == (3, 224, 224)
    assert s("alexnet_paper").input == (3, 227, 227)
    assert s("inception_v3").input == (3, 299, 299)
    assert all(s(n).input == (3, 32, 32) for n in ("resnet20", "wrn_28_10", "densenet_40_12"))


# --- No hand-typed numbers ------------------------------------------------------------------

NAMES = "a network's or a dataset's name (VGG-16, ResNet-50, DenseNet-121, top-1, CIFAR-10)"
ALLOWED = {
    "1": NAMES + "; batch 1 (the table's column); a 1x1 map",
    "3": "3x3 kernels (structural)",
    "5": "Section 5 of Szegedy et al.",
    "10": NAMES,
    "11": NAMES, "16": NAMES, "18": NAMES, "50": NAMES, "121": NAMES,
    "22": "GoogLeNet's '22 layers deep' (Szegedy et al., Section 5): "
          "test_names_count_the_longest_path",
    "32": "the CIFAR input size: test_input_sizes_named_on_the_page; the 32x32 input the "
          "calculator suggests",
    "64": "batch 64 (the table's column and the calculator's default on this page)",
    "224": "the ImageNet input size: test_input_sizes_named_on_the_page",
    "227": "alexnet_paper's input: test_input_sizes_named_on_the_page",
    "299": "inception_v3's input: test_input_sizes_named_on_the_page",
    "76.13": "torchvision's published acc@1 of ResNet50_Weights.IMAGENET1K_V1: "
             "test_recipe_claims, test_torchvision_metadata",
    "80.858": "torchvision's published acc@1 of ResNet50_Weights.IMAGENET1K_V2: "
              "test_recipe_claims, test_torchvision_metadata",
    "2012": "year", "2015": "year", "2016": "year", "2018": "year",
    "1409.4842": "arXiv id (GoogLeNet)", "1605.07146": "arXiv id (Wide ResNets)",
    "1701.04128": "arXiv id (effective receptive field)",
    "1807.11164": "arXiv id (ShuffleNet V2)",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
