"""Continue training a Residual model under PyTorch DistributedDataParallel, then hand it back.

    residual export --model-dir runs/r18 --format pth --out r18.pth
    torchrun --nproc_per_node=2 examples/ddp/train_ddp.py \
        --model resnet18 --weights r18.pth --data ./my-images --steps 100 --out r18-ddp.pth
    residual import --model resnet18 --weights r18-ddp.pth --out runs/r18-ddp

The weights load into `torchvision.models.<model>()` with strict=True: Residual exports
torchvision's names and layouts. Each worker reads a disjoint shard of the image folder
(DistributedSampler); DDP averages the gradients. On one machine the gloo backend runs the
workers on CPU; on a cluster only torchrun's rendezvous arguments change (--nnodes,
--node_rank, --rdzv_endpoint), and --backend nccl uses the GPUs.
"""

import argparse
import os
import sys

import torch
import torch.distributed as dist
import torchvision
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler
from torchvision import transforms


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="torchvision model name, e.g. resnet18")
    parser.add_argument("--weights", required=True, help=".pth or .safetensors from residual export")
    parser.add_argument("--data", required=True, help="image folder: one subfolder per class")
    parser.add_argument("--out", required=True, help=".pth or .safetensors to write (rank 0)")
    parser.add_argument("--steps", type=int, default=3, help="optimizer steps (default 3)")
    parser.add_argument("--batch-size", type=int, default=4, help="images per worker and step")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--image-size", type=int, default=224, help="centre crop (default 224)")
    parser.add_argument("--backend", default="gloo", help="gloo (CPU) or nccl (GPUs)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def load_state_dict(path: str) -> dict:
    if path.endswith(".safetensors"):
        try:
            from safetensors.torch import load_file
        except ImportError:
            sys.exit(f"{path}: reading .safetensors needs the safetensors package (pip install safetensors); or export --format pth")
        return load_file(path)
    # weights_only: the file is untrusted; tensors only, no code.
    return torch.load(path, map_location="cpu", weights_only=True)


def save_state_dict(state: dict, path: str) -> None:
    state = {key: value.detach().contiguous() for key, value in state.items()}
    temporary = f"{path}.tmp-{os.getpid()}"
    if path.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, temporary)
    else:
        torch.save(state, temporary)
    os.replace(temporary, path)


def main() -> None:
    args = parse_args()
    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(args.seed)

    state = load_state_dict(args.weights)
    num_classes = state["fc.weight"].shape[0]
    model = getattr(torchvision.models, args.model)(num_classes=num_classes)
    model.load_state_dict(state, strict=True)
    model.train()
    ddp = DistributedDataParallel(model)

    # torchvision's ImageNet preprocessing, at the chosen crop (256 → 224 scaled alike).
    transform = transforms.Compose(
        [
            transforms.Resize(args.image_size * 256 // 224),
            transforms.CenterCrop(args.image_size),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]
    )
    data = torchvision.datasets.ImageFolder(args.data, transform=transform)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler, drop_last=False)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()

    step, epoch = 0, 0
    while step < args.steps:
        sampler.set_epoch(epoch)
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(ddp(images), labels)
            loss.backward()  # DDP all-reduces (averages) the gradients across the workers here
            optimizer.step()
            step += 1
            if rank == 0:
                print(f"step {step}/{args.steps} loss {loss.item():.4f} ({world} workers)", flush=True)
            if step == args.steps:
                break
        epoch += 1

    if rank == 0:
        save_state_dict(model.state_dict(), args.out)
        print(f"wrote {args.out}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
