"""The zoo's registry: named presets and parametric families (``wrn_40_4``).

Every builder is called as ``builder(input_shape=..., num_classes=..., **family_args)``
and returns a :class:`~calc.network.Network`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..errors import CalcError
from ..network import Network

_PRESETS: dict[str, Callable[..., Network]] = {}


@dataclass(frozen=True)
class Family:
    """A parametric family: ``pattern`` matches a name, ``parse`` turns the match into builder kwargs."""
    pattern: re.Pattern
    builder: Callable[..., Network]
    parse: Callable[[re.Match], dict]
    example: str
    description: str


_FAMILIES: list[Family] = []


def register(name: str):
    """Decorator: register a zero-argument preset builder under ``name``."""
    def wrap(fn):
        if name in _PRESETS:
            raise RuntimeError(f"model {name!r} registered twice")
        _PRESETS[name] = fn
        return fn
    return wrap


def register_family(pattern: str, builder, parse, example: str, description: str) -> None:
    """Register names matching ``pattern`` (a full-match regex), e.g. ``wrn_(\\d+)_(\\d+)``."""
    _FAMILIES.append(Family(re.compile(pattern), builder, parse, example, description))


def list_models() -> list[str]:
    """Names of the presets, sorted."""
    return sorted(_PRESETS)


def families() -> list[Family]:
    return list(_FAMILIES)


def get_model(name: str, **kwargs) -> Network:
    """Build a model by name: a preset, or any member of a family (``densenet_bc_190_40``).

    ``kwargs`` go to the builder (``input_shape``, ``num_classes``, ...).
    """
    if not isinstance(name, str) or not name:
        raise CalcError("model name must be a non-empty string")
    if name in _PRESETS:
        return _PRESETS[name](**kwargs)
    for family in _FAMILIES:
        match = family.pattern.fullmatch(name)
        if match:
            return family.builder(**family.parse(match), **kwargs)
    known = ", ".join(list_models()[:8])
    raise CalcError(f"model must be a known name or family member, got {name[:40]!r} "
                    f"(e.g. {known}, ...; see `python -m calc models`)")
