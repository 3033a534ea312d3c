"""The CLI: readable tables, JSON, and clean errors with exit status 2 (never a traceback)."""

import contextlib
import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from calc import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_arithmetic_commands(capsys):
    assert run(capsys, "conv", "227", "-k", "11", "-s", "4") == (0, "55\n", "")
    assert run(capsys, "pool", "112", "-k", "3", "-s", "2", "--ceil-mode")[1] == "56\n"
    assert run(capsys, "conv", "224x192", "-k", "7x1", "-s", "2", "-p", "3x0")[1] == "112x96\n"
    assert run(capsys, "conv-transpose", "4", "-k", "4", "-s", "2", "-p", "1")[1] == "8\n"
    code, out, _ = run(capsys, "padding", "224", "112", "-k", "7", "-s", "2", "--json")
    assert json.loads(out) == {"padding": [3], "tf_same": {"output": 112, "before": 2, "after": 3}}
    code, out, _ = run(capsys, "solve", "4", "8", "--transpose", "--max-kernel-size", "4",
                       "--max-stride", "2", "--max-padding", "1", "--json")
    assert [(c["kernel_size"], c["stride"], c["padding"], c["output_padding"])
            for c in json.loads(out)] == [(1, 2, 0, 1), (2, 2, 0, 0), (3, 2, 1, 1), (4, 2, 1, 0)]


@pytest.mark.parametrize("argv, message", [
    (["conv", "0", "-k", "3"], "size must be >= 1, got 0"),
    (["conv", "10", "-k", "3", "-s", "0"], "stride must be >= 1, got 0"),
    (["conv", "abc", "-k", "3"], "size must be N or HxW"),
    (["conv", "5", "-k", "7"], "kernel_size (7) must be <= padded input size"),
    (["conv", "1000000000", "-k", "3"], "size must be <= "),
    (["conv-transpose", "4", "-k", "4", "-s", "2", "--output-padding", "2"], "output_padding"),
    (["summary", "resnet9999x"], "model must be a known name"),
    (["summary", "<img src=x>"], "model must be a known name"),
    (["summary", "resnet50", "--input", "3x2"], "--input must be N or CxHxW"),
    (["summary", "resnet50", "--dtype", "float13"], "dtype must be one of"),
])
def test_errors_exit_2_with_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_module_entry_point_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "calc", "conv", "-5", "-k", "3"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: size must be >= 1, got -5"


# --- hostile input: every command ends with 0 or 2 and a one-line message, never a traceback ---

def test_pool_stride_defaults_to_the_kernel(capsys):
    assert run(capsys, "pool", "112", "-k", "3") == (0, "37\n", run(capsys, "pool", "112", "-k",
                                                                     "3", "-s", "3")[2])
    assert run(capsys, "pool", "8", "-k", "2")[:2] == (0, "4\n")


@pytest.mark.parametrize("number", ["+-3", "\u00b2", "\uff13", "1" * 5000, "3.0", "0x10", " ", "",
                                    "1e3", "\u0663"])
def test_numbers_follow_one_ascii_rule(capsys, number):
    for argv in (["conv", number, "-k", "3"], ["conv", "32", "-k", number],
                 ["summary", "resnet18", "--num-classes", number],
                 ["summary", "resnet18", "--batch", number],
                 ["solve", "8", "4", "--max-stride", number],
                 ["summary", "resnet", "--set", f"groups={number}"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "", argv
        assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)


def test_conv_prints_the_pages_warnings(capsys):
    code, out, err = run(capsys, "conv", "224", "-k", "11", "-s", "4")
    assert (code, out) == (0, "54\n")
    assert err.startswith("warning: Never read: the last 1 row and column of the input.")
    code, out, err = run(capsys, "conv-transpose", "4", "-k", "3", "-s", "2", "-p", "1", "--json")
    result = json.loads(out)
    assert result["output"] == 7 and "Uneven overlap" in result["warnings"][0] and err == ""
    code, out, err = run(capsys, "pool", "5", "-k", "2", "-s", "2", "--ceil-mode")
    assert out == "3\n" and "hangs 1 row and column past the padded input" in err


def test_absurd_requests_are_bounded(capsys):
    code, out, err = run(capsys, "padding", "1", "1", "-k", "1", "-s", "1048576")
    assert code == 0 and len(out) < 200 and "0 to 524287 (524288 values)" in out
    code, out, err = run(capsys, "padding", "1", "1", "-k", "1", "-s", "1048576", "--json")
    assert code == 2 and "524288 paddings match" in err
    code, out, err = run(capsys, "solve", "1", "1", "--max-kernel-size", "64", "--max-stride",
                         "64", "--max-padding", "64")
    assert code == 0 and out.count("\n") == 1 + 1000 + 1 and "more not shown" in out


def test_family_knobs_from_the_command_line(capsys):
    code, out, err = run(capsys, "summary", "resnet", "--set", "block=bottleneck", "--set",
                         "layers=2,3,4,2", "--input", "3x160x160", "--json")
    s = json.loads(out)
    assert code == 0 and s["input"] == [3, 160, 160] and s["name"] == "resnet"
    assert sum(1 for r in s["layers"] if r["name"].endswith(".conv3")) == 2 + 3 + 4 + 2
    for argv, message in [
            (["summary", "resnet", "--set", "block=plain"], "block must be one of basic"),
            (["summary", "resnet", "--set", "layers=3,-4,6,3"], "layers[1] must be >= 1"),
            (["summary", "resnet", "--set", "foo=1"], "resnet has no argument 'foo'"),
            (["summary", "resnet", "--set", "layers"], "--set must be NAME=VALUE"),
            (["summary", "resnet50", "--set", "layers=2,2,2,2"], "layers is 3,4,6,3 in this model"),
            (["summary", "densenet", "--set", "growth_rate=0"], "growth_rate must be >= 1"),
            (["summary", "vgg", "--set", "cfg=F"], "cfg must be one of"),
            (["summary", "cifar_densenet", "--set", "compression=1.5"], "compression must be")]:
        code, out, err = run(capsys, *argv)
        assert code == 2 and message in err, (argv, err)


def test_closed_pipe_and_full_disk_end_quietly():
    calc = [sys.executable, "-m", "calc"]
    proc = subprocess.run(" ".join(calc + ["models"]) + " | head -1", shell=True,
                          capture_output=True, text=True)
    assert proc.stdout == "Models:\n" and "Traceback" not in proc.stderr
    proc = subprocess.run(calc + ["summary", "densenet201"], stdout=open("/dev/full", "w"),
                          stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: cannot write the output: No space left on device"


@st.composite
def argv(draw):
    """Any subcommand with any of its options, holding numbers, text and hostile strings."""
    value = st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(
        ["0", "1", "3", "224", "224x192", "3x224x224", "7x1", "-1", "1e9", "abc", "<b>", "",
         "+-3", "\u00b2", "\uff13", "9" * 40, "1,2", "x", "3x", "float16", "resnet18"]),
        st.text(max_size=8))
    command = draw(st.sampled_from(["conv", "pool", "conv-transpose", "padding", "solve",
                                    "summary", "models", "export", "generator"]))
    positional = {"conv": 1, "pool": 1, "conv-transpose": 1, "padding": 2, "solve": 2,
                  "summary": 1, "models": 0, "export": 1, "generator": 0}[command]
    options = {"conv": ["-k", "-s", "-p", "-d"], "pool": ["-k", "-s", "-p", "-d"],
               "conv-transpose": ["-k", "-s", "-p", "-d", "--output-padding"],
               "padding": ["-k", "-s", "-d"],
               "solve": ["--max-kernel-size", "--max-stride", "--max-padding", "--dilation"],
               "summary": ["--input", "--num-classes", "--batch", "--dtype", "--set"],
               "export": ["--input", "--num-classes", "--set", "--to", "--class-name"],
               "generator": ["--latent", "--output", "--channels", "--export"],
               "models": []}[command]
    args = [command]
    if command in ("summary", "export"):
        args.append(draw(st.sampled_from(["resnet18", "resnet", "vgg", "alexnet", "wrn_16_2",
                                          "cifar_resnet_20", "googlenet", "nope", "<i>"])))
    else:
        args += [draw(value) for _ in range(positional)]
    for option in draw(st.lists(st.sampled_from(options), max_size=4, unique=True)) if options \
            else []:
        if option == "--set":
            args += [option, draw(st.sampled_from(["layers", "block", "groups", "cfg", "variant",
                                                   "x", ""])) + "=" + draw(value)]
        else:
            args += [option, draw(value)]
    if command in ("conv", "pool", "conv-transpose", "padding") and "-k" not in args:
        args += ["-k", draw(value)]
    flags = {"pool": ["--ceil-mode", "--json"], "solve": ["--transpose", "--json"],
             "summary": ["--json"], "models": ["--json"], "padding": ["--json"],
             "conv": ["--json"], "conv-transpose": ["--json"], "export": [],
             "generator": ["--json"]}[command]
    if flags:
        args += draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
    return args


@settings(max_examples=300)
@given(argv())
def test_fuzz_every_command_exits_0_or_2_without_traceback(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exit_:    # argparse: a missing or malformed option
            code = exit_.code
    assert code in (0, 2), (args, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip().splitlines()[-1].startswith(("error: ", "calc ")), args


# --- descriptions: summary --file and export --------------------------------------------------

HOSTILE_DESCRIPTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from([
        "input 3x32x32", "input 0x0x0", "input 3x99999999x2", "Conv2d(3, 8, 3)", "LazyConv2d(8, 3)",
        "LazyConv2d(8, 3, stride=0)", "ReLU()", "repeat 3:", "repeat 99999999:", "residual:",
        "concat:", "  branch:", "  LazyConv2d(8, 1)", "    ReLU()", "Flatten()",
        "LazyLinear(10)", "x = ReLU()", "Add()", "Add() from x, y", "__import__('os')",
        "<script>", "\t", "MaxPool2d(2)", "AdaptiveAvgPool2d(1)", "LazyBatchNorm2d()",
    ]), max_size=12).map("\n".join))


@settings(max_examples=150, deadline=None)
@given(HOSTILE_DESCRIPTIONS, st.sampled_from([["summary"], ["summary", "--json"], ["export"],
                                             ["export", "--to", "pytorch"]]))
def test_fuzz_a_description_file_exits_0_or_2_without_traceback(text, command):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "net.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main([*command, "--file", str(path)])
    assert code in (0, 2), (text, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip().splitlines()[-1].startswith("error: "), text

def test_summary_of_a_description_file(capsys, tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("input 3x32x32\nLazyConv2d(16, 3, padding=1)\nReLU()\nFlatten()\n"
                    "LazyLinear(10)\n")
    code, out, err = run(capsys, "summary", "--file", str(path), "--json")
    s = json.loads(out)
    assert code == 0 and s["name"] == "tiny" and s["output"] == [10]
    assert s["params"] == 16 * 27 + 16 + 16 * 32 * 32 * 10 + 10
    assert s["checks"] and s["warnings"][0].startswith("The network's receptive field")


@pytest.mark.parametrize("content, message", [
    ("input 3x32x32\nConv2d(3, 8, 3, stride=0)\n", "error: line 2: stride must be >= 1, got 0"),
    ("input 3x32x32\nConv3d(3, 8, 3)\n", "error: line 2: unknown layer 'Conv3d'"),
    (b"\xff\xfe input", "is not UTF-8 text"),
])
def test_a_bad_description_file_is_one_line_naming_the_line(capsys, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, out, err = run(capsys, "summary", "--file", str(path))
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_summary_of_a_file_names_its_lines_and_labels_each_finding_once(capsys, tmp_path):
    """Findings name the file's lines (blank lines and comments count); a note is ``Note:``,
    a warning ``Warning:``, never both."""
    path = tmp_path / "draft.txt"
    path.write_text("# AlexNet's conv1 at 224, then widths that are no multiples of 8\n"
                    "input 3x224x224\n\nConv2d(3, 96, 11, stride=4)\nReLU()\n"
                    "repeat 2:\n  LazyConv2d(100, 3, padding=1)\n")
    code, out, err = run(capsys, "summary", "--file", str(path))
    findings = [line for line in out.splitlines() if line.startswith(("Warning:", "Note:"))]
    assert code == 0 and findings
    assert any(f.startswith("Warning: The floor drops") and "line 4, 0 (224x224" in f
               for f in findings)
    assert any(f.startswith("Note: Output channels that are not multiples of 8") for f in findings)
    assert not any(f.startswith(("Warning: Note", "Note: Note", "Note: Warning"))
                   for f in findings)
    code, out, _ = run(capsys, "summary", "--file", str(path), "--json")
    assert any("line 4, 0 (224x224" in w for w in json.loads(out)["warnings"])


def test_file_errors(capsys, tmp_path):
    code, out, err = run(capsys, "summary", "--file", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    code, out, err = run(capsys, "summary", "resnet18", "--file", "x.txt")
    assert code == 2 and "--file describes the whole network" in err
    code, out, err = run(capsys, "export")
    assert code == 2 and "give a model name" in err


def test_export_text_reads_back_and_pytorch_is_python(capsys, tmp_path):
    code, text_out, _ = run(capsys, "export", "googlenet_paper", "--set", "aux_logits=true")
    assert code == 0 and text_out.startswith("# googlenet_paper")
    path = tmp_path / "g.txt"
    path.write_text(text_out)
    code, out, _ = run(capsys, "summary", "--file", str(path), "--json")
    from calc.models import get_model
    from calc.summary import summarize
    expected = summarize(get_model("googlenet_paper", aux_logits=True))
    s = json.loads(out)
    assert (s["params"], s["macs"], s["aux_params"]) == (expected.params, expected.macs,
                                                         expected.aux_params)
    code, code_out, _ = run(capsys, "export", "--file", str(path), "--to", "pytorch",
                            "--class-name", "GoogLeNet")
    compile(code_out, "<export>", "exec")
    assert "class GoogLeNet(nn.Module):" in code_out
    code, out, err = run(capsys, "export", "resnet18", "--to", "pytorch", "--class-name", "1x")
    assert code == 2 and "--class-name must be a Python identifier" in err


def _readme_commands():
    """Every ``python -m calc ...`` line of the README's command-line block."""
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    return [line.split("#")[0].split()[3:] for line in readme.splitlines()
            if line.startswith("python -m calc ")]


@pytest.mark.parametrize("argv", _readme_commands(), ids=" ".join)
def test_the_readmes_commands_run(capsys, tmp_path, monkeypatch, argv):
    """The README's samples, as a reader types them (net.txt: one of the chapter's designs)."""
    from pathlib import Path
    monkeypatch.chdir(tmp_path)
    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "fixed-64.txt"
    (tmp_path / "net.txt").write_text(example.read_text())
    code, out, err = run(capsys, *argv)
    assert code == 0 and out.strip(), argv
    assert all(line.startswith("warning: ") for line in err.splitlines()), err


def test_the_readme_shows_every_command():
    shown = {argv[0] for argv in _readme_commands()}
    assert len(_readme_commands()) >= 10
    assert {"conv", "summary", "export", "generator", "models", "solve"} <= shown
