"""Validation of every value a user supplies, shared by the core, the calculators and the CLI.

Two layers, one rule each:

* values (``integer``, ``pair``, ``boolean``, ``probability``, ``choice``, ``int_list``):
  Python objects from a caller, checked against bounds;
* text (``parse_int``, ``parse_bool``, ``parse_float``, ``parse_int_list``, ``parse_dims``):
  what a person typed in a form or on the command line, read with one ASCII rule
  (``[+-]?[0-9]+``: no ``+-3``, no superscript or full-width digits, at most
  :data:`MAX_DIGITS` digits) before it ever reaches ``int()``.

Every failure is a :class:`~calc.errors.CalcError` whose message names the field and
the rule. Sizes are capped (``MAX_SIZE``) so that a typo such as ``1e9`` is refused
instead of producing absurd numbers or exhausting memory.
"""

from __future__ import annotations

import re

from .errors import CalcError

MAX_SIZE = 1 << 20          # largest spatial size, kernel, stride, padding or dilation per axis
MAX_CHANNELS = 1 << 20      # largest channel / feature count
MAX_BATCH = 1 << 20
MAX_DIGITS = 12             # longest whole number read from text
MAX_LIST = 64               # longest list of integers read from text ("3,4,6,3")

_INT_TEXT = re.compile(r"[+-]?[0-9]{1,%d}" % MAX_DIGITS, re.ASCII)
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]{1,%d}(?:\.[0-9]{0,%d})?|\.[0-9]{1,%d})"
                         % (MAX_DIGITS, MAX_DIGITS, MAX_DIGITS), re.ASCII)
TRUE_TEXT = ("true", "on", "1", "yes")
FALSE_TEXT = ("false", "off", "0", "no", "")


def shown(value, limit: int = 24) -> str:
    """``repr`` of a value for an error message, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    return repr(text) if isinstance(value, str) else text


# --- values ----------------------------------------------------------------------------------

def integer(name: str, value, minimum: int = 0, maximum: int = MAX_SIZE) -> int:
    """Return ``value`` as an int in [minimum, maximum] or raise CalcError naming ``name``."""
    if type(value) is int and minimum <= value <= maximum:   # the common case, at once
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise CalcError(f"{name} must be an integer, got {shown(value, 40)}")
    if value < minimum:
        raise CalcError(f"{name} must be >= {minimum}, got {value}")
    if value > maximum:
        raise CalcError(f"{name} must be <= {maximum}, got {value}")
    return value


# (v, v) for the commonest v: a network's many kernels, strides and paddings share them
SQUARE = tuple((v, v) for v in range(8))


def pair(name: str, value, minimum: int = 0, maximum: int = MAX_SIZE) -> tuple[int, int]:
    """Return ``value`` (an int or a 2-sequence) as a validated ``(h, w)`` pair."""
    if type(value) is int and minimum <= value <= maximum:
        return SQUARE[value] if 0 <= value < 8 else (value, value)
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise CalcError(f"{name} must be one integer or a pair (h, w), got {shown(value, 40)}")
        return (integer(f"{name}[0]", value[0], minimum, maximum),
                integer(f"{name}[1]", value[1], minimum, maximum))
    v = integer(name, value, minimum, maximum)
    return (v, v)


def boolean(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    raise CalcError(f"{name} must be true or false, got {shown(value, 40)}")


def probability(name: str, value) -> float:
    """A dropout probability in [0, 1).

    PyTorch accepts ``p = 1``, but such a layer zeroes every activation in training:
    no network here is meant to have one, so calc refuses it, everywhere alike.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise CalcError(f"{name} must be a probability in [0, 1), got {shown(value, 40)}")
    return float(value)


def fraction(name: str, value) -> float:
    """A ratio in (0, 1], such as DenseNet's compression theta."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise CalcError(f"{name} must be a number in (0, 1], got {shown(value, 40)}")
    return float(value)


def choice(name: str, value, choices) -> object:
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(map(str, choices)) if len(choices) <= 8 else \
        f"the {len(choices)} listed options"
    raise CalcError(f"{name} must be one of {listed}; got {shown(value)}")


def int_list(name: str, values, length: int | None = None, minimum: int = 1,
             maximum: int = 1 << 12) -> tuple[int, ...]:
    """A list of integers such as ResNet's ``layers`` (``[3, 4, 6, 3]``)."""
    if not isinstance(values, (list, tuple)) or not values:
        raise CalcError(f"{name} must be a non-empty list of integers, got {shown(values, 40)}")
    if length is not None and len(values) != length:
        raise CalcError(f"{name} must have {length} entries, got {len(values)}")
    if len(values) > MAX_LIST:
        raise CalcError(f"{name} must have at most {MAX_LIST} entries, got {len(values)}")
    return tuple(integer(f"{name}[{i}]", v, minimum, maximum) for i, v in enumerate(values))


# --- text ------------------------------------------------------------------------------------

def parse_int(name: str, text) -> int:
    """An ASCII whole number, ``[+-]?[0-9]{1,12}`` after stripping spaces; '' is "required".

    >>> parse_int("size", " 224 ")
    224
    """
    if not isinstance(text, str):
        raise CalcError(f"{name} must be a whole number, got {shown(text)}")
    stripped = text.strip()
    if not stripped:
        raise CalcError(f"{name} is required")
    if not _INT_TEXT.fullmatch(stripped):
        raise CalcError(f"{name} must be a whole number, got {shown(stripped)}")
    return int(stripped)


def parse_float(name: str, text) -> float:
    """An ASCII decimal number such as ``0.2`` (no exponent, no ``nan``, no ``inf``)."""
    if not isinstance(text, str):
        raise CalcError(f"{name} must be a number, got {shown(text)}")
    stripped = text.strip()
    if not stripped:
        raise CalcError(f"{name} is required")
    if not _FLOAT_TEXT.fullmatch(stripped):
        raise CalcError(f"{name} must be a decimal number such as 0.2, got {shown(stripped)}")
    return float(stripped)


def parse_bool(name: str, raw) -> bool:
    """A form's or a command line's boolean: true/on/1/yes or false/off/0/no/empty."""
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return raw == 1
    if isinstance(raw, str) and raw.strip().lower() in TRUE_TEXT:
        return True
    if isinstance(raw, str) and raw.strip().lower() in FALSE_TEXT:
        return False
    raise CalcError(f"{name} must be true or false, got {shown(raw)}")


def parse_int_list(name: str, text) -> tuple[int, ...]:
    """``"3,4,6,3"`` (commas, spaces or both) -> ``(3, 4, 6, 3)``; values are not bounded here."""
    if isinstance(text, (list, tuple)):
        return tuple(text)
    if not isinstance(text, str):
        raise CalcError(f"{name} must be a list of whole numbers such as 3,4,6,3, "
                        f"got {shown(text)}")
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts:
        raise CalcError(f"{name} is required")
    if len(parts) > MAX_LIST:
        raise CalcError(f"{name} must have at most {MAX_LIST} entries, got {len(parts)}")
    return tuple(parse_int(f"{name}[{i}]", p) for i, p in enumerate(parts))


def parse_dims(name: str, text, counts=(1, 2)):
    """``224`` -> 224, ``224x192`` -> (224, 192), ``3x224x224`` -> (3, 224, 224).

    ``counts`` lists how many numbers are allowed: (1, 2) for a size, (1, 3) for a shape.
    """
    parts = text.lower().split("x") if isinstance(text, str) else []
    want = " or ".join({1: "N", 2: "HxW", 3: "CxHxW"}[c] for c in counts)
    if len(parts) not in counts or not all(_INT_TEXT.fullmatch(p.strip()) for p in parts):
        raise CalcError(f"{name} must be {want} with whole numbers, got {shown(text, 40)}")
    dims = tuple(int(p) for p in parts)
    return dims[0] if len(dims) == 1 else dims
