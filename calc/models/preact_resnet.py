"""The pre-activation bottleneck ResNets for CIFAR, ResNet-164 and ResNet-1001.

He, Zhang, Ren & Sun, "Identity Mappings in Deep Residual Networks", ECCV 2016 (arXiv
1603.05027), section 4 and Table 4, as the authors' Torch code builds them
(github.com/KaimingHe/resnet-1k-layers, ``resnet-pre-act.lua``; the WRN authors' repository
carries the same file): a 3x3 conv to 16 channels on the 32x32 input, then three stages of
``n`` bottleneck units with outputs of 64, 128 and 256 channels on 32x32, 16x16 and 8x8 maps,
then BN-ReLU, global average pooling and a fully connected layer. A unit is BN-ReLU-conv1x1
(a quarter of the output width, with the stage's stride), BN-ReLU-conv3x3, BN-ReLU-conv1x1
(the output width), plus the shortcut: an identity, or, in the first unit of a stage, a
strided 1x1 conv that reads the unit's pre-activated input (BN-ReLU before the split, as in
the Lua code's "common BN, ReLU"). No conv has a bias. ``depth = 9n + 2`` counts the convs
and the fully connected layer, the shortcut projections aside: ResNet-164 has n = 18,
ResNet-1001 n = 111.

Parameters: Table 4 prints 1.7M for ResNet-164 and 10.2M for ResNet-1001. calc counts every
weight and the scale and shift of every batch norm: 1,703,258 and 10,327,706. Without the
batch norms' 24,224 and 149,216 affine parameters the counts are 1,679,034 and 10,178,490,
which round to the printed 1.7M and 10.2M; with them ResNet-1001 rounds to 10.3M. The
printed counts leave the batch norms out (tests/test_zoo_papers.py holds both roundings).

Node names follow torchvision's ResNet layout (``conv1``, ``layer<stage>.<index>``) with the
Lua code's order inside a unit: ``bn1``, ``relu1``, ``conv1``, ``bn2``, ``relu2``,
``conv2``, ``bn3``, ``relu3``, ``conv3``, ``shortcut``, ``add``; then ``bn``, ``relu``,
``avgpool``, ``flatten``, ``fc``. The Lua code's ``Avg(8, 8)`` is global on 32x32
inputs; here it is global on any size.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import classes, input_shape_knob, num_classes_knob
from ._paper_blocks import CIFAR_SHAPE, RELU, blocks_from_depth
from .registry import Family, Knob, MemberName, register, register_family

STEM_CHANNELS = 16
STAGE_CHANNELS = (64, 128, 256)   # a unit's output; its inner convs have a quarter of it


# Layers are frozen: the identical units of a stage share instances (ResNet-1001 has 333).
@lru_cache(maxsize=64)
def _conv(in_channels: int, out_channels: int, kernel_size: int, stride: int) -> Conv2d:
    return Conv2d(in_channels, out_channels, kernel_size, stride, kernel_size // 2, bias=False)


@lru_cache(maxsize=64)
def _bn(channels: int) -> BatchNorm2d:
    return BatchNorm2d(channels)


def bottleneck(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int,
               stride: int) -> Tensor:
    """BN-ReLU-conv1x1 (stride), BN-ReLU-conv3x3, BN-ReLU-conv1x1, plus the shortcut (a
    strided 1x1 conv on the pre-activated input where the shape changes)."""
    mid = out_channels // 4
    pre = g.sequential(prefix, [("bn1", _bn(x.channels)), ("relu1", RELU)], x)
    y = g.sequential(prefix, [
        ("conv1", _conv(x.channels, mid, 1, stride)), ("bn2", _bn(mid)), ("relu2", RELU),
        ("conv2", _conv(mid, mid, 3, 1)), ("bn3", _bn(mid)), ("relu3", RELU),
        ("conv3", _conv(mid, out_channels, 1, 1)),
    ], pre)
    shortcut = x
    if stride != 1 or x.channels != out_channels:
        shortcut = g.layer(f"{prefix}.shortcut", _conv(x.channels, out_channels, 1, stride), pre)
    return g.add(f"{prefix}.add", y, shortcut)


def _preact_resnet(name: str, units: int, input_shape, num_classes: int) -> Network:
    num_classes = classes(num_classes)
    g = NetworkBuilder(name, input_shape)
    x = g.layer("conv1", Conv2d(g.input.channels, STEM_CHANNELS, 3, 1, 1, bias=False), g.input)
    for stage, out_channels in enumerate(STAGE_CHANNELS, start=1):
        for index in range(units):
            stride = 2 if stage > 1 and index == 0 else 1
            x = bottleneck(g, f"layer{stage}.{index}", x, out_channels, stride)
    x = g.sequential("", [("bn", BatchNorm2d(x.channels)), ("relu", RELU),
                          ("avgpool", AdaptiveAvgPool2d((1, 1))), ("flatten", Flatten())], x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def preact_resnet(*, depth: int = 164, input_shape=CIFAR_SHAPE, num_classes: int = 10,
                  name: str = "preact_resnet") -> Network:
    """Pre-activation bottleneck ResNet, ``depth = 9n + 2`` (n units per stage):
    ``preact_resnet_<depth>``."""
    units = blocks_from_depth(depth, 9, 2)
    return _preact_resnet(name, units, input_shape, num_classes)


PREACT_RESNET = register_family(Family(
    "preact_resnet", preact_resnet,
    knobs=(Knob("depth", "int", 164, "weighted layers, 9n + 2: n bottleneck units per stage"),
           num_classes_knob(10), input_shape_knob(CIFAR_SHAPE)),
    description="CIFAR pre-activation bottleneck ResNets of He et al. 2016 (Identity Mappings)",
    source="He et al., ECCV 2016 (arXiv 1603.05027), Table 4; the authors' resnet-pre-act.lua",
    members=(MemberName(re.compile(r"preact_resnet_(\d{1,6})"),
                        lambda m: {"depth": int(m[1])}, "preact_resnet_164",
                        "CIFAR pre-activation bottleneck ResNet, depth 9n+2 "
                        "(He et al. 2016, Identity Mappings)"),),
))


@register
def preact_resnet164(**kwargs) -> Network:
    """ResNet-164 (Table 4): n = 18; printed 1.7M parameters, batch norms left out."""
    return PREACT_RESNET.member(kwargs, depth=164)


@register
def preact_resnet1001(**kwargs) -> Network:
    """ResNet-1001 (Table 4): n = 111; printed 10.2M parameters, batch norms left out."""
    return PREACT_RESNET.member(kwargs, depth=1001)
