"""Design checks of a whole network: what a seasoned designer would flag, as data.

Each :class:`Finding` names the node, the rule it breaks and the facts behind it (the
:mod:`calc.coverage` of the layer's axes); :mod:`calc.render.checks_text` words them and
says what to do. The rules:

* ``dropped``: the floor drops the last rows or columns of a layer's input: no window
  reads them (AlexNet's conv1 on the paper's stated 224x224);
* ``gaps``: the stride exceeds the kernel, so cells between windows are never read (a
  1x1 convolution with stride 2 reads one pixel in four: ResNet's projection shortcuts);
* ``blind``: outputs whose window holds only padding;
* ``overhang``: ceil-mode windows that hang past the padded input (PyTorch clips them);
* ``uneven``: a transposed convolution whose kernel taps divide unevenly among the stride
  phases (checkerboard artifacts), or leave some outputs without input;
* ``tiny``: a convolution with a kernel larger than 1x1 applied to a 1x1 map: all of its
  taps but the centre read padding;
* ``enlarged``: adaptive pooling to an output larger than its input repeats pixels
  (torchvision's VGG and AlexNet on small inputs feed their first FC layer copies);
* ``small_field``: the network's receptive field (the one :func:`calc.summary.summarize`
  reports, at the same node) covers less than half of the input along an axis: the
  network cannot see an object that fills the image;
* ``large_field``: (a note) the theoretical field exceeds four times the input: most of it
  lies in padding, and the effective field is far smaller (Luo et al. 2016);
* ``shrinking``: a stage downsamples with fewer channels than the stage before it (the
  seed's rule: increase the features as you decrease the size);
* ``dominant``: one layer does over a quarter of a deep network's MACs;
* ``misaligned``: paths that merge see the input with different strides or centres
  (Araujo et al. 2019), so the merged field is undefined;
* ``even_same``: an even kernel at stride 1 with padding cannot keep the size (PyTorch's
  symmetric padding grows or shrinks it by one);
* ``not_multiple_of_8``: (a note) a layer's output channels are not a multiple of 8, which
  tensor cores want for float16 and bfloat16 (NVIDIA's performance guide); the last layer's
  outputs (the classes) are left out.

A rule is a ``warning`` (the layer does something its designer likely did not mean) or a
``note`` (worth knowing, often deliberate): :data:`SEVERITY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .coverage import TransposeAxis, WindowAxis, transpose_axis, window_axis
from .layers import AvgPool2d, Conv2d, ConvTranspose2d, MaxPool2d, _AdaptivePool2d
from .network import Network
from .receptive_field import receptive_fields
from .summary import network_field

RULES = ("dropped", "gaps", "blind", "overhang", "uneven", "tiny", "enlarged", "small_field",
         "large_field", "shrinking", "dominant", "misaligned", "even_same", "not_multiple_of_8")
SEVERITY = {rule: "note" for rule in ("overhang", "large_field", "not_multiple_of_8")}
DOMINANT_SHARE = 0.25      # of the network's MACs, for networks of at least ...
DOMINANT_MIN_LAYERS = 8    # ... this many weighted layers
LARGE_FIELD = 4            # times the input


@dataclass(frozen=True)
class Finding:
    """One rule broken at one node. ``axes`` is the ``(height, width)`` coverage of the
    layer (``None`` for ``small_field``); ``value`` a rule's number (field size for
    ``small_field``)."""
    rule: str
    node: str
    layer: str
    input: tuple
    output: tuple
    axes: tuple | None = None
    value: tuple = ()


# A deep network repeats a few layer shapes many times (resnet1202: 1,200 convolutions, a
# handful of distinct axes); the coverage of each is computed once. Pure and hashable.
_window_axis = lru_cache(maxsize=4096)(window_axis)


def _window_axes(layer, shape) -> tuple[WindowAxis, WindowAxis]:
    pooling = not isinstance(layer, Conv2d)
    dilation = getattr(layer, "dilation", (1, 1))
    ceil_mode = getattr(layer, "ceil_mode", False)
    return tuple(_window_axis(shape[1 + a], layer.kernel_size[a], layer.stride[a],
                              layer.padding[a], dilation[a], ceil_mode, pooling) for a in (0, 1))


def _transpose_axes(layer, shape) -> tuple[TransposeAxis, TransposeAxis]:
    return tuple(transpose_axis(shape[1 + a], layer.kernel_size[a], layer.stride[a],
                                layer.padding[a], layer.output_padding[a], layer.dilation[a])
                 for a in (0, 1))


def _layer_findings(node) -> list[Finding]:
    layer = node.layer
    if not isinstance(layer, _CHECKED):
        return []
    shape = node.input_shapes[0] if node.input_shapes else ()
    return [Finding(rule, node.name, layer.type, shape, node.output_shape, axes)
            for rule, axes in _layer_rules(layer, shape)]


# The rules a layer breaks depend on the layer and its input shape only, both values: a
# deep network repeats a few of each (a designer's repeat block, resnet1202's 1,200
# convolutions), so each is judged once.
_CHECKED = (Conv2d, MaxPool2d, AvgPool2d, _AdaptivePool2d, ConvTranspose2d)


@lru_cache(maxsize=4096)
def _layer_rules(layer, shape) -> tuple[tuple[str, tuple | None], ...]:
    """``(rule, axes)`` of each rule ``layer`` breaks on an input of ``shape``."""
    found = []
    if isinstance(layer, (Conv2d, MaxPool2d, AvgPool2d)):
        axes = _window_axes(layer, shape)
        if any(a.tail and not a.holes for a in axes):   # with holes, the tail is one of them
            found.append(("dropped", axes))
        if any(a.holes for a in axes):
            found.append(("gaps", axes))
        if any(a.blind for a in axes):
            found.append(("blind", axes))
        if any(a.ceil_mode and a.overhang for a in axes):
            found.append(("overhang", axes))
        if isinstance(layer, Conv2d) and shape[1:] == (1, 1) and layer.kernel_size != (1, 1):
            found.append(("tiny", axes))
        if isinstance(layer, Conv2d) and any(
                s == 1 and k % 2 == 0 and p > 0 for s, k, p in
                zip(layer.stride, layer.kernel_size, layer.padding)):
            found.append(("even_same", axes))
    elif isinstance(layer, _AdaptivePool2d) and len(shape) == 3 and \
            any(o > i for o, i in zip(layer.output_size, shape[1:])):
        found.append(("enlarged", None))
    elif isinstance(layer, ConvTranspose2d):
        axes = _transpose_axes(layer, shape)
        if any(a.uneven or a.gaps or a.beyond for a in axes):
            found.append(("uneven", axes))
    return tuple(found)


def _channel_findings(network: Network, nodes) -> list[Finding]:
    """``shrinking`` stages, ``dominant`` layers and ``not_multiple_of_8`` widths."""
    found = []
    widest: dict[tuple, tuple] = {}   # spatial size -> (widest channels there, its node)
    weighted = [n for n in nodes if isinstance(n.layer, (Conv2d, ConvTranspose2d)) or
                n.layer.type == "Linear"]
    # by name: ``node in weighted`` would compare whole nodes, quadratic in the depth
    # (a tenth of a second on resnet1202's 4,209 nodes)
    macs_of = {n.name: n.layer.macs(n.input_shapes[0], n.output_shape) for n in weighted}
    total = sum(macs_of.values())
    last = weighted[-1].name if weighted else None
    dominant = len(weighted) >= DOMINANT_MIN_LAYERS and total
    for node in nodes:
        out = node.output_shape
        if len(out) == 3:
            size = out[1:]
            held = widest.get(size)
            if held is None or out[0] > held[0]:
                widest[size] = (out[0], node)
        macs = macs_of.get(node.name)
        if macs is None:
            continue
        shape = node.input_shapes[0]
        if dominant and macs > DOMINANT_SHARE * total:
            found.append(Finding("dominant", node.name, node.layer.type, shape, out,
                                 value=(macs, total)))
        if node.name != last:
            channels = out[0]
            if channels >= 8 and channels % 8:
                found.append(Finding("not_multiple_of_8", node.name, node.layer.type, shape,
                                     out, value=(channels,)))
    # stage by stage (the spatial sizes in the order they appear, 1x1 left out): the widest
    # map of a smaller size should be at least as wide as the widest before it
    stages = [(size, width, node) for size, (width, node) in widest.items()
              if size[0] * size[1] > 1]
    for (size, width, _), (next_size, next_width, node) in zip(stages, stages[1:]):
        if next_size[0] * next_size[1] < size[0] * size[1] and next_width < width:
            found.append(Finding("shrinking", node.name, node.layer.type,
                                 node.input_shapes[0], node.output_shape,
                                 value=(width, next_width)))
    return found


def check(network: Network) -> tuple[Finding, ...]:
    """Every finding of ``network``: layer by layer in node order, then the network's own."""
    findings = []
    for node in network.nodes[1:]:
        findings += _layer_findings(node)
    nodes = [n for n in network.inference_nodes[1:]]
    findings += _channel_findings(network, nodes)
    fields, notes = receptive_fields(network)
    for name in notes:
        node = network.node(name)
        findings.append(Finding("misaligned", name, node.layer.type, node.input_shapes[0],
                                node.output_shape))
    # the field the summary reports, at the same node (None after a misaligned merge)
    name, field = network_field(network, fields, notes)
    if field is not None and len(network.input_shape) == 3:
        node, size = network.node(name), network.input_shape[1:]
        if any(2 * r < s for r, s in zip(field.size, size)):
            findings.append(Finding("small_field", name, node.layer.type, network.input_shape,
                                    node.output_shape, None, field.size))
        elif any(r > LARGE_FIELD * s for r, s in zip(field.size, size)):
            findings.append(Finding("large_field", name, node.layer.type, network.input_shape,
                                    node.output_shape, None, field.size))
    return tuple(findings)
