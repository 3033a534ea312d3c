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

from .. import arithmetic, coverage
from ..errors import CalcError
from ..layers import Conv2d
from ..render import html, svg
from ..render.calc_html import formula, paragraph, result, strong
from ..render.coverage_text import transpose_warnings, window_warnings
from ..render.numbers import grouped
from ._common import AXIS_INDEXES, axes
from .spec import Calculator, Field

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


def _conv_text(a: coverage.WindowAxis, mode="floor") -> str:
    i, k, s, p, d, o, room = (a.size, a.kernel_size, a.stride, a.padding, a.dilation, a.output,
                              a.room)
    left, right = ("\u230a", "\u230b") if mode == "floor" else ("\u2308", "\u2309")
    q = room // s if mode == "floor" else -(-room // s)
    return (f"o = {left}(i + 2p \u2212 d(k \u2212 1) \u2212 1) / s{right} + 1 = "
            f"{left}({i} + 2\u00b7{p} \u2212 {d}\u00b7({k} \u2212 1) \u2212 1) / {s}{right} + 1 = "
            f"{left}{_num(room)} / {s}{right} + 1 = {_num(q)} + 1 = {q + 1}"
            + (f" (remainder {room % s})" if mode == "floor" and room % s else "")
            + (f", then {o} by PyTorch's ceil-mode rule" if o != q + 1 else ""))


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
    (_ih, _iw), (kh, kw), (sh, sw) = v["size"], v["kernel_size"], v["stride"]
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
        axis = coverage.window_axis(*(a[n] for n in SIZES))
        parts.append(formula(label, _conv_text(axis)))
        notes += window_warnings(axis, label)
        for index in AXIS_INDEXES[label]:
            masks[index] = axis.read_mask()
    parts += _channels_line(v, out_hw)
    figure = _figure(v, out_hw, (masks[0], masks[1]),
                     f"Convolution of a {_hw(v['size'])} input into a {_hw(out_hw)} output",
                     _describe(v, out_hw, "kernel"), _CONV_LEGEND)
    return result(f"Output size {strong(_hw(out_hw))} (height \u00d7 width)", parts, notes, figure)


CONV_OUTPUT = Calculator(
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
)


def _pool_axis(i, k, s, p, d, ceil_mode):
    """The axis as pooled, its floor and ceil outputs, and the sentence about PyTorch's ceil rule."""
    def mode(ceil):
        try:
            return coverage.window_axis(i, k, s, p, d, ceil, pooling=True)
        except CalcError:   # ceil mode accepts a window overhanging the input, floor does not
            return None
    floor, ceil = mode(False), mode(True)
    if ceil.dropped_last:
        raw = ceil.output + 1
        rule = (f"ceil: {raw} windows, but the last would start at padded cell {(raw - 1) * s} "
                f"\u2265 i + p = {i + p}, inside the right padding, so PyTorch drops it: "
                f"{ceil.output}")
    else:
        rule = (f"ceil: the last window starts at padded cell {(ceil.output - 1) * s} < i + p = "
                f"{i + p}, inside the input, so PyTorch keeps it")
    return (ceil if ceil_mode else floor), (floor.output if floor else "rejected"), \
        ceil.output, rule


def pool_output(v: dict) -> str:
    ceil_mode = v["ceil_mode"]
    out_hw = _pytorch_rule(arithmetic.pool_output_size, *(v[n] for n in SIZES), ceil_mode)
    parts, notes, masks = [], [], {}
    rows = []
    for label, a in axes(v, SIZES):
        axis, floor_o, ceil_o, rule = _pool_axis(*(a[n] for n in SIZES), ceil_mode)
        parts.append(formula(label, _conv_text(axis, "ceil" if ceil_mode else "floor")))
        if ceil_mode:
            parts.append(paragraph(rule))
        rows.append((label, floor_o, ceil_o))
        notes += window_warnings(axis, label)
        for index in AXIS_INDEXES[label]:
            masks[index] = axis.read_mask()
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


POOL_OUTPUT = Calculator(
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
)


TRANSPOSE_SIZES = ("size", "kernel_size", "stride", "padding", "output_padding", "dilation")


def _transpose_axis(label, i, k, s, p, a, d, o):
    reach = arithmetic.span(k, d)
    text = (f"o = (i \u2212 1)s \u2212 2p + d(k \u2212 1) + output_padding + 1 = "
            f"({i} \u2212 1)\u00b7{s} \u2212 2\u00b7{p} + {d}\u00b7({k} \u2212 1) + {a} + 1 = {o}")
    before = reach - 1 - p
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
                  f"\u2212 {reach} + 1 = {o}.")
    sizes = arithmetic.conv_input_sizes(i, k, s, p, d)
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
    axis = coverage.transpose_axis(i, k, s, p, a, d)
    return text, equivalent, which, axis.fed_mask(), transpose_warnings(axis, label)


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def _num(n: int) -> str:
    return str(n) if n >= 0 else f"\u2212{-n}"


def _signed(n: int) -> str:
    return f" + {n}" if n >= 0 else f" \u2212 {-n}"


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
    (_ih, _iw), (kh, kw), (sh, sw) = v["size"], v["kernel_size"], v["stride"]
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


CONV_TRANSPOSE_OUTPUT = Calculator(
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
)

CALCULATORS = (CONV_OUTPUT, POOL_OUTPUT, CONV_TRANSPOSE_OUTPUT)
