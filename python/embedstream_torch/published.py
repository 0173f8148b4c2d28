"""Reads a published model version (manifest.json + parameters.bin, and class_table.bin when the version has classes)
into a PyTorch network from ``networks``.

A version is what the job's ``publish.model-dir`` writes, ``<dir>/v<version>/``, or the same two files put together
from the models topic (docs/serving.md). parameters.bin is Java's ``ArrayCodec.write`` through a
``DataOutputStream``: a big-endian int32 tensor count, then per tensor its name (``writeUTF``: big-endian uint16
length + UTF-8), its rank (one byte), its dimensions (big-endian int64 each) and its values as little-endian float32.

A version fine-tuned from a TorchScript backbone (architecture ``torchscript``) is different: its parameters.bin is
the whole embedding network as one TorchScript archive, loaded with ``torch.jit.load``.

Signatures are not checked here (the standard library has no Ed25519); the SHA-256 of the parameters is. To refuse
unsigned or foreign versions, check them with ``bin/embedstream embed --public-key`` or the serving module.
"""

import hashlib
import io
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from . import networks

#: The manifest format this reader understands (ModelManifest.FORMAT).
MANIFEST_FORMAT = 1
# NetworkConfig's defaults, which EmbeddingModelLoader falls back to when a manifest omits the normalisation.
_DEFAULT_MEAN = 0.1307
_DEFAULT_STD = 0.3081
#: The class table blob beside parameters.bin (docs/serving.md), for a version whose manifest has a classTable.
CLASS_TABLE_FILE = "class_table.bin"
#: The architecture name of a version fine-tuned from the user's TorchScript backbone.
TORCHSCRIPT = "torchscript"


class NotAPublishedVersion(ValueError):
    """Raised with one sentence saying why a path is not a loadable published version."""


@dataclass(frozen=True)
class NetworkSpec:
    """What ``EmbeddingModelLoader.networkConfig`` reads from a manifest: architecture, geometry, normalisation."""
    architecture: str
    embedding_dim: int
    channels: int
    height: int
    width: int
    # One value per channel; today's manifests hold one number for all channels.
    input_mean: Tuple[float, ...]
    input_std: Tuple[float, ...]


@dataclass(frozen=True)
class ClassTable:
    """A version's class table: ``rows`` (classes, dimensions) float32, one unit direction per class, and ``names``
    (entry c the name of class c, None where unknown), or None for a stream with integer labels."""
    rows: np.ndarray
    names: Optional[List[Optional[str]]]


@dataclass
class PublishedVersion:
    """A loaded version: its manifest, the network spec, the PyTorch module in eval mode, and its class table (None
    for a version without one; an older version may carry it inline in ``manifest["extras"]``)."""
    directory: Path
    manifest: dict
    spec: NetworkSpec
    module: torch.nn.Module
    class_table: Optional[ClassTable] = None

    @property
    def version(self) -> int:
        return int(self.manifest["version"])

    def embed(self, pixels: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Embeddings (N, D) float32 of uint8 images (N, H, W, C) at the network's input size."""
        out = []
        with torch.no_grad():
            for start in range(0, len(pixels), batch_size):
                out.append(self.module(to_input(pixels[start:start + batch_size], self.spec)).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.spec.embedding_dim), np.float32)


def resolve(path: Union[str, Path], version: int = None) -> Path:
    """The version directory for ``path``: a version directory itself, or a model directory of ``v<N>`` folders
    (the highest N, or ``version``), as ``bin/embedstream embed --model-dir`` accepts."""
    path = Path(path)
    if (path / "manifest.json").is_file():
        if version is not None and path.name != f"v{version}":
            raise NotAPublishedVersion(f"{path} holds version {path.name[1:]}, not version {version}")
        return path
    if not path.is_dir():
        raise NotAPublishedVersion(f"{path} is not a directory (expected a model directory or one of its v<version>"
                                   " folders)")
    versions = sorted(int(p.name[1:]) for p in path.iterdir()
                      if p.name[:1] == "v" and p.name[1:].isdigit() and (p / "manifest.json").is_file())
    if not versions:
        raise NotAPublishedVersion(f"{path} holds no published version (expected v<version>/manifest.json and"
                                   " parameters.bin, as the job's publish.model-dir writes them)")
    if version is None:
        return path / f"v{versions[-1]}"
    if version not in versions:
        raise NotAPublishedVersion(f"model version {version} is not in {path} (it has {versions})")
    return path / f"v{version}"


def load(path: Union[str, Path], version: int = None) -> PublishedVersion:
    """Loads a published version (see ``resolve`` for ``path``) into a new module in eval mode."""
    directory = resolve(path, version)
    manifest = read_manifest(directory / "manifest.json")
    spec = network_spec(manifest)
    parameters = directory / "parameters.bin"
    if not parameters.is_file():
        raise NotAPublishedVersion(f"{directory} has a manifest but no parameters.bin")
    data = parameters.read_bytes()
    check_parameters(manifest, data, parameters)
    if spec.architecture == TORCHSCRIPT:
        module = load_torchscript(data, parameters)
    else:
        module = networks.build(spec.architecture, spec.embedding_dim, spec.channels, spec.height, spec.width)
        load_parameters(module, decode_parameters(data), f"{parameters} ({describe(spec)})")
    module.eval()
    return PublishedVersion(directory, manifest, spec, module, read_class_table(directory, manifest))


def read_class_table(directory: Path, manifest: dict) -> Optional[ClassTable]:
    """``class_table.bin`` of a version whose manifest has a ``classTable``, checked against it (size, SHA-256), as
    ModelDirectoryReader reads it: ``classes x dimensions`` little-endian float32, then the names as one UTF-8 JSON
    array, or nothing for a stream with integer labels. None for a version without a class table."""
    ref = manifest.get("classTable")
    if ref is None:
        return None
    file = directory / CLASS_TABLE_FILE
    if not file.is_file():
        raise NotAPublishedVersion(f"{directory}'s manifest has a class table but there is no {CLASS_TABLE_FILE}")
    data = file.read_bytes()
    try:
        size, sha, classes, dims = int(ref["bytes"]), str(ref["sha256"]), int(ref["classes"]), int(ref["dimensions"])
    except (KeyError, TypeError, ValueError):
        raise NotAPublishedVersion(f"the manifest of version {manifest['version']} has an invalid classTable") from None
    if len(data) != size:
        raise NotAPublishedVersion(f"{file} has {len(data)} bytes, the manifest says {size}")
    if hashlib.sha256(data).hexdigest() != sha.lower():
        raise NotAPublishedVersion(f"{file} does not match the manifest's classTable sha256 (modified or from another"
                                   " version)")
    row_bytes = classes * dims * 4
    if classes < 1 or dims < 1 or len(data) < row_bytes:
        raise NotAPublishedVersion(f"{file} is too short for {classes} x {dims} float32 rows")
    rows = np.frombuffer(data, dtype="<f4", count=classes * dims).astype(np.float32).reshape(classes, dims)
    names = None
    if len(data) > row_bytes:
        try:
            names = json.loads(data[row_bytes:].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise NotAPublishedVersion(f"{file}: the class names are not UTF-8 JSON ({e})") from None
        if not isinstance(names, list) or len(names) != classes \
                or any(n is not None and not isinstance(n, str) for n in names):
            raise NotAPublishedVersion(f"{file}: the class names are not a list of {classes} strings and nulls")
    return ClassTable(rows, names)


def load_torchscript(data: bytes, file: Path) -> torch.nn.Module:
    """A TorchScript version's parameters.bin: the whole embedding network (the fine-tuned backbone and its head) as
    one TorchScript archive, which ``torch.jit.load`` reads as it is."""
    try:
        return torch.jit.load(io.BytesIO(data), map_location="cpu")
    except RuntimeError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise NotAPublishedVersion(f"{file} is not a TorchScript archive that torch {torch.__version__} can load"
                                   f" ({first})") from None


def read_manifest(file: Path) -> dict:
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NotAPublishedVersion(f"{file} is not a model manifest: not JSON ({e})") from None
    if not isinstance(manifest, dict) or "version" not in manifest or "architecture" not in manifest:
        raise NotAPublishedVersion(f"{file} is not a model manifest: it lacks 'version' or 'architecture'")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise NotAPublishedVersion(f"{file} has manifest format {manifest.get('format')}; this reader knows"
                                   f" format {MANIFEST_FORMAT}")
    return manifest


def network_spec(manifest: dict) -> NetworkSpec:
    """The network a manifest describes, with EmbeddingModelLoader's fallbacks for fields ``architectureConfig``
    lacks (older manifests): the manifest's own architecture, input and embedding size, and the default
    normalisation."""
    config = manifest.get("architectureConfig") or {}
    geometry = manifest.get("input") or {}
    name = str(config.get("name", manifest["architecture"]))
    if name == TORCHSCRIPT:
        architecture = TORCHSCRIPT
    else:
        try:
            architecture = networks.parse_architecture(name)
        except ValueError as e:
            raise NotAPublishedVersion(f"version {manifest['version']}: {e}") from None
    try:
        channels = int(config.get("channels", geometry.get("channels")))
        return NetworkSpec(
            architecture=architecture,
            embedding_dim=int(config.get("embedding_size", manifest.get("embeddingSize"))),
            channels=channels,
            height=int(config.get("height", geometry.get("height"))),
            width=int(config.get("width", geometry.get("width"))),
            input_mean=_per_channel(config.get("input_mean", _DEFAULT_MEAN), channels, "input_mean"),
            input_std=_per_channel(config.get("input_std", _DEFAULT_STD), channels, "input_std"))
    except (TypeError, ValueError) as e:
        if isinstance(e, NotAPublishedVersion):
            raise
        raise NotAPublishedVersion(f"the manifest of version {manifest['version']} lacks a valid input size,"
                                   f" embedding size or normalisation ({e})") from None


def _per_channel(value, channels: int, what: str) -> Tuple[float, ...]:
    values = tuple(float(v) for v in value) if isinstance(value, list) else (float(value),) * channels
    if len(values) != channels:
        raise NotAPublishedVersion(f"{what} has {len(values)} values for {channels} channels")
    return values


def describe(spec: NetworkSpec) -> str:
    """As ``NetworkConfig.describe`` prints it, for messages."""
    return f"{spec.architecture} {spec.width}x{spec.height}x{spec.channels} -> {spec.embedding_dim}"


def check_parameters(manifest: dict, data: bytes, file: Path) -> None:
    """Size and SHA-256 against the manifest, as ModelSubscriber checks them: a torn or swapped file fails here
    rather than loading as a plausible but wrong network."""
    expected_size = manifest.get("parameterBytes")
    if expected_size is not None and len(data) != int(expected_size):
        raise NotAPublishedVersion(f"{file} has {len(data)} bytes, the manifest says {expected_size}")
    expected_sha = manifest.get("parameterSha256")
    if expected_sha is not None and hashlib.sha256(data).hexdigest() != str(expected_sha).lower():
        raise NotAPublishedVersion(f"{file} does not match the manifest's parameterSha256 (modified or from"
                                   " another version)")


def decode_parameters(data: bytes) -> List[Tuple[str, np.ndarray]]:
    """The named tensors of a parameters.bin, in stored order, as float32 arrays."""
    tensors = []
    offset = 0

    def take(size: int) -> bytes:
        nonlocal offset
        if offset + size > len(data):
            raise NotAPublishedVersion(f"parameters end after {len(data)} bytes, inside tensor {len(tensors) + 1}"
                                       " (truncated, or not a parameters.bin)")
        chunk = data[offset:offset + size]
        offset += size
        return chunk

    (count,) = struct.unpack(">i", take(4))
    if not 0 < count < 100_000:
        raise NotAPublishedVersion(f"parameters start with a tensor count of {count}: not a parameters.bin")
    for _ in range(count):
        (name_length,) = struct.unpack(">H", take(2))
        # writeUTF is modified UTF-8; DJL's tensor names are ASCII, for which it is plain UTF-8.
        name = take(name_length).decode("utf-8", errors="replace")
        (rank,) = struct.unpack(">b", take(1))
        if not 0 <= rank <= 8:
            raise NotAPublishedVersion(f"tensor {name!r} has rank {rank}: not a parameters.bin")
        shape = struct.unpack(f">{rank}q", take(8 * rank))
        size = int(np.prod(shape, dtype=np.int64))
        values = np.frombuffer(take(4 * size), dtype="<f4").astype(np.float32).reshape(shape)
        tensors.append((name, values))
    if offset != len(data):
        raise NotAPublishedVersion(f"{len(data) - offset} bytes follow the last of {count} tensors: not a"
                                   " parameters.bin")
    return tensors


def load_parameters(module: torch.nn.Module, tensors: Sequence[Tuple[str, np.ndarray]], what: str) -> None:
    """Copies stored tensors into ``module`` by DJL name, refusing any missing, extra or misshapen tensor."""
    targets = networks.djl_tensors(module)
    stored = dict(tensors)
    missing = [n for n in targets if n not in stored]
    extra = [n for n in stored if n not in targets]
    if missing or extra:
        raise NotAPublishedVersion(f"{what}: the stored tensors do not match the architecture (missing {missing[:3]},"
                                   f" unexpected {extra[:3]})")
    with torch.no_grad():
        for name, target in targets.items():
            value = stored[name]
            # Java stores PReLU's slope as a scalar, PyTorch as a one-element vector.
            if value.size != target.numel() or (value.ndim > 0 and tuple(value.shape) != tuple(target.shape)):
                raise NotAPublishedVersion(f"{what}: tensor {name} is {list(value.shape)}, the architecture needs"
                                           f" {list(target.shape)}")
            target.copy_(torch.from_numpy(np.ascontiguousarray(value)).reshape(target.shape))


def to_input(pixels: np.ndarray, spec: NetworkSpec) -> torch.Tensor:
    """A normalised NCHW float32 batch from uint8 images (N, H, W, C), computed as ``EmbeddingModel.toInput``.

    Java computes ``px * (1 / (255 * std)) - mean / std`` in float32; doing the same float32 operations in the same
    order gives the same bits, so the two implementations start from identical inputs.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim == 3:
        pixels = pixels[..., None]
    expected = (spec.height, spec.width, spec.channels)
    if pixels.dtype != np.uint8 or pixels.ndim != 4 or pixels.shape[1:] != expected:
        raise ValueError(f"images must be uint8 (N, {spec.height}, {spec.width}, {spec.channels}), got"
                         f" {pixels.dtype} {pixels.shape} (see images.fit)")
    x = pixels.astype(np.float32).transpose(0, 3, 1, 2)
    mean = np.array(spec.input_mean, dtype=np.float32)
    std = np.array(spec.input_std, dtype=np.float32)
    scale = (np.float32(1) / (np.float32(255) * std)).reshape(1, -1, 1, 1)
    shift = (mean / std).reshape(1, -1, 1, 1)
    return torch.from_numpy(np.ascontiguousarray(x * scale - shift, dtype=np.float32))
