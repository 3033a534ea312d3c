"""Everything the live calculators and the math need, served by the site itself.

At build time (``mkdocs build`` and every ``mkdocs serve`` rebuild) this hook
- copies the Pyodide runtime and KaTeX, pinned in package.json and installed by
  ``npm ci``, into ``assets/vendor/<package>-<version>/``;
- zips the part of ``calc/`` that the browser imports (the import closure of
  :mod:`calc.web` and its calculators: no CLI, no torch bridge) into
  ``assets/python/calc-<content hash>.zip``, so a changed package gets a new URL;
- writes the URLs into every page as ``<script type="application/json"
  id="calc-runtime">``, relative to the folder of calc.js, which resolves them
  against its own URL: the site works under any sub-path.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import posixpath
import shutil
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
KATEX_FILES = ("katex.min.js", "katex.min.css", "fonts")
JS_DIR = "assets/javascripts"          # where calc.js and calc-worker.js live, in docs/ and site/
WORKER = "calc-worker.js"
# The browser's entry points into calc: the web module and, through its lazy
# import, every calculator module.
ENTRY_MODULES = ("calc.web", "calc.calculators")


class _State:
    root: Path
    pyodide: str            # "pyodide-314.0.7", a folder under assets/vendor/
    katex: str
    zip_name: str
    zip_bytes: bytes
    manifest_tag: str


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


def on_config(config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    _State.root = root
    _State.pyodide = _pinned(root, "pyodide")
    _State.katex = _pinned(root, "katex")
    _State.zip_bytes = calc_zip(root)
    _State.zip_name = f"calc-{_digest(_State.zip_bytes)}.zip"
    worker = Path(config.docs_dir) / JS_DIR / WORKER

    def rel(path):  # URL relative to the folder of calc.js
        return posixpath.relpath(path, JS_DIR) + ("/" if path.endswith("/") else "")

    manifest = {
        "worker": f"{WORKER}?v={_digest(worker.read_bytes())}",
        "pyodide": rel(f"assets/vendor/{_State.pyodide}/"),
        "calc": rel(f"assets/python/{_State.zip_name}"),
        "katex": rel(f"assets/vendor/{_State.katex}/"),
    }
    _State.manifest_tag = ('<script type="application/json" id="calc-runtime">'
                           + json.dumps(manifest).replace("</", "<\\/") + "</script>")
    return config


def _with_manifest(html: str, where: str) -> str:
    head_end = html.find("</head>")
    if head_end < 0:
        raise PluginError(f"runtime hook: {where} has no </head>")
    return html[:head_end] + _State.manifest_tag + html[head_end:]


def on_post_page(output, page, config, **kwargs):
    return _with_manifest(output, page.file.src_uri)


def on_post_template(output_content, template_name, config, **kwargs):
    # 404.html is a template, not a page; a visit can start there.
    if template_name == "404.html":
        return _with_manifest(output_content, template_name)
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
    out = site / "assets/python" / _State.zip_name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_State.zip_bytes)
