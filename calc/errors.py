"""The one exception type for invalid input.

Every impossible request raises :class:`CalcError` with a message that names the
field and the rule, e.g. ``stride must be >= 1, got 0``. It subclasses
``ValueError`` so callers that already catch that keep working.
"""


class CalcError(ValueError):
    """Invalid input: the message names the field and the rule it breaks."""
