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

from .. import validate
from ..errors import CalcError
from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder
from ._blocks import (IMAGENET_SHAPE, PAPER_LRN, RELU, VARIANTS, classes, input_shape_knob,
                      num_classes_knob, variant_knob)
from .registry import Family, Knob, register, register_family

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



def _features(cfg, in_channels: int, batch_norm: bool) -> list:
    """The ``features`` Sequential of torchvision's ``make_layers``: conv, [BN], ReLU per conv."""
    layers, channels = [], in_channels
    for item in cfg:
        if item == "M":
            layers.append(MaxPool2d(2, 2))
        elif item == "LRN":
            layers.append(PAPER_LRN)
        else:
            out, kernel = item if isinstance(item, tuple) else (item, 3)
            layers.append(Conv2d(channels, out, kernel, 1, kernel // 2))
            if batch_norm:
                layers.append(BatchNorm2d(out))
            layers.append(RELU)
            channels = out
    return layers


def vgg(cfg="D", *, name: str = "vgg", batch_norm: bool = False, input_shape=IMAGENET_SHAPE,
        num_classes: int = 1000, avgpool=(7, 7), dropout: float = 0.5) -> Network:
    """A VGG network from a Table 1 column (``"A"`` ... ``"E"``, ``"A-LRN"``) or a list
    in the same notation (see :data:`CONFIGS`). ``avgpool=None`` leaves out torchvision's
    adaptive pooling, as the paper does."""
    if isinstance(cfg, str):
        if cfg not in CONFIGS:
            raise CalcError(f"cfg must be one of {', '.join(CONFIGS)}, got {cfg!r:.40}")
        cfg = CONFIGS[cfg]
    num_classes = classes(num_classes)
    batch_norm = validate.boolean("batch_norm", batch_norm)
    dropout = validate.probability("dropout", dropout)

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


def _vgg(cfg, batch_norm, variant, dropout, input_shape, num_classes) -> Network:
    variant = validate.choice("variant", variant, VARIANTS)
    return vgg(cfg, batch_norm=batch_norm, input_shape=input_shape, num_classes=num_classes,
               avgpool=(7, 7) if variant == "torchvision" else None, dropout=dropout)


VGG = register_family(Family(
    "vgg", _vgg,
    knobs=(Knob("cfg", "choice", "D", "a column of Table 1: A (11 layers), A-LRN, B (13), "
                "C (16, with 1x1 convs), D (16), E (19)", choices=tuple(CONFIGS)),
           Knob("batch_norm", "bool", False, "BatchNorm2d after every conv (torchvision's _bn "
                "models; not in the paper)"),
           variant_knob("torchvision: adaptive 7x7 average pooling before the classifier, so "
                        "any input of at least 32x32 works; paper: none, the first FC layer "
                        "grows with the input"),
           Knob("dropout", "probability", 0.5, "dropout after the first two FC layers"),
           num_classes_knob(), input_shape_knob(IMAGENET_SHAPE)),
    description="VGG configurations A-E of Table 1, as torchvision's VGG class builds them "
                "or as the paper has them",
    source="Simonyan & Zisserman, ICLR 2015 (arXiv 1409.1556)",
))


@register
def vgg11(**kwargs) -> Network:
    """torchvision's VGG-11: configuration A."""
    return VGG.member(kwargs, cfg="A", batch_norm=False, variant="torchvision")


@register
def vgg13(**kwargs) -> Network:
    """torchvision's VGG-13: configuration B."""
    return VGG.member(kwargs, cfg="B", batch_norm=False, variant="torchvision")


@register
def vgg16(**kwargs) -> Network:
    """torchvision's VGG-16: configuration D."""
    return VGG.member(kwargs, cfg="D", batch_norm=False, variant="torchvision")


@register
def vgg19(**kwargs) -> Network:
    """torchvision's VGG-19: configuration E."""
    return VGG.member(kwargs, cfg="E", batch_norm=False, variant="torchvision")


@register
def vgg11_bn(**kwargs) -> Network:
    """torchvision's VGG-11 with batch normalisation."""
    return VGG.member(kwargs, cfg="A", batch_norm=True, variant="torchvision")


@register
def vgg13_bn(**kwargs) -> Network:
    """torchvision's VGG-13 with batch normalisation."""
    return VGG.member(kwargs, cfg="B", batch_norm=True, variant="torchvision")


@register
def vgg16_bn(**kwargs) -> Network:
    """torchvision's VGG-16 with batch normalisation."""
    return VGG.member(kwargs, cfg="D", batch_norm=True, variant="torchvision")


@register
def vgg19_bn(**kwargs) -> Network:
    """torchvision's VGG-19 with batch normalisation."""
    return VGG.member(kwargs, cfg="E", batch_norm=True, variant="torchvision")


@register
def vgg_a(**kwargs) -> Network:
    """The paper's configuration A (VGG-11), without adaptive pooling."""
    return VGG.member(kwargs, cfg="A", batch_norm=False, variant="paper")


@register
def vgg_a_lrn(**kwargs) -> Network:
    """The paper's A-LRN: A with local response normalisation after the first conv."""
    return VGG.member(kwargs, cfg="A-LRN", batch_norm=False, variant="paper")


@register
def vgg_b(**kwargs) -> Network:
    """The paper's configuration B (VGG-13)."""
    return VGG.member(kwargs, cfg="B", batch_norm=False, variant="paper")


@register
def vgg_c(**kwargs) -> Network:
    """The paper's configuration C: B plus a 1x1 conv at the end of stacks 3, 4 and 5."""
    return VGG.member(kwargs, cfg="C", batch_norm=False, variant="paper")


@register
def vgg_d(**kwargs) -> Network:
    """The paper's configuration D (VGG-16)."""
    return VGG.member(kwargs, cfg="D", batch_norm=False, variant="paper")


@register
def vgg_e(**kwargs) -> Network:
    """The paper's configuration E (VGG-19)."""
    return VGG.member(kwargs, cfg="E", batch_norm=False, variant="paper")
