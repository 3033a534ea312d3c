"""calc.roofline: hand-computed times on a tiny network, the device table, the rules that
must hold whatever the numbers (more work never takes less time), and its errors."""

import pytest

from calc import CalcError, roofline
from calc.layers import Conv2d, Flatten, Linear, ReLU
from calc.models import get_model
from calc.network import NetworkBuilder
from calc.roofline import Device, Figure, predict, work
from calc.summary import summarize


@pytest.fixture
def toy(monkeypatch):
    """A device with round numbers: 1000 FLOP/s at float32, 4000 at bfloat16, 1000 bytes/s."""
    device = Device("toy", "toy", "gpu",
                    compute={"float32": Figure(1000.0, "test"), "bfloat16": Figure(4000.0, "test")},
                    bandwidth=Figure(1000.0, "test"))
    monkeypatch.setitem(roofline.DEVICES, "toy", device)
    return device


def tiny():
    """(2, 4, 4) -> conv 3x3 (3 maps, no bias) -> ReLU -> flatten (48) -> linear (5)."""
    g = NetworkBuilder("tiny", (2, 4, 4))
    x = g.layer("conv", Conv2d(2, 3, 3, padding=1, bias=False), g.input)
    x = g.layer("relu", ReLU(), x)
    x = g.layer("flatten", Flatten(), x)
    x = g.layer("fc", Linear(48, 5), x)
    return g.build()


def times(prediction):
    return {(r.name, r.phase): round(r.seconds, 9) for r in prediction.layers}


def test_tiny_inference_by_hand(toy):
    # conv: MACs 3*4*4 * 2*3*3 = 864 -> 1728 FLOPs = 1.728 s; bytes 4 * (54 weights + 32 in
    #       + 48 out) = 536 -> 0.536 s: compute-bound, 1.728 s
    # relu: 4 * (48 + 48) = 384 bytes -> 0.384 s;  flatten: a view, nothing
    # fc:   480 FLOPs -> 0.48 s; 4 * (245 weights + 48 + 5) = 1192 bytes -> 1.192 s
    p = predict(tiny(), "toy")
    assert times(p) == {("conv", "forward"): 1.728, ("relu", "forward"): 0.384,
                        ("flatten", "forward"): 0.0, ("fc", "forward"): 1.192}
    assert [r.bound for r in p.layers] == ["compute", "memory", "none", "memory"]
    assert p.seconds == pytest.approx(3.304)
    assert p.ms == pytest.approx(3304)
    assert p.flops == 1728 + 480
    assert p.bytes == 536 + 384 + 1192
    assert p.bound_seconds() == pytest.approx({"compute": 1.728, "memory": 1.576})
    assert p.by_type() == pytest.approx({"Conv2d": 1.728, "Linear": 1.192, "ReLU": 0.384,
                                         "Flatten": 0.0})
    assert p.images_per_s == pytest.approx(1 / 3.304)


def test_tiny_bfloat16_by_hand(toy):
    # 2 bytes an element, 4000 FLOP/s: conv max(0.432, 0.268), relu 0.192, fc max(0.12, 0.596)
    p = predict(tiny(), "toy", dtype="bfloat16")
    assert p.seconds == pytest.approx(0.432 + 0.192 + 0.596)


def test_tiny_training_by_hand(toy):
    # batch 2, float32. Forward: conv max(3.456, 4*(54 + 2*80)/1000 = 0.856); relu 4*2*96 =
    # 0.768; fc max(0.96, 4*(245 + 2*53)/1000 = 1.404).
    # Backward, last node first: fc computes input and weight gradients, 2*2*240*2 = 1920
    # FLOPs; reads grad out (5), its input (48), writes grad in (48) per sample, reads the
    # weights and writes their gradient: 4*(2*101 + 2*245) = 2768 bytes -> 2.768 s. relu:
    # 4*2*(48+48+48) = 1152 -> 1.152 s. conv: its input (the image) needs no gradient: weight
    # gradient only, 3456 FLOPs; 4*(2*(48+32) + 54) = 856 bytes -> 3.456 s.
    # Optimizer: SGD with momentum, 5 accesses of 299 float32 parameters = 5980 bytes.
    p = predict(tiny(), "toy", batch=2, mode="training")
    assert times(p) == {("conv", "forward"): 3.456, ("relu", "forward"): 0.768,
                        ("flatten", "forward"): 0.0, ("fc", "forward"): 1.404,
                        ("fc", "backward"): 2.768, ("relu", "backward"): 1.152,
                        ("conv", "backward"): 3.456, ("optimizer", "optimizer"): 5.98}
    assert [r.phase for r in p.layers] == ["forward"] * 4 + ["backward"] * 3 + ["optimizer"]
    assert p.seconds == pytest.approx(18.984)
    assert p.flops == 3456 + 960 + 1920 + 3456


def test_achieved_fraction(toy):
    p = predict(tiny(), "toy")                        # 2208 FLOPs
    assert p.achieved_fraction(2208.0) == pytest.approx(1.0)      # 2.208 s: the peak
    assert p.achieved_fraction(2208e3) == pytest.approx(1e-3)     # 1 FLOP/s of 1000
    with pytest.raises(CalcError, match="measured_ms"):
        p.achieved_fraction(0)


def test_flops_are_the_summary_flops():
    net = get_model("resnet50")
    macs = summarize(net).macs
    assert predict(net, "h200", batch=4).flops == 2 * 4 * macs
    # training: forward + input gradients + weight gradients, less conv1's input gradient
    conv1 = net.node("conv1")
    first = conv1.layer.macs(conv1.input_shapes[0], conv1.output_shape)
    assert predict(net, "h200", batch=4, mode="training").flops == 2 * 4 * (3 * macs - first)
    assert sum(w.flops for w in work(net, 4, "training")) == 2 * 4 * (3 * macs - first)


def test_device_table():
    assert {"h100_sxm", "h200", "a100_80gb", "l4", "cpu"} <= set(roofline.DEVICES)
    for device in roofline.DEVICES.values():
        figures = [*device.compute.values(), device.bandwidth]
        assert all(f.value > 0 and f.source for f in figures), device.id
        assert "float32" in device.compute
        if device.kind == "gpu":
            assert set(device.compute) == {"float32", "tf32", "bfloat16", "float16"}
            assert all("datasheet" in f.source for f in figures)
            # dense tensor-core figures: above the plain float32 pipes
            assert device.peak("float32") < device.peak("tf32") < device.peak("bfloat16")
        else:
            assert all("measured on this machine" in f.source and "load" in f.source
                       and "scripts/measure_cpu_peak.py" in f.source for f in figures)
    h200 = roofline.DEVICES["h200"]
    assert h200.peak("bfloat16") == 989.5e12 and h200.bandwidth.value == 4.8e12


@pytest.mark.parametrize("name", ["resnet18", "densenet121", "dcgan_example_generator"])
def test_more_work_never_takes_less_time(name):
    net = get_model(name)
    for device in ("h200", "l4", "cpu"):
        for mode in ("inference", "training"):
            ms = [predict(net, device, "float32", b, mode).ms for b in (1, 2, 8, 64)]
            assert ms == sorted(ms) and ms[0] < ms[-1], (device, mode)
        for batch in (1, 32):
            assert (predict(net, device, "float32", batch, "training").ms
                    > predict(net, device, "float32", batch, "inference").ms)
    # a faster device, or a narrower dtype, is never slower
    for batch in (1, 32):
        for dtype in ("float32", "bfloat16"):
            ms = [predict(net, d, dtype, batch).ms for d in ("h200", "h100_sxm", "a100_80gb")]
            assert ms == sorted(ms), (batch, dtype)
        # the L4 has the A100's float32 pipes and more (30.3 against 19.5 TFLOP/s), but not
        # its tensor cores or its bandwidth
        assert predict(net, "a100_80gb", "bfloat16", batch).ms < predict(net, "l4", "bfloat16",
                                                                          batch).ms
        for device in ("h200", "a100_80gb", "l4"):
            assert (predict(net, device, "bfloat16", batch).ms
                    <= predict(net, device, "tf32", batch).ms
                    <= predict(net, device, "float32", batch).ms)


def test_every_zoo_model_predicts():
    from calc.models import list_models
    for name in list_models():
        p = predict(get_model(name), "h200", "bfloat16", 8, "training")
        assert p.seconds > 0 and p.seconds == pytest.approx(sum(r.seconds for r in p.layers))


@pytest.mark.parametrize("kwargs, field", [
    ({"device_id": "tpu"}, "device"),
    ({"device_id": None}, "device"),
    ({"dtype": "int8"}, "dtype"),
    ({"device_id": "cpu", "dtype": "tf32"}, "dtype"),
    ({"mode": "train"}, "mode"),
    ({"batch": 0}, "batch"),
    ({"batch": 1.5}, "batch"),
])
def test_errors_name_the_field(kwargs, field):
    args = {"device_id": "h200", "dtype": "float32", "batch": 1, "mode": "inference", **kwargs}
    with pytest.raises(CalcError, match=rf"^{field}\b"):
        predict(tiny(), **args)


def test_a_network_is_required():
    with pytest.raises(CalcError, match="network"):
        predict("resnet50", "h200")


def test_dropout_is_the_identity_in_inference_only():
    net = get_model("vgg11")
    rows = {m: [r for r in predict(net, "h200", "float32", 4, m).layers
                if r.type == "Dropout" and r.phase == "forward"] for m in ("inference", "training")}
    assert len(rows["inference"]) == 2
    assert all(r.bytes == 0 for r in rows["inference"])
    assert all(r.bytes == 4 * 4 * 2 * 4096 for r in rows["training"])    # in + out, batch 4
