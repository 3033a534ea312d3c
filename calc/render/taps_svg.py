"""A strip of output pixels, each shaded by how many kernel taps a transposed convolution
lands on it: even overlap is one shade, the checkerboard alternates (Odena et al. 2016).

Data in (the counts of :func:`calc.coverage.transpose_taps`), an ``<svg>`` string out;
every coordinate an int, every text escaped, the size bounded by the counts given.
"""

from __future__ import annotations

from .html import escape

CELL = 14
# light to dark: more taps, darker (Okabe-Ito blue at rising opacity; 0 taps: the empty colour)
_EMPTY = "#CC79A7"


def tap_strip(counts, label: str) -> str:
    """One row of ``len(counts)`` cells, each with its count written in it."""
    counts = tuple(counts)
    top = max(counts) if counts else 1
    width = len(counts) * CELL + 2
    cells = []
    for x, n in enumerate(counts):
        opacity = 0 if n == 0 else round(0.25 + 0.75 * n / top, 2)
        fill = (f'fill="{_EMPTY}"' if n == 0 else
                f'fill="#0072B2" fill-opacity="{opacity}"')
        cells.append(f'<rect x="{1 + x * CELL}" y="1" width="{CELL}" height="{CELL}" {fill} '
                     'stroke="currentColor" stroke-opacity="0.4"/>'
                     f'<text x="{1 + x * CELL + CELL // 2}" y="{CELL - 2}" font-size="9" '
                     f'text-anchor="middle" fill="currentColor">{n}</text>')
    summary = ", ".join(map(str, counts))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="calc-taps" viewBox="0 0 {width} '
            f'{CELL + 2}" width="{width}" height="{CELL + 2}" role="img" '
            f'aria-label="{escape(label)}: taps per output pixel {escape(summary)}">'
            + "".join(cells) + "</svg>")
