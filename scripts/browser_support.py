"""Driving the system's Chromium with Playwright: shared by the browser tier
(tests/test_browser.py) and scripts/measure_site.py.

Playwright's own browser downloads are never used: Debian's ``chromium`` package is
driven through ``executable_path`` (``CHROMIUM=/path/to/chromium`` overrides the search
of ``PATH``).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

# No GPU, no QUIC, nothing of the browser's own that phones home: every request a test
# sees comes from the page.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)

# calc.js gives the runtime 20 s to start; a test waits longer, then reads why.
START_TIMEOUT_MS = 60_000


def chromium_executable() -> str | None:
    """The Chromium to drive: $CHROMIUM, else ``chromium`` (Debian) or ``chromium-browser`` on PATH."""
    override = os.environ.get("CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser closed mid-transfer (BrokenPipeError): not the site's fault


@contextlib.contextmanager
def serve(directory: Path, port: int = 0):
    """Serve ``directory`` on 127.0.0.1 from a background thread; yields ``http://127.0.0.1:PORT/``.

    Python's http.server sends ``application/wasm`` for .wasm and ``text/javascript``
    for .mjs (mimetypes of Python >= 3.10), which Pyodide needs; no compression.
    """
    server = _QuietServer(("127.0.0.1", port),
                          functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def served_size(request) -> int:
    """Bytes of a response body as sent. A HEAD response has none, whatever its
    Content-Length says (Playwright reports that length as its body size). Otherwise
    Content-Length (Playwright reports 0 for a worker's own script), else the body size
    it reports."""
    if request.method == "HEAD":
        return 0
    response = request.response()
    length = response.headers.get("content-length") if response else None
    return int(length) if length else request.sizes()["responseBodySize"]


# --- page-side snippets -------------------------------------------------------------------

# Each calculator root's state, in page order.
STATES_JS = "() => [...document.querySelectorAll('[data-calc]')].map((r) => r.dataset.calcState)"

# True once every calculator on the page is live and has no update in flight.
ALL_LIVE_JS = """() => {
  const roots = [...document.querySelectorAll('[data-calc]')];
  return roots.length > 0 && roots.every((r) => r.dataset.calcState === 'ready'
    && !r.querySelector('.calc-output').hasAttribute('aria-busy'));
}"""

# True once no calculator is still starting (each is ready or error).
ALL_SETTLED_JS = """() => {
  const roots = [...document.querySelectorAll('[data-calc]')];
  return roots.length > 0 && roots.every((r) => ['ready', 'error'].includes(r.dataset.calcState));
}"""

# The raw values a calculator root's form sends to the worker, by the rules of calc.js's
# valueOf(): checkboxes as booleans, selects and number inputs as their text, and a number
# input holding text it cannot parse (validity.badInput) as "(not a number)".
FORM_VALUES_JS = """(root) => {
  const raw = {};
  for (const el of root.querySelector('.calc-form').elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') raw[el.name] = el.checked;
    else if (el.tagName === 'SELECT') raw[el.name] = el.value;
    else raw[el.name] = el.validity && el.validity.badInput ? '(not a number)' : el.value;
  }
  return raw;
}"""

# HTML text as the page's parser would serialise it back (innerHTML), to compare what
# CPython returns with what the page shows. A <template> parses without running anything.
AS_PARSED_JS = """(html) => {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.innerHTML;
}"""
