"""Wide Residual Networks for CIFAR, WRN-d-k.

Zagoruyko & Komodakis, "Wide Residual Networks", BMVC 2016 (arXiv 1605.07146),
Table 1: a 3x3 conv to 16 channels, then three groups of ``N`` pre-activation
basic blocks B(3,3) (BN-ReLU-conv3x3, BN-ReLU-conv3x3) of width 16k, 32k and
64k on 32x32, 16x16 and 8x8 maps, then BN-ReLU, global average pooling and a
fully connected layer. The depth is ``d = 6N + 4`` (the authors' code computes
``N = (d - 4) / 6``); the widening factor ``k`` multiplies the widths (k = 1 is
the thin pre-activation ResNet).
A shortcut is a 1x1 conv (with the group's stride) where a block changes the
width, an identity elsewhere. Dropout (section 2.4, Fig. 1d) goes between the
two convs of a block; the paper uses p = 0.3 on CIFAR.

Parameter counts of the paper (Table 4, CIFAR with ZCA whitening): WRN-40-1
0.6M, WRN-40-2 2.2M, WRN-40-4 8.9M, WRN-40-8 35.7M, WRN-28-10 36.5M, WRN-28-12
52.5M, WRN-22-8 17.2M, WRN-22-10 26.8M, WRN-16-8 11.0M, WRN-16-10 17.1M.

Node names follow the widely used PyTorch reimplementation by Xternalz
(github.com/xternalz/WideResNet-pytorch): ``conv1``,
``block1.layer.0.bn1``, ``.relu1``, ``.conv1``, ``.bn2``, ``.relu2``, ``.conv2``,
``.convShortcut``, then ``bn1``, ``relu``, ``fc``. Its functional calls are
``<block>.dropout``, ``<block>.add``, ``avgpool`` and ``flatten``. As there (and
in the authors' code) a block that changes width feeds its shortcut conv with the
pre-activated input ``relu1``, an identity shortcut takes the raw input. Its
``F.avg_pool2d(out, 8)`` is global on 32x32 inputs; here it is global on any size.
"""

from __future__ import annotations

import re

from .. import validate
from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import classes, input_shape_knob, num_classes_knob
from ._paper_blocks import CIFAR_SHAPE, RELU, blocks_from_depth, factor
from .registry import Family, Knob, MemberName, register, register_family


def wide_basic(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int,
               dropout: float) -> Tensor:
    """Pre-activation B(3,3): BN-ReLU-conv3x3 (stride), [dropout], BN-ReLU-conv3x3, + shortcut."""
    pre = g.sequential(prefix, [("bn1", BatchNorm2d(x.channels)), ("relu1", RELU)], x)
    out = g.sequential(prefix, [
        ("conv1", Conv2d(x.channels, planes, 3, stride, 1, bias=False)),
        ("bn2", BatchNorm2d(planes)), ("relu2", RELU),
    ], pre)
    if dropout > 0:
        out = g.layer(f"{prefix}.dropout", Dropout(dropout), out)
    out = g.layer(f"{prefix}.conv2", Conv2d(planes, planes, 3, 1, 1, bias=False), out)
    if stride != 1 or x.channels != planes:
        x = g.layer(f"{prefix}.convShortcut", Conv2d(x.channels, planes, 1, stride, bias=False),
                    pre)
    return g.add(f"{prefix}.add", x, out)


def _wide_resnet(name: str, blocks: int, k: int, dropout: float, input_shape,
                 num_classes: int) -> Network:
    num_classes = classes(num_classes)
    g = NetworkBuilder(name, input_shape)
    x = g.layer("conv1", Conv2d(g.input.channels, 16, 3, 1, 1, bias=False), g.input)
    for group, (width, stride) in enumerate(((16 * k, 1), (32 * k, 2), (64 * k, 2)), start=1):
        for index in range(blocks):
            x = wide_basic(g, f"block{group}.layer.{index}", x, width,
                           stride if index == 0 else 1, dropout)
    x = g.sequential("", [("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
                          ("avgpool", AdaptiveAvgPool2d((1, 1))), ("flatten", Flatten())], x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def wide_resnet(*, depth: int = 28, widen_factor: int = 10, dropout: float = 0.0,
                input_shape=CIFAR_SHAPE, num_classes: int = 10, name: str = "wrn") -> Network:
    """WRN-``depth``-``widen_factor``, ``depth = 6N + 4`` (N blocks per group): ``wrn_<d>_<k>``."""
    blocks = blocks_from_depth(depth, 6, 4)
    k = factor("widen_factor", widen_factor)
    return _wide_resnet(name, blocks, k, validate.probability("dropout", dropout),
                        input_shape, num_classes)


WRN = register_family(Family(
    "wrn", wide_resnet,
    knobs=(Knob("depth", "int", 28, "weighted layers, 6N + 4: N blocks per group"),
           Knob("widen_factor", "int", 10, "k: the groups are 16k, 32k and 64k wide"),
           Knob("dropout", "probability", 0.0, "dropout between the two convs of a block "
                "(0.3 in the paper's CIFAR runs)"),
           num_classes_knob(10), input_shape_knob(CIFAR_SHAPE)),
    description="Wide ResNets WRN-d-k for CIFAR",
    source="Zagoruyko & Komodakis, BMVC 2016 (arXiv 1605.07146), Tables 1 and 4",
    members=(MemberName(re.compile(r"wrn_(\d{1,6})_(\d{1,6})"),
                        lambda m: {"depth": int(m[1]), "widen_factor": int(m[2])}, "wrn_28_10",
                        "Wide ResNet WRN-d-k, d = 6N+4 (Zagoruyko & Komodakis 2016)"),),
))


@register
def wrn_16_8(**kwargs) -> Network:
    """WRN-16-8 (Table 4): 11.0M parameters."""
    return WRN.member(kwargs, depth=16, widen_factor=8)


@register
def wrn_28_10(**kwargs) -> Network:
    """WRN-28-10 (Table 4): 36.5M parameters."""
    return WRN.member(kwargs, depth=28, widen_factor=10)


@register
def wrn_40_4(**kwargs) -> Network:
    """WRN-40-4 (Table 4): 8.9M parameters."""
    return WRN.member(kwargs, depth=40, widen_factor=4)
