"""The build tier: ``mkdocs build --strict`` of the site, its calculators, runtime files and hooks."""

import hashlib
import importlib
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
import urllib.parse
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build

pytestmark = pytest.mark.build

HOOKS = ROOT / "scripts" / "hooks"
# python_stdlib.zip is not among them: the site serves its precompiled copy from assets/python/.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json")
STOCK_STDLIB = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.syspath_prepend(str(HOOKS))
    return importlib.import_module  # hooks("calc_fence"): a module of scripts/hooks


def pages(site: Path):
    return sorted(site.rglob("*.html"))


class _Calculators(HTMLParser):
    """Each ``[data-calc]`` root: its attributes and the text of its ``.calc-output``."""

    def __init__(self):
        super().__init__()
        self.roots = []
        self._stack = []  # (tag, role) of open elements; role is "root", "output" or None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        role = ("root" if "data-calc" in a else
                "output" if "calc-output" in (a.get("class") or "").split() else None)
        if role == "root":
            self.roots.append({"attrs": a, "output": None, "form": False})
        elif role == "output" and self.roots:
            self.roots[-1]["output"] = ""
        if self.roots and "calc-form" in (a.get("class") or "").split():
            self.roots[-1]["form"] = True
        if tag not in ("input", "br", "img", "meta", "link", "hr", "wbr"):
            self._stack.append((tag, role))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(role == "output" for _, role in self._stack):
            self.roots[-1]["output"] += data


def calculators(html: str):
    parser = _Calculators()
    parser.feed(html)
    return parser.roots


def manifest(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="calc-runtime">(.*?)</script>', html)
    assert m, "page lacks the calc-runtime manifest"
    return json.loads(m[1])


# --- the real site ---------------------------------------------------------------------

def test_build_has_no_warnings(built_site):
    warnings = [line for line in built_site.log.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)


def test_every_calc_fence_is_prerendered(built_site, hooks):
    fences = hooks("_fences").fences
    expected = sum(f.language == "calc" for md in (ROOT / "docs").rglob("*.md")
                   for f in fences(md.read_text()))
    found = 0
    for page in pages(built_site.path):
        html = page.read_text()
        assert "language-calc" not in html and "```calc" not in html, f"raw calc fence in {page}"
        for root in calculators(html):
            found += 1
            assert root["attrs"]["data-calc-state"] == "static", page
            assert root["form"], f"{page}: {root['attrs']['data-calc']} has no form"
            assert root["output"] and root["output"].strip(), \
                f"{page}: {root['attrs']['data-calc']} has an empty .calc-output"
    assert found == expected


def test_every_page_declares_its_charset_within_its_first_1024_bytes(built_site):
    """The hooks put their scripts after the charset declaration, never before: a browser looks
    for it in the first 1024 bytes only (else it guesses, and may parse the page twice)."""
    for page in pages(built_site.path):
        head = page.read_bytes()[:1024].lower()
        assert b'<meta charset="utf-8">' in head, page


def test_every_page_hands_the_theme_script_to_the_bundle_gate(built_site):
    """mkdocs-material's own <script src=bundle> is gone from every page: bundle_gate.js loads
    the bundle (preloaded from the <head>) when the calculators let it, from a URL that exists."""
    for page in pages(built_site.path):
        html = page.read_text()
        assert not re.search(r'<script src="[^"]*/bundle\.[0-9a-f]+\.min\.js"', html), page
        calls = re.findall(r'<script>__calcBundle\(("[^"]*")\)</script>', html)
        assert len(calls) == 1, page
        src = json.loads(calls[0])
        assert f'<link rel="preload" href="{src}" as="script">' in html, page
        assert html.index("window.__calcBundle =") < html.index("</head>"), page
        if src.startswith("/"):   # 404.html's URLs are absolute: the site is served at /guide/
            src = src.removeprefix(urllib.parse.urlsplit(built_site.url).path)
            path = built_site.path / src
        else:
            path = page.parent / src
        assert path.is_file(), (page, src)


def test_runtime_files_are_served_by_the_site(built_site):
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    vendor = built_site.path / "assets" / "vendor"
    for name in PYODIDE_FILES:
        assert (vendor / f"pyodide-{pins['pyodide']}" / name).stat().st_size > 0, name
    katex = vendor / f"katex-{pins['katex']}"
    assert not (katex / "katex.min.js").exists()   # the math is typeset at build time
    css = (katex / "katex.min.css").read_text()
    for font in set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)):
        assert (katex / font).is_file(), font
    # Every page names the same runtime, by URLs relative to the folder of calc.js, and its
    # own calculators (the worker imports what they need as it starts), in page order.
    js = built_site.path / "assets" / "javascripts"
    urls = set()
    for page in pages(built_site.path):
        html = page.read_text()
        paths = manifest(html)
        on_page = list(dict.fromkeys(re.findall(r'<div class="calc" [^>]*data-calc="([^"]+)"', html)))
        assert paths.pop("calculators") == on_page, page
        urls.add(json.dumps(paths, sort_keys=True))
    assert len(urls) == 1
    paths = json.loads(urls.pop())
    assert (js / paths["worker"].split("?")[0]).is_file()
    assert (js / paths["calc"]).is_file()
    assert (js / paths["stdlib"]).is_file()
    assert (js / paths["pyodide"] / "pyodide.mjs").is_file()
    assert (js / "calc.js").is_file()
    # The lock file travels inline (one request fewer), with no package: calc installs none.
    lock = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert paths["lock"] == {"info": lock["info"], "packages": {}}


def _archive(built_site, name: str) -> Path:
    (zip_path,) = (built_site.path / "assets" / "python").glob(f"{name}-*.zip")
    return zip_path


def _calc_zip(built_site) -> Path:
    return _archive(built_site, "calc")


@pytest.mark.parametrize("name", ["calc", "stdlib"])
def test_archives_are_named_by_their_content(built_site, name):
    zip_path = _archive(built_site, name)
    assert zip_path.name == f"{name}-{hashlib.sha256(zip_path.read_bytes()).hexdigest()[:12]}.zip"


def test_calc_zip_holds_the_bytecode_of_every_source(built_site, hooks):
    sources = zipfile.ZipFile(io.BytesIO(hooks("runtime").calc_zip(ROOT))).namelist()
    names = zipfile.ZipFile(_calc_zip(built_site)).namelist()
    assert sorted(names) == sorted(n + "c" for n in sources if n.endswith(".py"))
    assert all(n.startswith("calc/") for n in names), names
    for left_out in ("calc/torch_bridge.pyc", "calc/cli.pyc", "calc/__main__.pyc"):
        assert left_out not in names


@pytest.mark.parametrize("name", ["calc", "stdlib"])
def test_archives_are_stored_for_transfer_compression(built_site, name):
    """A deflated archive is one that gzip or brotli on the wire cannot shrink further."""
    infos = zipfile.ZipFile(_archive(built_site, name)).infolist()
    assert infos and {i.compress_type for i in infos} == {zipfile.ZIP_STORED}


def _module_names(archive: zipfile.ZipFile, suffixes) -> set:
    return {n.rsplit(".", 1)[0] for n in archive.namelist() if n.endswith(suffixes)}


def test_precompiled_stdlib_is_what_pyodide_and_calc_load(built_site, pyodide_report):
    """Bytecode only, of modules in Pyodide's own archive, and exactly the ones a run of every
    calculator loads: nothing else goes on the wire."""
    stock = _module_names(zipfile.ZipFile(STOCK_STDLIB), ".py")
    shipped = zipfile.ZipFile(_archive(built_site, "stdlib"))
    assert all(n.endswith(".pyc") for n in shipped.namelist())
    modules = _module_names(shipped, ".pyc")
    assert modules <= stock
    as_paths = {m.replace(".", "/") for m in pyodide_report["stdlib_bytecode"]}
    assert {m.removesuffix("/__init__") for m in modules} == as_paths
    assert "html/entities" not in modules   # calc escapes HTML itself (calc.render.html)


@pytest.fixture(scope="module")
def pyodide_report(built_site):
    """What scripts/precompile.mjs --check saw importing calc.web and running every
    calculator in Pyodide on Node, from the site's own archives."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    proc = subprocess.run(
        [node, str(ROOT / "scripts" / "precompile.mjs"), "--check",
         str(_archive(built_site, "stdlib")), str(_calc_zip(built_site))],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_pyodide_imports_the_shipped_bytecode_and_compiles_nothing(pyodide_report):
    assert pyodide_report["stdlib_source"] == []
    assert pyodide_report["calc_source"] == []
    assert len(pyodide_report["stdlib_bytecode"]) > 50
    assert {"calc.web", "calc.calculators"} <= set(pyodide_report["calc_bytecode"])
    assert pyodide_report["failed"] == []


def test_the_bytecode_is_for_pyodides_python(built_site, pyodide_report):
    lock = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert pyodide_report["python"] == lock["info"]["python"]
    magic = bytes.fromhex(pyodide_report["magic"])
    for name in ("stdlib", "calc"):
        archive = zipfile.ZipFile(_archive(built_site, name))
        pycs = [n for n in archive.namelist() if n.endswith(".pyc")]
        assert pycs
        for pyc in pycs:
            header = archive.read(pyc)[:8]
            assert header[:4] == magic, pyc
            assert int.from_bytes(header[4:], "little") == 0b01, pyc   # hash-based, unchecked


def test_without_node_the_build_stops(hooks, monkeypatch):
    from mkdocs.exceptions import PluginError
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PluginError, match="node is not on PATH"):
        hooks("runtime")._node()


def test_calc_sources_alone_run_every_calculator(hooks, tmp_path):
    """The sources the build compiles for the browser (the same files, in CPython here) are
    enough on their own: nothing the calculators need was left out of the archive."""
    zipfile.ZipFile(io.BytesIO(hooks("runtime").calc_zip(ROOT))).extractall(tmp_path)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import calc.web as web
        assert web.__file__.startswith({str(tmp_path)!r}), web.__file__
        assert web.CALCULATORS, "no calculator registered"
        for calc_id in web.CALCULATORS:
            web.render_calculator(calc_id, {{}})
            assert "calc-error" not in web.run(calc_id, "{{}}"), calc_id
        print(len(web.CALCULATORS))
    """)
    # -I -S: no site-packages (where calc is installed), no environment, no current directory.
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) >= 1


def test_math_is_typeset_at_build_time(built_site):
    html = (built_site.path / "introduction" / "index.html").read_text()
    assert '<span class="arithmatex"><span class="katex">' in html
    assert '<div class="arithmatex"><span class="katex-display">' in html
    assert '<annotation encoding="application/x-tex">' in html   # MathML, for screen readers
    for page in pages(built_site.path):
        text = page.read_text()
        assert not re.search(r'class="arithmatex">\s*\\[(\[]', text), page   # no raw TeX left
        assert "katex.min.css" in text, page   # instant navigation never swaps the <head>


def test_tex_that_katex_refuses_fails_the_build(hooks, tmp_path):
    from mkdocs.exceptions import PluginError
    math = hooks("typeset")
    math._State.root = ROOT
    with pytest.raises(PluginError, match=r"KaTeX refuses this TeX:\n  '\\\\frac\{a'"):
        math.typeset([("\\frac{a", True)])
    assert "<math" in math.typeset([("k + 2p", False)])[("k + 2p", False)]


def test_shortcodes_are_all_expanded(built_site):
    for page in pages(built_site.path):
        assert "{{=" not in page.read_text(), page


# --- the hooks, on tiny sites built for the purpose --------------------------------------

def tiny_site(tmp_path: Path, pages: dict) -> Path:
    """A site with only the calculator and shortcode hooks; returns its mkdocs.yml."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(textwrap.dedent(text).lstrip())
    config = tmp_path / "mkdocs.yml"
    config.write_text(textwrap.dedent(f"""
        site_name: tiny
        theme: mkdocs
        hooks:
          - {HOOKS / 'page_checks.py'}
          - {HOOKS / 'shortcodes.py'}
          - {HOOKS / 'calc_fence.py'}
        markdown_extensions:
          - pymdownx.superfences
          - pymdownx.snippets:
              base_path: ["{tmp_path}"]
              check_paths: true
    """))
    return config


def test_fences_and_shortcodes_render(tmp_path):
    config = tiny_site(tmp_path, {"index.md": """
        # Tiny

        AlexNet's first layer gives {{= conv_output_size(227, 11, stride=4) }}.

        ```calc
        id: conv-output
        size: [224, 192]   # height, width
        kernel_size: 7
        ```

        ```python
        x = "{{= left as written }}"
        ```

        ```calc
        id: conv-output
        ```
    """})
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode == 0, log.output
    html = (tmp_path / "site" / "index.html").read_text()
    assert "first layer gives 55." in html
    assert "{{= left as written }}" in html
    roots = calculators(html)
    assert [r["attrs"]["data-calc"] for r in roots] == ["conv-output", "conv-output"]
    assert 'id="conv-output-1-size"' in html and 'id="conv-output-2-size"' in html
    assert re.search(r'<input[^>]*id="conv-output-1-size_w"[^>]*value="192"', html)
    assert re.search(r'<input[^>]*id="conv-output-1-per_axis"[^>]*checked', html)


def test_a_calculators_anchor_counts_its_own_id_as_calc_js_does(built_site):
    """#calc-<id> for a page's first calculator of an id, #calc-<id>-<n> for its n-th: the
    same key calc.js gives the calculator's state in the query string."""
    html = (built_site.path / "convolution-arithmetic" / "index.html").read_text()
    anchors = re.findall(r'<div class="calc" id="calc-([^"]+)" data-calc="([^"]+)"', html)
    seen, expected = {}, []
    for _, calc_id in anchors:
        seen[calc_id] = seen.get(calc_id, 0) + 1
        expected.append(calc_id if seen[calc_id] == 1 else f"{calc_id}-{seen[calc_id]}")
    assert [a for a, _ in anchors] == expected
    assert "conv-output-2" in expected and "pool-output" in expected


@pytest.mark.parametrize("fence, line, message", [
    ("id: no-such-calculator\nsize: 3", 5, "calc fence: id must be one of "),
    ("id: conv-output\nstride: 0", 5, "calc fence: stride must be >= 1, got 0"),
    ("id: conv-output\nstride: two", 5, "calc fence: stride must be a whole number, got 'two'"),
    ("id: conv-output\nstrid: 2", 5, "calc fence: conv-output has no field 'strid'"),
    ("size: 3", 5, "calc fence: id is required"),
    ("id: conv-output\nsize 3", 5, "calc fence: line 2 of the fence must be 'key: value'"),
])
def test_a_bad_fence_fails_the_build_naming_page_and_line(tmp_path, fence, line, message):
    config = tiny_site(tmp_path, {"index.md": "# Fine\n", "sub/bad.md": (
        "---\ntitle: Bad\n---\n\n```calc\n" + fence + "\n```\n")})
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode != 0
    assert f"sub/bad.md:{line}: {message}" in log.output, log.output
    assert not (tmp_path / "site" / "sub" / "bad" / "index.html").exists()


def test_a_failing_shortcode_fails_the_build_naming_page_and_line(tmp_path):
    config = tiny_site(tmp_path, {"index.md": """
        ---
        title: Front matter shifts the lines
        ---
        # Page

        fine: {{= 1 + 1 }}
        broken: {{= conv_output_size(3, 5) }}
    """})
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode != 0
    assert ("index.md:7: {{= conv_output_size(3, 5) }} failed: CalcError: kernel_size (5) must be "
            "<= padded input size") in log.output, log.output


# --- units of the hooks ----------------------------------------------------------------

def test_shortcode_namespace(hooks):
    """The names a page's {{= }} sees: calc.arithmetic, the zoo (every preset and family
    member), the generator designer and the transposed convolution's taps."""
    shortcodes = hooks("shortcodes")
    expanded = shortcodes.expand(
        "{{= plan_sizes(96, 64) }} | {{= len(design(100, (3, 64, 64)).stages) }} | "
        "{{= transpose_taps(4, 3, 2, 1) }} | {{= design(100, [3, 64, 64]) is "
        "design(100, (3, 64, 64)) }} | {{= grouped(summarize(get_model('densenet264')).params) }}"
        " | {{= get_model('preact_resnet1001').name }} | {{= conv_output_size(227, 11, 4) }}",
        "x.md")
    assert expanded == ("[(6, 4), (12, 8), (24, 16), (48, 32), (96, 64)] | 5 | "
                        "(1, 2, 1, 2, 1, 2, 1) | True | 33,337,704 | preact_resnet1001 | 55")


def test_fence_values(hooks):
    parse = hooks("calc_fence").parse
    assert parse("id: a\nsize: [224, 192]\nceil_mode: true\nn: -3\nname: 'x y'\nmodel: resnet50") \
        == {"id": "a", "size": [224, 192], "ceil_mode": True, "n": -3, "name": "x y",
            "model": "resnet50"}
    assert parse("# comment\n\nk: 3  # trailing comment") == {"k": 3}
    with pytest.raises(ValueError, match="k is given twice"):
        parse("k: 1\nk: 2")


def test_fences_are_found_with_their_lines(hooks):
    fences = hooks("_fences").fences
    text = "a\n````md\n```calc\nid: x\n```\n````\n\n- item\n\n    ```calc\n    id: y\n    ```\n"
    found = [(f.line, f.language, f.body) for f in fences(text)]
    assert found == [(2, "md", "```calc\nid: x\n```"), (10, "calc", "id: y")]


def test_browser_modules_leave_out_cli_and_torch(hooks):
    names = {p.relative_to(ROOT).as_posix() for p in hooks("runtime").browser_modules(ROOT)}
    assert {"calc/__init__.py", "calc/web.py", "calc/errors.py", "calc/calculators/__init__.py"} \
        <= names
    assert not names & {"calc/cli.py", "calc/__main__.py", "calc/torch_bridge.py"}


@pytest.mark.parametrize("page, line, message", [
    ("# T\n\n```calc\nid: conv-output\n\nLater {{= 1 + 1 }}.\n", 3,
     "the fence opened here is never closed"),
    ('# T\n\n```calc title="x"\nid: conv-output\n```\n', 3,
     "a ```calc fence takes no options after its name"),
    ("# T\n\nSplit {{= conv_output_size(227,\n11, stride=4) }} here.\n", 3,
     "'{{=' without '}}' on the same line"),
    ('# T\n\n```text\n--8<-- "numbers.txt"\n```\n', 4,
     "the snippet numbers.txt holds '{{='"),
])
def test_malformed_pages_fail_the_build_naming_page_and_line(tmp_path, page, line, message):
    (tmp_path / "numbers.txt").write_text("AlexNet: {{= conv_output_size(227, 11, stride=4) }}\n")
    config = tiny_site(tmp_path, {"index.md": "# Fine\n", "sub/bad.md": page})
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode != 0
    assert f"sub/bad.md:{line}: " in log.output and message in log.output, log.output
