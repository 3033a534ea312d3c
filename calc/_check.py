"""Validation of user-supplied numbers, shared by every module of the core.

Sizes are capped (``MAX_SIZE``) so that a typo such as ``1e9`` is refused with a
message instead of producing absurd numbers or exhausting memory.
"""

from __future__ import annotations

from .errors import CalcError

MAX_SIZE = 1 << 20          # largest spatial size, kernel, stride, padding or dilation per axis
MAX_CHANNELS = 1 << 20      # largest channel / feature count
MAX_BATCH = 1 << 20


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def integer(name: str, value, minimum: int = 0, maximum: int = MAX_SIZE) -> int:
    """Return ``value`` as an int in [minimum, maximum] or raise CalcError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise CalcError(f"{name} must be an integer, got {_describe(value)}")
    if value < minimum:
        raise CalcError(f"{name} must be >= {minimum}, got {value}")
    if value > maximum:
        raise CalcError(f"{name} must be <= {maximum}, got {value}")
    return value


def pair(name: str, value, minimum: int = 0, maximum: int = MAX_SIZE) -> tuple[int, int]:
    """Return ``value`` (an int or a 2-sequence) as a validated ``(h, w)`` pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise CalcError(f"{name} must be one integer or a pair (h, w), got {_describe(value)}")
        return (integer(f"{name}[0]", value[0], minimum, maximum),
                integer(f"{name}[1]", value[1], minimum, maximum))
    v = integer(name, value, minimum, maximum)
    return (v, v)


def boolean(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    raise CalcError(f"{name} must be true or false, got {_describe(value)}")
