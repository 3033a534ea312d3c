"""GoogLeNet (Inception v1): the family of torchvision's model and the paper's.

Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (arXiv 1409.4842),
Table 1: a 7x7/2 conv stem, nine Inception modules, each concatenating four
branches (1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pool then 1x1 "pool proj"),
max pools between the stages, global average pooling, dropout 0.4 and one FC layer.

torchvision's ``googlenet`` differs from the paper (the paper's own network is built in
:mod:`calc.models.googlenet_paper`, ``variant="paper"`` here): every conv is a ``BasicConv2d`` (conv without bias,
BatchNorm with eps 0.001, ReLU), branch 3 uses a 3x3 conv where the paper has a
5x5, dropout is 0.2, and its max pools use ``ceil_mode=True``. Its published
weights come without the two auxiliary classifiers (``aux_logits=False`` here,
6,624,904 parameters); ``aux_logits=True`` adds them as side branches (``aux1``
on inception4a, ``aux2`` on inception4d) that count parameters but no inference
MACs. The input normalisation ``transform_input`` has no parameters and is left out.
"""

from __future__ import annotations

from .. import validate
from ..layers import AdaptiveAvgPool2d, Dropout, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import (IMAGENET_SHAPE, RELU, VARIANTS, basic_conv2d, classes, input_shape_knob,
                      num_classes_knob, variant_knob)
from . import googlenet_paper as paper
from .googlenet_paper import INCEPTION, paper_network
from .registry import Family, Knob, register, register_family


def inception(g: NetworkBuilder, prefix: str, x: Tensor, ch1x1: int, ch3x3red: int, ch3x3: int,
              ch5x5red: int, ch5x5: int, pool_proj: int) -> Tensor:
    """torchvision's ``Inception`` module: four branches concatenated (``prefix.cat``)."""
    b1 = basic_conv2d(g, f"{prefix}.branch1", x, ch1x1, kernel_size=1)
    b2 = basic_conv2d(g, f"{prefix}.branch2.0", x, ch3x3red, kernel_size=1)
    b2 = basic_conv2d(g, f"{prefix}.branch2.1", b2, ch3x3, kernel_size=3, padding=1)
    b3 = basic_conv2d(g, f"{prefix}.branch3.0", x, ch5x5red, kernel_size=1)
    # torchvision: 3x3 here, where the paper has 5x5
    b3 = basic_conv2d(g, f"{prefix}.branch3.1", b3, ch5x5, kernel_size=3, padding=1)
    b4 = g.layer(f"{prefix}.branch4.0", MaxPool2d(3, 1, 1, ceil_mode=True), x)
    b4 = basic_conv2d(g, f"{prefix}.branch4.1", b4, pool_proj, kernel_size=1)
    return g.concat(f"{prefix}.cat", b1, b2, b3, b4)


def inception_module(in_channels: int, size, ch1x1: int, ch3x3red: int, ch3x3: int,
                     ch5x5red: int, ch5x5: int, pool_proj: int, *, variant: str = "paper",
                     reductions: bool = True) -> Network:
    """One Inception module on a ``(in_channels, h, w)`` input, as a network of its own.

    ``variant="paper"``: Figure 2(b), convs with bias and ReLU, a 5x5 conv in the third
    branch; ``"torchvision"``: its ``Inception`` block (BasicConv2d, a 3x3 conv there).
    ``reductions=False`` gives the paper's Figure 2(a), the naive module without the 1x1
    reductions (``ch3x3red``, ``ch5x5red`` and ``pool_proj`` are then unused)."""
    variant = validate.choice("variant", variant, VARIANTS)
    reductions = validate.boolean("reductions", reductions)
    h, w = validate.pair("size", size, 1)
    g = NetworkBuilder("inception_module", (in_channels, h, w))
    if not reductions:
        x = paper.naive_inception(g, "module", g.input, ch1x1, ch3x3, ch5x5)
    elif variant == "paper":
        x = paper.inception(g, "module", g.input, ch1x1, ch3x3red, ch3x3, ch5x5red,
                                      ch5x5, pool_proj)
    else:
        x = inception(g, "module", g.input, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)
    return g.build(x)


def inception_aux(g: NetworkBuilder, prefix: str, x: Tensor, num_classes: int,
                  dropout: float) -> Tensor:
    """torchvision's ``InceptionAux``: 4x4 adaptive average pool, 1x1 conv to 128, FC 1024, FC."""
    x = g.layer(f"{prefix}.avgpool", AdaptiveAvgPool2d((4, 4)), x)
    x = basic_conv2d(g, f"{prefix}.conv", x, 128, kernel_size=1)
    x = g.layer(f"{prefix}.flatten", Flatten(), x)
    x = g.layer(f"{prefix}.fc1", Linear(x.shape[0], 1024), x)
    x = g.layer(f"{prefix}.relu", RELU, x)
    x = g.layer(f"{prefix}.dropout", Dropout(dropout), x)
    return g.layer(f"{prefix}.fc2", Linear(1024, num_classes), x)


def _torchvision(g: NetworkBuilder, num_classes: int, aux_logits: bool, dropout: float,
                 dropout_aux: float) -> Network:
    num_classes = classes(num_classes)
    aux_logits = validate.boolean("aux_logits", aux_logits)
    x = basic_conv2d(g, "conv1", g.input, 64, kernel_size=7, stride=2, padding=3)
    x = g.layer("maxpool1", MaxPool2d(3, 2, ceil_mode=True), x)
    x = basic_conv2d(g, "conv2", x, 64, kernel_size=1)
    x = basic_conv2d(g, "conv3", x, 192, kernel_size=3, padding=1)
    x = g.layer("maxpool2", MaxPool2d(3, 2, ceil_mode=True), x)
    for name, channels in INCEPTION.items():
        x = inception(g, name, x, *channels)
        if name == "inception3b":
            x = g.layer("maxpool3", MaxPool2d(3, 2, ceil_mode=True), x)
        elif name == "inception4a" and aux_logits:
            inception_aux(g, "aux1", x, num_classes, dropout_aux)
        elif name == "inception4d" and aux_logits:
            inception_aux(g, "aux2", x, num_classes, dropout_aux)
        elif name == "inception4e":
            x = g.layer("maxpool4", MaxPool2d(2, 2, ceil_mode=True), x)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("dropout", Dropout(dropout), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def googlenet(variant: str = "torchvision", *, aux_logits: bool = False, dropout=None,
              dropout_aux: float = 0.7, input_shape=IMAGENET_SHAPE, num_classes: int = 1000,
              name: str = "googlenet") -> Network:
    """GoogLeNet as torchvision builds it (``variant="torchvision"``; without auxiliary
    classifiers unless ``aux_logits``) or as the paper's Table 1 has it (``"paper"``).

    ``dropout`` before the classifier defaults to the variant's own: 0.2 in torchvision,
    0.4 in the paper (Section 5)."""
    variant = validate.choice("variant", variant, VARIANTS)
    if dropout is None:
        dropout = 0.2 if variant == "torchvision" else 0.4
    dropout = validate.probability("dropout", dropout)
    g = NetworkBuilder(name, input_shape)
    if variant == "paper":
        return paper_network(g, num_classes, aux_logits, dropout)
    return _torchvision(g, num_classes, aux_logits, dropout,
                        validate.probability("dropout_aux", dropout_aux))


GOOGLENET = register_family(Family(
    "googlenet", googlenet,
    knobs=(variant_knob("torchvision: BN after every conv, a 3x3 conv in the 5x5 branch, no "
                        "LRN; paper: Table 1 with bias, 5x5 convs and LRN"),
           Knob("aux_logits", "bool", False, "the two auxiliary classifiers on inception4a and "
                "4d (training only: params, no inference MACs)"),
           Knob("dropout", "probability", None, "dropout before the classifier; empty: the "
                "variant's own (0.2 torchvision, 0.4 paper)"),
           num_classes_knob(), input_shape_knob(IMAGENET_SHAPE)),
    description="GoogLeNet (Inception v1), as torchvision builds it or as Table 1 has it",
    source="Szegedy et al., CVPR 2015 (arXiv 1409.4842)",
    model=True,   # its defaults are torchvision's googlenet: 6,624,904 parameters
))


@register
def googlenet_paper(**kwargs) -> Network:
    """The paper's GoogLeNet (Table 1): 6,998,552 parameters, 1.58 GMACs at 224."""
    return GOOGLENET.member(kwargs, variant="paper")
