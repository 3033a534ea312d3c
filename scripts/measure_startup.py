"""Time from navigation to live calculators, for built sites side by side.

    .venv/bin/python scripts/measure_startup.py site [OTHER_SITE ...] [--runs 5]

Each SITE is a built site folder (``make build`` writes ``site/``); all are served
on one loopback server, each under its own path. For each run, in an order
shuffled per run (the machines are shared and noisy), every variant is opened in
Debian's Chromium with a fresh profile (cold: empty HTTP cache, no compiled
WebAssembly cached), then twice more in the same profile (warm: the second and
third visit). A visit's time is ``performance.now()`` when the first calculator
of the page reaches ``data-calc-state="ready"``, i.e. from the start of the
navigation. The "bare" variant is Pyodide alone: a page whose worker calls
``loadPyodide()`` on the stock files of node_modules/pyodide and reports back,
the floor that a site shipping Pyodide's own files would start from.

Prints one row per variant: median (min-max) cold, warm, and the bytes the
cold visit fetched (bodies as served: this server does not compress).
"""

from __future__ import annotations

import argparse
import http.server
import random
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM_FLAGS, chromium_executable, served_size  # noqa: E402

PAGE = "convolution-arithmetic/"

# Records when the first calculator on the page turns ready (or fails).
OBSERVER = """
new MutationObserver((changes, observer) => {
  for (const change of changes) {
    const state = change.target.dataset?.calcState;
    if (state === "ready" || state === "error") {
      window.__calcState = state;
      window.__calcAt = performance.now();
      observer.disconnect();
      return;
    }
  }
}).observe(document, {subtree: true, attributeFilter: ["data-calc-state"]});
"""

BARE_PAGE = b"""<!doctype html><title>bare Pyodide</title>
<div data-calc="bare" data-calc-state="loading"></div>
<script type="module">
  const worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = ({ data }) => {
    document.querySelector("[data-calc]").dataset.calcState = data === "ready" ? "ready" : "error";
  };
</script>
"""
BARE_WORKER = b"""
import { loadPyodide } from "./pyodide/pyodide.mjs";
loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href })
  .then(() => postMessage("ready"), (error) => postMessage(String(error)));
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves /<n>/... from the n-th site, /bare/ from memory and node_modules/pyodide."""

    sites: list[Path] = []

    def translate_path(self, path):
        parts = path.split("?")[0].split("#")[0].lstrip("/").split("/", 1)
        rest = parts[1] if len(parts) > 1 else ""
        if parts[0] == "bare" and rest.startswith("pyodide/"):
            return str(ROOT / "node_modules" / "pyodide" / rest.removeprefix("pyodide/"))
        if parts[0].isdigit() and int(parts[0]) < len(self.sites):
            base = self.sites[int(parts[0])]
            return str(base / rest) if not rest.endswith("/") and rest else str(base / rest / "index.html")
        return str(Path("/nonexistent"))

    def do_GET(self):
        bare = {"/bare/": (BARE_PAGE, "text/html"), "/bare/worker.js": (BARE_WORKER, "text/javascript")}
        if self.path in bare:
            body, kind = bare[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format, *args):
        pass


def visit(page, url: str, timeout_ms: int) -> tuple[float, int]:
    """Milliseconds from navigation start to the first ready calculator; bytes fetched."""
    fetched = []

    def on_response(response):  # the worker's requests included
        fetched.append(response)

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_function("window.__calcState !== undefined", timeout=timeout_ms)
    state, at = page.evaluate("[window.__calcState, window.__calcAt]")
    page.remove_listener("response", on_response)
    if state != "ready":
        raise RuntimeError(f"{url}: calculators failed to start")
    return at, sum(served_size(response.request) for response in fetched)


def measure(playwright, url: str, timeout_ms: int) -> tuple[float, list[float], int]:
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_executable(), args=list(CHROMIUM_FLAGS),
            headless=True)
        try:
            context.add_init_script(OBSERVER)
            page = context.new_page()
            cold, size = visit(page, url, timeout_ms)
            warm = [visit(page, url, timeout_ms)[0] for _ in range(2)]
        finally:
            context.close()
    return cold, warm, size


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ({min(values):.0f}-{max(values):.0f})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", type=Path, help="built site folders")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default=PAGE, help=f"page to open in each site (default {PAGE})")
    parser.add_argument("--no-bare", action="store_true", help="leave out Pyodide alone")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per visit")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if chromium_executable() is None:
        sys.exit("Chromium not found: apt-get install chromium (or set CHROMIUM)")

    Handler.sites = [site.resolve() for site in args.sites]
    for site in Handler.sites:
        if not (site / args.page / "index.html").is_file():
            parser.error(f"{site} has no {args.page}index.html: build it first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    variants = {f"{n}: {site}": f"{base}/{n}/{args.page}" for n, site in enumerate(args.sites)}
    if not args.no_bare:
        variants["bare Pyodide"] = f"{base}/bare/"
    results = {name: {"cold": [], "warm": [], "bytes": []} for name in variants}
    try:
        with sync_playwright() as playwright:
            for run in range(args.runs):
                order = list(variants)
                random.shuffle(order)
                for name in order:
                    cold, warm, size = measure(playwright, variants[name], args.timeout * 1000)
                    results[name]["cold"].append(cold)
                    results[name]["warm"].extend(warm)
                    results[name]["bytes"].append(size)
                    print(f"run {run + 1}: {name}: cold {cold:.0f} ms, warm "
                          f"{', '.join(f'{w:.0f}' for w in warm)} ms", file=sys.stderr)
    finally:
        server.shutdown()
    print(f"{'variant':40} {'cold ms, median (range)':>24} {'warm ms':>20} {'cold bytes':>12}")
    for name, r in results.items():
        print(f"{name:40} {summary(r['cold']):>24} {summary(r['warm']):>20} "
              f"{statistics.median(r['bytes']):>12,.0f}")


if __name__ == "__main__":
    main()
