#!/usr/bin/python3
"""A PyTorch reference for Residual's GPT models: parameter counts and logits to compare with.

The model below is written out from the papers and from nanoGPT's layout (token and learned
position embeddings, transformer blocks, a final LayerNorm, an output layer tied to the token
embedding), with the residual forms Residual offers: pre-ln (GPT-2), post-ln (Vaswani et al.
2017), none (no shortcut), rezero (Bachlechner et al. 2020), deepnorm (Wang et al. 2022) and
layerscale (Touvron et al. 2021). Queries, keys and values are three projections (nanoGPT fuses
them into one; the parameters are the same).

    /usr/bin/python3 packages/models/scripts/gpt-reference.py counts
        prints, as JSON, the parameter count of each configuration in COUNTED (PyTorch's
        sum(p.numel() for p in model.parameters()), which counts a tied matrix once).
    /usr/bin/python3 packages/models/scripts/gpt-reference.py parity OUT_DIR
        writes OUT_DIR/gpt-parity.json: for each case, the configuration, random weights (named
        as Residual's layers name them, Dense kernels as [in, out]), token ids and the logits
        computed in float64.

Needs Debian's python3-torch (torch 1.13).
"""

import json
import math
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

FORMS = ["pre-ln", "post-ln", "none", "rezero", "deepnorm", "layerscale"]


class LayerNorm(nn.Module):
    """LayerNorm over the last axis, epsilon 1e-5, with an optional offset (nanoGPT's bias)."""

    def __init__(self, width, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.bias = nn.Parameter(torch.zeros(width)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias, 1e-5)


class SelfAttention(nn.Module):
    def __init__(self, width, heads, bias):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(width, width, bias=bias)
        self.key = nn.Linear(width, width, bias=bias)
        self.value = nn.Linear(width, width, bias=bias)
        self.proj = nn.Linear(width, width, bias=bias)

    def forward(self, x):
        batch, length, width = x.shape
        head = width // self.heads

        def split(t):
            return t.view(batch, length, self.heads, head).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(head)
        future = torch.ones(length, length, dtype=torch.bool).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(batch, length, width))


class Mlp(nn.Module):
    def __init__(self, width, bias):
        super().__init__()
        self.fc = nn.Linear(width, 4 * width, bias=bias)
        self.proj = nn.Linear(4 * width, width, bias=bias)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))  # the exact erf GELU, nn.GELU()'s default


class Block(nn.Module):
    def __init__(self, width, heads, bias, form, layers):
        super().__init__()
        self.form = form
        self.attn = SelfAttention(width, heads, bias)
        self.mlp = Mlp(width, bias)
        if form != "rezero":
            self.ln1 = LayerNorm(width, bias)
            self.ln2 = LayerNorm(width, bias)
        if form == "rezero":
            self.attn_scale = nn.Parameter(torch.zeros(()))
            self.mlp_scale = nn.Parameter(torch.zeros(()))
        if form == "layerscale":
            self.attn_scale = nn.Parameter(torch.full((width,), 0.1))
            self.mlp_scale = nn.Parameter(torch.full((width,), 0.1))
        self.alpha = (2 * layers) ** 0.25  # DeepNorm's, for a decoder of `layers` blocks

    def forward(self, x):
        steps = [(self.attn, "attn", 1), (self.mlp, "mlp", 2)]
        for f, part, i in steps:
            ln = getattr(self, f"ln{i}", None)
            if self.form == "pre-ln":
                x = x + f(ln(x))
            elif self.form == "post-ln":
                x = ln(x + f(x))
            elif self.form == "none":
                x = f(ln(x))
            elif self.form == "rezero":
                x = x + getattr(self, f"{part}_scale") * f(x)
            elif self.form == "deepnorm":
                x = ln(self.alpha * x + f(x))
            elif self.form == "layerscale":
                x = x + getattr(self, f"{part}_scale") * f(ln(x))
        return x


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, heads, width, form="pre-ln", bias=True, tie=True):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.position_embedding = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads, bias, form, layers) for _ in range(layers))
        # The stream needs a last normalisation unless the blocks end in one (or have none).
        self.ln_f = LayerNorm(width, bias) if form in ("pre-ln", "none", "layerscale") else None
        self.logits = nn.Linear(width, vocab, bias=False)
        if tie:
            self.logits.weight = self.token_embedding.weight  # one matrix, counted once

    def forward(self, tokens):
        positions = torch.arange(tokens.shape[1])
        x = self.token_embedding(tokens) + self.position_embedding(positions)
        for block in self.blocks:
            x = block(x)
        if self.ln_f is not None:
            x = self.ln_f(x)
        return self.logits(x)


def count(model):
    return sum(p.numel() for p in model.parameters())


MICRO = dict(vocab=65, context=64, layers=4, heads=4, width=128)
SMALL = dict(vocab=65, context=256, layers=6, heads=6, width=384)
TINY = dict(vocab=13, context=8, layers=2, heads=2, width=16)

# Configuration name -> (dimensions, options), for the counts.
COUNTED = {
    "gpt_char_micro": (MICRO, {}),
    "gpt_char_small": (SMALL, {}),
    "gpt_char_micro bias=false": (MICRO, {"bias": False}),
    "gpt_char_small bias=false": (SMALL, {"bias": False}),
    "gpt_char_micro untied": (MICRO, {"tie": False}),
    **{f"gpt_char_micro {form}": (MICRO, {"form": form}) for form in FORMS},
}


def counts():
    return {name: count(Gpt(**dims, **options)) for name, (dims, options) in COUNTED.items()}


def residual_weights(model, layers):
    """The model's weights under Residual's layer names, Dense kernels as [in, out]."""
    named = {
        "token_embedding/embeddings": model.token_embedding.weight,
        "position_embedding/embeddings": model.position_embedding.weight,
    }

    def linear(prefix, module):
        named[f"{prefix}/kernel"] = module.weight.t()
        if module.bias is not None:
            named[f"{prefix}/bias"] = module.bias

    def norm(prefix, module):
        named[f"{prefix}/gamma"] = module.weight
        if module.bias is not None:
            named[f"{prefix}/beta"] = module.bias

    for i, block in enumerate(model.blocks, start=1):
        for part in ("query", "key", "value", "proj"):
            linear(f"block{i}_attn_{part}", getattr(block.attn, part))
        linear(f"block{i}_mlp_fc", block.mlp.fc)
        linear(f"block{i}_mlp_proj", block.mlp.proj)
        for n in (1, 2):
            if hasattr(block, f"ln{n}"):
                norm(f"block{i}_ln{n}", getattr(block, f"ln{n}"))
        for part in ("attn", "mlp"):
            if hasattr(block, f"{part}_scale"):
                named[f"block{i}_{part}_scale/scale"] = getattr(block, f"{part}_scale")
    if model.ln_f is not None:
        norm("ln_f", model.ln_f)
    if model.logits.weight is not model.token_embedding.weight:
        named["logits/kernel"] = model.logits.weight.t()
    return {
        name: {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}
        for name, t in named.items()
    }


def parity_case(form, bias=True, tie=True, seed=0):
    torch.manual_seed(seed)
    model = Gpt(**TINY, form=form, bias=bias, tie=tie).double()
    with torch.no_grad():
        # Random weights of every kind, so that every path (gains, offsets, gates) matters.
        for name, p in model.named_parameters():
            if name.endswith("ln1.weight") or name.endswith("ln2.weight") or name == "ln_f.weight":
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("_scale"):
                p.copy_(0.5 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
        tokens = torch.randint(0, TINY["vocab"], (2, TINY["context"]))
        logits = model(tokens)
    return {
        "config": {
            "vocabSize": TINY["vocab"],
            "contextLength": TINY["context"],
            "layers": TINY["layers"],
            "heads": TINY["heads"],
            "width": TINY["width"],
            "residualForm": form,
            "bias": bias,
            "tieWeights": tie,
        },
        "parameters": count(model),
        "weights": residual_weights(model, TINY["layers"]),
        "tokens": tokens.tolist(),
        "logits": logits.reshape(-1).tolist(),
    }


def parity(out_dir):
    cases = [parity_case(form, seed=i) for i, form in enumerate(FORMS)]
    cases.append(parity_case("pre-ln", bias=False, tie=False, seed=10))
    path = os.path.join(out_dir, "gpt-parity.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    print(path)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "counts":
        print(json.dumps(counts(), indent=2))
    elif len(sys.argv) == 3 and sys.argv[1] == "parity":
        parity(sys.argv[2])
    else:
        sys.exit(f"usage: {sys.argv[0]} counts | parity OUT_DIR")
