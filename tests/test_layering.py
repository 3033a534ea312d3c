"""Imports point down: core <- render <- calculators <- web / cli <- scripts <- tests.

The core (arithmetic, layers, network, the analyses, validation, the zoo) imports nothing
from rendering, the calculators, the web entry point, the CLI or the torch bridge; rendering
imports nothing above it; and so on. Read from the source with ``ast``, so a lazy import
inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CALC = ROOT / "calc"

# Layers of the package, bottom first; a module may import from its own layer and below.
LAYERS = ("core", "render", "calculators", "web", "cli")
ABOVE_CORE = {"calc.render": "render", "calc.calculators": "calculators", "calc.web": "web",
              "calc.cli": "cli", "calc.__main__": "cli", "calc.torch_bridge": "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    for prefix, layer in ABOVE_CORE.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return "core"


def imports(path: Path) -> list[tuple[int, str]]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
            # "from . import web" imports the submodule calc.web
            found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
    return found


def calc_modules():
    return sorted(CALC.rglob("*.py"))


def test_layers_are_found():
    layers = {layer_of(module_name(p)) for p in calc_modules()}
    assert layers == set(LAYERS)


@pytest.mark.parametrize("path", calc_modules(), ids=lambda p: module_name(p))
def test_calc_imports_point_down(path):
    mine = LAYERS.index(layer_of(module_name(path)))
    wrong = [f"line {line}: {name} ({layer_of(name)})" for line, name in imports(path)
             if name.startswith("calc.") and LAYERS.index(layer_of(name)) > mine]
    assert not wrong, f"{module_name(path)} is in {LAYERS[mine]} but imports from above: {wrong}"


def test_core_never_imports_the_torch_bridge():
    for path in calc_modules():
        if layer_of(module_name(path)) == "core":
            assert not any(n == "calc.torch_bridge" for _, n in imports(path)), path


def test_scripts_import_nothing_from_tests():
    for path in sorted((ROOT / "scripts").rglob("*.py")):
        text = path.read_text()
        names = [n for _, n in imports(path)]
        assert not any(n == "tests" or n.startswith("tests.") for n in names), path
        assert "/ \"tests\"" not in text and "'tests'" not in text, path
