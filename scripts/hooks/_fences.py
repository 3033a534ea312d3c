"""Find fenced code blocks in Markdown source, with their line numbers.

Shared by the hooks: shortcodes are not expanded inside fences, and a calculator
fence that fails is reported with the line it starts on. Fences follow
CommonMark (three or more backticks or tildes, closed by at least as many of the
same character) at any indentation, as pymdownx.superfences allows inside tabs
and admonitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")


@dataclass(frozen=True)
class Fence:
    line: int            # 1-based line of the opening fence
    end: int             # 1-based line of the closing fence (last line when unclosed)
    info: str            # e.g. "calc", "python title=x.py"
    body: str            # the lines between, with the opening fence's indentation removed
    closed: bool = True  # False: no closing fence before the end of the text

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lstrip(".{") if self.info else ""


def fences(text: str) -> list[Fence]:
    """Every top-level fenced block of ``text`` in order (fences shown inside fences are body)."""
    lines = text.splitlines()
    found = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = "\n".join(_dedent(line, indent) for line in lines[i + 1:j])
        found.append(Fence(i + 1, min(j, len(lines) - 1) + 1, m["info"], body, j < len(lines)))
        i = j + 1
    return found


def _dedent(line: str, indent: int) -> str:
    return line[indent:] if line[:indent].strip() == "" else line.lstrip()


def fenced_lines(text: str) -> set[int]:
    """1-based numbers of the lines that belong to a fenced block, fences included."""
    return {n for f in fences(text) for n in range(f.line, f.end + 1)}


def front_matter_lines(raw: str, markdown: str) -> int:
    """Lines that mkdocs removed from the top of ``raw`` (YAML front matter) to give ``markdown``."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    return 0
