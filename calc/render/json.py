"""JSON-ready dictionaries (lists, ints, strings) of summaries."""

from __future__ import annotations

from dataclasses import asdict

from ..memory import Memory
from ..summary import Summary
from .columns import rf_dict, row_dict


def memory_dict(mem: Memory) -> dict:
    return {**asdict(mem), "inference_total": mem.inference_total}


def summary_dict(summary: Summary, mem: Memory | None = None) -> dict:
    layers = [row_dict(r) for r in summary.rows]
    out = {
        "name": summary.name,
        "input": list(summary.input),
        "output": list(summary.output),
        "params": summary.params,
        "buffers": summary.buffers,
        "macs": summary.macs,
        "flops": summary.flops,
        "aux_params": summary.aux_params,
        "aux_macs": summary.aux_macs,
        "receptive_field": rf_dict(summary.receptive_field),
        "receptive_field_node": summary.receptive_field_node,
        "notes": list(summary.notes),
        "layers": layers,
    }
    if mem is not None:
        out["memory"] = memory_dict(mem)
    return out


def findings_list(findings) -> list[dict]:
    """The design checks' findings (:mod:`calc.checks`) as data: rule, node, layer, shapes."""
    return [{"rule": f.rule, "node": f.node, "layer": f.layer, "input": list(f.input),
             "output": list(f.output)} for f in findings]
