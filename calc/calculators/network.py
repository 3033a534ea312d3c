"""The ``network-summary`` calculator: any zoo preset at any input size, batch and dtype, with
the design checks the designer shows (kept with the network: a change of batch, dtype or table
size reruns neither; checking resnet1202 takes about 10 ms in CPython)."""

from __future__ import annotations

from ..memory import DTYPE_BYTES
from ..models import get_model, list_models
from ..render.checks_text import findings_text
from ..render.summary_html import LIMIT, family_summary_html
from ._measured import EVERY_LAYER, measured
from .spec import Calculator, Field


def _compute(v: dict) -> str:
    kwargs = {}
    if v["custom_input"]:  # else the model's own input (224, 299, 32x32 CIFAR, DCGAN's z)
        kwargs["input_shape"] = (v["in_channels"], *v["size"])
    summary, findings = measured(("network", v["model"], kwargs.get("input_shape")),
                                 lambda: get_model(v["model"], **kwargs))
    return family_summary_html(summary, summary.memory(v["batch"], v["dtype"]),
                               findings_text(findings), None if v["all_layers"] else LIMIT)


NETWORK_SUMMARY = Calculator(
    id="network-summary",
    title="Network summary",
    description="Shapes, parameters, MACs, receptive field, memory and design checks of a "
                "zoo network.",
    fields=(
        Field("model", "Model", kind="choice", default="resnet50", choices=tuple(list_models())),
        Field("custom_input", "Custom input size (else the model's own)", kind="bool",
              default=False),
        Field("in_channels", "Input channels", default=3, minimum=1, maximum=4096),
        Field("size", "Input size", default=224, minimum=1, maximum=2048, pair=True),
        Field("batch", "Batch size", default=1, minimum=1, maximum=65536),
        Field("dtype", "Data type", kind="choice", default="float32",
              choices=tuple(DTYPE_BYTES)),
        EVERY_LAYER,
    ),
    compute=_compute,
)

CALCULATORS = (NETWORK_SUMMARY,)
