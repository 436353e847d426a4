"""PyTorch parity check of the gradient-flow diagnostics (not part of the test suite).

Usage, from the repository root after `pnpm build` (needs PyTorch: apt-get install python3-torch):

    /usr/bin/python3 apps/cli/scripts/gradient-parity/compare_with_pytorch.py [SEEDS] [DEPTHS]

1. Same weights, same batch: PyTorch recomputes the gradients of the networks exported by
   export-gradients.mjs (TensorFlow's asymmetric 'same' padding reproduced) and the per-layer
   gradient norms are compared.
2. Same recipe, own random draws: the first-to-last 3x3-conv gradient-norm ratio of the CIFAR
   ResNets and plain nets (He init, training-mode batch norm, batch 32 of N(0, 1) images and
   uniform labels), geometric mean over seeds, ours next to PyTorch's.
3. Zero-gamma: which layers of ResNet-56 receive any gradient at the first step.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class Block(nn.Module):
    """The basic block of He et al. 2015 (Fig. 2), option A shortcut, or its plain counterpart."""

    def __init__(self, cin, cout, stride, residual, tf_padding):
        super().__init__()
        self.stride, self.residual, self.tf_padding = stride, residual, tf_padding
        pad = 0 if (tf_padding and stride > 1) else 1
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, pad, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.extra = cout - cin

    def forward(self, x):
        # TensorFlow's 'same' padding of a stride-2 conv on an even size pads bottom/right only.
        y = F.pad(x, (0, 1, 0, 1)) if (self.tf_padding and self.stride > 1) else x
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(y)))))
        if self.residual:
            shortcut = x[:, :, :: self.stride, :: self.stride]
            if self.extra:
                before = self.extra // 2
                shortcut = F.pad(shortcut, (0, 0, 0, 0, before, self.extra - before))
            y = y + shortcut
        return F.relu(y)


class CifarNet(nn.Module):
    """ResNet-(6n+2) of the paper's CIFAR experiments, or the plain net with the same layers."""

    def __init__(self, depth, residual, tf_padding=False):
        super().__init__()
        n = (depth - 2) // 6
        self.n = n
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for stage, width in enumerate([16, 32, 64]):
            for b in range(n):
                blocks.append(Block(cin, width, 2 if stage > 0 and b == 0 else 1, residual, tf_padding))
                cin = width
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)  # He et al. 2015: N(0, 2 / fan_in)

    def forward(self, x):
        x = self.blocks(F.relu(self.stem_bn(self.stem(x))))
        return self.fc(x.mean((2, 3)))

    def convs(self):
        """(our layer name, conv) in network order."""
        yield 'stem_conv', self.stem
        for i, block in enumerate(self.blocks):
            name = f'stage{i // self.n + 1}_block{i % self.n + 1}'
            yield f'{name}_1_conv', block.conv1
            yield f'{name}_2_conv', block.conv2

    def parameter_by_name(self, name):
        """The parameter our weight `name` (e.g. stage2_block1_1_conv/kernel) maps to."""
        layer, kind = name.split('/')
        if layer == 'logits':
            return self.fc.weight if kind == 'kernel' else self.fc.bias
        if layer.startswith('stem'):
            module = self.stem if layer == 'stem_conv' else self.stem_bn
        else:
            stage, block, index, what = layer.split('_')
            module = getattr(self.blocks[(int(stage[5:]) - 1) * self.n + int(block[5:]) - 1], f'{what}{index}')
        return {'kernel': module.weight, 'gamma': module.weight, 'beta': module.bias}[kind]


def ratio(net):
    norms = [conv.weight.grad.norm().item() for _, conv in net.convs()]
    return norms[0] / norms[-1]


def gradients(net, images, labels):
    net.train()
    net.zero_grad()
    loss = F.cross_entropy(net(images), labels)
    loss.backward()
    return loss.item()


def same_weights(out, model):
    """Loads our exported weights and batch into PyTorch and compares the gradients."""
    manifest = json.load(open(os.path.join(out, f'{model}.json')))
    values = np.fromfile(os.path.join(out, f'{model}.weights.bin'), dtype=np.float32)
    family = model.rstrip('0123456789')
    net = CifarNet(int(model[len(family):]), family == 'cifar_resnet', tf_padding=True)
    with torch.no_grad():
        for w in manifest['weights']:
            array = torch.from_numpy(values[w['offset']:w['offset'] + w['length']].reshape(w['shape']))
            if len(w['shape']) == 4:  # [kh, kw, in, out] -> [out, in, kh, kw]
                array = array.permute(3, 2, 0, 1)
            elif len(w['shape']) == 2:  # [in, out] -> [out, in]
                array = array.t()
            net.parameter_by_name(w['name']).copy_(array)
    images = np.fromfile(os.path.join(out, manifest['images']), dtype=np.float32).reshape(32, 32, 32, 3)
    images = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
    loss = gradients(net, images, torch.tensor(manifest['labels']))
    return loss, {name: conv.weight.grad.norm().item() for name, conv in net.convs()}, ratio(net)


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    depths = [int(d) for d in (sys.argv[2] if len(sys.argv) > 2 else '20,56,110').split(',')]
    out = tempfile.mkdtemp(prefix='residual-parity-')
    subprocess.run(
        ['node', os.path.join(HERE, 'export-gradients.mjs'), out, str(seeds), ','.join(map(str, depths))],
        check=True,
        cwd=os.path.join(HERE, '..', '..'),
    )
    ours = json.load(open(os.path.join(out, 'ours.json')))

    print('1. Same weights and batch (seed 1): PyTorch recomputes our gradients')
    print(f'{"model":<16}{"loss ours":>11}{"loss torch":>12}{"max rel. diff of conv grad norms":>34}{"ratio ours":>12}{"ratio torch":>13}')
    for run in [r for r in ours['runs'] if r['seed'] == 1]:
        loss, norms, torch_ratio = same_weights(out, run['model'])
        diff = max(abs(n - norms[name]) / norms[name] for name, n in run['convNorms'])
        print(f'{run["model"]:<16}{run["loss"]:>11.5f}{loss:>12.5f}{diff:>34.2e}{run["ratio"]:>12.4g}{torch_ratio:>13.4g}')

    print(f'\n2. First-to-last 3x3-conv gradient-norm ratio, geometric mean over {seeds} seeds (own init each)')
    print(f'{"depth":<7}{"ResNet ours":>13}{"ResNet torch":>14}{"plain ours":>13}{"plain torch":>13}')
    geomean = lambda xs: math.exp(sum(math.log(x) for x in xs) / len(xs))
    for depth in depths:
        row = [f'{depth:<7}']
        for residual in (True, False):
            family = 'cifar_resnet' if residual else 'cifar_plain'
            mine = geomean([r['ratio'] for r in ours['runs'] if r['family'] == family and r['depth'] == depth])
            theirs = []
            for seed in range(seeds):
                torch.manual_seed(seed)
                net = CifarNet(depth, residual)
                gradients(net, torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,)))
                theirs.append(ratio(net))
            row += [f'{mine:>13.3g}', f'{geomean(theirs):>{14 if residual else 13}.3g}']
        print(''.join(row))

    print('\n3. Zero-gamma ResNet-56 (last BN gamma of every block = 0): layers that get a gradient')
    torch.manual_seed(0)
    net = CifarNet(56, True)
    for block in net.blocks:
        nn.init.zeros_(block.bn2.weight)
    gradients(net, torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,)))
    named = dict(net.named_parameters())
    receiving = [name for name, p in named.items() if p.grad is not None and p.grad.abs().sum().item() > 0]
    print(f'  PyTorch: {len(receiving)} of {len(named)} parameter tensors: {summarise(receiving)}')
    print(f'  ours:    {len(ours["zeroGamma"]["layersWithGradient"])} of {ours["zeroGamma"]["layers"]} layers with weights: '
          f'{summarise(ours["zeroGamma"]["layersWithGradient"])}')


def summarise(names):
    """Names, with the per-block ones collapsed to a pattern and a count."""
    import re
    patterns = {}
    for name in names:
        key = re.sub(r'^blocks\.\d+\.', 'blocks.*.', re.sub(r'^stage\d_block\d+_', 'stage*_block*_', name))
        patterns[key] = patterns.get(key, 0) + 1
    return ', '.join(f'{k} (x{v})' if v > 1 else k for k, v in patterns.items())


if __name__ == '__main__':
    main()
