"""Summary, layers and memory: invariants and hand-computed numbers."""

from math import prod

import pytest
from hypothesis import given, settings, strategies as st

from calc import CalcError
from calc.layers import (BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, Linear, MaxPool2d,
                         AdaptiveAvgPool2d, ReLU)
from calc.memory import memory, peak_live_elements
from calc.models import get_model
from calc.models.densenet import dense_block
from calc.network import NetworkBuilder
from calc.summary import summarize


def small_resnet_block():
    g = NetworkBuilder("block", (16, 8, 8))
    x = g.input
    y = g.layer("conv1", Conv2d(16, 32, 3, stride=2, padding=1, bias=False), x)
    y = g.layer("bn1", BatchNorm2d(32), y)
    y = g.layer("relu", ReLU(), y)
    s = g.layer("downsample.0", Conv2d(16, 32, 1, stride=2, bias=False), x)
    y = g.add("add", y, s)
    y = g.layer("avgpool", AdaptiveAvgPool2d(1), y)
    y = g.layer("flatten", Flatten(), y)
    y = g.layer("fc", Linear(32, 10), y)
    return g.build()


def test_hand_computed_block():
    s = summarize(small_resnet_block())
    rows = {r.name: r for r in s.rows}
    assert rows["conv1"].params == 32 * 16 * 9
    assert rows["conv1"].macs == 32 * 4 * 4 * 16 * 9
    assert rows["bn1"].params == 64 and s.buffers == 65
    assert rows["downsample.0"].macs == 32 * 4 * 4 * 16
    assert rows["fc"].params == 330 and rows["fc"].macs == 320
    assert s.params == 32 * 16 * 9 + 64 + 32 * 16 + 330
    assert s.output == (10,)
    assert s.flops == 2 * s.macs
    # the last spatial field is the add's: the 3x3 path is the larger one
    assert s.receptive_field_node == "add" and s.receptive_field.size == (3, 3)


def test_grouped_and_transposed_conv_counts():
    dw = Conv2d(32, 32, 3, padding=1, groups=32, bias=False)
    assert dw.params == 32 * 9 and dw.macs((32, 8, 8), (32, 8, 8)) == 32 * 64 * 9
    up = ConvTranspose2d(64, 32, 4, stride=2, padding=1, bias=False)
    assert up.output_shape((64, 8, 8)) == (32, 16, 16)
    # counted on the input grid: Cin * Hin * Win * Cout * k * k (not stride^2 more)
    assert up.macs((64, 8, 8), (32, 16, 16)) == 64 * 8 * 8 * 32 * 16


@pytest.mark.parametrize("make, rule", [
    (lambda: Conv2d(3, 8, 3, groups=2), "groups \\(2\\) must divide in_channels"),
    (lambda: Conv2d(0, 8, 3), "in_channels must be >= 1"),
    (lambda: Conv2d(3, 8, 3, stride=0), "stride must be >= 1, got 0"),
    (lambda: ConvTranspose2d(8, 8, 3, stride=2, output_padding=2), "output_padding must be <"),
    (lambda: Linear(10, 0), "out_features must be >= 1"),
    (lambda: MaxPool2d(2, padding=2), None),
])
def test_layer_errors(make, rule):
    if rule is None:  # pooling padding is checked against the input, at shape time
        with pytest.raises(CalcError, match="padding must be <= kernel_size / 2"):
            make().output_shape((3, 8, 8))
        return
    with pytest.raises(CalcError, match=rule):
        make()


def test_shape_errors_name_the_node():
    g = NetworkBuilder("bad", (3, 8, 8))
    x = g.layer("conv1", Conv2d(3, 8, 3), g.input)
    with pytest.raises(CalcError, match="^conv2: Conv2d expects 16 input channels, got 8"):
        g.layer("conv2", Conv2d(16, 8, 3), x)
    with pytest.raises(CalcError, match="^pool: kernel_size \\(9\\) must be <="):
        g.layer("pool", MaxPool2d(9), x)
    y = g.layer("conv3", Conv2d(8, 8, 1, stride=2), x)
    with pytest.raises(CalcError, match="^add: Add needs inputs of one shape, got 8x6x6 and 8x3x3"):
        g.add("add", x, y)
    with pytest.raises(CalcError, match="used twice"):
        g.layer("conv1", ReLU(), x)
    with pytest.raises(CalcError, match="Linear needs a flat"):
        g.layer("fc", Linear(8, 2), x)


def test_memory_model():
    net = small_resnet_block()
    mem = memory(net, batch=4, dtype="float16")
    s = summarize(net)
    assert mem.weights == s.params * 2 and mem.buffers == s.buffers * 2
    assert mem.training_activations == 4 * 2 * sum(prod(n.output_shape) for n in net.nodes)
    # input 16x8x8 is live until downsample.0 runs: input + conv1 + bn1 (+relu) ...
    assert peak_live_elements(net) == 16 * 64 + 32 * 16 + 32 * 16
    with pytest.raises(CalcError, match="dtype must be one of"):
        memory(net, dtype="float13")
    with pytest.raises(CalcError, match="batch must be >= 1"):
        memory(net, batch=0)


def test_checkpointed_dense_layers_by_hand():
    """One dense block of three layers (k = 4, bn_size 2) on a 6-channel 4x4 map: with
    torchvision's memory_efficient=True each layer no longer keeps its concatenated input
    (saved by norm1), norm1's output (saved by conv1, relu1 running in place) and norm1's
    mean and inverse deviation; the checkpoints of layers 2 and 3 keep the new maps of
    layers 1 and 2. Without dense layers nothing changes."""
    g = NetworkBuilder("block", (6, 4, 4))
    net = g.build(dense_block(g, "denseblock1", g.input, 3, 4, 2, 0.0))
    batch, hw = 2, 16
    m = memory(net, batch=batch)
    widths = (6, 10, 14)                           # the three layers' inputs
    cats = (10 + 14) * hw                          # layers 2 and 3 concatenate
    norms = sum(widths) * hw
    statistics = 8 * sum(widths)
    new_maps = 2 * 4 * hw                          # layers 1 and 2
    assert m.training_checkpointed == \
        m.training_saved - (cats + norms - new_maps) * batch * 4 - statistics
    # what stays: the block input, conv1 outputs and norm2 outputs (2k each), two new maps
    assert m.training_checkpointed == \
        (6 * hw + 3 * (8 + 8) * hw + new_maps) * batch * 4 + 8 * 3 * 8
    resnet = memory(get_model("resnet18"), batch=3)
    assert resnet.training_checkpointed == resnet.training_saved


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(0, 2),
                          st.sampled_from([1, 2, 4, 8])), min_size=1, max_size=6))
def test_rows_sum_to_totals(specs):
    g = NetworkBuilder("random", (4, 64, 64))
    x = g.input
    for n, (k, s, p, c) in enumerate(specs):
        try:
            x = g.layer(f"conv{n}", Conv2d(x.channels, c, k, s, min(p, k // 2)), x)
        except CalcError:
            break
        x = g.layer(f"bn{n}", BatchNorm2d(c), x)
    summary = summarize(g.build())
    assert sum(r.params for r in summary.rows) == summary.params
    assert sum(r.macs for r in summary.rows if not r.auxiliary) == summary.macs
    assert summary.output == summary.rows[-1].output
