"""calc's training memory against what PyTorch's autograd actually saves (torch tier).

PyTorch's saved-tensor hooks see every tensor a forward pass keeps for backward; counted once
per storage, without parameters and buffers, they must equal calc's ``training_saved``, and,
for torchvision's DenseNet built with ``memory_efficient=True``, ``training_checkpointed``.

Every network of the zoo (``list_models()``) is held to it on a small input
(:func:`small_input`), at batch 2, on the CPU, as the torch bridge builds it; so is one
torchvision model of each kind torchvision builds (the bridge could share a mistake with calc;
torchvision cannot). The tolerance is zero bytes for every network, inception_v3 included: the
hundredth of a percent it used to be allowed was its CPU dropout mask (2048 features x batch 2
x 3 bytes, now added like every other network's) and, before :func:`saved_by_module` held
saved tensors until counted, addresses that a later tensor reused after the auxiliary head's
were freed. The one allowance is the CPU's dropout mask: PyTorch's CPU dropout keeps a mask of
the activations' dtype, where CUDA's fused kernel keeps one byte per element, which is what
calc counts, so the CPU's extra bytes are added here (:func:`cpu_dropout`).
docs/conventions.md ("Memory: what calc counts and what PyTorch keeps") states the rules.

Modules are built on the meta device and then given CPU memory filled with zeros: what
autograd saves does not depend on the values, and initialising VGG's fully connected layers
alone would take most of this file's time.
"""

from math import prod

import pytest

from calc.errors import CalcError
from calc.models import get_model, list_models
from calc.summary import summarize
from calc.torch_bridge import to_torch

pytestmark = pytest.mark.torch

BATCH = 2
SIDES = (64, 75, 96, 128, 160, 192)   # the small inputs tried for ImageNet's networks


def small_input(name: str) -> dict:
    """The ``input_shape`` keyword for a small input the architecture allows. A network made
    for 32x32 (the CIFAR families, LeNet-5) gets 16x16 where it takes it (its last stage
    still 4x4); one made for more gets 64x64 or the first of :data:`SIDES` it accepts
    (alexnet_paper: 75); its own input otherwise (the DCGAN generators; googlenet_paper's
    fixed 7x7 average pool before a fully connected layer: 224; inception_v3's auxiliary
    classifier: 299). What autograd saves is linear in the pixels, so a small input loses
    nothing that a large one would test."""
    shape = get_model(name).input_shape
    if len(shape) != 3:
        return {}
    own = max(shape[1:])
    for side in (own // 2,) if own <= 32 else (s for s in SIDES if s < own):
        try:
            get_model(name, input_shape=(shape[0], side, side))
        except CalcError:
            continue
        return {"input_shape": (shape[0], side, side)}
    return {}


def materialised(torch, module):
    """A module built on the meta device, given CPU memory: zeros, running variances one."""
    module = module.to_empty(device="cpu")
    with torch.no_grad():
        for name, tensor in (*module.named_parameters(), *module.named_buffers()):
            tensor.fill_(1 if name.endswith("running_var") else 0)
    return module


def saved_by_autograd(torch, network, batch: int) -> int:
    """Bytes autograd saves in one training forward of the bridge's module (auxiliary
    branches included, as in training)."""
    module = materialised(torch, to_torch(network, device="meta"))
    return saved_by_module(torch, module, network.input_shape, batch,
                           lambda x: module._run(x, module._calc_all_steps, None))


def saved_by_module(torch, module, input_shape, batch: int, forward=None) -> int:
    """Bytes of the distinct storages autograd saves in one training-mode forward pass of
    ``module`` (``forward(x)``, by default ``module(x)``) on a random batch."""
    module.train()
    forward = forward or module
    own = {t.data_ptr() for t in (*module.parameters(), *module.buffers())}
    storages, kept = {}, []

    def pack(tensor):
        # Held until counted: a branch whose output the forward drops (an auxiliary head)
        # frees its saved tensors at once, and a later one could reuse the address.
        kept.append(tensor)
        if tensor.data_ptr() not in own:
            storage = tensor.untyped_storage()
            storages[storage.data_ptr()] = max(storages.get(storage.data_ptr(), 0),
                                               storage.nbytes())
        return tensor
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        forward(torch.randn(batch, *input_shape))
    return sum(storages.values())


def cpu_dropout(network, batch: int) -> int:
    """The bytes by which the CPU's dropout masks exceed the one byte per element calc counts
    (float32 masks)."""
    return 3 * batch * sum(prod(n.output_shape) for n in network.nodes
                           if n.layer.type == "Dropout")


def check(torch, network, saved: int) -> None:
    memory = summarize(network).memory(BATCH, "float32")
    assert memory.training_saved + cpu_dropout(network, BATCH) == saved
    if not any(".denselayer" in n.name for n in network.nodes):   # nothing to checkpoint
        assert memory.training_checkpointed == memory.training_saved


@pytest.mark.parametrize("name", list_models())
def test_every_zoo_network_saves_what_calc_counts(torch, name):
    network = get_model(name, **small_input(name))
    check(torch, network, saved_by_autograd(torch, network, BATCH))


# knobs the zoo's defaults leave out: auxiliary heads, dropout where none is by default,
# the other shortcuts (a strided average pool; zero-padded channels)
@pytest.mark.parametrize("name, kwargs", [
    ("googlenet", {"input_shape": (3, 96, 96), "aux_logits": True}),
    ("wrn_16_8", {"dropout": 0.3}),
    ("densenet_40_12", {"drop_rate": 0.2}),
    ("resnet", {"block": "bottleneck", "layers": (1, 1, 1, 1), "shortcut": "D",
                "input_shape": (3, 64, 64)}),
    ("resnet", {"block": "basic", "layers": (1, 1, 1, 1), "shortcut": "A",
                "input_shape": (3, 64, 64)}),
], ids=["googlenet-aux", "wrn-dropout", "densenet-dropout", "resnet-d", "resnet-a"])
def test_knobs_save_what_calc_counts(torch, name, kwargs):
    network = get_model(name, **kwargs)
    check(torch, network, saved_by_autograd(torch, network, BATCH))


# one torchvision model per kind of module it is built from (the others of each kind differ
# only in depth and width, which the bridge's test above covers for every member)
TORCHVISION_KINDS = ("alexnet", "vgg11", "vgg11_bn", "googlenet", "inception_v3", "resnet18",
                     "resnet50", "resnext50_32x4d", "wide_resnet50_2", "densenet121")


# the published architecture with the same inputs on both sides
TORCHVISION_KWARGS = {
    "googlenet": {"aux_logits": False, "init_weights": False, "transform_input": False},
    "inception_v3": {"aux_logits": True, "init_weights": False, "transform_input": False},
}


@pytest.mark.parametrize("name", TORCHVISION_KINDS)
def test_torchvision_saves_what_calc_counts(torch, name):
    """torchvision's own module of the same name keeps the same bytes (its in-place ReLUs,
    its concatenations, its functional pooling and flattening)."""
    torchvision = pytest.importorskip("torchvision")
    network = get_model(name, **small_input(name))
    with torch.device("meta"):
        module = torchvision.models.get_model(name, **TORCHVISION_KWARGS.get(name, {}))
    module = materialised(torch, module)
    check(torch, network, saved_by_module(torch, module, network.input_shape, BATCH))


def plain_dense_layers(torch, module):
    """torchvision's DenseNet made the paper's DenseNet-C (no bottleneck): each dense layer's
    conv1 becomes a 3x3 conv to k and its norm2, relu2, conv2 identities, so bn_function (the
    part that memory_efficient checkpoints) is the whole layer."""
    nn = torch.nn
    for name, layer in module.named_modules():
        if name.rsplit(".", 1)[-1].startswith("denselayer"):
            k = layer.conv2.out_channels
            layer.conv1 = nn.Conv2d(layer.conv1.in_channels, k, 3, 1, 1, bias=False)
            layer.norm2 = layer.relu2 = layer.conv2 = nn.Identity()
    return module


@pytest.mark.parametrize("knobs", [
    {},
    {"growth_rate": 12, "block_config": (16, 16, 16), "num_init_features": 24},
    {"growth_rate": 8, "block_config": (3, 4), "drop_rate": 0.2},
    {"growth_rate": 8, "block_config": (3, 4, 2), "bottleneck": False},
], ids=["densenet121", "three-blocks", "dropout", "no-bottleneck"])
def test_checkpointed_dense_layers_are_what_autograd_saves(torch, knobs):
    """torchvision's DenseNet keeps calc's training_saved, and with memory_efficient=True
    exactly calc's training_checkpointed (Pleiss et al., arXiv 1707.06990, as torchvision
    implements it with torch.utils.checkpoint)."""
    torchvision = pytest.importorskip("torchvision")
    shape, batch = (3, 64, 64), 2
    network = get_model("densenet", input_shape=shape, **knobs)
    memory = summarize(network).memory(batch, "float32")
    extra = cpu_dropout(network, batch)
    tv_knobs = {k: v for k, v in knobs.items() if k != "bottleneck"}
    for efficient, expected in ((False, memory.training_saved),
                                (True, memory.training_checkpointed)):
        torch.manual_seed(0)
        module = torchvision.models.DenseNet(memory_efficient=efficient, **tv_knobs)
        if knobs.get("bottleneck") is False:
            module = plain_dense_layers(torch, module)
            assert sum(p.numel() for p in module.parameters()) == summarize(network).params
        assert saved_by_module(torch, module, shape, batch) == expected + extra, efficient
    assert memory.training_checkpointed < memory.training_saved
