// Where Pyodide's start-up goes, on Node, with the site's archives: the floor under
// issue 12's "calculators live in 0.5x the stock start-up" that no page can go below.
//
//   node scripts/profile_startup.mjs STDLIB.zip [CALC.zip] [--top N]
//     STDLIB.zip: a built site's assets/python/stdlib-*.zip (or Pyodide's python_stdlib.zip);
//     CALC.zip: its calc-*.zip, imported as the worker imports it (calc.web).
//
// Prints, in ms of wall time on this machine (run it quiet, and repeat: it is one sample):
// - loadPyodide's stages: Pyodide's JS loaded; the WebAssembly instance ready (Emscripten's
//   preRun, where fsInit writes the files); Python initialised (Py_Initialize done: the
//   Emscripten module resolved); loadPyodide done (after Pyodide's finalizeBootstrap);
// - within finalizeBootstrap, the Python that Pyodide itself imports: `import _pyodide_core`
//   and each module it asks for by name;
// - the N modules whose own import (children excluded) took longest, from a timing wrapper
//   on importlib's _find_and_load, installed by a sitecustomize.py written to site-packages
//   before Python starts (neither archive has a sitecustomize: site finds this one).

import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const INDEX = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "pyodide") + "/";
const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const [stdlib, calc] = args;
if (!stdlib) {
  console.error("usage: node scripts/profile_startup.mjs STDLIB.zip [CALC.zip] [--top N]");
  process.exit(2);
}

// sys._import_ms: (module, own ms, ms with its children, depth), in the order they finished.
const TIMING = String.raw`
import sys, time
_bootstrap = sys.modules["_frozen_importlib"]
_find_and_load = _bootstrap._find_and_load
_children = []
sys._import_ms = []

def _timed(name, import_):
    start = time.perf_counter()
    _children.append(0.0)
    try:
        return _find_and_load(name, import_)
    finally:
        took = (time.perf_counter() - start) * 1000
        own = took - _children.pop()
        if _children:
            _children[-1] += took
        sys._import_ms.append((name, own, took, len(_children)))

_bootstrap._find_and_load = _timed
`;

const start = performance.now();
const at = {};
const mark = (name) => { at[name] ??= performance.now() - start; };
const lines = [];

const asm = await import(INDEX + "pyodide.asm.mjs");
const { loadPyodide } = await import(INDEX + "pyodide.mjs");
mark("Pyodide's JS loaded");

// Wraps what finalizeBootstrap calls (API.rawRun, and importlib.import_module through
// API.importlib) to time each import that Pyodide's bootstrap asks for.
function timeBootstrap(API) {
  const timed = (label, call) => {
    const t = performance.now();
    const result = call();
    lines.push(`  ${(performance.now() - t).toFixed(1).padStart(7)}  ${label}`);
    return result;
  };
  const rawRun = API.rawRun;
  API.rawRun = (code) => timed(code, () => rawRun(code));
  let importlib;
  Object.defineProperty(API, "importlib", {
    configurable: true,
    get: () => importlib,
    set(module) {
      const importModule = module.import_module;
      importlib = new Proxy(module, {
        get: (target, key) => key === "import_module"
          ? (name) => timed(`import ${name}`, () => importModule(name)) : target[key],
      });
    },
  });
}

const pyodide = await loadPyodide({
  indexURL: INDEX,
  stdLibURL: stdlib,
  createPyodideModule: async (settings) => {
    const module = await asm.default(settings);
    mark("Python initialised");
    const finalize = module.API.finalizeBootstrap;
    module.API.finalizeBootstrap = (...rest) => {
      timeBootstrap(module.API);
      return finalize(...rest);
    };
    return module;
  },
  fsInit: async (FS, { sitePackages }) => {
    mark("WebAssembly instance ready (preRun)");
    FS.writeFile(`${sitePackages}/sitecustomize.py`, TIMING);
  },
});
mark("loadPyodide done");
if (calc) {
  pyodide.FS.writeFile("/lib/calc.zip", readFileSync(calc));
  pyodide.runPython('import sys; sys.path.append("/lib/calc.zip")');
  pyodide.pyimport("calc.web");
  mark("calc.web imported");
}

console.log("Stages, ms since start:");
for (const [name, ms] of Object.entries(at)) console.log(`  ${ms.toFixed(0).padStart(7)}  ${name}`);
console.log("Pyodide's bootstrap (finalizeBootstrap), ms:");
console.log(lines.join("\n"));
console.log(pyodide.runPython(`import sys
rows = sys._import_ms
own = sum(r[1] for r in rows)
out = [f"Imports: {len(rows)} modules, {own:.0f} ms in all (own time, children excluded); "
       f"the ${top} slowest, own and with children, ms:"]
for name, own, took, depth in sorted(rows, key=lambda r: -r[1])[:${top}]:
    out.append(f"  {own:7.1f} {took:7.1f}  {name}")
"\\n".join(out)`));
