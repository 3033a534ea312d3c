"""The GAN chapter (docs/gan.md, scripts/chapters/gan.py): every value it shows from a source.

Sources, cited per test:

* Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional
  Generative Adversarial Networks", arXiv 1511.06434, ICLR 2016 ("the paper"): Sections 3
  and 4, Figure 1.
* The authors' code, github.com/Newmu/dcgan_code: faces/train_uncond_dcgan.py,
  mnist/train_cond_dcgan.py, lib/ops.py (deconv: an output of input x subsample).
* PyTorch's example, github.com/pytorch/examples, dcgan/main.py.
* Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016
  (distill.pub/2016/deconv-checkerboard): quoted only, verbatim.
* Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", arXiv 1603.07285:
  relationship 14 and its equivalent direct convolution.

The last test reads the page and fails on any number in its prose that is neither computed
at build time nor listed in ALLOWED with its source.
"""

import itertools
import random
import re
import shlex
import subprocess
import sys

import pytest

from calc import generator
from calc.arithmetic import (
    conv_input_sizes,
    conv_output_size,
    conv_transpose_output_size,
    solve_conv_transpose,
)
from calc.checks import check
from calc.coverage import transpose_axis, transpose_taps
from calc.layers import Conv2d, ConvTranspose2d
from calc.models import get_model
from calc.summary import summarize
from chapter_pages import ROOT, chapter_module, check_page

chapter = chapter_module("gan")

PAGE = ROOT / "docs" / "gan.md"


def s(name, **kw):
    return summarize(get_model(name, **kw))


def fences(language: str) -> list[dict]:
    """The page's fences of ``language``, each as its key: value lines."""
    found = []
    for body in re.findall(rf"^```{language}\n(.*?)^```", PAGE.read_text(),
                           flags=re.DOTALL | re.MULTILINE):
        values = {}
        for line in body.splitlines():
            key, _, value = line.partition(":")
            values[key.strip()] = value.strip().strip('"')
        found.append(values)
    return found


# --- The paper: Figure 1 and Section 3 ----------------------------------------------------

def test_figure_1_shapes():
    """Figure 1: z (100) projected and reshaped to 4x4x1024, then 8x8x512, 16x16x256,
    32x32x128 and 64x64x3 (printed height x width x channels)."""
    assert chapter.PAPER_LATENT == 100
    assert chapter.PAPER_FIGURE_1 == ((4, 4, 1024), (8, 8, 512), (16, 16, 256),
                                      (32, 32, 128), (64, 64, 3))
    expected = [(c, h, w) for h, w, c in chapter.PAPER_FIGURE_1]
    for name, kw in (("dcgan_paper_generator", {}),
                     ("dcgan_example_generator", {"ngf": chapter.CODE_FACES["ngf"]})):
        assert [st["output"] for st in chapter.stages_of(name, **kw)] == expected
    assert s("dcgan_paper_generator").input == (chapter.PAPER_LATENT,)
    assert s("dcgan_example_generator").input == (chapter.PAPER_LATENT, 1, 1)


def test_figure_1_table_rows():
    made = chapter.figure_1_table()
    for row, printed in zip(made.rows, chapter.PAPER_FIGURE_1):
        h, w, c = printed
        assert row[1] == f"{h}\u00d7{w}\u00d7{c}" and row[2] == row[6] == f"{c}x{h}x{w}"
    paper = s("dcgan_paper_generator")
    assert sum(r[4] for r in made.rows) == paper.params
    assert sum(r[5].sort for r in made.rows) == paper.macs
    example = s("dcgan_example_generator", ngf=128)
    assert sum(r[8] for r in made.rows) == example.params
    assert sum(r[9].sort for r in made.rows) == example.macs


def test_projection_is_a_transposed_convolution():
    """Section 3: the first layer "could be called fully connected as it is just a matrix
    multiplication, but the result is reshaped"; as many weights as a 4x4 transposed conv on
    a 1x1 map. BatchNorm1d per feature (authors) against BatchNorm2d per channel (example)."""
    dense = get_model("dcgan_paper_generator").node("main.0").layer
    conv = get_model("dcgan_example_generator", ngf=128).node("main.0").layer
    assert dense.type == "Linear" and conv.type == "ConvTranspose2d"
    assert dense.params == conv.params == 100 * 1024 * 4 * 4
    assert conv.kernel_size == (4, 4) and conv.stride == (1, 1) and conv.padding == (0, 0)
    rows = {r.name: r for r in s("dcgan_paper_generator").rows}
    assert rows["main.1"].type == "BatchNorm1d" and rows["main.1"].params == 2 * 16384
    assert s("dcgan_example_generator", ngf=128).rows[1].params == 2 * 1024


def test_batch_norm_placement_section_3():
    """Section 3: no batch norm on the generator output layer and the discriminator input
    layer; ReLU in the generator with Tanh at the output, LeakyReLU in the discriminator."""
    for name in ("dcgan_paper_generator", "dcgan_example_generator"):
        types = [r.type for r in s(name).rows]
        assert types[-1] == "Tanh" and types[-2] == "ConvTranspose2d"
        assert "LeakyReLU" not in types
    for name in ("dcgan_paper_discriminator", "dcgan_example_discriminator"):
        types = [r.type for r in s(name).rows]
        assert types[:2] == ["Conv2d", "LeakyReLU"]
        assert "ReLU" not in types and "Sigmoid" in types


def test_section_4_as_printed():
    """Section 4: minibatch 128, init std 0.02, leak slope 0.2, Adam lr 0.0002 (suggested
    0.001 too high), beta1 0.5 (suggested 0.9 oscillated). calc holds the slope."""
    assert chapter.PAPER_SECTION_4 == {"batch": 128, "init_std": 0.02, "leak": 0.2,
                                       "lr": 0.0002, "suggested_lr": 0.001, "beta1": 0.5,
                                       "suggested_beta1": 0.9}
    for name in ("dcgan_paper_discriminator", "dcgan_example_discriminator"):
        slopes = {n.layer.negative_slope for n in get_model(name).nodes
                  if n.layer.type == "LeakyReLU"}
        assert slopes == {chapter.PAPER_SECTION_4["leak"]}


def test_batch_norm_costs_two_per_channel():
    """The page: "It costs two parameters per channel"."""
    rows = s("dcgan_example_generator").rows
    bn = [r for r in rows if r.type == "BatchNorm2d"]
    assert all(r.params == 2 * r.output[0] for r in bn)


def test_width_halves_as_the_map_doubles():
    """Figure 1 draws 1024 channels at 4x4, then 512, 256, 128 to 32x32; the three inner
    stride-2 layers do the same MACs while their weights fall fourfold per layer."""
    widths = [c for _, _, c in chapter.PAPER_FIGURE_1[:-1]]
    assert widths == [1024, 512, 256, 128]
    rows = {r.name: r for r in s("dcgan_paper_generator").rows}
    inner = [rows[n] for n in ("main.4", "main.7", "main.10")]
    assert len({r.macs for r in inner}) == 1
    assert [a.params // b.params for a, b in itertools.pairwise(inner)] == [4, 4]
    assert rows["main.4"].params > 0.5 * s("dcgan_paper_generator").params


# --- The authors' code and PyTorch's example -----------------------------------------------

def test_authors_faces_code():
    """faces/train_uncond_dcgan.py: nz = 100, ngf = ndf = 128, nbatch = 128, npx = 64; gw2 =
    (ngf*8, ngf*4, 5, 5) ... deconv(subsample=(2, 2), border_mode=(2, 2)), an output twice
    the input (lib/ops.py): PyTorch's padding=2, output_padding=1."""
    code = chapter.CODE_FACES
    assert code == {"nz": 100, "ngf": 128, "ndf": 128, "nbatch": 128, "npx": 64, "kernel": 5,
                    "subsample": 2, "border_mode": 2}
    assert code["nbatch"] == chapter.PAPER_SECTION_4["batch"]
    g = get_model("dcgan_paper_generator")
    ups = [n.layer for n in g.nodes if n.layer.type == "ConvTranspose2d"]
    assert [u.in_channels for u in ups] == [8 * code["ngf"], 4 * code["ngf"], 2 * code["ngf"],
                                            code["ngf"]]
    for u in ups:
        assert u.kernel_size == (code["kernel"],) * 2 and u.stride == (code["subsample"],) * 2
        assert u.padding == (code["border_mode"],) * 2 and u.output_padding == (1, 1)
        assert not u.bias
    for i in (4, 8, 16, 32):   # the Theano deconv's output is input * subsample
        assert conv_transpose_output_size(i, 5, 2, 2, 1) == code["subsample"] * i
        assert conv_transpose_output_size(i, 5, 2, 2) == code["subsample"] * i - 1
    assert s("dcgan_paper_generator").output == (3, code["npx"], code["npx"])
    d = get_model("dcgan_paper_discriminator")
    convs = [n.layer for n in d.nodes if n.layer.type == "Conv2d"]
    assert [c.out_channels for c in convs] == [code["ndf"] * m for m in (1, 2, 4, 8)]
    assert all(c.kernel_size == (5, 5) and c.stride == (2, 2) and c.padding == (2, 2)
               for c in convs)
    head = d.node("main.12").layer
    assert head.type == "Linear" and head.in_features == 8 * code["ndf"] * 4 * 4
    assert head.out_features == 1


def test_authors_mnist_code():
    """mnist/train_cond_dcgan.py: npx = 28, ngf = 64, ngfc = 1024; a dense layer to
    ngf*2 x 7 x 7, then two 5x5 deconvs with stride 2, 7 -> 14 -> 28. The designer's 28x28
    default has the same sizes and widths."""
    code = chapter.CODE_MNIST
    assert code == {"npx": 28, "ngf": 64, "ngfc": 1024, "base": 7, "base_channels": 128,
                    "kernel": 5, "subsample": 2, "border_mode": 2}
    assert code["base_channels"] == 2 * code["ngf"]
    size = code["base"]
    for _ in range(2):
        size = conv_transpose_output_size(size, code["kernel"], code["subsample"],
                                          code["border_mode"], 1)
    assert size == code["npx"]
    d = chapter.design((1, 28, 28))
    assert [st.output[1:] for st in d.stages] == [(7, 7), (14, 14), (28, 28)]
    assert [st.output[0] for st in d.stages[:-1]] == [code["base_channels"], code["ngf"]]
    # the page: 28 halves twice to 7 and then to 3 with the example's 4x4 convs
    assert conv_output_size(conv_output_size(28, 4, 2, 1), 4, 2, 1) == 7
    assert conv_output_size(7, 4, 2, 1) == 3


def test_pytorch_example():
    """dcgan/main.py: nz = 100, ngf = ndf = 64, batchSize 64, imageSize 64; ConvTranspose2d(
    nz, ngf*8, 4, 1, 0) then (.., 4, 2, 1) without bias; the discriminator mirrors it."""
    ex = chapter.EXAMPLE
    assert ex == {"nz": 100, "ngf": 64, "ndf": 64, "batchSize": 64, "imageSize": 64,
                  "kernel": 4, "stride": 2, "padding": 1}
    g = get_model("dcgan_example_generator")
    ups = [n.layer for n in g.nodes if n.layer.type == "ConvTranspose2d"]
    assert ups[0].in_channels == ex["nz"] and ups[0].out_channels == 8 * ex["ngf"]
    assert ups[0].kernel_size == (4, 4) and ups[0].stride == (1, 1)
    for u in ups[1:]:
        assert (u.kernel_size, u.stride, u.padding, u.output_padding) == (
            (4, 4), (2, 2), (1, 1), (0, 0))
    assert not any(u.bias for u in ups)
    assert s("dcgan_example_generator").output == (3, ex["imageSize"], ex["imageSize"])
    d = get_model("dcgan_example_discriminator")
    convs = [n.layer for n in d.nodes if n.layer.type == "Conv2d"]
    assert [c.out_channels for c in convs] == [ex["ndf"] * m for m in (1, 2, 4, 8)] + [1]


def test_networks_table():
    made = chapter.networks_table()
    for row, (name, _) in zip(made.rows, chapter.NETWORKS):
        summary = s(name)
        assert row[0] == name and row[5] == summary.params and row[6].sort == summary.macs
        assert row[8].sort == summary.memory(128).training_saved
    assert [r[4] for r in made.rows] == ["2 or 3", "2", "2 or 3", "2"]
    assert chapter.wider_ratio() == (128 / 64) ** 2 * 25 / 16


def test_paper_against_example_costs():
    """The page: 6.1 times fewer MACs; twice the width and 25 taps for 16 make 6.25 per
    inner layer; the projection and the last layer make up the rest."""
    paper, example = s("dcgan_paper_generator"), s("dcgan_example_generator")
    assert round(paper.macs / example.macs, 1) == 6.1
    assert chapter.wider_ratio() == 6.25
    # "the three inner stride-2 rows shrink by one and the same factor"
    p_rows = chapter.rows_of("dcgan_paper_generator", "ConvTranspose2d")[:3]
    e_rows = chapter.rows_of("dcgan_example_generator", "ConvTranspose2d")[1:4]
    assert {(a.params / b.params, a.macs / b.macs) for a, b in zip(p_rows, e_rows)} == {
        (6.25, 6.25)}


# --- Transposed convolution arithmetic ----------------------------------------------------

def test_relationship_14_and_the_direct_convolution():
    """o' = s(i' - 1) + k - 2p + a equals the stride-1 convolution of the input stretched by
    s - 1 zeros and padded by k - p - 1 (plus a), for every small case."""
    for i in range(1, 9):
        for k in range(1, 7):
            for st in range(1, 4):
                for p in range(k):
                    for a in range(st):
                        if st * (i - 1) + k - 2 * p + a < 1:
                            continue          # PyTorch refuses it: no output
                        o = conv_transpose_output_size(i, k, st, p, a)
                        stretched = st * (i - 1) + 1
                        direct = stretched + 2 * (k - p - 1) + a - k + 1
                        assert o == direct == st * (i - 1) + k - 2 * p + a


def test_direct_convolution_counts_zeros():
    """The page: as a direct convolution main.3 does 4 times its MACs, three in four with
    zero (counted on the output grid)."""
    r2 = {r.name: r for r in s("dcgan_example_generator").rows}
    before, after = r2["main.2"].output, r2["main.3"].output
    grid = (after[1] * after[2]) // (before[1] * before[2])
    assert grid == 4 and r2["main.3"].macs * grid == after[1] * after[2] * 512 * 256 * 16


def test_output_padding_and_conv_input_sizes():
    """The page: a 3x3 stride-2 padding-1 conv maps 13 and 14 to 7; the transposed conv gives
    13, output_padding 1 gives 14; in general s sizes map to one output."""
    assert list(conv_input_sizes(7, 3, 2, 1)) == [13, 14]
    assert conv_transpose_output_size(7, 3, 2, 1) == 13
    assert conv_transpose_output_size(7, 3, 2, 1, 1) == 14
    for o in range(2, 20):
        for k in range(1, 6):
            for st in range(1, 4):
                for p in range(k // 2 + 1):
                    sizes = conv_input_sizes(o, k, st, p)
                    if sizes and sizes[0] > k:
                        assert len(sizes) == st


def test_odd_targets_need_output_padding_with_even_kernels():
    """The page: with stride 2, o' = 2i' + (k - 2p - 2) + a, so an even k reaches an odd
    size only with a = 1; the 3x3 layer reaches 13 from 7 without it, the 4x4 needs p = 2,
    a = 1."""
    for i in range(1, 30):
        for k in (2, 4, 6, 8):
            for p in range(k):
                for a in (0, 1):
                    if 2 * (i - 1) + k - 2 * p + a < 1:
                        continue              # PyTorch refuses it: no output
                    assert conv_transpose_output_size(i, k, 2, p, a) % 2 == a
    assert conv_transpose_output_size(7, 3, 2, 1) == 13
    assert conv_transpose_output_size(7, 4, 2, 2, 1) == 13
    assert conv_transpose_output_size(5, 4, 2, 1) == 10   # k - 2p = s doubles exactly
    assert conv_transpose_output_size(4, 5, 2, 2) == 7 and conv_transpose_output_size(
        4, 5, 2, 2, 1) == 8


# --- Resize-convolution --------------------------------------------------------------------

def _upsample_conv(x, w):
    """Nearest x2, then a K x K cross-correlation with padding (K - 1) / 2 (one channel)."""
    n, k = len(x), len(w)
    u = [[x[i // 2][j // 2] for j in range(2 * n)] for i in range(2 * n)]
    out = [[0] * (2 * n) for _ in range(2 * n)]
    for i in range(2 * n):
        for j in range(2 * n):
            for a in range(k):
                for b in range(k):
                    y, z = i + a - k // 2, j + b - k // 2
                    if 0 <= y < 2 * n and 0 <= z < 2 * n:
                        out[i][j] += w[a][b] * u[y][z]
    return out


def _transposed(x, v, stride=2, padding=1):
    """ConvTranspose2d semantics: out[i*s + a - p][j*s + b - p] += v[a][b] * x[i][j]."""
    n, k = len(x), len(v)
    size = (n - 1) * stride + k - 2 * padding
    out = [[0] * size for _ in range(size)]
    for i in range(n):
        for j in range(n):
            for a in range(k):
                for b in range(k):
                    y, z = i * stride + a - padding, j * stride + b - padding
                    if 0 <= y < size and 0 <= z < size:
                        out[y][z] += v[a][b] * x[i][j]
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [3, 5])
def test_resize_conv_is_a_tied_transposed_conv(seed, k):
    """The page: nearest x2 then a 3x3 conv (padding 1) equals a 4x4 transposed conv with
    stride 2, padding 1 and kernel V = M W M^T, borders included; a 5x5 conv (padding 2) a
    6x6 one with padding 2 (the upsampling table's note)."""
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    x = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
    w = [[rng.randint(-9, 9) for _ in range(k)] for _ in range(k)]
    v = chapter.fold_resize_conv(w)
    assert len(v) == k + 1
    assert _upsample_conv(x, w) == _transposed(x, v, 2, (k - 1) // 2)


def test_folded_taps_and_flat_input():
    """Per axis the taps fold to (w2, w1 + w2, w0 + w1, w0); the taps reaching even and odd
    outputs both sum to w0 + w1 + w2, so a flat input gives a flat output."""
    w = [[0, 0, 0], [1, 2, 3], [0, 0, 0]]   # one row: the 1-D taps (1, 2, 3) along width
    v = chapter.fold_resize_conv(w)
    assert v[1] == [3, 2 + 3, 1 + 2, 1] and v[2] == v[1]
    rng = random.Random(7)
    w = [[rng.randint(-9, 9) for _ in range(3)] for _ in range(3)]
    v = chapter.fold_resize_conv(w)
    phases = {(a % 2, b % 2): 0 for a in range(2) for b in range(2)}
    for a in range(4):
        for b in range(4):
            phases[(a % 2, b % 2)] += v[a][b]
    assert set(phases.values()) == {sum(map(sum, w))}
    flat = _upsample_conv([[1] * 5 for _ in range(5)], w)
    assert len({flat[i][j] for i in range(1, 9) for j in range(1, 9)}) == 1


def test_upsampling_table():
    """Resize-convolution: 9/16 of the weights and 2.25 times the MACs of the 4x4 transposed
    convolution, as run; k = 5 overlaps unevenly (2 or 3), k = 3 too (1 or 2)."""
    made = chapter.upsampling_table()
    by_label = {r[0]: r for r in made.rows}
    base = by_label["ConvTranspose2d, PyTorch's example: k=4, s=2, p=1"]
    resize = by_label["nearest ×2, then Conv2d k=3, p=1"]
    assert base[1] == row_params("dcgan_example_generator", "main.3")
    assert base[2].sort == s("dcgan_example_generator").rows[3].macs
    assert resize[1] * 16 == base[1] * 9 and resize[2].sort * 16 == base[2].sort * 36
    assert by_label["ConvTranspose2d, the authors' code: k=5, s=2, p=2, a=1"][3] == "2 or 3"
    assert by_label["ConvTranspose2d: k=3, s=2, p=1, a=1"][3] == "1 or 2"
    assert len(made.rows) == 7
    conv = Conv2d(512, 256, 3, 1, 1, bias=False)
    assert resize[2].sort == conv.macs((512, 8, 8), (256, 8, 8))
    up = ConvTranspose2d(512, 256, 4, 2, 1, bias=False)
    assert base[2].sort == up.macs((512, 4, 4), (256, 8, 8))


def row_params(name, node):
    return next(r.params for r in s(name).rows if r.name == node)


# --- Uneven overlap (Distill) -------------------------------------------------------------

def test_distill_quotes_are_verbatim_on_the_page():
    """Odena, Dumoulin & Olah (Distill 2016) are quoted, never paraphrased inside quotes."""
    page = " ".join(PAGE.read_text().split())
    for quote in chapter.DISTILL.values():
        assert f'"{quote}' in page or quote in page, quote


def test_uneven_when_the_stride_does_not_divide_the_kernel():
    """Distill: "deconvolution has uneven overlap when the kernel size ... is not divisible
    by the stride". calc's coverage agrees for every kernel at least the stride."""
    for k in range(1, 9):
        for st in range(1, 5):
            if k < st:
                continue
            a = transpose_axis(16, k, st)
            assert a.uneven == (k % st != 0)
            assert (a.taps_min, a.taps_max) == (k // st, -(-k // st))


def test_factor_of_four_in_two_dimensions():
    """Distill: "a stride 2, size 3 deconvolution has some outputs with twice the number of
    inputs as others, but in two dimensions this becomes a factor of four"."""
    axis = chapter.interior_taps(3, 2)
    assert max(axis) == 2 * min(axis)
    assert max(axis) ** 2 == 4 * min(axis) ** 2
    assert sorted(set(chapter.interior_taps(5, 2))) == [2, 3]
    assert chapter.interior_taps(4, 2) == (2, 2)


def test_checks_flag_the_paper_generator_only():
    """The page: calc flags the 4 stride-2 layers of dcgan_paper_generator (2 or 3 taps per
    axis: 4, 6 or 9 products) and none of dcgan_example_generator."""
    found = check(get_model("dcgan_paper_generator"))
    assert len(found) == 4 and all(f.rule == "uneven" for f in found)
    assert {(f.axes[0].taps_min, f.axes[0].taps_max) for f in found} == {(2, 3)}
    assert check(get_model("dcgan_example_generator")) == ()


def test_discriminator_backward_is_uneven():
    """The page: the gradient through the authors' 5x5 stride-2 convs is a transposed conv
    with 2 or 3 taps per axis; the example's 4x4 gives 2."""
    assert chapter.taps_text(5, 2, 2) == "2 or 3" and chapter.taps_text(4, 2, 1) == "2"


def test_taps_figure():
    made = chapter.taps_figure()
    assert "k = 3 gives 1 or 2 taps per axis, so output pixels receive 1, 2 or 4" in made.alt
    assert "k = 4 gives 2 taps per axis and 4 to every output pixel" in made.alt
    assert "k = 5 gives 2 or 3 taps per axis, so output pixels receive 4, 6 or 9" in made.alt
    taps = transpose_taps(8, 4, 2, 1)
    assert taps[1:-1] == (2,) * 14 and taps[0] == taps[-1] == 1   # the page: borders get one


# --- Mirroring, and sizes that are not powers of two --------------------------------------

def test_mirror_table_for_100():
    """The page: the example's discriminator floors 25 to 12; its mirror needs a = 1 there
    and nowhere else."""
    rows = chapter.mirror(100)
    assert [(r["input"], r["output"]) for r in rows] == [(100, 50), (50, 25), (25, 12),
                                                          (12, 6)]
    assert [r["output_padding"] for r in rows] == [0, 0, 1, 0]
    for r in rows:
        assert r["input"] in r["sizes"]
        assert conv_transpose_output_size(r["output"], 4, 2, 1, r["output_padding"]) == \
            r["input"]
    made = chapter.mirror_table(100)
    assert [r[4] for r in made.rows] == [0, 0, 1, 0]


# --- The designer ---------------------------------------------------------------------------

def test_designer_bounds_on_the_page():
    """The page states the designer's bounds: base at most 7, kernels up to 8, strides up to
    4, padding up to 4; widths 64 before the image, doubling up to 512."""
    assert generator.MAX_BASE == 7
    assert (generator.MAX_KERNEL, generator.MAX_STRIDE, generator.MAX_PADDING) == (8, 4, 4)
    assert (generator.BASE_WIDTH, generator.MAX_WIDTH) == (64, 512)


def test_designer_plans():
    """The page: 100 <- 50 <- 25 <- 13 <- 7 (7 to 13 and 13 to 25 odd, p = 2, a = 1); 96x64
    starts at 6x4 after four halvings; the first-ranked doubling is k=4, s=2, p=1."""
    assert generator.plan_sizes(100, 100) == [(7, 7), (13, 13), (25, 25), (50, 50),
                                              (100, 100)]
    assert generator.plan_sizes(96, 64)[0] == (6, 4) and len(generator.plan_sizes(96, 64)) == 5
    d = chapter.design((3, 100, 100))
    firsts = [st.options[0] for st in d.stages]
    assert [j for j, o in enumerate(firsts) if any(o.output_padding)] == [1, 2]
    assert all(o.kernel_size == (4, 4) and o.padding == (2, 2) and o.output_padding == (1, 1)
               for o in firsts[1:3])
    for target in chapter.DESIGNER_TARGETS:
        for st in chapter.design(target).stages[1:]:
            o = st.options[0]
            assert not o.uneven and o.stride == (2, 2) and o.kernel_size == (4, 4)
    d = chapter.design((3, 96, 64))
    assert d.stages[0].options[0].kernel_size == (6, 4)
    # 100x100, stages 1 and 2: every even stride-2 option needs a = 1; the 3x3 layer that
    # reaches the size without it is uneven and ranks below every listed option
    d = chapter.design((3, 100, 100))
    for stage in d.stages[1:3]:
        even = [o for o in stage.options if o.stride == (2, 2) and not (o.uneven or o.gaps)]
        assert even and all(o.output_padding == (1, 1) for o in even)
        three = [i for i, o in enumerate(stage.options)
                 if o.kernel_size == (3, 3) and o.stride == (2, 2) and o.padding == (1, 1)]
        assert three and stage.options[three[0]].output_padding == (0, 0)
        assert stage.options[three[0]].uneven and three[0] >= len(even)
        assert not any(o.uneven or o.gaps for o in stage.options[:three[0]])


def test_designer_64_is_the_example_plus_a_bias():
    """The page: for 64x64 the designer's first choice is PyTorch's example layer for layer,
    with three more parameters: the bias of the last layer."""
    built, example = chapter.designed((3, 64, 64)), s("dcgan_example_generator")
    assert built.macs == example.macs
    assert built.params - example.params == 3 == example.output[0]
    assert [r.output for r in built.rows] == [r.output for r in example.rows]


def test_designer_at_paper_widths_costs_the_example_at_ngf_128():
    """The page: channels 1024,512,256,128 at 64x64: the MACs of the example at ngf = 128."""
    built = chapter.designed((3, 64, 64), 100, chapter.paper_widths())
    assert chapter.paper_widths() == (1024, 512, 256, 128)
    assert built.macs == s("dcgan_example_generator", ngf=128).macs


def test_designer_table():
    made = chapter.designer_table()
    assert [r[0] for r in made.rows] == ["3x64x64", "1x28x28", "3x48x48", "3x100x100",
                                         "3x96x64"]
    for row, target in zip(made.rows, chapter.DESIGNER_TARGETS):
        built = summarize(generator.build(generator.design(100, target)))
        assert row[6] == built.params and row[7].sort == built.macs
    assert made.rows[3][5] == "1, 2" and all(r[5] == "none" for i, r in enumerate(made.rows)
                                             if i != 3)


def test_paper_choices_rebuild_the_authors_generator():
    """The second generator fence's choices select the authors' 5x5 layers, which rank after
    every even option; the result does the authors' MACs."""
    d = chapter.design((3, 64, 64), 100, chapter.paper_widths())
    picks = chapter.paper_choices()
    for stage, pick in zip(d.stages[1:], picks[1:]):
        o = stage.options[pick]
        assert (o.kernel_size, o.stride, o.padding, o.output_padding) == (
            (5, 5), (2, 2), (2, 2), (1, 1))
        assert o.uneven and not any(not (x.uneven or x.gaps) for x in stage.options[pick:])
        assert not any(x.uneven or x.gaps for x in stage.options[:10])
    built = chapter.designed((3, 64, 64), 100, chapter.paper_widths(), picks)
    assert built.macs == s("dcgan_paper_generator").macs
    generators = [f for f in fences("calc") if f.get("id") == "generator"]
    assert len(generators) == 2
    second = generators[1]
    assert second["choices"] == ",".join(map(str, picks))
    assert second["channels"] == ",".join(map(str, chapter.paper_widths()))
    table = chapter.paper_in_designer_table()
    assert [r[5] for r in table.rows] == list(picks)


def test_solver_finds_the_paper_layer():
    """Relationship 14 solved for 4 -> 8 includes both DCGAN layers."""
    found = {(c.kernel_size, c.stride, c.padding, c.output_padding)
             for c in solve_conv_transpose(4, 8, 8, 4, 4)}
    assert {(4, 2, 1, 0), (5, 2, 2, 1)} <= found


def test_cli_commands_on_the_page_run():
    """Every command of the page's ```sh block runs (stdout discarded)."""
    block = re.search(r"^```sh\n(.*?)^```", PAGE.read_text(), flags=re.DOTALL | re.MULTILINE)
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 3
    for line in commands:
        args = shlex.split(line.split(">")[0])
        assert args[:3] == ["python", "-m", "calc"]
        done = subprocess.run([sys.executable, *args[1:]], capture_output=True, text=True,
                              cwd=ROOT, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout


# --- The discriminator --------------------------------------------------------------------

def test_discriminators_mirror_their_generators():
    """The page: the authors' discriminator's three inner layers do the generator's inner
    MACs; the receptive fields: the authors' last conv sees 61 px, the example's final 4x4
    conv 94, more than the 64x64 image."""
    d = {r.name: r for r in s("dcgan_paper_discriminator").rows}
    g = {r.name: r for r in s("dcgan_paper_generator").rows}
    assert d["main.2"].macs == d["main.5"].macs == d["main.8"].macs == g["main.4"].macs
    assert d["main.8"].rf.size[0] == 61
    e = {r.name: r for r in s("dcgan_example_discriminator").rows}
    image = s("dcgan_example_discriminator").input[1]
    assert e["main.11"].rf.size[0] == 94 > image


# --- Figures ------------------------------------------------------------------------------

def test_generator_block_figure():
    """The block figure: every stage's output and cost are calc's; uneven for the authors'
    generator, even for the example."""
    made = chapter.generator_block_figure("dcgan_paper_generator")
    for st in chapter.stages_of("dcgan_paper_generator"):
        assert f"{st['output'][0]}x{st['output'][1]}x{st['output'][2]}" in made.alt
    assert "2 or 3 taps per axis, unevenly" in made.alt and "100-long latent" in made.alt
    assert "the same taps" in chapter.generator_block_figure("dcgan_example_generator").alt


def test_generator_costs_figure():
    made = chapter.generator_costs_figure()
    rows = {r.name: r for r in s("dcgan_paper_generator").rows}
    assert f"{rows['main.4'].macs / 1e6:.1f} million MACs" in made.alt


# --- No hand-typed numbers ---------------------------------------------------------------

# Every number left in the page's prose once fenced blocks, {{= }} shortcodes, inline code,
# math and link targets are removed, with where it comes from.
STRUCTURAL = ("structural: kernel sizes and strides of layers being defined (1x1, 3x3, 4x4, "
              "5x5), map sizes of the running examples, list and relationship numbers")
ALLOWED = {
    "1": STRUCTURAL + "; Figure 1; output_padding 1",
    "2": STRUCTURAL + " (stride 2)",
    "3": STRUCTURAL + "; Section 3; 3x3 kernels; the designer's rule 3",
    "4": STRUCTURAL + "; 4x4 maps and kernels (Figure 1, the example); Section 4",
    "5": STRUCTURAL + "; 5x5 kernels of the authors' code (test_authors_faces_code)",
    "6": "the designer's rule 6; 6x4 base of 96x64 (test_designer_plans)",
    "7": "the designer's MAX_BASE (test_designer_bounds_on_the_page); MNIST's 7x7 base "
         "(test_authors_mnist_code); 7 -> 13 (test_odd_targets_need_output_padding_...)",
    "8": "relationship 8; 8x8 maps; MAX_KERNEL (test_designer_bounds_on_the_page)",
    "11": "relationships 8 to 11", "12": "relationship 12",
    "13": "relationships 8 to 13; 7 -> 13 -> 25 (test_designer_plans)",
    "14": "relationship 14; MNIST's 14x14 (test_authors_mnist_code)",
    "16": "the 16 taps of a 4x4 kernel (structural)",
    "25": "the 25 taps of a 5x5 kernel; 13 -> 25 (test_designer_plans)",
    "28": "MNIST's 28x28 (test_authors_mnist_code)",
    "32": "Figure 1's 32x32 (test_figure_1_shapes)",
    "64": "Figure 1's 64x64 (test_figure_1_shapes); the designer's 64 base width and the "
          "example's ngf (test_designer_bounds_on_the_page, test_pytorch_example); 96x64",
    "96": "the 96x64 example target (test_designer_plans)",
    "100": "Figure 1's 100-dimensional z (test_figure_1_shapes); the 100x100 example target",
    "128": "Figure 1's 128 channels; Section 4's batch of 128 (test_section_4_as_printed); "
           "MNIST's 128 channels at 7x7 (test_authors_mnist_code)",
    "256": "Figure 1's 256 channels (test_figure_1_shapes); the example's second layer",
    "512": "Figure 1's 512 channels; the designer's MAX_WIDTH (test_designer_bounds_...); "
           "StyleGAN's constant 4x4x512 (printed, Karras et al. 2019 Figure 1b)",
    "1024": "Figure 1's 1024 channels (test_figure_1_shapes); MNIST code's ngfc = 1024 "
            "(test_authors_mnist_code); progressive growing's 1024x1024 (printed, abstract)",
    "0.2": "Section 4: leak slope (test_section_4_as_printed)",
    "0.02": "Section 4: init std (test_section_4_as_printed)",
    "0.0002": "Section 4: Adam learning rate (test_section_4_as_printed)",
    "0.001": "Section 4: the suggested learning rate (test_section_4_as_printed)",
    "0.5": "Section 4: beta1 (test_section_4_as_printed); '0.5x' in Karras et al.'s caption",
    "0.9": "Section 4: the suggested beta1 (test_section_4_as_printed)",
    # years and arXiv ids
    "2014": "year", "2015": "year", "2016": "year", "2017": "year", "2018": "year",
    "2019": "year", "2021": "year",
    "1406.2661": "arXiv id (GAN)", "1511.06434": "arXiv id (DCGAN)",
    "1603.07285": "arXiv id (Dumoulin & Visin)", "1707.02937": "arXiv id (Aitken et al.)",
    "1710.10196": "arXiv id (progressive growing)", "1809.11096": "arXiv id (BigGAN)",
    "1812.04948": "arXiv id (StyleGAN)", "2105.05233": "arXiv id (Dhariwal & Nichol)",
}


def test_no_hand_typed_numbers():
    check_page(PAGE, ALLOWED)
