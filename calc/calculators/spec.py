"""What a calculator is: its fields (named as PyTorch names the argument) and a compute function.

:func:`parse_params` turns the raw values a form submits (strings, numbers, booleans) into
typed, validated values with :mod:`calc.validate`'s rules, so a page and the CLI read a
number the same way. Rendering the form is :mod:`calc.render.form`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import validate
from ..errors import CalcError

INT_LIMIT = 1 << 20     # bound of an int field that states none


@dataclass(frozen=True)
class Field:
    """One input of a calculator.

    ``kind`` is ``int``, ``bool``, ``choice``, ``ints`` (a list such as ``3,4,6,3``),
    ``float`` (a decimal between ``minimum`` and ``maximum``), ``text`` (many lines, such as
    a network description) or ``name`` (a Python identifier, or empty). An ``int`` field with
    ``pair=True`` has a height and a width input (``name`` and ``name_w``); the width is used
    only when the form's ``per_axis`` box is ticked, and the value is then ``(h, w)``.
    """
    name: str
    label: str
    kind: str = "int"
    default: object = 0
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple = ()
    help: str = ""
    pair: bool = False
    optional: bool = False      # an empty value is None (the calculator's own choice)


@dataclass(frozen=True)
class Calculator:
    id: str
    title: str
    fields: tuple[Field, ...]
    compute: Callable[[dict], str]
    description: str = ""
    # name -> a text written only when the reader asks (opens it, downloads it), from the
    # same validated values as compute: the designer's PyTorch code. The result holds an
    # element ``data-calc-text="<name>"`` (with ``data-calc-part``) that calc.js fills.
    parts: dict[str, Callable[[dict], str]] = field(default_factory=dict, compare=False)
    # The result of a live edit where it is not compute's (which pre-renders the page, for a
    # reader without scripts): the designer leaves its collapsed layer table to a part.
    live: Callable[[dict], str] | None = field(default=None, compare=False)

    @property
    def has_pairs(self) -> bool:
        return any(f.pair for f in self.fields)

    def field_names(self) -> set[str]:
        """Every name the form submits: fields, their ``_w`` halves, ``per_axis``."""
        names = {f.name for f in self.fields} | {f.name + "_w" for f in self.fields if f.pair}
        return names | {"per_axis"} if self.has_pairs else names


def _bounded(f: Field, value, name: str):
    low = f.minimum if f.minimum is not None else -INT_LIMIT
    high = f.maximum if f.maximum is not None else INT_LIMIT
    if value < low:
        raise CalcError(f"{name} must be >= {low}, got {value}")
    if value > high:
        raise CalcError(f"{name} must be <= {high}, got {value}")
    return value


def _int(f: Field, raw, name: str) -> int:
    if isinstance(raw, str):
        value = validate.parse_int(name, raw)
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool) and len(str(abs(raw))) <= \
            validate.MAX_DIGITS:
        value = raw
    else:
        raise CalcError(f"{name} must be a whole number, got {validate.shown(raw)}")
    return _bounded(f, value, name)


def _float(f: Field, raw, name: str) -> float:
    if isinstance(raw, str):
        value = validate.parse_float(name, raw)
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw == raw \
            and abs(raw) != float("inf"):
        value = float(raw)
    else:
        raise CalcError(f"{name} must be a number, got {validate.shown(raw)}")
    return _bounded(f, value, name)


def _ints(f: Field, raw, name: str) -> tuple[int, ...]:
    values = validate.parse_int_list(name, raw)
    return tuple(_int(f, v, f"{name}[{i}]") for i, v in enumerate(values))


def _choice(f: Field, raw, name: str):
    return validate.choice(name, raw, f.choices)


MAX_TEXT = 1 << 20   # characters of a text field (the description's own limit is checked later)


def _text(f: Field, raw, name: str) -> str:
    if not isinstance(raw, str):
        raise CalcError(f"{name} must be text, got {validate.shown(raw)}")
    if len(raw) > MAX_TEXT:
        raise CalcError(f"{name} must be at most {MAX_TEXT:,} characters, got {len(raw):,}")
    return raw.replace("\r\n", "\n")


def _name(f: Field, raw, name: str) -> str:
    text = _text(f, raw, name).strip()
    if text and (len(text) > 80 or not text.isidentifier() or not text.isascii()):
        raise CalcError(f"{name} must be a Python identifier such as Net, got "
                        f"{validate.shown(text)}")
    return text


_PARSERS = {"int": _int, "float": _float, "ints": _ints, "choice": _choice, "text": _text,
            "name": _name,
            "bool": lambda f, raw, name: validate.parse_bool(name, raw)}


def parse_params(calculator: Calculator, raw: dict) -> dict:
    """Validate raw form values (strings, numbers, booleans) into typed values.

    Missing fields take their defaults; unknown keys are ignored. Raises
    :class:`CalcError` naming the field and the rule.
    """
    if not isinstance(raw, dict):
        raise CalcError("parameters must be an object of field values")
    per_axis = (validate.parse_bool("per_axis", raw.get("per_axis", False))
                if calculator.has_pairs else False)
    values = {}
    for f in calculator.fields:
        value = raw.get(f.name, f.default)
        if f.optional and (value is None or isinstance(value, str) and not value.strip()):
            values[f.name] = None
            continue
        parse = _PARSERS.get(f.kind)
        if parse is None:
            raise RuntimeError(f"unknown field kind {f.kind!r}")
        if f.pair:
            h = parse(f, value, f.name)
            w = parse(f, raw.get(f.name + "_w", value), f.name + "_w") if per_axis else h
            values[f.name] = (h, w)
        else:
            values[f.name] = parse(f, value, f.name)
    if calculator.has_pairs:
        values["per_axis"] = per_axis
    return values
