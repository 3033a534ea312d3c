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


def _cells(rows, limit: int | None) -> list:
    """The rows' cells as the table shows them: its ends only, past ``limit``."""
    if limit is None or len(rows) <= limit:
        return cells(rows)
    hidden = len(rows) - limit
    return (cells(rows[:HEAD]) + [(f"\u2026 {hidden:,} more layers \u2026",) +
                                  ("",) * (len(SHOWN) - 1)] + cells(rows[HEAD - limit:]))


def _note(count: int, limit: int | None) -> str:
    if limit is None or count <= limit:
        return ""
    return (f" (the first {HEAD} and the last {limit - HEAD} shown; tick \u201cEvery layer\u201d "
            "for the rest)")


def layers_table(summary: Summary, limit: int | None = None) -> str:
    """The layers' table alone, as :func:`layers_html` shows it."""
    return html.table([c.title for c in SHOWN], _cells(summary.rows, limit),
                      numeric={i for i, c in enumerate(SHOWN) if c.numeric})


def layers_html(summary: Summary, open_: bool = False, limit: int | None = None,
                part: str | None = None) -> str:
    """Every layer in a collapsed table; with ``limit``, a longer one shows its ends only
    (a 4,000-row table costs the reader's browser more than the calculation). With ``part``
    (and not ``open_``) the table is left out, for calc.js to fill from that part of the
    result (:func:`layers_table`) when the reader opens it: a live keystroke then writes
    no table that nobody sees."""
    count = len(summary.rows)
    head = (f"<summary>{'The one layer' if count == 1 else f'All {count} layers'}"
            f"{html.escape(_note(count, limit))}</summary>")
    if part is not None and not open_:
        name = html.escape(part)
        return (f'<details data-calc-part="{name}">{head}<div class="calc-scroll" '
                f'data-calc-text="{name}" data-calc-part="{name}" data-calc-html></div>'
                "</details>")
    return (f"<details{' open' if open_ else ''}>{head}"
            f'<div class="calc-scroll">{layers_table(summary, limit)}</div></details>')


def summary_html(summary: Summary, mem: Memory, limit: int | None = None) -> str:
    return totals_html(summary, mem) + layers_html(summary, limit=limit)


def family_summary_html(summary: Summary, mem: Memory, warnings=(),
                        limit: int | None = None) -> str:
    """A zoo calculator's result (a family's, network-summary's): totals and memory, the
    design checks (:func:`calc.render.html.warnings` of their sentences, as the designer
    shows them), the layers."""
    return (totals_html(summary, mem) + html.warnings(list(warnings))
            + layers_html(summary, limit=limit))
