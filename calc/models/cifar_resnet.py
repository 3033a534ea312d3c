"""The CIFAR-10 ResNets of He et al. 2016, section 4.2.

He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016
(arXiv 1512.03385), section 4.2: a 3x3 conv to 16 channels on the 32x32 input,
then three stages of ``n`` basic blocks (two 3x3 convs each) at 16, 32 and 64
channels on 32x32, 16x16 and 8x8 maps (the first conv of stages 2 and 3 has
stride 2), global average pooling and a 10-way fully connected layer:
``6n + 2`` weighted layers. Shortcuts are identities; where the shape changes
they are the parameter-free "option A" (:class:`~calc.layers.PadChannels`:
subsample by 2, zero-pad the new channels), so every ResNet of the family has
exactly the parameters of its plain counterpart. Table 6 lists n = 3, 5, 7, 9,
18 and 200: ResNet-20, 32, 44, 56, 110 and 1202 with 0.27M, 0.46M, 0.66M,
0.85M, 1.7M and 19.4M parameters.

Node names follow the widely used PyTorch reimplementation by Yerlan Idelbayev
(github.com/akamaster/pytorch_resnet_cifar10): ``conv1``, ``bn1``,
``layer2.0.conv1``, ``layer2.0.shortcut``, ``linear``. Its functional calls get
the names ``relu`` (``<block>.relu``, ``<block>.relu_2`` inside a block), ``add``,
``avgpool`` and ``flatten``. Its ``F.avg_pool2d(out, out.size()[3])`` is a global
average pool on square maps; here it is global on any input size.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, PadChannels
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import classes, input_shape_knob, num_classes_knob
from ._paper_blocks import CIFAR_SHAPE, RELU, blocks_from_depth
from .registry import Family, Knob, MemberName, register, register_family

STAGE_CHANNELS = (16, 32, 64)


# Layers are frozen: the identical blocks of a stage share instances (resnet1202 has 600 blocks).
@lru_cache(maxsize=64)
def _conv3x3(in_channels: int, out_channels: int, stride: int) -> Conv2d:
    return Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)


@lru_cache(maxsize=64)
def _bn(channels: int) -> BatchNorm2d:
    return BatchNorm2d(channels)


def basic_block(g: NetworkBuilder, prefix: str, x: Tensor, planes: int, stride: int) -> Tensor:
    """conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU (section 3.2, Fig. 2 left)."""
    out = g.sequential(prefix, [
        ("conv1", _conv3x3(x.channels, planes, stride)), ("bn1", _bn(planes)), ("relu", RELU),
        ("conv2", _conv3x3(planes, planes, 1)), ("bn2", _bn(planes)),
    ], x)
    if stride != 1 or x.channels != planes:
        x = g.layer(f"{prefix}.shortcut", PadChannels(planes, stride), x)
    out = g.add(f"{prefix}.add", out, x)
    return g.layer(f"{prefix}.relu_2", RELU, out)


def _cifar_resnet(name: str, blocks: int, input_shape, num_classes: int) -> Network:
    num_classes = classes(num_classes)
    g = NetworkBuilder(name, input_shape)
    x = g.sequential("", [
        ("conv1", Conv2d(g.input.channels, STAGE_CHANNELS[0], 3, 1, 1, bias=False)),
        ("bn1", BatchNorm2d(STAGE_CHANNELS[0])), ("relu", RELU),
    ], g.input)
    for stage, planes in enumerate(STAGE_CHANNELS, start=1):
        for index in range(blocks):
            stride = 2 if stage > 1 and index == 0 else 1
            x = basic_block(g, f"layer{stage}.{index}", x, planes, stride)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("linear", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def cifar_resnet(*, depth: int = 56, input_shape=CIFAR_SHAPE, num_classes: int = 10,
                 name: str = "cifar_resnet") -> Network:
    """CIFAR ResNet, ``depth = 6n + 2`` layers (n blocks per stage), ``cifar_resnet_<depth>``."""
    blocks = blocks_from_depth(depth, 6, 2)
    return _cifar_resnet(name, blocks, input_shape, num_classes)


CIFAR_RESNET = register_family(Family(
    "cifar_resnet", cifar_resnet,
    knobs=(Knob("depth", "int", 56, "weighted layers, 6n + 2: n basic blocks per stage"),
           num_classes_knob(10), input_shape_knob(CIFAR_SHAPE)),
    description="CIFAR ResNets of He et al. 2016, section 4.2: three stages of n basic blocks",
    source="He et al. 2016 (arXiv 1512.03385), section 4.2 and Table 6",
    members=(MemberName(re.compile(r"cifar_resnet_(\d{1,6})"), lambda m: {"depth": int(m[1])},
                        "cifar_resnet_56", "CIFAR ResNet, depth 6n+2 (He et al. 2016, sec. 4.2)"),),
))


@register
def resnet20(**kwargs) -> Network:
    """ResNet-20 (Table 6): n = 3, 0.27M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=20)


@register
def resnet32(**kwargs) -> Network:
    """ResNet-32 (Table 6): n = 5, 0.46M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=32)


@register
def resnet44(**kwargs) -> Network:
    """ResNet-44 (Table 6): n = 7, 0.66M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=44)


@register
def resnet56(**kwargs) -> Network:
    """ResNet-56 (Table 6): n = 9, 0.85M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=56)


@register
def resnet110(**kwargs) -> Network:
    """ResNet-110 (Table 6): n = 18, 1.7M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=110)


@register
def resnet1202(**kwargs) -> Network:
    """ResNet-1202 (Table 6): n = 200, 19.4M parameters."""
    return CIFAR_RESNET.member(kwargs, depth=1202)
