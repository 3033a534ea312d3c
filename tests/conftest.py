"""Shared fixtures and the rule for the tiers that need tools.

The torch, build and browser tiers need PyTorch, Node and Chromium, which ``make test``
installs (or stops, saying the one command to run). A test of those tiers that skips is
reported as a failure, in CI and everywhere else: a skipped tier is never a pass. For a
deliberately partial run on a machine without a tier's tools, set ``CALC_ALLOW_SKIPS=1``
(or deselect the tier: ``pytest -m "not browser"``); CI never sets it.
"""

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Two shared, noisy cores: how long one example takes is not a property under test.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent
# scripts/ holds what tests and the measuring scripts share (browser_support); tests import
# from it, never the other way round
sys.path.insert(0, str(ROOT / "scripts"))

pytest_plugins = ["pytester"]  # for the test of the CI rule itself


CI_TIERS = ("torch", "build", "browser")  # tiers that CI installs everything for


def skips_allowed() -> bool:
    return os.environ.get("CALC_ALLOW_SKIPS") == "1" and os.environ.get("CI") != "true"


@pytest.fixture(scope="session")
def torch():
    return pytest.importorskip("torch")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    xfailed = hasattr(report, "wasxfail")
    tier = next((m for m in CI_TIERS if item.get_closest_marker(m)), None)
    if report.skipped and not xfailed and tier and not skips_allowed():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (f"the {tier} tier must run, but this test skipped: {reason} "
                           "(`make test` installs what it needs; CALC_ALLOW_SKIPS=1 allows a "
                           "partial run)")


# --- The built site: the build tier, and the browser tier after it -----------------------

@dataclass(frozen=True)
class BuiltSite:
    path: Path   # the site folder
    url: str     # where it is served on loopback, under a sub-path: http://127.0.0.1:PORT/guide/
    log: str     # everything mkdocs printed


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """``mkdocs build --strict`` of the real site, once per session, served on loopback.

    The server starts before the build so that SITE_URL (the sitemap, which
    mkdocs-material's instant navigation needs) names the URL it is served at.
    """
    pytest.importorskip("mkdocs")
    if not (ROOT / "node_modules" / "pyodide").is_dir():
        pytest.skip("node_modules/ is missing: run `npm ci` (`make test` does)")
    root = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_port}/guide/"
    log = mkdocs_build(ROOT / "mkdocs.yml", root / "guide", SITE_URL=url)
    if log.returncode:
        pytest.fail(f"mkdocs build --strict failed:\n{log.output}", pytrace=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield BuiltSite(root / "guide", url, log.output)
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class BuildLog:
    returncode: int
    output: str


def mkdocs_build(config: Path, site_dir: Path, **env) -> BuildLog:
    """Run ``mkdocs build --strict`` in a fresh interpreter; stdout and stderr together."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
         "--site-dir", str(site_dir)],
        cwd=config.parent, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    return BuildLog(proc.returncode, proc.stdout + proc.stderr)
