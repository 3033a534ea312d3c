// Module worker hosting Pyodide and calc.web for every calculator of a visit.
//
// Messages in:  {type: "init", pyodide: <folder URL>, calc: <zip URL>}
//               {type: "run", seq, id, params}   (params: the form's raw values)
// Messages out: {type: "ready"} | {type: "failed", message}
//               {type: "result", seq, html} | {type: "result", seq, error}

let run = null; // calc.web.run, a Python function: (id, params_json) -> html, never raises

async function init({ pyodide: indexURL, calc }) {
  try {
    // Fetch our package while Pyodide starts.
    const zip = fetch(calc).then((response) => {
      if (!response.ok) throw new Error(`${calc}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
    const pyodide = await loadPyodide({ indexURL });
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
    pyodide.unpackArchive(await zip, "zip", { extractDir: sitePackages });
    pyodide.runPython("import importlib; importlib.invalidate_caches()");
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
