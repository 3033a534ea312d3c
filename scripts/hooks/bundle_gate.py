"""mkdocs-material's bundle waits for the calculators on a visit that starts them from the
``<head>``: ``bundle_gate.js``, inlined at the top of every page's ``<head>`` with a preload of
the bundle, and ``__calcBundle(URL)`` where the theme's ``<script src=…bundle…>`` was. When the
bundle runs, and why, is said in the script. Listed before the CSP hook, which allows both
inline scripts by their hashes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from _head import inline_script, insert_in_head

SCRIPT = Path(__file__).with_suffix(".js")
# the theme's one script file, as its base.html writes it
_BUNDLE = re.compile(r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)">'
                     r"</script>")


class _State:
    tag = ""


def on_config(config, **kwargs):
    _State.tag = inline_script(SCRIPT)
    return config


def _gated(html: str, where: str) -> str:
    found = _BUNDLE.findall(html)
    if len(found) != 1:
        raise PluginError(f"bundle gate hook: {where} has {len(found)} mkdocs-material bundle "
                          "<script> tags, not one: has the theme changed how it writes it?")
    src = found[0]
    html = _BUNDLE.sub(lambda m: f"<script>__calcBundle({json.dumps(src)})</script>", html)
    return insert_in_head(html, _State.tag + f'<link rel="preload" href="{src}" as="script">',
                          where, "bundle gate")


def on_post_page(output, page, config, **kwargs):
    return _gated(output, page.file.src_uri)


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name == "404.html":
        return _gated(output_content, template_name)
    return output_content
