"""PyTorch side of `pnpm bench`: the same convolutions and networks, measured on request.

Reads one JSON request per line on stdin and answers one JSON line each, so the benchmark can
interleave PyTorch and TensorFlow.js measurements in the same run (the machine is shared;
only measurements taken side by side compare). Convolutions and image networks run in the
memory format a request names: "NCHW" (PyTorch's default, and the default here) or
"channels_last" (NHWC in memory, as ours; model and input converted with `.to(memory_format=...)`).
The benchmark starts one worker per PyTorch installation (Debian's 1.13, a pip-installed 2.x).

  {"kind": "hello"}                                    -> {"torch": version, "threads": n}
  {"kind": "conv", "direction": "forward" | "input" | "filter", "batch", "height", "width",
   "in_channels", "out_channels", "kernel", "stride", "layout", "threads", "min_time"}
                                                       -> {"times": [seconds per call, ...]}
  {"kind": "model", "name", "mode": "train" | "infer" | "infer-folded", "batch", "size", "channels",
   "classes", "layout", "threads", "warmup", "steps"}  -> {"times": [...], "params": trainable
                                                          parameters} or {"error": why}
  {"kind": "dilated_conv", "batch", "size", "channels", "dilation", "layout", "threads",
   "min_time"}                                         -> {"times": [...]}  (a 3x3 convolution
                                                          padded to keep the size: forward and
                                                          both gradients per call)
  {"kind": "matmul", "a": shape, "b": shape, "transpose_a", "transpose_b", "threads", "min_time"}
                                                       -> {"times": [...]}  (torch.matmul of the
                                                          stored operands, transposed as views)
  {"kind": "gpt", "mode": "train" | "generate", "batch", "context", "vocab", "layers", "heads",
   "width", "threads", "warmup", "steps"}           -> {"times": [seconds per step or token]}
  {"kind": "memory"}                                   -> {"peak_rss_bytes": n}

The networks mirror the @residual/models registry: the CIFAR ResNets of He et al. 2015 with
option-A (subsample + zero-pad) shortcuts, and torchvision's resnet18; the segmentation networks
(unet_*, fpn_* on ResNet-18 and -34) of packages/models/scripts/segmentation-reference.py, the
re-implementation the registry's counts come from, and torchvision's fcn_* and deeplabv3_* where
torchvision loads; and nanoGPT's GPT (pre-LN blocks, tied token embedding and output, exact GELU,
biases, no dropout) for gpt_char_*. A segmentation network trains on per-pixel cross-entropy
against random masks (plus 0.5 of the auxiliary head's, torchvision's reference).
"""
import importlib.util
import json
import pathlib
import resource
import sys
import time
import warnings

# A pip-installed torch 2.x warns on import when numpy is absent; nothing here needs numpy.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402  (after the filter above)
import torch.fx.experimental.optimization  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def memory_format(req):
    layout = req.get("layout", "NCHW")
    if layout not in ("NCHW", "channels_last"):
        raise ValueError(f"unknown layout {layout}; known: NCHW, channels_last")
    return torch.channels_last if layout == "channels_last" else torch.contiguous_format


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, shortcut):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.shortcut_kind = shortcut
        self.stride, self.extra = stride, cout - cin
        self.projection = None
        if shortcut == "B" and (stride != 1 or cin != cout):
            self.projection = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x
        if self.projection is not None:
            s = self.projection(x)
        elif self.stride != 1 or self.extra:
            s = x[:, :, :: self.stride, :: self.stride]
            before = self.extra // 2
            s = F.pad(s, (0, 0, 0, 0, before, self.extra - before))
        return F.relu(y + s)


def cifar_resnet(depth, channels, classes, shortcut="A"):
    n = (depth - 2) // 6
    layers = [nn.Conv2d(channels, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, width in enumerate([16, 32, 64]):
        for block in range(n):
            stride = 2 if stage > 0 and block == 0 else 1
            layers.append(BasicBlock(cin, width, stride, shortcut))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes)]
    return nn.Sequential(*layers)


class TorchvisionBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


def resnet18(channels, classes):
    layers = [
        nn.Conv2d(channels, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for stage, width in enumerate([64, 128, 256, 512]):
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            layers.append(TorchvisionBlock(cin, width, stride))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


class ResNetEncoder(nn.Module):
    """torchvision's ResNet-18/34 without avgpool and fc, its attributes named as torchvision's.

    The segmentation reference takes it in place of torchvision's own, which a pip-installed
    PyTorch 2.x may lack (torchvision's wheel must match the torch build exactly).
    """

    def __init__(self, channels, stage_depths):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = 64
        for stage, (width, depth) in enumerate(zip([64, 128, 256, 512], stage_depths)):
            blocks = []
            for block in range(depth):
                blocks.append(TorchvisionBlock(cin, width, 2 if stage > 0 and block == 0 else 1))
                cin = width
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))


ENCODER_DEPTHS = {"resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3]}
SEGMENTATION_REFERENCE = (
    pathlib.Path(__file__).resolve().parents[2] / "packages/models/scripts/segmentation-reference.py"
)
_reference = None


def segmentation_reference():
    """The models package's segmentation-reference.py, imported by path (its name has a hyphen)."""
    global _reference
    if _reference is None:
        spec = importlib.util.spec_from_file_location("segmentation_reference", SEGMENTATION_REFERENCE)
        _reference = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_reference)
    return _reference


def segmentation_net(name, channels, classes):
    """A segmentation network whose output is the logits, or a dict with "out" and "aux"."""
    head, _, encoder_name = name.partition("_")
    if head in ("unet", "fpn") and encoder_name in ENCODER_DEPTHS:
        reference = segmentation_reference()
        resnet = ResNetEncoder(channels, ENCODER_DEPTHS[encoder_name])
        return (reference.Unet if head == "unet" else reference.FPN)(encoder_name, classes, resnet=resnet)
    if head in ("fcn", "deeplabv3"):
        try:
            import torchvision.models.segmentation as segmentation
        except Exception as error:  # a torchvision built for another torch fails in many ways
            raise ValueError(f"{name} needs torchvision, which does not load here ({error})")
        builder = getattr(segmentation, name, None)
        if builder is not None and channels == 3:
            return builder(weights=None, weights_backbone=None, num_classes=classes, aux_loss=True)
    raise ValueError(f"no PyTorch counterpart for {name}")


def is_segmentation(name):
    return name.split("_")[0] in ("unet", "fpn", "fcn", "deeplabv3")


def build(name, channels, classes):
    if is_segmentation(name):
        return segmentation_net(name, channels, classes)
    if name.startswith("cifar_resnet"):
        return cifar_resnet(int(name[len("cifar_resnet"):]), channels, classes)
    if name == "resnet18":
        return resnet18(channels, classes)
    raise ValueError(f"no PyTorch counterpart for {name}")


_conv_cache = {}


def conv(req):
    fmt = memory_format(req)
    key = tuple(req[k] for k in ("batch", "height", "width", "in_channels", "out_channels", "kernel", "stride"))
    key += (fmt,)
    if key not in _conv_cache:
        _conv_cache.clear()
        n, h, w, cin, cout, k, s, _ = key
        g = torch.Generator().manual_seed(0)
        x = (torch.rand(n, cin, h, w, generator=g) * 2 - 1).to(memory_format=fmt)
        weight = (torch.rand(cout, cin, k, k, generator=g) * 2 - 1).to(memory_format=fmt)
        pad = k // 2
        y = F.conv2d(x, weight, stride=s, padding=pad)
        dy = (torch.rand(y.shape, generator=g) * 2 - 1).to(memory_format=fmt)
        xr, wr = x.clone().requires_grad_(), weight.clone().requires_grad_()
        yr = F.conv2d(xr, wr, stride=s, padding=pad)
        _conv_cache[key] = (x, weight, pad, dy, xr, wr, yr)
    x, weight, pad, dy, xr, wr, yr = _conv_cache[key]
    s = req["stride"]
    if req["direction"] == "forward":
        def fn():
            with torch.no_grad():
                F.conv2d(x, weight, stride=s, padding=pad)
    elif req["direction"] == "input":
        fn = lambda: torch.autograd.grad(yr, [xr], dy, retain_graph=True)
    else:
        fn = lambda: torch.autograd.grad(yr, [wr], dy, retain_graph=True)
    return {"times": timed(fn, req.get("min_time", 0.3), req.get("max_reps", 50))}


def dilated_conv(req):
    fmt = memory_format(req)
    n, size, c, d = req["batch"], req["size"], req["channels"], req["dilation"]
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(n, c, size, size, generator=g) * 2 - 1).to(memory_format=fmt).requires_grad_()
    weight = (torch.rand(c, c, 3, 3, generator=g) * 2 - 1).to(memory_format=fmt).requires_grad_()
    dy = (torch.rand(n, c, size, size, generator=g) * 2 - 1).to(memory_format=fmt)

    def fn():
        y = F.conv2d(x, weight, padding=d, dilation=d)
        torch.autograd.grad(y, [x, weight], dy)
    return {"times": timed(fn, req.get("min_time", 0.3), req.get("max_reps", 50))}


def matmul(req):
    g = torch.Generator().manual_seed(0)
    a = torch.rand(req["a"], generator=g) * 2 - 1
    b = torch.rand(req["b"], generator=g) * 2 - 1
    # A transposed operand is a strided view, as autograd hands it to the product.
    a = a.transpose(-1, -2) if req["transpose_a"] else a
    b = b.transpose(-1, -2) if req["transpose_b"] else b

    def fn():
        with torch.no_grad():
            torch.matmul(a, b)
    return {"times": timed(fn, req.get("min_time", 0.3), req.get("max_reps", 50))}


def timed(fn, min_time, max_reps):
    fn()
    times = []
    end = time.perf_counter() + min_time
    while len(times) < 3 or (time.perf_counter() < end and len(times) < max_reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def model(req):
    torch.manual_seed(0)
    try:
        fmt = memory_format(req)
        if is_segmentation(req["name"]) and req["mode"] == "infer-folded":
            raise ValueError(f"{req['name']}: folded inference is not measured for segmentation")
        net = build(req["name"], req["channels"], req["classes"])
    except ValueError as error:
        return {"error": str(error)}
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    batch, size = req["batch"], req["size"]
    x = torch.randn(batch, req["channels"], size, size).to(memory_format=fmt)
    # A class per image, or per pixel (a mask) for a segmentation network.
    y = torch.randint(0, req["classes"], (batch, size, size) if is_segmentation(req["name"]) else (batch,))
    if req["mode"] == "train":
        net.train()
        net = net.to(memory_format=fmt)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

        def loss_of(output):
            if isinstance(output, dict):  # torchvision's FCN and DeepLabv3
                return F.cross_entropy(output["out"], y) + 0.5 * F.cross_entropy(output["aux"], y)
            return F.cross_entropy(output, y)

        def step():
            opt.zero_grad()
            loss_of(net(x)).backward()
            opt.step()
    else:
        net.eval()
        if req["mode"] == "infer-folded":
            # Batch norms folded into the convolutions, as @residual/models' foldBatchNorm does.
            net = torch.fx.experimental.optimization.fuse(net)
        # After folding, which makes the folded convolutions' new weights contiguous (NCHW).
        net = net.to(memory_format=fmt)

        def step():
            with torch.no_grad():
                net(x)
    for _ in range(req["warmup"]):
        step()
    times = []
    for _ in range(req["steps"]):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return {"times": times, "params": params}


class GptBlock(nn.Module):
    def __init__(self, width, heads, context):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.c_attn = nn.Linear(width, 3 * width)
        self.attn_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)
        self.register_buffer("mask", torch.tril(torch.ones(context, context)).view(1, 1, context, context))

    def attention(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        # torch 1.13 has no scaled_dot_product_attention: nanoGPT's explicit path.
        att = (q @ k.transpose(-2, -1)) * (1.0 / (k.size(-1) ** 0.5))
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf")).softmax(dim=-1)
        return self.attn_proj((att @ v).transpose(1, 2).contiguous().view(b, t, c))

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, heads, width):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(GptBlock(width, heads, context) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.size(1)))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()  # tied output, as nanoGPT's lm_head


def gpt(req):
    torch.manual_seed(0)
    batch, context, vocab = req["batch"], req["context"], req["vocab"]
    net = Gpt(vocab, context, req["layers"], req["heads"], req["width"])
    pattern = lambda count, offset: (torch.arange(count) * 7 + offset) % vocab
    if req["mode"] == "train":
        net.train()
        x = pattern(batch * context, 0).view(batch, context)
        y = pattern(batch * context, 1).view(batch, context)
        decay = [p for p in net.parameters() if p.dim() >= 2]
        rest = [p for p in net.parameters() if p.dim() < 2]
        opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
            lr=1e-3,
            betas=(0.9, 0.99),
        )

        def step():
            opt.zero_grad(set_to_none=True)
            logits = net(x)
            F.cross_entropy(logits.view(-1, vocab), y.view(-1)).backward()
            opt.step()
    else:
        net.eval()
        sequence = pattern(context, 0).view(1, context)

        def step():
            # nanoGPT's generate: the whole (cropped) context again for every token.
            nonlocal sequence
            with torch.no_grad():
                logits = net(sequence[:, -context:])
                nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            sequence = torch.cat([sequence, nxt], dim=1)
    for _ in range(req["warmup"]):
        step()
    times = []
    for _ in range(req["steps"]):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return {"times": times}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        if "threads" in req:
            torch.set_num_threads(req["threads"])
        try:
            answer = handle(req)
        except Exception as error:  # answered, so the benchmark goes on with its other rows
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


def handle(req):
    kind = req["kind"]
    if kind == "hello":
        return {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if kind == "conv":
        return conv(req)
    if kind == "model":
        return model(req)
    if kind == "dilated_conv":
        return dilated_conv(req)
    if kind == "matmul":
        return matmul(req)
    if kind == "gpt":
        return gpt(req)
    if kind == "memory":
        # ru_maxrss is in kilobytes on Linux.
        return {"peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    return {"error": f"unknown request {kind}"}


if __name__ == "__main__":
    main()
