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
from itertools import chain
from operator import itemgetter
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


_new = tuple.__new__   # a named tuple from a tuple, skipping its keyword-handling constructor
_NAME, _SHAPE, _INPUTS = itemgetter(0), itemgetter(1), itemgetter(2)   # of a Node or Tensor
_LAST = itemgetter(-1)
_ADD, _CONCAT = Add(), Concat()   # layers are immutable: one instance serves every merge


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
        last = self.nodes[-1]   # the output, mostly: no need to index every node
        return (last.output_shape if last.name == self.output
                else self.node(self.output).output_shape)

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
        return dict(zip(map(_NAME, self.nodes), self.nodes))

    def node(self, name: str) -> Node:
        return self._by_name[name]

    def auxiliary(self) -> frozenset[str]:
        """Names of the nodes that the output does not depend on."""
        return self._auxiliary

    @cached_property
    def _auxiliary(self) -> frozenset[str]:
        # Follow readers from any node: the walk ends at a node nobody reads. So when every
        # node but the output is read, every node leads to the output and none is auxiliary.
        # In a chain, and in DenseNet, each node is even the last input of another: those
        # are checked first, sparing the many inputs of DenseNet's concatenations.
        nodes = self.nodes
        read = set(map(_LAST, map(_INPUTS, nodes[1:])))
        read.add(self.output)
        if len(read) == len(nodes):
            return frozenset()
        read.update(chain.from_iterable(map(_INPUTS, nodes)))
        if len(read) == len(nodes):
            return frozenset()
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
        self._last_concat = ((), (), (), ())   # inputs, their names and shapes, output shape
        # (shape,) of the last single-input node's output: BN, ReLU, a conv after them read
        # one shape object, and their nodes share one tuple of it
        self._shapes = (layer.shape,)
        self.input = Tensor("input", layer.shape)

    def _node(self, name: str, layer: Layer, names: tuple[str, ...], shapes: tuple[Shape, ...],
              out: Shape | None = None) -> Tensor:
        """Add a node reading ``names``; ``out`` is its output shape when already known."""
        if name in self._names:
            raise CalcError(f"node name {name!r} is used twice")
        if out is None:
            try:
                out = layer.output_shape(*shapes)
            except CalcError as err:
                raise CalcError(f"{name}: {err}") from None
        self._nodes.append(_new(Node, (name, layer, names, shapes, out)))
        self._names.add(name)
        return _new(Tensor, (name, out))

    def layer(self, name: str, layer: Layer, x: Tensor) -> Tensor:
        """Apply a single-input layer."""
        # sequential() repeats this body inline (a call per layer costs resnet50's summary
        # a tenth): a change here is a change there
        if layer.arity != 1:
            raise CalcError(f"{name}: {layer.type} takes several inputs, use add() or concat()")
        if name in self._names:
            raise CalcError(f"node name {name!r} is used twice")
        source, shape = x
        try:
            out = layer.output_shape(shape)
        except CalcError as err:
            raise CalcError(f"{name}: {err}") from None
        shapes = self._shapes if shape is self._shapes[0] else (shape,)
        self._nodes.append(_new(Node, (name, layer, (source,), shapes, out)))
        self._names.add(name)
        self._shapes = shapes if out is shape else (out,)
        return _new(Tensor, (name, out))

    def sequential(self, prefix: str, layers, x: Tensor) -> Tensor:
        """Apply layers in order, named ``prefix.0``, ``prefix.1``, ... like ``nn.Sequential``.

        ``layers`` may also hold ``(name, layer)`` pairs for named children."""
        # layer() for each, inlined: the nodes of a chain need no Tensor between them
        nodes, names, start = self._nodes, self._names, len(self._nodes)
        source, shape = x
        shapes = self._shapes if shape is self._shapes[0] else (shape,)
        for index, item in enumerate(layers):
            child, layer = item if isinstance(item, tuple) else (str(index), item)
            name = f"{prefix}.{child}" if prefix else child
            if layer.arity != 1:
                raise CalcError(f"{name}: {layer.type} takes several inputs, use add() or "
                                "concat()")
            if name in names:
                raise CalcError(f"node name {name!r} is used twice")
            try:
                out = layer.output_shape(shape)
            except CalcError as err:
                raise CalcError(f"{name}: {err}") from None
            nodes.append(_new(Node, (name, layer, (source,), shapes, out)))
            names.add(name)
            if out is not shape:
                shape, shapes = out, (out,)
            source = name
        self._shapes = shapes
        return x if len(nodes) == start else _new(Tensor, (source, shape))

    def add(self, name: str, *xs: Tensor) -> Tensor:
        """Element-wise sum (residual connection)."""
        if len(xs) < 2:
            raise CalcError(f"{name}: add needs at least two inputs")
        return self._node(name, _ADD, *zip(*xs))   # Tensor = (name, shape)

    def concat(self, name: str, *xs: Tensor) -> Tensor:
        """Channel concatenation."""
        if len(xs) < 2:
            raise CalcError(f"{name}: concat needs at least two inputs")
        # A DenseNet concatenation reads the previous one's inputs and one more map: its
        # input names and shapes extend that one's, and the previous output concatenated
        # with the new map has its shape, found without comparing every input again (the
        # full check runs where they disagree, to name them).
        (earlier, names, shapes, earlier_out), out = self._last_concat, None
        if xs[:-1] == earlier:
            new_name, new_shape = xs[-1]
            names, shapes = names + (new_name,), shapes + (new_shape,)
            try:
                out = _CONCAT.output_shape(earlier_out, new_shape)
            except CalcError:
                pass
        else:
            names, shapes = tuple(map(_NAME, xs)), tuple(map(_SHAPE, xs))
        x = self._node(name, _CONCAT, names, shapes, out)
        self._last_concat = (xs, names, shapes, x[1])
        return x

    def build(self, output: Tensor | None = None) -> Network:
        """Freeze the graph; the output defaults to the last node added."""
        out = output.name if output is not None else self._nodes[-1].name
        return Network(self.name, tuple(self._nodes), out)
