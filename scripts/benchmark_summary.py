"""Print result files of scripts/benchmark.py as a table: measured beside predicted.

    python scripts/benchmark_summary.py FILE.json [FILE.json ...] [--model resnet50]

One row per result: the configuration, the median time and its [min, max], images per
second, the roofline's prediction, measured / predicted, the fraction of the prediction
device's peak FLOP/s achieved, and peak memory (GPU runs). It reads and prints; it
computes nothing the file does not hold but the ratio.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def rows(document: dict, model: str | None = None) -> list[str]:
    head = (f"{'model':<24} {'source':<11} {'mode':<9} {'batch':>5} {'dtype':<8} {'layout':<6} "
            f"{'median ms':>10} {'min..max ms':>19} {'img/s':>9} {'pred. ms':>9} "
            f"{'meas/pred':>9} {'of peak':>7} {'peak MiB':>9}")
    out = [head, "-" * len(head)]
    for r in document["results"]:
        if model and r["model"] != model:
            continue
        layout = ("NHWC" if r["channels_last"] else "NCHW") + ("+c" if r["compiled"] else "")
        pred = r["predicted_ms"]
        ratio = f"{r['median_ms'] / pred:9.2f}" if pred else f"{'-':>9}"
        frac = (f"{100 * r['achieved_fraction']:6.1f}%" if r["achieved_fraction"] is not None
                else f"{'-':>7}")
        mem = (f"{r['peak_memory_bytes'] / 2**20:9.0f}" if r["peak_memory_bytes"] is not None
               else f"{'-':>9}")
        spread = f"{r['spread_ms'][0]:.3f}..{r['spread_ms'][1]:.3f}"
        out.append(f"{r['model']:<24} {r['source']:<11} {r['mode']:<9} {r['batch']:>5} "
                   f"{r['dtype']:<8} {layout:<6} {r['median_ms']:10.3f} {spread:>19} "
                   f"{r['images_per_s']:9.1f} {pred or 0:9.3f} {ratio} {frac} {mem}")
    for s in document["skipped"]:
        if not model or s["model"] == model:
            out.append(f"skipped: {s['model']} {s['source']} {s['mode']} b={s['batch']} "
                       f"{s['dtype']}: {s['reason']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--model", default=None, help="only this model's rows")
    args = parser.parse_args()
    for path in args.files:
        d = json.loads(path.read_text())
        load = d["load_average"]
        print(f"{path.name}: {d['device']['type'].upper()} {d['device']['name']}, torch "
              f"{d['software']['torch']}, {d['date']}, predictions for "
              f"{d['prediction']['device_id']}"
              + (f", load {load['start'][0]} -> {load['end'][0]}" if load else "")
              + ("" if d["complete"] else " (INCOMPLETE)"))
        print("\n".join(rows(d, args.model)))
        print()


if __name__ == "__main__":
    main()
