"""Figures and tables of the basic-design chapter (docs/basic-design.md): AlexNet and LeNet-5.

Every number in a figure or in a calc column is measured by calc at build time. The papers'
printed values live in the constants below, each with its source; the chapter's tests
(tests/test_chapter_basic_design.py) hold them against calc with the papers' rounding.
"""

from __future__ import annotations

from dataclasses import replace
from math import isqrt, prod

from calc.layers import Conv2d, Linear, LocalResponseNorm, MaxPool2d
from calc.models import get_model
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

# --- the papers' printed values --------------------------------------------------------

# Krizhevsky, Sutskever & Hinton, NIPS 2012, Figure 2's caption: "The network's input is
# 150,528-dimensional, and the number of neurons in the network's remaining layers is given
# by 253,440-186,624-64,896-64,896-43,264-4096-4096-1000."
FIGURE_2_INPUT = 150_528
FIGURE_2_NEURONS = (253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)
# The abstract: "60 million parameters and 650,000 neurons" (Section 4 repeats the 60 million).
PAPER_PARAMS_MILLIONS = 60
PAPER_NEURONS = 650_000

# Table 2, ILSVRC-2012 error rates in %, as printed: (model, top-1 val, top-5 val, top-5 test).
# * = pre-trained on the ImageNet Fall 2011 release, with a sixth convolutional layer.
TABLE_2 = (
    ("SIFT + FVs (second-best entry)", "", "", "26.2"),
    ("1 CNN", "40.7", "18.2", ""),
    ("5 CNNs", "38.1", "16.4", "16.4"),
    ("1 CNN*", "39.0", "16.6", ""),
    ("7 CNNs*", "36.7", "15.4", "15.3"),
)

# LeCun, Bottou, Bengio & Haffner, Proc. IEEE 1998: each layer's trainable parameters as
# Section II.B prints them (C5's as "trainable connections"), the OUTPUT's RBF centres being
# fixed, and the total of Section II.A ("340,908 connections, but only 60,000 trainable free
# parameters because of the weight sharing"); with the node of calc's lenet5 for each layer.
LENET_PRINTED = (
    ("C1", "6@28x28", 156, "features.0"),
    ("S2", "6@14x14", 12, "features.2"),
    ("C3", "16@10x10", 1_516, "features.3"),
    ("S4", "16@5x5", 32, "features.5"),
    ("C5", "120", 48_120, "features.6"),
    ("F6", "84", 10_164, "classifier.0"),
    ("OUTPUT", "10", 0, "classifier.2"),
)
LENET_PRINTED_TOTAL = 60_000
LENET_WHY = {
    "S2": "the paper's subsampling has a trainable coefficient and bias per map (2 x 6); "
          "calc's AvgPool2d has none",
    "C3": "the paper's Table I connects 60 of the 96 (S2 map, C3 map) pairs (60 x 25 + 16); "
          "calc's Conv2d connects all 96 (96 x 25 + 16)",
    "S4": "as S2: 2 x 16 in the paper, none in calc",
    "OUTPUT": "the paper's 10 RBF units have fixed centres; calc's Linear(84, 10) trains "
              "84 x 10 weights and 10 biases",
}

# The paper's layer names and the nodes of calc's two AlexNets (torchvision's module names).
LAYERS = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5",
          "fc6", "fc7", "fc8")
PAPER_NODES = dict(zip(LAYERS, ("features.0", "features.3", "features.4", "features.7",
                                "features.8", "features.10", "features.12", "features.14",
                                "classifier.0", "classifier.3", "classifier.6")))
TORCHVISION_NODES = dict(zip(LAYERS, ("features.0", "features.2", "features.3", "features.5",
                                      "features.6", "features.8", "features.10", "features.12",
                                      "classifier.1", "classifier.4", "classifier.6")))
WEIGHTED = tuple(n for n in LAYERS if not n.startswith("pool"))
GROUPED = ("conv2", "conv4", "conv5")   # Section 3.5: connected only to their own GPU's maps


def paper(size: int = 227):
    """The paper's two-tower AlexNet (towers as groups=2) at ``size`` x ``size``."""
    return get_model("alexnet_paper", input_shape=(3, size, size))


def _rows(network, nodes=PAPER_NODES) -> dict:
    by_name = {r.name: r for r in summarize(network).rows}
    return {layer: by_name[node] for layer, node in nodes.items()}


def _x(shape) -> str:
    return "\u00d7".join(map(str, shape))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%"


def describe(layer) -> str:
    """A layer in a few words: "conv 11×11/4, 96", "max pool 3×3/2", "linear 9216→4096"."""
    if isinstance(layer, Conv2d):
        (k, _), (s, _), (p, _) = layer.kernel_size, layer.stride, layer.padding
        text = f"conv {k}\u00d7{k}/{s}, {layer.out_channels}"
        text += f", pad {p}" if p else ""
        return text + (f", groups {layer.groups}" if layer.groups > 1 else "")
    if isinstance(layer, MaxPool2d):
        (k, _), (s, _) = layer.kernel_size, layer.stride
        return f"max pool {k}\u00d7{k}/{s}"
    if isinstance(layer, Linear):
        return f"linear {layer.in_features}\u2192{layer.out_features}"
    return layer.type


def dense_twin(layer: Conv2d) -> Conv2d:
    """The same convolution with every output channel reading every input channel."""
    return replace(layer, groups=1)


# --- tables ----------------------------------------------------------------------------

@table("alexnet-ilsvrc-2012")
def ilsvrc_2012() -> Table:
    return Table(
        ("Model", "Top-1 (val)", "Top-5 (val)", "Top-5 (test)"),
        tuple((m, *(f"{v}%" if v else "\u2013" for v in errors)) for m, *errors in TABLE_2),
        "Krizhevsky et al. 2012, Table 2: error rates on ILSVRC-2012, as the paper prints them.",
        ("1 CNN is the network of this chapter. 5 CNNs averages five of them. An asterisk marks "
         "networks with a sixth convolutional layer, pre-trained on the whole ImageNet Fall 2011 "
         "release (15M images, 22K categories) and then fine-tuned. The second-best entry "
         "averaged classifiers trained on Fisher vectors of densely sampled features.",))


@table("lenet5-params")
def lenet5_params() -> Table:
    s = summarize(get_model("lenet5"))
    by_name = {r.name: r for r in s.rows}
    rows = []
    for layer, output, printed, node in LENET_PRINTED:
        r = by_name[node]
        rows.append((layer, output, f"{r.name} ({r.type})", _x(r.output), printed, r.params,
                     LENET_WHY.get(layer, "same")))
    rows.append(("Total", "", "", "", LENET_PRINTED_TOTAL, s.params, ""))
    return Table(
        ("Layer", "Output (paper)", "calc node", "Output (calc)", "Params (paper)",
         "Params (calc)", "Difference"),
        tuple(rows),
        "LeNet-5: trainable parameters per layer as LeCun et al. (1998, Section II) print "
        "them, beside calc's lenet5.",
        ("calc's lenet5 is the network a framework builds from the paper's description: a "
         "fully connected C3, parameter-free 2x2 average pooling and a linear output layer. "
         "Every other layer agrees exactly. The paper's 60,000 is an exact sum, not a rounding.",))


@table("alexnet-layers")
def alexnet_layers(size: int = 227) -> Table:
    net = paper(size)
    s = summarize(net)
    rows = []
    for layer, r in _rows(net).items():
        rows.append((layer, r.name, describe(net.node(r.name).layer), _x(r.output),
                     r.activations, r.params, _pct(r.params, s.params) if r.params else "",
                     r.macs, _pct(r.macs, s.macs) if r.macs else "",
                     r.rf.size[0] if r.rf else ""))
    rows.append(("total", "", "", "", "", s.params, "100%", s.macs, "100%", ""))
    return Table(
        ("Layer", "Node", "What", "Output", "Values", "Params", "of all", "MACs", "of all",
         "RF"),
        tuple(rows),
        f"The paper's AlexNet at {size}\u00d7{size}, layer by layer (calc's alexnet_paper; "
        "ReLU, LRN and dropout change no shape and hold no parameter, and are left out).",
        ("Values: numbers per sample in the layer's output (C\u00b7H\u00b7W). RF: the side of "
         "the receptive field in input pixels. conv2, conv4 and conv5 read only their own "
         "tower's maps (groups 2).",))


@table("alexnet-figure-2")
def figure_2() -> Table:
    at_227, at_224 = _rows(paper(227)), _rows(paper(224))
    counted = list(WEIGHTED)
    conv1 = at_227["conv1"]
    per_map = FIGURE_2_NEURONS[0] / conv1.output[0]     # 2,640 positions per kernel map
    square = isqrt(int(per_map)) ** 2 == per_map
    rows = [("input", FIGURE_2_INPUT, prod(summarize(paper(227)).input),
             prod(summarize(paper(224)).input))]
    for layer, printed in zip(counted, FIGURE_2_NEURONS):
        rows.append((layer, printed, at_227[layer].activations, at_224[layer].activations))
    rows.append(("sum of the eight layers", sum(FIGURE_2_NEURONS),
                 sum(at_227[n].activations for n in counted),
                 sum(at_224[n].activations for n in counted)))
    return Table(
        ("Layer", "Figure 2 prints", "calc at 227", "calc at 224"),
        tuple(rows),
        "Neurons per layer: Figure 2's caption beside the outputs of calc's alexnet_paper at "
        "227\u00d7227 and at 224\u00d7224.",
        ("A convolution's neurons are its outputs before pooling (C\u00b7H\u00b7W). 224 gives "
         "the printed input and nothing else; 227 gives conv2 to fc8 exactly. No input size "
         f"gives the printed conv1: its output is {_x(conv1.output)} = {conv1.activations:,} "
         f"values, and {FIGURE_2_NEURONS[0]:,} / {conv1.output[0]} = {per_map:,.0f} positions "
         f"per map is {'a' if square else 'not a'} square number. The abstract rounds the "
         f"total to {PAPER_NEURONS:,} neurons.",))


@table("alexnet-groups")
def alexnet_groups() -> Table:
    net = paper(227)
    s = summarize(net)
    rows, extra_params, extra_macs = [], 0, 0
    for layer in GROUPED:
        node = net.node(PAPER_NODES[layer])
        conv, shape_in = node.layer, node.input_shapes[0]
        dense = dense_twin(conv)
        macs, dense_macs = conv.macs(shape_in, node.output_shape), dense.macs(shape_in,
                                                                             node.output_shape)
        extra_params += dense.params - conv.params
        extra_macs += dense_macs - macs
        rows.append((layer, f"{conv.in_channels}\u2192{conv.out_channels}", conv.params,
                     dense.params, macs, dense_macs))
    rows.append(("whole network", "", s.params, s.params + extra_params, s.macs,
                 s.macs + extra_macs))
    return Table(
        ("Layer", "Channels", "Params, groups=2", "Params, groups=1", "MACs, groups=2",
         "MACs, groups=1"),
        tuple(rows),
        "The two towers as groups: each grouped convolution of the paper's AlexNet beside the "
        "same layer with every output reading every input (calc, 227\u00d7227).",
        ("groups=2 halves a layer's weights and MACs; the biases (one per output channel) "
         "stay. The whole network changes little in parameters because the fully connected "
         "layers hold most of them.",))


@table("alexnet-variants")
def alexnet_variants() -> Table:
    p_net, t_net = paper(227), get_model("alexnet")
    p, t = _rows(p_net), _rows(t_net, TORCHVISION_NODES)
    rows = []
    for layer in LAYERS:
        rows.append((layer, describe(p_net.node(p[layer].name).layer), _x(p[layer].output),
                     p[layer].params, p[layer].macs,
                     describe(t_net.node(t[layer].name).layer), _x(t[layer].output),
                     t[layer].params, t[layer].macs))
    ps, ts = summarize(p_net), summarize(t_net)
    rows.append(("total", "", "", ps.params, ps.macs, "", "", ts.params, ts.macs))
    return Table(
        ("Layer", "Paper (227)", "Output", "Params", "MACs", "torchvision (224)", "Output",
         "Params", "MACs"),
        tuple(rows),
        "The paper's two towers (calc's alexnet_paper) against torchvision's single tower "
        "(calc's alexnet), layer by layer.",
        ("The paper normalises (LRN) after conv1 and conv2; torchvision does not. torchvision "
         "also has an adaptive average pool to 6\u00d76 before fc6, which does nothing at "
         "224\u00d7224, and puts its dropout before fc6 and fc7 instead of after them.",))


# --- figures ---------------------------------------------------------------------------

@figure("alexnet-shapes")
def shapes(size: int = 227) -> Figure:
    """Side, channels and values per sample through the paper's AlexNet."""
    net = paper(size)
    s = summarize(net)
    spatial = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5")
    rows = _rows(net)
    names = ["input", *spatial]
    outs = [s.input] + [rows[n].output for n in spatial]
    values = [prod(s.input)] + [rows[n].activations for n in spatial]
    fig, axes = plot.new(3, 1, sharex=True, figsize=(7.0, 5.6))
    x = list(range(len(names)))
    series = (("side (pixels)", [o[1] for o in outs], 0),
              ("channels", [o[0] for o in outs], 1),
              ("values per sample", values, 2))
    for ax, (label, data, colour) in zip(axes, series):
        ax.bar(x, data, width=0.6, color=plot.OKABE_ITO[colour])
        for i, v in zip(x, data):
            ax.annotate(f"{v:,}", (i, v), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
        ax.set_ylabel(label)
        ax.set_ylim(0, max(data) * 1.25)
        ax.grid(axis="y")
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
    axes[-1].set_xticks(x, names)
    alt = (f"Three bar charts over AlexNet's layers at {size}x{size}. The side of the feature "
           f"map falls from {outs[0][1]} to {outs[1][1]} after conv1, {outs[2][1]} after the "
           f"first pooling, {outs[4][1]} after the second and {outs[-1][1]} after the last; the "
           f"channels rise from {outs[0][0]} to {outs[1][0]}, {outs[3][0]} and {outs[5][0]}, "
           f"then fall to {outs[-1][0]}. The values per sample rise from {values[0]:,} at the "
           f"input to {values[1]:,} after conv1, then shrink to {values[-1]:,} after the last "
           "pooling.")
    return Figure(plot.svg(fig, f"alexnet-shapes-{size}",
                           "AlexNet: side, channels and values per layer", alt), alt,
                  f"The paper's AlexNet at {size}\u00d7{size} (calc's alexnet_paper): the side "
                  "of each feature map, its channels, and the numbers it holds per sample.")


@figure("alexnet-params-macs")
def params_and_macs(variant: str = "paper") -> Figure:
    """Each weighted layer's share of the parameters and of the MACs."""
    net = paper(227) if variant == "paper" else get_model("alexnet")
    nodes = PAPER_NODES if variant == "paper" else TORCHVISION_NODES
    s = summarize(net)
    rows = _rows(net, nodes)
    params = [rows[n].params / s.params * 100 for n in WEIGHTED]
    macs = [rows[n].macs / s.macs * 100 for n in WEIGHTED]
    fig, ax = plot.new()
    x = list(range(len(WEIGHTED)))
    ax.bar([i - 0.2 for i in x], params, width=0.4, label="share of parameters")
    ax.bar([i + 0.2 for i in x], macs, width=0.4, label="share of MACs")
    for i, (p, m) in enumerate(zip(params, macs)):
        ax.annotate(f"{p:.1f}", (i - 0.2, p), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7)
        ax.annotate(f"{m:.1f}", (i + 0.2, m), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, WEIGHTED)
    ax.set_ylabel("% of the network")
    ax.set_ylim(0, max(params + macs) * 1.15)
    ax.legend()
    ax.grid(axis="y")
    fc = [n for n in WEIGHTED if n.startswith("fc")]
    conv = [n for n in WEIGHTED if n.startswith("conv")]
    fc_params = sum(rows[n].params for n in fc) / s.params * 100
    conv_macs = sum(rows[n].macs for n in conv) / s.macs * 100
    fc6 = rows["fc6"].params / s.params * 100
    top = max(conv, key=lambda n: rows[n].macs)
    alt = (f"Bar chart of the eight weighted layers of AlexNet ({variant}). The three fully "
           f"connected layers hold {fc_params:.1f}% of the parameters, fc6 alone {fc6:.1f}%; the "
           f"five convolutions do {conv_macs:.1f}% of the multiply-accumulates, {top} alone "
           f"{rows[top].macs / s.macs * 100:.1f}%.")
    title = "AlexNet: parameters and MACs per layer"
    which = "the paper, 227x227" if variant == "paper" else "torchvision, 224x224"
    return Figure(plot.svg(fig, f"alexnet-params-macs-{variant}", title, alt), alt,
                  f"AlexNet ({which}): each weighted layer's share of the parameters and of "
                  "the MACs, computed by calc.")


def _box(ax, x, y, w, h, lines, colour):
    from matplotlib.patches import FancyBboxPatch
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=colour, alpha=0.28, edgecolor="none"))
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor="none", edgecolor=plot.INK, linewidth=0.8))
    ax.text(x + w / 2, y + h - 0.14, lines[0], ha="center", va="top", fontsize=9,
            fontweight="bold")
    ax.text(x + w / 2, y + h - 0.44, "\n".join(lines[1:]), ha="center", va="top", fontsize=7.5,
            linespacing=1.35)


@figure("alexnet-block")
def block() -> Figure:
    """The first two stages of the paper's AlexNet as boxes: conv, ReLU, LRN, overlapping pool."""
    net = paper(227)
    by_name = {r.name: r for r in summarize(net).rows}
    stages = (("features.0", "features.1", "features.2", "features.3"),
              ("features.4", "features.5", "features.6", "features.7"))
    colours = {"Conv2d": plot.OKABE_ITO[0], "ReLU": plot.OKABE_ITO[2],
               "LocalResponseNorm": plot.OKABE_ITO[3], "MaxPool2d": plot.OKABE_ITO[1]}
    titles = {"Conv2d": "conv", "ReLU": "ReLU", "LocalResponseNorm": "LRN",
              "MaxPool2d": "max pool"}
    fig, ax = plot.new(figsize=(7.4, 4.3))
    w, h, gap, step = 1.55, 1.5, 0.38, 1.9
    for row, names in enumerate(stages):
        y = step - row * step
        ax.text(-0.15, y + h / 2, f"stage {row + 1}", rotation=90, ha="center", va="center",
                fontsize=8)
        for col, name in enumerate(names):
            r, layer = by_name[name], net.node(name).layer
            x = col * (w + gap)
            lines = [titles[r.type]]
            if isinstance(layer, Conv2d):
                (k, _), (st, _), (p, _) = layer.kernel_size, layer.stride, layer.padding
                lines.append(f"{k}\u00d7{k}/{st}" + (f" pad {p}" if p else "")
                             + (f" g={layer.groups}" if layer.groups > 1 else ""))
            elif isinstance(layer, MaxPool2d):
                (k, _), (st, _) = layer.kernel_size, layer.stride
                lines.append(f"{k}\u00d7{k}/{st}")
            elif isinstance(layer, LocalResponseNorm):
                lines.append(f"n={layer.size}")
            else:
                lines.append("max(0, x)")
            lines.append(_x(r.output))
            lines.append(f"{r.params:,} params" if r.params else "no params")
            if r.macs:
                lines.append(f"{r.macs / 1e6:.1f} M MACs")
            lines.append(f"RF {r.rf.size[0]}")
            _box(ax, x, y, w, h, lines, colours[r.type])
            if col < len(names) - 1:
                ax.annotate("", (x + w + gap - 0.04, y + h / 2), (x + w + 0.04, y + h / 2),
                            arrowprops={"arrowstyle": "->", "color": plot.INK, "lw": 0.8})
    ax.set_xlim(-0.3, 4 * w + 3 * gap + 0.1)
    ax.set_ylim(-0.1, step + h + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    c1, p1, c2, p2 = (by_name[n] for n in ("features.0", "features.3", "features.4",
                                           "features.7"))
    alt = (f"Two rows of four boxes: conv, ReLU, LRN, max pool. Stage 1: an 11x11 stride-4 "
           f"convolution to {_x(c1.output)} ({c1.params:,} parameters, {c1.macs:,} MACs, "
           f"receptive field {c1.rf.size[0]}), then pooling 3x3 stride 2 to {_x(p1.output)} "
           f"(field {p1.rf.size[0]}). Stage 2: a 5x5 convolution in two groups to "
           f"{_x(c2.output)} ({c2.params:,} parameters, {c2.macs:,} MACs, field "
           f"{c2.rf.size[0]}), then pooling to {_x(p2.output)} (field {p2.rf.size[0]}). ReLU "
           "and LRN keep the shape and hold no parameters.")
    return Figure(plot.svg(fig, "alexnet-block", "AlexNet's building block", alt), alt,
                  "AlexNet's building block, twice: convolution, ReLU, local response "
                  "normalisation, overlapping max pooling. Shapes, parameters, MACs and "
                  "receptive fields (RF, in input pixels) computed by calc for the paper's "
                  "network at 227\u00d7227.")


# torchvision's published ImageNet-1K top-1 accuracy (%) of each model's IMAGENET1K_V1 weights
# (torchvision.models.get_model_weights(name).IMAGENET1K_V1.meta["_metrics"]), single
# 224x224 centre crop (299 for inception_v3). The torch tier of the tests reads them back.
TORCHVISION_TOP1 = {"alexnet": 56.522, "vgg16": 71.592, "googlenet": 69.778,
                    "inception_v3": 77.294, "resnet18": 69.758, "resnet50": 76.13}


# where each label sits beside its marker (points of offset, alignment), so that none overlap
LABEL_PLACES = {"googlenet": (-8, 4, "right", "bottom"), "resnet50": (-8, 4, "right", "bottom")}


@figure("alexnet-successors")
def successors() -> Figure:
    """Accuracy against MACs for AlexNet and the networks that followed it (torchvision)."""
    fig, ax = plot.new(figsize=(7.0, 3.8))
    points = []
    for i, (name, top1) in enumerate(TORCHVISION_TOP1.items()):
        s = summarize(get_model(name))
        points.append((name, s.macs, s.params, top1))
        ax.scatter([s.macs / 1e9], [top1], s=12 + s.params / 1e6 * 3,
                   color=plot.OKABE_ITO[i % len(plot.OKABE_ITO)], alpha=0.75,
                   edgecolors=plot.INK, linewidths=0.6)
        dx, dy, ha, va = LABEL_PLACES.get(name, (8, -4, "left", "top"))
        ax.annotate(f"{name}\n{s.params / 1e6:.1f} M params", (s.macs / 1e9, top1),
                    xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha, va=va)
    ax.set_xscale("log")
    ticks = [0.5, 1, 2, 5, 10, 20]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("GMACs per image (calc)")
    ax.set_ylabel("top-1 accuracy, % (torchvision)")
    ax.set_ylim(min(p[3] for p in points) - 4, max(p[3] for p in points) + 4)
    ax.set_xlim(min(p[1] for p in points) / 1e9 / 1.6, max(p[1] for p in points) / 1e9 * 2.2)
    ax.grid()
    alex = points[0]
    rest = sorted(points[1:], key=lambda p: p[1])
    least_macs = min(points, key=lambda p: p[1])[0]
    least_acc = min(points, key=lambda p: p[3])[0]
    fewer = [p[0] for p in rest if p[2] < alex[2]]
    alt = ("Scatter plot of ImageNet top-1 accuracy against multiply-accumulates per image, "
           "marker area growing with parameters. " + "; ".join(
               f"{n}: {m / 1e9:.3g} GMACs, {p / 1e6:.1f} M parameters, {a}%"
               for n, m, p, a in [alex, *rest])
           + f". {least_macs} needs the fewest MACs and {least_acc} is the least accurate; "
             f"{', '.join(fewer)} hold fewer parameters than AlexNet.")
    return Figure(plot.svg(fig, "alexnet-successors", "AlexNet and its successors", alt), alt,
                  "AlexNet and the networks that followed it, as torchvision ships them: MACs "
                  "and parameters computed by calc, top-1 accuracy of each model's "
                  "IMAGENET1K_V1 weights as torchvision publishes it (marker area grows with "
                  "the parameters).")
