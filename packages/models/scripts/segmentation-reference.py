#!/usr/bin/python3
"""Reference counts of the segmentation entries, computed in PyTorch.

Writes, for every segmentation entry of the registry, the trainable parameters (what PyTorch
counts), the total (plus the batch-norm running statistics, what Keras counts) and the
multiply-accumulates per image of convolutions at the entry's default input size (torchvision's
"GFLOPS" convention), with 21 classes; for FCN and DeepLabv3 also without the auxiliary head.

- fcn_resnet50/101 and deeplabv3_resnet50/101 are torchvision's own models
  (torchvision.models.segmentation, aux_loss=True and False).
- unet_* and fpn_* are a PyTorch RE-IMPLEMENTATION, written below from the published
  architecture of segmentation_models_pytorch (smp) 0.3's `Unet` and `FPN` with their defaults
  (Unet: decoder channels 256, 128, 64, 32, 16, batch norm, nearest ×2, 3×3 head; FPN: pyramid
  256, segmentation 128, GroupNorm(32), merge 'add', Dropout2d 0.2, 1×1 head, bilinear ×4),
  on torchvision's ResNet as the encoder. smp itself is not installable here (no package in the
  local index), so these counts are this script's, not smp's; as a check, the re-implemented
  Unet on resnet34 with smp's default classes=1 has 24,436,369 parameters, the figure smp's
  users report for `smp.Unet('resnet34')`.

Run from the repository root with Debian's python3-torch and python3-torchvision:

    /usr/bin/python3 packages/models/scripts/segmentation-reference.py \\
        > packages/models/src/segmentation-counts.json

`src/segmentation-counts.test.ts` holds the registry (and the models it builds) to that file.

`pnpm bench` imports this file for its U-Net and FPN rows (bench/torch/worker.py), passing a
ResNet of torchvision's layout as `resnet`: a pip-installed PyTorch 2.x may have no
torchvision that loads, so torchvision is imported only where a model needs it.

`parity OUT_DIR` writes, for unet_resnet18 and fpn_resnet18, random weights (batch-norm and
group-norm parameters and statistics included) named as Residual's layers name them, a random
2×64×96×3 batch and the re-implementation's eval-mode logits, all NHWC float32, to
OUT_DIR/<model>.bin with an index OUT_DIR/<model>.json; `src/segmentation-pytorch-parity.test.ts`
loads them into our models and compares the logits.
"""

import json
import os
import re
import sys

import torch
import torch.nn.functional as F
from torch import nn

CLASSES = 21
TORCHVISION_SIZE = 520  # torchvision's evaluation size for its segmentation weights
SMP_SIZE = 512  # a multiple of 32, as U-Net and FPN need


def conv_bn_relu(cin, cout, kernel):
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


def encoder(name, resnet=None):
    """torchvision's ResNet without avgpool and fc: the stem's ReLU and the four stages.

    `resnet`, when given, is used instead: a module of the same layout (conv1, bn1, relu,
    maxpool, layer1 to layer4) without avgpool and fc.
    """
    if resnet is None:
        import torchvision
        resnet = getattr(torchvision.models, name)(weights=None)
        del resnet.fc, resnet.avgpool
    # Bottleneck blocks (ResNet-50 and deeper) have a third convolution and expand by 4.
    expansion = 4 if hasattr(resnet.layer1[0], 'conv3') else 1
    channels = [64, 64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion]
    return resnet, channels


def encode(resnet, x):
    """[stem ReLU (stride 2), layer1 (4), layer2 (8), layer3 (16), layer4 (32)]."""
    stem = resnet.relu(resnet.bn1(resnet.conv1(x)))
    features = [stem]
    x = resnet.maxpool(stem)
    for layer in (resnet.layer1, resnet.layer2, resnet.layer3, resnet.layer4):
        x = layer(x)
        features.append(x)
    return features


class UnetBlock(nn.Module):
    def __init__(self, cin, skip, cout):
        super().__init__()
        self.conv1 = conv_bn_relu(cin + skip, cout, 3)
        self.conv2 = conv_bn_relu(cout, cout, 3)

    def forward(self, x, skip=None):
        x = F.interpolate(x, scale_factor=2, mode='nearest')
        if skip is not None:
            x = torch.cat([x, skip], dim=1)
        return self.conv2(self.conv1(x))


class Unet(nn.Module):
    """smp.Unet(encoder, classes) re-implemented (see the module docstring)."""

    def __init__(self, encoder_name, classes, decoder_channels=(256, 128, 64, 32, 16),
                 resnet=None):
        super().__init__()
        self.encoder, channels = encoder(encoder_name, resnet)
        reversed_channels = channels[::-1]  # layer4 … stem
        ins = [reversed_channels[0]] + list(decoder_channels[:-1])
        skips = reversed_channels[1:] + [0]
        self.blocks = nn.ModuleList(
            UnetBlock(i, s, o) for i, s, o in zip(ins, skips, decoder_channels))
        self.head = nn.Conv2d(decoder_channels[-1], classes, 3, padding=1)

    def forward(self, x):
        features = encode(self.encoder, x)[::-1]
        x, skips = features[0], features[1:]
        for i, block in enumerate(self.blocks):
            x = block(x, skips[i] if i < len(skips) else None)
        return self.head(x)


class Conv3x3GNReLU(nn.Module):
    def __init__(self, cin, cout, upsample):
        super().__init__()
        self.upsample = upsample
        self.block = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.GroupNorm(32, cout), nn.ReLU(True))

    def forward(self, x):
        x = self.block(x)
        return F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=True) \
            if self.upsample else x


class FPN(nn.Module):
    """smp.FPN(encoder, classes) re-implemented (see the module docstring)."""

    def __init__(self, encoder_name, classes, pyramid=256, segmentation=128, resnet=None):
        super().__init__()
        self.encoder, channels = encoder(encoder_name, resnet)
        self.p5 = nn.Conv2d(channels[4], pyramid, 1)
        self.skips = nn.ModuleList(nn.Conv2d(channels[c], pyramid, 1) for c in (3, 2, 1))
        self.seg_blocks = nn.ModuleList()
        for upsamples in (3, 2, 1, 0):
            blocks = [Conv3x3GNReLU(pyramid, segmentation, upsamples > 0)]
            blocks += [Conv3x3GNReLU(segmentation, segmentation, True)
                       for _ in range(1, upsamples)]
            self.seg_blocks.append(nn.Sequential(*blocks))
        self.dropout = nn.Dropout2d(0.2)
        self.head = nn.Conv2d(segmentation, classes, 1)

    def forward(self, x):
        c2, c3, c4, c5 = encode(self.encoder, x)[1:]
        pyramid = [self.p5(c5)]
        for skip_conv, c in zip(self.skips, (c4, c3, c2)):
            pyramid.append(F.interpolate(pyramid[-1], scale_factor=2, mode='nearest') + skip_conv(c))
        x = sum(block(p) for block, p in zip(self.seg_blocks, pyramid))
        x = self.head(self.dropout(x))
        return F.interpolate(x, scale_factor=4, mode='bilinear', align_corners=True)


def build(head, encoder_name, aux=True):
    if head in ('fcn', 'deeplabv3'):
        import torchvision
        builder = getattr(torchvision.models.segmentation, f'{head}_{encoder_name}')
        return builder(weights=None, weights_backbone=None, num_classes=CLASSES, aux_loss=aux)
    return (Unet if head == 'unet' else FPN)(encoder_name, CLASSES)


def count(model, size):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for name, b in model.named_buffers()
                  if not name.endswith('num_batches_tracked'))
    macs = 0

    def on_conv(module, _, output):
        nonlocal macs
        per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        macs += output.numel() // output.shape[0] * per_output

    hooks = [m.register_forward_hook(on_conv) for m in model.modules() if isinstance(m, nn.Conv2d)]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for hook in hooks:
        hook.remove()
    return {'trainableParams': trainable, 'totalParams': trainable + buffers, 'macs': macs}


ENTRIES = [('fcn', 'resnet50'), ('fcn', 'resnet101'), ('deeplabv3', 'resnet50'),
           ('deeplabv3', 'resnet101'), ('unet', 'resnet18'), ('unet', 'resnet34'),
           ('unet', 'resnet50'), ('fpn', 'resnet18'), ('fpn', 'resnet34'), ('fpn', 'resnet50')]


def main():
    # Counting needs the shapes, not trained-looking weights: skip the initialisers.
    for module in (nn.Conv2d, nn.BatchNorm2d, nn.GroupNorm, nn.Linear):
        module.reset_parameters = lambda self: None
    out = {}
    for head, encoder_name in ENTRIES:
        torchvision_head = head in ('fcn', 'deeplabv3')
        size = TORCHVISION_SIZE if torchvision_head else SMP_SIZE
        entry = {
            'source': 'torchvision 0.14' if torchvision_head
            else 'PyTorch re-implementation of segmentation_models_pytorch (not smp itself)',
            'inputShape': [size, size, 3],
            'numClasses': CLASSES,
            **count(build(head, encoder_name), size),
        }
        if torchvision_head:
            without = build(head, encoder_name, aux=False)
            entry['withoutAux'] = {
                'trainableParams': sum(p.numel() for p in without.parameters()),
            }
        out[f'{head}_{encoder_name}'] = entry
        print(f'{head}_{encoder_name}: {entry["trainableParams"]:,}', file=sys.stderr)
    unet34 = sum(p.numel() for p in Unet('resnet34', 1).parameters())
    if unet34 != 24_436_369:
        sys.exit(f'the Unet re-implementation has {unet34:,} parameters on resnet34 with one '
                 'class; smp.Unet("resnet34") has 24,436,369')
    text = json.dumps(out, indent=2)
    # Lists of numbers on one line, as the repository's formatter (biome) writes JSON.
    text = re.sub(r'\[\s+([-\d.,\s]+?)\s+\]',
                  lambda m: '[' + ', '.join(v.strip() for v in m.group(1).split(',')) + ']', text)
    print(text)


NORM_VARIABLES = {'weight': 'gamma', 'bias': 'beta', 'running_mean': 'moving_mean',
                  'running_var': 'moving_variance'}
CONV_VARIABLES = {'weight': 'kernel', 'bias': 'bias'}


def residual_name(name, unet):
    """Our layer/variable name for a parameter or buffer of the re-implemented Unet or FPN."""
    module, _, variable = name.rpartition('.')
    rules = [
        (r'encoder\.conv1', 'stem_conv'),
        (r'encoder\.bn1', 'stem_bn'),
        (r'encoder\.layer(\d)\.(\d+)\.conv(\d)',
         lambda m: f'stage{m[1]}_block{int(m[2]) + 1}_{m[3]}_conv'),
        (r'encoder\.layer(\d)\.(\d+)\.bn(\d)',
         lambda m: f'stage{m[1]}_block{int(m[2]) + 1}_{m[3]}_bn'),
        (r'encoder\.layer(\d)\.(\d+)\.downsample\.([01])',
         lambda m: f'stage{m[1]}_block{int(m[2]) + 1}_shortcut_{"conv" if m[3] == "0" else "bn"}'),
        (r'blocks\.(\d)\.conv([12])\.([01])',
         lambda m: f'decoder{int(m[1]) + 1}_{m[2]}_{"conv" if m[3] == "0" else "bn"}'),
        (r'p5', 'fpn_p5_conv'),
        (r'skips\.(\d)', lambda m: f'fpn_p{4 - int(m[1])}_skip_conv'),
        (r'seg_blocks\.(\d)\.(\d)\.block\.([01])',
         lambda m: f'seg{5 - int(m[1])}_{int(m[2]) + 1}_{"conv" if m[3] == "0" else "gn"}'),
    ]
    for pattern, ours in rules:
        m = re.fullmatch(pattern, module)
        if m is not None:
            layer = ours if isinstance(ours, str) else ours(m)
            kind = CONV_VARIABLES if layer.endswith('_conv') else NORM_VARIABLES
            return f'{layer}/{kind[variable]}'
    if module == 'head':
        return f'{"logits" if unet else "segmentation_head_conv"}/{CONV_VARIABLES[variable]}'
    raise KeyError(name)


def parity(out_dir):
    for name, build_model in (('unet_resnet18', lambda: Unet('resnet18', CLASSES)),
                              ('fpn_resnet18', lambda: FPN('resnet18', CLASSES))):
        torch.manual_seed(0)
        model = build_model()
        with torch.no_grad():
            for key, tensor in model.state_dict().items():
                if key.endswith('num_batches_tracked'):
                    continue
                if key.endswith('running_var'):
                    tensor.copy_(torch.rand_like(tensor) + 0.5)
                elif key.endswith('running_mean'):
                    tensor.copy_(torch.randn_like(tensor) * 0.1)
                elif tensor.dim() == 1 and key.endswith('weight'):  # BN and GN scales
                    tensor.copy_(torch.rand_like(tensor) + 0.5)
                elif tensor.dim() == 1:  # biases
                    tensor.copy_(torch.randn_like(tensor) * 0.1)
                else:  # He-normal kernels keep the activations in range
                    fan_in = tensor[0].numel()
                    tensor.copy_(torch.randn_like(tensor) * (2 / fan_in) ** 0.5)
            model.eval()
            x = torch.randn(2, 3, 64, 96)
            y = model(x)
        chunks, index, offset = [], {'weights': {}}, 0

        def add(array):
            nonlocal offset
            flat = array.detach().contiguous().float().reshape(-1)
            chunks.append(flat.numpy().tobytes())
            entry = {'shape': list(array.shape), 'offset': offset}
            offset += flat.numel()
            return entry

        for key, tensor in model.state_dict().items():
            if key.endswith('num_batches_tracked'):
                continue
            ours = tensor.permute(2, 3, 1, 0) if tensor.dim() == 4 else tensor
            index['weights'][residual_name(key, isinstance(model, Unet))] = add(ours)
        index['input'] = add(x.permute(0, 2, 3, 1))
        index['logits'] = add(y.permute(0, 2, 3, 1))
        with open(os.path.join(out_dir, f'{name}.bin'), 'wb') as f:
            f.write(b''.join(chunks))
        with open(os.path.join(out_dir, f'{name}.json'), 'w') as f:
            json.dump(index, f)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'parity':
        parity(sys.argv[2])
    elif len(sys.argv) == 1:
        main()
    else:
        sys.exit(f'usage: {sys.argv[0]} [parity OUT_DIR]')
