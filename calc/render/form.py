"""HTML of a calculator for a page: its labelled form and the pre-rendered result.

The form's inputs are named as the calculator's fields (``name``, ``name_w`` for the width of
a pair, ``per_axis``); calc.js reads them and sends them to the worker as they are. Every
string that the calculator defines is escaped here.
"""

from __future__ import annotations

from . import html

_KINDS = {"int": ("number", "numeric", "1"), "float": ("number", "decimal", "any")}


def _input(f, uid: str, value, suffix: str = "") -> str:
    if f.kind == "ints":
        text = ",".join(map(str, value)) if isinstance(value, (tuple, list)) else (value or "")
        return ("<input" + html.attrs(id=f"{uid}-{f.name}{suffix}", name=f.name + suffix,
                                       type="text", inputmode="numeric", spellcheck="false",
                                       autocomplete="off", value=text, required=True) + ">")
    kind, mode, step = _KINDS[f.kind]
    return ("<input" + html.attrs(id=f"{uid}-{f.name}{suffix}", name=f.name + suffix, type=kind,
                                   inputmode=mode, step=step, min=f.minimum, max=f.maximum,
                                   value=value, required=True) + ">")


def field_html(f, uid: str, value) -> str:
    """One field: label with the PyTorch name, the input, an optional help line."""
    label = f'{html.escape(f.label)} <code>{html.escape(f.name)}</code>'
    hint = f'<small class="calc-help">{html.escape(f.help)}</small>' if f.help else ""
    if f.kind == "bool":
        box = "<input" + html.attrs(id=f"{uid}-{f.name}", name=f.name, type="checkbox",
                                     checked=bool(value)) + ">"
        return (f'<div class="calc-field calc-bool">{box}'
                f'<label for="{uid}-{f.name}">{label}</label>{hint}</div>')
    if f.kind == "text":
        area = ("<textarea" + html.attrs(id=f"{uid}-{f.name}", name=f.name, rows=18,
                                          spellcheck="false", autocomplete="off",
                                          autocapitalize="off", wrap="off")
                + f">{html.escape(value)}</textarea>")
        return (f'<div class="calc-field calc-text"><label for="{uid}-{f.name}">{label}'
                f"</label>{area}{hint}</div>")
    if f.kind == "name":
        box = "<input" + html.attrs(id=f"{uid}-{f.name}", name=f.name, type="text",
                                     spellcheck="false", autocomplete="off", value=value) + ">"
        return (f'<div class="calc-field"><label for="{uid}-{f.name}">{label}</label>{box}'
                f"{hint}</div>")
    if f.kind == "choice":
        options = "".join("<option" + html.attrs(value=c, selected=(c == value)) + ">"
                          f"{html.escape(c or '-')}</option>" for c in f.choices)
        return (f'<div class="calc-field"><label for="{uid}-{f.name}">{label}</label>'
                f'<select id="{uid}-{f.name}" name="{html.escape(f.name)}">{options}</select>'
                f"{hint}</div>")
    if f.pair:
        h, w = value if isinstance(value, (tuple, list)) else (value, value)
        return (f'<div class="calc-field calc-pair"><label for="{uid}-{f.name}">{label}'
                f'<span class="calc-axis"> (height)</span></label>{_input(f, uid, h)}'
                f'<span class="calc-w"><label for="{uid}-{f.name}_w">width</label>'
                f"{_input(f, uid, w, '_w')}</span>{hint}</div>")
    return (f'<div class="calc-field"><label for="{uid}-{f.name}">{label}</label>'
            f"{_input(f, uid, value)}{hint}</div>")


def calculator_html(calculator, values: dict, result: str, instance: int = 1) -> str:
    """The whole calculator: form holding ``values`` (parsed) and ``result`` (already HTML)."""
    uid = f"{calculator.id}-{instance}"
    inputs = []
    if calculator.has_pairs:
        box = "<input" + html.attrs(id=f"{uid}-per_axis", name="per_axis", type="checkbox",
                                     checked=values["per_axis"]) + ">"
        inputs.append(f'<div class="calc-field calc-bool calc-per-axis">{box}'
                      f'<label for="{uid}-per_axis">Different height and width</label></div>')
    for f in calculator.fields:
        inputs.append(field_html(f, uid, values[f.name]))
    description = (f'<p class="calc-description">{html.escape(calculator.description)}</p>'
                   if calculator.description else "")
    # id: a link can point at the calculator (#calc-vgg, #calc-vgg-2 for a page's second),
    # named as calc.js names its state in the query string.
    # data-search-exclude: numbers and forms would bloat the search index every reader loads
    anchor = calculator.id if instance == 1 else uid
    return (f'<div class="calc" id="calc-{html.escape(anchor)}" '
            f'data-calc="{html.escape(calculator.id)}" data-calc-state="static" '
            f'data-search-exclude>'
            f'<form class="calc-form" novalidate><fieldset><legend>'
            f"{html.escape(calculator.title)}</legend>{description}{''.join(inputs)}"
            f"</fieldset></form>"
            f'<div class="calc-output" aria-live="polite">{result}</div>'
            f'<p class="calc-status" role="status"></p></div>')
