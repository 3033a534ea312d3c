"""JSON-ready dictionaries (lists, ints, strings) of summaries."""

from __future__ import annotations

from dataclasses import asdict

from ..memory import Memory
from ..summary import Summary


def rf_dict(rf):
    if rf is None:
        return None
    return {"size": list(rf.size), "stride": list(rf.stride), "padding": list(rf.padding)}


def memory_dict(mem: Memory) -> dict:
    return {**asdict(mem), "inference_total": mem.inference_total}


def summary_dict(summary: Summary, mem: Memory | None = None) -> dict:
    layers = []
    for r in summary.rows:
        row = {"name": r.name, "type": r.type, "output": list(r.output), "params": r.params,
               "macs": r.macs, "activations": r.activations}
        if r.rf is not None:
            row["rf"] = rf_dict(r.rf)
        if r.auxiliary:
            row["auxiliary"] = True
        layers.append(row)
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
