"""Everything the live calculators and the math need, served by the site itself.

At build time (``mkdocs build`` and every ``mkdocs serve`` rebuild) this hook
- copies the Pyodide runtime and KaTeX, pinned in package.json and installed by
  ``npm ci``, into ``assets/vendor/<package>-<version>/``;
- zips the part of ``calc/`` that the browser imports (the import closure of
  :mod:`calc.web` and its calculators: no CLI, no torch bridge);
- has ``scripts/precompile.mjs`` (Node, Pyodide's own interpreter) compile that
  zip and the standard library modules it needs to bytecode, which halves the
  start-up in the browser, and writes both as ``assets/python/<name>-<content
  hash>.zip``, so a changed archive gets a new URL. The result is cached in
  ``.cache/precompiled/``, keyed on everything it is made from. Without Node the
  build fails: shipping the stock sources instead would double every visit's
  start-up, silently;
- writes the URLs into every page as ``<script type="application/json"
  id="calc-runtime">``, relative to the folder of calc.js, which resolves them
  against its own URL: the site works under any sub-path; and loads calc.js after
  it, async, from the ``<head>``.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from _head import head_start, inline_script
from calc.calculators import MODULES

log = logging.getLogger("mkdocs.hooks.runtime")

# python_stdlib.zip is served precompiled, from assets/python/ (see precompile).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json")
PRECOMPILE = "scripts/precompile.mjs"
CACHE = ".cache/precompiled"
CACHE_KEEP = 4                          # entries kept: the newest, by time of use
KATEX_FILES = ("katex.min.css", "fonts")   # the math is typeset at build time (hooks/typeset.py)
JS_DIR = "assets/javascripts"          # where calc.js and calc-worker.js live, in docs/ and site/
WORKER = "calc-worker.js"
EARLY_WORKER = "early_worker.js"       # beside this hook: inlined after calc.js's tag
# The browser's entry points into calc: the web module, and the calculator modules that its
# registry imports by name when a page first needs them.
ENTRY_MODULES = ("calc.web", *(f"calc.calculators.{module}" for module in MODULES))


class _State:
    root: Path
    pyodide: str            # "pyodide-314.0.7", a folder under assets/vendor/
    katex: str
    archives: dict          # "stdlib" | "calc" -> (file name under assets/python/, bytes)
    early_worker: str       # the inline <script> of EARLY_WORKER


def _pinned(root: Path, package: str) -> str:
    """Folder name ``package-version`` of an npm package, checked against package.json's pin."""
    pins = json.loads((root / "package.json").read_text())["dependencies"]
    meta = root / "node_modules" / package / "package.json"
    if not meta.is_file():
        raise PluginError(f"node_modules/{package} is missing: run `npm ci` (`make build` does)")
    version = json.loads(meta.read_text())["version"]
    if version != pins[package]:
        raise PluginError(f"node_modules/{package} is {version} but package.json pins "
                          f"{pins[package]}: run `npm ci`")
    return f"{package}-{version}"


def _module_file(root: Path, parts: list[str]) -> Path | None:
    base = root.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def browser_modules(root: Path) -> list[Path]:
    """Files of the ``calc`` modules reachable by imports from ENTRY_MODULES, with their packages.

    Imports are read from the source (anywhere in it, lazy ones included);
    anything outside ``calc`` is the standard library, which Pyodide has.
    """
    todo = [name.split(".") for name in ENTRY_MODULES]
    seen: set[Path] = set()
    while todo:
        parts = todo.pop()
        path = _module_file(root, parts) if parts[0] == "calc" else None
        if path is None or path in seen:
            continue
        seen.add(path)
        todo.extend(parts[:i] for i in range(1, len(parts)))  # parent packages
        package = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                todo.extend(alias.name.split(".") for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                target = base + (node.module.split(".") if node.module else [])
                todo.append(target)
                todo.extend(target + [alias.name] for alias in node.names)  # submodules
    return sorted(seen)


def calc_zip(root: Path) -> bytes:
    """The browser's modules as a zip with fixed timestamps: same sources, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in browser_modules(root):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise PluginError("node is not on PATH: the site's Python bytecode is compiled by Pyodide "
                          f"running on Node ({PRECOMPILE}). Install Node.js (it comes with npm).")
    return node


def precompile(root: Path, pyodide: str, calc_sources: bytes) -> Path:
    """The folder of ``stdlib.zip``, ``calc.zip`` and ``report.json`` made by PRECOMPILE.

    Cached under CACHE, keyed on the Pyodide version, the script, the stock
    standard library and calc's sources; made (a few seconds) when missing.
    """
    stdlib = root / "node_modules" / "pyodide" / "python_stdlib.zip"
    script = root / PRECOMPILE
    key = hashlib.sha256()
    for part in (pyodide.encode(), script.read_bytes(), stdlib.read_bytes(), calc_sources):
        key.update(hashlib.sha256(part).digest())
    cache = root / CACHE
    out = cache / key.hexdigest()[:24]
    if not (out / "report.json").is_file():
        node = _node()
        cache.mkdir(parents=True, exist_ok=True)
        sources = cache / f"calc-sources.{os.getpid()}.zip"
        sources.write_bytes(calc_sources)
        started = time.monotonic()
        try:
            proc = subprocess.run([node, str(script), str(stdlib), str(sources), str(out)],
                                  capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired as error:
            raise PluginError(f"{PRECOMPILE} took more than {error.timeout} s") from None
        finally:
            sources.unlink()
        if proc.returncode or not (out / "report.json").is_file():
            raise PluginError(f"{PRECOMPILE} failed (exit {proc.returncode}):\n"
                              f"{proc.stdout}{proc.stderr}")
        log.info("compiled the browser's Python to bytecode in %.1f s", time.monotonic() - started)
    report = json.loads((out / "report.json").read_text())
    if report["failed"]:
        raise PluginError("in Pyodide, these calculators fail on their defaults: "
                          + ", ".join(report["failed"]))
    os.utime(out)
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and not p.name.endswith("partial")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[CACHE_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    return out


def on_config(config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    _State.root = root
    _State.pyodide = _pinned(root, "pyodide")
    _State.katex = _pinned(root, "katex")
    compiled = precompile(root, _State.pyodide, calc_zip(root))
    _State.archives = {}
    for name in ("stdlib", "calc"):
        data = (compiled / f"{name}.zip").read_bytes()
        _State.archives[name] = (f"{name}-{_digest(data)}.zip", data)
    worker = Path(config.docs_dir) / JS_DIR / WORKER

    def rel(path):  # URL relative to the folder of calc.js
        return posixpath.relpath(path, JS_DIR) + ("/" if path.endswith("/") else "")

    _State.manifest = {
        "worker": f"{WORKER}?v={_digest(worker.read_bytes())}",
        "pyodide": rel(f"assets/vendor/{_State.pyodide}/"),
        "stdlib": rel(f"assets/python/{_State.archives['stdlib'][0]}"),
        "calc": rel(f"assets/python/{_State.archives['calc'][0]}"),
        # Inline, one request fewer: its info is all Pyodide checks; calc installs no package.
        "lock": {"info": json.loads((root / "node_modules/pyodide/pyodide-lock.json")
                                    .read_text())["info"], "packages": {}},
        "pages": [],
    }
    _State.rel = rel
    _State.early_worker = inline_script(Path(__file__).parent / EARLY_WORKER)
    return config


def on_files(files, config, **kwargs):
    """The pages that hold calculators: a link to one starts the runtime on the reader's
    intent (a pointer over it, or focus), not before."""
    pages = []
    for file in files.documentation_pages():
        if re.search(r"^\s*(`{3,}|~{3,})\s*calc\s*$", file.content_string, re.M):
            pages.append(_State.rel(file.url or "./"))
    _State.manifest["pages"] = sorted(pages)
    return files


_CALCULATOR_ID = re.compile(r'<div[^>]*\bdata-calc="([^"]+)"')


def _with_manifest(html: str, where: str, calc_js: str) -> str:
    """The manifest, calc.js (async) and early_worker.js, first in the <head>: calc.js runs
    while a long page is still parsed, so a calculator parsed near the viewport starts the
    runtime at once, and a link to a calculator starts it before any stylesheet has loaded.
    The manifest names the page's calculators: the worker imports what they need as it
    starts."""
    at, head_end = head_start(html), html.find("</head>")
    if at is None or head_end < 0:
        raise PluginError(f"runtime hook: {where} has no <head>")
    ids = list(dict.fromkeys(_CALCULATOR_ID.findall(html, head_end)))
    manifest = {**_State.manifest, "calculators": ids}
    tag = ('<script type="application/json" id="calc-runtime">'
           + json.dumps(manifest).replace("</", "<\\/") + "</script>")
    script = f'<script type="module" async src="{calc_js}"></script>'
    return html[:at] + tag + script + _State.early_worker + html[at:]


def on_post_page(output, page, config, **kwargs):
    calc_js = get_relative_url(f"{JS_DIR}/calc.js", page.url)
    return _with_manifest(output, page.file.src_uri, calc_js)


def on_post_template(output_content, template_name, config, **kwargs):
    # 404.html is a template, not a page; a visit can start there, at any depth: by the
    # absolute path MkDocs gives its other links.
    if template_name == "404.html":
        base = urlsplit(config.site_url or "/").path.rstrip("/")
        return _with_manifest(output_content, template_name, f"{base}/{JS_DIR}/calc.js")
    return output_content


def _copy(src: Path, dst: Path):
    """Copy a file or a folder, skipping files already there with the same size and time."""
    if src.is_dir():
        for child in src.iterdir():
            _copy(child, dst / child.name)
        return
    if dst.is_file() and dst.stat().st_size == src.stat().st_size \
            and dst.stat().st_mtime == src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def on_post_build(config, **kwargs):
    site = Path(config.site_dir)
    node = _State.root / "node_modules"
    for name in PYODIDE_FILES:
        _copy(node / "pyodide" / name, site / "assets/vendor" / _State.pyodide / name)
    for name in KATEX_FILES:
        _copy(node / "katex/dist" / name, site / "assets/vendor" / _State.katex / name)
    for name, data in _State.archives.values():
        out = site / "assets/python" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
