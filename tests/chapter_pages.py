"""What the chapter tests (tests/test_chapter_*.py, tests/test_comparison.py) share.

* :func:`chapter_module`: the chapter's figure and table module, ``scripts/chapters/<name>.py``
  (conftest puts scripts/ on the path), or a skip of the whole test module where matplotlib,
  which the chapter modules draw with (the [docs] extra), is missing.
* :func:`check_page`: no number in a page's prose is typed by hand. Once fenced blocks,
  ``{{= }}`` shortcodes (computed at build time), inline code, math, link targets and HTML
  tags are removed, every number left must be in the test's ``ALLOWED``, which says where
  it comes from (a printed source value a test asserts, a year, an arXiv id, a kernel size
  or a name), and every entry of ``ALLOWED`` must still be on the page.

The scanner is the strictest of the chapters' former copies: a number counts wherever it
starts a token ("34M", "3x3", "(3a)" and "1st" count as 34, 3, 3 and 1), list markers and
admonition titles are prose, and a removed span leaves a space, so that no two tokens merge.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

# a number: digits, with any further groups after "." or "," (1,024; 15.3; 1512.03385; the
# knob value 3,4,6,3), not inside a word or after a decimal point (ResNet-50 gives 50, C10 and
# Mixed_6e nothing)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")

_NOT_PROSE = (
    # fenced blocks, indented ones (in admonitions) included: ```calc, ```figure, code
    re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE),
    re.compile(r"\{\{=.*?\}\}", re.DOTALL),                 # {{= }} shortcodes
    re.compile(r"`[^`\n]*`"),                               # inline code
    re.compile(r"\\\[.*?\\\]", re.DOTALL),                  # \[ \] display math
    re.compile(r"\\\(.*?\\\)", re.DOTALL),                  # \( \) inline math
    re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.DOTALL),     # arithmatex's dollar math
    re.compile(r"(?<=\])\([^)]*\)"),                        # link targets (the text stays)
    re.compile(r"<[^>]*>"),                                 # HTML tags (their text stays)
)


def chapter_module(name: str) -> ModuleType:
    """``scripts/chapters/<name>.py``; skips the calling test module without matplotlib."""
    pytest.importorskip("matplotlib")
    return importlib.import_module(f"chapters.{name}")


def prose(markdown: str) -> str:
    """The page without what is not hand-typed prose; each removed span becomes a space."""
    for pattern in _NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def numbers(text: str) -> list[str]:
    """Every number in ``text``, as written: ``numbers("1,024 and 15.3M")`` is both."""
    return NUMBER.findall(text)


def _value(number: str) -> float:
    return float(number.replace(",", ""))


def stray_and_stale(page: Path, allowed: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Numbers of the page's prose missing from ``allowed``; entries the page no longer has."""
    found = set(numbers(prose(page.read_text(encoding="utf-8"))))
    return (sorted(found - set(allowed), key=_value),
            sorted(set(allowed) - found, key=_value))


def check_page(page: Path, allowed: Mapping[str, str]) -> None:
    """Fail, naming the page, on a hand-typed number or a stale ``allowed`` entry."""
    stray, stale = stray_and_stale(page, allowed)
    problems = []
    if stray:
        problems.append(f"numbers typed by hand in the prose: {stray} (compute each with "
                        "{{= }}, or add it to ALLOWED with its source)")
    if stale:
        problems.append(f"ALLOWED lists numbers the page no longer has: {stale}")
    if problems:
        name = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
        raise AssertionError(f"{name}: " + "; ".join(problems))
