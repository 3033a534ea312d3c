"""The search worker waits for the calculators: ``search_gate.js``, inlined at the top of every
page's ``<head>`` (before mkdocs-material's bundle creates the worker; the CSP hook, listed
after this one, allows it by its hash). What it holds and until when is said in the script.
"""

from __future__ import annotations

from pathlib import Path

from _head import inline_script, insert_in_head

SCRIPT = Path(__file__).with_suffix(".js")


class _State:
    tag = ""


def on_config(config, **kwargs):
    _State.tag = inline_script(SCRIPT)
    return config


def _with_gate(html: str, where: str) -> str:
    return insert_in_head(html, _State.tag, where, "search gate")


def on_post_page(output, page, config, **kwargs):
    return _with_gate(output, page.file.src_uri)


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name == "404.html":
        return _with_gate(output_content, template_name)
    return output_content
