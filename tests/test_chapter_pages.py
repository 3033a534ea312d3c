"""The number finder that the chapter tests run on their pages (tests/chapter_pages.py)."""

import pytest

from chapter_pages import check_page, numbers, prose


def found(markdown: str) -> list[str]:
    return numbers(prose(markdown))


def test_what_is_not_prose_is_removed():
    assert found("a {{= 1 + 2 }} b `x = 3` \\(k^2\\) \\[ 4 \\] $5$ $$6$$ [link](page-5.md) "
                 "<span data-x='8'>7</span> ```") == ["7"]


def test_shortcodes_and_math_over_several_lines():
    assert found("{{= fmt(\n  12) }} \\[\n\\begin{aligned} y_{2j} \\end{aligned}\n\\] 7") == ["7"]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_fenced_blocks_indented_or_not(fence):
    page = (f"7\n{fence}calc\nid: resnet\nsize: 224\n{fence}\n"
            f'??? example "small.txt"\n    {fence}text\n    --8<-- "x-9.txt"\n    {fence}\n')
    assert found(page) == ["7"]


def test_an_unclosed_fence_hides_nothing():
    assert found("```\n12 and 13\n") == ["12", "13"]


def test_numbers_as_written():
    assert found("a 15.3M net, 2.863 GB, C10+ and M40, 1,001 in 2017; DenseNet-121, "
                 "arXiv 1608.06993, v1.5, layers 3,4,6,3, B(3,1), 7.") == \
        ["15.3", "2.863", "1,001", "2017", "121", "1608.06993", "3,4,6,3", "3,1", "7"]


def test_a_number_that_starts_a_token_counts():
    """Stricter than a whole-word match: a suffix does not hide a typed number."""
    assert found("2.7K, 34M ops, 3x3, 4×4, inception (3a), the 1st layer, Mixed_6e") == \
        ["2.7", "34", "3", "4", "4", "3", "1"]


def test_list_markers_and_admonition_titles_are_prose():
    assert found('1. step\n2. step\n??? example "seg-512.txt"\n') == ["1", "2", "512"]


def test_removed_spans_do_not_merge_their_neighbours():
    assert found("ResNet`-`50 and 7{{= x }}8") == ["50", "7", "8"]


def test_check_page_names_the_page_and_both_lists(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("In 2016, 24 layers `9`.\n", encoding="utf-8")
    check_page(page, {"2016": "year", "24": "printed"})
    with pytest.raises(AssertionError) as failure:
        check_page(page, {"2016": "year", "12": "stale"})
    message = str(failure.value)
    assert str(page) in message
    assert "typed by hand in the prose: ['24']" in message
    assert "no longer has: ['12']" in message
