"""Small building blocks shared by the torchvision-style models.

Node names follow torchvision's module names; the functional ops that torchvision
calls in ``forward()`` (``F.relu``, ``torch.flatten``) get names that no
torchvision module uses, so a torch bridge can still load torchvision's
``state_dict`` into a module built from these names.
"""

from __future__ import annotations

from .. import _check
from ..errors import CalcError
from ..layers import BatchNorm2d, Conv2d, ReLU
from ..network import NetworkBuilder, Tensor

IMAGENET_SHAPE = (3, 224, 224)

# Layers are frozen dataclasses: one instance can serve every node that needs it.
RELU = ReLU(inplace=True)


def basic_conv2d(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int, *,
                 eps: float = 1e-3, **conv) -> Tensor:
    """torchvision's ``BasicConv2d`` (GoogLeNet, Inception v3): conv without bias, BN, ReLU.

    Nodes ``prefix.conv``, ``prefix.bn`` (modules) and ``prefix.relu`` (``F.relu``
    in ``forward()``). ``conv`` holds :class:`~calc.layers.Conv2d` keyword arguments.
    """
    x = g.layer(f"{prefix}.conv", Conv2d(x.channels, out_channels, bias=False, **conv), x)
    x = g.layer(f"{prefix}.bn", BatchNorm2d(out_channels, eps=eps), x)
    return g.layer(f"{prefix}.relu", RELU, x)


def positive_ints(name: str, values, length: int | None = None) -> tuple[int, ...]:
    """Validate a family parameter such as ResNet's ``layers`` (``[3, 4, 6, 3]``)."""
    if not isinstance(values, (list, tuple)) or not values:
        raise CalcError(f"{name} must be a non-empty list of integers, got {values!r:.40}")
    if length is not None and len(values) != length:
        raise CalcError(f"{name} must have {length} entries, got {len(values)}")
    return tuple(_check.integer(f"{name}[{i}]", v, 1, 1 << 12) for i, v in enumerate(values))
