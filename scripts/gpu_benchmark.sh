#!/usr/bin/env bash
# The GPU benchmark in one script, for one lent CUDA GPU (sized for an H200): four runs of
# scripts/benchmark.py, each writing one JSON file, then a table of what they measured.
#
#   scripts/gpu_benchmark.sh            # files into $OUT if set (a lent machine), else docs/data
#   BENCHMARK_GIT=<revision> scripts/gpu_benchmark.sh   # where the copy has no .git
#
# It installs nothing: it runs with .venv/bin/python when there is one (the repo's lock),
# else with the machine's python3 (a lent GPU machine's image holds torch and torchvision;
# calc is imported from this checkout). Expected wall time on an H200: about 7.5 minutes
# (estimated, never run yet), at most about 8.5: each run has a --time-budget after which
# it starts no new configuration (those are listed under "skipped" with the reason "time
# budget", and the file says complete: false), so only the configuration under way
# overruns. Give the command a 600 s limit.
#
# 1. headline (budget 100 s): resnet50, the bridge and torchvision's, channels_last,
#    bfloat16, inference at 1 and 256, training at 256 and 512;
# 2. sweep (budget 180 s): eight zoo networks built by the bridge, channels_last, bfloat16 /
#    tf32 / float32, inference at 1 and 256, training at 256;
# 3. layouts (budget 70 s): resnet50, densenet121, vgg16, googlenet, bridge and
#    torchvision, NCHW and channels_last, bfloat16, inference and training at 256;
# 4. compiled (one configuration, about 90 s, compilation in the warm-up): resnet50's
#    training step through torch.compile, bfloat16, channels_last, batch 256.
# The log goes to $OUT/gpu_benchmark.log (or /tmp/gpu_benchmark.log), then a table of the
# four files is printed.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
DEST=${OUT:-docs/data}
LOG=${OUT:+$OUT/gpu_benchmark.log}
LOG=${LOG:-/tmp/gpu_benchmark.log}
mkdir -p "$DEST"
STAMP=$(mktemp)
export PYTHONUNBUFFERED=1
BENCH=("$PY" scripts/benchmark.py --device cuda --iterations 20 --warmup 5 --out "$DEST")

run() {   # a failed run is reported and the next one starts
  "${BENCH[@]}" "$@" || echo "== that run failed with status $?"
}

{
  echo "== $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,memory.total \
        --format=csv,noheader 2>/dev/null || echo 'nvidia-smi: none')"
  "$PY" -c 'import torch, torchvision; print("torch", torch.__version__, "torchvision",
      torchvision.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.is_available())'
  start=$SECONDS

  echo "== 1. headline: resnet50, bfloat16, channels_last"
  run --models resnet50 --sources calc,torchvision --channels-last on --dtypes bfloat16 \
      --batch-sizes 1,256 --training-batch-sizes 256,512 --time-budget 100

  echo "== 2. sweep: eight networks, three dtypes (after $((SECONDS - start)) s)"
  run --models resnet50,resnet18,vgg16,densenet121,inception_v3,googlenet,alexnet,dcgan_example_generator \
      --sources calc --channels-last on --dtypes bfloat16,tf32,float32 --batch-sizes 1,256 \
      --training-batch-sizes 256 --time-budget 180

  echo "== 3. layouts, bridge against torchvision (after $((SECONDS - start)) s)"
  run --models resnet50,densenet121,vgg16,googlenet --sources calc,torchvision \
      --channels-last off,on --dtypes bfloat16 --batch-sizes 256 --training-batch-sizes 256 \
      --time-budget 70

  echo "== 4. compiled: resnet50's training step through torch.compile (after $((SECONDS - start)) s)"
  run --models resnet50 --sources calc --channels-last on --dtypes bfloat16 --modes training \
      --training-batch-sizes 256 --compile

  echo "== done after $((SECONDS - start)) s"
} 2>&1 | tee "$LOG"

mapfile -t FILES < <(find "$DEST" -maxdepth 1 -name '*.json' -newer "$STAMP" | sort)
rm -f "$STAMP"
if [ ${#FILES[@]} -eq 0 ]; then
  echo "no result file was written: see $LOG"
  exit 1
fi
"$PY" scripts/benchmark_summary.py "${FILES[@]}"
