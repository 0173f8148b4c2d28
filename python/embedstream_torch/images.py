"""Image files to the network's uint8 input, as ``bin/embedstream embed`` prepares them (ImageRecordDecoder).

Java decodes with ImageIO, then applies PixelConversions' policy: a one-component image is grey, everything else is
read as RGB (palette expanded, alpha dropped, not composited); RGB to grey is BT.601 luma
``round(0.299 R + 0.587 G + 0.114 B)``; then Resampler.resize (types/Resampler.java): an area average along each
axis that shrinks, then a bilinear resize with half-pixel centres along each that grows, rounded to bytes once. This
module repeats that arithmetic in float64 in the same order, so the bytes are identical.

PNG is decoded here with the standard library, because PNG is lossless and Debian's python3-torch does not bring
an image library: the pixels are then exactly those Java sees. Other formats (JPEG, BMP, GIF) need python3-pil;
a JPEG decoder may round its inverse DCT differently from ImageIO's, so JPEG pixels can differ by a grey level.
"""

import struct
import zlib
from pathlib import Path
from typing import Iterable, List

import numpy as np

#: Extensions that a folder is searched for, as ImageFiles.EXTENSIONS.
EXTENSIONS = ("bmp", "gif", "jpeg", "jpg", "png")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotAnImage(ValueError):
    """Raised with one sentence saying why a file cannot be read as an image."""


def collect(paths: Iterable[str]) -> List[Path]:
    """The image files named: files as given, folders searched recursively and sorted, as ImageFiles.collect."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            # Sorted by the path's text, as Java sorts Paths, so that both commands print files in the same order.
            files += sorted((p for p in path.rglob("*") if p.is_file() and p.suffix[1:].lower() in EXTENSIONS),
                            key=str)
        elif path.is_file():
            files.append(path)
        else:
            raise NotAnImage(f"no such file or folder: {path}")
    if not files:
        raise NotAnImage(f"no image files ({', '.join(EXTENSIONS)}) in {list(paths)}")
    return files


def read(file: Path) -> np.ndarray:
    """The pixels of an image file as uint8 (H, W, C), C = 1 for grey images and 3 for all others."""
    data = Path(file).read_bytes()
    if data.startswith(_PNG_SIGNATURE):
        return decode_png(data, file)
    return _read_with_pil(file)


def fit(pixels: np.ndarray, channels: int, height: int, width: int) -> np.ndarray:
    """The image converted to ``channels`` and then stretched to height x width, as ImageRecordDecoder does by
    default (runtime.fit-mode=stretch, which is what ``embed`` uses)."""
    return resize(to_channels(pixels, channels), height, width)


def resize(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resampler.resize: area average along an axis that shrinks, bilinear along one that grows, rounded once."""
    h, w = pixels.shape[:2]
    if (h, w) == (height, width):
        return pixels
    mh, mw = min(h, height), min(w, width)
    if (mh, mw) == (h, w):
        return bilinear(pixels, height, width)
    shrunk = area_average(pixels, mh, mw)
    if (mh, mw) == (height, width):
        return _round_to_bytes(shrunk)
    return bilinear(shrunk, height, width)


def area_average(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resampler.areaAverage: each output pixel is the mean of the source area it covers, fractional pixels
    weighted by their overlap; float64, unrounded.

    The sums run in Java's order (source rows outer, columns inner, weight ``wx * wy`` times the value), every output
    pixel at once: a window shorter than the longest adds exact zeros. A sum in another order can differ in the last
    bit, and a mean lying on a half would then round to another grey level than Java's."""
    ys, wys = _window_weights(pixels.shape[0], height)
    xs, wxs = _window_weights(pixels.shape[1], width)
    src = pixels.astype(np.float64)
    acc = np.zeros((height, width, pixels.shape[2]))
    area = np.zeros((height, width, 1))
    for y, wy in zip(ys, wys):
        rows = src[y]
        for x, wx in zip(xs, wxs):
            w = (wx[None, :] * wy[:, None])[..., None]
            acc += w * rows[:, x]
            area += w
    return acc / area


def _window_weights(size: int, target: int):
    """For the i-th source pixel of each output pixel's window: its index and overlap weight (0 past the window's
    end), with Java's bounds: from int(t*f) to min(size, ceil(t*f + f))."""
    f = size / target
    lo = np.arange(target) * f
    hi = lo + f
    start = lo.astype(np.int64)
    end = np.minimum(size, np.ceil(hi)).astype(np.int64)
    indices, weights = [], []
    for i in range(int((end - start).max())):
        s_ = start + i
        inside = s_ < end
        indices.append(np.minimum(s_, size - 1))
        weights.append(np.where(inside, np.minimum(s_ + 1, hi) - np.maximum(s_, lo), 0.0))
    return indices, weights


def to_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    if pixels.shape[2] == channels:
        return pixels
    if channels == 3:
        return np.repeat(pixels, 3, axis=2)
    rgb = pixels.astype(np.float64)
    luma = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    return _round_to_bytes(luma)[..., None]


def bilinear(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resampler.bilinear: half-pixel centres, edges clamped, each output rounded half up to a byte."""
    h, w = pixels.shape[:2]
    if (h, w) == (height, width):
        return pixels
    y0, y1, ty = _taps(h, height)
    x0, x1, tx = _taps(w, width)
    src = pixels.astype(np.float64)
    tx = tx[None, :, None]
    ty = ty[:, None, None]
    top = (1 - tx) * src[y0][:, x0] + tx * src[y0][:, x1]
    bottom = (1 - tx) * src[y1][:, x0] + tx * src[y1][:, x1]
    return _round_to_bytes((1 - ty) * top + ty * bottom)


def _taps(size: int, target: int):
    scale = size / target
    s = np.clip((np.arange(target) + 0.5) * scale - 0.5, 0, size - 1)
    first = s.astype(np.int64)
    return first, np.minimum(first + 1, size - 1), s - first


def _round_to_bytes(values: np.ndarray) -> np.ndarray:
    # Java's Math.round rounds halves up; numpy's round would round them to even.
    return np.clip(np.floor(values + 0.5), 0, 255).astype(np.uint8)


def decode_png(data: bytes, file: Path) -> np.ndarray:
    """A non-interlaced PNG of 8-bit samples (or 16-bit grey, or a palette of 1 to 8 bits) with ImageIO's channel
    policy; other layouts are refused rather than converted differently from Java."""
    width = height = None
    depth = color = interlace = None
    palette = None
    idat = []
    offset = len(_PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if width is None or not idat:
        raise NotAnImage(f"{file}: truncated or corrupt PNG (no header or no image data)")
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    supported = interlace == 0 and samples is not None and (
        depth == 8 or (color == 0 and depth == 16) or (color == 3 and depth in (1, 2, 4)))
    if not supported:
        raise NotAnImage(f"{file}: PNG colour type {color}, {depth}-bit, interlace {interlace} is not supported"
                         " here (8-bit grey, grey+alpha, RGB, RGBA or palette, or 16-bit grey, not interlaced)")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise NotAnImage(f"{file}: corrupt PNG data ({e})") from None
    bits_per_pixel = samples * depth
    stride = (width * bits_per_pixel + 7) // 8
    if len(raw) < height * (stride + 1):
        raise NotAnImage(f"{file}: truncated PNG data")
    rows = _unfilter(raw, height, stride, max(1, bits_per_pixel // 8), file)
    if color == 3:
        if palette is None:
            raise NotAnImage(f"{file}: palette PNG without a palette")
        indices = rows[:, :width]
        if depth < 8:
            # Several indices per byte, most significant bits first.
            bits = np.unpackbits(rows, axis=1)[:, :width * depth].reshape(height, width, depth)
            indices = (bits * (1 << np.arange(depth - 1, -1, -1))).sum(axis=2)
        if indices.max() >= len(palette):
            raise NotAnImage(f"{file}: corrupt PNG (a palette index beyond its {len(palette)} colours)")
        return palette[indices]
    if depth == 16:
        grey = rows.reshape(height, width, 2).astype(np.uint32)
        # ImageIO scales wide grey samples as PixelConversions.graySamples: round(v * 255 / 65535).
        return _round_to_bytes((grey[..., 0] * 256 + grey[..., 1]) * 255.0 / 65535)[..., None]
    pixels = rows.reshape(height, width, samples)
    return pixels[..., :1] if color in (0, 4) else pixels[..., :3]


def _unfilter(raw: bytes, height: int, stride: int, bpp: int, file: Path) -> np.ndarray:
    out = np.zeros((height, stride), np.uint8)
    previous = np.zeros(stride, np.int32)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, np.uint8, stride, start + 1).astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + previous) & 0xFF
        elif kind in (1, 3, 4):
            row = _unfilter_sequential(kind, line.tolist(), previous.tolist(), bpp)
        else:
            raise NotAnImage(f"{file}: corrupt PNG data (filter type {kind})")
        out[y] = row
        previous = np.asarray(row, np.int32)
    return out


def _unfilter_sequential(kind: int, line: list, up: list, bpp: int) -> list:
    """Sub, Average and Paeth, whose every byte depends on the reconstructed byte to its left."""
    row = [0] * len(line)
    for i, value in enumerate(line):
        left = row[i - bpp] if i >= bpp else 0
        above = up[i]
        if kind == 1:
            predicted = left
        elif kind == 3:
            predicted = (left + above) >> 1
        else:
            upper_left = up[i - bpp] if i >= bpp else 0
            p = left + above - upper_left
            pa, pb, pc = abs(p - left), abs(p - above), abs(p - upper_left)
            predicted = left if pa <= pb and pa <= pc else (above if pb <= pc else upper_left)
        row[i] = (value + predicted) & 0xFF
    return row


def _read_with_pil(file: Path) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError:
        raise NotAnImage(f"{file}: only PNG is read without python3-pil (apt-get install python3-pil)") from None
    try:
        with Image.open(file) as image:
            image.load()
            grey = image.mode in ("1", "L", "LA", "I", "I;16", "F")
            converted = image.convert("L" if grey else "RGB")
    except Exception as e:  # PIL raises assorted exceptions on foreign or broken files.
        raise NotAnImage(f"{file}: not a decodable image ({type(e).__name__}: {e})") from None
    pixels = np.asarray(converted, np.uint8)
    return pixels[..., None] if pixels.ndim == 2 else pixels
