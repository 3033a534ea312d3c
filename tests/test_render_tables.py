"""Summary tables: golden files of what text, HTML and JSON show, and column sums that equal
the totals (after torchinfo's tests of its tables).

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 pytest
tests/test_render_tables.py`` and read the diff.
"""

import json
import os
import re
from pathlib import Path

import pytest

from calc.models import get_model
from calc.render import json as render_json
from calc.render import text
from calc.render.columns import SUMMARY_COLUMNS
from calc.render.summary_html import summary_html
from calc.summary import summarize

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "resnet18.txt": lambda s: text.summary_table(s, s.memory(32, "float16")),
    "inception_v3.txt": lambda s: text.summary_table(s),
    "resnet18.html": lambda s: summary_html(s, s.memory(1, "float32")),
    "resnet20.json": lambda s: json.dumps(render_json.summary_dict(s, s.memory()), indent=1),
}


def summary_of(golden_name: str):
    return summarize(get_model(golden_name.split(".")[0]))


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    rendered = CASES[name](summary_of(name)) + "\n"
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(rendered)
    assert path.is_file(), f"missing golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert rendered == path.read_text()


def _number(cell: str) -> int:
    return int(cell.replace(",", "")) if cell else 0


def _text_rows(table: str):
    """(name, type, output, params, macs) of the text table's body, read token by token:
    names, types and shapes hold no spaces, a receptive field holds slashes, and a row with
    MACs always has parameters."""
    lines = table.splitlines()
    rules = [i for i, line in enumerate(lines) if line and set(line) == {"-"}]
    rows = []
    for line in lines[rules[1] + 1:rules[2]]:
        tokens = line.split()
        if tokens[1:2] == ["(aux)"]:
            tokens = [tokens[0] + " (aux)"] + tokens[2:]
        numbers = [t for t in tokens[3:] if "/" not in t] + ["", ""]
        rows.append((*tokens[:3], numbers[0], numbers[1]))
    return rows


def _html_rows(html: str):
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    return [tuple(re.findall(r"<td[^>]*>(.*?)</td>", row)) for row in body.split("</tr>")[:-1]]


@pytest.mark.parametrize("model", ["resnet50", "inception_v3", "densenet_bc_100_12",
                                   "googlenet_paper", "alexnet_paper", "vgg_c"])
@pytest.mark.parametrize("render", ["text", "html"])
def test_column_sums_equal_the_totals(model, render):
    kwargs = {"aux_logits": True} if model == "googlenet_paper" else {}
    s = summarize(get_model(model, **kwargs))
    rows = (_text_rows(text.summary_table(s)) if render == "text"
            else _html_rows(summary_html(s, s.memory())))
    assert len(rows) == len(s.rows)
    col = {"name": 0, "type": 1, "output": 2, "params": 3, "macs": 4}
    aux = [r[col["name"]].endswith(" (aux)") for r in rows]
    assert sum(aux) == sum(r.auxiliary for r in s.rows)
    assert sum(_number(r[col["params"]]) for r in rows) == s.params
    assert sum(_number(r[col["macs"]]) for r, a in zip(rows, aux) if not a) == s.macs
    assert sum(_number(r[col["macs"]]) for r, a in zip(rows, aux) if a) == s.aux_macs


def test_json_rows_hold_every_column():
    s = summarize(get_model("inception_v3"))
    layers = render_json.summary_dict(s)["layers"]
    assert sum(r["params"] for r in layers) == s.params
    assert sum(r["macs"] for r in layers if not r.get("auxiliary")) == s.macs
    keys = {c.key for c in SUMMARY_COLUMNS}
    assert all(set(r) <= keys for r in layers)
    assert {"name", "type", "output", "params", "macs", "activations"} <= set(layers[0])
