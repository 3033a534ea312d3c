"""Words for :mod:`calc.checks`: one warning per rule, naming the layers and the fix.

Findings of one rule are grouped: the sentence states the rule once, names the first
layers with their numbers, and counts the rest.
"""

from __future__ import annotations

from ..checks import SEVERITY, Finding
from . import numbers

SHOWN = 4   # layers named per rule; the rest are counted
LABEL = {"warning": "Warning", "note": "Note"}

_FIX = {
    "dropped": "choose an input size for which (i + 2p - k) is a multiple of the stride "
               "(AlexNet: 227, not 224), or pad",
    "gaps": "use an odd kernel at least as large as the stride, with padding k // 2, such "
            "as a 3x3 convolution or pooling with stride 2 and padding 1: it reads every pixel "
            "and stays aligned with a 3x3 stride-2 path beside it. ResNet-D's 2x2 average pool "
            "in the shortcut reads every pixel too, with a deliberate half-pixel shift (the "
            "misaligned check reports it)",
    "blind": "use less padding than the kernel's span",
    "overhang": "no harm in PyTorch, which clips the window, but other frameworks may size "
                "the output differently",
    "uneven": "make the kernel size a multiple of the stride (DCGAN: 4 with stride 2), or "
              "resize then convolve (Odena et al. 2016)",
    "tiny": "end the convolutions before the map reaches 1x1, or use 1x1 kernels there; a "
            "larger input also helps",
    "small_field": "add depth or stride (or dilation) before the head, or use a smaller input",
    "enlarged": "use an input large enough for the map to reach the pooling's output size; "
                "a smaller pooling output would do the same with fewer weights after it",
    "large_field": "nothing to fix: the effective receptive field is much smaller than the "
                   "theoretical one (Luo et al. 2016); a smaller one costs fewer layers",
    "shrinking": "keep or grow the channels when a stage halves the size, so the cost per "
                 "layer stays level and the features have room",
    "dominant": "spread the cost: fewer channels there, a 1x1 reduction before it, or a "
                "stride earlier",
    "misaligned": "where the paths should see the same pixels, give them the same strides "
                  "and odd kernels with padding k // 2. A known case is deliberate: ResNet-D's "
                  "2x2 average-pooled shortcut sits half a pixel off the 3x3 stride-2 path "
                  "(T. He et al. 2019), harmless for classification; it matters where outputs "
                  "must line up with input pixels (detection, segmentation) and for the "
                  "receptive field, which is then undefined",
    "even_same": "use an odd kernel with padding k // 2, or pad asymmetrically "
                 "(nn.ZeroPad2d) before an unpadded even kernel",
    "not_multiple_of_8": "round the widths to multiples of 8 if the network will run in "
                         "float16 or bfloat16 on tensor cores",
}


def _hw(shape) -> str:
    return numbers.shape(shape[1:]) if len(shape) == 3 else numbers.shape(shape)


def _axes_text(f: Finding, what) -> str:
    h, w = f.axes
    hv, wv = what(h), what(w)
    if hv == wv:
        return f"{hv} row{'s' if hv != 1 else ''} and column{'s' if hv != 1 else ''}" if hv \
            else ""
    return ", ".join(t for t in (f"{hv} row{'s' if hv != 1 else ''}" if hv else "",
                                 f"{wv} column{'s' if wv != 1 else ''}" if wv else "") if t)


def _detail(f: Finding, lines=None) -> str:
    node = f"line {lines[f.node]}, {f.node}" if lines and f.node in lines else f.node
    where = f"{node} ({_hw(f.input)} \u2192 {_hw(f.output)})"
    if f.rule == "dropped":
        last = _axes_text(f, lambda a: a.tail)
        return f"{where}: the last {last}" if not last.startswith("1 ") else \
            f"{where}: the last {last[2:]}"
    if f.rule == "gaps":
        h, w = f.axes
        read = (f.input[1] - h.unread) * (f.input[2] - w.unread)
        return f"{where}: reads {read:,} of {f.input[1] * f.input[2]:,} pixels"
    if f.rule == "blind":
        return f"{where}: {_axes_text(f, lambda a: a.blind)} of the output"
    if f.rule == "overhang":
        return f"{where}: by {_axes_text(f, lambda a: a.overhang if a.ceil_mode else 0)}"
    if f.rule == "uneven":
        h, w = f.axes
        taps = {(a.taps_min, a.taps_max) for a in (h, w)}
        return f"{where}: " + ", ".join(f"{lo} or {hi} taps per output" for lo, hi in taps)
    if f.rule == "tiny":
        h, w = f.axes
        return f"{node} ({numbers.shape((h.kernel_size, w.kernel_size))} kernel on a 1x1 map)"
    if f.rule == "enlarged":
        return f"{where}"
    if f.rule == "shrinking":
        return f"{where}: at most {f.value[1]} channels after {f.value[0]}"
    if f.rule == "dominant":
        return f"{where}: {f.value[0] / f.value[1]:.0%} of the MACs"
    if f.rule == "not_multiple_of_8":
        return f"{node} ({f.value[0]} channels)"
    if f.rule in ("large_field", "small_field"):
        return f"{node}: {numbers.pair(f.value)} px of a {_hw(f.input)} input"
    return where


_SENTENCE = {
    "dropped": "The floor drops input rows or columns that no window reads",
    "gaps": "The stride exceeds the kernel: pixels between windows are never read",
    "blind": "Some outputs see only padding (their value is the bias alone)",
    "overhang": "Ceil-mode windows hang past the padded input",
    "uneven": "Transposed convolutions overlap unevenly (checkerboard artifacts)",
    "tiny": "Convolutions larger than 1x1 run on a 1x1 map: every tap but the centre reads "
            "padding",
    "small_field": "The network's receptive field covers less than half the input",
    "enlarged": "Adaptive pooling enlarges a map by repeating its pixels: the layer after it "
                "sees copies",
    "large_field": "The theoretical receptive field is over four times the input",
    "shrinking": "A stage at a smaller size is narrower than the stage before it",
    "dominant": "One layer does over a quarter of the network's MACs",
    "misaligned": "Merging paths are misaligned: the merged receptive field is undefined",
    "even_same": "An even kernel at stride 1 with padding changes the size by one",
    "not_multiple_of_8": "Output channels that are not multiples of 8",
}


def findings_items(findings, lines=None) -> list[tuple[str, str]]:
    """``(severity, sentence)`` per rule, unlabelled: the rule, up to :data:`SHOWN` layers
    with numbers, the fix. ``severity`` is ``"warning"`` or ``"note"``
    (:data:`calc.checks.SEVERITY`); :data:`LABEL` words it.

    ``lines`` maps a node to the line of a description that made it (the designer's)."""
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    out = []
    for rule, group in by_rule.items():
        named = "; ".join(_detail(f, lines) for f in group[:SHOWN])
        more = f"; and {len(group) - SHOWN} more" if len(group) > SHOWN else ""
        count = f"{len(group)} layer{'s' if len(group) > 1 else ''}"
        out.append((SEVERITY.get(rule, "warning"),
                    f"{_SENTENCE[rule]} ({count}): {named}{more}. Fix: {_FIX[rule]}."))
    return out


def labelled(severity: str, sentence: str) -> str:
    """``Warning: ...`` or ``Note: ...``: the one label a sentence gets (the CLI's)."""
    return f"{LABEL[severity]}: {sentence}"


def findings_text(findings, lines=None) -> list[str]:
    """:func:`findings_items` as the pages' warning lists show them: a note is labelled
    ``Note: ``, a warning is not (the list is of warnings)."""
    return [labelled(severity, sentence) if severity == "note" else sentence
            for severity, sentence in findings_items(findings, lines)]
