"""Answers ReferenceLoopMatchesJavaTest: the reference loop's generator, schedule, initialisation and optimisers
on inputs the Java test chose, for the test to compare with the Java implementation's own outputs.

Usage (from python/): /usr/bin/python3 tests/java_parity.py REQUEST.json RESPONSE.json
"""

import json
import sys

import torch

from embedstream_torch import reference_loop as loop


def to_signed(value):
    return value - (1 << 64) if value >= 1 << 63 else value


def schedules(requests):
    return [[loop.LearningRateSchedule(r["spec"], r["rate"], r["total"]).at(s) for s in r["steps"]]
            for r in requests]


def rng(request):
    generator = loop.SplitMix64(request["seed"])
    longs = [str(to_signed(generator.next_long())) for _ in range(request["longs"])]
    return {"longs": longs, "permutation": loop.SplitMix64(request["seed"]).permutation(request["permutation"])}


def layers_like(parameters):
    """A torch network whose parameters have the given DJL shapes, in the same order (one layer per name prefix)."""
    modules, i = [], 0
    while i < len(parameters):
        shape = parameters[i]["shape"]
        has_bias = i + 1 < len(parameters) and parameters[i + 1]["name"].endswith("bias")
        if len(shape) == 4:
            modules.append(torch.nn.Conv2d(shape[1], shape[0], shape[2], bias=has_bias))
        elif len(shape) == 2:
            modules.append(torch.nn.Linear(shape[1], shape[0], bias=has_bias))
        elif len(shape) == 0:
            modules.append(torch.nn.PReLU())
        else:
            raise ValueError("no layer for parameter %s of shape %s" % (parameters[i]["name"], shape))
        i += 2 if has_bias else 1
    return torch.nn.Sequential(*modules)


def initialisation(request):
    network = layers_like(request["parameters"])
    loop.project_init(network, request["seed"])
    weights = loop.class_weights_init(request["classes"], request["dim"], request["seed"], "project")
    return {"parameters": [p.detach().reshape(-1).tolist() for p in network.parameters()],
            "class_weights": weights.reshape(-1).tolist()}


def optimiser(request):
    params = [torch.tensor(p, dtype=torch.float32) for p in request["initial"]]
    if request["type"] == "sgd":
        opt = loop.Sgd(params, request["momentum"], request["weight_decay"])
    else:
        opt = loop.AdamW(params, request["weight_decay"])
    for step, update in enumerate(request["updates"], start=1):
        for p, g in zip(params, update["gradients"]):
            p.grad = torch.tensor(g, dtype=torch.float32)
        opt.update(update["lr"], update["scale"], step)
    return [p.tolist() for p in params]


def main(request_path, response_path):
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    response = {
        "schedules": schedules(request["schedules"]),
        "rng": rng(request["rng"]),
        "initialisation": initialisation(request["initialisation"]),
        "optimisers": [optimiser(r) for r in request["optimisers"]],
    }
    with open(response_path, "w", encoding="utf-8") as f:
        json.dump(response, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
