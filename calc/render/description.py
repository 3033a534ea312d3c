"""Any calc network as a description (:mod:`calc.description`): one named layer per line.

Each layer is written with PyTorch's constructor and arguments (``in_channels`` included,
so reading it back checks every shape), named as its node, and ``from`` names its inputs
where they are not the line above. :func:`calc.description.parse` reads the text back into
the same network: the same nodes, layers, names and output.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from functools import lru_cache

from ..description import SPECS
from ..network import Network
from . import numbers

# calc layer type -> the name written (the PyTorch class; Concat is torch.cat)
_WRITTEN = {spec.cls.__name__: name for name, spec in SPECS.items()
            if not spec.lazy and name not in ("Add", "Concat")}
_WRITTEN.update(Add="Add", Concat="Concat")
# arguments written by position (PyTorch's habit, as torchvision writes them)
_POSITIONAL = {"Conv2d": 2, "ConvTranspose2d": 2, "Linear": 2, "BatchNorm2d": 1,
               "BatchNorm1d": 1, "Unflatten": 2,
               "MaxPool2d": 1, "AvgPool2d": 1, "AdaptiveAvgPool2d": 1, "AdaptiveMaxPool2d": 1,
               "LocalResponseNorm": 1, "PadChannels": 1}
_ALWAYS = {"Conv2d": ("kernel_size",), "ConvTranspose2d": ("kernel_size",)}


def _value(value) -> str:
    if isinstance(value, tuple):
        return str(value[0]) if len(value) == 2 and value[0] == value[1] else \
            "(" + ", ".join(_value(v) for v in value) + ")"
    if isinstance(value, float):
        return repr(value)
    return repr(value) if isinstance(value, str) else str(value)


@lru_cache(maxsize=None)
def call_slots(layer_type: type) -> tuple[str, tuple[tuple[str, str, str | None], ...]]:
    """How a layer type is written: ``(name, ((param, how, default), ...))`` in constructor
    order. ``how`` is ``"position"`` (always written, by position), ``"keyword"`` (always
    written, by keyword) or ``"unless default"`` (written by keyword when its value's text is
    not ``default``, the text of the field's default; ``None`` when it has none)."""
    type_name = layer_type.__name__
    written = _WRITTEN[type_name]
    spec = SPECS[written]
    defaults = {f.name: f.default for f in fields(layer_type)}
    positional = _POSITIONAL.get(type_name, 0)
    slots = []
    for i, param in enumerate(p for p in spec.params if p not in spec.fixed):
        if param not in defaults:
            continue
        how = "position" if i < positional else \
            "keyword" if param in _ALWAYS.get(type_name, ()) else "unless default"
        default = defaults[param]
        slots.append((param, how, None if default is MISSING else _value(default)))
    return written, tuple(slots)


def slot_values(layer) -> tuple[str, ...]:
    """The text of each of :func:`call_slots`'s parameters for ``layer``."""
    values = layer.fields()
    if type(layer).__name__ in ("MaxPool2d", "AvgPool2d") and \
            values["stride"] == values["kernel_size"]:
        values["stride"] = None                      # PyTorch's default: the kernel size
    return tuple(_value(values[param]) for param, _, _ in call_slots(type(layer))[1])


def format_call(written: str, slots, values) -> str:
    """``written(arguments)`` from :func:`call_slots`'s ``slots`` and their ``values``."""
    args = []
    for (param, how, default), value in zip(slots, values):
        if how == "position":
            args.append(value)
        elif how == "keyword" or value != default:
            args.append(f"{param}={value}")
    return f"{written}({', '.join(args)})"


def layer_call(layer) -> str:
    """``Conv2d(64, 64, kernel_size=3, padding=1, bias=False)``."""
    written, slots = call_slots(type(layer))
    return format_call(written, slots, slot_values(layer))


def describe(network: Network) -> str:
    """The description of ``network``: reading it back gives the same network."""
    nodes = network.nodes
    lines = [f"# {network.name}: {len(nodes) - 1} layers, written by calc",
             f"input {numbers.shape(network.input_shape)}"]
    previous = nodes[0].name
    for node in nodes[1:]:
        line = f"{node.name} = {layer_call(node.layer)}"
        if node.inputs != (previous,):
            line += " from " + ", ".join(node.inputs)
        lines.append(line)
        previous = node.name
    if network.output != nodes[-1].name:
        lines.append(f"output {network.output}")
    return "\n".join(lines) + "\n"
