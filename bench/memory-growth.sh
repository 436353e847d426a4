#!/usr/bin/env bash
# Does a long training run's memory grow? `residual train` for about 1,000 steps (16 epochs of
# the 8,000 bundled digits at 32×32×3, batch 128 by default) with the resident set size of the
# process sampled every 2 seconds from /proc. Writes bench/results/memory-growth/<model>-batch<n>.json
# (every sample, with the step it was taken at, the peak, and the resident size after the first
# epoch and at the end). A scripted run, never a test (about 12 minutes for cifar_resnet56 on 2
# cores).
#
#   bash bench/memory-growth.sh [model] [batch] [epochs]   (defaults: cifar_resnet56 128 16)
#   Build first: pnpm turbo run build --filter=residual
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-cifar_resnet56}
batch=${2:-128}
epochs=${3:-16}
out=bench/results/memory-growth
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node apps/cli/dist/bin.js train --model "$model" --image-size 32 --channels 3 --batch-size "$batch" \
  --epochs "$epochs" --test-limit "$batch" --print-every 1 --checkpoint-every 100000 \
  --out "$work/run" >"$work/out" 2>"$work/err" &
pid=$!
start=$(date +%s.%N)
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  steps=$(grep -c "  step " "$work/err" || true)
  [ -n "$rss" ] && awk -v now="$(date +%s.%N)" -v start="$start" -v steps="$steps" -v rss="$rss" \
    'BEGIN { print now - start, steps, rss }' >>"$work/samples"
  sleep 2
done
wait "$pid" || { cat "$work/err"; exit 1; }
/usr/bin/python3 - "$work" "$out/$model-batch$batch.json" "$model" "$batch" "$epochs" <<'PY'
import json, os, sys
work, target, model, batch, epochs = sys.argv[1:]
samples = []
for line in open(f"{work}/samples"):
    seconds, steps, kib = line.split()
    samples.append({"seconds": round(float(seconds), 1), "step": int(steps), "rssBytes": int(kib) * 1024})
metrics = json.load(open(f"{work}/run/metrics.json"))
total = samples[-1]["step"]
per_epoch = total // int(epochs)
after_first = [s["rssBytes"] for s in samples if per_epoch <= s["step"] <= 2 * per_epoch]
last = [s["rssBytes"] for s in samples if s["step"] >= total - per_epoch]
report = {
    "command": f"residual train --model {model} --image-size 32 --channels 3 --batch-size {batch} --epochs {epochs} --test-limit {batch} --print-every 1",
    "machine": f"{os.cpu_count()} cores",
    "model": model,
    "batchSize": int(batch),
    "steps": total,
    "trainSeconds": metrics["seconds"],
    "peakRssBytes": max(s["rssBytes"] for s in samples),
    "rssSecondEpochMaxBytes": max(after_first),
    "rssLastEpochMaxBytes": max(last),
    "samples": samples,
}
json.dump(report, open(target, "w"), indent=2)
print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2))
PY
