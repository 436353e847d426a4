"""Trains the bench's PyTorch U-Net (bench/torch/worker.py's segmentation_net, the network of
packages/models/scripts/segmentation-reference.py) on images and masks that Residual generated,
as `residual train` trains its own: the same normalisation, momentum SGD 0.9 with the learning
rate down a cosine to zero per step, per-pixel cross-entropy, shuffled batches. Prints one JSON
line per epoch: the training loss and the held-out mean IoU and per-class IoU.

    python segmentation_pace.py <data dir> <model> <classes> <epochs> <batch> <lr>

<data dir> holds train-images.bin, train-masks.bin, test-images.bin, test-masks.bin (uint8,
NHWC / NHW) and data.json (size, channels, train and test counts, normalisation mean and std).
"""
import importlib.util
import json
import math
import pathlib
import sys

import numpy as np
import torch
import torch.nn.functional as F


def worker_module():
    path = pathlib.Path(__file__).resolve().parent / "worker.py"
    spec = importlib.util.spec_from_file_location("worker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(directory, split, info):
    size, channels, count = info["size"], info["channels"], info[f"{split}Count"]
    images = np.fromfile(directory / f"{split}-images.bin", np.uint8)
    images = images.reshape(count, size, size, channels).astype(np.float32) / 255
    mean = np.array(info["mean"][:channels], np.float32)
    std = np.array(info["std"][:channels], np.float32)
    x = torch.tensor((images - mean) / std).permute(0, 3, 1, 2).contiguous()
    masks = np.fromfile(directory / f"{split}-masks.bin", np.uint8).reshape(count, size, size)
    return x, torch.tensor(masks.astype(np.int64))


def logits_of(output):
    return output["out"] if isinstance(output, dict) else output


def main():
    directory, model_name = pathlib.Path(sys.argv[1]), sys.argv[2]
    classes, epochs, batch, lr = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    info = json.loads((directory / "data.json").read_text())
    train_x, train_y = load(directory, "train", info)
    test_x, test_y = load(directory, "test", info)
    model = worker_module().segmentation_net(model_name, info["channels"], classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    count = len(train_x)
    total = epochs * math.ceil(count / batch)
    step = 0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(count)
        loss_sum = 0.0
        for start in range(0, count, batch):
            index = order[start:start + batch]
            for group in optimizer.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / total))
            loss = F.cross_entropy(logits_of(model(train_x[index])), train_y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(index)
        model.eval()
        confusion = torch.zeros(classes * classes, dtype=torch.long)
        with torch.no_grad():
            for start in range(0, len(test_x), 50):
                predicted = logits_of(model(test_x[start:start + 50])).argmax(1)
                truth = test_y[start:start + 50]
                confusion += torch.bincount((truth * classes + predicted).flatten(), minlength=classes * classes)
        confusion = confusion.reshape(classes, classes)
        intersection = confusion.diag().double()
        union = confusion.sum(0) + confusion.sum(1) - confusion.diag()
        iou = (intersection / union).tolist()
        print(json.dumps({
            "epoch": epoch + 1,
            "loss": loss_sum / count,
            "testMeanIoU": sum(iou) / classes,
            "testPerClassIoU": iou,
        }), flush=True)


if __name__ == "__main__":
    main()
