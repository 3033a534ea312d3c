"""scripts/benchmark.py: its arguments, the schema checker, and (torch tier) one real run on
the CPU over a tiny subset, its file checked against scripts/benchmark_schema.json."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

import benchmark
import benchmark_summary
from json_schema import check

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "scripts" / "benchmark_schema.json").read_text())


def result(**changes):
    r = {"model": "resnet18", "source": "calc", "mode": "inference", "batch": 1,
         "dtype": "float32", "channels_last": False, "compiled": False,
         "input_shape": [3, 32, 32], "median_ms": 2.0, "spread_ms": [1.5, 3.0],
         "images_per_s": 500.0, "peak_memory_bytes": None, "predicted_ms": 0.5,
         "predicted_bound_ms": {"compute": 0.2, "memory": 0.3}, "flops": 1000,
         "achieved_fraction": 0.01, "iterations": 2, "warmup": 1, "times_ms": [1.5, 3.0]}
    return {**r, **changes}


def document(**changes):
    figure = {"value": 1.0, "source": "test"}
    d = {"schema_version": 1,
         "device": {"type": "cpu", "name": "a CPU", "cores": 2, "threads": 2, "driver": None,
                    "cuda": None, "cudnn": None, "memory_bytes": None, "sm_count": None,
                    "capability": None},
         "software": {"torch": "2", "torchvision": None, "python": "3.11", "calc": "0.1.0"},
         "date": "2025-01-02T03:04:05Z", "git": "abc", "command": "python x",
         "load_average": {"start": [1.0, 1.0, 1.0], "end": [1.0, 1.0, 1.0]},
         "settings": {"warmup": 1, "iterations": 2, "threads": 2, "cudnn_benchmark": None,
                      "compile": False, "optimizer": "SGD", "loss": "ce", "timer": "perf_counter",
                      "time_budget_s": None},
         "prediction": {"device_id": "cpu", "name": "cpu", "compute": {"float32": figure},
                        "bandwidth": figure},
         "complete": True, "elapsed_s": 1.0, "results": [result()],
         "skipped": [{"model": "resnet18", "source": "torchvision", "mode": "training",
                      "batch": 1, "dtype": "float32", "channels_last": False,
                      "compiled": False, "reason": "ValueError: ..."}]}
    return {**d, **changes}


# --- the schema checker ----------------------------------------------------------------

def test_a_valid_document_passes():
    assert check(document(), SCHEMA) == []


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("git"), "'git' is required"),
    (lambda d: d.update(extra=1), "'extra' is not allowed"),
    (lambda d: d.update(date="yesterday"), "$.date: must match"),
    (lambda d: d["device"].update(type="tpu"), "$.device.type: must be one of"),
    (lambda d: d["device"].update(cores=True), "$.device.cores: must be integer or null"),
    (lambda d: d["load_average"].update(start=[1.0, 2.0]), "needs at least 3 items"),
    (lambda d: d["results"][0].update(median_ms=0), "$.results[0].median_ms: must be > 0"),
    (lambda d: d["results"][0].update(batch=1.0), "$.results[0].batch: must be integer"),
    (lambda d: d["results"][0].update(spread_ms=[1.0]), "needs at least 2 items"),
    (lambda d: d["results"][0].pop("predicted_ms"), "'predicted_ms' is required"),
    (lambda d: d["results"][0].update(source="timm"), "$.results[0].source: must be one of"),
    (lambda d: d["prediction"]["compute"].update(float32={"value": 1}), "'source' is required"),
    (lambda d: d.update(schema_version=2), "$.schema_version: must be 1"),
    (lambda d: d["skipped"][0].pop("reason"), "$.skipped[0]: 'reason' is required"),
])
def test_the_checker_finds_each_fault(change, message):
    doc = copy.deepcopy(document())
    change(doc)
    errors = check(doc, SCHEMA)
    assert any(message in e for e in errors), errors


def test_the_checker_refuses_keywords_it_does_not_check():
    with pytest.raises(ValueError, match="oneOf"):
        check(1, {"oneOf": [{"type": "integer"}]})


# --- arguments -------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["--device", "cpu", "--dtypes", "tf32"], "tf32 is a CUDA setting"),
    (["--device", "cpu", "--models", "resnet5"], "--models resnet5"),
    (["--device", "cpu", "--device-id", "tpu"], "--device-id: device must be one of"),
    (["--device", "cpu", "--batch-sizes", "0"], "batch sizes must be >= 1"),
    (["--device", "cpu", "--input", "3x32"], "CxHxW"),
    (["--device", "gpu"], "invalid choice"),
])
def test_bad_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        benchmark.parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_defaults_by_device():
    cpu = benchmark.parse_args(["--device", "cpu", "--batch-sizes", "1,8"])
    assert cpu.dtypes == ["float32", "bfloat16"] and cpu.training_batch_sizes == [8]
    cuda = benchmark.parse_args(["--device", "cuda"])
    assert cuda.dtypes == ["float32", "tf32", "bfloat16"]
    assert cuda.batch_sizes == [1, 32, 256] and cuda.training_batch_sizes == [32, 256]


def test_gpu_names_map_to_roofline_devices():
    for name, expected in [("NVIDIA H200", "h200"), ("NVIDIA H100 80GB HBM3", "h100_sxm"),
                           ("NVIDIA A100-SXM4-80GB", "a100_80gb"), ("NVIDIA L4", "l4")]:
        assert benchmark.guess_device_id({"type": "cuda", "name": name}) == expected
    assert benchmark.guess_device_id({"type": "cpu", "name": "any"}) == "cpu"
    with pytest.raises(SystemExit, match="--device-id"):
        benchmark.guess_device_id({"type": "cuda", "name": "Tesla T4"})


# --- one real run (torch tier) ---------------------------------------------------------

@pytest.mark.torch
def test_a_tiny_cpu_run_writes_a_valid_file(torch, tmp_path):
    pytest.importorskip("torchvision")
    command = [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--device", "cpu",
               "--models", "resnet18", "--input", "3x32x32", "--batch-sizes", "1,2",
               "--training-batch-sizes", "1,2", "--dtypes", "float32", "--channels-last", "off",
               "--iterations", "2", "--warmup", "1", "--out", str(tmp_path)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    files = list(tmp_path.glob("*.json"))
    assert [str(f) for f in files] == [proc.stdout.strip()]
    assert files[0].name.startswith("cpu-")
    doc = json.loads(files[0].read_text())
    assert check(doc, SCHEMA) == []
    assert doc["complete"] and doc["device"]["type"] == "cpu"
    assert "[" in proc.stderr and "img/s" in proc.stderr          # the progress display
    # calc's bridge and torchvision's resnet18: inference at 1 and 2, training at 2; training
    # at batch 1 leaves layer4's batch norms one value per channel, which PyTorch refuses
    done = {(r["source"], r["mode"], r["batch"]) for r in doc["results"]}
    assert done == {(s, m, b) for s in ("calc", "torchvision")
                    for m, b in (("inference", 1), ("inference", 2), ("training", 2))}
    assert {(s["source"], s["mode"], s["batch"]) for s in doc["skipped"]} == {
        ("calc", "training", 1), ("torchvision", "training", 1)}
    assert all("per channel" in s["reason"] for s in doc["skipped"])
    for r in doc["results"]:
        assert r["predicted_ms"] > 0 and r["input_shape"] == [3, 32, 32]
        assert r["peak_memory_bytes"] is None and len(r["times_ms"]) == 2
        assert r["spread_ms"] == [min(r["times_ms"]), max(r["times_ms"])]
        assert r["images_per_s"] == pytest.approx(r["batch"] * 1e3 / r["median_ms"])
    assert doc["prediction"]["device_id"] == "cpu"
    table = benchmark_summary.rows(doc)
    assert len(table) == 2 + 6 + 2 and table[2].startswith("resnet18 ")
