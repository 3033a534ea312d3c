"""calc's training memory against what PyTorch's autograd actually saves (torch tier).

PyTorch's saved-tensor hooks see every tensor a forward pass keeps for backward; counted once
per storage, without parameters and buffers, they must equal calc's ``training_saved``, and,
for torchvision's DenseNet built with ``memory_efficient=True``, ``training_checkpointed``.
On the CPU PyTorch's dropout keeps a mask of the activations' dtype (CUDA's fused kernel keeps
one byte per element, which is what calc counts), so the CPU's extra bytes are added here.
"""

from math import prod

import pytest

from calc.models import get_model
from calc.summary import summarize
from calc.torch_bridge import to_torch

pytestmark = pytest.mark.torch


def saved_by_autograd(torch, network, batch: int) -> int:
    module = to_torch(network).train()
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


@pytest.mark.parametrize("name, kwargs", [
    ("vgg16", {"input_shape": (3, 64, 64)}), ("resnet18", {"input_shape": (3, 64, 64)}),
    ("densenet121", {"input_shape": (3, 64, 64)}),
    ("googlenet", {"input_shape": (3, 96, 96), "aux_logits": True}),
    ("alexnet_paper", {}), ("resnet20", {}), ("wrn_16_8", {"dropout": 0.3}),
    ("dcgan_example_generator", {}), ("dcgan_example_discriminator", {}), ("lenet5", {}),
    ("dcgan_paper_generator", {}), ("dcgan_paper_discriminator", {}),
    ("resnet", {"block": "bottleneck", "layers": (1, 1, 1, 1), "shortcut": "D",
                "input_shape": (3, 64, 64)}),
])
def test_training_memory_is_what_autograd_saves(torch, name, kwargs):
    network = get_model(name, **kwargs)
    batch = 2
    memory = summarize(network).memory(batch, "float32")
    assert memory.training_saved + cpu_dropout(network, batch) == \
        saved_by_autograd(torch, network, batch)
    if not any(".denselayer" in n.name for n in network.nodes):   # nothing to checkpoint
        assert memory.training_checkpointed == memory.training_saved


def test_inception_v3_within_a_hundredth_of_a_percent(torch):
    """Within a few kilobytes of 197 MB, and not the same few from run to run: some of its
    batch norms' small statistics tensors are not told apart by storage here."""
    network = get_model("inception_v3")
    calc = summarize(network).memory(2, "float32").training_saved
    measured = saved_by_autograd(torch, network, 2)
    assert abs(calc - measured) <= 1e-4 * measured


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
