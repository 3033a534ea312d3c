"""Where the hooks put their tags in a page's ``<head>``."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def head_start(html: str) -> int | None:
    """The offset just after the charset declaration, else just after ``<head>``: the first
    place for a script. A tag goes after the charset, never before it, as the declaration must
    stay within a page's first 1024 bytes; early, as a classic script after a stylesheet
    waits for the stylesheet to load. ``None`` for a page without ``<head>``."""
    for pattern in (_CHARSET, _HEAD):
        match = pattern.search(html)
        if match:
            return match.end()
    return None


def inline_script(path: Path) -> str:
    """``<script>`` holding the JavaScript file ``path``, without its whole-line comments
    (they are for the source's readers; every page would carry them)."""
    source = path.read_text(encoding="utf-8")
    if "</" in source:
        raise PluginError(f"{path.name} must not hold '</': it is inlined in a <script>")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    return f"<script>{code}</script>"


def insert_in_head(html: str, tags: str, where: str, hook: str) -> str:
    """``html`` with ``tags`` at :func:`head_start`; a page without ``<head>`` fails the build
    naming the ``hook`` and the page (``where``)."""
    at = head_start(html)
    if at is None:
        raise PluginError(f"{hook} hook: {where} has no <head>")
    return html[:at] + tags + html[at:]
