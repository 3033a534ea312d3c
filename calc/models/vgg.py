"""VGG: Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale
Image Recognition", ICLR 2015 (arXiv 1409.1556).

Table 1 lists configurations A to E: stacks of 3x3 convs (stride 1, padding 1,
so the size is kept) separated by 2x2/2 max pools, widths 64, 128, 256, 512, 512,
then FC-4096, FC-4096, FC-1000 with dropout 0.5 after the first two FC layers.
A-LRN adds local response normalisation after the first conv; C replaces the
last conv of the third, fourth and fifth stacks by a 1x1 conv (``conv1-256``,
``conv1-512``). Table 2 gives their sizes: 133, 133, 133, 134, 138 and 144
million parameters.

torchvision's ``vgg11``, ``vgg13``, ``vgg16``, ``vgg19`` are A, B, D, E with an
``AdaptiveAvgPool2d((7, 7))`` before the classifier (a no-op at 224x224, so
any input of at least 32x32 works); ``_bn`` variants put a BatchNorm2d after
every conv. The paper's own configurations (``vgg_a`` ... ``vgg_e``) have no
such pooling: the first FC layer takes the flattened last feature map, 7x7x512
at the paper's fixed 224x224 training crop (Section 3.1), and grows with the input.
"""

from __future__ import annotations

from .. import _check
from ..errors import CalcError
from ..layers import (AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear,
                      LocalResponseNorm, MaxPool2d)
from ..network import Network, NetworkBuilder
from ._blocks import IMAGENET_SHAPE, RELU
from .registry import register

# An int is a 3x3 conv with that many output channels, (channels, 1) a 1x1 conv,
# "M" a 2x2/2 max pool, "LRN" local response normalisation (Table 1's columns).
CONFIGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "A-LRN": [64, "LRN", "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "C": [64, 64, "M", 128, 128, "M", 256, 256, (256, 1), "M", 512, 512, (512, 1), "M",
          512, 512, (512, 1), "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
          512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}

# Krizhevsky et al. 2012 (Section 3.3): n = 5, k = 2, alpha = 1e-4, beta = 0.75, with
# alpha multiplying the sum of squares. PyTorch's LocalResponseNorm divides alpha by
# n, so the same normalisation is alpha = 5 * 1e-4 there.
_PAPER_LRN = LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)


def _features(cfg, in_channels: int, batch_norm: bool) -> list:
    """The ``features`` Sequential of torchvision's ``make_layers``: conv, [BN], ReLU per conv."""
    layers, channels = [], in_channels
    for item in cfg:
        if item == "M":
            layers.append(MaxPool2d(2, 2))
        elif item == "LRN":
            layers.append(_PAPER_LRN)
        else:
            out, kernel = item if isinstance(item, tuple) else (item, 3)
            layers.append(Conv2d(channels, out, kernel, 1, kernel // 2))
            if batch_norm:
                layers.append(BatchNorm2d(out))
            layers.append(RELU)
            channels = out
    return layers


def vgg(cfg, *, name: str = "vgg", batch_norm: bool = False, input_shape=IMAGENET_SHAPE,
        num_classes: int = 1000, avgpool=(7, 7), dropout: float = 0.5) -> Network:
    """A VGG network from a Table 1 column (``"A"`` ... ``"E"``, ``"A-LRN"``) or a list
    in the same notation (see :data:`CONFIGS`). ``avgpool=None`` leaves out torchvision's
    adaptive pooling, as the paper does."""
    if isinstance(cfg, str):
        if cfg not in CONFIGS:
            raise CalcError(f"cfg must be one of {', '.join(CONFIGS)}, got {cfg!r:.40}")
        cfg = CONFIGS[cfg]
    num_classes = _check.integer("num_classes", num_classes, 1, _check.MAX_CHANNELS)
    batch_norm = _check.boolean("batch_norm", batch_norm)

    g = NetworkBuilder(name, input_shape)
    x = g.sequential("features", _features(cfg, g.input.channels, batch_norm), g.input)
    if avgpool is not None:
        x = g.layer("avgpool", AdaptiveAvgPool2d(avgpool), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.sequential("classifier", [
        Linear(x.shape[0], 4096), RELU, Dropout(dropout),
        Linear(4096, 4096), RELU, Dropout(dropout),
        Linear(4096, num_classes),
    ], x)
    return g.build(x)


def _torchvision(name, cfg, batch_norm, input_shape, num_classes):
    return vgg(cfg, name=name, batch_norm=batch_norm, input_shape=input_shape,
               num_classes=num_classes)


def _paper(name, cfg, input_shape, num_classes):
    return vgg(cfg, name=name, avgpool=None, input_shape=input_shape, num_classes=num_classes)


@register("vgg11")
def vgg11(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg11", "A", False, input_shape, num_classes)


@register("vgg13")
def vgg13(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg13", "B", False, input_shape, num_classes)


@register("vgg16")
def vgg16(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg16", "D", False, input_shape, num_classes)


@register("vgg19")
def vgg19(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg19", "E", False, input_shape, num_classes)


@register("vgg11_bn")
def vgg11_bn(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg11_bn", "A", True, input_shape, num_classes)


@register("vgg13_bn")
def vgg13_bn(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg13_bn", "B", True, input_shape, num_classes)


@register("vgg16_bn")
def vgg16_bn(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg16_bn", "D", True, input_shape, num_classes)


@register("vgg19_bn")
def vgg19_bn(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _torchvision("vgg19_bn", "E", True, input_shape, num_classes)


@register("vgg_a")
def vgg_a(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_a", "A", input_shape, num_classes)


@register("vgg_a_lrn")
def vgg_a_lrn(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_a_lrn", "A-LRN", input_shape, num_classes)


@register("vgg_b")
def vgg_b(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_b", "B", input_shape, num_classes)


@register("vgg_c")
def vgg_c(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_c", "C", input_shape, num_classes)


@register("vgg_d")
def vgg_d(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_d", "D", input_shape, num_classes)


@register("vgg_e")
def vgg_e(*, input_shape=IMAGENET_SHAPE, num_classes=1000) -> Network:
    return _paper("vgg_e", "E", input_shape, num_classes)
