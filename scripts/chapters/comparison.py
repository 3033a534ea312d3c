"""Every network of the zoo side by side (docs/comparison.md).

One row per zoo preset (``calc.models.list_models()``), every count computed by calc when
the site is built. Two kinds of accuracy sit beside the counts, both as data in this module
and both checked by tests/test_comparison.py:

* ``TORCHVISION``: the ImageNet-1K top-1 and top-5 accuracy that torchvision publishes for
  the DEFAULT weights of each model it ships (``get_model_weights(name).DEFAULT.meta
  ["_metrics"]["ImageNet-1K"]``), with the weights named; ``TORCHVISION_V1`` the same for
  the IMAGENET1K_V1 weights of the models whose DEFAULT is a later recipe. The torch tier
  of the tests reads every value back from torchvision.
* ``PAPER_RESULTS``: the error each paper prints for the network calc builds as it, where
  the network is the paper's and the figure could be checked against the paper's table;
  the tests hold the parameter count the same table prints against calc's, with the
  paper's rounding, so that each error belongs to the network in its row.

No GPU benchmark has run for this guide, so the table has no measured throughput; the
GPU benchmarks page (docs/benchmarks.md) will hold it once a run exists.
"""

from __future__ import annotations

import importlib
from math import prod
from typing import NamedTuple

from calc.errors import CalcError
from calc.models import Family, families, get_family, get_model, list_models
from calc.render.numbers import nbytes, pair, shape, si
from calc.summary import summarize

from . import Cell, Figure, Table, figure, plot, table

# --- What torchvision publishes ------------------------------------------------------------

class Weights(NamedTuple):
    """One set of torchvision weights: its enum member, ImageNet-1K top-1 and top-5 (%),
    and whether it was trained with torchvision's "new training recipe" (its docs' words;
    the others reproduce the paper with a simple recipe or are ported from the authors)."""
    weights: str
    acc1: float
    acc5: float
    new_recipe: bool = False


# torchvision 0.29's DEFAULT weights of each model it ships, from
# get_model_weights(name).DEFAULT.meta["_metrics"]["ImageNet-1K"] ("acc@1", "acc@5"): single
# centre crop of the ImageNet-1K validation set (224x224; 299x299 for inception_v3).
TORCHVISION = {
    "alexnet": Weights("AlexNet_Weights.IMAGENET1K_V1", 56.522, 79.066),
    "vgg11": Weights("VGG11_Weights.IMAGENET1K_V1", 69.020, 88.628),
    "vgg11_bn": Weights("VGG11_BN_Weights.IMAGENET1K_V1", 70.370, 89.810),
    "vgg13": Weights("VGG13_Weights.IMAGENET1K_V1", 69.928, 89.246),
    "vgg13_bn": Weights("VGG13_BN_Weights.IMAGENET1K_V1", 71.586, 90.374),
    "vgg16": Weights("VGG16_Weights.IMAGENET1K_V1", 71.592, 90.382),
    "vgg16_bn": Weights("VGG16_BN_Weights.IMAGENET1K_V1", 73.360, 91.516),
    "vgg19": Weights("VGG19_Weights.IMAGENET1K_V1", 72.376, 90.876),
    "vgg19_bn": Weights("VGG19_BN_Weights.IMAGENET1K_V1", 74.218, 91.842),
    "googlenet": Weights("GoogLeNet_Weights.IMAGENET1K_V1", 69.778, 89.530),
    "inception_v3": Weights("Inception_V3_Weights.IMAGENET1K_V1", 77.294, 93.450),
    "resnet18": Weights("ResNet18_Weights.IMAGENET1K_V1", 69.758, 89.078),
    "resnet34": Weights("ResNet34_Weights.IMAGENET1K_V1", 73.314, 91.420),
    "resnet50": Weights("ResNet50_Weights.IMAGENET1K_V2", 80.858, 95.434, True),
    "resnet101": Weights("ResNet101_Weights.IMAGENET1K_V2", 81.886, 95.780, True),
    "resnet152": Weights("ResNet152_Weights.IMAGENET1K_V2", 82.284, 96.002, True),
    "resnext50_32x4d": Weights("ResNeXt50_32X4D_Weights.IMAGENET1K_V2", 81.198, 95.340, True),
    "resnext101_32x8d": Weights("ResNeXt101_32X8D_Weights.IMAGENET1K_V2", 82.834, 96.228,
                                True),
    "resnext101_64x4d": Weights("ResNeXt101_64X4D_Weights.IMAGENET1K_V1", 83.246, 96.454,
                                True),
    "wide_resnet50_2": Weights("Wide_ResNet50_2_Weights.IMAGENET1K_V2", 81.602, 95.758, True),
    "wide_resnet101_2": Weights("Wide_ResNet101_2_Weights.IMAGENET1K_V2", 82.510, 96.020,
                                True),
    "densenet121": Weights("DenseNet121_Weights.IMAGENET1K_V1", 74.434, 91.972),
    "densenet161": Weights("DenseNet161_Weights.IMAGENET1K_V1", 77.138, 93.560),
    "densenet169": Weights("DenseNet169_Weights.IMAGENET1K_V1", 75.600, 92.806),
    "densenet201": Weights("DenseNet201_Weights.IMAGENET1K_V1", 76.896, 93.370),
}

# The IMAGENET1K_V1 weights of the models whose DEFAULT is IMAGENET1K_V2: the same network
# trained with torchvision's first, simple recipe.
TORCHVISION_V1 = {
    "resnet50": Weights("ResNet50_Weights.IMAGENET1K_V1", 76.130, 92.862),
    "resnet101": Weights("ResNet101_Weights.IMAGENET1K_V1", 77.374, 93.546),
    "resnet152": Weights("ResNet152_Weights.IMAGENET1K_V1", 78.312, 94.046),
    "resnext50_32x4d": Weights("ResNeXt50_32X4D_Weights.IMAGENET1K_V1", 77.618, 93.698),
    "resnext101_32x8d": Weights("ResNeXt101_32X8D_Weights.IMAGENET1K_V1", 79.312, 94.526),
    "wide_resnet50_2": Weights("Wide_ResNet50_2_Weights.IMAGENET1K_V1", 78.468, 94.086),
    "wide_resnet101_2": Weights("Wide_ResNet101_2_Weights.IMAGENET1K_V1", 78.848, 94.284),
}


# --- What the papers print -----------------------------------------------------------------

class PaperResult(NamedTuple):
    """A paper's error for the network calc builds under a zoo name.

    ``error`` is top-1 error in % (None where the paper prints only top-5), ``top5`` the
    top-5 error where printed; ``benchmark`` says on what; ``source`` the table;
    ``params`` the paper's printed parameter count (a string as printed, or None), which
    the tests hold against calc's count with the paper's rounding; ``decimals`` how many
    the paper prints."""
    error: float | None
    top5: float | None
    benchmark: str
    source: str
    params: str | None = None
    decimals: int = 2


_HE = "He et al. 2016, Table 6"
_C10 = "CIFAR-10 test"
_VGG = "Simonyan & Zisserman 2015, Table 3"
_ILSVRC12 = "ILSVRC-2012 val"
_WRN = "Zagoruyko & Komodakis 2016, mean/std table"
_DN = "Huang et al. 2017, Table 2"
_PRE = "He et al. 2016b (Identity Mappings), Table 4"
PAPER_RESULTS = {
    "alexnet_paper": PaperResult(40.7, 18.2, _ILSVRC12,
                                 "Krizhevsky et al. 2012, Table 2", None, 1),
    "vgg_a": PaperResult(29.6, 10.4, _ILSVRC12, _VGG, "133", 1),
    "vgg_a_lrn": PaperResult(29.7, 10.5, _ILSVRC12, _VGG, "133", 1),
    "vgg_b": PaperResult(28.7, 9.9, _ILSVRC12, _VGG, "133", 1),
    "vgg_c": PaperResult(28.1, 9.4, _ILSVRC12, _VGG, "134", 1),
    "vgg_d": PaperResult(27.0, 8.8, _ILSVRC12, _VGG, "138", 1),
    "vgg_e": PaperResult(27.3, 9.0, _ILSVRC12, _VGG, "144", 1),
    "googlenet_paper": PaperResult(None, 10.07, "ILSVRC-2014 val",
                                   "Szegedy et al. 2015, Table 3"),
    "resnet20": PaperResult(8.75, None, _C10, _HE, "0.27M"),
    "resnet32": PaperResult(7.51, None, _C10, _HE, "0.46M"),
    "resnet44": PaperResult(7.17, None, _C10, _HE, "0.66M"),
    "resnet56": PaperResult(6.97, None, _C10, _HE, "0.85M"),
    "resnet110": PaperResult(6.43, None, _C10 + ", best of 5", _HE, "1.7M"),
    "resnet1202": PaperResult(7.93, None, _C10, _HE, "19.4M"),
    # printed without the batch norms' scale and shift (calc.models.preact_resnet)
    "preact_resnet164": PaperResult(5.46, None, _C10, _PRE, "1.7M"),
    "preact_resnet1001": PaperResult(4.92, None, _C10, _PRE, "10.2M"),
    "wrn_40_4": PaperResult(4.53, None, _C10, _WRN, "8.9M"),
    "wrn_16_8": PaperResult(4.27, None, _C10, _WRN, "11.0M"),
    "wrn_28_10": PaperResult(4.00, None, _C10, _WRN, "36.5M"),
    "densenet_40_12": PaperResult(5.24, None, _C10, _DN, "1.0M"),
    "densenet_bc_100_12": PaperResult(4.51, None, _C10, _DN, "0.8M"),
    "densenet_bc_250_24": PaperResult(3.62, None, _C10, _DN, "15.3M"),
    "densenet_bc_190_40": PaperResult(3.46, None, _C10, _DN, "25.6M"),
    "densenet264": PaperResult(22.15, 6.12, _ILSVRC12 + ", single crop",
                               "Huang et al. 2017, Table 3"),
}


# --- Counting -----------------------------------------------------------------------------

WEIGHT_LAYERS = ("Conv2d", "ConvTranspose2d", "Linear")
BATCHES = (1, 64)
DTYPE = "float32"


def weight_layers(network) -> int:
    """Convolutions, transposed convolutions and linear layers that inference runs."""
    return sum(n.layer.type in WEIGHT_LAYERS for n in network.inference_nodes)


def longest_path(network) -> int:
    """Most weight layers on one path from the input to the output: the depth a signal
    crosses (a residual shortcut's projection or a parallel branch does not add to it)."""
    depth = {}
    for node in network.inference_nodes:
        before = max((depth[i] for i in node.inputs), default=0)
        depth[node.name] = before + (node.layer.type in WEIGHT_LAYERS)
    return depth[network.output]


def family_of(name: str) -> str:
    """The family a preset belongs to: the :class:`~calc.models.Family` defined in the
    module that defines the preset (``resnet50`` -> ``resnet``), else the module's name
    (``lenet5`` -> ``lenet``, the DCGANs -> ``dcgan``), which have no parametric family."""
    try:
        return get_family(name).name
    except CalcError:
        pass
    for family in families():
        module = importlib.import_module(family.builder.__module__)
        builder = getattr(module, name, None)
        if callable(builder) and getattr(builder, "__module__", None) == module.__name__:
            return family.name
    for module_name in _model_modules():
        module = importlib.import_module(module_name)
        builder = getattr(module, name, None)
        if callable(builder) and getattr(builder, "__module__", None) == module.__name__:
            own = [v for v in vars(module).values() if isinstance(v, Family)]
            return own[0].name if own else module_name.rsplit(".", 1)[1]
    raise CalcError(f"no family found for {name!r}")


def _model_modules() -> list[str]:
    import pkgutil

    from calc import models
    return [f"calc.models.{m.name}" for m in pkgutil.iter_modules(models.__path__)
            if not m.name.startswith("_") and m.name != "registry"]


class Row(NamedTuple):
    """Everything the side-by-side table shows of one network, as numbers."""
    name: str
    family: str
    input: tuple
    output: tuple
    params: int
    macs: int
    weight_layers: int
    longest_path: int
    receptive_field: tuple | None     # size per axis (h, w), None where undefined
    inference: dict                   # batch -> bytes: weights + buffers + inference peak
    training: dict                    # batch -> bytes: weights + gradients + buffers + saved
    torchvision: Weights | None       # the DEFAULT weights torchvision publishes
    paper: PaperResult | None


def inference_bytes(summary, batch: int) -> int:
    """Weights, buffers and the peak of live activations, ``float32``."""
    m = summary.memory(batch, DTYPE)
    return m.weights + m.buffers + m.inference_peak


def training_bytes(summary, batch: int) -> int:
    """Weights, one gradient per weight, buffers and what autograd saves for the backward
    pass at this batch, ``float32``; optimiser state and workspace come on top."""
    m = summary.memory(batch, DTYPE)
    return 2 * m.weights + m.buffers + m.training_saved


def _family_order() -> dict[str, int]:
    return {f.name: i for i, f in enumerate(families())}


def rows() -> list[Row]:
    """One row per zoo preset, grouped by family (the order families are registered in,
    those without a parametric family last), by MACs within a family."""
    made = []
    for name in list_models():
        net = get_model(name)
        s = summarize(net)
        rf = s.receptive_field
        made.append(Row(
            name, family_of(name), s.input, s.output, s.params, s.macs, weight_layers(net),
            longest_path(net), rf.size if rf is not None else None,
            {b: inference_bytes(s, b) for b in BATCHES},
            {b: training_bytes(s, b) for b in BATCHES},
            TORCHVISION.get(name), PAPER_RESULTS.get(name)))
    order = _family_order()
    return sorted(made, key=lambda r: (order.get(r.family, len(order)), r.family, r.macs,
                                       r.name))


def _num(text: str, key) -> Cell:
    """A number with its unit that never wraps (``61.101 M``), sorted by ``key``."""
    return Cell(text.replace(" ", "\u00a0"), key)


def weights_text(w: Weights) -> str:
    """``80.858 (V2, new recipe)``: the accuracy and which weights it belongs to."""
    tag = w.weights.rsplit("_", 1)[1]
    return f"{w.acc1:.3f} ({tag}{', new recipe' if w.new_recipe else ''})"


def _paper_cells(p: PaperResult | None):
    if p is None:
        return None, None
    d = p.decimals
    if p.error is None:
        text, key = f"top-5 {p.top5:.{d}f}", p.top5
    elif p.top5 is None:
        text, key = f"{p.error:.{d}f}", p.error
    else:
        text, key = f"{p.error:.{d}f} / {p.top5:.{d}f}", p.error
    return _num(text, key), p.benchmark.replace(" ", "\u00a0")


# --- The frontier -------------------------------------------------------------------------

class Point(NamedTuple):
    """One torchvision model with one set of weights: its costs (calc) and accuracy."""
    name: str
    macs: int
    params: int
    top1: float
    weights: Weights


def accuracy_points(recipe: str = "default") -> list[Point]:
    """Every model torchvision ships, with its DEFAULT weights (``recipe="default"``), or
    with the weights of its original recipe (``"original"``: V1 where the DEFAULT is a
    new-recipe V2; models whose only weights use the new recipe are left out)."""
    points = []
    for name, w in TORCHVISION.items():
        if recipe == "original" and w.new_recipe:
            if name not in TORCHVISION_V1:
                continue
            w = TORCHVISION_V1[name]
        s = summarize(get_model(name))
        points.append(Point(name, s.macs, s.params, w.acc1, w))
    return points


def cheapest_as_accurate(points, cost: str = "macs") -> dict[str, tuple[str, float] | None]:
    """For each point, the other model with the lowest ``cost`` ("macs" or "params") among
    those at least as accurate, and how many times cheaper it is; None for a point on the
    frontier (nothing at least as accurate costs less)."""
    found = {}
    for p in points:
        rivals = [q for q in points if q.name != p.name and q.top1 >= p.top1]
        best = min(rivals, key=lambda q: (getattr(q, cost), q.name), default=None)
        mine = getattr(p, cost)
        found[p.name] = ((best.name, mine / getattr(best, cost))
                         if best is not None and getattr(best, cost) < mine else None)
    return found


def frontier(points, cost: str = "macs") -> list[Point]:
    """The points nothing beats (no other is at least as accurate for less), by cost."""
    beaten = cheapest_as_accurate(points, cost)
    return sorted((p for p in points if beaten[p.name] is None), key=lambda p: getattr(p, cost))


def recipe_gains() -> dict[str, float]:
    """Top-1 points each model gains from its V1 weights to its new-recipe DEFAULT."""
    return {n: TORCHVISION[n].acc1 - w.acc1 for n, w in TORCHVISION_V1.items()}


# --- Tables -------------------------------------------------------------------------------

HEADER = ("network", "family", "input", "params", "MACs", "weight layers", "longest path",
          "receptive field, px", "output", "inference, batch 1", "inference, batch 64",
          "training, batch 1", "training, batch 64", "top-1, % (torchvision)",
          "top-5, % (torchvision)", "paper's error, %", "paper's benchmark")


@table("zoo-side-by-side")
def side_by_side() -> Table:
    """Every zoo preset: its counts, its memory and the accuracy published for it."""
    body = []
    for r in rows():
        field = (Cell(pair(r.receptive_field), r.receptive_field[0] * r.receptive_field[1])
                 if r.receptive_field else "none")
        if r.torchvision:
            acc1 = Cell(weights_text(r.torchvision), r.torchvision.acc1)
            acc5 = Cell(f"{r.torchvision.acc5:.3f}", r.torchvision.acc5)
        else:
            acc1 = acc5 = None
        paper, benchmark = _paper_cells(r.paper)
        body.append((
            r.name, r.family, Cell(shape(r.input), prod(r.input)), _num(si(r.params), r.params),
            _num(si(r.macs), r.macs), r.weight_layers, r.longest_path, field,
            Cell(shape(r.output), prod(r.output)),
            *(_num(nbytes(r.inference[b]), r.inference[b]) for b in BATCHES),
            *(_num(nbytes(r.training[b]), r.training[b]) for b in BATCHES),
            acc1, acc5, paper, benchmark))
    return Table(
        HEADER, tuple(body),
        f"Every network of calc's zoo ({len(body)} presets), computed by calc at each "
        "network's own input size; memory in float32. Select a header to sort by it.",
        (("Params count weights, biases and batch-norm scale and shift, auxiliary classifiers "
          "included. MACs are the multiply-accumulates of convolutions and linear layers that "
          "inference runs, per image, bias excluded (see Conventions)."),
         ("Weight layers: the convolutions, transposed convolutions and linear layers that "
          "inference runs. Longest path: the most of them on one path from input to output, "
          "the depth a signal crosses; shortcut projections and parallel branches add to the "
          "first count only."),
         ("Receptive field: the size, per axis, of the input window that one position of the "
          "last spatial feature map sees; 'none' where the input is not an image (a GAN "
          "generator's noise vector)."),
         ("Inference memory: weights, buffers and the largest set of activations alive at "
          "once, each tensor freed after its last use. Training memory: weights, one gradient "
          "per weight, buffers and the activations autograd saves for the backward pass at "
          "that batch. Optimiser state (one more copy of the weights for SGD with momentum, "
          "two for Adam), activation gradients in flight and framework workspace come on top."),
         ("top-1 and top-5: the ImageNet-1K validation accuracy that torchvision publishes "
          "for its DEFAULT weights, single centre crop. V1 and V2 name the weights "
          "(IMAGENET1K_V1, IMAGENET1K_V2); 'new recipe' marks weights trained with "
          "torchvision's newer, stronger training recipe; the others were trained with a "
          "simple recipe or ported from the authors' models."),
         ("Paper's error: what the paper that defines the network prints for it, on the "
          "paper's own benchmark, top-1 (top-1 / top-5 where two are given). CIFAR-10 "
          "and ImageNet errors cannot be compared with each other or with torchvision's "
          "accuracy. Empty where the zoo network is not the paper's (torchvision's versions; "
          "LeNet-5 built with a full C3 and a linear output; the DCGAN example), where the "
          "paper reports no classification error (DCGAN), or where no paper table was "
          "checked (ImageNet DenseNets, Inception v3)."),
         ("Sources: Krizhevsky et al. 2012, Table 2, one CNN; Simonyan & Zisserman 2015 "
          "(arXiv 1409.1556), Table 3, single-scale test with training and test scale 256; "
          "Szegedy et al. 2015 (arXiv 1409.4842), Table 3, one model and one crop, top-5 "
          "only; He et al. 2016 (arXiv 1512.03385), Table 6, with translation and flip "
          "augmentation, ResNet-110 the best of 5 runs (their mean: 6.61 \u00b1 0.16); "
          "Zagoruyko & Komodakis 2016 (arXiv 1605.07146), the table with mean/std "
          "normalisation, median of 5 runs, no dropout; Huang et al. 2017 (arXiv "
          "1608.06993), Table 2, the augmented CIFAR-10 (C10+) column."),
         ("No throughput column: no GPU benchmark has run for this guide yet. The GPU "
          "benchmarks page will hold measured times once a run exists.")),
        sortable=True)


@table("zoo-frontier")
def frontier_table() -> Table:
    """torchvision's models by MACs: for each, the cheapest model at least as accurate."""
    points = accuracy_points()
    by_macs = cheapest_as_accurate(points, "macs")
    by_params = cheapest_as_accurate(points, "params")
    body = []
    for p in sorted(points, key=lambda p: (p.macs, p.name)):
        row = [p.name, _num(si(p.macs), p.macs), _num(si(p.params), p.params),
               Cell(weights_text(p.weights), p.top1)]
        for beaten in (by_macs[p.name], by_params[p.name]):
            row += (["on the frontier", None] if beaten is None
                    else [beaten[0], Cell(f"{beaten[1]:.2f}x", beaten[1])])
        body.append(tuple(row))
    original = accuracy_points("original")
    best = max(points, key=lambda p: p.top1 / (p.macs / 1e9))
    vgg = [p for p in points if p.name.startswith("vgg")]
    near = min(vgg, key=lambda p: by_macs[p.name][1])
    far = max(vgg, key=lambda p: by_macs[p.name][1])
    gains = recipe_gains()
    deeper = TORCHVISION_V1["resnet152"].acc1 - TORCHVISION_V1["resnet50"].acc1
    return Table(
        ("network", "MACs", "params", "top-1, % (torchvision)",
         "fewest MACs at least as accurate", "times the MACs",
         "fewest params at least as accurate", "times the params"),
        tuple(body),
        "torchvision's models by MACs, with their DEFAULT weights: for each, the cheapest "
        "other model at least as accurate (top-1), and how many times its MACs or "
        "parameters the model in the row needs.",
        (("On the MACs frontier: " + ", ".join(p.name for p in frontier(points)) + ". With "
          "the original-recipe weights of every model instead (V1 where the DEFAULT is new, "
          + ", ".join(sorted(n for n, w in TORCHVISION.items()
                             if w.new_recipe and n not in TORCHVISION_V1))
          + " left out): " + ", ".join(p.name for p in frontier(original)) + "."),
         (f"The new recipe adds {min(gains.values()):.1f} to {max(gains.values()):.1f} "
          f"points of top-1 to the same networks (resnet50: {gains['resnet50']:.1f}), more "
          f"than going from resnet50 to resnet152 adds under the old recipe ({deeper:.1f}): "
          "part of the frontier is the training recipe, not the architecture."),
         (f"Every VGG is off the frontier: {near.name} by the least ({by_macs[near.name][1]:.1f} "
          f"times the MACs of {by_macs[near.name][0]}), {far.name} by the most "
          f"({by_macs[far.name][1]:.1f} times those of {by_macs[far.name][0]})."),
         (f"Top-1 points per GMAC rank {best.name} first ({best.top1 / (best.macs / 1e9):.1f});"
          " the ratio rewards the cheapest network whatever its accuracy, which is why the "
          "frontier is the fairer reading.")),
        sortable=True)


# --- Figures ------------------------------------------------------------------------------

# (group, colour, marker, name prefixes) of torchvision's models: colour and shape both tell
# the group, so that the figure reads in grey and with colour-vision deficiencies.
GROUPS = (("AlexNet", plot.OKABE_ITO[7], "v", ("alexnet",)),
          ("VGG", plot.OKABE_ITO[1], "s", ("vgg",)),
          ("Inception", plot.OKABE_ITO[2], "^", ("googlenet", "inception")),
          ("ResNet", plot.OKABE_ITO[0], "o", ("resnet",)),
          ("ResNeXt", plot.OKABE_ITO[4], "D", ("resnext",)),
          ("Wide ResNet", plot.OKABE_ITO[5], "P", ("wide_resnet",)),
          ("DenseNet", plot.OKABE_ITO[3], "X", ("densenet",)))


def group_of(name: str):
    for group in GROUPS:
        if name.startswith(group[3]):
            return group
    raise KeyError(name)


def _overlap(box, boxes) -> float:
    total = 0.0
    for b in boxes:
        w = min(box.x1, b.x1) - max(box.x0, b.x0)
        h = min(box.y1, b.y1) - max(box.y0, b.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


# Offsets (points) tried for a label, nearest first: right, left, above, below, then further
# out (with a leader line to the marker).
_PLACES = [(dx * r, dy * r, ha, va, r) for r in (1, 2.2, 3.4, 4.6)
           for dx, dy, ha, va in ((5, 1, "left", "bottom"), (5, -1, "left", "top"),
                                  (-5, 1, "right", "bottom"), (-5, -1, "right", "top"),
                                  (0, 5, "center", "bottom"), (0, -5, "center", "top"))]


def _place_labels(fig, ax, labels, obstacles) -> None:
    """Put each (text, x, y) label beside its point where it covers no other label, marker
    or the legend and stays inside the axes (it may run past the open right edge): the
    first free place in a fixed order, else the least covered one (deterministic)."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    taken = [ax.get_legend().get_window_extent(renderer)]
    for x, y in obstacles:
        px, py = ax.transData.transform((x, y))
        taken.append(Bbox([[px - 4, py - 4], [px + 4, py + 4]]))
    for text, x, y in labels:
        best = None
        for dx, dy, ha, va, r in _PLACES:
            leader = ({"arrowstyle": "-", "color": plot.INK, "linewidth": 0.5, "alpha": 0.7,
                       "shrinkA": 0, "shrinkB": 3} if r > 1 else None)
            note = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontsize=7.5, arrowprops=leader)
            box = note.get_window_extent(renderer).expanded(1.12, 1.25)
            outside = box.x0 < inside.x0 or box.y0 < inside.y0 or box.y1 > inside.y1
            cost = _overlap(box, taken) + (1e9 if outside else 0)
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, note, box)
                if cost == 0:
                    break
            else:
                note.remove()
        taken.append(best[2])


def _accuracy_figure(cost: str, fig_id: str) -> Figure:
    """top-1 against MACs or params (log scale), with the frontier and, hollow, the V1
    weights of the models whose DEFAULT is a new-recipe V2."""
    points = accuracy_points()
    old = {n: w.acc1 for n, w in TORCHVISION_V1.items()}
    scale = 1e9 if cost == "macs" else 1e6
    x = {p.name: getattr(p, cost) / scale for p in points}
    fig, ax = plot.new(figsize=(7.2, 5.4))
    for label, colour, marker, _ in GROUPS:
        mine = [p for p in points if group_of(p.name)[0] == label]
        ax.scatter([x[p.name] for p in mine], [p.top1 for p in mine], s=34, color=colour,
                   marker=marker, edgecolors=plot.INK, linewidths=0.5, label=label, zorder=3)
    for name, acc in old.items():
        colour, marker = group_of(name)[1:3]
        ax.plot([x[name]] * 2, [acc, TORCHVISION[name].acc1], color=colour, linewidth=0.9,
                alpha=0.8, zorder=2)
        ax.scatter([x[name]], [acc], s=30, marker=marker, facecolors="none",
                   edgecolors=colour, linewidths=1.0, zorder=3)
    front = frontier(points, cost)
    right = max(x.values()) * 1.8
    ax.step([x[p.name] for p in front] + [right], [p.top1 for p in front] + [front[-1].top1],
            where="post", color=plot.INK, linewidth=0.8, linestyle="--", alpha=0.6, zorder=1,
            label="frontier")
    ax.scatter([], [], s=30, marker="o", facecolors="none", edgecolors=plot.INK,
               linewidths=1.0, label="V1 weights (old recipe)")
    ax.set_xscale("log")
    if cost == "macs":
        ticks = [0.5, 1, 2, 5, 10, 20, 50]
        ax.set_xlabel("GMACs per image (calc, log scale)")
    else:
        ticks = [5, 10, 20, 50, 100, 200, 500]
        ax.set_xlabel("parameters, millions (calc, log scale)")
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlim(min(x.values()) / 1.5, right)
    ax.set_ylim(min(p.top1 for p in points) - 2, max(p.top1 for p in points) + 2)
    ax.set_ylabel("top-1 accuracy, % (torchvision, ImageNet-1K val)")
    ax.grid()
    ax.legend(loc="lower right" if cost == "macs" else "lower left", fontsize=8, ncol=2)
    fig.canvas.draw()
    obstacles = [(x[p.name], p.top1) for p in points] + [(x[n], a) for n, a in old.items()]
    _place_labels(fig, ax, [(p.name, x[p.name], p.top1) for p in points], obstacles)
    unit = "GMACs" if cost == "macs" else "M parameters"
    what = "MACs" if cost == "macs" else "parameters"
    beaten = cheapest_as_accurate(points, cost)
    vgg = min((p for p in points if p.name.startswith("vgg")), key=lambda p: beaten[p.name][1])
    gains = recipe_gains()
    alt = (f"Scatter plot of ImageNet top-1 accuracy against {what} (log scale) for the "
           f"{len(points)} models torchvision ships. The frontier, where no model is at least "
           "as accurate for less, runs through "
           + ", ".join(f"{p.name} ({getattr(p, cost) / scale:.3g} {unit}, {p.top1:.1f}%)"
                       for p in front)
           + f". The VGG nearest to it, {vgg.name}, needs {beaten[vgg.name][1]:.1f} times the "
           f"{what} of {beaten[vgg.name][0]}, which is at least as accurate. The "
           f"{len(gains)} models with new-recipe V2 weights gain between "
           f"{min(gains.values()):.1f} and {max(gains.values()):.1f} points over their V1 "
           "weights, drawn as hollow markers below them.")
    title = f"Top-1 accuracy against {what}"
    return Figure(plot.svg(fig, fig_id, title, alt), alt,
                  f"{title}: every model torchvision ships, {what} computed by calc, top-1 "
                  "accuracy of its DEFAULT weights as torchvision publishes it. Hollow "
                  "markers: the same networks' V1 weights, trained with the old recipe; "
                  "dashed: the frontier.")


@figure("zoo-accuracy-macs")
def accuracy_macs() -> Figure:
    return _accuracy_figure("macs", "zoo-accuracy-macs")


@figure("zoo-accuracy-params")
def accuracy_params() -> Figure:
    return _accuracy_figure("params", "zoo-accuracy-params")
