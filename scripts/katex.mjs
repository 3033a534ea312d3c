// TeX to HTML at build time, with the KaTeX pinned in package.json (scripts/hooks/typeset.py).
//
//   node scripts/katex.mjs < [{"tex": "k + 2p", "display": false}, ...]
//   -> [{"html": "<span class=\"katex\">…"} | {"error": "KaTeX parse error: …"}, ...]
//
// The output holds KaTeX's HTML for the eye and its MathML for screen readers; the page
// needs katex.min.css and its fonts, no script.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const katex = createRequire(import.meta.url)("katex");
const items = JSON.parse(readFileSync(0, "utf8"));
const out = items.map(({ tex, display }) => {
  try {
    return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true,
                                               strict: "error" }) };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
process.stdout.write(JSON.stringify(out));
