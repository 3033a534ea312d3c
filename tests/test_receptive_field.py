"""Receptive fields: the recurrences of Araujo et al. (Distill 2019) and their alignment rule."""

from calc.layers import Conv2d, MaxPool2d, ReLU
from calc.network import NetworkBuilder
from calc.receptive_field import ReceptiveField, receptive_fields
from calc.summary import summarize


def brute_force_field(layers, size=64):
    """Track which input pixels reach output pixel 0 on one axis by explicit index sets."""
    reach = {x: {x} for x in range(-size, 2 * size)}  # input coordinate -> itself
    for k, s, p in layers:
        reach = {x: set().union(*(reach.get(x * s - p + t, set()) for t in range(k)))
                 for x in range(-size, size)}
    pixels = reach[0]
    return max(pixels) - min(pixels) + 1, -min(pixels)


def chain(layers):
    g = NetworkBuilder("chain", (1, 256, 256))
    x = g.input
    for n, (k, s, p) in enumerate(layers):
        x = g.layer(f"conv{n}", Conv2d(1, 1, k, s, p), x)
    return summarize(g.build()).receptive_field


def test_recurrence_matches_brute_force():
    layers = [(7, 2, 3), (3, 2, 1), (3, 1, 1), (1, 2, 0), (3, 1, 1), (5, 1, 2)]
    size, padding = brute_force_field(layers)
    rf = chain(layers)
    assert rf.size == (size, size) and rf.padding == (padding, padding)
    assert rf.stride == (8, 8)


def test_vgg16_features_field():
    # Araujo et al., Distill 2019, table of receptive fields: VGG 16 -> r = 212, S = 32, P = 90
    # (the field of the last conv block's pool input; at pool5 itself it is 212 as well).
    g = NetworkBuilder("vgg16", (3, 224, 224))
    x, c = g.input, 3
    for block, (n, out) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]):
        for i in range(n):
            x = g.layer(f"b{block}.conv{i}", Conv2d(c, out, 3, padding=1), x)
            x = g.layer(f"b{block}.relu{i}", ReLU(), x)
            c = out
        x = g.layer(f"b{block}.pool", MaxPool2d(2, 2), x)
    rf = summarize(g.build()).receptive_field
    assert rf == ReceptiveField((212, 212), (32, 32), (90, 90))


def test_merge_takes_largest_aligned_path():
    g = NetworkBuilder("m", (8, 32, 32))
    a = g.layer("a", Conv2d(8, 8, 3, padding=1), g.input)
    b = g.layer("b", Conv2d(8, 8, (1, 7), padding=(0, 3)), g.input)
    s = summarize(g.build(g.concat("cat", a, b)))
    assert s.receptive_field == ReceptiveField((3, 7), (1, 1), (1, 3))
    assert not s.notes


def test_misaligned_merge_is_reported_not_guessed():
    # 1x1 stride 2 sees pixel 0; 2x2 stride 2 is centred on pixel 0.5: same shapes, centres differ
    g = NetworkBuilder("m", (8, 32, 32))
    a = g.layer("a", Conv2d(8, 8, 1, stride=2), g.input)
    b = g.layer("b", Conv2d(8, 8, 2, stride=2), g.input)
    out = g.layer("after", ReLU(), g.add("sum", a, b))
    fields, notes = receptive_fields(g.build(out))
    assert fields["sum"] is None and fields["after"] is None
    assert "misaligned" in notes["sum"] and "0.5" in notes["sum"]
    summary = summarize(g.build(out))
    assert summary.receptive_field is None and summary.receptive_field_node == "after"
    assert summary.notes == (notes["sum"],)


def test_stride_mismatch_is_misaligned():
    g = NetworkBuilder("m", (8, 32, 32))
    a = g.layer("a", Conv2d(8, 8, 17), g.input)           # 16x16, effective stride 1
    b = g.layer("b", Conv2d(8, 8, 2, stride=2), g.input)  # 16x16, effective stride 2
    fields, notes = receptive_fields(g.build(g.concat("cat", a, b)))
    assert fields["cat"] is None and "effective strides" in notes["cat"]
