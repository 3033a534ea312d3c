"""The network-summary calculator: the zoo through calc.web, as the site runs it."""

import json

from calc import web
from calc.models import get_model, list_models
from calc.render import numbers
from calc.summary import summarize


def run(**raw):
    return web.run("network-summary", json.dumps(raw))


def test_defaults_use_the_models_own_input():
    out = run(model="resnet50")
    assert "3x224x224" in out and "25,557,032" in out and "4.089 G" in out
    assert "427 px, stride 32" in out
    out = run(model="inception_v3")
    assert "3x299x299" in out and "27,161,264" in out and "(auxiliary: 3,326,696)" in out
    assert "calc-error" not in run(model="dcgan_example_generator")


def test_custom_input_and_memory():
    out = run(model="resnet18", custom_input=True, in_channels="1", size="64", batch="8",
              dtype="float16")
    s = summarize(get_model("resnet18", input_shape=(1, 64, 64)))
    mem = s.memory(8, "float16")
    assert numbers.grouped(s.params) in out and numbers.nbytes(mem.inference_peak) in out
    assert f"All {len(s.rows)} layers" in out


def test_every_model_renders():
    for name in list_models():
        out = run(model=name)
        assert "calc-error" not in out, (name, out[:200])


def test_bad_input_is_a_message():
    assert "model must be one of" in run(model="<script>")
    assert "&lt;script&gt;" in run(model="<script>")
    out = run(model="resnet50", custom_input=True, size="8x8")
    assert "size must be a whole number" in out
    out = run(model="alexnet", custom_input=True, size="16")
    assert 'class="calc-error"' in out and "features" in out


def test_the_design_checks_show_as_in_the_designer():
    """The same block the designer shows: DCGAN paper's generator overlaps unevenly."""
    from calc.checks import check
    from calc.render import html
    from calc.render.checks_text import findings_text
    network = get_model("dcgan_paper_generator")
    findings = check(network)
    assert "uneven" in {f.rule for f in findings}
    block = html.warnings(findings_text(findings))
    out = run(model="dcgan_paper_generator")
    assert block and block in out and "overlap unevenly" in out
    assert 'class="calc-warnings"' in run(model="resnet18")      # gaps: 1x1 stride-2 shortcuts
    assert 'class="calc-warnings"' not in run(model="vgg16")     # no findings, no block
