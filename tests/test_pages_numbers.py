"""The pages without a chapter test of their own: no number in their prose typed by hand.

docs/introduction.md, docs/convolution-arithmetic.md, docs/conventions.md, docs/index.md,
docs/resources.md and docs/benchmarks.md compute their numbers with ``{{= }}`` shortcodes.
What is left in their prose is listed below, page by page, with where it comes from: a
structural constant (kernel size, stride, padding, an example's chosen input), a name, a
section, table or list number, a year, an arXiv id, or a source's printed value, with the test
that checks it or, where none can, the exact place in the source.

The structural claims the pages make about calc's zoo models (the kernel, stride and padding
of a named layer) are asserted here, so that an ALLOWED entry that says "asserted below" has
a test behind it; the models themselves are checked against torchvision by the oracle tests.

Sources cited below:

* D&V: Dumoulin and Visin, "A guide to convolution arithmetic for deep learning", arXiv
  1603.07285 (relationships 1 to 15 and their examples).
* K12: Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
  Neural Networks", NIPS 2012.
* K14: Krizhevsky, "One weird trick for parallelizing convolutional neural networks", arXiv
  1404.5997.
* L98: LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document
  recognition", Proc. IEEE 1998.
* Szegedy et al., "Going Deeper with Convolutions", arXiv 1409.4842 (GoogLeNet), Table 1.
* Chen et al., "DeepLab", arXiv 1606.00915 (ASPP).
* NVIDIA's CUDA C++ Programming Guide and Deep Learning Performance documentation.
"""

import pytest
from chapter_pages import ROOT, check_page

from calc.models import get_model
from calc.render.numbers import nbytes, si
from calc.summary import summarize

DOCS = ROOT / "docs"

YEAR = "year of a cited publication"
ARXIV = "arXiv id of a cited paper"

INTRODUCTION = {
    "1": "structural: stride 1 and padding 1 of the example layers (the 3×3 stride-2 "
         "convolution, the 4×4 transposed convolution), and 'at stride 1' for cuDNN's Winograd "
         "algorithms",
    "2": "structural: 'downsamples by 2', 'stride 2', 'stride-2 stages'",
    "2.3": "section number: Simonyan & Zisserman (arXiv 1409.1556), section 2.3",
    "3": "kernel size in plain words: 3×3",
    "4": "kernel size in plain words: the example transposed convolution's 4×4 kernel",
    "5": "kernel size in plain words: the 5×5 filter two 3×3 layers replace",
    "7": "kernel size in plain words: the 7×7 filter three 3×3 layers replace",
    "8": "vendor's printed value: NVIDIA Deep Learning Performance documentation, tensor core "
         "requirements: channel counts multiples of 8 for FP16 (no test can check it)",
    "16": "name: VGG-16",
    "32": "vendor's printed value: the warp size, 32 threads, NVIDIA CUDA C++ Programming "
          "Guide (SIMT architecture; no test can check it)",
    "50": "name: ResNet-50",
    "64": "example channel count (a power of two; one of VGG-16's widths, asserted below)",
    "128": "example channel count (a power of two; one of VGG-16's widths, asserted below)",
    "256": "example channel count (a power of two; one of VGG-16's widths, asserted below)",
    "512": "example channel count (a power of two; one of VGG-16's widths, asserted below)",
    "224": "example input size: 'image sizes such as 224', and the 224 that the rounding "
           "example maps (the same literal the shortcodes compute from)",
    "225": "example input size: the odd size of the rounding example (the literal the "
           "shortcodes compute from)",
    "1509.09308": ARXIV + " (Lavin and Gray)",
    "2015": YEAR + " (ICLR 2015, VGG)",
    "2016": YEAR + " (CVPR 2016, Lavin and Gray)",
}

CONVOLUTION_ARITHMETIC = {
    "1": "D&V's relationship 1 ('relationships 1 to 15'); structural: stride 1 / unit stride, "
         "padding 1, 1×1 convolutions (ResNet's projections, MobileNet's pointwise, ResNet-D), "
         "Inception v3's 1×7 and 7×1 kernels (asserted below), the 1-wide window of the Caffe "
         "example; table number: GoogLeNet's Table 1",
    "2": "D&V's relationship 2; structural: '2-D', stride 2 (ResNet's stem and projections, "
         "VGG's and GoogLeNet's pools, DCGAN, the TF 'SAME' example; asserted below), VGG's and "
         "ResNet-D's 2×2 pools, torchvision's AlexNet padding of 2 (asserted below), the "
         "2-wide window example, '5 is not a multiple of 2'",
    "3": "D&V's relationship 3; structural: 3×3 kernels and windows, padding 3 of ResNet's "
         "7×7 stem (asserted below; 'pads 3 and 3' restates padding=3), stride 3 of the "
         "Caffe example",
    "4": "D&V's relationship 4; structural: the 4×4 input of D&V's relationship-1 example, a "
         "4-wide kernel, AlexNet's stride 4 (K12 section 3.5; asserted below), the DCGAN "
         "paper's first 4×4 map that the 5×5 stride-2 layer takes (test_zoo_papers.py "
         "test_dcgan_paper_generator_shapes_figure_1), PyTorch's DCGAN k = 4, ResNeXt's "
         "'32×4d' name",
    "5": "D&V's relationship 5; name: LeNet-5; structural: 5×5 kernels (L98's C1, the DCGAN "
         "authors' code: test_zoo_papers.py test_dcgan_paper_generator_shapes_figure_1), "
         "the 5×5 input of D&V's examples, the 5-pixel axis of the pooling examples",
    "6": "D&V's relationship 6",
    "7": "D&V's relationship 7; kernel size: 7×7 (ResNet's stem, asserted below; the filter "
         "three 3×3 layers replace), Inception v3's 1×7 and 7×1",
    "8": "D&V's relationship 8",
    "9": "D&V's relationship 9",
    "10": "D&V's relationship 10",
    "11": "D&V's relationship 11; kernel size: AlexNet's 11×11 (K12 section 3.5; asserted "
          "below)",
    "12": "D&V's relationship 12; structural: dilation 12, one of DeepLab's ASPP rates "
          "(Chen et al., arXiv 1606.00915: ASPP-L uses rates 6, 12, 18, 24; no test checks it)",
    "13": "D&V's relationship 13",
    "14": "D&V's relationship 14",
    "15": "D&V's relationship 15 ('relationships 1 to 15')",
    "16": "name: VGG-16",
    "32": "L98's 32×32 input (section II.B; test_chapter_basic_design.py "
          "test_lenet5_shapes_section_ii_b); ResNeXt-50 (32×4d)'s cardinality, its name and "
          "its 32 groups (asserted below)",
    "50": "names: ResNet-50, ResNeXt-50",
    "55": "K12's printed 55×55 conv1 maps (Figure 2; test_chapter_basic_design.py "
          "test_figure_2_neurons_at_227, test_the_missing_three_pixels); also the literal target "
          "the conv_input_sizes shortcode starts from",
    "56": "GoogLeNet's Table 1 prints 56×56 after the first max pool (test_zoo_papers.py "
          "GOOGLENET_TABLE_1 and test_chapter_inception.py TABLE_1 assert calc's "
          "googlenet_paper against it)",
    "65": "example input size of the dilation example (the literal the shortcodes compute "
          "from)",
    "223": "example input size: the second input the ResNet stem maps to 112 (the literal the "
           "shortcode computes from)",
    "224": "example input size (VGG, ResNet's stem, VGG's pool, TF 'SAME', the solver), and K12's "
           "printed 224×224 input (section 3.5; test_chapter_basic_design.py "
           "test_224_against_227, test_figure_2_input_is_224)",
    "227": "AlexNet's 227×227 input (Caffe's bvlc_alexnet), which the page then computes as the "
           "smallest input giving 55 (test_chapter_basic_design.py test_224_against_227)",
    "256": "example channel count of the depthwise-separable example (the literal the "
           "shortcodes compute from)",
    **{a: ARXIV for a in ("1409.1556", "1409.4842", "1511.06434", "1511.07122", "1512.03385",
                          "1603.07285", "1606.00915", "1611.05431", "1702.08502", "1704.04861",
                          "1812.01187")},
    **{y: YEAR for y in ("1998", "2012", "2015", "2016", "2017", "2018", "2019")},
}

CONVENTIONS = {
    "0": "structural: padding 0, the receptive field's starting value (asserted below)",
    "1": "structural: dilation 1 in the transposed-convolution formula, padding 1 of the DCGAN "
         "layers (asserted below), size 1 and stride 1 the receptive field starts from "
         "(asserted below); units: 1 KiB, 1 MiB",
    "2": "structural: stride 2 (DCGAN, the 3×3 example, GoogLeNet's pool; asserted below); the "
         "command line's exit status 2 (test_cli.py test_errors_exit_2_with_message)",
    "3": "kernel size in plain words: 3×3 (the example transposed convolution, GoogLeNet's "
         "pool window)",
    "4": "kernel size in plain words: the DCGAN generator's 4×4 kernels (asserted below); the "
         "4 × 4 input of the counterexample (the literal the shortcodes compute from)",
    "1000": "definition: SI prefixes are powers of 1000 (asserted below on calc's si)",
    "1024": "definition: binary prefixes, 1 KiB = 1024 bytes (asserted below on calc's nbytes)",
    "2019": YEAR + " (Araujo, Norris and Sim, Distill)",
}

INDEX = {n: "ordered-list marker of the chapter list" for n in ("1", "2", "3", "4", "5", "6")}

RESOURCES = {
    "1": "kernel size in plain words: 1×1 convolutions (Network In Network); padding 1 of "
         "PyTorch's DCGAN example (asserted below)",
    "2": "structural: stride 2 of the DCGAN authors' code and of PyTorch's DCGAN example "
         "(asserted below)",
    "2.3": "section number: Simonyan & Zisserman (arXiv 1409.1556), section 2.3",
    "3": "kernel size in plain words: 3×3",
    "4": "kernel size in plain words: PyTorch's DCGAN example's 4×4 kernels (asserted below)",
    "5": "kernel size in plain words: the DCGAN authors' 5×5 kernels (test_zoo_papers.py "
         "test_dcgan_paper_generator_shapes_figure_1)",
    "384": "K14's printed conv4 width: footnote 1 on page 5 lists 64, 192, 384, 384, 256 "
           "(quoted in pytorch/vision PRs 463 and 704); test_alexnet_differs_from_k14_at_conv4 "
           "below checks calc's alexnet against that transcription, not against the paper",
    **{a: ARXIV for a in ("1311.2901", "1312.4400", "1404.5997", "1406.2661", "1409.1556",
                          "1409.4842", "1410.0759", "1412.6806", "1502.03167", "1509.07627",
                          "1509.09308", "1511.06434", "1511.07122", "1512.00567", "1512.03385",
                          "1603.05027", "1603.07285", "1605.07146", "1606.00915", "1608.06993",
                          "1701.04128", "1702.08502", "1812.01187")},
    **{y: YEAR + " (also in distill.pub link texts)" for y in
       ("2012", "2014", "2015", "2016", "2017", "2018", "2019")},
}

BENCHMARKS = {
    "8": "vendor's printed value, as in the introduction: NVIDIA Deep Learning Performance "
         "documentation, channel counts multiples of 8 for FP16 (no test can check it)",
}

PAGES = {
    "introduction.md": INTRODUCTION,
    "convolution-arithmetic.md": CONVOLUTION_ARITHMETIC,
    "conventions.md": CONVENTIONS,
    "index.md": INDEX,
    "resources.md": RESOURCES,
    "benchmarks.md": BENCHMARKS,
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_no_hand_typed_numbers(page):
    check_page(DOCS / page, PAGES[page])


# --- the structural claims the pages make about calc's zoo models -------------------------

def layer(model, node):
    return get_model(model).node(node).layer


def kernel_stride_padding(model, node):
    conv = layer(model, node)
    return conv.kernel_size, conv.stride, conv.padding


def test_alexnet_first_layer():
    """Arithmetic: AlexNet's 11×11 kernels with stride 4 (K12 section 3.5); torchvision's
    pads its input by 2."""
    assert kernel_stride_padding("alexnet", "features.0") == ((11, 11), (4, 4), (2, 2))


def test_alexnet_differs_from_k14_at_conv4():
    """Resources: K14's single-column net, footnote 1 on page 5 (as quoted in pytorch/vision
    PRs 463 and 704): 64, 192, 384, 384, 256 kernels; torchvision's has 256 at conv4."""
    k14 = [64, 192, 384, 384, 256]
    calc = [n.layer.out_channels for n in get_model("alexnet").nodes
            if n.layer.type == "Conv2d"]
    assert [i for i, (a, b) in enumerate(zip(k14, calc)) if a != b] == [3]
    assert calc[3] == layer("alexnet", "features.8").out_channels == 256


def test_resnet_stem_and_projections():
    """Arithmetic: ResNet's 7×7 stem with stride 2 and padding 3; 1×1 projections with
    stride 2."""
    assert kernel_stride_padding("resnet50", "conv1") == ((7, 7), (2, 2), (3, 3))
    assert kernel_stride_padding("resnet50", "layer2.0.downsample.0") == \
        ((1, 1), (2, 2), (0, 0))


def test_vgg_kernels_pools_and_widths():
    """Introduction and arithmetic: VGG's 3×3 convolutions with padding 1, its 2×2 max pools
    with stride 2, and its widths 64, 128, 256, 512."""
    nodes = get_model("vgg16").nodes
    convs = [n.layer for n in nodes if n.layer.type == "Conv2d"]
    pools = [n.layer for n in nodes if n.layer.type == "MaxPool2d"]
    assert {(c.kernel_size, c.stride, c.padding) for c in convs} == {((3, 3), (1, 1), (1, 1))}
    assert {(p.kernel_size, p.stride) for p in pools} == {((2, 2), (2, 2))}
    assert sorted({c.out_channels for c in convs}) == [64, 128, 256, 512]


def test_googlenet_first_pool():
    """Arithmetic and conventions: GoogLeNet pools with 3×3 windows, stride 2, ceil mode."""
    pool = layer("googlenet", "maxpool1")
    assert (pool.kernel_size, pool.stride, pool.ceil_mode) == ((3, 3), (2, 2), True)


def test_dcgan_example_kernels():
    """Conventions, arithmetic and resources: PyTorch's DCGAN example doubles with 4×4
    kernels, stride 2, padding 1 (all transposed convolutions after the first)."""
    ups = [n.layer for n in get_model("dcgan_example_generator").nodes
           if n.layer.type == "ConvTranspose2d"][1:]
    assert ups and {(u.kernel_size, u.stride, u.padding) for u in ups} == \
        {((4, 4), (2, 2), (1, 1))}
    assert layer("dcgan_example_generator", "main.3") in ups


def test_resnext_groups():
    """Arithmetic: ResNeXt-50 (32×4d)'s layer1.0.conv2 is a 3×3 convolution in 32 groups."""
    conv = layer("resnext50_32x4d", "layer1.0.conv2")
    assert (conv.kernel_size, conv.groups) == ((3, 3), 32)


def test_inception_v3_factored_kernels():
    """Arithmetic: Inception v3 has 1×7 and 7×1 kernels."""
    kernels = {n.layer.kernel_size for n in get_model("inception_v3").nodes
               if n.layer.type == "Conv2d"}
    assert {(1, 7), (7, 1)} <= kernels


def test_receptive_field_starts_from_size_1_stride_1_padding_0():
    """Conventions: the recurrence starts from size 1, stride 1, padding 0, so a first layer's
    field is its own kernel, stride and padding (resnet50's conv1: 7, 2, 3)."""
    rf = summarize(get_model("resnet50")).rows[0].rf
    k, s, p = 7, 2, 3
    assert (rf.size[0], rf.stride[0], rf.padding[0]) == (1 + (k - 1) * 1, 1 * s, 0 + p * 1)


def test_number_prefixes():
    """Conventions: SI prefixes are powers of 1000, binary prefixes powers of 1024."""
    assert si(1000) == "1.000 k" and si(1000 ** 2) == "1.000 M" and si(999) == "999"
    assert nbytes(1024) == "1.0 KiB" and nbytes(1024 ** 2) == "1.0 MiB"
    assert nbytes(1023) == "1023 B"
