"""Figures and tables of the Inception chapter (docs/inception.md).

Everything here is measured by calc at build time: the paper's GoogLeNet
(``googlenet_paper``), torchvision's ``googlenet`` and ``inception_v3``, single Inception
modules (:func:`calc.models.googlenet.inception_module`) and a few small networks built
here to compare designs the papers discuss (the naive module stacked, a separable first
layer, the factorised convolutions, three ways to halve a grid). The paper's printed
values sit in their own columns, labelled as the paper's.
"""

from __future__ import annotations

import functools

from calc.layers import Conv2d, MaxPool2d
from calc.models import get_model
from calc.models import googlenet_paper as paper
from calc.models.googlenet import inception_module
from calc.network import Network, NetworkBuilder
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

MODULES = tuple(paper.INCEPTION)          # inception3a .. inception5b
BRANCH_CONVS = ("branch1.conv", "branch2.0.conv", "branch2.1.conv", "branch3.0.conv",
                "branch3.1.conv", "branch4.1.conv")      # the six widths of a Table 1 row

# Table 1 of Szegedy et al. 2015, row by row: type, patch size/stride as printed, the calc
# nodes the row covers (prefixes), the node whose output is the row's output size, and the
# key of the row's printed params and ops in paper.TABLE_1_PRINTED (None: the row prints none).
TABLE_1_ROWS = (
    ("convolution", "7×7/2", ("conv1.",), "conv1.relu", "conv1"),
    ("max pool", "3×3/2", (), "maxpool1", None),
    ("convolution", "3×3/1", ("conv2.", "conv3."), "conv3.relu", "conv2+conv3"),
    ("max pool", "3×3/2", (), "maxpool2", None),
    *((f"inception ({m[len('inception'):]})", "", (f"{m}.",), f"{m}.cat", m)
      for m in MODULES[:2]),
    ("max pool", "3×3/2", (), "maxpool3", None),
    *((f"inception ({m[len('inception'):]})", "", (f"{m}.",), f"{m}.cat", m)
      for m in MODULES[2:7]),
    ("max pool", "3×3/2", (), "maxpool4", None),
    *((f"inception ({m[len('inception'):]})", "", (f"{m}.",), f"{m}.cat", m)
      for m in MODULES[7:]),
    ("avg pool", "7×7/1", (), "avgpool", None),
    ("dropout (40%)", "", (), "dropout", None),
    ("linear", "", ("fc",), "fc", "fc"),
    ("softmax", "", (), "fc", None),
)

# torchvision's published metadata (GoogLeNet_Weights.IMAGENET1K_V1.meta), as printed there:
# num_params and _ops (labelled GFLOPS in torchvision's docs; the values are GMACs).
TORCHVISION_GOOGLENET = {"num_params": 6624904, "_ops": 1.498}


# ------------------------------------------------------------------------------------------
# measurements shared by the tables, the figures and the tests


@functools.cache
def measured(name: str, **knobs):
    """A zoo model's summary (cached: the build asks for the same ones many times)."""
    return summarize(get_model(name, **knobs))


def rows_under(summary, prefixes) -> list:
    return [r for r in summary.rows if any(r.name.startswith(p) for p in prefixes)]


def weights(network: Network, prefixes) -> int:
    """Weights of the conv and linear layers under ``prefixes``, biases left out."""
    total = 0
    for node in network.nodes:
        layer = node.layer
        if layer.type in ("Conv2d", "Linear") and any(node.name.startswith(p) for p in prefixes):
            outputs = layer.out_channels if layer.type == "Conv2d" else layer.out_features
            total += layer.params - (outputs if layer.bias else 0)
    return total


def module_input(name: str) -> tuple[int, int, int]:
    """The (C, H, W) that a GoogLeNet module reads, in the paper's network."""
    return get_model("googlenet_paper").node(f"{name}.branch1.conv").input_shapes[0]


def module_widths(network: Network, name: str) -> tuple[int, ...]:
    """The six Table 1 widths of module ``name``, read off calc's network."""
    return tuple(network.node(f"{name}.{conv}").layer.out_channels for conv in BRANCH_CONVS)


def hwc(shape) -> str:
    """A shape the way Table 1 prints it: height × width × channels."""
    c, h, w = shape if len(shape) == 3 else (shape[0], 1, 1)
    return f"{h}×{w}×{c}"


def table_1_depth(network: Network, prefixes) -> int:
    """Layers with weights on the longest path through a Table 1 row."""
    if not prefixes:
        return 0
    (first,) = prefixes[:1]
    if first.startswith("inception"):
        return max(sum(1 for n in network.nodes if n.layer.type == "Conv2d"
                       and n.name.startswith(f"{first}branch{b}."))
                   for b in range(1, 5))
    return sum(1 for n in network.nodes if n.layer.type in ("Conv2d", "Linear")
               and any(n.name.startswith(p) for p in prefixes))


def table_1_cost() -> list[dict]:
    """Per Table 1 row with printed values: calc's weights (no biases) and MACs, the paper's."""
    s = measured("googlenet_paper")
    net = s.network
    out = []
    for kind, _, prefixes, _, key in TABLE_1_ROWS:
        if key is None:
            continue
        printed_k, printed_m = paper.TABLE_1_PRINTED[key]
        w = weights(net, prefixes)
        macs = sum(r.macs for r in rows_under(s, prefixes))
        out.append({"key": key, "type": kind, "printed_k": printed_k, "printed_m": printed_m,
                    "weights": w, "k": w / 1024, "macs": macs})
    return out


def separable_stem() -> Network:
    """A 7x7/2 depthwise-separable first layer: 3 -> 24 depthwise (multiplier 8), 1x1 to 64,
    without biases; the first layer of TF-Slim's BN-Inception (``inception_v2``)."""
    g = NetworkBuilder("separable_conv1", (3, 224, 224))
    x = g.layer("depthwise", Conv2d(3, 24, 7, 2, 3, groups=3, bias=False), g.input)
    x = g.layer("pointwise", Conv2d(24, 64, 1, bias=False), x)
    return g.build(x)


def five_a_reading() -> dict:
    """Inception 5a with its Table 1 widths on the input width that its printed params give."""
    widths = paper.INCEPTION["inception5a"]
    c, h, w = module_input("inception5a")
    per_input_channel = widths[0] + widths[1] + widths[3] + widths[5]
    printed_k, _ = paper.TABLE_1_PRINTED["inception5a"]
    actual = weights(get_model("googlenet_paper"), ("inception5a.",))
    extra, rest = divmod(printed_k * 1024 - actual, per_input_channel)
    module = inception_module(c + extra, (h, w), *widths)
    return {"extra": extra, "remainder": rest, "in_channels": c + extra,
            "weights": weights(module, ("module.",)), "macs": summarize(module).macs}


def naive_stack() -> Network:
    """GoogLeNet with every module in its naive form (Figure 2(a)): no 1x1 reductions, the
    pool branch passing its whole input through, so the width grows module after module."""
    g = NetworkBuilder("googlenet_naive", (3, 224, 224))
    x = paper.conv_relu(g, "conv1", g.input, 64, 7, 2)
    x = g.layer("maxpool1", paper.MAX_POOL, x)
    x = g.layer("lrn1", paper.LRN, x)
    x = paper.conv_relu(g, "conv2", x, 64, 1)
    x = paper.conv_relu(g, "conv3", x, 192, 3)
    x = g.layer("lrn2", paper.LRN, x)
    x = g.layer("maxpool2", paper.MAX_POOL, x)
    for name, (ch1x1, _, ch3x3, _, ch5x5, _) in paper.INCEPTION.items():
        x = paper.naive_inception(g, name, x, ch1x1, ch3x3, ch5x5)
        if name == "inception3b":
            x = g.layer("maxpool3", paper.MAX_POOL, x)
        elif name == "inception4e":
            x = g.layer("maxpool4", paper.MAX_POOL, x)
    return g.build(x)


@functools.cache
def module_costs() -> list[dict]:
    """Per GoogLeNet module: with reductions, naive on the same input, naive stacked."""
    s = measured("googlenet_paper")
    stack = summarize(naive_stack())
    out = []
    for name in MODULES:
        c, h, w = module_input(name)
        widths = paper.INCEPTION[name]
        naive = summarize(inception_module(c, (h, w), *widths, reductions=False))
        mine = rows_under(s, (f"{name}.",))
        stacked = rows_under(stack, (f"{name}.",))
        out.append({
            "name": name, "input": (c, h, w), "output": s.network.node(f"{name}.cat").output_shape,
            "params": sum(r.params for r in mine), "macs": sum(r.macs for r in mine),
            "naive_output": naive.output, "naive_params": naive.params, "naive_macs": naive.macs,
            "stack_input": stack.network.node(f"{name}.branch1.conv").input_shapes[0][0],
            "stack_params": sum(r.params for r in stacked),
            "stack_macs": sum(r.macs for r in stacked),
        })
    return out


def short(name: str) -> str:
    return name[len("inception"):]


# ------------------------------------------------------------------------------------------
# GoogLeNet


@table("googlenet-table-1")
def googlenet_table_1() -> Table:
    """Table 1 of Szegedy et al. 2015, every row, with calc's numbers beside the printed ones."""
    s = measured("googlenet_paper")
    net = s.network
    printed = {row["key"]: row for row in table_1_cost()}
    rows = []
    depth_total = 0
    for kind, patch, prefixes, out_node, key in TABLE_1_ROWS:
        depth = table_1_depth(net, prefixes)
        depth_total += depth
        if kind.startswith("inception"):
            widths = module_widths(net, prefixes[0][:-1])
        elif key == "conv2+conv3":
            widths = ("", net.node("conv2.conv").layer.out_channels,
                      net.node("conv3.conv").layer.out_channels, "", "", "")
        else:
            widths = ("",) * 6
        cost = printed.get(key)
        if cost is None:
            money = ("", "", "", "", "")
        else:
            money = (f"{cost['printed_k']:g}K", cost["weights"], round(cost["k"], 1),
                     f"{cost['printed_m']:g}M", round(cost["macs"] / 1e6, 1))
        rows.append((kind, patch, hwc(net.node(out_node).output_shape), depth, *widths,
                     *money))
    cost = table_1_cost()
    printed_k = sum(r["printed_k"] for r in cost)
    printed_m = sum(r["printed_m"] for r in cost)
    w_total = sum(r["weights"] for r in cost)
    rows.append(("total", "", "", depth_total, *("",) * 6, f"{printed_k:g}K", w_total,
                 round(w_total / 1024, 1), f"{printed_m:g}M", round(s.macs / 1e6, 1)))
    sep = separable_stem()
    sep_w, sep_macs = weights(sep, ("",)), summarize(sep).macs
    depthwise, pointwise = sep.node("depthwise").layer, sep.node("pointwise").layer
    conv1 = net.node("conv1.conv").layer
    five_a = five_a_reading()
    c5a = module_input("inception5a")[0]
    k4c = printed["inception4c"]
    notes = (
        ("Output sizes are calc's and equal every size Table 1 prints. Depth is calc's count of "
         f"layers with weights on the longest path through the row; it adds up to {depth_total}, "
         "the paper's \"22 layers deep\"."),
        ("params: the paper counts weights without biases, in units of 1,024 (K). The linear "
         f"row's {printed['fc']['weights']:,} weights are exactly {printed['fc']['k']:g}K and "
         f"the stem's {printed['conv2+conv3']['weights']:,} exactly "
         f"{printed['conv2+conv3']['k']:g}K."),
        ("ops (multiply-adds, in millions): calc's MACs round to the printed value on every "
         "row but inception (4a), off by under 1M, and two rows that no layer count "
         "reproduces: the first convolution and inception (5a)."),
        (f"convolution 7×7/2: a 7×7 convolution from {conv1.in_channels} to "
         f"{conv1.out_channels} channels has {printed['conv1']['weights']:,} weights and "
         f"{printed['conv1']['macs'] / 1e6:.1f}M MACs, not {printed['conv1']['printed_k']:g}K "
         f"and {printed['conv1']['printed_m']:g}M. A depthwise-separable 7×7 "
         f"({depthwise.in_channels} to {depthwise.out_channels} channels, then 1×1 to "
         f"{pointwise.out_channels}), the first layer of "
         f"TF-Slim's BN-Inception, has {sep_w:,} weights ({sep_w / 1024:.2f}K) and "
         f"{sep_macs / 1e6:.1f}M MACs: it fits the ops cell and, within 0.1K, the params cell."),
        (f"inception (5a): its widths on the {c5a} channels that 4e gives have "
         f"{printed['inception5a']['weights']:,} weights ({printed['inception5a']['k']:.1f}K) and "
         f"{printed['inception5a']['macs'] / 1e6:.1f}M MACs. Read with {five_a['in_channels']} "
         f"input channels ({five_a['extra']} more), the module has {five_a['weights']:,} = "
         f"{five_a['weights'] // 1024:,} × 1,024 weights and {five_a['macs'] / 1e6:.1f}M MACs, "
         "both printed cells; the paper does not say why."),
        (f"inception (4c): the printed {k4c['printed_k']:g}K is "
         f"{100 * (1 - k4c['printed_k'] / k4c['k']):.1f}% below "
         f"calc's {k4c['k']:.1f}K while its ops match; no change of one width fits both."),
        (f"Column totals: {printed_k:,.1f}K printed against {w_total / 1024:,.1f}K, and "
         f"{printed_m:,}M printed against calc's {s.macs / 1e6:,.1f}M for the whole network."),
    )
    header = ("type", "patch size/stride", "output size", "depth", "#1×1", "#3×3 reduce",
              "#3×3", "#5×5 reduce", "#5×5", "pool proj", "params (paper)", "weights (calc)",
              "weights ÷ 1,024", "ops (paper)", "MACs (calc, M)")
    return Table(header, tuple(rows),
                 "GoogLeNet, Table 1 of Szegedy et al. (2015) row by row: the printed params "
                 "and ops beside calc's weights (biases left out) and MACs for a 224×224 input.",
                 notes)


@figure("googlenet-table-1-check")
def googlenet_table_1_check() -> Figure:
    """Printed / computed, per Table 1 row, for the params and the ops columns."""
    cost = table_1_cost()
    five_a = five_a_reading()
    labels = [r["key"].replace("inception", "").replace("conv2+conv3", "conv2+3") for r in cost]
    p_ratio = [r["printed_k"] / r["k"] for r in cost]
    m_ratio = [r["printed_m"] / (r["macs"] / 1e6) for r in cost]
    fig, ax = plot.new()
    x = list(range(len(cost)))
    ax.axhline(1.0, linewidth=0.8, color=plot.INK, alpha=0.5)
    ax.scatter([i - 0.12 for i in x], p_ratio, marker="o", s=28, label="params: printed K ÷ (weights ÷ 1,024)")
    ax.scatter([i + 0.12 for i in x], m_ratio, marker="s", s=28, label="ops: printed M ÷ MACs")
    ax.set_yscale("log")
    ax.set_yticks([0.3, 0.5, 0.8, 0.9, 1.0, 1.1])
    ax.set_yticklabels(["0.3", "0.5", "0.8", "0.9", "1.0", "1.1"])
    ax.minorticks_off()
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_ylabel("printed ÷ calc")
    ax.grid(axis="y")
    ax.legend(loc="lower right", fontsize=8)
    for i, r in enumerate(cost):
        if r["key"] in ("conv1", "inception4c", "inception5a"):
            y = min(p_ratio[i], m_ratio[i]) if r["key"] != "inception5a" else max(p_ratio[i], m_ratio[i])
            text = {"conv1": "a separable 7×7 fits both", "inception4c": "params slip",
                    "inception5a": f"{five_a['in_channels']} input channels fit both"}[r["key"]]
            ax.annotate(text, (i, y), textcoords="offset points",
                        xytext={"conv1": (12, 2), "inception4c": (8, -10),
                                "inception5a": (-40, 9)}[r["key"]], fontsize=8)
    worst = cost[0]
    alt = (f"Dot plot of GoogLeNet's Table 1, printed value divided by calc's for each of "
           f"{len(cost)} rows. Both columns sit within a few percent of 1 except the first "
           f"convolution (params {p_ratio[0]:.2f}, ops {m_ratio[0]:.2f}: the printed "
           f"{worst['printed_k']:g}K and {worst['printed_m']:g}M against {worst['weights']:,} "
           f"weights and {worst['macs'] / 1e6:.1f}M MACs), inception 4c's params "
           f"({p_ratio[6]:.2f}) and inception 5a (params {p_ratio[9]:.2f}, ops {m_ratio[9]:.2f}).")
    return Figure(plot.svg(fig, "googlenet-table-1-check", "GoogLeNet Table 1: printed ÷ calc",
                           alt), alt,
                  "Table 1's params (in units of 1,024 weights) and ops (millions of "
                  "multiply-adds) divided by calc's counts, row by row, on a log scale.")


@figure("inception-module-diagram")
def module_diagram(module: str = "inception3a") -> Figure:
    """One GoogLeNet module drawn with calc's shapes, parameters, MACs and receptive fields."""

    s = measured("googlenet_paper")
    net = s.network
    rows = {r.name: r for r in s.rows}
    c, h, w = module_input(module)
    prev = net.node(f"{module}.branch1.conv").inputs[0]
    fig, ax = plot.new(figsize=(7.0, 4.6))
    ax.set_xlim(0, 8)
    ax.set_ylim(-0.1, 5.3)
    ax.axis("off")
    colours = plot.OKABE_ITO

    box = functools.partial(plot.block, ax, width=1.85, height=0.78, rounding=0.08,
                            fontsize=7.2)
    arrow = functools.partial(plot.arrow, ax, linewidth=0.8)

    def conv_text(node):
        layer = net.node(node).layer
        k = layer.kernel_size[0]
        r = rows[node]
        return (f"{k}×{k} conv, {layer.out_channels}\n{r.output[0]}×{r.output[1]}×{r.output[2]}\n"
                f"{r.params:,} params\n{r.macs / 1e6:.1f}M MACs")

    xs = (1.05, 3.0, 4.95, 6.9)
    y_in, y1, y2, y_cat = 0.35, 1.75, 3.15, 4.7
    in_rf = rows[prev].rf.size[0]
    box(4.0, y_in, f"input ({prev}): {c}×{h}×{w}, receptive field {in_rf}", colours[7],
        width=6.6, height=0.5)
    ends = {}
    # branch 1: one 1x1 conv
    box(xs[0], y2, conv_text(f"{module}.branch1.conv"), colours[0])
    arrow(xs[0], y_in + 0.25, xs[0], y2 - 0.39)
    ends[0] = f"{module}.branch1.conv"
    for i, (red, big) in enumerate((("branch2.0.conv", "branch2.1.conv"),
                                    ("branch3.0.conv", "branch3.1.conv")), start=1):
        box(xs[i], y1, conv_text(f"{module}.{red}"), colours[i])
        box(xs[i], y2, conv_text(f"{module}.{big}"), colours[i])
        arrow(xs[i], y_in + 0.25, xs[i], y1 - 0.39)
        arrow(xs[i], y1 + 0.39, xs[i], y2 - 0.39)
        ends[i] = f"{module}.{big}"
    pool = rows[f"{module}.branch4.0"]
    box(xs[3], y1, f"3×3 max pool, stride 1\n{pool.output[0]}×{pool.output[1]}×{pool.output[2]}"
        "\nno params, no MACs", colours[3])
    box(xs[3], y2, conv_text(f"{module}.branch4.1.conv"), colours[3])
    arrow(xs[3], y_in + 0.25, xs[3], y1 - 0.39)
    arrow(xs[3], y1 + 0.39, xs[3], y2 - 0.39)
    ends[3] = f"{module}.branch4.1.conv"
    for i, node in ends.items():
        ax.text(xs[i], y2 + 0.5, f"RF {rows[node].rf.size[0]}", ha="center", va="center",
                fontsize=7.2, color=plot.INK)
        arrow(xs[i], y2 + 0.62, xs[i], y_cat - 0.3)
    cat = rows[f"{module}.cat"]
    mine = rows_under(s, (f"{module}.",))
    widths = " + ".join(str(rows[n].output[0]) for n in ends.values())
    box(4.0, y_cat, f"concatenate: {widths} = {cat.output[0]} channels, "
        f"{cat.output[0]}×{cat.output[1]}×{cat.output[2]}\n"
        f"module: {sum(r.params for r in mine):,} params, "
        f"{sum(r.macs for r in mine) / 1e6:.1f}M MACs, receptive field {cat.rf.size[0]}",
        colours[7], width=7.6, height=0.6)
    big = max(ends.values(), key=lambda n: rows[n].macs)
    alt = (f"Diagram of GoogLeNet's inception ({short(module)}) on a {c}×{h}×{w} input: a 1×1 "
           f"branch, 1×1 reductions before a 3×3 and a 5×5 convolution, and a 3×3 max pool "
           f"followed by a 1×1 projection, concatenated to {cat.output[0]} channels. The module "
           f"has {sum(r.params for r in mine):,} parameters and "
           f"{sum(r.macs for r in mine) / 1e6:.1f} million MACs; the largest single layer is "
           f"{big.split('.', 1)[1]} with {rows[big].macs / 1e6:.1f} million. Receptive fields "
           f"at the branch ends: {', '.join(str(rows[n].rf.size[0]) for n in ends.values())}; "
           f"the concatenation takes the largest, {cat.rf.size[0]}.")
    return Figure(plot.svg(fig, f"inception-module-diagram-{module}",
                           f"Inception module ({short(module)})", alt), alt,
                  f"GoogLeNet's inception ({short(module)}) as the paper builds it (Figure 2(b)), "
                  "every shape, parameter count, MAC count and receptive field computed by "
                  "calc. Parameters include the biases.")


@table("googlenet-modules")
def googlenet_modules() -> Table:
    """The nine modules with and without their 1x1 reductions, alone and stacked."""
    rows = []
    for m in module_costs():
        c, h, w = m["input"]
        rows.append((short(m["name"]), f"{c}×{h}×{w}", m["output"][0], m["params"],
                     round(m["macs"] / 1e6, 1), m["naive_output"][0], m["naive_params"],
                     round(m["naive_macs"] / 1e6, 1), round(m["naive_macs"] / m["macs"], 2),
                     m["stack_input"], round(m["stack_macs"] / 1e6, 1)))
    costs = module_costs()
    tot = {k: sum(m[k] for m in costs) for k in ("params", "macs", "naive_params", "naive_macs",
                                                 "stack_params", "stack_macs")}
    rows.append(("all nine", "", "", tot["params"], round(tot["macs"] / 1e6, 1), "",
                 tot["naive_params"], round(tot["naive_macs"] / 1e6, 1),
                 round(tot["naive_macs"] / tot["macs"], 2), "", round(tot["stack_macs"] / 1e6, 1)))
    paper_net = measured("googlenet_paper")
    stack = summarize(naive_stack())
    notes = (
        ("Naive: the paper's Figure 2(a), the same #1×1, #3×3 and #5×5 without the 1×1 "
         "reductions, on the input the module has in GoogLeNet; its pool branch passes every "
         "input channel through, so it outputs more channels than it reads."),
        (f"Naive stack: all nine modules naive, one after the other. The width compounds to "
         f"{stack.output[0]:,} channels after 5b; the whole network would have "
         f"{stack.params:,} parameters and {stack.macs / 1e9:.2f} G MACs against GoogLeNet's "
         f"{paper_net.params:,} and {paper_net.macs / 1e9:.2f} G."),
    )
    return Table(("module", "input", "output channels", "params", "MACs (M)",
                  "naive: output channels", "naive: params", "naive: MACs (M)",
                  "naive ÷ reduced MACs", "naive stack: input channels",
                  "naive stack: MACs (M)"), tuple(rows),
                 "GoogLeNet's modules with their 1×1 reductions (calc, paper's network, biases "
                 "included), and without them.", notes)


@figure("googlenet-reductions")
def googlenet_reductions() -> Figure:
    """What the 1x1 reductions save per module, alone and compounded."""
    costs = module_costs()
    labels = [short(m["name"]) for m in costs]
    x = list(range(len(costs)))
    fig, (ax, bx) = plot.new(1, 2, figsize=(7.0, 3.4), gridspec_kw={"width_ratios": (3, 2)})
    ax.bar([i - 0.27 for i in x], [m["macs"] / 1e6 for m in costs], width=0.27,
           label="with 1×1 reductions")
    ax.bar(x, [m["naive_macs"] / 1e6 for m in costs], width=0.27, label="naive, same input")
    ax.bar([i + 0.27 for i in x], [m["stack_macs"] / 1e6 for m in costs], width=0.27,
           label="naive, stacked")
    ax.set_yscale("log")
    ax.set_xticks(x, labels)
    ax.set_ylabel("MACs per module (millions)")
    ax.grid(axis="y", which="major")
    ax.legend(fontsize=7.5, loc="upper left")
    bx.plot(x, [m["input"][0] for m in costs], marker="o", label="GoogLeNet")
    bx.plot(x, [m["stack_input"] for m in costs], marker="s", label="naive stack")
    bx.set_xticks(x, labels)
    bx.set_ylabel("channels into the module")
    bx.grid(axis="y")
    bx.legend(fontsize=7.5, loc="upper left")
    fig.tight_layout()
    tot = sum(m["macs"] for m in costs)
    naive = sum(m["naive_macs"] for m in costs)
    stack = sum(m["stack_macs"] for m in costs)
    alt = (f"Left: MACs of GoogLeNet's nine Inception modules on a log scale. With the 1×1 "
           f"reductions they total {tot / 1e6:,.0f} million; each naive module on the same input "
           f"costs {min(m['naive_macs'] / m['macs'] for m in costs):.1f} to "
           f"{max(m['naive_macs'] / m['macs'] for m in costs):.1f} times as much "
           f"({naive / 1e6:,.0f} million in all); stacked naive modules {stack / 1e6:,.0f} million. "
           f"Right: the channels entering each module stay between {min(m['input'][0] for m in costs)} "
           f"and {max(m['input'][0] for m in costs)} in GoogLeNet but grow to "
           f"{costs[-1]['stack_input']:,} in the naive stack.")
    return Figure(plot.svg(fig, "googlenet-reductions", "What the 1×1 reductions save", alt), alt,
                  "GoogLeNet's modules with their 1×1 reductions, without them on the same "
                  "input, and without them stacked (the pool branch passes every channel on), "
                  "computed by calc at 224×224.")


@table("googlenet-torchvision")
def googlenet_torchvision() -> Table:
    """From the paper's GoogLeNet to torchvision's, change by change."""
    p, t = measured("googlenet_paper"), measured("googlenet")
    pn, tn = p.network, t.network
    b3 = [n for n in tn.nodes if n.name.endswith("branch3.1.conv")]
    kernel_params = -sum(weights(pn, (n.name,)) - weights(tn, (n.name,)) for n in b3)
    kernel_macs = -sum(r.macs for r in p.rows if r.name.endswith("branch3.1.conv")) + \
        sum(r.macs for r in t.rows if r.name.endswith("branch3.1.conv"))
    biases = -sum(n.layer.out_channels for n in pn.nodes if n.layer.type == "Conv2d")
    bn = sum(r.params for r in t.rows if r.type == "BatchNorm2d")
    rows = (
        ("the paper's network (calc, googlenet_paper)", p.params, p.macs),
        ("branch3: 3×3 convolutions where the paper has 5×5", kernel_params, kernel_macs),
        ("convolutions without bias", biases, 0),
        ("batch norm after every convolution (γ and β)", bn, 0),
        ("no local response normalisation", 0, 0),
        ("maxpool4: 2×2/2 where the paper has 3×3/2 (both give 7×7)", 0, 0),
        ("torchvision's googlenet (calc)", t.params, t.macs),
        ("torchvision's published num_params and _ops", TORCHVISION_GOOGLENET["num_params"],
         f"{TORCHVISION_GOOGLENET['_ops']} G"),
    )
    notes = ((f"Batch norm also adds {t.buffers:,} buffers (running means and variances, and "
              "a batch counter per layer), which are not parameters. MACs count conv and "
              "linear layers only, so the normalisations change none."),
             "Both networks without their auxiliary classifiers, at 224×224.")
    return Table(("change", "params", "MACs"), rows,
                 "From the paper's GoogLeNet to torchvision's googlenet: what each difference "
                 "adds to the parameters and the MACs.", notes)


# ------------------------------------------------------------------------------------------
# Inception v3


def _chain(name: str, shape, layers) -> Network:
    g = NetworkBuilder(name, shape)
    x = g.input
    for i, layer in enumerate(layers):
        x = g.layer(f"{name}.{i}", layer, x)
    return g.build(x)


def factorisations() -> list[dict]:
    """Each factorisation of Szegedy et al. 2016 on concrete widths: the layer it replaces and
    the layers that replace it, as calc measures them (convs without bias, as in Inception v3)."""
    def conv(cin, cout, k, p):
        return Conv2d(cin, cout, k, 1, p, bias=False)

    cases = []

    def case(label, where, shape, before, after, printed):
        b, a = summarize(_chain("before", shape, before)), summarize(_chain("after", shape, after))
        assert b.output == a.output and b.receptive_field.size == a.receptive_field.size
        cases.append({"label": label, "where": where, "shape": shape, "before": b, "after": a,
                      "printed": printed})

    c35 = row_v3("Mixed_5b.branch3x3dbl_2.conv").output[0]     # 96 at 35x35
    case("5×5 → 3×3, 3×3", f"{c35} → {c35} channels, 35×35", (c35, 35, 35),
         [conv(c35, c35, 5, 2)], [conv(c35, c35, 3, 1), conv(c35, c35, 3, 1)], "28%")
    c8 = row_v3("Mixed_7b.branch3x3_2a.conv").output[0]        # 384 at 8x8
    case("3×3 → 3×1, 1×3", f"{c8} → {c8} channels, 8×8", (c8, 8, 8),
         [conv(c8, c8, 3, 1)], [conv(c8, c8, (3, 1), (1, 0)), conv(c8, c8, (1, 3), (0, 1))],
         "33%")
    case("3×3 → 2×2, 2×2", f"{c8} → {c8} channels, 8×8", (c8, 8, 8),
         [conv(c8, c8, 3, 1)], [conv(c8, c8, 2, 0), conv(c8, c8, 2, 1)], "11%")
    for mixed in ("Mixed_6e", "Mixed_6b"):
        mid = row_v3(f"{mixed}.branch7x7_2.conv").output[0]
        out = row_v3(f"{mixed}.branch7x7_3.conv").output[0]
        case("7×7 → 1×7, 7×1", f"{mixed}: {mid} → {out} channels, 17×17", (mid, 17, 17),
             [conv(mid, out, 7, 3)], [conv(mid, mid, (1, 7), (0, 3)), conv(mid, out, (7, 1), (3, 0))],
             "")
    return cases


def row_v3(node: str, **knobs):
    for r in measured("inception_v3", **knobs).rows:
        if r.name == node:
            return r
    raise KeyError(node)


@table("inception-v3-factorisations")
def inception_v3_factorisations() -> Table:
    rows = []
    for c in factorisations():
        b, a = c["before"], c["after"]
        rows.append((c["label"], c["where"], b.params, a.params,
                     f"{100 * (1 - a.params / b.params):.1f}%", c["printed"] or "—",
                     b.macs, a.macs, b.receptive_field.size[0]))
    six_e = next(c for c in factorisations() if c["where"].startswith("Mixed_6e"))
    two_by_two = next(c for c in factorisations() if c["label"].startswith("3×3 → 2×2"))["after"]
    real = sum(row_v3(f"Mixed_6e.branch7x7_{i}.conv").macs for i in (2, 3))
    notes = (
        ("Every row replaces one convolution by two with the same input, output and receptive "
         "field (calc checks both); convolutions without bias, as in Inception v3. The 2×2 pair "
         "pads only the second layer, which keeps the grid."),
        (f"The Mixed_6e pair is torchvision's own branch7x7_2 and branch7x7_3, which do "
         f"{real:,} MACs in calc's inception_v3, as in the table "
         f"({six_e['after'].macs:,})."),
        ("The paper's savings (Section 3) assume as many output as input channels; where a pair "
         "changes the width (Mixed_6b) the saving differs. The saving is counted in weights, "
         "which do not depend on the grid; MACs follow it on a large grid, but on 8×8 the "
         f"unpadded first 2×2 layer runs on {two_by_two.rows[0].output[1]}×"
         f"{two_by_two.rows[0].output[2]} positions only."),
    )
    return Table(("factorisation", "where", "params before", "params after", "saving (calc)",
                  "saving (paper)", "MACs before", "MACs after", "receptive field"),
                 tuple(rows),
                 "The factorisations of Szegedy et al. (2016), Sections 3.1 and 3.2, on "
                 "Inception v3's widths.", notes)


def grid_reductions() -> list[dict]:
    """Three ways from Mixed_5d's 288×35×35 to Mixed_6a's 768×17×17 (and 17 -> 8 for Mixed_7a)."""
    out = []
    for mixed, before in (("Mixed_6a", "Mixed_5d.cat"), ("Mixed_7a", "Mixed_6e.cat")):
        cin, d, _ = row_v3(before).output
        cout, half, _ = row_v3(f"{mixed}.cat").output
        shape = (cin, d, d)
        pool_conv = summarize(_chain("pool_then_conv", shape, [
            MaxPool2d(3, 2), Conv2d(cin, cout, 3, 1, 1, bias=False)]))
        conv_pool = summarize(_chain("conv_then_pool", shape, [
            Conv2d(cin, cout, 3, 1, 1, bias=False), MaxPool2d(3, 2)]))
        rows = measured("inception_v3").rows
        module = [r for r in rows if r.name.startswith(f"{mixed}.")]
        narrowest = {
            "pool then conv": pool_conv.rows[0].activations,
            "conv then pool": conv_pool.rows[-1].activations,
            mixed: cout * half * half,
        }
        out.append({"mixed": mixed, "input": shape, "output": (cout, half, half),
                    "pool_conv": pool_conv, "conv_pool": conv_pool,
                    "module_macs": sum(r.macs for r in module),
                    "module_params": sum(r.params for r in module),
                    "narrowest": narrowest})
    return out


@table("inception-v3-grid-reduction")
def inception_v3_grid_reduction() -> Table:
    rows = []
    for g in grid_reductions():
        c, d, _ = g["input"]
        co, h, _ = g["output"]
        where = f"{c}×{d}×{d} → {co}×{h}×{h}"
        rows.append((where, "3×3/2 max pool, then 3×3 conv", g["pool_conv"].params,
                     g["pool_conv"].macs, g["narrowest"]["pool then conv"]))
        rows.append((where, "3×3 conv, then 3×3/2 max pool", g["conv_pool"].params,
                     g["conv_pool"].macs, g["narrowest"]["conv then pool"]))
        rows.append((where, f"{g['mixed']}: parallel stride-2 branches", g["module_params"],
                     g["module_macs"], g["narrowest"][g["mixed"]]))
    first = grid_reductions()[0]
    ratio = first["conv_pool"].macs / first["pool_conv"].macs
    notes = (
        ("Smallest representation: the fewest values per image on the way from input to output "
         "(channels × height × width); pooling first squeezes the whole representation through "
         "the input's channel count on the small grid, the bottleneck that principle 1 warns of."),
        (f"At 35×35, convolving first costs {ratio:.2f} times as much as pooling first (35² over "
         "17²); the paper's formulas, 2d²k² against 2(d/2)²k², give 4, as if 35 halved to 17.5. "
         "Params include batch norm in the module rows (torchvision's BasicConv2d), none in the "
         "others."),
    )
    return Table(("reduction", "design", "params", "MACs", "smallest representation"),
                 tuple(rows),
                 "Three ways to halve the grid while widening it, measured by calc: "
                 "Section 5 and Figures 9 and 10 of Szegedy et al. (2016).", notes)


@figure("inception-v3-blocks")
def inception_v3_blocks() -> Figure:
    """Where Inception v3's MACs and parameters sit, block by block, at 299x299."""
    s = measured("inception_v3")
    blocks: dict[str, list] = {}
    for r in s.rows:
        block = r.name.split(".")[0]
        if block.startswith("maxpool") or block in ("avgpool", "dropout", "flatten"):
            continue
        blocks.setdefault(block, []).append(r)
    names = list(blocks)
    macs = [sum(r.macs for r in blocks[b]) / 1e9 for b in names if b != "AuxLogits"]
    params = [sum(r.params for r in blocks[b]) / 1e6 for b in names]
    grid = {b: blocks[b][-1].output[1] if len(blocks[b][-1].output) == 3 else 1 for b in names}
    colours = {35: plot.OKABE_ITO[0], 17: plot.OKABE_ITO[1], 8: plot.OKABE_ITO[2]}
    fig, (ax, bx) = plot.new(2, 1, figsize=(7.0, 5.0), sharex=True)
    x = list(range(len(names)))
    main = [i for i, b in enumerate(names) if b != "AuxLogits"]

    def colour(b):
        if b.startswith("Conv2d"):
            return plot.OKABE_ITO[7]
        return colours.get(grid[b], plot.OKABE_ITO[5])
    ax.bar(main, macs, color=[colour(names[i]) for i in main])
    ax.set_ylabel("GMACs")
    ax.grid(axis="y")
    bx.bar(x, params, color=[colour(b) for b in names])
    bx.set_ylabel("params (millions)")
    bx.grid(axis="y")
    bx.set_xticks(x, [b.replace("Conv2d_", "") for b in names], rotation=60, ha="right",
                  fontsize=8)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=plot.OKABE_ITO[7], label="stem convolutions"),
                       Patch(color=colours[35], label="35×35 modules"),
                       Patch(color=colours[17], label="17×17 modules"),
                       Patch(color=colours[8], label="8×8 modules"),
                       Patch(color=plot.OKABE_ITO[5], label="aux head, fc")],
              fontsize=7.5, ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    stem = [b for b in names if b.startswith("Conv2d")]
    stem_macs = sum(sum(r.macs for r in blocks[b]) for b in stem)
    stem_params = sum(sum(r.params for r in blocks[b]) for b in stem)
    heavy = max(names, key=lambda b: sum(r.params for r in blocks[b]))
    alt = (f"Bar charts of Inception v3 at 299×299, block by block. The five stem "
           f"convolutions do {stem_macs / 1e9:.2f} of the {s.macs / 1e9:.2f} GMACs "
           f"({100 * stem_macs / s.macs:.0f}%) with {stem_params:,} of the {s.params:,} "
           f"parameters; the parameters sit in the 8×8 modules and the classifiers, the most in "
           f"{heavy} ({sum(r.params for r in blocks[heavy]):,}).")
    return Figure(plot.svg(fig, "inception-v3-blocks", "Inception v3: MACs and parameters per block",
                           alt), alt,
                  "torchvision's inception_v3 at 299×299, computed by calc: MACs (top; the "
                  "auxiliary head runs only in training) and parameters (bottom) of each block.")
