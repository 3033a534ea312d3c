"""matplotlib for the chapters: one style, SVG that reads in the light and the dark palette.

Text, axes and ticks are drawn in an ink colour that :func:`svg` turns into
``currentColor``, so an inline figure takes the page's text colour in either palette; data
use the Okabe-Ito colours, legible on white and on the dark slate and with the common
colour-vision deficiencies. The SVG is deterministic (no date, fixed ids), has no fixed
size (it scales to the column) and carries its alt text as ``<title>`` and ``<desc>``.
"""

from __future__ import annotations

import html
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

INK = "#0a0b0c"           # replaced by currentColor
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#999999")

STYLE = {
    "svg.fonttype": "none",         # text stays text: searchable, in the page's font
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK,
    "xtick.color": INK, "ytick.color": INK, "axes.titlecolor": INK,
    "legend.labelcolor": INK, "legend.frameon": False,
    "grid.color": INK, "grid.alpha": 0.15,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "figure.figsize": (7.0, 3.6),
    "savefig.transparent": True,
}


plt.rcParams.update(STYLE)   # for everything drawn after, legends and annotations included


def new(rows: int = 1, cols: int = 1, **kwargs):
    """A figure and its axes in the chapter style."""
    return plt.subplots(rows, cols, **kwargs)


def block(ax, x, y, text, colour, *, width, height, rounding, fontsize):
    """A block diagram's layer: a rounded box of ``width`` x ``height`` centred at (x, y),
    tinted ``colour``, outlined in ink, holding ``text``."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle=f"round,pad=0.02,rounding_size={rounding}",
                                facecolor=colour, alpha=0.22, edgecolor=INK, linewidth=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK)


def arrow(ax, x0, y0, x1, y1, *, linewidth, **props):
    """An ink arrow from (x0, y0) to (x1, y1), touching both ends; ``props`` add to its
    ``arrowprops`` (a ``connectionstyle`` for an elbow)."""
    ax.annotate("", (x1, y1), (x0, y0),
                arrowprops={"arrowstyle": "-|>", "color": INK, "linewidth": linewidth,
                            "shrinkA": 0, "shrinkB": 0, **props})


def svg(fig, name: str, title: str, alt: str) -> str:
    """The figure as an inline ``<svg>``: ink -> currentColor, ids prefixed with ``name``,
    ``<title>`` and ``<desc>`` for assistive technology, width following the column."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = text.replace(INK, "currentColor").replace(INK.upper(), "currentColor")
    text = re.sub(r"font-family:\s*'?[^;'\"]*'?", "font-family: inherit", text)
    text = re.sub(r"font: ([0-9.]+px) '[^']*'", r"font-size: \1; font-family: inherit", text)
    for ident in set(re.findall(r'id="([^"]+)"', text)):
        new_id = f"{name}-{ident}"
        text = text.replace(f'id="{ident}"', f'id="{new_id}"')
        text = text.replace(f"url(#{ident})", f"url(#{new_id})")
        text = text.replace(f'href="#{ident}"', f'href="#{new_id}"')
    head = re.match(r"<svg[^>]*>", text).group(0)
    view_box = re.search(r'viewBox="[^"]*"', head).group(0)
    new_head = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                f'{view_box} role="img" aria-labelledby="{name}-title {name}-desc" '
                f'class="calc-chart-svg">'
                f'<title id="{name}-title">{html.escape(title)}</title>'
                f'<desc id="{name}-desc">{html.escape(alt)}</desc>')
    return new_head + text[len(head):].strip()
