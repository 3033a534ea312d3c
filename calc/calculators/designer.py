"""The ``designer`` calculator: a network typed as a description, measured as it is typed.

The result: totals and memory for a batch and dtype, the design checks each naming the line
that made the layer, every layer, and the network as PyTorch code and as a description, to
download. ``start`` loads a zoo network into the editor: its description comes back in a
``data-calc-fill`` element, which calc.js copies into the text area; a ``data-calc-download``
button saves a text as a file. calc.js moves text around for both, it computes nothing.
"""

from __future__ import annotations

from ..checks import check
from ..description import parse_with_lines
from ..memory import DTYPE_BYTES
from ..render import html
from ..render.checks_text import findings_text
from ..render.summary_html import LIMIT, layers_html, layers_table, totals_html
from ..summary import summarize
from ._measured import EVERY_LAYER
from .spec import Calculator, Field

TEMPLATE = """\
# A small network for 32x32 images: edit any line, the result follows.
input 3x32x32
stem = Conv2d(3, 32, kernel_size=3, padding=1, bias=False)
BatchNorm2d(32)
ReLU(inplace=True)
repeat 2:                       # two residual blocks at 32 channels
  residual:
    LazyConv2d(32, 3, padding=1, bias=False)
    LazyBatchNorm2d()
    ReLU(inplace=True)
    LazyConv2d(32, 3, padding=1, bias=False)
    LazyBatchNorm2d()
  ReLU(inplace=True)
down = LazyConv2d(64, 3, stride=2, padding=1, bias=False)   # halve the size, double the width
LazyBatchNorm2d()
ReLU(inplace=True)
concat:                         # an Inception-style pair of branches
  branch:
    LazyConv2d(32, 1)
  branch:
    LazyConv2d(32, 3, padding=1)
AdaptiveAvgPool2d(1)
Flatten()
LazyLinear(10)
"""

# Zoo networks the editor can start from (the CLI exports any: python -m calc export NAME)
STARTS = ("", "blank", "alexnet", "alexnet_paper", "vgg11", "vgg16", "googlenet",
          "googlenet_paper", "inception_v3", "resnet18", "resnet50", "densenet121",
          "resnet20", "wrn_16_8", "densenet_bc_100_12", "dcgan_example_generator")
BLANK = "input 3x224x224\n"


def _download(label: str, filename: str, source: str) -> str:
    """A button calc.js turns into a file: the text of ``source`` (an output element's
    ``data-calc-text`` or ``field:<name>``), saved as ``filename``."""
    return ("<button" + html.attrs(type="button", class_="md-button calc-download",
                                   data_calc_download=filename, data_calc_source=source)
            + f">{html.escape(label)}</button>")


def _fill(text: str) -> str:
    """The editor's new text, for calc.js to copy into the form (a ``<template>``: inert)."""
    return ('<template data-calc-fill="description" data-calc-reset="start">'
            f"{html.escape(text)}</template>")


def compute(v: dict, live: bool = False) -> str:
    """The designer's result; ``live``: a collapsed layer table is the ``layers`` part."""
    if v["start"]:
        # the zoo and its description writer load when a reader first picks a network
        from ..models import get_model
        from ..render.description import describe
        text = BLANK if v["start"] == "blank" else describe(get_model(v["start"]))
        return _fill(text) + (f'<p class="calc-note">Loading {html.escape(v["start"])} into '
                              "the editor.</p>")
    network, lines = parse_with_lines(v["description"], "network")
    summary = summarize(network)
    mem = summary.memory(v["batch"], v["dtype"])
    warnings = findings_text(check(network), lines)
    return (totals_html(summary, mem) + html.warnings(warnings)
            + layers_html(summary, open_=len(summary.rows) <= 40,
                          limit=None if v["all_layers"] else LIMIT,
                          part="layers" if live else None) + EXPORTS)


def layers(v: dict) -> str:
    """The layer table of a live result (HTML): written when the reader opens it."""
    network, _ = parse_with_lines(v["description"], "network")
    return layers_table(summarize(network), limit=None if v["all_layers"] else LIMIT)


def code(v: dict) -> str:
    """The network as PyTorch code: written when the reader opens or downloads it (the
    ``code`` part), not on every keystroke (a third of a 1000-layer keystroke's time)."""
    from ..render.pytorch import class_name, to_pytorch   # loaded with the first code asked for
    network, _ = parse_with_lines(v["description"], "network")
    return to_pytorch(network, class_name(v["class_name"] or "Network"))


# The code's element is empty until calc.js fills it from the ``code`` part; the note says
# where it comes from for a page read without scripts.
EXPORTS = ('<div class="calc-exports">'
           + _download("Download PyTorch code", "network.py", "code")
           + _download("Download the description", "network.txt", "field:description")
           + '</div><details data-calc-part="code"><summary>PyTorch code</summary>'
           '<pre class="calc-code"><code data-calc-text="code" data-calc-part="code">'
           '</code></pre><p class="calc-note">Written when opened, by the live calculator; '
           "<code>python -m calc export --file network.txt --to pytorch</code> writes it too."
           "</p></details>")


DESIGNER = Calculator(
    id="designer",
    title="Network designer",
    description="Type a network, one layer per line (see the format above); the shapes, "
                "parameters, MACs, receptive field, memory and design checks follow, and the "
                "network downloads as PyTorch code.",
    fields=(Field("description", "Description", kind="text", default=TEMPLATE,
                  help="one layer per line: PyTorch's layer names and arguments"),
            Field("start", "Start from", kind="choice", default="", choices=STARTS,
                  help="replace the description with a zoo network's, or a blank one"),
            Field("class_name", "PyTorch class name", kind="name", default="Network"),
            Field("batch", "Batch size", default=1, minimum=1, maximum=65536),
            Field("dtype", "Data type", kind="choice", default="float32",
                  choices=tuple(DTYPE_BYTES)),
            EVERY_LAYER),
    compute=compute,
    parts={"code": code, "layers": layers},
    live=lambda v: compute(v, live=True),
)

CALCULATORS = (DESIGNER,)
