"""The original GoogLeNet of Szegedy et al. 2015, as Table 1 and Figure 3 draw it.

Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke & Rabinovich,
"Going Deeper with Convolutions", CVPR 2015 (arXiv 1409.4842). Table 1: a 7x7/2
conv (64), a 3x3/2 max pool, a 1x1 conv (64) and a 3x3 conv (192), a 3x3/2 max
pool, Inception 3a-3b, a 3x3/2 max pool, Inception 4a-4e, a 3x3/2 max pool,
Inception 5a-5b, a 7x7/1 average pool, dropout 40% and a linear layer
1024 -> 1000. Each Inception module concatenates four branches: 1x1; 1x1 then
3x3; 1x1 then 5x5; 3x3/1 max pool then 1x1 ("pool proj"). Every conv has a bias
and is followed by a ReLU; there is no batch normalisation. Figure 3 puts a
local response normalisation after the first max pool and after the 3x3 conv.
Max pools round up, as in Caffe, the framework of the paper's reference model
(``bvlc_googlenet``): 112 -> 56 -> 28 -> 14 -> 7 as in Table 1.

The auxiliary classifiers of section 5 (``aux_logits=True``) sit on 4a and 4d:
a 5x5/3 average pool (4x4 output), a 1x1 conv to 128 with ReLU, a fully
connected layer of 1024 with ReLU, dropout 70% and a linear classifier. They
are side branches: their parameters count, inference MACs leave them out.

Table 1's "ops" column (multiply-adds, in M) matches the MACs here within 1M
row by row, except two rows that no consistent count reproduces: the first conv (34M in
Table 1; a 7x7 conv from 3 to 64 channels on a 112x112 output is
``112*112*64*7*7*3`` = 118M) and 5a (54M; its Table 1 channels give 51.1M).
So the whole network is 1.58G MACs, not the "1.5 billion multiply-adds" that
the paper quotes as its budget (the column sums to 1.50G). The "params" column
counts in units of 1024 (linear: 1024 * 1000 weights = 1000K); it agrees within
1% for the 1x1+3x3 stem convs, 3a, 3b, 4a, 4b, 4e and the linear layer, and is
1.6-7.6% off for 4c, 4d, 5a and 5b (4c: 463K, its channels give 497.5K); the
first conv's 2.7K is under a third of its 9,408 weights. The column sums to
6,797.7K (6.96M at 1024 per K), within 1% of the
6,998,552 parameters here (biases included).

How torchvision's ``googlenet`` (module ``googlenet``) differs from this network:

* every conv is a ``BasicConv2d``: conv without bias, BatchNorm (eps 0.001), ReLU;
* the "5x5" branch (``branch3``) uses a 3x3 conv (padding 1), not a 5x5;
* no local response normalisation;
* ``maxpool4`` (after 4e) is 2x2/2, not 3x3/2 (both map 14x14 to 7x7); like
  here, every max pool uses ``ceil_mode=True``;
* adaptive average pooling to 1x1 instead of a fixed 7x7/1 window, and dropout
  0.2 instead of 0.4;
* its auxiliary classifiers pool adaptively to 4x4 (not 5x5/3) and use a
  ``BasicConv2d`` (with BN); the published weights have none
  (``aux_logits=False``), and ``transform_input`` re-normalises the input.

Node names follow torchvision's where the layers correspond (``conv1.conv``,
``inception3a.branch2.1.conv``, ``maxpool3``, ``aux1.fc2``, ``fc``); each conv's
ReLU is ``<conv>.relu``, the normalisations are ``lrn1`` and ``lrn2``.
"""

from __future__ import annotations

from .. import validate
from ..layers import AvgPool2d, Conv2d, Dropout, Flatten, Linear, LocalResponseNorm, MaxPool2d
from ..network import Network, NetworkBuilder, Tensor
from ._blocks import RELU, classes

# Table 1 of the paper: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
# torchvision's googlenet keeps these widths.
WIDTHS = ("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")
INCEPTION = {
    "inception3a": (64, 96, 128, 16, 32, 32),
    "inception3b": (128, 128, 192, 32, 96, 64),
    "inception4a": (192, 96, 208, 16, 48, 64),
    "inception4b": (160, 112, 224, 24, 64, 64),
    "inception4c": (128, 128, 256, 24, 64, 64),
    "inception4d": (112, 144, 288, 32, 64, 64),
    "inception4e": (256, 160, 320, 32, 128, 128),
    "inception5a": (256, 160, 320, 32, 128, 128),
    "inception5b": (384, 192, 384, 48, 128, 128),
}

# bvlc_googlenet: local_size 5, alpha 1e-4, beta 0.75 (Caffe divides alpha by size, as PyTorch does)
# Table 1's last two columns as printed: "params" (in K) and "ops" (multiply-adds, in M), by
# row; the stem's 1x1 and 3x3 convs share one row. See the module docstring for how they
# compare with the network.
TABLE_1_PRINTED = {
    "conv1": (2.7, 34), "conv2+conv3": (112, 360),
    "inception3a": (159, 128), "inception3b": (380, 304), "inception4a": (364, 73),
    "inception4b": (437, 88), "inception4c": (463, 100), "inception4d": (580, 119),
    "inception4e": (840, 170), "inception5a": (1072, 54), "inception5b": (1388, 71),
    "fc": (1000, 1),
}

LRN = LocalResponseNorm(5, 1e-4, 0.75, 1.0)
MAX_POOL = MaxPool2d(3, 2, ceil_mode=True)


def conv_relu(g: NetworkBuilder, prefix: str, x: Tensor, out_channels: int, kernel_size: int,
              stride: int = 1) -> Tensor:
    """Conv with bias, padding ``kernel_size // 2``, then ReLU: ``prefix.conv``, ``prefix.relu``."""
    x = g.layer(f"{prefix}.conv", Conv2d(x.channels, out_channels, kernel_size, stride,
                                         kernel_size // 2), x)
    return g.layer(f"{prefix}.relu", RELU, x)


def inception(g: NetworkBuilder, prefix: str, x: Tensor, ch1x1: int, ch3x3red: int, ch3x3: int,
              ch5x5red: int, ch5x5: int, pool_proj: int) -> Tensor:
    """Figure 2(b): four branches concatenated along channels (``prefix.cat``)."""
    b1 = conv_relu(g, f"{prefix}.branch1", x, ch1x1, 1)
    b2 = conv_relu(g, f"{prefix}.branch2.0", x, ch3x3red, 1)
    b2 = conv_relu(g, f"{prefix}.branch2.1", b2, ch3x3, 3)
    b3 = conv_relu(g, f"{prefix}.branch3.0", x, ch5x5red, 1)
    b3 = conv_relu(g, f"{prefix}.branch3.1", b3, ch5x5, 5)
    b4 = g.layer(f"{prefix}.branch4.0", MaxPool2d(3, 1, 1, ceil_mode=True), x)
    b4 = conv_relu(g, f"{prefix}.branch4.1", b4, pool_proj, 1)
    return g.concat(f"{prefix}.cat", b1, b2, b3, b4)


def naive_inception(g: NetworkBuilder, prefix: str, x: Tensor, ch1x1: int, ch3x3: int,
                    ch5x5: int) -> Tensor:
    """Figure 2(a), the "naive version": 1x1, 3x3 and 5x5 convs and a 3x3 max pool side by side
    on the input, no 1x1 reductions; the pool passes every input channel through."""
    b1 = conv_relu(g, f"{prefix}.branch1", x, ch1x1, 1)
    b2 = conv_relu(g, f"{prefix}.branch2", x, ch3x3, 3)
    b3 = conv_relu(g, f"{prefix}.branch3", x, ch5x5, 5)
    b4 = g.layer(f"{prefix}.branch4", MaxPool2d(3, 1, 1, ceil_mode=True), x)
    return g.concat(f"{prefix}.cat", b1, b2, b3, b4)


def inception_aux(g: NetworkBuilder, prefix: str, x: Tensor, num_classes: int) -> Tensor:
    """Section 5: 5x5/3 average pool, 1x1 conv (128) + ReLU, FC 1024 + ReLU, dropout 70%, linear."""
    x = g.layer(f"{prefix}.avgpool", AvgPool2d(5, 3, ceil_mode=True), x)
    x = conv_relu(g, f"{prefix}.conv", x, 128, 1)
    x = g.layer(f"{prefix}.flatten", Flatten(), x)
    return g.sequential(prefix, [
        ("fc1", Linear(x.shape[0], 1024)), ("relu", RELU), ("dropout", Dropout(0.7)),
        ("fc2", Linear(1024, num_classes)),
    ], x)


def paper_network(g: NetworkBuilder, num_classes: int, aux_logits: bool,
                  dropout: float) -> Network:
    """The paper's network on ``g``'s input: Table 1, with LRN and bias, no BN."""
    num_classes = classes(num_classes)
    aux_logits = validate.boolean("aux_logits", aux_logits)
    x = conv_relu(g, "conv1", g.input, 64, 7, 2)
    x = g.layer("maxpool1", MAX_POOL, x)
    x = g.layer("lrn1", LRN, x)
    x = conv_relu(g, "conv2", x, 64, 1)
    x = conv_relu(g, "conv3", x, 192, 3)
    x = g.layer("lrn2", LRN, x)
    x = g.layer("maxpool2", MAX_POOL, x)
    for module, channels in INCEPTION.items():
        x = inception(g, module, x, *channels)
        if module == "inception3b":
            x = g.layer("maxpool3", MAX_POOL, x)
        elif module == "inception4a" and aux_logits:
            inception_aux(g, "aux1", x, num_classes)
        elif module == "inception4d" and aux_logits:
            inception_aux(g, "aux2", x, num_classes)
        elif module == "inception4e":
            x = g.layer("maxpool4", MAX_POOL, x)
    x = g.layer("avgpool", AvgPool2d(7, 1), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("dropout", Dropout(dropout), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)
