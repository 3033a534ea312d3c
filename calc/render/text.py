"""Plain-text rendering of summaries and solver results for the CLI."""

from __future__ import annotations

from ..memory import Memory
from ..summary import Summary
from . import numbers
from .columns import SHOWN, cells


def memory_lines(mem: Memory) -> list[str]:
    return [
        f"Memory at batch {mem.batch}, {mem.dtype}:",
        f"  weights {numbers.nbytes(mem.weights)}, buffers {numbers.nbytes(mem.buffers)}",
        f"  inference peak activations {numbers.nbytes(mem.inference_peak)}",
        f"  activations saved for training {numbers.nbytes(mem.training_saved)} "
        f"(every layer's output: {numbers.nbytes(mem.training_activations)})",
    ]


def summary_table(summary: Summary, mem: Memory | None = None) -> str:
    header = tuple(c.title for c in SHOWN)
    rows = cells(summary.rows)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    right = {i for i, c in enumerate(SHOWN) if c.numeric}

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "-" * len(line(header))
    out = [f"{summary.name}: input {numbers.shape(summary.input)}, "
           f"output {numbers.shape(summary.output)}", rule, line(header), rule]
    out += [line(r) for r in rows]
    out += [rule, f"Params: {numbers.grouped(summary.params)}"
            + (f" (auxiliary branches: {numbers.grouped(summary.aux_params)})"
               if summary.aux_params else ""),
            f"Buffers: {numbers.grouped(summary.buffers)}",
            f"MACs: {numbers.si(summary.macs)} ({numbers.grouped(summary.macs)})   "
            f"FLOPs: {numbers.si(summary.flops)}"
            + (f"   (auxiliary branches, training only: {numbers.si(summary.aux_macs)} MACs)"
               if summary.aux_macs else "")]
    rf = summary.receptive_field
    if rf is not None:
        out.append(f"Receptive field at {summary.receptive_field_node}: size "
                   f"{numbers.pair(rf.size)}, stride {numbers.pair(rf.stride)}, "
                   f"padding {numbers.pair(rf.padding)}")
    out += [f"Note: {n}" for n in summary.notes]
    if mem is not None:
        out += memory_lines(mem)
    return "\n".join(out)
