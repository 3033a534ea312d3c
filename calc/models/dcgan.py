"""DCGAN generators and discriminators: the paper's own, and the PyTorch example's.

Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional
Generative Adversarial Networks", ICLR 2016 (arXiv 1511.06434).

The architecture guidelines of section 3: strided convolutions instead of
pooling (stride-2 transposed convs in the generator, stride-2 convs in the
discriminator), batch normalisation in both networks except the generator's
output layer and the discriminator's input layer, ReLU in the generator with
Tanh at its output, LeakyReLU (slope 0.2) in the discriminator, no fully
connected hidden layers. Figure 1 draws the 64x64 generator: z (100) is
projected and reshaped to 4x4x1024, then four fractionally-strided convs give
8x8x512, 16x16x256, 32x32x128 and 64x64x3.

``dcgan_paper_generator`` and ``dcgan_paper_discriminator`` follow the authors' Theano
code (github.com/Newmu/dcgan_code, ``faces/train_uncond_dcgan.py``, 64x64 faces, ngf = ndf
= 128): the generator projects z with a fully connected layer without bias to
``ngf * 8 * 4 * 4`` features, batch-normalises them feature by feature (``BatchNorm1d``),
applies ReLU and reshapes to ``(ngf * 8, 4, 4)``; each later layer is a 5x5 transposed conv
with stride 2 that doubles the size (``deconv(subsample=(2, 2), border_mode=(2, 2))`` with
the output twice the input: PyTorch's ``padding=2, output_padding=1``), without bias,
batch norm and ReLU but the last, which ends in Tanh. The discriminator: 5x5 convs with
stride 2 and padding 2 (the first without batch norm), LeakyReLU 0.2, then a fully
connected layer without bias from the flattened ``ndf * 8 x 4 x 4`` map to one Sigmoid. The
5x5 kernel with stride 2 overlaps unevenly: outputs receive 3 or 2 taps per axis.

``dcgan_example_generator`` and ``dcgan_example_discriminator`` follow the PyTorch
example (github.com/pytorch/examples, ``dcgan/main.py``), which is also where the node
names ``main.0``, ``main.1``, ... come from: the projection is a 4x4 transposed conv with stride 1 on a
``(nz, 1, 1)`` input (a fully connected layer nz -> 16 * 8 * ngf without bias,
reshaped), every later layer is a 4x4 transposed conv with stride 2 and padding
1 (exactly doubles the size), no layer has a bias, and the channel widths are
``ngf * 8, ngf * 4, ngf * 2, ngf`` (``ngf = 64`` by default; ``ngf = 128`` gives
Figure 1's 1024 channels at 4x4).
The discriminator mirrors it: 4x4 convs with stride 2 and padding 1 (halve the
size) at widths ``ndf, 2 ndf, 4 ndf, 8 ndf``, then a 4x4 valid conv to 1x1 and a
Sigmoid; its ``output.view(-1, 1)`` is the node ``flatten``.

Other image sizes (powers of two from 16 up) add or remove a stride-2 stage, in every
one of the four networks, as the 64x64 networks do between 4x4 and 64x64: the 4x4 stage
has ``ngf * size / 8`` channels (``ndf * size / 8`` in the discriminator).
"""

from __future__ import annotations

from .. import validate
from ..errors import CalcError
from ..layers import (BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, LeakyReLU,
                      Linear, ReLU, Sigmoid, Tanh, Unflatten, format_shape)
from ..network import Network, NetworkBuilder
from .registry import register

MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 16, 1024
MAX_WIDTH = 1 << 12  # largest ngf / ndf

RELU = ReLU(inplace=True)
LEAKY_RELU = LeakyReLU(0.2, inplace=True)


def _image_size(name: str, value) -> int:
    size = validate.integer(name, value, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)
    if size & (size - 1):
        raise CalcError(f"{name} must be a power of two (16, 32, 64, 128, ...), got {size}")
    return size


def _stage_widths(width: int, image_size: int) -> list[int]:
    """Channels from the 4x4 stage up to the last stride-2 stage: [w * size/8, ..., 2w, w]."""
    widths, multiplier = [], image_size // 8
    while multiplier >= 1:
        widths.append(width * multiplier)
        multiplier //= 2
    return widths


def _generator(name: str, nz: int, ngf: int, nc: int, image_size: int,
               paper: bool = False) -> Network:
    widths = _stage_widths(ngf, image_size)
    if paper:   # a dense projection, batch-normalised per feature, reshaped (Newmu's code)
        features = widths[0] * 4 * 4
        layers = [Linear(nz, features, bias=False), BatchNorm1d(features), RELU,
                  Unflatten(1, (widths[0], 4, 4))]
        up = {"kernel_size": 5, "stride": 2, "padding": 2, "output_padding": 1}
        g = NetworkBuilder(name, (nz,))
    else:       # the same projection as a 4x4 transposed conv on a 1x1 map (PyTorch's example)
        layers = [ConvTranspose2d(nz, widths[0], 4, 1, 0, bias=False), BatchNorm2d(widths[0]),
                  RELU]
        up = {"kernel_size": 4, "stride": 2, "padding": 1}
        g = NetworkBuilder(name, (nz, 1, 1))
    for cin, cout in zip(widths, widths[1:]):
        layers += [ConvTranspose2d(cin, cout, bias=False, **up), BatchNorm2d(cout), RELU]
    layers += [ConvTranspose2d(widths[-1], nc, bias=False, **up), Tanh()]
    return g.build(g.sequential("main", layers, g.input))


def _discriminator(name: str, input_shape, ndf: int, paper: bool = False) -> Network:
    g = NetworkBuilder(name, input_shape)
    shape = g.input.shape
    if len(shape) != 3 or shape[1] != shape[2]:
        raise CalcError(f"input_shape must be a square image (C, S, S), got {format_shape(shape)}")
    nc, size = shape[0], _image_size("input size", shape[1])
    widths = _stage_widths(ndf, size)[::-1]
    down = ({"kernel_size": 5, "stride": 2, "padding": 2} if paper else
            {"kernel_size": 4, "stride": 2, "padding": 1})
    layers = [Conv2d(nc, widths[0], bias=False, **down), LEAKY_RELU]
    for cin, cout in zip(widths, widths[1:]):
        layers += [Conv2d(cin, cout, bias=False, **down), BatchNorm2d(cout), LEAKY_RELU]
    if paper:
        layers += [Flatten(), Linear(widths[-1] * 4 * 4, 1, bias=False), Sigmoid()]
        return g.build(g.sequential("main", layers, g.input))
    layers += [Conv2d(widths[-1], 1, 4, 1, 0, bias=False), Sigmoid()]
    x = g.sequential("main", layers, g.input)
    return g.build(g.layer("flatten", Flatten(), x))


def _latent(input_shape, nz, flat: bool) -> int:
    """The latent size from ``input_shape`` ((nz, 1, 1), or (nz,) when ``flat``) and ``nz``."""
    want = "(nz,)" if flat else "(nz, 1, 1)"
    if input_shape is not None:
        shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else (input_shape,)
        expected = want if nz is None else want.replace("nz", str(nz))
        good = len(shape) == 1 if flat else (len(shape) == 3 and shape[1:] == (1, 1))
        if not good or (nz is not None and shape[0] != nz):
            raise CalcError(f"input_shape must be {expected} for a generator, "
                            f"got {shape!r:.40}")
        nz = shape[0]
    return validate.integer("nz", 100 if nz is None else nz, 1, validate.MAX_CHANNELS)


def _no_classes(num_classes):
    if num_classes is not None:
        raise CalcError("num_classes does not apply to a generator, which outputs an image")


def _one_class(num_classes):
    if validate.integer("num_classes", num_classes, 1) != 1:
        raise CalcError(f"num_classes must be 1 for a discriminator (one real/fake "
                        f"probability), got {num_classes}")


@register
def dcgan_example_generator(*, input_shape=None, num_classes=None, nz: int | None = None,
                            ngf: int = 64, nc: int = 3, image_size: int = 64) -> Network:
    """The PyTorch example's DCGAN generator: ``(nz, 1, 1)`` noise -> ``(nc, S, S)`` in [-1, 1].

    ``input_shape`` is ``(nz, 1, 1)`` (nz = 100 by default); ``num_classes`` does not apply.
    """
    _no_classes(num_classes)
    nz = _latent(input_shape, nz, flat=False)
    ngf = validate.integer("ngf", ngf, 1, MAX_WIDTH)
    nc = validate.integer("nc", nc, 1, validate.MAX_CHANNELS)
    return _generator("dcgan_example_generator", nz, ngf, nc,
                      _image_size("image_size", image_size))


@register
def dcgan_example_discriminator(*, input_shape=(3, 64, 64), num_classes: int = 1,
                                ndf: int = 64) -> Network:
    """The PyTorch example's DCGAN discriminator: a ``(nc, S, S)`` image -> P(real).

    ``num_classes`` must be 1: one sigmoid output.
    """
    _one_class(num_classes)
    ndf = validate.integer("ndf", ndf, 1, MAX_WIDTH)
    return _discriminator("dcgan_example_discriminator", input_shape, ndf)


@register
def dcgan_paper_generator(*, input_shape=None, num_classes=None, nz: int | None = None,
                          ngf: int = 128, nc: int = 3, image_size: int = 64) -> Network:
    """Radford et al.'s generator (their code): ``(nz,)`` noise -> ``(nc, S, S)``, 5x5 kernels."""
    _no_classes(num_classes)
    nz = _latent(input_shape, nz, flat=True)
    ngf = validate.integer("ngf", ngf, 1, MAX_WIDTH)
    nc = validate.integer("nc", nc, 1, validate.MAX_CHANNELS)
    return _generator("dcgan_paper_generator", nz, ngf, nc,
                      _image_size("image_size", image_size), paper=True)


@register
def dcgan_paper_discriminator(*, input_shape=(3, 64, 64), num_classes: int = 1,
                              ndf: int = 128) -> Network:
    """Radford et al.'s discriminator (their code): 5x5 convs, a linear layer, P(real)."""
    _one_class(num_classes)
    ndf = validate.integer("ndf", ndf, 1, MAX_WIDTH)
    return _discriminator("dcgan_paper_discriminator", input_shape, ndf, paper=True)
