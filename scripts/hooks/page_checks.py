"""Malformed pages fail the build with the page and the line, instead of publishing raw text.

* a fence that is never closed (every later shortcode and fence on the page would be raw);
* a ```calc, ```figure or ```table fence with options after its name (it would render as
  a code block);
* a snippet include (``--8<--``) of a file that holds ``{{=``: snippets are inserted after
  the shortcodes are evaluated, so it would be published raw;
* and, after rendering, any ``{{=`` left in the page's HTML outside code.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from _fences import fences, front_matter_lines

OUR_FENCES = ("calc", "figure", "table")
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s*["']([^"']+)["']""")
_CODE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)


def check_markdown(raw: str, where: str, root: Path, offset: int = 0) -> None:
    for fence in fences(raw):
        line = fence.line + offset
        if not fence.closed:
            raise PluginError(f"{where}:{line}: the fence opened here is never closed")
        name = fence.info.split(maxsplit=1)[0] if fence.info else ""
        if name in OUR_FENCES and fence.info.strip() != name:
            raise PluginError(f"{where}:{line}: a ```{name} fence takes no options after its "
                              f"name (got {fence.info.strip()!r}); put them inside as key: value")
    for n, text in enumerate(raw.split("\n"), start=1):
        m = _SNIPPET.match(text)
        if m:
            path = root / m[1]
            if path.is_file() and "{{=" in path.read_text(encoding="utf-8", errors="replace"):
                raise PluginError(f"{where}:{n + offset}: the snippet {m[1]} holds '{{{{=', "
                                  "which snippets do not evaluate: compute the number in the "
                                  "page instead")


def on_page_markdown(markdown, page, config, **kwargs):
    raw = page.file.content_string
    offset = front_matter_lines(raw, markdown)
    root = Path(config.config_file_path).resolve().parent
    check_markdown(markdown, page.file.src_uri, root, offset)
    return markdown


def on_page_content(html, page, **kwargs):
    if "{{=" in _CODE.sub("", html):
        raise PluginError(f"{page.file.src_uri}: '{{{{=' is left in the rendered page: a "
                          "shortcode was not evaluated (is it split, or inside a snippet?)")
    return html
