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


LIMIT, HEAD = 200, 150   # a longer table shows its first HEAD rows and its last LIMIT - HEAD


def layers_html(summary: Summary, open_: bool = False, limit: int | None = None) -> str:
    """Every layer in a collapsed table; with ``limit``, a longer one shows its ends only
    (a 4,000-row table costs the reader's browser more than the calculation)."""
    rows = summary.rows
    note = ""
    if limit is not None and len(rows) > limit:
        tail = limit - HEAD
        hidden = len(rows) - limit
        body = cells(rows[:HEAD]) + [(f"\u2026 {hidden:,} more layers \u2026",) +
                                     ("",) * (len(SHOWN) - 1)] + cells(rows[-tail:])
        note = (f" (the first {HEAD} and the last {tail} shown; tick \u201cEvery layer\u201d "
                "for the rest)")
    else:
        body = cells(rows)
    table = html.table([c.title for c in SHOWN], body,
                       numeric={i for i, c in enumerate(SHOWN) if c.numeric})
    return (f"<details{' open' if open_ else ''}><summary>All {len(rows)} layers"
            f"{html.escape(note)}</summary>"
            f'<div class="calc-scroll">{table}</div></details>')


def summary_html(summary: Summary, mem: Memory, limit: int | None = None) -> str:
    return totals_html(summary, mem) + layers_html(summary, limit=limit)


def family_summary_html(summary: Summary, mem: Memory, warnings=(),
                        limit: int | None = None) -> str:
    """A zoo calculator's result (a family's, network-summary's): totals and memory, the
    design checks (:func:`calc.render.html.warnings` of their sentences, as the designer
    shows them), the layers."""
    return (totals_html(summary, mem) + html.warnings(list(warnings))
            + layers_html(summary, limit=limit))
