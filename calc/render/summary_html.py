"""HTML of a network summary: totals, memory, and the per-layer table."""

from __future__ import annotations

from ..memory import Memory
from ..summary import Summary
from . import html, numbers
from .columns import SHOWN, cells


def totals_html(summary: Summary, mem: Memory) -> str:
    rf = summary.receptive_field
    items = [
        ("Input", numbers.shape(summary.input)),
        ("Output", numbers.shape(summary.output)),
        ("Params", numbers.grouped(summary.params)
         + (f" (auxiliary: {numbers.grouped(summary.aux_params)})" if summary.aux_params else "")),
        ("MACs", f"{numbers.si(summary.macs)} ({numbers.grouped(summary.macs)})"),
        ("FLOPs", numbers.si(summary.flops)),
        ("Receptive field",
         f"{numbers.pair(rf.size)} px, stride {numbers.pair(rf.stride)}, padding "
         f"{numbers.pair(rf.padding)} (at {summary.receptive_field_node})" if rf else
         "undefined: " + (summary.notes[0] if summary.notes else
                          "no spatial layer before flattening, global pooling or upsampling")),
        (f"Weights ({mem.dtype})", numbers.nbytes(mem.weights)),
        (f"Inference peak activations (batch {mem.batch})", numbers.nbytes(mem.inference_peak)),
        (f"Activations saved for training (batch {mem.batch})",
         numbers.nbytes(mem.training_saved)),
    ]
    body = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items)
    return f'<dl class="calc-totals">{body}</dl>'


def layers_html(summary: Summary, open_: bool = False) -> str:
    rows = cells(summary.rows)
    table = html.table([c.title for c in SHOWN], rows,
                       numeric={i for i, c in enumerate(SHOWN) if c.numeric})
    return (f"<details{' open' if open_ else ''}><summary>All {len(rows)} layers</summary>"
            f'<div class="calc-scroll">{table}</div></details>')


def summary_html(summary: Summary, mem: Memory) -> str:
    return totals_html(summary, mem) + layers_html(summary)


def family_summary_html(summary: Summary, mem: Memory, warnings=()) -> str:
    """A family calculator's result: totals and memory, the design warnings, the layers."""
    return (totals_html(summary, mem) + html.warnings(list(warnings))
            + layers_html(summary))
