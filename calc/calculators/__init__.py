"""Calculator modules; importing this package registers each with :mod:`calc.web`."""

# one line per module: from . import NAME  # noqa: F401
from . import arithmetic  # noqa: E402,F401
from . import solvers  # noqa: E402,F401
from . import network  # noqa: E402,F401
