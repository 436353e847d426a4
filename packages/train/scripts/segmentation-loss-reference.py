#!/usr/bin/python3
"""Segmentation losses in PyTorch, for `src/segmentation-loss.test.ts` to compare against.

Reads JSON cases on stdin, each: `shape` [N, H, W, C] and `logits` (flat, NHWC as tfjs holds
them), `masks` (flat, [N, H, W], 255 ignored), optionally `aux` {shape, logits} (an auxiliary
head's output, smaller than the masks: upsampled as torchvision's models do), and the options
`loss` ('cross-entropy', 'dice', 'cross-entropy+dice'), `classWeights`, `labelSmoothing`,
`auxWeight`. Writes JSON: for each case the loss and its gradients with respect to the logits
(flat NHWC).

Cross-entropy is `torch.nn.functional.cross_entropy(..., ignore_index=255)` (reduction mean);
the auxiliary loss is torchvision's references/segmentation `criterion`: main + 0.5 * aux.
The Dice loss transcribes segmentation_models_pytorch's `DiceLoss(mode='multiclass',
from_logits=True, ignore_index=255)` (smooth 0, eps 1e-7), which is not installed here.

Needs Debian's python3-torch: /usr/bin/python3 scripts/segmentation-loss-reference.py < cases.json
"""

import json
import sys

import torch
import torch.nn.functional as F

IGNORE = 255


def nchw(values, shape):
    n, h, w, c = shape
    x = torch.tensor(values, dtype=torch.float64).reshape(n, h, w, c).permute(0, 3, 1, 2)
    return x.contiguous().requires_grad_(True)


def dice(logits, target):
    """smp's DiceLoss(mode='multiclass', from_logits=True, ignore_index=255)."""
    bs, classes = logits.shape[0], logits.shape[1]
    probs = logits.log_softmax(dim=1).exp().view(bs, classes, -1)
    truth = target.view(bs, -1)
    mask = truth != IGNORE
    probs = probs * mask.unsqueeze(1)
    one_hot = F.one_hot((truth * mask).to(torch.long), classes).permute(0, 2, 1) * mask.unsqueeze(1)
    one_hot = one_hot.type_as(probs)
    dims = (0, 2)
    intersection = torch.sum(probs * one_hot, dim=dims)
    cardinality = torch.sum(probs + one_hot, dim=dims)
    score = (2.0 * intersection) / cardinality.clamp_min(1e-7)
    loss = (1.0 - score) * (one_hot.sum(dims) > 0).to(score.dtype)
    return loss.mean()


def one_loss(logits, target, case):
    if logits.shape[-2:] != target.shape[-2:]:
        logits = F.interpolate(logits, size=target.shape[-2:], mode='bilinear', align_corners=False)
    kind = case.get('loss', 'cross-entropy')
    weight = case.get('classWeights')
    weight = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    ce = lambda: F.cross_entropy(logits, target, weight=weight, ignore_index=IGNORE,
                                 label_smoothing=case.get('labelSmoothing', 0.0))
    if kind == 'cross-entropy':
        return ce()
    if kind == 'dice':
        return dice(logits, target)
    return ce() + dice(logits, target)


def flat_nhwc(grad):
    return grad.permute(0, 2, 3, 1).reshape(-1).tolist()


def main():
    results = []
    for case in json.load(sys.stdin):
        n, h, w, _ = case['shape']
        target = torch.tensor(case['masks'], dtype=torch.long).reshape(n, h, w)
        logits = nchw(case['logits'], case['shape'])
        loss = one_loss(logits, target, case)
        inputs = [logits]
        if 'aux' in case:
            aux = nchw(case['aux']['logits'], case['aux']['shape'])
            loss = loss + case.get('auxWeight', 0.5) * one_loss(aux, target, case)
            inputs.append(aux)
        grads = torch.autograd.grad(loss, inputs)
        result = {'loss': loss.item(), 'grad': flat_nhwc(grads[0])}
        if len(grads) > 1:
            result['auxGrad'] = flat_nhwc(grads[1])
        results.append(result)
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
