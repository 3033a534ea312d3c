"""How long a network takes on a device, predicted from its architecture alone: a roofline.

The roofline model (Williams, Waterman & Patterson, "Roofline: an insightful visual
performance model for multicore architectures", CACM 52(4), 2009) bounds a kernel's time
by the slower of its two resources: ``time = max(FLOPs / peak FLOP/s, bytes / bandwidth)``.
Here every node of the network is one kernel, and the network's time is the sum::

    flops(node)  = 2 * batch * macs(node)               (conventions: flops = 2 * macs)
    bytes(node)  = width * (weights + batch * (inputs + output))   (elements -> bytes)
    time(node)   = max(flops / peak[dtype], bytes / bandwidth)
    time(net)    = sum over nodes

``width`` is the bytes of one element at the dtype (float32 and tf32: 4; bfloat16 and
float16: 2); ``weights`` counts parameters and buffers (batch norm's running statistics),
read once per pass whatever the batch; ``inputs`` and ``output`` are per-sample element
counts, read and written once. Only convolutions, transposed convolutions and linear layers
have FLOPs (the MACs of the conventions page); every other layer (batch norm, ReLU,
pooling, sums, concatenations) is counted by its bytes alone, which is what bounds it on
every device here. Flatten and Unflatten are views and move nothing, and so is dropout in
inference (``eval()`` makes it the identity). Peak compute is the
device's dense figure for the dtype: the vendors' "with sparsity" figures are twice the
dense ones and are halved in the table below.

Training (``mode="training"``) runs three passes, each a row per node:

* forward: as inference (dropout too is counted as an element-wise layer);
* backward, in reverse order: a convolution or linear layer computes the gradient of its
  input (as many MACs as its forward) and of its weights (as many again), so backward is
  about 2x the forward FLOPs (Hobbhahn & Sevilla, "What's the backward-forward FLOP ratio
  for neural networks?", Epoch AI, 2021; the ``6N`` FLOPs per token = 2N forward + 4N
  backward of Kaplan et al., arXiv 2001.08361, section 2.1). A node reads its output's
  gradient and what it saved (its inputs), writes its inputs' gradients, and a layer with
  weights reads them (for the input gradient) and writes their gradient. The network's
  input needs no gradient (PyTorch's autograd computes none), so the first layer computes
  only its weight gradient, and a parameter-free layer before the first weights has no
  backward at all;
* optimizer: one step of SGD with momentum (``torch.optim.SGD(momentum=0.9)``, what
  scripts/benchmark.py runs) reads each parameter, its gradient and its momentum and writes
  the parameter and the momentum: ``5 * params * 4`` bytes, on float32 parameters whatever
  the dtype (``torch.autocast`` keeps float32 master weights), and no FLOPs counted.

Not modelled, so the measured time is expected above the prediction: kernel launch and
framework overhead (which dominates small batches on a GPU), caches (a layer whose tensors
fit in cache moves fewer bytes through memory), imperfect overlap of compute and memory,
batch norm's two passes over its input in training, algorithms that are not direct
convolutions, and the loss. Auxiliary branches are not run (the torch bridge does not run
them), so they are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import NamedTuple

from . import validate
from .errors import CalcError
from .network import Network

DTYPE_BYTES = {"float32": 4, "tf32": 4, "bfloat16": 2, "float16": 2}
MODES = ("inference", "training")
PHASES = ("forward", "backward", "optimizer")
VIEWS = ("Flatten", "Unflatten")           # reshape a tensor in place: no kernel, no bytes
OPTIMIZER_ACCESSES = 5                     # SGD with momentum: read w, g, m; write w, m
MASTER_WEIGHT_BYTES = 4                    # float32 parameters, as torch.autocast keeps them


class Figure(NamedTuple):
    """One number of the device table and where it comes from."""
    value: float     # FLOP/s for compute, bytes/s for bandwidth
    source: str


@dataclass(frozen=True)
class Device:
    """A device's peak dense compute per dtype (FLOP/s) and memory bandwidth (bytes/s)."""
    id: str
    name: str
    kind: str                          # "gpu" or "cpu"
    compute: dict                      # dtype -> Figure (FLOP/s, dense)
    bandwidth: Figure                  # bytes/s
    memory_bytes: int | None = None    # the device's memory, where the vendor states it

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(self.compute)

    def peak(self, dtype: str) -> float:
        """Peak dense FLOP/s at ``dtype``; CalcError naming ``dtype`` when it has none."""
        if dtype not in DTYPE_BYTES:
            raise CalcError(f"dtype must be one of {', '.join(DTYPE_BYTES)}; "
                            f"got {validate.shown(dtype, 20)}")
        if dtype not in self.compute:
            raise CalcError(f"dtype {dtype} has no peak on device {self.id} (it has "
                            f"{', '.join(self.compute)})")
        return self.compute[dtype].value


_SPARSITY = "the datasheet's figure is with sparsity; dense is half"


def _nvidia(product: str, url: str, column: str, fp32: float, tf32_sparse: float,
            bf16_sparse: float, bandwidth: float, bandwidth_text: str) -> dict:
    """Device table entries from one NVIDIA datasheet (TFLOP/s and bytes/s)."""
    sheet = f"NVIDIA {product} datasheet ({url}), {column}"
    tera = 1e12
    return {
        "compute": {
            "float32": Figure(fp32 * tera, f"{sheet}: FP32 {fp32:g} TFLOPS"),
            "tf32": Figure(tf32_sparse / 2 * tera,
                           f"{sheet}: TF32 Tensor Core {tf32_sparse:g} TFLOPS; {_SPARSITY}"),
            "bfloat16": Figure(bf16_sparse / 2 * tera,
                               f"{sheet}: BFLOAT16 Tensor Core {bf16_sparse:g} TFLOPS; "
                               f"{_SPARSITY}"),
            "float16": Figure(bf16_sparse / 2 * tera,
                              f"{sheet}: FP16 Tensor Core {bf16_sparse:g} TFLOPS; {_SPARSITY}"),
        },
        "bandwidth": Figure(bandwidth, f"{sheet}: GPU memory bandwidth {bandwidth_text}"),
    }


# The CPU this project's sessions run on (a 2-vCPU virtual machine, AMD family 26), measured
# with scripts/measure_cpu_peak.py --repeat 20 on 2026-12-01, when no other process used
# more than 15% of a core: the best of the 20 repetitions of one run. This machine is
# bimodal from run to run (float32 convolution 262-459 GFLOP/s, copy 43-78 GB/s over five
# quiet runs), so these figures are a ceiling, as a roofline's are. Another CPU needs its
# own measurement.
_CPU_NAME = "AMD EPYC, 2 cores"
_CPU_FLOAT32 = 456.5e9      # FLOP/s: 1x1 convolution (oneDNN); torch.mm (MKL) 219.3e9
_CPU_BFLOAT16 = 903.1e9     # FLOP/s: 1x1 convolution; torch.mm 883.6e9
_CPU_COPY = 78.3e9          # bytes/s: median of the 20, 75.6e9
_CPU_SOURCE = ("measured on this machine (" + _CPU_NAME + ", torch 2.14.1, 2 threads) with "
               "scripts/measure_cpu_peak.py --repeat 20 on 2026-12-01, {figure}, best of 20; "
               "load 2.45 (1-minute average)")

DEVICES: dict[str, Device] = {d.id: d for d in (
    Device("h100_sxm", "NVIDIA H100 SXM", "gpu", memory_bytes=80 * 10**9, **_nvidia(
        "H100 Tensor Core GPU", "https://www.nvidia.com/en-us/data-center/h100/", "H100 SXM",
        fp32=67, tf32_sparse=989, bf16_sparse=1979, bandwidth=3.35e12,
        bandwidth_text="3.35 TB/s")),
    Device("h200", "NVIDIA H200 SXM", "gpu", memory_bytes=141 * 10**9, **_nvidia(
        "H200 Tensor Core GPU", "https://www.nvidia.com/en-us/data-center/h200/", "H200 SXM",
        fp32=67, tf32_sparse=989, bf16_sparse=1979, bandwidth=4.8e12,
        bandwidth_text="4.8 TB/s")),
    Device("a100_80gb", "NVIDIA A100 80GB SXM", "gpu", memory_bytes=80 * 10**9, **_nvidia(
        "A100 Tensor Core GPU", "https://www.nvidia.com/en-us/data-center/a100/",
        "A100 80GB SXM", fp32=19.5, tf32_sparse=312, bf16_sparse=624, bandwidth=2.039e12,
        bandwidth_text="2,039 GB/s")),
    Device("l4", "NVIDIA L4", "gpu", memory_bytes=24 * 10**9, **_nvidia(
        "L4 Tensor Core GPU", "https://www.nvidia.com/en-us/data-center/l4/", "L4",
        fp32=30.3, tf32_sparse=120, bf16_sparse=242, bandwidth=300e9,
        bandwidth_text="300 GB/s")),
    Device("cpu", f"{_CPU_NAME} (measured)", "cpu", compute={
        "float32": Figure(_CPU_FLOAT32, _CPU_SOURCE.format(figure="float32 1x1 convolution")),
        "bfloat16": Figure(_CPU_BFLOAT16,
                           _CPU_SOURCE.format(figure="bfloat16 1x1 convolution")),
    }, bandwidth=Figure(_CPU_COPY, _CPU_SOURCE.format(figure="256 MiB float32 copy"))),
)}


def get_device(device_id: str) -> Device:
    """The device ``device_id`` of :data:`DEVICES`; CalcError naming ``device`` otherwise."""
    if not isinstance(device_id, str) or device_id not in DEVICES:
        raise CalcError(f"device must be one of {', '.join(DEVICES)}; "
                        f"got {validate.shown(device_id, 30)}")
    return DEVICES[device_id]


class LayerTime(NamedTuple):
    """One node in one pass: its FLOPs and bytes, and the time each resource needs."""
    name: str         # the node (``"optimizer"`` for the optimizer step)
    type: str         # the layer type (``"SGD"`` for the optimizer step)
    phase: str        # "forward", "backward" or "optimizer"
    flops: int
    bytes: int
    compute_s: float  # flops / peak
    memory_s: float   # bytes / bandwidth

    @property
    def seconds(self) -> float:
        return max(self.compute_s, self.memory_s)

    @property
    def bound(self) -> str:
        """"compute" or "memory": the resource that sets the time; "none" when it moves nothing."""
        if not self.flops and not self.bytes:
            return "none"
        return "compute" if self.compute_s > self.memory_s else "memory"


@dataclass(frozen=True)
class Prediction:
    """The roofline time of one network on one device: rows per node and pass, and totals."""
    network: str
    device: Device
    dtype: str
    batch: int
    mode: str
    layers: tuple[LayerTime, ...]

    @property
    def seconds(self) -> float:
        return sum(row.seconds for row in self.layers)

    @property
    def ms(self) -> float:
        return 1e3 * self.seconds

    @property
    def flops(self) -> int:
        return sum(row.flops for row in self.layers)

    @property
    def bytes(self) -> int:
        return sum(row.bytes for row in self.layers)

    @property
    def images_per_s(self) -> float:
        return self.batch / self.seconds

    def bound_seconds(self) -> dict[str, float]:
        """Predicted seconds spent in compute-bound and in memory-bound rows."""
        out = {"compute": 0.0, "memory": 0.0}
        for row in self.layers:
            if row.bound != "none":
                out[row.bound] += row.seconds
        return out

    def by_type(self) -> dict[str, float]:
        """Predicted seconds per layer type (``Conv2d``, ``BatchNorm2d``, ...), largest first."""
        out: dict[str, float] = {}
        for row in self.layers:
            out[row.type] = out.get(row.type, 0.0) + row.seconds
        return dict(sorted(out.items(), key=lambda item: -item[1]))

    def achieved_fraction(self, measured_ms: float) -> float:
        """The fraction of the device's peak FLOP/s that a measured time achieves:
        ``flops / measured seconds / peak``."""
        if not measured_ms > 0:
            raise CalcError(f"measured_ms must be > 0, got {validate.shown(measured_ms, 20)}")
        return self.flops / (measured_ms / 1e3) / self.device.peak(self.dtype)


class Work(NamedTuple):
    """What one node does in one pass, whatever the device: FLOPs and bytes moved."""
    name: str
    type: str
    phase: str
    flops: int
    bytes: int


def work(network: Network, batch: int = 1, mode: str = "inference",
         dtype: str = "float32") -> list[Work]:
    """The FLOPs and bytes of every node in every pass of one step (see the module docstring):
    forward rows in node order; in training, backward rows last node first and the
    optimizer's row."""
    if not isinstance(network, Network):
        raise CalcError(f"network must be a calc Network, got {type(network).__name__}")
    batch = validate.integer("batch", batch, 1, validate.MAX_BATCH)
    if mode not in MODES:
        raise CalcError(f"mode must be one of {', '.join(MODES)}; got {validate.shown(mode, 20)}")
    if dtype not in DTYPE_BYTES:
        raise CalcError(f"dtype must be one of {', '.join(DTYPE_BYTES)}; "
                        f"got {validate.shown(dtype, 20)}")
    width = DTYPE_BYTES[dtype]
    nodes = network.inference_nodes[1:]      # nodes[0] is the input: no kernel
    size = {n.name: prod(n.output_shape) for n in network.inference_nodes}
    rows = []
    for node in nodes:
        layer = node.layer
        if layer.type in VIEWS or (layer.type == "Dropout" and mode == "inference"):
            rows.append(Work(node.name, layer.type, "forward", 0, 0))
            continue
        flops = 2 * batch * layer.macs(node.input_shapes[0], node.output_shape)
        elements = (layer.params + layer.buffers
                    + batch * (sum(size[i] for i in node.inputs) + size[node.name]))
        rows.append(Work(node.name, layer.type, "forward", flops, width * elements))
    if mode == "training":
        rows += _backward(network, nodes, size, batch, width)
        params = sum(n.layer.params for n in nodes)
        rows.append(Work("optimizer", "SGD", "optimizer", 0,
                         OPTIMIZER_ACCESSES * MASTER_WEIGHT_BYTES * params))
    return rows


def _backward(network, nodes, size, batch, width) -> list[Work]:
    """Backward rows, last node first (see the module docstring)."""
    needs_grad = {network.nodes[0].name: False}      # the input needs no gradient
    for node in nodes:
        needs_grad[node.name] = node.layer.params > 0 or any(needs_grad[i] for i in node.inputs)
    rows = []
    for node in reversed(nodes):
        layer = node.layer
        if not needs_grad[node.name] or layer.type in VIEWS:
            continue
        macs = layer.macs(node.input_shapes[0], node.output_shape)
        grad_inputs = [i for i in node.inputs if needs_grad[i]]
        weighted = layer.params > 0
        flops = 2 * batch * macs * ((1 if grad_inputs else 0) + (1 if weighted else 0))
        elements = batch * (size[node.name] + sum(size[i] for i in node.inputs)
                            + sum(size[i] for i in grad_inputs))
        if weighted:
            elements += layer.params * ((1 if grad_inputs else 0) + 1)
        rows.append(Work(node.name, layer.type, "backward", flops, width * elements))
    return rows


def predict(network: Network, device_id: str, dtype: str = "float32", batch: int = 1,
            mode: str = "inference") -> Prediction:
    """The roofline time of ``network`` on device ``device_id`` (see the module docstring).

    Raises CalcError naming ``device``, ``dtype`` (unknown, or without a peak on the
    device), ``batch`` or ``mode``.
    """
    device = get_device(device_id)
    peak = device.peak(dtype)
    bandwidth = device.bandwidth.value
    rows = work(network, batch, mode, dtype)
    return Prediction(network.name, device, dtype, batch, mode,
                      tuple(LayerTime(*w, w.flops / peak, w.bytes / bandwidth) for w in rows))
