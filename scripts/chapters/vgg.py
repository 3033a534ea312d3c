"""Figures and tables of the VGG chapter (docs/vgg.md)."""

from __future__ import annotations

from calc.models import get_model
from calc.summary import summarize

from . import Figure, figure, plot


@figure("vgg-params-and-macs")
def params_and_macs(model: str = "vgg16") -> Figure:
    """Where a VGG's parameters sit (the FC layers) against where its MACs sit (the convs)."""
    s = summarize(get_model(model))
    rows = [r for r in s.rows if r.type in ("Conv2d", "Linear")]
    names = [f"conv{i + 1}" if r.type == "Conv2d" else f"fc{i + 1 - sum(x.type == 'Conv2d' for x in rows)}"
             for i, r in enumerate(rows)]
    params = [r.params / s.params * 100 for r in rows]
    macs = [r.macs / s.macs * 100 for r in rows]
    fig, ax = plot.new()
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], params, width=0.4, label="share of parameters")
    ax.bar([i + 0.2 for i in x], macs, width=0.4, label="share of MACs")
    ax.set_xticks(list(x), names, rotation=60, ha="right")
    ax.set_ylabel("% of the network")
    ax.legend()
    ax.grid(axis="y")
    fc_params = sum(r.params for r in rows if r.type == "Linear") / s.params * 100
    conv_macs = sum(r.macs for r in rows if r.type == "Conv2d") / s.macs * 100
    alt = (f"Bar chart of {model}'s weighted layers. The three fully connected layers hold "
           f"{fc_params:.1f}% of the parameters; the thirteen convolutions do {conv_macs:.1f}% "
           "of the multiply-accumulates.")
    return Figure(plot.svg(fig, f"{model}-params-and-macs",
                           f"{model}: parameters and MACs per layer", alt), alt,
                  f"{model} at 224x224: each weighted layer's share of the parameters and of the "
                  "MACs, computed by calc.")
