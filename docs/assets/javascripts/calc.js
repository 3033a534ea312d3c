// Live calculators for every page.
//
// Each calculator is a `[data-calc="<id>"]` root holding `.calc-form`, `.calc-output`
// and `.calc-status`, pre-rendered at build time. This module mounts the roots on
// mkdocs-material's `document$` (instant navigation never reloads the page), sends
// the form's raw values to ONE worker running calc.web in Pyodide and swaps in
// the HTML it returns. It computes and formats nothing.
//
// `data-calc-state`: static (built HTML, no script yet) -> loading -> ready, or
// error (the pre-rendered result stays and `.calc-status` says why).
// Values that differ from the page's own live in the query string as
// `<id>.<field>=<value>` (`<id>-<n>.<field>` for the n-th calculator with the
// same id on a page), so a copied link restores what the reader saw.

const STARTUP_TIMEOUT_MS = 20_000; // Pyodide is ~6 MB compressed: allow a slow link
const REQUEST_TIMEOUT_MS = 10_000; // a runaway calculation: stop the worker, start afresh

let runtime = null;   // URLs of the worker, Pyodide, its stdlib zip and the calc zip
let worker = null;   // {thread, ready, pending, stop}: survives instant navigation
let failure = null;  // why the runtime could not start; kept for the rest of the visit
let lastSeq = 0;

// URLs written by scripts/hooks/runtime.py, relative to this module's folder.
function readRuntime() {
  const tag = document.getElementById("calc-runtime");
  if (!tag) return null;
  const paths = JSON.parse(tag.textContent);
  const url = (path) => new URL(path, import.meta.url).href;
  return { worker: url(paths.worker), pyodide: url(paths.pyodide), stdlib: url(paths.stdlib),
           calc: url(paths.calc), lock: paths.lock, calculators: paths.calculators ?? [],
           pages: new Set((paths.pages ?? []).map((page) => new URL(page, import.meta.url).pathname)) };
}

function startWorker() {
  if (worker) return worker;
  if (failure) { // failed for good: no new worker on every edit
    const ready = Promise.reject(new Error(failure));
    ready.catch(() => {});
    return { ready };
  }
  // started by the <head> for a link to a calculator (scripts/hooks/early_worker.js)
  const early = window.__calcEarlyWorker;
  window.__calcEarlyWorker = null;
  let thread = early?.thread;
  try {
    if (!thread) {
      performance.mark("calc:worker-start");   // for scripts/measure_site.py
      thread = new Worker(runtime.worker, { type: "module" });
    }
  } catch (error) { // e.g. a Content-Security-Policy that forbids workers
    failure = error.message;
    const ready = Promise.reject(error);
    ready.catch(() => {});
    return { ready };
  }
  const current = { thread, pending: new Map() };
  current.stop = (message) => {
    thread.terminate();
    if (worker === current) worker = null;
    for (const request of current.pending.values()) request.reject(new Error(message));
    current.pending.clear();
  };
  current.ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the Python runtime did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS);
    thread.onmessage = ({ data }) => {
      if (data.type === "ready") {
        clearTimeout(timer);
        performance.mark("calc:worker-ready");
        resolve();
      } else if (data.type === "failed") {
        clearTimeout(timer);
        reject(new Error(data.message));
      } else if (data.type === "result") {
        const request = current.pending.get(data.seq);
        current.pending.delete(data.seq);
        request?.settle(data);
      }
    };
    thread.onerror = (event) => {
      clearTimeout(timer);
      const message = event.message || "the calculator worker failed to load";
      reject(new Error(message));
      current.stop(message);
    };
    for (const event of early?.messages ?? []) thread.onmessage(event);   // before calc.js ran
    if (early?.error) thread.onerror({ message: early.error });
  });
  current.ready.catch((error) => {
    failure = error.message;
    current.stop(error.message);
  });
  // search_gate.js holds mkdocs-material's search indexing until the runtime has settled
  document.dispatchEvent(new Event("calc:runtime-starting"));
  const settled = () => document.dispatchEvent(new Event("calc:runtime-settled"));
  current.ready.then(settled, settled);
  if (!early) {   // (the early worker was sent the same message by the <head>)
    thread.postMessage({ type: "init", pyodide: runtime.pyodide, stdlib: runtime.stdlib,
                        calc: runtime.calc, lock: runtime.lock,
                        calculators: runtime.calculators });
  }
  worker = current;
  return current;
}

// One request to the worker: a result's HTML ({type: "run"}) or a part's text ({type: "part"}).
async function ask(message) {
  const current = startWorker();
  await current.ready;
  return new Promise((resolve, reject) => {
    const seq = ++lastSeq;
    const timer = setTimeout(
      () => current.stop(`the calculation took longer than ${REQUEST_TIMEOUT_MS / 1000} s and was stopped`),
      REQUEST_TIMEOUT_MS);
    current.pending.set(seq, {
      settle: (data) => {
        clearTimeout(timer);
        if (data.error === undefined) resolve(data.html ?? data.text);
        else reject(new Error(data.error));
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    current.thread.postMessage({ ...message, seq });
  });
}

const compute = (id, params) => ask({ type: "run", id, params });

// A part of the result written only when the reader asks for it (the designer's PyTorch
// code, its layer table): the empty `[data-calc-text][data-calc-part]` element is filled
// from the form's values now, as text, or as calc's HTML where it says `data-calc-html`.
// Returns the element, or null if the output was replaced meanwhile (the newer output's
// element is filled on its own turn).
async function fillPart(root, name) {
  const selector = `.calc-output [data-calc-part="${CSS.escape(name)}"][data-calc-text]`;
  const element = root.querySelector(selector);
  if (!element || element.dataset.calcFilled === "true") return element;
  element.setAttribute("aria-busy", "true");
  try {
    const text = await ask({ type: "part", id: root.dataset.calc, name,
                             params: values(root.querySelector(".calc-form")) });
    if (!element.isConnected) return null;
    if (element.hasAttribute("data-calc-html")) element.innerHTML = text;   // escaped by calc
    else element.textContent = text;
    element.dataset.calcFilled = "true";
    return element;
  } catch (error) {
    if (element.isConnected) element.textContent = `This could not be written: ${error.message}`;
    return null;
  } finally {
    element.removeAttribute("aria-busy");
  }
}

// The raw value of one form control: number inputs as text, checkboxes as booleans,
// selects as text. `initial` gives the value the page was built with instead.
function valueOf(el, initial = false) {
  if (el.type === "checkbox") return initial ? el.defaultChecked : el.checked;
  if (el.tagName === "SELECT") {
    if (!initial) return el.value;
    const option = [...el.options].find((o) => o.defaultSelected) ?? el.options[0];
    return option?.value ?? "";
  }
  if (initial) return el.defaultValue;
  // A number input reports "" for text it cannot parse; say so instead of "required".
  return el.validity?.badInput ? "(not a number)" : el.value;
}

function values(form) {
  const raw = {};
  for (const el of form.elements) if (el.name) raw[el.name] = valueOf(el);
  return raw;
}

// Long values (a network description) travel compressed: "z." + base64url(deflate-raw(UTF-8)).
const LONG_VALUE = 400;        // characters kept as they are in the query string
const MAX_LINK_VALUE = 30_000; // characters of one compressed value; longer ones stay out

function toBase64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const fromBase64url = (text) => Uint8Array.from(
  atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

async function packValue(value) {
  if (value.length <= LONG_VALUE || !window.CompressionStream) return value;
  return "z." + toBase64url(await pipe(new TextEncoder().encode(value),
                                       new CompressionStream("deflate-raw")));
}

async function unpackValue(value) {
  const bytes = await pipe(fromBase64url(value.slice(2)), new DecompressionStream("deflate-raw"));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

// Values from a shared link: {found, pending, dropped}; pending settles once compressed values
// are in; dropped says which values the fields could not hold (the page's own stay).
function restore(form, key) {
  const query = new URLSearchParams(location.search);
  let found = false;
  const waits = [], dropped = [];
  for (const el of form.elements) {
    const value = el.name ? query.get(`${key}.${el.name}`) : null;
    if (value === null) continue;
    found = true;
    if (el.type === "checkbox") el.checked = value === "true";
    else if (value.startsWith("z.")) {
      waits.push(unpackValue(value).then((text) => { el.value = text; }, () => {
        throw new Error(`its ${el.name} is corrupt or cut short, so the page's own is shown`);
      }));
    } else {
      el.value = value;
      if (el.value !== value) {   // a number field given text, a choice that does not exist
        el.value = valueOf(el, true);
        dropped.push(`The link's ${el.name} "${value.slice(0, 40)}" is not a value this field ` +
                     "can hold; the page's own is used.");
      }
    }
  }
  return { found, pending: waits.length ? Promise.all(waits) : null, dropped };
}

// The query string holds the values that differ from the page's own. Saves apply in order
// (compression is asynchronous); a value too long for a link is left out, and said so.
// A save writes only to the history entry of the page it was made on: a reader who has
// moved on (instant navigation) has another entry, which is not the calculator's.
let saves = Promise.resolve();
let savesInFlight = 0;
const SAVE_DELAY_MS = 400;   // Safari throws after 100 replaceState calls in 30 s
const saveTimers = new Map();   // key -> {timer, run}
function saveSoon(form, key, status) {
  clearTimeout(saveTimers.get(key)?.timer);
  const run = () => { saveTimers.delete(key); save(form, key, status); };
  saveTimers.set(key, { timer: setTimeout(run, SAVE_DELAY_MS), run });
}

// Before the reader leaves (a link, instant or not; the page hidden), the pending saves now.
function flushSaves() {
  for (const { timer, run } of [...saveTimers.values()]) {
    clearTimeout(timer);
    run();
  }
}
window.addEventListener("click", (event) => {
  if (event.target.closest?.("a[href]")) flushSaves();
}, true);   // capture: before mkdocs-material's instant navigation takes the click
window.addEventListener("pagehide", flushSaves);

function writeLink(page, key, entries, status) {
  if (location.pathname !== page) return;
  const url = new URL(location.href);
  let dropped = null;
  for (const [name, packed] of entries) {
    const param = `${key}.${name}`;
    if (packed === undefined) url.searchParams.delete(param);   // the page's own value
    else if (packed === null || packed.length > MAX_LINK_VALUE) {
      url.searchParams.delete(param);
      dropped = name;
    } else url.searchParams.set(param, packed);
  }
  try {
    history.replaceState(history.state, "", url);
  } catch (error) {   // a browser's rate limit: the link is stale, the result is not
    if (status) status.textContent = `This page's link could not be updated: ${error.message}.`;
    return;
  }
  if (dropped && status) {
    status.textContent = `The ${dropped} is too long to keep in this page's link; ` +
      "download it to share it.";
  }
}

function save(form, key, status) {
  const page = location.pathname;
  const pairs = [...form.elements].filter((el) => el.name)
    .map((el) => [el.name, String(valueOf(el)), String(valueOf(el, true))]);
  const short = (value) => value.length <= LONG_VALUE || !window.CompressionStream;
  if (!savesInFlight && pairs.every(([, value, initial]) => value === initial || short(value))) {
    // nothing to compress: written at once, so that a click right after keeps it
    writeLink(page, key, pairs.map(([name, value, initial]) =>
      [name, value === initial ? undefined : value]), status);
    return;
  }
  savesInFlight += 1;
  saves = saves.then(async () => {
    const entries = [];
    for (const [name, value, initial] of pairs) {
      entries.push([name, value === initial ? undefined
        : await packValue(value).catch(() => null)]);
    }
    writeLink(page, key, entries, status);
  }).catch(() => {}).finally(() => { savesInFlight -= 1; });
}

// After the worker's HTML is in place: copy each <template data-calc-fill="field"> into that
// field (and put back the one named by data-calc-reset). True if anything was filled.
function applyFills(form, output) {
  let filled = false;
  for (const template of output.querySelectorAll("template[data-calc-fill]")) {
    const field = form.elements.namedItem(template.dataset.calcFill);
    if (field) {
      field.value = template.content.textContent;
      filled = true;
    }
    const reset = template.dataset.calcReset && form.elements.namedItem(template.dataset.calcReset);
    if (reset) reset.value = valueOf(reset, true);
    template.remove();
  }
  return filled;
}

// A button with data-calc-download="file.ext" saves a text as that file: the text of the
// output's element data-calc-text="<source>", or of the field named by "field:<name>".
async function download(root, button) {
  const source = button.dataset.calcSource ?? "";
  let text;
  if (source.startsWith("field:")) {
    text = root.querySelector(".calc-form").elements.namedItem(source.slice(6))?.value;
  } else {
    let element = root.querySelector(`.calc-output [data-calc-text="${CSS.escape(source)}"]`);
    if (element?.dataset.calcPart) element = await fillPart(root, element.dataset.calcPart);
    text = element?.textContent;
  }
  if (text == null) return;
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  Object.assign(document.createElement("a"), { href: url, download: button.dataset.calcDownload })
    .click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Every mounted calculator's fail(): once the runtime has failed for good, all of them say so.
const failures = new Set();
function failEverywhere(reason) {
  failure ??= reason;
  for (const fail of [...failures]) fail(failure);
}

function mount(root, key) {
  if (root.dataset.calcState !== "static") return; // already mounted
  const form = root.querySelector(".calc-form");
  const output = root.querySelector(".calc-output");
  const status = root.querySelector(".calc-status");
  if (!form || !output || !status) return;
  const prerendered = output.innerHTML;
  form.addEventListener("submit", (event) => event.preventDefault());

  const fail = (reason) => {
    failures.delete(fail);
    root.dataset.calcState = "error";
    form.reset(); // back to the values the pre-rendered result was built with
    output.innerHTML = prerendered;
    output.removeAttribute("aria-busy");
    for (const fieldset of form.querySelectorAll("fieldset")) fieldset.disabled = true;
    status.textContent = `Live calculators are unavailable: ${reason}. ` +
      "The result shown is for the values this page was built with.";
  };

  let busy = false;
  const restored = restore(form, key); // values from a shared link: recompute once live
  let dirty = restored.found;
  if (failure || !runtime) return fail(failure ?? "the page does not say where the runtime is");
  failures.add(fail);
  root.dataset.calcState = "loading";
  let notice = restored.dropped.join(" ");   // said until the reader changes a value
  status.textContent = notice;

  // One request in flight per calculator; changes meanwhile coalesce into one more. A worker
  // that dies or overruns is replaced and the newest values run again, once.
  const update = async () => {
    dirty = true;
    if (busy) return;
    busy = true;
    output.setAttribute("aria-busy", "true");
    let restarted = null;
    try {
      while (dirty) {
        dirty = false;
        try {
          const html = await compute(root.dataset.calc, values(form));
          const open = [...output.querySelectorAll("details[data-calc-part][open]")]
            .map((details) => details.dataset.calcPart);
          output.innerHTML = html;
          for (const name of open) {   // a part the reader is reading stays open, rewritten
            const details = output.querySelector(`details[data-calc-part="${CSS.escape(name)}"]`);
            if (details) details.open = true;
          }
        } catch (error) {
          if (failure || restarted) throw error;
          restarted = error.message;   // startWorker() makes a new one for the retry
          dirty = true;
          continue;
        }
        if (applyFills(form, output)) {  // the worker sent new field values: compute again
          saveSoon(form, key, status);
          dirty = true;
        }
      }
      status.textContent = restarted
        ? `The calculator's worker stopped (${restarted}); it was restarted and ran the ` +
          "latest values again." : notice;
    } catch (error) {
      if (failure) failEverywhere(failure);
      else {
        status.textContent = `This result could not be updated: ${error.message}. ` +
          "Change a value to try again.";
      }
    } finally {
      busy = false;
      output.removeAttribute("aria-busy");
    }
  };
  form.addEventListener("input", () => {
    notice = "";
    update();                   // first the result, then (debounced) the link
    saveSoon(form, key, status);
  });
  // "toggle" does not bubble: caught on its way down
  output.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details.matches?.("details[data-calc-part]") && details.open) {
      fillPart(root, details.dataset.calcPart);
    }
  }, true);
  root.addEventListener("click", (event) => {
    const button = event.target.closest?.("[data-calc-download]");
    if (button) download(root, button);
    // a result's button that sets one of the form's fields (a generator stage's option)
    const setter = event.target.closest?.("[data-calc-set]");
    const field = setter && form.elements.namedItem(setter.dataset.calcSet);
    if (field) {
      field.value = setter.dataset.calcValue ?? "";
      form.dispatchEvent(new Event("input"));
    }
  });
  if (dirty) output.setAttribute("aria-busy", "true");

  startWorker().ready.then(async () => {
    if (restored.pending) {
      await restored.pending.catch((error) => {
        form.reset();   // the page's own values: the pre-rendered result is theirs
        dirty = false;
        output.removeAttribute("aria-busy");
        status.textContent = `This link could not be read: ${error.message}.`;
      });
    }
    if (dirty) await update();
    if (root.dataset.calcState === "loading") root.dataset.calcState = "ready";
  }, (error) => failEverywhere(error.message));
}

// The runtime (about 6 MB) starts on the reader's intent, never for a reader who only reads:
// a calculator within a screen of the viewport, a touch of a calculator's form, or a pointer
// over (or focus on) a link to a page with calculators (not under Save-Data).
function linkIntent(event) {
  const link = event.target.closest?.("a[href]");
  if (!link || !runtime || worker || failure || navigator.connection?.saveData) return;
  const url = new URL(link.href, location.href);
  if (url.origin === location.origin && runtime.pages.has(url.pathname)) startWorker();
}
document.addEventListener("pointerover", linkIntent, { passive: true });
document.addEventListener("focusin", linkIntent);

const NEAR = { rootMargin: "100% 0px" };   // "near the viewport": within a screen of it
let watching = null;   // the IntersectionObserver of the current page's calculators
function mountOnIntent(roots, keys) {
  watching?.disconnect();
  const mountAll = () => {
    watching?.disconnect();
    watching = null;
    roots.forEach((root, i) => mount(root, keys[i]));
  };
  const shared = keys.some((key) => [...new URLSearchParams(location.search).keys()]
    .some((name) => name.startsWith(`${key}.`)));   // a shared state: show it at once
  if (worker || shared || !window.IntersectionObserver) return mountAll();
  watching = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) mountAll();
  }, NEAR);
  for (const root of roots) {
    watching.observe(root);
    root.addEventListener("focusin", mountAll, { once: true });
    root.addEventListener("pointerdown", mountAll, { once: true });
  }
}

// Tables built with sortable=True (scripts/chapters): a click on a header sorts the rows by
// that column, numbers by their data-sort value, text by its words; again, the other way.
function makeSortable(table) {
  if (table.dataset.sortable === "on") return;
  table.dataset.sortable = "on";
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, column) => {
    th.tabIndex = 0;
    th.setAttribute("role", "columnheader button");
    const sort = () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = (row) => {
        const cell = row.cells[column];
        return cell?.dataset.sort !== undefined ? Number(cell.dataset.sort) : cell?.textContent ?? "";
      };
      const rows = [...table.tBodies[0].rows].sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y
          : String(x).localeCompare(String(y), undefined, { numeric: true });
        return ascending ? order : -order;
      });
      table.tBodies[0].append(...rows);
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sort();
      }
    });
  });
}

function mountPage() {
  runtime ??= readRuntime();
  for (const table of document.querySelectorAll("table.calc-sortable")) makeSortable(table);
  const seen = new Map(), roots = [], keys = [];
  for (const root of document.querySelectorAll("[data-calc]")) {
    const id = root.dataset.calc;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    roots.push(root);
    keys.push(n > 1 ? `${id}-${n}` : id);
  }
  if (!roots.length) return;
  // a page reached by instant navigation: the running worker imports what its calculators need
  worker?.thread.postMessage({ type: "prepare", ids: [...seen.keys()] });
  mountOnIntent(roots, keys);
}

// This module loads async from the <head> (scripts/hooks/runtime.py), so it runs while the
// page is still being parsed: a calculator parsed near the viewport starts the runtime then,
// not after the rest of a long page and mkdocs-material's start-up (hundreds of ms there).
// The calculators themselves mount once the page is parsed, on material's document$.
function intentWhileParsing() {
  runtime ??= readRuntime();
  if (!runtime || navigator.connection?.saveData) return;
  // a link to a calculator on this page: intent enough
  if (location.hash.startsWith("#calc-") && runtime.calculators.length) {
    startWorker();
    return;
  }
  if (!window.IntersectionObserver) return;
  const seen = new WeakSet();
  const near = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      stop();
      startWorker();
    }
  }, NEAR);
  const watch = () => {
    for (const root of document.querySelectorAll("[data-calc]")) {
      if (!seen.has(root)) { seen.add(root); near.observe(root); }
    }
  };
  const parsed = new MutationObserver(watch);
  const stop = () => { parsed.disconnect(); near.disconnect(); };
  watch();
  parsed.observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", stop, { once: true });   // mountOnIntent's turn
}

function mountWhenParsed() {
  if (window.document$) window.document$.subscribe(mountPage);
  else mountPage();
}

if (document.readyState === "loading") {
  intentWhileParsing();
  document.addEventListener("DOMContentLoaded", mountWhenParsed, { once: true });
} else {
  mountWhenParsed();
}
