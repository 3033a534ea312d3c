"""Command line: ``python -m calc`` / ``calc``. The only module that prints.

Invalid input prints ``error: <message>`` on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import arithmetic
from .errors import CalcError
from .models import families, get_model, list_models
from .render import json as render_json
from .render import numbers, text
from .summary import summarize


def _dims(value: str, name: str, count=(1, 2)):
    """``224`` -> 224, ``224x192`` -> (224, 192); ``3x224x224`` for shapes."""
    parts = value.lower().split("x")
    if len(parts) not in count or not all(p.strip().lstrip("+-").isdigit() for p in parts):
        want = " or ".join({1: "N", 2: "HxW", 3: "CxHxW"}[c] for c in count)
        raise CalcError(f"{name} must be {want} with whole numbers, got {value[:40]!r}")
    dims = tuple(int(p) for p in parts)
    return dims[0] if len(dims) == 1 else dims


def _show(value) -> str:
    return numbers.pair(value) if isinstance(value, tuple) else str(value)


def cmd_models(args) -> int:
    if args.json:
        print(json.dumps({"models": list_models(),
                          "families": [{"pattern": f.pattern.pattern, "example": f.example,
                                        "description": f.description} for f in families()]},
                         indent=2))
        return 0
    print("Models:")
    for name in list_models():
        print(f"  {name}")
    if families():
        print("Families (any member, e.g. the example):")
        for f in families():
            print(f"  {f.example:<24} {f.description}")
    return 0


def cmd_summary(args) -> int:
    kwargs = {}
    if args.input:
        shape = _dims(args.input, "--input", count=(1, 3))
        kwargs["input_shape"] = shape if isinstance(shape, tuple) else (shape,)
    if args.num_classes is not None:
        kwargs["num_classes"] = args.num_classes
    s = summarize(get_model(args.name, **kwargs))
    mem = s.memory(args.batch, args.dtype)
    if args.json:
        print(json.dumps(render_json.summary_dict(s, mem)))
    else:
        print(text.summary_table(s, mem))
    return 0


def _conv_args(args) -> dict:
    return {"kernel_size": _dims(args.kernel_size, "--kernel-size"),
            "stride": _dims(args.stride, "--stride"),
            "padding": _dims(args.padding, "--padding"),
            "dilation": _dims(args.dilation, "--dilation")}


def cmd_conv(args) -> int:
    out = arithmetic.conv_output_size(_dims(args.size, "size"), **_conv_args(args))
    print(_show(out))
    return 0


def cmd_pool(args) -> int:
    kw = _conv_args(args)
    if args.stride is None:
        kw["stride"] = None
    out = arithmetic.pool_output_size(_dims(args.size, "size"), ceil_mode=args.ceil_mode, **kw)
    print(_show(out))
    return 0


def cmd_conv_transpose(args) -> int:
    out = arithmetic.conv_transpose_output_size(
        _dims(args.size, "size"), output_padding=_dims(args.output_padding, "--output-padding"),
        **_conv_args(args))
    print(_show(out))
    return 0


def cmd_padding(args) -> int:
    size, target = _dims(args.size, "size", (1,)), _dims(args.target, "target", (1,))
    k, s, d = (_dims(v, n, (1,)) for v, n in ((args.kernel_size, "--kernel-size"),
                                               (args.stride, "--stride"),
                                               (args.dilation, "--dilation")))
    options = arithmetic.padding_for_output(size, target, k, s, d)
    same = arithmetic.tf_same_padding(size, k, s, d)
    if args.json:
        print(json.dumps({"padding": options, "tf_same": {"output": same.output,
                                                          "before": same.before,
                                                          "after": same.after}}))
        return 0
    if options:
        print("symmetric padding: " + ", ".join(map(str, options)))
    else:
        print(f"no symmetric padding maps {size} to {target}")
    print(f'TF "SAME" (output {same.output}): before {same.before}, after {same.after}')
    return 0


def cmd_solve(args) -> int:
    solver = arithmetic.solve_conv_transpose if args.transpose else arithmetic.solve_conv
    found = solver(_dims(args.size, "size", (1,)), _dims(args.target, "target", (1,)),
                   args.max_kernel_size, args.max_stride, args.max_padding, args.dilation)
    if args.json:
        print(json.dumps([vars(c) for c in found]))
        return 0
    if not found:
        print("no solution within the bounds")
        return 0
    print("kernel_size  stride  padding  output_padding")
    for c in found:
        print(f"{c.kernel_size:>11}  {c.stride:>6}  {c.padding:>7}  {c.output_padding:>14}")
    return 0


def _add_conv_options(p, stride_default="1"):
    p.add_argument("size", help="input size: N or HxW")
    p.add_argument("-k", "--kernel-size", required=True, help="N or HxW")
    p.add_argument("-s", "--stride", default=stride_default, help="N or HxW")
    p.add_argument("-p", "--padding", default="0", help="N or HxW")
    p.add_argument("-d", "--dilation", default="1", help="N or HxW")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="calc", description="Exact arithmetic of convolutional "
                                  "networks: sizes, solvers, summaries of a model zoo.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("models", help="list the zoo's models and families")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_models)

    p = sub.add_parser("summary", help="per-layer table of a model: shapes, params, MACs, RF")
    p.add_argument("name", help="a model or family member, e.g. resnet50, wrn_40_4")
    p.add_argument("--input", help="input shape CxHxW (e.g. 3x224x224)")
    p.add_argument("--num-classes", type=int)
    p.add_argument("--batch", type=int, default=1, help="batch size for memory (default 1)")
    p.add_argument("--dtype", default="float32", help="float32, float16, bfloat16, float64, int8")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_summary)

    p = sub.add_parser("conv", help="output size of a convolution")
    _add_conv_options(p)
    p.set_defaults(run=cmd_conv)

    p = sub.add_parser("pool", help="output size of max/avg pooling (stride defaults to kernel)")
    _add_conv_options(p, stride_default=None)
    p.add_argument("--ceil-mode", action="store_true")
    p.set_defaults(run=cmd_pool)

    p = sub.add_parser("conv-transpose", help="output size of a transposed convolution")
    _add_conv_options(p)
    p.add_argument("--output-padding", default="0", help="N or HxW")
    p.set_defaults(run=cmd_conv_transpose)

    p = sub.add_parser("padding", help="padding that maps SIZE to TARGET (and TF SAME)")
    p.add_argument("size")
    p.add_argument("target")
    p.add_argument("-k", "--kernel-size", required=True)
    p.add_argument("-s", "--stride", default="1")
    p.add_argument("-d", "--dilation", default="1")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_padding)

    p = sub.add_parser("solve", help="every (kernel, stride, padding, output_padding) SIZE->TARGET")
    p.add_argument("size")
    p.add_argument("target")
    p.add_argument("--transpose", action="store_true", help="solve for a transposed conv")
    p.add_argument("--max-kernel-size", type=int, default=7)
    p.add_argument("--max-stride", type=int, default=4)
    p.add_argument("--max-padding", type=int, default=3)
    p.add_argument("--dilation", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_solve)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CalcError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
