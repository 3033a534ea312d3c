"""The chapters' figures and tables (scripts/chapters): each renders, and renders safely.

Every figure is well-formed SVG that names itself for assistive technology and takes the
page's text colour; every table cell is escaped. The numbers of each chapter's tables are
checked against their sources in that chapter's own test file (tests/test_chapter_*.py).
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "hooks"))
pytest.importorskip("matplotlib")
import chapter_blocks  # noqa: E402
import chapters  # noqa: E402

chapters.load()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("name", sorted(chapters.FIGURES))
def test_figure_is_accessible_svg_in_the_text_colour(name):
    made = chapters.FIGURES[name]()
    root = ET.fromstring(made.svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text == made.alt
    labels = root.get("aria-labelledby").split()
    assert labels == [title.get("id"), desc.get("id")]
    assert len(made.alt) > 40, "alt text must say what the figure shows"
    assert "currentColor" in made.svg and "#000000" not in made.svg
    assert "width=" not in made.svg.split(">", 1)[0], "the figure must follow the column width"
    html = chapter_blocks.figure_html(made)
    assert html.startswith('<figure class="calc-chart"')


def blocks(made) -> list:
    """What a block function returned, as a list: a tuple's items; None is nothing (the
    benchmark blocks without result files, tested in tests/test_benchmarks_page.py)."""
    return [] if made is None else list(made) if isinstance(made, tuple) else [made]


@pytest.mark.parametrize("name", sorted(chapters.TABLES))
def test_table_renders_every_row(name):
    for made in blocks(chapters.TABLES[name]()):
        if not isinstance(made, chapters.Table):
            continue
        assert made.rows and all(len(r) == len(made.header) for r in made.rows)
        html = chapter_blocks.table_html(made)
        assert html.count("<tr>") == len(made.rows) + 1


def test_table_cells_are_escaped():
    made = chapters.Table(("<b>",), (("<script>alert(1)</script>",), (1234567,)), "<i>", ("&",))
    html = chapter_blocks.table_html(made)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert '<td class="num" data-sort="1234567">1,234,567</td>' in html


def test_figure_ids_are_unique_per_figure():
    ids = set()
    for name, make in chapters.FIGURES.items():
        root = ET.fromstring(make().svg)
        mine = {e.get("id") for e in root.iter() if e.get("id")}
        assert not mine & ids, name
        ids |= mine


def test_sortable_tables_carry_sort_keys():
    made = chapters.Table(("model", "MACs", "params"),
                          (("b", chapters.Cell("4.089 G", 4089184256), 7), ("a", None, 3)),
                          sortable=True)
    html = chapter_blocks.table_html(made)
    assert '<table class="calc-sortable">' in html
    assert '<td class="num" data-sort="4089184256">4.089 G</td>' in html
    assert '<td class="num" data-sort="7">7</td>' in html
