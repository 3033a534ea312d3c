"""Figures and tables of the VGG chapter (docs/vgg.md).

Every number is computed by calc when the site is built. The values that a source printed
(Simonyan & Zisserman's Tables 1 and 2, CS231n's VGG-16 walk-through) sit in the module-level
constants below, each beside calc's exact value in the tables; tests/test_chapter_vgg.py
checks every one of them against calc with the source's rounding.
"""

from __future__ import annotations

from math import prod

from calc.layers import Conv2d
from calc.models import get_model
from calc.models.vgg import CONFIGS, vgg
from calc.network import NetworkBuilder
from calc.render.numbers import grouped, nbytes, si
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

# --- What the sources printed ------------------------------------------------------------

# Simonyan & Zisserman, arXiv 1409.1556v6, Table 1: the header row ("11 weight layers" ...).
PAPER_WEIGHT_LAYERS = {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16, "E": 19}

# The paper's configurations in calc's zoo (no adaptive pooling: the paper's head).
PAPER_MODELS = {"A": "vgg_a", "A-LRN": "vgg_a_lrn", "B": "vgg_b", "C": "vgg_c", "D": "vgg_d",
                "E": "vgg_e"}

# Table 2, "Number of parameters (in millions)", exactly as printed: five columns, the first
# shared by A and A-LRN.
PAPER_TABLE_2 = (("A, A-LRN", ("A", "A-LRN"), 133), ("B", ("B",), 133), ("C", ("C",), 134),
                 ("D", ("D",), 138), ("E", ("E",), 144))

# CS231n's "VGGNet in detail" (cs231n.github.io, convolutional-networks.md): one line per
# layer of VGG-16, its "memory" (activations, rounded) and "weights" (biases left out), each
# matched to the torchvision node whose output it describes.
CS231N_LINES = (
    ("INPUT", "input", "150K", "0"),
    ("CONV3-64", "features.0", "3.2M", "1,728"),
    ("CONV3-64", "features.2", "3.2M", "36,864"),
    ("POOL2", "features.4", "800K", "0"),
    ("CONV3-128", "features.5", "1.6M", "73,728"),
    ("CONV3-128", "features.7", "1.6M", "147,456"),
    ("POOL2", "features.9", "400K", "0"),
    ("CONV3-256", "features.10", "800K", "294,912"),
    ("CONV3-256", "features.12", "800K", "589,824"),
    ("CONV3-256", "features.14", "800K", "589,824"),
    ("POOL2", "features.16", "200K", "0"),
    ("CONV3-512", "features.17", "400K", "1,179,648"),
    ("CONV3-512", "features.19", "400K", "2,359,296"),
    ("CONV3-512", "features.21", "400K", "2,359,296"),
    ("POOL2", "features.23", "100K", "0"),
    ("CONV3-512", "features.24", "100K", "2,359,296"),
    ("CONV3-512", "features.26", "100K", "2,359,296"),
    ("CONV3-512", "features.28", "100K", "2,359,296"),
    ("POOL2", "features.30", "25K", "0"),
    ("FC", "classifier.0", "4096", "102,760,448"),
    ("FC", "classifier.3", "4096", "16,777,216"),
    ("FC", "classifier.6", "1000", "4,096,000"),
)
# The page's totals: "TOTAL memory: 24M * 4 bytes ~= 93MB / image (only forward! ~*2 for
# bwd)" and "TOTAL params: 138M parameters".
CS231N_TOTAL_MEMORY = "24M"
CS231N_TOTAL_MB = 93
CS231N_TOTAL_PARAMS = "138M"

# torchvision's weights metadata (torchvision.models.get_model_weights(name).DEFAULT.meta,
# "ImageNet-1K" "acc@1"); the torch tier of the tests reads them back.
TORCHVISION_ACC1 = {"vgg11": 69.020, "vgg11_bn": 70.370, "vgg13": 69.928, "vgg13_bn": 71.586,
                    "vgg16": 71.592, "vgg16_bn": 73.360, "vgg19": 72.376, "vgg19_bn": 74.218}


# --- Helpers ------------------------------------------------------------------------------

def _summary(name: str, **kw):
    return summarize(get_model(name, **kw))


def _weights(layer) -> int:
    """Weights of a conv or linear layer, biases left out (CS231n's count)."""
    if layer.type == "Conv2d":
        return layer.out_channels * layer.in_channels // layer.groups * prod(layer.kernel_size)
    if layer.type == "Linear":
        return layer.in_features * layer.out_features
    return 0


def printed_count(text: str) -> int:
    """A count as CS231n prints it: "3.2M" -> 3_200_000, "800K" -> 800_000, "4096" -> 4096."""
    scale = {"K": 10 ** 3, "M": 10 ** 6}.get(text[-1], 1)
    return round(float(text.rstrip("KM")) * scale)


def _blocks(cfg) -> list[list]:
    """Table 1's blocks: the items between max pools."""
    blocks, current = [], []
    for item in cfg:
        if item == "M":
            blocks.append(current)
            current = []
        else:
            current.append(item)
    return blocks


def _item_name(item) -> str:
    """Table 1's notation: conv<kernel>-<channels>, or LRN."""
    if item == "LRN":
        return "LRN"
    channels, kernel = item if isinstance(item, tuple) else (item, 3)
    return f"conv{kernel}-{channels}"


def _block_text(block) -> str:
    names = [_item_name(i) for i in block]
    parts, i = [], 0
    while i < len(names):
        j = i
        while j < len(names) and names[j] == names[i]:
            j += 1
        parts.append(names[i] if j - i == 1 else f"{names[i]} \u00d7{j - i}")
        i = j
    return ", ".join(parts)


def weight_layers(name: str, **kw) -> int:
    """Layers with weights (convolutions and fully connected), as Table 1 counts them."""
    return sum(r.type in ("Conv2d", "Linear") for r in _summary(name, **kw).rows)


def layer_groups(name: str = "vgg16", **kw) -> list[dict]:
    """The network as CS231n lists it, in Caffe's names (conv1_1 ... fc8): each weighted
    layer or pool with the nodes that follow it (ReLU, BN, dropout) until the next one.

    Each group: ``label``, ``kind`` (input, conv, pool, fc, reshape), ``node`` (its first
    node), ``rows`` (the summary rows in it) and ``output`` (elements of its first node's
    output per sample, what CS231n counts)."""
    s = _summary(name, **kw)
    groups = [{"label": "input", "kind": "input", "node": "input", "rows": [],
               "output": prod(s.input)}]
    block, index, fc = 1, 0, 6
    for r in s.rows:
        if r.type == "Conv2d":
            index += 1
            groups.append({"label": f"conv{block}_{index}", "kind": "conv", "node": r.name,
                           "rows": [r], "output": r.activations})
        elif r.type == "MaxPool2d":
            groups.append({"label": f"pool{block}", "kind": "pool", "node": r.name,
                           "rows": [r], "output": r.activations})
            block, index = block + 1, 0
        elif r.type == "Linear":
            groups.append({"label": f"fc{fc}", "kind": "fc", "node": r.name, "rows": [r],
                           "output": r.activations})
            fc += 1
        elif r.type in ("AdaptiveAvgPool2d", "Flatten"):
            if groups[-1]["kind"] != "reshape":
                groups.append({"label": "avgpool", "kind": "reshape", "node": r.name,
                               "rows": [], "output": r.activations})
            groups[-1]["rows"].append(r)
        else:   # ReLU, BatchNorm2d, Dropout, LocalResponseNorm: belong to the layer before
            groups[-1]["rows"].append(r)
    return groups


def cs231n_count(name: str = "vgg16") -> int:
    """CS231n's memory total done exactly: the input, every conv, pool and FC output once."""
    return sum(g["output"] for g in layer_groups(name) if g["kind"] != "reshape")


def twin_5x5(cfg: str = "B"):
    """The paper's control for B (Section 4.1): each pair of 3x3 convs replaced by one 5x5."""
    items = []
    for block in _blocks(CONFIGS[cfg]):
        items += [(block[-1], 5), "M"]
    return vgg(items, name=f"vgg_{cfg.lower()}_5x5", avgpool=None)


def _stack_rf(kernel: int, layers: int, channels: int = 64) -> int:
    """Receptive field of ``layers`` stride-1 ``kernel`` x ``kernel`` convolutions, by calc."""
    g = NetworkBuilder("stack", (channels, 64, 64))
    x = g.sequential("stack", [Conv2d(channels, channels, kernel, 1, kernel // 2)] * layers,
                     g.input)
    return summarize(g.build(x)).receptive_field.size[0]


def per_pair_weights(kernel: int, layers: int = 1, channels: int = 64) -> int:
    """Weights per (input, output) channel pair of a stack: kernel^2 per layer, by calc."""
    conv = Conv2d(channels, channels, kernel, bias=False)
    return layers * conv.params // (channels * channels)


# --- Tables -------------------------------------------------------------------------------

@table("vgg-table-1")
def table_1() -> Table:
    """The paper's Table 1, rebuilt from calc's CONFIGS, with calc's counts beside it."""
    names = list(CONFIGS)
    blocks = {n: _blocks(CONFIGS[n]) for n in names}
    summaries = {n: _summary(PAPER_MODELS[n]) for n in names}
    rows = [("weight layers (paper)", *[PAPER_WEIGHT_LAYERS[n] for n in names]),
            ("weight layers (calc)", *[weight_layers(PAPER_MODELS[n]) for n in names]),
            ("input", *["x".join(map(str, summaries[n].input)) for n in names])]
    for b in range(5):
        rows.append((f"block {b + 1}, then maxpool", *[_block_text(blocks[n][b]) for n in names]))
    rows.append(("head", *["FC-4096, FC-4096, FC-1000, soft-max"] * len(names)))
    rows.append(("parameters (calc)", *[si(summaries[n].params) for n in names]))
    rows.append(("MACs per image (calc)", *[si(summaries[n].macs) for n in names]))
    rows.append(("receptive field, px (calc)",
                 *[summaries[n].receptive_field.size[0] for n in names]))
    return Table(
        ("ConvNet configuration", *names), tuple(rows),
        "Table 1 of Simonyan & Zisserman (2015), one configuration per column, rebuilt from "
        "calc's configurations; the last three rows are calc's, at 224x224.",
        (("convK-N is a KxK convolution with N output channels, stride 1 and padding (K-1)/2, "
          "followed by a ReLU; every block ends with a 2x2 max pool of stride 2."),
         ("Weight layers count the convolutions and the three fully connected layers; LRN and "
          "pooling have no weights. calc's count equals the paper's header for every column."),
         ("The receptive field is that of the last max pool, in input pixels: C's three 1x1 "
          "layers leave it where B has it, "
          f"{summaries['B'].receptive_field.size[0]} against D's "
          f"{summaries['D'].receptive_field.size[0]}.")))


@table("vgg-table-2")
def table_2() -> Table:
    """The paper's Table 2 (as printed) beside calc's exact counts."""
    rows = []
    for label, columns, printed in PAPER_TABLE_2:
        s = _summary(PAPER_MODELS[columns[0]])
        conv = sum(r.params for r in s.rows if r.type == "Conv2d")
        fc = sum(r.params for r in s.rows if r.type == "Linear")
        rows.append((label, printed, s.params, round(s.params / 1e6), conv, fc,
                     f"{100 * fc / s.params:.1f}%"))
    a, b = _summary("vgg_a"), _summary("vgg_b")
    c, d = _summary("vgg_c"), _summary("vgg_d")
    return Table(
        ("Network", "paper (millions)", "calc, exact", "calc, millions", "in convolutions",
         "in FC layers", "FC share"),
        tuple(rows),
        "Table 2 of Simonyan & Zisserman (2015), \"Number of parameters (in millions)\", "
        "beside calc's exact count (weights and biases) at 224x224.",
        (("The paper rounds to the nearest million; calc's exact counts round to the printed "
          "value in every column."),
         ("The paper prints one column for A and A-LRN: local response normalisation has no "
          f"weights, and calc counts {grouped(_summary('vgg_a_lrn').params)} for A-LRN too."),
         (f"A and B print the same {PAPER_TABLE_2[0][2]}: B's two extra convolutions "
          "(conv3-64 and conv3-128) add "
          f"{grouped(b.params - a.params)} parameters, "
          f"{100 * (b.params - a.params) / a.params:.2f}% of A."),
         ("C has fewer parameters than D because its three extra layers are 1x1: "
          f"{grouped(d.params - c.params)} fewer."),
         ("torchvision's vgg11, vgg13, vgg16 and vgg19 (A, B, D, E) have exactly these counts: "
          "their adaptive average pooling has no parameters and leaves a 7x7 map unchanged.")))


@table("vgg-cs231n")
def cs231n_table() -> Table:
    """CS231n's VGG-16 walk-through, line by line, beside calc's exact numbers."""
    groups = {g["node"]: g for g in layer_groups("vgg16")}
    net = get_model("vgg16")
    rows = []
    for line, node, memory, weights in CS231N_LINES:
        g = groups[node]
        layer = net.node(node).layer
        bias = layer.params - _weights(layer)
        rows.append((line, f"{g['label']} ({node})", memory, g["output"], weights,
                     _weights(layer), bias))
    total_w = sum(r[5] for r in rows)
    total_b = sum(r[6] for r in rows)
    rows.append(("TOTAL", "", CS231N_TOTAL_MEMORY, cs231n_count(), CS231N_TOTAL_PARAMS,
                 total_w, total_b))
    return Table(
        ("CS231n line", "layer (torchvision node)", "CS231n memory", "calc activations",
         "CS231n weights", "calc weights", "calc biases"),
        tuple(rows),
        "CS231n's \"VGGNet in detail\" for VGG-16 at 224x224, as printed, beside calc's exact "
        "count per image: activations are elements of the layer's output, weights leave the "
        "biases out as CS231n does.",
        (("CS231n rounds the memory lines it writes with K or M to two significant figures "
          f"({grouped(rows[3][3])} is {rows[3][2]}); the others, and every weight line, are "
          "exact."),
         (f"The lines sum to {grouped(cs231n_count())} activations, not the page's "
          f"{CS231N_TOTAL_MEMORY}, and to {grouped(total_w)} weights; with the {grouped(total_b)} "
          f"biases that is torchvision's {grouped(summarize(net).params)}."),
         (f"Even as printed, {CS231N_TOTAL_MEMORY} values of 4 bytes are "
          f"{printed_count(CS231N_TOTAL_MEMORY) * 4 // 10 ** 6} MB "
          f"({nbytes(printed_count(CS231N_TOTAL_MEMORY) * 4)}), not {CS231N_TOTAL_MB}MB; the "
          f"exact lines take {nbytes(4 * cs231n_count())} in float32."),
         ("A ReLU's output is not listed: torchvision runs it in place, in the convolution's "
          "output.")))


@table("vgg-5x5-twin")
def twin_table(cfg: str = "B") -> Table:
    """B against the shallow control of Section 4.1: each 3x3 pair replaced by one 5x5."""
    deep, shallow = _summary(PAPER_MODELS[cfg]), summarize(twin_5x5(cfg))

    def stages(s):
        out, current = [], []
        for r in s.rows:
            if r.type == "Conv2d":
                current.append(r)
            elif r.type == "MaxPool2d":
                out.append(current)
                current = []
        return out

    rows = []
    for i, (a, b) in enumerate(zip(stages(deep), stages(shallow))):
        channels = (f"{deep.network.node(a[0].name).layer.in_channels} to {a[-1].output[0]} "
                    f"at {a[-1].output[1]}x{a[-1].output[2]}")
        rows.append((f"block {i + 1}", channels,
                     sum(r.params for r in a), sum(r.params for r in b),
                     si(sum(r.macs for r in a)), si(sum(r.macs for r in b))))

    def conv(s, attr):
        return sum(getattr(r, attr) for r in s.rows if r.type == "Conv2d")

    rows.append(("all convolutions", "", conv(deep, "params"), conv(shallow, "params"),
                 si(conv(deep, "macs")), si(conv(shallow, "macs"))))
    rows.append(("whole network", "", deep.params, shallow.params, si(deep.macs),
                 si(shallow.macs)))
    rows.append(("receptive field, px", "", deep.receptive_field.size[0],
                 shallow.receptive_field.size[0], "", ""))
    return Table(
        ("", "channels, map", f"{cfg}: params (3x3 pairs)", "twin: params (one 5x5)",
         f"{cfg}: MACs", "twin: MACs"),
        tuple(rows),
        f"Configuration {cfg} against its shallow twin, in which one 5x5 convolution replaces "
        "each pair of 3x3 convolutions (the control of the paper's Section 4.1), by calc at "
        "224x224.",
        (("Where a block keeps its width (C channels in and out), the pair costs 18C\u00b2 "
          "weights against 25C\u00b2. Where it doubles the width (C to C' = 2C), the pair's "
          "second layer already works at the wider width: 9CC' + 9C'\u00b2 = 54C\u00b2 "
          "against the 5x5's 25CC' = 50C\u00b2, so the single 5x5 is cheaper there. Block 1, "
          "which reads the three RGB channels, is the extreme case."),
         "Both networks see the same receptive field; the deep one has twice the ReLUs."))


@table("vgg-stages")
def stages_table(model: str = "vgg16") -> Table:
    """Per block of VGG-16: map, width, params, MACs, activations and receptive field."""
    s = _summary(model)
    rows, convs = [], []
    for r in s.rows:
        if r.type == "Conv2d":
            convs.append(r)
        elif r.type == "MaxPool2d":
            rows.append((f"block {len(rows) + 1}", f"{convs[-1].output[1]}x{convs[-1].output[2]}",
                         convs[-1].output[0], len(convs), sum(c.params for c in convs),
                         si(sum(c.macs for c in convs)),
                         sum(c.activations for c in convs), r.rf.size[0]))
            convs = []
    fcs = [r for r in s.rows if r.type == "Linear"]
    rows.append(("FC head", "1x1", fcs[-1].output[0], len(fcs), sum(r.params for r in fcs),
                 si(sum(r.macs for r in fcs)), sum(r.activations for r in fcs), ""))
    return Table(
        ("", "map", "width", "layers", "params", "MACs", "activations (conv/FC outputs)",
         "receptive field after the pool, px"),
        tuple(rows),
        f"{model} block by block at 224x224 (calc): compute and activations sit in the early "
        "blocks, parameters in the last block and the head.",
        (("Activations count each convolution's (or FC layer's) output once per image, as "
          "CS231n does."),))


@table("vgg-batch-norm")
def batch_norm_table() -> Table:
    """torchvision's _bn variants: what BatchNorm2d adds, beside the metadata's accuracy."""
    rows = []
    for base in ("vgg11", "vgg13", "vgg16", "vgg19"):
        plain, bn = _summary(base), _summary(f"{base}_bn")
        train_plain = plain.memory(1).training_saved
        train_bn = bn.memory(1).training_saved
        rows.append((base, plain.params, bn.params - plain.params, bn.buffers,
                     "same" if bn.macs == plain.macs else si(bn.macs),
                     nbytes(train_bn - train_plain),
                     f"{TORCHVISION_ACC1[base]:.3f}", f"{TORCHVISION_ACC1[base + '_bn']:.3f}"))
    return Table(
        ("model", "params", "BN adds params", "BN buffers", "MACs", ("BN adds to what "
         "autograd keeps (1 image, float32)"), "acc@1 (torchvision)", "acc@1 with BN"),
        tuple(rows),
        "torchvision's VGG with and without batch normalisation (calc at 224x224; accuracies "
        "as torchvision's weights metadata prints them, ImageNet-1K top-1, %).",
        (("Each BatchNorm2d(C) adds 2C parameters (scale and shift) and 2C + 1 buffers "
          "(running mean and variance, and a batch counter)."),
         ("calc counts no MACs for batch normalisation, as torchvision's figures do not; at "
          "inference it can be folded into the convolution before it."),
         ("What autograd keeps is calc's training_saved: each BatchNorm2d keeps its input "
          "and its per-channel mean and inverse deviation, and the in-place ReLU after it "
          "the normalised map.")))


# --- Figures ------------------------------------------------------------------------------

@figure("vgg-block")
def block_figure(model: str = "vgg16", block: int = 3) -> Figure:
    """One block of VGG drawn with its numbers: the 3x3 stack and its pool."""
    from matplotlib.patches import FancyBboxPatch

    groups = layer_groups(model)
    starts = [i for i, g in enumerate(groups) if g["kind"] == "pool"]
    first = (starts[block - 2] + 1) if block > 1 else 1
    last = starts[block - 1]
    before = groups[first - 1]
    s = _summary(model)
    by_name = {r.name: r for r in s.rows}
    net = get_model(model)
    in_shape = net.node(before["node"]).output_shape
    in_rf = by_name[before["node"]].rf if before["kind"] != "input" else None
    jump = in_rf.stride[0] if in_rf else 1
    base = in_rf.size[0] if in_rf else 1

    boxes = [(f"input of block {block}", "x".join(map(str, in_shape)),
              f"cells {jump} px apart  \u00b7  field {base} px" if in_rf else "the image",
              None)]
    locals_ = []
    for g in groups[first:last + 1]:
        r = g["rows"][0]
        layer = net.node(r.name).layer
        field = r.rf.size[0]
        out = "x".join(map(str, r.output))
        if g["kind"] == "conv":
            local = (field - base) // jump + 1
            locals_.append(local)
            head = (f"{g['label']}: {layer.kernel_size[0]}x{layer.kernel_size[1]} conv, "
                    f"{layer.in_channels} \u2192 {layer.out_channels}, ReLU")
            line1 = f"out {out}  \u00b7  {grouped(r.params)} params  \u00b7  {si(r.macs)}MACs"
            boxes.append((head, line1, f"field {local}x{local} cells of the input = {field} px",
                          0))
        else:
            head = (f"{g['label']}: max pool {layer.kernel_size[0]}x{layer.kernel_size[1]}, "
                    f"stride {layer.stride[0]}")
            boxes.append((head, f"out {out}  \u00b7  no params, no MACs",
                          f"cells {r.rf.stride[0]} px apart  \u00b7  field {field} px", 1))

    fig, ax = plot.new(figsize=(6.0, 1.12 * len(boxes)))
    ax.set_xlim(0, 1)
    ax.set_ylim(-len(boxes) + 0.55, 0.45)
    ax.axis("off")
    for i, (head, line1, line2, colour) in enumerate(boxes):
        y = -i
        face = plot.OKABE_ITO[colour] if colour is not None else plot.OKABE_ITO[7]
        ax.add_patch(FancyBboxPatch((0.0, y - 0.38), 1.0, 0.78, boxstyle="round,pad=0.0,"
                                    "rounding_size=0.04", facecolor=face, alpha=0.22,
                                    edgecolor=face, linewidth=1.2))
        ax.text(0.03, y + 0.2, head, fontsize=11.5, fontweight="bold", va="center")
        ax.text(0.03, y - 0.02, line1, fontsize=11, va="center")
        ax.text(0.03, y - 0.22, line2, fontsize=11, va="center")
        if i:
            ax.annotate("", xy=(0.5, y + 0.4), xytext=(0.5, y + 0.62),
                        arrowprops={"arrowstyle": "->", "color": plot.INK, "lw": 1})
    convs = [g for g in groups[first:last] if g["kind"] == "conv"]
    pool = groups[last]["rows"][0]
    alt = (f"Block {block} of {model}: {len(convs)} convolutions, each 3x3 with a ReLU and "
           f"keeping the {in_shape[1]}x{in_shape[2]} map, then a max pool to "
           f"{pool.output[1]}x{pool.output[2]}. The convolutions hold "
           f"{grouped(sum(g['rows'][0].params for g in convs))} parameters and do "
           f"{si(sum(g['rows'][0].macs for g in convs))}MACs per image; their fields cover "
           + ", ".join(f"{n}x{n}" for n in locals_) + " cells of the block's input.")
    return Figure(plot.svg(fig, f"{model}-block-{block}", f"{model}: block {block}", alt), alt,
                  f"Block {block} of {model} at 224x224, by calc: each 3x3 convolution keeps the "
                  "map (stride 1, padding 1) and widens the field by two cells; the pool halves "
                  "the map and doubles the field's step.")


@figure("vgg-rf-vs-weights")
def rf_figure() -> Figure:
    """Receptive field against weights: one k x k layer or a stack of 3x3 layers."""
    fields, single, stacked = [], [], []
    for n in range(1, 6):
        field = _stack_rf(3, n)
        fields.append(field)
        stacked.append(per_pair_weights(3, n))
        single.append(per_pair_weights(field))
    assert all(_stack_rf(k, 1) == k for k in fields)
    fig, ax = plot.new(figsize=(6.4, 3.4))
    ax.plot(fields, single, marker="o", label="one k x k layer")
    ax.plot(fields, stacked, marker="s", label="stack of 3x3 layers, stride 1")
    for f, a, b in zip(fields, single, stacked):
        ax.annotate(f"{a}", (f, a), textcoords="offset points", xytext=(-4, 6), ha="right",
                    fontsize=9)
        ax.annotate(f"{b}", (f, b), textcoords="offset points", xytext=(4, -13), ha="left",
                    fontsize=9)
    ax.set_xticks(fields, [f"{f}x{f}" + ("" if i == 0 else f"\n{i + 1} layers")
                           for i, f in enumerate(fields)])
    ax.set_xlabel("receptive field (the 3x3 stack's depth below)")
    ax.set_ylabel("weights per channel pair (x C\u00b2)")
    ax.set_ylim(0, max(single) * 1.18)
    ax.legend(loc="upper left")
    ax.grid(axis="y")
    i5, i7 = fields.index(5), fields.index(7)
    alt = ("Line chart of weights against receptive field with C channels in and out. One "
           f"5x5 layer has {single[i5]}C\u00b2 weights, two 3x3 layers {stacked[i5]}C\u00b2; "
           f"one 7x7 layer {single[i7]}C\u00b2, three 3x3 layers {stacked[i7]}C\u00b2; at "
           f"{fields[-1]}x{fields[-1]}, {single[-1]}C\u00b2 against {stacked[-1]}C\u00b2. "
           "The single layer grows with the square of the field, the stack linearly.")
    return Figure(plot.svg(fig, "vgg-rf-vs-weights", "Receptive field against weights", alt),
                  alt, "Weights per input-output channel pair (multiply by C\u00b2 for C "
                  "channels in and out) to reach a receptive field, by calc. MACs follow the "
                  "same ratio at a fixed map size.")


@figure("vgg-params-and-macs")
def params_and_macs(model: str = "vgg16") -> Figure:
    """Where a VGG's parameters sit (the FC layers) against where its MACs sit (the convs)."""
    s = _summary(model)
    groups = [g for g in layer_groups(model) if g["kind"] in ("conv", "fc")]
    params = [g["rows"][0].params / s.params * 100 for g in groups]
    macs = [g["rows"][0].macs / s.macs * 100 for g in groups]
    fig, ax = plot.new(figsize=(7.0, 3.6))
    x = range(len(groups))
    ax.bar([i - 0.2 for i in x], params, width=0.4, label="share of parameters")
    ax.bar([i + 0.2 for i in x], macs, width=0.4, label="share of MACs")
    ax.set_xticks(list(x), [g["label"] for g in groups], rotation=60, ha="right")
    ax.set_ylabel("% of the network")
    ax.legend()
    ax.grid(axis="y")
    fc_params = sum(g["rows"][0].params for g in groups if g["kind"] == "fc") / s.params * 100
    conv_macs = sum(g["rows"][0].macs for g in groups if g["kind"] == "conv") / s.macs * 100
    n_conv = sum(g["kind"] == "conv" for g in groups)
    first_fc = next(g for g in groups if g["kind"] == "fc")
    alt = (f"Bar chart of {model}'s weighted layers. The three fully connected layers hold "
           f"{fc_params:.1f}% of the parameters, {first_fc['label']} alone "
           f"{first_fc['rows'][0].params / s.params * 100:.1f}%; the {n_conv} convolutions do "
           f"{conv_macs:.1f}% of the multiply-accumulates.")
    return Figure(plot.svg(fig, f"{model}-params-and-macs",
                           f"{model}: parameters and MACs per layer", alt), alt,
                  f"{model} at 224x224: each weighted layer's share of the parameters and of the "
                  "MACs, by calc.")


@figure("vgg-training-memory")
def training_memory(model: str = "vgg16", batch: int = 64, dtype: str = "float32") -> Figure:
    """Activation memory per layer for training at a realistic batch."""
    from calc.memory import dtype_bytes

    width = dtype_bytes(dtype)
    groups = layer_groups(model)
    mib = 1 << 20
    once = [g["output"] * batch * width / mib if g["kind"] != "reshape" else 0
            for g in groups]
    extra = [sum(r.activations for r in (g["rows"] if g["kind"] == "reshape" else g["rows"][1:]))
             * batch * width / mib for g in groups]
    indices = [g["output"] * batch * 8 / mib if g["kind"] == "pool" else 0 for g in groups]
    s = _summary(model)
    m = s.memory(batch, dtype)
    total_once = cs231n_count(model) * batch * width
    fig, ax = plot.new(figsize=(7.0, 3.8))
    x = list(range(len(groups)))
    ax.bar(x, once, label=f"each output once (CS231n's count): {nbytes(total_once)}")
    pools = [i for i in x if indices[i]]
    ax.bar(pools, [indices[i] for i in pools], bottom=[once[i] for i in pools], hatch="///",
           edgecolor=plot.OKABE_ITO[1], color="none",
           label=f"max-pool argmax, int64 (PyTorch): {nbytes(sum(indices) * mib)}")
    bottoms = [a + b for a, b in zip(once, indices)]
    ax.bar(x, extra, bottom=bottoms, color=plot.OKABE_ITO[2], alpha=0.45,
           label=f"ReLU, dropout, reshape outputs kept apart: {nbytes(sum(extra) * mib)}")
    ax.set_xticks(x, [g["label"] for g in groups], rotation=60, ha="right")
    ax.set_ylabel(f"MiB at batch {batch}, {dtype}")
    ax.legend(fontsize=8.5, loc="upper right", borderaxespad=0.2)
    ax.grid(axis="y")
    first_block = sum(o + e for g, o, e in zip(groups, once, extra)
                      if g["label"] in ("input", "conv1_1", "conv1_2"))
    first_once = sum(o for g, o in zip(groups, once)
                     if g["label"] in ("input", "conv1_1", "conv1_2"))
    alt = (f"Bar chart of {model}'s activation memory per layer for training at batch {batch} "
           f"in {dtype}. Each output kept once totals {nbytes(total_once)}; with the max "
           f"pools' int64 indices and the classifier's dropout outputs and masks, PyTorch keeps "
           f"{nbytes(m.training_saved)} (calc's training_saved). Keeping every ReLU and "
           f"dropout output apart as well would take {nbytes(m.training_activations)}. The "
           f"input and the two 224x224 convolutions take {nbytes(first_once * mib)} of what "
           f"PyTorch keeps, {100 * first_once * mib / m.training_saved:.0f}%, and "
           f"{nbytes(first_block * mib)} of the larger count; the FC layers take almost "
           "nothing.")
    return Figure(plot.svg(fig, f"{model}-training-memory-{batch}-{dtype}",
                           f"{model}: activation memory for training", alt), alt,
                  f"{model} at 224x224, batch {batch}, {dtype}: the activations kept for the "
                  f"backward pass, layer by layer, by calc; PyTorch keeps "
                  f"{nbytes(m.training_saved)} in all. The weights take "
                  f"{nbytes(m.weights)} whatever the batch.")
