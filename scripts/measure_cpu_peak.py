"""Measure this CPU's roofline: peak FLOP/s per dtype (matmul, convolution) and copy bandwidth.

    python scripts/measure_cpu_peak.py [--size 2048] [--repeat 10] [--dtypes float32,bfloat16]
                                       [--json]

The figures of the ``cpu`` entry of calc/roofline.py's device table come from this script:

* compute: the faster of two kernels, at float32 and bfloat16 (the dtypes
  scripts/benchmark.py runs on a CPU), on all the threads torch uses: ``torch.mm`` of two
  ``size x size`` matrices (``2 * size**3`` FLOPs; BLAS, which is MKL in the PyTorch
  wheels) and a 1x1 convolution of a (16, 1024, 14, 14) input to 1024 maps
  (``2 * 16 * 1024 * 1024 * 14 * 14`` FLOPs; oneDNN, which runs the networks'
  convolutions). They differ: on an AMD CPU, MKL's float32 GEMM takes its AVX2 path while
  oneDNN uses AVX-512, twice as fast on this machine. float16 may be asked for, but a CPU
  without float16 arithmetic (this one) runs it about a hundred times slower than float32;
* bandwidth: ``dst.copy_(src)`` of a 256 MiB float32 tensor, which reads and writes it:
  ``2 * 256 MiB`` bytes moved per copy (a STREAM "copy", McCalpin's STREAM benchmark).

Each is run ``--repeat`` times after one warm-up; the best (the least disturbed run) is the
peak, and the median is printed beside it. The load average is printed with the figures:
on a shared machine, quote it with them. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from benchmark import cpu_model   # the name benchmark.py records for the same CPU


def timed(fn, repeat: int) -> list[float]:
    fn()                                  # warm-up: allocation, thread pool, kernel choice
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2048, help="matrix side (default 2048)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per figure")
    parser.add_argument("--dtypes", default="float32,bfloat16",
                        help="comma-separated: float32, bfloat16, float16")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    import torch

    load_before = os.getloadavg()
    n = args.size
    figures = {}
    for name in args.dtypes.split(","):
        dtype = getattr(torch, name)
        a = torch.randn(n, n).to(dtype)
        b = torch.randn(n, n).to(dtype)
        x = torch.randn(16, 1024, 14, 14).to(dtype)
        w = torch.randn(1024, 1024, 1, 1).to(dtype)
        kernels = {"matmul": (lambda: torch.mm(a, b), 2 * n**3),
                   "conv1x1": (lambda: torch.nn.functional.conv2d(x, w),
                               2 * 16 * 1024 * 1024 * 14 * 14)}
        figures[name] = {}
        with torch.no_grad():
            for kernel, (fn, flops) in kernels.items():
                times = timed(fn, args.repeat)
                figures[name][kernel] = {"best_flop_per_s": flops / min(times),
                                         "median_flop_per_s": flops / statistics.median(times)}
    elements = 256 * 2**20 // 4
    src = torch.randn(elements)
    dst = torch.empty_like(src)
    times = timed(lambda: dst.copy_(src), args.repeat)
    moved = 2 * elements * 4
    bandwidth = {"best_bytes_per_s": moved / min(times),
                 "median_bytes_per_s": moved / statistics.median(times)}
    result = {"cpu": cpu_model(), "cores": os.cpu_count(), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "matmul_size": n, "repeat": args.repeat,
              "load_average": {"before": load_before, "after": os.getloadavg()},
              "compute": figures, "copy_bandwidth": bandwidth}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['cpu']}, {result['cores']} cores, {result['threads']} torch threads, "
          f"torch {torch.__version__}")
    after = result["load_average"]["after"]
    print(f"load average before {load_before[0]:.2f}, after {after[0]:.2f}")
    for name, kernels in figures.items():
        for kernel, f in kernels.items():
            print(f"{kernel:<8} {name:<9} best {f['best_flop_per_s'] / 1e9:8.1f} GFLOP/s   "
                  f"median {f['median_flop_per_s'] / 1e9:8.1f} GFLOP/s")
    print(f"copy               best {bandwidth['best_bytes_per_s'] / 1e9:8.1f} GB/s      "
          f"median {bandwidth['median_bytes_per_s'] / 1e9:8.1f} GB/s")


if __name__ == "__main__":
    main()
