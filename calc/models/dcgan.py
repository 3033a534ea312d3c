"""DCGAN generator and discriminator (Radford, Metz & Chintala, ICLR 2016, arXiv 1511.06434).

The architecture guidelines of section 3: strided convolutions instead of
pooling (stride-2 transposed convs in the generator, stride-2 convs in the
discriminator), batch normalisation in both networks except the generator's
output layer and the discriminator's input layer, ReLU in the generator with
Tanh at its output, LeakyReLU (slope 0.2) in the discriminator, no fully
connected hidden layers. Figure 1 draws the 64x64 generator: z (100) is
projected and reshaped to 4x4x1024, then four fractionally-strided convs give
8x8x512, 16x16x256, 32x32x128 and 64x64x3.

Layers follow the reference PyTorch implementation (github.com/pytorch/examples,
``dcgan/main.py``), which is also where the node names ``main.0``, ``main.1``, ...
come from: the projection is a 4x4 transposed conv with stride 1 on a
``(nz, 1, 1)`` input (a fully connected layer nz -> 16 * 8 * ngf without bias,
reshaped), every later layer is a 4x4 transposed conv with stride 2 and padding
1 (exactly doubles the size), no layer has a bias, and the channel widths are
``ngf * 8, ngf * 4, ngf * 2, ngf`` (``ngf = 64`` by default; ``ngf = 128`` gives
Figure 1's 1024 channels at 4x4). The paper's own Theano code used 5x5 kernels.
The discriminator mirrors it: 4x4 convs with stride 2 and padding 1 (halve the
size) at widths ``ndf, 2 ndf, 4 ndf, 8 ndf``, then a 4x4 valid conv to 1x1 and a
Sigmoid; its ``output.view(-1, 1)`` is the node ``flatten``.

Other image sizes (powers of two from 16 up) add or remove a stride-2 stage,
as the 64x64 networks do between 4x4 and 64x64: the 4x4 stage has
``ngf * size / 8`` channels (``ndf * size / 8`` in the discriminator).
"""

from __future__ import annotations

from .. import validate
from ..errors import CalcError
from ..layers import (BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, ReLU, Sigmoid, Tanh,
                      format_shape)
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


def _generator(name: str, nz: int, ngf: int, nc: int, image_size: int) -> Network:
    widths = _stage_widths(ngf, image_size)
    layers = [ConvTranspose2d(nz, widths[0], 4, 1, 0, bias=False), BatchNorm2d(widths[0]), RELU]
    for cin, cout in zip(widths, widths[1:]):
        layers += [ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), BatchNorm2d(cout), RELU]
    layers += [ConvTranspose2d(widths[-1], nc, 4, 2, 1, bias=False), Tanh()]
    g = NetworkBuilder(name, (nz, 1, 1))
    return g.build(g.sequential("main", layers, g.input))


def _discriminator(name: str, input_shape, ndf: int) -> Network:
    g = NetworkBuilder(name, input_shape)
    shape = g.input.shape
    if len(shape) != 3 or shape[1] != shape[2]:
        raise CalcError(f"input_shape must be a square image (C, S, S), got {format_shape(shape)}")
    nc, size = shape[0], _image_size("input size", shape[1])
    widths = _stage_widths(ndf, size)[::-1]
    layers = [Conv2d(nc, widths[0], 4, 2, 1, bias=False), LEAKY_RELU]
    for cin, cout in zip(widths, widths[1:]):
        layers += [Conv2d(cin, cout, 4, 2, 1, bias=False), BatchNorm2d(cout), LEAKY_RELU]
    layers += [Conv2d(widths[-1], 1, 4, 1, 0, bias=False), Sigmoid()]
    x = g.sequential("main", layers, g.input)
    return g.build(g.layer("flatten", Flatten(), x))


@register
def dcgan_generator(*, input_shape=None, num_classes=None, nz: int | None = None,
                    ngf: int = 64, nc: int = 3, image_size: int = 64) -> Network:
    """The DCGAN generator: ``(nz, 1, 1)`` noise -> ``(nc, image_size, image_size)`` in [-1, 1].

    ``input_shape`` is ``(nz, 1, 1)`` (nz = 100 by default); ``num_classes`` does not apply.
    """
    if num_classes is not None:
        raise CalcError("num_classes does not apply to a generator, which outputs an image")
    if input_shape is not None:
        shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else (input_shape,)
        expected = "nz" if nz is None else nz
        if len(shape) != 3 or shape[1:] != (1, 1) or (nz is not None and shape[0] != nz):
            raise CalcError(f"input_shape must be ({expected}, 1, 1) for a generator, "
                            f"got {shape!r:.40}")
        nz = shape[0]
    nz = validate.integer("nz", 100 if nz is None else nz, 1, validate.MAX_CHANNELS)
    ngf = validate.integer("ngf", ngf, 1, MAX_WIDTH)
    nc = validate.integer("nc", nc, 1, validate.MAX_CHANNELS)
    return _generator("dcgan_generator", nz, ngf, nc, _image_size("image_size", image_size))


@register
def dcgan_discriminator(*, input_shape=(3, 64, 64), num_classes: int = 1,
                        ndf: int = 64) -> Network:
    """The DCGAN discriminator: a ``(nc, S, S)`` image (S a power of two) -> P(real).

    ``num_classes`` must be 1: one sigmoid output.
    """
    if validate.integer("num_classes", num_classes, 1) != 1:
        raise CalcError(f"num_classes must be 1 for a discriminator (one real/fake "
                        f"probability), got {num_classes}")
    ndf = validate.integer("ndf", ndf, 1, MAX_WIDTH)
    return _discriminator("dcgan_discriminator", input_shape, ndf)
