#!/usr/bin/env bash
# How fast a segmentation network learns per epoch, ours against PyTorch on the same images:
# `residual train` (momentum SGD, cosine to zero, cross-entropy) and bench/torch/segmentation_pace.py
# (the same U-Net in PyTorch, the same recipe) on the 2,000 training images of `shapes`, both
# evaluated on its 500 held-out images after every epoch; one thread each, side by side, so the
# epochs are compared, not the seconds. Writes bench/results/segmentation/<model>-<dataset>-pace.json.
# A scripted run, never a test.
#
#   bash bench/segmentation-pace.sh [model] [dataset] [epochs] [batch] [lr]
#   (defaults: unet_resnet18 shapes 2 16 0.05; build first: pnpm turbo run build --filter=residual)
#   TORCH_PYTHON picks the PyTorch (default /usr/bin/python3, Debian's 1.13).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-unet_resnet18}
dataset=${2:-shapes}
epochs=${3:-2}
batch=${4:-16}
lr=${5:-0.05}
torch_python=${TORCH_PYTHON:-/usr/bin/python3}
out=bench/results/segmentation
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The data set's bytes and statistics, for PyTorch to read.
node --input-type=module - "$dataset" "$work" <<'EOF_NODE'
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const { loadSegmentationDataset } = await import(
  pathToFileURL(`${process.cwd()}/packages/datasets/dist/index.js`).href
);
const [dataset, dir] = process.argv.slice(2);
const data = await loadSegmentationDataset(dataset);
for (const split of ['train', 'test']) {
  writeFileSync(`${dir}/${split}-images.bin`, data[split].images);
  writeFileSync(`${dir}/${split}-masks.bin`, data[split].masks);
}
const [size, , channels] = data.train.imageShape;
writeFileSync(`${dir}/data.json`, JSON.stringify({
  size, channels, trainCount: data.train.count, testCount: data.test.count,
  classes: data.numClasses, ...data.normalization,
}));
EOF_NODE
classes=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['classes'])" "$work/data.json")

RESIDUAL_NATIVE_THREADS=1 node apps/cli/dist/bin.js train --model "$model" --dataset "$dataset" \
  --epochs "$epochs" --batch-size "$batch" --lr "$lr" --out "$work/run" >"$work/ours.out" 2>&1 &
ours=$!
"$torch_python" bench/torch/segmentation_pace.py "$work" "$model" "$classes" "$epochs" "$batch" "$lr" \
  >"$work/torch.out"
wait "$ours" || { cat "$work/ours.out"; exit 1; }

/usr/bin/python3 - "$work" "$out/$model-$dataset-pace.json" "$model" "$dataset" "$epochs" "$batch" "$lr" "$torch_python" <<'EOF_PY'
import json, subprocess, sys
work, target, model, dataset, epochs, batch, lr, torch_python = sys.argv[1:]
metrics = json.load(open(f"{work}/run/metrics.json"))
torch_epochs = [json.loads(line) for line in open(f"{work}/torch.out")]
version = subprocess.run([torch_python, "-c", "import torch; print(torch.__version__)"],
                         capture_output=True, text=True).stdout.strip()
result = {
    "model": model, "dataset": dataset, "epochs": int(epochs), "batchSize": int(batch),
    "learningRate": float(lr), "torchVersion": version,
    # metrics.json counts epochs from 0, the PyTorch script from 1: both from 1 here.
    "residual": [{"epoch": i + 1, "loss": h["loss"], "testMeanIoU": h["testMeanIoU"]}
                 for i, h in enumerate(metrics["history"])],
    "torch": [{"epoch": e["epoch"], "loss": e["loss"], "testMeanIoU": e["testMeanIoU"]}
              for e in torch_epochs],
}
json.dump(result, open(target, "w"), indent=2)
open(target, "a").write("\n")
for ours, theirs in zip(result["residual"], result["torch"]):
    print(f"epoch {ours['epoch']}: test mean IoU ours {ours['testMeanIoU']:.4f}, "
          f"PyTorch {version} {theirs['testMeanIoU']:.4f}")
print(f"wrote {target}")
EOF_PY
