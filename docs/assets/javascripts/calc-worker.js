// Module worker hosting Pyodide and calc.web for every calculator of a visit.
//
// Messages in:  {type: "init", pyodide: <folder URL>, stdlib: <zip URL>, calc: <zip URL>}
//               {type: "run", seq, id, params}   (params: the form's raw values)
// Messages out: {type: "ready"} | {type: "failed", message}
//               {type: "result", seq, html} | {type: "result", seq, error}

let run = null; // calc.web.run, a Python function: (id, params_json) -> html, never raises

// Both archives hold bytecode compiled by this Pyodide at build time (scripts/precompile.mjs):
// the standard library replaces Pyodide's own python_stdlib.zip, and calc is imported
// from its zip where that script compiled it for, CALC_ARCHIVE.
const CALC_ARCHIVE = "/lib/calc.zip";

async function init({ pyodide: indexURL, stdlib, calc }) {
  try {
    // Fetch our package while Pyodide starts.
    const zip = fetch(calc).then((response) => {
      if (!response.ok) throw new Error(`${calc}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
    const pyodide = await loadPyodide({ indexURL, stdLibURL: stdlib });
    pyodide.FS.writeFile(CALC_ARCHIVE, new Uint8Array(await zip));
    pyodide.runPython(`import sys; sys.path.append("${CALC_ARCHIVE}")`);
    run = pyodide.pyimport("calc.web").run;
    self.postMessage({ type: "ready" });
  } catch (error) {
    self.postMessage({ type: "failed", message: String(error?.message ?? error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "init") {
    init(data);
  } else if (data.type === "run") {
    try {
      if (!run) throw new Error("the Python runtime is not ready");
      self.postMessage({ type: "result", seq: data.seq, html: run(data.id, JSON.stringify(data.params)) });
    } catch (error) {
      self.postMessage({ type: "result", seq: data.seq, error: String(error?.message ?? error) });
    }
  }
};
