"""The CLI: readable tables, JSON, and clean errors with exit status 2 (never a traceback)."""

import json
import subprocess
import sys

import pytest

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
