"""The calculators of the site, and :data:`CALCULATORS`, the one registry the build and the
browser share.

A calculator module defines :class:`~calc.calculators.spec.Calculator` constants, lists them
as its ``CALCULATORS`` and imports nothing above it. This package says which module holds
which calculator, in one place and one order; a module is imported when one of its
calculators is first asked for. The browser's worker imports what the page in front of it
needs, not the zoo and the designer for a page of size formulas (imports are most of the
runtime's start-up after Pyodide's own).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, MutableMapping

from .spec import Calculator, Field, parse_params

# module (under calc.calculators) -> the ids of the calculators it defines, in registry order
MODULES: dict[str, tuple[str, ...]] = {
    "arithmetic": ("conv-output", "pool-output", "conv-transpose-output"),
    "solvers": ("padding-solver", "inverse-solver"),
    "network": ("network-summary",),
    "inception_module": ("inception-module",),
    "designer": ("designer",),
    "generator": ("generator",),
    "families": ("alexnet", "vgg", "googlenet", "inception-v3", "resnet", "densenet",
                 "cifar-resnet", "wrn", "preact-resnet", "cifar-densenet"),
}


class Registry(MutableMapping):
    """id -> :class:`Calculator`; the id's module is imported on first use, and must define
    exactly the calculators :data:`MODULES` lists for it (else RuntimeError: a registry that
    lies fails loudly, at the build)."""

    def __init__(self, modules: dict[str, tuple[str, ...]]):
        self._module: dict[str, str | None] = {}
        for module, ids in modules.items():
            for calc_id in ids:
                if calc_id in self._module:
                    raise RuntimeError(f"calculator {calc_id!r} is listed twice")
                self._module[calc_id] = module
        self._loaded: dict[str, Calculator] = {}

    def _load(self, module: str) -> None:
        defined = importlib.import_module(f"{__name__}.{module}").CALCULATORS
        listed = [i for i, m in self._module.items() if m == module]
        if [c.id for c in defined] != listed:
            raise RuntimeError(f"calc.calculators.{module} defines "
                               f"{[c.id for c in defined]}, MODULES lists {listed}")
        self._loaded.update((c.id, c) for c in defined)

    def __getitem__(self, calc_id: str) -> Calculator:
        if calc_id not in self._loaded:
            self._load(self._module[calc_id])   # KeyError for an unknown id
        return self._loaded[calc_id]

    def __setitem__(self, calc_id: str, calculator: Calculator) -> None:
        self._module[calc_id] = None   # registered by hand (a test's calculator)
        self._loaded[calc_id] = calculator

    def __delitem__(self, calc_id: str) -> None:
        del self._module[calc_id]
        self._loaded.pop(calc_id, None)

    def __contains__(self, calc_id) -> bool:
        return calc_id in self._module

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._module))

    def __len__(self) -> int:
        return len(self._module)

    def load(self, ids: Iterable[str]) -> None:
        """Import the modules of ``ids`` now (the known ones; others are ignored)."""
        for calc_id in ids:
            if calc_id in self._module:
                self[calc_id]


CALCULATORS = Registry(MODULES)

__all__ = ["CALCULATORS", "MODULES", "Calculator", "Field", "Registry", "parse_params"]
