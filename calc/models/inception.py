"""Inception v3 as torchvision builds it.

Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, "Rethinking the Inception Architecture
for Computer Vision", CVPR 2016 (arXiv 1512.00567), Table 1 and Figures 5-7: a
stem of 3x3 convs on a 299x299 input, three modules with the 5x5 factorised into
two 3x3 (``Mixed_5b..d``, torchvision's ``InceptionA``), a grid reduction
(``Mixed_6a``, ``InceptionB``), four modules with n x n factorised into 1 x n and
n x 1, n = 7 (``Mixed_6b..e``, ``InceptionC``), a second reduction (``Mixed_7a``,
``InceptionD``) and two modules with expanded 1x3 / 3x1 filter banks
(``Mixed_7b..c``, ``InceptionE``), then global average pooling, dropout and FC.
Every conv is a ``BasicConv2d``: conv without bias, BatchNorm (eps 0.001), ReLU.

The auxiliary classifier (``AuxLogits``, on ``Mixed_6e``; Section 4 of the paper)
is built by default, as in torchvision's pretrained model: it counts towards the
parameters (torchvision's 27,161,264) but inference does not run it, so it is a
side branch whose MACs are excluded. ``aux_logits=False`` leaves it out, which
inputs below 299x299 require: their ``Mixed_6e`` maps are smaller than the 17x17
that the branch's 5x5/3 pooling followed by a 5x5 conv needs.

Functional ops of torchvision's ``forward()`` get names no module uses: the pooling
branches ``<Mixed>.avg_pool`` / ``<Mixed>.max_pool``, the concatenations
``<Mixed>.cat``, and in ``InceptionE`` the inner ``cat_3x3`` and ``cat_3x3dbl``.
"""

from __future__ import annotations

from .. import validate
from ..errors import CalcError
from ..layers import AdaptiveAvgPool2d, AvgPool2d, Dropout, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import basic_conv2d, classes, input_shape_knob, num_classes_knob
from .registry import Family, Knob, register_family

INCEPTION_V3_SHAPE = (3, 299, 299)


def _avg_pool_branch(g: NetworkBuilder, prefix: str, x: Tensor, pool_features: int) -> Tensor:
    """``F.avg_pool2d(x, 3, stride=1, padding=1)`` then the 1x1 ``branch_pool``."""
    x = g.layer(f"{prefix}.avg_pool", AvgPool2d(3, 1, 1), x)
    return basic_conv2d(g, f"{prefix}.branch_pool", x, pool_features, kernel_size=1)


def inception_a(g: NetworkBuilder, prefix: str, x: Tensor, pool_features: int) -> Tensor:
    """Figure 5: 1x1 | 1x1, 5x5 | 1x1, 3x3, 3x3 | avg pool, 1x1 (torchvision keeps one 5x5)."""
    b1 = basic_conv2d(g, f"{prefix}.branch1x1", x, 64, kernel_size=1)
    b5 = basic_conv2d(g, f"{prefix}.branch5x5_1", x, 48, kernel_size=1)
    b5 = basic_conv2d(g, f"{prefix}.branch5x5_2", b5, 64, kernel_size=5, padding=2)
    b3 = basic_conv2d(g, f"{prefix}.branch3x3dbl_1", x, 64, kernel_size=1)
    b3 = basic_conv2d(g, f"{prefix}.branch3x3dbl_2", b3, 96, kernel_size=3, padding=1)
    b3 = basic_conv2d(g, f"{prefix}.branch3x3dbl_3", b3, 96, kernel_size=3, padding=1)
    bp = _avg_pool_branch(g, prefix, x, pool_features)
    return g.concat(f"{prefix}.cat", b1, b5, b3, bp)


def inception_b(g: NetworkBuilder, prefix: str, x: Tensor) -> Tensor:
    """Grid reduction 35 -> 17 (Figure 10): 3x3/2 | 1x1, 3x3, 3x3/2 | 3x3/2 max pool."""
    b3 = basic_conv2d(g, f"{prefix}.branch3x3", x, 384, kernel_size=3, stride=2)
    bd = basic_conv2d(g, f"{prefix}.branch3x3dbl_1", x, 64, kernel_size=1)
    bd = basic_conv2d(g, f"{prefix}.branch3x3dbl_2", bd, 96, kernel_size=3, padding=1)
    bd = basic_conv2d(g, f"{prefix}.branch3x3dbl_3", bd, 96, kernel_size=3, stride=2)
    bp = g.layer(f"{prefix}.max_pool", MaxPool2d(3, 2), x)
    return g.concat(f"{prefix}.cat", b3, bd, bp)


def inception_c(g: NetworkBuilder, prefix: str, x: Tensor, channels_7x7: int) -> Tensor:
    """Figure 6 with n = 7: 7x7 factorised into 1x7 and 7x1 convs."""
    c7 = channels_7x7
    b1 = basic_conv2d(g, f"{prefix}.branch1x1", x, 192, kernel_size=1)
    b7 = basic_conv2d(g, f"{prefix}.branch7x7_1", x, c7, kernel_size=1)
    b7 = basic_conv2d(g, f"{prefix}.branch7x7_2", b7, c7, kernel_size=(1, 7), padding=(0, 3))
    b7 = basic_conv2d(g, f"{prefix}.branch7x7_3", b7, 192, kernel_size=(7, 1), padding=(3, 0))
    bd = basic_conv2d(g, f"{prefix}.branch7x7dbl_1", x, c7, kernel_size=1)
    bd = basic_conv2d(g, f"{prefix}.branch7x7dbl_2", bd, c7, kernel_size=(7, 1), padding=(3, 0))
    bd = basic_conv2d(g, f"{prefix}.branch7x7dbl_3", bd, c7, kernel_size=(1, 7), padding=(0, 3))
    bd = basic_conv2d(g, f"{prefix}.branch7x7dbl_4", bd, c7, kernel_size=(7, 1), padding=(3, 0))
    bd = basic_conv2d(g, f"{prefix}.branch7x7dbl_5", bd, 192, kernel_size=(1, 7), padding=(0, 3))
    bp = _avg_pool_branch(g, prefix, x, 192)
    return g.concat(f"{prefix}.cat", b1, b7, bd, bp)


def inception_d(g: NetworkBuilder, prefix: str, x: Tensor) -> Tensor:
    """Grid reduction 17 -> 8: 1x1, 3x3/2 | 1x1, 1x7, 7x1, 3x3/2 | 3x3/2 max pool."""
    b3 = basic_conv2d(g, f"{prefix}.branch3x3_1", x, 192, kernel_size=1)
    b3 = basic_conv2d(g, f"{prefix}.branch3x3_2", b3, 320, kernel_size=3, stride=2)
    b7 = basic_conv2d(g, f"{prefix}.branch7x7x3_1", x, 192, kernel_size=1)
    b7 = basic_conv2d(g, f"{prefix}.branch7x7x3_2", b7, 192, kernel_size=(1, 7), padding=(0, 3))
    b7 = basic_conv2d(g, f"{prefix}.branch7x7x3_3", b7, 192, kernel_size=(7, 1), padding=(3, 0))
    b7 = basic_conv2d(g, f"{prefix}.branch7x7x3_4", b7, 192, kernel_size=3, stride=2)
    bp = g.layer(f"{prefix}.max_pool", MaxPool2d(3, 2), x)
    return g.concat(f"{prefix}.cat", b3, b7, bp)


def inception_e(g: NetworkBuilder, prefix: str, x: Tensor) -> Tensor:
    """Figure 7: the 3x3 branches split into parallel 1x3 and 3x1 convs, concatenated."""
    b1 = basic_conv2d(g, f"{prefix}.branch1x1", x, 320, kernel_size=1)
    b3 = basic_conv2d(g, f"{prefix}.branch3x3_1", x, 384, kernel_size=1)
    b3 = g.concat(f"{prefix}.cat_3x3",
                  basic_conv2d(g, f"{prefix}.branch3x3_2a", b3, 384, kernel_size=(1, 3),
                               padding=(0, 1)),
                  basic_conv2d(g, f"{prefix}.branch3x3_2b", b3, 384, kernel_size=(3, 1),
                               padding=(1, 0)))
    bd = basic_conv2d(g, f"{prefix}.branch3x3dbl_1", x, 448, kernel_size=1)
    bd = basic_conv2d(g, f"{prefix}.branch3x3dbl_2", bd, 384, kernel_size=3, padding=1)
    bd = g.concat(f"{prefix}.cat_3x3dbl",
                  basic_conv2d(g, f"{prefix}.branch3x3dbl_3a", bd, 384, kernel_size=(1, 3),
                               padding=(0, 1)),
                  basic_conv2d(g, f"{prefix}.branch3x3dbl_3b", bd, 384, kernel_size=(3, 1),
                               padding=(1, 0)))
    bp = _avg_pool_branch(g, prefix, x, 192)
    return g.concat(f"{prefix}.cat", b1, b3, bd, bp)


def inception_aux(g: NetworkBuilder, prefix: str, x: Tensor, num_classes: int) -> Tensor:
    """torchvision's ``InceptionAux``: 5x5/3 avg pool, 1x1 conv to 128, 5x5 conv to 768,
    global average pool, FC."""
    x = g.layer(f"{prefix}.avg_pool", AvgPool2d(5, 3), x)
    x = basic_conv2d(g, f"{prefix}.conv0", x, 128, kernel_size=1)
    x = basic_conv2d(g, f"{prefix}.conv1", x, 768, kernel_size=5)
    x = g.layer(f"{prefix}.adaptive_avg_pool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer(f"{prefix}.flatten", Flatten(), x)
    return g.layer(f"{prefix}.fc", Linear(x.shape[0], num_classes), x)


def inception_v3(*, input_shape=INCEPTION_V3_SHAPE, num_classes: int = 1000,
                 aux_logits: bool = True, dropout: float = 0.5,
                 name: str = "inception_v3") -> Network:
    """torchvision's ``inception_v3``, with its auxiliary classifier unless ``aux_logits=False``."""
    num_classes = classes(num_classes)
    aux_logits = validate.boolean("aux_logits", aux_logits)
    dropout = validate.probability("dropout", dropout)
    g = NetworkBuilder(name, input_shape)
    x = basic_conv2d(g, "Conv2d_1a_3x3", g.input, 32, kernel_size=3, stride=2)
    x = basic_conv2d(g, "Conv2d_2a_3x3", x, 32, kernel_size=3)
    x = basic_conv2d(g, "Conv2d_2b_3x3", x, 64, kernel_size=3, padding=1)
    x = g.layer("maxpool1", MaxPool2d(3, 2), x)
    x = basic_conv2d(g, "Conv2d_3b_1x1", x, 80, kernel_size=1)
    x = basic_conv2d(g, "Conv2d_4a_3x3", x, 192, kernel_size=3)
    x = g.layer("maxpool2", MaxPool2d(3, 2), x)
    x = inception_a(g, "Mixed_5b", x, pool_features=32)
    x = inception_a(g, "Mixed_5c", x, pool_features=64)
    x = inception_a(g, "Mixed_5d", x, pool_features=64)
    x = inception_b(g, "Mixed_6a", x)
    x = inception_c(g, "Mixed_6b", x, channels_7x7=128)
    x = inception_c(g, "Mixed_6c", x, channels_7x7=160)
    x = inception_c(g, "Mixed_6d", x, channels_7x7=160)
    x = inception_c(g, "Mixed_6e", x, channels_7x7=192)
    if aux_logits:
        try:
            inception_aux(g, "AuxLogits", x, num_classes)
        except CalcError as err:
            raise CalcError(f"{err}; the auxiliary classifier needs an input of at least "
                            "299x299: set aux_logits=False for smaller inputs") from None
    x = inception_d(g, "Mixed_7a", x)
    x = inception_e(g, "Mixed_7b", x)
    x = inception_e(g, "Mixed_7c", x)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("dropout", Dropout(dropout), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


INCEPTION_V3 = register_family(Family(
    "inception_v3", inception_v3,
    knobs=(Knob("aux_logits", "bool", True, "the auxiliary classifier on Mixed_6e (training "
                "only; it needs an input of at least 299x299)"),
           Knob("dropout", "probability", 0.5, "dropout before the classifier"),
           num_classes_knob(), input_shape_knob(INCEPTION_V3_SHAPE)),
    description="Inception v3, as torchvision's Inception3 class builds it",
    source="Szegedy et al., CVPR 2016 (arXiv 1512.00567)",
    model=True,   # its defaults are torchvision's inception_v3: 27,161,264 parameters
))
