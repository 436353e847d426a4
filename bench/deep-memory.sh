#!/usr/bin/env bash
# Peak resident memory of a few training steps of one deep network at one batch size:
# `residual train` (activation recomputation as --recompute says) against PyTorch's
# bench/torch/worker.py on the same network, input size and batch, without checkpointing.
# Writes bench/results/deep-memory/<model>-batch<n>.json. A scripted run, never a test.
#
#   bash bench/deep-memory.sh [model] [batch] [steps] [recompute] [size] [channels]
#   (defaults: cifar_resnet1202 128 3 auto 28 1; build first: pnpm turbo run build --filter=residual)
#   TORCH_PYTHON picks the PyTorch (default /usr/bin/python3, Debian's 1.13) and TORCH_STEPS its
#   steps (default: steps; its peak comes in the first two, the momentum buffers made in the first).
#   size and channels shape the digits: `... 32 3` feeds the 32×32×3 images of the paper's CIFAR
#   networks (written to <model>-batch<n>-32x32x3.json; the default 28×28×1 keeps the plain name).
#   RESULT_SUFFIX is appended to the file's name (say -torch1.13, to keep a second peer's run).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-cifar_resnet1202}
batch=${2:-128}
steps=${3:-3}
recompute=${4:-auto}
size=${5:-28}
channels=${6:-1}
torch_python=${TORCH_PYTHON:-/usr/bin/python3}
torch_steps=${TORCH_STEPS:-$steps}
out=bench/results/deep-memory
mkdir -p "$out"
suffix=""
if [ "$size" != 28 ] || [ "$channels" != 1 ]; then suffix="-${size}x${size}x${channels}"; fi
suffix+="${RESULT_SUFFIX:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Residual on the bundled digits resized to size×size×channels (28×28×1: as they are), the
# paper's recipe (its warm-up included).
/usr/bin/time -v -o "$work/residual.time" node apps/cli/dist/bin.js train --model "$model" \
  --image-size "$size" --channels "$channels" \
  --batch-size "$batch" --recompute "$recompute" --limit $((batch * steps)) --test-limit "$batch" \
  --epochs 1 --recipe paper --checkpoint-every 100000 --print-every 1 --out "$work/run" \
  >"$work/residual.out" 2>"$work/residual.err" || { cat "$work/residual.err"; exit 1; }

# PyTorch on the same shapes: one request per line, answered by one JSON line each.
printf '%s\n' \
  '{"kind": "hello", "threads": 2}' \
  "{\"kind\": \"model\", \"name\": \"$model\", \"mode\": \"train\", \"batch\": $batch, \"size\": $size, \"channels\": $channels, \"classes\": 10, \"threads\": 2, \"warmup\": 0, \"steps\": $torch_steps}" \
  '{"kind": "memory"}' |
  /usr/bin/time -v -o "$work/torch.time" "$torch_python" bench/torch/worker.py >"$work/torch.out"

/usr/bin/python3 - "$work" "$out/$model-batch$batch$suffix.json" "$model" "$batch" "$steps" "$recompute" "$size" "$channels" <<'EOF'
import json, re, sys
work, target, model, batch, steps, recompute, size, channels = sys.argv[1:]

def peak_kib(path):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read()).group(1))

def wall(path):
    text = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(path).read()).group(1)
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds

metrics = json.load(open(f"{work}/run/metrics.json"))
torch_lines = [json.loads(line) for line in open(f"{work}/torch.out")]
residual = {
    "peakRssBytes": peak_kib(f"{work}/residual.time") * 1024,
    "wallSeconds": wall(f"{work}/residual.time"),
    "trainSeconds": metrics["seconds"],
    "epochLosses": [record["loss"] for record in metrics["history"]],
    # One line per step (--print-every 1): the loss over the first epoch, step by step.
    "stepLosses": [float(m.group(1)) for m in re.finditer(r"step \d+/\d+  loss (\S+)", open(f"{work}/residual.err").read())],
    "log": open(f"{work}/residual.err").read().splitlines()[:1],
}
torch = {
    "version": torch_lines[0]["torch"],
    "peakRssBytes": peak_kib(f"{work}/torch.time") * 1024,
    "steps": len(torch_lines[1].get("times") or []),
    "stepSeconds": torch_lines[1].get("times"),
    "error": torch_lines[1].get("error"),
}
report = {
    "model": model, "batchSize": int(batch), "steps": int(steps), "input": [int(size), int(size), int(channels)],
    "recompute": recompute, "residual": residual, "torch": torch,
    "rssRatio": residual["peakRssBytes"] / torch["peakRssBytes"],
}
json.dump(report, open(target, "w"), indent=2)
print(json.dumps(report, indent=2))
EOF
