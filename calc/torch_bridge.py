"""A calc :class:`~calc.network.Network` as a runnable ``torch.nn.Module``.

Outside the core: torch is imported inside the functions, never at import time,
and nothing in calc's core imports this module (it never ships to the browser).

``to_torch(net)`` gives a module whose ``named_modules()`` names are the calc node
names: node ``layer1.0.conv1`` is the module at ``layer1 -> 0 -> conv1``, and the
containers on the way are plain ``nn.Module``. Every layer with parameters or
buffers is the real torch layer built from the calc layer's fields (they carry
PyTorch's names), so torchvision's ``state_dict`` loads with ``strict=True`` into
the bridge of the zoo model of the same name. ``forward(x)`` runs the DAG in its
(topological) node order, drops each intermediate tensor after its last
consumer, and returns the output node's value; auxiliary nodes (Inception's side
classifiers) are built but not run. ``forward_shapes`` and ``traced_forward``
report every node's output shape.
"""

from __future__ import annotations

from functools import lru_cache

from .network import last_uses

# calc layer type -> torch.nn class of the same name and the same constructor fields
TORCH_LAYERS = (
    "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d", "Linear", "BatchNorm2d", "BatchNorm1d", "LocalResponseNorm", "ReLU",
    "LeakyReLU", "Tanh", "Sigmoid", "Dropout", "Flatten", "Unflatten",
)
# calc layer types with no torch.nn class: small modules defined below
OWN_LAYERS = ("Add", "Concat", "PadChannels")


def _import_torch():
    try:
        import torch
    except ImportError as err:
        raise ImportError("calc.torch_bridge needs PyTorch, which is not installed: "
                          "pip install 'calc[torch]' (or pip install torch)") from err
    return torch


@lru_cache(maxsize=None)
def _own_modules():
    """The torch modules of the parameter-free multi-input and shortcut layers."""
    torch = _import_torch()
    from torch import nn
    from torch.nn import functional as F

    class Add(nn.Module):
        """Element-wise sum of the inputs (a residual connection)."""

        def forward(self, *xs):
            out = xs[0]
            for x in xs[1:]:
                out = out + x
            return out

    class Concat(nn.Module):
        """``torch.cat(xs, 1)``: concatenation along channels."""

        def forward(self, *xs):
            return torch.cat(xs, 1)

    class PadChannels(nn.Module):
        """He et al. 2016 option A: ``x[:, :, ::sh, ::sw]``, channels zero-padded to
        ``out_channels`` with ``(out - in) // 2`` before and the rest after."""

        def __init__(self, out_channels, stride=(1, 1)):
            super().__init__()
            self.out_channels = out_channels
            self.stride = tuple(stride)

        def forward(self, x):
            sh, sw = self.stride
            x = x[:, :, ::sh, ::sw]
            extra = self.out_channels - x.shape[1]
            # F.pad lists (left, right) pairs from the last dim: W, H, then C
            return F.pad(x, (0, 0, 0, 0, extra // 2, extra - extra // 2))

        def extra_repr(self):
            return f"out_channels={self.out_channels}, stride={self.stride}"

    return {"Add": Add, "Concat": Concat, "PadChannels": PadChannels}


def torch_layer(layer):
    """The ``torch.nn`` module equivalent to one calc layer, built from its fields.

    Raises ``TypeError`` for a layer type the bridge does not know (and for ``Input``,
    which is the forward argument, not a module).
    """
    kind = type(layer).__name__
    if kind in TORCH_LAYERS:
        from torch import nn
        return getattr(nn, kind)(**layer.fields())
    if kind in OWN_LAYERS:
        return _own_modules()[kind](**layer.fields())
    raise TypeError(f"the torch bridge has no equivalent for layer type {kind!r}; "
                    f"known types: {', '.join(TORCH_LAYERS + OWN_LAYERS)}")


def _attach(root, name: str, module) -> None:
    """Place ``module`` at the dotted path ``name`` below ``root``, creating containers."""
    from torch import nn
    parts = name.split(".")
    parent = root
    try:
        for part in parts[:-1]:
            child = parent._modules.get(part)
            if child is None:
                child = nn.Module()
                parent.add_module(part, child)
            parent = child
        leaf = parts[-1]
        placeholder = parent._modules.get(leaf)
        if placeholder is not None:
            # an earlier node was placed below this name: re-home the children
            if type(placeholder) is not nn.Module:
                raise KeyError(f"module {leaf!r} already exists")
            for child_name, child in placeholder._modules.items():
                module.add_module(child_name, child)
            parent._modules[leaf] = module
        else:
            parent.add_module(leaf, module)
    except (KeyError, TypeError) as err:
        raise ValueError(f"node name {name!r} cannot be a torch module path: {err}") from None


def _plan(nodes, keep: frozenset):
    """Steps ``(name, inputs, input_dies, drop)`` for ``nodes`` (the input node excluded).

    ``drop`` lists the values whose last consumer is this step (plus the step's own
    value when nothing consumes it); the output and the caller's input are never dropped.
    """
    last_use = last_uses(nodes)
    steps = []
    for index, node in enumerate(nodes):
        drop = [n for n in dict.fromkeys(node.inputs) if last_use[n] == index and n not in keep]
        if node.name not in last_use and node.name not in keep:
            drop.append(node.name)
        # an in-place layer may overwrite its input only when no one reads it afterwards
        dying = len(node.inputs) == 1 and node.inputs[0] in drop
        steps.append((node.name, node.inputs, dying, tuple(drop)))
    return tuple(steps)


@lru_cache(maxsize=None)
def _bridge_class():
    _import_torch()
    from torch import nn

    class CalcModule(nn.Module):
        """A calc network in torch: submodules named as the calc nodes."""

        def __init__(self, network):
            super().__init__()
            nodes = network.nodes[1:]  # nodes[0] is the input: the forward argument
            for node in nodes:
                _attach(self, node.name, torch_layer(node.layer))
            modules = dict(self.named_modules())
            keep = frozenset({network.output, network.nodes[0].name})
            self._calc_name = network.name
            self._calc_input = network.nodes[0].name
            self._calc_output = network.output
            self._calc_modules = modules  # a plain dict: not registered twice
            self._calc_steps = _plan(network.inference_nodes[1:], keep)
            self._calc_all_steps = _plan(nodes, keep)

        def forward(self, x):
            return self._run(x, self._calc_steps, None)

        def _run(self, x, steps, shapes):
            values = {self._calc_input: x}
            if shapes is not None:
                shapes[self._calc_input] = tuple(x.shape[1:])
            for name, inputs, dying, drop in steps:
                module = self._calc_modules[name]
                args = [values[i] for i in inputs]
                # An in-place layer may write over its input only where nothing else holds
                # that tensor: a value read later, a view, or the same tensor under another
                # name (an eval-mode Dropout returns its input itself, the caller's included).
                if getattr(module, "inplace", False) and not (
                        dying and args[0]._base is None and args[0] is not x
                        and not any(v is args[0] for k, v in values.items() if k != inputs[0])):
                    args[0] = args[0].clone()
                out = module(*args)
                if shapes is not None:
                    shapes[name] = tuple(out.shape[1:])
                values[name] = out
                for gone in drop:
                    del values[gone]
            return values[self._calc_output]

        def extra_repr(self):
            return f"calc network {self._calc_name!r}"

    return CalcModule


def to_torch(network, *, device=None, dtype=None):
    """Build the ``torch.nn.Module`` of a calc network (fresh torch initialisation).

    The module is built on ``device`` (``"meta"`` builds it without memory, e.g. to
    ``to_empty`` it before loading a ``state_dict``) and cast to ``dtype``. Raises
    ``ImportError`` when torch is missing, ``TypeError`` for a layer type without a
    torch equivalent and ``ValueError`` for a node name that cannot be a module path.
    """
    torch = _import_torch()
    cls = _bridge_class()
    if device is None:
        module = cls(network)
    else:
        with torch.device(device):  # allocate and initialise there, not on the CPU first
            module = cls(network)
    return module if dtype is None else module.to(dtype=dtype)


def traced_forward(module, x, *, auxiliary: bool = False):
    """Run a bridge module under ``torch.no_grad``: ``(output, {node name: output shape})``.

    Shapes are per sample (the batch dimension dropped), as calc writes them; the
    input node is included. With ``auxiliary=True`` the auxiliary nodes run too, in
    node order among the others; the output is the output node's value either way.
    """
    torch = _import_torch()
    shapes = {}
    steps = module._calc_all_steps if auxiliary else module._calc_steps
    with torch.no_grad():
        output = module._run(x, steps, shapes)
    return output, shapes


def forward_shapes(module, x, *, auxiliary: bool = False) -> dict:
    """``{node name: per-sample output shape}`` of every node that runs (see :func:`traced_forward`)."""
    return traced_forward(module, x, auxiliary=auxiliary)[1]
