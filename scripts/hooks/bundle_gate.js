// Inlined at the top of every page's <head> by scripts/hooks/theme_gates.py, which puts
// `__calcBundle(URL)` where mkdocs-material's bundle was and a preload for it in the <head>.
//
// When the calculators' runtime is starting as the page finishes parsing (a link to a
// calculator started it from the <head>, early_worker.js, or calc.js did, for a calculator
// near the viewport), mkdocs-material's bundle waits until the first of:
// - the runtime settles (calc:runtime-settled: ready, or failed for good);
// - the reader reaches for the page (pointer down, touch, key);
// - 10 s.
// The bundle's script and its start-up (about 0.3 s of main-thread work on a long chapter)
// would otherwise compete with Pyodide's start-up for the CPU. The page is already laid
// out and readable; the bundle only adds search, instant navigation and the like.
// On every other visit the bundle runs as soon as it arrives.
//
// A bundle that runs after DOMContentLoaded still starts: mkdocs-material's document$
// waits for that event, so while the bundle's script runs, a listener added for an event
// that has already fired is called at once, as the event would have called it.
(() => {
  const LATEST_MS = 10_000;
  let open = false;
  let starting = false;
  let held = null;   // the bundle's URL while it waits

  const load = (src) => {
    const script = document.createElement("script");
    document.addEventListener = function (type, listener, options) {
      if (type !== "DOMContentLoaded" || document.readyState === "loading") {
        return EventTarget.prototype.addEventListener.call(this, type, listener, options);
      }
      queueMicrotask(() => {
        const event = new Event(type);
        if (typeof listener === "function") listener.call(document, event);
        else listener?.handleEvent?.(event);
      });
    };
    script.onload = script.onerror = () => { delete document.addEventListener; };
    script.src = src;
    document.body.append(script);
  };

  const INTENT = ["pointerdown", "touchstart", "keydown"];
  const release = () => {
    if (open) return;
    open = true;
    for (const type of INTENT) removeEventListener(type, release, { capture: true });
    if (held !== null) load(held);
    held = null;
  };

  window.__calcBundle = (src) => {
    const early = window.__calcEarlyWorker;   // null once calc.js has adopted it
    if (open || !(starting || (early && !early.error))) load(src);
    else held = src;
  };

  document.addEventListener("calc:runtime-starting", () => { starting = true; });
  document.addEventListener("calc:runtime-settled", release);
  for (const type of INTENT) addEventListener(type, release, { capture: true, passive: true });
  setTimeout(release, LATEST_MS);
})();
