"""A Content-Security-Policy for every built page, as a ``<meta>`` tag in its ``<head>``.

The site needs nothing from elsewhere, so the policy allows the site itself only: scripts from
the site plus each inline script of the page by its SHA-256 (mkdocs-material writes a few;
the hashes are computed from the page itself, so a theme update cannot silently break them),
``'wasm-unsafe-eval'`` for Pyodide's WebAssembly, inline styles (KaTeX and the figures' SVG
set style attributes) and ``data:`` images. ``mkdocs serve`` leaves the policy out: its live
reload injects a script of its own.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_EXECUTABLE = re.compile(r'\btype\s*=\s*["\']?(?!text/javascript|module|application/javascript)'
                         r"[^\s\"'>]+", re.I)


class _State:
    serving = False


def on_startup(command, dirty=False, **kwargs):
    _State.serving = command == "serve"


def policy(html: str) -> str:
    """The policy for ``html``: its executable inline scripts by hash."""
    hashes = []
    for m in _INLINE.finditer(html):
        if "src=" in m["attrs"].lower() or _EXECUTABLE.search(m["attrs"]):
            continue   # a script file (allowed by 'self'), or data such as application/json
        digest = base64.b64encode(hashlib.sha256(m["body"].encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return ("default-src 'self'; "
            f"script-src 'self' 'wasm-unsafe-eval' {' '.join(sorted(set(hashes)))}".rstrip()
            + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
              "base-uri 'self'; form-action 'self'")


def on_post_page(output: str, page, config, **kwargs):
    if _State.serving:
        return output
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(output)}">'
    return re.sub(r"(<head[^>]*>)", lambda m: m[1] + meta, output, count=1)


def on_post_template(output_content: str, template_name: str, config, **kwargs):
    """The static pages made from templates (404.html) get the policy too."""
    if not template_name.endswith(".html"):
        return output_content
    return on_post_page(output_content, None, config)
