"""The basic-design chapter (docs/basic-design.md): AlexNet and LeNet-5 against the papers.

Every value the page or its tables print from a paper is held here against calc with the
paper's rounding, citing where the paper prints it; every other number in the page's prose
must be in ALLOWED, which says where it comes from (a test below asserts each paper value).
Sources:

* Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional Neural
  Networks", NIPS 2012 ("K12" below): sections 2 to 6, Figure 2, Tables 1 and 2.
* LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document
  recognition", Proc. IEEE 86(11), 1998 ("L98"): sections II.A, II.B, III.A and Table I.
* torchvision's published weights metadata (the torch tier).
"""

import math
import re

import pytest

from calc import CalcError
from calc.arithmetic import conv_input_sizes, conv_output_size, pool_output_size
from calc.checks import check
from calc.layers import Conv2d, LocalResponseNorm
from calc.models import get_model
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

PAGE = ROOT / "docs" / "basic-design.md"


def module():
    """scripts/chapters/basic_design.py, which draws with matplotlib (the [docs] extra)."""
    return chapter_module("basic_design")


def paper(size=227, **kw):
    return get_model("alexnet_paper", input_shape=(3, size, size), **kw)


def rows(net):
    return {r.name: r for r in summarize(net).rows}


CONV = {"conv1": "features.0", "conv2": "features.4", "conv3": "features.8",
        "conv4": "features.10", "conv5": "features.12"}
FC = {"fc6": "classifier.0", "fc7": "classifier.3", "fc8": "classifier.6"}


# --- K12: the paper's numbers -----------------------------------------------------------

def test_paper_sixty_million_parameters():
    """Abstract and section 4: "60 million parameters" (the paper truncates; 60.97 M)."""
    assert summarize(paper()).params == 60_965_224
    assert summarize(paper()).params // 10**6 == 60


def test_paper_layers_section_3_5():
    """Section 3.5: 96 kernels 11x11x3 stride 4; 256 of 5x5x48; 384 of 3x3x256; 384 of
    3x3x192; 256 of 3x3x192; fully connected layers of 4096; conv2, conv4 and conv5 read
    only their own GPU's maps (groups=2); LRN after conv1 and conv2."""
    net = paper()
    kernels = {name: net.node(node).layer for name, node in CONV.items()}
    printed = {"conv1": (96, 11, 3), "conv2": (256, 5, 48), "conv3": (384, 3, 256),
               "conv4": (384, 3, 192), "conv5": (256, 3, 192)}
    for name, (count, k, depth) in printed.items():
        conv = kernels[name]
        assert (conv.out_channels, conv.kernel_size, conv.in_channels // conv.groups) == \
            (count, (k, k), depth)
    assert kernels["conv1"].stride == (4, 4)
    assert [kernels[n].groups for n in CONV] == [1, 2, 1, 2, 2]
    assert [net.node(n).layer.out_features for n in FC.values()] == [4096, 4096, 1000]
    lrn = [n.name for n in net.nodes if isinstance(n.layer, LocalResponseNorm)]
    assert lrn == ["features.2", "features.6"]


FIGURE_2_PRINTED = (253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)


def test_figure_2_neurons_at_227():
    """Figure 2's caption: neurons per layer 253,440-186,624-64,896-64,896-43,264-4096-4096-
    1000. calc at 227 reproduces conv2 to fc8; conv1 is 290,400, and 253,440 / 96 is not a
    square, so no square input gives the printed conv1."""
    r = rows(paper())
    calc = [r[n].activations for n in (*CONV.values(), *FC.values())]
    assert calc[1:] == list(FIGURE_2_PRINTED[1:])
    assert calc[0] == 96 * 55 * 55 == 290_400
    per_map = FIGURE_2_PRINTED[0] / 96
    assert per_map == 2640 and math.isqrt(2640) ** 2 != 2640
    assert sum(FIGURE_2_PRINTED) == 622_312


def test_figure_2_input_is_224():
    """Figure 2's caption: "The network's input is 150,528-dimensional" = 224 * 224 * 3."""
    assert math.prod(summarize(paper(224)).input) == 150_528 == 224 * 224 * 3
    assert math.prod(summarize(paper(227)).input) == 154_587


def test_abstract_650000_neurons_is_round():
    """Abstract: "650,000 neurons". The outputs of the five convs and three FC layers number
    659,272 at 227 (622,312 with the printed conv1): the paper's figure is within 1.5%."""
    r = rows(paper())
    total = sum(r[n].activations for n in (*CONV.values(), *FC.values()))
    assert total == 659_272
    assert abs(total - 650_000) / 650_000 < 0.015


def test_no_more_than_one_percent_claim():
    """Introduction: each conv layer "contains no more than 1% of the model's parameters".
    By calc's count conv3 (1.45%) and conv4 (1.09%) hold more; conv1, conv2, conv5 less."""
    s = summarize(paper())
    share = {n: rows(paper())[node].params / s.params for n, node in CONV.items()}
    assert {n for n, v in share.items() if v > 0.01} == {"conv3", "conv4"}
    assert f"{100 * share['conv3']:.2f}" == "1.45" and f"{100 * share['conv4']:.2f}" == "1.09"


def test_parameters_sit_in_the_fc_layers_macs_in_the_convs():
    """Section 3.2: "most of the net's parameters are in the first fully-connected layer"."""
    s = summarize(paper())
    r = rows(paper())
    assert r["classifier.0"].params > s.params / 2
    fc = sum(r[n].params for n in FC.values()) / s.params
    conv_macs = sum(r[n].macs for n in CONV.values()) / s.macs
    assert (round(100 * fc, 1), round(100 * conv_macs, 1)) == (96.2, 91.9)


def test_224_against_227():
    """Section 3.5 prints a 224x224x3 input; (224 - 11) / 4 is not whole. 227 is the smallest
    input with a 55x55 conv1 and nothing dropped (Caffe's bvlc_alexnet); at 224 the paper's
    network drops rows in four layers and fc6 reads 6,400 inputs."""
    assert (224 - 11) / 4 == 53.25 and conv_output_size(224, 11, stride=4) == 54
    assert conv_input_sizes(55, 11, stride=4)[0] == 227
    net = paper(224)
    dropped = [f.node for f in check(net) if f.rule == "dropped"]
    assert dropped == ["features.0", "features.3", "features.7", "features.14"]
    assert net.node("classifier.0").layer.in_features == 6400
    assert summarize(net).params == 49_430_888
    assert not [f for f in check(paper(227)) if f.rule == "dropped"]


def test_the_missing_three_pixels():
    """cuda-convnet2's layer.py: modulesX = 1 + ceil((2 * padding + imgSize - filterSize) /
    stride): 55 at 224, the last window hanging 3 pixels past the image; torchvision's
    padding 2 gives 55 with one padded column unread."""
    modules = 1 + math.ceil((224 - 11) / 4)
    assert modules == 55 and (modules - 1) * 4 + 11 - 224 == 3 == 227 - 224
    assert conv_output_size(224, 11, stride=4, padding=2) == 55
    assert (224 + 2 * 2 - 11) % 4 == 1


def test_overlapping_pooling_section_3_4():
    """Section 3.4: z = 3, s = 2 against z = s = 2, "which produces output of equivalent
    dimensions"; the 2x2 window leaves the last row of 55 and of 13 unread."""
    for size in (55, 27, 13):
        assert pool_output_size(size, 3, stride=2) == pool_output_size(size, 2, stride=2)
    assert (55 - 3) % 2 == 0 and (55 - 2) % 2 == 1 and (13 - 2) % 2 == 1
    r = rows(paper())
    assert r["features.3"].rf.size == (19, 19)
    assert r["features.0"].rf.size[0] + (2 - 1) * r["features.0"].rf.stride[0] == 15


def test_paper_lrn_in_pytorch_terms():
    """Section 3.3: k = 2, n = 5, alpha = 1e-4, beta = 0.75; PyTorch divides alpha by n."""
    lrn = paper().node("features.2").layer
    assert (lrn.size, lrn.k, lrn.beta) == (5, 2.0, 0.75)
    assert lrn.alpha == pytest.approx(5 * 1e-4)


GROUPED = ("conv2", "conv4", "conv5")


@pytest.mark.parametrize("name", GROUPED)
def test_groups_halve_weights_and_macs(name):
    """groups=2 divides a conv's weights and MACs by 2 and keeps its biases."""
    node = paper().node(CONV[name])
    conv = node.layer
    dense = Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                   conv.padding)
    assert conv.groups == 2
    assert dense.params - conv.out_channels == 2 * (conv.params - conv.out_channels)
    shape = node.input_shapes[0]
    assert dense.macs(shape, node.output_shape) == 2 * conv.macs(shape, node.output_shape)


def test_conv2_by_hand():
    r = rows(paper())["features.4"]
    assert r.params == 256 * 48 * 25 + 256 == 307_456
    assert r.macs == 27 * 27 * 256 * 48 * 25


def test_first_layer_stride_trade():
    """conv1 at stride 1 would output 217 and cost more than twice the whole network."""
    assert conv_output_size(227, 11) == 217
    assert 217 ** 2 * 96 * 3 * 121 / summarize(paper()).macs == pytest.approx(2.27, abs=0.01)


# Table 2 (ILSVRC-2012, %) and Table 1 (ILSVRC-2010 test, %), as printed.
TABLE_1 = {"Sparse coding": ("47.1", "28.2"), "SIFT + FVs": ("45.7", "25.7"),
           "CNN": ("37.5", "17.0")}


def test_table_2_as_printed():
    TABLE_2 = module().TABLE_2
    assert TABLE_2 == (
        ("SIFT + FVs (second-best entry)", "", "", "26.2"),
        ("1 CNN", "40.7", "18.2", ""),
        ("5 CNNs", "38.1", "16.4", "16.4"),
        ("1 CNN*", "39.0", "16.6", ""),
        ("7 CNNs*", "36.7", "15.4", "15.3"),
    )
    # Section 6: validation and test error "do not differ by more than 0.1%"
    for _, _, val, test in TABLE_2:
        if val and test:
            assert abs(float(val) - float(test)) <= 0.1 + 1e-9


# --- L98: LeNet-5 -----------------------------------------------------------------------

# Table I as printed: rows = S2 maps 0-5, columns = C3 maps 0-15, X = connected.
TABLE_I = """
X...XXX..XXXX.XX
XX...XXX..XXXX.X
XXX...XXX..X.XXX
.XXX..XXXX..X.XX
..XXX..XXXX.XX.X
...XXX..XXXX.XXX
"""


def test_lenet5_shapes_section_ii_b():
    """L98 section II.B / Figure 2: 32x32 input; C1 6@28x28; S2 6@14x14; C3 16@10x10;
    S4 16@5x5; C5 120; F6 84; 10 outputs."""
    r = rows(get_model("lenet5"))
    assert summarize(get_model("lenet5")).input == (1, 32, 32)
    assert [r[n].output for n in ("features.0", "features.2", "features.3", "features.5",
                                  "features.6", "classifier.0", "classifier.2")] == \
        [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1), (84,), (10,)]


def test_lenet5_params_against_section_ii():
    """Printed: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164; total 60,000
    (section II.A: "340,908 connections, but only 60,000 trainable free parameters")."""
    LENET_PRINTED, LENET_PRINTED_TOTAL = module().LENET_PRINTED, module().LENET_PRINTED_TOTAL
    printed = {layer: n for layer, _, n, _ in LENET_PRINTED}
    assert sum(printed.values()) == LENET_PRINTED_TOTAL == 60_000
    r = rows(get_model("lenet5"))
    for layer in ("C1", "C5", "F6"):
        node = next(nd for lay, _, _, nd in LENET_PRINTED if lay == layer)
        assert r[node].params == printed[layer]
    # S2 and S4: one trainable coefficient and one bias per map
    assert printed["S2"] == 2 * 6 and printed["S4"] == 2 * 16
    # C3: Table I's 60 (S2 map, C3 map) pairs of 5x5 kernels, plus 16 biases
    table = [line for line in TABLE_I.split() if line]
    degrees = [sum(row[c] == "X" for row in table) for c in range(16)]
    assert degrees == [3] * 6 + [4] * 9 + [6]
    # "The first six C3 feature maps take inputs from every contiguous subsets of three
    # feature maps in S2. The next six take input from every contiguous subset of four. The
    # next three take input from some discontinuous subsets of four."
    reads = [{m for m in range(6) if table[m][c] == "X"} for c in range(16)]
    contiguous = [{(a + i) % 6 for i in range(n)} for n in (3, 4) for a in range(6)]
    assert reads[:12] == contiguous and all(s not in contiguous for s in reads[12:15])
    assert printed["C3"] == sum(degrees) * 25 + 16 == 1516
    assert r["features.3"].params == 6 * 16 * 25 + 16 == 2416
    assert summarize(get_model("lenet5")).params == 61_706
    # the connections: 122,304 + 5,880 + 151,600 + 2,000 + 48,120 + 10,164 + 840 = 340,908
    assert 26 * 6 * 28 * 28 + 5 * 6 * 14 * 14 + 151_600 + 5 * 16 * 5 * 5 + 48_120 + 10_164 \
        + 84 * 10 == 340_908


def test_lenet5_refuses_28():
    """Section III.A: the digits sit in a 28x28 field extended to 32x32; at 28, C5's 5x5
    kernel meets a 4x4 map."""
    with pytest.raises(CalcError, match="features.6"):
        get_model("lenet5", input_shape=(1, 28, 28))
    size = conv_output_size(pool_output_size(conv_output_size(pool_output_size(
        conv_output_size(28, 5), 2), 5), 2), 1)
    assert size == 4


# --- training memory ---------------------------------------------------------------------

def lrn_saved(name: str) -> int:
    """Elements per image that PyTorch's composite local response normalisation keeps beyond
    its input: the padded squares (C + size - 1 channels), the power's input and output."""
    return sum((3 * n.output_shape[0] + n.layer.size - 1) * n.output_shape[1]
               * n.output_shape[2] for n in get_model(name).nodes
               if n.layer.type == "LocalResponseNorm")


def test_training_memory_in_the_calculator_bullet():
    """The page's batch-128 bullet: the paper's AlexNet keeps more than every node's output
    once because of LRN (about three copies of each normalised map); torchvision's, without
    LRN, less. tests/test_memory_oracle.py holds training_saved equal to PyTorch for both."""
    paper = summarize(get_model("alexnet_paper")).memory(128, "float32")
    tv = summarize(get_model("alexnet")).memory(128, "float32")
    assert paper.training_saved > paper.training_activations
    assert tv.training_saved < tv.training_activations
    lrn_out = sum(math.prod(n.output_shape) for n in get_model("alexnet_paper").nodes
                  if n.layer.type == "LocalResponseNorm")
    assert round(lrn_saved("alexnet_paper") / lrn_out) == 3
    assert lrn_saved("alexnet") == 0
    # without LRN's extra tensors the paper's network keeps less than its outputs, too
    assert paper.training_saved - 128 * 4 * lrn_saved("alexnet_paper") < \
        paper.training_activations


@pytest.mark.torch
def test_pytorch_lrn_keeps_three_maps_and_the_padded_squares(torch):
    """What the page's LRN figure counts, measured: autograd's saved tensors for one
    F.local_response_norm of AlexNet's first normalisation, less its input."""
    x = torch.rand(1, 96, 55, 55, requires_grad=True)
    sizes = {}

    def pack(t):
        if t.untyped_storage().data_ptr() != x.untyped_storage().data_ptr():
            sizes[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = torch.nn.functional.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2.0)
    assert y.shape == x.shape
    assert sum(sizes.values()) == 4 * (3 * 96 + 5 - 1) * 55 * 55


# --- torchvision (torch tier) -----------------------------------------------------------

@pytest.mark.torch
def test_torchvision_alexnet_metadata(torch):
    """num_params 61,100,840; _ops 0.714 (labelled GFLOPS, equal to MACs); acc@1 56.522;
    acc@5 79.066; min_size 63x63, and calc refuses 62."""
    tv = pytest.importorskip("torchvision")
    meta = tv.models.get_model_weights("alexnet").IMAGENET1K_V1.meta
    s = summarize(get_model("alexnet"))
    assert meta["num_params"] == s.params == 61_100_840
    assert meta["_ops"] == round(s.macs / 1e9, 3) == 0.714
    assert meta["_metrics"]["ImageNet-1K"] == {"acc@1": 56.522, "acc@5": 79.066}
    assert tuple(meta["min_size"]) == (63, 63)
    get_model("alexnet", input_shape=(3, 63, 63))
    with pytest.raises(CalcError):
        get_model("alexnet", input_shape=(3, 62, 62))


@pytest.mark.torch
def test_torchvision_top1_of_the_successors(torch):
    """The successors figure's accuracies, and resnet50's 76.13 in the prose."""
    tv = pytest.importorskip("torchvision")
    TORCHVISION_TOP1 = module().TORCHVISION_TOP1
    for name, top1 in TORCHVISION_TOP1.items():
        meta = tv.models.get_model_weights(name).IMAGENET1K_V1.meta
        assert meta["_metrics"]["ImageNet-1K"]["acc@1"] == top1
        assert meta["num_params"] == summarize(get_model(name)).params
    assert TORCHVISION_TOP1["resnet50"] == 76.13


@pytest.mark.torch
def test_pytorch_lrn_divides_alpha_by_n(torch):
    """PyTorch's LocalResponseNorm(size=5, alpha=5e-4, k=2) is the paper's formula with
    alpha = 1e-4 (section 3.3), away from the first and last channels."""
    x = torch.rand(1, 16, 3, 3, generator=torch.Generator().manual_seed(0))
    got = torch.nn.functional.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2.0)
    sq = x ** 2
    for i in range(2, 14):
        want = x[:, i] / (2 + 1e-4 * sq[:, i - 2:i + 3].sum(1)) ** 0.75
        torch.testing.assert_close(got[:, i], want)


# --- the chapter's tables and figures -------------------------------------------------

@pytest.fixture(scope="module")
def chapter():
    return module()


def test_figure_2_table(chapter):
    t = chapter.figure_2()
    by_layer = {r[0]: r[1:] for r in t.rows}
    assert by_layer["input"] == (150_528, 154_587, 150_528)
    assert by_layer["conv1"] == (253_440, 290_400, 279_936)
    for layer, printed in zip(("conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"),
                              FIGURE_2_PRINTED[1:]):
        assert by_layer[layer][:2] == (printed, printed)
    assert by_layer["sum of the eight layers"] == (622_312, 659_272, 609_640)


def test_layers_table_sums_to_the_totals(chapter):
    t = chapter.alexnet_layers()
    body, total = t.rows[:-1], t.rows[-1]
    s = summarize(paper())
    assert sum(r[5] for r in body) == total[5] == s.params
    assert sum(r[7] for r in body) == total[7] == s.macs


def test_groups_table(chapter):
    t = chapter.alexnet_groups()
    for layer, _, p2, p1, m2, m1 in t.rows[:-1]:
        bias = paper().node(CONV[layer]).layer.out_channels
        assert (p1 - bias, m1) == (2 * (p2 - bias), 2 * m2)
    whole = t.rows[-1]
    assert whole[2:] == (60_965_224, 62_378_344, 724_406_816, 1_135_256_096)


def test_lenet_table(chapter):
    t = chapter.lenet5_params()
    assert t.rows[-1][4:6] == (60_000, 61_706)
    differ = {r[0] for r in t.rows[:-1] if r[4] != r[5]}
    assert differ == {"S2", "C3", "S4", "OUTPUT"}


def test_variants_table(chapter):
    t = chapter.alexnet_variants()
    assert t.rows[-1][3:5] == (60_965_224, 724_406_816)
    assert t.rows[-1][7:9] == (61_100_840, 714_188_480)


def test_ilsvrc_table(chapter):
    t = chapter.ilsvrc_2012()
    assert ("7 CNNs*", "36.7%", "15.4%", "15.3%") in t.rows


# --- no hand-typed numbers in the prose ---------------------------------------------------

# Every number left in the prose, and where it comes from. A number not here fails the test:
# compute it with {{= }} or cite it and add it with its source.
ALLOWED = {
    # structural: kernel sizes, strides, windows, groups, counts of towers and rows, table
    # and figure numbers, row names of Table 2 ("1 CNN"), LeNet-5's name, "Classes 10"
    "1": "structural; ZFNet's quoted 'the 1st layer'", "2": "structural",
    "3": "structural (3x3, 3 GB)", "4": "stride 4",
    "5": "5x5, LeNet-5", "6": "section 6", "7": "7x7 (ZFNet, ResNet)", "10": "classes 10",
    "11": "11x11; Proc. IEEE 86(11)",
    # sections of K12 and of ZFNet
    "3.1": "K12 3.1", "3.2": "K12 3.2", "3.3": "K12 3.3", "3.4": "K12 3.4", "3.5": "K12 3.5",
    "4.1": "K12 4.1 / ZFNet 4.1", "6.1": "K12 6.1",
    # years, arXiv ids, identifiers
    "1998": "year", "2010": "ILSVRC-2010", "2012": "year", "2014": "year", "2015": "year",
    "2016": "year (the draft)", "2017": "year",
    "1311.2901": "arXiv", "1404.5997": "arXiv", "1409.1556": "arXiv", "1409.4842": "arXiv",
    "1502.03167": "arXiv", "1512.03385": "arXiv", "1611.05431": "arXiv", "1704.04861": "arXiv",
    "86": "Proc. IEEE volume", "463": "pytorch/vision pull request", "580": "GTX 580",
    # K12's printed values
    "1.2": "K12 section 2: 1.2 million training images; section 3.2/3.3: 1.2% top-5",
    "0.3": "K12 3.4", "0.4": "K12 3.4", "1.4": "K12 3.3", "1.7": "K12 3.2",
    "25": "K12 Figure 1: 25% training error",
    "15.3": "K12 Table 2 (test_table_2_as_printed)", "26.2": "K12 Table 2",
    "37.5": "K12 Table 1", "17.0": "K12 Table 1", "47.1": "K12 Table 1", "28.2": "K12 Table 1",
    "60": "K12 abstract, 60 million (test_paper_sixty_million_parameters)",
    "96": "K12 3.5: 96 kernels (test_paper_layers_section_3_5)",
    "224": "K12 3.5 input (test_224_against_227)", "227": "Caffe's input (test_224_against_227)",
    "256": "K12 4.1: 256x256 images; cuda-convnet2's one-GPU conv4 (256 kernels)",
    "384": "One weird trick's conv4, per pytorch/vision PR 463",
    "128": "K12 section 5: batch 128",
    # L98
    "1,516": "L98 II.B, C3 (test_lenet5_params_against_section_ii)",
    "28": "L98 III.A: 28x28 field (test_lenet5_refuses_28)", "32": "L98 II.B: 32x32 input",
    # torchvision metadata (torch tier)
    "0.714": "alexnet _ops", "56.522": "alexnet acc@1", "79.066": "alexnet acc@5",
    "76.13": "resnet50 acc@1", "63": "alexnet min_size", "62": "one below min_size",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)


def test_page_places_its_calculators_and_blocks():
    text = PAGE.read_text(encoding="utf-8")
    assert re.search(r"```calc\nid: alexnet\nvariant: paper\nsize: 227\n```", text)
    assert "groups: 2" in text and "id: network-summary" in text
    for block in ("alexnet-shapes", "alexnet-block", "alexnet-params-macs", "alexnet-groups",
                  "alexnet-figure-2", "alexnet-variants", "lenet5-params", "alexnet-layers",
                  "alexnet-ilsvrc-2012", "alexnet-successors"):
        assert f"id: {block}\n" in text, block
