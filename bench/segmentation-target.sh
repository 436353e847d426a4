#!/usr/bin/env bash
# The mean IoU a segmentation model reaches on a bundled data set, and how long it trains:
# `residual train` with the given options, then `residual eval --examples 6` on the held-out
# images. Writes bench/results/segmentation/<model>-<dataset>.json (the command, the training
# seconds, the test mean IoU, pixel accuracy and per-class IoU, each epoch's) and the pictures
# of the first six held-out images with their true and predicted masks to
# apps/docs/public/segmentation/<model>-<dataset>.png. A scripted run, never a test.
#
#   bash bench/segmentation-target.sh [model] [dataset] [residual train options...]
#
# Without options, the earlier momentum-SGD recipe (the *-sgd.json results): 12,000 generated
# training images, 2 epochs of batch 32, SGD 0.1 down a cosine (the quick recipe), cross-entropy
# + Dice, every residual block of the encoder starting as the identity (about 9 minutes on 2
# cores; the generators draw as many training images as asked). The published recipe (AdamW:
# momentum SGD leaves the digits' identity unlearnt; batch 16 for more steps, and as many
# images, seen twice, as fit in ten minutes):
#   bash bench/segmentation-target.sh unet_resnet18 shapes --train-images 11500 \
#     --epochs 2 --batch-size 16 --optimizer adamw --lr 0.002 --loss cross-entropy+dice
#   bash bench/segmentation-target.sh unet_resnet18 digit-mosaics --train-images 11500 \
#     --epochs 2 --batch-size 16 --optimizer adamw --lr 0.002 --loss cross-entropy+dice
# Build first: pnpm turbo run build --filter=residual
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-unet_resnet18}
dataset=${2:-shapes}
shift $(($# < 2 ? $# : 2))
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
  options=(--train-images 12000 --epochs 2 --batch-size 32 --lr 0.1 --loss cross-entropy+dice
    --zero-init-residual)
fi
out=bench/results/segmentation
pictures=apps/docs/public/segmentation
mkdir -p "$out" "$pictures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command=(residual train --model "$model" --dataset "$dataset" "${options[@]}")
node apps/cli/dist/bin.js "${command[@]:1}" --out "$work/run" | tee "$work/train.out"
node apps/cli/dist/bin.js eval --model-dir "$work/run" --examples 6 --json >"$work/eval.json"
cp "$work/run/examples.png" "$pictures/$model-$dataset.png"

/usr/bin/python3 - "$work" "$out/$model-$dataset.json" "${command[*]}" <<'EOF'
import json, os, sys
work, target, command = sys.argv[1:]
metrics = json.load(open(f"{work}/run/metrics.json"))
config = json.load(open(f"{work}/run/run.json"))["config"]
evaluation = json.load(open(f"{work}/eval.json"))
result = {
    "command": command,
    "machine": f"{os.cpu_count()} cores",
    "model": metrics["model"],
    "dataset": metrics["dataset"],
    "backend": metrics["backend"],
    "epochs": metrics["epochs"],
    "batchSize": metrics["batchSize"],
    "optimizer": config.get("optimizer", "sgd"),
    "learningRate": metrics["learningRate"],
    "loss": metrics["loss"],
    "zeroInitResidual": config.get("zero-init-residual") in (True, "true"),
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
