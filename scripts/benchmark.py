"""Time zoo networks in PyTorch, on a CUDA GPU or the CPU, beside calc's roofline prediction.

    python scripts/benchmark.py --device cpu|cuda [--models resnet18,dcgan_example_generator]
        [--sources calc,torchvision] [--batch-sizes 1,32,256] [--training-batch-sizes 32,256]
        [--dtypes float32,tf32,bfloat16] [--modes inference,training] [--channels-last off,on]
        [--compile] [--input 3x32x32] [--iterations 20] [--warmup 5] [--device-id h200]
        [--time-budget SECONDS] [--threads N] [--out docs/data] [--quiet]

Each network is built from calc's zoo by the torch bridge (``calc.torch_bridge.to_torch``),
and, where torchvision has a model of the same name, as torchvision builds it, to show that
the two run alike. Every configuration (network, source, memory format, dtype, mode, batch)
runs through the same code; only the clock differs by device:

* inference: ``model.eval()`` under ``torch.no_grad()``, one forward pass per iteration;
  throughput at every batch size, latency at batch 1;
* training: ``model.train()``, one step per iteration: forward, loss (cross-entropy against
  random labels for a classifier, mean squared error against a random image for a
  generator), backward and ``torch.optim.SGD(lr=1e-3, momentum=0.9)``'s step, gradients
  set to None between steps; torchvision's googlenet and inception_v3 run their auxiliary
  classifiers in training (their main output is the one the loss reads), calc's do not;
* dtypes: float32 (TF32 off: ``fp32_precision = "ieee"`` for matmul and cuDNN convolution),
  tf32 (on; CUDA only), bfloat16 and float16 (``torch.autocast``: float32 weights, the
  convolutions and matrix products in the low precision);
* memory format: NCHW, or channels_last (model and input ``to(memory_format=...)``);
* ``--compile``: the model through ``torch.compile`` (compilation happens in the warm-up).

Timing: ``--warmup`` untimed iterations (cuDNN's algorithm search, with
``cudnn.benchmark = True``, and compilation happen there), then ``--iterations`` timed ones,
each alone: CUDA events around it on a GPU (read after one synchronisation at the end), or
``time.perf_counter`` on the CPU. A result records every iteration's time, their median
and [min, max]; images per second = batch / median. Peak memory is
``torch.cuda.max_memory_allocated`` since the configuration began (weights, gradients,
optimizer state and activations); null on the CPU. ``predicted_ms`` is
``calc.roofline.predict`` for the ``--device-id`` device (guessed from the GPU's name, or
``cpu``), at the dtype, batch and mode; a configuration that fails (out of memory; batch
norm in training with one value per channel) is listed under ``skipped`` with PyTorch's
reason, never given a number.

The JSON file (``<device-id>-<UTC date>.json`` in ``--out``) is written after every
configuration, so a run that is stopped keeps what it measured (``complete`` is false until
the end, and stays false when ``--time-budget`` stopped it). Its format is
scripts/benchmark_schema.json; the run checks its own file against it. Progress goes to
stderr; the file's path is the one line on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))            # calc, when the script runs without an install
sys.path.insert(0, str(ROOT / "scripts"))

import calc  # noqa: E402
from calc import CalcError, roofline  # noqa: E402
from calc.models import get_model  # noqa: E402
from calc.torch_bridge import to_torch  # noqa: E402
from json_schema import check  # noqa: E402

SCHEMA = ROOT / "scripts" / "benchmark_schema.json"
DTYPES = ("float32", "tf32", "bfloat16", "float16")
MODES = ("inference", "training")
SOURCES = ("calc", "torchvision")
DEFAULT_MODELS = ("resnet18", "resnet50", "vgg16", "densenet121", "googlenet", "inception_v3",
                  "alexnet", "dcgan_example_generator")
OPTIMIZER = "SGD(lr=1e-3, momentum=0.9)"
LOSS = "cross_entropy(logits, random labels) for a classifier; mse_loss(output, random) otherwise"
# roofline device for a CUDA device name, first match wins
GPU_IDS = (("H200", "h200"), ("H100", "h100_sxm"), ("A100", "a100_80gb"), ("L4", "l4"))


@dataclass(frozen=True)
class Config:
    model: str
    source: str
    channels_last: bool
    dtype: str
    mode: str
    batch: int

    def record(self, compiled: bool) -> dict:
        return {"model": self.model, "source": self.source, "mode": self.mode,
                "batch": self.batch, "dtype": self.dtype, "channels_last": self.channels_last,
                "compiled": compiled}

    def label(self) -> str:
        return (f"{self.model} {self.source} {self.mode} b={self.batch} {self.dtype} "
                f"{'NHWC' if self.channels_last else 'NCHW'}")


# --- arguments ----------------------------------------------------------------------------

def _list(text: str, kind=str, choices=None) -> list:
    items = [t.strip() for t in text.split(",") if t.strip()]
    try:
        values = [kind(t) for t in items]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of {kind.__name__}: {text!r}") from None
    bad = [v for v in values if choices is not None and v not in choices]
    if bad or not values:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(map(str, choices))}"
                                         if bad else "the list is empty")
    return list(dict.fromkeys(values))


def _batches(text: str) -> list[int]:
    values = _list(text, int)
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"batch sizes must be >= 1: {text!r}")
    return values


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(t) for t in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"an input is CxHxW, e.g. 3x32x32: {text!r}") from None
    if len(shape) not in (1, 3) or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"an input is CxHxW, e.g. 3x32x32: {text!r}")
    return shape


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=("cpu", "cuda"), required=True)
    p.add_argument("--models", type=_list, default=list(DEFAULT_MODELS),
                   help=f"zoo names (default {','.join(DEFAULT_MODELS)})")
    p.add_argument("--sources", type=lambda t: _list(t, choices=SOURCES), default=list(SOURCES),
                   help="calc (the torch bridge) and/or torchvision (where it has the model)")
    p.add_argument("--batch-sizes", type=_batches, default=[1, 32, 256],
                   help="inference batch sizes (default 1,32,256)")
    p.add_argument("--training-batch-sizes", type=_batches, default=None,
                   help="training batch sizes (default: the batch sizes above 1)")
    p.add_argument("--dtypes", type=lambda t: _list(t, choices=DTYPES), default=None,
                   help="float32, tf32 (CUDA only), bfloat16, float16 (default float32,tf32,"
                        "bfloat16 on CUDA, float32,bfloat16 on the CPU)")
    p.add_argument("--modes", type=lambda t: _list(t, choices=MODES), default=list(MODES))
    p.add_argument("--channels-last", type=lambda t: _list(t, choices=("off", "on")),
                   default=["off", "on"], help="off, on or off,on (default)")
    p.add_argument("--compile", action="store_true", help="run the models through torch.compile")
    p.add_argument("--input", type=_shape, default=None,
                   help="per-sample input CxHxW for every model (default: each model's own)")
    p.add_argument("--iterations", type=int, default=20, help="timed iterations per config")
    p.add_argument("--warmup", type=int, default=5, help="untimed iterations first")
    p.add_argument("--device-id", default=None,
                   help=f"calc.roofline device for predicted_ms: {', '.join(roofline.DEVICES)} "
                        "(default: cpu, or from the GPU's name)")
    p.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                   help="start no configuration after this many seconds (the rest is skipped)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "data",
                   help="folder for the JSON file (default docs/data)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)
    if args.iterations < 1 or args.warmup < 0:
        p.error("--iterations must be >= 1 and --warmup >= 0")
    if args.dtypes is None:
        args.dtypes = ["float32", "tf32", "bfloat16"] if args.device == "cuda" else \
            ["float32", "bfloat16"]
    if args.device == "cpu" and "tf32" in args.dtypes:
        p.error("--dtypes: tf32 is a CUDA setting; the CPU has no TF32")
    if args.training_batch_sizes is None:
        args.training_batch_sizes = [b for b in args.batch_sizes if b > 1] or args.batch_sizes
    for name in args.models:
        try:
            get_model(name, **({"input_shape": args.input} if args.input else {}))
        except CalcError as err:
            p.error(f"--models {name}: {err}")
    if args.device_id is not None:
        try:
            roofline.get_device(args.device_id)
        except CalcError as err:
            p.error(f"--device-id: {err}")
    return args


# --- the machine ---------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _nvidia_smi(field: str) -> str | None:
    try:
        out = subprocess.run(["nvidia-smi", f"--query-gpu={field}", "--format=csv,noheader",
                              "-i", "0"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def device_info(torch, device: str) -> dict:
    info = {"type": device, "name": cpu_model(), "cores": os.cpu_count(),
            "threads": torch.get_num_threads(), "driver": None, "cuda": None, "cudnn": None,
            "memory_bytes": None, "sm_count": None, "capability": None}
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        info.update(name=props.name, driver=_nvidia_smi("driver_version"),
                    cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(),
                    memory_bytes=props.total_memory, sm_count=props.multi_processor_count,
                    capability=f"{props.major}.{props.minor}")
    return info


def guess_device_id(info: dict) -> str:
    if info["type"] == "cpu":
        return "cpu"
    for needle, device_id in GPU_IDS:
        if needle in info["name"]:
            return device_id
    raise SystemExit(f"benchmark.py: no roofline device for {info['name']!r}: pass --device-id "
                     f"(one of {', '.join(roofline.DEVICES)})")


def git_revision() -> str | None:
    """``git describe --always --dirty`` of the repository; else $BENCHMARK_GIT (a copy of the
    working tree without .git, as on a lent GPU machine, is told its revision that way)."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"],
                             cwd=ROOT, capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return os.environ.get("BENCHMARK_GIT") or None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- building and running ------------------------------------------------------------------

def torchvision_names() -> set[str]:
    try:
        import torchvision
    except ImportError:
        return set()
    return set(torchvision.models.list_models(module=torchvision.models))


def build(torch, name: str, source: str, network, device: str):
    if source == "calc":
        return to_torch(network, device=device)
    import torchvision
    kwargs = {"init_weights": True} if name in ("googlenet", "inception_v3") else {}
    return torchvision.models.get_model(name, weights=None, **kwargs).to(device)


def set_precision(torch, dtype: str) -> None:
    """TF32 on for ``tf32``, off otherwise (PyTorch's cuDNN convolutions default to TF32)."""
    if hasattr(torch.backends.cudnn, "conv"):            # torch >= 2.9
        mode = "tf32" if dtype == "tf32" else "ieee"
        torch.backends.cuda.matmul.fp32_precision = mode
        torch.backends.cudnn.conv.fp32_precision = mode
    else:
        torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
        torch.backends.cudnn.allow_tf32 = dtype == "tf32"


def autocast(torch, device: str, dtype: str):
    if dtype in ("bfloat16", "float16"):
        return torch.autocast(device_type=device, dtype=getattr(torch, dtype))
    return contextlib.nullcontext()


def main_output(out):
    """The logits of torchvision's GoogLeNetOutputs / InceptionOutputs; the tensor otherwise."""
    return out if hasattr(out, "shape") else out[0]


def make_step(torch, model, network, config: Config, device: str, input_shape):
    """One iteration of ``config`` as a function of no arguments."""
    from torch.nn import functional as F
    fmt = torch.channels_last if config.channels_last else torch.contiguous_format
    x = torch.randn(config.batch, *input_shape, device=device)
    if x.dim() == 4:
        x = x.contiguous(memory_format=fmt)
    if config.mode == "inference":
        model.eval()

        def step():
            with torch.no_grad(), autocast(torch, device, config.dtype):
                model(x)
        return step
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    shape = network.output_shape
    if len(shape) == 1:
        target = torch.randint(0, shape[0], (config.batch,), device=device)
        loss_fn = F.cross_entropy
    else:
        target = torch.randn(config.batch, *shape, device=device)
        loss_fn = F.mse_loss

    def step():
        optimizer.zero_grad(set_to_none=True)
        with autocast(torch, device, config.dtype):
            out = main_output(model(x))
        loss_fn(out.float(), target).backward()
        optimizer.step()
    return step


def timed(torch, step, device: str, warmup: int, iterations: int) -> list[float]:
    """Milliseconds of each of ``iterations`` calls of ``step``, after ``warmup`` calls."""
    for _ in range(warmup):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
        events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
                  for _ in range(iterations)]
        for start, end in events:
            start.record()
            step()
            end.record()
        torch.cuda.synchronize()
        return [start.elapsed_time(end) for start, end in events]
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append(1e3 * (time.perf_counter() - start))
    return times


def predicted(network, device_id: str, config: Config) -> dict:
    """predicted_ms, its compute/memory split and calc's FLOPs of the step; the prediction is
    None where the device has no peak at the dtype."""
    try:
        p = roofline.predict(network, device_id, config.dtype, config.batch, config.mode)
    except CalcError:
        flops = sum(w.flops for w in roofline.work(network, config.batch, config.mode))
        return {"prediction": None, "predicted_ms": None, "predicted_bound_ms": None,
                "flops": flops}
    bound = p.bound_seconds()
    return {"prediction": p, "predicted_ms": p.ms, "flops": p.flops,
            "predicted_bound_ms": {k: 1e3 * v for k, v in bound.items()}}


def measure(torch, model, network, config: Config, args, input_shape, device_id) -> dict:
    device = args.device
    set_precision(torch, config.dtype)
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    run = model
    if args.compile:
        torch._dynamo.reset()
        run = torch.compile(model, dynamic=False)
    try:
        step = make_step(torch, run, network, config, device, input_shape)
        times = timed(torch, step, device, args.warmup, args.iterations)
    finally:
        model.zero_grad(set_to_none=True)   # no gradients held into the next configuration
    peak = torch.cuda.max_memory_allocated() if device == "cuda" else None
    median = statistics.median(times)
    pred = predicted(network, device_id, config)
    prediction = pred.pop("prediction")
    return {**config.record(args.compile), "input_shape": list(input_shape),
            "median_ms": median, "spread_ms": [min(times), max(times)],
            "images_per_s": config.batch / (median / 1e3), "peak_memory_bytes": peak,
            **pred,
            "achieved_fraction": (prediction.achieved_fraction(median) if prediction else None),
            "iterations": args.iterations, "warmup": args.warmup, "times_ms": times}


def configs(args, have_torchvision: set[str]) -> list[Config]:
    out = []
    for model in args.models:
        for source in args.sources:
            if source == "torchvision" and model not in have_torchvision:
                continue
            for layout in args.channels_last:
                for dtype in args.dtypes:
                    for mode in args.modes:
                        batches = args.batch_sizes if mode == "inference" else \
                            args.training_batch_sizes
                        out += [Config(model, source, layout == "on", dtype, mode, b)
                                for b in batches]
    return out


def _reason(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:300] if text else ''}"


def write(document: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=1) + "\n")
    os.replace(tmp, path)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    started = time.monotonic()
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr,
                                                                     flush=True))
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("benchmark.py: --device cuda, but torch sees no CUDA device")
        torch.backends.cudnn.benchmark = True
    info = device_info(torch, args.device)
    device_id = args.device_id or guess_device_id(info)
    rdev = roofline.get_device(device_id)
    try:
        import torchvision
        tv_version = torchvision.__version__
    except ImportError:
        tv_version = None
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{device_id}-{now:%Y%m%dT%H%M%SZ}.json"
    for n in range(2, 100):           # two runs started in one second keep both files
        if not path.exists():
            break
        path = args.out / f"{device_id}-{now:%Y%m%dT%H%M%SZ}-{n}.json"
    document = {
        "schema_version": 1, "device": info,
        "software": {"torch": torch.__version__, "torchvision": tv_version,
                     "python": platform.python_version(), "calc": calc.__version__},
        "date": now.isoformat().replace("+00:00", "Z"), "git": git_revision(),
        "command": "python " + shlex.join(sys.argv if argv is None else
                                          ["scripts/benchmark.py", *argv]),
        "load_average": None,
        "settings": {"warmup": args.warmup, "iterations": args.iterations,
                     "threads": torch.get_num_threads(),
                     "cudnn_benchmark": True if args.device == "cuda" else None,
                     "compile": args.compile, "optimizer": OPTIMIZER, "loss": LOSS,
                     "timer": "CUDA events" if args.device == "cuda" else "time.perf_counter",
                     "time_budget_s": args.time_budget},
        "prediction": {"device_id": rdev.id, "name": rdev.name,
                       "compute": {k: f._asdict() for k, f in rdev.compute.items()},
                       "bandwidth": rdev.bandwidth._asdict()},
        "complete": False, "elapsed_s": 0.0, "results": [], "skipped": []}
    start_load = load_average()

    def save():
        end_load = load_average()
        document["load_average"] = ({"start": start_load, "end": end_load}
                                    if start_load and end_load else None)
        document["elapsed_s"] = round(time.monotonic() - started, 1)
        write(document, path)

    todo = configs(args, torchvision_names() if "torchvision" in args.sources else set())
    say(f"{len(todo)} configurations on {info['name']} ({args.device}), predictions for "
        f"{device_id}; writing {path}")
    built = {}                     # (model, source, channels_last) -> torch module
    stopped = False
    for index, config in enumerate(todo, 1):
        record = config.record(args.compile)
        if args.time_budget is not None and time.monotonic() - started > args.time_budget:
            stopped = True
            document["skipped"].append({**record, "reason": "time budget"})
            continue
        network = get_model(config.model, **({"input_shape": args.input} if args.input else {}))
        key = (config.model, config.source, config.channels_last)
        if key not in built:
            built.clear()          # one model on the device at a time
            if args.device == "cuda":
                torch.cuda.empty_cache()
            model = build(torch, config.model, config.source, network, args.device)
            if config.channels_last:
                model = model.to(memory_format=torch.channels_last)
            built[key] = model
        say(f"[{index:>3}/{len(todo)}] {config.label()} ...")
        try:
            result = measure(torch, built[key], network, config, args, network.input_shape,
                             device_id)
        except (RuntimeError, ValueError) as err:   # out of memory; batch norm of one value
            document["skipped"].append({**record, "reason": _reason(err)})
            say(f"          skipped: {_reason(err)}")
            save()
            continue
        document["results"].append(result)
        pred = "-" if result["predicted_ms"] is None else f"{result['predicted_ms']:.3f} ms"
        say(f"          {result['median_ms']:.3f} ms [{result['spread_ms'][0]:.3f}, "
            f"{result['spread_ms'][1]:.3f}]  {result['images_per_s']:.1f} img/s  "
            f"predicted {pred}")
        save()
    document["complete"] = not stopped
    save()
    errors = check(json.loads(path.read_text()), json.loads(SCHEMA.read_text()))
    if errors:
        raise SystemExit("benchmark.py wrote a file its schema refuses:\n" + "\n".join(errors))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
