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

from .. import _check
from ..errors import CalcError
from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import IMAGENET_SHAPE, RELU, positive_ints
from .registry import register


def _shortcut(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int, stride: int) -> Tensor:
    """Identity, or torchvision's ``downsample`` (1x1 conv with stride, BN) if the shape changes."""
    if stride == 1 and x.channels == out_channels:
        return x
    return g.sequential(f"{prefix}.downsample", [
        Conv2d(x.channels, out_channels, 1, stride=stride, bias=False),
        BatchNorm2d(out_channels),
    ], x)


def basic_block(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int = 1,
                groups: int = 1, base_width: int = 64) -> Tensor:
    """Two 3x3 convs and a residual sum (He et al. 2016, Fig. 2 left); ``planes`` channels out."""
    if groups != 1 or base_width != 64:
        raise CalcError("the basic block supports only groups=1 and width_per_group=64")
    out = g.layer(f"{prefix}.conv1", Conv2d(x.channels, planes, 3, stride, 1, bias=False), x)
    out = g.layer(f"{prefix}.bn1", BatchNorm2d(planes), out)
    out = g.layer(f"{prefix}.relu", RELU, out)
    out = g.layer(f"{prefix}.conv2", Conv2d(planes, planes, 3, 1, 1, bias=False), out)
    out = g.layer(f"{prefix}.bn2", BatchNorm2d(planes), out)
    out = g.add(f"{prefix}.add", out, _shortcut(g, prefix, x, planes, stride))
    return g.layer(f"{prefix}.relu_2", RELU, out)


def bottleneck(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int = 1,
               groups: int = 1, base_width: int = 64) -> Tensor:
    """1x1 reduce, 3x3 (carrying the stride: v1.5), 1x1 expand to ``4 * planes`` (Fig. 2 right).

    Inner width ``int(planes * base_width / 64) * groups`` (torchvision; 2x for Wide ResNet).
    """
    width = int(planes * (base_width / 64.0)) * groups
    out_channels = planes * 4
    out = g.layer(f"{prefix}.conv1", Conv2d(x.channels, width, 1, bias=False), x)
    out = g.layer(f"{prefix}.bn1", BatchNorm2d(width), out)
    out = g.layer(f"{prefix}.relu", RELU, out)
    out = g.layer(f"{prefix}.conv2", Conv2d(width, width, 3, stride, 1, groups=groups, bias=False),
                  out)
    out = g.layer(f"{prefix}.bn2", BatchNorm2d(width), out)
    out = g.layer(f"{prefix}.relu_2", RELU, out)
    out = g.layer(f"{prefix}.conv3", Conv2d(width, out_channels, 1, bias=False), out)
    out = g.layer(f"{prefix}.bn3", BatchNorm2d(out_channels), out)
    out = g.add(f"{prefix}.add", out, _shortcut(g, prefix, x, out_channels, stride))
    return g.layer(f"{prefix}.relu_3", RELU, out)


BLOCKS = {"basic": basic_block, "bottleneck": bottleneck}


def resnet(block: str, layers, *, name: str = "resnet", input_shape=IMAGENET_SHAPE,
           num_classes: int = 1000, groups: int = 1, width_per_group: int = 64) -> Network:
    """An ImageNet ResNet: ``block`` is ``"basic"`` or ``"bottleneck"``, ``layers`` the
    number of blocks in each of the four stages (``[3, 4, 6, 3]`` for ResNet-50)."""
    if block not in BLOCKS:
        raise CalcError(f"block must be 'basic' or 'bottleneck', got {block!r:.40}")
    make_block = BLOCKS[block]
    layers = positive_ints("layers", layers, 4)
    groups = _check.integer("groups", groups, 1, 1 << 12)
    width_per_group = _check.integer("width_per_group", width_per_group, 1, 1 << 12)
    num_classes = _check.integer("num_classes", num_classes, 1, _check.MAX_CHANNELS)

    g = NetworkBuilder(name, input_shape)
    x = g.layer("conv1", Conv2d(g.input.channels, 64, 7, 2, 3, bias=False), g.input)
    x = g.layer("bn1", BatchNorm2d(64), x)
    x = g.layer("relu", RELU, x)
    x = g.layer("maxpool", MaxPool2d(3, 2, 1), x)
    for stage, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers), start=1):
        for index in range(blocks):
            stride = 2 if stage > 1 and index == 0 else 1
            x = make_block(g, f"layer{stage}.{index}", x, planes, stride, groups, width_per_group)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


@register("resnet18")
def resnet18(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("basic", [2, 2, 2, 2], name="resnet18", input_shape=input_shape,
                  num_classes=num_classes)


@register("resnet34")
def resnet34(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("basic", [3, 4, 6, 3], name="resnet34", input_shape=input_shape,
                  num_classes=num_classes)


@register("resnet50")
def resnet50(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("bottleneck", [3, 4, 6, 3], name="resnet50", input_shape=input_shape,
                  num_classes=num_classes)


@register("resnet101")
def resnet101(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("bottleneck", [3, 4, 23, 3], name="resnet101", input_shape=input_shape,
                  num_classes=num_classes)


@register("resnet152")
def resnet152(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("bottleneck", [3, 8, 36, 3], name="resnet152", input_shape=input_shape,
                  num_classes=num_classes)


@register("wide_resnet50_2")
def wide_resnet50_2(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("bottleneck", [3, 4, 6, 3], name="wide_resnet50_2", width_per_group=128,
                  input_shape=input_shape, num_classes=num_classes)


@register("wide_resnet101_2")
def wide_resnet101_2(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return resnet("bottleneck", [3, 4, 23, 3], name="wide_resnet101_2", width_per_group=128,
                  input_shape=input_shape, num_classes=num_classes)
