"""The papers' own model families against the papers' tables (pure Python, no torch).

Golden numbers are transcribed from the papers, each with its table; every other
expected value is computed here by hand from the architecture's rules, not by calc.
"""

from math import prod

import pytest

from calc import CalcError
from calc.layers import Conv2d, ConvTranspose2d, Dropout, Linear, PadChannels
from calc.models import get_model, list_models, member_names
from calc.summary import summarize


def params(name, **kw):
    return summarize(get_model(name, **kw)).params


def shapes(net):
    return {node.name: node.output_shape for node in net.nodes}


def weighted_layers(net):
    return sum(isinstance(n.layer, (Conv2d, Linear)) for n in net.nodes)


def family_of(name):
    return [m for m in member_names() if m.pattern.fullmatch(name)]


# --- He et al. 2016, "Deep Residual Learning for Image Recognition", section 4.2 -----------------

# Table 6 (CIFAR-10), "# params" column, rounded as the paper rounds it.
RESNET_TABLE_6 = [("resnet20", 3, "0.27"), ("resnet32", 5, "0.46"), ("resnet44", 7, "0.66"),
                  ("resnet56", 9, "0.85"), ("resnet110", 18, "1.7"), ("resnet1202", 200, "19.4")]


@pytest.mark.parametrize("name, n, millions", RESNET_TABLE_6)
def test_cifar_resnet_params_table_6(name, n, millions):
    decimals = len(millions.split(".")[1])
    assert f"{params(name) / 1e6:.{decimals}f}" == millions


@pytest.mark.parametrize("name, n, millions", RESNET_TABLE_6[:3])
def test_cifar_resnet_params_by_hand(name, n, millions):
    # option A shortcuts have no parameters: conv1 + 3 stages of 2n convs (+ BN) + FC 64 -> 10
    conv_bn = lambda cin, cout: cin * cout * 9 + 2 * cout  # noqa: E731
    stage = lambda cin, c: conv_bn(cin, c) + (2 * n - 1) * conv_bn(c, c)  # noqa: E731
    expected = conv_bn(3, 16) + stage(16, 16) + stage(16, 32) + stage(32, 64) + 64 * 10 + 10
    assert params(name) == expected


@pytest.mark.parametrize("depth", [8, 20, 56, 110])
def test_cifar_resnet_section_4_2_layout(depth):
    """6n+2 weighted layers; stages end at 16x32x32, 32x16x16, 64x8x8; two option-A shortcuts."""
    net = get_model(f"cifar_resnet_{depth}")
    n = (depth - 2) // 6
    assert weighted_layers(net) == depth
    s = shapes(net)
    assert s[f"layer1.{n - 1}.relu_2"] == (16, 32, 32)
    assert s[f"layer2.{n - 1}.relu_2"] == (32, 16, 16)
    assert s[f"layer3.{n - 1}.relu_2"] == (64, 8, 8)
    assert net.output_shape == (10,)
    shortcuts = [node for node in net.nodes if isinstance(node.layer, PadChannels)]
    assert [node.name for node in shortcuts] == ["layer2.0.shortcut", "layer3.0.shortcut"]
    assert all(node.layer.params == 0 for node in shortcuts)


def test_cifar_resnet_family_equals_presets():
    for name, n, _ in RESNET_TABLE_6[:5]:
        preset, member = get_model(name), get_model(f"cifar_resnet_{6 * n + 2}")
        assert member.name == f"cifar_resnet_{6 * n + 2}"
        assert [(a.name, a.layer, a.output_shape) for a in preset.nodes] == \
               [(b.name, b.layer, b.output_shape) for b in member.nodes]


def test_cifar_resnet_names_follow_the_reference_implementation():
    s = shapes(get_model("resnet20"))
    for name in ("conv1", "bn1", "layer1.0.conv1", "layer1.0.bn2", "layer2.0.shortcut",
                 "layer3.2.conv2", "linear"):
        assert name in s


@pytest.mark.parametrize("name, words", [
    ("cifar_resnet_21", ["depth", "6n+2", "21"]),
    ("cifar_resnet_2", ["depth", ">= 8"]),
    ("cifar_resnet_999999", ["depth", "<="]),
])
def test_cifar_resnet_bad_depth(name, words):
    with pytest.raises(CalcError) as err:
        get_model(name)
    assert all(w in str(err.value) for w in words)


# --- He et al. 2016b, "Identity Mappings in Deep Residual Networks" (arXiv 1603.05027) ----------

# Table 4 (CIFAR, "moderate data augmentation"), "# params": ResNet-164 1.7M, ResNet-1001 10.2M.
PREACT_TABLE_4 = [("preact_resnet164", 18, "1.7"), ("preact_resnet1001", 111, "10.2")]


def bn_affine(name):
    """The batch norms' scale and shift parameters."""
    return sum(2 * n.layer.num_features for n in get_model(name).nodes
               if n.layer.type == "BatchNorm2d")


@pytest.mark.parametrize("name, n, millions", PREACT_TABLE_4)
def test_preact_resnet_params_table_4(name, n, millions):
    """The printed counts leave the batch norms' affine parameters out; calc counts them
    (every family does), and with them ResNet-1001 rounds to 10.3M, not the printed 10.2M."""
    assert f"{(params(name) - bn_affine(name)) / 1e6:.1f}" == millions
    assert f"{params(name) / 1e6:.1f}" == {"1.7": "1.7", "10.2": "10.3"}[millions]
    assert (params(name), bn_affine(name)) == {"preact_resnet164": (1_703_258, 24_224),
                                               "preact_resnet1001": (10_327_706, 149_216)}[name]


@pytest.mark.parametrize("n", [1, 2, 18, 111])
def test_preact_resnet_params_by_hand(n):
    """Units BN-conv1x1-BN-conv3x3-BN-conv1x1 (no biases), a 1x1 projection in the first unit
    of each stage, a BN before the head; stage outputs 64, 128, 256, inner width a quarter."""
    def unit(cin, out, first):
        mid = out // 4
        return (2 * cin + cin * mid + 2 * mid + 9 * mid * mid + 2 * mid + mid * out
                + (cin * out if first else 0))

    def stage(cin, out):
        return unit(cin, out, True) + (n - 1) * unit(out, out, False)

    expected = (3 * 16 * 9 + stage(16, 64) + stage(64, 128) + stage(128, 256)
                + 2 * 256 + 256 * 10 + 10)
    assert params(f"preact_resnet_{9 * n + 2}") == expected


@pytest.mark.parametrize("depth", [11, 56, 164])
def test_preact_resnet_layout(depth):
    """9n+2 weighted layers besides the three projections; stages end at 64x32x32,
    128x16x16, 256x8x8; the stride sits on the first 1x1 conv; projections read the
    pre-activated input, identities the raw one."""
    net = get_model(f"preact_resnet_{depth}")
    n = (depth - 2) // 9
    projections = [node.name for node in net.nodes if node.name.endswith(".shortcut")]
    assert projections == ["layer1.0.shortcut", "layer2.0.shortcut", "layer3.0.shortcut"]
    assert weighted_layers(net) == depth + 3
    s = shapes(net)
    assert s[f"layer1.{n - 1}.add"] == (64, 32, 32)
    assert s[f"layer2.{n - 1}.add"] == (128, 16, 16)
    assert s[f"layer3.{n - 1}.add"] == (256, 8, 8)
    assert net.node("layer2.0.conv1").layer.stride == (2, 2)
    assert net.node("layer2.0.conv2").layer.stride == (1, 1)
    assert net.node("layer2.0.shortcut").inputs == ("layer2.0.relu1",)
    if n > 1:
        assert net.node("layer2.1.add").inputs == ("layer2.1.conv3", "layer2.0.add")
    assert [node.name for node in net.nodes][-5:] == ["bn", "relu", "avgpool", "flatten", "fc"]
    assert net.output_shape == (10,)


def test_preact_resnet_family_equals_presets():
    for name, n, _ in PREACT_TABLE_4:
        preset, member = get_model(name), get_model(f"preact_resnet_{9 * n + 2}")
        assert member.name == f"preact_resnet_{9 * n + 2}" and preset.name == name
        assert [(a.name, a.layer, a.output_shape) for a in preset.nodes] == \
               [(b.name, b.layer, b.output_shape) for b in member.nodes]


@pytest.mark.parametrize("name, kw, words", [
    ("preact_resnet_1000", {}, ["depth", "9n+2", "1000"]),
    ("preact_resnet", {"depth": 2}, ["depth", ">= 11"]),
    ("preact_resnet164", {"depth": 1001}, ["depth is 164 in this model"]),
])
def test_preact_resnet_bad_depth(name, kw, words):
    with pytest.raises(CalcError) as err:
        get_model(name, **kw)
    assert all(w in str(err.value) for w in words), str(err.value)


# --- Zagoruyko & Komodakis 2016, "Wide Residual Networks" ----------------------------------------

# Table 4 (CIFAR, ZCA preprocessing): depth, k, "# params" in millions.
WRN_TABLE_4 = [(40, 1, "0.6"), (40, 2, "2.2"), (40, 4, "8.9"), (40, 8, "35.7"), (28, 10, "36.5"),
               (28, 12, "52.5"), (22, 8, "17.2"), (22, 10, "26.8"), (16, 8, "11.0"),
               (16, 10, "17.1")]


@pytest.mark.parametrize("depth, k, millions", WRN_TABLE_4)
def test_wrn_params_table_4(depth, k, millions):
    assert f"{params(f'wrn_{depth}_{k}') / 1e6:.1f}" == millions


# Table 5 (comparison with other methods): WRN-40-4 8.9M, WRN-16-8 11.0M, WRN-28-10 36.5M.
@pytest.mark.parametrize("name, millions", [("wrn_40_4", "8.9"), ("wrn_16_8", "11.0"),
                                            ("wrn_28_10", "36.5")])
def test_wrn_presets_table_5(name, millions):
    assert name in list_models()
    assert f"{params(name) / 1e6:.1f}" == millions


@pytest.mark.parametrize("depth, k", [(10, 1), (16, 4), (22, 3)])
def test_wrn_params_by_hand(depth, k):
    n = (depth - 4) // 6
    conv = lambda cin, cout, ks=3: cin * cout * ks * ks  # noqa: E731
    bn = lambda c: 2 * c  # noqa: E731

    def group(cin, width):
        first = bn(cin) + conv(cin, width) + bn(width) + conv(width, width)
        first += conv(cin, width, 1) if cin != width else 0      # 1x1 shortcut when width changes
        rest = bn(width) + conv(width, width) + bn(width) + conv(width, width)
        return first + (n - 1) * rest

    expected = (conv(3, 16) + group(16, 16 * k) + group(16 * k, 32 * k) + group(32 * k, 64 * k)
                + bn(64 * k) + 64 * k * 10 + 10)
    assert params(f"wrn_{depth}_{k}") == expected


def test_wrn_table_1_layout():
    """Table 1: conv1 16x32x32, conv2 16k x32x32, conv3 32k x16x16, conv4 64k x8x8."""
    k = 10
    s = shapes(get_model("wrn_28_10"))
    assert s["conv1"] == (16, 32, 32)
    assert s["block1.layer.3.add"] == (16 * k, 32, 32)
    assert s["block2.layer.3.add"] == (32 * k, 16, 16)
    assert s["block3.layer.3.add"] == (64 * k, 8, 8)
    assert s["block1.layer.0.convShortcut"] == (16 * k, 32, 32)
    assert "block1.layer.1.convShortcut" not in s
    assert "block1.layer.0.convShortcut" not in shapes(get_model("wrn_40_1"))  # 16 -> 16: identity


def test_wrn_any_member_and_dropout():
    net = get_model("wrn_52_3", num_classes=100, dropout=0.3)
    assert net.name == "wrn_52_3" and net.output_shape == (100,)
    drops = [n for n in net.nodes if isinstance(n.layer, Dropout)]
    assert len(drops) == 3 * 8 and all(n.layer.p == 0.3 for n in drops)
    assert drops[0].name == "block1.layer.0.dropout"
    assert params("wrn_52_3", dropout=0.3) == params("wrn_52_3")
    assert not any(isinstance(n.layer, Dropout) for n in get_model("wrn_52_3").nodes)


@pytest.mark.parametrize("name, kw, words", [
    ("wrn_30_4", {}, ["depth", "6n+4", "30"]),
    ("wrn_28_0", {}, ["widen_factor", ">= 1"]),
    ("wrn_28_10", {"dropout": 1.0}, ["dropout", "probability"]),
    ("wrn_28_10", {"num_classes": 0}, ["num_classes", ">= 1"]),
])
def test_wrn_bad_input(name, kw, words):
    with pytest.raises(CalcError) as err:
        get_model(name, **kw)
    assert all(w in str(err.value) for w in words)


# --- Huang et al. 2017, "Densely Connected Convolutional Networks" -------------------------------

# Table 2 (CIFAR / SVHN): name, "Params" in millions.
DENSENET_TABLE_2 = [("densenet_40_12", "1.0"), ("densenet_100_12", "7.0"),
                    ("densenet_100_24", "27.2"), ("densenet_bc_100_12", "0.8"),
                    ("densenet_bc_250_24", "15.3"), ("densenet_bc_190_40", "25.6")]


@pytest.mark.parametrize("name, millions", DENSENET_TABLE_2)
def test_densenet_params_table_2(name, millions):
    assert f"{params(name) / 1e6:.1f}" == millions


def test_densenet_channels_by_hand():
    # DenseNet-BC L=100 k=12: n = (100-4)/6 = 16 layers per block, stem 2k = 24,
    # each block adds 16*12 = 192 channels, transitions halve (floor).
    s = shapes(get_model("densenet_bc_100_12"))
    assert s["conv1"] == (24, 32, 32)
    assert s["block1.layer.15.cat"] == (24 + 192, 32, 32)
    assert s["trans1.pool"] == (108, 16, 16)
    assert s["block2.layer.15.cat"] == (108 + 192, 16, 16)
    assert s["trans2.pool"] == (150, 8, 8)
    assert s["bn1"] == (150 + 192, 8, 8)
    assert s["block1.layer.0.conv1"] == (4 * 12, 32, 32)   # bottleneck: 4k maps
    # DenseNet L=40 k=12: n = 12, stem 16, no compression
    s = shapes(get_model("densenet_40_12"))
    assert s["conv1"] == (16, 32, 32)
    assert s["trans1.pool"] == (16 + 144, 16, 16)
    assert s["trans2.pool"] == (16 + 288, 8, 8)
    assert s["bn1"] == (16 + 432, 8, 8)


@pytest.mark.parametrize("depth, k", [(13, 5), (40, 12)])
def test_densenet_params_by_hand(depth, k):
    n = (depth - 4) // 3
    bn_relu_conv = lambda cin, cout, ks: 2 * cin + cin * cout * ks * ks  # noqa: E731
    total, c = 3 * 16 * 9, 16
    for block in range(3):
        for _ in range(n):
            total += bn_relu_conv(c, k, 3)
            c += k
        if block < 2:
            total += bn_relu_conv(c, c, 1)
    total += 2 * c + c * 10 + 10
    assert params(f"densenet_{depth}_{k}") == total


@pytest.mark.parametrize("name, depth", [("densenet_40_12", 40), ("densenet_bc_100_12", 100),
                                         ("densenet_22_4", 22), ("densenet_bc_28_6", 28)])
def test_densenet_depth_counts_weighted_layers(name, depth):
    assert weighted_layers(get_model(name)) == depth


def test_densenet_families_leave_torchvision_names_alone():
    for name in ("densenet121", "densenet161", "densenet169", "densenet201"):
        assert family_of(name) == []
    assert len(family_of("densenet_bc_100_12")) == 1
    assert len(family_of("densenet_40_12")) == 1


def test_densenet_dropout():
    net = get_model("densenet_bc_16_4", drop_rate=0.2)
    names = {n.name for n in net.nodes if isinstance(n.layer, Dropout)}
    # 2 layers per block, two dropouts per bottleneck layer, one per transition
    assert len(names) == 3 * 2 * 2 + 2
    assert {"block1.layer.0.dropout", "block1.layer.0.dropout_2", "trans1.dropout"} <= names


@pytest.mark.parametrize("name, kw, words", [
    ("densenet_41_12", {}, ["depth", "3n+4", "41"]),
    ("densenet_bc_43_12", {}, ["depth", "6n+4", "43"]),
    ("densenet_bc_100_0", {}, ["growth_rate", ">= 1"]),
    ("densenet_40_12", {"drop_rate": -0.1}, ["drop_rate", "probability"]),
])
def test_densenet_bad_input(name, kw, words):
    with pytest.raises(CalcError) as err:
        get_model(name, **kw)
    assert all(w in str(err.value) for w in words)


# The ImageNet family (torchvision's layout): DenseNet-264 of Table 1, and section 3's B and C.

def imagenet_densenet_by_hand(k, blocks, stem, bottleneck=True, theta=0.5, bn_size=4):
    """Parameters: 7x7 stem conv and BN; per dense layer reading c channels BN + 1x1 conv to
    bn_size * k + BN + 3x3 conv to k (or, without B, BN + 3x3 conv to k); per transition
    reading m, BN + 1x1 conv to floor(theta * m); BN and a 1000-way FC layer."""
    total, c = 3 * stem * 49 + 2 * stem, stem
    for i, layers in enumerate(blocks):
        for _ in range(layers):
            inner = bn_size * k
            total += (2 * c + c * inner + 2 * inner + 9 * inner * k if bottleneck
                      else 2 * c + 9 * c * k)
            c += k
        if i < len(blocks) - 1:
            out = int(theta * c)
            total += 2 * c + c * out
            c = out
    return total + 2 * c + c * 1000 + 1000


def test_densenet264_table_1():
    """Table 1: k = 32, blocks of 6, 12, 64, 48, 56x56 to 7x7; the block outputs grow by
    k per layer and the transitions halve them; 33,337,704 parameters (torchvision's DenseNet
    class with these arguments, tests/test_family_oracle.py)."""
    net = get_model("densenet264")
    s = shapes(net)
    assert [s[f"features.denseblock{b}.cat"] for b in (1, 2, 3, 4)] == \
        [(64 + 6 * 32, 56, 56), (128 + 12 * 32, 28, 28), (256 + 64 * 32, 14, 14),
         (1152 + 48 * 32, 7, 7)]
    assert params("densenet264") == imagenet_densenet_by_hand(32, (6, 12, 64, 48), 64) \
        == 33_337_704
    assert weighted_layers(net) == 1 + 2 * (6 + 12 + 64 + 48) + 3 + 1 == 265


@pytest.mark.parametrize("bottleneck, theta", [(True, 0.5), (True, 1.0), (False, 0.5),
                                               (False, 1.0), (True, 0.3)])
def test_imagenet_densenet_b_and_c_by_hand(bottleneck, theta):
    """Section 3: DenseNet-BC, -B, -C and the plain DenseNet on the ImageNet layout."""
    knobs = {"growth_rate": 12, "block_config": (3, 5, 2), "num_init_features": 24}
    net = get_model("densenet", bottleneck=bottleneck, compression=theta, **knobs)
    assert summarize(net).params == imagenet_densenet_by_hand(12, (3, 5, 2), 24, bottleneck,
                                                              theta)
    conv = net.node("features.denseblock2.denselayer5.conv1").layer
    assert conv.kernel_size == ((1, 1) if bottleneck else (3, 3))
    assert conv.out_channels == (48 if bottleneck else 12)
    # floor(theta * m): 24 + 3 * 12 = 60 channels reach the first transition
    assert net.node("features.transition1.conv").layer.out_channels == int(theta * 60)


def test_imagenet_densenet_bad_compression():
    with pytest.raises(CalcError, match="compression must be"):
        get_model("densenet", compression=0)
    with pytest.raises(CalcError, match="leaves no channel"):
        get_model("densenet", compression=0.001)
    with pytest.raises(CalcError, match="compression is 0.5 in this model"):
        get_model("densenet121", compression=1.0)


# --- Szegedy et al. 2015, "Going Deeper with Convolutions", Table 1 -----------------------------

# Table 1 rows: calc node prefixes, output size, "params" (K), "ops" (M).
GOOGLENET_TABLE_1 = [
    (("conv1",), (64, 112, 112), "2.7", 34),
    (("maxpool1",), (64, 56, 56), None, None),
    (("conv2", "conv3"), (192, 56, 56), "112", 360),
    (("maxpool2",), (192, 28, 28), None, None),
    (("inception3a",), (256, 28, 28), "159", 128),
    (("inception3b",), (480, 28, 28), "380", 304),
    (("maxpool3",), (480, 14, 14), None, None),
    (("inception4a",), (512, 14, 14), "364", 73),
    (("inception4b",), (512, 14, 14), "437", 88),
    (("inception4c",), (512, 14, 14), "463", 100),
    (("inception4d",), (528, 14, 14), "580", 119),
    (("inception4e",), (832, 14, 14), "840", 170),
    (("maxpool4",), (832, 7, 7), None, None),
    (("inception5a",), (832, 7, 7), "1072", 54),
    (("inception5b",), (1024, 7, 7), "1388", 71),
    (("avgpool",), (1024, 1, 1), None, None),
    (("fc",), (1000,), "1000", 1),
]
# Rows whose Table 1 figure the table's own channel counts do not give (module docstring).
PARAMS_OFF = {"conv1", "inception4c", "inception4d", "inception5a", "inception5b"}
OPS_OFF = {"conv1", "inception5a"}


def _row(summary, prefixes):
    rows = [r for r in summary.rows if r.name.split(".")[0] in prefixes]
    return sum(r.params for r in rows), sum(r.macs for r in rows), rows[-1].output


@pytest.fixture(scope="module")
def googlenet():
    return summarize(get_model("googlenet_paper"))


@pytest.mark.parametrize("prefixes, size, kparams, mops", GOOGLENET_TABLE_1)
def test_googlenet_table_1_rows(googlenet, prefixes, size, kparams, mops):
    p, m, output = _row(googlenet, prefixes)
    assert output == size
    if kparams is not None and prefixes[0] not in PARAMS_OFF:
        assert abs(p / 1024 - float(kparams)) / float(kparams) < 0.01   # K = 1024 (fc: 1000K)
    if mops is not None and prefixes[0] not in OPS_OFF:
        assert abs(m / 1e6 - mops) < 1                                     # M = 10^6, rounded


def test_googlenet_rows_table_1_gets_wrong_by_hand(googlenet):
    p, m, _ = _row(googlenet, ("conv1",))
    assert (p, m) == (7 * 7 * 3 * 64 + 64, 112 * 112 * 64 * 7 * 7 * 3)
    _, m, _ = _row(googlenet, ("inception5a",))
    # 7x7 maps, 832 in: 1x1 256; 1x1 160 -> 3x3 320; 1x1 32 -> 5x5 128; pool -> 1x1 128
    assert m == 49 * (832 * 256 + 832 * 160 + 160 * 320 * 9 + 832 * 32 + 32 * 128 * 25
                      + 832 * 128)


def test_googlenet_totals_agree_with_table_1_columns(googlenet):
    column_params = sum(float(k) for _, _, k, _ in GOOGLENET_TABLE_1 if k) * 1024
    assert abs(googlenet.params - column_params) / column_params < 0.01
    column_ops = sum(m for pre, _, _, m in GOOGLENET_TABLE_1 if m and pre != ("conv1",)) * 1e6
    ours = googlenet.macs - _row(googlenet, ("conv1",))[1]
    assert abs(ours - column_ops) / column_ops < 0.01


def test_googlenet_is_the_paper_network(googlenet):
    layers = {r.name: r for r in googlenet.rows}
    assert layers["inception3a.branch3.1.conv"].type == "Conv2d"
    net = get_model("googlenet_paper")
    assert net.node("inception3a.branch3.1.conv").layer.kernel_size == (5, 5)
    assert {"lrn1", "lrn2"} <= set(layers)
    assert not any(r.type == "BatchNorm2d" for r in googlenet.rows)
    assert get_model("googlenet_paper").node("dropout").layer.p == 0.4
    assert googlenet.aux_params == 0


def test_googlenet_auxiliary_classifiers(googlenet):
    with_aux = summarize(get_model("googlenet_paper", aux_logits=True))
    s = {r.name: r.output for r in with_aux.rows}
    assert s["aux1.avgpool"] == (512, 4, 4) and s["aux2.avgpool"] == (528, 4, 4)
    assert s["aux1.fc2"] == (1000,)

    def aux(cin):  # section 5: 1x1 conv to 128, FC 1024, linear 1000 (weights + biases)
        return (cin * 128 + 128) + (4 * 4 * 128 * 1024 + 1024) + (1024 * 1000 + 1000)

    assert with_aux.aux_params == aux(512) + aux(528)
    assert with_aux.params == googlenet.params + aux(512) + aux(528)
    assert with_aux.macs == googlenet.macs and with_aux.aux_macs > 0


# --- Radford, Metz & Chintala 2016, DCGAN --------------------------------------------------------

def test_dcgan_generator_figure_1_shapes():
    """Figure 1: 4x4x1024 -> 8x8x512 -> 16x16x256 -> 32x32x128 -> 64x64x3 (ngf = 128)."""
    net = get_model("dcgan_example_generator", ngf=128)
    s = shapes(net)
    assert s["input"] == (100, 1, 1)
    assert [s[f"main.{i}"] for i in (0, 3, 6, 9, 12)] == [
        (1024, 4, 4), (512, 8, 8), (256, 16, 16), (128, 32, 32), (3, 64, 64)]
    assert net.output == "main.13" and net.node("main.13").layer.type == "Tanh"


def _generator_by_hand(nz, ngf, nc, widths):
    """4x4 transposed convs without bias (Cin*Cout*16 weights), BN (2C) on all but the output."""
    chans = [nz] + [ngf * w for w in widths] + [nc]
    weights = sum(a * b * 16 for a, b in zip(chans, chans[1:]))
    return weights + sum(2 * c for c in chans[1:-1])


@pytest.mark.parametrize("ngf, nz, nc", [(64, 100, 3), (128, 100, 3), (32, 64, 1)])
def test_dcgan_generator_params_by_hand(ngf, nz, nc):
    expected = _generator_by_hand(nz, ngf, nc, [8, 4, 2, 1])
    assert params("dcgan_example_generator", ngf=ngf, nz=nz, nc=nc) == expected
    assert params("dcgan_example_generator", ngf=ngf, nc=nc, input_shape=(nz, 1, 1)) == expected


def test_dcgan_generator_default_numbers_by_hand():
    # 100*512*16 + 512*256*16 + 256*128*16 + 128*64*16 + 64*3*16 weights, BN 2*(512+256+128+64)
    assert params("dcgan_example_generator") == (819_200 + 2_097_152 + 524_288 + 131_072 + 3_072
                                         + 1_920)
    # MACs on the input grid: Cin*Hin*Win * Cout*16
    macs = (100 * 1 * 512 * 16 + 512 * 16 * 256 * 16 + 256 * 64 * 128 * 16
            + 128 * 256 * 64 * 16 + 64 * 1024 * 3 * 16)
    assert summarize(get_model("dcgan_example_generator")).macs == macs


def test_dcgan_discriminator_by_hand():
    net = get_model("dcgan_example_discriminator")
    s = shapes(net)
    assert [s[f"main.{i}"] for i in (0, 2, 5, 8, 11)] == [
        (64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4), (1, 1, 1)]
    assert net.output_shape == (1,)
    assert net.node("main.1").layer.negative_slope == 0.2
    assert "main.1" in s and net.node("main.1").layer.type == "LeakyReLU"  # no BN on layer 1
    weights = 3 * 64 * 16 + 64 * 128 * 16 + 128 * 256 * 16 + 256 * 512 * 16 + 512 * 1 * 16
    assert params("dcgan_example_discriminator") == weights + 2 * (128 + 256 + 512)


@pytest.mark.parametrize("size, widths", [(32, [4, 2, 1]), (64, [8, 4, 2, 1]),
                                          (128, [16, 8, 4, 2, 1])])
def test_dcgan_other_image_sizes(size, widths):
    g = get_model("dcgan_example_generator", image_size=size)
    assert g.output_shape == (3, size, size)
    ups = [n for n in g.nodes if isinstance(n.layer, ConvTranspose2d)]
    assert [n.output_shape for n in ups] == (
        [(64 * w, 4 * 2 ** i, 4 * 2 ** i) for i, w in enumerate(widths)] + [(3, size, size)])
    assert params("dcgan_example_generator", image_size=size) == _generator_by_hand(100, 64, 3, widths)
    d = get_model("dcgan_example_discriminator", input_shape=(3, size, size))
    convs = [n.output_shape for n in d.nodes if isinstance(n.layer, Conv2d)]
    assert convs == ([(64 * w, 4 * 2 ** i, 4 * 2 ** i) for i, w in enumerate(widths)][::-1]
                     + [(1, 1, 1)])


@pytest.mark.parametrize("name, kw, words", [
    ("dcgan_example_generator", {"image_size": 48}, ["image_size", "power of two"]),
    ("dcgan_example_generator", {"input_shape": (3, 224, 224)}, ["input_shape", "1, 1"]),
    ("dcgan_example_generator", {"input_shape": (100, 1, 1), "nz": 50}, ["input_shape", "(50, 1, 1)"]),
    ("dcgan_example_generator", {"num_classes": 10}, ["num_classes"]),
    ("dcgan_example_generator", {"ngf": 0}, ["ngf", ">= 1"]),
    ("dcgan_example_discriminator", {"input_shape": (3, 224, 224)}, ["input size", "power of two"]),
    ("dcgan_example_discriminator", {"input_shape": (3, 64, 32)}, ["input_shape", "square"]),
    ("dcgan_example_discriminator", {"num_classes": 10}, ["num_classes", "1"]),
])
def test_dcgan_bad_input(name, kw, words):
    with pytest.raises(CalcError) as err:
        get_model(name, **kw)
    assert all(w in str(err.value) for w in words)


# --- all families -------------------------------------------------------------------------------

PAPER_MODELS = ["resnet20", "resnet1202", "preact_resnet164", "preact_resnet1001", "wrn_16_8",
                "wrn_28_10", "wrn_40_4", "densenet_40_12", "densenet_bc_100_12",
                "densenet_bc_250_24", "densenet_bc_190_40", "densenet264", "googlenet_paper",
                "dcgan_example_generator", "dcgan_example_discriminator"]


@pytest.mark.parametrize("name", PAPER_MODELS)
def test_presets_registered_and_aligned(name):
    assert name in list_models()
    summary = summarize(get_model(name))
    assert summary.notes == ()   # every merge (add, concat) is aligned


@pytest.mark.parametrize("name", ["resnet56", "preact_resnet_56", "wrn_16_4", "densenet_bc_100_12",
                                  "densenet_40_12", "googlenet_paper"])
def test_input_shape_and_num_classes(name):
    net = get_model(name, input_shape=(1, 96, 96) if "google" not in name else (1, 256, 256),
                    num_classes=7)
    assert net.input_shape[0] == 1 and net.output_shape == (7,)


@pytest.mark.parametrize("example", ["cifar_resnet_56", "preact_resnet_164", "wrn_28_10",
                                     "densenet_40_12", "densenet_bc_100_12"])
def test_family_examples_build(example):
    [family] = family_of(example)
    assert family.example == example
    assert get_model(example).name == example


# --- Radford et al.'s own DCGAN (github.com/Newmu/dcgan_code, faces/train_uncond_dcgan.py) ----

# The code's parameter shapes: gw (nz, ngf*8*4*4), gg and gb (ngf*8*4*4), gw2 (ngf*8, ngf*4,
# 5, 5), gg2/gb2 (ngf*4), ..., gwx (ngf, nc, 5, 5); dw (ndf, nc, 5, 5), dw2 (ndf*2, ndf, 5, 5),
# dg2/db2 (ndf*2), ..., dwy (ndf*8*4*4, 1). nz = 100, ngf = ndf = 128, nc = 3, npx = 64.
CODE_GENERATOR = [(100, 16384), (16384,), (16384,), (1024, 512, 5, 5), (512,), (512,),
                  (512, 256, 5, 5), (256,), (256,), (256, 128, 5, 5), (128,), (128,),
                  (128, 3, 5, 5)]
CODE_DISCRIMINATOR = [(128, 3, 5, 5), (256, 128, 5, 5), (256,), (256,), (512, 256, 5, 5),
                      (512,), (512,), (1024, 512, 5, 5), (1024,), (1024,), (16384, 1)]


def test_dcgan_paper_networks_have_their_codes_parameters():
    assert params("dcgan_paper_generator") == sum(prod(s) for s in CODE_GENERATOR)
    assert params("dcgan_paper_discriminator") == sum(prod(s) for s in CODE_DISCRIMINATOR)


def test_dcgan_paper_generator_shapes_figure_1():
    """Figure 1: z (100) projected and reshaped to 4x4x1024, then 8x8x512, 16x16x256,
    32x32x128 and 64x64x3; the 5x5 transposed convs double the size (the code's deconv makes
    the output twice the input)."""
    net = get_model("dcgan_paper_generator")
    maps = [n.output_shape for n in net.nodes if len(n.output_shape) == 3
            and n.layer.type in ("Unflatten", "ConvTranspose2d")]
    assert maps == [(1024, 4, 4), (512, 8, 8), (256, 16, 16), (128, 32, 32), (3, 64, 64)]
    kernels = {n.layer.kernel_size for n in net.nodes if n.layer.type == "ConvTranspose2d"}
    assert kernels == {(5, 5)}
    d = get_model("dcgan_paper_discriminator")
    maps = [n.output_shape for n in d.nodes if n.layer.type == "Conv2d"]
    assert maps == [(128, 32, 32), (256, 16, 16), (512, 8, 8), (1024, 4, 4)]
    assert d.output_shape == (1,)
