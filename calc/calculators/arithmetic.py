"""Size calculators of the convolution arithmetic chapter: ``conv-output``, ``pool-output``,
``conv-transpose-output``.

Each result gives the output size per axis, the formula with the numbers substituted, the
warnings a practitioner needs (input rows no window reads, uneven overlap of a transposed
kernel) and a diagram (:mod:`calc.render.svg`). Sizes come from :mod:`calc.arithmetic`, the
one place that knows the formulas; a layer PyTorch would refuse raises
:class:`~calc.errors.CalcError` with the rule.
"""

from __future__ import annotations

from dataclasses import replace

from .. import arithmetic
from ..errors import CalcError
from ..layers import Conv2d
from ..render import html, svg
from ..render.numbers import grouped
from ..web import Calculator, Field, register
from ._common import AXIS_INDEXES, axes, count, covered, formula, paragraph, result, strong

MAX_SPATIAL = 8192

SIZE = Field("size", "Input size", default=224, minimum=1, maximum=MAX_SPATIAL, pair=True,
             help="height and width of the input feature map, in pixels")
# Bounds well past any published layer (RepLKNet: 31x31 kernels; DeepLab ASPP: dilation 36)
# that keep one run, diagram included, within a few milliseconds.
KERNEL = Field("kernel_size", "Kernel size", default=3, minimum=1, maximum=128, pair=True)
STRIDE = Field("stride", "Stride", default=1, minimum=1, maximum=64, pair=True)
PADDING = Field("padding", "Padding", default=0, minimum=0, maximum=512, pair=True,
                help="zeros added on each side")
DILATION = Field("dilation", "Dilation", default=1, minimum=1, maximum=64, pair=True,
                 help="spacing between kernel taps; 1 is an ordinary kernel")
SIZES = ("size", "kernel_size", "stride", "padding", "dilation")


def _pytorch_rule(fn, *args):
    """Call an arithmetic function; a broken layer rule reads as what PyTorch would refuse."""
    try:
        return fn(*args)
    except CalcError as err:
        raise CalcError(f"PyTorch rejects this layer: {err}") from None


def _hw(values: dict) -> str:
    return f"{values[0]} \u00d7 {values[1]}"


def _conv_text(i, k, s, p, d, o, mode="floor") -> str:
    room = i + 2 * p - d * (k - 1) - 1
    left, right = ("\u230a", "\u230b") if mode == "floor" else ("\u2308", "\u2309")
    q = room // s if mode == "floor" else -(-room // s)
    return (f"o = {left}(i + 2p \u2212 d(k \u2212 1) \u2212 1) / s{right} + 1 = "
            f"{left}({i} + 2\u00b7{p} \u2212 {d}\u00b7({k} \u2212 1) \u2212 1) / {s}{right} + 1 = "
            f"{left}{_num(room)} / {s}{right} + 1 = {_num(q)} + 1 = {q + 1}"
            + (f" (remainder {room % s})" if mode == "floor" and room % s else "")
            + (f", then {o} by PyTorch's ceil-mode rule" if o != q + 1 else ""))


def _read_warnings(axis, i, k, s, p, d, o):
    """Input rows (or columns) of one axis that no window reads, split into the floor's tail and
    the holes between windows or taps. Returns (mask over the drawn cells, warnings)."""
    span = d * (k - 1) + 1
    cells = max(i + 2 * p, (o - 1) * s + span)
    mask = covered(cells, o, s, k, d)
    unread = mask[p:p + i].count(0)
    end = (o - 1) * s + span                      # one past the last window
    tail = max(0, p + i - max(end, p))            # input cells after the last window
    notes = []
    if tail:
        remainder = i + 2 * p - span
        notes.append(f"Never read: the last {count(tail, axis)} of the input. The floor drops "
                     f"(i + 2p \u2212 d(k \u2212 1) \u2212 1) mod s = {remainder} mod {s} = "
                     f"{remainder % s} padded cell{'' if remainder % s == 1 else 's'} after the "
                     "last window"
                     + (f", {remainder % s - tail} of them padding." if remainder % s > tail
                        else "."))
    holes = unread - tail
    if holes:
        why = (f"the stride ({s}) is larger than the kernel ({k})" if d == 1
               else f"the stride ({s}) and dilation ({d}) leave cells between taps")
        notes.append(f"Never read: {count(holes, axis)} of the input between windows, "
                     f"because {why}.")
    blind = max(0, (p - span) // s + 1) if p >= span else 0
    blind += max(0, o - (-(-(p + i) // s)))
    if blind:
        notes.append(f"{count(blind, axis)} of the output see only padding (padding {p} is at "
                     f"least the kernel span {span}): their value is the bias alone.")
    return mask, notes


def _channels_line(v, out_hw):
    cin, cout, groups = v["in_channels"], v["out_channels"], v["groups"]
    if not cin and not cout:
        return []
    if not cin or not cout:
        return [paragraph("Give both in_channels and out_channels for parameters and MACs.")]
    layer = Conv2d(cin, cout, v["kernel_size"], v["stride"], v["padding"], v["dilation"],
                   groups)
    kh, kw = layer.kernel_size
    weights = cout * (cin // groups) * kh * kw
    macs = layer.macs((cin, *v["size"]), (cout, *out_hw))
    per = f"{cin}/{groups}" if groups > 1 else f"{cin}"
    return [paragraph(f"Parameters: {grouped(layer.params)} = {cout} \u00d7 {per} \u00d7 {kh} "
                      f"\u00d7 {kw} weights ({grouped(weights)}) + {cout} biases. "
                      f"MACs: {grouped(macs)} = {cout} \u00d7 {out_hw[0]} \u00d7 {out_hw[1]} "
                      f"\u00d7 {per} \u00d7 {kh} \u00d7 {kw} (bias excluded). "
                      f"Output shape {cout} \u00d7 {_hw(out_hw)} (C \u00d7 H \u00d7 W)."),
            ]


def _figure(v, out_hw, masks, title, summary, legend, extra_legend=None):
    parts = []
    for a in (0, 1):
        parts.append(svg.conv_axis(v["size"][a], v["kernel_size"][a], v["stride"][a],
                                   v["padding"][a], v["dilation"][a], out_hw[a], masks[a]))
    legend = dict(legend)
    if any(kind == "extra" for axis in parts for *_, kind in axis.strips) and extra_legend:
        legend["extra"] = extra_legend
    if any(0 in m[p:p + i] for m, p, i in zip(masks, v["padding"], v["size"])):
        legend["unread"] = "input never read"
    if not any(p for p in v["padding"]):
        legend.pop("pad", None)
    return svg.diagram(parts[0], parts[1], title=title, summary=summary, legend=legend,
                       input_label="input (padded)" if any(v["padding"]) else "input")


_CONV_LEGEND = {"in": "input", "pad": "zero padding", "tap": "taps of the first output",
                "last": "window of the last output", "out": "output"}


def _describe(v, out_hw, what):
    (ih, iw), (kh, kw), (sh, sw) = v["size"], v["kernel_size"], v["stride"]
    (ph, pw), (dh, dw) = v["padding"], v["dilation"]
    return (f"Left: the {_hw(v['size'])} input (height by width) with {ph} padding rows and {pw} "
            f"padding columns on each side. In orange, the {kh} by {kw} {what} window of the first "
            f"output position, dilation {dh} by {dw}; dashed, the window of the last one. "
            f"Windows move by a stride of {sh} rows and {sw} columns. "
            f"Right: the {_hw(out_hw)} output, its first cell in orange.")


def conv_output(v: dict) -> str:
    out_hw = _pytorch_rule(arithmetic.conv_output_size, *(v[n] for n in SIZES))
    parts, notes, masks = [], [], {}
    for label, a in axes(v, SIZES):
        i, k, s, p, d = (a[n] for n in SIZES)
        o = out_hw[0] if label != "width" else out_hw[1]
        parts.append(formula(label, _conv_text(i, k, s, p, d, o)))
        mask, found = _read_warnings(label, i, k, s, p, d, o)
        notes += found
        for index in AXIS_INDEXES[label]:
            masks[index] = mask
    parts += _channels_line(v, out_hw)
    figure = _figure(v, out_hw, (masks[0], masks[1]),
                     f"Convolution of a {_hw(v['size'])} input into a {_hw(out_hw)} output",
                     _describe(v, out_hw, "kernel"), _CONV_LEGEND)
    return result(f"Output size {strong(_hw(out_hw))} (height \u00d7 width)", parts, notes, figure)


register(Calculator(
    id="conv-output",
    title="Convolution output size",
    description="Output size of torch.nn.Conv2d for any kernel, stride, padding and dilation; "
                "with channels, its parameters and MACs.",
    fields=(SIZE, KERNEL, STRIDE, PADDING, DILATION,
            Field("in_channels", "Input channels", default=0, minimum=0, maximum=1 << 16,
                  help="optional; 0 leaves out parameters and MACs"),
            Field("out_channels", "Output channels", default=0, minimum=0, maximum=1 << 16,
                  help="optional; 0 leaves out parameters and MACs"),
            Field("groups", "Groups", default=1, minimum=1, maximum=1 << 16,
                  help="must divide both channel counts; groups = in_channels is depthwise")),
    compute=conv_output,
))


def _pool_axis(label, i, k, s, p, d):
    """Floor and ceil outputs of one axis, and the sentence about PyTorch's ceil rule."""
    def mode(ceil_mode):
        try:
            return arithmetic.pool_output_size(i, k, s, p, d, ceil_mode)
        except CalcError:   # ceil mode accepts a window overhanging the input, floor does not
            return "rejected"
    floor_o, ceil_o = mode(False), mode(True)
    room = i + 2 * p - d * (k - 1) - 1
    raw = -(-room // s) + 1
    rule = (f"ceil: {raw} windows, but the last would start at padded cell {(raw - 1) * s} "
            f"\u2265 i + p = {i + p}, inside the right padding, so PyTorch drops it: {ceil_o}"
            if raw != ceil_o else
            f"ceil: the last window starts at padded cell {(ceil_o - 1) * s} < i + p = {i + p}, "
            "inside the input, so PyTorch keeps it")
    return floor_o, ceil_o, rule


def pool_output(v: dict) -> str:
    ceil_mode = v["ceil_mode"]
    out_hw = _pytorch_rule(arithmetic.pool_output_size, *(v[n] for n in SIZES), ceil_mode)
    parts, notes, masks = [], [], {}
    rows = []
    for label, a in axes(v, SIZES):
        i, k, s, p, d = (a[n] for n in SIZES)
        floor_o, ceil_o, rule = _pool_axis(label, i, k, s, p, d)
        o = ceil_o if ceil_mode else floor_o
        parts.append(formula(label, _conv_text(i, k, s, p, d, o,
                                               "ceil" if ceil_mode else "floor")))
        if ceil_mode:
            parts.append(paragraph(rule))
        rows.append((label, floor_o, ceil_o))
        mask, found = _read_warnings(label, i, k, s, p, d, o)
        notes += found
        if ceil_mode:
            over = (o - 1) * s + d * (k - 1) + 1 - (i + 2 * p)
            if over > 0:
                notes.append(f"In ceil mode the last window hangs {count(over, label)} past the "
                             "padded input; PyTorch clips it to the cells that exist.")
        for index in AXIS_INDEXES[label]:
            masks[index] = mask
    table = html.table(("axis", "ceil_mode=False", "ceil_mode=True"),
                       [(label, f, c) for label, f, c in rows], numeric=(1, 2))
    parts.insert(0, table)
    legend = dict(_CONV_LEGEND, tap="window of the first output")
    figure = _figure(v, out_hw, (masks[0], masks[1]),
                     f"Pooling of a {_hw(v['size'])} input into a {_hw(out_hw)} output",
                     _describe(v, out_hw, "pooling"), legend,
                     extra_legend="ceil-mode overhang, not read")
    mode = "ceil_mode=True" if ceil_mode else "ceil_mode=False"
    return result(f"Output size {strong(_hw(out_hw))} (height \u00d7 width, {mode})",
                  parts, notes, figure)


register(Calculator(
    id="pool-output",
    title="Pooling output size",
    description="Output size of torch.nn.MaxPool2d / AvgPool2d, floor and ceil mode side by side.",
    fields=(SIZE, replace(KERNEL, default=2),
            replace(STRIDE, default=2, help="PyTorch's default is the kernel size"),
            replace(PADDING, help="at most kernel_size / 2"),
            DILATION,
            Field("ceil_mode", "Ceil mode", kind="bool", default=False,
                  help="round the window count up instead of down")),
    compute=pool_output,
))


TRANSPOSE_SIZES = ("size", "kernel_size", "stride", "padding", "output_padding", "dilation")


def _transpose_axis(label, i, k, s, p, a, d, o):
    span = d * (k - 1) + 1
    full = (i - 1) * s + span                      # output before padding crops it
    text = (f"o = (i \u2212 1)s \u2212 2p + d(k \u2212 1) + output_padding + 1 = "
            f"({i} \u2212 1)\u00b7{s} \u2212 2\u00b7{p} + {d}\u00b7({k} \u2212 1) + {a} + 1 = {o}")
    before = span - 1 - p
    stretched = (i - 1) * s + 1
    if before >= 0:
        pads = f"pad {before} before and {before + a} after"
    elif before + a <= 0:
        pads = f"crop {_cells(-before)} before and {-(before + a)} after"
    else:
        pads = f"crop {_cells(-before)} before and pad {before + a} after"
    zeros = (f"insert {s - 1} zero{'' if s == 2 else 's'} between input pixels "
             f"({i} \u2192 {_cells(stretched)})" if s > 1 else "no zeros to insert (stride 1)")
    equivalent = (f"Equivalent direct convolution (Dumoulin & Visin, relationship 14, the general "
                  f"case): {zeros}, {pads} (d(k \u2212 1) \u2212 p = {_num(before)}, plus "
                  f"output_padding {a} after), then "
                  f"convolve with stride 1: {stretched}{_signed(before)}{_signed(before + a)} "
                  f"\u2212 {span} + 1 = {o}.")
    low = (i - 1) * s + span - 2 * p
    sizes = [x for x in range(max(low, 1), low + s)
             if span <= x + 2 * p and (x + 2 * p - span) // s + 1 == i]
    if sizes:
        which = (f"Conv2d(kernel_size={k}, stride={s}, padding={p}"
                 + (f", dilation={d}" if d > 1 else "") + ") maps "
                 + (f"every size from {sizes[0]} to {sizes[-1]}" if len(sizes) > 1
                    else f"size {sizes[0]}")
                 + f" to {i}; this layer inverts that shape mapping"
                 + (f", output_padding choosing {o}." if len(sizes) > 1 else "."))
        if o not in sizes:
            which += f" Its output {o} is not among them (output_padding \u2265 stride)."
    else:
        which = ""
    # output cells that no input pixel reaches: only the bias
    mask = covered(full, i, s, k, d)
    fed = bytes(mask[p:p + o]) + bytes(max(0, p + o - full))
    notes = []
    beyond = max(0, p + o - full)
    if beyond:
        notes.append(f"The last {count(beyond, label)} of the output lie past every kernel "
                     f"footprint (output_padding {a} > padding {p}): they hold only the bias.")
    holes = fed.count(0) - beyond
    if holes:
        notes.append(f"{count(holes, label)} of the output receive no input (stride {s} leaves "
                     "gaps between kernel footprints): they hold only the bias.")
    if s > 1:
        hits = [0] * s
        for t in range(k):
            hits[(t * d) % s] += 1
        if min(hits) and max(hits) != min(hits):   # min 0 is the gap case, reported above
            cause = (f"kernel_size {k} is not divisible by stride {s}" if d == 1
                     else f"with dilation {d}, the taps of kernel_size {k} do not divide "
                          f"evenly among the {s} stride phases")
            notes.append(f"Uneven overlap along the {label}: {cause}, so output {AXIS_WORD[label]} "
                         f"receive {min(hits)} or {max(hits)} kernel taps in a repeating pattern, "
                         "the source of checkerboard artifacts (Odena, Dumoulin & Olah, "
                         "Distill 2016).")
    return text, equivalent, which, fed, notes


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def _num(n: int) -> str:
    return str(n) if n >= 0 else f"\u2212{-n}"


def _signed(n: int) -> str:
    return f" + {n}" if n >= 0 else f" \u2212 {-n}"


AXIS_WORD = {"height": "rows", "width": "columns", "height and width": "pixels"}


def conv_transpose_output(v: dict) -> str:
    out_hw = _pytorch_rule(arithmetic.conv_transpose_output_size,
                           *(v[n] for n in TRANSPOSE_SIZES))
    parts, notes, feds = [], [], {}
    for label, a in axes(v, TRANSPOSE_SIZES):
        i, k, s, p, op, d = (a[n] for n in TRANSPOSE_SIZES)
        o = out_hw[0] if label != "width" else out_hw[1]
        text, equivalent, which, fed, found = _transpose_axis(label, i, k, s, p, op, d, o)
        parts.append(formula(label, text))
        parts.append(paragraph(equivalent))
        if which:
            parts.append(paragraph(which))
        notes += found
        for index in AXIS_INDEXES[label]:
            feds[index] = fed
    axes_ = [svg.transpose_axis(*(v[n][x] for n in TRANSPOSE_SIZES), out_hw[x], feds[x])
             for x in (0, 1)]
    legend = {"in": "input pixels", "pad": "zero padding", "zero": "zeros inserted by the stride",
              "tap": "taps of the first output", "last": "window of the last output",
              "out": "output"}
    kinds = {kind for ax in axes_ for *_, kind in ax.strips}
    if "extra" in kinds:
        legend["extra"] = "output_padding zeros"
    if "crop" in kinds:
        legend["crop"] = "cropped by padding"
    if "pad" not in kinds:
        legend.pop("pad")
    if all(x == 1 for x in v["stride"]):
        legend.pop("zero")
    if any(0 in f for f in feds.values()):
        legend["empty"] = "output that receives no input"
    legend["pixel"] = legend.pop("in")
    (ih, iw), (kh, kw), (sh, sw) = v["size"], v["kernel_size"], v["stride"]
    summary = (f"Left: the {_hw(v['size'])} input drawn as Dumoulin and Visin draw a transposed "
               f"convolution, with {sh - 1} zero rows and {sw - 1} zero columns inserted between "
               "pixels and zero padding around it. In orange, the "
               f"{kh} by {kw} kernel taps of the first output position; dashed, the window of the "
               f"last one. The equivalent convolution has stride 1. Right: the {_hw(out_hw)} "
               "output.")
    figure = svg.diagram(axes_[0], axes_[1],
                         title=f"Transposed convolution of a {_hw(v['size'])} input into a "
                               f"{_hw(out_hw)} output",
                         summary=summary, legend=legend,
                         input_label="input, zeros inserted and padded")
    return result(f"Output size {strong(_hw(out_hw))} (height \u00d7 width)", parts, notes,
                  figure)


register(Calculator(
    id="conv-transpose-output",
    title="Transposed convolution output size",
    description="Output size of torch.nn.ConvTranspose2d, its equivalent direct convolution, "
                "and the checkerboard check.",
    fields=(replace(SIZE, default=4),
            replace(KERNEL, default=4),
            replace(STRIDE, default=2),
            replace(PADDING, default=1, help="removed from each side of the output"),
            Field("output_padding", "Output padding", default=0, minimum=0, maximum=63,
                  pair=True, help="added to one side of the output; < max(stride, dilation)"),
            DILATION),
    compute=conv_transpose_output,
))
