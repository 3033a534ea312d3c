"""The browser tier: the built site in the system's Chromium, driven by Playwright.

The site is the session's strict build (conftest's ``built_site``), served on loopback
under /guide/. One browser for the session; each test gets a fresh context (its own
cache, no state from another test) that records every request, console error, dialog
and worker. Tests wait on conditions, never on sleeps: Pyodide starts in 2-4 s here.

Skips where Playwright or Chromium is missing; in CI (``CI=true``) conftest turns a
skip of this tier into a failure.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser_support import (ALL_LIVE_JS, ALL_SETTLED_JS, AS_PARSED_JS, CHROMIUM_FLAGS,
                             FORM_VALUES_JS, START_TIMEOUT_MS, STATES_JS, chromium_executable)
from conftest import ROOT


def pages(site: Path):
    return sorted(site.rglob("*.html"))

pytestmark = pytest.mark.browser

CHAPTER = "convolution-arithmetic/"   # the page with the calculators, relative to the site
OTHER_PAGE = "conventions/"           # a page without calculators, reached by instant navigation
UPDATE_TIMEOUT_MS = 10_000            # one calculation, page -> worker -> page
HOSTILE_HTML = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    executable = chromium_executable()
    if executable is None:
        pytest.skip("Chromium not found: `apt-get install chromium` (or set CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
        yield browser
        browser.close()


@dataclass
class Visit:
    """One browser context with one page, and everything it asked for or complained about."""
    base: str                                         # the site's URL, ending in /
    context: object
    page: object
    requests: list[str] = field(default_factory=list)     # every URL requested, workers' included
    downloads: list[str] = field(default_factory=list)    # the URLs of those that were GETs
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)      # URL of each worker started

    def open(self, path: str = CHAPTER):
        self.page.goto(self.base + path)
        scroll_to_calculators(self.page)
        return self.page

    def calc_workers(self) -> list[str]:
        return [url for url in self.workers if "calc-worker.js" in url]

    def foreign(self) -> list[str]:
        """Requested URLs that leave 127.0.0.1 (data: and blob: stay in the page)."""
        return [url for url in self.requests if urllib.parse.urlsplit(url).scheme not in
                ("data", "blob") and urllib.parse.urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture
def visit(browser, built_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    v = Visit(built_site.url, context, page)
    context.on("request", lambda request: v.requests.append(request.url))
    context.on("request", lambda request: request.method == "GET" and v.downloads.append(request.url))
    page.on("console", lambda m: m.type == "error" and v.console_errors.append(m.text))
    page.on("pageerror", lambda error: v.console_errors.append(f"uncaught: {error}"))
    page.on("worker", lambda worker: v.workers.append(worker.url))

    def on_dialog(dialog):
        v.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()
    page.on("dialog", on_dialog)
    yield v
    context.close()
    assert v.foreign() == [], "requests left loopback"


# --- helpers ------------------------------------------------------------------------------

def scroll_to_calculators(page):
    """A reader who reaches the first calculator: the runtime starts on that intent."""
    page.evaluate("document.querySelector('[data-calc]')?.scrollIntoView()")


def wait_live(page):
    """Every calculator on the page is ready with nothing in flight (else the states)."""
    scroll_to_calculators(page)
    try:
        page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
    except Exception:
        statuses = page.eval_on_selector_all(".calc-status", "els => els.map(e => e.textContent)")
        pytest.fail(f"calculators did not go live: states {page.evaluate(STATES_JS)}, "
                    f"statuses {statuses}", pytrace=False)


@contextmanager
def fresh_reader(browser, url: str):
    """The page at ``url`` as a new reader meets it (a context holding nothing of the
    test's), its calculators live."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        wait_live(page)
        yield page
    finally:
        context.close()


def roots(page):
    return page.locator("[data-calc]")


def output_html(root) -> str:
    return root.locator(".calc-output").inner_html()


def diagrams(root) -> list[str]:
    return root.locator(".calc-output svg").evaluate_all("els => els.map(e => e.outerHTML)")


def expected_html(page, root) -> str:
    """What calc.web.run in CPython gives for the values the root's form holds now,
    as the page's parser serialises it."""
    import calc.web
    raw = root.evaluate(FORM_VALUES_JS)
    return page.evaluate(AS_PARSED_JS, calc.web.run(root.get_attribute("data-calc"), json.dumps(raw)))


def expected_part(root, name: str) -> str:
    """What calc.web.part in CPython writes for the root's current values."""
    import calc.web
    raw = root.evaluate(FORM_VALUES_JS)
    return json.loads(calc.web.part(root.get_attribute("data-calc"), name, json.dumps(raw)))["text"]


def wait_output(page, root, expected: str, status: str = ""):
    """Wait until the root's output is ``expected`` with no update in flight; assert it, and
    that the root's status line reads ``status``."""
    handle = root.element_handle()
    try:
        page.wait_for_function(
            """([root, html]) => {
                 const out = root.querySelector('.calc-output');
                 return !out.hasAttribute('aria-busy') && out.innerHTML === html;
               }""", arg=[handle, expected], timeout=UPDATE_TIMEOUT_MS)
    except Exception:
        pass  # the assertion below shows the difference
    assert output_html(root) == expected
    assert root.locator(".calc-status").text_content() == status


def set_raw(field_locator, value: str):
    """Put any text in a number input, as a reader's script or a tampered page could:
    the input becomes type=text (a number input refuses text), then an input event."""
    field_locator.evaluate("""(el, value) => {
        el.type = 'text';
        el.value = value;
        el.dispatchEvent(new Event('input', { bubbles: true }));
    }""", value)


def fence_ids(markdown: Path) -> list[str]:
    """The ``id:`` of every ```calc fence of a page, in order."""
    return re.findall(r"^```calc\s*\n(?:.*\n)*?id:\s*(\S+)", markdown.read_text(), re.M)


def page_title(built_site, path: str) -> str:
    html = (built_site.path / path / "index.html").read_text()
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


def navigate_by_nav_link(page, built_site, path: str):
    """Click the primary navigation's link to ``path`` and wait for that page's title."""
    page.locator(f'.md-nav--primary a.md-nav__link[href$="{path}"]').first.click()
    title = page_title(built_site, path)
    page.wait_for_function("title => document.title === title", arg=title)


# --- the tests ----------------------------------------------------------------------------

def test_the_server_sends_wasm_as_application_wasm(built_site):
    # loadPyodide hangs without an error if the .wasm has another type
    html = (built_site.path / CHAPTER / "index.html").read_text()
    folder = json.loads(re.search(r'id="calc-runtime">(.*?)</script>', html)[1])["pyodide"]
    url = urllib.parse.urljoin(built_site.url + "assets/javascripts/", folder) + "pyodide.asm.wasm"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/wasm"
    with urllib.request.urlopen(url.replace(".asm.wasm", ".mjs"), timeout=10) as response:
        assert response.headers["Content-Type"] in ("text/javascript", "application/javascript")


def test_every_calculator_of_the_chapter_goes_live(visit):
    page = visit.open()
    wait_live(page)
    ids = page.eval_on_selector_all("[data-calc]", "els => els.map(e => e.dataset.calc)")
    assert ids == fence_ids(ROOT / "docs" / "convolution-arithmetic.md")
    assert page.eval_on_selector_all(".calc-status", "els => els.map(e => e.textContent)") \
        == [""] * len(ids)
    assert visit.calc_workers() and len(visit.calc_workers()) == 1
    assert visit.console_errors == []


# calculator id -> (label of one of its fields, a new value that changes the result)
CHANGES = {
    "conv-output": ("Stride", "2"),
    "pool-output": ("Kernel size", "2"),
    "conv-transpose-output": ("Stride", "3"),
    "padding-solver": ("Target output size", "100"),
    "inverse-solver": ("Target output size", "56"),
}


def test_an_input_change_updates_result_and_diagram_as_cpython_computes_them(visit):
    page = visit.open()
    wait_live(page)
    seen = set()
    for i in range(roots(page).count()):
        root = roots(page).nth(i)
        calc_id = root.get_attribute("data-calc")
        if calc_id in seen:
            continue
        seen.add(calc_id)
        label, value = CHANGES[calc_id]
        before = output_html(root)
        diagram_before = diagrams(root)
        field_input = root.get_by_label(label)
        field_input.fill(value)
        assert root.evaluate(FORM_VALUES_JS)[field_input.get_attribute("name")] == value
        expected = expected_html(page, root)
        assert expected != before, f"{calc_id}: the change should change the result"
        wait_output(page, root, expected)
        if diagram_before:  # the diagram is redrawn for the new values
            diagram_after = diagrams(root)
            assert diagram_after and diagram_after != diagram_before, calc_id
    assert seen == set(CHANGES)
    assert visit.console_errors == []


def test_instant_navigation_mounts_calculators_without_reloading_pyodide(visit, built_site):
    page = visit.open()
    wait_live(page)
    page.evaluate("window.__sameDocument = true")  # gone if a navigation reloads the page
    root = roots(page).first
    root.get_by_label("Stride").fill("3")
    changed = expected_html(page, root)
    wait_output(page, root, changed)

    navigate_by_nav_link(page, built_site, OTHER_PAGE)   # at once: no wait for the link
    assert roots(page).count() == 0
    assert "conv-output." not in page.url   # the chapter's state stays in the chapter's entry
    page.go_back()  # the history entry holds the changed state in its query string
    page.wait_for_function("title => document.title === title",
                           arg=page_title(built_site, CHAPTER))
    wait_live(page)  # each root was pre-rendered "static": ready means it was mounted again
    root = roots(page).first
    assert root.get_by_label("Stride").input_value() == "3"
    wait_output(page, root, changed)

    navigate_by_nav_link(page, built_site, OTHER_PAGE)
    navigate_by_nav_link(page, built_site, CHAPTER)  # a plain link: the page's own values
    assert roots(page).count() == len(fence_ids(ROOT / "docs" / "convolution-arithmetic.md"))
    wait_live(page)
    root = roots(page).first
    assert root.get_by_label("Stride").input_value() == root.get_by_label("Stride").evaluate(
        "el => el.defaultValue")
    root.get_by_label("Stride").fill("2")  # and the new page's calculators compute
    wait_output(page, root, expected_html(page, root))

    assert page.evaluate("window.__sameDocument") is True, "a navigation reloaded the page"
    assert len(visit.calc_workers()) == 1
    # the worker also asks for the wasm's headers (HEAD) once, at start-up
    assert len([u for u in visit.downloads if u.endswith("pyodide.asm.wasm")]) == 1
    assert len([u for u in visit.requests if u.endswith("pyodide.asm.wasm")]) == 2
    assert len([u for u in visit.downloads if "/assets/python/calc-" in u]) == 1
    assert visit.console_errors == []


def _snapshot(page):
    return [(r.get_attribute("data-calc"), r.evaluate(FORM_VALUES_JS), output_html(r))
            for r in roots(page).all()]


def test_a_shared_link_restores_the_state(visit, browser):
    page = visit.open()
    wait_live(page)
    conv, pool, inverse, conv2 = (roots(page).nth(i) for i in (0, 1, 4, 5))
    assert [r.get_attribute("data-calc") for r in (conv, pool, inverse, conv2)] == \
        ["conv-output", "pool-output", "inverse-solver", "conv-output"]

    conv.get_by_label("Different height and width").check()
    conv.locator(".calc-field", has_text="Input size").get_by_label("width", exact=True).fill("200")
    conv.get_by_label("Stride").fill("2")
    pool.get_by_label("Ceil mode").uncheck()
    inverse.get_by_label("Layer").select_option("conv_transpose")
    conv2.get_by_label("Groups").fill("4")
    for root in (conv, pool, inverse, conv2):
        wait_output(page, root, expected_html(page, root))
    page.wait_for_function("() => new URLSearchParams(location.search)"
                           ".get('conv-output-2.groups') === '4'")   # written once typing pauses
    state = _snapshot(page)
    url = page.url
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["conv-output.size_w"] == ["200"] and query["conv-output-2.groups"] == ["4"]
    assert query["inverse-solver.kind"] == ["conv_transpose"]
    assert query["pool-output.ceil_mode"] == ["false"]

    with fresh_reader(browser, url) as fresh:
        assert _snapshot(fresh) == state
        assert fresh.url == url


def test_hostile_input_is_shown_as_text_naming_the_field(visit):
    page = visit.open()
    wait_live(page)
    root = roots(page).first
    size = root.get_by_label("Input size")
    output = root.locator(".calc-output")

    cases = [("empty", lambda: size.fill("")),
             ("negative", lambda: size.fill("-3")),
             ("huge", lambda: size.fill("1e9")),
             ("unparsable typing", lambda: (size.fill(""), size.press_sequentially("1e"))),
             ("text", lambda: set_raw(size, "twelve")),
             ("markup", lambda: set_raw(size, HOSTILE_HTML))]
    for name, enter in cases:
        enter()
        wait_output(page, root, expected_html(page, root))
        alert = output.get_by_role("alert")
        assert alert.count() == 1, name
        assert "size" in alert.text_content(), name
    assert HOSTILE_HTML[:20] in output.get_by_role("alert").text_content()  # as text
    assert output.locator("img").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert visit.dialogs == []
    assert visit.console_errors == []


def test_a_hostile_link_is_shown_as_text(visit):
    query = urllib.parse.urlencode({"conv-output.size": HOSTILE_HTML,
                                    "inverse-solver.kind": HOSTILE_HTML})
    page = visit.open(f"{CHAPTER}?{query}")
    wait_live(page)
    for i, name in ((0, "size"), (4, "kind")):
        root = roots(page).nth(i)
        # the link's value is named, as text, and the page's own is used
        wait_output(page, root, expected_html(page, root),
                    status=f'The link\'s {name} "{HOSTILE_HTML}" is not a value this field '
                           "can hold; the page's own is used.")
        assert root.locator(".calc-output").get_by_role("alert").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert visit.dialogs == []
    assert visit.console_errors == []


def test_without_pyodide_the_page_keeps_its_prerendered_results(visit):
    blocked = []

    def abort(route):
        blocked.append(route.request.url)
        route.abort()
    visit.context.route("**/assets/vendor/pyodide-*/**", abort)
    page = visit.open()
    page.wait_for_function(ALL_SETTLED_JS, timeout=START_TIMEOUT_MS)
    assert blocked
    assert set(page.evaluate(STATES_JS)) == {"error"}
    built = page.evaluate("""async () => {
        const html = await (await fetch(location.href)).text();
        const doc = new DOMParser().parseFromString(html, 'text/html');
        return [...doc.querySelectorAll('[data-calc] .calc-output')].map((e) => e.innerHTML);
    }""")
    assert [output_html(r) for r in roots(page).all()] == built
    for status in page.locator(".calc-status").all():
        assert status.get_attribute("role") == "status"
        assert status.text_content().startswith("Live calculators are unavailable: ")
    assert page.locator(".calc-form fieldset:not([disabled])").count() == 0


def wasm_failure_message(visit, handler) -> list[str]:
    """Route pyodide.asm.wasm through ``handler``; the statuses once every calculator settles."""
    visit.context.route("**/pyodide.asm.wasm", handler)
    page = visit.open()
    page.wait_for_function(ALL_SETTLED_JS, timeout=START_TIMEOUT_MS)
    assert set(page.evaluate(STATES_JS)) == {"error"}
    return [s.text_content() for s in page.locator(".calc-status").all()]


def test_a_missing_wasm_fails_at_once_not_at_the_timeout(visit):
    # loadPyodide alone would wait forever; the worker asks the server and says why
    start = time.monotonic()
    statuses = wasm_failure_message(visit, lambda route: route.abort())
    assert time.monotonic() - start < 15  # well inside calc.js's 20 s start-up timeout
    assert all("pyodide.asm.wasm could not be fetched" in s for s in statuses)


def test_a_wasm_served_with_the_wrong_type_is_named(visit):
    statuses = wasm_failure_message(
        visit, lambda route: route.fulfill(status=200, content_type="text/plain", body=b""))
    assert all('"text/plain"; Pyodide needs application/wasm' in s for s in statuses)


def test_a_full_visit_requests_nothing_beyond_loopback(visit, built_site):
    """Home, then every page of the navigation by instant navigation, then a search."""
    page = visit.open("")
    links = page.locator(".md-nav--primary > .md-nav__list > .md-nav__item > a.md-nav__link")
    site_path = urllib.parse.urlsplit(built_site.url).path
    for i in range(links.count()):
        link = links.nth(i)
        path = urllib.parse.urlsplit(urllib.parse.urljoin(page.url, link.get_attribute("href"))).path
        link.click()
        title = page_title(built_site, path.removeprefix(site_path))
        page.wait_for_function("title => document.title === title", arg=title)
        if roots(page).count():
            wait_live(page)
    # typed key by key: mkdocs-material's search reads keyboard events (fill() can race it)
    page.get_by_role("textbox", name="Search").press_sequentially("stride")
    page.locator(".md-search-result__item").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert visit.requests and visit.foreign() == []
    assert any(u.endswith("pyodide.asm.wasm") for u in visit.requests)
    assert visit.console_errors == []


# --- the runtime starts on intent ----------------------------------------------------------

def test_a_reader_who_only_reads_fetches_no_runtime(visit, built_site):
    """An idle visit to a page without calculators: no runtime, and under 1 MB as any web
    server sends it (gzip; the test server sends files as they are)."""
    import gzip
    bodies = []
    visit.page.on("response", lambda r: r.request.method == "GET" and bodies.append(r))
    page = visit.open(OTHER_PAGE)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(3000)   # an idle reader: nothing more may arrive
    assert not [u for u in visit.requests if "pyodide" in u or "/assets/python/" in u]
    sent = sum(len(gzip.compress(r.body(), 9)) for r in bodies if r.ok)
    assert sent < 1_000_000, sent
    # a pointer over a link to a page with calculators: the runtime starts
    page.locator(f'.md-nav--primary a.md-nav__link[href$="{CHAPTER}"]').first.hover()
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.includes('calc-worker'))", timeout=10_000)
    assert visit.calc_workers()


def calc_js_late(visit, seconds: int):
    """calc.js runs ``seconds`` late (a slow link, a busy main thread)."""
    def late(route):
        response = route.fetch()
        route.fulfill(response=response, body=b"await new Promise((r) => setTimeout(r, %d));\n"
                      % (seconds * 1000) + response.body())
    visit.context.route("**/assets/javascripts/calc.js", late)


def test_a_link_to_a_calculator_starts_the_worker_from_the_head(visit, built_site):
    """For a #calc-<id> link the <head> starts the worker and sends it "init" before calc.js
    runs (scripts/hooks/early_worker.js); calc.js adopts that worker, one worker in all,
    even when calc.js arrives after the worker is ready (here 4 s late: its "ready" waits)."""
    calc_js_late(visit, seconds=4)
    page = visit.page
    page.goto(built_site.url + CHAPTER + "#calc-pool-output")
    page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
    assert len(visit.calc_workers()) == 1
    marks = page.evaluate("""() => Object.fromEntries(['calc:worker-start', 'calc:worker-ready']
        .map((name) => [name, performance.getEntriesByName(name)[0]?.startTime]))""")
    calc_js = page.evaluate("""() => performance.getEntriesByType('resource')
        .find((e) => e.name.endsWith('/calc.js')).responseEnd""")
    assert marks["calc:worker-start"] < calc_js   # started by the <head>, not by calc.js
    root = roots(page).nth(1)
    assert root.get_attribute("data-calc") == "pool-output"
    root.locator('input[name="stride"]').fill("3")
    wait_output(page, root, expected_html(page, root))
    assert visit.console_errors == []


def test_the_runtime_alone_of_the_start_up_benchmark_goes_live(visit, built_site):
    """`measure_site.py --compare` times the site's worker and archives on an empty page,
    started as early_worker.js starts them: that page must reach ready with the site's files."""
    from measure_site import runtime_alone_page
    url = built_site.url + "runtime-alone/"
    body = runtime_alone_page(built_site.path, CHAPTER,
                              urllib.parse.urlsplit(built_site.url).path + CHAPTER)
    visit.context.route(url, lambda route: route.fulfill(body=body, content_type="text/html"))
    page = visit.page
    page.goto(url)
    page.wait_for_function("document.querySelector('[data-calc]').dataset.calcState !== 'loading'",
                           timeout=START_TIMEOUT_MS)
    assert page.get_attribute("[data-calc]", "data-calc-state") == "ready"
    assert len(visit.calc_workers()) == 1
    assert visit.console_errors == []


def test_a_stale_calculator_link_to_a_page_without_one_starts_nothing(visit, built_site):
    page = visit.page
    page.goto(built_site.url + OTHER_PAGE + "#calc-conv-output")
    page.wait_for_load_state("networkidle")
    assert not visit.calc_workers()
    assert not [u for u in visit.requests if "pyodide" in u or "/assets/python/" in u]


def test_calculators_far_below_wait_for_the_reader(visit, built_site):
    """On a chapter whose first calculator is more than two screens down (the architecture
    chapters open with prose), nothing starts until the reader scrolls to it."""
    page = visit.page
    for path in ("vgg/", "resnets/", "densenet/", "inception/", "basic-design/"):
        page.goto(built_site.url + path)
        top = page.evaluate("document.querySelector('[data-calc]')?.getBoundingClientRect().top")
        if top is not None and top > 2 * page.viewport_size["height"]:
            break
    else:
        pytest.fail("no chapter has its first calculator two screens down", pytrace=False)
    page.wait_for_load_state("networkidle")
    assert set(page.evaluate(STATES_JS)) == {"static"} and not visit.calc_workers()
    wait_live(page)   # scrolled to it: live


def search_finds(page, query: str) -> int:
    """Type ``query`` into mkdocs-material's search box; the number of results listed."""
    box = page.locator("input.md-search__input")
    box.focus()
    # mkdocs-material says "Initializing search" until its worker has built the index
    page.wait_for_function("() => document.querySelector('.md-search-result__meta')"
                           "?.textContent.trim() === 'Type to start searching'", timeout=10_000)
    box.press_sequentially(query, delay=20)   # as a reader types
    try:
        page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length",
                               timeout=10_000)
    except Exception:
        meta = page.locator(".md-search-result__meta").text_content()
        pytest.fail(f"search for {query!r} listed nothing; it says {meta!r}", pytrace=False)
    return page.locator(".md-search-result__item").count()


def test_the_search_index_waits_for_the_calculators_and_search_still_works(visit, built_site):
    """A reader who follows a link to a calculator: mkdocs-material's search worker (which
    indexes the whole site) starts only once the calculators are live, so the two do not
    share the cores during Pyodide's start-up (scripts/hooks/search_gate.js); search works."""
    page = visit.page
    page.goto(built_site.url + CHAPTER + "#calc-conv-output")
    page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
    page.wait_for_load_state("load")
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.includes('/workers/search.'))", timeout=5_000)
    ready = page.evaluate("performance.getEntriesByName('calc:worker-ready')[0].startTime")
    requested = page.evaluate("""() => performance.getEntriesByType('resource')
        .find((e) => e.name.includes('/workers/search.')).startTime""")
    assert requested >= ready
    assert search_finds(page, "receptive") > 0
    assert visit.console_errors == []


def test_without_calculators_search_indexes_at_once_and_works(visit, built_site):
    """A page without calculators: nothing holds the search worker after the page loads."""
    page = visit.page
    page.goto(built_site.url + OTHER_PAGE)
    page.wait_for_load_state("load")
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.includes('/workers/search.'))", timeout=5_000)
    assert not visit.calc_workers()
    assert search_finds(page, "stride") > 0
    assert visit.console_errors == []


def test_reaching_for_search_starts_it_while_calculators_start(visit, built_site):
    """The reader's intent wins over the hold: a search shortcut key starts the index."""
    page = visit.page
    page.goto(built_site.url + CHAPTER + "#calc-conv-output")
    page.keyboard.press("s")   # mkdocs-material's shortcut into the search box
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.includes('/workers/search.'))", timeout=10_000)
    assert page.evaluate("performance.getEntriesByName('calc:worker-ready').length") == 0
    assert search_finds(page, "dilation") > 0


# mkdocs-material's bundle ends by publishing its observables (window.document$ among them):
# record when, in ms since navigation.
BUNDLE_RAN_JS = """Object.defineProperty(window, "document$", { configurable: true, set(value) {
  window.__bundleRanAt = performance.now();
  Object.defineProperty(window, "document$", { value, writable: true, configurable: true });
} });"""


# How many documents mkdocs-material's document$ has given its components (a ReplaySubject:
# a subscriber gets the last one at once, if there is one).
DOCUMENT_EMITTED_JS = "() => { let n = 0; window.document$.subscribe(() => n++).unsubscribe(); return n; }"


def test_on_a_calculator_link_the_theme_script_waits_for_the_runtime(visit, built_site):
    """mkdocs-material's bundle runs once the calculators are live, not while Pyodide starts
    (scripts/hooks/bundle_gate.js); late as it is, the theme starts: search works."""
    page = visit.page
    page.add_init_script(BUNDLE_RAN_JS)
    page.goto(built_site.url + CHAPTER + "#calc-conv-output")
    page.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
    page.wait_for_function("() => window.__bundleRanAt !== undefined", timeout=10_000)
    ready = page.evaluate("performance.getEntriesByName('calc:worker-ready')[0].startTime")
    parsed = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    ran = page.evaluate("window.__bundleRanAt")
    assert parsed < ready < ran
    # the theme's components mount on document$, which waits for DOMContentLoaded: once
    assert page.evaluate(DOCUMENT_EMITTED_JS) == 1
    assert search_finds(page, "dilation") > 0
    assert visit.console_errors == []


def test_without_calculators_the_theme_script_runs_at_once(visit, built_site):
    page = visit.page
    page.add_init_script(BUNDLE_RAN_JS)
    page.goto(built_site.url + OTHER_PAGE)
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.__bundleRanAt !== undefined", timeout=5_000)
    assert not visit.calc_workers()
    assert page.evaluate(DOCUMENT_EMITTED_JS) == 1
    assert search_finds(page, "stride") > 0


def test_reaching_for_the_page_releases_the_theme_script(visit, built_site):
    """A reader who clicks or types while the calculators start gets the theme at once. Here
    calc.js arrives 4 s late, so the runtime cannot settle before it: only the key can."""
    calc_js_late(visit, seconds=4)
    page = visit.page
    page.add_init_script(BUNDLE_RAN_JS)
    page.goto(built_site.url + CHAPTER + "#calc-conv-output", wait_until="domcontentloaded")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__bundleRanAt") is None   # held
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => window.__bundleRanAt !== undefined", timeout=3_000)
    assert page.evaluate("performance.getEntriesByName('calc:worker-ready').length") == 0


# --- a page that never fails silently ----------------------------------------------------

def statuses_when_settled(page) -> list[str]:
    page.wait_for_function(ALL_SETTLED_JS, timeout=START_TIMEOUT_MS)
    return [s.text_content() for s in page.locator(".calc-status").all()]


@pytest.mark.parametrize("pattern, message", [
    ("**/assets/python/calc-*.zip", "the calc archive could not be fetched: HTTP 404"),
    ("**/assets/python/stdlib-*.zip", "the Python standard library (stdlib-"),
])
def test_a_missing_archive_is_named_on_every_calculator(visit, pattern, message):
    visit.context.route(pattern, lambda route: route.fulfill(status=404, body=b"gone"))
    page = visit.open()
    statuses = statuses_when_settled(page)
    assert set(page.evaluate(STATES_JS)) == {"error"}
    assert all(message in s for s in statuses), statuses
    workers = len(visit.calc_workers())
    assert page.locator(".calc-form fieldset:not([disabled])").count() == 0
    assert len(visit.calc_workers()) == workers <= 1   # no new doomed worker


def test_a_worker_that_may_not_compile_webassembly_fails_at_once(visit):
    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers,
                                                  "content-security-policy": "script-src 'self'"})
    visit.context.route("**/calc-worker.js*", with_policy)
    start = time.monotonic()
    page = visit.open()
    statuses = statuses_when_settled(page)
    assert time.monotonic() - start < 15
    assert all("wasm-unsafe-eval" in s for s in statuses), statuses


def test_a_link_value_a_field_cannot_hold_is_named(visit):
    page = visit.open(CHAPTER + "?" + urllib.parse.urlencode(
        {"conv-output.stride": "two", "inverse-solver.kind": "deconv"}))
    wait_live(page)
    conv = roots(page).nth(0)
    inverse = page.locator('[data-calc="inverse-solver"]').first
    assert 'stride "two" is not a value this field can hold' in \
        conv.locator(".calc-status").text_content()
    assert conv.get_by_label("Stride").input_value() == conv.get_by_label("Stride").evaluate(
        "el => el.defaultValue")
    assert 'kind "deconv"' in inverse.locator(".calc-status").text_content()


def test_every_page_carries_a_content_security_policy(built_site):
    import hashlib
    import base64
    for path in pages(built_site.path):
        html = path.read_text()
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert policy and html.index(policy[0]) < html.index("<script"), path
        assert "default-src 'self'" in policy[1] and "'wasm-unsafe-eval'" in policy[1]
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy[1], (path, body[:60])


# --- the architecture chapters' calculators ------------------------------------------------

# calculator id -> how to change one of its knobs
FAMILY_CHANGES = {
    "alexnet": lambda root: root.locator('select[name="variant"]').select_option("torchvision"),
    "vgg": lambda root: root.locator('select[name="cfg"]').select_option("C"),
    "googlenet": lambda root: root.locator('input[name="aux_logits"]').click(),
    "inception-v3": lambda root: root.locator('input[name="size"]').fill("320"),
    "inception-module": lambda root: root.locator('input[name="ch5x5"]').fill("64"),
    "resnet": lambda root: root.locator('select[name="shortcut"]').select_option("D"),
    "cifar-resnet": lambda root: root.locator('input[name="depth"]').fill("110"),
    "preact-resnet": lambda root: root.locator('input[name="depth"]').fill("173"),   # 9n+2
    "wrn": lambda root: root.locator('input[name="widen_factor"]').fill("4"),
    "densenet": lambda root: root.locator('input[name="growth_rate"]').fill("48"),
    "cifar-densenet": lambda root: root.locator('input[name="depth"]').fill("190"),
}


def page_with(built_site, calc_id: str) -> str:
    """The first page (in navigation order) that holds calculator ``calc_id``."""
    for html in sorted(built_site.path.glob("*/index.html")):
        if f'data-calc="{calc_id}"' in html.read_text():
            return f"{html.parent.name}/"
    pytest.fail(f"no page holds the {calc_id} calculator", pytrace=False)


def first_root(page, calc_id: str):
    return page.locator(f'[data-calc="{calc_id}"]').first


@pytest.mark.parametrize("calc_id", sorted(FAMILY_CHANGES))
def test_a_family_knob_updates_the_table_as_cpython_computes_it(visit, built_site, calc_id):
    page = visit.open(page_with(built_site, calc_id))
    wait_live(page)
    root = first_root(page, calc_id)
    before = output_html(root)
    FAMILY_CHANGES[calc_id](root)
    expected = expected_html(page, root)
    assert expected != before, f"{calc_id}: the change should change the result"
    wait_output(page, root, expected)
    assert "<table" in output_html(root)
    assert visit.console_errors == []


# calculator id -> (a knob, a value it cannot take, what the message says)
BAD_KNOBS = {
    "alexnet": ("in_channels", "-2", "in_channels must be >= 1"),
    "vgg": ("in_channels", "-2", "in_channels must be >= 1"),
    "googlenet": ("in_channels", "-2", "in_channels must be >= 1"),
    "inception-v3": ("size", "10", "kernel_size (3) must be <= padded input size"),
    "inception-module": ("ch5x5", "-1", "ch5x5 must be >= 1"),
    "resnet": ("layers", "1,2", "layers must have 4 entries"),
    "cifar-resnet": ("depth", "7", "depth must be >= 8"),
    "preact-resnet": ("depth", "7", "depth must be >= 11"),
    "wrn": ("depth", "7", "depth must be >= 10"),
    "densenet": ("growth_rate", "0", "growth_rate must be >= 1"),
    "cifar-densenet": ("depth", "7", "depth must be >= 10"),
}


@pytest.mark.parametrize("calc_id", sorted(FAMILY_CHANGES))
def test_a_bad_knob_is_a_message_naming_it(visit, built_site, calc_id):
    page = visit.open(page_with(built_site, calc_id))
    wait_live(page)
    root = first_root(page, calc_id)
    name, value, message = BAD_KNOBS[calc_id]
    set_raw(root.locator(f'[name="{name}"]'), value)
    wait_output(page, root, expected_html(page, root))
    alert = root.locator(".calc-output").get_by_role("alert")
    assert alert.count() == 1 and message in alert.text_content()


def test_an_impossible_member_says_why(visit, built_site):
    page = visit.open(page_with(built_site, "alexnet"))
    wait_live(page)
    root = first_root(page, "alexnet")
    root.locator('input[name="size"]').fill("32")
    wait_output(page, root, expected_html(page, root))
    alert = root.locator(".calc-output").get_by_role("alert")
    assert alert.count() == 1 and "features" in alert.text_content()


# --- the designer ---------------------------------------------------------------------------

def designer(visit, built_site, query: str = ""):
    page = visit.open(page_with(built_site, "designer") + query)
    wait_live(page)
    return page, first_root(page, "designer")


def test_the_designer_follows_typing_and_starts_from_the_zoo(visit, built_site):
    page, root = designer(visit, built_site)
    editor = root.locator('textarea[name="description"]')
    editor.fill("input 3x32x32\nLazyConv2d(16, 3, padding=1)\nReLU()\n")
    wait_output(page, root, expected_html(page, root))
    assert "16x32x32" in output_html(root)
    root.locator('select[name="start"]').select_option("resnet18")
    page.wait_for_function("el => el.value.startsWith('# resnet18')", arg=editor.element_handle(),
                           timeout=UPDATE_TIMEOUT_MS)
    assert root.locator('select[name="start"]').input_value() == ""
    wait_output(page, root, expected_html(page, root))
    assert "11,689,512" in output_html(root)
    with page.expect_download() as download:
        root.get_by_role("button", name="Download PyTorch code").click()
    assert download.value.suggested_filename == "network.py"
    code = Path(download.value.path()).read_text()
    assert "class Network(nn.Module):" in code
    compile(code, "network.py", "exec")
    assert code == expected_part(root, "code")
    # the code is written when its box opens, and rewritten while it stays open
    details = root.locator('details[data-calc-part="code"]')
    filled = "el => el.querySelector('code[data-calc-text]').dataset.calcFilled === 'true'"
    details.locator("summary").click()
    page.wait_for_function(filled, arg=details.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    assert details.locator("code[data-calc-text]").text_content() == expected_part(root, "code")
    editor.fill("input 3x32x32\nLazyConv2d(8, 3)\n")
    page.wait_for_function("el => el.textContent.includes('nn.Conv2d(3, 8, ')",
                           arg=root.locator(".calc-output").element_handle(),
                           timeout=UPDATE_TIMEOUT_MS)
    assert details.get_attribute("open") is not None
    assert details.locator("code[data-calc-text]").text_content() == expected_part(root, "code")
    assert visit.console_errors == []


def test_the_designers_collapsed_layer_table_is_written_when_opened(visit, built_site):
    """Past 40 layers a keystroke writes no table: opening it asks the worker for the
    ``layers`` part (calc's HTML), and an open table is rewritten with every edit."""
    page, root = designer(visit, built_site)
    editor = root.locator('textarea[name="description"]')
    editor.fill("input 3x32x32\nrepeat 30:\n  LazyConv2d(8, 3, padding=1)\n  ReLU()\n")
    wait_output(page, root, expected_html(page, root))
    details = root.locator('details[data-calc-part="layers"]')
    table = details.locator("div[data-calc-text]")
    assert table.inner_html() == ""
    filled = "el => el.querySelector('div[data-calc-text]').dataset.calcFilled === 'true'"
    details.locator("summary").click()
    page.wait_for_function(filled, arg=details.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    assert table.inner_html() == page.evaluate(AS_PARSED_JS, expected_part(root, "layers"))
    assert table.locator("tbody tr").count() == 60
    editor.fill("input 3x32x32\nrepeat 25:\n  LazyConv2d(8, 3, padding=1)\n  ReLU()\n")
    page.wait_for_function("el => el.querySelector('details[data-calc-part=\"layers\"]')"
                           "?.querySelectorAll('tbody tr').length === 50",
                           arg=root.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    assert details.get_attribute("open") is not None
    assert table.inner_html() == page.evaluate(AS_PARSED_JS, expected_part(root, "layers"))
    assert visit.console_errors == []


def test_a_designer_link_restores_a_long_description(visit, built_site, browser):
    page, root = designer(visit, built_site)
    root.locator('select[name="start"]').select_option("googlenet")
    editor = root.locator('textarea[name="description"]')
    page.wait_for_function("el => el.value.startsWith('# googlenet')",
                           arg=editor.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    wait_output(page, root, expected_html(page, root))
    text = editor.input_value()
    page.wait_for_function("() => location.search.includes('designer.description=z.')")
    url = page.url
    assert len(url) < len(text) / 3      # compressed
    with fresh_reader(browser, url) as fresh:
        other = first_root(fresh, "designer")
        assert other.locator('textarea[name="description"]').input_value() == text
        wait_output(fresh, other, expected_html(fresh, other))
        # a link cut short: a clear message, the page's own description, a live calculator
        fresh.goto(url[:-40])
        fresh.wait_for_function(ALL_LIVE_JS, timeout=START_TIMEOUT_MS)
        other = first_root(fresh, "designer")
        status = other.locator(".calc-status").text_content()
        assert status.startswith("This link could not be read: its description is corrupt")
        assert other.locator('textarea[name="description"]').input_value() == \
            other.locator('textarea[name="description"]').evaluate("el => el.defaultValue")


def test_a_hostile_description_is_shown_as_text_never_run(visit, built_site):
    page, root = designer(visit, built_site)
    editor = root.locator('textarea[name="description"]')
    for text in (f"input 3x8x8\n{HOSTILE_HTML}()", f"input 3x8x8\nx = ReLU() # {HOSTILE_HTML}\n"
                 f"<script>alert(1)</script> = ReLU()", "input 3x8x8\nReLU(" + "(" * 5000):
        editor.fill(text)
        wait_output(page, root, expected_html(page, root))
    assert root.locator(".calc-output").get_by_role("alert").count() == 1
    assert page.locator('img[src="x"]').count() == 0 and visit.dialogs == []
    assert visit.console_errors == []


# --- the generator designer ---------------------------------------------------------------

def test_the_generator_designer_picks_per_stage_and_keeps_it_in_the_link(visit, built_site,
                                                                           browser):
    page = visit.open(page_with(built_site, "generator"))
    wait_live(page)
    root = first_root(page, "generator")
    root.locator('input[name="size"]').fill("100")
    wait_output(page, root, expected_html(page, root))
    assert "100x100" in output_html(root)
    root.locator('button[data-calc-set="choices"]:not([aria-pressed="true"])').nth(1).click()
    page.wait_for_function("el => el.value !== ''", arg=root.locator(
        'input[name="choices"]').element_handle(), timeout=UPDATE_TIMEOUT_MS)
    wait_output(page, root, expected_html(page, root))
    choices = root.locator('input[name="choices"]').input_value()
    page.wait_for_function("() => location.search.includes('generator.choices=')")
    state, url = output_html(root), page.url
    with fresh_reader(browser, url) as fresh:
        other = first_root(fresh, "generator")
        assert other.locator('input[name="choices"]').input_value() == choices
        wait_output(fresh, other, state)
    set_raw(root.locator('input[name="latent"]'), HOSTILE_HTML)
    wait_output(page, root, expected_html(page, root))
    assert "latent must be a whole number" in root.locator(".calc-output").get_by_role(
        "alert").text_content()
    assert page.locator('img[src="x"]').count() == 0 and visit.dialogs == []
    assert visit.console_errors == []


def test_a_skipped_browser_test_is_a_failure_unless_skips_are_allowed(pytester, monkeypatch):
    pytester.makeconftest((Path(__file__).with_name("conftest.py")).read_text())
    pytester.makepyfile("""
        import pytest
        pytestmark = pytest.mark.browser
        @pytest.fixture(scope="session")
        def chromium():
            pytest.skip("no chromium here")
        def test_needs_it(chromium):
            pass
    """)
    monkeypatch.delenv("CALC_ALLOW_SKIPS", raising=False)
    for ci in ("true", "false"):
        monkeypatch.setenv("CI", ci)
        pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(errors=1)
    monkeypatch.setenv("CALC_ALLOW_SKIPS", "1")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(skipped=1)
    monkeypatch.setenv("CI", "true")   # CI never allows it
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(errors=1)
