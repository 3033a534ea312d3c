"""Any calc network as readable PyTorch code, nested the way torchvision writes its models.

Submodules live at their node names: node ``layer1.0.conv1`` is ``self.layer1[0].conv1``, so
the exported module's ``state_dict()`` keys are the node names, and for a zoo network that
torchvision also builds, torchvision's ``state_dict`` loads into it with ``strict=True`` (the
torch tier checks it, outputs included). A name prefix that holds several nodes is a
container:

* ``nn.Sequential`` when its children are numbered ``0, 1, ...`` and each feeds the next
  (``features``, ``classifier``, ``layer1``, a ``repeat`` block of a description);
* a class of its own when it is a block, one input value (or several) in, one value out,
  whose nodes run together (a Bottleneck, a dense layer, an Inception module). Blocks of
  the same structure share one class: what differs between them (channels, stride, ...)
  becomes an argument of its ``__init__``, and its ``forward`` is written once. A class is
  named after its blocks' names (``Transition``, ``MixedA`` ... ``MixedE`` where they
  differ), its layers (``ConvBNReLU``) or what it does (``Residual``, ``Concat``, ``Block``);
* ``nn.ModuleList``/``nn.ModuleDict`` holding modules that the enclosing ``forward`` calls
  one by one, when the prefix is no block (its nodes do not run together).

A class whose children are numbered is an ``nn.ModuleList`` (``self[0]``); children whose
names are no Python identifiers (``3``, ``class``) make it an ``nn.ModuleDict``
(``self["3"]``). A name that no module can take is renamed, the only case where a key
differs from the node name: one PyTorch reserves (``forward``, ``training``, one that starts
with ``_``), an empty part (``a..b``), a layer's name that also prefixes others. A run of
equal modules in a Sequential is written once, ``*(Residual(1024, 256) for _ in
range(35))``; blocks of one class whose arguments grow by equal steps are built in a loop
(``Denseblock``: ``Denselayer(in_channels + i * 32)``).

``forward`` is written as a person would: ``x`` (and ``out``) carry a value from line to
line, a value read again later gets a name of its own, a residual sum is ``+``, a
concatenation ``torch.cat([...], 1)``, and blocks that each read all earlier outputs (dense
blocks) append to a list of ``features``. A ReLU whose input is read again (or is the
caller's input) is built with ``inplace=False``. Classes used once carry the shapes as
comments. Auxiliary branches (training-only classifiers) are built, so the parameters count
as calc counts them, but ``forward`` returns the network's output only, as torchvision's
models do in eval mode.

Standard library only (it runs in the browser, on every keystroke of the designer): a few
passes over the nodes, each forward written once per block to compare structures; no
torch. The torch tier runs what it writes: every zoo network and description.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections import Counter
from functools import lru_cache
from itertools import islice

from ..errors import CalcError
from ..network import Network
from . import numbers
from .description import call_slots, slot_values

# calc layers whose call reads the same in torch.nn (``nn.`` + layer_call)
_NN = {"Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
       "AdaptiveMaxPool2d", "Linear", "BatchNorm2d", "BatchNorm1d", "LocalResponseNorm", "ReLU",
       "LeakyReLU", "Tanh", "Sigmoid", "Dropout", "Flatten", "Unflatten"}
_MODULES = _NN | {"PadChannels"}
# layers whose output is their input, or a view of it: an in-place layer after them writes
# into their input
_VIEWS = {"Flatten", "Unflatten", "Dropout"}
_CHANNELS = {"in_channels", "out_channels", "num_features", "in_features", "out_features"}
# what nn.Module, nn.ModuleDict, nn.ModuleList and nn.Sequential already name (torch 2.x): a
# child of that name would shadow a method or be refused (the torch tier checks the list)
RESERVED = frozenset("""
    T_destination add_module append apply bfloat16 buffers call_super_init children clear
    compile cpu cuda double dump_patches eval extend extra_repr float forward get_buffer
    get_extra_state get_parameter get_submodule half insert ipu items keys load_state_dict
    modules mtia named_buffers named_children named_modules named_parameters parameters pop
    register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
    register_full_backward_hook register_full_backward_pre_hook
    register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module
    register_parameter register_state_dict_post_hook register_state_dict_pre_hook
    requires_grad_ set_extra_state set_submodule share_memory state_dict to to_empty train
    training type update values xpu zero_grad""".split())
# names forward's local variables never take
_TAKEN = frozenset({"self", "x", "xs", "out", "features", "torch", "nn", "F", "super"})
# short names of layers, for a class that holds only a few (ConvBNReLU)
_SHORT = {"Conv2d": "Conv", "ConvTranspose2d": "ConvT", "BatchNorm2d": "BN", "BatchNorm1d": "BN",
          "MaxPool2d": "MaxPool", "AvgPool2d": "AvgPool", "AdaptiveAvgPool2d": "AvgPool",
          "AdaptiveMaxPool2d": "MaxPool", "LocalResponseNorm": "LRN"}
_WIDTH = 99   # the longest line written (a longer one is broken at its arguments)

_PAD_CHANNELS = '''

class PadChannels(nn.Module):
    """He et al. 2016's option A shortcut: keep every stride-th pixel and zero-pad the
    channels to out_channels, (out - in) // 2 before and the rest after."""

    def __init__(self, out_channels, stride=1):
        super().__init__()
        self.out_channels = out_channels
        self.stride = stride if isinstance(stride, tuple) else (stride, stride)

    def forward(self, x):
        sh, sw = self.stride
        x = x[:, :, ::sh, ::sw]
        extra = self.out_channels - x.shape[1]
        return F.pad(x, (0, 0, 0, 0, extra // 2, extra - extra // 2))
'''


def class_name(name: str) -> str:
    """``resnet50`` -> ``Resnet50``, ``wrn_28_10`` -> ``Wrn2810``: a usable class name."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Network"
    text = text if text[0].isalpha() else "Net" + text
    return text if usable_class_name(text) else text + "Net"


def usable_class_name(name: str) -> bool:
    """Whether the exported class can take ``name``: an identifier that is no keyword, and
    no name the code itself uses (``torch``, ``nn``, ``F``, ``PadChannels``, builtins)."""
    return name.isidentifier() and not keyword.iskeyword(name) and \
        name not in ("torch", "nn", "F", "PadChannels") and not hasattr(builtins, name)


def to_pytorch(network: Network, name: str | None = None, latent: bool = False) -> str:
    """Python source of ``nn.Module`` classes, the last one (``name``) equal to ``network``.

    ``latent``: the network is a generator whose ``(Z, 1, 1)`` input is a latent vector;
    ``forward`` then also takes it flat, ``N x Z``. A ``name`` that is not
    :func:`usable_class_name` is refused with :class:`CalcError`."""
    title = name or class_name(network.name)
    if not usable_class_name(title):
        raise CalcError(f"the class name must be a Python identifier that is no keyword and "
                        f"not torch, nn, F, PadChannels or a builtin, got {title[:40]!r}")
    return _Writer(network).code(title, latent)


def _shape(shape) -> str:
    return "N x " + " x ".join(map(str, shape))


def _text(name: str) -> str:
    """A name as docstrings show it: nothing that could end the string or escape."""
    return re.sub(r"[^A-Za-z0-9_.,:;+()\[\] -]", "_", name)


def _quote(local: str) -> str:
    """A child's name as a string literal (names are letters, digits, ``_`` and ``-``)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", local, flags=re.ASCII):
        raise ValueError(f"not a module name: {local!r}")
    return f'"{local}"'


def _identifier(text: str) -> str:
    text = re.sub(r"\W", "_", text, flags=re.ASCII) or "_"
    text = "x" + text if text[0].isdigit() else text
    return text + "_" if keyword.iskeyword(text) else text


# --- the tree of names -------------------------------------------------------------------------

class _Box:
    """A name prefix that holds nodes (``layer1``, ``layer1.0``): a container module."""
    __slots__ = ("local", "parent", "depth", "children", "alias", "members", "inputs",
                 "outputs", "aux", "block", "output", "height", "run", "units", "form", "style",
                 "variadic", "loop", "loop_slots", "values", "lines", "signature", "group",
                 "elements", "chain")

    def __init__(self, local: str, parent: _Box | None):
        self.local = local
        self.parent = parent
        self.depth = parent.depth + 1 if parent else 0
        self.children: dict = {}        # local name -> _Box, or a node's index
        self.alias: dict = {}           # a name part as the nodes spell it -> _Box
        self.members: list[int] = []    # the nodes below, in order
        self.inputs: dict = {}          # values read from outside, in order of first read
        self.outputs: dict = {}         # values read outside (or the network's output)
        self.aux = False                # every node below is auxiliary
        self.block = False
        self.output = None
        self.height = 1
        self.chain = parent.chain + (self,) if parent and parent.parent else \
            (self,) if parent else ()   # the boxes from below the root down to this one

    def path(self) -> str:
        parts, box = [], self
        while box.parent is not None:
            parts.append(box.local)
            box = box.parent
        return ".".join(reversed(parts))


def _local(part: str, box: _Box) -> str:
    """The name a child is registered under: the node's, unless PyTorch refuses or reserves
    it, or a sibling has it."""
    part = _clean(part)
    base, n = part, 2
    while part in box.children:
        part, n = f"{base}_{n}", n + 1
    return part


@lru_cache(maxsize=4096)
def _clean(part: str) -> str:
    if not _MODULE_NAME.fullmatch(part):
        part = re.sub(r"[^A-Za-z0-9_-]", "_", part, flags=re.ASCII) or "_"
    if part.startswith("_"):
        part = "m" + part
    while part in RESERVED:
        part += "_"
    return part


_MODULE_NAME = re.compile(r"[A-Za-z0-9_-]+", flags=re.ASCII)
_NUMBERS = [str(k) for k in range(64)]


def _numbers(n: int) -> list[str]:
    while len(_NUMBERS) < n:
        _NUMBERS.append(str(len(_NUMBERS)))
    return _NUMBERS[:n]


class _E:
    """An expression to lay out: ``head`` + ``open`` + arguments + ``close``."""
    __slots__ = ("head", "open", "args", "close", "_flat")

    def __init__(self, head, open_, args, close):
        self.head, self.open, self.args, self.close = head, open_, args, close
        self._flat = None

    @property
    def flat(self) -> str:
        if self._flat is None:
            self._flat = (self.head + self.open
                          + ", ".join(a if isinstance(a, str) else a.flat for a in self.args)
                          + self.close)
        return self._flat

    def wrapped(self, before: str, after: str) -> _E:
        return _E(before + self.head, self.open, self.args, self.close + after)


class _Call(str):
    """A block's call, with how many of it a loop builds."""
    count = "1"


def _steps(boxes: list, template: dict) -> int:
    """How many of ``boxes`` (blocks of one class), from the first, have arguments that stay
    the same or grow by equal steps."""
    n = len(boxes)
    for column in zip(*(template[b][1] for b in boxes)):
        k = 1
        while k < n and column[k] == column[0]:
            k += 1
        if k == 1 and n > 1 and _INT.fullmatch(column[0]) and _INT.fullmatch(column[1]):
            start, step = int(column[0]), int(column[1]) - int(column[0])
            k = 2
            while k < n and _INT.fullmatch(column[k]) and int(column[k]) == start + k * step:
                k += 1
        n = k
        if n == 1:
            break
    return n


_INT = re.compile(r"-?[0-9]{1,12}")


def _labelled(local: str, slots: list) -> list:
    label = local if local.isdigit() else _identifier(local)
    return [(f"{label}_{s[0]}" if s[0] else label, *s[1:]) for s in slots]


def _counted(exprs: list) -> list:
    """Expressions, each ``[key, values, count, expression]`` written ``count`` times (or
    once, starred, from three on), or already written."""
    out = []
    for item in exprs:
        if not isinstance(item, list):
            out.append(item)
            continue
        count, expr = item[2], item[3]
        if count < 3:
            out += [expr] * count
        else:
            loop = f" for _ in range({count}))"
            out.append(f"*({expr}{loop}" if isinstance(expr, str) else expr.wrapped("*(", loop))
    return out


def _flat(expr) -> str:
    return expr if isinstance(expr, str) else expr.flat


def _layout(expr, indent: int, trailer: str = "", comment: str = "") -> list[str]:
    """Lines of ``expr`` at ``indent``, broken at its arguments where it is too long."""
    pad = " " * indent
    note = f"  # {comment}" if comment else ""
    flat = _flat(expr)
    if isinstance(expr, str) or indent + len(flat) + len(trailer) <= _WIDTH:
        return [pad + flat + trailer + note]
    lines = [pad + expr.head + expr.open + note]
    for arg in expr.args:
        lines += _layout(arg, indent + 4, ",")
    return lines + [pad + expr.close + trailer]


def _runs(exprs: list) -> list:
    """``exprs`` with each run of three or more equal ones written once, starred."""
    out, i = [], 0
    while i < len(exprs):
        j = i + 1
        while j < len(exprs) and _flat(exprs[j]) == _flat(exprs[i]):
            j += 1
        if j - i >= 3:
            loop = f" for _ in range({j - i}))"
            out.append(f"*({exprs[i]}{loop}" if isinstance(exprs[i], str)
                       else exprs[i].wrapped("*(", loop))
        else:
            out += exprs[i:j]
        i = j
    return out


class _Group:
    """Boxes of one structure: one class."""

    def __init__(self, key, box):
        self.key = key
        self.boxes = [box]
        self.name = ""
        self.params: list = []     # (name, default text or None, channels, first slot)
        self.subs: list = []       # per slot: (is a parameter, text)


class _Writer:
    def __init__(self, network: Network):
        self.network = network
        nodes = self.nodes = network.nodes
        index = {node.name: i for i, node in enumerate(nodes)}
        self.reads = [tuple([index[name] for name in node.inputs]) for node in nodes]
        aux_names = network.auxiliary()
        self.is_aux = [node.name in aux_names for node in nodes] if aux_names else \
            [False] * len(nodes)
        self.out = index[network.output]
        self.kind = [type(node.layer).__name__ for node in nodes]
        self.readers: list = [[] for _ in nodes]
        for c, reads in enumerate(self.reads):
            for v in reads:
                self.readers[v].append(c)
        self._tree()
        self._interfaces()

    # --- structure ---------------------------------------------------------------------------

    def _tree(self):
        nodes = self.nodes
        root = self.root = _Box("", None)
        self.boxes = [root]
        self.chain: list = [()] * len(nodes)   # node -> its boxes below the root, outermost first
        self.leaf: list = [""] * len(nodes)    # node -> its local name
        boxes, chains, leaves = self.boxes, self.chain, self.leaf
        members = root.members
        by_prefix = {}                         # a node name's prefix -> its box
        for i in range(1, len(nodes)):
            prefix, dot, last = nodes[i].name.rpartition(".")
            box = by_prefix.get(prefix) if dot else root
            if box is None:
                box = root
                for part in prefix.split("."):
                    child = box.alias.get(part)
                    if child is None:
                        child = _Box(_local(part, box), box)
                        box.alias[part] = box.children[child.local] = child
                        boxes.append(child)
                    box = child
                by_prefix[prefix] = box
            for inner in box.chain:
                inner.members.append(i)
            members.append(i)
            leaf = _clean(last)
            if leaf in box.children:
                leaf = _local(leaf, box)
            leaves[i] = leaf
            box.children[leaf] = i
            chains[i] = box.chain
        for box in reversed(self.boxes):          # children before their parents
            for child in box.children.values():
                if isinstance(child, _Box) and child.height >= box.height:
                    box.height = child.height + 1

    def _interfaces(self):
        """Each box's inputs and outputs, and whether it is a block (its nodes run together,
        one value comes out)."""
        is_aux, chain = self.is_aux, self.chain
        position, counts = [0] * len(self.nodes), [0, 0]
        for i in range(1, len(self.nodes)):
            position[i] = counts[is_aux[i]]
            counts[is_aux[i]] += 1
        any_aux = any(is_aux)
        for box in self.boxes[1:]:
            box.aux = any_aux and all(is_aux[i] for i in box.members)
            box.run = [i for i in box.members if box.aux or not is_aux[i]] if any_aux \
                else box.members
        for c in range(1, len(self.nodes)):
            inner = chain[c]
            for v in self.reads[c]:
                outer = chain[v]
                if outer is inner:           # the same box: nothing crosses a boundary
                    continue
                k, common = 0, min(len(outer), len(inner))
                while k < common and outer[k] is inner[k]:
                    k += 1
                for box in inner[k:]:
                    if not is_aux[c] or box.aux:
                        box.inputs[v] = None
                for box in outer[k:]:
                    if not is_aux[c] or box.aux:
                        box.outputs[v] = None
        for box in chain[self.out]:
            box.outputs[self.out] = None
        for box in self.boxes[1:]:
            run = box.run
            outs = list(box.outputs) or ([run[-1]] if box.aux else [])
            box.block = (position[run[-1]] - position[run[0]] == len(run) - 1
                         and len(outs) == 1)
            box.output = outs[0] if box.block else None
        root = self.root
        root.run = [i for i in root.members if not is_aux[i]]
        root.inputs, root.output, root.block = {0: None}, self.out, True

    def _unit_reads(self, unit) -> tuple:
        return self.reads[unit] if isinstance(unit, int) else tuple(unit.inputs)

    def _unit_value(self, unit) -> int:
        return unit if isinstance(unit, int) else unit.output

    def _units(self, box: _Box) -> list:
        """What ``box``'s forward calls, in order: its blocks, and the nodes in no block."""
        units, last, depth, chain = [], None, box.depth, self.chain
        seen, found = None, None      # the nodes of one box share one chain: looked up once
        for i in box.run:
            boxes = chain[i]
            if boxes is not seen:
                seen, found = boxes, None
                for k in range(depth, len(boxes)):
                    if boxes[k].block:
                        found = boxes[k]
                        break
            unit = i if found is None else found
            if unit != last:
                units.append(unit)
                last = unit
        return units

    def _has_module(self, child) -> bool:
        return isinstance(child, _Box) or self.kind[child] in _MODULES

    def _form(self, box: _Box):
        """``box.form``: seq, class or holder; ``box.style``: how its children are registered
        (list: numbered; attr: identifiers; dict: any other names)."""
        kind, names, plain = self.kind, [], True
        for local, child in box.children.items():
            if child.__class__ is _Box or kind[child] in _MODULES:
                names.append(local)
            else:
                plain = False
        if names == _numbers(len(names)):
            box.style = "list"
        elif all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
            box.style = "attr"
        else:
            box.style = "dict"
        box.form = "holder"
        box.variadic = False
        if not box.block:
            return
        box.form = "class"
        box.units = units = self._units(box)
        if box.style == "list" and plain and len(names) == len(units) and \
                len(box.inputs) == 1 and (box is not self.root or not any(self.is_aux)):
            previous = next(iter(box.inputs))
            for unit, child in zip(units, box.children.values()):
                if unit != child or self._unit_reads(unit) != (previous,):
                    break
                previous = self._unit_value(unit)
            else:
                if previous == box.output:
                    box.form = "seq"
                    return
        first = units[0]
        inputs = tuple(box.inputs)
        if len(inputs) >= 2 and isinstance(first, int) and self.kind[first] == "Concat" and \
                self.reads[first] == inputs and \
                not any(set(self._unit_reads(u)) & set(inputs) for u in units[1:]):
            box.variadic = True            # forward(self, *xs): torch.cat(xs, 1) first

    # --- forward ------------------------------------------------------------------------------

    def _path(self, box: _Box, unit) -> list:
        """``(container, local name)`` pairs from ``box`` down to ``unit``."""
        if isinstance(unit, int):
            inner = self.chain[unit][box.depth:]
            return list(zip((box, *inner), (*(b.local for b in inner), self.leaf[unit])))
        pairs = []
        while unit is not box:
            pairs.append((unit.parent, unit.local))
            unit = unit.parent
        return pairs[::-1]

    @staticmethod
    def _token(container: _Box, local: str) -> str:
        if container.style == "list":
            return f"[{local}]"
        if local.isidentifier() and not keyword.iskeyword(local):
            return "." + local
        return f"[{_quote(local)}]"

    def _statements(self, box: _Box, units: list) -> list:
        """``(reads, value, unit, how, what)``: ``how`` is ``add``, ``cat``, ``call`` (``what``
        is the module called) or ``dense`` (``what``: the modules called, and their values)."""
        kind = self.kind
        out = []

        def call(unit):
            return "self" + "".join(self._token(c, n) for c, n in self._path(box, unit))

        i = 0
        while i < len(units):
            unit = units[i]
            reads, value = self._unit_reads(unit), self._unit_value(unit)
            # a dense block: each unit reads the first one's input and all outputs so far
            if len(reads) == 1 and (not isinstance(unit, int) or kind[unit] in _MODULES):
                done, j = [value], i + 1
                while j < len(units) and not isinstance(units[j], int) and \
                        self._unit_reads(units[j]) == (*reads, *done):
                    done.append(units[j].output)
                    j += 1
                last = units[j] if j < len(units) else None
                if j - i >= 2 and isinstance(last, int) and kind[last] == "Concat" and \
                        self.reads[last] == (*reads, *done) and \
                        self._read_only_by(done, units[i + 1:j + 1], box.aux):
                    calls = [(call(u), self._unit_value(u)) for u in units[i:j]]
                    out.append((reads, last, last, "dense", calls))
                    i = j + 1
                    continue
            if isinstance(unit, int) and kind[unit] == "Add":
                out.append((reads, value, unit, "add", None))
            elif isinstance(unit, int) and kind[unit] == "Concat":
                out.append((reads, value, unit, "cat", None))
            else:
                out.append((reads, value, unit, "call", call(unit)))
            i += 1
        return out

    def _read_only_by(self, values, units, aux: bool) -> bool:
        """Whether every reader of ``values`` that runs is one of ``units``."""
        inside = set()
        for unit in units:
            inside.update((unit,) if isinstance(unit, int) else unit.run)
        return all(c in inside for v in values for c in self._consumers(v, not aux))

    def _consumers(self, value: int, active: bool) -> list[int]:
        """The nodes that read ``value``; with ``active``, those that forward runs."""
        return [c for c in self.readers[value] if not (active and self.is_aux[c])]

    def _forward(self, box: _Box):
        """``(signature, [(code, node whose shape it shows)])`` of ``box``'s forward."""
        units = box.units
        var, lines = {}, []
        carriers = {"x": None, "out": None}
        taken = set(_TAKEN)
        if box.variadic:            # the first line, x = torch.cat(xs, 1), is the class's
            signature = "*xs"
            cat = units[0]
            units = units[1:]
            var[cat] = "x"
            carriers["x"] = cat
        else:
            inputs = list(box.inputs)
            names = ["x"] + [f"x{k}" for k in range(2, len(inputs) + 1)]
            var.update(zip(inputs, names))
            carriers["x"] = inputs[0]
            taken.update(names)
            signature = ", ".join(names)
        statements = self._statements(box, units)
        last_read, readers = {}, {}
        for k, (reads, *_) in enumerate(statements):
            for v in reads:
                last_read[v] = k
                users = readers.setdefault(v, [])
                if not users or users[-1] != k:
                    users.append(k)
        last_read[box.output] = len(statements)
        for k, (reads, value, unit, how, what) in enumerate(statements):
            users = readers.get(value, [])
            alone = users == [k + 1] or (value == box.output and not users)
            target = None
            if alone:
                prefer = [var[reads[0]]] if reads and var[reads[0]] in carriers else []
                for carrier in (*prefer, "x", "out"):
                    held = carriers[carrier]
                    if held is None or last_read.get(held, -1) <= k:
                        target = carrier
                        break
            if target is None:
                target = self._variable(box, unit, taken)
            args = [var[v] for v in reads]
            if how == "add":
                expr = " + ".join(args)
            elif how == "cat":
                expr = f"torch.cat([{', '.join(args)}], 1)"
            elif how == "call":
                expr = f"{what}({', '.join(args)})"
            else:
                lines.append((f"features = [{args[0]}]", None))
                lines += [(f"features.append({head}(*features))", v) for head, v in what]
                expr = "torch.cat(features, 1)"
            lines.append((f"{target} = {expr}", value))
            if target in carriers:
                carriers[target] = value
            var[value] = target
        lines.append((f"return {var[box.output]}", None))
        return signature, lines

    def _variable(self, box: _Box, unit, taken: set) -> str:
        base = _identifier("_".join(n for _, n in self._path(box, unit)))
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        return name

    # --- __init__: templates, classes, parameters -----------------------------------------------

    def _leaf(self, i: int):
        """``(key, values)`` of the module of node ``i``: its call's arguments as text."""
        layer = self.nodes[i].layer
        off = getattr(layer, "inplace", False) and self._read_again(i)
        cached = self._leaves.get((layer, off))
        if cached is None:
            written, slots = call_slots(type(layer))
            values = slot_values(layer)
            if off:
                at = [p for p, _, _ in slots].index("inplace")
                values = values[:at] + ("False",) + values[at + 1:]
            cached = self._leaves[(layer, off)] = (("leaf", written), values)
        return cached

    def _read_again(self, i: int) -> bool:
        """Whether an in-place layer at node ``i`` would overwrite a value read elsewhere: its
        input (through layers whose output is their input or a view of it) has other readers,
        or is the caller's input."""
        value = self.reads[i][0]
        while True:
            if value == 0 or len(self._consumers(value, False)) > 1:
                return True
            if self.kind[value] not in _VIEWS:
                return False
            value = self.reads[value][0]

    def _slots(self, item) -> list:
        """What each of an item's template values is: ``(label, field, channels, default
        text, kind)``; the label names the child it belongs to (computed only for classes
        whose arguments differ)."""
        if isinstance(item, int):
            _, slots = call_slots(type(self.nodes[item].layer))
            return [("", param, param in _CHANNELS,
                     default if how == "unless default" else None, "leaf")
                    for param, how, default in slots]
        if item.form == "class":
            return [("", name, channels, default, "call")
                    for name, default, channels, _ in item.group.params]
        if item.form == "seq":
            out = []
            for element in item.elements:
                if isinstance(element, tuple):
                    out += _labelled(element[3], element[2])
                else:
                    out += _labelled(element.local if isinstance(element, _Box)
                                     else self.leaf[element], self._slots(element))
            return out
        return self._inner_slots(item)

    def _inner_slots(self, box: _Box) -> list:
        out = []
        for local, child in box.children.items():
            if self._has_module(child):
                out += _labelled(local, self._slots(child))
        return out

    def _prepare(self):
        self._leaves = {}
        self.template = {}     # box or node -> (key, values)
        self.groups: list[_Group] = []
        for i in range(1, len(self.nodes)):
            if self.kind[i] in _MODULES:
                self.template[i] = self._leaf(i)
        by_height = sorted(self.boxes[1:], key=lambda b: b.height)
        start = 0
        while start < len(by_height):
            height = by_height[start].height
            end = start
            while end < len(by_height) and by_height[end].height == height:
                end += 1
            self._level(by_height[start:end])
            start = end
        self._form(self.root)

    def _children(self, box: _Box) -> tuple:
        """``(keys, values)`` of ``box``'s modules together."""
        keys, values = [], []
        template = self.template
        for local, child in box.children.items():
            if isinstance(child, _Box) or self.kind[child] in _MODULES:
                key, vals = template[child]
                keys.append((local, key))
                values += vals
        return tuple(keys), values

    def _level(self, boxes: list):
        """Templates of boxes of one height; classes for the blocks among them."""
        groups = {}
        singles = []
        for box in boxes:
            self._form(box)
            if box.form == "seq":
                self.template[box] = self._seq(box)
                continue
            keys, values = self._children(box)
            if box.form != "class":
                self.template[box] = ((box.form, box.style, keys), values)
                continue
            box.loop = self._loop(box)
            if box.loop is not None:
                key, box.loop_slots, box.values = box.loop
                box.signature = "x"
            else:
                signature, lines = self._forward(box)
                code = tuple(line for line, _ in lines)
                box.lines = lines
                box.signature = signature
                box.values = values
                arity = "*" if box.variadic else len(box.inputs)
                key = ("class", box.style, keys, code, arity)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(key, box)
            else:
                group.boxes.append(box)
            if key[0] == "class" and key[4] == 1:
                singles.append((key, group))
        for key, group in singles:     # a one-input dense layer joins the variadic ones
            other = groups.get(key[:4] + ("*",))
            if other is not None and groups.get(key) is group:
                other.boxes += group.boxes
                for box in group.boxes:
                    box.variadic = True
                del groups[key]
        for group in groups.values():
            group.boxes.sort(key=lambda b: b.members[0])
            self._parameters(group)
            self.groups.append(group)

    def _loop(self, box: _Box):
        """``(key, slots, values)`` when ``box``'s children are blocks of one class, named
        ``name1, name2, ...`` (or numbered), whose arguments grow by equal steps, and its
        forward chains them or feeds each all earlier outputs (a dense block): its class then
        builds and runs them in a loop."""
        children = [c for c in box.children.values() if self._has_module(c)]
        n = len(children)
        if n < 3 or not all(isinstance(c, _Box) and c.form == "class" for c in children):
            return None
        group = children[0].group
        if any(c.group is not group for c in children) or box.variadic or \
                len(box.inputs) != 1 or box.style == "dict":
            return None
        stem, first = "", 0
        if box.style == "attr":
            found = [re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*?)([0-9]+)", c.local)
                     for c in children]
            if not all(found) or len({m[1] for m in found}) != 1:
                return None
            stem, first = found[0][1], int(found[0][2])
            if first not in (0, 1) or [int(m[2]) for m in found] != \
                    list(range(first, first + n)):
                return None
        units, value = box.units, next(iter(box.inputs))
        if units[:n] != children:
            return None
        outputs = [c.output for c in children]
        if len(units) == n and all(tuple(c.inputs) == ((value,) if k == 0 else
                                                       (outputs[k - 1],))
                                   for k, c in enumerate(children)):
            pattern = "chain"
        elif len(units) == n + 1 and isinstance(units[n], int) and \
                self.kind[units[n]] == "Concat" and \
                self.reads[units[n]] == (value, *outputs) and \
                all(tuple(c.inputs) == (value, *outputs[:k]) for k, c in enumerate(children)):
            pattern = "dense"
        else:
            return None
        if _steps(children, self.template) < n:
            return None
        shape, slots, values = self._stepped(group, children, f"num_{stem}s" if stem else
                                             "num_blocks")
        key = ("loop", box.style, stem, first, id(group), pattern, shape)
        return key, slots, values

    def _stepped(self, group: _Group, boxes: list, count: str):
        """``(shape, slots, values)`` of ``boxes`` of ``group`` built in a loop: their count,
        then per argument its value (``same``) or its first value and step (``step``)."""
        shape, slots, values = [], [("", count, False, None, "leaf")], [str(len(boxes))]
        columns = zip(*(self.template[b][1] for b in boxes))
        for (name, default, channels, _), column in zip(group.params, columns):
            if all(v == column[0] for v in column):
                shape.append("same")
                slots.append(("", name, channels, default, "leaf"))
                values.append(column[0])
            else:
                shape.append("step")
                slots += [("", name, channels, None, "leaf"),
                          ("", f"{name}_step", False, None, "leaf")]
                values += [column[0], str(int(column[1]) - int(column[0]))]
        return tuple(shape), slots, tuple(values)

    def _seq(self, box: _Box):
        """The template of an ``nn.Sequential``: runs of three or more blocks of one class
        whose arguments grow by equal steps are built in a loop."""
        children = list(box.children.values())
        box.elements, keys, values = [], [], []
        k = 0
        while k < len(children):
            child = children[k]
            j = k + 1
            if isinstance(child, _Box) and child.form == "class":
                while j < len(children) and isinstance(children[j], _Box) and \
                        children[j].form == "class" and children[j].group is child.group:
                    j += 1
                j = k + _steps(children[k:j], self.template)
            if j - k >= 3:
                shape, meta, vals = self._stepped(child.group, children[k:j], "num_blocks")
                box.elements.append((child.group, shape, meta, child.local))
                keys.append(("loop", id(child.group), shape))
            else:
                j = k + 1
                box.elements.append(child)
                key, vals = self.template[child]
                keys.append(key)
            values += vals
            k = j
        return ("seq", tuple(keys)), tuple(values)

    def _parameters(self, group: _Group):
        """What differs between the group's boxes becomes a parameter of the class."""
        boxes = group.boxes
        first = boxes[0]
        columns = list(zip(*(box.values for box in boxes)))
        if not any(any(v != column[0] for v in column) for column in columns):
            for box in boxes:
                box.group = group
                self.template[box] = (("call", id(group)), ())
            group.subs = [(False, column[0]) for column in columns]
            return
        meta = first.loop_slots if first.loop is not None else self._inner_slots(first)
        channels_in = tuple(str(self._in_channels(b)) for b in boxes)
        channels_out = tuple(str(self.nodes[b.output].output_shape[0]) for b in boxes)
        params, subs = {}, []
        for s, column in enumerate(columns):
            if all(v == column[0] for v in column):
                subs.append((False, column[0]))
                continue
            label, field, channels, _, _ = meta[s]
            pkey = column if channels else (field, column)
            if pkey not in params:
                params[pkey] = s
            subs.append((True, pkey))
        fields = Counter(meta[s][1] for s in params.values())
        names, used = {}, set()
        for pkey, s in params.items():
            label, field, channels, default, kind = meta[s]
            column = columns[s]
            if channels and column == channels_in:
                base = "in_channels"
            elif channels and column == channels_out:
                base = "out_channels"
            elif channels and kind == "leaf":
                base = "width"
            elif fields[field] == 1 and not (channels and kind == "call"):
                base = field
            else:
                base = f"{label}_{field}"
            base = _identifier(base)
            name, n = base, 2
            while name in used or name == "self":
                name, n = f"{base}{n}", n + 1
            used.add(name)
            names[pkey] = name
        order = sorted(params, key=lambda p: (meta[params[p]][3] is not None,
                                              names[p] not in ("in_channels", "out_channels"),
                                              names[p] != "in_channels", params[p]))
        group.params = [(names[p], meta[params[p]][3], meta[params[p]][2], params[p])
                        for p in order]
        group.subs = [(True, names[text]) if is_param else (False, text)
                      for is_param, text in subs]
        for box in boxes:
            box.group = group
            self.template[box] = (("call", id(group)),
                                  tuple(box.values[s] for _, _, _, s in group.params))

    def _in_channels(self, box: _Box):
        """The channels ``box`` takes: its input's, or those of the concatenation it starts
        with."""
        first = box.units[0]
        value = first if box.variadic and isinstance(first, int) and \
            self.kind[first] == "Concat" else next(iter(box.inputs))
        return self.nodes[value].output_shape[0]

    # --- names of classes ---------------------------------------------------------------------

    def _name_classes(self, title: str):
        bases = {}
        for group in self.groups:
            bases.setdefault(self._base_name(group), []).append(group)
        taken = {title, "PadChannels", "F"}
        for base, groups in bases.items():
            if len(groups) == 1:
                names = [base]
            elif len(groups) == 2 and self._extra(*groups) is not None:
                small, extra = self._extra(*groups)
                names = [base if g is small else base + extra for g in groups]
            else:
                names = [base + (chr(ord("A") + k) if len(groups) <= 26 else str(k + 1))
                         for k in range(len(groups))]
            for group, name in zip(groups, names):
                n, candidate = 2, name
                while candidate in taken or keyword.iskeyword(candidate) or \
                        hasattr(builtins, candidate):
                    candidate, n = f"{name}{n}", n + 1
                taken.add(candidate)
                group.name = candidate

    def _extra(self, one: _Group, two: _Group):
        """``(the group with fewer children, CamelCase of the other's extra ones)`` when one's
        children are the other's plus one or two."""
        a, b = (set(self._module_names(g.boxes[0])) for g in (one, two))
        if a < b or b < a:
            small, extra = (one, b - a) if a < b else (two, a - b)
            if len(extra) <= 2:
                return small, "".join(_camel(e) for e in sorted(extra))
        return None

    def _module_names(self, box: _Box) -> list[str]:
        return [local for local, child in box.children.items() if self._has_module(child)]

    def _base_name(self, group: _Group) -> str:
        box = group.boxes[0]
        leaves = [c for c in box.children.values() if isinstance(c, int)]
        modules = [c for c in leaves if self.kind[c] in _MODULES]
        if len(modules) == len(box.children) and 2 <= len(modules) <= 3:
            return "".join(_SHORT.get(self.kind[c], self.kind[c]) for c in modules)
        stems = Counter()
        for b in group.boxes:
            if not b.local.isdigit():
                stem = re.sub(r"(?:_?[0-9]+[a-z]?)+$", "", b.local) or b.local
                stems[_camel(stem)] += 1
        if stems:
            return stems.most_common(1)[0][0]
        kinds = {self.kind[c] for c in leaves}
        if "Add" in kinds:
            return "Residual"
        if "Concat" in kinds:    # joining its input to what it computes: a dense layer
            dense = any(self.kind[c] == "Concat" and set(self.reads[c]) & set(box.inputs)
                        for c in leaves)
            return "DenseLayer" if dense else "Concat"
        return "Block"

    # --- writing ------------------------------------------------------------------------------

    def _expr(self, item, subs):
        """The constructor expression of a box or node, its slots taking ``subs`` in turn."""
        if isinstance(item, int):
            layer = self.nodes[item].layer
            written, slots = call_slots(type(layer))
            args = []
            for (param, how, default), (is_param, text) in zip(slots, (next(subs)
                                                                        for _ in slots)):
                if how == "position":
                    args.append(text)
                elif how == "keyword" or is_param or text != default:
                    args.append(f"{param}={text}")
            return _E(("nn." if written in _NN else "") + written, "(", args, ")")
        if item.form == "class":
            args = []
            for name, default, _, _ in item.group.params:
                is_param, text = next(subs)
                if default is None:
                    args.append(text)
                elif is_param or text != default:
                    args.append(f"{name}={text}")
            return _E(item.group.name, "(", args, ")")
        if item.form == "seq":     # equal neighbours are written once, starred
            exprs, last = [], None
            for element in item.elements:
                if isinstance(element, tuple):
                    call, stepped = self._stepped_call(element[0], element[1], subs)
                    exprs.append(f"*({call} for {'i' if stepped else '_'} in range({call.count}))")
                    last = None
                    continue
                key, values = self.template[element]
                chunk = tuple(islice(subs, len(values)))
                if last is not None and last[0] == key and last[1] == chunk:
                    last[2] += 1
                    continue
                last = [key, chunk, 1, self._expr(element, iter(chunk))]
                exprs.append(last)
            return _E("nn.Sequential", "(", _counted(exprs), ")")
        parts = [(local, self._expr(child, subs)) for local, child in item.children.items()
                 if self._has_module(child)]
        if item.style == "list":
            return _E("nn.ModuleList", "([", _runs([e for _, e in parts]), "])")
        return _E("nn.ModuleDict", "({", [
            f"{_quote(local)}: {e}" if isinstance(e, str) else
            e.wrapped(f"{_quote(local)}: ", "") for local, e in parts], "})")

    @staticmethod
    def _stepped_call(group: _Group, shape: tuple, subs):
        """``(the call of the i-th block, whether it depends on i)`` for blocks built in a
        loop; the call's ``count`` is how many."""
        count = next(subs)[1]
        args, stepped = [], False
        for (name, default, _, _), how in zip(group.params, shape):
            if how == "step":
                (_, start), (_, step) = next(subs), next(subs)
                expr = f"{start} + i * {step}" if start != "0" else f"i * {step}"
                is_param = stepped = True
            else:
                is_param, expr = next(subs)
            if default is None:
                args.append(expr)
            elif is_param or expr != default:
                args.append(f"{name}={expr}")
        call = _Call(f"{group.name}({', '.join(args)})")
        call.count = count
        return call, stepped

    def _init(self, box: _Box, subs) -> list[str]:
        """The body of ``box``'s ``__init__``."""
        subs = iter(subs)
        parts = [(local, child, self._expr(child, subs))
                 for local, child in box.children.items() if self._has_module(child)]
        if box.style == "list":
            exprs = _runs([e for _, _, e in parts])
            if not exprs:
                return ["        super().__init__()"]
            lines = ["        super().__init__(["]
            for e in exprs:
                lines += _layout(e, 12, ",")
            return lines + ["        ])"]
        lines = ["        super().__init__()"]
        for local, child, e in parts:
            target = f"self{self._token(box, local)}"
            lines += _layout(e.wrapped(f"{target} = ", "") if isinstance(e, _E)
                             else f"{target} = {e}", 8)
        return lines

    def _body(self, lines, comments: bool) -> list[str]:
        out = []
        for code, node in lines:
            note = f"  # {_shape(self.nodes[node].output_shape)}" if comments and \
                node is not None else ""
            out.append(f"        {code}{note}")
        return out

    def _class(self, group: _Group) -> list[str]:
        box = group.boxes[0]
        base = {"list": "nn.ModuleList", "attr": "nn.Module", "dict": "nn.ModuleDict"}[box.style]
        paths = [_text(b.path()) for b in group.boxes]
        shown = 1
        while shown < len(paths) and len(", ".join(paths[:shown + 1])) < 60:
            shown += 1
        where = "At " + ", ".join(paths[:shown]) + (f" and {len(paths) - shown} more"
                                                    if shown < len(paths) else "")
        params = ["self"] + [name if default is None else f"{name}={default}"
                             for name, default, _, _ in group.params]
        single = len(group.boxes) == 1
        signature = "*xs" if box.variadic else box.signature
        lines = ["", "", f"class {group.name}({base}):", f'    """{where}."""', "",
                 *_layout(_E("def __init__", "(", params, "):"), 4)]
        if box.loop is not None:
            return lines + self._loop_class(box, group)
        lines += [*self._init(box, group.subs),
                  "", f"    def forward(self, {signature}):"]
        body = [("x = torch.cat(xs, 1)", None)] if box.variadic else []
        return lines + self._body(body + box.lines, single)

    def _loop_class(self, box: _Box, group: _Group) -> list[str]:
        """``__init__``'s body and ``forward`` of a class that builds its blocks in a loop."""
        _, style, stem, first, _, pattern, shape = box.loop[0]
        inner = next(c for c in box.children.values() if isinstance(c, _Box)).group
        block, _ = self._stepped_call(inner, shape, iter(group.subs))
        count = block.count
        index = "{i}" if first == 0 else f"{{i + {first}}}"
        add = f'self.add_module(f"{stem}{index}", {block})' if style == "attr" else \
            f"self.append({block})"
        layers = "self.children()" if style == "attr" else "self"
        lines = ["        super().__init__()", f"        for i in range({count}):",
                 f"            {add}", "", "    def forward(self, x):"]
        if pattern == "dense":
            return lines + ["        features = [x]", f"        for layer in {layers}:",
                            "            features.append(layer(*features))",
                            "        return torch.cat(features, 1)"]
        return lines + [f"        for layer in {layers}:", "            x = layer(x)",
                        "        return x"]

    def code(self, title: str, latent: bool) -> str:
        self._prepare()
        self._name_classes(title)
        root, network = self.root, self.network
        uses_pad = any(k == "PadChannels" for k in self.kind)
        lines = ["import torch", "from torch import nn"]
        if uses_pad:
            lines += ["from torch.nn import functional as F", _PAD_CHANNELS.rstrip("\n")]
        for group in self.groups:
            lines += self._class(group)
        _, values = self._children(root)
        subs = [(False, v) for v in values]
        params = sum(n.layer.params for n in self.nodes)
        doc = (f'    """{_text(network.name)}, written by calc: input '
               f"{_shape(network.input_shape)}, output {_shape(network.output_shape)}, "
               f"{numbers.grouped(params)} parameters."
               + ("\n\n    Auxiliary branches are built (their parameters count) but forward "
                  "returns the\n    main output only, as torchvision's models do in eval mode."
                  if network.auxiliary() else "") + '\n    """')
        flat_latent = latent and network.input_shape[1:] == (1, 1)
        prelude = ["        if x.dim() == 2:  # a flat latent vector, N x Z",
                   "            x = x[:, :, None, None]"] if flat_latent else []
        if root.form == "seq":
            base = "nn.Sequential"
            init = ["        super().__init__("]
            it = iter(subs)
            for child in root.children.values():
                value = child if isinstance(child, int) else child.output
                init += _layout(self._expr(child, it), 12, ",",
                                _shape(self.nodes[value].output_shape))
            init.append("        )")
            forward = ["", f"    def forward(self, x):  # {_shape(network.input_shape)}",
                       *prelude, "        return super().forward(x)"] if prelude else []
        else:
            base = {"list": "nn.ModuleList", "attr": "nn.Module",
                    "dict": "nn.ModuleDict"}[root.style]
            init = self._init(root, subs)
            _, body = self._forward(root)
            forward = ["", f"    def forward(self, x):  # {_shape(network.input_shape)}",
                       *prelude, *self._body(body, True)]
        lines += ["", "", f"class {title}({base}):", doc, "",
                  "    def __init__(self):", *init, *forward, ""]
        return "\n".join(lines)


def _camel(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Block"
    return name if name[0].isalpha() else "Block" + name
