"""Small building blocks shared by the torchvision-style models.

Node names follow torchvision's module names; the functional ops that torchvision
calls in ``forward()`` (``F.relu``, ``torch.flatten``) get names that no
torchvision module uses, so a torch bridge can still load torchvision's
``state_dict`` into a module built from these names.
"""

from __future__ import annotations

from .. import validate
from ..layers import BatchNorm2d, Conv2d, LocalResponseNorm, ReLU
from ..network import NetworkBuilder, Tensor
from .registry import Knob

IMAGENET_SHAPE = (3, 224, 224)

# Layers are frozen dataclasses: one instance can serve every node that needs it.
RELU = ReLU(inplace=True)

# Krizhevsky et al. 2012 (Section 3.3): n = 5, k = 2, alpha = 1e-4, beta = 0.75, with
# alpha multiplying the sum of squares. PyTorch's LocalResponseNorm divides alpha by
# n, so the same normalisation is alpha = 5 * 1e-4 there. VGG's A-LRN uses it too.
PAPER_LRN = LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)

VARIANTS = ("torchvision", "paper")


def num_classes_knob(default: int = 1000) -> Knob:
    return Knob("num_classes", "int", default, "outputs of the last layer")


def input_shape_knob(default) -> Knob:
    return Knob("input_shape", "shape", default,
                "per-sample input C x H x W" + ("" if default else "; empty: the variant's own"))


def variant_knob(help_text: str) -> Knob:
    return Knob("variant", "choice", "torchvision", help_text, choices=VARIANTS)


def classes(num_classes) -> int:
    return validate.integer("num_classes", num_classes, 1, validate.MAX_CHANNELS)


def basic_conv2d(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int, *,
                 eps: float = 1e-3, **conv) -> Tensor:
    """torchvision's ``BasicConv2d`` (GoogLeNet, Inception v3): conv without bias, BN, ReLU.

    Nodes ``prefix.conv``, ``prefix.bn`` (modules) and ``prefix.relu`` (``F.relu``
    in ``forward()``). ``conv`` holds :class:`~calc.layers.Conv2d` keyword arguments.
    """
    x = g.layer(f"{prefix}.conv", Conv2d(x.channels, out_channels, bias=False, **conv), x)
    x = g.layer(f"{prefix}.bn", BatchNorm2d(out_channels, eps=eps), x)
    return g.layer(f"{prefix}.relu", RELU, x)


# Largest number of blocks (or dense layers) per stage: resnet1202 has 200. The bound keeps
# a typo such as ``cifar_resnet_600002`` or ``layers=3,4,60000,3`` from building 10^6 nodes.
MAX_BLOCKS = 1000


def positive_ints(name: str, values, length: int | None = None,
                  maximum: int = MAX_BLOCKS) -> tuple[int, ...]:
    """Validate a family parameter such as ResNet's ``layers`` (``[3, 4, 6, 3]``)."""
    return validate.int_list(name, values, length, 1, maximum)
