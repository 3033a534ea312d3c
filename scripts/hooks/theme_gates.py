"""mkdocs-material waits for the calculators: two scripts inlined at the top of every page's
``<head>`` (the CSP hook, listed after this one, allows them by their hashes).

- ``search_gate.js`` holds the theme's search worker (it indexes the whole site) until the
  calculators' runtime settles;
- ``bundle_gate.js`` holds the theme's bundle while the runtime starts: the theme's
  ``<script src=…bundle…>`` becomes ``__calcBundle(URL)``, with a preload of the bundle in
  the ``<head>``.

What each holds and until when is said in the script.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from _head import inline_script, insert_in_head

SCRIPTS = ("search_gate.js", "bundle_gate.js")   # beside this hook
# the theme's one script file, as its base.html writes it
_BUNDLE = re.compile(r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)">'
                     r"</script>")


class _State:
    tags = ""


def on_config(config, **kwargs):
    _State.tags = "".join(inline_script(Path(__file__).parent / name) for name in SCRIPTS)
    return config


def _gated(html: str, where: str) -> str:
    found = _BUNDLE.findall(html)
    if len(found) != 1:
        raise PluginError(f"theme gates hook: {where} has {len(found)} mkdocs-material bundle "
                          "<script> tags, not one: has the theme changed how it writes it?")
    src = found[0]
    html = _BUNDLE.sub(lambda m: f"<script>__calcBundle({json.dumps(src)})</script>", html)
    return insert_in_head(html, _State.tags + f'<link rel="preload" href="{src}" as="script">',
                          where, "theme gates")


def on_post_page(output, page, config, **kwargs):
    return _gated(output, page.file.src_uri)


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name == "404.html":
        return _gated(output_content, template_name)
    return output_content
