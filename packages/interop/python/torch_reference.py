"""Reference logits from the real PyTorch libraries, for the parity tests of @residual/interop.

  reference: builds torchvision's or timm's model with random weights and randomised batch-norm
             statistics, saves them as weights.pth (torch.save) and weights.safetensors, runs a
             random batch at each size in eval mode, and saves inputs and logits to
             reference.safetensors (input_<size> NCHW, logits_<size>; for torchvision's
             segmentation models, fcn_* and deeplabv3_* with their auxiliary head, the
             per-pixel logits_<size> and aux_logits_<size>, NCHW).
  logits:    loads a weights file that Residual wrote into a fresh model with
             load_state_dict(strict=True) (.pth through torch.load(weights_only=True)), runs the
             inputs of a reference.safetensors and writes its logits_<size> to --out.

Run with Debian's /usr/bin/python3 (torch, torchvision) or, for timm, .venv-timm/bin/python.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


SEGMENTATION_PREFIXES = ("fcn_", "deeplabv3_")


def build(library, name, num_classes):
    if library == "timm":
        import timm
        return timm.create_model(name, pretrained=False, num_classes=num_classes)
    import torchvision
    if name.startswith(SEGMENTATION_PREFIXES):
        builder = getattr(torchvision.models.segmentation, name)
        return builder(weights=None, weights_backbone=None, num_classes=num_classes, aux_loss=True)
    return getattr(torchvision.models, name)(weights=None, num_classes=num_classes)


def outputs(model, x, size):
    """logits_<size>, and aux_logits_<size> for a segmentation model (a dict out, aux)."""
    y = model(x)
    if isinstance(y, dict):
        return {f"logits_{size}": y["out"], f"aux_logits_{size}": y["aux"]}
    return {f"logits_{size}": y}


def randomise_batch_norms(model, generator):
    """Fresh batch norms are the identity; random affine parameters and statistics test the
    mapping of every one of the four tensors."""
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            with torch.no_grad():
                module.weight.copy_(torch.rand(n, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(n, generator=generator) * 0.1)
                module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)
                module.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=generator)))


def reference(args):
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = build(args.library, args.model, args.num_classes)
    randomise_batch_norms(model, generator)
    model.eval()
    state_dict = model.state_dict()
    os.makedirs(args.out, exist_ok=True)
    torch.save(state_dict, os.path.join(args.out, "weights.pth"))
    safetensors_io.save(dict(state_dict), os.path.join(args.out, "weights.safetensors"))
    tensors = {}
    with torch.no_grad():
        for size in args.sizes:
            x = torch.randn(args.batch, 3, size, size, generator=generator)
            tensors[f"input_{size}"] = x
            tensors.update(outputs(model, x, size))
    safetensors_io.save(tensors, os.path.join(args.out, "reference.safetensors"))


def logits(args):
    model = build(args.library, args.model, args.num_classes)
    if args.weights.endswith(".safetensors"):
        state_dict = safetensors_io.load(args.weights)
    else:
        state_dict = torch.load(args.weights, weights_only=True)
    model.load_state_dict(state_dict, strict=True)
    model.eval()
    inputs = safetensors_io.load(args.reference)
    out = {}
    with torch.no_grad():
        for name, x in inputs.items():
            if name.startswith("input_"):
                out.update(outputs(model, x, name[len("input_"):]))
    safetensors_io.save(out, args.out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference")
    ref.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")], default=[224])
    ref.add_argument("--batch", type=int, default=2)
    ref.add_argument("--seed", type=int, default=0)
    log = sub.add_parser("logits")
    log.add_argument("--weights", required=True)
    log.add_argument("--reference", required=True)
    for p in (ref, log):
        p.add_argument("--library", choices=["torchvision", "timm"], required=True)
        p.add_argument("--model", required=True)
        p.add_argument("--num-classes", type=int, default=1000)
        p.add_argument("--out", required=True)
    args = parser.parse_args()
    reference(args) if args.command == "reference" else logits(args)


if __name__ == "__main__":
    main()
