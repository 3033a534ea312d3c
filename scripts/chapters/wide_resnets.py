"""Figures and tables of the Wide ResNets chapter (docs/wide-resnets.md).

Every number is computed by calc at build time. What a source printed sits in the
module-level constants below, each beside calc's exact value in the tables, and
tests/test_chapter_wide_resnets.py holds each of them against calc with the source's rounding.

Sources:

* Zagoruyko & Komodakis, "Wide Residual Networks", BMVC 2016, arXiv 1605.07146v4 ("the
  paper"): Tables 1-6 and 8, Section 2, Figure 4;
* He, Zhang, Ren & Sun, "Identity Mappings in Deep Residual Networks", ECCV 2016, arXiv
  1603.05027: the pre-activation bottleneck ResNet-164 and ResNet-1001, as the Torch code
  in the WRN authors' repository builds them (models/resnet-pre-act.lua), calc's
  ``preact_resnet164`` and ``preact_resnet1001`` (calc.models.preact_resnet);
* Xie et al., "Aggregated Residual Transformations for Deep Neural Networks" (ResNeXt),
  CVPR 2017, arXiv 1611.05431, Table 4;
* Tan & Le, "EfficientNet", ICML 2019, arXiv 1905.11946, Section 3.3 and STEP 1 of Section 4;
* torchvision's weights metadata (checked in the torch tier of the tests).

One kind of network is not in calc's zoo and is built here from calc's layers: WRNs whose
blocks hold other kernel sizes than two 3x3 convolutions (:func:`wrn_blocks`, the paper's
B(M)). The torch tier of the tests holds it, and calc's pre-activation ResNets, against
networks written directly in PyTorch.
"""

from __future__ import annotations

import functools
from itertools import pairwise

from calc.layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU
from calc.models import get_model
from calc.network import Network, NetworkBuilder
from calc.render.numbers import grouped, nbytes, si
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

RELU = ReLU(inplace=True)

# --- What the sources printed ------------------------------------------------------------

# Table 4: "Test error (%) of various wide networks on CIFAR-10 and CIFAR-100 (ZCA
# preprocessing)": depth, k, "# params" in millions, CIFAR-10, CIFAR-100 (None: printed "-").
TABLE_4 = (
    (40, 1, "0.6", "6.85", "30.89"), (40, 2, "2.2", "5.33", "26.04"),
    (40, 4, "8.9", "4.97", "22.89"), (40, 8, "35.7", "4.66", None),
    (28, 10, "36.5", "4.17", "20.50"), (28, 12, "52.5", "4.33", "20.43"),
    (22, 8, "17.2", "4.38", "21.22"), (22, 10, "26.8", "4.44", "20.75"),
    (16, 8, "11.0", "4.81", "22.07"), (16, 10, "17.1", "4.56", "21.59"),
)

# Table 2: "Test error (%, median over 5 runs) on CIFAR-10 of residual networks with k = 2
# and different block types. Time column measures one training epoch." Block type, its
# kernel sizes, depth, "# params" (millions), "time,s", CIFAR-10.
TABLE_2 = (
    ("B(1,3,1)", (1, 3, 1), 40, "1.4", "85.8", "6.06"),
    ("B(3,1)", (3, 1), 40, "1.2", "67.5", "5.78"),
    ("B(1,3)", (1, 3), 40, "1.3", "72.2", "6.42"),
    ("B(3,1,1)", (3, 1, 1), 40, "1.3", "82.2", "5.86"),
    ("B(3,3)", (3, 3), 28, "1.5", "67.5", "5.73"),
    ("B(3,1,3)", (3, 1, 3), 22, "1.1", "59.9", "5.78"),
)
TABLE_2_K = 2

# Table 3: "Test error (%, median over 5 runs) on CIFAR-10 of WRN-40-2 (2.2M) with various
# l" (l: convolutions per block, all 3x3): l, CIFAR-10.
TABLE_3 = ((1, "6.69"), (2, "5.43"), (3, "5.65"), (4, "5.93"))
TABLE_3_DEPTH, TABLE_3_K, TABLE_3_PARAMS = 40, 2, "2.2"

# Table 5: "Test error of different methods on CIFAR-10 and CIFAR-100 with moderate data
# augmentation (flip/translation) and mean/std normalization", the rows that print a depth
# and parameters: method, depth-k, "# params", CIFAR-10, CIFAR-100 (None: "-"), and the
# network calc measures for it (see table_5 for which are exact).
TABLE_5 = (
    ("original-ResNet", "110", "1.7M", "6.43", "25.16", "resnet110"),
    ("original-ResNet", "1202", "10.2M", "7.93", "27.82", "resnet1202"),
    ("stoc-depth", "110", "1.7M", "5.23", "24.58", "resnet110"),
    ("stoc-depth", "1202", "10.2M", "4.91", None, "resnet1202"),
    ("pre-act-ResNet", "110", "1.7M", "6.37", None, "resnet110"),
    ("pre-act-ResNet", "164", "1.7M", "5.46", "24.33", "preact_resnet164"),
    ("pre-act-ResNet", "1001", "10.2M", "4.92 (4.64)", "22.71", "preact_resnet1001"),
    ("WRN (ours)", "40-4", "8.9M", "4.53", "21.18", "wrn_40_4"),
    ("WRN (ours)", "16-8", "11.0M", "4.27", "20.43", "wrn_16_8"),
    ("WRN (ours)", "28-10", "36.5M", "4.00", "19.25", "wrn_28_10"),
)
# He et al., "Deep Residual Learning for Image Recognition", arXiv 1512.03385, Table 6:
# "ResNet 1202 19.4M 7.93".
HE_TABLE_6_RESNET1202 = "19.4M"

# Table 6: "Effect of dropout in residual block (mean/std preprocessing, CIFAR numbers are
# based on median of 5 runs)": depth, k, dropout, CIFAR-10, CIFAR-100, SVHN (None: "-").
TABLE_6 = (
    (16, 4, False, "5.02", "24.03", "1.85"), (16, 4, True, "5.24", "23.91", "1.64"),
    (28, 10, False, "4.00", "19.25", None), (28, 10, True, "3.89", "18.85", None),
    (52, 1, False, "6.43", "29.89", "2.08"), (52, 1, True, "6.28", "29.78", "1.70"),
)
DROPOUT_CIFAR, DROPOUT_SVHN = "0.3", "0.4"       # Section 3, "Dropout in residual blocks"

# Figure 4: "Time of forward+backward update per minibatch of size 32 for wide and thin
# networks", the times (ms) printed on the bars, cudnn v5 on a Titan X (Section 3,
# "Computational efficiency"). The figure labels the thin 1001-layer network "1004".
FIGURE_4_MS = (("ResNet-164", "preact_resnet164", 85), ("ResNet-1001", "preact_resnet1001", 512),
               ("WRN-40-4", "wrn_40_4", 68), ("WRN-16-10", "wrn_16_10", 164),
               ("WRN-28-10", "wrn_28_10", 312))
FIGURE_4_BATCH = 32
# The text: "WRN-28-10 is 1.6 times faster than thin ResNet-1001 ... WRN-40-4, which has
# approximately the same accuracy as ResNet-1001, is 8 times faster."
FASTER_28_10, FASTER_40_4 = "1.6", "8"
TRAIN_BATCH = 128                                 # "minibatch size to 128" (Implementation)

# Table 8: "ILSVRC-2012 validation error (single crop) of bottleneck ResNets": model, calc's
# zoo name and knobs, top-1 error, "#params", "time/batch 16" (no unit printed).
TABLE_8 = (
    ("ResNet-50", "resnet50", {}, "24.01", "25.6M", "49"),
    ("ResNet-101", "resnet101", {}, "22.44", "44.5M", "82"),
    ("ResNet-152", "resnet152", {}, "22.16", "60.2M", "115"),
    ("WRN-50-2-bottleneck", "wide_resnet50_2", {}, "21.9", "68.9M", "93"),
    ("pre-ResNet-200", "resnet", {"layers": (3, 24, 36, 3)}, "21.66", "64.7M", "154"),
)

# torchvision's weights metadata: num_params, _ops (GMACs), ImageNet-1K acc@1 of the V1
# and V2 weights (torchvision.models.get_model_weights(name)[...].meta).
TORCHVISION = {
    "resnet50": (25557032, 4.089, 76.13, 80.858),
    "wide_resnet50_2": (68883240, 11.398, 78.468, 81.602),
    "resnet101": (44549160, 7.801, 77.374, 81.886),
    "wide_resnet101_2": (126886696, 22.753, 78.848, 82.51),
    "resnet152": (60192808, 11.514, 78.312, 82.284),
}
# A newer family, for the page's "what to use today": num_params, _ops, acc@1 (V1 weights).
TORCHVISION_NEWER = {"efficientnet_b3": (12233232, 1.827, 82.008)}

# ResNeXt (Xie et al. 2017), Table 4: "Comparisons on ImageNet-1K when the number of FLOPs
# is increased to 2x of ResNet-101's": model, setting, top-1 error (%), calc's model.
RESNEXT_TABLE_4 = (
    ("ResNet-101", "1 × 64d", "22.0", ("resnet101", {})),
    ("ResNeXt-101", "32 × 4d", "21.2", ("resnet", {"layers": (3, 4, 23, 3), "groups": 32,
                                                  "width_per_group": 4})),
    ("ResNet-200", "1 × 64d", "21.7", ("resnet", {"layers": (3, 24, 36, 3)})),
    ("ResNet-101, wider", "1 × 100d", "21.3", ("resnet", {"layers": (3, 4, 23, 3),
                                                          "width_per_group": 100})),
    ("ResNeXt-101", "2 × 64d", "20.7", ("resnet", {"layers": (3, 4, 23, 3), "groups": 2,
                                                  "width_per_group": 64})),
    ("ResNeXt-101", "64 × 4d", "20.4", ("resnext101_64x4d", {})),
)

# EfficientNet, STEP 1: "the best values for EfficientNet-B0 are alpha = 1.2, beta = 1.1,
# gamma = 1.15, under constraint of alpha * beta^2 * gamma^2 ~ 2."
EFFICIENTNET = (1.2, 1.1, 1.15)


# --- Networks built here ------------------------------------------------------------------

def wrn_blocks(kernels=(3, 3), blocks: int = 4, widen_factor: int = 10,
               num_classes: int = 10) -> Network:
    """A WRN whose blocks are B(``kernels``): ``blocks`` per group, widths 16k, 32k, 64k.

    Pre-activation as calc's ``wrn`` family builds it: each conv is preceded by BN-ReLU, the
    first conv of a block takes the group's stride and width, and a block that changes the
    width projects its pre-activated input with a strided 1x1 conv. ``kernels=(3, 3)`` with
    ``blocks = (d - 4) / 6`` is WRN-d-k itself.
    """
    k = widen_factor
    g = NetworkBuilder(f"wrn_b{''.join(map(str, kernels))}_{blocks}_{k}", (3, 32, 32))
    x = g.layer("conv1", Conv2d(3, 16, 3, 1, 1, bias=False), g.input)
    for group, (width, stride) in enumerate(((16 * k, 1), (32 * k, 2), (64 * k, 2)), start=1):
        for index in range(blocks):
            p, s = f"block{group}.layer.{index}", stride if index == 0 else 1
            pre = g.sequential(p, [("bn1", BatchNorm2d(x.channels)), ("relu1", RELU)], x)
            y = pre
            for j, size in enumerate(kernels, start=1):
                if j > 1:
                    y = g.sequential(p, [(f"bn{j}", BatchNorm2d(width)), (f"relu{j}", RELU)], y)
                y = g.layer(f"{p}.conv{j}", Conv2d(y.channels, width, size, s if j == 1 else 1,
                                                   size // 2, bias=False), y)
            shortcut = x
            if s != 1 or x.channels != width:
                shortcut = g.layer(f"{p}.convShortcut",
                                   Conv2d(x.channels, width, 1, s, 0, bias=False), pre)
            x = g.add(f"{p}.add", y, shortcut)
    x = g.sequential("", [("bn1", BatchNorm2d(x.channels)), ("relu", RELU),
                          ("avgpool", AdaptiveAvgPool2d((1, 1))), ("flatten", Flatten())], x)
    return g.build(g.layer("fc", Linear(x.channels, num_classes), x))


@functools.cache
def measured(name: str, knobs: tuple = ()):
    """The summary of a zoo model (``wrn_28_10``, ``preact_resnet1001``); ``knobs`` as sorted
    (key, value) pairs. Cached: the build asks for the same networks many times."""
    return summarize(get_model(name, **dict(knobs)))


def s_(name: str, **knobs):
    return measured(name, tuple(sorted(knobs.items())))


@functools.cache
def block_network(kernels: tuple, blocks: int, k: int):
    return summarize(wrn_blocks(kernels, blocks, k))


def convs(summary) -> int:
    """Convolutional layers (shortcut projections included)."""
    return sum(r.type == "Conv2d" for r in summary.rows)


def layers_run(summary) -> int:
    """Layers that compute something (every node but views such as flatten): in an eager
    framework each is at least one kernel launch per forward pass."""
    return sum(r.type != "Flatten" for r in summary.rows)


def residual_adds(summary) -> int:
    return sum(r.type == "Add" for r in summary.rows)


def bn_params(summary) -> int:
    return sum(r.params for r in summary.rows if r.type == "BatchNorm2d")


def millions(n: int) -> str:
    """A count as the paper rounds it: millions with one decimal ("36.5")."""
    return f"{n / 1e6:.1f}"


def table_2_blocks(depth: int) -> int:
    """Blocks per group in Table 2: the authors' code takes N = (depth - 4) / 6 whatever the
    block type, so a depth-40 network of three-conv blocks has more than 40 conv layers."""
    return (depth - 4) // 6


def table_3_blocks(depth: int, l: int) -> int:
    """Blocks per group in Table 3: the same number of convolutions, depth - 4, for every l."""
    return (depth - 4) // (3 * l)


def ratio_to_thin(depth: int, k: int) -> float:
    """Parameters of WRN-depth-k over those of the thin WRN-depth-1."""
    return s_(f"wrn_{depth}_{k}").params / s_(f"wrn_{depth}_1").params


def mac_rate(name: str, ms: float, batch: int = FIGURE_4_BATCH) -> float:
    """Forward MACs of a batch divided by the printed training-step time, in GMAC/s."""
    return s_(name).macs * batch / (ms / 1000) / 1e9


# --- Tables ---------------------------------------------------------------------------------

@table("wrn-table-1")
def table_1(depth: int = 28, widen_factor: int = 10) -> Table:
    """The paper's Table 1 for one member, with calc's shapes, parameters and MACs per group."""
    name = f"wrn_{depth}_{widen_factor}"
    s = s_(name)
    n = (depth - 4) // 6
    k = widen_factor
    spec = [("conv1", "conv1", "[3×3, 16]")]
    for group, base in ((2, 16), (3, 32), (4, 64)):
        spec.append((f"conv{group}", f"block{group - 1}.",
                     (f"[3×3, {base}×k; 3×3, {base}×k] × N = "
                     f"[3×3, {base * k}; 3×3, {base * k}] × {n}")))
    rows = []
    for group, prefix, text in spec:
        mine = [r for r in s.rows if r.name == prefix or r.name.startswith(prefix)
                and prefix.endswith(".")]
        out = mine[-1].output
        rows.append((group, f"{out[1]} × {out[2]}", text, f"{out[0]}×{out[1]}×{out[2]}",
                     sum(r.type == "Conv2d" for r in mine), sum(r.params for r in mine),
                     si(sum(r.macs for r in mine))))
    head = [r for r in s.rows if not r.name.startswith(("conv1", "block"))]
    rows.append(("avg-pool", "1 × 1", "[8 × 8] (global), then the classifier", "10",
                 sum(r.type in ("Conv2d", "Linear") for r in head), sum(r.params for r in head),
                 si(sum(r.macs for r in head))))
    rows.append(("total", "", f"WRN-{depth}-{k}", "", convs(s) + 1, s.params, si(s.macs)))
    shortcuts = [r.name for r in s.rows if r.name.endswith("convShortcut")]
    return Table(
        ("group name", "output size", "block type = B(3,3)", "calc: output", "weighted layers",
         "params", "MACs"),
        tuple(rows),
        f"Table 1 of Zagoruyko & Komodakis (2016), the structure of WRN-d-k, for WRN-{depth}-{k} "
        f"(N = {n}, k = {k}), beside calc's shapes, parameters and MACs per group at 32x32.",
        (("Each bracket is a pre-activation block: BN-ReLU-conv3x3, BN-ReLU-conv3x3, plus a "
         "shortcut; the first block of conv3 and conv4 has stride 2."),
         (f"Weighted layers count the convolutions, the {len(shortcuts)} 1x1 shortcut "
          "projections among them (where a block changes the width), and the classifier. "
          "The paper's depth 6N + 4 counts the convolutions of a wide network: "
          f"1 + 6 x {n} + 3 = {1 + 6 * n + 3}."),
         ("Parameters include the batch norms' scale and shift; the head's row holds the last "
          "BN and the fully connected layer.")))


@table("wrn-table-4")
def table_4() -> Table:
    """Table 4 as printed beside calc's exact counts and MACs."""
    rows = []
    for depth, k, printed, c10, c100 in TABLE_4:
        s = s_(f"wrn_{depth}_{k}")
        rows.append((f"WRN-{depth}-{k}", depth, k, printed, s.params, millions(s.params),
                     si(s.macs), convs(s), c10, c100 or "-"))
    s22 = s_("wrn_22_8")
    return Table(
        ("network", "depth", "k", "paper: # params (M)", "calc, exact", "calc, millions",
         "calc: MACs", "calc: conv layers", "paper: CIFAR-10 error %",
         "paper: CIFAR-100 error %"),
        tuple(rows),
        "Table 4 of Zagoruyko & Komodakis (2016), test errors of wide networks (ZCA "
        "whitening), with the printed parameter counts beside calc's exact counts at 32x32.",
        (("The paper rounds to a tenth of a million; every calc count rounds to the printed "
         "value."),
         ("The counts include the batch norms' scale and shift: without them WRN-22-8 would "
          f"have {grouped(s22.params - bn_params(s22))} parameters, which prints as "
          f"{millions(s22.params - bn_params(s22))}, not {millions(s22.params)}."),
         ("The errors are the paper's; calc has nothing to compare them with. WRN-40-1 is the "
          "thin pre-activation ResNet with 1x1 projections; its first group keeps 16 "
          "channels and needs none, hence one conv layer fewer.")), sortable=True)


@table("wrn-k-squared")
def k_squared_table(depths: tuple = (16, 28, 40), ks: tuple = (2, 4, 8, 10, 12)) -> Table:
    """WRN-d-k over WRN-d-1, parameters and MACs, against k squared."""
    rows = []
    for k in ks:
        row = [k, k * k]
        for d in depths:
            row.append(f"{ratio_to_thin(d, k):.1f}")
        for d in depths:
            row.append(f"{s_(f'wrn_{d}_{k}').macs / s_(f'wrn_{d}_1').macs:.1f}")
        rows.append(tuple(row))
    return Table(
        ("k", "k²", *[f"params: WRN-{d}-k / WRN-{d}-1" for d in depths],
         *[f"MACs: WRN-{d}-k / WRN-{d}-1" for d in depths]),
        tuple(rows),
        "How parameters and MACs grow with the widening factor k at fixed depth (calc, 32x32).",
        (("Every 3x3 conv inside the groups has k times the channels in and out, so k² times "
         "the weights and MACs. What does not scale with k² keeps the ratio a little under "
         "k²: conv1 (3 to 16 channels) does not scale at all, and the first conv and shortcut "
         "of the first group (16 to 16k), the batch norms and the classifier scale with k."),
         ("At depth 16 the groups hold fewer convs, so the parts that grow only with k weigh "
         "more and the ratio stays further below k². MACs stay further below than parameters: "
         "the layers that do not grow with k² sit at the start, on the full 32x32 map, where "
         "each weight is used most often.")))


@table("wrn-block-types")
def table_2_blocks_table() -> Table:
    """Table 2 (block types) with the networks rebuilt: params, layers and MACs by calc."""
    rows = []
    for label, kernels, depth, params, seconds, c10 in TABLE_2:
        s = block_network(kernels, table_2_blocks(depth), TABLE_2_K)
        rows.append((f"WRN-{depth}-{TABLE_2_K}-{label}", depth, params, s.params,
                     millions(s.params), convs(s), si(s.macs), seconds, c10))
    return Table(
        ("network", "paper: depth", "paper: # params (M)", "calc, exact", "calc, millions",
         "calc: conv layers", "calc: MACs", "paper: time per epoch, s", "paper: CIFAR-10 %"),
        tuple(rows),
        "Table 2 of Zagoruyko & Komodakis (2016): WRNs with k = 2 and different blocks, "
        "B(M) listing the kernel sizes of a block's convolutions, rebuilt by calc at 32x32.",
        (("The depth is the paper's label. The authors' code takes N = (depth - 4) / 6 blocks "
         "per group whatever the block, and with that rule every rebuilt network rounds to the "
         "printed parameters; so the depth-40 networks of three-conv blocks, B(1,3,1) and "
         "B(3,1,1), have more conv layers than their label says."),
         ("The time is one training epoch, printed by the paper; calc does not measure time. "
         "The two slowest networks are the two with the most layers, not the most MACs.")),
        sortable=True)


@table("wrn-deepening")
def table_3_table() -> Table:
    """Table 3 (deepening factor l) with calc's params, blocks, adds and MACs."""
    rows = []
    for l, c10 in TABLE_3:
        kernels = (3,) * l
        n = table_3_blocks(TABLE_3_DEPTH, l)
        s = block_network(kernels, n, TABLE_3_K)
        rows.append((l, f"B({','.join(map(str, kernels))})", n, residual_adds(s), convs(s),
                     s.params, millions(s.params), si(s.macs), c10))
    return Table(
        ("l", "block", "calc: blocks per group", "calc: residual additions", "calc: conv layers",
         "calc: params", "calc, millions", "calc: MACs", "paper: CIFAR-10 %"),
        tuple(rows),
        f"Table 3 of Zagoruyko & Komodakis (2016): WRN-{TABLE_3_DEPTH}-{TABLE_3_K} "
        f"({TABLE_3_PARAMS}M) with l 3x3 convolutions per block, rebuilt by calc at 32x32.",
        (("Here the depth counts convolutions: every l gives the same 36 convs in the groups, "
         "the same parameters and the same MACs, and only the number of residual connections "
         "changes. The paper puts the worse results of l = 3 and 4 down to 'the decreased "
         "number of residual connections'."),))


@table("wrn-table-5")
def table_5() -> Table:
    """Table 5's parameter column against calc."""
    rows = []
    for method, dk, params, c10, c100, name in TABLE_5:
        s = s_(name)
        rows.append((method, dk, params, s.params, millions(s.params) + "M", convs(s),
                     si(s.macs), c10, c100 or "-"))
    r1202, p1001 = s_("resnet1202"), s_("preact_resnet1001")
    return Table(
        ("method", "depth-k", "paper: # params", "calc, exact", "calc, rounded",
         "calc: conv layers", "calc: MACs", "paper: CIFAR-10 %", "paper: CIFAR-100 %"),
        tuple(rows),
        "Table 5 of Zagoruyko & Komodakis (2016), thin against wide networks (mean/std "
        "normalisation, no dropout), the rows that print a depth, beside calc's count of "
        "each network at 32x32.",
        (("The original ResNets are He et al.'s CIFAR networks (calc's resnet110, resnet1202); "
         "the stochastic-depth rows train the same two, so calc shows their counts again. "
         "For pre-act-ResNet-110 calc shows the original ResNet-110: the pre-activation "
         "version moves batch norm and ReLU in front of the same 3x3 convolutions (its "
         "shortcuts are not checked here)."),
         (f"The 1202-layer rows print 10.2M, but He et al.'s Table 6 prints "
          f"{HE_TABLE_6_RESNET1202} for ResNet-1202, and calc counts "
          f"{grouped(r1202.params)}: a slip in the WRN paper, since 10.2M is ResNet-1001's "
          "count."),
         ("ResNet-164 and ResNet-1001 are the pre-activation bottleneck networks of He et al. "
          "(2016), calc's preact_resnet164 and preact_resnet1001. For ResNet-1001 calc "
          f"counts {grouped(p1001.params)}, which rounds to {millions(p1001.params)}M; without the "
          f"{grouped(bn_params(p1001))} scale and shift parameters of its batch norms it "
          f"would be {grouped(p1001.params - bn_params(p1001))}, the printed "
          f"{millions(p1001.params - bn_params(p1001))}M. The WRN counts include them "
          "(see Table 4)."),
         "In parentheses: ResNet-1001 trained with batch 64 instead of 128."))


@table("wrn-speed")
def speed_table() -> Table:
    """Figure 4's printed times beside calc's layers, MACs and training memory."""
    rows = []
    for label, name, ms in FIGURE_4_MS:
        s = s_(name)
        rows.append((label, convs(s), layers_run(s), s.params, si(s.macs),
                     si(s.macs / convs(s)), ms, f"{mac_rate(name, ms):.0f}",
                     nbytes(s.memory(TRAIN_BATCH).training_saved)))
    return Table(
        ("network", "calc: conv layers", "calc: layers run", "calc: params",
         "calc: MACs per image", "calc: MACs per conv layer", "paper: ms per step (Figure 4)",
         "forward GMAC/s (derived)", f"calc: saved for backward, batch {TRAIN_BATCH}"),
        tuple(rows),
        "Thin and wide networks: the time of one forward and backward step with a batch of "
        f"{FIGURE_4_BATCH} on a Titan X (cudnn v5), printed on the bars of the paper's "
        "Figure 4, beside calc's counts at 32x32.",
        (("Layers run count every layer but flatten: batch norms, ReLUs and additions too. In "
         "an eager framework each is at least one kernel launch per forward pass, and as many "
         "again backward."),
         (f"Forward GMAC/s is calc's forward MACs for a batch of {FIGURE_4_BATCH} divided by the "
          "printed time of a whole training step; the backward pass does about twice the "
          "forward's work, so the GPU's real rate is about three times this column. It "
          "compares the networks on one footing, and it is derived from the paper's "
          "times: no GPU has run here."),
         (f"Saved for backward is what autograd keeps at the paper's training batch of "
          f"{TRAIN_BATCH} in float32 (calc's training_saved); the authors shared buffers with "
          "optnet to cut their memory."),
         "The figure labels the thin 1001-layer network '1004'."), sortable=True)


@table("wrn-dropout")
def dropout_table() -> Table:
    """Table 6 as printed, with what dropout costs in calc's terms."""
    rows = []
    for depth, k, drop, c10, c100, svhn in TABLE_6:
        name = f"wrn_{depth}_{k}"
        s = s_(name, dropout=float(DROPOUT_CIFAR)) if drop else s_(name)
        rows.append((f"WRN-{depth}-{k}", "yes" if drop else "no", c10, c100 or "-", svhn or "-",
                     s.params, si(s.macs), nbytes(s.memory(TRAIN_BATCH).training_saved)))
    return Table(
        ("network", "dropout", "paper: CIFAR-10 %", "paper: CIFAR-100 %", "paper: SVHN %",
         "calc: params", "calc: MACs", f"calc: saved for backward, batch {TRAIN_BATCH}"),
        tuple(rows),
        "Table 6 of Zagoruyko & Komodakis (2016): dropout between the two convolutions of "
        f"every block (p = {DROPOUT_CIFAR} on CIFAR, {DROPOUT_SVHN} on SVHN), errors as printed "
        "(mean/std normalisation, CIFAR medians of 5 runs), beside calc's counts at 32x32.",
        (("Dropout adds no parameter and no MAC. It adds training memory: a one-byte mask per "
         "element, and, where it is not in place, its output, which the second convolution "
         "then keeps instead of the ReLU's."),))


@table("wrn-imagenet")
def imagenet_table() -> Table:
    """Table 8 (ImageNet bottlenecks) with calc's counts and torchvision's accuracies."""
    rows = []
    for label, name, knobs, top1, params, time in TABLE_8:
        s = s_(name, **knobs)
        tv = TORCHVISION.get(name)
        rows.append((label, params, s.params, convs(s), si(s.macs), top1, time,
                     f"{tv[2]:.3f}" if tv else "", f"{tv[3]:.3f}" if tv else ""))
    return Table(
        ("model", "paper: #params", "calc: params", "calc: conv layers", "calc: MACs at 224",
         "paper: top-1 error %", "paper: time/batch 16", "torchvision acc@1, V1 weights",
         "torchvision acc@1, V2 weights"),
        tuple(rows),
        "Table 8 of Zagoruyko & Komodakis (2016), ImageNet bottleneck networks (single-crop "
        "validation error), beside calc's torchvision-style networks and the ImageNet-1K "
        "top-1 accuracy (%) of torchvision's weights where it ships them.",
        (("WRN-50-2-bottleneck is torchvision's wide_resnet50_2: ResNet-50 with the two inner "
         "convolutions of every bottleneck twice as wide (width_per_group = 128)."),
         ("calc has no pre-activation ImageNet ResNet; it shows the post-activation ResNet-200 "
          "(layers 3, 24, 36, 3), which has the same convolutions and rounds to the printed "
          "count."),
         "The time column is printed without a unit.",
         ("torchvision's V2 weights come from a newer, longer training recipe; V1 is the "
         "paper-era one.")))


@table("wrn-bottleneck")
def bottleneck_table(node: str = "layer4.1") -> Table:
    """One bottleneck of ResNet-50 and of Wide ResNet-50-2, conv by conv."""
    thin, wide = s_("resnet50"), s_("wide_resnet50_2")
    rows = []
    for conv in ("conv1", "conv2", "conv3"):
        a, b = thin.network.node(f"{node}.{conv}").layer, wide.network.node(f"{node}.{conv}").layer
        ra = next(r for r in thin.rows if r.name == f"{node}.{conv}")
        rb = next(r for r in wide.rows if r.name == f"{node}.{conv}")
        rows.append((f"{node}.{conv}", f"{a.kernel_size[0]}x{a.kernel_size[1]}",
                     f"{a.in_channels}-{a.out_channels}", ra.params,
                     f"{b.in_channels}-{b.out_channels}", rb.params, f"{rb.params / ra.params:g}"))
    rows.append(("whole network", "", "", thin.params, "", wide.params,
                 f"{wide.params / thin.params:.2f}"))
    rows.append(("MACs at 224", "", "", si(thin.macs), "", si(wide.macs),
                 f"{wide.macs / thin.macs:.2f}"))
    return Table(
        ("conv", "kernel", "resnet50: channels", "resnet50: params", "wide_resnet50_2: channels",
         "wide_resnet50_2: params", "ratio"),
        tuple(rows),
        f"The bottleneck {node} of torchvision's ResNet-50 and Wide ResNet-50-2 (calc).",
        (("Doubling the inner width doubles the two 1x1 convolutions (one side of each grows) "
         "and quadruples the 3x3 (both sides grow); the block's output width, and so the "
         "shortcut and the next block's input, stay as they were."),))


@table("wrn-resnext")
def resnext_table() -> Table:
    """ResNeXt's Table 4: deeper, wider or more groups at twice ResNet-101's cost."""
    base = s_("resnet101")
    rows = []
    for label, setting, top1, (name, knobs) in RESNEXT_TABLE_4:
        s = s_(name, **knobs)
        rows.append((label, setting, s.params, si(s.macs), f"{s.macs / base.macs:.2f}",
                     convs(s), top1))
    return Table(
        ("model", "setting", "calc: params", "calc: MACs at 224", "MACs / ResNet-101",
         "calc: conv layers", "paper: top-1 error %"),
        tuple(rows),
        "Table 4 of Xie et al. (ResNeXt, 2017): ResNet-101 made deeper, wider or given more "
        "groups, at about twice its cost; errors as printed (ImageNet-1K, single 224 crop), "
        "networks by calc in torchvision's layout.",
        (("The setting C × d is the number of groups and the width of each in the first "
         "stage's bottleneck; 1 × 100d is a ResNet-101 whose bottlenecks are 100/64 as wide."),
         ("ResNet-200 is the post-activation network here; the paper's is pre-activation, with "
         "the same convolutions and MACs.")))


# --- Figures --------------------------------------------------------------------------------

@figure("wrn-block")
def block_figure(depth: int = 28, widen_factor: int = 10, group: int = 2,
                 dropout: float = 0.3) -> Figure:
    """The wide-dropout block, drawn with calc's shapes, parameters and MACs."""

    name = f"wrn_{depth}_{widen_factor}"
    s = s_(name, dropout=dropout)
    rows = {r.name: r for r in s.rows}
    net = s.network
    p = f"block{group}.layer.0"
    x_in = net.node(f"{p}.bn1").input_shapes[0]
    fig, ax = plot.new(figsize=(7.0, 6.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.2, 9.6)
    ax.axis("off")
    colours = plot.OKABE_ITO

    box = functools.partial(plot.block, ax, width=6.5, height=0.78, rounding=0.1,
                            fontsize=8.6)
    arrow = functools.partial(plot.arrow, ax, linewidth=0.9)

    def conv(node):
        layer = net.node(node).layer
        r = rows[node]
        return (f"{layer.kernel_size[0]}×{layer.kernel_size[1]} conv, stride "
                f"{layer.stride[0]}, {layer.in_channels} → {layer.out_channels}\n"
                f"out {r.output[0]}×{r.output[1]}×{r.output[2]} · {r.params:,} params · "
                f"{si(r.macs)}MACs")

    mx, sx = 3.35, 8.55
    ys = (0.35, 1.5, 2.75, 4.0, 5.15, 6.4, 7.65, 8.95)
    box(mx, ys[0], f"input: {x_in[0]}×{x_in[1]}×{x_in[2]}", colours[7])
    box(mx, ys[1], f"BN, ReLU (pre-activation, shared)\n{2 * x_in[0]:,} params", colours[4])
    box(mx, ys[2], conv(f"{p}.conv1"), colours[0])
    c = rows[f"{p}.conv1"].output
    box(mx, ys[3], f"BN, ReLU\n{2 * c[0]:,} params", colours[4])
    box(mx, ys[4], f"dropout, p = {dropout:g}\nno params, no MACs", colours[1])
    box(mx, ys[5], conv(f"{p}.conv2"), colours[0])
    add = rows[f"{p}.add"]
    box(mx, ys[6], f"add: {add.output[0]}×{add.output[1]}×{add.output[2]}", colours[7])
    for a, b in pairwise(ys[:7]):
        arrow(mx, a + 0.39, mx, b - 0.39)
    sc = rows[f"{p}.convShortcut"]
    sl = net.node(f"{p}.convShortcut").layer
    box(sx, ys[3], f"shortcut:\n1×1 conv, stride {sl.stride[0]}\n{sl.in_channels} → "
        f"{sl.out_channels}\n{sc.params:,} params\n{si(sc.macs)}MACs", colours[2],
        width=2.6, height=2.0)
    arrow(mx + 3.25, ys[1], sx, ys[3] - 1.0, connectionstyle="angle,angleA=0,angleB=90")
    arrow(sx, ys[3] + 1.0, mx + 3.25, ys[6], connectionstyle="angle,angleA=90,angleB=0")
    mine = [r for r in s.rows if r.name.startswith(p + ".")]
    total_p, total_m = sum(r.params for r in mine), sum(r.macs for r in mine)
    ax.text(5.0, ys[7], f"{p}: {total_p:,} params, {si(total_m)}MACs,\nreceptive field "
            f"{rows[f'{p}.add'].rf.size[0]} px", ha="center", va="center", fontsize=9,
            fontweight="bold", color=plot.INK)
    c1, c2 = rows[f"{p}.conv1"], rows[f"{p}.conv2"]
    alt = (f"Diagram of the first block of group conv{group + 1} of WRN-{depth}-"
           f"{widen_factor}: the {x_in[0]}x{x_in[1]}x{x_in[2]} input goes through batch norm "
           f"and ReLU, a 3x3 convolution with stride 2 to {c1.output[0]} channels "
           f"({c1.params:,} parameters), batch norm, ReLU, dropout with p = {dropout:g}, and a "
           f"second 3x3 convolution ({c2.params:,} parameters); the pre-activated input also "
           f"goes through a strided 1x1 shortcut convolution ({sc.params:,} parameters), and "
           f"the two are added into a {add.output[0]}x{add.output[1]}x{add.output[2]} output. "
           f"The block holds {total_p:,} parameters and does {si(total_m)}MACs per image.")
    return Figure(plot.svg(fig, f"wrn-block-{depth}-{widen_factor}-{group}",
                           "The wide-dropout block", alt), alt,
                  f"The first block of group conv{group + 1} of WRN-{depth}-{widen_factor}, "
                  "the paper's Fig. 1(d) with every shape, parameter count and MAC count "
                  "computed by calc. The other blocks of the group have no stride and an "
                  "identity shortcut.")


@figure("wrn-grid")
def grid_figure(depths: tuple = (16, 22, 28, 40), ks: tuple = (1, 2, 4, 6, 8, 10, 12)) -> Figure:
    """Parameters against k for four depths, Table 4's members marked; and the ratios to k^2."""
    fig, (left, right) = plot.new(1, 2, figsize=(7.4, 3.6))
    printed = {(d, k) for d, k, *_ in TABLE_4}
    for i, d in enumerate(depths):
        colour = plot.OKABE_ITO[i]
        params = [s_(f"wrn_{d}_{k}").params / 1e6 for k in ks]
        left.plot(ks, params, color=colour, label=f"depth {d}")
        marked = [(k, p) for k, p in zip(ks, params) if (d, k) in printed]
        left.plot([k for k, _ in marked], [p for _, p in marked], "o", color=colour)
        thin = s_(f"wrn_{d}_1")
        right.plot(ks[1:], [ratio_to_thin(d, k) / k ** 2 for k in ks[1:]], marker="o",
                   markersize=3, color=colour)
        right.plot(ks[1:], [s_(f"wrn_{d}_{k}").macs / thin.macs / k ** 2 for k in ks[1:]],
                   marker="s", markersize=3, linestyle="--", color=colour)
    ticks = (1, 2, 4, 8, 12)
    left.set_xscale("log", base=2)
    left.set_yscale("log")
    left.set_xticks(list(ticks), [str(k) for k in ticks])
    left.minorticks_off()
    left.set_xlabel("widening factor k")
    left.set_ylabel("parameters (millions)")
    left.grid(True, which="major")
    left.legend(fontsize=8, loc="upper left")
    right.set_xticks(list(ks[1:]), [str(k) for k in ks[1:]])
    right.set_xlabel("widening factor k")
    right.set_ylabel("growth over WRN-d-1, divided by k²")
    right.axhline(1.0, color=plot.INK, linewidth=0.8, linestyle=":")
    right.plot([], [], color=plot.INK, marker="o", markersize=3, label="parameters")
    right.plot([], [], color=plot.INK, marker="s", markersize=3, linestyle="--", label="MACs")
    right.legend(fontsize=8, loc="lower left")
    right.grid(True)
    a, b = s_("wrn_40_1").params, s_("wrn_40_10").params
    macs16 = s_("wrn_16_12").macs / s_("wrn_16_1").macs / 144
    alt = ("Two charts. Left: parameters of WRN-d-k against k from 1 to 12 on log-log axes, "
           f"one line per depth ({', '.join(map(str, depths))}), with the ten networks of the "
           "paper's Table 4 marked; the lines are straight with slope 2, so parameters grow "
           f"with k squared: WRN-40-1 has {a / 1e6:.2f} million, WRN-40-10 {b / 1e6:.1f} "
           "million. Right: the growth of parameters and of MACs over the thin WRN-d-1, "
           "divided by k squared, stays just under 1: for parameters at k = 12 it is "
           f"{ratio_to_thin(40, 12) / 144:.2f} at depth 40 and "
           f"{ratio_to_thin(16, 12) / 144:.2f} at depth 16; MACs fall further below, to "
           f"{macs16:.2f} at depth 16, because the layers that do not grow with k squared sit at "
           "the start of the network, on the full 32x32 map.")
    return Figure(plot.svg(fig, "wrn-grid", "Parameters of WRN-d-k against k", alt), alt,
                  "Parameters of WRN-d-k by calc (left; dots: the networks of Table 4), and "
                  "their growth over the thin WRN-d-1 as a fraction of k² (right; solid: "
                  "parameters, dashed: MACs).")


@figure("wrn-layers")
def layers_figure(wide: str = "wrn_40_4", thin: str = "preact_resnet1001") -> Figure:
    """How many conv layers of each cost a wide and a thin network hold, and MACs so far."""
    fig, (left, right) = plot.new(1, 2, figsize=(7.4, 3.6))
    labels = {"wrn_40_4": "WRN-40-4", "preact_resnet1001": "ResNet-1001",
              "wrn_16_8": "WRN-16-8", "preact_resnet164": "ResNet-164"}
    summary = {}
    for i, name in enumerate((wide, thin)):
        s = s_(name)
        macs = [r.macs for r in s.rows if r.type == "Conv2d"]
        counts: dict[int, int] = {}
        for m in macs:
            counts[m] = counts.get(m, 0) + 1
        colour = plot.OKABE_ITO[i]
        xs = sorted(counts)
        left.vlines([x / 1e6 for x in xs], 0.8, [counts[x] for x in xs], color=colour,
                    linewidth=1.2, alpha=0.7)
        left.plot([x / 1e6 for x in xs], [counts[x] for x in xs], "o", color=colour,
                  markersize=5)
        cumulative, total = [], 0
        for m in macs:
            total += m
            cumulative.append(total / 1e9)
        right.plot(range(1, len(macs) + 1), cumulative, color=colour,
                   label=f"{labels.get(name, name)}: {len(macs)} convs")
        common = max(counts, key=counts.get)
        summary[name] = (len(macs), s.macs, s.params, common, counts[common],
                         sorted(macs)[len(macs) // 2])
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_ylim(0.8, None)
    left.set_xlabel("MACs of one conv layer (millions)")
    left.set_ylabel("number of conv layers")
    left.grid(True)
    right.set_xscale("log")
    right.set_xlabel("conv layer, in order (log scale)")
    right.set_ylabel("MACs so far (billions)")
    right.legend(fontsize=8, loc="upper left")
    right.grid(True)
    (nw, mw, pw, cw, kw, medw), (nt, mt, pt, ct, kt, medt) = summary[wide], summary[thin]
    lw, lt = labels.get(wide, wide), labels.get(thin, thin)
    alt = (f"Two charts of the convolution layers of {lw} ({pw / 1e6:.1f} million parameters) "
           f"and {lt} ({pt / 1e6:.1f} million). Left: how many conv layers do how many MACs "
           f"per image, both axes logarithmic: {kw} of {lw}'s {nw} layers do "
           f"{cw / 1e6:.1f} million MACs each (median {medw / 1e6:.1f} million), while {kt} "
           f"of {lt}'s {nt} layers do {ct / 1e6:.2f} million each (median "
           f"{medt / 1e6:.2f} million). Right: MACs accumulated layer by layer: {lw} does "
           f"{mw / 1e9:.2f} billion in {nw} layers, {lt} {mt / 1e9:.2f} billion in {nt}.")
    return Figure(plot.svg(fig, f"wrn-layers-{wide}-{thin}", "Conv layers, wide and thin",
                           alt), alt,
                  f"The convolutions of {lw} and of {lt} (He et al.'s pre-activation "
                  "bottleneck network, calc's preact_resnet1001), per 32x32 image: how "
                  "many layers of each cost (left), and the work done layer after layer "
                  "(right). About the same work, in a few large layers or in many small ones.")


@figure("wrn-epoch-time")
def epoch_time_figure() -> Figure:
    """Table 2's printed epoch times against calc's MACs, labelled with the conv layers."""
    fig, ax = plot.new(figsize=(6.6, 3.6))
    points = []
    for label, kernels, depth, _, seconds, _ in TABLE_2:
        s = block_network(kernels, table_2_blocks(depth), TABLE_2_K)
        points.append((label, s.macs / 1e6, float(seconds), convs(s)))
    layers = [p[3] for p in points]
    lo, hi = min(layers), max(layers)
    for label, macs, seconds, n in points:
        colour = plot.OKABE_ITO[0] if n == hi else plot.OKABE_ITO[5] if n == lo \
            else plot.OKABE_ITO[7]
        ax.plot(macs, seconds, "o", markersize=4 + 8 * (n - lo) / (hi - lo), color=colour)
        ax.annotate(f"{label}\n{n} conv layers", (macs, seconds), textcoords="offset points",
                    xytext=(7, -4), fontsize=8)
    ax.set_xlabel("MACs per image (millions, calc)")
    ax.set_ylabel("time per training epoch, s (paper)")
    ax.set_xlim(min(p[1] for p in points) * 0.93, max(p[1] for p in points) * 1.16)
    ax.set_ylim(min(p[2] for p in points) - 5, max(p[2] for p in points) + 6)
    ax.grid(True)
    slow = max(points, key=lambda p: p[2])
    fast = min(points, key=lambda p: p[2])
    most = max(points, key=lambda p: p[1])
    alt = ("Scatter of the six networks of the paper's Table 2: printed time per training "
           "epoch against calc's MACs per image, each labelled with its conv layers. The "
           f"slowest, {slow[0]} at {slow[2]:g} s, has {slow[3]} conv layers and "
           f"{slow[1]:.0f} million MACs; the fastest, {fast[0]} at {fast[2]:g} s, has "
           f"{fast[3]} layers; {most[0]} does the most MACs, {most[1]:.0f} million, in "
           f"{most[3]} layers and takes {most[2]:g} s. Time follows the number of layers more "
           "than the MACs.")
    return Figure(plot.svg(fig, "wrn-epoch-time", "Epoch time against MACs", alt), alt,
                  "Table 2's networks: the paper's time per training epoch against calc's "
                  "MACs, the marker size giving the number of conv layers.")

