"""Writes the small fixture files of packages/interop/fixtures (a few KB) with PyTorch itself.

Run from the repository root:  .venv-timm/bin/python packages/interop/python/make_fixtures.py
(Debian's /usr/bin/python3 works too; safetensors_io then writes the safetensors files by the
format's specification instead of with the safetensors library.)
"""
import io
import json
import os
import subprocess
import sys
import zipfile
from collections import OrderedDict

import torch

from safetensors_io import save as save_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

def tiny_state_dict():
    base = torch.arange(10, dtype=torch.float32)
    return OrderedDict([
        ("conv.weight", torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2) * 0.5),
        ("bn.running_var", torch.tensor([0.25, 4.0, 1e-3])),
        ("bn.num_batches_tracked", torch.tensor(7)),
        # A transposed view and a slice that shares its storage: torch.save keeps both as views.
        ("fc.weight", torch.arange(6, dtype=torch.float32).reshape(2, 3).t()),
        ("fc.bias", base[2:5]),
        ("half", torch.tensor([1.5, -2.0, 65504.0, 6e-8, 0.1], dtype=torch.float16)),
        ("brain", torch.tensor([1.0, -3.5, 1e30, 0.1], dtype=torch.bfloat16)),
        ("double", torch.tensor([[0.1, 2.0]], dtype=torch.float64)),
    ])


def expected(tensors):
    return {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                "values": v.flatten().tolist() if v.dtype in (torch.int64, torch.int32)
                else v.float().flatten().tolist()} for k, v in tensors.items()}


def write_json(value, f):
    f.write(json.dumps(value, indent=2) + "\n")


def raw_pickle_pth(path, pickle_bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        z.writestr("archive/version", "3\n")


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    sd = tiny_state_dict()
    torch.save(sd, os.path.join(OUT, "tiny.pth"))
    with open(os.path.join(OUT, "tiny.json"), "w") as f:
        write_json(expected(sd), f)

    floats = OrderedDict((k, v.contiguous()) for k, v in sd.items()
                         if v.dtype == torch.float32)
    for dtype, suffix in ((torch.float32, "f32"), (torch.float16, "f16"), (torch.bfloat16, "bf16")):
        converted = OrderedDict((k, v.to(dtype)) for k, v in floats.items())
        converted["bn.num_batches_tracked"] = torch.tensor(7)
        save_safetensors(converted, os.path.join(OUT, f"tiny-{suffix}.safetensors"))
        with open(os.path.join(OUT, f"tiny-{suffix}.json"), "w") as f:
            write_json(expected(converted), f)

    # A training checkpoint of a DataParallel model: weights under "model", keys under "module.".
    checkpoint = {
        "epoch": 3,
        "arch": "tiny",
        "model": OrderedDict(("module." + k, v) for k, v in sd.items()),
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0, 1]}]},
        "best_acc1": torch.tensor(0.5),
    }
    torch.save(checkpoint, os.path.join(OUT, "checkpoint-module.pth"))

    torch.save(sd, os.path.join(OUT, "legacy.pth"), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(OUT, "torchscript.pt"))
    # A whole nn.Module instead of its state dict names torch.nn classes: refused.
    torch.save(torch.nn.Linear(2, 2), os.path.join(OUT, "whole-module.pth"))
    # The classic hostile pickle: os.system("echo pwned") on load.
    raw_pickle_pth(os.path.join(OUT, "os-system.pth"),
                   b"\x80\x02cos\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R.")
    # The repository's formatter owns JSON layout; without it the files only differ in spacing.
    subprocess.run(["npx", "biome", "format", "--write", OUT], check=False)
    print("wrote fixtures to", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
