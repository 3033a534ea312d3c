"""``{{= EXPR }}``: a number in the prose, computed by calc at build time.

``EXPR`` is one Python expression evaluated in a namespace holding every public
function of :mod:`calc.arithmetic`, ``get_model`` and ``list_models`` (every zoo preset,
family and family member), ``summarize`` and the formatters ``grouped``, ``si``,
``nbytes``, ``shape``, ``pair``, plus ``row(model, node, **kw)``, one row of a zoo model's
summary, ``check(network)`` (the design checks' findings), the generator designer's
``plan_sizes(height, width)`` and ``design(latent, output, channels=None)``
(:mod:`calc.generator`), ``transpose_taps(size, kernel_size, ...)`` (the taps per output
of a transposed convolution, :mod:`calc.coverage`), and a few
pure builtins (``sum``, ``len``, ``round``, ``min``, ``max``, ...); no other builtin
(``__import__``, ``open``, ``getattr``) is reachable. ``get_model``, ``summarize`` and
``design`` are memoised for the build: a page that asks for one model's numbers ten times
builds and summarises it once.
``str()`` of the result replaces the shortcode, e.g.
``{{= si(summarize(get_model("resnet50")).macs) }}MACs`` -> ``4.089 GMACs``,
``{{= row("vgg16", "features.2").macs }}`` -> ``1849688064``.

Shortcodes inside fenced code blocks are left as written. An expression that
fails stops the build with the page, the line and the error.
"""

from __future__ import annotations

import functools
import inspect
import re

from mkdocs.exceptions import PluginError

from _fences import fenced_lines, front_matter_lines

SHORTCODE = re.compile(r"\{\{=\s*(?P<expr>.*?)\s*\}\}")


SAFE_BUILTINS = ("abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float",
                 "frozenset", "int", "len", "list", "map", "max", "min", "next", "range",
                 "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip")


def _key(value):
    """A hashable stand-in for a keyword argument (lists become tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    return value


@functools.cache
def _model(name: str, kwargs: tuple):
    from calc.models import get_model
    return get_model(name, **dict(kwargs))


def get_model(name, **kwargs):
    """calc.models.get_model, memoised: the same arguments give the same network object."""
    return _model(name, tuple(sorted((k, _key(v)) for k, v in kwargs.items())))


@functools.cache
def _design(latent, output: tuple, channels):
    from calc.generator import design as plan
    return plan(latent, output, channels)


def design(latent, output, channels=None):
    """calc.generator.design, memoised: the same arguments give the same Design object."""
    return _design(_key(latent), _key(output), None if channels is None else _key(channels))


_SUMMARIES: dict = {}


def summarize(network):
    """calc.summary.summarize, memoised on the network object (kept alive by _model's cache)."""
    from calc.summary import summarize as measure
    key = id(network)
    if key not in _SUMMARIES or _SUMMARIES[key][0] is not network:
        _SUMMARIES[key] = (network, measure(network))
    return _SUMMARIES[key][1]


@functools.cache
def namespace() -> dict:
    import builtins

    from calc import arithmetic
    from calc.checks import check
    from calc.coverage import transpose_taps
    from calc.generator import plan_sizes
    from calc.models import list_models
    from calc.render.numbers import grouped, nbytes, pair, shape, si

    ns = {name: obj for name, obj in vars(arithmetic).items()
          if not name.startswith("_") and inspect.isfunction(obj)
          and obj.__module__ == arithmetic.__name__}
    ns.update(get_model=get_model, list_models=list_models, summarize=summarize,
              grouped=grouped, si=si, nbytes=nbytes, shape=shape, pair=pair, row=row,
              check=check, plan_sizes=plan_sizes, design=design,
              transpose_taps=transpose_taps)
    ns["__builtins__"] = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
    return ns


def row(model: str, node: str, **kw):
    """The summary row of node ``node`` of zoo model ``model`` (``kw`` go to ``get_model``)."""
    for r in summarize(get_model(model, **kw)).rows:
        if r.name == node:
            return r
    raise KeyError(f"{model} has no node {node!r}")


def expand(markdown: str, where: str, first_line: int = 1) -> str:
    """Replace every shortcode outside fenced blocks; ``where`` names the page in errors."""
    skip = fenced_lines(markdown)
    lines = markdown.split("\n")
    for n, line in enumerate(lines, start=1):
        if n in skip or "{{=" not in line:
            continue

        def evaluate(m, n=n):
            try:
                # a fresh copy: an assignment expression cannot leak into the next one
                return str(eval(m["expr"], dict(namespace())))  # noqa: S307 (no builtins but pure ones)
            except Exception as err:
                raise PluginError(f"{where}:{n + first_line - 1}: {{{{= {m['expr']} }}}} failed: "
                                  f"{type(err).__name__}: {err}") from err
        lines[n - 1] = SHORTCODE.sub(evaluate, line)
        if "{{=" in lines[n - 1]:
            raise PluginError(f"{where}:{n + first_line - 1}: '{{{{=' without '}}}}' on the same "
                              "line: a shortcode must open and close on one line")
    return "\n".join(lines)


def on_page_markdown(markdown, page, **kwargs):
    raw = page.file.content_string
    return expand(markdown, page.file.src_uri, front_matter_lines(raw, markdown) + 1)
