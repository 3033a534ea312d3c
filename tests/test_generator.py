"""The generator designer (calc.generator), its CLI and its calculator."""

import json

import pytest

from calc import CalcError, arithmetic, web
from calc.cli import main
from calc.coverage import transpose_axis
from calc.generator import MAX_BASE, build, design, plan_sizes
from calc.render.pytorch import to_pytorch

TARGETS = [(3, 64, 64), (3, 128, 128), (1, 28, 28), (3, 48, 48), (3, 100, 100), (3, 96, 64),
           (3, 7, 9), (1, 1, 1), (3, 2048, 31)]


@pytest.mark.parametrize("target", TARGETS)
def test_every_option_reaches_its_stage_and_the_build_the_target(target):
    d = design(100, target)
    for stage in d.stages:
        assert stage.options
        for o in stage.options:
            got = arithmetic.conv_transpose_output_size(stage.input[1:], o.kernel_size, o.stride,
                                                        o.padding, o.output_padding)
            assert got == stage.output[1:]
            axes = [transpose_axis(i, k, s, p, a) for i, k, s, p, a in
                    zip(stage.input[1:], o.kernel_size, o.stride, o.padding, o.output_padding)]
            assert o.uneven == any(a.uneven or (a.gaps and a.kernel_size % a.stride) for a in axes)
    assert build(d).output_shape == target


def test_sizes_are_planned_backwards_halving_with_the_ceiling():
    assert plan_sizes(64, 64)[0] == (4, 4) and len(plan_sizes(64, 64)) == 5
    assert plan_sizes(100, 100) == [(7, 7), (13, 13), (25, 25), (50, 50), (100, 100)]
    assert all(max(s) <= MAX_BASE for s in [plan_sizes(h, w)[0] for h, w in
                                            [(1000, 3), (31, 4096), (5, 5)]])


def test_dcgan_choices_rank_first():
    d = design(100, (3, 64, 64))
    first = d.stages[0].options[0]
    assert (first.kernel_size, first.stride, first.padding) == ((4, 4), (1, 1), (0, 0))
    for stage in d.stages[1:]:
        o = stage.options[0]
        assert (o.kernel_size, o.stride, o.padding, o.output_padding) == \
            ((4, 4), (2, 2), (1, 1), (0, 0))
    odd = design(100, (3, 100, 100)).stages[1].options[0]   # 7 -> 13: 2i - 1
    assert not odd.uneven and odd.kernel_size == (4, 4) and odd.output_padding == (1, 1)


def test_even_options_come_before_uneven_ones():
    for target in TARGETS:
        for stage in design(64, target).stages:
            flags = [o.uneven or o.gaps for o in stage.options]
            assert flags == sorted(flags)


@pytest.mark.parametrize("latent, output, channels, message", [
    (0, (3, 64, 64), None, "latent must be >= 1, got 0"),
    (100, (3, 0, 64), None, "output height must be >= 1"),
    (100, (3, 10 ** 8, 64), None, "output height must be <= 4096"),
    (100, (3, 64), None, "output must be C x H x W"),
    (100, (3, 64, 64), (64,), "channels must list 4 widths"),
    (100, (3, 64, 64), (64, 0, 3, 4), "channels[1] must be >= 1"),
    ("100", (3, 64, 64), None, "latent must be an integer"),
])
def test_bad_input_names_the_rule(latent, output, channels, message):
    with pytest.raises(CalcError, match=message.replace("[", r"\[").replace("]", r"\]")):
        design(latent, output, channels)


def test_cli(capsys):
    assert main(["generator", "--latent", "100", "--output", "3x96x64", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output"] == [3, 96, 64] and out["stages"][-1]["output"] == [3, 96, 64]
    first = out["stages"][1]["options"][0]
    assert first["kernel_size"] == [4, 4] and first["checkerboard"] is False and first["macs"] > 0
    assert main(["generator", "--latent", "100", "--output", "1x28x28", "--export",
                 "pytorch"]) == 0
    code = capsys.readouterr().out
    compile(code, "generator.py", "exec")
    assert "class Generator(nn.Module):" in code and "x[:, :, None, None]" in code
    for argv, message in [(["--latent", "0", "--output", "3x64x64"], "--latent must be >= 1"),
                          (["--latent", "x", "--output", "3x64x64"], "--latent must be a whole"),
                          (["--latent", "100", "--output", "3x64"], "--output must be CxHxW"),
                          (["--latent", "100", "--output", "3x64x64", "--channels", "a,b"],
                           "--channels[0] must be a whole number")]:
        assert main(["generator", *argv]) == 2
        assert message in capsys.readouterr().err


def test_calculator():
    out = web.run("generator", json.dumps({"size": "96", "size_w": "64", "per_axis": True,
                                           "choices": "0,1"}))
    assert "calc-error" not in out and 'data-calc-set="choices"' in out
    assert 'data-calc-value="0,0,0,0,0"' in out and "class=\"calc-taps\"" in out
    assert "calc-error" in web.run("generator", json.dumps({"choices": "0,9999"}))
    assert "&lt;b&gt;" in web.run("generator", json.dumps({"latent": "<b>"}))


@pytest.mark.torch
@pytest.mark.parametrize("target", [(3, 64, 64), (3, 128, 128), (1, 28, 28), (3, 48, 48),
                                    (3, 100, 100), (3, 96, 64)])
def test_exported_generators_make_exactly_the_target(torch, target):
    d = design(100, target)
    network = build(d)
    assert not any(s.options[0].uneven for s in d.stages
                   if any(not o.uneven and not o.gaps for o in s.options))
    namespace = {}
    exec(compile(to_pytorch(network, "Generator", latent=True), "<gen>", "exec"), namespace)
    module = namespace["Generator"]().eval()
    with torch.no_grad():
        flat = module(torch.randn(2, 100))
        mapped = module(torch.randn(2, 100, 1, 1))
    assert tuple(flat.shape) == tuple(mapped.shape) == (2, *target)
    assert sum(p.numel() for p in module.parameters()) == sum(n.layer.params
                                                             for n in network.nodes)


@pytest.mark.torch
def test_every_option_agrees_with_pytorch(torch):
    for target in [(3, 64, 64), (3, 100, 100), (3, 96, 64), (1, 28, 28)]:
        for stage in design(8, target).stages:
            for o in stage.options:
                layer = torch.nn.ConvTranspose2d(1, 1, o.kernel_size, o.stride, o.padding,
                                                 o.output_padding)
                out = layer(torch.zeros(1, 1, *stage.input[1:]))
                assert tuple(out.shape[2:]) == stage.output[1:]


def test_a_choice_ranked_below_the_shown_options_is_listed_and_marked():
    """Option 9 of stage 1 (64x64: 676 options, 6 shown) stays in its table, marked chosen."""
    from calc.calculators.generator import SHOWN
    d = design(100, (3, 64, 64))
    assert len(d.stages[1].options) > 10 > SHOWN
    out = web.run("generator", json.dumps({"choices": "0,9"}))
    stage1 = out[out.index("Stage 1:"):out.index("Stage 2:")]
    chosen = stage1[stage1.index('<tr class="calc-chosen">'):]
    chosen = chosen[:chosen.index("</tr>")]
    assert '<td class="num">9</td>' in chosen and 'aria-pressed="true"' in chosen
    assert ">chosen</button>" in chosen and stage1.count('aria-pressed="true"') == 1
    assert f"options {SHOWN} to 8 not listed" in stage1
    assert stage1.count("<tr") == 1 + SHOWN + 2   # head, the top ones, the gap, the chosen
    shown_first = web.run("generator", json.dumps({"choices": "0,2"}))
    stage1 = shown_first[shown_first.index("Stage 1:"):shown_first.index("Stage 2:")]
    assert stage1.count("<tr") == 1 + SHOWN and "not listed" not in stage1
