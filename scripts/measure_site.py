"""Measure the built site in the system's Chromium: what a reader waits for, and what they download.

    .venv/bin/python scripts/measure_site.py [--site DIR] [--runs 5] [--out results.json]
    .venv/bin/python scripts/measure_site.py --compare [SITE ...] [--runs 5] [--page PAGE]

Builds the site (``mkdocs build --strict``) unless ``--site`` names a built one, serves it
on 127.0.0.1 with Python's http.server (no compression, no network latency: the times
are this machine's CPU, not a link), and opens the convolution arithmetic chapter in
Chromium with a fresh profile (cold: empty HTTP cache) and again in the same profile
(warm), each visit once the machine is quiet again (``until_quiet``: a browser that has just
started is still busy starting). For each, the median over ``--runs`` fresh profiles of:

i.   first paint and first contentful paint (Performance API), and when the first
     pre-rendered ``.calc-output`` is complete in the DOM and the frame after it;
ii.  when the first calculator, and every calculator, reaches ``data-calc-state=ready``;
iii. the bare Pyodide runtime: a page of its own whose module worker only runs
     ``loadPyodide`` from the same files as the site (its vendor folder, and its standard
     library archive where the page's manifest names one), so that ready minus bare is
     the share of calc, the page and the worker protocol;
iv.  (warm page) from an input event to the updated result in the DOM and to the frame
     after it, per calculator, many changes; then the same on the architecture chapters'
     pages (``EXTRA_PAGES``), their family calculators switched between large members;
v.   the bytes of the cold visit as served, and what gzip (level 9) and brotli
     (quality 11, if the ``brotli`` package is installed) make of the same files.

Times are ``performance.now()`` in the page, in ms from the start of the navigation
(Chromium rounds them to 0.1 ms without cross-origin isolation). Every number printed
is measured here; nothing is estimated except the transfer times at a stated rate.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import importlib.metadata
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from browser_support import (ALL_LIVE_JS, CHROMIUM_FLAGS, START_TIMEOUT_MS,
                             chromium_executable, serve, served_size)

ROOT = Path(__file__).resolve().parent.parent

try:
    import brotli
except ImportError:  # pip install brotli; without it only gzip is reported
    brotli = None

CHAPTER = "convolution-arithmetic/"
LINK_MBIT_S = 20  # the rate of the computed transfer times (a modest broadband link)

_DEEP = "input 16x32x32\nrepeat {n}:\n  LazyConv2d(16, 3, padding=1)\n  ReLU()\n"
# (iv): (label, calculator id, field, two values that give different results, fields set
# before timing). The first calculator of that id on the chapter or on EXTRA_PAGES.
CHANGES = (
    ("conv-output", "conv-output", "stride", ("2", "3"), {}),
    ("pool-output", "pool-output", "kernel_size", ("2", "3"), {}),
    ("conv-transpose-output", "conv-transpose-output", "stride", ("2", "3"), {}),
    ("padding-solver", "padding-solver", "target", ("100", "112"), {}),
    ("inverse-solver", "inverse-solver", "target", ("56", "112"), {}),
    # the architecture chapters' calculators, at their largest
    ("alexnet", "alexnet", "variant", ("paper", "torchvision"), {}),
    ("vgg19_bn", "vgg", "cfg", ("E", "D"), {"batch_norm": "true"}),
    ("inception-module", "inception-module", "ch5x5", ("64", "32"), {}),
    ("inception-v3", "inception-v3", "size", ("320", "299"), {}),
    ("resnet152", "resnet", "shortcut", ("B", "C"), {"layers": "3,8,36,3"}),
    ("densenet264", "densenet", "growth_rate", ("32", "48"), {"block_config": "6,12,64,48"}),
    ("cifar-resnet1202", "cifar-resnet", "depth", ("1202", "1196"), {}),
    # the network summary at the zoo's largest graphs: a batch change re-renders the table
    ("summary densenet201", "network-summary", "batch", ("32", "64"), {"model": "densenet201"}),
    ("summary resnet1202", "network-summary", "batch", ("32", "64"), {"model": "resnet1202"}),
    # the designer re-parsing, checking and exporting a 1000-layer description per keystroke
    ("designer 1000 layers", "designer", "description", (_DEEP.format(n=500), _DEEP.format(n=499)),
     {}),
    ("generator 128x128", "generator", "size", ("128", "96"), {}),
)
# Pages whose calculators (iv) also times, in the same warm profile after the chapter.
EXTRA_PAGES = ("basic-design/", "vgg/", "inception/", "resnets/", "densenet/", "gan/",
               "build-your-own/")

# Runs before the page's own scripts: timestamps of (i) and (ii), in ms since navigation.
PAGE_PROBE_JS = """(() => {
  const m = window.__measure = { outputInDom: null, outputFrame: null, firstReady: null,
                                 allReady: null };
  const check = () => {
    if (m.outputInDom === null) {
      const out = document.querySelector('[data-calc] .calc-output');
      // the parser has closed the output once the element after it exists
      if (out && out.nextElementSibling && out.childElementCount) {
        m.outputInDom = performance.now();
        requestAnimationFrame(() => { m.outputFrame = performance.now(); });
      }
    }
    const roots = [...document.querySelectorAll('[data-calc]')];
    const ready = roots.filter((r) => r.dataset.calcState === 'ready').length;
    if (ready && m.firstReady === null) m.firstReady = performance.now();
    if (ready && ready === roots.length && m.allReady === null) m.allReady = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true,
    attributes: true, attributeFilter: ['data-calc-state'] });
})();"""

PAINT_JS = """() => Object.fromEntries(performance.getEntriesByType('paint')
                                     .map((e) => [e.name, e.startTime]))"""

# (iv): set a field, fire the input event calc.js listens to, and time the answer: in the
# DOM (calc.js drops aria-busy right after swapping the HTML) and after the next frame.
CHANGE_JS = """async ({ index, field, values, n }) => {
  const root = document.querySelectorAll('[data-calc]')[index];
  const input = root.querySelector(`[name="${field}"]`);
  const out = root.querySelector('.calc-output');
  const inDom = [], onScreen = [], seen = new Set();
  const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  }));
  for (let i = 0; i < n; i++) {
    const answered = new Promise((resolve) => {
      const watch = new MutationObserver(() => {
        if (!out.hasAttribute('aria-busy')) { watch.disconnect(); resolve(performance.now()); }
      });
      watch.observe(out, { attributes: true, attributeFilter: ['aria-busy'] });
    });
    if (input.type === 'checkbox') input.checked = values[i % values.length] === 'true';
    else input.value = values[i % values.length];
    const start = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    inDom.push((await answered) - start);
    onScreen.push((await afterFrame()) - start);
    seen.add(out.innerHTML);
  }
  return { inDom, onScreen, distinctResults: seen.size };
}"""

BARE_PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Bare Pyodide start-up</title>
<p id="state">loading</p>
<script>
  // Only loadPyodide, in a module worker like the site's, from the site's vendor files.
  const worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = ({ data }) => {
    window.__bare = { ...data, ready: performance.now() };
    document.getElementById("state").textContent = data.error ? "error" : "ready";
  };
  worker.postMessage(OPTIONS);
</script>
"""

BARE_WORKER = """self.onmessage = async ({ data }) => {
  try {
    const start = performance.now();
    const { loadPyodide } = await import(new URL("pyodide.mjs", data.indexURL).href);
    const pyodide = await loadPyodide(data);
    pyodide.runPython("1 + 1");
    self.postMessage({ inWorker: performance.now() - start });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) + " " + JSON.stringify(error) });
  }
};
"""


QUIET_BUSY = 0.2        # busy share of all the CPUs below which the machine counts as quiet
QUIET_WINDOW_S = 0.25
QUIET_LIMIT_S = 10.0


def _cpu_times() -> tuple[int, int] | None:
    """(all, idle) jiffies of all CPUs since boot, from /proc/stat; None off Linux."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields), fields[3] + fields[4]   # idle + iowait


def until_quiet() -> float:
    """Waits until the CPUs are quiet (at most QUIET_BUSY busy over two QUIET_WINDOW_S windows
    in a row, or QUIET_LIMIT_S at most); the seconds waited.

    A Chromium just launched keeps this machine's 2 cores busy for about 0.75 s (its GPU,
    network and WebUI processes starting), which a reader's browser has long finished when
    they follow a link. Every timed visit starts on a quiet machine, so that what is timed
    is the visit, not the browser's start or the previous visit's background work."""
    start = time.monotonic()
    before, quiet = _cpu_times(), 0
    while before is not None and quiet < 2 and time.monotonic() - start < QUIET_LIMIT_S:
        time.sleep(QUIET_WINDOW_S)
        after = _cpu_times()
        busy = 1 - (after[1] - before[1]) / max(1, after[0] - before[0])
        quiet = quiet + 1 if busy < QUIET_BUSY else 0
        before = after
    return time.monotonic() - start


def build_site(site_dir: Path, url: str):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site_dir)], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"mkdocs build --strict failed:\n{proc.stdout}{proc.stderr}")


def manifest_of(html: str) -> dict:
    """A built page's ``calc-runtime`` manifest: URLs relative to assets/javascripts/."""
    start = html.index('id="calc-runtime">') + len('id="calc-runtime">')
    return json.loads(html[start:html.index("</script>", start)])


def runtime_manifest(site: Path) -> dict:
    """The chapter's manifest."""
    return manifest_of((site / CHAPTER / "index.html").read_text())


def bare_options(manifest: dict, site_url: str) -> dict:
    """loadPyodide's options for the bare page: the site's own runtime files."""
    js = site_url + "assets/javascripts/"
    options = {"indexURL": urllib.parse.urljoin(js, manifest["pyodide"])}
    if "stdlib" in manifest:
        options["stdLibURL"] = urllib.parse.urljoin(js, manifest["stdlib"])
    return options


def launch(playwright, profile: Path):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium_executable(), args=list(CHROMIUM_FLAGS),
        headless=True, viewport={"width": 1280, "height": 900})


def at_first_calculator(site: Path, page_path: str) -> str:
    """``page_path#calc-<id>``: a reader who follows a link to the page's first calculator;
    the runtime starts on that intent (calc.js) as soon as the browser scrolls there."""
    found = re.search(r'<div class="calc" id="(calc-[^"]+)"', (site / page_path / "index.html")
                      .read_text())
    if found is None:
        sys.exit(f"{site / page_path} has no calculator")
    return f"{page_path}#{found[1]}"


def visit_site(context, url: str, record: list | None = None) -> dict:
    """One visit of the chapter in a new page: the timestamps of (i) and (ii)."""
    page = context.new_page()
    if record is not None:
        page.on("requestfinished", lambda r: record.append((r.url, served_size(r))))
    page.add_init_script(PAGE_PROBE_JS)
    until_quiet()
    page.goto(url)
    page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
    page.wait_for_function("() => window.__measure.outputFrame !== null")
    page.wait_for_load_state("networkidle")
    m = page.evaluate("() => window.__measure")
    paint = page.evaluate(PAINT_JS)
    m["firstPaint"] = paint.get("first-paint")
    m["firstContentfulPaint"] = paint.get("first-contentful-paint")
    return {"page": page, **m}


def visit_bare(context, url: str) -> dict:
    page = context.new_page()
    until_quiet()
    page.goto(url)
    page.wait_for_function("() => window.__bare", timeout=START_TIMEOUT_MS)
    bare = page.evaluate("() => window.__bare")
    page.close()
    if "error" in bare:
        sys.exit(f"the bare runtime failed: {bare['error']}")
    return bare


def input_changes(page, n: int, done: set) -> dict:
    """(iv) on the page's first calculator of each CHANGES entry not in ``done``:
    {label: {"inDom": [...], "onScreen": [...]}}."""
    ids = page.eval_on_selector_all("[data-calc]", "els => els.map(e => e.dataset.calc)")
    out = {}
    for label, calc_id, field, values, setup in CHANGES:
        if calc_id not in ids or label in done:
            continue
        index = ids.index(calc_id)
        for name, value in setup.items():   # untimed: the member to time changes on
            page.evaluate(CHANGE_JS, {"index": index, "field": name, "values": [value], "n": 1})
        result = page.evaluate(CHANGE_JS, {"index": index, "field": field,
                                           "values": list(values), "n": n})
        if result["distinctResults"] < len(values):
            sys.exit(f"{label}: changing {field} did not change the result")
        out[label] = result
    return out


def compressed_sizes(files: list[Path]) -> dict:
    raw = gz = br = 0
    for path in files:
        data = path.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, compresslevel=9, mtime=0))
        if brotli is not None:
            br += len(brotli.compress(data, quality=11))
    return {"files": len(files), "identity": raw, "gzip": gz, "brotli": br if brotli else None}


def transfer(record: list, served_root: Path, base: str) -> dict:
    """(v): bytes of a cold visit as served, and gzip/brotli of the same files."""
    served = sum(size for _, size in record)
    files, pyodide_files = [], []
    for url in sorted({u for u, _ in record}):
        if not url.startswith(base):
            continue
        path = served_root / urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            runtime = "/assets/vendor/pyodide-" in url or "/assets/python/stdlib-" in url
            (pyodide_files if runtime else files).append(path)
    everything = compressed_sizes(files + pyodide_files)
    by_file = {str(path.relative_to(served_root)): compressed_sizes([path])
               for path in files + pyodide_files}
    return {"requests": len(record), "served_bytes": served, "all": everything,
            "pyodide": compressed_sizes(pyodide_files), "rest": compressed_sizes(files),
            "by_file": by_file}


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def measure(site: Path, runs: int, changes: int) -> dict:
    from playwright.sync_api import sync_playwright

    manifest = runtime_manifest(site)
    load_before = os.getloadavg()[0]  # other work on the machine skews every time below
    pyodide = manifest["pyodide"].rstrip("/").rsplit("/", 1)[-1]   # pyodide-<version>
    with tempfile.TemporaryDirectory() as tmp:
        served_root = Path(tmp) / "root"
        (served_root / "bare").mkdir(parents=True)
        (served_root / "guide").symlink_to(site.resolve(), target_is_directory=True)
        (served_root / "bare" / "worker.js").write_text(BARE_WORKER)
        with serve(served_root) as base, sync_playwright() as playwright:
            options = bare_options(manifest, base + "guide/")
            (served_root / "bare" / "index.html").write_text(
                BARE_PAGE.replace("OPTIONS", json.dumps(options)))
            chapter = base + "guide/" + at_first_calculator(site, CHAPTER)
            bare_url = base + "bare/"
            samples = {"cold": [], "warm": [], "bare_cold": [], "bare_warm": []}
            per_calc: dict[str, dict[str, list]] = {}
            record: list = []
            version = None
            for run in range(runs):
                with tempfile.TemporaryDirectory() as profile:
                    context = launch(playwright, Path(profile))
                    version = context.browser.version if context.browser else version
                    cold = visit_site(context, chapter, record if run == 0 else None)
                    cold.pop("page").close()
                    warm = visit_site(context, chapter)
                    page = warm.pop("page")
                    done: set = set()
                    for extra in (None, *EXTRA_PAGES):
                        if extra is not None:
                            if not (site / extra / "index.html").is_file():
                                continue
                            page.goto(base + "guide/" + at_first_calculator(site, extra))
                            page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
                        until_quiet()   # the theme and the search index start once it is live
                        for calc_id, r in input_changes(page, changes, done).items():
                            done.add(calc_id)
                            for key in ("inDom", "onScreen"):
                                per_calc.setdefault(calc_id, {}).setdefault(key,
                                                                            []).extend(r[key])
                    page.close()
                    context.close()
                    samples["cold"].append(cold)
                    samples["warm"].append(warm)
                with tempfile.TemporaryDirectory() as profile:
                    context = launch(playwright, Path(profile))
                    samples["bare_cold"].append(visit_bare(context, bare_url))
                    samples["bare_warm"].append(visit_bare(context, bare_url))
                    context.close()
                print(f"run {run + 1}/{runs} done", file=sys.stderr)
            if version is None:  # a persistent context may not expose its browser
                probe = playwright.chromium.launch(executable_path=chromium_executable(),
                                                   args=list(CHROMIUM_FLAGS))
                version = probe.version
                probe.close()
            bytes_ = transfer(record, served_root, base)

    page_keys = ("firstPaint", "firstContentfulPaint", "outputInDom", "outputFrame",
                 "firstReady", "allReady")
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "chromium": version, "pyodide": pyodide.removeprefix("pyodide-"),
                    "playwright": importlib.metadata.version("playwright"),
                    "python": platform.python_version(),
                    "bare_runtime_options": options,
                    "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
                    "server": "Python http.server on 127.0.0.1, uncompressed"},
        "runs": runs,
        "page_ms": {cache: {k: median(s[k] for s in samples[cache]) for k in page_keys}
                    for cache in ("cold", "warm")},
        "bare_runtime_ms": {cache: {"ready": median(s["ready"] for s in samples[f"bare_{cache}"]),
                                    "in_worker": median(s["inWorker"]
                                                        for s in samples[f"bare_{cache}"])}
                            for cache in ("cold", "warm")},
        "input_change_ms": {cid: {k: median(v) for k, v in r.items()}
                            | {"inDom_min": min(r["inDom"]), "n": len(r["inDom"])}
                            for cid, r in per_calc.items()},
        "bytes_cold_visit": bytes_,
        "samples": samples,
    }
    return result


def table(result: dict) -> str:
    m, page, bare = result["machine"], result["page_ms"], result["bare_runtime_ms"]
    lines = [f"Machine: {m['cpus']} CPUs, {m['platform']}; Chromium {m['chromium']}; "
             f"Pyodide {m['pyodide']}; Playwright {m['playwright']}; {m['server']}.",
             f"Load average (1 min) {m['load_average_1min']['before']:.2f} before, "
             f"{m['load_average_1min']['after']:.2f} after.",
             f"Medians of {result['runs']} fresh profiles; ms since the start of the navigation.",
             "", f"| {'measure':<52} | {'cold':>8} | {'warm':>8} |", f"|{'-' * 54}|{'-' * 10}|{'-' * 10}|"]

    def row(name, *values):
        cells = (f"{v:8.1f}" if v is not None else f"{'n/a':>8}" for v in values)
        lines.append(f"| {name:<52} | " + " | ".join(cells) + " |")

    labels = {"firstPaint": "(i) first paint",
              "firstContentfulPaint": "(i) first contentful paint",
              "outputInDom": "(i) first pre-rendered .calc-output in the DOM",
              "outputFrame": "(i) ... and the next animation frame",
              "firstReady": "(ii) first calculator ready",
              "allReady": "(ii) every calculator ready"}
    for key, label in labels.items():
        row(label, page["cold"][key], page["warm"][key])
    row("(iii) bare Pyodide page: loadPyodide done", bare["cold"]["ready"], bare["warm"]["ready"])
    row("(iii) ... of which inside the worker", bare["cold"]["in_worker"], bare["warm"]["in_worker"])
    row("(ii - iii) first ready minus bare runtime",
        *(page[c]["firstReady"] - bare[c]["ready"] for c in ("cold", "warm")))

    lines += ["", "(iv) input event -> updated result, warm page (ms):", "",
              f"| {'calculator':<24} | {'in DOM':>8} | {'fastest':>8} | {'next frame':>10} |"
              f" {'changes':>7} |",
              f"|{'-' * 26}|{'-' * 10}|{'-' * 10}|{'-' * 12}|{'-' * 9}|"]
    for cid, r in result["input_change_ms"].items():
        lines.append(f"| {cid:<24} | {r['inDom']:8.1f} | {r['inDom_min']:8.1f} | "
                     f"{r['onScreen']:10.1f} | {r['n']:7d} |")
    lines.append("in DOM and next frame: medians; fastest: the quickest change, in the DOM.")

    b = result["bytes_cold_visit"]
    rate = LINK_MBIT_S * 1e6 / 8
    lines += ["", f"(v) cold visit: {b['requests']} requests, {b['served_bytes']:,} bytes served "
              "(response bodies as sent: the server does not compress)", "",
              f"| {'files':<28} | {'identity':>12} | {'gzip -9':>12} | {'brotli -q11':>12} |",
              f"|{'-' * 30}|{'-' * 14}|{'-' * 14}|{'-' * 14}|"]
    for key, name in (("pyodide", "Pyodide + stdlib"), ("rest", "everything else"),
                      ("all", "total")):
        s = b[key]
        br = f"{s['brotli']:12,}" if s["brotli"] is not None else f"{'(no brotli)':>12}"
        lines.append(f"| {name + ' (' + str(s['files']) + ' files)':<28} | {s['identity']:12,} | "
                     f"{s['gzip']:12,} | {br} |")
    s = b["all"]
    times = [s["identity"] / rate, s["gzip"] / rate] + ([s["brotli"] / rate] if s["brotli"] else [])
    lines.append(f"| {'computed s at ' + str(LINK_MBIT_S) + ' Mbit/s':<28} | "
                 + " | ".join(f"{t:12.1f}" for t in times) + " |")
    if brotli is None:
        lines.append("brotli is not installed (pip install brotli): gzip only.")
    key = "brotli" if brotli is not None else "gzip"
    largest = sorted(b["by_file"].items(), key=lambda item: -item[1][key])[:10]
    lines += ["", f"Largest files of the cold visit, by {key}:", "",
              f"| {'file':<52} | {'identity':>10} | {key:>10} |", f"|{'-' * 54}|{'-' * 12}|{'-' * 12}|"]
    lines += [f"| {name:<52} | {s['identity']:10,} | {s[key]:10,} |" for name, s in largest]
    return "\n".join(lines)


# --- --compare: start-up of several built sites side by side -----------------------------


# Records when the first calculator on the page turns ready (or fails).
STARTUP_OBSERVER_JS = """
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

STOCK_BARE_PAGE = b"""<!doctype html><title>bare Pyodide</title>
<div data-calc="bare" data-calc-state="loading"></div>
<script type="module">
  const worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = ({ data }) => {
    document.querySelector("[data-calc]").dataset.calcState = data === "ready" ? "ready" : "error";
  };
</script>
"""
STOCK_BARE_WORKER = b"""
import { loadPyodide } from "./pyodide/pyodide.mjs";
loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href })
  .then(() => postMessage("ready"), (error) => postMessage(String(error)));
"""


# The n-th site's worker and archives on an empty page, started as early_worker.js starts
# them: what the site's own runtime takes when the page costs nothing (MANIFEST: the
# measured page's manifest; CALC_JS: the URL its manifest's paths are relative to).
RUNTIME_ALONE_PAGE = """<!doctype html><meta charset="utf-8"><title>runtime alone</title>
<div data-calc="runtime" data-calc-state="loading"></div>
<script type="module">
  const manifest = MANIFEST, base = new URL(CALC_JS, location.href);
  const url = (path) => new URL(path, base).href;
  const worker = new Worker(url(manifest.worker), { type: "module" });
  worker.onmessage = ({ data }) => {
    if (data.type !== "ready" && data.type !== "failed") return;
    document.querySelector("[data-calc]").dataset.calcState = data.type === "ready" ? "ready" : "error";
  };
  worker.postMessage({ type: "init", pyodide: url(manifest.pyodide), stdlib: url(manifest.stdlib),
                       calc: url(manifest.calc), lock: manifest.lock,
                       calculators: manifest.calculators });
</script>
"""
RUNTIME_ALONE = "__runtime-alone__/"


def runtime_alone_page(site: Path, page_path: str, page_url: str) -> bytes:
    """RUNTIME_ALONE_PAGE with the runtime of the site's page_path, served at page_url."""
    html = (site / page_path / "index.html").read_text()
    manifest = json.dumps(manifest_of(html)).replace("</", "<\\/")   # inside a <script>
    src = re.search(r'<script[^>]* src="([^"]*calc\.js)"', html)[1]
    calc_js = urllib.parse.urljoin(page_url, src)
    return (RUNTIME_ALONE_PAGE.replace("MANIFEST", manifest)
            .replace("CALC_JS", json.dumps(calc_js)).encode())


class _CompareHandler(http.server.SimpleHTTPRequestHandler):
    """Serves /<n>/... from the n-th site, /<n>/RUNTIME_ALONE and /bare/ from memory, and
    /bare/pyodide/ from node_modules/pyodide."""

    sites: list[Path] = []
    in_memory: dict[str, tuple[bytes, str]] = {}   # path: (body, content type)

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
        if self.path in self.in_memory:
            body, kind = self.in_memory[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format, *args):
        pass


def _startup_visit(page, url: str, timeout_ms: int) -> tuple[float, int]:
    """Milliseconds from navigation start to the first ready calculator; bytes fetched."""
    fetched = []

    def on_response(response):  # the worker's requests included
        fetched.append(response)

    page.goto("about:blank")   # the same URL again, #fragment and all, would not reload
    page.on("response", on_response)
    until_quiet()
    page.goto(url)
    page.wait_for_function("window.__calcState !== undefined", timeout=timeout_ms)
    state, at = page.evaluate("[window.__calcState, window.__calcAt]")
    page.remove_listener("response", on_response)
    if state != "ready":
        raise RuntimeError(f"{url}: calculators failed to start")
    return at, sum(served_size(response.request) for response in fetched)


def _startup_measure(playwright, url: str, timeout_ms: int) -> tuple[float, list[float], int]:
    with tempfile.TemporaryDirectory() as profile:
        # bypass_csp: Playwright polls wait_for_function's predicate with eval, which the
        # site's policy refuses; the policy changes nothing that is timed here.
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_executable(), args=list(CHROMIUM_FLAGS),
            headless=True, bypass_csp=True)
        try:
            context.add_init_script(STARTUP_OBSERVER_JS)
            page = context.new_page()
            cold, size = _startup_visit(page, url, timeout_ms)
            warm = [_startup_visit(page, url, timeout_ms)[0] for _ in range(2)]
        finally:
            context.close()
    return cold, warm, size


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ({min(values):.0f}-{max(values):.0f})"


def compare(sites: list[Path], runs: int, page_path: str, bare: bool, timeout: float):
    """Time to the first live calculator of built sites side by side, and of stock Pyodide.

    All sites are served on one loopback server, each under its own path; per run, in an order
    shuffled per run (the machines are shared and noisy), every variant is opened with a fresh
    profile (cold), then twice more in the same profile (warm). "bare Pyodide" is a page whose
    worker calls ``loadPyodide()`` on the stock files of node_modules/pyodide: the floor a site
    shipping Pyodide's own files would start from. "its runtime alone" is the site's own worker
    and archives started on an empty page (RUNTIME_ALONE_PAGE): the site's time minus this is
    what the page itself (parsing, style, layout, mkdocs-material's script) costs the
    calculators while they start. The last two columns are each median over the stock one.
    """
    from playwright.sync_api import sync_playwright

    _CompareHandler.sites = [site.resolve() for site in sites]
    for site in _CompareHandler.sites:
        if not (site / page_path / "index.html").is_file():
            sys.exit(f"{site} has no {page_path}index.html: build it first")
    _CompareHandler.in_memory = {
        "/bare/": (STOCK_BARE_PAGE, "text/html"),
        "/bare/worker.js": (STOCK_BARE_WORKER, "text/javascript"),
        **{f"/{n}/{RUNTIME_ALONE}": (runtime_alone_page(site, page_path, f"/{n}/{page_path}"),
                                     "text/html")
           for n, site in enumerate(_CompareHandler.sites)}}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CompareHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    variants = {}
    for n, site in enumerate(sites):
        variants[f"{n}: {site}"] = f"{base}/{n}/{at_first_calculator(site, page_path)}"
        variants[f"{n}: its runtime alone"] = f"{base}/{n}/{RUNTIME_ALONE}"
    if bare:
        variants["bare Pyodide"] = f"{base}/bare/"
    results = {name: {"cold": [], "warm": [], "bytes": []} for name in variants}
    load_before = os.getloadavg()[0]
    try:
        with sync_playwright() as playwright:
            for run in range(runs):
                order = list(variants)
                random.shuffle(order)
                for name in order:
                    cold, warm, size = _startup_measure(playwright, variants[name],
                                                        timeout * 1000)
                    results[name]["cold"].append(cold)
                    results[name]["warm"].extend(warm)
                    results[name]["bytes"].append(size)
                    print(f"run {run + 1}: {name}: cold {cold:.0f} ms, warm "
                          f"{', '.join(f'{w:.0f}' for w in warm)} ms", file=sys.stderr)
    finally:
        server.shutdown()
    print(f"Load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"{runs} runs.")
    stock = results.get("bare Pyodide")
    print(f"{'variant':40} {'cold ms, median (range)':>24} {'warm ms':>20} {'cold bytes':>12}"
          + (f" {'cold, warm / stock':>19}" if stock else ""))
    for name, r in results.items():
        ratios = ""
        if stock:   # the ratio of the medians: issue 12's "0.5x the stock bare start-up"
            ratios = " ".join(f"{statistics.median(r[c]) / statistics.median(stock[c]):9.2f}x"
                              for c in ("cold", "warm"))
        print(f"{name:40} {_spread(r['cold']):>24} {_spread(r['warm']):>20} "
              f"{statistics.median(r['bytes']):>12,.0f} {ratios}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one now)")
    parser.add_argument("--runs", type=int, default=5, help="fresh profiles (default 5)")
    parser.add_argument("--changes", type=int, default=20,
                        help="input changes per calculator per run (default 20)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--compare", type=Path, nargs="*", metavar="SITE",
                        help="instead: time to live calculators of these built sites (none: "
                             "this checkout, built now) side by side, and of stock Pyodide "
                             "alone (see compare())")
    parser.add_argument("--no-bare", action="store_true", help="--compare: leave out Pyodide "
                        "alone")
    parser.add_argument("--timeout", type=float, default=60, help="--compare: seconds per visit")
    parser.add_argument("--page", default=CHAPTER, help="--compare: the page whose first "
                        f"calculator a link opens (default {CHAPTER})")
    args = parser.parse_args(argv)
    if chromium_executable() is None:
        sys.exit("Chromium not found: apt-get install chromium (or set CHROMIUM)")
    if args.compare is not None:
        with tempfile.TemporaryDirectory() as tmp:
            sites = args.compare
            if not sites:
                sites = [Path(tmp) / "site"]
                build_site(sites[0], "http://127.0.0.1/guide/")
            compare(sites, args.runs, args.page, not args.no_bare, args.timeout)
        return
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            # the sitemap's URL does not matter here: one page is measured, no navigation
            build_site(site, "http://127.0.0.1/guide/")
        result = measure(site, args.runs, args.changes)
    print(table(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
