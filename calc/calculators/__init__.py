"""The calculators of the site, and :data:`CALCULATORS`, the one registry the build and the
browser share.

A calculator module defines :class:`~calc.calculators.spec.Calculator` constants and
imports nothing above it; this package lists them, so the registry is built in one place,
in one order, with no import side effects.
"""

from __future__ import annotations

from . import families
from .arithmetic import CONV_OUTPUT, CONV_TRANSPOSE_OUTPUT, POOL_OUTPUT
from .designer import DESIGNER
from .generator import GENERATOR
from .inception_module import INCEPTION_MODULE
from .network import NETWORK_SUMMARY
from .solvers import INVERSE_SOLVER, PADDING_SOLVER
from .spec import Calculator, Field, parse_params


def _registry(*calculators: Calculator) -> dict[str, Calculator]:
    registry = {}
    for calculator in calculators:
        if calculator.id in registry:
            raise RuntimeError(f"calculator {calculator.id!r} is listed twice")
        registry[calculator.id] = calculator
    return registry


CALCULATORS: dict[str, Calculator] = _registry(
    CONV_OUTPUT, POOL_OUTPUT, CONV_TRANSPOSE_OUTPUT, PADDING_SOLVER, INVERSE_SOLVER,
    NETWORK_SUMMARY, INCEPTION_MODULE, DESIGNER, GENERATOR, *families.CALCULATORS,
)

__all__ = ["CALCULATORS", "Calculator", "Field", "parse_params"]
