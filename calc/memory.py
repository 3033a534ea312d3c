"""Memory of a network: weights, inference peak activations, activations saved for training.

Bytes = elements x batch x bytes per element of ``dtype``. Two models of activations:

* inference peak: nodes run in topological order; a tensor is freed right after
  its last consumer has run, so the peak is the largest sum of simultaneously
  live tensors (a node's inputs and its output coexist). In-place operations and
  allocator rounding are ignored.
* training, as autograd saves it (``training_saved``): each layer keeps what its backward
  reads, counted once per tensor: a convolution, linear layer, batch norm or pooling its
  input, ReLU, Tanh and Sigmoid their output (which an in-place ReLU writes over its
  input), max pooling also its indices (int64), dropout its mask (one byte per element);
  sums, concatenations, flattening and padding keep nothing. The rule follows
  PyTorch's derivatives (``tools/autograd/derivatives.yaml``) and is held against PyTorch's
  saved-tensor hooks in the torch tier. Weights, gradients and optimiser state are apart.
* training, every node's output (``training_activations``): the input and each node's
  output kept, the count of a framework that saves everything and runs nothing in place;
  ``training_shared_concat`` counts the same without the outputs of concatenations, as
  when each new feature map is written into one pre-allocated buffer that every later
  concatenation shares (the "shared memory" of Pleiss et al., "Memory-Efficient
  Implementation of DenseNets", arXiv 1707.06990, 2017; they also recompute batch norm and
  ReLU outputs in the backward pass, which this count does not model).
* training with checkpointed dense layers (``training_checkpointed``): what autograd keeps
  for torchvision's DenseNet built with ``memory_efficient=True``, which runs each dense
  layer's concatenation, ``norm1``, ``relu1`` and ``conv1`` under ``torch.utils.checkpoint``
  and recomputes them in the backward pass. Against ``training_saved`` it drops, per dense
  layer, the concatenated input (which ``norm1`` saves), ``norm1``'s output (which the
  in-place ``relu1`` overwrites and ``conv1`` saves) and ``norm1``'s two per-channel
  statistics; it adds the layer's new maps (its last node's output), which the checkpoints
  of the later layers of its block hold as their inputs (a concatenation saves nothing, so
  nothing else keeps them). Dense layers are the nodes named as torchvision names them,
  ``<...>denseblock<b>.denselayer<l>.<module>`` (calc's ``densenet`` family, bottleneck or
  not); a network without them keeps ``training_saved``. The torch tier holds it equal to
  PyTorch's saved tensors, to the byte (tests/test_memory_oracle.py).

Auxiliary branches run in training only, so they count there and not in inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import prod

from . import validate
from .errors import CalcError
from .network import Network, last_uses

DTYPE_BYTES = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


def dtype_bytes(dtype: str) -> int:
    if dtype not in DTYPE_BYTES:
        raise CalcError(f"dtype must be one of {', '.join(DTYPE_BYTES)}; got {str(dtype)[:20]!r}")
    return DTYPE_BYTES[dtype]


@dataclass(frozen=True)
class Memory:
    batch: int
    dtype: str
    weights: int               # bytes of parameters
    buffers: int               # bytes of buffers (BN running statistics)
    inference_peak: int        # bytes of live activations at the worst moment
    training_activations: int  # bytes of every node's output (nothing in place)
    training_shared_concat: int = 0  # the same, concatenations sharing one buffer
    training_saved: int = 0    # bytes autograd saves for the backward pass
    training_checkpointed: int = 0  # the same, dense layers checkpointed (memory_efficient)

    @property
    def inference_total(self) -> int:
        return self.weights + self.buffers + self.inference_peak


def peak_live_elements(network: Network, size: dict[str, int] | None = None) -> int:
    """Largest number of per-sample activation elements alive at once during inference.
    ``size``: each node's output elements, where the caller has them already."""
    nodes = network.inference_nodes
    last_use = last_uses(nodes)
    if size is None:
        size = {n.name: prod(n.output_shape) for n in nodes}
    live, peak = 0, 0
    for index, node in enumerate(nodes):
        live += size[node.name]
        peak = max(peak, live)
        for name in set(node.inputs):
            if last_use[name] == index and name != network.output:
                live -= size[name]
        if node.name not in last_use and node.name != network.output:
            live -= size[node.name]
    return peak


# What a layer's backward reads: "input", "output" or None; extra bytes per output element.
_SAVES = {"Conv2d": ("input", 0), "ConvTranspose2d": ("input", 0), "Linear": ("input", 0),
          "BatchNorm2d": ("input", 0), "BatchNorm1d": ("input", 0), "ReLU": ("output", 0), "Tanh": ("output", 0),
          "Sigmoid": ("output", 0), "MaxPool2d": ("input", 8), "AvgPool2d": ("input", 0),
          "AdaptiveAvgPool2d": ("input", 0), "AdaptiveMaxPool2d": ("input", 8),
          "Dropout": (None, 1)}
_IN_PLACE = ("ReLU", "LeakyReLU", "Dropout")


def saved_for_backward(network: Network, width: int) -> int:
    """Bytes per sample that autograd keeps for the backward pass (see the module docstring).

    Each saved tensor is counted once: an in-place activation's output, and a flattened
    view, are their input's storage. LeakyReLU keeps its input (its output when in place);
    local response normalisation, a composite in PyTorch, keeps its input, the squares
    padded with ``size - 1`` channels for the channel window, and two more tensors of its
    size.
    """
    elements, fixed = _counts(network).saved
    return elements * width + fixed


def _saved(network: Network, size: dict[str, int]) -> tuple[int, int]:
    """(elements at the activations' dtype, bytes whatever the dtype) saved per sample;
    ``size``: each node's output elements."""
    storage = {}           # node -> the node whose output storage it is
    saved: set[str] = set()
    elements = fixed = 0
    for node in network.nodes:
        kind = node.layer.type
        source = node.inputs[0] if node.inputs else None
        in_place = kind in _IN_PLACE and getattr(node.layer, "inplace", False)
        view = kind in ("Flatten", "Unflatten")
        storage[node.name] = storage[source] if (in_place or view) and source else node.name
        if kind == "LeakyReLU":
            saved.add(storage[node.name] if in_place else storage[source])
        elif kind == "LocalResponseNorm":
            saved.add(storage[source])
            c, h, w = node.output_shape
            elements += (3 * c + node.layer.size - 1) * h * w
        elif kind == "AdaptiveAvgPool2d" and node.layer.output_size == (1, 1):
            pass   # PyTorch computes a global average as a mean, whose backward keeps nothing
        elif kind in _SAVES:
            what, per_element = _SAVES[kind]
            if what == "input":
                saved.add(storage[source])
            elif what == "output":
                saved.add(storage[node.name])
            fixed += per_element * size[node.name]
    return elements + sum(size[name] for name in saved), fixed


_DENSE_LAYER = re.compile(r"(?P<layer>(?:.*\.)?denseblock\d+\.denselayer\d+)\.(?P<leaf>[^.]+)")


def _checkpointed(network: Network) -> tuple[int, int]:
    """(elements per sample at the activations' dtype, bytes of float32 statistics) that
    checkpointing the dense layers takes off ``training_saved`` (see the module docstring);
    (0, 0) for a network without dense layers."""
    layers: dict[str, dict[str, object]] = {}     # layer -> {leaf: node}, in network order
    block_of = {}
    for node in network.nodes:
        m = _DENSE_LAYER.fullmatch(node.name) if "denselayer" in node.name else None
        if m:
            layers.setdefault(m["layer"], {})[m["leaf"]] = node
            block_of[m["layer"]] = m["layer"].rsplit(".", 1)[0]
    last = {}                                     # block -> its last dense layer
    for layer, block in block_of.items():
        last[block] = layer
    dropped = statistics = 0
    for layer, leaves in layers.items():
        norm = leaves.get("norm1")
        if norm is None:
            continue
        if "cat" in leaves:
            dropped += prod(leaves["cat"].output_shape)
        dropped += prod(norm.output_shape)
        statistics += 2 * 4 * norm.layer.num_features
        if last[block_of[layer]] != layer:       # its new maps, held by later checkpoints
            dropped -= prod(list(leaves.values())[-1].output_shape)
    return dropped, statistics


class _Counts:
    """What memory() needs of a network, per sample, whatever the batch and dtype."""

    def __init__(self, network: Network):
        nodes = network.nodes
        size = {n.name: prod(n.output_shape) for n in nodes}   # output elements per node
        self.params = sum(n.layer.params for n in nodes)
        self.buffers = sum(n.layer.buffers for n in nodes)
        self.outputs = sum(size.values())
        self.concat = sum(size[n.name] for n in nodes if n.layer.type == "Concat")
        self.peak = peak_live_elements(network, size)
        self.saved = _saved(network, size)
        self.statistics = batch_norm_statistics(network)
        self.checkpointed = _checkpointed(network)


def _counts(network: Network) -> _Counts:
    """The network's counts, kept with it (a calculator asks for one network's memory at many
    batches and dtypes)."""
    return network.derived("memory counts", _Counts)


def batch_norm_statistics(network: Network) -> int:
    """Bytes of the per-channel mean and inverse deviation each batch norm keeps (float32)."""
    return sum(2 * 4 * n.layer.num_features for n in network.nodes
               if n.layer.type in ("BatchNorm2d", "BatchNorm1d"))


def memory(network: Network, batch: int = 1, dtype: str = "float32") -> Memory:
    """Weights, buffers, inference peak and training activations of ``network`` in bytes."""
    batch = validate.integer("batch", batch, 1, validate.MAX_BATCH)
    width = dtype_bytes(dtype)
    c = _counts(network)
    elements, fixed = c.saved
    saved = (elements * width + fixed) * batch + c.statistics
    dropped, statistics = c.checkpointed
    return Memory(batch, dtype, c.params * width, c.buffers * width, c.peak * batch * width,
                  c.outputs * batch * width, (c.outputs - c.concat) * batch * width,
                  saved, saved - dropped * batch * width - statistics)
