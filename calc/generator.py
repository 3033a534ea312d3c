"""The generator designer: from a latent size and a target image to transposed-convolution stages.

A DCGAN-style generator (Radford, Metz & Chintala, ICLR 2016, arXiv 1511.06434) grows an
image from a latent vector, read as a ``Z x 1 x 1`` map: a first transposed convolution
projects it to a small base map, then each stage roughly doubles the size until the target.
Any target works, square or not, a power of two or not: the sizes are planned backwards from
the target, halving with the ceiling (100 <- 50 <- 25 <- 13 <- 7), until every axis is at most
:data:`MAX_BASE`; an axis that needs fewer halvings halves on (it just starts smaller).

Every stage gets each ``ConvTranspose2d`` (kernel, stride, padding, output_padding) within
the bounds that maps its input to its output on both axes (D&V relationship 14, solved by
:func:`calc.arithmetic.solve_conv_transpose`), ranked:

1. no uneven overlap and no gaps first: the kernel a multiple of the stride (Odena, Dumoulin &
   Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016);
2. the stride that the size ratio asks for (2 for a doubling, 1 for the projection);
3. no output_padding;
4. one kernel size and one stride for both axes;
5. a kernel twice the stride (DCGAN's 4 with stride 2: every output reads two taps per axis);
6. the smaller kernel, then the smaller padding.

So a doubling's first option is the PyTorch DCGAN example's k=4, s=2, p=1. The first stage,
from the ``1 x 1`` latent map, ranks the kernel that is the base map, without padding, first
(DCGAN's 4x4 projection).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import validate
from .arithmetic import solve_conv_transpose
from .errors import CalcError
from .layers import BatchNorm2d, ConvTranspose2d, ReLU, Tanh
from .network import Network, NetworkBuilder

MAX_BASE = 7          # the base map's side: what the first stage projects the latent to
MAX_SIZE = 4096       # target height and width
MAX_STAGES = 12
MAX_KERNEL, MAX_STRIDE, MAX_PADDING = 8, 4, 4
BASE_WIDTH = 64       # the default schedule: 64 channels before the image, doubling to ...
MAX_WIDTH = 512       # ... at most this many


@dataclass(frozen=True)
class Option:
    """One ``ConvTranspose2d`` for a stage; pairs are (height, width)."""
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    uneven: bool      # some axis's kernel is not a multiple of its stride: checkerboard
    macs: int         # of this stage with this option

    @property
    def gaps(self) -> bool:
        return any(k < s for k, s in zip(self.kernel_size, self.stride))


@dataclass(frozen=True)
class Stage:
    input: tuple[int, int, int]       # C x H x W
    output: tuple[int, int, int]
    options: tuple[Option, ...]       # ranked, best first


@dataclass(frozen=True)
class Design:
    latent: int
    output: tuple[int, int, int]
    stages: tuple[Stage, ...]


def plan_sizes(height: int, width: int) -> list[tuple[int, int]]:
    """The map sizes from the base to the target: ``[(4, 4), (8, 8), ..., (64, 64)]``.

    >>> plan_sizes(100, 100)
    [(7, 7), (13, 13), (25, 25), (50, 50), (100, 100)]
    >>> plan_sizes(96, 64)
    [(6, 4), (12, 8), (24, 16), (48, 32), (96, 64)]
    """
    sizes = [(height, width)]
    while max(sizes[-1]) > MAX_BASE:
        h, w = sizes[-1]
        sizes.append((-(-h // 2), -(-w // 2)))
    return sizes[::-1]


def _rank(option: Option, ratio: tuple[int, int], projection: bool):
    k, s = option.kernel_size, option.stride
    if projection:   # from a 1x1 map: the kernel is the base map itself, no padding (DCGAN)
        return (any(option.padding), any(option.output_padding), sum(k))
    return (option.uneven or option.gaps,
            sum(abs(si - ri) for si, ri in zip(s, ratio)),
            any(option.output_padding),
            (k[0] != k[1]) + (s[0] != s[1]),
            sum(abs(ki - 2 * si) for ki, si in zip(k, s)),
            sum(k), sum(option.padding))


def stage_options(cin: int, cout: int, size: tuple[int, int],
                  target: tuple[int, int]) -> tuple[Option, ...]:
    """Every ranked option for a transposed conv from ``cin x size`` to ``cout x target``."""
    per_axis = []
    for i, o in zip(size, target):
        found = solve_conv_transpose(i, o, MAX_KERNEL, MAX_STRIDE, MAX_PADDING)
        if i == 1:   # from a 1x1 map every stride gives the same: keep stride 1
            found = [c for c in found if c.stride == 1]
        per_axis.append(found)
    options = []
    for h in per_axis[0]:
        for w in per_axis[1]:
            k, s = (h.kernel_size, w.kernel_size), (h.stride, w.stride)
            macs = cin * size[0] * size[1] * cout * k[0] * k[1]
            uneven = any(ki % si for ki, si in zip(k, s))
            options.append(Option(k, s, (h.padding, w.padding),
                                  (h.output_padding, w.output_padding), uneven, macs))
    ratio = tuple(max(1, round(o / i)) for i, o in zip(size, target))
    projection = size == (1, 1)
    return tuple(sorted(options, key=lambda option: _rank(option, ratio, projection)))


def default_channels(stages: int) -> tuple[int, ...]:
    """DCGAN's schedule: the widths halve towards the image, 64 before it, at most 512.

    >>> default_channels(5)
    (512, 512, 256, 128, 64)
    """
    return tuple(min(MAX_WIDTH, BASE_WIDTH * 2 ** (stages - 1 - j)) for j in range(stages))


def design(latent, output, channels=None) -> Design:
    """The stages from a ``latent``-long vector to an ``output`` image ``(C, H, W)``.

    ``channels`` are the widths of the maps before the image, one per stage but the last
    (default :func:`default_channels`).
    """
    latent = validate.integer("latent", latent, 1, validate.MAX_CHANNELS)
    if not isinstance(output, (tuple, list)) or len(output) != 3:
        raise CalcError(f"output must be C x H x W, got {validate.shown(output, 40)}")
    c = validate.integer("output channels", output[0], 1, 4096)
    h = validate.integer("output height", output[1], 1, MAX_SIZE)
    w = validate.integer("output width", output[2], 1, MAX_SIZE)
    sizes = plan_sizes(h, w)
    if len(sizes) > MAX_STAGES:
        raise CalcError(f"output needs {len(sizes)} stages; at most {MAX_STAGES}")
    if channels is None:
        channels = default_channels(len(sizes) - 1) if len(sizes) > 1 else ()
    channels = tuple(validate.int_list("channels", list(channels), None, 1,
                                       validate.MAX_CHANNELS)) if channels else ()
    if len(channels) != len(sizes) - 1:
        raise CalcError(f"channels must list {len(sizes) - 1} widths for the "
                        f"{len(sizes) - 1} maps between the latent and the "
                        f"{h}x{w} image ({' -> '.join(f'{a}x{b}' for a, b in sizes)}), "
                        f"got {len(channels)}")
    widths = (*channels, c)
    stages = []
    previous = (latent, 1, 1)
    for width, size in zip(widths, sizes):
        options = stage_options(previous[0], width, previous[1:], size)
        if not options:
            raise CalcError(f"no ConvTranspose2d with kernel_size <= {MAX_KERNEL}, stride <= "
                            f"{MAX_STRIDE} and padding <= {MAX_PADDING} maps "
                            f"{previous[1]}x{previous[2]} to {size[0]}x{size[1]}")
        stages.append(Stage(previous, (width, *size), options))
        previous = (width, *size)
    return Design(latent, (c, h, w), tuple(stages))


def build(d: Design, choices=None, name: str = "generator") -> Network:
    """The generator of design ``d``: option ``choices[j]`` at stage j (the first by
    default), batch norm and ReLU after every stage but the last, Tanh at the end (DCGAN's
    rules); no bias where batch norm follows."""
    choices = tuple(choices or (0,) * len(d.stages))
    if len(choices) != len(d.stages):
        raise CalcError(f"choices must give one option per stage ({len(d.stages)}), "
                        f"got {len(choices)}")
    g = NetworkBuilder(name, (d.latent, 1, 1))
    x = g.input
    for j, (stage, choice) in enumerate(zip(d.stages, choices)):
        choice = validate.integer(f"choices[{j}]", choice, 0, len(stage.options) - 1)
        o = stage.options[choice]
        last = j == len(d.stages) - 1
        x = g.layer(f"stage{j}.conv", ConvTranspose2d(stage.input[0], stage.output[0],
                                                      o.kernel_size, o.stride, o.padding,
                                                      o.output_padding, bias=last), x)
        if last:
            x = g.layer("tanh", Tanh(), x)
        else:
            x = g.layer(f"stage{j}.bn", BatchNorm2d(stage.output[0]), x)
            x = g.layer(f"stage{j}.relu", ReLU(inplace=True), x)
    return g.build(x)
