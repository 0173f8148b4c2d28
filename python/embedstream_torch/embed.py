"""Embeds image files with a published version in PyTorch, printing what ``bin/embedstream embed`` prints.

    /usr/bin/python3 -m embedstream_torch.embed --model-dir embedstream-demo/models [--version 3] IMAGE|FOLDER...

One JSON line per image: ``file``, ``version``, ``embedding`` (and, when the version has a class table,
``nearest_class``, its ``nearest_class_name`` when the manifest names its classes, and its cosine ``distance``), so
that the two outputs can be compared line by line. Exit status 0, 2 for bad input (one line on stderr, no
traceback), as the Java command.
"""

import argparse
import json
import sys

import numpy as np

from . import images, published


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m embedstream_torch.embed",
        description="Embed image files (or every image in folders) with a published model version in PyTorch.")
    parser.add_argument("inputs", nargs="+", metavar="IMAGE|FOLDER", help="image files, or folders searched"
                        " recursively")
    parser.add_argument("--model-dir", required=True, help="a model directory (publish.model-dir) or one of its"
                        " v<version> folders")
    parser.add_argument("--version", type=int, help="model version (default: the highest in --model-dir)")
    parser.add_argument("--batch", type=int, default=64, help="images per forward pass (default: 64)")
    args = parser.parse_args(argv)
    if args.batch < 1:
        parser.error("--batch must be >= 1")
    try:
        model = published.load(args.model_dir, args.version)
        files = images.collect(args.inputs)
    except (published.NotAPublishedVersion, images.NotAnImage, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    spec = model.spec
    centroids, class_names = _class_table(model)
    failed = 0
    for start in range(0, len(files), args.batch):
        names, batch = [], []
        for file in files[start:start + args.batch]:
            try:
                batch.append(images.fit(images.read(file), spec.channels, spec.height, spec.width))
                names.append(file)
            except (images.NotAnImage, OSError) as e:
                failed += 1
                print(f"error: {e}", file=sys.stderr)
        if not batch:
            continue
        for file, embedding in zip(names, model.embed(np.stack(batch), args.batch)):
            print(json.dumps(_line(str(file), model.version, embedding, centroids, class_names)))
    sys.stdout.flush()
    return 0 if failed == 0 else 2


def _class_table(model: published.PublishedVersion):
    """Unit class directions (float64) and names (None when the version names no class), from the version's
    class_table.bin, or from the inline ``extras`` of a version written before class tables were blobs; (None, None)
    when it has neither."""
    if model.class_table is not None:
        return _unit(model.class_table.rows), _known(model.class_table.names)
    extras = model.manifest.get("extras") or {}
    rows = extras.get("class_centroids")
    if not rows:
        return None, None
    # extras.class_names (classes.names): entry c names class c, None for a row no class has trained yet.
    return _unit(np.asarray(rows, np.float64)), _known(extras.get("class_names"))


def _unit(rows: np.ndarray) -> np.ndarray:
    matrix = np.asarray(rows, np.float64)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)


def _known(names):
    return names if names and any(n is not None for n in names) else None


def _line(file: str, version: int, embedding: np.ndarray, centroids, class_names=None) -> dict:
    # float() of a float32 is exact, so the printed decimal reads back as the very float32 PyTorch computed.
    line = {"file": file, "version": version, "embedding": [float(v) for v in embedding]}
    if centroids is not None:
        unit = embedding.astype(np.float64) / max(np.linalg.norm(embedding.astype(np.float64)), 1e-12)
        cosines = centroids @ unit
        if class_names is not None:
            # As the Java command: only named classes are candidates.
            cosines = np.where([n is not None for n in class_names], cosines, -np.inf)
        nearest = int(np.argmax(cosines))
        line["nearest_class"] = nearest
        if class_names is not None:
            line["nearest_class_name"] = class_names[nearest]
        line["distance"] = float(max(0.0, 1 - cosines[nearest]))
    return line


if __name__ == "__main__":
    sys.exit(main())
