"""Any calc network as a description (:mod:`calc.description`): one named layer per line.

Each layer is written with PyTorch's constructor and arguments (``in_channels`` included,
so reading it back checks every shape), named as its node, and ``from`` names its inputs
where they are not the line above. :func:`calc.description.parse` reads the text back into
the same network: the same nodes, layers, names and output.
"""

from __future__ import annotations

from dataclasses import MISSING, fields

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


def layer_call(layer) -> str:
    """``Conv2d(64, 64, kernel_size=3, padding=1, bias=False)``."""
    type_name = type(layer).__name__
    written = _WRITTEN[type_name]
    spec = SPECS[written]
    defaults = {f.name: f.default for f in fields(layer)}
    values = layer.fields()
    if type_name in ("MaxPool2d", "AvgPool2d") and values["stride"] == values["kernel_size"]:
        values["stride"] = defaults["stride"]        # PyTorch's default: the kernel size
    args = []
    positional = _POSITIONAL.get(type_name, 0)
    for i, param in enumerate(p for p in spec.params if p not in spec.fixed):
        if param not in values:
            continue
        value, default = values[param], defaults.get(param, MISSING)
        if i < positional:
            args.append(_value(value))
        elif param in _ALWAYS.get(type_name, ()) or _norm(value) != _norm(default):
            args.append(f"{param}={_value(value)}")
    return f"{written}({', '.join(args)})"


def _norm(value):
    """A field's value as the layer stores it: 1 and (1, 1) are one kernel size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    return value


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
