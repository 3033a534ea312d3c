"""calc.web: field validation, escaping, and the never-raise contract of run()."""

import json

import pytest
from hypothesis import given, strategies as st

from calc import CalcError, web
from calc.calculators.spec import Calculator, Field, parse_params
from calc.render import html

ECHO = Calculator(
    id="test-echo", title="Echo <b>", description="",
    fields=(Field("size", "Input size", default=8, minimum=1, maximum=4096, pair=True),
            Field("ceil_mode", "Ceil mode", kind="bool", default=False),
            Field("kind", "Kind", kind="choice", default="conv", choices=("conv", "pool"))),
    compute=lambda v: "<p>" + html.escape(repr(sorted(v.items()))) + "</p>",
)


@pytest.fixture
def echo():
    web.CALCULATORS[ECHO.id] = ECHO
    yield ECHO
    del web.CALCULATORS[ECHO.id]


def test_parse_params_types_and_pairs():
    v = parse_params(ECHO, {"size": " 32 ", "size_w": "16", "ceil_mode": True, "kind": "pool"})
    assert v == {"size": (32, 32), "ceil_mode": True, "kind": "pool", "per_axis": False}
    v = parse_params(ECHO, {"size": "32", "size_w": "16", "per_axis": True})
    assert v["size"] == (32, 16)


@pytest.mark.parametrize("raw, message", [
    ({"size": ""}, "size is required"),
    ({"size": "-3"}, "size must be >= 1, got -3"),
    ({"size": "1e9"}, "size must be a whole number, got '1e9'"),
    ({"size": "99999999999999"}, "size must be a whole number"),
    ({"size": "5000"}, "size must be <= 4096, got 5000"),
    ({"size": 3.5}, "size must be a whole number"),
    ({"size": "4", "size_w": "x", "per_axis": True}, "size_w must be a whole number"),
    ({"ceil_mode": "maybe"}, "ceil_mode must be true or false"),
    ({"kind": "<img src=x onerror=alert(1)>"}, "kind must be one of conv, pool"),
])
def test_bad_values_name_the_field(raw, message):
    with pytest.raises(CalcError, match="^" + message.replace("(", "\\(").replace(")", "\\)")
                       .replace("?", "\\?")):
        parse_params(ECHO, raw)


def test_run_never_raises_and_escapes(echo):
    out = web.run("test-echo", json.dumps({"size": "<img src=x onerror=alert(1)>"}))
    assert 'class="calc-error"' in out and "<img" not in out and "&lt;img" in out
    assert "calc-error" in web.run("no-such-calc", "{}")
    assert "parameters must be JSON" in web.run("test-echo", "{not json")
    assert "parameters must be an object" in web.run("test-echo", "[1, 2]")
    assert "<p>" in web.run("test-echo", '{"size": "12"}')


@given(st.dictionaries(st.sampled_from(["size", "size_w", "per_axis", "ceil_mode", "kind", "x"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                 st.text(max_size=12))))
def test_run_returns_result_or_clear_error(raw):
    web.CALCULATORS[ECHO.id] = ECHO
    try:
        out = web.run(ECHO.id, json.dumps(raw))
    finally:
        del web.CALCULATORS[ECHO.id]
    assert out.startswith("<p>") or out.startswith('<p class="calc-error" role="alert">')
    assert "internal error" not in out


def test_render_calculator_form(echo):
    page = web.render_calculator("test-echo", {"size": [32, 16], "kind": "pool"}, instance=2)
    assert 'data-calc="test-echo"' in page and 'data-calc-state="static"' in page
    assert 'id="test-echo-2-size"' in page and 'for="test-echo-2-size"' in page
    assert 'name="size_w"' in page and 'value="16"' in page
    assert 'name="per_axis" type="checkbox" checked' in page
    assert "Echo &lt;b&gt;" in page
    assert "(32, 16)" in page  # the pre-rendered result uses the defaults


@pytest.mark.parametrize("defaults, message", [
    ({"sise": 3}, "test-echo has no field 'sise'"),
    ({"size": 0}, "size must be >= 1, got 0"),
])
def test_bad_defaults_raise(echo, defaults, message):
    with pytest.raises(CalcError, match=message):
        web.render_calculator("test-echo", defaults)


@pytest.mark.parametrize("params", ["[" * 100000, "{" * 50000, '{"a": ' * 30000,
                                    '{"size": "' + "9" * 2_000_000 + '"}', "\ud800", 12, None,
                                    [1, 2], {"size": float("nan")}])
def test_run_never_raises_on_hostile_json(params):
    for calc_id in sorted(web.CALCULATORS):
        out = web.run(calc_id, params)
        assert out.startswith("<"), out[:80]
        assert "internal error" not in out and "Traceback" not in out


@pytest.mark.parametrize("text", ["+-3", "\u00b2", "\uff13", "9" * 5000, "1_000", " 1 2 ",
                                  "0x10", "\u0663"])
def test_numbers_follow_one_ascii_rule(text):
    with pytest.raises(CalcError, match="^size must be a whole number"):
        parse_params(ECHO, {"size": text})
    out = web.run("conv-output", json.dumps({"size": text}))
    assert "size must be a whole number" in out and "internal error" not in out


@given(st.text())
def test_escape_is_the_standard_librarys(text):
    import html as stdlib_html

    from calc.render.html import escape
    assert escape(text) == stdlib_html.escape(text, quote=True)


def test_the_browser_never_loads_html_entities():
    """calc's imports stay off the standard library's html package (its entity table alone
    is 28 kB on the browser's wire); precompile.mjs would ship whatever calc loads."""
    import subprocess
    import sys
    code = "import sys, calc.web; print('html' in sys.modules, 'html.entities' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_worker_imports_only_what_the_page_needs():
    """calc.web alone imports no calculator module; prepare() imports the modules of the ids
    it is given and no other (the arithmetic chapter's start-up skips the zoo, the designer and
    torch-free network analysis alike); an unknown id is ignored."""
    import subprocess
    import sys
    code = ("import sys, json, calc.web as web\n"
            "mods = lambda: sorted(m for m in sys.modules if m.startswith('calc.calculators.'))\n"
            "print(json.dumps(mods()))\n"
            "web.prepare(json.dumps(['conv-output', 'padding-solver', 'no-such-id']))\n"
            "print(json.dumps(mods()))\n"
            "print('calc.network' in sys.modules, 'calc.models' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, prepared, heavy = out.stdout.splitlines()
    assert json.loads(first) == ["calc.calculators.spec"]
    assert json.loads(prepared) == ["calc.calculators._common", "calc.calculators.arithmetic",
                                    "calc.calculators.solvers", "calc.calculators.spec"]
    assert heavy == "False False"


def test_the_registry_lists_what_each_module_defines():
    """MODULES is the one list of ids: every module defines exactly what it says, in order,
    and a module that would define something else fails loudly."""
    from calc.calculators import MODULES, Registry
    registry = Registry(MODULES)
    assert list(registry) == [i for ids in MODULES.values() for i in ids]
    assert [registry[i].id for i in registry] == list(registry)
    lying = Registry({"arithmetic": ("conv-output",)})
    with pytest.raises(RuntimeError, match="defines"):
        lying["conv-output"]
    with pytest.raises(RuntimeError, match="listed twice"):
        Registry({"arithmetic": ("a",), "solvers": ("a",)})
