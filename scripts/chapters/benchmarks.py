"""Benchmark results baked into the pages: every ``docs/data/*.json`` that scripts/benchmark.py
wrote, read when the site is built.

A result file holds one run on one device (scripts/benchmark_schema.json is its full format).
This module reads only what the pages show and checks each of those fields; a file that is not
JSON, or a field that is missing or of the wrong kind, stops the build with the file and the
field (``docs/data/x.json: results[3].median_ms must be a number > 0, got 'fast'``).

Three blocks place the results (``scripts/hooks/chapter_blocks.py``):

* ``benchmark-status``: the runs on the site (device, software, date, revision, command) and,
  while no GPU has run, a note that says so with the command that produces a GPU result;
* ``benchmark-runs``: per run, a table of every configuration (measured time and throughput,
  calc's roofline prediction beside them, measured peak memory beside calc's predicted memory)
  and a figure of measured throughput against the roofline's, by network and dtype;
* ``benchmark-family`` (``family: resnets``): an architecture chapter's networks only, in a
  small table per run, or nothing at all where no run measured them.

Every figure shown is one a run wrote; every label names the device and the software. calc's
memory prediction is the only number computed here (:func:`predicted_memory`).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import chapters
from calc.errors import CalcError
from calc.models import get_model
from calc.render.numbers import nbytes
from calc.summary import summarize

from . import Cell, Figure, Note, Table, plot, table

# --- What the pages say when a run is missing ----------------------------------------------

# The command that fills this page with a GPU run: scripts/benchmark.py's defaults (its
# networks, batch sizes 1, 32 and 256, float32, TF32 and bfloat16, channels_last off and on,
# inference and training) on the first CUDA GPU, the file written into docs/data/.
GPU_COMMAND = "python scripts/benchmark.py --device cuda --out docs/data"
CPU_COMMAND = "python scripts/benchmark.py --device cpu --out docs/data"

# The networks of each architecture chapter (docs/<chapter>.md), by zoo name.
FAMILIES = {
    "basic-design": re.compile(r"alexnet(_paper)?|lenet5"),
    "vgg": re.compile(r"vgg\w*"),
    "inception": re.compile(r"googlenet(_paper)?|inception_v3"),
    "resnets": re.compile(r"resnet\d+|resnext\w+|preact_resnet_?\d+|cifar_resnet_\d+"),
    "wide-resnets": re.compile(r"wide_resnet\w+|wrn_\d+_\d+"),
    "densenet": re.compile(r"densenet\w*"),
    "gan": re.compile(r"dcgan_\w+"),
}

SOURCES = ("calc", "torchvision")
MODES = ("inference", "training")
DTYPES = ("float32", "tf32", "bfloat16", "float16")
# the dtype of the activations calc counts: TF32 keeps float32 tensors; autocast's bfloat16
# and float16 run convolutions and matrix products in the low precision
ACTIVATIONS = {"float32": "float32", "tf32": "float32", "bfloat16": "bfloat16",
               "float16": "float16"}


# --- Reading and checking the files ----------------------------------------------------------

class ResultFileError(ValueError):
    """A result file the pages cannot show; the message names the file and the field."""


@dataclass(frozen=True)
class Result:
    model: str
    source: str
    mode: str
    batch: int
    dtype: str
    channels_last: bool
    input_shape: tuple[int, ...]
    median_ms: float
    spread_ms: tuple[float, float]
    images_per_s: float
    peak_memory_bytes: int | None
    predicted_ms: float | None
    iterations: int

    @property
    def predicted_images_per_s(self) -> float | None:
        return None if self.predicted_ms is None else 1e3 * self.batch / self.predicted_ms

    @property
    def of_roofline(self) -> float | None:
        """The roofline's time over the measured one: the share of the predicted speed that
        the run achieved."""
        return None if self.predicted_ms is None else self.predicted_ms / self.median_ms


@dataclass(frozen=True)
class Run:
    """One result file: one run of scripts/benchmark.py on one device."""
    path: Path
    kind: str                 # "cuda" or "cpu"
    device: dict
    software: dict
    date: str
    git: str | None
    command: str
    complete: bool | None     # None where the file does not say
    prediction: str | None    # the roofline device predicted_ms comes from, by name
    skipped: tuple[str, ...]  # "<configuration>: <reason>" of what the run could not measure
    results: tuple[Result, ...]

    @property
    def kind_label(self) -> str:
        return "GPU" if self.kind == "cuda" else "CPU"

    @property
    def device_label(self) -> str:
        d = self.device
        if self.kind == "cuda":
            extras = [f"CUDA {d['cuda']}" if d.get("cuda") else "",
                      f"driver {d['driver']}" if d.get("driver") else "",
                      f"cuDNN {d['cudnn']}" if d.get("cudnn") else "",
                      f"{nbytes(d['memory_bytes'])} memory" if d.get("memory_bytes") else "",
                      f"{d['sm_count']} SMs" if d.get("sm_count") else ""]
            extras = [e for e in extras if e]
            return f"GPU: {d['name']}" + (f" ({', '.join(extras)})" if extras else "")
        extras = [f"{d['cores']} cores" if d.get("cores") else "",
                  f"{d['threads']} threads used" if d.get("threads") else ""]
        extras = [e for e in extras if e]
        return f"CPU: {d['name']}" + (f" ({', '.join(extras)})" if extras else "")

    @property
    def software_label(self) -> str:
        s = self.software
        vision = s.get("torchvision") or "not installed"
        return f"torch {s['torch']}, torchvision {vision}, Python {s['python']}"

    @property
    def label(self) -> str:
        """Device, software, date and revision: what every table and figure is labelled with."""
        revision = f", git {self.git[:12]}" if self.git else ""
        partial = "; a partial run" if self.complete is False else ""
        return (f"{self.device_label}; {self.software_label}; {self.date[:10]}{revision}"
                f"{partial}")


def _shown(path: Path) -> str:
    """The file as the build's messages name it: relative to the project where it is in it."""
    try:
        return str(path.resolve().relative_to(chapters.ROOT))
    except ValueError:
        return str(path)


class _Fields:
    """Checks of one file's fields; each failure names the file and the field."""

    def __init__(self, path: Path):
        self.where = _shown(path)

    def fail(self, field: str, rule: str, value) -> None:
        got = "missing" if value is _MISSING else f"got {json.dumps(value)[:60]}"
        raise ResultFileError(f"{self.where}: {field} must be {rule}, {got}")

    @staticmethod
    def get(obj, key: str):
        """``obj[key]``, or _MISSING where ``obj`` is no object or has no ``key``."""
        return obj.get(key, _MISSING) if isinstance(obj, dict) else _MISSING

    def text(self, obj, key, field, *, null=False, choices=None):
        value = self.get(obj, key)
        if null and value is None:
            return None
        if choices is not None:
            if value not in choices:
                self.fail(field, "one of " + ", ".join(choices), value)
        elif not isinstance(value, str) or not value.strip():
            self.fail(field, "a string" + (" or null" if null else ""), value)
        return value

    def integer(self, obj, key, field, minimum, *, null=False):
        value = self.get(obj, key)
        if null and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(field, f"a whole number >= {minimum}" + (" or null" if null else ""),
                      value)
        return value

    def positive(self, obj, key, field, *, null=False):
        value = self.get(obj, key)
        if null and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not math.isfinite(value) or value <= 0:
            self.fail(field, "a number > 0" + (" or null" if null else ""), value)
        return float(value)

    def boolean(self, obj, key, field):
        value = self.get(obj, key)
        if not isinstance(value, bool):
            self.fail(field, "true or false", value)
        return value

    def object(self, obj, key, field):
        value = self.get(obj, key)
        if not isinstance(value, dict):
            self.fail(field, "an object", value)
        return value


_MISSING = object()


def _result(f: _Fields, item, i: int) -> Result:
    at = f"results[{i}]"
    if not isinstance(item, dict):
        f.fail(at, "an object", item)
    model = f.text(item, "model", f"{at}.model")
    shape = f.get(item, "input_shape")
    if not isinstance(shape, list) or not 1 <= len(shape) <= 3 or \
            any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in shape):
        f.fail(f"{at}.input_shape", "a list of one to three whole numbers >= 1", shape)
    spread = f.get(item, "spread_ms")
    if not isinstance(spread, list) or len(spread) != 2 or \
            any(isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0
                for t in spread) or spread[0] > spread[1]:
        f.fail(f"{at}.spread_ms", "[min, max], two times > 0 in that order", spread)
    result = Result(
        model=model,
        source=f.text(item, "source", f"{at}.source", choices=SOURCES),
        mode=f.text(item, "mode", f"{at}.mode", choices=MODES),
        batch=f.integer(item, "batch", f"{at}.batch", 1),
        dtype=f.text(item, "dtype", f"{at}.dtype", choices=DTYPES),
        channels_last=f.boolean(item, "channels_last", f"{at}.channels_last"),
        input_shape=tuple(shape),
        median_ms=f.positive(item, "median_ms", f"{at}.median_ms"),
        spread_ms=(float(spread[0]), float(spread[1])),
        images_per_s=f.positive(item, "images_per_s", f"{at}.images_per_s"),
        peak_memory_bytes=f.integer(item, "peak_memory_bytes", f"{at}.peak_memory_bytes", 0,
                                    null=True),
        predicted_ms=f.positive(item, "predicted_ms", f"{at}.predicted_ms", null=True),
        iterations=f.integer(item, "iterations", f"{at}.iterations", 1),
    )
    try:
        _network(result.model, result.input_shape, result.source)
    except CalcError as err:
        raise ResultFileError(f"{f.where}: {at}.model {model!r} with input_shape "
                              f"{list(shape)} is not a network calc can build: {err}") from None
    return result


def read_run(path: Path) -> Run:
    """One result file, checked (see the module docstring)."""
    f = _Fields(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultFileError(f"{f.where}: not a readable JSON file: {err}") from None
    if not isinstance(doc, dict):
        f.fail("the top level", "an object", doc)
    device = f.object(doc, "device", "device")
    f.text(device, "name", "device.name")
    kind = device.get("type")
    if kind is None:
        kind = "cuda" if device.get("cuda") else "cpu"
    elif kind not in ("cuda", "cpu"):
        f.fail("device.type", "one of cuda, cpu", kind)
    software = f.object(doc, "software", "software")
    f.text(software, "torch", "software.torch")
    f.text(software, "torchvision", "software.torchvision", null=True)
    f.text(software, "python", "software.python")
    items = f.get(doc, "results")
    if not isinstance(items, list):
        f.fail("results", "a list", items)
    complete = doc.get("complete")
    if complete is not None and not isinstance(complete, bool):
        f.fail("complete", "true, false or absent", complete)
    prediction = doc.get("prediction")
    prediction = prediction.get("name") if isinstance(prediction, dict) else None
    skipped = []
    for item in doc.get("skipped") or ():
        if isinstance(item, dict):
            skipped.append(f"{item.get('model')} {item.get('source')} {item.get('mode')} "
                           f"batch {item.get('batch')} {item.get('dtype')}"
                           f"{' channels_last' if item.get('channels_last') else ''}: "
                           f"{item.get('reason')}")
    return Run(path=path, kind=kind, device=device, software=software,
               date=f.text(doc, "date", "date"), git=f.text(doc, "git", "git", null=True),
               command=f.text(doc, "command", "command"), complete=complete,
               prediction=prediction, skipped=tuple(skipped),
               results=tuple(_result(f, item, i) for i, item in enumerate(items)))


def data_dir() -> Path:
    """The build's docs/data/ (the hook points chapters.DOCS_DIR at the site's docs_dir)."""
    return Path(chapters.DOCS_DIR) / "data"


def runs(folder: Path | None = None) -> tuple[Run, ...]:
    """Every result file under ``folder`` (the build's docs/data/): GPU runs first, then the
    newest first."""
    folder = data_dir() if folder is None else Path(folder)
    found = [read_run(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    found.sort(key=lambda r: r.date, reverse=True)
    found.sort(key=lambda r: r.kind != "cuda")
    return tuple(found)


# --- calc's side of the comparison ------------------------------------------------------------

# torchvision builds these with their auxiliary classifiers (scripts/benchmark.py asks for no
# weights), and runs them in training
TORCHVISION_AUX = ("googlenet", "inception_v3")


@functools.cache
def _network(model: str, input_shape: tuple, source: str):
    """The network a result measured: calc's zoo model at the run's input, with the auxiliary
    classifiers that ran: none for calc's own (the torch bridge runs none), torchvision's for
    its googlenet and inception_v3."""
    network = get_model(model)
    kwargs = {} if tuple(input_shape) == network.input_shape else \
        {"input_shape": tuple(input_shape)}
    if source == "torchvision" and model in TORCHVISION_AUX:
        kwargs["aux_logits"] = True
    elif source == "calc" and len(network.inference_nodes) != len(network.nodes):
        kwargs["aux_logits"] = False
    return get_model(model, **kwargs) if kwargs else network


@functools.cache
def _summary(model: str, input_shape: tuple, source: str):
    return summarize(_network(model, input_shape, source))


def predicted_memory(result: Result) -> int:
    """calc's memory for one configuration, in bytes: the float32 weights and buffers, plus
    the inference peak of the activations (inference) or what autograd saves for the backward
    pass (training), at the dtype the activations have (float32 under TF32; autocast's
    bfloat16 or float16).

    ``torch.cuda.max_memory_allocated`` counts more: the input batch, gradients and the
    optimizer's momentum in training, autocast's low-precision copies of the weights, cuDNN's
    workspace and the allocator's rounding. The tables show both, never one for the other.
    """
    s = _summary(result.model, result.input_shape, result.source)
    weights = s.memory(result.batch, "float32")
    activations = s.memory(result.batch, ACTIVATIONS[result.dtype])
    kept = (activations.training_saved if result.mode == "training"
            else activations.inference_peak)
    return weights.weights + weights.buffers + kept


# --- Formatting ------------------------------------------------------------------------------

def _num(x: float) -> str:
    """Three significant figures, grouped above a thousand: 0.0123, 4.56, 78.9, 1,234."""
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x >= 0.001 else f"{x:.2g}"


def _ms(x: float | None) -> Cell | str:
    return "" if x is None else Cell(_num(x), x)


def _share(x: float | None) -> Cell | str:
    return "" if x is None else Cell(f"{100 * x:.3g}%", x)


def _bytes(x: int | None, kind: str) -> Cell | str:
    if x is None:
        return "not measured on the CPU" if kind == "cpu" else ""
    return Cell(nbytes(x), x)


def _order(r: Result):
    return (r.model, SOURCES.index(r.source), MODES.index(r.mode), DTYPES.index(r.dtype),
            r.channels_last, r.batch)


def _layout(r: Result) -> str:
    return "channels_last" if r.channels_last else "NCHW"


MEMORY_NOTE = ("calc's memory: the float32 weights and buffers, plus the activations' "
               "inference peak (inference) or the tensors autograd saves for the backward pass "
               "(training), at the activations' dtype. The measured peak "
               "(torch.cuda.max_memory_allocated) also holds the input batch, gradients, the "
               "optimizer's momentum, autocast's weight copies and cuDNN's workspace.")


def _fastest(results) -> list[Result]:
    """Per (network, mode, dtype, batch): calc's model (torchvision's where calc's was not
    run) in its faster memory layout."""
    best: dict = {}
    for r in results:
        key = (r.model, r.mode, r.dtype, r.batch)
        rank = (r.source == "calc", r.images_per_s)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, r)
    return [v[1] for v in best.values()]


def run_table(run: Run, results=None, *, compact: bool = False) -> Table:
    """Every configuration of one run (or ``results``, a selection of them); ``compact``:
    the chapters' short form, the faster layout of calc's model only (:func:`_fastest`)."""
    results = run.results if results is None else results
    results = sorted(_fastest(results) if compact else results, key=_order)
    if compact:
        header = ("network", "mode", "batch", "dtype", "layout", "measured ms", "images/s",
                  "roofline ms", "of roofline")
    else:
        header = ("network", "source", "mode", "batch", "dtype", "layout", "measured ms",
                  "spread ms", "images/s", "roofline ms", "of roofline", "peak memory",
                  "calc memory")
    rows = []
    for r in results:
        measured = (_ms(r.median_ms),)
        if not compact:
            measured += (f"{_num(r.spread_ms[0])} to {_num(r.spread_ms[1])}",)
        row = ((r.model if not compact or r.source == "calc" else f"{r.model} (torchvision)",)
               + (() if compact else (r.source,))
               + (r.mode, r.batch, r.dtype, _layout(r)) + measured
               + (Cell(_num(r.images_per_s), r.images_per_s), _ms(r.predicted_ms),
                  _share(r.of_roofline)))
        if not compact:
            row += (_bytes(r.peak_memory_bytes, run.kind), Cell(nbytes(predicted_memory(r)),
                                                                predicted_memory(r)))
        rows.append(row)
    against = f" against {run.prediction}" if run.prediction else ""
    notes = [f"Roofline{against}: calc.roofline's prediction from the architecture alone; "
             "of roofline: the predicted time over the measured one.",
             f"Command: {run.command}", f"File: {_shown(run.path)}"]
    if not compact:
        notes.insert(1, MEMORY_NOTE)
        if run.skipped:
            notes.append(f"Not measured ({len(run.skipped)}): " + "; ".join(run.skipped))
    iterations = sorted({r.iterations for r in results})
    timing = (f"median of {', '.join(map(str, iterations))} timed iterations"
              if iterations else "no configuration measured")
    what = "Measured speed of this chapter's networks" if compact else "Measured"
    if compact:
        notes.insert(1, "Each network in its faster memory layout; every configuration, and "
                        "how it was measured, is on the benchmarks page.")
    return Table(header, tuple(rows), f"{what} on {run.label} ({timing}).", tuple(notes),
                 sortable=True)


def _slug(run: Run) -> str:
    return "benchmark-" + re.sub(r"[^a-z0-9]+", "-", run.path.stem.lower()).strip("-")


def _best(results, mode: str) -> dict:
    """Per (network, dtype) in ``mode``: the calc model's result at its largest batch, in its
    faster layout (torchvision's where calc's was not run)."""
    best: dict = {}
    for r in results:
        if r.mode != mode:
            continue
        key = (r.model, r.dtype)
        rank = (r.source == "calc", r.batch, r.images_per_s)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, r)
    return {k: v[1] for k, v in best.items()}


def run_figure(run: Run) -> Figure | None:
    """Measured images per second against the roofline's, by network and dtype (log scale)."""
    from matplotlib.ticker import NullFormatter

    modes = [m for m in MODES if any(r.mode == m for r in run.results)]
    if not modes:
        return None
    chosen = {mode: _best(run.results, mode) for mode in modes}
    models = sorted({m for mode in modes for m, _ in chosen[mode]}, reverse=True)
    dtypes = [d for d in DTYPES if any(r.dtype == d for r in run.results)]
    colour = {d: plot.OKABE_ITO[i] for i, d in enumerate(dtypes)}
    fig, axes = plot.new(1, len(modes), sharey=True, squeeze=False,
                         figsize=(7.2 if len(modes) == 2 else 5.0, 1.2 + 0.5 * len(models)))
    described = []
    for ax, mode in zip(axes[0], modes):
        for y, model in enumerate(models):
            for j, dtype in enumerate(dtypes):
                r = chosen[mode].get((model, dtype))
                if r is None:
                    continue
                at = y + (j - (len(dtypes) - 1) / 2) * 0.22
                predicted = r.predicted_images_per_s
                if predicted is not None:
                    ax.plot([r.images_per_s, predicted], [at, at], color=colour[dtype],
                            linewidth=1, alpha=0.6)
                    ax.plot([predicted], [at], marker="o", markerfacecolor="none",
                            color=colour[dtype], linestyle="none", markersize=5)
                ax.plot([r.images_per_s], [at], marker="o", color=colour[dtype],
                        linestyle="none", markersize=5)
                source = "" if r.source == "calc" else " (torchvision's model)"
                described.append(
                    f"{model}{source} {mode} {dtype} batch {r.batch}: "
                    f"{_num(r.images_per_s)} measured"
                    + (f", {_num(predicted)} predicted" if predicted is not None else ""))
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("images per second (log scale)")
        ax.set_title(mode, fontsize=10)
        ax.grid(True, axis="x")
    axes[0][0].set_yticks(range(len(models)), models)
    axes[0][0].set_ylim(-0.6, len(models) - 0.4)
    for d in dtypes:
        axes[0][-1].plot([], [], marker="o", color=colour[d], linestyle="none", label=d)
    axes[0][-1].plot([], [], marker="o", markerfacecolor="none", color=plot.INK,
                     linestyle="none", label="roofline")
    fig.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    alt = (f"Measured throughput against calc's roofline prediction, {run.label}. Filled dots: "
           "measured images per second; hollow dots: the roofline's; one line per network and "
           "dtype, at the largest batch measured and in the faster memory layout. "
           + "; ".join(described) + ".")
    title = f"Measured and predicted throughput, {run.device_label}"
    return Figure(plot.svg(fig, _slug(run), title, alt), alt,
                  f"Measured throughput (filled) and the roofline's (hollow) on {run.label}; "
                  "each network at its largest batch, in its faster layout (calc's model, or "
                  "torchvision's where calc's was not run).")


# --- The blocks ------------------------------------------------------------------------------

def _no_gpu_note(any_run: bool) -> Note:
    text = ("No GPU has run the benchmark yet: every measured time on this page comes from "
            "a CPU and is labelled as such. " if any_run else
            "No result yet: no run of scripts/benchmark.py has been committed under docs/data/, "
            "so this page shows no measured number. ")
    return Note("No GPU result yet", text + "On a machine with a CUDA GPU, this command "
                "measures the default networks and writes a result file under docs/data/; the "
                "next build of the site shows it here and in the architecture chapters.",
                GPU_COMMAND)


@table("benchmark-status")
def status():
    """The runs the site shows, and a note while no GPU has run."""
    found = runs()
    blocks = []
    if found:
        rows = tuple((r.kind_label, r.device_label, r.software_label, r.date, r.git or "",
                      len(r.results), "no" if r.complete is False else "yes",
                      _shown(r.path)) for r in found)
        blocks.append(Table(("kind", "device", "software", "date", "git", "configurations",
                             "complete", "file"), rows,
                            "Result files under docs/data/, one run each.",
                            tuple(f"{_shown(r.path)}: {r.command}" for r in found)))
    if not any(r.kind == "cuda" for r in found):
        blocks.append(_no_gpu_note(bool(found)))
    return tuple(blocks)


@table("benchmark-runs")
def all_runs():
    """Per run: its table of every configuration and its figure."""
    blocks = []
    for run in runs():
        blocks.append(run_table(run))
        drawn = run_figure(run)
        if drawn is not None:
            blocks.append(drawn)
    return tuple(blocks) or None


@table("benchmark-family")
def family(family: str = ""):
    """An architecture chapter's networks, per run; nothing where no run measured them.
    ``family`` is a key of :data:`FAMILIES`; empty: every network."""
    if family and family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}; got {family!r}")
    blocks = []
    for run in runs():
        chosen = [r for r in run.results if not family or FAMILIES[family].fullmatch(r.model)]
        if chosen:
            blocks.append(run_table(run, chosen, compact=True))
    return tuple(blocks) or None


def _sources(texts: list[str]) -> str:
    """Sources that share a beginning (one datasheet, one measuring command), that beginning
    written once: "sheet, column: FP32 67 TFLOPS | TF32 ... | ..."."""
    if len(texts) < 2:
        return "".join(texts)
    common = os.path.commonprefix(texts)
    cut = max(common.rfind(": "), common.rfind(", "))
    if cut < 0:
        return " | ".join(texts)
    return common[:cut + 2] + " | ".join(t[cut + 2:] for t in texts)


@table("benchmark-devices")
def devices():
    """calc.roofline's device table: peak dense compute per dtype and memory bandwidth, each
    with its source."""
    from calc import roofline

    def peak(device, dtype):
        figure = device.compute.get(dtype)
        if figure is None:
            return "none"
        if not figure.value > 0:
            return "not measured"
        return Cell(f"{figure.value / 1e12:,.4g}", figure.value)

    rows, notes = [], []
    for device in roofline.DEVICES.values():
        bandwidth = device.bandwidth.value
        rows.append((device.name, device.kind.upper())
                    + tuple(peak(device, d) for d in DTYPES)
                    + (Cell(_num(bandwidth / 1e9), bandwidth) if bandwidth > 0
                       else "not measured",))
        sources = list(dict.fromkeys(f.source for f in (*device.compute.values(),
                                                          device.bandwidth)))
        notes.append(f"{device.name}: {_sources(sources)}")
    return Table(("device", "kind") + tuple(f"{d} TFLOP/s" for d in DTYPES)
                 + ("bandwidth GB/s",), tuple(rows),
                 "The roofline's devices (calc.roofline.DEVICES): peak dense compute per dtype "
                 "and memory bandwidth.", tuple(notes))
