"""Solver calculators: ``padding-solver`` (which padding gives a target size) and
``inverse-solver`` (every layer within bounds that maps one size to another)."""

from __future__ import annotations

from .. import arithmetic, coverage
from ..render import html
from ..render.calc_html import formula, paragraph, result, strong
from ..render.coverage_text import AXIS_NOUNS
from ._common import AXIS_INDEXES, axes
from .spec import Calculator, Field

MAX_SPATIAL = 8192
MAX_ROWS = 40   # rows of the inverse solver's table; the rest are counted, not shown

PAD_SIZES = ("size", "target", "kernel_size", "stride", "dilation")


def _padding_axis(label, i, o, k, s, d):
    """Symmetric paddings, the asymmetric fallback and the TF / PyTorch "same" rules, one axis."""
    span = arithmetic.span(k, d)
    low, high = (o - 1) * s + span, o * s + span - 1   # padded sizes that give o windows
    found = arithmetic.padding_for_output(i, o, k, s, d)
    parts = [formula(label, f"i + 2p \u2208 [(o \u2212 1)s + d(k \u2212 1) + 1, os + d(k \u2212 1)]"
                            f" = [{low}, {high}], so 2p \u2208 [{low - i}, {high - i}]"
                            + (f": p = {', '.join(map(str, found))}" if found else
                               ": no whole p \u2265 0"))]
    rows = []
    for p in found[:MAX_ROWS]:
        rows.append((p, o, i + 2 * p, coverage.window_axis(i, k, s, p, d).tail))
    if rows:
        parts.append(html.table(("padding", "output", "padded size",
                                 f"input {AXIS_NOUNS[label][1]} never read at the end"),
                                rows, numeric=(0, 1, 2, 3)))
    totals = range(max(low - i, 0), high - i + 1)
    asym = None
    if not totals:
        parts.append(paragraph(f"No padding gives {o}: even without padding the input ({i}) is "
                               f"longer than the {high} cells that make {o} windows. Padding only "
                               "grows the output; raise the stride or the kernel size."))
    elif not found:
        total = totals[0]
        asym = (total // 2, total - total // 2)
        parts.append(paragraph(f"No symmetric padding works: the padding must total {total}, an "
                               f"odd number. Pad {asym[0]} before and {asym[1]} after "
                               "(TensorFlow's convention puts the extra cell after)."))
    same = arithmetic.tf_same_padding(i, k, s, d)
    if same.symmetric:
        versus = f" (symmetric: PyTorch's padding={same.before} is the same layer)."
    else:
        shifted = arithmetic.conv_output_size(i, k, s, same.after, d)
        versus = (f". No symmetric padding reproduces it; padding={same.after} starts every "
                  f"window one cell earlier and gives {shifted} windows"
                  + (", one more." if shifted != same.output else " too."))
    parts.append(paragraph(
        f"TensorFlow padding=\"SAME\": output \u2308i / s\u2309 = \u2308{i} / {s}\u2309 = "
        f"{same.output}, padding {same.before} before and {same.after} after" + versus
        + ("" if same.output == o else f" That is not the target {o}.")))
    if s == 1:
        total = arithmetic.span(k, d) - 1   # what PyTorch's padding="same" pads in all
        parts.append(paragraph(f"PyTorch padding=\"same\" (stride 1 only): total d(k \u2212 1) = "
                               f"{total}, {total // 2} before and {total - total // 2} after; "
                               f"output {i}" + ("." if i == o else f", not the target {o}.")))
    return found, asym, parts


def padding_solver(v: dict) -> str:
    parts, answers, before_after = [], [], {}
    for label, a in axes(v, PAD_SIZES):
        found, asym, axis_parts = _padding_axis(label, *(a[n] for n in PAD_SIZES))
        parts += axis_parts
        shown = (" or ".join(map(str, found)) if found else
                 f"none (asymmetric: {asym[0]} before, {asym[1]} after)" if asym else "none")
        answers.append(strong(shown) if label == "height and width"
                       else f"{html.escape(label)} {strong(shown)}")
        pads = asym or ((found[0], found[0]) if found else None)
        for x in AXIS_INDEXES[label]:
            before_after[x] = pads
    if None not in before_after.values() and any(b != a for b, a in before_after.values()):
        (top, bottom), (left, right) = before_after[0], before_after[1]
        parts.append(paragraph(f"In PyTorch: nn.ZeroPad2d(({left}, {right}, {top}, {bottom})), "
                               "that is (left, right, top, bottom), then the convolution with "
                               "padding=0."))
    return result("Symmetric padding: " + "; ".join(answers), parts)


PADDING_SOLVER = Calculator(
    id="padding-solver",
    title="Padding for a target size",
    description="Every symmetric padding that gives the target output size, and TensorFlow's "
                "\"SAME\" padding for comparison.",
    fields=(Field("size", "Input size", default=224, minimum=1, maximum=MAX_SPATIAL, pair=True),
            Field("target", "Target output size", default=112, minimum=1, maximum=MAX_SPATIAL,
                  pair=True),
            Field("kernel_size", "Kernel size", default=7, minimum=1, maximum=128, pair=True),
            Field("stride", "Stride", default=2, minimum=1, maximum=64, pair=True),
            Field("dilation", "Dilation", default=1, minimum=1, maximum=64, pair=True)),
    compute=padding_solver,
)


def _conv_notes(i, c):
    axis = coverage.window_axis(i, c.kernel_size, c.stride, c.padding, c.dilation)
    notes = []
    if axis.tail:
        notes.append(f"last {axis.tail} input cell{'s' if axis.tail > 1 else ''} never read")
    if c.kernel_size < c.stride:
        notes.append("gaps between windows")
    if axis.blind:
        notes.append("border outputs see only padding")
    return notes


def _transpose_notes(i, c):
    axis = coverage.transpose_axis(i, c.kernel_size, c.stride, c.padding, c.output_padding,
                                   c.dilation)
    notes = []
    if axis.gaps:
        notes.append("gaps between footprints")
    elif axis.uneven:
        notes.append("uneven overlap (checkerboard)")
    if axis.beyond:
        notes.append("last outputs bias only")
    return notes


def inverse_solver(v: dict) -> str:
    i, o, kind = v["size"], v["target"], v["kind"]
    bounds = (v["max_kernel_size"], v["max_stride"], v["max_padding"])
    if kind == "conv":
        found = arithmetic.solve_conv(i, o, *bounds)
        header = ("kernel_size", "stride", "padding", "notes")
        rows = [(c.kernel_size, c.stride, c.padding, "; ".join(_conv_notes(i, c)) or "exact")
                for c in found[:MAX_ROWS]]
        rule = "o = \u230a(i + 2p \u2212 k) / s\u230b + 1"
        layer = "Conv2d"
    else:
        found = arithmetic.solve_conv_transpose(i, o, *bounds)
        header = ("kernel_size", "stride", "padding", "output_padding", "notes")
        rows = [(c.kernel_size, c.stride, c.padding, c.output_padding,
                 "; ".join(_transpose_notes(i, c)) or "even overlap")
                for c in found[:MAX_ROWS]]
        rule = "o = (i \u2212 1)s \u2212 2p + k + output_padding, output_padding < s"
        layer = "ConvTranspose2d"
    parts = [formula("rule", rule)]
    if rows:
        parts.append(html.table(header, rows, numeric=tuple(range(len(header) - 1))))
    if len(found) > MAX_ROWS:
        parts.append(paragraph(f"{len(found) - MAX_ROWS} more not shown; lower the bounds to "
                               "see them."))
    bounds_text = (f"kernel_size \u2264 {bounds[0]}, stride \u2264 {bounds[1]}, "
                   f"padding \u2264 {bounds[2]}")
    if not found:
        parts.append(paragraph(f"No {layer} within {bounds_text} maps {i} to {o}; widen the "
                               "bounds."))
    return result(f"{strong(len(found))} {layer} configuration{'s' if len(found) != 1 else ''} "
                  f"map {i} to {o} ({html.escape(bounds_text)})", parts)


INVERSE_SOLVER = Calculator(
    id="inverse-solver",
    title="Layers that map one size to another",
    description="Every (kernel_size, stride, padding, output_padding) within the bounds that "
                "maps the input size to the target, one axis at a time.",
    fields=(Field("size", "Input size", default=32, minimum=1, maximum=MAX_SPATIAL),
            Field("target", "Target output size", default=16, minimum=1, maximum=MAX_SPATIAL),
            Field("kind", "Layer", kind="choice", default="conv",
                  choices=("conv", "conv_transpose"),
                  help="conv: Conv2d / pooling; conv_transpose: ConvTranspose2d"),
            Field("max_kernel_size", "Largest kernel_size", default=7, minimum=1, maximum=16),
            Field("max_stride", "Largest stride", default=4, minimum=1, maximum=8),
            Field("max_padding", "Largest padding", default=3, minimum=0, maximum=16)),
    compute=inverse_solver,
)

CALCULATORS = (PADDING_SOLVER, INVERSE_SOLVER)
