"""calc: exact arithmetic of convolutional networks, pure Python (standard library only).

The same code runs in CPython, in the ``python -m calc`` CLI and in the browser
through Pyodide. Start with :mod:`calc.arithmetic` (one-axis sizes),
:mod:`calc.layers`, :mod:`calc.network`, :func:`calc.summary.summarize` and the
zoo in :mod:`calc.models`.
"""

from .errors import CalcError

__all__ = ["CalcError"]
__version__ = "0.1.0"
