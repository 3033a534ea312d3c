// Inlined by scripts/hooks/runtime.py after the runtime manifest and calc.js's tag.
//
// A link to a calculator (#calc-<id>) is intent enough to start the runtime (calc.js says
// so too). Start its worker here, while the <head> is parsed, not when calc.js has been
// fetched and run (on a long page, hundreds of ms later): the worker's thread, Pyodide and
// the archives then load while the main thread is still free. calc.js adopts the worker
// (window.__calcEarlyWorker) as if it had started it; "init" is the message its
// startWorker() sends, with the manifest's URLs resolved as calc.js resolves them.
(() => {
  if (!location.hash.startsWith("#calc-") || navigator.connection?.saveData
      || typeof Worker !== "function") return;
  try {
    const manifest = JSON.parse(document.getElementById("calc-runtime").textContent);
    if (!manifest.calculators?.length) return;   // a stale link: this page has none
    const calcJs = document.querySelector("script[src$='/calc.js'], script[src='calc.js']");
    const base = new URL(calcJs.getAttribute("src"), document.baseURI);
    const url = (path) => new URL(path, base).href;
    performance.mark("calc:worker-start");   // for scripts/measure_site.py
    const thread = new Worker(url(manifest.worker), { type: "module" });
    // what the worker says before calc.js listens ("ready" can come first on a slow link)
    const early = { thread, error: null, messages: [] };
    thread.onmessage = (event) => early.messages.push(event);
    thread.onerror = (event) => {
      early.error = event.message || "the calculator worker failed to load";
    };
    thread.postMessage({ type: "init", pyodide: url(manifest.pyodide), stdlib: url(manifest.stdlib),
                         calc: url(manifest.calc), lock: manifest.lock,
                         calculators: manifest.calculators ?? [] });
    window.__calcEarlyWorker = early;
  } catch {
    // calc.js starts the worker itself, and says what went wrong
  }
})();
