"""torchvision's side of segmentation-import.test.ts (Debian's python3-torch 1.13 and
python3-torchvision 0.14): a seeded fcn_resnet50 as torchvision builds it for its published
weights (21 classes, auxiliary head), its state dict, and its per-pixel classes for one image.

    python3 torchvision_segmentation.py DIR SIZE

reads DIR/image.rgb (SIZE x SIZE x 3 bytes, row-major RGB) and writes DIR/fcn_resnet50.pth,
DIR/mask.bin (SIZE x SIZE uint8: the argmax of the main head's logits), DIR/margin.bin
(SIZE x SIZE float32: the top logit minus the runner-up, to tell near-ties) and prints JSON:
the categories of torchvision's COCO_WITH_VOC_LABELS_V1 weights and the largest |logit|.
"""

import json
import sys

import numpy as np
import torch
from torchvision.models import segmentation

# torchvision's SemanticSegmentation transform: ImageNet's statistics.
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def seeded_model():
    torch.manual_seed(17)
    model = segmentation.fcn_resnet50(
        weights=None, weights_backbone=None, num_classes=21, aux_loss=True
    )
    # Fresh batch norms are identities in eval mode; random statistics and affine parameters
    # make every one of them count.
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model.eval()


def main():
    out, size = sys.argv[1], int(sys.argv[2])
    model = seeded_model()
    torch.save(model.state_dict(), f"{out}/fcn_resnet50.pth")
    rgb = np.fromfile(f"{out}/image.rgb", dtype=np.uint8).reshape(size, size, 3)
    x = torch.from_numpy(rgb.astype(np.float32) / 255).permute(2, 0, 1)
    x = ((x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None])[None]
    with torch.no_grad():
        logits = model(x)["out"][0]
    top = torch.topk(logits, 2, dim=0).values
    logits.argmax(0).to(torch.uint8).numpy().tofile(f"{out}/mask.bin")
    (top[0] - top[1]).numpy().astype(np.float32).tofile(f"{out}/margin.bin")
    meta = segmentation.FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1.meta
    print(json.dumps({"categories": meta["categories"], "maxLogit": logits.abs().max().item()}))


if __name__ == "__main__":
    main()
