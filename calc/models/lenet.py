"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998), as a modern framework can build it.

LeCun et al., "Gradient-based learning applied to document recognition", Proc. IEEE
86(11), 1998, Section II.B and Figure 2: a 32x32 grey image; C1, six 5x5 convolutions
(28x28); S2, 2x2 subsampling (14x14); C3, sixteen 5x5 convolutions (10x10); S4, 2x2
subsampling (5x5); C5, 120 5x5 convolutions over all of S4 (1x1, so in effect fully
connected); F6, 84 units; then 10 outputs. Every layer up to F6 squashes its weighted sum
with a scaled tanh.

The network here is the one a framework builds from that description, and it differs
from the paper in three places, each of which changes the parameter count:

* **C3 is fully connected to S2.** The paper wires each C3 map to a subset of S2's maps
  (its Table I: six maps read three S2 maps, nine read four, one reads all six), 60 of the
  96 (S2 map, C3 map) pairs, for 60 * 25 + 16 = 1,516 parameters; here each of the 16
  maps reads all six: 16 * 6 * 25 + 16 = 2,416. A ``Conv2d`` cannot express a connection
  table that is not a grouping.
* **S2 and S4 have no parameters.** The paper's subsampling units add their four inputs,
  multiply by one trainable coefficient per map, add one trainable bias per map and squash
  (2 parameters per map: 12 in S2, 32 in S4). Here they are ``AvgPool2d(2)``, which has
  no parameters and no squashing; the same scale and bias can be folded into the next
  convolution.
* **The output is a linear layer.** The paper's 10 outputs are Euclidean radial basis
  function units whose centres are fixed (stylised 7x12 bitmaps of the digits, hence
  F6's 84 units), so they train no parameter; here it is ``Linear(84, 10)`` with bias,
  850 parameters, followed by a softmax in the loss.

So the paper prints 60,000 trainable parameters and this network has 61,706. The node
names are those of a torchvision-style ``nn.Sequential``: ``features.0`` is C1,
``features.2`` S2, ``features.3`` C3, ``features.5`` S4, ``features.6`` C5,
``classifier.0`` F6 and ``classifier.2`` the output.
"""

from __future__ import annotations

from ..layers import AvgPool2d, Conv2d, Flatten, Linear, Tanh
from ..network import Network, NetworkBuilder
from ._blocks import classes
from .registry import register

LENET_SHAPE = (1, 32, 32)   # Section II.B: a 32x32 image (the digits are at most 20x20)
TANH = Tanh()


@register
def lenet5(*, input_shape=LENET_SHAPE, num_classes: int = 10) -> Network:
    """LeNet-5 with a fully connected C3, parameter-free 2x2 average pooling and a linear
    output layer (see the module docstring for how it differs from the 1998 paper)."""
    num_classes = classes(num_classes)
    g = NetworkBuilder("lenet5", input_shape)
    x = g.sequential("features", [
        Conv2d(g.input.channels, 6, 5), TANH, AvgPool2d(2),     # C1, S2
        Conv2d(6, 16, 5), TANH, AvgPool2d(2),                   # C3 (all six S2 maps), S4
        Conv2d(16, 120, 5), TANH,                               # C5
    ], g.input)
    x = g.layer("flatten", Flatten(), x)
    x = g.sequential("classifier", [
        Linear(x.shape[0], 84), TANH,                           # F6
        Linear(84, num_classes),                                # the output
    ], x)
    return g.build(x)
