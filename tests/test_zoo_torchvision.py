"""The torchvision half of the zoo: published sizes, torchvision's module names, quirks.

Runs without torch: the golden numbers are copied from torchvision's metadata.
"""


import pytest

from calc import CalcError
from calc.models import get_model, list_models
from calc.models.densenet import densenet
from calc.models.resnet import resnet
from calc.models.vgg import vgg
from calc.summary import summarize

# torchvision 0.29 weights metadata: ``<Model>_Weights.IMAGENET1K_V1.meta["num_params"]``
# and ``["_ops"]`` (GMACs at 224x224; 299x299 for inception_v3).
TORCHVISION = {
    "alexnet": (61_100_840, 0.714),
    "vgg11": (132_863_336, 7.609),
    "vgg13": (133_047_848, 11.308),
    "vgg16": (138_357_544, 15.47),
    "vgg19": (143_667_240, 19.632),
    "vgg11_bn": (132_868_840, 7.609),
    "vgg13_bn": (133_053_736, 11.308),
    "vgg16_bn": (138_365_992, 15.47),
    "vgg19_bn": (143_678_248, 19.632),
    "googlenet": (6_624_904, 1.498),
    "inception_v3": (27_161_264, 5.713),
    "resnet18": (11_689_512, 1.814),
    "resnet34": (21_797_672, 3.664),
    "resnet50": (25_557_032, 4.089),
    "resnet101": (44_549_160, 7.801),
    "resnet152": (60_192_808, 11.514),
    "wide_resnet50_2": (68_883_240, 11.398),
    "wide_resnet101_2": (126_886_696, 22.753),
    "densenet121": (7_978_856, 2.834),
    "densenet161": (28_681_000, 7.728),
    "densenet169": (14_149_480, 3.36),
    "densenet201": (20_013_928, 4.291),
}

# Simonyan & Zisserman 2015, Table 2: "Number of parameters (in millions)".
VGG_PAPER_MILLIONS = {"vgg_a": 133, "vgg_a_lrn": 133, "vgg_b": 133, "vgg_c": 134,
                      "vgg_d": 138, "vgg_e": 144}


def decimals(published: float) -> int:
    text = repr(published)
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_torchvision_metadata(name):
    params, gmacs = TORCHVISION[name]
    s = summarize(get_model(name))
    assert s.params == params
    assert round(s.macs / 1e9, decimals(gmacs)) == gmacs
    assert s.output == (1000,)


@pytest.mark.parametrize("name", sorted(VGG_PAPER_MILLIONS))
def test_vgg_paper_table2(name):
    assert round(summarize(get_model(name)).params / 1e6) == VGG_PAPER_MILLIONS[name]


def test_every_preset_is_registered():
    assert set(TORCHVISION) | set(VGG_PAPER_MILLIONS) <= set(list_models())


@pytest.mark.parametrize("name, node", [
    ("alexnet", "features.0"), ("alexnet", "classifier.6"), ("alexnet", "avgpool"),
    ("vgg16", "features.28"), ("vgg16", "classifier.6"), ("vgg16_bn", "features.41"),
    ("resnet50", "layer4.2.conv3"), ("resnet50", "layer1.0.downsample.0"),
    ("resnet50", "layer1.0.downsample.1"), ("resnet18", "fc"), ("resnet18", "avgpool"),
    ("densenet121", "features.denseblock1.denselayer1.conv1"),
    ("densenet121", "features.denseblock4.denselayer16.conv2"),
    ("densenet121", "features.transition1.pool"), ("densenet121", "features.norm5"),
    ("densenet121", "classifier"),
    ("inception_v3", "Mixed_5b.branch1x1.conv"), ("inception_v3", "Mixed_5b.branch1x1.bn"),
    ("inception_v3", "Mixed_7c.branch3x3dbl_3b.conv"), ("inception_v3", "AuxLogits.conv1.conv"),
    ("inception_v3", "AuxLogits.fc"), ("inception_v3", "maxpool2"),
    ("googlenet", "inception3a.branch2.1.conv"), ("googlenet", "inception5b.branch4.0"),
    ("googlenet", "maxpool4"), ("googlenet", "fc"),
])
def test_torchvision_module_names(name, node):
    get_model(name).node(node)


def test_bottleneck_relu_names_follow_forward_order():
    net = get_model("resnet50")
    block = [n.name for n in net.nodes if n.name.startswith("layer1.0.")]
    assert block == ["layer1.0." + s for s in (
        "conv1", "bn1", "relu", "conv2", "bn2", "relu_2", "conv3", "bn3",
        "downsample.0", "downsample.1", "add", "relu_3")]


def test_resnet_v1_5_strides_on_the_3x3_conv():
    net = get_model("resnet50")
    assert net.node("layer2.0.conv1").layer.stride == (1, 1)
    assert net.node("layer2.0.conv2").layer.stride == (2, 2)
    assert net.node("layer2.0.downsample.0").layer.stride == (2, 2)


def test_wide_resnet_doubles_only_the_inner_width():
    net = get_model("wide_resnet50_2")
    assert net.node("layer1.0.conv2").layer.out_channels == 128
    assert net.node("layer1.0.conv3").layer.out_channels == 256


def test_torchvision_adaptive_pools():
    assert get_model("vgg16").node("avgpool").layer.output_size == (7, 7)
    assert get_model("alexnet").node("avgpool").layer.output_size == (6, 6)
    # the pool lets torchvision's VGG take other sizes; the paper's net grows its first FC
    assert summarize(get_model("vgg16", input_shape=(3, 64, 64))).params == 138_357_544
    assert get_model("vgg_d", input_shape=(3, 256, 256)).node("classifier.0").layer.in_features \
        == 512 * 8 * 8


def test_vgg_c_has_1x1_convs_and_a_lrn_has_lrn():
    kernels = [n.layer.kernel_size for n in get_model("vgg_c").nodes if n.layer.type == "Conv2d"]
    assert kernels.count((1, 1)) == 3 and len(kernels) == 13
    assert [n.name for n in get_model("vgg_a_lrn").nodes
            if n.layer.type == "LocalResponseNorm"] == ["features.2"]


def test_googlenet_ceil_mode_pools():
    net = get_model("googlenet")
    assert all(net.node(f"maxpool{i}").layer.ceil_mode for i in range(1, 5))
    # ceil mode: 112 -> 56 (floor mode would give 55)
    assert net.node("maxpool1").output_shape == (64, 56, 56)


def test_googlenet_aux_classifiers_are_side_branches():
    plain, aux = summarize(get_model("googlenet")), summarize(get_model("googlenet",
                                                                      aux_logits=True))
    # torchvision's InceptionAux on 512 (aux1) and 528 (aux2) channels: 1x1 conv to 128
    # without bias, BN(128), FC 2048 -> 1024, FC 1024 -> 1000
    expected = sum(c * 128 + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000
                   for c in (512, 528))
    assert aux.aux_params == expected and aux.params == plain.params + expected
    assert aux.macs == plain.macs and plain.aux_params == 0
    assert {name.split(".")[0] for name in aux.network.auxiliary()} == {"aux1", "aux2"}


def test_inception_v3_aux_logits():
    net = get_model("inception_v3")
    assert net.input_shape == (3, 299, 299)
    assert net.auxiliary() and all(n.startswith("AuxLogits.") for n in net.auxiliary())
    with_aux, without = summarize(net), summarize(get_model("inception_v3", aux_logits=False))
    assert with_aux.aux_params > 0 and without.aux_params == 0
    assert without.params == with_aux.params - with_aux.aux_params
    assert without.macs == with_aux.macs


def test_inception_v3_below_299_needs_aux_logits_off():
    with pytest.raises(CalcError, match="AuxLogits.*set aux_logits=False"):
        get_model("inception_v3", input_shape=(3, 298, 299))
    # torchvision's min_size for inception_v3 is 75x75
    assert get_model("inception_v3", input_shape=(3, 75, 75),
                     aux_logits=False).output_shape == (1000,)


def test_densenet_dense_connectivity():
    net = get_model("densenet121")
    # layer l of block 1 sees 64 + (l - 1) * 32 channels; the block outputs 64 + 6 * 32
    assert net.node("features.denseblock1.denselayer6.norm1").output_shape == (224, 56, 56)
    assert len(net.node("features.denseblock1.cat").inputs) == 7
    assert net.node("features.transition1.conv").output_shape == (128, 56, 56)
    head = [n.name for n in net.nodes[-5:]]
    assert head == ["features.norm5", "relu", "avgpool", "flatten", "classifier"]


def test_family_builders_build_variants():
    assert summarize(resnet("bottleneck", [3, 4, 6, 3])).params == TORCHVISION["resnet50"][0]
    assert summarize(densenet(32, (6, 12, 24, 16), 64)).params == TORCHVISION["densenet121"][0]
    tiny = densenet(12, [2, 2], 24, input_shape=(3, 32, 32), num_classes=10)
    assert tiny.output_shape == (10,) and tiny.node("features.transition1.conv").layer \
        .out_channels == (24 + 2 * 12) // 2
    assert vgg([8, "M", (16, 1), "M"], avgpool=None, input_shape=(3, 28, 28),
               num_classes=10).node("classifier.0").layer.in_features == 16 * 7 * 7


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_num_classes_and_input_shape(name):
    shape = (3, 320, 320) if name == "inception_v3" else (1, 256, 192)
    net = get_model(name, input_shape=shape, num_classes=10)
    assert net.input_shape == shape and net.output_shape == (10,)


@pytest.mark.parametrize("build, rule", [
    (lambda: resnet("plain", [2, 2, 2, 2]), "block must be"),
    (lambda: resnet("basic", [2, 2, 2]), "layers must have 4 entries"),
    (lambda: resnet("basic", [2, 0, 2, 2]), "layers\\[1\\] must be >= 1"),
    (lambda: resnet("basic", [2, 2, 2, 2], width_per_group=128), "basic block supports"),
    (lambda: densenet(0), "growth_rate must be >= 1"),
    (lambda: vgg("F"), "cfg must be one of"),
    (lambda: get_model("resnet50", num_classes=0), "num_classes must be >= 1"),
    (lambda: get_model("alexnet", input_shape=(3, 32, 32)), "features"),
])
def test_bad_parameters_are_refused(build, rule):
    with pytest.raises(CalcError, match=rule):
        build()

