"""The designer calculator: a description in, the measured network and its exports out."""

import html as html_lib
import json
import re

from calc import web
from calc.calculators.designer import TEMPLATE
from calc.description import parse
from calc.models import get_model
from calc.render.description import describe
from calc.summary import summarize


def run(**raw) -> str:
    return web.run("designer", json.dumps(raw))


def test_the_template_is_measured():
    out = run()
    s = summarize(parse(TEMPLATE))
    assert f"{s.params:,}" in out and "calc-error" not in out
    assert 'data-calc-download="network.py"' in out and 'data-calc-text="code"' in out
    # the code is a part, written on demand: the result holds its empty element
    assert re.search(r'<code data-calc-text="code" data-calc-part="code"></code>', out)
    code = json.loads(web.part("designer", "code", "{}"))["text"]
    compile(code, "<designer>", "exec")
    assert re.search(r"^class Network\(nn\.(Module|ModuleDict)\):$", code, re.M)


def test_a_part_is_the_same_code_the_export_writes_and_refuses_clearly():
    from calc.description import parse
    from calc.render.pytorch import to_pytorch
    text = "input 3x16x16\nLazyConv2d(8, 3)\nReLU()\n"
    answer = json.loads(web.part("designer", "code", json.dumps({"description": text,
                                                                 "class_name": "Tiny"})))
    assert answer == {"text": to_pytorch(parse(text, "network"), "Tiny")}
    assert "line 2" in json.loads(web.part("designer", "code",
                                           json.dumps({"description": "input 3x8x8\nFoo()"})))["error"]
    assert json.loads(web.part("designer", "<b>", "{}"))["error"] == \
        "part must be one of code, layers; got '<b>'"
    assert "part must be one of none" in json.loads(web.part("vgg", "code", "{}"))["error"]
    assert "id must be one of" in json.loads(web.part("nope", "code", "{}"))["error"]
    assert "JSON" in json.loads(web.part("designer", "code", "{not json"))["error"]


def test_start_fills_the_editor_with_a_zoo_network():
    out = run(start="resnet18", description="input 3x8x8\nReLU()")
    fill = re.search(r'<template data-calc-fill="description" data-calc-reset="start">(.*?)'
                     r"</template>", out, re.S)
    assert html_lib.unescape(fill[1]) == describe(get_model("resnet18"))
    assert "input 3x224x224" in html_lib.unescape(run(start="blank"))


def test_checks_point_at_their_line():
    out = run(description="input 3x224x224\n\n# conv1 of the paper\nConv2d(3, 96, 11, stride=4)\n"
                          "ReLU()")
    assert "line 4, 0 (224x224" in out


def test_mistakes_and_hostile_text_are_messages():
    out = run(description="input 3x32x32\nConv2d(3, 8, 3, stride=0)")
    assert out == '<p class="calc-error" role="alert">line 2: stride must be &gt;= 1, got 0</p>'
    out = run(description="input 3x8x8\n<img src=x onerror=alert(1)>()")
    assert "calc-error" in out and "<img" not in out and "&lt;img" in out
    out = run(class_name="import os")
    assert "class_name must be a Python identifier" in out
    assert "at most 1,048,576 characters" in run(description="x" * 1_100_000)
    assert "calc-error" in run(description=12)


def test_a_thousand_layers():
    out = run(description="input 3x64x64\nrepeat 1000:\n  LazyConv2d(8, 3, padding=1)")
    assert "calc-error" not in out and "All 1000 layers" in out


def test_a_live_keystroke_leaves_a_collapsed_layer_table_to_its_part():
    """Past 40 layers the table is collapsed: a live result carries an empty ``layers`` part
    that calc.js fills when it is opened, the very table the pre-rendered page holds; a
    shorter network's open table is written as before."""
    deep = "input 16x32x32\nrepeat 30:\n  LazyConv2d(16, 3, padding=1)\n  ReLU()\n"
    params = json.dumps({"description": deep})
    live = web.run("designer", params)
    assert "<table" not in live
    assert re.search(r'<details data-calc-part="layers"><summary>All 60 layers</summary>'
                     r'<div class="calc-scroll" data-calc-text="layers" data-calc-part="layers" '
                     r"data-calc-html></div></details>", live)
    table = json.loads(web.part("designer", "layers", params))["text"]
    assert table.startswith('<table class="calc-table">') and table.count("<tr>") == 61
    prerendered = web.render_calculator("designer", {"description": deep})
    assert f'<div class="calc-scroll">{table}</div>' in prerendered
    # the limit applies to the part as to the table it stands for
    longer = json.dumps({"description": deep.replace("30", "300")})
    assert "the first 150 and the last 50 shown" in web.run("designer", longer)
    assert json.loads(web.part("designer", "layers", longer))["text"].count("<tr>") == 202
    short = json.dumps({"description": "input 3x8x8\nLazyConv2d(4, 3)\n"})
    assert '<details open><summary>The one layer</summary><div class="calc-scroll"><table' in \
        web.run("designer", short)
