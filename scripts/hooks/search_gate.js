// Inlined at the top of every page's <head> by scripts/hooks/theme_gates.py; runs before
// mkdocs-material's bundle.
//
// The bundle starts its search worker as the page loads, and the worker builds the lunr
// index of the whole site at once: about 0.3 s of CPU on a 2-core machine, at the moment a
// reader who followed a link to a calculator waits for Pyodide to start on the same cores.
// The search worker is held (its messages queued, in order) until the first of:
//   - the reader reaches for search: a pointer on, focus in or touch of the search box or
//     its button, a search shortcut key (f, s, /), or a ?q= query in the address;
//   - the calculators' runtime has settled (calc.js: "calc:runtime-settled"), or was never
//     started by the time the page has loaded;
//   - 10 s, whatever happens.
// Every other worker (calc's own) is created as usual.
(() => {
  const Native = window.Worker;
  if (typeof Native !== "function" || typeof EventTarget !== "function") return;
  const SEARCH_WORKER = /\/workers\/search\.[^/]*\.js(\?|#|$)/;
  const LATEST_MS = 10_000;
  const held = [];
  let open = false;
  let runtimeStarting = false;

  const release = () => {
    if (open) return;
    open = true;
    for (const start of held.splice(0)) start();
  };

  class HeldWorker extends EventTarget {
    constructor(url, options) {
      super();
      const queue = [];
      let real = null, ended = false;
      this.onmessage = null;
      this.onerror = null;
      this.postMessage = (message, transfer) => {
        if (real) real.postMessage(message, transfer);
        else if (!ended) queue.push([message, transfer]);
      };
      this.terminate = () => {
        ended = true;
        queue.length = 0;
        real?.terminate();
      };
      held.push(() => {
        if (ended) return;
        real = new Native(url, options);
        for (const type of ["message", "messageerror", "error"]) {
          real.addEventListener(type, (event) => {
            const copy = type === "error"
              ? new ErrorEvent("error", { message: event.message, filename: event.filename,
                                          lineno: event.lineno, colno: event.colno })
              : new MessageEvent(type, { data: event.data });
            this.dispatchEvent(copy);
            this[`on${type}`]?.(copy);
          });
        }
        for (const [message, transfer] of queue.splice(0)) real.postMessage(message, transfer);
      });
    }
  }

  function Worker(url, options) {
    if (open || !SEARCH_WORKER.test(String(url))) return new Native(url, options);
    return new HeldWorker(url, options);
  }
  Worker.prototype = Native.prototype;
  window.Worker = Worker;

  if (new URLSearchParams(location.search).has("q")) release();
  const SEARCH = ".md-search, label[for='__search'], #__search";
  const reach = (event) => { if (event.target.closest?.(SEARCH)) release(); };
  for (const type of ["pointerover", "pointerdown", "touchstart", "focusin"]) {
    document.addEventListener(type, reach, { capture: true, passive: true });
  }
  document.addEventListener("keydown", (event) => {
    if (["f", "s", "/"].includes(event.key?.toLowerCase())) release();
  }, { capture: true });
  document.addEventListener("calc:runtime-starting", () => { runtimeStarting = true; });
  document.addEventListener("calc:runtime-settled", release);
  addEventListener("load", () => { if (!runtimeStarting) release(); });
  setTimeout(release, LATEST_MS);
})();
