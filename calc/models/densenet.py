"""DenseNet-BC for ImageNet, as torchvision builds it.

Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional
Networks", CVPR 2017 (arXiv 1608.06993), Table 1. Inside a dense block, layer
``l`` sees the concatenation of the block input and the ``l - 1`` earlier layers'
outputs, and adds ``growth_rate`` (k) channels: BN, ReLU, 1x1 conv to
``bn_size * k`` channels (the "B" bottleneck), BN, ReLU, 3x3 conv to k channels.
A block of L layers on C input channels therefore outputs ``C + L * k`` channels.
Transitions (BN, ReLU, 1x1 conv, 2x2/2 average pool) halve the channels (the "C"
compression, theta = 0.5) and the size. The stem is a 7x7/2 conv and a 3x3/2
max pool; the head is BN, ReLU, global average pooling and one FC layer.

torchvision always builds B and C. The knobs ``bottleneck`` and ``compression`` also build
the paper's other variants (section 3): without B a dense layer is BN, ReLU, 3x3 conv to k
(the paper's basic H_l, nodes ``norm1``, ``relu1``, ``conv1``); a transition keeps
``floor(compression * m)`` of its ``m`` channels (theta; 1 keeps them all). DenseNet-264
(``densenet264``: k = 32, blocks of 6, 12, 64, 48) is in Table 1 but not in torchvision;
torchvision's DenseNet class builds it with the same arguments.

Node names equal torchvision's module names
(``features.denseblock1.denselayer1.conv1``, ``features.transition1.pool``).
torchvision's ``torch.cat`` calls become ``<denselayer>.cat`` (the layer's input,
from the second layer on) and ``<denseblock>.cat`` (the block's output); the
functional head after ``features`` is ``relu``, ``avgpool``, ``flatten``.
"""

from __future__ import annotations

from math import floor

from .. import validate
from ..errors import CalcError
from ..layers import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear,
                      MaxPool2d)
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import (IMAGENET_SHAPE, RELU, classes, input_shape_knob, num_classes_knob,
                      positive_ints)
from .registry import Family, Knob, register, register_family


def dense_layer(g: NetworkBuilder, prefix: str, features: list[Tensor], growth_rate: int,
                bn_size: int, drop_rate: float, bottleneck: bool = True, tail=None) -> Tensor:
    """One bottleneck layer (BN-ReLU-Conv1x1-BN-ReLU-Conv3x3) on the concatenation of
    ``features``, or without ``bottleneck`` one BN-ReLU-Conv3x3; returns its
    ``growth_rate`` new channels. ``tail`` is :func:`bottleneck_tail`'s answer, which the
    dense layers of a block share."""
    x = features[0] if len(features) == 1 else g.concat(f"{prefix}.cat", *features)
    channels = x.channels
    if not bottleneck:
        layers = [("norm1", BatchNorm2d(channels)), _RELU1,
                  ("conv1", Conv2d(channels, growth_rate, 3, 1, 1, bias=False))]
    else:
        layers = [("norm1", BatchNorm2d(channels)), _RELU1,
                  ("conv1", Conv2d(channels, bn_size * growth_rate, 1, bias=False)),
                  *(tail or bottleneck_tail(growth_rate, bn_size))]
    if drop_rate > 0:
        layers.append(("dropout", Dropout(drop_rate)))
    return g.sequential(prefix, layers, x)


_RELU1 = ("relu1", RELU)


def bottleneck_tail(growth_rate: int, bn_size: int) -> tuple:
    """``norm2``, ``relu2`` and ``conv2`` of a bottleneck dense layer, as ``(name, layer)``
    pairs: BN on ``bn_size * k`` channels, ReLU, 3x3 conv to k. They do not depend on the
    layer's input, so one triple serves every layer of a block."""
    inner = bn_size * growth_rate
    return (("norm2", BatchNorm2d(inner)), ("relu2", RELU),
            ("conv2", Conv2d(inner, growth_rate, 3, 1, 1, bias=False)))


def dense_block(g: NetworkBuilder, prefix: str, x: Tensor, num_layers: int, growth_rate: int,
                bn_size: int, drop_rate: float, bottleneck: bool = True) -> Tensor:
    """``num_layers`` dense layers; the output concatenates the input and every new map."""
    tail = bottleneck_tail(growth_rate, bn_size) if bottleneck else None
    features = [x]
    for index in range(1, num_layers + 1):
        features.append(dense_layer(g, f"{prefix}.denselayer{index}", features, growth_rate,
                                    bn_size, drop_rate, bottleneck, tail))
    return g.concat(f"{prefix}.cat", *features)


def transition(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int) -> Tensor:
    """BN, ReLU, 1x1 conv to ``out_channels``, 2x2/2 average pool."""
    return g.sequential(prefix, [
        ("norm", BatchNorm2d(x.channels)), ("relu", RELU),
        ("conv", Conv2d(x.channels, out_channels, 1, bias=False)),
        ("pool", AvgPool2d(2, 2)),
    ], x)


def transition_channels(channels: int, compression: float) -> int:
    """``floor(compression * channels)``: the paper's theta * m, torchvision's
    ``num_features // 2`` for theta = 0.5.

    >>> transition_channels(1024, 0.5), transition_channels(1023, 0.5)
    (512, 511)
    """
    out = floor(compression * channels)
    if out < 1:
        raise CalcError(f"compression {compression:g} leaves no channel of a transition's "
                        f"{channels}: it must be at least 1/{channels}")
    return out


# Dense layers per block: DenseNet-264's largest block has 64. Each layer concatenates all
# earlier maps, so building a block costs the square of its length.
MAX_DENSE_LAYERS = 256


def densenet(growth_rate: int = 32, block_config=(6, 12, 24, 16), num_init_features: int = 64,
             *, name: str = "densenet", bn_size: int = 4, drop_rate: float = 0.0,
             bottleneck: bool = True, compression: float = 0.5,
             input_shape=IMAGENET_SHAPE, num_classes: int = 1000) -> Network:
    """An ImageNet DenseNet: ``block_config`` layers per dense block (any number of
    blocks), growth rate k, ``num_init_features`` stem channels; with ``bottleneck`` (B) a
    1x1 conv to ``bn_size * k`` before each 3x3 conv, and transitions that keep
    ``floor(compression * m)`` of their ``m`` channels (C). The defaults are torchvision's
    DenseNet-BC."""
    growth_rate = validate.integer("growth_rate", growth_rate, 1, 1 << 12)
    block_config = positive_ints("block_config", block_config, maximum=MAX_DENSE_LAYERS)
    num_init_features = validate.integer("num_init_features", num_init_features, 1, 1 << 14)
    bn_size = validate.integer("bn_size", bn_size, 1, 1 << 8)
    bottleneck = validate.boolean("bottleneck", bottleneck)
    compression = validate.fraction("compression", compression)
    num_classes = classes(num_classes)
    drop_rate = validate.probability("drop_rate", drop_rate)

    g = NetworkBuilder(name, input_shape)
    x = g.sequential("features", [
        ("conv0", Conv2d(g.input.channels, num_init_features, 7, 2, 3, bias=False)),
        ("norm0", BatchNorm2d(num_init_features)), ("relu0", RELU),
        ("pool0", MaxPool2d(3, 2, 1)),
    ], g.input)
    for index, num_layers in enumerate(block_config, start=1):
        x = dense_block(g, f"features.denseblock{index}", x, num_layers, growth_rate, bn_size,
                        drop_rate, bottleneck)
        if index < len(block_config):
            x = transition(g, f"features.transition{index}", x,
                           transition_channels(x.channels, compression))
    x = g.layer("features.norm5", BatchNorm2d(x.channels), x)
    x = g.layer("relu", RELU, x)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("classifier", Linear(x.shape[0], num_classes), x)
    return g.build(x)


DENSENET = register_family(Family(
    "densenet", densenet,
    knobs=(Knob("growth_rate", "int", 32, "k: channels each dense layer adds"),
           Knob("block_config", "ints", (6, 12, 24, 16), "dense layers in each block"),
           Knob("num_init_features", "int", 64, "channels of the 7x7 stem conv"),
           Knob("bn_size", "int", 4, "the bottleneck's 1x1 conv outputs bn_size * k channels"),
           Knob("drop_rate", "probability", 0.0, "dropout after each dense layer"),
           Knob("bottleneck", "bool", True, "B: a 1x1 conv to bn_size * k before each 3x3 "
                "conv (torchvision: always)"),
           Knob("compression", "fraction", 0.5, "C: theta, the share of channels a "
                "transition keeps (torchvision: 0.5; 1: none)"),
           num_classes_knob(), input_shape_knob(IMAGENET_SHAPE)),
    description="ImageNet DenseNet-BC, as torchvision's DenseNet class builds it, and the "
                "paper's variants without B or C",
    source="Huang et al., CVPR 2017 (arXiv 1608.06993), section 3 and Table 1",
))


# torchvision's constructors build DenseNet-BC only: the presets fix B and C.
_BC = {"bottleneck": True, "compression": 0.5}


@register
def densenet121(**kwargs) -> Network:
    """DenseNet-121 (Table 1): k = 32, blocks of 6, 12, 24, 16 layers."""
    return DENSENET.member(kwargs, growth_rate=32, block_config=(6, 12, 24, 16),
                           num_init_features=64, **_BC)


@register
def densenet161(**kwargs) -> Network:
    """DenseNet-161 (Table 1): k = 48, blocks of 6, 12, 36, 24 layers, a 96-channel stem."""
    return DENSENET.member(kwargs, growth_rate=48, block_config=(6, 12, 36, 24),
                           num_init_features=96, **_BC)


@register
def densenet169(**kwargs) -> Network:
    """DenseNet-169 (Table 1): k = 32, blocks of 6, 12, 32, 32 layers."""
    return DENSENET.member(kwargs, growth_rate=32, block_config=(6, 12, 32, 32),
                           num_init_features=64, **_BC)


@register
def densenet201(**kwargs) -> Network:
    """DenseNet-201 (Table 1): k = 32, blocks of 6, 12, 48, 32 layers."""
    return DENSENET.member(kwargs, growth_rate=32, block_config=(6, 12, 48, 32),
                           num_init_features=64, **_BC)


@register
def densenet264(**kwargs) -> Network:
    """DenseNet-264 (Table 1): k = 32, blocks of 6, 12, 64, 48 layers (not in torchvision)."""
    return DENSENET.member(kwargs, growth_rate=32, block_config=(6, 12, 64, 48),
                           num_init_features=64, **_BC)
