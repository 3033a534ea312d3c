// Module worker hosting Pyodide and calc.web for every calculator of a visit.
//
// Messages in:  {type: "init", pyodide: <folder URL>, stdlib: <zip URL>, calc: <zip URL>,
//                lock: <Pyodide's lock file without its packages: calc loads none>,
//                calculators: <ids of the page's calculators: imported before "ready">}
//               {type: "prepare", ids}   (a page reached later: import what it needs now)
//               {type: "part", seq, id, name, params}   (a result's on-demand text)
//               {type: "run", seq, id, params}   (params: the form's raw values)
// Messages out: {type: "ready"} | {type: "failed", message}
//               {type: "result", seq, html | text} | {type: "result", seq, error}

let web = null; // calc.web: run(id, params_json) -> html, never raises; prepare(ids_json)

// Both archives hold bytecode compiled by this Pyodide at build time (scripts/precompile.mjs):
// the standard library replaces Pyodide's own python_stdlib.zip, and calc is imported
// from its zip where that script compiled it for, CALC_ARCHIVE.
const CALC_ARCHIVE = "/lib/calc.zip";

// A .wasm that is missing, or served without the application/wasm type, makes loadPyodide
// wait forever. Ask the server about it while Pyodide starts; only a problem settles this.
async function wasmProblem(indexURL) {
  const url = new URL("pyodide.asm.wasm", indexURL).href;
  let response;
  try {
    response = await fetch(url, { method: "HEAD" });
  } catch (error) {
    throw new Error(`pyodide.asm.wasm could not be fetched (${error?.message ?? error})`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok && response.status !== 405 && response.status !== 501) { // 405/501: no HEAD
    throw new Error(`pyodide.asm.wasm: HTTP ${response.status}`);
  }
  if (response.ok && !type.startsWith("application/wasm")) {
    throw new Error(`the server sends pyodide.asm.wasm as "${type}"; Pyodide needs application/wasm`);
  }
  return new Promise(() => {});
}

// The standard library archive: a missing one would end Pyodide with "exit(1)". Ask first.
async function stdlibProblem(stdlib) {
  let response;
  try {
    response = await fetch(stdlib, { method: "HEAD" });
  } catch (error) {
    throw new Error(`the Python standard library could not be fetched (${error?.message ?? error})`);
  }
  if (!response.ok && response.status !== 405 && response.status !== 501) {
    throw new Error(`the Python standard library (${new URL(stdlib).pathname.split("/").pop()}) ` +
                    `could not be fetched: HTTP ${response.status}`);
  }
  return new Promise(() => {});
}

// A Content-Security-Policy without 'wasm-unsafe-eval' refuses every WebAssembly module:
// say so at once instead of waiting for Pyodide to time out.
async function wasmAllowed() {
  try {
    await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch (error) {
    throw new Error(`this page may not compile WebAssembly (${error?.message ?? error}); ` +
                    "its Content-Security-Policy needs 'wasm-unsafe-eval'");
  }
}

async function init({ pyodide: indexURL, stdlib, calc, lock, calculators }) {
  try {
    await wasmAllowed();
    // Fetch our package while Pyodide starts.
    const zip = fetch(calc).then((response) => {
      if (!response.ok) throw new Error(`the calc archive could not be fetched: HTTP ${response.status}`);
      return response.arrayBuffer();
    }, (error) => {
      throw new Error(`the calc archive could not be fetched (${error?.message ?? error})`);
    });
    zip.catch(() => {});   // awaited below; a failure must not be unhandled meanwhile
    const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
    const pyodide = await Promise.race([loadPyodide({ indexURL, stdLibURL: stdlib,
                                                    lockFileContents: lock }),
                                        wasmProblem(indexURL), stdlibProblem(stdlib),
                                        zip.then(() => new Promise(() => {}))]);
    pyodide.FS.writeFile(CALC_ARCHIVE, new Uint8Array(await zip));
    pyodide.runPython(`import sys; sys.path.append("${CALC_ARCHIVE}")`);
    const module = pyodide.pyimport("calc.web");
    module.prepare(JSON.stringify(calculators ?? []));
    web = module;
    self.postMessage({ type: "ready" });
  } catch (error) {
    self.postMessage({ type: "failed", message: String(error?.message ?? error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "init") {
    init(data);
  } else if (data.type === "prepare") {
    try {
      web?.prepare(JSON.stringify(data.ids));
    } catch {
      // a module that fails to import says so in its calculator's result, on first use
    }
  } else if (data.type === "run" || data.type === "part") {
    try {
      if (!web) throw new Error("the Python runtime is not ready");
      const params = JSON.stringify(data.params);
      const answer = data.type === "run" ? { html: web.run(data.id, params) }
        : JSON.parse(web.part(data.id, data.name, params));   // {text} or {error}
      self.postMessage({ type: "result", seq: data.seq, ...answer });
    } catch (error) {
      self.postMessage({ type: "result", seq: data.seq, error: String(error?.message ?? error) });
    }
  }
};
