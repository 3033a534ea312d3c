"""``{{= EXPR }}``: a number in the prose, computed by calc at build time.

``EXPR`` is one Python expression evaluated in a namespace holding every public
function of :mod:`calc.arithmetic`, ``get_model`` and ``list_models``,
``summarize`` and the formatters ``grouped``, ``si``, ``nbytes``, ``shape``,
``pair``, plus ``row(model, node, **kw)``, one row of a zoo model's summary.
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


@functools.cache
def namespace() -> dict:
    from calc import arithmetic
    from calc.models import get_model, list_models
    from calc.render.numbers import grouped, nbytes, pair, shape, si
    from calc.summary import summarize

    ns = {name: obj for name, obj in vars(arithmetic).items()
          if not name.startswith("_") and inspect.isfunction(obj)
          and obj.__module__ == arithmetic.__name__}
    ns.update(get_model=get_model, list_models=list_models, summarize=summarize,
              grouped=grouped, si=si, nbytes=nbytes, shape=shape, pair=pair, row=row)
    return ns


def row(model: str, node: str, **kw):
    """The summary row of node ``node`` of zoo model ``model`` (``kw`` go to ``get_model``)."""
    from calc.models import get_model
    from calc.summary import summarize
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
                return str(eval(m["expr"], namespace()))  # noqa: S307 (our own pages, at build time)
            except Exception as err:
                raise PluginError(f"{where}:{n + first_line - 1}: {{{{= {m['expr']} }}}} failed: "
                                  f"{type(err).__name__}: {err}") from err
        lines[n - 1] = SHORTCODE.sub(evaluate, line)
    return "\n".join(lines)


def on_page_markdown(markdown, page, **kwargs):
    raw = page.file.content_string
    return expand(markdown, page.file.src_uri, front_matter_lines(raw, markdown) + 1)
