"""calc's core imports only the standard library and does no I/O (it must run unchanged in Pyodide)."""

import ast
import sys
from pathlib import Path

CALC = Path(__file__).resolve().parent.parent / "calc"
# cli prints by design; the torch bridge imports torch lazily and never ships to the browser
OUTSIDE_CORE = {"cli.py", "__main__.py", "torch_bridge.py"}
IO_MODULES = {"os", "io", "pathlib", "subprocess", "socket", "urllib", "http", "shutil",
              "tempfile", "glob", "sqlite3", "requests", "importlib.resources"}
IO_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def core_files():
    return [p for p in CALC.rglob("*.py") if p.name not in OUTSIDE_CORE]


def test_core_files_found():
    names = {p.name for p in core_files()}
    assert {"arithmetic.py", "layers.py", "network.py", "summary.py", "web.py"} <= names


def test_core_imports_only_the_standard_library_and_does_no_io():
    problems = []
    for path in core_files():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [] if node.level else [node.module]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in IO_CALLS):
                problems.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
                continue
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top not in sys.stdlib_module_names:
                    problems.append(f"{path.name}:{node.lineno} imports {mod} (not stdlib)")
                elif mod in IO_MODULES or top in IO_MODULES:
                    problems.append(f"{path.name}:{node.lineno} imports {mod} (I/O)")
    assert not problems, "\n".join(problems)


def test_core_never_imports_the_torch_bridge():
    for path in core_files():
        assert "torch_bridge" not in path.read_text(), path.name
