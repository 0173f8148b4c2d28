"""The PyTorch side of ``embedstream experiment versus-pytorch``: the reference loop, then embeddings of given images.

    /usr/bin/python3 -m embedstream_torch.versus --sets DIR [reference_loop options...]

Trains exactly as ``python -m embedstream_torch.reference_loop`` (same options, same result JSON with --out), then
embeds, with the trained network in evaluation mode, every image set that the Java command wrote to DIR, so that
both models are scored by the same Java evaluator on the same images. Embedding in the training process, not from
a saved file, leaves no save/load path between the trained weights and the figures.

DIR/sets.json: {"height": H, "width": W, "channels": C, "sets": [{"name": NAME, "count": N}, ...]}, each set's images
in DIR/NAME.u8 (N x H x W x C unsigned bytes, the layout of LabeledImage.pixels). Written back: DIR/NAME.f32
(N x D little-endian float32) and DIR/embeddings.json {"dimension": D, "sets": [{"name", "count"}, ...]}.
"""

import json
import os
import sys

import numpy as np

from embedstream_torch import reference_loop


def read_sets(directory):
    with open(os.path.join(directory, "sets.json"), encoding="utf-8") as f:
        header = json.load(f)
    shape = (header["height"], header["width"], header["channels"])
    sets = []
    for entry in header["sets"]:
        raw = np.fromfile(os.path.join(directory, entry["name"] + ".u8"), dtype=np.uint8)
        if raw.size != entry["count"] * int(np.prod(shape)):
            raise ValueError("%s.u8 holds %d bytes, sets.json announces %d images of %s"
                             % (entry["name"], raw.size, entry["count"], shape))
        sets.append((entry["name"], raw.reshape((entry["count"],) + shape)))
    return shape, sets


def write_embeddings(directory, embedded):
    dimension = None
    for name, rows in embedded:
        rows = np.ascontiguousarray(rows, dtype="<f4")
        dimension = rows.shape[1]
        rows.tofile(os.path.join(directory, name + ".f32"))
    with open(os.path.join(directory, "embeddings.json"), "w", encoding="utf-8") as f:
        json.dump({"dimension": dimension, "sets": [{"name": n, "count": int(len(r))} for n, r in embedded]}, f)


def main(argv=None):
    p = reference_loop.parser()
    p.prog = "python -m embedstream_torch.versus"
    p.add_argument("--sets", required=True, help="folder with sets.json and the NAME.u8 image sets to embed")
    args = p.parse_args(argv)
    shape, sets = read_sets(args.sets)
    builder = reference_loop.network_factory(args.arch, args.network_factory)
    built = []

    def keep(embedding, channels, height, width):
        built.append(builder(embedding, channels, height, width))
        return built[-1]

    result = reference_loop.run(args, factory=keep)
    network = built[0]
    mean, std = reference_loop.input_normalisation(shape[2])
    embedded = [(name, reference_loop.embed(network, images, mean, std).numpy()) for name, images in sets]
    write_embeddings(args.sets, embedded)
    reference_loop.report(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
