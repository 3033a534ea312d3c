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
//     - stdlib.zip: each standard-library module that run imported as .pyc, in
//       place of its .py (zipimport's layout, as in CPython's embeddable
//       distribution); every other member unchanged. A .pyc without a .py beside
//       it is loaded unchecked; its code names the file zipimport would have
//       compiled, so tracebacks read as before, without source lines. Modules
//       the run did not import stay source: bytes on the wire for nothing.
//     - calc.zip: every .py kept (the archive also runs on CPython 3.11, which
//       ignores the .pyc) with a checked-hash .pyc beside it: zipimport hashes
//       the source and uses the bytecode, or compiles the source if they ever
//       disagree.
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
// failed (ids whose default result is an error), stdlib_bytecode, stdlib_source,
// calc_bytecode, calc_source (module names, by how zipimport loaded them)}.
const EXERCISE = String.raw`
import importlib.util, json, sys, zipfile, zipimport
from importlib._bootstrap_external import _code_to_hash_pyc  # what py_compile writes with

def exercise():
    import calc.web as web
    failed = [calc_id for calc_id in web.CALCULATORS if "calc-error" in web.run(calc_id, "{}")]
    by_archive = {}
    for name, module in list(sys.modules.items()):
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
        "stdlib_bytecode": split(STDLIB_ARCHIVE, "pyc"),
        "stdlib_source": split(STDLIB_ARCHIVE, "py"),
        "calc_bytecode": split(CALC_ARCHIVE, "pyc"),
        "calc_source": split(CALC_ARCHIVE, "py"),
    }

def _module(filename):
    """json/__init__.py -> json; json/decoder.py -> json.decoder"""
    parts = filename[:-len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

def _bytecode(info, data, archive, checked):
    code = compile(data, f"{archive}/{info.filename}", "exec", dont_inherit=True, optimize=0)
    pyc = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
    pyc.compress_type = zipfile.ZIP_DEFLATED
    pyc.external_attr = info.external_attr
    return pyc, _code_to_hash_pyc(code, importlib.util.source_hash(data), checked)

def compile_stdlib(modules, dst):
    modules = set(modules)
    with zipfile.ZipFile(STDLIB_ARCHIVE) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".py") and _module(info.filename) in modules:
                info, data = _bytecode(info, data, STDLIB_ARCHIVE, checked=False)
            zout.writestr(info, data)

def compile_calc(dst):
    with zipfile.ZipFile(CALC_ARCHIVE) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data)
            if info.filename.endswith(".py"):
                zout.writestr(*_bytecode(info, data, CALC_ARCHIVE, checked=True))
`;

async function start(stdlib, calc) {
  const { loadPyodide } = await import(pathToFileURL(join(INDEX, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL: INDEX, stdLibURL: resolve(stdlib), stdout: () => {}, stderr: (line) => console.error(line),
  });
  pyodide.FS.writeFile(CALC_ARCHIVE, new Uint8Array(readFileSync(calc)));
  const [major, minor] = pyodide.runPython("import sys; sys.version_info[:2]").toJs();
  pyodide.globals.set("STDLIB_ARCHIVE", `/lib/python${major}${minor}.zip`);
  pyodide.globals.set("CALC_ARCHIVE", CALC_ARCHIVE);
  pyodide.runPython(`sys.path.append(CALC_ARCHIVE)\n${EXERCISE}`);
  return pyodide;
}

async function build(stdlib, calc, out) {
  const pyodide = await start(stdlib, calc);
  const report = JSON.parse(pyodide.runPython("json.dumps(exercise())"));
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
  console.log(pyodide.runPython("json.dumps(exercise())"));
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
