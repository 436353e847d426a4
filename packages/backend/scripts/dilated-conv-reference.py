"""Gradients of dilated convolutions in PyTorch, for dilated-conv-pytorch.test.ts.

Reads {"cases": [...]} on stdin, each case x (NHWC), w (tfjs's HWIO, or [kh, kw, C, multiplier]
when depthwise), r (the output weighting, NHWC), pads [top, bottom, left, right], dilation
[dh, dw]; writes {"cases": [{"dx": NHWC, "dw": tfjs's filter layout}]} of
L = sum(conv(x, w) * r) on stdout. Float32, as tfjs computes.
"""
import json
import sys

import torch
import torch.nn.functional as F


def gradients(case):
    n, h, w_, c = case["xShape"]
    kh, kw, ci, co = case["wShape"]
    x = torch.tensor(case["x"], dtype=torch.float32).reshape(n, h, w_, c).permute(0, 3, 1, 2)
    filt = torch.tensor(case["w"], dtype=torch.float32).reshape(kh, kw, ci, co)
    if case["depthwise"]:
        # [kh, kw, C, m] -> [C*m, 1, kh, kw]: group c makes output channels c*m .. c*m + m - 1.
        weight = filt.permute(2, 3, 0, 1).reshape(ci * co, 1, kh, kw)
        groups = ci
    else:
        weight = filt.permute(3, 2, 0, 1)
        groups = 1
    x = x.contiguous().requires_grad_(True)
    weight = weight.contiguous().requires_grad_(True)
    top, bottom, left, right = case["pads"]
    y = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, dilation=tuple(case["dilation"]),
                 groups=groups)
    r = torch.tensor(case["r"], dtype=torch.float32).reshape(
        y.shape[0], y.shape[2], y.shape[3], y.shape[1]).permute(0, 3, 1, 2)
    (y * r).sum().backward()
    dx = x.grad.permute(0, 2, 3, 1)
    if case["depthwise"]:
        dw = weight.grad.reshape(ci, co, kh, kw).permute(2, 3, 0, 1)
    else:
        dw = weight.grad.permute(2, 3, 1, 0)
    return {"dx": dx.reshape(-1).tolist(), "dw": dw.reshape(-1).tolist()}


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump({"cases": [gradients(case) for case in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
