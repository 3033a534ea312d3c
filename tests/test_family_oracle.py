"""The torch oracle for the parametric families: random members against torchvision.

A family member must equal what torchvision's own constructor builds with the same
arguments, at any input size the network accepts (issue 8). For every family that
torchvision has (resnet, densenet, vgg, alexnet, googlenet, inception_v3):

* random members (knobs, non-square input sizes and heads drawn from fixed seeds) equal
  torchvision's module in parameters, MACs (``FlopCounterMode`` flops / 2, eval mode, batch
  1), the output, every shared module's output shape and every module's own parameters;
  with auxiliary classifiers, a training-mode run also gives the auxiliary branches' shapes
  and MACs (calc's ``aux_macs``);
* calc refuses an input (``CalcError``) exactly where torchvision cannot run it: in the
  random draws, in a sweep of sizes around each family's smallest input, and on real
  CPU tensors for a few refusals;
* the ResNeXt presets equal ``torchvision.models.get_model`` and the published weights'
  ``num_params`` and ``_ops``; ``densenet264`` (Table 1 of Huang et al., no torchvision
  model) equals torchvision's ``DenseNet`` class with Table 1's configuration, and its
  ``state_dict`` loads into calc's torch bridge; ``alexnet_paper`` equals a two-tower
  AlexNet written here with ``nn.Conv2d(groups=2)`` (60,965,224 parameters);
* the ``preact_resnet`` family (no torchvision model) equals a pre-activation bottleneck
  ResNet written here in PyTorch from the authors' Torch code, module for module.

torchvision's modules are built and run on the ``meta`` device: shapes, parameter counts
and flop counts need no data, so even VGG and ResNeXt-101 take milliseconds.
``test_meta_device_counts_as_the_cpu_does`` holds that a CPU run counts the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial

import pytest

from calc import CalcError
from calc.models import build, get_model
from calc.summary import Summary, summarize
from torch_networks import preact_resnet_torch

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def tv(torch):
    return pytest.importorskip("torchvision")


# --- torchvision's constructors, with calc's knobs -------------------------------------

def torchvision_model(tv, family: str, knobs: dict):
    """What torchvision's own constructor builds with the member's knobs."""
    models = tv.models
    if family == "resnet":
        block = models.resnet.BasicBlock if knobs["block"] == "basic" else \
            models.resnet.Bottleneck
        return models.resnet.ResNet(block, list(knobs["layers"]),
                                    num_classes=knobs["num_classes"],
                                    groups=knobs.get("groups", 1),
                                    width_per_group=knobs.get("width_per_group", 64))
    if family == "densenet":   # torchvision's DenseNet always has B and theta = 0.5
        assert knobs.get("bottleneck", True) and knobs.get("compression", 0.5) == 0.5
        return models.DenseNet(knobs["growth_rate"], tuple(knobs["block_config"]),
                               knobs["num_init_features"], knobs["bn_size"],
                               knobs["drop_rate"], knobs["num_classes"])
    if family == "vgg":
        assert knobs["variant"] == "torchvision"
        features = models.vgg.make_layers(models.vgg.cfgs[knobs["cfg"]], knobs["batch_norm"])
        return models.vgg.VGG(features, num_classes=knobs["num_classes"],
                              dropout=knobs["dropout"], init_weights=False)
    if family == "alexnet":
        assert knobs["variant"] == "torchvision"
        return models.AlexNet(knobs["num_classes"], knobs["dropout"])
    if family == "googlenet":
        assert knobs["variant"] == "torchvision"
        return models.GoogLeNet(num_classes=knobs["num_classes"], aux_logits=knobs["aux_logits"],
                                transform_input=False, init_weights=False,
                                dropout=knobs["dropout"])
    if family == "inception_v3":
        return models.Inception3(num_classes=knobs["num_classes"],
                                 aux_logits=knobs["aux_logits"], transform_input=False,
                                 init_weights=False, dropout=knobs["dropout"])
    raise AssertionError(family)


def on(torch, device, make):
    with torch.device(device):
        return make()


# --- running torchvision's module --------------------------------------------------------

@dataclass
class TorchRun:
    params: int
    macs: int                    # eval mode, per sample
    output: tuple
    shapes: dict                 # module name -> per-sample output shape (first call), eval
    module_params: dict          # module name -> its own parameters (recurse=False), if any
    aux_macs: int | None = None  # training-mode MACs less eval-mode MACs, per sample
    aux_shapes: dict = field(default_factory=dict)  # modules that run only in training


def _record(torch, shapes, name, module, inputs, output):
    if name not in shapes and isinstance(output, torch.Tensor):
        shapes[name] = tuple(output.shape[1:])


def _count(torch, model, x):
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = model(x)
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return out, flops // 2


def run_torchvision(torch, model, shape, *, train: bool = False) -> TorchRun:
    """Run ``model`` in eval mode on one sample of ``shape`` (and, if ``train``, in training
    mode on two, which runs the auxiliary classifiers); raises where torch cannot run it.
    An empty tensor anywhere counts as a failure, as calc requires every size >= 1."""
    device = next(model.parameters()).device
    shapes: dict = {}
    handles = [m.register_forward_hook(partial(_record, torch, shapes, name))
               for name, m in model.named_modules() if name]
    try:
        model.eval()
        out, macs = _count(torch, model, torch.zeros(1, *shape, device=device))
        run = TorchRun(
            params=sum(p.numel() for p in model.parameters()), macs=macs,
            output=tuple(out.shape[1:]), shapes=dict(shapes),
            module_params={name: n for name, m in model.named_modules()
                           if (n := sum(p.numel() for p in m.parameters(recurse=False)))})
        if train:
            shapes.clear()
            model.train()
            _, train_macs = _count(torch, model, torch.zeros(2, *shape, device=device))
            assert train_macs % 2 == 0
            run.aux_macs = train_macs // 2 - macs
            run.aux_shapes = {k: v for k, v in shapes.items() if k not in run.shapes}
    finally:
        for handle in handles:
            handle.remove()
        model.eval()
    empty = sorted(k for k, v in {**run.shapes, **run.aux_shapes}.items() if 0 in v)
    if empty or 0 in run.output:
        raise RuntimeError(f"empty output at {empty[:3]}")
    return run


def differences(s: Summary, run: TorchRun) -> dict:
    """``{what: (calc, torchvision)}`` for everything that differs; ``{}`` if they agree."""
    rows = {r.name: r for r in s.rows}
    found = {}

    def check(what, calc_value, torch_value):
        if calc_value != torch_value:
            found[what] = (calc_value, torch_value)

    check("params", s.params, run.params)
    check("macs", s.macs, run.macs)
    check("output", s.output, run.output)
    for name, shape in {**run.shapes, **run.aux_shapes}.items():
        if name in rows:
            check(f"shape of {name}", rows[name].output, shape)
    for name, params in run.module_params.items():
        check(f"params of {name}", rows[name].params if name in rows else None, params)
    # the names must line up, or the shape comparison above would compare nothing
    check("calc nodes with params that torchvision did not run",
          [r.name for r in s.rows if r.params and not r.auxiliary and r.name not in run.shapes],
          [])
    if run.aux_macs is not None:
        check("aux_macs", s.aux_macs, run.aux_macs)
        check("auxiliary calc nodes with params that torchvision did not run in training",
              [r.name for r in s.rows if r.params and r.auxiliary
               and r.name not in run.aux_shapes], [])
    return found


def has_aux(family: str, knobs: dict) -> bool:
    return family in ("googlenet", "inception_v3") and bool(knobs.get("aux_logits"))


def compare(torch, tv, family: str, knobs: dict, shape, device: str = "meta"):
    """``(calc's error, torchvision's error, differences)``; the differences are computed
    only where both sides accept the input."""
    try:
        s = summarize(build(family, **knobs, input_shape=shape))
        calc_error = None
    except CalcError as err:
        calc_error = err
    model = on(torch, device, lambda: torchvision_model(tv, family, knobs))
    try:
        run = run_torchvision(torch, model, shape, train=has_aux(family, knobs))
        torch_error = None
    except (RuntimeError, ValueError) as err:
        torch_error = err
    if calc_error or torch_error:
        return calc_error, torch_error, None
    return None, None, differences(s, run)


# --- random members ------------------------------------------------------------------------

def size(rng, low, high):
    """(H, W), drawn independently: mostly non-square."""
    return rng.randint(low, high), rng.randint(low, high)


def head(rng):
    return rng.choice((1, 10, 100, 1000, rng.randint(2, 5000)))


def rate(rng):
    return rng.choice((0.0, 0.5, round(rng.uniform(0.0, 0.95), 2)))


def draw_resnet(rng):
    knobs = {"block": rng.choice(("basic", "bottleneck")),
             "layers": tuple(rng.randint(1, 3) for _ in range(4)), "num_classes": head(rng)}
    if knobs["block"] == "bottleneck":   # the basic block takes only groups 1, width 64
        knobs["groups"] = rng.choice((1, 2, 4, 8, 32, 64))
        knobs["width_per_group"] = rng.choice((4, 8, 64, 128, rng.randint(1, 100)))
    return knobs, size(rng, 1, 320)      # any size >= 1 runs


def draw_densenet(rng):
    knobs = {"growth_rate": rng.randint(1, 24),
             "block_config": tuple(rng.randint(1, 6) for _ in range(rng.randint(1, 5))),
             "num_init_features": rng.randint(1, 96), "bn_size": rng.randint(1, 4),
             "drop_rate": rate(rng), "num_classes": head(rng)}
    return knobs, size(rng, 20, 256)     # 5 blocks need about 61: some draws are refused


def draw_vgg(rng):
    knobs = {"cfg": rng.choice(("A", "B", "D", "E")), "batch_norm": rng.random() < 0.5,
             "variant": "torchvision", "dropout": rate(rng), "num_classes": head(rng)}
    return knobs, size(rng, 28, 128)     # 32 is the smallest


def draw_alexnet(rng):
    knobs = {"variant": "torchvision", "dropout": rate(rng), "num_classes": head(rng)}
    return knobs, size(rng, 58, 300)     # 63 is the smallest


def draw_googlenet(rng):
    knobs = {"variant": "torchvision", "aux_logits": rng.random() < 0.5,
             "dropout": rate(rng), "num_classes": head(rng)}
    return knobs, size(rng, 12, 256)     # 15 is the smallest


def draw_inception_v3(rng):
    aux = rng.random() < 0.5
    knobs = {"aux_logits": aux, "dropout": rate(rng), "num_classes": head(rng)}
    # 75 is the smallest; the auxiliary classifier needs 299 (on Mixed_6e's 17x17)
    return knobs, size(rng, 292, 360) if aux else size(rng, 72, 340)


DRAWS = {"resnet": draw_resnet, "densenet": draw_densenet, "vgg": draw_vgg,
         "alexnet": draw_alexnet, "googlenet": draw_googlenet,
         "inception_v3": draw_inception_v3}
SEEDS = range(8)


def member(family: str, seed: int):
    knobs, (h, w) = DRAWS[family](random.Random(f"{family}:{seed}"))
    return knobs, (3, h, w)


@pytest.mark.parametrize("family, seed", [(f, s) for f in DRAWS for s in SEEDS],
                         ids=lambda v: str(v))
def test_random_member_equals_torchvision(family, seed, torch, tv):
    knobs, shape = member(family, seed)
    calc_error, torch_error, found = compare(torch, tv, family, knobs, shape)
    where = f"{family} {knobs} at {shape}"
    assert (calc_error is None) == (torch_error is None), \
        f"{where}: calc {calc_error!r}, torchvision {torch_error!r}"
    if found is not None:
        assert found == {}, where  # what: (calc, torchvision)


def test_the_draws_cover_the_knobs():
    """The seeds reach both blocks, every torchvision VGG column, both aux settings, non-square
    inputs, heads other than 1000, and some refused inputs, so the test above is not vacuous."""
    members = {f: [member(f, s) for s in SEEDS] for f in DRAWS}
    assert {k["block"] for k, _ in members["resnet"]} == {"basic", "bottleneck"}
    assert any(k.get("groups", 1) > 1 for k, _ in members["resnet"])
    assert {k["cfg"] for k, _ in members["vgg"]} == {"A", "B", "D", "E"}
    assert {k["batch_norm"] for k, _ in members["vgg"]} == {True, False}
    assert {len(k["block_config"]) for k, _ in members["densenet"]} - {4}
    for family in ("googlenet", "inception_v3"):
        assert {k["aux_logits"] for k, _ in members[family]} == {True, False}, family
    for family, drawn in members.items():
        assert any(s[1] != s[2] for _, s in drawn), family
        assert any(k["num_classes"] != 1000 for k, _ in drawn), family
    refused = []
    for family, drawn in members.items():
        for knobs, shape in drawn:
            try:
                build(family, **knobs, input_shape=shape)
            except CalcError:
                refused.append(family)
    assert 2 <= len(refused) <= len(DRAWS) * len(SEEDS) // 4, refused


# --- the smallest input: calc refuses where torchvision cannot run ---------------------------

# (family, knobs, sizes swept, the fixed other side, the smallest size both accept)
BOUNDARIES = [
    ("alexnet", {"variant": "torchvision", "dropout": 0.5, "num_classes": 10},
     range(56, 70), 100, 63),
    ("vgg", {"cfg": "A", "batch_norm": True, "variant": "torchvision", "dropout": 0.5,
             "num_classes": 10}, range(24, 40), 64, 32),
    ("googlenet", {"variant": "torchvision", "aux_logits": True, "dropout": 0.2,
                   "num_classes": 10}, range(8, 20), 64, 15),
    ("inception_v3", {"aux_logits": False, "dropout": 0.5, "num_classes": 10},
     range(68, 82), 100, 75),
    ("inception_v3", {"aux_logits": True, "dropout": 0.5, "num_classes": 10},
     range(290, 302), 320, 299),
    ("densenet", {"growth_rate": 8, "block_config": (2, 2, 2, 2), "num_init_features": 16,
                  "bn_size": 2, "drop_rate": 0.0, "num_classes": 10}, range(20, 36), 64, 29),
    ("resnet", {"block": "basic", "layers": (1, 1, 1, 1), "num_classes": 10},
     range(1, 8), 64, 1),
]


@pytest.mark.parametrize("family, knobs, sweep, other, smallest", BOUNDARIES,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(BOUNDARIES)])
def test_calc_refuses_exactly_the_sizes_torchvision_cannot_run(family, knobs, sweep, other,
                                                              smallest, torch, tv):
    model = on(torch, "meta", lambda: torchvision_model(tv, family, knobs))
    disagree, accepted = [], []
    for n in sweep:
        for shape in ((3, n, other), (3, other, n)):
            try:
                build(family, **knobs, input_shape=shape)
                calc_ok = True
            except CalcError:
                calc_ok = False
            try:
                run_torchvision(torch, model, shape, train=has_aux(family, knobs))
                torch_ok = True
            except (RuntimeError, ValueError):
                torch_ok = False
            if calc_ok != torch_ok:
                disagree.append((shape, calc_ok, torch_ok))
            elif calc_ok and shape[1] == n:
                accepted.append(n)
    assert disagree == []  # (input, calc accepts, torchvision runs)
    assert min(accepted) == smallest


# --- refusals, on real tensors --------------------------------------------------------------

@pytest.mark.parametrize("family, knobs, shape", [
    ("alexnet", {"variant": "torchvision", "dropout": 0.5, "num_classes": 1000}, (3, 32, 32)),
    ("alexnet", {"variant": "torchvision", "dropout": 0.5, "num_classes": 10}, (3, 62, 200)),
    ("vgg", {"cfg": "D", "batch_norm": False, "variant": "torchvision", "dropout": 0.5,
             "num_classes": 10}, (3, 31, 224)),
    ("inception_v3", {"aux_logits": False, "dropout": 0.5, "num_classes": 10}, (3, 74, 74)),
    ("densenet", {"growth_rate": 4, "block_config": (1, 1, 1, 1, 1), "num_init_features": 8,
                  "bn_size": 1, "drop_rate": 0.0, "num_classes": 10}, (3, 40, 40)),
], ids=["alexnet-32", "alexnet-62x200", "vgg16-31x224", "inception_v3-74", "densenet-5blocks-40"])
def test_refused_input_does_not_run_in_torchvision_on_cpu(family, knobs, shape, torch, tv):
    with pytest.raises(CalcError):
        build(family, **knobs, input_shape=shape)
    model = torchvision_model(tv, family, knobs).eval()
    with pytest.raises(RuntimeError), torch.no_grad():
        model(torch.zeros(1, *shape))


def test_inception_v3_auxiliary_classifier_below_299_is_refused(torch, tv):
    """calc refuses ``aux_logits=True`` at 200x200: the auxiliary branch cannot be built on
    Mixed_6e's 10x10 map. torchvision builds the module (its constructor sees no input size)
    and runs it in eval mode, which skips the branch; training, which runs it, fails."""
    knobs = {"aux_logits": True, "dropout": 0.5, "num_classes": 1000}
    with pytest.raises(CalcError, match="299"):
        build("inception_v3", **knobs, input_shape=(3, 200, 200))
    model = torchvision_model(tv, "inception_v3", knobs)
    with torch.no_grad():
        assert model.eval()(torch.zeros(1, 3, 200, 200)).shape == (1, 1000)
        with pytest.raises(RuntimeError):
            model.train()(torch.zeros(2, 3, 200, 200))
    # without the auxiliary classifier both accept 200x200 and agree
    calc_error, torch_error, found = compare(torch, tv, "inception_v3",
                                             {**knobs, "aux_logits": False}, (3, 200, 200))
    assert (calc_error, torch_error, found) == (None, None, {})


# --- the meta device counts as the CPU does --------------------------------------------------

SMALL_MEMBERS = [
    ("resnet", {"block": "bottleneck", "layers": (1, 2, 1, 1), "groups": 4,
                "width_per_group": 8, "num_classes": 7}, (3, 40, 57)),
    ("densenet", {"growth_rate": 4, "block_config": (2, 3, 1), "num_init_features": 8,
                  "bn_size": 2, "drop_rate": 0.3, "num_classes": 5}, (3, 37, 50)),
    ("googlenet", {"variant": "torchvision", "aux_logits": True, "dropout": 0.4,
                   "num_classes": 3}, (3, 33, 47)),
    ("inception_v3", {"aux_logits": False, "dropout": 0.5, "num_classes": 11}, (3, 75, 90)),
    ("alexnet", {"variant": "torchvision", "dropout": 0.1, "num_classes": 2}, (3, 63, 80)),
]


@pytest.mark.parametrize("family, knobs, shape", SMALL_MEMBERS, ids=[m[0] for m in SMALL_MEMBERS])
def test_meta_device_counts_as_the_cpu_does(family, knobs, shape, torch, tv):
    runs = [run_torchvision(torch, on(torch, device, lambda: torchvision_model(tv, family, knobs)),
                            shape, train=has_aux(family, knobs))
            for device in ("cpu", "meta")]
    assert runs[0] == runs[1]
    assert differences(summarize(build(family, **knobs, input_shape=shape)), runs[0]) == {}


# --- presets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d"])
def test_resnext_preset_equals_torchvision_and_its_published_sizes(name, torch, tv):
    s = summarize(get_model(name))
    model = on(torch, "meta", lambda: tv.models.get_model(name, weights=None))
    assert differences(s, run_torchvision(torch, model, (3, 224, 224))) == {}
    weights = list(tv.models.get_model_weights(name))
    assert weights
    for w in weights:   # IMAGENET1K_V1, V2: the same architecture
        assert s.params == w.meta["num_params"], w
        assert round(s.macs / 1e9, 3) == w.meta["_ops"], w  # GMACs at 224


def test_densenet264_is_torchvisions_densenet_class_with_table_1(torch, tv):
    """Huang et al. 2017, Table 1: DenseNet-264 is k = 32, blocks of 6, 12, 64, 48 layers and
    a 64-channel stem. torchvision has no densenet264, but its DenseNet class builds it;
    calc's preset has its parameters, MACs, shapes and every module's parameters, and
    torchvision's state_dict loads into calc's torch bridge and computes the same."""
    from calc.torch_bridge import to_torch

    def make():
        return tv.models.DenseNet(growth_rate=32, block_config=(6, 12, 64, 48),
                                  num_init_features=64)

    net = get_model("densenet264")
    s = summarize(net)
    assert differences(s, run_torchvision(torch, on(torch, "meta", make), (3, 224, 224))) == {}
    assert s.params == 33_337_704
    model = make().eval()
    bridge = to_torch(net, device="meta").to_empty(device="cpu").eval()
    bridge.load_state_dict(model.state_dict(), strict=True)
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want, got = model(x), bridge(x)
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5 * float(want.abs().max()))


@pytest.mark.parametrize("depth, shape, classes", [
    (11, (3, 32, 32), 10), (20, (3, 27, 41), 7), (164, (3, 32, 32), 10),
    (1001, (3, 32, 32), 100),
])
def test_preact_resnet_equals_the_authors_network(depth, shape, classes, torch):
    """Parameters, MACs, output, every module's shape and parameters (meta device)."""
    s = summarize(build("preact_resnet", depth=depth, input_shape=shape, num_classes=classes))
    model = on(torch, "meta", lambda: preact_resnet_torch(torch, depth, classes))
    assert differences(s, run_torchvision(torch, model, shape)) == {}


def test_alexnet_paper_is_the_two_tower_network(torch):
    """Krizhevsky et al. 2012, Figure 2 with the towers as ``groups=2`` (calc.models.alexnet):
    60,965,224 parameters ("60 million", Section 1), 55x55 maps after conv1 at 227x227."""
    nn = torch.nn

    def lrn():   # Section 3.3: n=5, k=2, alpha=1e-4 (PyTorch divides alpha by n), beta=0.75
        return nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)

    class TwoTowerAlexNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(inplace=True), lrn(), nn.MaxPool2d(3, 2),
                nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(inplace=True), lrn(),
                nn.MaxPool2d(3, 2),
                nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),  # towers talk
                nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(inplace=True),
                nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(inplace=True),
                nn.MaxPool2d(3, 2))
            self.flatten = nn.Flatten()
            self.classifier = nn.Sequential(
                nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
                nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
                nn.Linear(4096, 1000))

        def forward(self, x):
            return self.classifier(self.flatten(self.features(x)))

    model = on(torch, "meta", TwoTowerAlexNet)
    # Section 3.5's kernels: 96 of 11x11x3, 256 of 5x5x48, 384 of 3x3x256, 384 of 3x3x192,
    # 256 of 3x3x192
    convs = [m.weight.shape for m in model.features if isinstance(m, nn.Conv2d)]
    assert [tuple(c) for c in convs] == [(96, 3, 11, 11), (256, 48, 5, 5), (384, 256, 3, 3),
                                         (384, 192, 3, 3), (256, 192, 3, 3)]
    net = get_model("alexnet_paper")
    assert net.input_shape == (3, 227, 227)
    s = summarize(net)
    run = run_torchvision(torch, model, net.input_shape)
    assert run.shapes["features.0"] == (96, 55, 55)
    assert run.params == s.params == 60_965_224
    assert differences(s, run) == {}
