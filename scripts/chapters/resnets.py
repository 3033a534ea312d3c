"""Figures and tables of the ResNets chapter (docs/resnets.md).

Every number is computed by calc when the site is built. The values that a source printed sit
in the module-level constants below, each beside calc's exact value in the tables;
tests/test_chapter_resnets.py checks every one of them against calc with the source's rounding
(and, in the torch tier, torchvision's accuracies against its weights metadata).

Sources:

* He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
  arXiv 1512.03385 ("the paper"): Tables 1, 2, 3 and 6.
* Xie, Girshick, Dollar, Tu & He, "Aggregated Residual Transformations for Deep Neural
  Networks" (ResNeXt), CVPR 2017, arXiv 1611.05431, and its repository's README
  (facebookresearch/ResNeXt): the "1x complexity" templates and single-crop errors.
* torchvision's weights metadata (``get_model_weights(name).<weights>.meta``).
"""

from __future__ import annotations

from calc.arithmetic import conv_output_size
from calc.checks import check
from calc.coverage import window_axis
from calc.layers import (
    AdaptiveAvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
)
from calc.models import get_model
from calc.network import NetworkBuilder
from calc.render.numbers import grouped, si
from calc.summary import summarize

from . import Cell, Figure, Table, figure, plot, table

# --- What the sources printed ------------------------------------------------------------

# The paper's Table 1: blocks per stage (conv2_x .. conv5_x) and the block of each column.
PAPER_TABLE_1 = {"resnet18": ("basic", (2, 2, 2, 2)), "resnet34": ("basic", (3, 4, 6, 3)),
                 "resnet50": ("bottleneck", (3, 4, 6, 3)),
                 "resnet101": ("bottleneck", (3, 4, 23, 3)),
                 "resnet152": ("bottleneck", (3, 8, 36, 3))}

# Table 1's last row, "FLOPs", as printed (x 10^9; the paper's Section 3.3 calls its FLOPs
# "multiply-adds", which calc calls MACs).
PAPER_FLOPS = {"resnet18": "1.8", "resnet34": "3.6", "resnet50": "3.8", "resnet101": "7.6",
               "resnet152": "11.3"}

# Table 2: top-1 error (%, 10-crop testing) on ImageNet validation. The ResNets use option A,
# so they have no extra parameter compared with their plain counterparts.
PAPER_TABLE_2 = (("plain", 18, "27.94"), ("plain", 34, "28.54"), ("ResNet", 18, "27.88"),
                 ("ResNet", 34, "25.03"))

# Table 3: error rates (%, 10-crop testing) on ImageNet validation, as printed:
# (label, calc model, calc knobs, top-1, top-5); the plain row uses this module's plain net.
PAPER_TABLE_3 = (
    ("plain-34", "plain34", {}, "28.54", "10.02"),
    ("ResNet-34 A", "resnet34", {"shortcut": "A"}, "25.03", "7.76"),
    ("ResNet-34 B", "resnet34", {"shortcut": "B"}, "24.52", "7.46"),
    ("ResNet-34 C", "resnet34", {"shortcut": "C"}, "24.19", "7.40"),
    ("ResNet-50", "resnet50", {"stride_on": "1x1"}, "22.85", "6.71"),
    ("ResNet-101", "resnet101", {"stride_on": "1x1"}, "21.75", "6.05"),
    ("ResNet-152", "resnet152", {"stride_on": "1x1"}, "21.43", "5.71"),
)

# Table 6 (CIFAR-10): n, depth, "# params" as printed, and the printed test error (%).
# ResNet-110's 6.43 is the best of several runs (the paper also gives their mean).
PAPER_TABLE_6 = ((3, 20, "0.27", "8.75"), (5, 32, "0.46", "7.51"), (7, 44, "0.66", "7.17"),
                 (9, 56, "0.85", "6.97"), (18, 110, "1.7", "6.43"), (200, 1202, "19.4", "7.93"))

# facebookresearch/ResNeXt README, "1x Complexity Configurations Reference Table":
# (cardinality, baseWidth) pairs that keep ResNet-50's cost.
RESNEXT_1X = ((1, 64), (2, 40), (4, 24), (8, 14), (32, 4))

# The same README, "Single-crop (224x224) validation error rate": (network, calc model,
# GFLOPS as printed, top-1 error as printed).
RESNEXT_README = (("ResNet-50 (1x64d)", "resnet50", "~4.1", "23.9"),
                  ("ResNeXt-50 (32x4d)", "resnext50_32x4d", "~4.1", "22.2"),
                  ("ResNet-101 (1x64d)", "resnet101", "~7.8", "22.0"),
                  ("ResNeXt-101 (32x4d)", ("resnet", {"layers": (3, 4, 23, 3), "groups": 32,
                                                      "width_per_group": 4}), "~7.8", "21.2"),
                  ("ResNeXt-101 (64x4d)", "resnext101_64x4d", "~15.6", "20.4"))

# torchvision's weights metadata, "ImageNet-1K" "acc@1": {(model, weights): (top-1 %, recipe)}.
# The recipe is what the weights' documentation says: "a simple training recipe" or
# torchvision's "new training recipe". The torch tier of the tests reads every value back.
TORCHVISION_ACC1 = {
    ("resnet18", "IMAGENET1K_V1"): (69.758, "simple"),
    ("resnet34", "IMAGENET1K_V1"): (73.314, "simple"),
    ("resnet50", "IMAGENET1K_V1"): (76.130, "simple"),
    ("resnet50", "IMAGENET1K_V2"): (80.858, "new"),
    ("resnet101", "IMAGENET1K_V1"): (77.374, "simple"),
    ("resnet101", "IMAGENET1K_V2"): (81.886, "new"),
    ("resnet152", "IMAGENET1K_V1"): (78.312, "simple"),
    ("resnet152", "IMAGENET1K_V2"): (82.284, "new"),
    ("resnext50_32x4d", "IMAGENET1K_V1"): (77.618, "simple"),
    ("resnext50_32x4d", "IMAGENET1K_V2"): (81.198, "new"),
    ("resnext101_32x8d", "IMAGENET1K_V1"): (79.312, "simple"),
    ("resnext101_32x8d", "IMAGENET1K_V2"): (82.834, "new"),
    ("resnext101_64x4d", "IMAGENET1K_V1"): (83.246, "new"),
    ("wide_resnet50_2", "IMAGENET1K_V1"): (78.468, "simple"),
    ("wide_resnet50_2", "IMAGENET1K_V2"): (81.602, "new"),
    ("wide_resnet101_2", "IMAGENET1K_V1"): (78.848, "simple"),
    ("wide_resnet101_2", "IMAGENET1K_V2"): (82.510, "new"),
}


def accuracy(model: str, recipe: str) -> float | None:
    """torchvision's top-1 accuracy of ``model`` trained with ``recipe`` (simple or new)."""
    return next((acc for (m, _), (acc, r) in TORCHVISION_ACC1.items()
                 if m == model and r == recipe), None)


DEPTHS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
STAGES = ("conv2_x", "conv3_x", "conv4_x", "conv5_x")   # the paper's names of layer1..layer4


# --- Helpers ------------------------------------------------------------------------------

def _summary(name: str, **kw):
    return summarize(get_model(name, **kw))


def paper(name: str, **kw):
    """The paper's version of a zoo ResNet: the stride on the first 1x1 (v1) for bottlenecks."""
    if PAPER_TABLE_1.get(name, ("basic",))[0] == "bottleneck":
        kw.setdefault("stride_on", "1x1")
    return get_model(name, **kw)


def plain_resnet(layers=(3, 4, 6, 3), *, input_shape=(3, 224, 224), num_classes: int = 1000,
                 name: str = "plain34"):
    """The paper's plain baseline (Section 3.3, Fig. 3 middle): ResNet's basic-block network
    with every shortcut removed. Node names follow torchvision's ResNet."""
    g = NetworkBuilder(name, input_shape)
    relu = ReLU(inplace=True)
    x = g.layer("conv1", Conv2d(input_shape[0], 64, 7, 2, 3, bias=False), g.input)
    x = g.layer("bn1", BatchNorm2d(64), x)
    x = g.layer("relu", relu, x)
    x = g.layer("maxpool", MaxPool2d(3, 2, 1), x)
    for stage, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers), start=1):
        for index in range(blocks):
            stride = 2 if stage > 1 and index == 0 else 1
            x = g.sequential(f"layer{stage}.{index}", [
                ("conv1", Conv2d(x.channels, planes, 3, stride, 1, bias=False)),
                ("bn1", BatchNorm2d(planes)), ("relu", relu),
                ("conv2", Conv2d(planes, planes, 3, 1, 1, bias=False)),
                ("bn2", BatchNorm2d(planes)), ("relu_2", relu)], x)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("fc", Linear(x.shape[0], num_classes), x)
    return g.build(x)


def plain_summary(depth: int):
    return summarize(plain_resnet(PAPER_TABLE_1[f"resnet{depth}"][1], name=f"plain{depth}"))


def _model_of(entry, kwargs=None):
    """A summary for a table row's model: a zoo name, the plain net, or (family, knobs)."""
    kwargs = dict(kwargs or {})
    if isinstance(entry, tuple):
        family, knobs = entry
        return _summary(family, **{**knobs, **kwargs})
    if entry.startswith("plain"):
        return plain_summary(int(entry[len("plain"):]))
    return _summary(entry, **kwargs)


def printed_round(value: float, printed: str) -> str:
    """``value`` rounded to as many decimals as ``printed`` has: (3.664, "3.6") -> "3.7"."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return f"{value:.{decimals}f}"


def printed_truncate(value: float, printed: str) -> str:
    """``value`` cut (not rounded) to as many decimals as ``printed`` has."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    scale = 10 ** decimals
    return f"{int(value * scale) / scale:.{decimals}f}"


def macs_by_part(name: str, **kw) -> dict[str, int]:
    """MACs of a ResNet split into the stem conv, the blocks' 3x3 and 1x1 convs, the
    projection shortcuts (``downsample``) and the fully connected layer."""
    net = get_model(name, **kw) if not name.startswith("plain") else \
        plain_resnet(PAPER_TABLE_1[f"resnet{name[len('plain'):]}"][1])
    parts = {"stem": 0, "3x3": 0, "1x1": 0, "projections": 0, "fc": 0}
    for r in summarize(net).rows:
        if r.type not in ("Conv2d", "Linear"):
            continue
        if r.name == "conv1":
            parts["stem"] += r.macs
        elif r.type == "Linear":
            parts["fc"] += r.macs
        elif ".downsample" in r.name:
            parts["projections"] += r.macs
        else:
            k = net.node(r.name).layer.kernel_size
            parts["3x3" if k == (3, 3) else "1x1"] += r.macs
    return parts


def stage_totals(name: str, **kw) -> list[dict]:
    """Params and MACs of the stem, the four stages and the head of a ResNet."""
    s = _summary(name, **kw)
    groups = {"stem": {"params": 0, "macs": 0}}
    for stage in STAGES:
        groups[stage] = {"params": 0, "macs": 0}
    groups["head"] = {"params": 0, "macs": 0}
    for r in s.rows:
        if r.name.startswith("layer"):
            key = STAGES[int(r.name[len("layer")]) - 1]
        elif r.name in ("avgpool", "flatten", "fc"):
            key = "head"
        else:
            key = "stem"
        groups[key]["params"] += r.params
        groups[key]["macs"] += r.macs
    return [{"part": k, **v} for k, v in groups.items()]


def block_ends(name: str, **kw) -> list[tuple[str, int, int]]:
    """(node, weighted layers on the main path so far, receptive field in px) at the stem and
    at the end of every block."""
    s = _summary(name, **kw)
    net = s.network
    out, depth = [], 0
    for r in s.rows:
        if r.type == "Conv2d" and ".downsample" not in r.name:
            depth += 1
        if r.name in ("conv1", "maxpool"):
            out.append((r.name, depth, r.rf.size[0]))
        elif r.name.startswith("layer") and r.name.count(".") == 2 \
                and r.name.rsplit(".", 1)[1].startswith("relu") \
                and net.node(r.name).inputs[0].endswith(".add"):
            out.append((r.name.rsplit(".", 1)[0], depth, r.rf.size[0]))
    return out


def window_reads(size: int, kernel_size: int, stride: int, padding: int) -> list[int]:
    """How many windows of a conv or pool read each input cell of one axis (0: never read)."""
    out = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    counts = [0] * size
    for j in range(out):
        first = j * stride - padding
        for x in range(max(first, 0), min(first + kernel_size, size)):
            counts[x] += 1
    return counts


DOWNSAMPLERS = (
    ("1x1 conv, stride 2", 1, 2, 0, "v1 main path; B and C projections"),
    ("3x3 conv, stride 2, padding 1", 3, 2, 1, "v1.5 main path"),
    ("2x2 average pool, stride 2", 2, 2, 0, "ResNet-D shortcut"),
)


def unread_fraction(size: int, kernel_size: int, stride: int, padding: int) -> float:
    """Share of an input map that no window reads, by calc's coverage of each axis."""
    pooling = kernel_size == 2
    axis = window_axis(size, kernel_size, stride, padding, pooling=pooling)
    read = size - axis.unread
    return 1 - read * read / (size * size)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def projections_of(s) -> int:
    """Projection convolutions (``downsample`` convs) in a summary."""
    return sum(r.type == "Conv2d" and ".downsample" in r.name for r in s.rows)


# --- Tables -------------------------------------------------------------------------------

@table("resnet-table-2")
def table_2() -> Table:
    """Table 2 of the paper: plain against residual, with calc's parameters and MACs."""
    rows = []
    for kind, depth, err in PAPER_TABLE_2:
        s = plain_summary(depth) if kind == "plain" else _summary(f"resnet{depth}", shortcut="A")
        rows.append((f"{kind}-{depth}" if kind == "plain" else f"ResNet-{depth} (option A)",
                     s.params, si(s.macs), s.receptive_field.size[0], err))
    return Table(
        ("network", "params (calc)", "MACs (calc)", "receptive field, px (calc)",
         "top-1 error, % (paper, 10-crop)"),
        tuple(rows),
        "Table 2 of He et al. (2016), the degradation problem in numbers: plain networks get "
        "worse with depth, residual ones better. calc's counts at 224x224 beside the printed "
        "errors.",
        (("Each ResNet has exactly its plain twin's parameters and MACs: option A's shortcuts "
          "are identities, zero-padded where the width doubles, and an addition is not a "
          "multiply-accumulate."),
         ("The errors are trained results the paper printed; calc has nothing to compare them "
          "with.")))


@table("resnet-34-vs-50")
def parts_table() -> Table:
    """Where the MACs of ResNet-34 and ResNet-50 go: stem, 3x3, 1x1, projections, FC."""
    columns = (("ResNet-34, option A (the paper's)", "resnet34", {"shortcut": "A"}),
               ("ResNet-34, option B (torchvision)", "resnet34", {}),
               ("ResNet-50 v1 (the paper's)", "resnet50", {"stride_on": "1x1"}),
               ("ResNet-50 v1.5 (torchvision)", "resnet50", {}))
    parts = [macs_by_part(name, **kw) for _, name, kw in columns]
    labels = {"stem": "7x7 stem conv", "3x3": "3x3 convs in the blocks",
              "1x1": "1x1 convs in the blocks", "projections": "projection shortcuts",
              "fc": "fully connected layer"}
    rows = [(labels[k], *[Cell(si(p[k]), p[k]) if p[k] else "none" for p in parts])
            for k in labels]
    totals = [_summary(name, **kw) for _, name, kw in columns]
    rows.append(("total MACs", *[Cell(si(s.macs), s.macs) for s in totals]))
    rows.append(("parameters", *[s.params for s in totals]))
    b34, b50 = macs_by_part("resnet34"), macs_by_part("resnet50", stride_on="1x1")
    return Table(
        ("", *[c[0] for c in columns]), tuple(rows),
        "Where the multiply-accumulates of ResNet-34 and ResNet-50 sit, by calc at 224x224.",
        (("Both have 3, 4, 6 and 3 blocks per stage. ResNet-50's blocks are cheaper: its 3x3 "
          f"convs do {si(b50['3x3'])}MACs against ResNet-34's {si(b34['3x3'])}MACs, and the "
          f"1x1 convs add {si(b50['1x1'])}MACs back."),
         ("The difference is in the shortcuts: four projections on tensors four times wider "
          f"({si(b50['projections'])}MACs) against three narrow ones "
          f"({si(b34['projections'])}MACs)."),
         ("v1.5 moves the stride of each stage's first block from the 1x1 reduction to the "
          "3x3: the 3x3 convs cost the same, the 1x1 reductions run on four times the "
          "positions.")))


@table("resnet-table-1")
def table_1() -> Table:
    """The paper's Table 1, rebuilt from calc's networks: one column per depth."""
    nets = {n: paper(n) for n in DEPTHS}
    summaries = {n: summarize(net) for n, net in nets.items()}

    def size(n, node):
        shape = nets[n].node(node).output_shape
        return f"{shape[1]}x{shape[2]}"

    def block_text(n, stage):
        net = nets[n]
        convs = [node for node in net.nodes if node.name.startswith(f"layer{stage}.0.conv")]
        inner = " \u00b7 ".join(f"{c.layer.kernel_size[0]}x{c.layer.kernel_size[1]}, "
                          f"{c.layer.out_channels}" for c in convs)
        blocks = PAPER_TABLE_1[n][1][stage - 1]
        return f"[{inner}] x{blocks}"

    rows = [("conv1", size("resnet50", "conv1"), *["7x7, 64, stride 2"] * len(DEPTHS))]
    for stage, name in enumerate(STAGES, start=1):
        first = f"layer{stage}.0.add"
        cells = [block_text(n, stage) for n in DEPTHS]
        if stage == 1:
            rows.append((name, size("resnet50", "maxpool"),
                         *["3x3 max pool, stride 2"] * len(DEPTHS)))
            rows.append(("", "", *cells))
        else:
            rows.append((name, size("resnet50", first), *cells))
    rows.append(("", "1x1", *["average pool, 1000-d fc, softmax"] * len(DEPTHS)))
    rows.append(("weighted layers (calc)", "",
                 *[sum(r.type in ("Conv2d", "Linear") and ".downsample" not in r.name
                       for r in summaries[n].rows) for n in DEPTHS]))
    rows.append(("parameters (calc)", "", *[summaries[n].params for n in DEPTHS]))
    rows.append(("receptive field, px (calc)", "",
                 *[summaries[n].receptive_field.size[0] for n in DEPTHS]))
    return Table(
        ("layer name", "output size", "18-layer", "34-layer", "50-layer", "101-layer",
         "152-layer"),
        tuple(rows),
        "Table 1 of He et al. (2016), rebuilt from calc's networks: brackets are one block "
        "(kernel, output channels of each convolution), times the blocks in the stage.",
        (("conv3_1, conv4_1 and conv5_1 downsample with a stride of 2; in the paper's "
          "bottleneck (v1, used here) the stride sits on the first 1x1 convolution."),
         ("Weighted layers count the convolutions on the main path and the fully connected "
          "layer, as the names do; the projection shortcuts are not counted."),
         ("Parameters are those of option B (projections where the shape changes), the "
          "paper's choice for 50, 101 and 152 layers and torchvision's for every depth.")))


@table("resnet-table-1-flops")
def flops_table() -> Table:
    """Table 1's FLOPs row beside calc's exact MACs under each reading of the network."""
    rows = []
    for n in DEPTHS:
        printed = PAPER_FLOPS[n]
        basic = PAPER_TABLE_1[n][0] == "basic"
        v1 = _summary(n, stride_on="1x1").macs
        option_a = _summary(n, shortcut="A", stride_on="1x1").macs
        v15 = _summary(n).macs
        paper_count = option_a if basic else v1
        rows.append((n, printed,
                     Cell(si(option_a), option_a) if basic else "",
                     Cell(si(v1), v1),
                     printed_round(paper_count / 1e9, printed),
                     "yes" if printed_round(paper_count / 1e9, printed) == printed else
                     f"no: truncated, {printed_truncate(paper_count / 1e9, printed)}",
                     Cell(si(v15), v15)))
    b34 = macs_by_part("resnet34")["projections"]
    r50 = _summary("resnet50", stride_on="1x1").macs / 1e9
    tv = ", ".join(f"{_summary(n).macs / 1e9:.3f}" for n in DEPTHS[2:])
    return Table(
        ("network", "FLOPs, x10^9 (paper)", "MACs, option A (calc)",
         "MACs, option B, v1 (calc)", "the paper's network, rounded", "matches the print?",
         "MACs, torchvision v1.5 (calc)"),
        tuple(rows),
        "Table 1's FLOPs row as printed, beside calc's exact multiply-accumulates at 224x224. "
        "The paper's FLOPs are multiply-adds (Section 3.3), calc's MACs.",
        (("18 and 34 layers: the paper trains them with option A (Table 2), and option A's "
          f"counts round to the printed values; option B's projections add {si(b34)}MACs, "
          "enough to make ResNet-34 round to "
          f"{printed_round(_summary('resnet34').macs / 1e9, PAPER_FLOPS['resnet34'])}."),
         ("50, 101 and 152 layers: option B with the stride on the first 1x1 (v1). 101 and 152 "
          f"round to the print; ResNet-50's {r50:.3f} rounds to "
          f"{printed_round(r50, PAPER_FLOPS['resnet50'])}, and only cutting the decimals gives "
          f"the printed {PAPER_FLOPS['resnet50']}. No counting convention tried (without the FC "
          "layer, without the projections, without the first stage's projection) reproduces "
          "the printed 50-, 101- and 152-layer values together."),
         ("torchvision puts the stride on the 3x3 (v1.5): its bottleneck counts are its "
          f"weights metadata's GFLOPS ({tv}), which are MACs too.")))


@table("resnet-table-3")
def table_3() -> Table:
    """Table 3 of the paper (shortcut options and deeper nets) with calc's costs, plus D."""
    rows = []
    for label, model, kw, top1, top5 in PAPER_TABLE_3:
        s = _model_of(model, kw)
        rows.append((label, s.params, Cell(si(s.macs), s.macs), projections_of(s), top1, top5))
    d = _summary("resnet34", shortcut="D")
    rows.append(("ResNet-34 D (Bag of Tricks, not in the paper)", d.params,
                 Cell(si(d.macs), d.macs),
                 projections_of(d), "", ""))
    a, b, c = (_summary("resnet34", shortcut=k) for k in "ABC")
    return Table(
        ("network", "params (calc)", "MACs (calc)", "projection convs (calc)",
         "top-1 error, % (paper)", "top-5 error, % (paper)"),
        tuple(rows),
        "Table 3 of He et al. (2016), ImageNet validation, 10-crop testing, as printed, beside "
        "calc's counts at 224x224 (50, 101 and 152 as the paper built them: option B, v1).",
        (("A: identity shortcuts, zero-padded where the width grows (no parameters). B: "
          "projections where the shape changes, identities elsewhere. C: projections "
          "everywhere. D: B with a 2x2 average pool before each strided projection."),
         (f"B adds {grouped(b.params - a.params)} parameters to A, C "
          f"{grouped(c.params - a.params)}: C's {projections_of(c) - projections_of(b)} extra "
          "projections are "
          f"{100 * (c.params - b.params) / b.params:.1f}% more weights than B for "
          f"{float(PAPER_TABLE_3[2][3]) - float(PAPER_TABLE_3[3][3]):.2f} points of top-1 error."),
         ("calc counts no MACs for pooling, so D costs what B costs; its shortcut reads every "
          "pixel where B's reads one in four.")))


@table("resnet-v1-v15")
def v1_table() -> Table:
    """The first block of stages 2-4 of ResNet-50, v1 against v1.5: shapes, MACs, reads."""
    v1, v15 = get_model("resnet50", stride_on="1x1"), get_model("resnet50")
    s1, s15 = summarize(v1), summarize(v15)
    r1 = {r.name: r for r in s1.rows}
    r15 = {r.name: r for r in s15.rows}
    rows = []
    for stage in (2, 3, 4):
        block = f"layer{stage}.0"
        x = v1.node(f"{block}.conv1").input_shapes[0]
        for conv in ("conv1", "conv2", "conv3", "downsample.0"):
            name = f"{block}.{conv}"
            a, b = r1[name], r15[name]
            la, lb = v1.node(name).layer, v15.node(name).layer
            rows.append((name if conv == "conv1" else f"  .{conv}",
                         "x".join(map(str, x)) if conv == "conv1" else "",
                         (f"{la.kernel_size[0]}x{la.kernel_size[1]}/{la.stride[0]} -> "
                          f"{a.output[1]}x{a.output[2]}"),
                         Cell(si(a.macs), a.macs),
                         (f"{lb.kernel_size[0]}x{lb.kernel_size[1]}/{lb.stride[0]} -> "
                          f"{b.output[1]}x{b.output[2]}"),
                         Cell(si(b.macs), b.macs),
                         Cell(si(b.macs - a.macs), b.macs - a.macs) if b.macs != a.macs
                         else "same"))
    rows.append(("whole network", "", "", Cell(si(s1.macs), s1.macs), "",
                 Cell(si(s15.macs), s15.macs), Cell(si(s15.macs - s1.macs), s15.macs - s1.macs)))
    return Table(
        ("node", "block input", "v1: layer -> output", "v1 MACs", "v1.5: layer -> output",
         "v1.5 MACs", "v1.5 adds"),
        tuple(rows),
        "ResNet-50's downsampling blocks, the paper's v1 (stride on the 1x1 reduction) against "
        "torchvision's v1.5 (stride on the 3x3), by calc at 224x224.",
        (("Only the three 1x1 reductions change: in v1.5 each runs before the stride, on four "
          "times the positions. The 3x3, the expansion and the projection cost the same in both."),
         "k x k/s is the kernel and the stride."))


@table("resnext-templates")
def resnext_table() -> Table:
    """ResNeXt's "1x complexity" templates, each built by calc as a ResNet-50."""
    base = _summary("resnet50")
    rows = []
    for cardinality, width in RESNEXT_1X:
        s = _summary("resnet", groups=cardinality, width_per_group=width)
        conv = get_model("resnet", groups=cardinality, width_per_group=width) \
            .node("layer1.0.conv2").layer
        rows.append((f"{cardinality}x{width}d", cardinality, width, conv.out_channels,
                     conv.params, s.params, Cell(si(s.macs), s.macs),
                     f"{100 * (s.macs - base.macs) / base.macs:+.1f}%"))
    return Table(
        ("template", "groups (cardinality)", "width_per_group (d)",
         "3x3 width, first stage", "3x3 params, first stage", "params (calc)", "MACs (calc)",
         "MACs against ResNet-50"),
        tuple(rows),
        "The ResNeXt repository's \"1x complexity\" templates (cardinality, bottleneck width), "
        "each a 50-layer network built by calc's resnet family at 224x224 (torchvision's "
        "v1.5 stride placement, as in the ResNeXt code).",
        (("The 3x3 width is groups x width_per_group at the first stage, doubling with each "
          "stage; a grouped convolution holds 9 x width^2 / groups weights."),
         "1x64d is ResNet-50 itself; 32x4d is torchvision's resnext50_32x4d."))


@table("resnext-readme")
def resnext_readme_table() -> Table:
    """The ResNeXt README's single-crop errors beside calc's MACs and parameters."""
    rows = []
    for label, model, gflops, err in RESNEXT_README:
        s = _model_of(model)
        rows.append((label, gflops, Cell(si(s.macs), s.macs), s.params, err))
    return Table(
        ("network", "GFLOPS (README)", "MACs (calc, v1.5)", "params (calc)",
         "top-1 error, % (README, 1-crop 224)"),
        tuple(rows),
        "The facebookresearch/ResNeXt README's ImageNet table as printed, beside calc's "
        "counts. Its GFLOPS are multiply-adds, and its ResNets are fb.resnet.torch's, with "
        "the stride on the 3x3.",
        (("The README rounds ResNeXt-50's 4.23 G to the ~4.1 of ResNet-50: the same "
          "complexity, in its words, not the same count."),))


@table("resnet-table-6")
def table_6() -> Table:
    """Table 6 (CIFAR-10) as printed beside calc's exact counts."""
    rows = []
    for n, depth, millions, err in PAPER_TABLE_6:
        s = _summary(f"cifar_resnet_{depth}")
        rows.append((f"ResNet-{depth}", n, millions, s.params,
                     printed_round(s.params / 1e6, millions), Cell(si(s.macs), s.macs),
                     s.receptive_field.size[0], err))
    return Table(
        ("network", "n", "params, M (paper)", "params (calc)", "calc, rounded as printed",
         "MACs (calc)", "receptive field, px (calc)", "test error, % (paper)"),
        tuple(rows),
        "Table 6 of He et al. (2016), CIFAR-10, as printed, beside calc's counts for a 32x32 "
        "input. Depth is 6n + 2; every shortcut is option A.",
        (("The paper gives two decimals below a million parameters and one above; calc's "
          "exact counts round to every printed value."),
         "ResNet-110's error is the best of several runs, as the paper marks it.",
         ("The receptive field is that of the last block's output, in input pixels: every "
          "network from ResNet-20 on sees more than its 32x32 input.")))


@table("resnet-torchvision")
def torchvision_table() -> Table:
    """torchvision's ResNet family: calc's counts beside the metadata's top-1 accuracies."""
    names = sorted({m for m, _ in TORCHVISION_ACC1}, key=lambda m: _summary(m).macs)
    rows = []
    for m in names:
        s = _summary(m)
        cells = [Cell(f"{acc:.3f}", acc) if (acc := accuracy(m, r)) is not None else ""
                 for r in ("simple", "new")]
        rows.append((m, s.params, Cell(si(s.macs), s.macs), *cells))
    return Table(
        ("model", "params (calc)", "MACs (calc)", "acc@1, simple recipe",
         "acc@1, new recipe"),
        tuple(rows),
        "torchvision's ResNets, ResNeXts and wide ResNets at 224x224: calc's counts beside the "
        "top-1 accuracies (%, ImageNet-1K validation) in torchvision's weights metadata.",
        (("Simple recipe: the IMAGENET1K_V1 weights, which \"reproduce closely the results of "
          "the paper\" (torchvision's documentation). New recipe: the IMAGENET1K_V2 weights, and "
          "resnext101_64x4d's only weights (named IMAGENET1K_V1), trained with torchvision's "
          "newer recipe."),),
        sortable=True)


# --- Figures ------------------------------------------------------------------------------

def _box(ax, x, y, w, h, colour, lines, bold_first=True):
    from matplotlib.patches import FancyBboxPatch

    face = plot.OKABE_ITO[colour]
    ax.add_patch(FancyBboxPatch((x, y - h / 2), w, h, boxstyle="round,pad=0.0,rounding_size=0.03",
                                facecolor=face, alpha=0.22, edgecolor=face, linewidth=1.2))
    step = h / (len(lines) + 1)
    for i, text in enumerate(lines):
        ax.text(x + 0.03, y + h / 2 - step * (i + 1), text, fontsize=10, va="center",
                fontweight="bold" if (i == 0 and bold_first) else "normal")


@figure("resnet-blocks")
def blocks_figure() -> Figure:
    """The basic block (ResNet-34) and the bottleneck block (ResNet-50) side by side."""
    specs = (("resnet34", "layer3.1", ("conv1", "conv2"), "basic block (ResNet-34)"),
             ("resnet50", "layer3.1", ("conv1", "conv2", "conv3"), "bottleneck (ResNet-50)"))
    fig, axes = plot.new(1, 2, figsize=(9.6, 5.2))
    alt_parts = []
    for ax, (model, block, convs, title) in zip(axes, specs):
        net = get_model(model)
        rows = {r.name: r for r in summarize(net).rows}
        x_in = net.node(f"{block}.conv1").input_shapes[0]
        ax.set_xlim(0, 1.32)
        ax.set_ylim(-len(convs) - 1.5, 0.5)
        ax.axis("off")
        ax.set_title(title, fontsize=11.5)
        _box(ax, 0.0, 0.0, 1.0, 0.62, 7, [f"input  {'x'.join(map(str, x_in))}"])
        total_p = total_m = 0
        for i, c in enumerate(convs, start=1):
            r = rows[f"{block}.{c}"]
            layer = net.node(r.name).layer
            total_p += r.params
            total_m += r.macs
            relu = ", BN, ReLU" if i < len(convs) else ", BN"
            _box(ax, 0.0, -i, 1.0, 0.7, 0 if layer.kernel_size == (3, 3) else 1,
                 [(f"{layer.kernel_size[0]}x{layer.kernel_size[1]} conv, {layer.in_channels} "
                  f"\u2192 {layer.out_channels}{relu}"),
                  f"{grouped(r.params)} weights \u00b7 {si(r.macs)}MACs"])
            ax.annotate("", xy=(0.5, -i + 0.36), xytext=(0.5, -i + 1 - 0.33),
                        arrowprops={"arrowstyle": "->", "color": plot.INK, "lw": 1})
        y_add = -len(convs) - 0.75
        ax.text(0.5, y_add, "\u2295  add, then ReLU", ha="center", va="center", fontsize=10.5,
                fontweight="bold")
        ax.annotate("", xy=(0.5, y_add + 0.15), xytext=(0.5, -len(convs) - 0.36),
                    arrowprops={"arrowstyle": "->", "color": plot.INK, "lw": 1})
        green = plot.OKABE_ITO[2]
        ax.plot([1.0, 1.14, 1.14], [0.0, 0.0, y_add], color=green, linewidth=1.6)
        ax.annotate("", xy=(0.84, y_add), xytext=(1.14, y_add),
                    arrowprops={"arrowstyle": "->", "color": green, "lw": 1.6})
        ax.text(1.18, -len(convs) / 2 - 0.3, "identity shortcut", fontsize=9.5, color=green,
                va="center", rotation=90)
        before = rows[net.node(f"{block}.conv1").inputs[0]].rf
        after = rows[f"{block}.add"].rf
        cells = (after.size[0] - before.size[0]) // before.stride[0]
        ax.text(0.0, -len(convs) - 1.2,
                f"block: {grouped(total_p)} weights, {si(total_m)}MACs\n"
                f"receptive field: +{cells} cells of its input", fontsize=10, va="center")
        alt_parts.append(f"the {title} on a {x_in[1]}x{x_in[2]} map with {x_in[0]} channels: "
                         f"{len(convs)} convolutions, {grouped(total_p)} weights, "
                         f"{si(total_m)}MACs, widening the field by {cells} cells")
    alt = ("Two residual blocks drawn as stacks of convolutions with an identity shortcut to "
           "the addition. " + _sentence("; ".join(alt_parts)) + ". The bottleneck reads and "
           "writes a tensor four times as wide for slightly less compute.")
    return Figure(plot.svg(fig, "resnet-blocks", "The basic and the bottleneck block", alt), alt,
                  "A block of the third stage (conv4_x) of each network at 224x224, by calc: "
                  "weights exclude batch-norm parameters, MACs count the convolutions.")


@figure("resnet-stages")
def stages_figure() -> Figure:
    """Params and MACs per stage for ResNet-18/34/50/101/152 (torchvision's)."""
    fig, (ax_p, ax_m) = plot.new(1, 2, figsize=(9.6, 3.8))
    parts = ["stem", *STAGES, "head"]
    data = {n: stage_totals(n) for n in DEPTHS}
    x = range(len(DEPTHS))
    for key, ax, scale, label in (("params", ax_p, 1e6, "parameters (millions)"),
                                  ("macs", ax_m, 1e9, "MACs (billions)")):
        bottom = [0.0] * len(DEPTHS)
        for i, part in enumerate(parts):
            values = [next(g[key] for g in data[n] if g["part"] == part) / scale
                      for n in DEPTHS]
            ax.bar(list(x), values, bottom=bottom, label=part,
                   color=plot.OKABE_ITO[[7, 0, 1, 2, 3, 5][i]])
            bottom = [b + v for b, v in zip(bottom, values)]
        for i, total in enumerate(bottom):
            ax.text(i, total, f"{total:.1f}", ha="center", va="bottom", fontsize=9)
        ax.set_xticks(list(x), [n.replace("resnet", "ResNet-") for n in DEPTHS], rotation=20)
        ax.set_ylabel(label)
        ax.set_ylim(0, max(bottom) * 1.12)
        ax.grid(axis="y")
    ax_m.legend(fontsize=9, loc="upper left")
    r50 = {g["part"]: g for g in data["resnet50"]}
    r50_total_p = sum(g["params"] for g in r50.values())
    r50_total_m = sum(g["macs"] for g in r50.values())
    r152 = {g["part"]: g for g in data["resnet152"]}
    alt = ("Stacked bar charts of parameters and MACs per stage for torchvision's ResNet-18, "
           "34, 50, 101 and 152 at 224x224. In ResNet-50 the last stage (conv5_x) holds "
           f"{100 * r50['conv5_x']['params'] / r50_total_p:.0f}% of the parameters but does "
           f"{100 * r50['conv5_x']['macs'] / r50_total_m:.0f}% of the MACs; the deeper "
           "networks add their blocks to conv4_x, which does "
           f"{100 * r152['conv4_x']['macs'] / sum(g['macs'] for g in r152.values()):.0f}% of "
           "ResNet-152's MACs.")
    return Figure(plot.svg(fig, "resnet-stages", "ResNets: parameters and MACs per stage", alt),
                  alt, "torchvision's ResNets at 224x224 (v1.5, option B), by calc: parameters "
                  "pile up where the channels are widest, MACs follow the number of blocks.")


@figure("resnet-downsampling")
def downsampling_figure(cells: int = 8, size: int = 56) -> Figure:
    """Which input pixels each downsampling layer reads: an 8x8 corner of a 56x56 map."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    fig, axes = plot.new(1, len(DOWNSAMPLERS), figsize=(9.6, 3.9))
    alt_parts = []
    for ax, (title, k, s, p, role) in zip(axes, DOWNSAMPLERS):
        reads = window_reads(size, k, s, p)[:cells]
        for i in range(cells):
            for j in range(cells):
                n = reads[i] * reads[j]
                face = to_rgba(plot.OKABE_ITO[0], 0.12 + 0.14 * n) if n else "none"
                ax.add_patch(Rectangle(
                    (j, cells - 1 - i), 1, 1, facecolor=face,
                    edgecolor=plot.INK if n else plot.OKABE_ITO[7], linewidth=0.4,
                    hatch=None if n else "//"))
                ax.text(j + 0.5, cells - 0.5 - i, str(n), ha="center", va="center",
                        fontsize=8.5)
        ax.set_xlim(0, cells)
        ax.set_ylim(0, cells)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        unread = unread_fraction(size, k, s, p)
        ax.set_title(f"{title}\n{role}\nnever read: {100 * unread:.0f}%", fontsize=9)
        alt_parts.append(f"a {title} leaves {100 * unread:.0f}% of the map unread" if unread
                         else f"a {title} reads all of it")
    alt = (f"Three grids of the top-left {cells}x{cells} pixels of a {size}x{size} map, each "
           "pixel labelled with how many windows of a stride-2 layer read it. "
           + _sentence("; ".join(alt_parts)) + ". The 1x1 stride-2 convolution reads one "
           "pixel in four; the 3x3 reads every pixel once, twice or four times; the 2x2 pool "
           "reads each exactly once.")
    return Figure(plot.svg(fig, "resnet-downsampling", "What a stride-2 layer reads", alt), alt,
                  f"The top-left corner of a {size}x{size} map (the input of ResNet-50's "
                  "conv3_1), each pixel labelled with the number of windows that read it; "
                  "hatched pixels are never read. Computed from each layer's geometry and "
                  "checked against calc's coverage.")


def uniform_stack_profile(layers: int) -> list[int]:
    """The 1-D influence of input pixels on one output of ``layers`` stacked 3-tap, stride-1
    convolutions with equal weights: the ``layers``-fold convolution of (1, 1, 1)."""
    profile = [1]
    for _ in range(layers):
        padded = [0, 0, *profile, 0, 0]
        profile = [padded[i] + padded[i + 1] + padded[i + 2] for i in range(len(profile) + 2)]
    return profile


def central_width(profile: list[int], share: float = 0.95) -> int:
    """The narrowest centred window holding ``share`` of the profile's total (an odd count)."""
    total, centre = sum(profile), len(profile) // 2
    for half in range(centre + 1):
        if sum(profile[centre - half:centre + half + 1]) >= share * total:
            return 2 * half + 1
    return len(profile)


@figure("resnet-receptive-field")
def receptive_field_figure() -> Figure:
    """Theoretical receptive field against depth, and an effective field illustration."""
    fig, (ax, ax2) = plot.new(1, 2, figsize=(9.6, 3.9), gridspec_kw={"width_ratios": [3, 2]})
    markers = "os^Dv"
    for i, n in enumerate(DEPTHS):
        pts = block_ends(n)
        ax.plot([p[1] for p in pts], [p[2] for p in pts], marker=markers[i], markersize=3,
                label=n.replace("resnet", "ResNet-"), linewidth=1.2)
    v1 = block_ends("resnet50", stride_on="1x1")
    ax.plot([p[1] for p in v1], [p[2] for p in v1], linestyle="--", color=plot.OKABE_ITO[5],
            label="ResNet-50 v1 (stride on 1x1)", linewidth=1.2)
    ax.axhline(224, color=plot.INK, linestyle=":", linewidth=1)
    ax.text(110, 250, "the 224x224 input", fontsize=9)
    ax.set_xlabel("weighted layers on the main path")
    ax.set_ylabel("receptive field, px")
    ax.legend(fontsize=8.5)
    ax.grid(axis="y")
    r50 = block_ends("resnet50")
    first = next(p for p in r50 if p[2] > 224)
    depths = list(range(1, 51))
    ax2.plot(depths, [2 * n + 1 for n in depths], label="theoretical field: 2n + 1")
    ax2.plot(depths, [central_width(uniform_stack_profile(n)) for n in depths],
             label="width holding 95% of the influence")
    ax2.set_xlabel("stacked 3x3 layers, stride 1, equal weights")
    ax2.set_ylabel("pixels")
    ax2.legend(fontsize=8.5)
    ax2.grid(axis="y")
    w50 = central_width(uniform_stack_profile(50))
    alt = ("Left: line chart of the theoretical receptive field at the end of every block "
           "against depth for torchvision's ResNet-18 to 152 and the paper's ResNet-50. "
           f"ResNet-50's field passes the 224-pixel input at {first[0]} ({first[2]} px) and "
           f"ends at {r50[-1][2]} px; ResNet-152's ends at {block_ends('resnet152')[-1][2]} px. "
           "Right: for 50 stacked 3x3 layers with equal weights the field is "
           f"{2 * 50 + 1} pixels, but 95% of the influence comes from the central {w50}, "
           "and that width grows with the square root of depth.")
    return Figure(plot.svg(fig, "resnet-receptive-field", "Receptive fields of ResNets", alt),
                  alt, "Left: calc's theoretical receptive field (size, px) after the stem and "
                  "every block. Right: a one-axis illustration computed here, the influence of "
                  "each input pixel on one output of a stack of equal-weight 3x3 layers.")


# Where each model's name goes in the accuracy figure: (dx, dy in points, alignment).
LABEL_OFFSETS = {"resnet50": (5, -11, "left"), "resnext50_32x4d": (-4, 6, "right"),
                 "resnet101": (-4, 6, "right"), "resnet152": (-2, 7, "right"),
                 "wide_resnet50_2": (5, -11, "left"), "resnext101_64x4d": (-5, 5, "right"),
                 "resnext101_32x8d": (6, 3, "left"), "wide_resnet101_2": (0, -14, "center")}


@figure("resnet-accuracy")
def accuracy_figure() -> Figure:
    """Top-1 accuracy against MACs for torchvision's ResNets, ResNeXts and wide ResNets."""
    fig, ax = plot.new(figsize=(7.6, 4.6))
    families = (("ResNet", ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152"), 0),
                ("ResNeXt", ("resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d"), 1),
                ("wide ResNet", ("wide_resnet50_2", "wide_resnet101_2"), 2))
    for label, names, colour in families:
        for recipe, filled in (("simple", False), ("new", True)):
            pts = [(_summary(n).macs / 1e9, accuracy(n, recipe)) for n in names
                   if accuracy(n, recipe) is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                    linestyle="-" if filled else ":", color=plot.OKABE_ITO[colour],
                    markerfacecolor=plot.OKABE_ITO[colour] if filled else "none",
                    label=f"{label}, {recipe} recipe")
        for n in names:
            best = accuracy(n, "new") or accuracy(n, "simple")
            dx, dy, ha = LABEL_OFFSETS.get(n, (4, 4, "left"))
            ax.annotate(n, (_summary(n).macs / 1e9, best), textcoords="offset points",
                        xytext=(dx, dy), fontsize=8, ha=ha)
    ax.set_xscale("log")
    ticks = [1, 2, 4, 8, 16, 32]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(1.2, 32)
    ax.minorticks_off()
    ax.set_xlabel("GMACs per 224x224 image (calc), log scale")
    ax.set_ylabel("ImageNet top-1 accuracy, % (torchvision)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid()
    r50 = _summary("resnet50").macs / 1e9
    w50 = _summary("wide_resnet50_2").macs / 1e9
    alt = ("Scatter of torchvision's top-1 accuracy against MACs. With the simple recipe "
           f"ResNet-18 reaches {accuracy('resnet18', 'simple'):.1f}% and ResNet-152 "
           f"{accuracy('resnet152', 'simple'):.1f}%. The new recipe lifts ResNet-50 "
           f"({r50:.1f} GMACs) from {accuracy('resnet50', 'simple'):.1f}% to "
           f"{accuracy('resnet50', 'new'):.1f}%, more than ResNet-152 gained over ResNet-50 "
           f"with the simple one. ResNeXt-50 ({accuracy('resnext50_32x4d', 'new'):.1f}%) sits "
           f"just above ResNet-50 at about the same cost; wide ResNet-50-2 "
           f"({accuracy('wide_resnet50_2', 'new'):.1f}%) pays {w50 / r50:.1f} times its MACs.")
    return Figure(plot.svg(fig, "resnet-accuracy", "Accuracy against MACs", alt), alt,
                  "torchvision's ResNets, ResNeXts and wide ResNets: MACs by calc at 224x224, "
                  "top-1 accuracy as torchvision's weights metadata prints it. Hollow: weights "
                  "trained with torchvision's simple recipe; filled: its new recipe.")


def v1_gap_findings(**kw) -> list[str]:
    """Nodes where calc's design checks find a 1x1 stride-2 conv skipping pixels."""
    return [f.node for f in check(get_model("resnet50", **kw)) if f.rule == "gaps"]


def read_share_of_block(size: int = 56) -> float:
    """Share of a v1 downsampling block's input positions that neither branch reads."""
    return unread_fraction(size, 1, 2, 0)

