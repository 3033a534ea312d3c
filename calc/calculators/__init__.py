"""Calculator modules; importing this package registers each with :mod:`calc.web`."""

# one line per module: from . import NAME  # noqa: F401
