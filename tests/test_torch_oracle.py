"""The torch oracle: calc's shapes, sizes and counts against PyTorch running the same network.

* small hand-written networks that use every layer type, through ``calc.torch_bridge``;
* calc.arithmetic against ``torch.nn.functional`` on random layer parameters: the same
  sizes, and a CalcError exactly where torch raises;
* every zoo model: each node's output shape, and the parameter and buffer totals;
* every torchvision preset, the same, and: torchvision's ``state_dict`` loads with
  ``strict=True`` into the bridge, both give the same output, torchvision's modules the
  same shapes, and the parameter count equals torchvision's published ``num_params``.

torch is reached through the ``torch`` fixture of conftest.py, which skips without it;
in CI (``CI=true``) a skip of this tier is a failure.
"""

import re
import subprocess
import sys
import weakref
from functools import partial
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from calc import CalcError, arithmetic as ar, layers
from calc.layers import (AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, BatchNorm1d,
                         BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Flatten, Input, LeakyReLU,
                         Linear, LocalResponseNorm, MaxPool2d, PadChannels, ReLU, Sigmoid, Tanh,
                         Unflatten)
from calc.models import get_model, list_models, member_names
from calc.network import NetworkBuilder
from calc.torch_bridge import (OWN_LAYERS, TORCH_LAYERS, forward_shapes, to_torch, torch_layer,
                               traced_forward)

pytestmark = pytest.mark.torch


# --- hand-written networks --------------------------------------------------------------

def every_layer_net():
    """One network with every layer type, non-square input, pairs, groups, dilation,
    ceil mode, a residual sum, a concat and an auxiliary head."""
    g = NetworkBuilder("every_layer", (3, 21, 19))
    x = g.layer("stem.conv", Conv2d(3, 8, 3, padding=1), g.input)
    x = g.layer("stem.bn", BatchNorm2d(8), x)
    x = g.layer("stem.relu", ReLU(inplace=True), x)
    x = g.layer("stem.lrn", LocalResponseNorm(3), x)
    y = g.layer("body.conv", Conv2d(8, 16, (3, 5), stride=2, padding=(1, 2), groups=4,
                                    bias=False), x)
    y = g.layer("body.dilated", Conv2d(16, 16, 3, padding=2, dilation=2), y)
    s = g.layer("body.shortcut", PadChannels(16, stride=2), x)
    x = g.add("body.add", y, s)
    x = g.layer("body.leaky", LeakyReLU(0.2), x)
    a = g.layer("pool.max", MaxPool2d(3, 2, 1, ceil_mode=True), x)
    b = g.layer("pool.avg", AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), x)
    x = g.concat("pool.cat", a, b)
    x = g.layer("up.deconv", ConvTranspose2d(32, 8, 4, stride=2, padding=1, output_padding=1,
                                             groups=2), x)
    x = g.layer("up.deconv_dilated", ConvTranspose2d(8, 8, (3, 2), dilation=2,
                                                     output_padding=(1, 0)), x)
    x = g.layer("up.tanh", Tanh(), x)
    x = g.layer("up.pool", MaxPool2d(2, 1, dilation=2), x)
    x = g.layer("up.sigmoid", Sigmoid(), x)
    m = g.layer("head.amax", AdaptiveMaxPool2d((3, 2)), x)
    aux = g.layer("aux.flatten", Flatten(), m)
    g.layer("aux.fc", Linear(aux.shape[0], 5), aux)
    x = g.layer("head.avg", AdaptiveAvgPool2d(1), m)
    x = g.layer("head.flatten", Flatten(), x)
    x = g.layer("head.dropout", Dropout(0.3), x)
    x = g.layer("head.fc", Linear(x.shape[0], 10), x)
    return g.build(x)


def nesting_net():
    """A node that is also the container of other nodes, placed before and after them."""
    g = NetworkBuilder("nesting", (4, 6, 5))
    x = g.layer("block.conv", Conv2d(4, 4, 1), g.input)
    x = g.layer("block", BatchNorm2d(4), x)
    x = g.layer("block.inner.relu", ReLU(), x)
    x = g.layer("block.inner", Conv2d(4, 2, 3, padding=1), x)
    return g.build(x)


def projection_net():
    """A flat input projected and reshaped into a map (DCGAN's generator, as its code has it)."""
    g = NetworkBuilder("projection", (16,))
    x = g.layer("project", Linear(16, 8 * 2 * 3, bias=False), g.input)
    x = g.layer("project_bn", BatchNorm1d(48), x)
    x = g.layer("project_relu", ReLU(inplace=True), x)
    x = g.layer("reshape", Unflatten(1, (8, 2, 3)), x)
    x = g.layer("conv", Conv2d(8, 4, 1), x)
    return g.build(x)


SMALL_NETS = [every_layer_net, nesting_net, projection_net]


def public_layer_types():
    return {name for name, cls in vars(layers).items()
            if isinstance(cls, type) and issubclass(cls, layers.Layer)
            and not name.startswith("_") and cls not in (layers.Layer, Input)}


def per_node_params(module, name):
    return sum(p.numel() for p in module.get_submodule(name).parameters(recurse=False))


def per_node_buffers(module, name):
    return sum(b.numel() for b in module.get_submodule(name).buffers(recurse=False))


def test_the_bridge_knows_every_layer_type_and_the_small_nets_use_them_all():
    types = public_layer_types()
    assert set(TORCH_LAYERS) | set(OWN_LAYERS) == types
    used = {n.layer.type for make in SMALL_NETS for n in make().nodes}
    assert types <= used, f"not covered: {sorted(types - used)}"


@pytest.mark.parametrize("make", SMALL_NETS, ids=lambda f: f.__name__)
def test_small_net_shapes_params_and_buffers(make, torch):
    net = make()
    module = to_torch(net).eval()
    names = {n for n, _ in module.named_modules()}
    assert {n.name for n in net.nodes[1:]} <= names
    aux = net.auxiliary()
    x = torch.randn(2, *net.input_shape)
    expected = {n.name: n.output_shape for n in net.nodes}
    assert forward_shapes(module, x) == {k: v for k, v in expected.items() if k not in aux}
    assert forward_shapes(module, x, auxiliary=True) == expected
    with torch.no_grad():
        assert tuple(module(x).shape) == (2, *net.output_shape)
    for node in net.nodes[1:]:
        assert per_node_params(module, node.name) == node.layer.params, node.name
        assert per_node_buffers(module, node.name) == node.layer.buffers, node.name
    assert sum(p.numel() for p in module.parameters()) == sum(n.layer.params for n in net.nodes)
    assert sum(b.numel() for b in module.buffers()) == sum(n.layer.buffers for n in net.nodes)


def test_layers_get_the_calc_fields(torch):
    net = every_layer_net()
    module = to_torch(net)
    conv = module.get_submodule("body.conv")
    assert (conv.kernel_size, conv.stride, conv.padding, conv.groups, conv.bias) == \
        ((3, 5), (2, 2), (1, 2), 4, None)
    avg = module.get_submodule("pool.avg")
    assert (avg.ceil_mode, avg.count_include_pad) == (True, False)
    deconv = module.get_submodule("up.deconv_dilated")
    assert (deconv.dilation, deconv.output_padding) == ((2, 2), (1, 0))
    assert module.get_submodule("stem.relu").inplace is True


def test_auxiliary_nodes_have_parameters_but_do_not_run(torch):
    net = every_layer_net()
    module = to_torch(net).eval()
    assert net.auxiliary() == {"aux.flatten", "aux.fc"}
    assert per_node_params(module, "aux.fc") == net.node("aux.fc").layer.params
    ran = []
    module.get_submodule("aux.fc").register_forward_hook(lambda *_: ran.append(1))
    with torch.no_grad():
        module(torch.randn(1, *net.input_shape))
    assert ran == []


def test_pad_channels_subsamples_then_pads_evenly(torch):
    g = NetworkBuilder("option_a", (3, 5, 4))
    net = g.build(g.layer("shortcut", PadChannels(8, stride=2), g.input))
    x = torch.randn(1, 3, 5, 4)
    out = to_torch(net)(x)
    # (8 - 3) // 2 = 2 zero channels before, 3 after; rows and columns 0, 2, 4 kept
    assert out.shape == (1, 8, 3, 2)
    assert torch.equal(out[:, 2:5], x[:, :, ::2, ::2])
    assert not out[:, :2].any() and not out[:, 5:].any()


def test_inplace_layers_never_overwrite_a_tensor_that_is_read_later(torch):
    g = NetworkBuilder("inplace", (2, 3, 3))
    r0 = g.layer("relu_in", ReLU(inplace=True), g.input)  # the caller's tensor
    c = g.layer("conv", Conv2d(2, 2, 1), g.input)
    r = g.layer("relu", ReLU(inplace=True), c)            # conv is read again by add
    s = g.add("add", r, c, r0)
    f = g.layer("flatten", Flatten(), s)                  # a view of add, read again below
    d = g.layer("relu_flat", ReLU(inplace=True), f)
    net = g.build(g.add("sum", d, g.layer("flatten_2", Flatten(), s)))
    module = to_torch(net)
    x = torch.randn(1, 2, 3, 3)
    x_before = x.clone()
    with torch.no_grad():
        out = module(x)
        conv = module.get_submodule("conv")(x)
        add = torch.relu(conv) + conv + torch.relu(x)
        expected = torch.relu(add.flatten(1)) + add.flatten(1)
    assert torch.equal(x, x_before)
    torch.testing.assert_close(out, expected)


def test_intermediate_tensors_are_freed_after_their_last_consumer(torch):
    g = NetworkBuilder("chain", (1, 4, 4))
    x = g.input
    for i in range(6):
        x = g.layer(f"relu{i}", ReLU(), x)
    module = to_torch(g.build(x))
    alive = {}  # node name -> weak reference to its output
    checked = []

    def hook(name, index, mod, inputs, output):
        alive[name] = weakref.ref(output)
        if index >= 2:  # relu{i-2} was read only by relu{i-1}: it must be gone
            checked.append(alive[f"relu{index - 2}"]() is None)

    for i in range(6):
        module.get_submodule(f"relu{i}").register_forward_hook(partial(hook, f"relu{i}", i))
    with torch.no_grad():
        module(torch.randn(1, 1, 4, 4))
    assert checked == [True] * 4


def test_device_and_dtype(torch):
    net = every_layer_net()
    double = to_torch(net, dtype=torch.float64).eval()
    assert {p.dtype for p in double.parameters()} == {torch.float64}
    with torch.no_grad():
        assert double(torch.randn(2, *net.input_shape, dtype=torch.float64)).dtype == torch.float64
    meta = to_torch(net, device="meta")
    assert {p.device.type for p in meta.parameters()} == {"meta"}
    shapes = forward_shapes(meta, torch.empty(1, *net.input_shape, device="meta"))
    assert shapes[net.output] == net.output_shape


def test_unknown_layer_types_and_bad_names_are_refused(torch):
    with pytest.raises(TypeError, match="Input"):
        torch_layer(Input((3, 8, 8)))

    class Mystery(layers.Layer):
        pass

    g = NetworkBuilder("mystery", (3, 8, 8))
    net = g.build(g.layer("odd", Mystery(), g.input))
    with pytest.raises(TypeError, match="Mystery"):
        to_torch(net)
    for bad in ("a..b", "train", "block.forward"):
        g = NetworkBuilder("names", (3, 8, 8))
        net = g.build(g.layer(bad, ReLU(), g.input))
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            to_torch(net)


def test_importing_the_bridge_needs_no_torch_and_to_torch_says_what_is_missing():
    code = ("import sys; sys.modules['torch'] = None\n"
            "import calc.torch_bridge as b\n"
            "from calc.models import get_model\n"
            "try:\n    b.to_torch(get_model('alexnet'))\n"
            "except ImportError as e:\n    print('ImportError:', e)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parent.parent)
    assert "ImportError: calc.torch_bridge needs PyTorch" in result.stdout


def test_a_skipped_torch_test_is_a_failure_unless_allowed_outside_ci(pytester, monkeypatch):
    pytester.makeconftest(Path(__file__).with_name("conftest.py").read_text())
    pytester.makepyfile("""
        import pytest
        @pytest.mark.torch
        def test_needs_it():
            pytest.importorskip("no_such_module_for_the_ci_rule")
        def test_other():
            pytest.skip("not the torch tier")
    """)
    monkeypatch.delenv("CALC_ALLOW_SKIPS", raising=False)
    for ci in ("true", "false"):   # a skipped tier is never a pass, in CI or not
        monkeypatch.setenv("CI", ci)
        pytester.runpytest_subprocess().assert_outcomes(failed=1, skipped=1)
    monkeypatch.setenv("CALC_ALLOW_SKIPS", "1")   # a deliberately partial run...
    monkeypatch.setenv("CI", "false")
    pytester.runpytest_subprocess().assert_outcomes(skipped=2)
    monkeypatch.setenv("CI", "true")              # ...which CI never allows
    pytester.runpytest_subprocess().assert_outcomes(failed=1, skipped=1)


# --- arithmetic against torch.nn.functional ---------------------------------------------

SIZES = st.tuples(st.integers(1, 24), st.integers(1, 24))


def pair_of(low, high):
    return st.tuples(st.integers(low, high), st.integers(low, high))


def torch_size(fn):
    """torch's output (h, w), or None where torch refuses.

    An empty output (a 0 on some axis, which conv_transpose2d returns instead of
    raising) counts as a refusal: calc requires every size to be >= 1."""
    try:
        shape = tuple(fn().shape[2:])
    except RuntimeError:
        return None
    return shape if all(shape) else None


def calc_size(fn):
    try:
        return fn()
    except CalcError:
        return None


@settings(max_examples=200, deadline=None)
@given(SIZES, pair_of(1, 7), pair_of(1, 4), pair_of(0, 4), pair_of(1, 3))
def test_conv_size_matches_torch(torch, size, k, s, p, d):
    F = torch.nn.functional
    got = calc_size(lambda: ar.conv_output_size(size, k, s, p, d))
    want = torch_size(lambda: F.conv2d(torch.zeros(1, 1, *size), torch.zeros(1, 1, *k),
                                              stride=s, padding=p, dilation=d))
    assert got == want


# (i=3, k=4, s=2, ceil): the window overhangs the input, yet torch keeps one output
@settings(max_examples=200, deadline=None)
@example(size=(3, 3), k=(4, 4), s=(2, 2), p=(0, 0), d=(1, 1), ceil_mode=True)
@given(size=SIZES, k=pair_of(1, 6), s=pair_of(1, 4), p=pair_of(0, 3), d=pair_of(1, 3),
       ceil_mode=st.booleans())
def test_max_pool_size_matches_torch(torch, size, k, s, p, d, ceil_mode):
    F = torch.nn.functional
    got = calc_size(lambda: ar.pool_output_size(size, k, s, p, d, ceil_mode))
    want = torch_size(lambda: F.max_pool2d(torch.zeros(1, 1, *size), k, s, p, d,
                                                  ceil_mode=ceil_mode))
    assert got == want


@settings(max_examples=200, deadline=None)
@given(SIZES, pair_of(1, 6), pair_of(1, 4), pair_of(0, 3), st.booleans(), st.booleans())
def test_avg_pool_size_matches_torch(torch, size, k, s, p, ceil_mode, count_include_pad):
    F = torch.nn.functional
    got = calc_size(lambda: ar.pool_output_size(size, k, s, p, 1, ceil_mode))
    want = torch_size(lambda: F.avg_pool2d(torch.zeros(1, 1, *size), k, s, p,
                                                  ceil_mode=ceil_mode,
                                                  count_include_pad=count_include_pad))
    assert got == want


@settings(max_examples=200, deadline=None)
@given(SIZES, pair_of(1, 6), pair_of(1, 4), pair_of(0, 4), pair_of(0, 4), pair_of(1, 3))
def test_conv_transpose_size_matches_torch(torch, size, k, s, p, a, d):
    F = torch.nn.functional
    got = calc_size(lambda: ar.conv_transpose_output_size(size, k, s, p, a, d))
    want = torch_size(lambda: F.conv_transpose2d(
        torch.zeros(1, 1, *size), torch.zeros(1, 1, *k), stride=s, padding=p,
        output_padding=a, dilation=d))
    assert got == want


# --- the zoo ----------------------------------------------------------------------------

# torchvision's classification models that the zoo reproduces under the same names
TORCHVISION_PRESETS = (
    "alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "googlenet", "inception_v3", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "wide_resnet50_2", "wide_resnet101_2", "densenet121", "densenet161", "densenet169",
    "densenet201",
)
# family members named in the chapters, tested when their family is registered
FAMILY_MEMBERS = ("wrn_16_4", "densenet_bc_40_12", "cifar_resnet_14")


def zoo_names():
    names = list(list_models()) + [m.example for m in member_names()]
    names += [m for m in FAMILY_MEMBERS if any(f.pattern.fullmatch(m) for f in member_names())]
    return list(dict.fromkeys(names))


def mismatches(net, shapes):
    expected = {n.name: n.output_shape for n in net.nodes}
    return {k: (expected.get(k), shapes.get(k)) for k in expected.keys() | shapes.keys()
            if expected.get(k) != shapes.get(k)}


def check_against_calc(net, module, x):
    """Every node's shape (auxiliary nodes included) and the parameter and buffer totals
    of the bridge equal calc's; returns the output."""
    out, shapes = traced_forward(module, x, auxiliary=True)
    assert mismatches(net, shapes) == {}  # node: (calc, torch)
    assert sum(p.numel() for p in module.parameters()) == sum(n.layer.params for n in net.nodes)
    assert sum(b.numel() for b in module.buffers()) == sum(n.layer.buffers for n in net.nodes)
    return out


# the torchvision presets get the same check in the torchvision test below, on its weights
@pytest.mark.parametrize("name", [n for n in zoo_names() if n not in TORCHVISION_PRESETS])
def test_zoo_model_shapes_and_counts_equal_torch(name, torch):
    net = get_model(name)
    check_against_calc(net, to_torch(net).eval(), torch.randn(1, *net.input_shape))


# --- torchvision ------------------------------------------------------------------------

# the comparison needs the published architecture with the same inputs on both sides
TORCHVISION_KWARGS = {
    "googlenet": {"aux_logits": False, "init_weights": False, "transform_input": False},
    "inception_v3": {"aux_logits": True, "init_weights": False, "transform_input": False},
}


def record_shape(shapes, name, module, inputs, output):
    if name not in shapes and hasattr(output, "shape"):  # first call only
        shapes[name] = tuple(output.shape[1:])


@pytest.mark.parametrize("name", TORCHVISION_PRESETS)
def test_torchvision_preset_loads_and_computes_the_same(name, torch):
    net = get_model(name)
    x = torch.randn(1, *net.input_shape, generator=torch.Generator().manual_seed(0))
    try:
        import torchvision
    except ImportError:
        check_against_calc(net, to_torch(net).eval(), x)
        pytest.skip("torchvision is not installed: only the zoo check ran")
    tv = torchvision.models.get_model(name, weights=None, **TORCHVISION_KWARGS.get(name, {}))
    tv.eval()
    # built without initialisation: every tensor comes from torchvision's state_dict
    bridge = to_torch(net, device="meta").to_empty(device="cpu").eval()
    bridge.load_state_dict(tv.state_dict(), strict=True)

    params = sum(n.layer.params for n in net.nodes)
    published = {w.name: w.meta["num_params"] for w in torchvision.models.get_model_weights(name)}
    assert published and all(v == params for v in published.values()), (params, published)

    node_names = {n.name for n in net.nodes}
    tv_shapes = {}
    for module_name, module in tv.named_modules():
        if module_name in node_names:
            module.register_forward_hook(partial(record_shape, tv_shapes, module_name))
    with torch.no_grad():
        want = tv(x)
    got = check_against_calc(net, bridge, x)
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5 * float(want.abs().max()))

    wrong = {k: (net.node(k).output_shape, v) for k, v in tv_shapes.items()
             if v != net.node(k).output_shape}
    assert wrong == {}  # node: (calc, torchvision)
    aux = net.auxiliary()
    unseen = [n.name for n in net.nodes if n.layer.params and n.name not in aux
              and n.name not in tv_shapes]
    assert unseen == []


def test_an_in_place_layer_never_writes_over_the_callers_input(torch):
    """Dropout in eval mode hands its input on as the same tensor; a ReLU(inplace=True)
    after it must not change the tensor the caller passed in."""
    from calc.layers import Dropout, ReLU, Flatten, Linear
    from calc.network import NetworkBuilder
    from calc.torch_bridge import to_torch
    g = NetworkBuilder("drop_relu", (4, 2, 2))
    x = g.layer("drop", Dropout(0.5), g.input)
    x = g.layer("relu", ReLU(inplace=True), x)
    x = g.layer("flat", Flatten(), x)
    g.layer("fc", Linear(16, 3), x)
    module = to_torch(g.build()).eval()
    data = torch.randn(2, 4, 2, 2)
    before = data.clone()
    module(data)
    assert torch.equal(data, before)
