"""Helpers shared by the papers' own model families (CIFAR ResNet, WRN, CIFAR DenseNet).

The families are parametrised by a depth that must fit the paper's layer-count
formula (ResNet ``6n+2``, WRN ``6n+4``, DenseNet ``3n+4``, DenseNet-BC ``6n+4``);
:func:`blocks_from_depth` inverts that formula or says which rule was broken.
"""

from __future__ import annotations

from .. import validate
from ..errors import CalcError
from ._blocks import MAX_BLOCKS, RELU  # noqa: F401  (re-exported for the families)

CIFAR_SHAPE = (3, 32, 32)

# Largest widening factor / growth rate: keeps channel counts within calc's limits.
MAX_WIDTH_FACTOR = 1024


def blocks_from_depth(depth, per_block: int, extra: int, name: str = "depth") -> int:
    """``n`` such that ``depth == per_block * n + extra`` with ``1 <= n <= MAX_BLOCKS``.

    >>> blocks_from_depth(110, 6, 2)
    18
    """
    low, high = per_block + extra, per_block * MAX_BLOCKS + extra
    depth = validate.integer(name, depth, low, high)
    n, rest = divmod(depth - extra, per_block)
    if rest:
        examples = ", ".join(str(per_block * i + extra) for i in (1, 2, 3))
        raise CalcError(f"{name} must be {per_block}n+{extra} for an integer n >= 1 "
                        f"({examples}, ...), got {depth}")
    return n


def factor(name: str, value) -> int:
    """A widening factor or growth rate: an integer in [1, MAX_WIDTH_FACTOR]."""
    return validate.integer(name, value, 1, MAX_WIDTH_FACTOR)


