"""Benchmark results baked into the pages (scripts/chapters/benchmarks.py).

A fixture run (one GPU file, one CPU file, shaped as scripts/benchmark.py writes them) is read,
shown and labelled; a malformed file stops everything with the file and the field; with no
GPU file the page says so and shows the command. The build tests bake the fixture into a tiny
site through the real hook, and check that the real site shows every committed result file.
"""

import copy
import json
import textwrap
from pathlib import Path

import pytest
from chapter_pages import chapter_module

from calc.models import get_model
from calc.summary import summarize
from conftest import ROOT, mkdocs_build

benchmarks = chapter_module("benchmarks")
import chapters  # noqa: E402  (after chapter_module: it skips without matplotlib)

HOOKS = ROOT / "scripts" / "hooks"


def result(model, mode, batch, dtype, median_ms, predicted_ms, peak, *, source="calc",
           channels_last=False, input_shape=(3, 224, 224)):
    return {"model": model, "source": source, "mode": mode, "batch": batch, "dtype": dtype,
            "channels_last": channels_last, "compiled": False, "input_shape": list(input_shape),
            "median_ms": median_ms, "spread_ms": [median_ms * 0.9, median_ms * 1.2],
            "images_per_s": batch * 1e3 / median_ms, "peak_memory_bytes": peak,
            "predicted_ms": predicted_ms, "predicted_bound_ms": None, "flops": 1,
            "achieved_fraction": None, "iterations": 7, "warmup": 2,
            "times_ms": [median_ms] * 7}


GPU = {
    "schema_version": 1,
    "device": {"type": "cuda", "name": "Fixture GPU X1", "cores": 16, "threads": 16,
               "driver": "999.1", "cuda": "13.0", "cudnn": 91000, "memory_bytes": 8 << 30,
               "sm_count": 77, "capability": "9.0"},
    "software": {"torch": "9.9.9-fixture", "torchvision": "0.99.0", "python": "3.11.9",
                 "calc": "0.1"},
    "date": "2031-01-02T03:04:05Z", "git": "0123456789abcdef0123", "load_average": None,
    "command": "python scripts/benchmark.py --device cuda --out docs/data",
    "settings": {}, "complete": True, "elapsed_s": 1.0,
    "prediction": {"device_id": "h200", "name": "NVIDIA H200 SXM", "compute": {},
                   "bandwidth": {"value": 1.0, "source": "fixture"}},
    "results": [
        result("resnet50", "inference", 64, "float32", 40.0, 10.0, 3_000_000_000),
        result("resnet50", "training", 64, "bfloat16", 90.0, 45.0, 9_000_000_000,
               channels_last=True),
        result("resnet50", "training", 64, "bfloat16", 120.0, 45.0, 9_500_000_000),
        result("resnet50", "training", 64, "float32", 150.0, 60.0, 11_000_000_000,
               source="torchvision"),
        result("dcgan_example_generator", "inference", 16, "float32", 2.5, 0.5, 100_000_000,
               input_shape=(100, 1, 1)),
    ],
    "skipped": [{"model": "vgg16", "source": "calc", "mode": "training", "batch": 64,
                 "dtype": "float32", "channels_last": False, "compiled": False,
                 "reason": "CUDA out of memory (fixture)"}],
}

CPU = copy.deepcopy(GPU) | {
    "device": {"type": "cpu", "name": "Fixture CPU 7", "cores": 2, "threads": 2,
               "driver": None, "cuda": None, "cudnn": None, "memory_bytes": None,
               "sm_count": None, "capability": None},
    "date": "2031-01-01T00:00:00Z", "skipped": [],
    "command": "python scripts/benchmark.py --device cpu --input 3x32x32",
    "results": [result("resnet50", "inference", 2, "float32", 50.0, 20.0, None,
                       input_shape=(3, 32, 32))],
}


def write(folder: Path, **files) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, doc in files.items():
        text = doc if isinstance(doc, str) else json.dumps(doc)
        (data / f"{name}.json").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def docs(tmp_path, monkeypatch):
    """A docs folder of the test's own; the benchmark blocks read its data/."""
    monkeypatch.setattr(chapters, "DOCS_DIR", tmp_path)
    return tmp_path


def flat(made) -> list:
    return [] if made is None else list(made) if isinstance(made, tuple) else [made]


def texts(table) -> list[list[str]]:
    return [[getattr(c, "text", str(c)) for c in row] for row in table.rows]


# --- reading and showing a run ---------------------------------------------------------------

def test_each_run_is_a_table_and_a_figure_labelled_with_device_and_software(docs):
    write(docs, gpu=GPU, cpu=CPU)
    blocks = flat(benchmarks.all_runs())
    assert [type(b).__name__ for b in blocks] == ["Table", "Figure", "Table", "Figure"]
    gpu, gpu_figure, cpu, cpu_figure = blocks
    for made, label in ((gpu, "GPU: Fixture GPU X1 (CUDA 13.0, driver 999.1"),
                        (cpu, "CPU: Fixture CPU 7 (2 cores"),
                        (gpu_figure, "GPU: Fixture GPU X1"), (cpu_figure, "CPU: Fixture CPU 7")):
        words = made.caption + getattr(made, "alt", "")
        assert label in words and "torch 9.9.9-fixture, torchvision 0.99.0, Python 3.11.9" in words
    assert len(gpu.rows) == len(GPU["results"]) and len(cpu.rows) == 1
    assert any("vgg16" in n and "CUDA out of memory (fixture)" in n for n in gpu.notes)
    assert any(GPU["command"] in n for n in gpu.notes)


def test_a_row_sets_measured_beside_predicted(docs):
    write(docs, gpu=GPU, cpu=CPU)
    gpu, _, cpu, _ = flat(benchmarks.all_runs())
    header = list(gpu.header)
    row = dict(zip(header, gpu.rows[[r[0] for r in gpu.rows].index("resnet50")]))
    assert (row["mode"], row["dtype"], row["batch"]) == ("inference", "float32", 64)
    assert row["measured ms"].sort == 40.0 and row["roofline ms"].sort == 10.0
    assert row["of roofline"].text == "25%"                 # predicted / measured
    assert row["images/s"].sort == pytest.approx(1600)
    assert row["peak memory"].sort == 3_000_000_000
    m = summarize(get_model("resnet50")).memory(64, "float32")
    assert row["calc memory"].sort == m.weights + m.buffers + m.inference_peak
    cpu_row = dict(zip(cpu.header, cpu.rows[0]))
    assert cpu_row["peak memory"] == "not measured on the CPU"
    small = summarize(get_model("resnet50", input_shape=(3, 32, 32))).memory(2, "float32")
    assert cpu_row["calc memory"].sort == small.weights + small.buffers + small.inference_peak


def test_calc_memory_in_training_is_weights_and_saved_tensors_at_the_activations_dtype(docs):
    write(docs, gpu=GPU)
    r = next(r for r in benchmarks.runs()[0].results
             if r.mode == "training" and r.dtype == "bfloat16")
    s = summarize(get_model("resnet50"))
    weights = s.memory(64, "float32")
    assert benchmarks.predicted_memory(r) == (weights.weights + weights.buffers
                                              + s.memory(64, "bfloat16").training_saved)


@pytest.mark.parametrize("model, shape", [("inception_v3", (3, 299, 299)),
                                          ("googlenet", (3, 224, 224))])
def test_memory_counts_the_auxiliary_classifiers_that_ran(model, shape):
    """The torch bridge runs no auxiliary head; torchvision's googlenet and inception_v3,
    built without weights, run theirs in training."""
    calc = benchmarks._network(model, shape, "calc")
    torchvision = benchmarks._network(model, shape, "torchvision")
    assert len(calc.nodes) == len(calc.inference_nodes) < len(torchvision.nodes)


def test_status_lists_the_runs_and_needs_no_note_once_a_gpu_ran(docs):
    write(docs, gpu=GPU, cpu=CPU)
    blocks = flat(benchmarks.status())
    assert [type(b).__name__ for b in blocks] == ["Table"]
    assert [r[0] for r in blocks[0].rows] == ["GPU", "CPU"]


@pytest.mark.parametrize("files", [{}, {"cpu": CPU}], ids=["no-file", "cpu-only"])
def test_without_a_gpu_result_the_page_says_so_with_the_command(docs, files):
    write(docs, **files)
    blocks = flat(benchmarks.status())
    note = blocks[-1]
    assert isinstance(note, chapters.Note) and note.title == "No GPU result yet"
    assert note.code == benchmarks.GPU_COMMAND == \
        "python scripts/benchmark.py --device cuda --out docs/data"
    assert ("comes from a CPU" in note.text) == bool(files)
    if not files:
        assert benchmarks.all_runs() is None
        assert all(benchmarks.family(f) is None for f in benchmarks.FAMILIES)


def test_a_missing_data_folder_is_no_result(docs):
    assert benchmarks.runs() == ()


def test_a_chapter_shows_its_own_networks_and_nothing_without_them(docs):
    write(docs, gpu=GPU, cpu=CPU)
    resnets = flat(benchmarks.family("resnets"))
    assert len(resnets) == 2 and all(isinstance(t, chapters.Table) for t in resnets)
    gpu = texts(resnets[0])
    assert {r[0] for r in gpu} == {"resnet50", "resnet50 (torchvision)"}
    # the faster layout of calc's model only: channels_last's 90 ms, not NCHW's 120 ms
    bf16 = [r for r in gpu if r[1] == "training" and r[3] == "bfloat16"]
    assert len(bf16) == 1 and bf16[0][4] == "channels_last" and bf16[0][5] == "90"
    assert "Fixture GPU X1" in resnets[0].caption and "torch 9.9.9-fixture" in resnets[0].caption
    assert [r[0] for r in texts(flat(benchmarks.family("gan"))[0])] == \
        ["dcgan_example_generator"]
    assert benchmarks.family("densenet") is None
    with pytest.raises(ValueError, match="family must be one of"):
        benchmarks.family("mobilenets")


def test_every_family_is_placed_in_its_chapter():
    """Each architecture chapter has its family's fence, and each fence names a family."""
    for name, pattern in benchmarks.FAMILIES.items():
        page = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        assert f"```table\nid: benchmark-family\nfamily: {name}\n```" in page, name
    for model in ("alexnet", "vgg16_bn", "googlenet", "inception_v3", "resnet50",
                  "resnext50_32x4d", "resnet1202", "preact_resnet164", "wide_resnet50_2",
                  "wrn_28_10", "densenet121", "densenet_bc_100_12", "dcgan_paper_generator"):
        assert sum(bool(p.fullmatch(model)) for p in benchmarks.FAMILIES.values()) == 1, model


def test_the_figure_is_accessible_svg_in_the_text_colour(docs):
    import xml.etree.ElementTree as ET

    write(docs, gpu=GPU)
    made = benchmarks.run_figure(benchmarks.runs()[0])
    svg = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(made.svg)
    assert root.get("role") == "img" and root.find(f"{svg}desc").text == made.alt
    assert "currentColor" in made.svg and "width=" not in made.svg.split(">", 1)[0]
    assert "resnet50 training bfloat16 batch 64: 711 measured, 1,422 predicted" in made.alt


# --- malformed files ----------------------------------------------------------------------------

def broken(path: str, value):
    """GPU with the field at ``path`` ("results.0.median_ms") set to ``value`` (or removed
    when ``value`` is ``...``)."""
    doc = copy.deepcopy(GPU)
    *parents, last = path.split(".")
    target = doc
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize("doc, message", [
    (broken("results.0.median_ms", ...), "results[0].median_ms must be a number > 0, missing"),
    (broken("results.1.median_ms", "fast"),
     'results[1].median_ms must be a number > 0, got "fast"'),
    (broken("results.0.spread_ms", [3, 1]), "results[0].spread_ms must be [min, max]"),
    (broken("results.0.batch", 0), "results[0].batch must be a whole number >= 1, got 0"),
    (broken("results.0.dtype", "int4"), "results[0].dtype must be one of float32, tf32"),
    (broken("results.0.channels_last", "yes"), "results[0].channels_last must be true or false"),
    (broken("results.0.peak_memory_bytes", -1), "results[0].peak_memory_bytes must be"),
    (broken("results.0.model", "resnet9000"), "results[0].model 'resnet9000'"),
    (broken("results.0.input_shape", [3]), "is not a network calc can build"),
    (broken("device.name", ...), "device.name must be a string, missing"),
    (broken("device.type", "tpu"), "device.type must be one of cuda, cpu"),
    (broken("software.torch", 2), "software.torch must be a string, got 2"),
    (broken("results", {}), "results must be a list"),
    (broken("date", ...), "date must be a string, missing"),
    ("{not json", "not a readable JSON file"),
    ([1, 2], "the top level must be an object"),
])
def test_a_malformed_file_names_the_file_and_the_field(docs, doc, message):
    write(docs, cpu=CPU, bad=doc if isinstance(doc, str) else json.dumps(doc))
    with pytest.raises(benchmarks.ResultFileError) as failure:
        benchmarks.runs()
    assert f"{docs / 'data' / 'bad.json'}: " in str(failure.value)
    assert message in str(failure.value)


def test_a_file_in_the_project_is_named_from_its_root():
    missing = ROOT / "docs" / "data" / "no-such-file.json"
    with pytest.raises(benchmarks.ResultFileError, match=r"^docs/data/no-such-file\.json: "):
        benchmarks.read_run(missing)


# --- the build ----------------------------------------------------------------------------------

PAGE = """
    # Benchmarks

    ```table
    id: benchmark-status
    ```

    ```table
    id: benchmark-runs
    ```
"""
CHAPTER = """
    # ResNets

    Text.

    ```table
    id: benchmark-family
    family: resnets
    ```
"""


def tiny_site(folder: Path) -> Path:
    """A site with the chapter block hook only, its docs/ holding the pages; its mkdocs.yml."""
    docs = folder / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(textwrap.dedent(PAGE).lstrip())
    (docs / "resnets.md").write_text(textwrap.dedent(CHAPTER).lstrip())
    (docs / "densenet.md").write_text(textwrap.dedent(CHAPTER).replace("resnets", "densenet"))
    config = folder / "mkdocs.yml"
    config.write_text(textwrap.dedent(f"""
        site_name: tiny
        theme: mkdocs
        hooks:
          - {HOOKS / 'chapter_blocks.py'}
        markdown_extensions:
          - pymdownx.superfences
    """))
    return config


@pytest.mark.build
def test_the_hook_bakes_a_result_file_into_the_pages(tmp_path):
    config = tiny_site(tmp_path)
    write(tmp_path / "docs", gpu=GPU, cpu=CPU)
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode == 0, log.output
    page = (tmp_path / "site" / "index.html").read_text()
    assert "GPU: Fixture GPU X1 (CUDA 13.0, driver 999.1" in page
    assert "CPU: Fixture CPU 7" in page and "not measured on the CPU" in page
    assert page.count('<figure class="calc-chart"') == 2 and "No GPU result yet" not in page
    assert "torch 9.9.9-fixture, torchvision 0.99.0, Python 3.11.9" in page
    chapter = (tmp_path / "site" / "resnets" / "index.html").read_text()
    assert "Measured speed of this chapter&#x27;s networks on GPU: Fixture GPU X1" in chapter
    densenet = (tmp_path / "site" / "densenet" / "index.html").read_text()
    assert "Measured" not in densenet and "calc-chapter-table" not in densenet


@pytest.mark.build
def test_without_result_files_the_pages_build_and_say_so(tmp_path):
    config = tiny_site(tmp_path)
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode == 0, log.output
    page = (tmp_path / "site" / "index.html").read_text()
    assert "No GPU result yet" in page and benchmarks.GPU_COMMAND in page
    assert "calc-chapter-table" not in (tmp_path / "site" / "resnets" / "index.html").read_text()


@pytest.mark.build
def test_a_malformed_result_file_fails_the_build_naming_it(tmp_path):
    config = tiny_site(tmp_path)
    write(tmp_path / "docs", gpu=broken("results.2.images_per_s", None))
    log = mkdocs_build(config, tmp_path / "site")
    assert log.returncode != 0
    assert "index.md:3: table fence: " in log.output
    assert "gpu.json: results[2].images_per_s must be a number > 0, got null" in log.output


@pytest.mark.build
def test_the_site_shows_every_committed_result_file(built_site):
    page = (built_site.path / "benchmarks" / "index.html").read_text()
    found = benchmarks.runs(ROOT / "docs" / "data")
    for run in found:
        assert run.device["name"] in page and run.software["torch"] in page, run.path
        assert page.count(f"Measured on {run.kind_label}: {run.device['name']}") >= 1
    assert ("No GPU result yet" in page) == (not any(r.kind == "cuda" for r in found))
    assert benchmarks.GPU_COMMAND in page or any(r.kind == "cuda" for r in found)
