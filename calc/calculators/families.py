"""Family calculators: one per parametric family of the zoo, its own knobs plus the input.

The fields are the family's knobs (named as torchvision's constructor names them), then the
input channels and size, the number of classes, the batch and the dtype. The result is the
family member's summary: totals and memory, the design checks that apply (:mod:`calc.checks`)
and the per-layer table. Dropout knobs are left out: they change no shape, parameter or MAC.
"""

from __future__ import annotations

from ..memory import DTYPE_BYTES
from ..models import get_family
from ..models.registry import Family, Knob
from ..render.checks_text import findings_text
from ..render.summary_html import LIMIT, family_summary_html
from ._measured import EVERY_LAYER, measured
from .spec import Calculator, Field

_KINDS = {"int": "int", "ints": "ints", "choice": "choice", "bool": "bool", "fraction": "float"}
_SKIPPED = {"probability", "shape"}   # dropout rates; the input has fields of its own
MAX_SIZE = 4096                       # input height and width


def _field(knob: Knob, default) -> Field:
    bounds = {"int": (1, 1 << 16), "ints": (1, 1 << 16), "fraction": (0, 1)}.get(knob.kind,
                                                                                (None, None))
    return Field(knob.name, knob.name.replace("_", " ").capitalize(), kind=_KINDS[knob.kind],
                 default=default, minimum=bounds[0], maximum=bounds[1], choices=knob.choices,
                 help=knob.help)


def _input_fields(shape, classes) -> tuple[Field, ...]:
    return (
        Field("in_channels", "Input channels", default=shape[0], minimum=1, maximum=4096),
        Field("size", "Input size", default=shape[1], minimum=1, maximum=MAX_SIZE, pair=True,
              help="height and width of the input image, in pixels"),
        Field("num_classes", "Classes", default=classes, minimum=1, maximum=1 << 20,
              help="outputs of the last layer"),
        Field("batch", "Batch size", default=1, minimum=1, maximum=65536,
              help="for the memory of activations"),
        Field("dtype", "Data type", kind="choice", default="float32", choices=tuple(DTYPE_BYTES)),
        EVERY_LAYER,
    )


def family_calculator(family: Family, calc_id: str, title: str, description: str,
                      input_shape=None, **defaults) -> Calculator:
    """A calculator for ``family``: ``defaults`` override its knobs' defaults (the chapter's
    starting member); ``input_shape`` the family's default input."""
    knobs = [k for k in family.knobs if k.kind not in _SKIPPED and k.name != "num_classes"]
    family_defaults = family.defaults()
    shape = input_shape or family_defaults.get("input_shape") or (3, 224, 224)
    classes = family_defaults.get("num_classes", 1000)
    fields = tuple(_field(k, defaults.get(k.name, k.default)) for k in knobs)
    names = [k.name for k in knobs]

    def compute(v: dict) -> str:
        kwargs = {name: v[name] for name in names}
        shape = (v["in_channels"], *v["size"])
        key = (family.name, tuple(kwargs.items()), shape, v["num_classes"])
        summary, findings = measured(key, lambda: family(input_shape=shape,
                                                         num_classes=v["num_classes"], **kwargs))
        return family_summary_html(summary, summary.memory(v["batch"], v["dtype"]),
                                   findings_text(findings),
                                   None if v["all_layers"] else LIMIT)

    return Calculator(id=calc_id, title=title, description=description,
                      fields=fields + _input_fields(shape, classes), compute=compute)


ALEXNET = family_calculator(
    get_family("alexnet"), "alexnet", "AlexNet",
    "torchvision's single tower or the 2012 paper's two towers, at any input size.")
VGG = family_calculator(
    get_family("vgg"), "vgg", "VGG",
    "Any configuration of Table 1, with or without batch norm, torchvision's head or the "
    "paper's.")
GOOGLENET = family_calculator(
    get_family("googlenet"), "googlenet", "GoogLeNet",
    "torchvision's GoogLeNet or the paper's Table 1, with or without the auxiliary "
    "classifiers.")
INCEPTION_V3 = family_calculator(
    get_family("inception_v3"), "inception-v3", "Inception v3",
    "torchvision's Inception v3 at any input size it accepts.")
RESNET = family_calculator(
    get_family("resnet"), "resnet", "ResNet, ResNeXt, wide ResNet",
    "Any member of torchvision's ResNet class: block, blocks per stage, groups, width.")
DENSENET = family_calculator(
    get_family("densenet"), "densenet", "DenseNet",
    "Any member of torchvision's DenseNet class: growth rate, blocks, stem, bottleneck width.")
CIFAR_RESNET = family_calculator(
    get_family("cifar_resnet"), "cifar-resnet", "CIFAR ResNet",
    "He et al.'s CIFAR ResNets of depth 6n + 2.")
WRN = family_calculator(
    get_family("wrn"), "wrn", "Wide ResNet",
    "WRN-d-k of Zagoruyko & Komodakis: depth 6N + 4, widening factor k.")
PREACT_RESNET = family_calculator(
    get_family("preact_resnet"), "preact-resnet", "Pre-activation ResNet",
    "He et al.'s pre-activation bottleneck ResNets for CIFAR, depth 9n + 2 (ResNet-164, "
    "ResNet-1001).")
CIFAR_DENSENET = family_calculator(
    get_family("cifar_densenet"), "cifar-densenet", "CIFAR DenseNet",
    "DenseNet and DenseNet-BC of Huang et al. for CIFAR, any depth and growth rate.")

CALCULATORS = (ALEXNET, VGG, GOOGLENET, INCEPTION_V3, RESNET, DENSENET, CIFAR_RESNET, WRN,
               PREACT_RESNET, CIFAR_DENSENET)
