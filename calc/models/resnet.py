"""ResNet and Wide ResNet for ImageNet, as torchvision builds them.

He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016
(arXiv 1512.03385), Table 1: a 7x7/2 stem, a 3x3/2 max pool, four stages of
residual blocks at 64, 128, 256, 512 base channels (strides 1, 2, 2, 2), global
average pooling and one fully connected layer. ``BasicBlock`` is two 3x3 convs
(ResNet-18/34); ``Bottleneck`` is 1x1, 3x3, 1x1 with expansion 4 (ResNet-50/101/152).

torchvision implements "ResNet v1.5": in a downsampling Bottleneck the stride
sits on the 3x3 conv (``conv2``), not on the first 1x1 conv as in the paper.
Projection shortcuts (``downsample``: 1x1 conv + BN, the paper's option B) are
used only where the shape changes.

Wide ResNet-50-2 / 101-2: Zagoruyko & Komodakis, "Wide Residual Networks", BMVC
2016 (arXiv 1605.07146), applied by torchvision to the Bottleneck: the inner 3x3
width is doubled (``width_per_group=128``), the block's output width is not.

Node names equal torchvision's module names (``layer1.0.downsample.0``); the
residual sum is ``<block>.add``. torchvision's blocks register one ``relu``
module and call it two (BasicBlock) or three (Bottleneck) times: the first call
is the node ``<block>.relu``, later ones ``<block>.relu_2``, ``<block>.relu_3``.
"""

from __future__ import annotations

from .. import validate
from ..errors import CalcError
from ..layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear,
                      MaxPool2d, PadChannels)
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import (IMAGENET_SHAPE, RELU, classes, input_shape_knob, num_classes_knob,
                      positive_ints)
from .registry import Family, Knob, register, register_family


SHORTCUTS = ("B", "A", "C", "D")
STRIDE_ON = ("3x3", "1x1")


def _shortcut(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int, stride: int,
              kind: str = "B") -> Tensor:
    """The shortcut of a block, by He et al. 2016's options (section 3.3, Table 3):

    * ``B`` (torchvision): identity, or ``downsample`` (1x1 conv with the stride, BN) where
      the shape changes;
    * ``A``: identity, or the parameter-free ``downsample`` that keeps every stride-th pixel
      and zero-pads the new channels (:class:`~calc.layers.PadChannels`);
    * ``C``: ``downsample`` projections in every block;
    * ``D`` (ResNet-D of T. He et al., "Bag of Tricks", CVPR 2019): where the shape changes,
      a 2x2 average pool with the stride, then the 1x1 conv and BN, so no pixel is skipped.
    """
    same = stride == 1 and x.channels == out_channels
    if kind == "A":
        return x if same else g.layer(f"{prefix}.downsample", PadChannels(out_channels, stride),
                                      x)
    if same and kind != "C":
        return x
    conv = [Conv2d(x.channels, out_channels, 1, stride=1 if kind == "D" else stride,
                   bias=False), BatchNorm2d(out_channels)]
    if kind == "D":
        pool = (AvgPool2d(stride, stride, ceil_mode=True, count_include_pad=False)
                if stride > 1 else None)
        return g.sequential(f"{prefix}.downsample", ([pool] if pool else []) + conv, x)
    return g.sequential(f"{prefix}.downsample", conv, x)


def basic_block(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int = 1,
                groups: int = 1, base_width: int = 64, shortcut: str = "B",
                stride_on: str = "3x3") -> Tensor:
    """Two 3x3 convs and a residual sum (He et al. 2016, Fig. 2 left); ``planes`` channels out."""
    if groups != 1 or base_width != 64:
        raise CalcError("the basic block supports only groups=1 and width_per_group=64")
    out = g.layer(f"{prefix}.conv1", Conv2d(x.channels, planes, 3, stride, 1, bias=False), x)
    out = g.layer(f"{prefix}.bn1", BatchNorm2d(planes), out)
    out = g.layer(f"{prefix}.relu", RELU, out)
    out = g.layer(f"{prefix}.conv2", Conv2d(planes, planes, 3, 1, 1, bias=False), out)
    out = g.layer(f"{prefix}.bn2", BatchNorm2d(planes), out)
    out = g.add(f"{prefix}.add", out, _shortcut(g, prefix, x, planes, stride, shortcut))
    return g.layer(f"{prefix}.relu_2", RELU, out)


def bottleneck(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int = 1,
               groups: int = 1, base_width: int = 64, shortcut: str = "B",
               stride_on: str = "3x3") -> Tensor:
    """1x1 reduce, 3x3, 1x1 expand to ``4 * planes`` (Fig. 2 right).

    The stride sits on the 3x3 conv (``stride_on="3x3"``: "ResNet v1.5", torchvision's, called
    ResNet-B in "Bag of Tricks") or on the first 1x1 conv (``"1x1"``: the paper's, ResNet
    v1, whose strided 1x1 reads one pixel in four). Inner width
    ``int(planes * base_width / 64) * groups`` (torchvision; 2x for Wide ResNet).
    """
    width = int(planes * (base_width / 64.0)) * groups
    out_channels = planes * 4
    first, second = (1, stride) if stride_on == "3x3" else (stride, 1)
    out = g.layer(f"{prefix}.conv1", Conv2d(x.channels, width, 1, first, bias=False), x)
    out = g.layer(f"{prefix}.bn1", BatchNorm2d(width), out)
    out = g.layer(f"{prefix}.relu", RELU, out)
    out = g.layer(f"{prefix}.conv2", Conv2d(width, width, 3, second, 1, groups=groups,
                                            bias=False), out)
    out = g.layer(f"{prefix}.bn2", BatchNorm2d(width), out)
    out = g.layer(f"{prefix}.relu_2", RELU, out)
    out = g.layer(f"{prefix}.conv3", Conv2d(width, out_channels, 1, bias=False), out)
    out = g.layer(f"{prefix}.bn3", BatchNorm2d(out_channels), out)
    out = g.add(f"{prefix}.add", out, _shortcut(g, prefix, x, out_channels, stride, shortcut))
    return g.layer(f"{prefix}.relu_3", RELU, out)


BLOCKS = {"basic": basic_block, "bottleneck": bottleneck}


def resnet(block: str = "bottleneck", layers=(3, 4, 6, 3), *, groups: int = 1,
           width_per_group: int = 64, shortcut: str = "B", stride_on: str = "3x3",
           input_shape=IMAGENET_SHAPE, num_classes: int = 1000, name: str = "resnet") -> Network:
    """An ImageNet ResNet: ``block`` is ``"basic"`` or ``"bottleneck"``, ``layers`` the
    number of blocks in each of the four stages (``[3, 4, 6, 3]`` for ResNet-50).

    ``groups`` and ``width_per_group`` set the bottleneck's 3x3 conv: ResNeXt-50 32x4d is
    ``groups=32, width_per_group=4`` (Xie et al. 2017), Wide ResNet-50-2
    ``width_per_group=128``."""
    if block not in BLOCKS:
        raise CalcError(f"block must be 'basic' or 'bottleneck', got {block!r:.40}")
    make_block = BLOCKS[block]
    layers = positive_ints("layers", layers, 4)
    groups = validate.integer("groups", groups, 1, 1 << 12)
    width_per_group = validate.integer("width_per_group", width_per_group, 1, 1 << 12)
    shortcut = validate.choice("shortcut", shortcut, SHORTCUTS)
    stride_on = validate.choice("stride_on", stride_on, STRIDE_ON)
    num_classes = classes(num_classes)

    g = NetworkBuilder(name, input_shape)
    x = g.layer("conv1", Conv2d(g.input.channels, 64, 7, 2, 3, bias=False), g.input)
    x = g.layer("bn1", BatchNorm2d(64), x)
    x = g.layer("relu", RELU, x)
    x = g.layer("maxpool", MaxPool2d(3, 2, 1), x)
    for stage, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers), start=1):
        for index in range(blocks):
            stride = 2 if stage > 1 and index == 0 else 1
            x = make_block(g, f"layer{stage}.{index}", x, planes, stride, groups, width_per_group,
                           shortcut, stride_on)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


RESNET = register_family(Family(
    "resnet", resnet,
    knobs=(Knob("block", "choice", "bottleneck", "basic: two 3x3 convs (ResNet-18, 34); "
                "bottleneck: 1x1, 3x3, 1x1 with 4x expansion (ResNet-50 and deeper)",
                choices=tuple(BLOCKS)),
           Knob("layers", "ints", (3, 4, 6, 3), "blocks in each of the four stages"),
           Knob("groups", "int", 1, "groups of the bottleneck's 3x3 conv (ResNeXt's "
                "cardinality)"),
           Knob("width_per_group", "int", 64, "channels per group of the bottleneck's 3x3 "
                "conv, at the first stage (64: ResNet; 4 with groups 32: ResNeXt 32x4d; "
                "128: Wide ResNet-50-2)"),
           Knob("shortcut", "choice", "B", "B: projections where the shape changes "
                "(torchvision); A: zero-padded identity, no parameters; C: projections "
                "everywhere; D: average pool then projection (Bag of Tricks' ResNet-D)",
                choices=SHORTCUTS),
           Knob("stride_on", "choice", "3x3", "where a bottleneck downsamples: 3x3 "
                "(v1.5, torchvision) or 1x1 (the paper's v1)", choices=STRIDE_ON),
           num_classes_knob(), input_shape_knob(IMAGENET_SHAPE)),
    description="ImageNet ResNets, ResNeXts and wide bottleneck ResNets, as torchvision's "
                "ResNet class builds them",
    source="He et al. 2016 (arXiv 1512.03385); Xie et al. 2017 (arXiv 1611.05431); "
           "Zagoruyko & Komodakis 2016 (arXiv 1605.07146)",
))


@register
def resnet18(**kwargs) -> Network:
    """ResNet-18 (Table 1): 11,689,512 parameters, 1.814 GMACs at 224."""
    return RESNET.member(kwargs, block="basic", layers=(2, 2, 2, 2))


@register
def resnet34(**kwargs) -> Network:
    """ResNet-34 (Table 1): 21,797,672 parameters, 3.664 GMACs at 224."""
    return RESNET.member(kwargs, block="basic", layers=(3, 4, 6, 3))


@register
def resnet50(**kwargs) -> Network:
    """ResNet-50 (Table 1): 25,557,032 parameters, 4.089 GMACs at 224."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 6, 3))


@register
def resnet101(**kwargs) -> Network:
    """ResNet-101 (Table 1): 44,549,160 parameters, 7.801 GMACs at 224."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 23, 3))


@register
def resnet152(**kwargs) -> Network:
    """ResNet-152 (Table 1): 60,192,808 parameters, 11.514 GMACs at 224."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 8, 36, 3))


@register
def resnext50_32x4d(**kwargs) -> Network:
    """ResNeXt-50 32x4d (Xie et al. 2017, Table 1): cardinality 32, 4 channels per group."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 6, 3), groups=32,
                         width_per_group=4)


@register
def resnext101_32x8d(**kwargs) -> Network:
    """ResNeXt-101 32x8d (torchvision's, from Xie et al. 2017)."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 23, 3), groups=32,
                         width_per_group=8)


@register
def resnext101_64x4d(**kwargs) -> Network:
    """ResNeXt-101 64x4d (Xie et al. 2017, Table 5)."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 23, 3), groups=64,
                         width_per_group=4)


@register
def wide_resnet50_2(**kwargs) -> Network:
    """Wide ResNet-50-2: the bottleneck's inner width doubled (``width_per_group=128``)."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 6, 3), width_per_group=128)


@register
def wide_resnet101_2(**kwargs) -> Network:
    """Wide ResNet-101-2: the bottleneck's inner width doubled (``width_per_group=128``)."""
    return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 23, 3), width_per_group=128)
