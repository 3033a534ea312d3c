"""Any calc network as readable PyTorch code: one ``nn.Module`` class, shapes as comments.

The constructor takes no required argument and builds one submodule per layer that has a
``torch.nn`` class, named after the node (``layer1.0.conv1`` -> ``self.layer1_0_conv1``);
``forward`` calls them in order as a person would write it: ``x`` carries the value from line
to line, a value that is read again later gets a name of its own, a residual sum is ``+`` and
a concatenation ``torch.cat([...], 1)``. Auxiliary branches (training-only classifiers) are
built, so the parameters count as calc counts them, but ``forward`` returns the network's
output only, as torchvision's models do in eval mode. Executed, the code builds a module whose
parameter count and output shape equal calc's (the torch tier tests it for every zoo network).
"""

from __future__ import annotations

import keyword
import re

from ..network import Network
from . import numbers
from .description import layer_call

# calc layers whose call reads the same in torch.nn (``nn.`` + layer_call)
_NN = {"Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
       "AdaptiveMaxPool2d", "Linear", "BatchNorm2d", "BatchNorm1d", "LocalResponseNorm", "ReLU",
       "LeakyReLU", "Tanh", "Sigmoid", "Dropout", "Flatten", "Unflatten"}

_PAD_CHANNELS = '''

class PadChannels(nn.Module):
    """He et al. 2016's option A shortcut: keep every stride-th pixel and zero-pad the
    channels to out_channels, (out - in) // 2 before and the rest after."""

    def __init__(self, out_channels, stride=1):
        super().__init__()
        self.out_channels = out_channels
        self.stride = stride if isinstance(stride, tuple) else (stride, stride)

    def forward(self, x):
        sh, sw = self.stride
        x = x[:, :, ::sh, ::sw]
        extra = self.out_channels - x.shape[1]
        return F.pad(x, (0, 0, 0, 0, extra // 2, extra - extra // 2))
'''


def class_name(name: str) -> str:
    """``resnet50`` -> ``Resnet50``, ``wrn_28_10`` -> ``Wrn2810``: a valid class name."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Network"
    return text if text[0].isalpha() else "Net" + text


def _identifiers(names) -> dict[str, str]:
    """Node name -> a distinct Python identifier (``layer1.0.conv1`` -> ``layer1_0_conv1``)."""
    taken, out = {"x", "self", "torch", "nn", "F"}, {}
    for name in names:
        base = re.sub(r"\W", "_", name, flags=re.ASCII)
        if not base or base[0].isdigit() or keyword.iskeyword(base):
            base = "l" + base
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}_{n}", n + 1
        taken.add(ident)
        out[name] = ident
    return out


def _shape(shape) -> str:
    return "N x " + " x ".join(map(str, shape))


def to_pytorch(network: Network, name: str | None = None, latent: bool = False) -> str:
    """Python source of an ``nn.Module`` class equal to ``network``.

    ``latent``: the network is a generator whose ``(Z, 1, 1)`` input is a latent vector;
    ``forward`` then also takes it flat, ``N x Z``."""
    nodes = network.nodes
    input_name = nodes[0].name
    ident = _identifiers(n.name for n in nodes[1:])
    consumers: dict[str, list[int]] = {}
    for index, node in enumerate(nodes):
        for i in node.inputs:
            consumers.setdefault(i, []).append(index)
    run = [i for i, n in enumerate(nodes) if i and n.name not in network.auxiliary()]
    uses_pad = any(type(n.layer).__name__ == "PadChannels" for n in nodes)

    init = []
    for node in nodes[1:]:
        kind = type(node.layer).__name__
        if kind in _NN:
            call = layer_call(node.layer)
            if getattr(node.layer, "inplace", False) and \
                    any(len(consumers.get(i, ())) > 1 for i in node.inputs):
                call = call.replace("inplace=True", "inplace=False")  # its input is read again
            init.append(f"        self.{ident[node.name]} = nn.{call}")
        elif kind == "PadChannels":
            init.append(f"        self.{ident[node.name]} = {layer_call(node.layer)}")

    # forward: x carries a value read only by the next line; others keep their own name
    var = {input_name: "x"}
    in_x = input_name                     # the node whose value x holds now
    last_read = {name: max(users) for name, users in consumers.items()}
    body = []
    for position, index in enumerate(run):
        node = nodes[index]
        kind = type(node.layer).__name__
        args = [var[i] for i in node.inputs]
        if kind == "Add":
            expr = " + ".join(args)
        elif kind == "Concat":
            expr = f"torch.cat([{', '.join(args)}], 1)"
        else:
            expr = f"self.{ident[node.name]}({args[0]})"
        users = consumers.get(node.name, [])
        following = run[position + 1] if position + 1 < len(run) else None
        alone = node.name == network.output or (users == [following] and following is not None)
        x_free = last_read.get(in_x, 0) <= index   # nothing after this line reads x's value
        target = "x" if alone and x_free else ident[node.name]
        if target == "x":
            in_x = node.name
        var[node.name] = target
        body.append(f"        {target} = {expr}  # {_shape(node.output_shape)}")
    result = var[network.output]

    title = name or class_name(network.name)
    lines = ["import torch", "from torch import nn"]
    if uses_pad:
        lines += ["from torch.nn import functional as F", _PAD_CHANNELS.rstrip("\n")]
    lines += ["", "",
              f"class {title}(nn.Module):",
              f'    """{network.name}, written by calc: input {_shape(network.input_shape)}, '
              f"output {_shape(network.output_shape)}, "
              f"{numbers.grouped(sum(n.layer.params for n in nodes))} parameters."
              + ('\n\n    Auxiliary branches are built (their parameters count) but forward '
                 'returns the\n    main output only, as torchvision\'s models do in eval mode.'
                 if network.auxiliary() else "") + '\n    """',
              "",
              "    def __init__(self):",
              "        super().__init__()",
              *(init or ["        pass"]),
              "",
              f"    def forward(self, x):  # {_shape(network.input_shape)}",
              *(["        if x.dim() == 2:  # a flat latent vector, N x Z",
                 "            x = x[:, :, None, None]"]
                if latent and network.input_shape[1:] == (1, 1) else []),
              *body,
              f"        return {result}",
              ""]
    return "\n".join(lines)
