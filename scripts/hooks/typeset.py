"""Math typeset at build time: every page's TeX becomes KaTeX's HTML (and MathML).

pymdownx.arithmatex (generic mode) writes ``\\( … \\)`` in ``span.arithmatex`` and
``\\[ … \\]`` in ``div.arithmatex``. Here each is replaced by what KaTeX makes of it
(``scripts/katex.mjs``, the KaTeX pinned in package.json, run on Node), and every page
links KaTeX's stylesheet (its fonts load only where math is shown). So math is right at first paint, without JavaScript, and the
reader downloads no KaTeX script. TeX that KaTeX refuses fails the build, naming the page.

This runs on the finished page (after the search plugin has read the page's text, so the
index holds the TeX, not KaTeX's markup); already typeset expressions are remembered for the
rest of the process, so ``mkdocs serve`` re-typesets only what changed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

SCRIPT = "scripts/katex.mjs"
_MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.S)
_DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}


class _State:
    root: Path | None = None
    stylesheet = ""                   # site-relative path of katex.min.css
    typeset: dict = {}                # (tex, display) -> KaTeX's HTML


def on_config(config, **kwargs):
    _State.root = Path(config.config_file_path).resolve().parent
    pins = json.loads((_State.root / "package.json").read_text())["dependencies"]
    _State.stylesheet = f"assets/vendor/katex-{pins['katex']}/katex.min.css"
    return config


def _tex(tag: str, body: str) -> str:
    opening, closing = _DELIMITERS[tag]
    text = html.unescape(body).strip()
    if not (text.startswith(opening) and text.endswith(closing)):
        raise ValueError(f"math without its {opening} {closing} delimiters: {text[:60]!r}")
    return text[len(opening):-len(closing)].strip()


def typeset(items: list[tuple[str, bool]]) -> dict:
    """KaTeX's HTML for each (tex, display) not typeset before; raises PluginError on TeX that
    KaTeX refuses, quoting it."""
    todo = sorted(set(items) - _State.typeset.keys())
    if todo:
        node = shutil.which("node")
        if node is None:
            raise PluginError("node is not on PATH: the site's math is typeset by KaTeX on Node "
                              f"({SCRIPT}). Install Node.js (it comes with npm).")
        request = json.dumps([{"tex": tex, "display": display} for tex, display in todo])
        proc = subprocess.run([node, str(_State.root / SCRIPT)], input=request,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode:
            raise PluginError(f"{SCRIPT} failed (exit {proc.returncode}): {proc.stderr}")
        refused = []
        for key, result in zip(todo, json.loads(proc.stdout)):
            if "error" in result:
                refused.append(f"{key[0]!r}: {result['error']}")
            else:
                _State.typeset[key] = result["html"]
        if refused:
            raise PluginError("KaTeX refuses this TeX:\n  " + "\n  ".join(refused))
    return _State.typeset


def _with_stylesheet(output: str, href: str) -> str:
    # On every page, math or not: instant navigation swaps a page's body, never its <head>.
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}"></head>', 1)


def on_post_page(output: str, page, config, **kwargs):
    found = [(m, (_tex(m["tag"], m["body"]), m["tag"] == "div")) for m in _MATH.finditer(output)]
    if found:
        try:
            done = typeset([key for _, key in found])
        except PluginError as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        parts, at = [], 0
        for match, key in found:
            parts += [output[at:match.start("body")], done[key]]
            at = match.end("body")
        output = "".join(parts) + output[at:]
    return _with_stylesheet(output, get_relative_url(_State.stylesheet, page.url))


def on_post_template(output_content: str, template_name: str, config, **kwargs):
    if template_name != "404.html":
        return output_content
    # Served at any depth, so by an absolute path, from the same base as MkDocs gives it.
    base = urlsplit(config.site_url or "/").path
    return _with_stylesheet(output_content, base.rstrip("/") + "/" + _State.stylesheet)
