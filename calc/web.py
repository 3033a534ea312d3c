"""The one entry point shared by the site's build and the browser.

``run(calc_id, params_json) -> html`` computes a calculator's result; the build
calls :func:`render_calculator` to pre-render the form and the result for a
fence's defaults, the browser's worker calls :func:`run` on every input change.
Both go through :func:`result_html`, so pre-rendered and live output are the
same code path.

A calculator is a :class:`Calculator`: a list of :class:`Field` (named as
PyTorch names the argument) and a ``compute`` function from validated values to
HTML. Calculator modules live in :mod:`calc.calculators` and register here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from .errors import CalcError
from .render import html

_INT_LIMIT = 1 << 20


@dataclass(frozen=True)
class Field:
    """One input of a calculator.

    ``kind`` is ``int``, ``bool`` or ``choice``. An ``int`` field with ``pair=True``
    has a height and a width input (``name`` and ``name_w``); the width is used only
    when the form's ``per_axis`` box is ticked, and the value is then ``(h, w)``.
    """
    name: str
    label: str
    kind: str = "int"
    default: object = 0
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = ()
    help: str = ""
    pair: bool = False


@dataclass(frozen=True)
class Calculator:
    id: str
    title: str
    fields: tuple[Field, ...]
    compute: Callable[[dict], str]
    description: str = ""

    @property
    def has_pairs(self) -> bool:
        return any(f.pair for f in self.fields)


CALCULATORS: dict[str, Calculator] = {}


def register(calculator: Calculator) -> Calculator:
    if calculator.id in CALCULATORS:
        raise RuntimeError(f"calculator {calculator.id!r} registered twice")
    CALCULATORS[calculator.id] = calculator
    return calculator


def get(calc_id) -> Calculator:
    _load()
    if not isinstance(calc_id, str) or calc_id not in CALCULATORS:
        known = ", ".join(sorted(CALCULATORS))
        raise CalcError(f"id must be one of {known}; got {str(calc_id)[:40]!r}")
    return CALCULATORS[calc_id]


def _load():
    from . import calculators  # noqa: F401  (registers every calculator on first use)


def _int(f: Field, raw, name: str) -> int:
    if isinstance(raw, bool):
        raise CalcError(f"{name} must be a whole number, got {raw!r}")
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise CalcError(f"{name} is required")
        if len(text) > 12 or not text.lstrip("+-").isdigit():
            shown = text if len(text) <= 24 else text[:21] + "..."
            raise CalcError(f"{name} must be a whole number, got {shown!r}")
        value = int(text)
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        raise CalcError(f"{name} must be a whole number, got {str(raw)[:24]!r}")
    low = f.minimum if f.minimum is not None else -_INT_LIMIT
    high = f.maximum if f.maximum is not None else _INT_LIMIT
    if value < low:
        raise CalcError(f"{name} must be >= {low}, got {value}")
    if value > high:
        raise CalcError(f"{name} must be <= {high}, got {value}")
    return value


def _bool(raw, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "on", "1", 1):
        return True
    if raw in ("false", "off", "0", "", 0, None):
        return False
    raise CalcError(f"{name} must be true or false, got {str(raw)[:24]!r}")


def parse_params(calculator: Calculator, raw: dict) -> dict:
    """Validate raw form values (strings, numbers, booleans) into typed values.

    Missing fields take their defaults; unknown keys are ignored. Raises
    :class:`CalcError` naming the field and the rule.
    """
    if not isinstance(raw, dict):
        raise CalcError("parameters must be an object of field values")
    per_axis = _bool(raw.get("per_axis", False), "per_axis") if calculator.has_pairs else False
    values = {}
    for f in calculator.fields:
        value = raw.get(f.name, f.default)
        if f.kind == "int":
            h = _int(f, value, f.name)
            if f.pair:
                w = _int(f, raw.get(f.name + "_w", value), f.name + "_w") if per_axis else h
                values[f.name] = (h, w)
            else:
                values[f.name] = h
        elif f.kind == "bool":
            values[f.name] = _bool(value, f.name)
        elif f.kind == "choice":
            if value not in f.choices:
                shown = (", ".join(map(str, f.choices)) if len(f.choices) <= 8
                         else f"the {len(f.choices)} listed options")
                raise CalcError(f"{f.name} must be one of {shown}; got {str(value)[:24]!r}")
            values[f.name] = value
        else:
            raise RuntimeError(f"unknown field kind {f.kind!r}")
    if calculator.has_pairs:
        values["per_axis"] = per_axis
    return values


def result_html(calculator: Calculator, raw: dict) -> str:
    """Validated compute, or the error as escaped text. Raises nothing for bad input."""
    try:
        return calculator.compute(parse_params(calculator, raw))
    except CalcError as err:
        return html.error(str(err))


def run(calc_id, params_json) -> str:
    """Entry point of the browser worker: JSON of raw form values in, HTML out; never raises."""
    try:
        calculator = get(calc_id)
        raw = json.loads(params_json) if isinstance(params_json, str) else params_json
    except CalcError as err:
        return html.error(str(err))
    except (ValueError, TypeError):
        return html.error("parameters must be JSON")
    try:
        return result_html(calculator, raw)
    except Exception as err:  # a bug must still reach the reader as text, not a traceback
        return html.error(f"internal error in {calculator.id}: {type(err).__name__}: {err}")


def _input(f: Field, uid: str, value, suffix: str = "") -> str:
    kind = "number"
    return ("<input" + html.attrs(id=f"{uid}-{f.name}{suffix}", name=f.name + suffix, type=kind,
                                   inputmode="numeric", step="1", min=f.minimum, max=f.maximum,
                                   value=value, required=True) + ">")


def _field_html(f: Field, uid: str, value) -> str:
    label = f'{html.escape(f.label)} <code>{html.escape(f.name)}</code>'
    hint = f'<small class="calc-help">{html.escape(f.help)}</small>' if f.help else ""
    if f.kind == "bool":
        box = "<input" + html.attrs(id=f"{uid}-{f.name}", name=f.name, type="checkbox",
                                     checked=bool(value)) + ">"
        return (f'<div class="calc-field calc-bool">{box}'
                f'<label for="{uid}-{f.name}">{label}</label>{hint}</div>')
    if f.kind == "choice":
        options = "".join("<option" + html.attrs(value=c, selected=(c == value)) + ">"
                          f"{html.escape(c)}</option>" for c in f.choices)
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


def render_calculator(calc_id: str, defaults: dict, instance: int = 1) -> str:
    """The whole calculator for a page: form with ``defaults`` and the pre-rendered result.

    Raises :class:`CalcError` for an unknown id, an unknown default or a default that
    the calculator refuses, so that a bad fence fails the build.
    """
    calculator = get(calc_id)
    names = {f.name for f in calculator.fields} | {f.name + "_w" for f in calculator.fields
                                                   if f.pair}
    if calculator.has_pairs:
        names.add("per_axis")
    unknown = sorted(set(defaults) - names)
    if unknown:
        raise CalcError(f"{calc_id} has no field {unknown[0]!r}; fields: {', '.join(sorted(names))}")
    raw = dict(defaults)
    for key, value in defaults.items():  # "size: [224, 192]" means per-axis defaults
        if isinstance(value, (list, tuple)) and key in names:
            raw[key], raw[key + "_w"], raw["per_axis"] = value[0], value[1], True
    values = parse_params(calculator, raw)
    uid = f"{calc_id}-{instance}"
    inputs = []
    if calculator.has_pairs:
        box = "<input" + html.attrs(id=f"{uid}-per_axis", name="per_axis", type="checkbox",
                                     checked=values["per_axis"]) + ">"
        inputs.append(f'<div class="calc-field calc-bool calc-per-axis">{box}'
                      f'<label for="{uid}-per_axis">Different height and width</label></div>')
    for f in calculator.fields:
        inputs.append(_field_html(f, uid, values[f.name]))
    description = (f'<p class="calc-description">{html.escape(calculator.description)}</p>'
                   if calculator.description else "")
    return (f'<div class="calc" data-calc="{html.escape(calc_id)}" data-calc-state="static">'
            f'<form class="calc-form" novalidate><fieldset><legend>{html.escape(calculator.title)}'
            f"</legend>{description}{''.join(inputs)}</fieldset></form>"
            f'<div class="calc-output" aria-live="polite">{calculator.compute(values)}</div>'
            f'<p class="calc-status" role="status"></p></div>')
