"""Whole-network summary: per-node rows and totals. Data only; see :mod:`calc.render` for text.

Conventions (docs/conventions.md): ``params`` counts weights, biases and BN
affine parameters of every node, auxiliary branches included (torchvision's
``num_params`` does the same for inception_v3); ``macs`` counts the
multiply-accumulates of conv, transposed conv and linear layers that inference
runs, bias excluded (torchvision's ``_ops``); ``flops = 2 * macs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress, islice, repeat
from math import prod
from operator import attrgetter, itemgetter
from typing import NamedTuple

from .layers import Shape
from .memory import Memory, memory
from .network import Network
from .receptive_field import ReceptiveField, receptive_fields


class Row(NamedTuple):
    """One node: ``activations`` is the per-sample element count of its output."""
    name: str
    type: str
    output: Shape
    params: int
    macs: int
    activations: int
    rf: ReceptiveField | None
    auxiliary: bool


_new = tuple.__new__   # _new(Row, values): a Row, skipping its keyword-handling __new__
_PARAMS, _BUFFERS, _NAME = attrgetter("params"), attrgetter("buffers"), attrgetter("__name__")
_HAS_MACS = attrgetter("has_macs")
_NAME_OF, _LAYER, _OUTPUT = itemgetter(0), itemgetter(1), itemgetter(4)   # of a Node


@dataclass(frozen=True)
class Summary:
    name: str
    input: Shape
    output: Shape
    rows: tuple[Row, ...]
    params: int
    buffers: int
    macs: int
    aux_params: int
    aux_macs: int
    receptive_field: ReceptiveField | None
    receptive_field_node: str | None
    notes: tuple[str, ...]
    network: Network

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def memory(self, batch: int = 1, dtype: str = "float32") -> Memory:
        return memory(self.network, batch, dtype)


def network_field(network: Network, fields=None, notes=None, aux=None):
    """The network's receptive field and the node it is taken at: ``(node, field)``.

    The node is the last one (in order, outside auxiliary branches) whose field is
    defined: the last spatial layer before global pooling or flattening. When a
    misaligned merge comes after it, the node is the last one the merge reaches and the
    field is ``None``; ``(None, None)`` when no node has a field. ``fields``, ``notes``
    and ``aux`` are :func:`receptive_fields`'s answer and :meth:`Network.auxiliary`,
    computed when not given. :func:`summarize` and :func:`calc.checks.check` both use it.
    """
    if fields is None or notes is None:
        fields, notes = receptive_fields(network)
    if aux is None:
        aux = network.auxiliary()
    if not notes:   # then the answer is the last defined field: look from the end
        for name, _, _, _, _ in reversed(network.nodes[1:]):
            if name not in aux and fields[name] is not None:
                return name, fields[name]
        return None, None
    node = field = None
    misaligned = set(notes)  # a misaligned merge leaves every node after it undefined
    for name, _, inputs, _, _ in network.nodes[1:]:
        if name in aux:
            continue
        if misaligned and (name in misaligned or misaligned.intersection(inputs)):
            misaligned.add(name)
            node, field = name, None
        elif fields[name] is not None:
            node, field = name, fields[name]
    return node, field


def summarize(network: Network) -> Summary:
    """Measure every node of ``network``: output shape, params, MACs, activations, receptive field.

    The network's ``receptive_field`` is that of the last node (in order, outside
    auxiliary branches) whose field is defined: the last spatial layer before
    global pooling or flattening. It is ``None`` when a misaligned merge comes
    after that node (``notes`` says where).
    """
    aux = network.auxiliary()
    fields, notes = receptive_fields(network)
    # column by column, each loop in C: one row per node but the input
    nodes = network.nodes[1:]
    if len(fields) == len(network.nodes):   # every node, in order (names are unique)
        names, rfs = tuple(islice(fields, 1, None)), islice(fields.values(), 1, None)
    else:
        names = tuple(map(_NAME_OF, nodes))
        rfs = map(fields.__getitem__, names)
    layers, outputs = tuple(map(_LAYER, nodes)), tuple(map(_OUTPUT, nodes))
    params = list(map(_PARAMS, layers))
    macs = [0] * len(layers)
    for i in compress(range(len(layers)), map(_HAS_MACS, layers)):
        macs[i] = layers[i].macs(nodes[i].input_shapes[0], outputs[i])
    is_aux = list(map(aux.__contains__, names)) if aux else repeat(False)
    rows = tuple(map(_new, repeat(Row), zip(names, map(_NAME, map(type, layers)), outputs,
                                            params, macs, map(prod, outputs),
                                            rfs, is_aux)))
    aux_params = sum(compress(params, is_aux)) if aux else 0
    aux_macs = sum(compress(macs, is_aux)) if aux else 0
    params, buffers, macs = sum(params), sum(map(_BUFFERS, layers)), sum(macs) - aux_macs
    last_rf_node, last_rf = network_field(network, fields, notes, aux)
    return Summary(network.name, network.input_shape, network.output_shape, rows,
                   params, buffers, macs, aux_params, aux_macs, last_rf, last_rf_node,
                   tuple(notes.values()), network)
