// Bytecode for the browser, compiled at build time by Pyodide's own interpreter.
//
// Pyodide's python_stdlib.zip holds only .py sources, so every start-up in the
// browser compiles the ~130 standard-library modules that Pyodide and calc import
// (and calc's own ~40): about half of the start-up time. Bytecode belongs to one CPython version, so it is made here
// by the very interpreter that the browser runs (Pyodide from node_modules, on Node).
//
//   node scripts/precompile.mjs STDLIB.zip CALC.zip OUT_DIR
//     STDLIB.zip: Pyodide's python_stdlib.zip; CALC.zip: calc's sources (.py).
//     Runs what the worker runs (calc.web and every calculator on its defaults)
//     on the stock files and writes to OUT_DIR:
//     - stdlib.zip: each standard-library module that run imported (and each that
//       calc's sources import anywhere) as .pyc, and nothing else (zipimport's
//       layout, as in CPython's embeddable distribution), stored uncompressed so
//       that the server's gzip or brotli compresses it in transfer. A .pyc without
//       a .py beside it is loaded unchecked; its code names the file zipimport would
//       have compiled, so tracebacks read as before, without source lines.
//     - calc.zip: every .py kept (the archive also runs on CPython 3.11, which
//       ignores the .pyc) with a checked-hash .pyc beside it: zipimport hashes
//       the source and uses the bytecode, or compiles the source if they ever
//       disagree. Stored uncompressed too.
//     - report.json: see REPORT below.
//   node scripts/precompile.mjs --check STDLIB.zip CALC.zip
//     Runs the same on the given archives and prints REPORT: for archives made
//     by this script, stdlib_source and calc_source are empty.
//
// The worker (docs/assets/javascripts/calc-worker.js) puts the calc archive on
// sys.path at CALC_ARCHIVE; Pyodide puts the standard library at /lib/python3XX.zip.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const INDEX = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "pyodide") + "/";
const CALC_ARCHIVE = "/lib/calc.zip";

// REPORT: {python, magic (hex, importlib.util.MAGIC_NUMBER), calculators (ids),
// failed (ids whose default result is an error), missing (standard-library modules calc
// imports that the run never loaded: the build fails on any; null with --check), stdlib_bytecode, stdlib_source,
// calc_bytecode, calc_source (module names, by how zipimport loaded them)}.
const EXERCISE = String.raw`
import sys

def _calc_stdlib_imports():
    """Every standard-library module that calc's sources import, anywhere in them."""
    import ast, zipfile
    names = set()
    with zipfile.ZipFile(CALC_ARCHIVE) as archive:
        for name in archive.namelist():
            if not name.endswith(".py"):
                continue
            for node in ast.walk(ast.parse(archive.read(name))):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names.add(node.module)
    return sorted(n for n in names if n.split(".")[0] in sys.stdlib_module_names)

def exercise(sources=True):
    # What the worker loads: Pyodide's start-up, calc.web, and every calculator on its
    # defaults. The snapshot comes before this script imports its own tools (zipfile, ast),
    # which the browser never needs.
    import calc.web as web
    failed = [calc_id for calc_id in web.CALCULATORS if "calc-error" in web.run(calc_id, "{}")]
    loaded = dict(sys.modules)
    import importlib.util, zipimport
    # Only calc's sources tell what it imports; a shipped archive holds bytecode alone.
    missing = [n for n in _calc_stdlib_imports() if n not in loaded] if sources else None
    by_archive = {}
    for name, module in loaded.items():
        if not isinstance(getattr(module, "__loader__", None), zipimport.zipimporter):
            continue  # built in, or frozen in the interpreter (os, codecs, ...)
        path = module.__file__
        for archive in (STDLIB_ARCHIVE, CALC_ARCHIVE):
            if path.startswith(archive + "/"):
                by_archive.setdefault(archive, {})[name] = path
    def split(archive, kind):
        files = by_archive.get(archive, {})
        return sorted(n for n, p in files.items() if p.endswith(".pyc") == (kind == "pyc"))
    return {
        "python": sys.version.split()[0],
        "magic": importlib.util.MAGIC_NUMBER.hex(),
        "calculators": sorted(web.CALCULATORS),
        "failed": failed,
        "missing": missing,
        "stdlib_bytecode": split(STDLIB_ARCHIVE, "pyc"),
        "stdlib_source": split(STDLIB_ARCHIVE, "py"),
        "calc_bytecode": split(CALC_ARCHIVE, "pyc"),
        "calc_source": split(CALC_ARCHIVE, "py"),
    }

def _module(filename):
    """json/__init__.py -> json; json/decoder.py -> json.decoder"""
    parts = filename[:-len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

# Pyodide's own packages read their docstrings at start-up (_pyodide.docstring): compiled
# as written. Everything else drops docstrings and asserts, as python -OO does: CPython's
# standard library is tested that way, and calc reads no docstring and asserts nothing.
KEEPS_DOCSTRINGS = ("_pyodide/", "pyodide/")

def _bytecode(info, data, archive, checked):
    import importlib.util, zipfile
    from importlib._bootstrap_external import _code_to_hash_pyc  # what py_compile writes with
    optimize = 0 if info.filename.startswith(KEEPS_DOCSTRINGS) else 2
    code = compile(data, f"{archive}/{info.filename}", "exec", dont_inherit=True,
                   optimize=optimize)
    pyc = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
    pyc.compress_type = zipfile.ZIP_STORED   # the server's gzip or brotli compresses it
    pyc.external_attr = info.external_attr
    return pyc, _code_to_hash_pyc(code, importlib.util.source_hash(data), checked)

def compile_stdlib(modules, dst):
    """Only the modules the run imported, as bytecode, stored uncompressed: every other
    member of Pyodide's archive would be bytes on the wire for nothing."""
    import zipfile
    modules = set(modules)
    with zipfile.ZipFile(STDLIB_ARCHIVE) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(".py") and _module(info.filename) in modules:
                zout.writestr(*_bytecode(info, zin.read(info), STDLIB_ARCHIVE, checked=False))

def compile_calc(dst):
    """calc's modules as bytecode alone, like the standard library's."""
    import zipfile
    with zipfile.ZipFile(CALC_ARCHIVE) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(".py"):
                zout.writestr(*_bytecode(info, zin.read(info), CALC_ARCHIVE, checked=False))
`;

async function start(stdlib, calc) {
  const { loadPyodide } = await import(pathToFileURL(join(INDEX, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL: INDEX, stdLibURL: resolve(stdlib), stdout: () => {}, stderr: (line) => console.error(line),
    // Bytecode without column positions (python -X no_debug_ranges): a third smaller on
    // the wire; tracebacks keep their line numbers and lose only the ^^^ under them.
    env: { PYTHONNODEBUGRANGES: "1" },
  });
  if (pyodide.runPython("next(compile('a', '', 'eval').co_positions())[2]") !== undefined) {
    throw new Error("PYTHONNODEBUGRANGES had no effect: the bytecode would carry column positions");
  }
  pyodide.FS.writeFile(CALC_ARCHIVE, new Uint8Array(readFileSync(calc)));
  const [major, minor] = pyodide.runPython("import sys; sys.version_info[:2]").toJs();
  pyodide.globals.set("STDLIB_ARCHIVE", `/lib/python${major}${minor}.zip`);
  pyodide.globals.set("CALC_ARCHIVE", CALC_ARCHIVE);
  pyodide.runPython(`sys.path.append(CALC_ARCHIVE)\n${EXERCISE}`);
  return pyodide;
}

async function build(stdlib, calc, out) {
  const pyodide = await start(stdlib, calc);
  const report = JSON.parse(pyodide.runPython("__import__('json').dumps(exercise())"));
  if (report.missing.length) { // a module calc imports somewhere that no run loaded
    throw new Error(`calc imports standard-library modules the exercise never loaded, so the ` +
                    `archive would lack them: ${report.missing.join(", ")}`);
  }
  pyodide.runPython(`compile_stdlib(${JSON.stringify(report.stdlib_source)}, "/tmp/stdlib.zip")`);
  pyodide.runPython(`compile_calc("/tmp/calc.zip")`);
  // Write next to OUT_DIR, then rename: a concurrent build sees all of it or nothing.
  const partial = `${resolve(out)}.${process.pid}.partial`;
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, "stdlib.zip"), pyodide.FS.readFile("/tmp/stdlib.zip"));
  writeFileSync(join(partial, "calc.zip"), pyodide.FS.readFile("/tmp/calc.zip"));
  writeFileSync(join(partial, "report.json"), JSON.stringify(report, null, 1) + "\n");
  try {
    renameSync(partial, out);
  } catch (error) { // another build finished the same work first
    rmSync(partial, { recursive: true, force: true });
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  }
}

async function check(stdlib, calc) {
  const pyodide = await start(stdlib, calc);
  console.log(pyodide.runPython("__import__('json').dumps(exercise(sources=False))"));
}

const args = process.argv.slice(2);
if (args[0] === "--check" && args.length === 3) {
  await check(args[1], args[2]);
} else if (args.length === 3 && !args[0].startsWith("-")) {
  await build(...args);
} else {
  console.error("usage: node scripts/precompile.mjs STDLIB.zip CALC.zip OUT_DIR\n" +
                "       node scripts/precompile.mjs --check STDLIB.zip CALC.zip");
  process.exit(2);
}
