"""Command line: ``python -m calc`` / ``calc``. The only module that prints.

Invalid input prints ``error: <message>`` on stderr and exits with status 2; warnings about
a layer (rows it never reads, uneven overlap) go to stderr as ``warning: <message>``, so the
answer on stdout stays one line a script can read. A closed pipe (``calc models | head``)
ends quietly; an output that cannot be written ends with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import arithmetic, coverage, generator, validate
from .checks import check
from .description import parse_with_lines
from .errors import CalcError
from .memory import DTYPE_BYTES
from .models import describe_family, families, get_model, list_models, parse_settings
from .render import json as render_json
from .render import numbers, text
from .render.checks_text import findings_items, findings_text, labelled
from .render.coverage_text import axes_warnings, transpose_warnings, window_warnings
from .render.description import describe
from .render.pytorch import class_name, to_pytorch, usable_class_name
from .summary import summarize

MAX_LISTED = 1000   # rows of a solver's answer printed; JSON refuses more


def _show(value) -> str:
    return numbers.pair(value) if isinstance(value, tuple) else str(value)


def _int(text_value: str, name: str, minimum: int = 0, maximum: int = validate.MAX_SIZE) -> int:
    return validate.integer(name, validate.parse_int(name, text_value), minimum, maximum)


def _answer(args, output, warnings) -> int:
    if args.json:
        print(json.dumps({"output": list(output) if isinstance(output, tuple) else output,
                          "warnings": warnings}))
        return 0
    print(_show(output))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_models(args) -> int:
    if args.json:
        print(json.dumps({"models": list_models(),
                          "families": [describe_family(f) for f in families()]}, indent=2))
        return 0
    print("Models:")
    for name in list_models():
        print(f"  {name}")
    print("Families (python -m calc summary FAMILY --set KNOB=VALUE; members such as the "
          "example also by name):")
    for f in families():
        knobs = ", ".join(k.name for k in f.knobs)
        print(f"  {f.name:<16} {f.description}")
        print(f"  {'':<16} knobs: {knobs}" + (f"; e.g. {f.example}" if f.example else ""))
    return 0


def _read(path: str) -> str:
    """A description file's text (``-`` is standard input), bounded before it is read whole."""
    from .description import MAX_TEXT
    try:
        if path == "-":
            text = sys.stdin.read(MAX_TEXT + 1)
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read(MAX_TEXT + 1)
    except OSError as err:
        raise CalcError(f"--file: cannot read {path[:80]!r}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise CalcError(f"--file: {path[:80]!r} is not UTF-8 text") from None
    return text


def _network(args):
    """The network a command names: a zoo name with --set/--input/--num-classes, or --file."""
    return _network_and_lines(args)[0]


def _network_and_lines(args):
    """:func:`_network`, and for --file the line of the file that made each node (else
    ``None``): errors and findings then name the file's lines."""
    if args.file is not None:
        if args.name or args.set or args.input or args.num_classes is not None:
            raise CalcError("--file describes the whole network: give no model name, --set, "
                            "--input or --num-classes with it")
        return parse_with_lines(_read(args.file), name=_file_name(args.file))
    if not args.name:
        raise CalcError("give a model name (see `python -m calc models`) or --file")
    settings = {}
    for item in args.set or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CalcError(f"--set must be NAME=VALUE, got {validate.shown(item, 40)}")
        if name.strip() in settings:
            raise CalcError(f"--set {name.strip()} is given twice")
        settings[name.strip()] = value
    if args.input:
        shape = validate.parse_dims("--input", args.input, counts=(1, 3))
        settings["input_shape"] = shape if isinstance(shape, tuple) else (shape,)
    if args.num_classes is not None:
        settings["num_classes"] = validate.parse_int("--num-classes", args.num_classes)
    return get_model(args.name, **parse_settings(args.name, settings)), None


def _file_name(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0] if path != "-" else "stdin"
    return stem or "description"


def cmd_summary(args) -> int:
    batch = _int(args.batch, "--batch", 1, validate.MAX_BATCH)
    network, lines = _network_and_lines(args)
    s = summarize(network)
    mem = s.memory(batch, args.dtype)
    findings = check(network)
    if args.json:
        print(json.dumps({**render_json.summary_dict(s, mem),
                          "checks": render_json.findings_list(findings),
                          "warnings": findings_text(findings, lines)}))
    else:
        print(text.summary_table(s, mem))
        for severity, sentence in findings_items(findings, lines):
            print(labelled(severity, sentence))
    return 0


def cmd_export(args) -> int:
    network = _network(args)
    if args.to == "text":
        print(describe(network), end="")
    else:
        name = args.class_name or class_name(network.name)
        if not usable_class_name(name):
            raise CalcError(f"--class-name must be a Python identifier, and no keyword or name "
                            f"the code uses (torch, nn, F, builtins), got {name[:40]!r}")
        print(to_pytorch(network, name), end="")
    return 0


def _conv_args(args) -> dict:
    return {"kernel_size": validate.parse_dims("--kernel-size", args.kernel_size),
            "stride": (None if args.stride is None   # pooling: the kernel size
                       else validate.parse_dims("--stride", args.stride)),
            "padding": validate.parse_dims("--padding", args.padding),
            "dilation": validate.parse_dims("--dilation", args.dilation)}


def cmd_conv(args) -> int:
    size, kw = validate.parse_dims("size", args.size), _conv_args(args)
    out = arithmetic.conv_output_size(size, **kw)
    return _answer(args, out, axes_warnings(coverage.conv_coverage(size, **kw), window_warnings))


def cmd_pool(args) -> int:
    size, kw = validate.parse_dims("size", args.size), _conv_args(args)
    out = arithmetic.pool_output_size(size, ceil_mode=args.ceil_mode, **kw)
    axes = coverage.pool_coverage(size, ceil_mode=args.ceil_mode, **kw)
    return _answer(args, out, axes_warnings(axes, window_warnings))


def cmd_conv_transpose(args) -> int:
    size, kw = validate.parse_dims("size", args.size), _conv_args(args)
    kw["output_padding"] = validate.parse_dims("--output-padding", args.output_padding)
    out = arithmetic.conv_transpose_output_size(size, **kw)
    axes = coverage.conv_transpose_coverage(size, **kw)
    return _answer(args, out, axes_warnings(axes, transpose_warnings))


def cmd_generator(args) -> int:
    latent = _int(args.latent, "--latent", 1, validate.MAX_CHANNELS)
    output = validate.parse_dims("--output", args.output, counts=(3,))
    channels = validate.parse_int_list("--channels", args.channels) if args.channels else None
    d = generator.design(latent, output, channels)
    if args.export == "pytorch":
        print(to_pytorch(generator.build(d), "Generator", latent=True), end="")
        return 0
    if args.json:
        print(json.dumps({
            "latent": d.latent, "output": list(d.output),
            "stages": [{"input": list(s.input), "output": list(s.output),
                        "options": [{"kernel_size": list(o.kernel_size),
                                     "stride": list(o.stride), "padding": list(o.padding),
                                     "output_padding": list(o.output_padding),
                                     "checkerboard": o.uneven or o.gaps, "macs": o.macs}
                                    for o in s.options]} for s in d.stages]}))
        return 0
    s = summarize(generator.build(d))
    print(f"generator: {d.latent} -> {numbers.shape(d.output)}, {len(d.stages)} stages; the "
          f"first options: {numbers.grouped(s.params)} parameters, {numbers.si(s.macs)} MACs")
    for j, stage in enumerate(d.stages):
        print(f"stage {j}: {numbers.shape(stage.input)} -> {numbers.shape(stage.output)} "
              f"({len(stage.options)} options; the first {min(5, len(stage.options))}):")
        print("    kernel_size  stride  padding  output_padding  overlap          MACs")
        for o in stage.options[:5]:
            overlap = "gaps" if o.gaps else "uneven" if o.uneven else "even"
            print(f"    {numbers.pair(o.kernel_size):>11}  {numbers.pair(o.stride):>6}  "
                  f"{numbers.pair(o.padding):>7}  {numbers.pair(o.output_padding):>14}  "
                  f"{overlap:<7}  {numbers.grouped(o.macs):>12}")
    return 0


def _listing(what: str, count: int, hint: str) -> None:
    if count > MAX_LISTED:
        raise CalcError(f"{count} {what} match, more than the {MAX_LISTED} that --json lists; "
                        f"{hint}")


def cmd_padding(args) -> int:
    size, target = (validate.parse_dims(n, v, (1,)) for n, v in (("size", args.size),
                                                                   ("target", args.target)))
    k, s, d = (validate.parse_dims(n, v, (1,)) for n, v in (("--kernel-size", args.kernel_size),
                                                             ("--stride", args.stride),
                                                             ("--dilation", args.dilation)))
    options = arithmetic.padding_for_output(size, target, k, s, d)
    same = arithmetic.tf_same_padding(size, k, s, d)
    if args.json:
        _listing("paddings", len(options), "every padding from the first to the last works "
                 "(the text output prints the range)")
        print(json.dumps({"padding": options, "tf_same": {"output": same.output,
                                                          "before": same.before,
                                                          "after": same.after}}))
        return 0
    if len(options) > 8:  # the solutions are always a run of consecutive paddings
        print(f"symmetric padding: any of {options[0]} to {options[-1]} "
              f"({len(options)} values)")
    elif options:
        print("symmetric padding: " + ", ".join(map(str, options)))
    else:
        print(f"no symmetric padding maps {size} to {target}")
    print(f'TF "SAME" (output {same.output}): before {same.before}, after {same.after}')
    return 0


def cmd_solve(args) -> int:
    solver = arithmetic.solve_conv_transpose if args.transpose else arithmetic.solve_conv
    found = solver(validate.parse_dims("size", args.size, (1,)),
                   validate.parse_dims("target", args.target, (1,)),
                   validate.parse_int("--max-kernel-size", args.max_kernel_size),
                   validate.parse_int("--max-stride", args.max_stride),
                   validate.parse_int("--max-padding", args.max_padding),
                   validate.parse_int("--dilation", args.dilation))
    if args.json:
        _listing("configurations", len(found), "narrow the bounds")
        print(json.dumps([vars(c) for c in found]))
        return 0
    if not found:
        print("no solution within the bounds")
        return 0
    print("kernel_size  stride  padding  output_padding")
    for c in found[:MAX_LISTED]:
        print(f"{c.kernel_size:>11}  {c.stride:>6}  {c.padding:>7}  {c.output_padding:>14}")
    if len(found) > MAX_LISTED:
        print(f"... {len(found) - MAX_LISTED} more not shown: narrow the bounds")
    return 0


def _add_conv_options(p, stride_default="1"):
    p.add_argument("size", help="input size: N or HxW")
    p.add_argument("-k", "--kernel-size", required=True, help="N or HxW")
    p.add_argument("-s", "--stride", default=stride_default,
                   help="N or HxW" + (" (default: the kernel size)" if stride_default is None
                                      else ""))
    p.add_argument("-p", "--padding", default="0", help="N or HxW")
    p.add_argument("-d", "--dilation", default="1", help="N or HxW")
    p.add_argument("--json", action="store_true", help="output size and warnings as JSON")


def _add_network_options(p):
    p.add_argument("name", nargs="?", help="a model, a family (resnet, vgg, ...) or a family "
                                          "member (wrn_40_4)")
    p.add_argument("--file", help="a description file (see the build-your-own chapter); "
                                  "- reads standard input")
    p.add_argument("--set", action="append", metavar="KNOB=VALUE",
                   help="a family knob, e.g. --set layers=2,3,4,2 --set block=bottleneck")
    p.add_argument("--input", help="input shape CxHxW (e.g. 3x224x224)")
    p.add_argument("--num-classes", help="classes of the last layer")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="calc", description="Exact arithmetic of convolutional "
                                  "networks: sizes, solvers, summaries of a model zoo.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("models", help="list the zoo's models and families")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_models)

    p = sub.add_parser("summary", help="per-layer table of a model: shapes, params, MACs, RF")
    _add_network_options(p)
    p.add_argument("--batch", default="1", help="batch size for memory (default 1)")
    p.add_argument("--dtype", default="float32",
                   help=f"bytes per element for memory: {', '.join(DTYPE_BYTES)} "
                        "(default float32)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_summary)

    p = sub.add_parser("export", help="a model as a description (text) or as PyTorch code")
    _add_network_options(p)
    p.add_argument("--to", choices=("text", "pytorch"), default="text",
                   help="text: a description that --file reads back; pytorch: an nn.Module")
    p.add_argument("--class-name", help="the PyTorch class's name (default: from the model's)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("generator", help="transposed-conv stages from a latent vector to an "
                                         "image, every option per stage ranked")
    p.add_argument("--latent", required=True, help="the latent vector's length, e.g. 100")
    p.add_argument("--output", required=True, help="the image, CxHxW (e.g. 3x64x64)")
    p.add_argument("--channels", help="widths of the maps before the image, e.g. "
                                      "512,256,128,64 (default: DCGAN's halving schedule)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--export", choices=("pytorch",), help="print the first-ranked design as "
                                                          "PyTorch code")
    p.set_defaults(run=cmd_generator)

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
    p.add_argument("--max-kernel-size", default="7")
    p.add_argument("--max-stride", default="4")
    p.add_argument("--max-padding", default="3")
    p.add_argument("--dilation", default="1")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_solve)
    return top


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the interpreter's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()
        return code
    except CalcError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:      # the reader stopped reading (calc models | head -1)
        _silence_stdout()
        return 1
    except OSError as err:       # the output cannot be written (a full disk)
        _silence_stdout()
        print(f"error: cannot write the output: {err.strerror or err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
