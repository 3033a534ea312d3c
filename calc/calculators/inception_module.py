"""The ``inception-module`` calculator: one Inception module from its six widths.

The six numbers of a GoogLeNet Table 1 row (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5,
pool proj) and the input give each branch's shape, parameters and MACs, the concatenated
width, and the same module without its 1x1 reductions (the paper's Figure 2(a)), so the
saving the reductions buy is a number. Where the widths and input are a module of
GoogLeNet, the paper's printed params and ops for that row are shown beside calc's.
"""

from __future__ import annotations

from ..models.googlenet import inception_module
from ..models.googlenet_paper import INCEPTION, TABLE_1_PRINTED, WIDTHS
from ..render import html
from ..render.calc_html import paragraph, result, strong
from ..render.columns import rf_cell
from ..render.numbers import grouped, shape, si
from ..summary import summarize
from .spec import Calculator, Field

BRANCHES = (("branch1", "1x1"), ("branch2", "3x3 reduce, 3x3"), ("branch3", "5x5 reduce, 5x5"),
            ("branch4", "3x3 max pool, pool proj"))
NAIVE = (("branch1", "1x1"), ("branch2", "3x3"), ("branch3", "5x5"),
         ("branch4", "3x3 max pool"))
INPUTS = {"inception3a": (192, 28), "inception3b": (256, 28), "inception4a": (480, 14),
          "inception4b": (512, 14), "inception4c": (512, 14), "inception4d": (512, 14),
          "inception4e": (528, 14), "inception5a": (832, 7), "inception5b": (832, 7)}


def _branches(summary, labels):
    """Per branch: its last layer's output shape and receptive field, its params and MACs."""
    rows = []
    for prefix, label in labels:
        mine = [r for r in summary.rows if r.name.startswith(f"module.{prefix}")]
        rows.append((label, shape(mine[-1].output), rf_cell(mine[-1].rf),
                     sum(r.params for r in mine), sum(r.macs for r in mine)))
    return rows


def _table(rows, summary, against=None) -> str:
    """Branch rows and the concatenation; ``against``: the module with reductions, whose
    MACs each branch's cost is compared with."""
    body = []
    for i, (label, out, rf, p, m) in enumerate(rows):
        row = [label, out, rf, grouped(p), grouped(m)]
        if against is not None:
            base = against[i][4]
            row.append(f"{m / base:.2f}x" if base else "")
        body.append(tuple(row))
    last = summary.rows[-1]
    total = ["concatenated", shape(summary.output), rf_cell(last.rf), grouped(summary.params),
             grouped(summary.macs)]
    if against is not None:
        total.append(f"{summary.macs / sum(r[4] for r in against):.2f}x")
    body.append(tuple(total))
    header = ["branch", "output", "RF size/stride/padding", "params", "MACs"]
    if against is not None:
        header.append("MACs against the reduced module")
    return html.table(header, body, numeric=(3, 4, 5))


def _paper_row(v, network) -> str:
    """The Table 1 row these numbers are, if any, with the paper's printed params and ops."""
    widths = tuple(v[n] for n in WIDTHS)
    for name, row in INCEPTION.items():
        c, s = INPUTS[name]
        if row == widths and v["in_channels"] == c and v["size"] == (s, s):
            params_k, ops_m = TABLE_1_PRINTED[name]
            weights = sum(n.layer.params - (n.layer.out_channels if n.layer.bias else 0)
                          for n in network.nodes if n.layer.type == "Conv2d")
            macs = summarize(network).macs
            return (f"These are GoogLeNet's inception ({name[len('inception'):]}): Table 1 "
                    f"prints {params_k}K params and {ops_m}M ops (multiply-adds). The paper's "
                    f"module has {grouped(weights)} weights without biases "
                    f"({weights / 1024:.1f}K of 1,024) and {macs / 1e6:.1f}M MACs.")
    return ""


def compute(v: dict) -> str:
    widths = {n: v[n] for n in WIDTHS}
    args = (v["in_channels"], v["size"])
    module = summarize(inception_module(*args, **widths, variant=v["variant"]))
    naive = summarize(inception_module(*args, **widths, variant="paper", reductions=False))
    if v["module"]:
        return _fill_row(v["module"])
    c, h, w = module.output
    reduced = _branches(module, BRANCHES)
    parts = [_table(reduced, module)]
    ratio = naive.macs / module.macs
    parts.append(paragraph(
        f"Without the 1x1 reductions (Figure 2(a), the \u201cnaive\u201d module: 3x3 and 5x5 "
        f"convolutions on all {v['in_channels']} input channels, and the pool passing every "
        f"channel through) the module would output {naive.output[0]} channels, with "
        f"{grouped(naive.params)} parameters and {si(naive.macs)} MACs: {ratio:.2f} times the "
        f"MACs of the module with reductions." + (" The naive module's output grows by all of "
                                                   "its input at every module: stacked, the "
                                                   "width compounds." if naive.output[0] >
                                                   v["in_channels"] else "")))
    parts.append(_table(_branches(naive, NAIVE), naive, against=reduced))
    if v["variant"] == "torchvision":
        parts.append(paragraph("torchvision's module: every conv is conv without bias, batch "
                               "norm and ReLU, and the third branch is a 3x3 conv where the "
                               "paper has a 5x5. The naive comparison keeps the paper's 5x5."))
    note = _paper_row(v, inception_module(*args, **widths, variant="paper"))
    if note:
        parts.append(paragraph(note))
    answer = (f"Output {strong(f'{c} x {h} x {w}')} (channels x height x width): "
              f"{v['ch1x1']} + {v['ch3x3']} + {v['ch5x5']} + {v['pool_proj']} channels; "
              f"{strong(grouped(module.params))} parameters, {strong(si(module.macs) + ' MACs')}")
    return result(answer, parts)


def _fill_row(name: str) -> str:
    """The Table 1 row ``name`` as new field values, for calc.js to copy into the form."""
    c, size = INPUTS[name]
    values = {"in_channels": c, "size": size, **dict(zip(WIDTHS, INCEPTION[name]))}
    return ("".join(f'<template data-calc-fill="{field}" data-calc-reset="module">{value}'
                    "</template>" for field, value in values.items())
            + paragraph(f"Loading inception ({name[len('inception'):]}) from Table 1."))


def _width(name, label, default, help_text="") -> Field:
    return Field(name, label, default=default, minimum=1, maximum=1 << 14, help=help_text)


INCEPTION_MODULE = Calculator(
    id="inception-module",
    title="Inception module",
    description="One module from the six numbers of a GoogLeNet Table 1 row: branch shapes, "
                "the concatenated width, params and MACs with and without the 1x1 reductions.",
    fields=(Field("in_channels", "Input channels", default=192, minimum=1, maximum=1 << 14),
            Field("size", "Input size", default=28, minimum=1, maximum=1024, pair=True),
            _width("ch1x1", "#1x1", 64, "the 1x1 branch"),
            _width("ch3x3red", "#3x3 reduce", 96, "1x1 conv before the 3x3"),
            _width("ch3x3", "#3x3", 128),
            _width("ch5x5red", "#5x5 reduce", 16, "1x1 conv before the 5x5"),
            _width("ch5x5", "#5x5", 32),
            _width("pool_proj", "pool proj", 32, "1x1 conv after the 3x3 max pool"),
            Field("variant", "Variant", kind="choice", default="paper",
                  choices=("paper", "torchvision"),
                  help="paper: bias and 5x5; torchvision: batch norm and a 3x3 in the 5x5 "
                       "branch"),
            Field("module", "Load a Table 1 row", kind="choice", default="",
                  choices=("", *INCEPTION),
                  help="fills the input and the six widths with one of GoogLeNet's modules")),
    compute=compute,
)

CALCULATORS = (INCEPTION_MODULE,)
