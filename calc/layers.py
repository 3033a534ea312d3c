"""Layers as frozen dataclasses with PyTorch's field names.

A shape is per sample: ``(C, H, W)`` for feature maps, ``(F,)`` for vectors;
the batch is never part of it. Every layer answers four questions:

* ``output_shape(*input_shapes)``: raises :class:`~calc.errors.CalcError` when PyTorch would refuse;
* ``params`` (weights, biases, BN affine) and ``buffers`` (BN running statistics);
* ``macs(input_shape, output_shape)``: multiply-accumulates of conv, transposed conv
  and linear layers, bias excluded (torchvision's ``_ops`` convention); 0 elsewhere;
* ``rf_step(input_shape)``: how the layer moves the receptive field (kernel span,
  stride, left padding per axis), :data:`IDENTITY` for element-wise layers, or
  ``None`` when a receptive field stops being defined (flatten, global pooling, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from math import prod
from operator import itemgetter
from typing import NamedTuple

from . import validate, arithmetic
from .errors import CalcError

Shape = tuple  # (C, H, W) or (F,)


class Step(NamedTuple):
    """A layer's effect on the receptive field, per axis (h, w): span of the kernel, stride, left padding."""
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]


IDENTITY = Step((1, 1), (1, 1), (0, 0))
_CHANNELS = itemgetter(0)   # of a shape


def _spatial(name: str, shape: Shape) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise CalcError(f"{name} needs a (C, H, W) input, got shape {format_shape(shape)}")
    return shape


def format_shape(shape: Shape) -> str:
    return "x".join(str(d) for d in shape)


class Layer:
    """Base of every layer: defaults for parameter-free, element-wise, single-input layers."""

    arity = 1  # number of inputs; 0 means any number >= 2
    params = 0   # layers with weights override these (properties, or attributes set at
    buffers = 0  # construction where a network holds many: Conv2d, BatchNorm2d)
    # Whether the class counts MACs (overrides macs()) and moves receptive fields (overrides
    # rf_step()): analyses call those methods only where they may answer something else.
    has_macs = False
    moves_field = False
    # PyTorch's class name, "Conv2d": a class attribute, as the analyses read it of every
    # node on every keystroke of the designer
    type = "Layer"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.has_macs = cls.macs is not Layer.macs
        cls.moves_field = cls.rf_step is not Layer.rf_step
        cls.type = cls.__name__

    def output_shape(self, *shapes: Shape) -> Shape:
        return shapes[0]

    def macs(self, input_shape: Shape, output_shape: Shape) -> int:
        return 0

    def rf_step(self, input_shape: Shape):
        return IDENTITY if len(input_shape) == 3 else None

    def fields(self) -> dict:
        """The layer's constructor arguments, as PyTorch names them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _spans(kernel_size, dilation) -> tuple[int, int]:
    """Dilated kernel span per axis (:func:`calc.arithmetic.span`)."""
    return tuple(map(arithmetic.span, kernel_size, dilation))


def _set(obj, name, value):
    object.__setattr__(obj, name, value)


def _channels(in_name, in_channels, out_name, out_channels, groups, bias) -> tuple:
    """Channels, groups and bias, checked: ``(in, out, groups, bias)``."""
    limit = validate.MAX_CHANNELS
    in_channels = validate.integer(in_name, in_channels, 1, limit)
    out_channels = validate.integer(out_name, out_channels, 1, limit)
    groups = validate.integer("groups", groups, 1, limit)
    for name, value in ((in_name, in_channels), (out_name, out_channels)):
        if value % groups:
            raise CalcError(f"groups ({groups}) must divide {name} ({value})")
    return in_channels, out_channels, groups, validate.boolean("bias", bias)


def _check_input_channels(obj, shape, expected):
    c, _, _ = _spatial(obj.type, shape)
    if c != expected:
        raise CalcError(f"{obj.type} expects {expected} input channels, got {c}")


_MAX_CHANNELS, _SQUARE = validate.MAX_CHANNELS, validate.SQUARE
_new = tuple.__new__   # a named tuple from a tuple, skipping its keyword-handling constructor


@dataclass(frozen=True, init=False)
class Conv2d(Layer):
    """2-D convolution. ``params = Cout * Cin/groups * kh * kw (+ Cout bias)``;
    ``macs = Cout * Ho * Wo * Cin/groups * kh * kw``."""
    in_channels: int
    out_channels: int
    kernel_size: tuple = 1
    stride: tuple = 1
    padding: tuple = 0
    dilation: tuple = 1
    groups: int = 1
    bias: bool = True

    def __init__(self, in_channels, out_channels, kernel_size=1, stride=1, padding=0,
                 dilation=1, groups=1, bias=True):
        # Most nodes of a CNN are convolutions: each field is checked and written once (the
        # dataclass's __init__ would write each through object.__setattr__, then check it).
        if not (type(in_channels) is int and type(out_channels) is int and type(groups) is int
                and type(bias) is bool and 0 < groups <= _MAX_CHANNELS
                and 0 < in_channels <= _MAX_CHANNELS and 0 < out_channels <= _MAX_CHANNELS
                and not in_channels % groups and not out_channels % groups):
            in_channels, out_channels, groups, bias = _channels(
                "in_channels", in_channels, "out_channels", out_channels, groups, bias)
        d = self.__dict__
        d["in_channels"], d["out_channels"] = in_channels, out_channels
        if (type(kernel_size) is type(stride) is type(padding) is type(dilation) is int
                and 0 < kernel_size < 8 and 0 < stride < 8 and 0 <= padding < 8
                and 0 < dilation < 8):   # validate.pair's answers, without four calls
            d["kernel_size"], d["stride"], d["padding"], d["dilation"] = (
                _SQUARE[kernel_size], _SQUARE[stride], _SQUARE[padding], _SQUARE[dilation])
        else:
            pair = validate.pair
            d["kernel_size"] = pair("kernel_size", kernel_size, 1)
            d["stride"] = pair("stride", stride, 1)
            d["padding"] = pair("padding", padding, 0)
            d["dilation"] = pair("dilation", dilation, 1)
        d["groups"], d["bias"] = groups, bias
        # fixed by the fields (not one of them): set once, as every summary and memory count
        # reads it
        kh, kw = d["kernel_size"]
        d["params"] = (out_channels * in_channels // groups * kh * kw
                       + (out_channels if bias else 0))

    def output_shape(self, shape):
        if len(shape) != 3 or shape[0] != self.in_channels:
            _check_input_channels(self, shape, self.in_channels)
        _, h, w = shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (self.kernel_size, self.stride, self.padding,
                                                  self.dilation)
        # calc.arithmetic._conv on both axes, inlined: o = (i + 2p - d (k - 1) - 1) // s + 1,
        # where i + 2p - d (k - 1) - 1 >= 0 (the kernel fits); _conv says why it does not
        room_h, room_w = h + 2 * ph - dh * (kh - 1) - 1, w + 2 * pw - dw * (kw - 1) - 1
        if room_h < 0 or room_w < 0:
            return (self.out_channels, arithmetic._conv(h, kh, sh, ph, dh),
                    arithmetic._conv(w, kw, sw, pw, dw))
        return (self.out_channels, room_h // sh + 1, room_w // sw + 1)

    def macs(self, input_shape, output_shape):
        kh, kw = self.kernel_size
        return prod(output_shape) * self.in_channels // self.groups * kh * kw

    def rf_step(self, input_shape):
        kernel, stride, padding, dilation = (self.kernel_size, self.stride, self.padding,
                                             self.dilation)
        if kernel == stride == dilation == (1, 1) and padding == (0, 0):
            return IDENTITY   # a 1x1 convolution (a DenseNet bottleneck's, a projection's)
        if dilation != (1, 1):
            kernel = _spans(kernel, dilation)
        return _new(Step, (kernel, stride, padding))


@dataclass(frozen=True)
class ConvTranspose2d(Layer):
    """Transposed convolution. ``params = Cin * Cout/groups * kh * kw (+ Cout bias)``;
    ``macs = Cin * Hin * Win * Cout/groups * kh * kw``: every input pixel scatters one
    kernel. Counted on the input grid: a count on the output grid is larger by
    ``(Hout Wout) / (Hin Win)``, which is ``stride^2`` only when ``k - 2p + output_padding = s``."""
    in_channels: int
    out_channels: int
    kernel_size: tuple = 1
    stride: tuple = 1
    padding: tuple = 0
    output_padding: tuple = 0
    groups: int = 1
    bias: bool = True
    dilation: tuple = 1

    def __post_init__(self):
        for name, value in zip(("in_channels", "out_channels", "groups", "bias"), _channels(
                "in_channels", self.in_channels, "out_channels", self.out_channels, self.groups,
                self.bias)):
            _set(self, name, value)
        _set(self, "kernel_size", validate.pair("kernel_size", self.kernel_size, 1))
        _set(self, "stride", validate.pair("stride", self.stride, 1))
        _set(self, "padding", validate.pair("padding", self.padding, 0))
        _set(self, "output_padding", validate.pair("output_padding", self.output_padding, 0))
        _set(self, "dilation", validate.pair("dilation", self.dilation, 1))
        for a, s, d in zip(self.output_padding, self.stride, self.dilation):
            if a >= max(s, d):
                raise CalcError(f"output_padding must be < max(stride, dilation) = {max(s, d)}, "
                                f"got {a}")

    @property
    def params(self) -> int:
        weights = self.in_channels * self.out_channels // self.groups * prod(self.kernel_size)
        return weights + (self.out_channels if self.bias else 0)

    def output_shape(self, shape):
        _check_input_channels(self, shape, self.in_channels)
        return (self.out_channels,
                *map(arithmetic._conv_transpose, shape[1:], self.kernel_size, self.stride,
                     self.padding, self.output_padding, self.dilation))

    def macs(self, input_shape, output_shape):
        return prod(input_shape) * self.out_channels // self.groups * prod(self.kernel_size)

    def rf_step(self, input_shape):
        return None  # an upsampling layer has no receptive field in the input-pixel sense


@dataclass(frozen=True)
class _Pool2d(Layer):
    dilation = (1, 1)   # AvgPool2d has none; MaxPool2d's field overrides it

    def _pool_fields(self):
        d = self.__dict__
        pair = validate.pair
        d["kernel_size"] = pair("kernel_size", self.kernel_size, 1)
        stride = self.kernel_size if self.stride is None else self.stride
        d["stride"] = pair("stride", stride, 1)
        d["padding"] = pair("padding", self.padding, 0)
        d["ceil_mode"] = validate.boolean("ceil_mode", self.ceil_mode)

    def output_shape(self, shape):
        if len(shape) != 3:
            _spatial(self.type, shape)
        c, h, w = shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (self.kernel_size, self.stride, self.padding,
                                                  self.dilation)
        pool, ceil_mode = arithmetic._pool, self.ceil_mode
        return (c, pool(h, kh, sh, ph, dh, ceil_mode), pool(w, kw, sw, pw, dw, ceil_mode))

    def rf_step(self, input_shape):
        dilation = self.dilation
        kernel = self.kernel_size if dilation == (1, 1) else _spans(self.kernel_size, dilation)
        return _new(Step, (kernel, self.stride, self.padding))


@dataclass(frozen=True)
class MaxPool2d(_Pool2d):
    """Max pooling; output size as in :func:`calc.arithmetic.pool_output_size`."""
    kernel_size: tuple = 2
    stride: tuple = None
    padding: tuple = 0
    dilation: tuple = 1
    ceil_mode: bool = False

    def __post_init__(self):
        self._pool_fields()
        self.__dict__["dilation"] = validate.pair("dilation", self.dilation, 1)


@dataclass(frozen=True)
class AvgPool2d(_Pool2d):
    """Average pooling; output size as in :func:`calc.arithmetic.pool_output_size` (no dilation)."""
    kernel_size: tuple = 2
    stride: tuple = None
    padding: tuple = 0
    ceil_mode: bool = False
    count_include_pad: bool = True

    def __post_init__(self):
        self._pool_fields()


@dataclass(frozen=True)
class _AdaptivePool2d(Layer):
    output_size: tuple = 1

    def __post_init__(self):
        _set(self, "output_size", validate.pair("output_size", self.output_size, 1))

    def output_shape(self, shape):
        if len(shape) != 3:
            _spatial(self.type, shape)
        return (shape[0], *self.output_size)

    def rf_step(self, input_shape):
        """Uniform windows only: ``in % out == 0`` gives kernel = stride = in / out.

        Pooling down to 1x1 is global: its receptive field is the whole input and
        is not reported (``None``), as for torchvision's ``avgpool``."""
        ins, outs = input_shape[1:], self.output_size
        if outs == (1, 1) or any(i % o for i, o in zip(ins, outs)):
            return None
        k = tuple(i // o for i, o in zip(ins, outs))
        return Step(k, k, (0, 0))


@dataclass(frozen=True)
class AdaptiveAvgPool2d(_AdaptivePool2d):
    """Adaptive average pooling to ``output_size`` (torchvision's ``avgpool``)."""


@dataclass(frozen=True)
class AdaptiveMaxPool2d(_AdaptivePool2d):
    """Adaptive max pooling to ``output_size``."""


@dataclass(frozen=True)
class Linear(Layer):
    """Fully connected. ``params = in * out (+ out)``; ``macs = in * out``."""
    in_features: int
    out_features: int
    bias: bool = True

    def __post_init__(self):
        _set(self, "in_features", validate.integer("in_features", self.in_features, 1, 1 << 30))
        _set(self, "out_features", validate.integer("out_features", self.out_features, 1,
                                                  validate.MAX_CHANNELS))
        _set(self, "bias", validate.boolean("bias", self.bias))

    @property
    def params(self):
        return self.in_features * self.out_features + (self.out_features if self.bias else 0)

    def output_shape(self, shape):
        if len(shape) != 1:
            raise CalcError(f"Linear needs a flat (F,) input, got shape {format_shape(shape)}: "
                            "add a Flatten first")
        if shape[0] != self.in_features:
            raise CalcError(f"Linear expects in_features={self.in_features}, got {shape[0]}")
        return (self.out_features,)

    def macs(self, input_shape, output_shape):
        return self.in_features * self.out_features

    def rf_step(self, input_shape):
        return None


@dataclass(frozen=True)
class _BatchNorm(Layer):
    """What both batch normalisations hold: ``2 * num_features`` affine parameters; buffers
    ``running_mean``, ``running_var`` (``num_features`` each) and ``num_batches_tracked`` (1)."""
    num_features: int
    eps: float = 1e-5
    momentum: float = 0.1
    affine: bool = True
    track_running_stats: bool = True

    def _set_counts(self):
        """``params`` and ``buffers``, fixed by the fields (not among them): set at construction,
        as every summary and memory count reads them."""
        d = self.__dict__
        d["params"] = 2 * self.num_features if self.affine else 0
        d["buffers"] = 2 * self.num_features + 1 if self.track_running_stats else 0


@dataclass(frozen=True, init=False)
class BatchNorm2d(_BatchNorm):
    """Batch normalisation: ``2 * C`` affine parameters; buffers ``running_mean``,
    ``running_var`` (C each) and ``num_batches_tracked`` (1)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        # one write of every field, as Conv2d's: a CNN has nearly as many as convolutions
        if not (type(num_features) is int and 0 < num_features <= _MAX_CHANNELS):
            num_features = validate.integer("num_features", num_features, 1, _MAX_CHANNELS)
        d = self.__dict__
        d["num_features"], d["eps"], d["momentum"] = num_features, eps, momentum
        d["affine"], d["track_running_stats"] = affine, track_running_stats
        self._set_counts()

    def output_shape(self, shape):
        if len(shape) != 3 or shape[0] != self.num_features:
            _check_input_channels(self, shape, self.num_features)
        return shape


@dataclass(frozen=True)
class BatchNorm1d(_BatchNorm):
    """Batch normalisation of a flat ``(F,)`` input, feature by feature: ``2 * F`` affine
    parameters, buffers as :class:`BatchNorm2d`'s (DCGAN's projection, Radford et al.'s code)."""

    def __post_init__(self):
        _set(self, "num_features", validate.integer("num_features", self.num_features, 1,
                                                    1 << 30))
        self._set_counts()

    def output_shape(self, shape):
        if len(shape) != 1 or shape[0] != self.num_features:
            raise CalcError(f"BatchNorm1d expects a flat ({self.num_features},) input, got "
                            f"shape {format_shape(shape)}")
        return shape

    def rf_step(self, input_shape):
        return None


@dataclass(frozen=True)
class LocalResponseNorm(Layer):
    """Local response normalisation across ``size`` channels (AlexNet paper, section 3.3)."""
    size: int = 5
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0

    def __post_init__(self):
        _set(self, "size", validate.integer("size", self.size, 1, validate.MAX_CHANNELS))


@dataclass(frozen=True)
class ReLU(Layer):
    inplace: bool = False


@dataclass(frozen=True)
class LeakyReLU(Layer):
    negative_slope: float = 0.01
    inplace: bool = False


@dataclass(frozen=True)
class Tanh(Layer):
    pass


@dataclass(frozen=True)
class Sigmoid(Layer):
    pass


@dataclass(frozen=True)
class Dropout(Layer):
    p: float = 0.5
    inplace: bool = False

    def __post_init__(self):
        _set(self, "p", validate.probability("p", self.p))


@dataclass(frozen=True)
class Flatten(Layer):
    """Flattens (C, H, W) to (C*H*W,); ``start_dim=1`` as in PyTorch (dim 0 is the batch)."""
    start_dim: int = 1

    def output_shape(self, shape):
        return (prod(shape),)

    def rf_step(self, input_shape):
        return None


@dataclass(frozen=True)
class Unflatten(Layer):
    """Reshapes a flat ``(F,)`` input to ``unflattened_size`` (``(C, H, W)``), as
    ``nn.Unflatten(1, (C, H, W))``: a fully connected projection read as a feature map."""
    dim: int = 1
    unflattened_size: tuple = (1, 1, 1)

    def __post_init__(self):
        if self.dim != 1:
            raise CalcError(f"Unflatten supports dim=1 only (dim 0 is the batch), got {self.dim!r}")
        size = self.unflattened_size
        if not isinstance(size, (tuple, list)) or len(size) != 3:
            raise CalcError(f"unflattened_size must be (C, H, W), got {size!r:.40}")
        limits = (validate.MAX_CHANNELS, validate.MAX_SIZE, validate.MAX_SIZE)
        _set(self, "unflattened_size", tuple(validate.integer(f"unflattened_size[{i}]", v, 1, m)
                                             for i, (v, m) in enumerate(zip(size, limits))))

    def output_shape(self, shape):
        if len(shape) != 1 or shape[0] != prod(self.unflattened_size):
            raise CalcError(f"Unflatten to {format_shape(self.unflattened_size)} needs a flat "
                            f"({prod(self.unflattened_size)},) input, got {format_shape(shape)}")
        return self.unflattened_size

    def rf_step(self, input_shape):
        return None


@dataclass(frozen=True)
class Add(Layer):
    """Element-wise sum of two or more tensors of one shape (a residual connection)."""
    arity = 0

    def output_shape(self, *shapes):
        first = shapes[0]
        for other in shapes[1:]:
            if other != first:
                raise CalcError(f"Add needs inputs of one shape, got {format_shape(first)} and "
                                f"{format_shape(other)}")
        return first


@dataclass(frozen=True)
class Concat(Layer):
    """Concatenation along channels (``torch.cat(xs, 1)``); spatial sizes must agree."""
    arity = 0

    def output_shape(self, *shapes):
        first = shapes[0]
        size = first[1:]
        if len(shapes) == 2 and shapes[1][1:] == size:   # the builder's DenseNet shortcut
            return (first[0] + shapes[1][0], *size)
        # DenseNet concatenates dozens of maps of a few distinct shapes: compare those.
        # (A shape of another length has a tail of another length.)
        for other in shapes if len(shapes) < 4 else set(shapes):
            if other[1:] != size:
                break
        else:
            return (sum(map(_CHANNELS, shapes)), *size)
        for other in shapes[1:]:
            if len(other) != len(first) or other[1:] != first[1:]:
                raise CalcError(f"Concat needs inputs that differ only in channels, got "
                                f"{format_shape(first)} and {format_shape(other)}")


@dataclass(frozen=True)
class Input(Layer):
    """The network's input, of per-sample ``shape``."""
    shape: tuple = field(default=(3, 224, 224))
    arity = -1

    def __post_init__(self):
        shape = self.shape
        if not isinstance(shape, (tuple, list)) or len(shape) not in (1, 3):
            raise CalcError(f"input must be (C, H, W) or (F,), got {shape!r}")
        limits = [validate.MAX_CHANNELS] + [validate.MAX_SIZE] * 2
        _set(self, "shape", tuple(validate.integer(f"input[{i}]", d, 1, lim)
                                  for i, (d, lim) in enumerate(zip(shape, limits))))

    def output_shape(self, *shapes):
        return self.shape


@dataclass(frozen=True)
class PadChannels(Layer):
    """Parameter-free shortcut of He et al. 2016 (CIFAR ResNets, "option A"):
    subsample by ``stride`` (``x[:, :, ::s, ::s]``) and zero-pad the channels to
    ``out_channels``, split evenly before and after (``(out - in) // 2`` before)."""
    out_channels: int
    stride: tuple = 1

    def __post_init__(self):
        _set(self, "out_channels", validate.integer("out_channels", self.out_channels, 1,
                                                  validate.MAX_CHANNELS))
        _set(self, "stride", validate.pair("stride", self.stride, 1))

    def output_shape(self, shape):
        c, h, w = _spatial(self.type, shape)
        if c > self.out_channels:
            raise CalcError(f"PadChannels out_channels ({self.out_channels}) must be >= input "
                            f"channels ({c})")
        sh, sw = self.stride
        return (self.out_channels, -(-h // sh), -(-w // sw))

    def rf_step(self, input_shape):
        return Step((1, 1), self.stride, (0, 0))
