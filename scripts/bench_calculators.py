"""Time every calculator's recompute in CPython, at its largest realistic member.

    python scripts/bench_calculators.py [--repeat N]

``calc.web.run`` is what the browser's worker calls on every input change, so this is the
Python share of an update; the browser adds the worker round trip and the DOM swap (see
``scripts/measure_site.py``, part iv). Each case: median and fastest of N runs, after one
warm-up run; the load average is printed beside the figures because the machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

from calc import web

# calculator id -> form values: the largest member each chapter's calculator is meant for
CASES = {
    "alexnet": {"variant": "paper", "size": "227"},
    "vgg": {"cfg": "E", "batch_norm": True, "size": "224"},             # vgg19_bn
    "googlenet": {"variant": "paper", "aux_logits": True},
    "inception-v3": {"size": "299"},
    "inception-module": {},
    "resnet": {"block": "bottleneck", "layers": "3,8,36,3"},             # resnet152
    "densenet": {"block_config": "6,12,48,32"},                          # densenet201
    "cifar-resnet": {"depth": "1202"},
    "preact-resnet": {"depth": "1001"},
    "wrn": {"depth": "28", "widen_factor": "10"},
    "cifar-densenet": {"depth": "250", "growth_rate": "24"},
    "network-summary": {"model": "densenet201"},
    "conv-output": {"size": "224", "kernel_size": "11", "stride": "4"},
    "conv-transpose-output": {"size": "64", "kernel_size": "5", "stride": "2"},
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average (1 min) "
          f"{os.getloadavg()[0]:.2f} before")
    print(f"{'calculator':<22} {'member':<40} {'median ms':>10} {'fastest':>8} {'html KiB':>9}")
    for calc_id, raw in CASES.items():
        params = json.dumps(raw)
        out = web.run(calc_id, params)                  # warm-up; also checks it computes
        if "calc-error" in out:
            raise SystemExit(f"{calc_id}: {out[:200]}")
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            web.run(calc_id, params)
            times.append((time.perf_counter() - start) * 1000)
        member = ", ".join(f"{k}={v}" for k, v in raw.items()) or "defaults"
        print(f"{calc_id:<22} {member:<40} {statistics.median(times):10.2f} {min(times):8.2f} "
              f"{len(out) / 1024:9.1f}")
    print(f"load average (1 min) {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
