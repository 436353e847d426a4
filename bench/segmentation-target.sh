#!/usr/bin/env bash
# The mean IoU a segmentation model reaches on a bundled data set, and how long it trains:
# `residual train` with the given epochs, batch size and learning rate (the quick recipe:
# momentum SGD, cosine to zero; cross-entropy + Dice; every residual block of the encoder
# starting as the identity), then `residual eval --examples 6` on the held-out images.
# Writes bench/results/segmentation/<model>-<dataset>.json (the command, the training seconds,
# the test mean IoU, pixel accuracy and per-class IoU, each epoch's) and the pictures of the
# first six held-out images with their true and predicted masks to
# apps/docs/public/segmentation/<model>-<dataset>.png. A scripted run, never a test.
#
#   bash bench/segmentation-target.sh [model] [dataset] [epochs] [batch] [lr] [train images]
#   (defaults: unet_resnet18 shapes 2 32 0.1 12000, about 9 minutes on 2 cores: the generators
#   draw as many training images as asked, and more images generalise better than more epochs;
#   build first: pnpm turbo run build --filter=residual)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-unet_resnet18}
dataset=${2:-shapes}
epochs=${3:-2}
batch=${4:-32}
lr=${5:-0.1}
train_images=${6:-12000}
out=bench/results/segmentation
pictures=apps/docs/public/segmentation
mkdir -p "$out" "$pictures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command=(residual train --model "$model" --dataset "$dataset" --train-images "$train_images" --epochs "$epochs"
  --batch-size "$batch" --lr "$lr" --loss cross-entropy+dice --zero-init-residual)
node apps/cli/dist/bin.js "${command[@]:1}" --out "$work/run" | tee "$work/train.out"
node apps/cli/dist/bin.js eval --model-dir "$work/run" --examples 6 --json >"$work/eval.json"
cp "$work/run/examples.png" "$pictures/$model-$dataset.png"

/usr/bin/python3 - "$work" "$out/$model-$dataset.json" "${command[*]}" <<'EOF'
import json, os, sys
work, target, command = sys.argv[1:]
metrics = json.load(open(f"{work}/run/metrics.json"))
evaluation = json.load(open(f"{work}/eval.json"))
result = {
    "command": command,
    "machine": f"{os.cpu_count()} cores",
    "model": metrics["model"],
    "dataset": metrics["dataset"],
    "backend": metrics["backend"],
    "epochs": metrics["epochs"],
    "batchSize": metrics["batchSize"],
    "learningRate": metrics["learningRate"],
    "trainImages": metrics["trainImages"],
    "testImages": metrics["testImages"],
    # Wall-clock seconds of training, each epoch's test evaluation included.
    "trainingSeconds": metrics["seconds"],
    "testMeanIoU": evaluation["meanIoU"],
    "testPixelAccuracy": evaluation["pixelAccuracy"],
    "testPerClassIoU": {score["name"]: score["iou"] for score in evaluation["perClass"]},
    "history": metrics["history"],
}
json.dump(result, open(target, "w"), indent=2)
open(target, "a").write("\n")
print(f"{result['model']} on {result['dataset']}: test mean IoU {result['testMeanIoU']:.4f} "
      f"after {result['epochs']} epochs in {result['trainingSeconds']:.0f} s; wrote {target}")
EOF
