"""Figures and tables of the build-your-own chapter (docs/build-your-own.md).

Everything is measured from the description files in docs/examples/ (parsed with
:func:`calc.description.parse_with_lines`) or from calc's arithmetic, when the site is built:
the worked examples' totals, their stage-by-stage costs, the receptive field of each stage
plan, the error messages of the broken files and the design checks of the drafts. The page's
prose states only what follows from the procedure's arithmetic (shortcodes); the numbers of a
file live here, so the page cannot drift from the files it includes.
tests/test_chapter_build_your_own.py checks the files, the formulas and these tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from matplotlib.ticker import MaxNLocator

from calc.arithmetic import conv_output_size
from calc.checks import SEVERITY, check
from calc.description import SPECS, parse_with_lines
from calc.errors import CalcError
from calc.render.checks_text import findings_text
from calc.render.numbers import grouped, nbytes, pair, shape, si
from calc.summary import summarize

from . import Figure, Table, figure, plot, table

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

# The worked examples and the training batch each is measured at (the page's givens).
WORKED = {"small-96": 128, "seg-512": 8}

# Input sizes for the halving table: CIFAR, small images, STL-10, ImageNet, Inception v3,
# a segmentation tile.
HALVING_SIZES = (32, 64, 96, 128, 224, 299, 512)
MAX_STEPS = 7
FINAL_MAP = (3, 7)     # the final map a classifier's convolutions end on, inclusive

WEIGHTED = ("Conv2d", "ConvTranspose2d", "Linear")


# --- Reading the example files ------------------------------------------------------------

def example_text(name: str) -> str:
    """The text of ``docs/examples/<name>.txt`` (``name`` may hold a folder: errors/typo)."""
    return (EXAMPLES / f"{name}.txt").read_text()


def load(name: str):
    """``(network, lines)`` of an example file: the network and each node's line."""
    return parse_with_lines(example_text(name), name.rsplit("/", 1)[-1])


def example_names(folder: str = "") -> list[str]:
    """Every example file of a folder, as names for :func:`load` (sorted)."""
    base = EXAMPLES / folder if folder else EXAMPLES
    prefix = f"{folder}/" if folder else ""
    return sorted(prefix + p.stem for p in base.glob("*.txt"))


# --- The procedure's arithmetic -------------------------------------------------------------

def halvings(size: int, steps: int = MAX_STEPS) -> list[int]:
    """The map after each stride-2 step (3x3 kernel, padding 1): ceil(size / 2) each time."""
    out = []
    for _ in range(steps):
        size = conv_output_size(size, 3, stride=2, padding=1)
        out.append(size)
    return out


def steps_to_final_map(size: int) -> list[int]:
    """Numbers of stride-2 steps after which the map lies in FINAL_MAP."""
    lo, hi = FINAL_MAP
    return [n for n, s in enumerate(halvings(size), start=1) if lo <= s <= hi]


def stage_plan(steps: int, size: int = 256) -> str:
    """small-96's plan with ``steps`` stride-2 steps: a strided 3x3 layer, then two residual
    blocks of two 3x3 convolutions, per step (widths do not change a receptive field)."""
    block = ("repeat 2:\n  residual:\n    LazyConv2d(8, 3, padding=1)\n    ReLU()\n"
             "    LazyConv2d(8, 3, padding=1)\n  ReLU()\n")
    text = f"input 3x{size}x{size}\n"
    for _ in range(steps):
        text += "LazyConv2d(8, 3, stride=2, padding=1)\nReLU()\n" + block
    return text


def level_plan(pools: int, size: int = 256) -> str:
    """seg-512's encoder with ``pools`` levels: two 3x3 convolutions then a 2x2 max pool per
    level, and two 3x3 convolutions at the bottom."""
    pair_ = "LazyConv2d(8, 3, padding=1)\nReLU()\nLazyConv2d(8, 3, padding=1)\nReLU()\n"
    return f"input 3x{size}x{size}\n" + (pair_ + "MaxPool2d(2)\n") * pools + pair_


def plan_field(text: str) -> int:
    field = summarize(parse_with_lines(text)[0]).receptive_field
    return field.size[0]


# --- Measuring an example -------------------------------------------------------------------

def stages(summary):
    """Rows grouped by the spatial size of their output, in order of first appearance:
    ``[(label, rows)]``; 1x1 maps and flat outputs form the head."""
    groups: dict[str, list] = {}
    for r in summary.rows:
        spatial = len(r.output) == 3 and r.output[1] * r.output[2] > 1
        label = f"{r.output[1]}x{r.output[2]}" if spatial else "head"
        groups.setdefault(label, []).append(r)
    return list(groups.items())


def _channels(rows) -> str:
    widths = sorted({r.output[0] for r in rows if r.type in ("Conv2d", "ConvTranspose2d")})
    return ", ".join(map(str, widths)) if widths else ""


@table("byo-halvings")
def halvings_table() -> Table:
    rows = []
    for size in HALVING_SIZES:
        steps = steps_to_final_map(size)
        rows.append((f"{size}x{size}", *halvings(size),
                     " or ".join(f"{n} steps" for n in steps)))
    lo, hi = FINAL_MAP
    return Table(("input", *(f"after {n}" for n in range(1, MAX_STEPS + 1)),
                  f"ends on {lo}x{lo} to {hi}x{hi} after"),
                 tuple(rows),
                 "The map after each stride-2 step (a 3x3 kernel with padding 1).",
                 ("Each step computes floor((i + 2 - 3) / 2) + 1, which is i / 2 rounded up; "
                  "a 2x2 max pool rounds down instead (299 -> 149), so odd sizes differ by one "
                  "between the two.",))


@table("byo-plans")
def plans_table() -> Table:
    rows = []
    for n in range(1, MAX_STEPS + 1):
        rows.append((n, 2 ** n, halvings(96)[n - 1], plan_field(stage_plan(n)),
                     pool_chain(512, n), plan_field(level_plan(n))))
    return Table(("stride-2 steps n", "effective stride", "map at 96",
                  "field: small-96's stages", "map at 512", "field: seg-512's levels"),
                 tuple(rows),
                 "Receptive field (px) of the last layer after n stride-2 steps, for the two "
                 "plans of the worked examples, measured by calc on networks built from "
                 "descriptions.",
                 ("small-96's stage: a 3x3 stride-2 convolution, then two residual blocks of "
                  "two 3x3 convolutions. seg-512's level: two 3x3 convolutions, then a 2x2 max "
                  "pool; the bottom adds two more 3x3 convolutions.",
                  "The field does not depend on the input size or the widths; the check "
                  "small_field asks for at least half the input, large_field notes more than "
                  "four times."))


def pool_chain(size: int, n: int) -> int:
    for _ in range(n):
        size //= 2
    return size


@table("byo-measure")
def measure_table(example: str = "small-96", batch: int | None = None,
                  dtype: str = "float32") -> Table:
    network, lines = load(example)
    s = summarize(network)
    batch = batch or WORKED.get(example, 1)
    mem = s.memory(batch, dtype)
    field = s.receptive_field
    findings = check(network)
    convs = [r for r in s.rows if r.type in ("Conv2d", "ConvTranspose2d")]
    last_map = [r for r in s.rows if len(r.output) == 3 and r.output[1] * r.output[2] > 1]
    rows = [
        ("input", shape(s.input)),
        ("output", shape(s.output)),
        ("nodes (layers and merges)", f"{len(s.rows)}, {len(convs)} of them convolutions"),
        ("parameters", grouped(s.params)),
        ("MACs per image", f"{grouped(s.macs)} ({si(s.macs)}MACs)"),
        ("receptive field", f"{pair(field.size)} px, stride {pair(field.stride)}, at line "
                            f"{lines[s.receptive_field_node]}" if field else "undefined"),
        ("smallest map", shape(min((r.output for r in last_map),
                                   key=lambda o: o[1] * o[2])[1:])),
        ("weights", nbytes(mem.weights)),
        (f"activations saved for training, batch {batch}, {dtype}",
         nbytes(mem.training_activations)),
        (f"inference peak, batch {batch}, {dtype}", nbytes(mem.inference_peak)),
        ("design checks", "none" if not findings else
         ", ".join(sorted({f.rule for f in findings}))),
    ]
    return Table(("quantity", example), tuple(rows),
                 f"docs/examples/{example}.txt as calc measures it.",
                 ("Activations saved for training count every layer's output, an upper "
                  "bound that in-place operations lower (see Conventions).",))


@table("byo-stages")
def stages_table(example: str = "small-96") -> Table:
    network, _ = load(example)
    s = summarize(network)
    rows = []
    for label, group in stages(s):
        rows.append((label, _channels(group),
                     sum(r.type in WEIGHTED for r in group),
                     sum(r.params for r in group), sum(r.macs for r in group),
                     sum(r.activations for r in group)))
    return Table(("map", "widths", "weighted layers", "params", "MACs",
                  "activations per image"), tuple(rows),
                 f"docs/examples/{example}.txt stage by stage: every layer grouped by the "
                 "size of the map it outputs.",
                 ("Activations: the values of every layer's output at that size, for one "
                  "image; training keeps them all for the backward pass.",))


@table("byo-layers")
def layers_table() -> Table:
    rows = []
    for name, spec in SPECS.items():
        arguments = ", ".join(spec.names()) or "(none)"
        if name in ("Add", "Concat"):
            arguments = "(none); inputs: from a, b, ..."
        inferred = spec.inferred if spec.inferred and not spec.lazy else ""
        if spec.lazy:
            inferred = f"{spec.inferred} (not an argument)"
        only = ", ".join(f"{k}={v!r}" for k, v in spec.fixed.items())
        rows.append((name, arguments, inferred, only))
    return Table(("layer", "arguments, in PyTorch's order", "filled in from the input",
                  "calc accepts only"), tuple(rows),
                 "The layers a description can use (calc.description.SPECS).",
                 ("PadChannels is calc's own: He et al.'s option A shortcut (keep every "
                  "stride-th pixel, zero-pad the channels); the PyTorch export writes its "
                  "class. Concat joins on the channels, as torch.cat(..., 1).",))


_LINE = re.compile(r"^line (\d+): ")


def error_of(name: str) -> str:
    """The message calc gives for an example file that does not parse."""
    try:
        load(name)
    except CalcError as err:
        return str(err)
    raise AssertionError(f"docs/examples/{name}.txt parses; it should show an error")


@table("byo-errors")
def errors_table() -> Table:
    rows = []
    for name in example_names("errors"):
        message = error_of(name)
        m = _LINE.match(message)
        lines = example_text(name).split("\n")
        text = lines[int(m[1]) - 1].strip() if m else ""
        mistake = lines[0].lstrip("# ").strip() if lines[0].startswith("#") else ""
        rows.append((f"{name.split('/')[-1]}.txt", mistake, text, message))
    return Table(("file", "the mistake", "the line calc names", "calc's message"), tuple(rows),
                 "What calc says about the files in docs/examples/errors/: the first "
                 "mistake, with its line and the rule.")


@table("byo-findings")
def findings_table(file: str = "draft-64", only: str = "") -> Table:
    network, lines = load(file)
    keep = {r.strip() for r in only.split(",") if r.strip()}
    rows = []
    for f in check(network):
        if keep and f.rule not in keep:
            continue
        rows.append((lines.get(f.node, ""), f.rule, SEVERITY.get(f.rule, "warning"),
                     findings_text([f], lines)[0]))
    if not rows:
        rows.append(("", "", "", "no findings"))
    return Table(("line", "rule", "kind", "what calc says"), tuple(rows),
                 f"The design checks of docs/examples/{file}.txt"
                 + (f" (rules {', '.join(sorted(keep))})" if keep else "") + ".")


# --- Figures ------------------------------------------------------------------------------

def _stage_colours(labels):
    order = list(dict.fromkeys(labels))
    return [plot.OKABE_ITO[order.index(lab) % len(plot.OKABE_ITO)] for lab in labels]


@figure("byo-layer-costs")
def layer_costs_figure(example: str = "small-96") -> Figure:
    """MACs and parameters of every weighted layer, coloured by the size of its map."""
    network, _ = load(example)
    s = summarize(network)
    label_of = {}
    for label, group in stages(s):
        for r in group:
            label_of[r.name] = label
    rows = [r for r in s.rows if r.type in WEIGHTED]
    labels = [label_of[r.name] for r in rows]
    colours = _stage_colours(labels)
    x = list(range(1, len(rows) + 1))
    fig, (top, bottom) = plot.new(2, 1, sharex=True, figsize=(7.0, 4.6))
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    top.bar(x, [r.macs / 1e6 for r in rows], color=colours)
    bottom.bar(x, [r.params / 1e3 for r in rows], color=colours)
    top.set_ylabel("MACs (millions)")
    bottom.set_ylabel("parameters (thousands)")
    bottom.set_xlabel("weighted layers in order (convolutions, then the linear head)")
    for ax in (top, bottom):
        ax.grid(axis="y")
    spans = {}
    for i, lab in zip(x, labels):
        spans.setdefault(lab, []).append(i)
    ymax = max(r.macs for r in rows) / 1e6
    top.set_ylim(0, ymax * 1.3)
    for lab, idx in spans.items():
        widths = _channels([r for r in rows if label_of[r.name] == lab])
        text = lab if lab == "head" else f"{lab}\n{widths} ch"
        top.text((idx[0] + idx[-1]) / 2, ymax * 1.12, text, ha="center", va="center",
                 fontsize=9)
    keep = [r for r in rows if r.type == "Conv2d" and r.params and
            network.node(r.name).layer.kernel_size == (3, 3) and
            network.node(r.name).layer.in_channels == r.output[0]]
    per_stage = {}
    for r in keep:
        per_stage.setdefault(label_of[r.name], r)
    firsts = list(per_stage.values())
    alt = (f"Bar charts of the {len(rows)} weighted layers of {example}. Every 3x3 "
           "convolution that keeps its width costs the same "
           f"{si(firsts[0].macs)}MACs in every stage ("
           + ", ".join(f"{label_of[r.name]} with {r.output[0]} channels" for r in firsts)
           + "), while its parameters grow fourfold per stage, from "
           f"{grouped(firsts[0].params)} to {grouped(firsts[-1].params)}; the strided layers "
           "that double the width cost half as much.")
    return Figure(plot.svg(fig, f"byo-layer-costs-{example}", f"Cost per layer of {example}",
                           alt),
                  alt, f"{example}: MACs (top) and parameters (bottom) of every weighted "
                  "layer, coloured by the size of the map it outputs.")


@figure("byo-field")
def field_figure(example: str = "small-96") -> Figure:
    """The receptive field after each layer, against the input size and the checks' bounds."""
    network, _ = load(example)
    s = summarize(network)
    rows = [r for r in s.rows if r.rf is not None and len(r.output) == 3
            and r.type in ("Conv2d", "MaxPool2d", "AvgPool2d")]
    size = s.input[1]
    fields = [r.rf.size[0] for r in rows]
    x = list(range(1, len(rows) + 1))
    fig, ax = plot.new(figsize=(7.0, 3.6))
    ax.plot(x, fields, marker="o", markersize=3, label="receptive field")
    top = max(fields)
    bounds = [(size / 2, "half the input: small_field below", plot.OKABE_ITO[5], ":"),
              (size, "the input", plot.OKABE_ITO[2], "--"),
              (4 * size, "four times the input: large_field above", plot.OKABE_ITO[3], "-.")]
    for value, label, colour, style in bounds:
        if value <= top * 1.6:
            ax.axhline(value, color=colour, linestyle=style, linewidth=1.2, label=label)
    ax.set_xlabel("convolutions and pools in order")
    ax.set_ylabel("receptive field (px)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(top, *(v for v, *_ in bounds if v <= top * 1.6)) * 1.12)
    ax.grid(axis="y")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=9)
    strided = [i for i, r in zip(x, rows) if network.node(r.name).layer.stride != (1, 1)]
    for i in strided:
        ax.axvline(i, color=plot.INK, alpha=0.12, linewidth=1)
    alt = (f"Step chart of the receptive field after each of the {len(rows)} convolutions "
           f"and pools of {example} on its {size}x{size} input. It grows from {fields[0]} px "
           f"to {fields[-1]} px, faster after each of the {len(strided)} stride-2 layers "
           f"(faint vertical lines); it passes half the input ({size // 2} px) at layer "
           f"{next(i for i, f in zip(x, fields) if f >= size / 2)} and the whole input at "
           f"layer {next((i for i, f in zip(x, fields) if f >= size), '-')}.")
    return Figure(plot.svg(fig, f"byo-field-{example}", f"Receptive field of {example}", alt),
                  alt, f"{example}: the receptive field grows by (k - 1) x the effective "
                  "stride at each layer, so the layers after the last stride-2 step add "
                  "the most.")
