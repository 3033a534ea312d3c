"""Receptive fields of every node of a network, per axis (h, w).

Vocabulary and recurrences of Araujo, Norris & Sim, "Computing Receptive Fields
of Convolutional Neural Networks", Distill 2019. For a layer with kernel span
``k`` (dilation included), stride ``s`` and left padding ``p`` applied to an input
whose field is (size ``r``, effective stride ``j``, effective padding ``P``):

    r' = r + (k - 1) j        j' = j s        P' = P + p j

starting from ``r = j = 1, P = 0`` at the input. An output pixel ``x`` then sees
input pixels ``[x j - P, x j - P + r - 1]``.

Where paths merge (residual add, concat) the field is the largest over the
paths, provided they are *aligned*: equal effective strides and equal centres
``(r - 1) / 2 - P``. A misaligned merge is reported, never guessed: the node's
field is ``None`` and :func:`receptive_fields` returns the reason.
"""

from __future__ import annotations

from fractions import Fraction
from operator import add, sub
from types import MappingProxyType
from typing import NamedTuple

from .layers import IDENTITY
from .network import Network


class ReceptiveField(NamedTuple):
    """Receptive field of one node: ``size``, effective ``stride`` and ``padding``, each (h, w), in input pixels."""
    size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]

    def centre(self, axis: int) -> Fraction:
        """Input coordinate of the centre of output pixel 0's field on ``axis``."""
        return Fraction(self.size[axis] - 1, 2) - self.padding[axis]

    def covers(self, axis: int, index: int) -> tuple[int, int]:
        """First and last input pixel (may lie in the padding) seen by output pixel ``index``."""
        first = index * self.stride[axis] - self.padding[axis]
        return first, first + self.size[axis] - 1


INPUT_FIELD = ReceptiveField((1, 1), (1, 1), (0, 0))
_new = tuple.__new__   # a named tuple from a tuple, skipping its keyword-handling constructor


def _apply(rf: ReceptiveField, step) -> ReceptiveField:
    if step is IDENTITY or step == IDENTITY:   # e.g. a 1x1 convolution: the field is unchanged
        return rf
    (r0, r1), stride, (P0, P1) = rf
    j0, j1 = stride
    (k0, k1), (s0, s1), (p0, p1) = step
    return _new(ReceptiveField, ((r0 + (k0 - 1) * j0, r1 + (k1 - 1) * j1),
                                 stride if s0 == s1 == 1 else (j0 * s0, j1 * s1),
                                 (P0 + p0 * j0, P1 + p1 * j1)))


def _merge(name: str, fields: list[ReceptiveField]):
    """Largest field over aligned paths, or ``(None, reason)``.

    Centres are compared doubled, ``2c = r - 1 - 2P``, so the test stays in integers: paths
    are aligned when they share one stride and one ``r - 2P`` per axis. A concatenation may
    merge dozens of paths: the test runs on whole columns at once."""
    sizes, strides, paddings = zip(*fields)
    hs, ws = zip(*sizes)
    Ps, Qs = zip(*paddings)
    if (len(set(strides)) == 1 and len(set(map(sub, hs, map(add, Ps, Ps)))) == 1
            and len(set(map(sub, ws, map(add, Qs, Qs)))) == 1):
        return _widened(fields[0], (max(hs), max(ws))), None
    return _misaligned(name, fields)


def _widened(rf: ReceptiveField, size) -> ReceptiveField:
    """The field of ``size`` aligned with ``rf``: same stride and centre. Aligned centres
    ``c = (r - 1) / 2 - P`` give ``P`` for the wider size; equal parity keeps it whole."""
    (h, w), stride, (P, Q) = rf
    H, W = size
    return _new(ReceptiveField, ((H, W), stride, ((H - h + 2 * P) // 2, (W - w + 2 * Q) // 2)))


def _merge_two(a: ReceptiveField, b: ReceptiveField) -> ReceptiveField | None:
    """:func:`_merge` of two paths when they are aligned, else ``None``."""
    (h, w), stride, (P, Q) = a
    (oh, ow), other_stride, (oP, oQ) = b
    if other_stride != stride or h - 2 * P != oh - 2 * oP or w - 2 * Q != ow - 2 * oQ:
        return None
    # aligned, the wider field on both axes is the merge (DenseNet's newest path, mostly)
    if oh <= h and ow <= w:
        return a
    if oh >= h and ow >= w:
        return b
    return _widened(a, (max(h, oh), max(w, ow)))


def _misaligned(name: str, fields: list[ReceptiveField]):
    """:func:`_merge` path by path: the reason, naming the first path that disagrees."""
    first = fields[0]
    stride = first.stride
    (h, w), _, (P, Q) = first
    twice = (h - 1 - 2 * P, w - 1 - 2 * Q)
    for other in fields[1:]:
        (oh, ow), other_stride, (oP, oQ) = other
        if other_stride != stride:
            return None, (f"{name}: paths with effective strides {stride} and "
                          f"{other_stride} meet here; the graph is misaligned")
        if (oh - 1 - 2 * oP, ow - 1 - 2 * oQ) != twice:
            axis = 0 if oh - 1 - 2 * oP != twice[0] else 1
            gap = abs(other.centre(axis) - first.centre(axis))
            return None, (f"{name}: the centres of merging paths differ by {float(gap):g} px on "
                          f"axis {'hw'[axis]}; the graph is misaligned")
        if oh > h:
            h = oh
        if ow > w:
            w = ow
    # aligned centres c = (r - 1) / 2 - P give P for the widest size; equal parity keeps it whole
    return ReceptiveField((h, w), stride, ((h - 1 - twice[0]) // 2, (w - 1 - twice[1]) // 2)), None


def receptive_fields(network: Network):
    """Field of every node (``None`` where undefined) and the reasons where it stops being defined.

    Returns ``(fields, notes)``, read-only mappings computed once per network (the summary
    and the design checks both ask): ``fields[name]`` is a :class:`ReceptiveField` or
    ``None``, for every node in network order; ``notes[name]`` explains a misaligned merge.
    """
    return network.derived("receptive fields", _receptive_fields)


def _receptive_fields(network: Network):
    fields: dict[str, ReceptiveField | None] = {}
    notes: dict[str, str] = {}
    field_of = fields.__getitem__
    # A DenseNet concatenation reads the previous one's inputs and one more path: merging
    # that merge's field (it has the paths' stride and centre and their largest size) with
    # the new path gives its field, without the quadratic work of merging every path again.
    merged, merged_field = (), None   # the last aligned merge's inputs and field
    for name, layer, input_names, input_shapes, output_shape in network.nodes:
        if len(input_names) == 1:
            rf = fields[input_names[0]]
            if rf is None or len(output_shape) != 3:
                fields[name] = None
            elif not layer.moves_field:   # Layer.rf_step: IDENTITY, the input being 3-D (rf is)
                fields[name] = rf
            else:
                step = layer.rf_step(input_shapes[0])
                fields[name] = None if step is None else _apply(rf, step)
        elif len(output_shape) != 3:
            fields[name] = None
        elif not input_names:
            fields[name] = INPUT_FIELD
        else:
            rf = None
            if input_names[:-1] == merged:
                last = fields[input_names[-1]]
                rf = None if last is None else _merge_two(merged_field, last)
            if rf is None:   # no earlier merge, or a disagreement: every path, for the reason
                inputs = list(map(field_of, input_names))
                if None in inputs:
                    fields[name] = None
                    continue
                rf, note = _merge(name, inputs)
                if note:
                    notes[name] = note
            fields[name] = rf
            if rf is not None:
                merged, merged_field = input_names, rf
    return MappingProxyType(fields), MappingProxyType(notes)
