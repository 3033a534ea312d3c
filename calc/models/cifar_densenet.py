"""DenseNet and DenseNet-BC for CIFAR, any depth L and growth rate k.

Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional
Networks", CVPR 2017 (arXiv 1608.06993), section 3 "Implementation Details" and
Table 2. A 3x3 conv (16 channels; 2k for DenseNet-BC) on the 32x32 input, three
dense blocks on 32x32, 16x16 and 8x8 maps joined by transitions (BN-ReLU-1x1
conv, 2x2 average pool), then BN-ReLU, global average pooling and a fully
connected layer. Each layer of a dense block sees the concatenation of all
earlier maps and adds k channels:

* DenseNet: a layer is BN-ReLU-conv3x3 (k); ``(L - 4) / 3`` layers per block;
  transitions keep the channel count.
* DenseNet-BC: a layer is BN-ReLU-conv1x1 (4k, the "B" bottleneck), BN-ReLU-
  conv3x3 (k); ``(L - 4) / 6`` layers per block; transitions output
  ``floor(0.5 * m)`` of their ``m`` channels (the "C" compression, theta = 0.5).

Table 2 parameters: DenseNet (L=40, k=12) 1.0M, (L=100, k=12) 7.0M, (L=100,
k=24) 27.2M; DenseNet-BC (L=100, k=12) 0.8M, (L=250, k=24) 15.3M, (L=190,
k=40) 25.6M. The paper adds dropout 0.2 after each conv but the first when it
trains without data augmentation (``drop_rate``).

Node names follow the widely used PyTorch reimplementation by Andreas Veit
(github.com/andreasveit/densenet-pytorch): ``conv1``, ``block1.layer.0.bn1``,
``.relu``, ``.conv1`` (``.bn2``, ``.relu_2``, ``.conv2`` in a bottleneck layer),
``trans1.bn1``, ``.relu``, ``.conv1``, then ``bn1``, ``relu``, ``fc``. As there,
each layer concatenates its input with its k new maps (``<layer>.cat``), which
gives every layer the same input as the paper's concatenation of all earlier
maps. Functional calls are ``<layer>.dropout`` (and ``.dropout_2`` after a
bottleneck layer's 3x3 conv), ``trans<i>.dropout``, ``trans<i>.pool``,
``avgpool`` and ``flatten``. Veit's code always starts with 2k channels; the paper's plain
DenseNet starts with 16, as here.
"""

from __future__ import annotations

import re
from math import floor

from .. import validate
from ..layers import AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import classes, input_shape_knob, num_classes_knob
from ._paper_blocks import CIFAR_SHAPE, RELU, blocks_from_depth, factor
from .registry import Family, Knob, MemberName, register, register_family

BOTTLENECK_WIDTH = 4  # a bottleneck's 1x1 conv outputs 4k maps (section 3, "Bottleneck layers")


def _dropout(g: NetworkBuilder, name: str, x: Tensor, drop_rate: float) -> Tensor:
    return g.layer(name, Dropout(drop_rate), x) if drop_rate > 0 else x


def dense_layer(g: NetworkBuilder, prefix: str, x: Tensor, growth_rate: int, bottleneck: bool,
                drop_rate: float) -> Tensor:
    """[BN-ReLU-conv1x1 (4k)], BN-ReLU-conv3x3 (k); returns the input and the k new maps."""
    if bottleneck:
        inner = BOTTLENECK_WIDTH * growth_rate
        out = g.sequential(prefix, [
            ("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
            ("conv1", Conv2d(x.channels, inner, 1, bias=False)),
        ], x)
        out = _dropout(g, f"{prefix}.dropout", out, drop_rate)
        out = g.sequential(prefix, [
            ("bn2", BatchNorm2d(inner)), ("relu_2", RELU),
            ("conv2", Conv2d(inner, growth_rate, 3, 1, 1, bias=False)),
        ], out)
        out = _dropout(g, f"{prefix}.dropout_2", out, drop_rate)
    else:
        out = g.sequential(prefix, [
            ("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
            ("conv1", Conv2d(x.channels, growth_rate, 3, 1, 1, bias=False)),
        ], x)
        out = _dropout(g, f"{prefix}.dropout", out, drop_rate)
    return g.concat(f"{prefix}.cat", x, out)


def transition(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int,
               drop_rate: float) -> Tensor:
    """BN-ReLU-conv1x1 to ``out_channels``, [dropout], 2x2 average pool with stride 2."""
    x = g.sequential(prefix, [
        ("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
        ("conv1", Conv2d(x.channels, out_channels, 1, bias=False)),
    ], x)
    x = _dropout(g, f"{prefix}.dropout", x, drop_rate)
    return g.layer(f"{prefix}.pool", AvgPool2d(2, 2), x)


def _cifar_densenet(name: str, layers: int, growth_rate: int, bottleneck: bool,
                    compression: float, drop_rate: float, input_shape, num_classes: int) -> Network:
    num_classes = classes(num_classes)
    drop_rate = validate.probability("drop_rate", drop_rate)
    g = NetworkBuilder(name, input_shape)
    stem = 2 * growth_rate if bottleneck else 16
    x = g.layer("conv1", Conv2d(g.input.channels, stem, 3, 1, 1, bias=False), g.input)
    for block in (1, 2, 3):
        for index in range(layers):
            x = dense_layer(g, f"block{block}.layer.{index}", x, growth_rate, bottleneck,
                            drop_rate)
        if block < 3:
            x = transition(g, f"trans{block}", x, floor(compression * x.channels), drop_rate)
    x = g.sequential("", [("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
                          ("avgpool", AdaptiveAvgPool2d((1, 1))), ("flatten", Flatten())], x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def cifar_densenet(*, depth: int = 100, growth_rate: int = 12, bottleneck: bool = True,
                   compression: float = 0.5, drop_rate: float = 0.0, input_shape=CIFAR_SHAPE,
                   num_classes: int = 10, name: str = "cifar_densenet") -> Network:
    """A CIFAR DenseNet of ``depth`` weighted layers and growth rate k.

    Without ``bottleneck`` a dense layer is one 3x3 conv and ``depth = 3n + 4``; with it, a
    1x1 conv to 4k then the 3x3 conv, ``depth = 6n + 4``. Transitions keep
    ``floor(compression * m)`` of their ``m`` channels: DenseNet is ``bottleneck=False,
    compression=1``, DenseNet-BC ``bottleneck=True, compression=0.5``. The stem has 16
    channels, or 2k with both (Section 3, "Implementation Details")."""
    bottleneck = validate.boolean("bottleneck", bottleneck)
    layers = blocks_from_depth(depth, 6 if bottleneck else 3, 4)
    k = factor("growth_rate", growth_rate)
    compression = validate.fraction("compression", compression)
    return _cifar_densenet(name, layers, k, bottleneck, compression, drop_rate, input_shape,
                           num_classes)


def _parse(match, bc: bool) -> dict:
    return {"depth": int(match[1]), "growth_rate": int(match[2]), "bottleneck": bc,
            "compression": 0.5 if bc else 1.0}


# Underscore forms only: torchvision's ImageNet presets are densenet121, densenet161, ...
CIFAR_DENSENET = register_family(Family(
    "cifar_densenet", cifar_densenet,
    knobs=(Knob("depth", "int", 100, "weighted layers: 3n + 4, or 6n + 4 with bottleneck"),
           Knob("growth_rate", "int", 12, "k: channels each dense layer adds"),
           Knob("bottleneck", "bool", True, "B: a 1x1 conv to 4k before each 3x3 conv"),
           Knob("compression", "fraction", 0.5, "C: theta, the share of channels a "
                "transition keeps (1: none)"),
           Knob("drop_rate", "probability", 0.0, "dropout after each conv but the first "
                "(0.2 in the paper without data augmentation)"),
           num_classes_knob(10), input_shape_knob(CIFAR_SHAPE)),
    description="CIFAR DenseNets and DenseNet-BCs of any depth and growth rate",
    source="Huang et al., CVPR 2017 (arXiv 1608.06993), Section 3 and Table 2",
    members=(MemberName(re.compile(r"densenet_(\d{1,6})_(\d{1,6})"),
                        lambda m: _parse(m, False), "densenet_40_12",
                        "CIFAR DenseNet, L = 3n+4, growth rate k (Huang et al. 2017)"),
             MemberName(re.compile(r"densenet_bc_(\d{1,6})_(\d{1,6})"),
                        lambda m: _parse(m, True), "densenet_bc_100_12",
                        "CIFAR DenseNet-BC, L = 6n+4, growth rate k (Huang et al. 2017)")),
))


@register
def densenet_40_12(**kwargs) -> Network:
    """DenseNet (L = 40, k = 12), Table 2: 1.0M parameters."""
    return CIFAR_DENSENET.member(kwargs, depth=40, growth_rate=12, bottleneck=False,
                                 compression=1.0)


@register
def densenet_bc_100_12(**kwargs) -> Network:
    """DenseNet-BC (L = 100, k = 12), Table 2: 0.8M parameters."""
    return CIFAR_DENSENET.member(kwargs, depth=100, growth_rate=12, bottleneck=True,
                                 compression=0.5)


@register
def densenet_bc_250_24(**kwargs) -> Network:
    """DenseNet-BC (L = 250, k = 24), Table 2: 15.3M parameters."""
    return CIFAR_DENSENET.member(kwargs, depth=250, growth_rate=24, bottleneck=True,
                                 compression=0.5)


@register
def densenet_bc_190_40(**kwargs) -> Network:
    """DenseNet-BC (L = 190, k = 40), Table 2: 25.6M parameters."""
    return CIFAR_DENSENET.member(kwargs, depth=190, growth_rate=40, bottleneck=True,
                                 compression=0.5)
