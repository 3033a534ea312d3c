"""AlexNet as torchvision builds it.

Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS 2012: five convs (11x11/4, 5x5, then three 3x3),
overlapping 3x3/2 max pools, ReLU, dropout 0.5 in the two 4096-wide FC layers.
The paper splits the network over two GPUs (96, 256, 384, 384, 256 channels, with
local response normalisation).

torchvision follows the single-GPU variant of Krizhevsky, "One weird trick for
parallelizing convolutional neural networks", arXiv 1404.5997 (2014): 64, 192,
384, 256, 256 channels, no LRN, padding 2 on the first conv (224 -> 55), and an
``AdaptiveAvgPool2d((6, 6))`` before the classifier (a no-op at 224x224).
Dropout comes *before* each of the first two FC layers.
"""

from __future__ import annotations

from .. import _check
from ..layers import AdaptiveAvgPool2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d
from ..network import Network, NetworkBuilder
from ._blocks import IMAGENET_SHAPE, RELU
from .registry import register


@register("alexnet")
def alexnet(*, input_shape=IMAGENET_SHAPE, num_classes: int = 1000,
            dropout: float = 0.5) -> Network:
    """torchvision's ``alexnet``: 61,100,840 parameters, 0.714 GMACs at 224x224."""
    num_classes = _check.integer("num_classes", num_classes, 1, _check.MAX_CHANNELS)
    g = NetworkBuilder("alexnet", input_shape)
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
