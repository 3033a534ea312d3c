"""Words for :mod:`calc.coverage`: the warnings a size calculator and the CLI print.

Plain text; the HTML renderers escape it. ``axis`` is ``height``, ``width`` or, when both
axes carry the same numbers, ``height and width``.
"""

from __future__ import annotations

from ..coverage import TransposeAxis, WindowAxis

AXIS_NOUNS = {"height": ("row", "rows"), "width": ("column", "columns"),
              "height and width": ("row and column", "rows and columns")}
AXIS_WORD = {"height": "rows", "width": "columns", "height and width": "pixels"}


def count(n: int, axis: str) -> str:
    """``1 row``, ``3 columns``, ``2 rows and columns``."""
    one, many = AXIS_NOUNS[axis]
    return f"{n} {one if n == 1 else many}"


def window_warnings(a: WindowAxis, axis: str) -> list[str]:
    """Input cells no window reads, outputs that see only padding, a ceil-mode overhang."""
    notes = []
    if a.tail:
        r = a.remainder
        notes.append(f"Never read: the last {count(a.tail, axis)} of the input. The floor drops "
                     f"(i + 2p \u2212 d(k \u2212 1) \u2212 1) mod s = {a.room} mod {a.stride} = "
                     f"{r} padded cell{'' if r == 1 else 's'} after the last window"
                     + (f", {r - a.tail} of them padding." if r > a.tail else "."))
    if a.holes:
        why = (f"the stride ({a.stride}) is larger than the kernel ({a.kernel_size})"
               if a.dilation == 1 else
               f"the stride ({a.stride}) and dilation ({a.dilation}) leave cells between taps")
        notes.append(f"Never read: {count(a.holes, axis)} of the input between windows, "
                     f"because {why}.")
    if a.blind:
        notes.append(f"{count(a.blind, axis)} of the output see only padding (padding "
                     f"{a.padding} is at least the kernel span {a.span}): their value is the "
                     "bias alone.")
    if a.ceil_mode and a.overhang:
        notes.append(f"In ceil mode the last window hangs {count(a.overhang, axis)} past the "
                     "padded input; PyTorch clips it to the cells that exist.")
    return notes


def transpose_warnings(a: TransposeAxis, axis: str) -> list[str]:
    """Outputs that receive no input, and uneven overlap (checkerboard artifacts)."""
    notes = []
    if a.beyond:
        notes.append(f"The last {count(a.beyond, axis)} of the output lie past every kernel "
                     f"footprint (output_padding {a.output_padding} > padding {a.padding}): "
                     "they hold only the bias.")
    if a.holes:
        notes.append(f"{count(a.holes, axis)} of the output receive no input (stride "
                     f"{a.stride} leaves gaps between kernel footprints): they hold only the "
                     "bias.")
    if a.uneven:
        cause = (f"kernel_size {a.kernel_size} is not divisible by stride {a.stride}"
                 if a.dilation == 1 else
                 f"with dilation {a.dilation}, the taps of kernel_size {a.kernel_size} do not "
                 f"divide evenly among the {a.stride} stride phases")
        notes.append(f"Uneven overlap along the {axis}: {cause}, so output {AXIS_WORD[axis]} "
                     f"receive {a.taps_min} or {a.taps_max} kernel taps in a repeating pattern, "
                     "the source of checkerboard artifacts (Odena, Dumoulin & Olah, "
                     "Distill 2016).")
    return notes


def axes_warnings(pair, warn) -> list[str]:
    """Warnings of a ``(height, width)`` pair of axes, once when both axes are equal."""
    h, w = pair
    if h == w:
        return warn(h, "height and width")
    return warn(h, "height") + warn(w, "width")
