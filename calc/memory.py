"""Memory of a network: weights, inference peak activations, activations saved for training.

Bytes = elements x batch x bytes per element of ``dtype``. Two models of activations:

* inference peak: nodes run in topological order; a tensor is freed right after
  its last consumer has run, so the peak is the largest sum of simultaneously
  live tensors (a node's inputs and its output coexist). In-place operations and
  allocator rounding are ignored.
* training: every node's output (the input included) is kept for the backward
  pass, an upper bound that autograd approaches when nothing runs in place;
  ``training_shared_concat`` counts the same without the outputs of concatenations, as
  when each new feature map is written into one pre-allocated buffer that every later
  concatenation shares (the "shared memory" of Pleiss et al., "Memory-Efficient
  Implementation of DenseNets", arXiv 1707.06990, 2017; they also recompute batch norm and
  ReLU outputs in the backward pass, which this count does not model).

Auxiliary branches run in training only, so they count there and not in inference.
"""

from __future__ import annotations

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
    training_activations: int  # bytes of activations saved for backward
    training_shared_concat: int = 0  # the same, concatenations sharing one buffer

    @property
    def inference_total(self) -> int:
        return self.weights + self.buffers + self.inference_peak


def peak_live_elements(network: Network) -> int:
    """Largest number of per-sample activation elements alive at once during inference."""
    nodes = network.inference_nodes
    last_use = last_uses(nodes)
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


def memory(network: Network, batch: int = 1, dtype: str = "float32") -> Memory:
    """Weights, buffers, inference peak and training activations of ``network`` in bytes."""
    batch = validate.integer("batch", batch, 1, validate.MAX_BATCH)
    width = dtype_bytes(dtype)
    params = sum(n.layer.params for n in network.nodes)
    buffers = sum(n.layer.buffers for n in network.nodes)
    saved = sum(prod(n.output_shape) for n in network.nodes)
    concat = sum(prod(n.output_shape) for n in network.nodes if n.layer.type == "Concat")
    return Memory(batch, dtype, params * width, buffers * width,
                  peak_live_elements(network) * batch * width, saved * batch * width,
                  (saved - concat) * batch * width)
