"""Number formatting shared by the text, HTML and JSON renderers."""

from __future__ import annotations

_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))


def grouped(n: int) -> str:
    """Thousands separated by commas: ``25,557,032``."""
    return f"{n:,}"


def si(n: float, digits: int = 3) -> str:
    """Short form with an SI prefix and ``digits`` decimals: ``4.089 G``, ``61.101 M``, ``512``."""
    for scale, prefix in _UNITS:
        if abs(n) >= scale:
            return f"{n / scale:.{digits}f} {prefix}"
    return f"{n:g}" if isinstance(n, float) else str(n)


def nbytes(n: float) -> str:
    """Bytes in binary units: ``97.5 MiB``."""
    for scale, unit in ((1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


def shape(s) -> str:
    """``3x224x224``."""
    return "x".join(str(d) for d in s)


def pair(p) -> str:
    """``7`` when both axes agree, else ``7x1`` (h x w)."""
    return str(p[0]) if p[0] == p[1] else f"{p[0]}x{p[1]}"
