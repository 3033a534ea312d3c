"""Time calc's summary against torchinfo's on the same torchvision models, side by side.

    python scripts/bench_summary.py [--repeat N]

For resnet50, densenet201 and vgg16 at 3x224x224: calc builds the network and
summarises it (median of N runs); torchinfo summarises torchvision's model of
the same name on the CPU (median of 3 runs, model construction excluded,
torchinfo's own forward pass included as it is how it measures). Params, MACs
and every shared layer's output shape are compared, so a ratio is reported only
for identical answers. Then all zoo networks are summarised together.
Ratios come from one run on one machine; run it again rather than trusting a
single figure on a noisy machine.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from calc.models import get_model, list_models
from calc.summary import summarize

MODELS = ("resnet50", "densenet201", "vgg16")


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def torchinfo_shapes(stats) -> dict:
    """Dotted module path (as named_modules() names it) -> per-sample output shape."""
    shapes = {}
    for info in stats.summary_list:
        path, node = [], info
        while node is not None and node.depth > 0:
            path.append(node.var_name)
            node = node.parent_info
        if path and info.output_size and isinstance(info.output_size[0], int):
            shapes.setdefault(".".join(reversed(path)), tuple(info.output_size[1:]))
    return shapes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="calc runs per model (median)")
    args = parser.parse_args()

    import torch
    import torchinfo
    import torchvision

    torch.set_num_threads(max(1, torch.get_num_threads()))
    print(f"python {platform.python_version()}, torch {torch.__version__}, torchvision "
          f"{torchvision.__version__}, torchinfo {torchinfo.__version__}, "
          f"{torch.get_num_threads()} CPU threads")
    print(f"{'model':<12} {'calc ms':>9} {'torchinfo ms':>13} {'ratio':>8}  params  MACs(calc)"
          f"  MACs(torchinfo)  shapes")
    for name in MODELS:
        calc_s = median_seconds(lambda: summarize(get_model(name)), args.repeat)
        summary = summarize(get_model(name))
        model = getattr(torchvision.models, name)().eval()
        stats = None

        def run_torchinfo():
            nonlocal stats
            stats = torchinfo.summary(model, input_size=(1, 3, 224, 224), device="cpu",
                                      verbose=0, depth=10)
        ti_s = median_seconds(run_torchinfo, 3)
        # layers with parameters: modules that torchvision calls once each
        calc_shapes = {r.name: r.output for r in summary.rows if r.params}
        theirs = torchinfo_shapes(stats)
        shared = [n for n in calc_shapes if n in theirs]
        same_shapes = all(calc_shapes[n] == theirs[n] for n in shared)
        same_params = summary.params == stats.total_params
        print(f"{name:<12} {calc_s * 1e3:>9.2f} {ti_s * 1e3:>13.1f} {ti_s / calc_s:>7.0f}x"
              f"  {'same' if same_params else 'DIFFER'}  {summary.macs:>11,}  "
              f"{stats.total_mult_adds:>15,}  {len(shared)} shared layers "
              f"{'same' if same_shapes else 'DIFFER'} (calc has {len(calc_shapes)})")

    names = list_models()
    total = median_seconds(lambda: [summarize(get_model(n)) for n in names], 5)
    print(f"all {len(names)} zoo presets built and summarised: {total * 1e3:.1f} ms "
          f"(median of 5)")


if __name__ == "__main__":
    main()
