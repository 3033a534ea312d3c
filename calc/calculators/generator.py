"""The ``generator`` calculator: a latent size and a target image in, generator stages out.

For each stage, the ranked ``ConvTranspose2d`` options of :mod:`calc.generator` (a button per
option sets the ``choices`` field, so the reader picks per stage), the taps each output pixel
receives (even or checkerboard), then the chosen generator's totals and layers, and its
PyTorch code to download.
"""

from __future__ import annotations

from .. import generator
from ..checks import check
from ..coverage import transpose_taps
from ..errors import CalcError
from ..memory import DTYPE_BYTES
from ..render import html
from ..render.calc_html import paragraph
from ..render.checks_text import findings_text
from ..render.numbers import grouped, pair, shape, si
from ..render.pytorch import to_pytorch
from ..render.summary_html import layers_html, totals_html
from ..render.taps_svg import tap_strip
from ..summary import summarize
from .spec import Calculator, Field

SHOWN = 6     # options listed per stage
STRIP = 16    # output pixels drawn per stage


def _choices(v, stages) -> list[int]:
    picked = list(v["choices"] or ())
    if len(picked) > len(stages):
        raise CalcError(f"choices must give at most one option per stage ({len(stages)}), "
                        f"got {len(picked)}")
    picked += [0] * (len(stages) - len(picked))
    for j, (c, stage) in enumerate(zip(picked, stages)):
        if c >= len(stage.options):
            raise CalcError(f"choices[{j}] must be < {len(stage.options)} (the options of stage "
                            f"{j}), got {c}")
    return picked


def _button(picked, j, index) -> str:
    value = picked[:j] + [index] + picked[j + 1:]
    return ("<button" + html.attrs(type="button", class_="md-button calc-pick",
                                   data_calc_set="choices",
                                   data_calc_value=",".join(map(str, value)),
                                   aria_pressed=str(picked[j] == index).lower())
            + f">{'chosen' if picked[j] == index else 'use'}</button>")


def _shown(stage, chosen: int) -> list[int]:
    """The options a stage's table lists: the first :data:`SHOWN` ranked, and the chosen one
    wherever it ranks (a pick further down stays in sight)."""
    first = list(range(min(SHOWN, len(stage.options))))
    return first if chosen in first else first + [chosen]


def _stage_html(j, stage, picked) -> str:
    rows = []
    shown = _shown(stage, picked[j])
    for index in shown:
        o = stage.options[index]
        overlap = "gaps" if o.gaps else "uneven" if o.uneven else "even"
        if index > SHOWN:   # the chosen one, after options the table leaves out
            rows.append(f'<tr class="calc-skipped"><td colspan="8">options {SHOWN} to '
                        f"{index - 1} not listed</td></tr>")
        # the button first: a table wider than a phone scrolls, the choice stays in view
        rows.append("<tr" + (' class="calc-chosen"' if picked[j] == index else "") + ">"
                    + f"<td>{_button(picked, j, index)}</td>"
                    + f'<td class="num">{index}</td>'
                    + "".join(f"<td>{html.escape(c)}</td>" for c in (
                        pair(o.kernel_size), pair(o.stride), pair(o.padding),
                        pair(o.output_padding), overlap))
                    + f'<td class="num">{html.escape(grouped(o.macs))}</td></tr>')
    more = len(stage.options) - len(shown)
    head = "".join(f"<th>{h}</th>" for h in ("", "option", "kernel_size", "stride", "padding",
                                             "output_padding", "overlap", "MACs"))
    o = stage.options[picked[j]]
    strips = []
    for axis, name in ((0, "height"), (1, "width")):
        taps = transpose_taps(stage.input[1 + axis], o.kernel_size[axis], o.stride[axis],
                              o.padding[axis], o.output_padding[axis], limit=STRIP)
        strips.append(f'<p class="calc-note">{name}: {tap_strip(taps, f"stage {j} {name}")}'
                      "</p>")
        if stage.input[1:] == stage.output[1:] or o.kernel_size[0] == o.kernel_size[1] and \
                o.stride[0] == o.stride[1] and o.padding[0] == o.padding[1] and \
                stage.input[1] == stage.input[2]:
            strips[-1] = strips[-1].replace(f">{name}: ", ">height and width: ", 1)
            break
    return (f"<h4>Stage {j}: {html.escape(shape(stage.input))} \u2192 "
            f"{html.escape(shape(stage.output))}</h4>"
            f'<div class="calc-scroll"><table class="calc-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            + (paragraph(f"{more} more option{'s' if more > 1 else ''} within the bounds, "
                         "ranked lower" + (f"; the chosen one is option {picked[j]}"
                                           if picked[j] >= SHOWN else "") + ".")
               if more > 0 else "")
            + '<p class="calc-note">Taps per output pixel (the first '
            f"{STRIP}), chosen option:</p>" + "".join(strips))


def compute(v: dict) -> str:
    d = generator.design(v["latent"], (v["out_channels"], *v["size"]), v["channels"])
    picked = _choices(v, d.stages)
    network = generator.build(d, picked, "generator")
    summary = summarize(network)
    mem = summary.memory(v["batch"], v["dtype"])
    sizes = " \u2192 ".join(["1x1"] + [f"{s.output[1]}x{s.output[2]}" for s in d.stages])
    uneven = [j for j, (s, c) in enumerate(zip(d.stages, picked)) if s.options[c].uneven]
    even_exists = [j for j in uneven if not d.stages[j].options[0].uneven]
    plan = paragraph(f"{len(d.stages)} stages grow the {v['latent']}-long latent vector "
                     f"({sizes}) into a {shape(d.output)} image; "
                     + (f"stage{'s' if len(uneven) > 1 else ''} "
                        f"{', '.join(map(str, uneven))} overlap unevenly"
                        + (" although an even option exists" if even_exists else "")
                        + "." if uneven else "every chosen stage overlaps evenly."))
    code = to_pytorch(network, "Generator", latent=True)
    return (f'<div class="calc-result"><p class="calc-answer">Generator with '
            f"<strong>{html.escape(grouped(summary.params))}</strong> parameters and "
            f"<strong>{html.escape(si(summary.macs))} MACs</strong> per image</p>{plan}"
            + "".join(_stage_html(j, s, picked) for j, s in enumerate(d.stages))
            + totals_html(summary, mem) + html.warnings(findings_text(check(network)))
            + layers_html(summary)
            + '<div class="calc-exports"><button' + html.attrs(
                type="button", class_="md-button calc-download",
                data_calc_download="generator.py", data_calc_source="code")
            + ">Download PyTorch code</button></div><details><summary>PyTorch code</summary>"
            f'<pre class="calc-code"><code data-calc-text="code">{html.escape(code)}</code>'
            "</pre></details></div>")


GENERATOR = Calculator(
    id="generator",
    title="Generator designer",
    description="From a latent size and a target image to transposed-convolution stages: "
                "every option per stage, ranked (even overlap first), the chosen generator's "
                "cost and its PyTorch code.",
    fields=(Field("latent", "Latent size", default=100, minimum=1, maximum=1 << 16,
                  help="the length of the noise vector z"),
            Field("out_channels", "Image channels", default=3, minimum=1, maximum=4096),
            Field("size", "Image size", default=64, minimum=1, maximum=generator.MAX_SIZE,
                  pair=True),
            Field("channels", "Channels per stage", kind="ints", default=None, minimum=1,
                  maximum=1 << 16, optional=True,
                  help="the widths before the image, e.g. 512,256,128,64; empty: DCGAN's "
                       "halving schedule"),
            Field("choices", "Option per stage", kind="ints", default=None, minimum=0,
                  maximum=1 << 10, optional=True,
                  help="the option index of each stage (0: the first ranked); the 'use' "
                       "buttons set it"),
            Field("batch", "Batch size", default=64, minimum=1, maximum=65536),
            Field("dtype", "Data type", kind="choice", default="float32",
                  choices=tuple(DTYPE_BYTES))),
    compute=compute,
)

CALCULATORS = (GENERATOR,)
