"""calc's training memory against what PyTorch's autograd actually saves (torch tier).

PyTorch's saved-tensor hooks see every tensor a forward pass keeps for backward; counted once
per storage, without parameters and buffers, they must equal calc's ``training_saved``. On
the CPU PyTorch's dropout keeps a mask of the activations' dtype (CUDA's fused kernel keeps
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
        module._run(torch.randn(batch, *network.input_shape), module._calc_all_steps, None)
    return sum(storages.values())


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
    cpu_dropout = 3 * batch * sum(prod(n.output_shape) for n in network.nodes
                                  if n.layer.type == "Dropout")
    calc = summarize(network).memory(batch, "float32").training_saved + cpu_dropout
    assert calc == saved_by_autograd(torch, network, batch)


def test_inception_v3_within_a_hundredth_of_a_percent(torch):
    """Within a few kilobytes of 197 MB, and not the same few from run to run: some of its
    batch norms' small statistics tensors are not told apart by storage here."""
    network = get_model("inception_v3")
    calc = summarize(network).memory(2, "float32").training_saved
    measured = saved_by_autograd(torch, network, 2)
    assert abs(calc - measured) <= 1e-4 * measured
