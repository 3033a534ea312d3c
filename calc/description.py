"""A network description a person can type: one layer per line, PyTorch's names, parsed safely.

::

    # a small CIFAR net
    input 3x32x32
    conv1 = Conv2d(3, 32, kernel_size=3, padding=1)   # PyTorch's constructor, checked
    ReLU()
    repeat 2:
      LazyConv2d(32, 3, padding=1)     # Lazy*: in_channels comes from the running shape
      BatchNorm2d()                     # an argument that the shape fixes may be left out
      ReLU(inplace=True)
    residual:                           # x + body(x); a `shortcut:` block may follow
      LazyConv2d(32, 3, padding=1)
    MaxPool2d(2)
    concat:                             # branches side by side, concatenated on channels
      branch:
        LazyConv2d(16, 1)
      branch:                           # an empty branch is the block's input itself
    Flatten()
    LazyLinear(10)

* ``input CxHxW`` (or ``input F``) comes first.
* A layer is ``[name =] Layer(arguments) [from a, b, ...]``. Arguments follow the PyTorch
  constructor (positional, then keywords); values are integers, decimals, ``True``,
  ``False``, ``None``, quoted strings and tuples such as ``(1, 7)``. Without a name a layer is
  named by its position, as ``nn.Sequential`` names its children (``3``, ``5.1.0``). Without
  ``from`` its input is the previous layer's output; ``from`` names earlier layers (``input``
  is the network's input): ``Add() from a, b`` sums, ``Concat() from a, b`` concatenates
  channels (``torch.cat(..., 1)``).
* Blocks: ``repeat N:``, ``residual:`` (with an optional ``shortcut:`` after it),
  ``add:`` and ``concat:`` holding ``branch:`` blocks; a block's lines are indented
  deeper than its header.
* ``output NAME`` makes an earlier layer the output (the last layer is, by default); layers
  the output does not depend on are auxiliary branches (training only).
* ``#`` starts a comment.

Parsing never evaluates anything: a small tokenizer reads each line, and every limit
(text length, lines, layers after repetition, nesting depth) is checked before the work
it bounds, so a hostile description ends at once with a message naming the line and the
rule: ``line 7: stride must be >= 1, got 0``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import layers as L
from .errors import CalcError
from .network import Network, NetworkBuilder, Tensor

MAX_TEXT = 1_000_000     # characters of a description
MAX_LINE = 20_000        # characters of one line (a dense block's concat names many layers)
MAX_LINES = 50_000
MAX_NODES = 50_000       # layers after repetition
MAX_DEPTH = 32           # nested blocks
MAX_REPEAT = 10_000
MAX_ARGS = 16
# Reading a line and constructing its layer are pure (text and input shape in, a frozen
# layer out), so a repeat body's lines, and on the designer's next keystroke the lines not
# edited, are read once: bounded caches of lines up to _CACHED characters.
_CACHED = 400            # characters of a line kept
_CACHE_LINES = 4096      # lines kept: at most about 2 MB


# --- what each layer takes: PyTorch's constructor order, and what the shape can fill in -------

@dataclass(frozen=True)
class LayerSpec:
    cls: type
    params: tuple[str, ...]                 # PyTorch's constructor arguments, in order
    inferred: str | None = None             # filled from the input shape when left out
    fixed: dict = field(default_factory=dict)   # PyTorch arguments calc accepts at one value
    lazy: bool = False                      # a Lazy* module: ``inferred`` is not an argument

    def names(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if not (self.lazy and p == self.inferred))


_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
         "bias", "padding_mode")
_CONV_T = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
           "groups", "bias", "dilation", "padding_mode")
_BN = ("num_features", "eps", "momentum", "affine", "track_running_stats")
_ZEROS = {"padding_mode": "zeros"}

SPECS = {
    "Conv2d": LayerSpec(L.Conv2d, _CONV, "in_channels", _ZEROS),
    "LazyConv2d": LayerSpec(L.Conv2d, _CONV, "in_channels", _ZEROS, lazy=True),
    "ConvTranspose2d": LayerSpec(L.ConvTranspose2d, _CONV_T, "in_channels", _ZEROS),
    "LazyConvTranspose2d": LayerSpec(L.ConvTranspose2d, _CONV_T, "in_channels", _ZEROS,
                                     lazy=True),
    "MaxPool2d": LayerSpec(L.MaxPool2d, ("kernel_size", "stride", "padding", "dilation",
                                         "return_indices", "ceil_mode"),
                           fixed={"return_indices": False}),
    "AvgPool2d": LayerSpec(L.AvgPool2d, ("kernel_size", "stride", "padding", "ceil_mode",
                                         "count_include_pad", "divisor_override"),
                           fixed={"divisor_override": None}),
    "AdaptiveAvgPool2d": LayerSpec(L.AdaptiveAvgPool2d, ("output_size",)),
    "AdaptiveMaxPool2d": LayerSpec(L.AdaptiveMaxPool2d, ("output_size", "return_indices"),
                                   fixed={"return_indices": False}),
    "Linear": LayerSpec(L.Linear, ("in_features", "out_features", "bias"), "in_features"),
    "LazyLinear": LayerSpec(L.Linear, ("in_features", "out_features", "bias"), "in_features",
                            lazy=True),
    "BatchNorm2d": LayerSpec(L.BatchNorm2d, _BN, "num_features"),
    "LazyBatchNorm2d": LayerSpec(L.BatchNorm2d, _BN, "num_features", lazy=True),
    "BatchNorm1d": LayerSpec(L.BatchNorm1d, _BN, "num_features"),
    "LazyBatchNorm1d": LayerSpec(L.BatchNorm1d, _BN, "num_features", lazy=True),
    "Unflatten": LayerSpec(L.Unflatten, ("dim", "unflattened_size")),
    "LocalResponseNorm": LayerSpec(L.LocalResponseNorm, ("size", "alpha", "beta", "k")),
    "ReLU": LayerSpec(L.ReLU, ("inplace",)),
    "LeakyReLU": LayerSpec(L.LeakyReLU, ("negative_slope", "inplace")),
    "Tanh": LayerSpec(L.Tanh, ()),
    "Sigmoid": LayerSpec(L.Sigmoid, ()),
    "Dropout": LayerSpec(L.Dropout, ("p", "inplace")),
    "Flatten": LayerSpec(L.Flatten, ("start_dim", "end_dim"), fixed={"end_dim": -1}),
    "Add": LayerSpec(L.Add, ()),
    "Concat": LayerSpec(L.Concat, ("dim",), fixed={"dim": 1}),
    "PadChannels": LayerSpec(L.PadChannels, ("out_channels", "stride")),
}
# The parameter of the input shape that fills ``inferred``: channels, or features.
_INFER_FROM = {"in_channels": 0, "num_features": 0, "in_features": 0}
BLOCKS = ("repeat", "residual", "shortcut", "add", "concat", "branch")
_BOOLS = {"bias", "inplace", "ceil_mode", "affine", "track_running_stats", "count_include_pad",
          "return_indices"}
_FLOATS = {"eps", "momentum", "alpha", "beta", "k", "negative_slope", "p"}


# --- tokens of one line -------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<float>[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+)
    | (?P<int>[+-]?\d+)
    | (?P<string>'[^'\\]{0,200}'|"[^"\\]{0,200}")
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>[(),=])
    )""", re.X | re.ASCII)
_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,199})"
_LAYER = re.compile(rf"(?:(?P<name>{_NAME})\s*=\s*)?(?P<type>[A-Za-z_][A-Za-z0-9_]*)\s*\("
                    r"(?P<args>.*)\)\s*(?:from\s+(?P<refs>.+))?$", re.ASCII)
_HEADER = re.compile(r"(?P<kind>repeat|residual|shortcut|add|concat|branch)(?:\s+(?P<count>\S+))?"
                     r"\s*:$", re.ASCII)
_REFS = re.compile(rf"\s*({_NAME})\s*(?:,|$)", re.ASCII)


class _Line(CalcError):
    """An error on a line: the message is prefixed with ``line N:`` where it is caught."""


def _tokens(text: str):
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if not rest:
                break
            raise _Line(f"cannot read {rest[:20]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def _value(tokens, i):
    """One value at ``tokens[i]``: returns (value, next index)."""
    if i >= len(tokens):
        raise _Line("an argument is missing its value")
    kind, text = tokens[i]
    if kind == "int":
        if len(text.lstrip("+-")) > 12:
            raise _Line(f"{text[:16]}... has more than 12 digits")
        return int(text), i + 1
    if kind == "float":
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise _Line(f"{text[:16]} is not a finite number")
        return value, i + 1
    if kind == "string":
        return text[1:-1], i + 1
    if kind == "name" and text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text], i + 1
    if (kind, text) == ("punct", "("):
        items, i = [], i + 1
        while i < len(tokens) and tokens[i] != ("punct", ")"):
            if len(items) >= 4:
                raise _Line("a tuple holds at most 4 values")
            if tokens[i] == ("punct", "("):
                raise _Line("tuples do not nest")
            item, i = _value(tokens, i)
            items.append(item)
            if i < len(tokens) and tokens[i] == ("punct", ","):
                i += 1
            elif i < len(tokens) and tokens[i] != ("punct", ")"):
                raise _Line("expected ',' or ')' in a tuple")
        if i >= len(tokens):
            raise _Line("a tuple is not closed with ')'")
        return tuple(items), i + 1
    raise _Line(f"expected a value, got {text[:20]!r}")


def _arguments(text: str) -> tuple[list, dict]:
    tokens = _tokens(text)
    positional, keywords, i = [], {}, 0
    while i < len(tokens):
        if len(positional) + len(keywords) >= MAX_ARGS:
            raise _Line(f"at most {MAX_ARGS} arguments")
        if tokens[i][0] == "name" and i + 1 < len(tokens) and tokens[i + 1] == ("punct", "="):
            key = tokens[i][1]
            if key in keywords:
                raise _Line(f"argument {key!r} is given twice")
            keywords[key], i = _value(tokens, i + 2)
        else:
            if keywords:
                raise _Line("a positional argument follows a keyword argument")
            value, i = _value(tokens, i)
            positional.append(value)
        if i < len(tokens):
            if tokens[i] != ("punct", ","):
                raise _Line(f"expected ',' between arguments, got {tokens[i][1][:20]!r}")
            i += 1
    return positional, keywords


# --- lines into a tree of statements ----------------------------------------------------------

@dataclass
class Statement:
    line: int
    kind: str                     # "layer", or a block: repeat, residual, ...; "output"
    text: str = ""
    count: int = 0                # repeat
    children: list = field(default_factory=list)
    size: int = 0                 # layers it builds, repetition included


def _strip_comment(line: str) -> str:
    cut = line.find("#")
    if cut < 0:
        return line
    if "'" not in line and '"' not in line:
        return line[:cut]
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _lines(text: str):
    if not isinstance(text, str):
        raise CalcError("a description must be text")
    if len(text) > MAX_TEXT:
        raise CalcError(f"a description must be at most {MAX_TEXT:,} characters, "
                        f"got {len(text):,}")
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise CalcError(f"a description must have at most {MAX_LINES:,} lines, "
                        f"got {len(lines):,}")
    for n, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE:
            raise CalcError(f"line {n}: a line must be at most {MAX_LINE:,} characters")
        body = _strip_comment(raw).rstrip()
        if not body.strip():
            continue
        if "\t" in body[:len(body) - len(body.lstrip())]:
            raise CalcError(f"line {n}: indent with spaces, not tabs")
        yield n, len(body) - len(body.lstrip(" ")), body.strip()


def _tree(text: str):
    """``(input line, input text, statements)``; blocks hold their indented children."""
    root = Statement(0, "root")
    stack = [(0, root)]                    # (indent of the block's children, block)
    input_line = None
    pending = None                         # (header's indent, block) awaiting its children
    previous = None                        # (line, indent) of the last line read
    for n, indent, body in _lines(text):
        if input_line is None:
            if not re.match(r"input\b", body):
                raise CalcError(f"line {n}: a description starts with 'input CxHxW' "
                                "(e.g. input 3x224x224)")
            if indent:
                raise CalcError(f"line {n}: the input line must not be indented")
            input_line = (n, body[len("input"):].strip())
            previous = (n, indent)
            continue
        if pending is not None:
            header_indent, block = pending
            pending = None
            if indent > header_indent:
                stack.append((indent, block))
            elif block.kind != "branch":   # an empty branch is the block's input itself
                raise CalcError(f"line {block.line}: {block.kind}: needs indented lines "
                                "after it")
        if indent > stack[-1][0]:
            raise CalcError(
                f"line {n}: indented {indent} spaces, deeper than line {previous[0]} "
                f"({previous[1]} spaces), which opens no block: a line is indented deeper "
                "than the one before it only when that one is a block header ('repeat N:', "
                "'residual:', 'shortcut:', 'add:', 'concat:', 'branch:')")
        levels = [str(level) for level, _ in stack]
        while len(stack) > 1 and indent < stack[-1][0]:
            stack.pop()
        if indent != stack[-1][0]:
            shown = " or ".join((", ".join(levels[:-1]), levels[-1])) if len(levels) > 1 \
                else levels[0]
            raise CalcError(
                f"line {n}: indented {indent} spaces, which matches no block it could "
                f"belong to: a line continues a block at that block's indentation ({shown} "
                "spaces here)")
        previous = (n, indent)
        parent = stack[-1][1]
        header = _HEADER.match(body)
        if parent.kind in ("add", "concat") and not (header and header["kind"] == "branch"):
            raise CalcError(f"line {n}: inside {parent.kind}: put layers in branch: blocks")
        if header:
            if len(stack) > MAX_DEPTH:
                raise CalcError(f"line {n}: blocks nest more than {MAX_DEPTH} deep")
            kind = header["kind"]
            statement = Statement(n, kind)
            if kind == "repeat":
                count = header["count"]
                if count is None or not re.fullmatch(r"[0-9]{1,12}", count):
                    raise CalcError(f"line {n}: repeat needs a whole number: 'repeat 3:'")
                statement.count = int(count)
                if not 1 <= statement.count <= MAX_REPEAT:
                    raise CalcError(f"line {n}: repeat must be between 1 and {MAX_REPEAT}, "
                                    f"got {statement.count}")
            elif header["count"] is not None:
                raise CalcError(f"line {n}: {kind} takes no number")
            if kind == "branch" and parent.kind not in ("add", "concat"):
                raise CalcError(f"line {n}: branch: belongs inside add: or concat:")
            if kind == "shortcut" and not (parent.children and
                                           parent.children[-1].kind == "residual"):
                raise CalcError(f"line {n}: shortcut: must follow a residual: block")
            parent.children.append(statement)
            pending = (indent, statement)
            continue
        if re.match(r"output\b", body):
            parent.children.append(Statement(n, "output", body[len("output"):].strip()))
        elif re.match(r"input\b", body):
            raise CalcError(f"line {n}: 'input' is given twice")
        else:
            parent.children.append(Statement(n, "layer", body))
    if input_line is None:
        raise CalcError("a description starts with 'input CxHxW' (e.g. input 3x224x224); "
                        "this one has no line")
    if pending is not None and pending[1].kind != "branch":
        raise CalcError(f"line {pending[1].line}: {pending[1].kind}: needs indented lines "
                        "after it")
    return input_line, root.children


def _size(statements) -> int:
    """Layers the statements build (repetition and the blocks' sums included), bounded."""
    total = 0
    for s in statements:
        inner = _size(s.children) if s.children else 0
        if s.kind == "layer":
            s.size = 1
        elif s.kind == "repeat":
            s.size = s.count * inner
        elif s.kind in ("residual", "add", "concat"):
            s.size = inner + 1
        else:
            s.size = inner
        total += s.size
        if total > MAX_NODES:
            raise CalcError(f"line {s.line}: the description builds more than {MAX_NODES:,} "
                            "layers")
    return total


# --- statements into a network -------------------------------------------------------------------

def _shape_input(text: str, n: int):
    parts = text.lower().split("x")
    if len(parts) not in (1, 3) or not all(re.fullmatch(r"\s*[0-9]{1,9}\s*", p) for p in parts):
        raise CalcError(f"line {n}: input must be CxHxW or F with whole numbers "
                        f"(e.g. input 3x224x224), got {text[:40]!r}")
    return tuple(int(p) for p in parts)


class _Builder:
    def __init__(self, input_shape, line: int):
        try:
            self.g = NetworkBuilder("description", input_shape)
        except CalcError as err:
            raise CalcError(f"line {line}: {err}") from None
        self.tensors = {"input": self.g.input}
        self.lines = {"input": line}     # node -> the line that made it
        self.output = None

    def run(self, statements, x: Tensor, prefix: str = "") -> Tensor:
        index = 0
        i = 0
        while i < len(statements):
            s = statements[i]
            if s.kind == "output":
                if s.text not in self.tensors:
                    raise CalcError(f"line {s.line}: output {s.text[:40]!r} names no layer "
                                    "above it")
                self.output = self.tensors[s.text]
                i += 1
                continue
            if s.kind == "layer":
                x = self.layer(s, x, prefix, index)
            elif s.kind == "repeat":
                for r in range(s.count):
                    x = self.run(s.children, x, f"{prefix}{index}.{r}.")
            elif s.kind == "residual":
                shortcut = statements[i + 1] if i + 1 < len(statements) and \
                    statements[i + 1].kind == "shortcut" else None
                base = f"{prefix}{index}."
                body = self.run(s.children, x, base)
                other = self.run(shortcut.children, x, base + "shortcut.") if shortcut else x
                labels = ("the body's output", "the shortcut's output" if shortcut else
                          "the shortcut (the block's input)")
                hint = "" if shortcut else " (a shortcut: block can give it the body's shape)"
                x = self.merge(s, "add", base + "add", (body, other), labels, hint)
                i += 1 if shortcut else 0
            elif s.kind in ("add", "concat"):
                base = f"{prefix}{index}."
                outs = [self.run(b.children, x, f"{base}{k}.") if b.children else x
                        for k, b in enumerate(s.children)]
                if len(outs) < 2:
                    raise CalcError(f"line {s.line}: {s.kind}: needs at least two branch: "
                                    "blocks")
                labels = tuple(f"branch {k + 1}" + ("" if b.children else " (the block's input)")
                               for k, b in enumerate(s.children))
                x = self.merge(s, s.kind, base + s.kind, tuple(outs), labels)
            index += 1
            i += 1
        return x

    def merge(self, s, kind, name, xs, labels, hint=""):
        """Add or concatenate the block's outputs ``xs``; ``labels`` say what each is."""
        self.check_shapes(s.line, s.kind, kind, xs, labels, hint)
        out = (self.g.add if kind == "add" else self.g.concat)(name, *xs)
        self.tensors[name] = out
        self.lines[name] = s.line
        return out

    def check_shapes(self, line: int, what: str, kind: str, xs, labels, hint: str = ""):
        """One message for the first two of ``xs`` that cannot be added (``kind`` "add": the
        same shape) or concatenated ("concat": the same height and width), naming both."""
        first = xs[0].shape
        for j, other in enumerate(xs[1:], start=1):
            if (other.shape != first if kind == "add" else
                    len(other.shape) != len(first) or other.shape[1:] != first[1:]):
                break
        else:
            return
        rule = ("an add needs one shape" if kind == "add" else
                "a concat joins channels: the heights and widths must match")
        raise CalcError(f"line {line}: {what}: {self.shown(labels[0], xs[0])} but "
                        f"{self.shown(labels[j], xs[j])}; {rule}{hint}")

    def shown(self, label: str, t: Tensor) -> str:
        """``label is 64x16x16 (name, line 7)``, or ``name is ... (line 7)`` without a label."""
        shape, line = "x".join(map(str, t.shape)), self.lines[t.name]
        return f"{label} is {shape} ({t.name}, line {line})" if label else \
            f"{t.name} is {shape} (line {line})"

    def layer(self, s, x: Tensor, prefix: str, index: int) -> Tensor:
        parts = _parts(s.text) if len(s.text) <= _CACHED else _read_layer(s.text)
        if parts is None:
            raise CalcError(f"line {s.line}: expected 'Layer(arguments)', 'name = Layer(...)' "
                            f"or a block such as 'repeat 3:', got {s.text[:40]!r}")
        explicit, type_name, args, refs = parts
        spec = SPECS.get(type_name)
        if spec is None:
            known = ", ".join(sorted(SPECS))
            raise CalcError(f"line {s.line}: unknown layer {type_name[:40]!r}; known: {known}")
        name = prefix + (explicit or str(index))
        if name == "input" or name in self.tensors:
            raise CalcError(f"line {s.line}: the name {name!r} is used twice")
        inputs = self.references(s, refs) if refs else (x,)
        if type_name in ("Add", "Concat") and len(inputs) > 1:
            self.check_shapes(s.line, type_name, type_name.lower(), inputs,
                              ("",) * len(inputs))
        try:
            layer = _layer(type_name, args, inputs[0].shape) if len(args) <= _CACHED else \
                _construct(type_name, args, inputs[0].shape)
            if layer.arity == 0:
                if len(inputs) < 2:
                    raise _Line(f"{type_name} needs 'from' and at least two inputs: "
                                f"{type_name}() from a, b")
                out = (self.g.add if type_name == "Add" else self.g.concat)(name, *inputs)
            else:
                if len(inputs) != 1:
                    raise _Line(f"{type_name} takes one input, 'from' names {len(inputs)}")
                out = self.g.layer(name, layer, inputs[0])
        except CalcError as err:
            message = str(err).removeprefix(f"{name}: ")
            raise CalcError(f"line {s.line}: {message}") from None
        self.tensors[name] = out
        self.lines[name] = s.line
        return out

    def references(self, s, text: str) -> tuple[Tensor, ...]:
        names = [n.strip() for n in text.split(",")]
        if len(names) > 1024:
            raise CalcError(f"line {s.line}: 'from' names at most 1024 layers")
        out = []
        for ref in names:
            if ref not in self.tensors:
                raise CalcError(f"line {s.line}: 'from {ref[:40]}' names no layer above it")
            out.append(self.tensors[ref])
        return tuple(out)


def _read_layer(text: str):
    """``(name or None, type, arguments' text, references' text or None)`` of a layer's
    line; ``None`` when it is no layer."""
    m = _LAYER.match(text)
    return (m["name"], m["type"], m["args"], m["refs"]) if m else None


def _construct(type_name: str, args: str, shape) -> L.Layer:
    """The layer a line's ``Layer(args)`` builds on an input of ``shape``."""
    positional, keywords = _arguments(args)
    return construct(SPECS[type_name], type_name, positional, keywords, shape)


_parts = lru_cache(maxsize=_CACHE_LINES)(_read_layer)
_layer = lru_cache(maxsize=_CACHE_LINES)(_construct)   # a refused layer raises: not kept


def construct(spec: LayerSpec, type_name: str, positional, keywords, shape):
    """The layer ``type_name(*positional, **keywords)`` on an input of ``shape``, the
    arguments that the shape fixes filled in and checked."""
    names = spec.names()
    if len(positional) > len(names):
        raise _Line(f"{type_name} takes at most {len(names)} positional arguments, "
                    f"got {len(positional)}")
    values = dict(zip(names, positional))
    for key, value in keywords.items():
        if key not in spec.params or (spec.lazy and key == spec.inferred):
            raise _Line(f"{type_name} has no argument {key!r}")
        if key in values:
            raise _Line(f"{type_name} got {key!r} twice")
        values[key] = value
    for key, value in values.items():
        if key in _BOOLS and not isinstance(value, bool):
            raise _Line(f"{key} must be True or False, got {value!r:.20}")
        if key in _FLOATS and (isinstance(value, bool) or
                               not isinstance(value, (int, float))):
            raise _Line(f"{key} must be a number, got {value!r:.20}")
    for key, allowed in spec.fixed.items():
        if key in values and values[key] != allowed:
            raise _Line(f"{type_name}: calc supports only {key}={allowed!r}")
        values.pop(key, None)
    flat_needed = spec.inferred == "in_features" or spec.cls is L.BatchNorm1d
    if flat_needed and len(shape) != 1:
        raise _Line(f"{spec.cls.__name__} needs a flat (F,) input, got shape "
                    f"{'x'.join(map(str, shape))}: add a Flatten first")
    if spec.inferred and (len(shape) == 1) == flat_needed:
        have = shape[_INFER_FROM[spec.inferred]]
        if spec.inferred not in values or values[spec.inferred] is None:
            values[spec.inferred] = have
        elif values[spec.inferred] != have:
            raise _Line(f"{type_name} expects {spec.inferred}={values[spec.inferred]}, "
                        f"but its input has {have} ({'x'.join(map(str, shape))})")
    try:
        return spec.cls(**values)
    except TypeError as err:
        missing = re.search(r"argument: '(\w+)'", str(err))
        raise _Line(f"{type_name} needs {missing[1] if missing else 'more arguments'}") \
            from None


def parse(text: str, name: str = "description") -> Network:
    """The network a description describes; :class:`CalcError` names the line and the rule."""
    return parse_with_lines(text, name)[0]


def parse_with_lines(text: str, name: str = "description") -> tuple[Network, dict[str, int]]:
    """:func:`parse`, and the line of the description that made each node."""
    (input_n, input_text), statements = _tree(text)
    _size(statements)
    builder = _Builder(_shape_input(input_text, input_n), input_n)
    try:
        last = builder.run(statements, builder.g.input)
    except _Line as err:   # raised outside a layer's line (should not happen); name no line
        raise CalcError(str(err)) from None
    if last.name == "input":
        raise CalcError("a description needs at least one layer after its input line")
    network = builder.g.build(builder.output or last)
    return Network(name, network.nodes, network.output), builder.lines
