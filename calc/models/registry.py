"""The zoo's registry: parametric families with their knobs, and named presets.

A :class:`Family` is a builder with named arguments ("knobs", named as torchvision's
constructor names them where torchvision has the class): ``build("resnet", block="bottleneck",
layers=(3, 4, 6, 3), groups=32, width_per_group=4)``. A *preset* is a public builder that
forwards ``**kwargs`` to its family with some knobs fixed, registered under its own function
name, as torchvision writes ``resnet50(**kwargs)``::

    @register
    def resnet50(**kwargs) -> Network:
        return RESNET.member(kwargs, block="bottleneck", layers=(3, 4, 6, 3))

Some families also name their members (``wrn_28_10``, ``densenet_bc_100_12``): a
:class:`MemberName` turns such a name into knob values.

An argument that does not bind (an unknown knob, a fixed knob given another value) is a
:class:`~calc.errors.CalcError` naming it, never a ``TypeError``; a bad value is refused by
the family's builder with the knob's name and the rule.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Callable

from .. import validate
from ..errors import CalcError
from ..network import Network

KINDS = ("int", "ints", "choice", "bool", "probability", "fraction", "shape")


@dataclass(frozen=True)
class Knob:
    """One argument of a family builder.

    ``kind``: ``int``; ``ints`` (a list such as ``3,4,6,3``); ``choice`` (one of
    ``choices``); ``bool``; ``probability`` (a dropout rate in [0, 1)); ``fraction`` (in
    (0, 1]); ``shape`` (``CxHxW``, the input). :meth:`parse` reads the knob from text (a
    command line's ``--set``, a form field) into the Python value the builder takes; the
    builder checks its range.
    """
    name: str
    kind: str
    default: object
    help: str = ""
    choices: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise RuntimeError(f"knob {self.name}: unknown kind {self.kind!r}")

    def parse(self, text):
        """A value from text; values that are not strings pass through to the builder."""
        if not isinstance(text, str):
            return text
        if self.default is None and not text.strip():
            return None     # an optional knob left empty: the builder's own choice
        if self.kind == "int":
            return validate.parse_int(self.name, text)
        if self.kind == "ints":
            return validate.parse_int_list(self.name, text)
        if self.kind == "bool":
            return validate.parse_bool(self.name, text)
        if self.kind in ("probability", "fraction"):
            return validate.parse_float(self.name, text)
        if self.kind == "shape":
            shape = validate.parse_dims(self.name, text, counts=(1, 3))
            return shape if isinstance(shape, tuple) else (shape,)
        return validate.choice(self.name, text.strip(), self.choices)

    def format(self, value) -> str:
        """The value as :meth:`parse` reads it back: ``3,4,6,3``, ``3x224x224``, ``true``."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (tuple, list)):
            return ("x" if self.kind == "shape" else ",").join(map(str, value))
        return str(value)


@dataclass(frozen=True)
class MemberName:
    """Names of family members, e.g. ``wrn_(\\d+)_(\\d+)`` -> depth and widen_factor."""
    pattern: re.Pattern
    parse: Callable[[re.Match], dict]
    example: str
    description: str


@dataclass(frozen=True)
class Family:
    """A parametric family: ``builder(**knobs)`` returns a :class:`~calc.network.Network`."""
    name: str
    builder: Callable[..., Network]
    knobs: tuple[Knob, ...]
    description: str
    source: str = ""
    members: tuple[MemberName, ...] = ()
    model: bool = False    # its defaults are the model of the same name (torchvision's alexnet)

    @property
    def example(self) -> str:
        return self.members[0].example if self.members else ""

    def knob(self, name: str) -> Knob:
        for k in self.knobs:
            if k.name == name:
                return k
        listed = ", ".join(k.name for k in self.knobs)
        raise CalcError(f"{self.name} has no argument {validate.shown(name, 40)}; "
                        f"its arguments are {listed}")

    def defaults(self) -> dict:
        return {k.name: k.default for k in self.knobs}

    def __call__(self, name: str | None = None, **kwargs) -> Network:
        """Build a member: knobs not given take their defaults."""
        for key in kwargs:
            self.knob(key)
        network = self.builder(**{**self.defaults(), **kwargs})
        return _renamed(network, name or self.name)

    def member(self, kwargs: dict, **fixed) -> Network:
        """A preset's body: ``kwargs`` from the caller, ``fixed`` knobs that make the preset.

        A caller may repeat a fixed knob with the same value, never change it (torchvision's
        ``_ovewrite_named_param`` rule).
        """
        for key, value in fixed.items():
            if key in kwargs and _same(kwargs[key]) != _same(value):
                knob = self.knob(key)
                raise CalcError(f"{key} is {knob.format(value)} in this model, got "
                                f"{validate.shown(knob.format(kwargs[key]), 40)}: build the "
                                f"family {self.name!r} to choose it")
        return self(**{**kwargs, **fixed})


def _same(value):
    return tuple(value) if isinstance(value, list) else value


def _renamed(network: Network, name: str) -> Network:
    return network if network.name == name else dataclasses.replace(network, name=name)


_VARKEYWORDS = 0x08   # CO_VARKEYWORDS: the function takes **kwargs (see the inspect module)
_FAMILIES: dict[str, Family] = {}
_PRESETS: dict[str, Callable[..., Network]] = {}
_PRESET_MODULES: dict[str, str] = {}    # preset -> the module that defines it


def register_family(family: Family) -> Family:
    if family.name in _FAMILIES or family.name in _PRESETS:
        raise RuntimeError(f"family {family.name!r} registered twice")
    _FAMILIES[family.name] = family
    return family


def register(fn: Callable[..., Network]) -> Callable[..., Network]:
    """Decorator: a public builder, registered under its function's name, the network's name."""
    name = fn.__name__
    if name in _PRESETS or name in _FAMILIES:
        raise RuntimeError(f"model {name!r} registered twice")

    code = fn.__code__
    takes_any = code.co_flags & _VARKEYWORDS
    accepted = set(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])

    @functools.wraps(fn)
    def builder(**kwargs) -> Network:
        if not takes_any:
            for key in kwargs:
                if key not in accepted:
                    raise CalcError(f"{name} has no argument {validate.shown(key, 40)}; its "
                                    f"arguments are {', '.join(sorted(accepted))}")
        return _renamed(fn(**kwargs), name)

    _PRESETS[name] = builder
    _PRESET_MODULES[name] = fn.__module__
    return builder


def list_models() -> list[str]:
    """Names of the presets, and of the families whose defaults are a named model, sorted."""
    return sorted([*_PRESETS, *(f.name for f in _FAMILIES.values() if f.model)])


def families() -> list[Family]:
    """The parametric families, in the order they were registered."""
    return list(_FAMILIES.values())


def member_names() -> list[MemberName]:
    return [m for f in _FAMILIES.values() for m in f.members]


def get_family(name: str) -> Family:
    """The family ``name`` (``resnet``), of a member name (``wrn_28_10``) or of a preset
    (``resnet50``: the family its module defines)."""
    found = _lookup(name)
    if found is None and name in _PRESET_MODULES:
        found = next(((f, {}) for f in _FAMILIES.values()
                      if f.builder.__module__ == _PRESET_MODULES[name]), None)
    if found is None:
        raise CalcError(f"{validate.shown(name, 40)} is not a family or a member of one; "
                        f"families: {', '.join(_FAMILIES)}")
    return found[0]


def _lookup(name: str):
    """``(family, fixed knobs)`` for a family or member name, else None."""
    if name in _FAMILIES:
        return _FAMILIES[name], {}
    for family in _FAMILIES.values():
        for member in family.members:
            match = member.pattern.fullmatch(name)
            if match:
                return family, member.parse(match)
    return None


def get_model(name: str, **kwargs) -> Network:
    """Build a model by name: a preset (``resnet50``), a family (``resnet``, with its knobs)
    or a family member (``densenet_bc_190_40``). ``kwargs`` are knobs (``input_shape``,
    ``num_classes``, ``drop_rate``, ...)."""
    if not isinstance(name, str) or not name:
        raise CalcError("model name must be a non-empty string")
    if name in _PRESETS:
        return _PRESETS[name](**kwargs)
    found = _lookup(name)
    if found is not None:
        family, fixed = found
        return _renamed(family.member(kwargs, **fixed), name)
    known = ", ".join(list_models()[:8])
    raise CalcError(f"model must be a known name, family or family member, got "
                    f"{validate.shown(name, 40)} (e.g. {known}, ...; see `python -m calc models`)")


build = get_model


def _knob_of(name: str, key: str) -> Knob:
    """The knob ``key`` of the family behind model ``name``. A preset reads its knobs as any
    family reads a knob of that name (a name means one kind everywhere; a test holds it);
    whether the preset takes it is for its builder to say."""
    found = _lookup(name)
    if found is not None:
        return found[0].knob(key)
    if name not in _PRESETS:
        get_model(name)  # raises the unknown-model error
    for family in _FAMILIES.values():
        for knob in family.knobs:
            if knob.name == key:
                return knob
    raise CalcError(f"{name} has no argument {validate.shown(key, 40)}")


def parse_settings(name: str, settings: dict) -> dict:
    """Knob values from text (``{"layers": "2,3,4,2"}``) for model ``name``."""
    return {key: _knob_of(name, key).parse(value) for key, value in settings.items()}


def describe_family(family: Family) -> dict:
    """JSON-ready description: name, description, source, knobs with defaults, member names."""
    return {"name": family.name, "description": family.description, "source": family.source,
            "knobs": [{"name": k.name, "kind": k.kind, "default": k.format(k.default),
                       "help": k.help, **({"choices": list(k.choices)} if k.choices else {})}
                      for k in family.knobs],
            "members": [{"pattern": m.pattern.pattern, "example": m.example,
                         "description": m.description} for m in family.members]}
