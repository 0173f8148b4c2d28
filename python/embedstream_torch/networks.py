"""The project's built-in embedding networks (model/net/EmbeddingNetworks.java), rebuilt in plain PyTorch.

Each module is laid out as DJL lays out the Java block, child for child, and every child is named as DJL names it
("01Conv2d", "04SequentialBlock", ...). That is deliberate: a published parameters.bin names its tensors by DJL's
path ("04SequentialBlock_01ParallelBlock_01SequentialBlock_02BatchNorm_gamma"), so with the same tree the mapping
from a stored tensor to a PyTorch parameter is a fixed rename (see ``djl_name``) instead of a hand-kept table that
could silently pair the wrong tensors.

The networks take what the Java ``EmbeddingModel.forward`` takes: a normalised float32 NCHW batch. Pixel
normalisation is not part of the Java network either; ``published.to_input`` does it exactly as
``EmbeddingModel.toInput`` does. Call ``module.eval()`` for inference: batch norm then uses its running statistics,
as the Java embed path does.
"""

from collections import OrderedDict
from typing import Optional

import torch
from torch import nn

#: Command-line names of the built-in architectures, as ``Architecture.cliName()`` prints them.
ARCHITECTURES = ("cm-mnist", "cm-mnist-3x3", "resnet")

# DJL's BatchNorm defaults (epsilon 1e-5); PyTorch's momentum is unused at inference and the Java trainer's own.
_BATCH_NORM_EPS = 1e-5


def parse_architecture(name: str) -> str:
    """The canonical name of an architecture, accepting what ``Architecture.parse`` accepts.

    Java parses case-insensitively with '-' and '_' interchangeable, so manifests and users may write either form.
    """
    canonical = str(name).strip().lower().replace("_", "-")
    if canonical not in ARCHITECTURES:
        raise ValueError(f"unknown architecture '{name}'; expected one of {list(ARCHITECTURES)}")
    return canonical


def build(architecture: str, embedding_dim: int, channels: int, height: int, width: int) -> nn.Module:
    """A freshly initialised network of a built-in architecture: input (N, channels, height, width), output
    (N, embedding_dim).

    Initial values are PyTorch's, not the Java ``ParameterInit``'s: a published version's values are loaded with
    ``published.load_parameters`` anyway, and a reference training loop may initialise as it likes.
    """
    arch = parse_architecture(architecture)
    if embedding_dim <= 0:
        raise ValueError(f"embedding size must be positive, got {embedding_dim}")
    if channels not in (1, 3):
        raise ValueError(f"input channels must be 1 or 3, got {channels}")
    if height < 8 or width < 8:
        # NetworkConfig's limit: three (cm-mnist) or four (resnet) halvings must leave a pixel.
        raise ValueError(f"input must be at least 8x8 pixels, got {width}x{height}")
    if arch == "cm-mnist":
        return _cm_mnist(embedding_dim, channels, height, width, kernel=5)
    if arch == "cm-mnist-3x3":
        return _cm_mnist(embedding_dim, channels, height, width, kernel=3)
    return _resnet(embedding_dim, channels)


def djl_name(torch_name: str) -> str:
    """The name DJL gives the tensor that PyTorch calls ``torch_name`` in a module from ``build``.

    DJL joins the block path with '_' where PyTorch uses '.', and names batch-norm and PReLU tensors differently.
    """
    path, _, leaf = torch_name.rpartition(".")
    leaf = _LEAF_NAMES.get((path.rpartition(".")[2][2:], leaf), leaf)
    return path.replace(".", "_") + "_" + leaf


# (DJL block kind, PyTorch tensor name) -> DJL tensor name; every other tensor keeps its name (weight, bias).
_LEAF_NAMES = {
    ("BatchNorm", "weight"): "gamma",
    ("BatchNorm", "bias"): "beta",
    ("BatchNorm", "running_mean"): "runningMean",
    ("BatchNorm", "running_var"): "runningVar",
    ("PReLU", "weight"): "alpha",
}


def djl_tensors(module: nn.Module) -> "OrderedDict[str, torch.Tensor]":
    """Every tensor that the Java model saves (parameters and batch-norm running statistics), by DJL name.

    PyTorch's ``num_batches_tracked`` has no Java counterpart and is left out: it only matters when batch norm
    runs with ``momentum=None``, which these networks do not use.
    """
    tensors = OrderedDict()
    for name, tensor in module.state_dict(keep_vars=True).items():
        if not name.endswith("num_batches_tracked"):
            tensors[djl_name(name)] = tensor
    return tensors


def _conv(in_channels: int, filters: int, kernel: int, stride: int, bias: bool) -> nn.Conv2d:
    # EmbeddingNetworks.conv pads kernel/2 on each side: "same" size at stride 1, and the same rounding as
    # PyTorch's formula at stride 2.
    return nn.Conv2d(in_channels, filters, kernel, stride=stride, padding=kernel // 2, bias=bias)


def _prelu() -> nn.PReLU:
    # One slope for the whole layer, as the Java PReLU block; 0.25 is both sides' initial value.
    return nn.PReLU(num_parameters=1, init=0.25)


def _cm_mnist(embedding_dim: int, channels: int, height: int, width: int, kernel: int) -> nn.Module:
    layers = []
    in_channels = channels
    for filters in (32, 64, 128):
        layers += [_conv(in_channels, filters, kernel, 1, True), _prelu(),
                   _conv(filters, filters, kernel, 1, True), _prelu(),
                   # DJL's maxPool2dBlock(2, 2): no padding, floor rounding, as PyTorch's default.
                   nn.MaxPool2d(kernel_size=2, stride=2)]
        in_channels = filters
        height, width = height // 2, width // 2
    # DJL's batchFlattenBlock keeps NCHW order, as torch.flatten does.
    layers += [nn.Flatten(), nn.Linear(128 * height * width, embedding_dim)]
    return _numbered(layers)


def _resnet(embedding_dim: int, channels: int) -> nn.Module:
    layers = [_conv(channels, 32, 3, 1, False), _batch_norm(32), nn.ReLU()]
    in_channels = 32
    for filters in (32, 64, 128, 256):
        stride = 1 if filters == 32 else 2
        layers.append(_residual(in_channels, filters, stride, in_channels != filters or stride != 1))
        in_channels = filters
    layers += [_GlobalAvgPool(), nn.Linear(256, embedding_dim)]
    return _numbered(layers)


def _batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=_BATCH_NORM_EPS)


def _residual(in_channels: int, filters: int, stride: int, project: bool) -> nn.Module:
    main = _numbered([_conv(in_channels, filters, 3, stride, False), _batch_norm(filters), nn.ReLU(),
                      _conv(filters, filters, 3, 1, False), _batch_norm(filters)])
    shortcut = (_numbered([_conv(in_channels, filters, 1, stride, False), _batch_norm(filters)])
                if project else nn.Identity())
    return _numbered([_Sum(main, shortcut), nn.ReLU()])


class _Sum(nn.Sequential):
    """DJL's ParallelBlock as the residual block uses it: both branches on the same input, outputs added.

    A Sequential only to hold the two branches under DJL's names in a form torch.jit.script accepts.
    """

    def __init__(self, main: nn.Module, shortcut: nn.Module):
        super().__init__(OrderedDict([
            ("01SequentialBlock", main),
            ("02SequentialBlock" if isinstance(shortcut, nn.Sequential) else "02Identity", shortcut)]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        total: Optional[torch.Tensor] = None
        for branch in self:
            y = branch(x)
            total = y if total is None else total + y
        assert total is not None
        return total


class _GlobalAvgPool(nn.Module):
    """DJL's globalAvgPool2dBlock: the mean over height and width, giving (N, C)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)


# DJL names a SequentialBlock's children by their 1-based position and their block class.
_DJL_KIND = {
    nn.Conv2d: "Conv2d", nn.PReLU: "PReLU", nn.MaxPool2d: "LambdaBlock", nn.Flatten: "LambdaBlock",
    nn.Linear: "Linear", nn.BatchNorm2d: "BatchNorm", nn.ReLU: "LambdaBlock", nn.Sequential: "SequentialBlock",
    _Sum: "ParallelBlock", _GlobalAvgPool: "LambdaBlock", nn.Identity: "LambdaBlock",
}


def _numbered(layers) -> nn.Sequential:
    return nn.Sequential(OrderedDict(
        (f"{i:02d}{_DJL_KIND[type(layer)]}", layer) for i, layer in enumerate(layers, start=1)))
