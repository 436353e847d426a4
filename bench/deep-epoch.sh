#!/usr/bin/env bash
# One whole epoch of the bundled digits (8,000 training images) for a deep network at the
# paper's CIFAR input (32×32×3) and batch, with the paper recipe (its first 400 steps at lr / 10):
# the loss of every step, the held-out loss and accuracy after the epoch, and the process's peak
# resident memory. Writes bench/results/deep-memory/<model>-epoch-32x32x3.json. A scripted run
# (about half an hour for cifar_resnet1202 on 2 idle cores), never a test.
#
#   bash bench/deep-epoch.sh [model] [batch]   (defaults: cifar_resnet1202 128)
#   Build first: pnpm turbo run build --filter=residual
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-cifar_resnet1202}
batch=${2:-128}
out=bench/results/deep-memory
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command=(train --model "$model" --image-size 32 --channels 3 --batch-size "$batch" --test-limit 512
  --epochs 1 --recipe paper --print-every 1 --checkpoint-every 100000)
/usr/bin/time -v -o "$work/time" node apps/cli/dist/bin.js "${command[@]}" --out "$work/run" \
  >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
/usr/bin/python3 - "$work" "$out/$model-epoch-32x32x3.json" "residual ${command[*]}" <<'PY'
import json, os, re, sys
work, target, command = sys.argv[1:]
metrics = json.load(open(f"{work}/run/metrics.json"))
log = open(f"{work}/err").read()
last = metrics["history"][-1]
report = {
    "command": command + " (under /usr/bin/time -v)",
    "machine": f"{os.cpu_count()} cores",
    "model": metrics["model"],
    "batchSize": metrics["batchSize"],
    "input": [32, 32, 3],
    "recipe": "paper",
    # One line per step (--print-every 1): the loss over the first epoch, step by step.
    "stepLosses": [float(m.group(1)) for m in re.finditer(r"step \d+/\d+  loss (\S+)", log)],
    "steps": last.get("steps"),
    "trainImages": metrics.get("trainImages"),
    "epochLoss": last["loss"],
    "learningRate": last.get("learningRate"),
    "testLoss": last.get("testLoss"),
    "testAccuracy": last.get("testAccuracy"),
    "trainSeconds": metrics["seconds"],
    "peakRssBytes": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{work}/time").read()).group(1)) * 1024,
    "log": log.splitlines()[:1],
}
json.dump(report, open(target, "w"), indent=2)
print(json.dumps({k: v for k, v in report.items() if k != "stepLosses"}, indent=2))
PY
