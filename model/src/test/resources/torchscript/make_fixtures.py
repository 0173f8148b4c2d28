"""Makes the TorchScript test fixtures beside this script (run with Debian's torch: /usr/bin/python3 make_fixtures.py).

- tiny_backbone.pt: a small, untrained convolutional backbone, B x 1 x 28 x 28 float -> B x 32, traced with
  torch.jit.trace. The fine-tuning tests start from it; its random initialisation is fixed by the seed below, so
  re-running this script writes the same weights.
- conv_only.pt: the same convolutions without the pooling, so it returns B x 32 x 7 x 7 (rank 4, not an embedding).
- not_torchscript.pt: a plain torch.save of the backbone's state_dict, which torch.jit.load cannot read.
"""
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent


class TinyBackbone(nn.Module):
    def __init__(self, pool: bool = True):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU())
        self.pool = pool

    def forward(self, x):
        x = self.features(x)
        if self.pool:
            x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return x


def main():
    torch.manual_seed(20261203)
    backbone = TinyBackbone().eval()
    example = torch.rand(2, 1, 28, 28)
    torch.jit.trace(backbone, example).save(str(HERE / "tiny_backbone.pt"))
    conv_only = TinyBackbone(pool=False).eval()
    conv_only.load_state_dict(backbone.state_dict())
    torch.jit.trace(conv_only, example).save(str(HERE / "conv_only.pt"))
    torch.save(backbone.state_dict(), str(HERE / "not_torchscript.pt"))
    for name in ("tiny_backbone.pt", "conv_only.pt", "not_torchscript.pt"):
        print(name, (HERE / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
