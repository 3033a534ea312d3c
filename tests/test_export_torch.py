"""The PyTorch export, executed: for every zoo network the exported class builds a module whose
parameter count and output shape equal calc's (torch tier)."""

import pytest

from calc.description import parse
from calc.models import get_model, list_models, member_names
from calc.render.pytorch import class_name, to_pytorch
from calc.summary import summarize

pytestmark = pytest.mark.torch


def exported_module(torch, network, name=None):
    code = to_pytorch(network, name)
    namespace = {}
    exec(compile(code, f"<{network.name}>", "exec"), namespace)  # our own generated code
    cls = namespace[name or class_name(network.name)]
    with torch.device("meta"):   # shapes and counts need no data
        return cls().eval()


@pytest.mark.parametrize("name", list_models() + [m.example for m in member_names()])
def test_exported_code_builds_the_same_network(torch, name):
    network = get_model(name)
    module = exported_module(torch, network)
    with torch.no_grad(), torch.device("meta"):
        out = module(torch.empty(2, *network.input_shape))
    assert sum(p.numel() for p in module.parameters()) == summarize(network).params
    assert tuple(out.shape) == (2, *network.output_shape)


def test_exported_code_computes_what_the_bridge_computes(torch):
    """Same weights, same input, same output: the exported forward is the network's."""
    from calc.torch_bridge import to_torch
    network = parse("""input 3x16x16
a = LazyConv2d(8, 3, padding=1)
b = ReLU(inplace=True)
residual:
  LazyConv2d(8, 3, padding=1)
  LazyBatchNorm2d()
concat:
  branch:
    LazyConv2d(4, 1)
  branch:
MaxPool2d(2, ceil_mode=True)
Flatten()
LazyLinear(5)""", "tiny")
    torch.manual_seed(0)
    bridge = to_torch(network).eval()
    code = to_pytorch(network, "Tiny")
    namespace = {}
    exec(compile(code, "<tiny>", "exec"), namespace)
    exported = namespace["Tiny"]().eval()
    bridged = dict(bridge.named_parameters())
    for name, param in exported.named_parameters():
        module, _, kind = name.rpartition(".")
        node = next(n.name for n in network.nodes if n.name.replace(".", "_") == module
                    or "l" + n.name.replace(".", "_") == module)
        param.data.copy_(bridged[f"{node}.{kind}"])
    for name, buffer in exported.named_buffers():
        module, _, kind = name.rpartition(".")
        node = next(n.name for n in network.nodes if n.name.replace(".", "_") == module
                    or "l" + n.name.replace(".", "_") == module)
        buffer.data.copy_(dict(bridge.named_buffers())[f"{node}.{kind}"])
    x = torch.randn(2, 3, 16, 16)
    torch.testing.assert_close(exported(x), bridge(x))
