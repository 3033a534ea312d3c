"""Figures and tables of the DenseNet chapter (docs/densenet.md).

Everything here is measured by calc at build time: torchvision's DenseNets (``densenet121``
to ``densenet201``) and the family they belong to (``densenet``, which also builds the
paper's DenseNet-264, ``densenet264``, and the ImageNet DenseNets without the bottleneck (B)
or the compression (C)), the CIFAR DenseNets of Table 2 (``cifar_densenet``), ResNets for
comparison, and one network built here that no zoo holds: a CIFAR DenseNet-BC laid out as
torchvision lays out its DenseNets (the layout whose ``memory_efficient`` option calc counts
as ``Memory.training_checkpointed``).

The values the sources printed sit in the module-level constants below, each beside calc's
exact value in the tables; tests/test_chapter_densenet.py checks them against calc with the
sources' rounding, and the torchvision metadata in the torch tier.
"""

from __future__ import annotations

import functools
import re

from calc.layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU
from calc.models import get_model
from calc.models.densenet import dense_block, transition
from calc.network import Network, NetworkBuilder
from calc.render.numbers import nbytes
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

RELU = ReLU(inplace=True)      # torchvision's DenseNets run every ReLU in place

# --- What the sources printed -------------------------------------------------------------

# Huang et al. 2017, Table 1: the four ImageNet DenseNets (all k = 32), dense layers per
# block as printed ("[1x1 conv, 3x3 conv] x 6" ...), and the output size of each row.
PAPER_TABLE_1 = {"DenseNet-121": (6, 12, 24, 16), "DenseNet-169": (6, 12, 32, 32),
                 "DenseNet-201": (6, 12, 48, 32), "DenseNet-264": (6, 12, 64, 48)}
TABLE_1_GROWTH_RATE = 32
# (row label, output size as printed, the calc node whose output it is; {b} = block index)
TABLE_1_ROWS = (
    ("Convolution", "112 × 112", "features.conv0"),
    ("Pooling", "56 × 56", "features.pool0"),
    ("Dense Block (1)", "56 × 56", "features.denseblock1.cat"),
    ("Transition Layer (1)", "56 × 56 → 28 × 28", "features.transition1.pool"),
    ("Dense Block (2)", "28 × 28", "features.denseblock2.cat"),
    ("Transition Layer (2)", "28 × 28 → 14 × 14", "features.transition2.pool"),
    ("Dense Block (3)", "14 × 14", "features.denseblock3.cat"),
    ("Transition Layer (3)", "14 × 14 → 7 × 7", "features.transition3.pool"),
    ("Dense Block (4)", "7 × 7", "features.denseblock4.cat"),
    ("Classification Layer", "1 × 1", "avgpool"),
)

# Table 2: the CIFAR DenseNets and their "Params" column as printed, with the C10+ and
# C100+ error rates (%) printed in the same rows (standard augmentation, no dropout).
PAPER_TABLE_2 = (
    # (printed name, L, k, calc model, params printed, C10+ error, C100+ error)
    ("DenseNet", 40, 12, "densenet_40_12", "1.0M", 5.24, 24.42),
    ("DenseNet", 100, 12, "densenet_100_12", "7.0M", 4.10, 20.20),
    ("DenseNet", 100, 24, "densenet_100_24", "27.2M", 3.74, 19.25),
    ("DenseNet-BC", 100, 12, "densenet_bc_100_12", "0.8M", 4.51, 22.27),
    ("DenseNet-BC", 250, 24, "densenet_bc_250_24", "15.3M", 3.62, 17.60),
    ("DenseNet-BC", 190, 40, "densenet_bc_190_40", "25.6M", 3.46, 17.18),
)

# Table 3: single-crop / 10-crop top-1 and top-5 error (%) on the ImageNet validation set.
PAPER_TABLE_3 = {"DenseNet-121": ((25.02, 23.61), (7.71, 6.66)),
                 "DenseNet-169": ((23.80, 22.08), (6.85, 5.92)),
                 "DenseNet-201": ((22.58, 21.46), (6.34, 5.54)),
                 "DenseNet-264": ((22.15, 20.80), (6.12, 5.29))}

# The authors' repository (liuzhuang13/DenseNet, README, "Wide-DenseNet"): wide, shallow
# DenseNet-BCs and their printed parameter counts.
WIDE_DENSENETS = (("Wide-DenseNet-BC (L=40, k=36)", "densenet_bc_40_36", "1.5M"),
                  ("Wide-DenseNet-BC (L=40, k=48)", "densenet_bc_40_48", "2.7M"),
                  ("Wide-DenseNet-BC (L=40, k=60)", "densenet_bc_40_60", "4.3M"))

# Pleiss et al. 2017 (arXiv 1707.06990), abstract: "A 264-layer DenseNet (73M parameters)".
PLEISS_264_PARAMS = "73M"
# gpleiss/efficient_densenet_pytorch, README "Performance": DenseNet-BC with 100 layers,
# batch size 64, NVIDIA Pascal Titan-X; memory in GB (per GPU) and seconds per mini-batch.
PLEISS_REPO_MEMORY = {"Naive": (2.863, 0.165), "Efficient": (1.605, 0.207)}

# torchvision's weights metadata, ImageNet-1K acc@1 (get_model_weights(name).<weights>.meta):
# the DenseNets' only weights (IMAGENET1K_V1, "ported from LuaTorch") and the ResNets' V1
# weights, trained with the original recipe; the torch tier reads them back.
TORCHVISION_ACC1 = {"densenet121": 74.434, "densenet161": 77.138, "densenet169": 75.6,
                    "densenet201": 76.896, "resnet18": 69.758, "resnet34": 73.314,
                    "resnet50": 76.13, "resnet101": 77.374, "resnet152": 78.312}
RESNET50_V2_ACC1 = 80.858          # resnet50 IMAGENET1K_V2: the same network, a newer recipe
DENSENETS = ("densenet121", "densenet169", "densenet201", "densenet161")
RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")

# The batch sizes this chapter measures memory at: DenseNet-121 at 32 images of 224x224,
# the CIFAR networks at 64, the batch of the paper's section 4.2 (and of Pleiss et al.).
IMAGENET_BATCH = 32
CIFAR_BATCH = 64


# --- Measurements shared by the page, the tables, the figures and the tests ---------------

@functools.cache
def measured(name: str, **knobs):
    """A zoo model's summary (cached: the build asks for the same ones many times)."""
    return summarize(get_model(name, **knobs))


def imagenet_densenet(block_config) -> Network:
    """A Table 1 network: calc's ``densenet`` family with k = 32 and ``block_config``."""
    return get_model("densenet", growth_rate=TABLE_1_GROWTH_RATE, block_config=block_config)


@functools.cache
def table_1_summary(block_config: tuple) -> object:
    return summarize(imagenet_densenet(block_config))


def weighted_layers(network: Network) -> int:
    """Layers with weights, as the names count them (convolutions and the classifier)."""
    return sum(1 for n in network.nodes if n.layer.type in ("Conv2d", "Linear"))


def named_depth(block_config) -> int:
    """The depth a Table 1 name implies: the 7x7 stem, two convolutions per dense layer,
    one per transition and the classifier."""
    return 1 + 2 * sum(block_config) + (len(block_config) - 1) + 1


_DENSE = re.compile(r"^(?P<block>.*denseblock\d+)\.denselayer(?P<layer>\d+)\.(?P<leaf>\w+)$")


def dense_layers(network: Network) -> dict:
    """{(block, layer index): {leaf: node}} for a network in torchvision's layout."""
    out: dict = {}
    for node in network.nodes:
        m = _DENSE.match(node.name)
        if m:
            out.setdefault((m["block"], int(m["layer"])), {})[m["leaf"]] = node
    return out


def layer_inputs(network: Network) -> list[dict]:
    """Per dense layer, in order: its block, index, the channels it reads and its grid."""
    out = []
    for (block, index), leaves in dense_layers(network).items():
        conv1 = leaves["conv1"].layer
        out.append({"block": block, "index": index, "in_channels": conv1.in_channels,
                    "grid": leaves["conv1"].output_shape[1:],
                    "inner": conv1.out_channels, "growth": leaves["conv2"].layer.out_channels})
    return out


def cifar_bc_torchvision_layout(depth: int = 100, growth_rate: int = 12) -> Network:
    """A CIFAR DenseNet-BC (depth 6n + 4) laid out as torchvision lays out its DenseNets, as
    Pleiss et al.'s PyTorch code does (gpleiss/efficient_densenet_pytorch, small_inputs):
    a 3x3 stem of 2k channels, three blocks of n bottleneck layers, transitions keeping
    floor(m / 2), BN, ReLU, global pooling, a linear layer to 10 classes. The same
    parameters and the same activations as calc's ``densenet_bc_<depth>_<k>``; only the node
    names differ."""
    n, rest = divmod(depth - 4, 6)
    if rest or n < 1:
        raise ValueError(f"depth must be 6n + 4, got {depth}")
    g = NetworkBuilder(f"densenet_bc_{depth}_{growth_rate}_tv", (3, 32, 32))
    x = g.layer("features.conv0", Conv2d(3, 2 * growth_rate, 3, 1, 1, bias=False), g.input)
    for index in (1, 2, 3):
        x = dense_block(g, f"features.denseblock{index}", x, n, growth_rate, 4, 0.0)
        if index < 3:
            x = transition(g, f"features.transition{index}", x, x.channels // 2)
    x = g.layer("features.norm_final", BatchNorm2d(x.channels), x)
    x = g.layer("relu", RELU, x)
    x = g.layer("avgpool", AdaptiveAvgPool2d((1, 1)), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("classifier", Linear(x.shape[0], 10), x)
    return g.build(x)


@functools.cache
def memory_counts(which: str) -> dict:
    """The four training-memory counts of one of the chapter's networks, in bytes."""
    cases = {
        "densenet121": (lambda: get_model("densenet121"), IMAGENET_BATCH, True),
        "resnet50": (lambda: get_model("resnet50"), IMAGENET_BATCH, False),
        "densenet_bc_100_12": (lambda: cifar_bc_torchvision_layout(100, 12), CIFAR_BATCH, True),
        "densenet_bc_190_40": (lambda: cifar_bc_torchvision_layout(190, 40), CIFAR_BATCH, True),
    }
    build, batch, dense = cases[which]
    network = build()
    s = summarize(network)
    m = s.memory(batch, "float32")
    return {"name": which, "batch": batch, "input": s.input, "params": s.params,
            "weights": m.weights, "naive": m.training_activations,
            "shared": m.training_shared_concat, "saved": m.training_saved,
            "checkpointed": m.training_checkpointed if dense else None}


def depth_sweep(batch: int = IMAGENET_BATCH, lengths=tuple(range(8, 97, 8))) -> list[dict]:
    """DenseNet-121 with its third dense block lengthened: the four memory counts."""
    out = []
    for n in lengths:
        config = (6, 12, n, 16)
        network = get_model("densenet", block_config=config)
        m = summarize(network).memory(batch, "float32")
        out.append({"layers": named_depth(config), "block3": n,
                    "naive": m.training_activations, "shared": m.training_shared_concat,
                    "saved": m.training_saved, "checkpointed": m.training_checkpointed})
    return out


# --- The dense block ----------------------------------------------------------------------

@figure("densenet-block")
def block_figure(model: str = "densenet121", block: int = 1) -> Figure:
    """The channels each dense layer of one block reads, stacked by the layer that wrote
    them, with every layer's parameters, MACs and receptive field; then the transition."""
    from matplotlib.patches import Patch

    s = measured(model)
    rows = {r.name: r for r in s.rows}
    net = s.network
    prefix = f"features.denseblock{block}"
    layers = [d for d in layer_inputs(net) if d["block"] == prefix]
    k = layers[0]["growth"]
    k0 = layers[0]["in_channels"]
    trans = f"features.transition{block}"
    fig, ax = plot.new(figsize=(7.0, 4.4))
    colours = plot.OKABE_ITO
    x = list(range(len(layers) + 2))
    labels = [f"layer {d['index']}" for d in layers] + ["block out", "transition"]
    # the block input, then each earlier layer's k maps, in the colour of the layer
    heights = [d["in_channels"] for d in layers] + [rows[f"{prefix}.cat"].output[0],
                                                     rows[f"{trans}.conv"].output[0]]
    ax.bar(x[:-1], [k0] * (len(x) - 1), color=colours[7], alpha=0.55, edgecolor=plot.INK,
           linewidth=0.4)
    for j in range(1, len(layers) + 1):
        cols = [i for i in range(len(layers) + 1) if i >= j]
        ax.bar(cols, [k] * len(cols), bottom=[k0 + (j - 1) * k] * len(cols),
               color=colours[(j - 1) % 6], alpha=0.8, edgecolor=plot.INK, linewidth=0.4)
    ax.bar([x[-1]], [heights[-1]], color=colours[7], alpha=0.25, edgecolor=plot.INK,
           linewidth=0.4, hatch="//")
    for i, d in enumerate(layers):
        node = f"{prefix}.denselayer{d['index']}"
        params = sum(rows[f"{node}.{leaf}"].params for leaf in
                     ("norm1", "conv1", "norm2", "conv2"))
        macs = rows[f"{node}.conv1"].macs + rows[f"{node}.conv2"].macs
        rf = rows[f"{node}.conv2"].rf.size[0]
        ax.text(i, d["in_channels"] + 6, f"{d['in_channels']}\n{params / 1e3:.1f}K p\n"
                f"{macs / 1e6:.0f}M MACs\nRF {rf}", ha="center", va="bottom", fontsize=7,
                color=plot.INK)
    out = rows[f"{prefix}.cat"]
    t = rows[f"{trans}.pool"]
    tparams = rows[f"{trans}.norm"].params + rows[f"{trans}.conv"].params
    ax.text(x[-2], out.output[0] + 6, f"{out.output[0]}\n{out.output[1]}×{out.output[2]}",
            ha="center", va="bottom", fontsize=7, color=plot.INK)
    ax.text(x[-1], heights[-1] + 6, f"{t.output[0]}\n{t.output[1]}×{t.output[2]}\n"
            f"{tparams / 1e3:.1f}K p\n{rows[f'{trans}.conv'].macs / 1e6:.0f}M MACs",
            ha="center", va="bottom", fontsize=7, color=plot.INK)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("channels read (stacked by writer)")
    ax.set_ylim(0, max(heights) * 1.42)
    ax.grid(axis="y")
    ax.legend(handles=[Patch(color=colours[7], alpha=0.55,
                             label=f"block input ({k0} channels)"),
                       Patch(color=colours[0], alpha=0.8,
                             label=f"k = {k} new maps of one earlier layer (a colour per layer)")],
              fontsize=8, loc="upper left")
    layer_params = [sum(rows[f"{prefix}.denselayer{d['index']}.{leaf}"].params
                        for leaf in ("norm1", "conv1", "norm2", "conv2")) for d in layers]
    alt = (f"Stacked bar chart of dense block {block} of {model} at "
           f"{layers[0]['grid'][0]}×{layers[0]['grid'][1]}. Layer 1 reads the {k0}-channel "
           f"block input; each later layer reads {k} more channels, one slice per earlier "
           f"layer, up to {layers[-1]['in_channels']} for layer {layers[-1]['index']}; the "
           f"block outputs {out.output[0]} channels and the transition halves them to "
           f"{t.output[0]} at {t.output[1]}×{t.output[2]}. Parameters per layer grow from "
           f"{layer_params[0]:,} to {layer_params[-1]:,}.")
    return Figure(plot.svg(fig, f"densenet-block-{model}-{block}",
                           f"{model}: dense block {block}", alt), alt,
                  f"Dense block {block} of {model}: the channels each layer reads, coloured by "
                  "the layer that wrote them, with its parameters (p), MACs and receptive field "
                  "(RF), all computed by calc; then the transition (BN, ReLU, 1×1 conv, 2×2 "
                  "average pool).")


@table("densenet-layer-cost")
def layer_cost(model: str = "densenet121") -> Table:
    """Per dense block: the first and last layer's input width and cost, with and without B."""
    s = measured(model)
    rows = {r.name: r for r in s.rows}
    out = []
    by_block: dict = {}
    for d in layer_inputs(s.network):
        by_block.setdefault(d["block"], []).append(d)
    for block, layers in by_block.items():
        for d in (layers[0], layers[-1]):
            node = f"{block}.denselayer{d['index']}"
            h, w = d["grid"]
            with_b = rows[f"{node}.conv1"].macs + rows[f"{node}.conv2"].macs
            plain = h * w * d["in_channels"] * d["growth"] * 9
            out.append((block.split(".")[-1].replace("denseblock", "block "), d["index"],
                        f"{h}×{w}", d["in_channels"], with_b, plain,
                        round(plain / with_b, 2)))
    k = layer_inputs(s.network)[0]["growth"]
    notes = (
        ("With B: the 1×1 convolution to 4k channels, then the 3×3 to k; per output position "
         "4k·C + 36k² multiply-accumulates. Without B: one 3×3 convolution from C to k, 9k·C. "
         f"The bottleneck pays once C exceeds 36k/5 = {36 * k / 5:g} channels (k = {k})."),
    )
    return Table(("block", "dense layer", "grid", "channels read (C)", "MACs with B",
                  "MACs of a plain 3×3", "plain ÷ with B"), tuple(out),
                 f"{model}: the first and last dense layer of each block, with the bottleneck "
                 "(as built) and with one 3×3 convolution in its place, computed by calc.",
                 notes)


# --- B and C ------------------------------------------------------------------------------

@functools.cache
def bc_variants() -> list[dict]:
    out = []
    for label, b, c in (("DenseNet-BC (torchvision's densenet121)", True, 0.5),
                        ("DenseNet-B (no compression)", True, 1.0),
                        ("DenseNet-C (no bottleneck)", False, 0.5),
                        ("DenseNet (neither)", False, 1.0)):
        net = get_model("densenet", bottleneck=b, compression=c)
        s = summarize(net)
        m = s.memory(IMAGENET_BATCH, "float32")
        out.append({"label": label, "bottleneck": b, "compression": c, "params": s.params,
                    "macs": s.macs, "saved": m.training_saved,
                    "final": net.node("features.norm5").output_shape[0]})
    for label, b, c in (("DenseNet-BC (L=100, k=12)", True, 0.5),
                        ("DenseNet-B (L=100, k=12)", True, 1.0),
                        ("DenseNet-C (L=100, k=12)", False, 0.5),
                        ("DenseNet (L=100, k=12)", False, 1.0)):
        s = measured("cifar_densenet", depth=100, growth_rate=12, bottleneck=b, compression=c)
        m = s.memory(CIFAR_BATCH, "float32")
        out.append({"label": label, "bottleneck": b, "compression": c, "params": s.params,
                    "macs": s.macs, "saved": m.training_saved,
                    "final": s.network.node("bn1").output_shape[0]})
    return out


@table("densenet-bc-variants")
def bc_table() -> Table:
    rows = []
    for v in bc_variants():
        rows.append((v["label"], "yes" if v["bottleneck"] else "no", f"{v['compression']:g}",
                     v["final"], v["params"], f"{v['macs'] / 1e9:.3f}", nbytes(v["saved"])))
    blocks = ", ".join(str(n) for n in (6, 12, 24, 16))
    with_b = _per_block(get_model("densenet_bc_100_12"))
    without_b = _per_block(get_model("densenet_100_12"))
    notes = (
        (f"The first four rows are DenseNet-121's layout (k = 32, blocks of {blocks} dense "
         f"layers, 224×224, training memory at batch {IMAGENET_BATCH}); the last four are CIFAR "
         f"networks of depth 100 (k = 12, 32×32, batch {CIFAR_BATCH}), where the depth counts "
         f"convolutions, so a bottleneck network has {with_b} dense layers per block and a "
         f"plain one {without_b}."),
        ("Final channels: the width that reaches the classifier. Training memory: what "
         "PyTorch's autograd keeps (calc's training_saved), float32."),
    )
    return Table(("network", "B", "θ", "final channels", "params", "GMACs",
                  "training memory"), tuple(rows),
                 "What the bottleneck (B) and the compression (C) buy, measured by calc.", notes)


# --- Channels through DenseNet-121 ---------------------------------------------------------

@figure("densenet-channels")
def channels_figure(model: str = "densenet121") -> Figure:
    """Channels read by every weighted layer of the network, transitions marked."""
    s = measured(model)
    net = s.network
    xs, reads, kinds = [], [], []
    index = 0
    transitions = []
    for node in net.nodes:
        if node.layer.type not in ("Conv2d", "Linear"):
            continue
        index += 1
        cin = node.layer.in_channels if node.layer.type == "Conv2d" else node.layer.in_features
        xs.append(index)
        reads.append(cin)
        leaf = node.name.rsplit(".", 1)[-1]
        kind = ("dense1x1" if ".denselayer" in node.name and leaf == "conv1" else
                "dense3x3" if ".denselayer" in node.name else
                "transition" if ".transition" in node.name else "other")
        kinds.append(kind)
        if kind == "transition":
            transitions.append((index, cin, node.layer.out_channels, node.input_shapes[0][1:],
                                net.node(node.name.replace(".conv", ".pool")).output_shape[1:]))
    fig, ax = plot.new(figsize=(7.0, 3.8))
    c = plot.OKABE_ITO
    for kind, colour, label, marker in (
            ("dense1x1", c[0], "1×1 conv of a dense layer: reads k₀ + (l − 1)k", "o"),
            ("dense3x3", c[1], "3×3 conv of a dense layer: reads 4k", "."),
            ("transition", c[5], "transition 1×1 conv: reads the block output", "s"),
            ("other", c[7], "stem conv and classifier", "D")):
        pts = [(x, y) for x, y, kk in zip(xs, reads, kinds) if kk == kind]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=14 if marker != "." else 10,
                   marker=marker, color=colour, label=label, zorder=3)
    top = max(reads) * 1.22
    for i, (x, cin, cout, grid_in, grid_out) in enumerate(transitions):
        ax.axvline(x, color=plot.INK, alpha=0.35, linewidth=0.8, linestyle="--")
        ax.text(x + 1, top * (0.985 - 0.13 * (i % 2)), f"transition\n{cin} → {cout} ch\n"
                f"{grid_in[0]}×{grid_in[1]} → {grid_out[0]}×{grid_out[1]}", ha="left",
                va="top", fontsize=7.5, color=plot.INK)
    ax.set_xlabel("weighted layer (in order)")
    ax.set_ylabel("input channels")
    ax.set_ylim(0, top)
    ax.grid(axis="y")
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    dense = layer_inputs(net)
    alt = (f"Scatter plot of the input channels of each of {model}'s {len(xs)} weighted layers. "
           f"Inside each dense block the 1×1 convolutions read a width that climbs by "
           f"{dense[0]['growth']} per layer, from {dense[0]['in_channels']} to "
           f"{max(d['in_channels'] for d in dense)}, while every 3×3 convolution reads "
           f"{dense[0]['inner']}. The three transitions ("
           + "; ".join(f"{a} → {b} channels" for _, a, b, _, _ in transitions)
           + ") halve both the channels and the grid, so each block starts again from half "
           "the previous block's output.")
    return Figure(plot.svg(fig, f"densenet-channels-{model}", f"{model}: channels per layer", alt),
                  alt, f"{model}: the channels every weighted layer reads, computed by calc; "
                  "dashed lines mark the transitions, labelled with their channels and grids.")


# --- Table 1 -------------------------------------------------------------------------------

def _hw(shape) -> str:
    return f"{shape[1]} × {shape[2]}" if len(shape) == 3 else f"{shape[0]}"


@table("densenet-table-1")
def table_1() -> Table:
    """Table 1 of Huang et al. 2017 with calc's output sizes, depths, params and MACs."""
    names = list(PAPER_TABLE_1)
    summaries = {n: table_1_summary(cfg) for n, cfg in PAPER_TABLE_1.items()}
    ref = summaries["DenseNet-121"].network
    rows = []
    for label, printed, node in TABLE_1_ROWS:
        if "→" in printed:
            calc_size = f"{_hw(ref.node(node).input_shapes[0])} → {_hw(ref.node(node).output_shape)}"
        else:
            calc_size = _hw(ref.node(node).output_shape)
        if label.startswith("Dense Block"):
            b = int(label[-2]) - 1
            what, cells = "[1×1 conv, 3×3 conv] × n", tuple(PAPER_TABLE_1[n][b] for n in names)
        else:
            what = {"Convolution": "7×7 conv, stride 2", "Pooling": "3×3 max pool, stride 2",
                    "Classification Layer": "7×7 global average pool, 1000D fully-connected, "
                                            "softmax"}.get(label,
                                                           "1×1 conv, 2×2 average pool, stride 2")
            cells = ("",) * len(names)
        rows.append((label, printed, calc_size, what, *cells))
    rows.append(("weighted layers (calc)", "", "", "",
                 *(weighted_layers(summaries[n].network) for n in names)))
    rows.append(("channels into the classifier (calc)", "", "", "",
                 *(summaries[n].network.node("classifier").input_shapes[0][0] for n in names)))
    rows.append(("params (calc)", "", "", "", *(summaries[n].params for n in names)))
    rows.append(("MACs at 224 × 224 (calc)", "", "", "",
                 *(f"{summaries[n].macs / 1e9:.3f} G" for n in names)))
    tv = {"DenseNet-121": "densenet121", "DenseNet-169": "densenet169",
          "DenseNet-201": "densenet201"}
    rows.append(("torchvision model", "", "", "", *(tv.get(n, "none") for n in names)))
    s264 = summaries["DenseNet-264"]
    notes = (
        ("Output size (paper) is Table 1's column; output size (calc) is calc's shape for the "
         "row's last node in DenseNet-121 (the four networks share them). The four networks "
         "differ only in n, the dense layers per block. Each \"conv\" is BN-ReLU-conv, as the "
         "paper's caption says; k = 32 for all four."),
        ("Table 1 prints no parameter counts; the params and MACs rows are calc's, for "
         "torchvision's layout with the paper's block lengths."),
        (f"Weighted layers: the stem, two convolutions per dense layer, one per transition and "
         f"the classifier. That gives the names' 121, 169 and 201; DenseNet-264's blocks give "
         f"{weighted_layers(s264.network)}."),
    )
    return Table(("layers", "output size (paper)", "output size (calc)", "layer (all four)",
                  *names), tuple(rows),
                 "Table 1 of Huang et al. (2017): the four ImageNet DenseNets, with calc's "
                 "output sizes, depths, parameters and MACs.", notes)


# --- Table 2 -------------------------------------------------------------------------------

def _per_block(network: Network) -> int:
    """Dense layers in the first block of a CIFAR DenseNet (calc's layout)."""
    return sum(1 for n in network.nodes if n.name.startswith("block1.") and n.name.endswith(".conv1"))


@table("densenet-table-2")
def table_2() -> Table:
    rows = []
    for name, depth, k, model, printed, c10, c100 in PAPER_TABLE_2:
        s = measured(model)
        n = _per_block(s.network)
        rows.append((name, depth, k, n, s.network.node("bn1").output_shape[0], printed,
                     s.params, f"{s.params / 1e6:.1f}M", f"{c10:.2f}", f"{c100:.2f}"))
    for name, model, printed in WIDE_DENSENETS:
        s = measured(model)
        depth = int(model.split("_")[2])
        rows.append((name, depth, int(model.split("_")[3]), _per_block(s.network),
                     s.network.node("bn1").output_shape[0], printed, s.params,
                     f"{s.params / 1e6:.1f}M", "", ""))
    notes = (
        ("L counts the convolutions and the linear layer: a 3×3 stem, two transitions, the "
         "classifier, and one (DenseNet) or two (DenseNet-BC) convolutions per dense layer, so "
         "L = 3n + 4 or 6n + 4 with n dense layers per block. The stem has 16 channels, or 2k "
         "for DenseNet-BC; transitions keep all channels (DenseNet) or half (DenseNet-BC)."),
        ("Every printed count is calc's exact count rounded to 0.1 million. The error rates "
         "(%, standard augmentation) are the paper's, from the same rows of Table 2."),
        ("The last three rows are not in the paper: the authors' repository (README, "
         "\"Wide-DenseNet\") lists them with the parameter counts shown."),
    )
    return Table(("network", "L", "k", "dense layers per block", "final channels",
                  "params (paper)", "params (calc)", "calc, rounded", "C10+ error (paper)",
                  "C100+ error (paper)"), tuple(rows),
                 "Table 2 of Huang et al. (2017): the CIFAR DenseNets, the printed parameter "
                 "counts beside calc's.", notes)


# --- Parameter efficiency -----------------------------------------------------------------

def efficiency_points() -> list[dict]:
    out = []
    for name in (*DENSENETS, *RESNETS):
        s = measured(name)
        out.append({"name": name, "params": s.params, "macs": s.macs,
                    "acc1": TORCHVISION_ACC1[name], "family": name.rstrip("0123456789")})
    return out


@figure("densenet-efficiency")
def efficiency_figure() -> Figure:
    pts = efficiency_points()
    fig, (ax, bx) = plot.new(1, 2, figsize=(7.0, 3.5), sharey=True)
    styles = {"densenet": (plot.OKABE_ITO[0], "o", "DenseNet"),
              "resnet": (plot.OKABE_ITO[5], "s", "ResNet (V1 weights)")}
    for family, (colour, marker, label) in styles.items():
        mine = sorted((p for p in pts if p["family"] == family), key=lambda p: p["params"])
        for axis, key, scale in ((ax, "params", 1e6), (bx, "macs", 1e9)):
            axis.plot([p[key] / scale for p in mine], [p["acc1"] for p in mine], marker=marker,
                      color=colour, label=label, linewidth=1, markersize=5)
            for p in mine:
                offset = (4, -9)
                if key == "macs" and p["name"] == "resnet101":
                    offset = (-30, 3)     # densenet161 sits just beside it
                axis.annotate(p["name"].replace("densenet", "D").replace("resnet", "R"),
                              (p[key] / scale, p["acc1"]), textcoords="offset points",
                              xytext=offset, fontsize=7, color=plot.INK)
    ax.set_xlabel("parameters (millions)")
    bx.set_xlabel("GMACs at 224 × 224")
    ax.set_ylabel("torchvision top-1 (%)")
    for axis in (ax, bx):
        axis.grid()
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    by = {p["name"]: p for p in pts}
    d201, r101 = by["densenet201"], by["resnet101"]
    d121, r34 = by["densenet121"], by["resnet34"]
    d161 = by["densenet161"]
    alt = (f"Two scatter plots of torchvision's ImageNet top-1 accuracy against parameters "
           f"(left) and MACs (right) for four DenseNets and five ResNets. The DenseNet curve "
           f"lies to the left in both until the curves meet at densenet161 "
           f"({d161['macs'] / 1e9:.2f} GMACs, {d161['acc1']}%): densenet201 reaches {d201['acc1']}% with "
           f"{d201['params'] / 1e6:.1f}M parameters and {d201['macs'] / 1e9:.2f} GMACs, against "
           f"resnet101's {r101['acc1']}% with {r101['params'] / 1e6:.1f}M and "
           f"{r101['macs'] / 1e9:.2f} GMACs; densenet121 ({d121['acc1']}%, "
           f"{d121['params'] / 1e6:.1f}M) beats resnet34 ({r34['acc1']}%, "
           f"{r34['params'] / 1e6:.1f}M).")
    return Figure(plot.svg(fig, "densenet-efficiency", "DenseNets and ResNets: accuracy against "
                           "parameters and MACs", alt), alt,
                  "Top-1 accuracy from torchvision's weights metadata (ResNets: the V1 weights, "
                  "trained with the original recipe); parameters and MACs computed by calc, "
                  "equal to torchvision's published num_params and _ops.")


@table("densenet-imagenet")
def imagenet_table() -> Table:
    rows = []
    for paper_name, tv in (("DenseNet-121", "densenet121"), ("DenseNet-169", "densenet169"),
                           ("DenseNet-201", "densenet201"), ("DenseNet-264", None),
                           ("", "densenet161"), ("", "resnet50"), ("", "resnet101"),
                           ("", "resnet152")):
        if tv is None:
            s = table_1_summary(PAPER_TABLE_1[paper_name])
        else:
            s = measured(tv)
        top1 = PAPER_TABLE_3.get(paper_name)
        acc = TORCHVISION_ACC1.get(tv)
        rows.append((paper_name or "—", tv or "—", s.params, round(s.macs / 1e9, 3),
                     f"{top1[0][0]:.2f}" if top1 else "", f"{top1[0][1]:.2f}" if top1 else "",
                     f"{acc:g}" if acc is not None else "",
                     f"{100 - acc:.3f}" if acc is not None else ""))
    notes = (
        ("Paper: Table 3's top-1 error on the ImageNet validation set, single crop and 10 "
         "crops, for the networks trained by the authors in Torch. torchvision: acc@1 from its "
         "weights metadata; the DenseNet weights are \"ported from LuaTorch\" and evaluated "
         "with torchvision's resize-and-crop, the ResNet rows are its V1 weights."),
        ("DenseNet-264 has no torchvision weights; densenet161 (k = 48, blocks of 6, 12, 36 "
         "and 24, a 96-channel stem) is not in Tables 1 or 3."),
    )
    return Table(("paper", "torchvision", "params (calc)", "GMACs (calc)",
                  "top-1 error, 1 crop (paper)", "top-1 error, 10 crops (paper)",
                  "top-1 (torchvision)", "top-1 error (torchvision)"), tuple(rows),
                 "ImageNet: Table 3 of Huang et al. (2017) and torchvision's accuracies beside "
                 "calc's parameters and MACs.", notes)


# --- Memory --------------------------------------------------------------------------------

_MEMORY_LABELS = {
    "densenet121": "densenet121, 224 × 224",
    "resnet50": "resnet50, 224 × 224",
    "densenet_bc_100_12": "DenseNet-BC (L=100, k=12), 32 × 32",
    "densenet_bc_190_40": "DenseNet-BC (L=190, k=40), 32 × 32",
}


@table("densenet-memory")
def memory_table() -> Table:
    rows = []
    for which, label in _MEMORY_LABELS.items():
        m = memory_counts(which)
        rows.append((label, m["batch"], m["params"], nbytes(m["weights"]),
                     nbytes(m["naive"]), nbytes(m["shared"]), nbytes(m["saved"]),
                     nbytes(m["checkpointed"]) if m["checkpointed"] is not None else "—"))
    notes = (
        ("All float32. Naive: every node's output kept apart, each concatenation a new "
         "tensor, nothing in place (calc's training_activations). Shared concatenation: the "
         "same without the concatenations' outputs, as when every concatenation is written "
         "into one shared buffer (training_shared_concat). PyTorch: what autograd keeps for "
         "torchvision's layout, held equal to PyTorch in calc's tests (training_saved). "
         "Checkpointed: torchvision's memory_efficient=True, also held equal to PyTorch in "
         "calc's tests (training_checkpointed); ResNet-50 has no dense layer to checkpoint."),
        ("The CIFAR rows are laid out as torchvision lays out its DenseNets (Pleiss et al.'s "
         "PyTorch code does the same), which has the same parameters and the same activations "
         "as calc's densenet_bc_100_12 and densenet_bc_190_40. Weights, their gradients and "
         "optimiser state come on top of every column."),
    )
    return Table(("network", "batch", "params", "weights", "naive", "shared concatenation",
                  "PyTorch (default)", "checkpointed"), tuple(rows),
                 "Activation memory for training, four ways, computed by calc.", notes)


@figure("densenet-memory-depth")
def memory_depth_figure() -> Figure:
    sweep = depth_sweep()
    gib = 1 << 30
    fig, ax = plot.new(figsize=(7.0, 3.7))
    x = [p["layers"] for p in sweep]
    c = plot.OKABE_ITO
    for key, colour, marker, label in (
            ("naive", c[5], "s", "naive: every output apart"),
            ("shared", c[1], "^", "concatenations in a shared buffer"),
            ("saved", c[0], "o", "PyTorch, torchvision's default"),
            ("checkpointed", c[2], "D", "PyTorch, memory_efficient=True")):
        ax.plot(x, [p[key] / gib for p in sweep], marker=marker, color=colour, label=label,
                markersize=4, linewidth=1.2)
    ref = next(p for p in sweep if p["block3"] == 24)
    ax.axvline(ref["layers"], color=plot.INK, alpha=0.35, linestyle="--", linewidth=0.8)
    ax.annotate("DenseNet-121", (ref["layers"], ref["naive"] / gib), textcoords="offset points",
                xytext=(4, 4), fontsize=8, color=plot.INK)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("weighted layers (third block lengthened)")
    ax.set_ylabel(f"GiB at batch {IMAGENET_BATCH}, float32")
    ax.grid()
    ax.legend(fontsize=8, loc="upper left")
    first, last = sweep[0], sweep[-1]
    grow = {k: last[k] / first[k] for k in ("naive", "saved", "checkpointed")}
    alt = (f"Line chart of DenseNet-121's training activation memory at batch "
           f"{IMAGENET_BATCH} as its third dense block grows from {first['block3']} to "
           f"{last['block3']} layers ({first['layers']} to {last['layers']} weighted layers). "
           f"The naive count grows {grow['naive']:.1f}-fold to {nbytes(last['naive'])}, "
           f"PyTorch's default {grow['saved']:.1f}-fold to {nbytes(last['saved'])}, both "
           f"curving upward; with checkpointing the memory grows {grow['checkpointed']:.1f}-fold "
           f"to {nbytes(last['checkpointed'])}, along a straight line.")
    return Figure(plot.svg(fig, "densenet-memory-depth", "DenseNet: training memory against depth",
                           alt), alt,
                  f"DenseNet-121 at 224 × 224 with {first['block3']} to {last['block3']} layers "
                  "in its third block, computed by calc: the concatenated inputs make every "
                  "count but the checkpointed one "
                  "grow with the square of the block's length.")
