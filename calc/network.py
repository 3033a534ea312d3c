"""A network is a small DAG of named layers, built the way torchvision writes models.

Node names follow torchvision's module names (``layer4.2.conv3``), so a calc
network and a torchvision model can be compared layer by layer, and the torch
bridge can load torchvision's ``state_dict`` into the module it builds.

Build with :class:`NetworkBuilder`::

    g = NetworkBuilder("tiny", (3, 32, 32))
    x = g.layer("conv1", Conv2d(3, 16, 3, padding=1), g.input)
    x = g.layer("relu", ReLU(), x)
    net = g.build()

Shapes are computed as nodes are added, so an impossible layer is refused at
once with a message that names the node.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from .errors import CalcError
from .layers import Add, Concat, Input, Layer, Shape


class Tensor(NamedTuple):
    """A handle on a node's output while building: its node name and per-sample shape."""
    name: str
    shape: Shape

    @property
    def channels(self) -> int:
        return self.shape[0]


class Node(NamedTuple):
    name: str
    layer: Layer
    inputs: tuple[str, ...]
    input_shapes: tuple[Shape, ...]
    output_shape: Shape


@dataclass(frozen=True)
class Network:
    """An immutable DAG: ``nodes`` in topological order, the first one the input.

    ``output`` names the node whose value the network returns. Nodes that do not
    lead to it (e.g. Inception's auxiliary classifiers) are *auxiliary*: their
    parameters exist, but inference does not run them.
    """
    name: str
    nodes: tuple[Node, ...]
    output: str

    @property
    def input_shape(self) -> Shape:
        return self.nodes[0].output_shape

    @property
    def output_shape(self) -> Shape:
        return self.node(self.output).output_shape

    def derived(self, key: str, compute):
        """``compute(self)``, computed once for this network (it is immutable) and kept with
        it: an analysis that several callers ask for (a calculator's summary and its design
        checks, memory at many batch sizes) runs once per network."""
        cache = self.__dict__.setdefault("_derived", {})
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

    @cached_property
    def _by_name(self) -> dict[str, Node]:
        return {n.name: n for n in self.nodes}

    def node(self, name: str) -> Node:
        return self._by_name[name]

    def auxiliary(self) -> frozenset[str]:
        """Names of the nodes that the output does not depend on."""
        return self._auxiliary

    @cached_property
    def _auxiliary(self) -> frozenset[str]:
        by_name = self._by_name
        needed, stack = {self.output}, [self.output]
        while stack:
            for name in by_name[stack.pop()].inputs:
                if name not in needed:   # a concat's many inputs: each visited once
                    needed.add(name)
                    stack.append(name)
        return frozenset(n.name for n in self.nodes if n.name not in needed)

    @cached_property
    def inference_nodes(self) -> tuple[Node, ...]:
        """The nodes inference runs, in order: all but the auxiliary ones."""
        aux = self._auxiliary
        return tuple(n for n in self.nodes if n.name not in aux) if aux else self.nodes


def last_uses(nodes) -> dict[str, int]:
    """Index in ``nodes`` of the last node that reads each value; a value nobody reads is absent.

    The liveness that the memory model and the torch bridge free tensors by.
    """
    last = {}
    for index, node in enumerate(nodes):
        for name in node.inputs:
            last[name] = index
    return last


class NetworkBuilder:
    """Adds named nodes one at a time; each returns a :class:`Tensor` to wire into the next."""

    def __init__(self, name: str, input_shape: Shape):
        self.name = name
        layer = Input(tuple(input_shape) if isinstance(input_shape, list) else input_shape)
        self._nodes: list[Node] = [Node("input", layer, (), (), layer.shape)]
        self._names = {"input"}
        self.input = Tensor("input", layer.shape)

    def _node(self, name: str, layer: Layer, inputs: tuple[Tensor, ...]) -> Tensor:
        if name in self._names:
            raise CalcError(f"node name {name!r} is used twice")
        shapes = tuple([t.shape for t in inputs])
        try:
            out = layer.output_shape(*shapes)
        except CalcError as err:
            raise CalcError(f"{name}: {err}") from None
        self._nodes.append(Node(name, layer, tuple([t.name for t in inputs]), shapes, out))
        self._names.add(name)
        return Tensor(name, out)

    def layer(self, name: str, layer: Layer, x: Tensor) -> Tensor:
        """Apply a single-input layer."""
        if layer.arity != 1:
            raise CalcError(f"{name}: {layer.type} takes several inputs, use add() or concat()")
        return self._node(name, layer, (x,))

    def sequential(self, prefix: str, layers, x: Tensor) -> Tensor:
        """Apply layers in order, named ``prefix.0``, ``prefix.1``, ... like ``nn.Sequential``.

        ``layers`` may also hold ``(name, layer)`` pairs for named children."""
        for index, item in enumerate(layers):
            child, layer = item if isinstance(item, tuple) else (str(index), item)
            x = self.layer(f"{prefix}.{child}" if prefix else child, layer, x)
        return x

    def add(self, name: str, *xs: Tensor) -> Tensor:
        """Element-wise sum (residual connection)."""
        if len(xs) < 2:
            raise CalcError(f"{name}: add needs at least two inputs")
        return self._node(name, Add(), xs)

    def concat(self, name: str, *xs: Tensor) -> Tensor:
        """Channel concatenation."""
        if len(xs) < 2:
            raise CalcError(f"{name}: concat needs at least two inputs")
        return self._node(name, Concat(), xs)

    def build(self, output: Tensor | None = None) -> Network:
        """Freeze the graph; the output defaults to the last node added."""
        out = output.name if output is not None else self._nodes[-1].name
        return Network(self.name, tuple(self._nodes), out)
