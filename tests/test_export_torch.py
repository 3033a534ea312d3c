"""The PyTorch export, executed (torch tier).

* every zoo network: the exported classes build a module whose parameter count and output
  shape equal calc's, and whose ``state_dict`` keys are the bridge's, the node names;
* every zoo network that torchvision also builds: torchvision's ``state_dict`` loads into the
  exported module with ``strict=True`` and both compute the same output;
* descriptions (the chapter's examples and hostile names): the bridge's weights load into the
  exported module with ``strict=True`` and both compute the same output.
"""

from pathlib import Path

import pytest

from calc.description import parse
from calc.models import get_model, list_models, member_names
from calc.render.pytorch import RESERVED, class_name, to_pytorch
from calc.summary import summarize
from calc.torch_bridge import to_torch

pytestmark = pytest.mark.torch

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
ZOO = list(dict.fromkeys(list_models() + [m.example for m in member_names()]))
# torchvision's constructor arguments that make its model the zoo's (the same inputs, the
# auxiliary heads built where calc builds them)
TORCHVISION_KWARGS = {
    "googlenet": {"aux_logits": False, "init_weights": False, "transform_input": False},
    "inception_v3": {"aux_logits": True, "init_weights": False, "transform_input": False},
}


def exported_class(network, name=None, latent=False):
    code = to_pytorch(network, name, latent=latent)
    namespace = {}
    exec(compile(code, f"<{network.name}>", "exec"), namespace)  # our own generated code
    return namespace[name or class_name(network.name)]


def exported_module(torch, network, name=None):
    cls = exported_class(network, name)
    with torch.device("meta"):   # shapes and counts need no data
        return cls().eval()


@pytest.mark.parametrize("name", ZOO)
def test_exported_code_builds_the_same_network(torch, name):
    network = get_model(name)
    module = exported_module(torch, network)
    with torch.no_grad(), torch.device("meta"):
        out = module(torch.empty(2, *network.input_shape))
    assert sum(p.numel() for p in module.parameters()) == summarize(network).params
    assert tuple(out.shape) == (2, *network.output_shape)
    # submodules live at the node names: the bridge's keys, in the same order
    with torch.device("meta"):
        bridge = to_torch(network)
    assert list(module.state_dict()) == list(bridge.state_dict())


def torchvision_names():
    try:
        import torchvision
    except ImportError:
        return ["torchvision is not installed"]
    return sorted(set(list_models()) & set(torchvision.models.list_models()))


@pytest.mark.parametrize("name", torchvision_names())
def test_torchvision_weights_load_and_compute_the_same(torch, name):
    """torchvision's module names are calc's node names, so its state_dict is the export's."""
    torchvision = pytest.importorskip("torchvision")
    network = get_model(name)
    torch.manual_seed(0)
    reference = torchvision.models.get_model(name, weights=None,
                                             **TORCHVISION_KWARGS.get(name, {}))
    for module in reference.modules():   # batch norm that does something in eval mode
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    reference.eval()
    with torch.device("meta"):
        exported = exported_class(network)()
    exported = exported.to_empty(device="cpu").eval()
    exported.load_state_dict(reference.state_dict(), strict=True)
    size = 96 if name == "inception_v3" else 64     # torchvision's minimum for it is 75
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want, got = reference(x), exported(x)
    assert got.shape == want.shape == (2, 1000)
    assert torch.allclose(got, want, rtol=1e-4, atol=1e-5 * float(want.abs().max()))


# descriptions whose names are awkward for Python and PyTorch: keywords, the names nn.Module
# reserves, the generated code's own names, digits first, dashes, empty and repeated parts
HOSTILE = """input 3x8x8
class = LazyConv2d(4, 3, padding=1)
forward = ReLU()
None = LazyConv2d(4, 1)
self = ReLU()
x = LazyBatchNorm2d()
torch = ReLU()
_modules = LazyConv2d(4, 1)
training = ReLU(inplace=True)
a-b = LazyConv2d(4, 1)
3x = ReLU()
nn.F = LazyConv2d(4, 1)
keys.0 = ReLU()
keys.1 = LazyConv2d(4, 1)
a..c = LazyConv2d(4, 1)
e.f.g = LazyConv2d(4, 1)
e.f = ReLU()
e.f.h = LazyConv2d(4, 1) from e.f.g
Concat() from e.f, e.f.h, class
"""
TINY = """input 3x16x16
a = LazyConv2d(8, 3, padding=1)
b = ReLU(inplace=True)
residual:
  LazyConv2d(8, 3, padding=1)
  LazyBatchNorm2d()
concat:
  branch:
    LazyConv2d(4, 1)
  branch:
repeat 3:
  residual:
    LazyConv2d(12, 3, padding=1)
    ReLU(inplace=True)
  ReLU(inplace=True)
Add() from 4.0.0.add, 4.2.1
MaxPool2d(2, ceil_mode=True)
Flatten()
ReLU(inplace=True)
LazyLinear(5)"""


def descriptions():
    texts = {path.stem: path.read_text() for path in sorted(EXAMPLES.glob("*.txt"))}
    return {**texts, "tiny": TINY, "hostile": HOSTILE}


@pytest.mark.parametrize("name, text", descriptions().items(), ids=list(descriptions()))
def test_exported_description_computes_what_the_bridge_computes(torch, name, text):
    """Same weights (the bridge's, loaded with strict=True), same input, same output; the
    input is left as it was (no in-place layer writes into it)."""
    network = parse(text, name)
    torch.manual_seed(0)
    exported = exported_class(network, "Net")().eval()
    try:
        bridge = to_torch(network).eval()
    except ValueError:   # the bridge refuses names that PyTorch reserves: compare by order
        assert name == "hostile"
        bridge = None
    if bridge is not None:
        assert list(exported.state_dict()) == list(bridge.state_dict())
        exported.load_state_dict(bridge.state_dict(), strict=True)
    x = torch.randn(2, *network.input_shape)
    kept = x.clone()
    with torch.no_grad():
        got = exported(x)
        assert torch.equal(x, kept)
        if bridge is not None:
            want = bridge(x)
            assert torch.allclose(got, want, rtol=1e-5, atol=1e-6)
    assert tuple(got.shape) == (2, *network.output_shape)
    assert sum(p.numel() for p in exported.parameters()) == summarize(network).params


def test_a_flat_latent_vector_reaches_the_generator(torch):
    network = parse("input 16x1x1\nrepeat 3:\n  LazyConvTranspose2d(8, 4, stride=2, "
                    "padding=1)\n  ReLU()\n", "gen")
    module = exported_class(network, "Gen", latent=True)().eval()
    with torch.no_grad():
        assert module(torch.randn(2, 16)).shape == module(torch.randn(2, 16, 1, 1)).shape \
            == (2, 8, 8, 8)


def test_reserved_names_cover_what_torch_containers_name(torch):
    """A child named like an attribute of nn.Module (or the containers the export builds)
    would shadow it or be refused; the export renames exactly those."""
    nn = torch.nn
    names = set()
    for container in (nn.Module(), nn.ModuleDict(), nn.ModuleList(), nn.Sequential()):
        names |= {n for n in dir(container) if not n.startswith("_")}
    assert names <= RESERVED, sorted(names - RESERVED)


# --- random descriptions: blocks in blocks, names read across blocks, auxiliary outputs ------

LAYERS = ["LazyConv2d(4, 3, padding=1)", "ReLU()", "ReLU(inplace=True)", "LazyBatchNorm2d()",
          "LazyConv2d(4, 1)", "Dropout()", "MaxPool2d(3, stride=1, padding=1)"]


def random_lines(rng, depth, names, indent, counter):
    """Lines of a description whose tensors are all 4x8x8: layers, named or not, reading the
    line above or an earlier top-level name; Add/Concat of two names; repeat, residual (with
    a shortcut), add and concat blocks, nested."""
    lines = []
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        if depth < 3 and r < 0.25:
            kind = rng.choice(["repeat", "residual", "concat", "add"])
            if kind == "repeat":
                lines.append(indent + f"repeat {rng.randint(1, 4)}:")
                lines += random_lines(rng, depth + 1, names, indent + "  ", counter)
            elif kind == "residual":
                lines.append(indent + "residual:")
                lines += random_lines(rng, depth + 1, names, indent + "  ", counter)
                if rng.random() < 0.3:
                    lines += [indent + "shortcut:", indent + "  LazyConv2d(4, 1)"]
            else:
                lines.append(indent + f"{kind}:")
                for _ in range(rng.randint(2, 3)):
                    lines.append(indent + "  branch:")
                    if rng.random() < 0.8:
                        lines += random_lines(rng, depth + 2, names, indent + "    ", counter)
                if kind == "concat":
                    lines.append(indent + "LazyConv2d(4, 1)")
            continue
        counter.append(None)
        name = f"n{len(counter)}"
        if r < 0.35 and len(names) >= 2:
            op = rng.choice(["Add", "Concat"])
            lines.append(indent + f"{name} = {op}() from {', '.join(rng.sample(names, 2))}")
            if op == "Concat":
                lines.append(indent + "LazyConv2d(4, 1)")
        else:
            named = rng.random() < 0.4
            line = (f"{name} = " if named else "") + rng.choice(LAYERS)
            if rng.random() < 0.2:
                line += f" from {rng.choice(names)}"
            lines.append(indent + line)
            if not named:
                continue
        if depth == 0:
            names.append(name)
    return lines


@pytest.mark.parametrize("seed", range(60))
def test_random_descriptions_compute_what_the_bridge_computes(torch, seed):
    import random

    from calc import CalcError
    rng = random.Random(seed)
    names = ["input"]
    text = "input 4x8x8\n" + "\n".join(random_lines(rng, 0, names, "", [])) + "\n"
    if rng.random() < 0.3 and len(names) > 2:
        text += f"output {rng.choice(names[1:])}\n"
    try:
        network = parse(text, "random")
    except CalcError:
        return              # e.g. an output that leaves nothing: the parser said why
    torch.manual_seed(0)
    exported = exported_class(network, "Net")().eval()
    bridge = to_torch(network).eval()
    # the reference computes without in-place layers (the bridge writes into a tensor that
    # Dropout passes through in eval mode; the export turns such a layer's inplace off)
    for module in bridge.modules():
        if hasattr(module, "inplace"):
            module.inplace = False
    assert list(exported.state_dict()) == list(bridge.state_dict())
    exported.load_state_dict(bridge.state_dict(), strict=True)
    x = torch.randn(2, 4, 8, 8)
    kept = x.clone()
    with torch.no_grad():
        got = exported(x)
        assert torch.equal(x, kept), text
        assert torch.allclose(got, bridge(x), atol=1e-5), text
