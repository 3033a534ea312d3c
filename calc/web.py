"""The one entry point shared by the site's build and the browser.

``run(calc_id, params_json) -> html`` computes a calculator's result; the build calls
:func:`render_calculator` to pre-render the form and the result for a fence's defaults, the
browser's worker calls :func:`run` on every input change. Both go through
:func:`result_html`, so pre-rendered and live output are the same code path.

The calculators and their registry live in :mod:`calc.calculators`; the form's HTML in
:mod:`calc.render.form`. This module imports downwards only.
"""

from __future__ import annotations

import json

from .calculators import CALCULATORS, Calculator, parse_params
from .errors import CalcError
from .render import html
from .render.form import calculator_html
from .validate import shown

MAX_PARAMS_JSON = 4 << 20    # characters of one request (the designer sends a description)


def get(calc_id) -> Calculator:
    if not isinstance(calc_id, str) or calc_id not in CALCULATORS:
        known = ", ".join(sorted(CALCULATORS))
        raise CalcError(f"id must be one of {known}; got {shown(str(calc_id), 40)}")
    return CALCULATORS[calc_id]


def prepare(ids) -> None:
    """Import the calculators ``ids`` (a list, or its JSON) need, before the page asks: the
    browser's worker does so for the page in front of it while it starts. Unknown ids are
    ignored here; :func:`run` names them."""
    if isinstance(ids, str):
        ids = json.loads(ids)
    CALCULATORS.load(i for i in ids if isinstance(i, str))


def result_html(calculator: Calculator, raw: dict) -> str:
    """Validated live result (``live``, else ``compute``), or the error as escaped text.
    Raises nothing for bad input."""
    try:
        return (calculator.live or calculator.compute)(parse_params(calculator, raw))
    except CalcError as err:
        return html.error(str(err))


def _decode(params_json):
    if not isinstance(params_json, str):
        return params_json
    if len(params_json) > MAX_PARAMS_JSON:
        raise CalcError(f"parameters must be at most {MAX_PARAMS_JSON} characters of JSON, "
                        f"got {len(params_json)}")
    try:
        return json.loads(params_json)
    except (ValueError, TypeError, RecursionError):
        raise CalcError("parameters must be JSON") from None


def _internal(calc_id, err: Exception) -> str:
    where = calc_id if isinstance(calc_id, str) and calc_id in CALCULATORS else "calc"
    return f"internal error in {where}: {type(err).__name__}: {shown(str(err), 200)}"


def run(calc_id, params_json) -> str:
    """Entry point of the browser worker: JSON of raw form values in, HTML out; never raises."""
    try:
        calculator = get(calc_id)
        raw = _decode(params_json)
        return result_html(calculator, raw)
    except CalcError as err:
        return html.error(str(err))
    except Exception as err:  # a bug must still reach the reader as text, not a traceback
        return html.error(_internal(calc_id, err))


def part(calc_id, name, params_json) -> str:
    """The worker's entry point for a result's on-demand part (``Calculator.parts``): JSON
    ``{"text": ...}``, or ``{"error": ...}`` naming what is wrong; never raises."""
    try:
        calculator = get(calc_id)
        if not isinstance(name, str) or name not in calculator.parts:
            known = ", ".join(sorted(calculator.parts)) or "none"
            raise CalcError(f"part must be one of {known}; got {shown(str(name), 40)}")
        values = parse_params(calculator, _decode(params_json))
        return json.dumps({"text": calculator.parts[name](values)})
    except CalcError as err:
        return json.dumps({"error": str(err)})
    except Exception as err:  # a bug must still reach the reader as text
        return json.dumps({"error": _internal(calc_id, err)})


def render_calculator(calc_id: str, defaults: dict, instance: int = 1) -> str:
    """The whole calculator for a page: form with ``defaults`` and the pre-rendered result.

    Raises :class:`CalcError` for an unknown id, an unknown default or a default that
    the calculator refuses, so that a bad fence fails the build.
    """
    calculator = get(calc_id)
    names = calculator.field_names()
    unknown = sorted(set(defaults) - names)
    if unknown:
        raise CalcError(f"{calc_id} has no field {unknown[0]!r}; fields: {', '.join(sorted(names))}")
    raw = dict(defaults)
    pairs = {f.name for f in calculator.fields if f.pair}
    for key, value in defaults.items():  # "size: [224, 192]" means per-axis defaults
        if isinstance(value, (list, tuple)) and key in pairs:
            raw[key], raw[key + "_w"], raw["per_axis"] = value[0], value[1], True
    values = parse_params(calculator, raw)
    return calculator_html(calculator, values, calculator.compute(values), instance)
