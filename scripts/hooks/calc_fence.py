"""The ```calc fence: a calculator placed in a page, pre-rendered at build time.

    ```calc
    id: conv-output
    size: 224          # or [224, 192] for (height, width)
    kernel_size: 7
    ```

Each ``key: value`` line is a default of the form; values are whole numbers,
``true``/``false``, ``[h, w]`` pairs, or text (quotes optional). The fence
becomes :func:`calc.web.render_calculator`'s HTML: the form plus the result for
those defaults, the same HTML the browser's worker produces later.

An unknown id, an unknown field or a value the calculator refuses stops the
build with the page and the fence's line. pymdownx.superfences drops ordinary
exceptions raised by a formatter (the fence would stay as raw text), so the
error type here is also a ``SuperFencesException``, which it re-raises.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from _fences import fences

LANGUAGE = "calc"
_INT = re.compile(r"^[+-]?\d+$")
_PAIR = re.compile(r"^\[\s*([+-]?\d+)\s*,\s*([+-]?\d+)\s*\]$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CalcFenceError(SuperFencesException, PluginError):
    """A bad ```calc fence; the message names the page and the line."""


def parse(body: str) -> dict:
    """``key: value`` lines -> dict (see the module docstring). Raises ``ValueError``."""
    values = {}
    for n, line in enumerate(body.splitlines(), start=1):
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith("#"):
            continue
        key, sep, raw = (part.strip() for part in text.partition(":"))
        if not sep or not _KEY.match(key):
            raise ValueError(f"line {n} of the fence must be 'key: value', got {line.strip()!r}")
        if key in values:
            raise ValueError(f"{key} is given twice")
        values[key] = _value(raw)
    return values


def _value(raw: str):
    if _INT.match(raw):
        return int(raw)
    if raw in ("true", "false"):
        return raw == "true"
    if pair := _PAIR.match(raw):
        return [int(pair[1]), int(pair[2])]
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


class _Page:
    """The page being converted: pages are converted one at a time, in order."""
    where = "?"
    fences: list = []
    instances: dict = {}   # calculator id -> how many the page has shown so far


def _line_of(src: str) -> str:
    """Line of the page's calc fence whose body is ``src`` (superfences gives no position)."""
    key = [line.strip() for line in src.strip().splitlines()]
    for fence in _Page.fences:
        if [line.strip() for line in fence.body.strip().splitlines()] == key:
            return str(fence.line)
    return "?"


def render(src: str) -> str:
    """HTML of one fence; raises :class:`CalcFenceError` naming the page and the line."""
    from calc import web

    try:
        defaults = parse(src)
        calc_id = defaults.pop("id", None)
        if calc_id is None:
            raise ValueError("id is required (the calculator to show)")
        # the n-th calculator of its id on the page, as calc.js numbers them (its anchor,
        # #calc-<id>-<n>, and its state in the query string, <id>-<n>.<field>)
        _Page.instances[calc_id] = _Page.instances.get(calc_id, 0) + 1
        return web.render_calculator(calc_id, defaults, _Page.instances[calc_id])
    except Exception as err:  # a calculator bug must fail the build too, not leave raw text
        detail = err if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        raise CalcFenceError(f"{_Page.where}:{_line_of(src)}: calc fence: {detail}") from err


def formatter(src="", language="", class_name=None, options=None, md=None, **kwargs):
    return render(src)


def on_config(config, **kwargs):
    """Register the fence with pymdownx.superfences (a formatter cannot be named in YAML
    here: the hooks folder is not an importable package)."""
    if "pymdownx.superfences" not in config.markdown_extensions:
        raise PluginError("calc_fence hook: mkdocs.yml must enable pymdownx.superfences")
    options = config.mdx_configs.setdefault("pymdownx.superfences", {})
    custom = [f for f in options.get("custom_fences", []) if f.get("name") != LANGUAGE]
    custom.append({"name": LANGUAGE, "class": "calc", "format": formatter})
    options["custom_fences"] = custom
    return config


def on_page_markdown(markdown, page, **kwargs):
    _Page.where = page.file.src_uri
    _Page.fences = [f for f in fences(page.file.content_string) if f.language == LANGUAGE]
    _Page.instances = {}
    return markdown
