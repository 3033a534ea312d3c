"""Figures and tables of the GAN chapter (docs/gan.md).

Everything here is measured by calc when the site is built: the four DCGAN networks of the
zoo (``dcgan_paper_generator`` and ``dcgan_paper_discriminator`` after Radford et al.'s own
code, ``dcgan_example_generator`` and ``dcgan_example_discriminator`` after PyTorch's
example), single transposed convolutions and resize-convolutions built here, and the
generator designer of :mod:`calc.generator`. What the sources printed sits in the
module-level constants below, each beside calc's value in the tables;
tests/test_chapter_gan.py checks every one of them against calc.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from calc import arithmetic, generator
from calc.coverage import transpose_axis, transpose_taps
from calc.layers import Conv2d, ConvTranspose2d
from calc.models import get_model
from calc.render.numbers import grouped, nbytes, pair, shape, si
from calc.summary import summarize

from . import Cell, Figure, Table, figure, plot, table

# --- What the sources printed -------------------------------------------------------------

# Radford, Metz & Chintala, arXiv 1511.06434 (ICLR 2016), Figure 1: the LSUN generator, from
# "A 100 dimensional uniform distribution Z" through a projection to four fractionally-strided
# convolutions. Shapes as the figure prints them, height x width x channels.
PAPER_LATENT = 100
PAPER_FIGURE_1 = ((4, 4, 1024), (8, 8, 512), (16, 16, 256), (32, 32, 128), (64, 64, 3))

# Section 4, "Details of adversarial training", as printed.
PAPER_SECTION_4 = {"batch": 128, "init_std": 0.02, "leak": 0.2, "lr": 0.0002,
                   "suggested_lr": 0.001, "beta1": 0.5, "suggested_beta1": 0.9}

# The authors' code, github.com/Newmu/dcgan_code, faces/train_uncond_dcgan.py (64x64 faces):
# nz, ngf, ndf, nbatch, npx; every deconv is gw2 = (ngf*8, ngf*4, 5, 5) ... with
# subsample=(2, 2), border_mode=(2, 2) and an output twice its input (lib/ops.py's deconv).
CODE_FACES = {"nz": 100, "ngf": 128, "ndf": 128, "nbatch": 128, "npx": 64, "kernel": 5,
              "subsample": 2, "border_mode": 2}
# mnist/train_cond_dcgan.py: 28x28 digits; a dense hidden layer of ngfc units, a dense layer
# to ngf*2 x 7 x 7, then two 5x5 deconvs with stride 2 (7 -> 14 -> 28); ngf = 64.
CODE_MNIST = {"npx": 28, "ngf": 64, "ngfc": 1024, "base": 7, "base_channels": 2 * 64,
              "kernel": 5, "subsample": 2, "border_mode": 2}

# PyTorch's example, github.com/pytorch/examples, dcgan/main.py: argparse defaults and the
# layers of _netG / _netD.
EXAMPLE = {"nz": 100, "ngf": 64, "ndf": 64, "batchSize": 64, "imageSize": 64, "kernel": 4,
           "stride": 2, "padding": 1}

# Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016
# (distill.pub/2016/deconv-checkerboard): sentences the chapter quotes, verbatim.
DISTILL = {
    "uneven": "deconvolution has uneven overlap when the kernel size (the output window size) "
              "is not divisible by the stride",
    "squared": "in one dimension, a stride 2, size 3 deconvolution has some outputs with twice "
               "the number of inputs as others, but in two dimensions this becomes a factor of "
               "four",
    "compound": "they often compound, creating artifacts on a variety of scales",
    "even": "models with even overlap often learn kernels that cause similar artifacts",
    "divided": "while this approach helps, it is still easy for deconvolution to fall into "
               "creating artifacts",
    "nearest": "We've had our best results with nearest-neighbor interpolation, and had "
               "difficulty making bilinear resize work",
    "before": "the difference in artifacts can be seen before any training occurs",
    "discriminator": "strided convolutions in the discriminator can cause them",
}

# The networks the chapter compares, with the source each follows.
NETWORKS = (("dcgan_paper_generator", "the authors' code (Newmu/dcgan_code)"),
            ("dcgan_example_generator", "PyTorch's example (pytorch/examples)"),
            ("dcgan_paper_discriminator", "the authors' code (Newmu/dcgan_code)"),
            ("dcgan_example_discriminator", "PyTorch's example (pytorch/examples)"))

# The targets of the designer's worked examples: (C, H, W).
DESIGNER_TARGETS = ((3, 64, 64), (1, 28, 28), (3, 48, 48), (3, 100, 100), (3, 96, 64))


# --- Measurements shared by the tables, the figures and the tests --------------------------

@functools.cache
def measured(name: str, **knobs):
    """A zoo model's summary (cached: the build asks for the same ones many times)."""
    return summarize(get_model(name, **knobs))


def rows_of(name: str, kind: str, **knobs) -> list:
    return [r for r in measured(name, **knobs).rows if r.type == kind]


def layer_of(name: str, node: str, **knobs):
    return get_model(name, **knobs).node(node).layer


def interior_taps(kernel_size: int, stride: int = 2) -> tuple[int, ...]:
    """Taps per output pixel, one axis, away from the borders: one value per stride phase.

    A transposed convolution's tap ``t`` lands on phase ``t mod s``; each phase receives
    ``ceil`` or ``floor`` of ``k / s`` taps. Measured with calc's coverage on a long axis.
    """
    padding = max(0, (kernel_size - stride + 1) // 2)
    size = 4 * (kernel_size + stride)
    taps = transpose_taps(size, kernel_size, stride, padding, limit=1 << 12)
    middle = len(taps) // 2 - (len(taps) // 2) % stride
    return taps[middle:middle + stride]


def taps_text(kernel_size, stride, padding=0, output_padding=0, size=16) -> str:
    """``"2"`` (even) or ``"2 or 3"`` (uneven): the fewest and most taps per output, one axis."""
    a = transpose_axis(size, kernel_size, stride, padding, output_padding)
    return str(a.taps_min) if a.taps_min == a.taps_max else f"{a.taps_min} or {a.taps_max}"


def option_text(o) -> str:
    """A ConvTranspose2d option in PyTorch's words: ``k=4, s=2, p=1`` (+ ``a=1``)."""
    text = f"k={pair(o.kernel_size)}, s={pair(o.stride)}, p={pair(o.padding)}"
    if any(o.output_padding):
        text += f", a={pair(o.output_padding)}"
    return text


def resize_conv(cin: int, cout: int, size: int, kernel_size: int = 3, bias: bool = False):
    """Nearest-neighbour x2 resize, then a same-padded Conv2d: ``(params, MACs, output)``."""
    conv = Conv2d(cin, cout, kernel_size, 1, kernel_size // 2, bias=bias)
    out = conv.output_shape((cin, 2 * size, 2 * size))
    return conv.params, conv.macs((cin, 2 * size, 2 * size), out), out


def transpose(cin, cout, size, kernel_size, stride=2, padding=0, output_padding=0, bias=False):
    """One ConvTranspose2d on a ``cin x size x size`` map: ``(params, MACs, output)``."""
    layer = ConvTranspose2d(cin, cout, kernel_size, stride, padding, output_padding, bias=bias)
    out = layer.output_shape((cin, size, size))
    return layer.params, layer.macs((cin, size, size), out), out


def fold_resize_conv(weights: list[list[int]]) -> list[list[int]]:
    """The transposed-convolution kernel that equals nearest x2 + a K x K conv (K odd).

    The result has size K + 1 and is used with stride 2 and padding (K - 1) / 2. Per axis,
    tap ``a`` of it sums the conv's taps ``K - 1 - a`` and ``K - a`` (those that exist): for
    K = 3 the taps (w0, w1, w2) fold into (w2, w1 + w2, w0 + w1, w0). In two dimensions
    V = M W M^T (the chapter derives it).
    """
    k = len(weights)
    m = [[1 if i in (k - 1 - a, k - a) else 0 for i in range(k)] for a in range(k + 1)]
    return [[sum(m[a][i] * weights[i][j] * m[b][j] for i in range(k) for j in range(k))
             for b in range(k + 1)] for a in range(k + 1)]


def mirror(size: int, kernel_size: int = 4, stride: int = 2, padding: int = 1,
           base: int = generator.MAX_BASE) -> list[dict]:
    """A discriminator's strided convs from ``size`` down to at most ``base``, each with the
    input sizes that map to its output and the transposed conv that mirrors it."""
    rows, i = [], size
    while i > base:
        o = arithmetic.conv_output_size(i, kernel_size, stride, padding)
        sizes = arithmetic.conv_input_sizes(o, kernel_size, stride, padding)
        a = i - arithmetic.conv_transpose_output_size(o, kernel_size, stride, padding)
        assert arithmetic.conv_transpose_output_size(o, kernel_size, stride, padding, a) == i
        rows.append({"input": i, "output": o, "sizes": sizes, "output_padding": a})
        i = o
    return rows


@functools.cache
def design(target: tuple[int, int, int], latent: int = PAPER_LATENT,
           channels: tuple[int, ...] | None = None):
    return generator.design(latent, target, channels)


@functools.cache
def designed(target, latent=PAPER_LATENT, channels=None, choices=None):
    """The designer's generator for ``target`` (first options unless ``choices``), summarised."""
    return summarize(generator.build(design(target, latent, channels), choices))


def paper_choices() -> tuple[int, ...]:
    """The option index, stage by stage, of the paper's layers in the designer's ranking for
    the 64x64 image at the paper's widths: the projection first, then 5x5 / 2 / 2 / 1."""
    d = design((3, 64, 64), PAPER_LATENT, paper_widths())
    picks = [0]
    for stage in d.stages[1:]:
        picks.append(next(i for i, o in enumerate(stage.options)
                          if o.kernel_size == (CODE_FACES["kernel"],) * 2
                          and o.stride == (CODE_FACES["subsample"],) * 2
                          and o.padding == (CODE_FACES["border_mode"],) * 2))
    return tuple(picks)


def paper_widths() -> tuple[int, ...]:
    """The paper's widths before the image (Figure 1): 1024, 512, 256, 128."""
    return tuple(c for _, _, c in PAPER_FIGURE_1[:-1])


def stages_of(name: str, **knobs) -> list[dict]:
    """A generator's weighted layers, each with the batch norm and activation after it:
    ``node`` (the weighted layer), ``layer``, ``output`` (the stage's output shape, after any
    reshape), ``params`` (the layer's and its batch norm's) and ``macs``."""
    net = get_model(name, **knobs)
    stages = []
    for r in measured(name, **knobs).rows:
        if r.type in ("Linear", "ConvTranspose2d"):
            stages.append({"node": r.name, "layer": net.node(r.name).layer,
                           "output": r.output, "params": r.params, "macs": r.macs})
        elif stages:
            stages[-1]["params"] += r.params
            stages[-1]["output"] = r.output
    return stages


def _layer_text(layer) -> str:
    if layer.type == "Linear":
        return f"Linear {layer.in_features} \u2192 {layer.out_features}, reshaped"
    text = f"k={layer.kernel_size[0]}, s={layer.stride[0]}, p={layer.padding[0]}"
    return text + (f", a={layer.output_padding[0]}" if layer.output_padding[0] else "")


# --- Tables -------------------------------------------------------------------------------

@table("gan-figure-1")
def figure_1_table() -> Table:
    """Figure 1's shapes as printed, beside calc's two generators at the paper's width."""
    paper = stages_of("dcgan_paper_generator")
    example = stages_of("dcgan_example_generator", ngf=CODE_FACES["ngf"])
    rows = []
    for j, (printed, p, e) in enumerate(zip(PAPER_FIGURE_1, paper, example)):
        rows.append(("projection" if j == 0 else f"layer {j}",
                     "\u00d7".join(map(str, printed)), shape(p["output"]),
                     _layer_text(p["layer"]), p["params"], Cell(si(p["macs"]), p["macs"]),
                     shape(e["output"]), _layer_text(e["layer"]), e["params"],
                     Cell(si(e["macs"]), e["macs"])))
    return Table(
        ("stage", "Figure 1 (H×W×C, printed)", "authors' code (calc)", "layer",
         "params", "MACs", "example, ngf=128 (calc)", "layer", "params", "MACs"),
        tuple(rows),
        "Figure 1 of Radford et al. (2016) as printed, beside calc's dcgan_paper_generator "
        "(the authors' code) and dcgan_example_generator at ngf = 128 (PyTorch's example); "
        "calc's shapes are C×H×W, a stage's params include its batch normalisation, and "
        "every ConvTranspose2d is listed by kernel (k), stride (s), padding (p) and "
        "output padding (a).",
        ("Every printed shape equals calc's, in calc's channels-first order.",
         ("The shapes are Figure 1's; the layers come from the code: 5×5 with stride 2 in "
          "the authors' Theano code, 4×4 with stride 2 and padding 1 in PyTorch's example."),
         ("The projection holds the same weights in both networks: a dense layer from the "
          f"{PAPER_LATENT}-long z to {grouped(PAPER_FIGURE_1[0][0] * PAPER_FIGURE_1[0][1] * PAPER_FIGURE_1[0][2])} "
          "features is a 4×4 transposed convolution on a 1×1 map. The batch norm after it "
          "differs: per feature in the authors' code (BatchNorm1d), per channel in the "
          "example (BatchNorm2d).")))


@table("gan-dcgan-networks")
def networks_table(batch: int = PAPER_SECTION_4["batch"]) -> Table:
    """The four DCGAN networks side by side: layer arithmetic, cost and memory."""
    rows = []
    for name, source in NETWORKS:
        s = measured(name)
        net = get_model(name)
        strided = [n.layer for n in net.nodes
                   if n.layer.type in ("ConvTranspose2d", "Conv2d") and n.layer.stride[0] == 2]
        first = strided[0]
        a = getattr(first, "output_padding", (0, 0))[0]
        layer = (f"{first.kernel_size[0]}×{first.kernel_size[1]}, s={first.stride[0]}, "
                 f"p={first.padding[0]}" + (f", a={a}" if a else ""))
        taps = taps_text(first.kernel_size[0], first.stride[0], first.padding[0], a)
        m = s.memory(batch, "float32")
        rows.append((name, source, f"{shape(s.input)} \u2192 {shape(s.output)}",
                     f"{len(strided)} × {layer}", taps, s.params,
                     Cell(si(s.macs), s.macs), nbytes(m.weights),
                     Cell(nbytes(m.training_saved), m.training_saved)))
    return Table(
        ("network", "follows", "input → output", "stride-2 layers",
         "taps per output, per axis", "params", "MACs", "weights (float32)",
         f"saved for training, batch {batch}"),
        tuple(rows),
        f"The four DCGAN networks of calc's zoo at 64×64, by calc; memory in float32 at the "
        f"paper's batch of {batch}.",
        (("Taps per output: how many kernel taps of a transposed convolution land on each "
         "output pixel along one axis (for a discriminator, on each input pixel's gradient in "
         "the backward pass, which is a transposed convolution). Two values mean uneven "
         "overlap."),
         ("Saved for training: what autograd keeps for the backward pass (calc's "
          "training_saved)."),
         (f"The authors' networks are wider (ngf = ndf = {CODE_FACES['ngf']} against "
          f"{EXAMPLE['ngf']}) and use {CODE_FACES['kernel']}×{CODE_FACES['kernel']} kernels "
          f"against {EXAMPLE['kernel']}×{EXAMPLE['kernel']}: each inner stride-2 layer does "
          f"({CODE_FACES['ngf']}/{EXAMPLE['ngf']})² × {CODE_FACES['kernel'] ** 2}/"
          f"{EXAMPLE['kernel'] ** 2} = {wider_ratio():g} times the MACs.")))


def wider_ratio() -> float:
    """MACs of the authors' inner stride-2 layers over the example's, measured by calc."""
    paper = rows_of("dcgan_paper_generator", "ConvTranspose2d")
    example = rows_of("dcgan_example_generator", "ConvTranspose2d")
    return paper[0].macs / example[1].macs


def upsampling_rows(cin: int, cout: int, size: int) -> list[tuple]:
    """Ways to double a ``cin x size x size`` map to ``cout x 2size x 2size``."""
    found = []
    for label, k, p, a in (("ConvTranspose2d, PyTorch's example", 4, 1, 0),
                           ("ConvTranspose2d, the authors' code", 5, 2, 1),
                           ("ConvTranspose2d", 3, 1, 1),
                           ("ConvTranspose2d (no overlap)", 2, 0, 0),
                           ("ConvTranspose2d", 6, 2, 0)):
        params, macs, out = transpose(cin, cout, size, k, 2, p, a)
        assert out == (cout, 2 * size, 2 * size)
        taps = taps_text(k, 2, p, a, size)
        found.append((f"{label}: k={k}, s=2, p={p}" + (f", a={a}" if a else ""), params,
                      Cell(si(macs), macs), taps, "uneven" if " or " in taps else "even"))
    for k in (3, 5):
        params, macs, out = resize_conv(cin, cout, size, k)
        assert out == (cout, 2 * size, 2 * size)
        reads = "2" if k == 3 else "3"
        found.append((f"nearest ×2, then Conv2d k={k}, p={k // 2}", params,
                      Cell(si(macs), macs), f"{k} reads of {reads} pixels",
                      "even (tied weights)"))
    return found


@table("gan-upsampling")
def upsampling_table(cin: int = 512, cout: int = 256, size: int = 4) -> Table:
    """One doubling stage, done seven ways: parameters, MACs and overlap."""
    base_params, base_macs, _ = transpose(cin, cout, size, 4, 2, 1)
    rs_params, rs_macs, _ = resize_conv(cin, cout, size, 3)
    return Table(
        ("layer", "params", "MACs", "taps per output, per axis", "overlap"),
        tuple(upsampling_rows(cin, cout, size)),
        f"Doubling a {cin}×{size}×{size} map to {cout}×{2 * size}×{2 * size} (the PyTorch "
        "example's second layer), by calc; no bias.",
        (("A transposed convolution's MACs are counted on its input grid: every input pixel "
         "scatters one kernel (see Conventions)."),
         (f"A resize-convolution is counted as it runs, a convolution on the {2 * size}×"
          f"{2 * size} map: with a 3×3 kernel, {rs_macs / base_macs:g} times the MACs of the "
          f"4×4 transposed convolution, with {Fraction(rs_params, base_params)} of its "
          "weights. Folded (the chapter derives it), the 3×3 version is that 4×4 transposed "
          "convolution with tied weights, and the 5×5 version the 6×6 one: each can run at "
          "the cost of the layer it folds into."),
         ("k = 2 with stride 2 paints each input pixel into its own 2×2 block: even, but no "
          "two neighbouring outputs share an input.")))


@table("gan-mirror")
def mirror_table(size: int = 100, kernel_size: int = 4, stride: int = 2,
                 padding: int = 1) -> Table:
    """A discriminator's sizes down, and the output_padding its mirror needs up."""
    rows = []
    for j, r in enumerate(mirror(size, kernel_size, stride, padding)):
        sizes = r["sizes"]
        rows.append((f"layer {j + 1}", f"{r['input']} \u2192 {r['output']}",
                     ", ".join(map(str, sizes)),
                     f"{r['output']} \u2192 {r['input']}", r["output_padding"]))
    return Table(
        ("discriminator", "Conv2d size", "inputs that give this output",
         "mirrored ConvTranspose2d", "output_padding"),
        tuple(rows),
        f"Mirroring a discriminator of {kernel_size}×{kernel_size} convolutions with stride "
        f"{stride} and padding {padding} on a {size}×{size} image into a generator, by calc "
        "(conv_output_size, conv_input_sizes, conv_transpose_output_size).",
        (("A strided convolution floors, so several input sizes give one output; the "
         "transposed convolution with the same arguments produces the smallest of them, "
         "and output_padding adds the rest, one row and column at the bottom and right."),))


@table("gan-designer-examples")
def designer_table() -> Table:
    """The designer's first-ranked generator for the chapter's targets."""
    rows = []
    for target in DESIGNER_TARGETS:
        d = design(target)
        s = designed(target)
        plan = " \u2192 ".join(["1"] + [pair(st.output[1:]) for st in d.stages])
        widths = ", ".join(str(st.output[0]) for st in d.stages[:-1])
        firsts = [st.options[0] for st in d.stages]
        ups = "; ".join(dict.fromkeys(option_text(o) for o in firsts[1:]))
        padded = [str(j) for j, o in enumerate(firsts) if any(o.output_padding)]
        rows.append((shape(target), plan, widths, option_text(firsts[0]), ups,
                     ", ".join(padded) or "none", s.params, Cell(si(s.macs), s.macs)))
    return Table(
        ("image", "sizes", "widths", "projection (stage 0)", "later stages",
         "stages with output_padding", "params", "MACs"),
        tuple(rows),
        f"The generator designer's first-ranked design for each target, from a "
        f"{PAPER_LATENT}-long latent vector, by calc (python -m calc generator).",
        (("Sizes are planned backwards from the target by halving with the ceiling until "
         f"every side is at most {generator.MAX_BASE}; the projection is a transposed "
         "convolution whose kernel is the base map."),
         ("Widths: the default schedule, 64 channels before the image, doubling towards "
          f"the base up to {generator.MAX_WIDTH}."),
         ("Every stage but the last is followed by BatchNorm2d and ReLU; the last has a bias "
          "and a Tanh.")))


@table("gan-paper-in-designer")
def paper_in_designer_table() -> Table:
    """Where the paper's 5x5 layers rank among the designer's options at the paper's widths."""
    d = design((3, 64, 64), PAPER_LATENT, paper_widths())
    picks = paper_choices()
    built = designed((3, 64, 64), PAPER_LATENT, paper_widths(), picks)
    paper = measured("dcgan_paper_generator")
    bn1d = next(r.params for r in paper.rows if r.type == "BatchNorm1d")
    bn2d = built.rows[1].params
    bias = PAPER_FIGURE_1[-1][-1]
    assert paper.params - built.params == bn1d - bn2d - bias and paper.macs == built.macs
    rows = []
    for j, (stage, pick) in enumerate(zip(d.stages, picks)):
        first, chosen = stage.options[0], stage.options[pick]
        rows.append((f"stage {j}", f"{shape(stage.input)} \u2192 {shape(stage.output)}",
                     option_text(first), Cell(si(first.macs), first.macs),
                     option_text(chosen), pick, len(stage.options),
                     Cell(si(chosen.macs), chosen.macs)))
    return Table(
        ("stage", "map", "designer's first option", "its MACs", "the paper's layer",
         "its index (choices)", "options", "its MACs"),
        tuple(rows),
        "The designer at the paper's widths (channels 1024, 512, 256, 128) for a 3×64×64 "
        "image: where the authors' 5×5 layers rank, by calc.",
        (("The designer ranks every option with uneven overlap below every even one, so the "
         "paper's 5×5 layers come after all even options within the bounds (kernels up to "
         f"{generator.MAX_KERNEL}, strides up to {generator.MAX_STRIDE}, padding up to "
         f"{generator.MAX_PADDING})."),
         "The projection is the same layer in both: a 4×4 kernel on the 1×1 latent map. "
         "Choices " + ",".join(map(str, picks)) + " select the paper's layers in the "
         "calculator.",
         (f"With those choices the designer's generator does exactly the MACs of "
          f"dcgan_paper_generator ({si(built.macs)}MACs) and has {grouped(built.params)} "
          f"parameters against "
          f"{grouped(paper.params)}: its projection is normalised per channel "
          f"({grouped(bn2d)} parameters) instead of per feature ({grouped(bn1d)}), and its "
          f"last layer has a bias ({grouped(bias)}).")))


# --- Figures ------------------------------------------------------------------------------

@figure("gan-taps")
def taps_figure(kernels: tuple = (3, 4, 5), stride: int = 2, cells: int = 6) -> Figure:
    """Taps per output pixel in 2-D, away from the borders, for kernels 3, 4, 5 and stride 2."""
    from matplotlib.patches import Rectangle

    grids = {}
    for k in kernels:
        axis = interior_taps(k, stride)
        line = [axis[x % stride] for x in range(cells)]
        grids[k] = [[a * b for b in line] for a in line]
    top = max(v for g in grids.values() for row in g for v in row)
    fig, axes = plot.new(1, len(kernels), figsize=(2.5 * len(kernels), 2.9))
    for ax, k in zip(axes, kernels):
        g = grids[k]
        for y, row in enumerate(g):
            for x, v in enumerate(row):
                ax.add_patch(Rectangle((x, cells - 1 - y), 1, 1, facecolor=plot.OKABE_ITO[0],
                                       alpha=0.05 + 0.7 * (v / top) ** 1.5, edgecolor=plot.INK,
                                       linewidth=0.4))
                ax.text(x + 0.5, cells - 0.5 - y, str(v), ha="center", va="center",
                        fontsize=10)
        ax.set_xlim(0, cells)
        ax.set_ylim(0, cells)
        ax.set_aspect("equal")
        ax.axis("off")
        values = sorted({v for row in g for v in row})
        axis = sorted(set(interior_taps(k, stride)))
        kind = "even" if len(axis) == 1 else "uneven"
        ax.set_title(f"k = {k}, stride {stride}: {kind}\n"
                     f"{' or '.join(map(str, axis))} per axis \u2192 "
                     f"{', '.join(map(str, values))}", fontsize=10)
    parts = []
    for k in kernels:
        axis = sorted(set(interior_taps(k, stride)))
        values = sorted({v for row in grids[k] for v in row})
        if len(axis) == 1:
            parts.append(f"k = {k} gives {axis[0]} taps per axis and {values[0]} to every "
                         "output pixel")
        else:
            parts.append(f"k = {k} gives {axis[0]} or {axis[1]} taps per axis, so output "
                         f"pixels receive {', '.join(map(str, values[:-1]))} or {values[-1]} "
                         f"taps, a {values[-1] / values[0]:g}-fold spread")
    alt = ("Three grids of the number of kernel taps each output pixel of a stride-"
           f"{stride} transposed convolution receives, away from the borders. "
           + "; ".join(parts) + ".")
    return Figure(plot.svg(fig, "gan-taps", "Taps per output pixel", alt), alt,
                  f"Taps per output pixel of a stride-{stride} transposed convolution, a "
                  f"{cells}×{cells} patch away from the borders, by calc "
                  "(calc.coverage.transpose_taps per axis; the two axes multiply). The more "
                  "strongly coloured a cell, the more taps it receives.")


@figure("gan-generator-costs")
def generator_costs_figure() -> Figure:
    """Parameters and MACs per stage of the authors' generator and PyTorch's example."""
    series = {}
    for name, label in (("dcgan_paper_generator", "authors' code (5×5, ngf 128)"),
                        ("dcgan_example_generator", "PyTorch example (4×4, ngf 64)")):
        weighted = [r for r in measured(name).rows if r.type in ("Linear", "ConvTranspose2d")]
        series[label] = ([r.params / 1e6 for r in weighted], [r.macs / 1e6 for r in weighted],
                         [r.output for r in weighted])
    labels = ["projection"] + [f"layer {j}" for j in range(1, 5)]
    fig, (left, right) = plot.new(1, 2, figsize=(7.4, 3.4))
    x = list(range(len(labels)))
    for i, (label, (params, macs, _)) in enumerate(series.items()):
        shift = -0.2 if i == 0 else 0.2
        left.bar([v + shift for v in x], params, width=0.4, label=label)
        right.bar([v + shift for v in x], macs, width=0.4, label=label)
    for ax, unit in ((left, "parameters (millions)"), (right, "MACs (millions)")):
        ax.set_xticks(x, labels, rotation=30, ha="right")
        ax.set_ylabel(unit)
        ax.grid(axis="y")
    left.set_ylim(0, max(max(v[0]) for v in series.values()) * 1.5)
    left.legend(loc="upper right", fontsize=8.5)
    (pp, pm, _), (_, em, _) = series.values()
    alt = ("Bar charts of parameters and MACs per weighted layer of two DCGAN generators. "
           f"In the authors' generator the three middle stride-2 layers each do "
           f"{pm[1]:.1f} million MACs while their parameters fall from {pp[1]:.1f} to "
           f"{pp[3]:.2f} million; the projection holds {pp[0]:.2f} million parameters for "
           f"{pm[0]:.2f} million MACs and the last layer does {pm[4]:.1f} million. In "
           f"PyTorch's example the same three layers each do {em[1]:.1f} million MACs.")
    return Figure(plot.svg(fig, "gan-generator-costs", "DCGAN generators: cost per layer", alt),
                  alt, "Parameters (left) and MACs (right) of every weighted layer of "
                  "dcgan_paper_generator and dcgan_example_generator, by calc: halving the "
                  "width while doubling the map keeps the MACs of a layer constant.")


@figure("gan-generator-block")
def generator_block_figure(model: str = "dcgan_paper_generator") -> Figure:
    """The generator drawn stage by stage: the layer, its output, params, MACs and taps."""
    from matplotlib.patches import FancyBboxPatch

    s = measured(model)
    stages = stages_of(model)
    boxes = [("z, the latent vector", f"{s.input[0]} random numbers" if len(s.input) == 1
              else f"{shape(s.input)}: {s.input[0]} random numbers as a 1×1 map", "", None)]
    for j, st in enumerate(stages):
        layer = st["layer"]
        cost = f"{grouped(st['params'])} params  \u00b7  {si(st['macs'])}MACs"
        if layer.type == "Linear":
            head = f"projection: Linear {layer.in_features} \u2192 {layer.out_features}"
            line1 = f"\u2192 {shape(st['output'])} (BatchNorm1d, ReLU, reshape)  \u00b7  {cost}"
            line2 = "every output reads all of z"
            colour = 7
        else:
            a = layer.output_padding[0]
            last = j == len(stages) - 1
            name = "projection" if layer.stride[0] == 1 else f"layer {j}"
            head = (f"{name}: ConvTranspose2d, k={layer.kernel_size[0]}, s={layer.stride[0]}, "
                    f"p={layer.padding[0]}" + (f", a={a}" if a else ""))
            after = "Tanh" if last else "BatchNorm2d, ReLU"
            line1 = f"\u2192 {shape(st['output'])} ({after})  \u00b7  {cost}"
            if layer.stride[0] == 1:
                line2 = "a 4×4 kernel on a 1×1 map: every output reads all of z"
                colour = 7
            else:
                t = taps_text(layer.kernel_size[0], layer.stride[0], layer.padding[0], a)
                line2 = f"{t} taps per output pixel per axis" + (
                    ": uneven" if " or " in t else ": even")
                colour = 5 if " or " in t else 2
        boxes.append((head, line1, line2, colour))
    fig, ax = plot.new(figsize=(7.4, 1.05 * len(boxes)))
    ax.set_xlim(0, 1)
    ax.set_ylim(-len(boxes) + 0.52, 0.48)
    ax.axis("off")
    for i, (head, line1, line2, colour) in enumerate(boxes):
        y = -i
        face = plot.OKABE_ITO[colour] if colour is not None else plot.OKABE_ITO[0]
        ax.add_patch(FancyBboxPatch((0.0, y - 0.38), 1.0, 0.78,
                                    boxstyle="round,pad=0.0,rounding_size=0.04",
                                    facecolor=face, alpha=0.22, edgecolor=face, linewidth=1.2))
        ax.text(0.025, y + 0.2, head, fontsize=10.5, fontweight="bold", va="center")
        ax.text(0.025, y - 0.02, line1, fontsize=10, va="center")
        ax.text(0.025, y - 0.23, line2, fontsize=10, va="center")
        if i:
            ax.annotate("", xy=(0.5, y + 0.4), xytext=(0.5, y + 0.6),
                        arrowprops={"arrowstyle": "->", "color": plot.INK, "lw": 1})
    ups = [st for st in stages if st["layer"].type == "ConvTranspose2d"
           and st["layer"].stride[0] == 2]
    inner = [st["macs"] for st in ups[:-1]]
    latent = f"{s.input[0]}-long" if len(s.input) == 1 else shape(s.input)
    alt = (f"{model} drawn as a column of {len(stages)} stages from the {latent} "
           f"latent to the {shape(s.output)} image: "
           + "; ".join(f"{shape(st['output'])} with {grouped(st['params'])} parameters and "
                       f"{si(st['macs'])}MACs" for st in stages)
           + f". The {len(inner)} inner stride-2 layers each do {si(inner[0])}MACs"
           + (" and give every output 2 or 3 taps per axis, unevenly."
              if any(" or " in taps_text(st['layer'].kernel_size[0], 2,
                                          st['layer'].padding[0],
                                          st['layer'].output_padding[0]) for st in ups)
              else " and give every output the same taps."))
    return Figure(plot.svg(fig, f"gan-block-{model}", f"{model}, stage by stage", alt), alt,
                  f"{model} at 64×64, by calc: each stage's layer, its output (C×H×W), its "
                  "parameters (batch norm included) and MACs, and how many kernel taps each "
                  "output pixel receives along one axis; orange-red marks uneven overlap.")
