"""The size calculators of the convolution arithmetic chapter and their diagrams.

Numbers are checked against calc.arithmetic, against famous published values and,
in the torch tier, against PyTorch itself; warnings against brute force over the
window positions; hostile input against the never-raise, always-escape contract;
diagrams against an XML parser and against the cells they must show.
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from calc import arithmetic as ar, web
from calc.coverage import covered

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "docs" / "convolution-arithmetic.md"
OURS = ("conv-output", "pool-output", "conv-transpose-output", "padding-solver", "inverse-solver")
SVG_NS = "{http://www.w3.org/2000/svg}"


def run(calc_id, **raw) -> str:
    return web.run(calc_id, json.dumps(raw))


def answer(out: str) -> str:
    return re.search(r'<p class="calc-answer">.*?<strong>([^<]*)</strong>', out).group(1)


def warning_items(out: str) -> list[str]:
    block = re.search(r'<ul class="calc-warnings"[^>]*>(.*?)</ul>', out)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def svg_of(out: str) -> str:
    return re.search(r"<svg.*?</svg>", out, re.S).group(0)


def hw(h, w=None) -> str:
    return f"{h} \u00d7 {h if w is None else w}"


# --- famous values -------------------------------------------------------------------------

def test_alexnet_conv1():
    """227 -> 55: Krizhevsky et al. 2012, Figure 2 (55x55x96 after conv1)."""
    out = run("conv-output", size=227, kernel_size=11, stride=4, padding=0)
    assert answer(out) == hw(55)
    assert "\u230a216 / 4\u230b + 1 = 54 + 1 = 55" in out
    assert warning_items(out) == []


def test_alexnet_paper_224_drops_the_last_row():
    """The paper's stated 224 input: (224 - 11) mod 4 = 1 row and column never read."""
    out = run("conv-output", size=224, kernel_size=11, stride=4)
    assert answer(out) == hw(54)
    assert any("Never read: the last 1 row and column of the input" in w
               for w in warning_items(out))


def test_torchvision_alexnet_conv1_params_and_macs():
    """torchvision alexnet features[0] = Conv2d(3, 64, 11, stride=4, padding=2): 55x55 output,
    64*3*11*11 + 64 parameters; MACs 55*55*64*3*11*11 (torchvision's _ops convention)."""
    out = run("conv-output", size=224, kernel_size=11, stride=4, padding=2,
              in_channels=3, out_channels=64)
    assert answer(out) == hw(55)
    assert f"Parameters: {64 * 3 * 11 * 11 + 64:,} " in out
    assert f"MACs: {55 * 55 * 64 * 3 * 11 * 11:,} " in out
    assert warning_items(out) == []     # the one cell the floor drops is padding


def test_grouped_params():
    """ResNeXt-50 32x4d conv2 stage (Xie et al. 2017, Table 1): 3x3, 128 channels, 32 groups."""
    out = run("conv-output", size=56, kernel_size=3, padding=1, in_channels=128,
              out_channels=128, groups=32)
    assert f"Parameters: {128 * 4 * 9 + 128:,} = 128 \u00d7 128/32 \u00d7 3 \u00d7 3" in out
    assert f"MACs: {56 * 56 * 128 * 4 * 9:,} " in out
    bad = run("conv-output", size=56, kernel_size=3, in_channels=128, out_channels=100, groups=32)
    assert 'class="calc-error"' in bad and "groups (32) must divide out_channels (100)" in bad
    half = run("conv-output", size=56, kernel_size=3, in_channels=128)
    assert "Give both in_channels and out_channels" in half


def test_resnet_stem():
    """224 -> 112 (He et al. 2016, Table 1, conv1)."""
    out = run("conv-output", size=224, kernel_size=7, stride=2, padding=3)
    assert answer(out) == hw(112)


def test_googlenet_ceil_pool():
    """112 -> 56 in ceil mode (Szegedy et al. 2015, Table 1), 55 in floor mode."""
    out = run("pool-output", size=112, kernel_size=3, stride=2, padding=0, ceil_mode=True)
    assert answer(out) == hw(56)
    assert '<td class="num">55</td><td class="num">56</td>' in out
    assert "PyTorch keeps it" in out
    assert any("hangs 1 row and column past the padded input" in w for w in warning_items(out))
    floor = run("pool-output", size=112, kernel_size=3, stride=2, padding=0, ceil_mode=False)
    assert answer(floor) == hw(55)
    (item,) = warning_items(floor)    # what ceil mode is for
    assert item.startswith("Never read: the last 1 row and column of the input.")


def test_pytorch_ceil_rule_drops_a_window_in_the_padding():
    """5 cells, k=2, s=2, p=1: rounding up gives 4, but window 4 would start at 6 >= i + p."""
    out = run("pool-output", size=5, kernel_size=2, stride=2, padding=1, ceil_mode=True)
    assert answer(out) == hw(3)
    assert "the last would start at padded cell 6 \u2265 i + p = 6" in out
    assert "then 3 by PyTorch" in out


def test_dcgan_transposed():
    """4 -> 8 with k=4, s=2, p=1 (Radford et al. 2016, Figure 1): even overlap."""
    out = run("conv-transpose-output", size=4, kernel_size=4, stride=2, padding=1,
              output_padding=0)
    assert answer(out) == hw(8)
    assert warning_items(out) == []
    assert "insert 1 zero between input pixels (4 \u2192 7 cells), pad 2 before and 2 after" in out
    assert "maps every size from 8 to 9 to 4" in out


def test_transposed_checkerboard_and_output_padding():
    """D&V relationship 14 example: i'=3, k=3, s=2, p=1, a=1 -> 6; k=3 is not divisible by 2."""
    out = run("conv-transpose-output", size=3, kernel_size=3, stride=2, padding=1,
              output_padding=1)
    assert answer(out) == hw(6)
    (item,) = warning_items(out)
    assert "kernel_size 3 is not divisible by stride 2" in item and "Odena" in item


def test_per_axis():
    out = run("conv-output", per_axis=True, size=32, size_w=17, kernel_size=1, kernel_size_w=7,
              stride=1, stride_w=2, padding=0, padding_w=3)
    assert answer(out) == hw(ar.conv_output_size(32, 1), ar.conv_output_size(17, 7, 2, 3))
    assert 'calc-axis-name">height<' in out and 'calc-axis-name">width<' in out


def test_padding_solver():
    """ResNet's stem needs padding 3 (torchvision resnet conv1); TF "SAME" pads 2 and 3."""
    out = run("padding-solver", size=224, target=112, kernel_size=7, stride=2, dilation=1)
    assert answer(out) == "3"
    assert "padding 2 before and 3 after" in out
    even = run("padding-solver", size=32, target=32, kernel_size=4, stride=1, dilation=1)
    assert "none (asymmetric: 1 before, 2 after)" in even
    assert 'PyTorch padding=&quot;same&quot; (stride 1 only): total d(k \u2212 1) = 3, 1 before' \
        in even
    assert "nn.ZeroPad2d((1, 2, 1, 2))" in even
    never = run("padding-solver", size=224, target=10, kernel_size=3, stride=1, dilation=1)
    assert "No padding gives 10" in never


def test_inverse_solver_counts_and_caps():
    out = run("inverse-solver", size=32, target=16, kind="conv", max_kernel_size=3,
              max_stride=2, max_padding=1)
    assert answer(out) == "3"   # (1, 2, 0), (2, 2, 0), (3, 2, 1): calc.arithmetic's doctest
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td>", out)
    assert rows == [("1", "2", "0"), ("2", "2", "0"), ("3", "2", "1")]
    many = run("inverse-solver", size=64, target=16, kind="conv", max_kernel_size=16,
               max_stride=8, max_padding=16)
    total = len(ar.solve_conv(64, 16, 16, 8, 16))
    assert answer(many) == str(total) and total > 40
    assert many.count("<tr>") == 1 + 40 and f"{total - 40} more not shown" in many
    t = run("inverse-solver", size=4, target=8, kind="conv_transpose", max_kernel_size=4,
            max_stride=2, max_padding=1)
    assert answer(t) == str(len(ar.solve_conv_transpose(4, 8, 4, 2, 1)))


# --- every answer agrees with calc.arithmetic ----------------------------------------------

small = st.integers(1, 40)


@settings(max_examples=150, deadline=None)
@given(small, small, st.integers(1, 7), st.integers(1, 4), st.integers(0, 4), st.integers(1, 3),
       st.booleans())
def test_answers_match_arithmetic(ih, iw, k, s, p, d, ceil_mode):
    raw = dict(per_axis=True, size=ih, size_w=iw, kernel_size=k, stride=s, padding=p,
               dilation=d)
    for calc_id, fn, extra in (
            ("conv-output", ar.conv_output_size, {}),
            ("pool-output", ar.pool_output_size, {"ceil_mode": ceil_mode})):
        out = run(calc_id, **raw, **extra)
        try:
            expected = fn((ih, iw), k, s, p, d, **extra)
        except ar.CalcError as err:
            assert out == f'<p class="calc-error" role="alert">PyTorch rejects this layer: ' \
                          f"{web.html.escape(err)}</p>"
        else:
            assert answer(out) == hw(*expected), (calc_id, raw)
    a = p % max(s, d)
    out = run("conv-transpose-output", **raw, output_padding=a)
    try:
        expected = ar.conv_transpose_output_size((ih, iw), k, s, p, a, d)
    except ar.CalcError:
        assert 'class="calc-error"' in out and "PyTorch rejects this layer" in out
    else:
        assert answer(out) == hw(*expected)


# --- warnings against brute force ------------------------------------------------------------

def read_cells(i, k, s, p, d, o):
    """Padded positions some tap of some window reads."""
    return {j * s + t * d for j in range(o) for t in range(k)}


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 5), st.integers(0, 4),
       st.integers(1, 3))
def test_unread_warnings_match_brute_force(i, k, s, p, d):
    span = d * (k - 1) + 1
    if span > i + 2 * p:
        return
    o = (i + 2 * p - span) // s + 1
    reads = read_cells(i, k, s, p, d, o)
    lost = [x for x in range(p, p + i) if x not in reads]
    end = (o - 1) * s + span
    tail = sum(1 for x in lost if x >= end)
    holes = len(lost) - tail
    items = warning_items(run("conv-output", size=i, kernel_size=k, stride=s, padding=p,
                              dilation=d))
    tails = [w for w in items if w.startswith("Never read: the last ")]
    gaps = [w for w in items if "between windows" in w]
    assert len(tails) == (tail > 0) and len(gaps) == (holes > 0)
    if tail:
        assert tails[0].startswith(f"Never read: the last {tail} row")
    if holes:
        assert gaps[0].startswith(f"Never read: {holes} row")
    blind = sum(1 for j in range(o)
                if all(not p <= j * s + t * d < p + i for t in range(k)) and
                (j * s + span <= p or j * s >= p + i))
    assert any("see only padding" in w for w in items) == (blind > 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 7), st.integers(1, 5), st.integers(0, 4),
       st.integers(0, 4))
def test_transposed_warnings_match_brute_force(i, k, s, p, a):
    if a >= s:
        return
    o = (i - 1) * s - 2 * p + k + a
    if o < 1:
        return
    # output cell r is the full-output position r + p; input pixel j adds its kernel at j*s
    hits = [sum(1 for j in range(i) for t in range(k) if j * s + t == r + p) for r in range(o)]
    items = warning_items(run("conv-transpose-output", size=i, kernel_size=k, stride=s,
                              padding=p, output_padding=a))
    beyond = sum(1 for r in range(o) if r + p >= (i - 1) * s + k)
    empty = sum(1 for h in hits if h == 0) - beyond
    assert any("past every kernel footprint" in w for w in items) == (beyond > 0)
    assert any("receive no input" in w for w in items) == (empty > 0)
    checker = s > 1 and k > s and k % s != 0     # Odena et al.: k not divisible by s
    assert any("Uneven overlap" in w for w in items) == checker


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), st.integers(1, 20), st.integers(1, 6), st.integers(1, 8),
       st.integers(1, 5))
def test_covered_matches_brute_force(cells, windows, stride, kernel_size, dilation):
    brute = read_cells(0, kernel_size, stride, 0, dilation, windows)
    assert covered(cells, windows, stride, kernel_size, dilation) == \
        bytearray(x in brute for x in range(cells))


@pytest.mark.parametrize("calc_id, raw, message", [
    ("pool-output", dict(size=9, kernel_size=3, stride=1, padding=2),
     "PyTorch rejects this layer: padding must be &lt;= kernel_size / 2 for pooling"),
    ("conv-transpose-output", dict(size=4, kernel_size=3, stride=2, padding=0, output_padding=2),
     "PyTorch rejects this layer: output_padding must be &lt; max(stride, dilation) = 2, got 2"),
    ("conv-output", dict(size=5, kernel_size=11, stride=1, padding=0),
     "PyTorch rejects this layer: kernel_size (11) must be &lt;= padded input size"),
    ("conv-output", dict(size=5, kernel_size=3, stride=1, padding=0, dilation=3),
     "PyTorch rejects this layer: dilated kernel_size (7) must be &lt;= padded input size"),
    ("conv-transpose-output", dict(size=1, kernel_size=1, stride=1, padding=1),
     "PyTorch rejects this layer: padding (1) is too large"),
])
def test_rejected_layers_show_the_rule(calc_id, raw, message):
    out = run(calc_id, **raw)
    assert out.startswith('<p class="calc-error" role="alert">') and message in out


@pytest.mark.torch
@pytest.mark.parametrize("calc_id, raw", [
    ("pool-output", dict(size=5, kernel_size=2, stride=2, padding=1, ceil_mode=True)),
    ("pool-output", dict(size=3, kernel_size=4, stride=2, padding=0, ceil_mode=True)),
    ("pool-output", dict(size=3, kernel_size=4, stride=2, padding=0, ceil_mode=False)),
    ("pool-output", dict(size=112, kernel_size=3, stride=2, padding=0, ceil_mode=True)),
    ("pool-output", dict(size=9, kernel_size=3, stride=1, padding=2, ceil_mode=False)),
    ("pool-output", dict(size=10, kernel_size=3, stride=3, padding=1, dilation=2,
                         ceil_mode=True)),
    ("conv-output", dict(size=224, kernel_size=11, stride=4, padding=2)),
    ("conv-output", dict(size=5, kernel_size=3, stride=1, padding=0, dilation=3)),
    ("conv-output", dict(size=7, kernel_size=3, stride=2, padding=1, dilation=2)),
    ("conv-transpose-output", dict(size=4, kernel_size=3, stride=2, padding=1,
                                   output_padding=1)),
    ("conv-transpose-output", dict(size=4, kernel_size=3, stride=2, padding=0,
                                   output_padding=2)),
    ("conv-transpose-output", dict(size=5, kernel_size=3, stride=1, padding=0, dilation=3,
                                   output_padding=2)),
])
def test_pytorch_agrees(torch, calc_id, raw):
    """Where the calculator answers, PyTorch produces that size; where it refuses, so does PyTorch."""
    nn = torch.nn
    args = {key: raw[key] for key in raw if key != "size"}
    layer = {"conv-output": lambda: nn.Conv2d(1, 1, **args),
             "pool-output": lambda: nn.MaxPool2d(**args),
             "conv-transpose-output": lambda: nn.ConvTranspose2d(1, 1, **args)}[calc_id]
    out = run(calc_id, **raw)
    try:
        shape = tuple(layer()(torch.zeros(1, 1, raw["size"], raw["size"])).shape[2:])
    except (RuntimeError, ValueError):
        assert "PyTorch rejects this layer" in out
    else:
        assert answer(out) == hw(*shape)


# --- hostile input ---------------------------------------------------------------------------

HOSTILE_INT = ["", "   ", "-5", "1e9", "abc", "<img src=x onerror=alert(1)>", "99999999999999999999",
               10 ** 12, -(10 ** 12), 3.5, None, True, [1, 2], {"a": 1}, "0x10", "5; drop"]
HOSTILE_OTHER = ["abc", "<img src=x onerror=alert(1)>", 7, None, [1], {"a": 1}, "2"]


def _hostile_cases():
    for calc_id in OURS:
        for f in web.CALCULATORS[calc_id].fields:
            values = HOSTILE_INT if f.kind == "int" else HOSTILE_OTHER
            for value in values:
                if f.kind == "bool" and value is None:
                    continue   # an unticked box: false, a valid value
                yield calc_id, f.name, value


@pytest.mark.parametrize("calc_id, name, value", list(_hostile_cases()))
def test_hostile_values_give_an_escaped_error_naming_the_field(calc_id, name, value):
    out = run(calc_id, **{name: value})
    assert out.startswith('<p class="calc-error" role="alert">'), out[:200]
    assert name in out and "<img" not in out and "internal error" not in out


@pytest.mark.parametrize("calc_id", OURS)
def test_missing_fields_take_defaults_and_bad_json_is_an_error(calc_id):
    out = web.run(calc_id, "{}")
    assert out.startswith('<div class="calc-result">') and "calc-error" not in out
    assert "parameters must be JSON" in web.run(calc_id, "{")
    assert "parameters must be an object" in web.run(calc_id, "[]")
    assert "parameters must be an object" in web.run(calc_id, '"size"')


def test_hostile_width_names_the_width_field():
    out = run("conv-output", per_axis=True, size="8", size_w="<img src=x onerror=alert(1)>")
    assert "size_w must be a whole number" in out and "<img" not in out


INJECTIONS = ("<b>x</b>", "<img src=x onerror=alert(1)>")
raw_value = st.one_of(st.none(), st.booleans(), st.integers(-3, 70), st.integers(),
                      st.text(max_size=10), st.sampled_from(("conv", "conv_transpose", "true",
                                                             "1e3", " 12 ") + INJECTIONS))


@st.composite
def calculator_and_raw(draw):
    calc_id = draw(st.sampled_from(sorted(web.CALCULATORS)))
    keys = [f.name for f in web.CALCULATORS[calc_id].fields]
    keys += [k + "_w" for k in keys] + ["per_axis", "junk"]
    return calc_id, draw(st.dictionaries(st.sampled_from(keys), raw_value, max_size=8))


@settings(max_examples=300, deadline=None)
@given(calculator_and_raw())
def test_every_calculator_returns_a_result_or_a_clear_error(case):
    calc_id, raw = case
    out = web.run(calc_id, json.dumps(raw))
    assert isinstance(out, str) and out
    assert "internal error" not in out, out
    if 'class="calc-error"' in out:
        assert out.startswith('<p class="calc-error" role="alert">') and out.endswith("</p>")
    for value in raw.values():
        if value in INJECTIONS:
            assert value not in out


# --- diagrams --------------------------------------------------------------------------------

def parse_svg(out: str):
    root = ET.fromstring(svg_of(out))
    assert root.tag == SVG_NS + "svg" and root.get("role") == "img"
    title, desc = root[0], root[1]
    assert title.tag == SVG_NS + "title" and title.text
    assert desc.tag == SVG_NS + "desc" and desc.text
    return root


def fill_area(root, fill: str) -> int:
    """Total area of the rects in the groups filled with ``fill``."""
    return sum(int(r.get("width")) * int(r.get("height"))
               for g in root.iter(SVG_NS + "g") if g.get("fill") == fill
               for r in g.iter(SVG_NS + "rect"))


def cell_size(root) -> int:
    """The first output cell is drawn in the taps' colour, as the group's last rect."""
    taps = [g for g in root.iter(SVG_NS + "g") if g.get("fill") == "#E69F00"][0]
    return int(list(taps)[-1].get("width"))


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 20), st.integers(1, 20), st.integers(1, 5), st.integers(1, 3),
       st.integers(0, 3), st.integers(1, 3))
def test_conv_diagram_draws_exactly_the_cells(ih, iw, k, s, p, d):
    """No elision below 36 cells: the taps, the input, the unread cells and the output each
    cover exactly as many cells as they should."""
    span = d * (k - 1) + 1
    if span > min(ih, iw) + 2 * p:
        return
    out = run("conv-output", per_axis=True, size=ih, size_w=iw, kernel_size=k, stride=s,
              padding=p, dilation=d)
    root = parse_svg(out)
    c = cell_size(root)
    oh, ow = ar.conv_output_size((ih, iw), k, s, p, d)
    assert fill_area(root, "#E69F00") == (k * k + 1) * c * c
    assert fill_area(root, "#56B4E9") == ih * iw * c * c
    read_h = len([x for x in read_cells(ih, k, s, p, d, oh) if p <= x < p + ih])
    read_w = len([x for x in read_cells(iw, k, s, p, d, ow) if p <= x < p + iw])
    assert fill_area(root, "#CC79A7") == (ih * iw - read_h * read_w) * c * c
    assert fill_area(root, "#009E73") == oh * ow * c * c
    assert "not drawn" not in root[1].text


def test_transposed_diagram_draws_the_input_pixels():
    root = parse_svg(run("conv-transpose-output", size=4, kernel_size=4, stride=2, padding=1))
    c = cell_size(root)
    assert fill_area(root, "#56B4E9") == 16 * c * c                 # the 4x4 input pixels
    assert fill_area(root, "#999999") == 7 * 7 * c * c              # the stretched 7x7 input
    assert fill_area(root, "#009E73") == 8 * 8 * c * c
    assert "zeros inserted" in root[1].text


BIG = [
    ("conv-output", dict(size=8192, kernel_size=128, stride=3, padding=512, dilation=7)),
    ("conv-output", dict(size=8192, kernel_size=1, stride=64)),
    ("conv-output", dict(size=4096, kernel_size=3, stride=1, padding=64, dilation=64)),
    ("pool-output", dict(size=8192, kernel_size=128, stride=3, padding=64, dilation=64,
                         ceil_mode=True)),
    ("conv-transpose-output", dict(size=8192, kernel_size=128, stride=64, padding=0,
                                   output_padding=63)),
    ("conv-transpose-output", dict(size=8192, kernel_size=3, stride=7, padding=512, dilation=5)),
]


@pytest.mark.parametrize("calc_id, raw", BIG)
def test_big_diagrams_stay_bounded_and_say_they_are_elided(calc_id, raw):
    out = run(calc_id, **raw)
    root = parse_svg(out)
    svg = svg_of(out)
    assert len(svg) < 40_000
    assert sum(1 for _ in root.iter(SVG_NS + "rect")) < 1_000
    assert "Large grids are elided" in root[1].text and "not drawn are rows" in root[1].text
    assert int(root.get("width")) < 1_000 and int(root.get("height")) < 1_000
    assert run(calc_id, **raw) == out   # deterministic


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8192), st.integers(1, 128), st.integers(1, 64), st.integers(0, 512),
       st.integers(1, 64))
def test_any_diagram_parses(i, k, s, p, d):
    for calc_id, extra in (("conv-output", {}), ("pool-output", {"ceil_mode": True}),
                           ("conv-transpose-output", {"output_padding": p % max(s, d)})):
        out = run(calc_id, size=i, kernel_size=k, stride=s, padding=p, dilation=d, **extra)
        if "calc-error" not in out:
            parse_svg(out)
            assert len(svg_of(out)) < 40_000


# --- the chapter ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hooks():
    sys.path.insert(0, str(ROOT / "scripts" / "hooks"))
    try:
        import _fences
        import calc_fence
        import shortcodes
    finally:
        sys.path.remove(str(ROOT / "scripts" / "hooks"))
    return _fences, calc_fence, shortcodes


def test_chapter_fences_render(hooks):
    """Every ```calc fence of the chapter pre-renders, and each calculator appears."""
    _fences, calc_fence, _ = hooks
    text = CHAPTER.read_text(encoding="utf-8")
    seen = set()
    for n, fence in enumerate((f for f in _fences.fences(text) if f.language == "calc"),
                              start=1):
        defaults = calc_fence.parse(fence.body)
        calc_id = defaults.pop("id")
        page = web.render_calculator(calc_id, defaults, n)
        assert 'class="calc-error"' not in page, (fence.line, page[:300])
        seen.add(calc_id)
    assert seen == set(OURS)


def test_chapter_shortcodes_evaluate(hooks):
    *_, shortcodes = hooks
    text = CHAPTER.read_text(encoding="utf-8")
    assert text.count("{{=") > 60
    expanded = shortcodes.expand(text, CHAPTER.name)
    assert "{{=" not in expanded
    assert "$o = \\left\\lfloor \\frac{227 - 11}{4} \\right\\rfloor + 1 = 54 + 1 = 55.$" \
        in expanded
