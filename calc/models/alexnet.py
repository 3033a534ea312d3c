"""AlexNet: the paper's two-tower network of 2012, and torchvision's single tower.

Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS 2012, Section 3 and Figure 2: five convs (11x11/4, 5x5, then
three 3x3), overlapping 3x3/2 max pools (Section 3.4), ReLU after every conv and FC layer,
local response normalisation after the first two convs (Section 3.3), dropout in the two
4096-wide FC layers (Section 4.2). The network is split over two GPUs: each tower holds
half of every layer's kernels (48, 128, 192, 192, 128), and the towers exchange maps only
at conv3 and at the FC layers. A single-device equivalent is a grouped convolution,
``groups=2`` in conv2, conv4 and conv5, as Caffe's reference model ``bvlc_alexnet``
builds it; the paper's layer widths are then 96, 256, 384, 384, 256. Figure 2 states a
224x224 input, but an 11x11/4 conv without padding needs 227x227 for its 55x55 output
(``(227 - 11) / 4 + 1 = 55``); Caffe's model takes 227 (``variant="paper"``'s default).

torchvision's ``alexnet`` is based on, not identical to, the single-column network of
Krizhevsky, "One weird trick for parallelizing convolutional neural networks", arXiv
1404.5997 (2014), whose widths are 64, 192, 384, 384, 256: torchvision has 256 in conv4,
no LRN, padding 2 on the first conv (224 -> 55), and an ``AdaptiveAvgPool2d((6, 6))``
before the classifier (a no-op at 224x224). Its dropout comes *before* each of the first
two FC layers; the paper's (Caffe's) after their ReLU.
"""

from __future__ import annotations

from .. import validate
from ..layers import AdaptiveAvgPool2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder
from ._blocks import (IMAGENET_SHAPE, PAPER_LRN, RELU, VARIANTS, classes, input_shape_knob,
                      num_classes_knob, variant_knob)
from .registry import Family, Knob, register, register_family

PAPER_SHAPE = (3, 227, 227)   # the input that gives Figure 2's 55x55 maps


def _torchvision(g: NetworkBuilder, num_classes: int, dropout: float) -> Network:
    x = g.sequential("features", [
        Conv2d(g.input.channels, 64, 11, 4, 2), RELU, MaxPool2d(3, 2),
        Conv2d(64, 192, 5, padding=2), RELU, MaxPool2d(3, 2),
        Conv2d(192, 384, 3, padding=1), RELU,
        Conv2d(384, 256, 3, padding=1), RELU,
        Conv2d(256, 256, 3, padding=1), RELU, MaxPool2d(3, 2),
    ], g.input)
    x = g.layer("avgpool", AdaptiveAvgPool2d((6, 6)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.sequential("classifier", [
        Dropout(dropout), Linear(x.shape[0], 4096), RELU,
        Dropout(dropout), Linear(4096, 4096), RELU,
        Linear(4096, num_classes),
    ], x)
    return g.build(x)


def _paper(g: NetworkBuilder, num_classes: int, dropout: float) -> Network:
    """Figure 2 on one device: the two towers as ``groups=2`` where they do not talk."""
    x = g.sequential("features", [
        Conv2d(g.input.channels, 96, 11, 4), RELU, PAPER_LRN, MaxPool2d(3, 2),
        Conv2d(96, 256, 5, padding=2, groups=2), RELU, PAPER_LRN, MaxPool2d(3, 2),
        Conv2d(256, 384, 3, padding=1), RELU,                 # both towers' maps (Figure 2)
        Conv2d(384, 384, 3, padding=1, groups=2), RELU,
        Conv2d(384, 256, 3, padding=1, groups=2), RELU, MaxPool2d(3, 2),
    ], g.input)
    x = g.layer("flatten", Flatten(), x)
    x = g.sequential("classifier", [
        Linear(x.shape[0], 4096), RELU, Dropout(dropout),
        Linear(4096, 4096), RELU, Dropout(dropout),
        Linear(4096, num_classes),
    ], x)
    return g.build(x)


def alexnet(variant: str = "torchvision", *, dropout: float = 0.5,
                   input_shape=None, num_classes: int = 1000, name: str = "alexnet") -> Network:
    """AlexNet as torchvision builds it (``variant="torchvision"``, 224x224 by default) or as
    the 2012 paper has it (``"paper"``, two towers as groups, 227x227 by default)."""
    variant = validate.choice("variant", variant, VARIANTS)
    num_classes = classes(num_classes)
    dropout = validate.probability("dropout", dropout)
    if input_shape is None:
        input_shape = IMAGENET_SHAPE if variant == "torchvision" else PAPER_SHAPE
    g = NetworkBuilder(name, input_shape)
    return (_torchvision if variant == "torchvision" else _paper)(g, num_classes, dropout)


ALEXNET = register_family(Family(
    "alexnet", alexnet,
    knobs=(variant_knob("torchvision: one tower of 64, 192, 384, 256, 256 channels, no LRN; "
                        "paper: two towers (groups=2) of 96, 256, 384, 384, 256 with LRN"),
           Knob("dropout", "probability", 0.5, "dropout in the first two FC layers"),
           num_classes_knob(), input_shape_knob(None)),
    description="AlexNet: torchvision's single tower or the 2012 paper's two towers",
    source="Krizhevsky, Sutskever & Hinton, NeurIPS 2012; Krizhevsky, arXiv 1404.5997",
    model=True,   # its defaults are torchvision's alexnet: 61,100,840 parameters at 224
))


@register
def alexnet_paper(**kwargs) -> Network:
    """The 2012 paper's two-tower AlexNet (Figure 2) at 227x227, the towers as groups."""
    return ALEXNET.member(kwargs, variant="paper")
