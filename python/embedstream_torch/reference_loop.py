"""The plain PyTorch training loop that the product is measured against (issue 19, item 2).

It trains the same network as `embedstream fit`, with the same objective (embedstream_torch.losses), the same
optimiser recipe applied the same way, the same schedule and, with the same seed, the very same batches: the
shuffle is the Java trainer's SplitMix64 generator, ported here. What it deliberately does not share with the
product is the engine (PyTorch instead of DJL), so a gap between this loop and `fit` on the same run is the
product's to explain, not noise from a different recipe.

How the Java trainer (EmbeddingTrainer, FitLoop, SgdMomentum, AdamW, LearningRateSchedule) applies the recipe, and
so how this loop does:

- batches: each epoch is a Fisher-Yates permutation of the training split drawn from Rng(seed); floor(N / batch)
  full batches per epoch, the remainder left out of that epoch;
- input: pixel * (1 / (255 std)) - mean / std in float32, mean 0.1307 / std 0.3081 for one channel and
  0.5 / 0.25 for three (TrainingOptions);
- learning rate: the schedule is indexed by the number of updates already applied (0 for the first); cosine with
  warm-up is rate * (step + 1) / warmup during the warm-up, then cosine to `min` at the run's last step;
- clipping: the global L2 norm of every trainable gradient, class weights included, scaled down to `clip` when
  above it (no 1e-6 added, unlike torch.nn.utils.clip_grad_norm_);
- SGD: b = momentum b + (g + wd p); p -= lr b, with weight decay on every trainable tensor: convolution and
  linear weights, biases, PReLU slopes and the CM class weights alike. AdamW: p *= 1 - lr wd, then bias-corrected
  Adam;
- a step whose loss or gradient norm is not finite is skipped and not counted, as in Java;
- evaluation: P@1 is the project's kNN@1 (KnnEvaluator): every test embedding takes the label of the most
  cosine-similar training embedding, the model in evaluation mode.

Initialisation is a named choice, because issue 19 asks what it is worth:

- ``project`` (the product's, ParameterInit): convolution and linear weights He-uniform for a PReLU slope of
  0.25, bound sqrt(6 / ((1 + 0.25^2) fan_in)); biases 0; PReLU slopes 0.25; batch-norm 1 and 0; all drawn from
  SplitMix64(seed) in parameter order, and the class weights Xavier-uniform from SplitMix64(seed ^
  0x2545F4914F6CDD1D). When the network lists its parameters in the order the DJL block does, the initial
  weights are the Java trainer's, bit for bit.
- ``pytorch``: whatever the modules' constructors do under torch.manual_seed(seed), that is PyTorch's defaults:
  kaiming_uniform(a=sqrt(5)) weights (bound 1 / sqrt(fan_in)), uniform(+-1 / sqrt(fan_in)) biases, PReLU 0.25,
  batch-norm 1 and 0; the class weights Xavier-uniform from the same torch generator.

Command line: ``python -m embedstream_torch.reference_loop --dataset idx:DIR --out result.json [options]``
(``--help`` lists them). The network comes from embedstream_torch.networks.build, imported only when needed so
that the loop and its tests work with any module factory.
"""

import argparse
import gzip
import importlib
import importlib.util
import json
import math
import os
import sys
import time

import numpy as np
import torch

from embedstream_torch import losses

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
CLASS_WEIGHT_SEED_MIX = 0x2545F4914F6CDD1D
PRELU_SLOPE = 0.25
INIT_CHOICES = ("project", "pytorch")


# ---------------------------------------------------------------------------------------------------------------
# The Java trainer's random generator (io.embedstream.model.random.Rng), so that a seed gives the same shuffle
# and the same project initialisation as in Java.

def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class SplitMix64:
    """SplitMix64 with the state and outputs of the Java Rng (Java's signed longs held as unsigned 64-bit ints)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + GOLDEN_GAMMA) & MASK64
        return _mix(self.state)

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53

    def next_int(self, bound):
        """Java's Math.floorMod(nextLong(), bound) of the signed long."""
        value = self.next_long()
        signed = value - (1 << 64) if value >= 1 << 63 else value
        return signed % bound

    def permutation(self, n):
        """Rng.permutation: Fisher-Yates from the end, j = nextInt(i + 1)."""
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p

    def uniform_symmetric(self, n, bound):
        """n values (float)((nextDouble() * 2 - 1) * bound) at once: the state only ever advances by a constant."""
        steps = np.arange(1, n + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            z = np.uint64(self.state) + steps * np.uint64(GOLDEN_GAMMA)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = z ^ (z >> np.uint64(31))
        self.state = (self.state + n * GOLDEN_GAMMA) & MASK64
        doubles = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        return ((doubles * 2 - 1) * bound).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# Initialisation

def _is_prelu(module):
    return "prelu" in type(module).__name__.lower()


def project_init(network, seed):
    """The Java ParameterInit, in the network's parameter order; refuses layers it has no rule for."""
    rng = SplitMix64(seed)
    with torch.no_grad():
        for name, module in network.named_modules():
            own = list(module.named_parameters(recurse=False))
            if not own:
                continue
            if _is_prelu(module):
                for _, p in own:
                    p.fill_(PRELU_SLOPE)
            elif isinstance(module, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.Linear)):
                for pname, p in own:
                    if pname == "weight":
                        fan_in = p[0].numel()
                        bound = math.sqrt(6.0 / ((1 + PRELU_SLOPE ** 2) * fan_in))
                        values = rng.uniform_symmetric(p.numel(), bound)
                        p.copy_(torch.from_numpy(values).reshape(p.shape))
                    else:
                        p.zero_()
            elif isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.reset_parameters()  # weight 1, bias 0, running mean 0, running variance 1, as in Java
            else:
                raise ValueError("project initialisation has no rule for %s (%s)" % (name, type(module).__name__))


def class_weights_init(classes, dim, seed, init):
    """The CM class weights (C x d), Xavier-uniform; from the Java generator or from torch's."""
    if init == "project":
        values = SplitMix64(seed ^ CLASS_WEIGHT_SEED_MIX).uniform_symmetric(classes * dim,
                                                                          math.sqrt(6.0 / (classes + dim)))
        return torch.from_numpy(values).reshape(classes, dim)
    weights = torch.empty(classes, dim)
    torch.nn.init.xavier_uniform_(weights)
    return weights


# ---------------------------------------------------------------------------------------------------------------
# Schedule and optimisers, as the Java trainer applies them

def _java_float(x):
    return float(np.float32(x))


class LearningRateSchedule:
    """Java's LearningRateSchedule.parse(spec, rate, totalSteps): constant, step:every=,gamma= or cosine:warmup=,min=.

    at(step) takes the number of updates already applied and returns the float32 rate Java returns.
    """

    def __init__(self, spec, rate, total_steps):
        kind, _, options = spec.strip().partition(":")
        values = {}
        for option in filter(None, (o.strip() for o in options.split(","))):
            key, sep, value = option.partition("=")
            if not sep:
                raise ValueError("schedule option '%s' is not key=value" % option)
            values[key.strip()] = value.strip()
        self.kind = kind.lower()
        self.rate = _java_float(rate)
        if self.kind == "constant":
            pass
        elif self.kind == "step":
            self.every = int(values.get("every", "1000"))
            self.gamma = _java_float(values.get("gamma", "0.5"))
        elif self.kind == "cosine":
            self.warmup = int(values.get("warmup", "0"))
            self.total = max(total_steps, self.warmup + 1)
            self.min_rate = _java_float(values.get("min", "0"))
        else:
            raise ValueError("unknown learning-rate schedule '%s'" % spec)

    def at(self, step):
        if self.kind == "constant":
            return self.rate
        if self.kind == "step":
            return _java_float(self.rate * self.gamma ** (step // self.every))
        if step < self.warmup:
            # Java: rate * (step + 1) / (float) warmup, all in float arithmetic
            return float(np.float32(np.float32(self.rate) * np.float32(step + 1)) / np.float32(self.warmup))
        progress = min(1.0, (step - self.warmup) / float(self.total - self.warmup))
        return _java_float(self.min_rate + 0.5 * (self.rate - self.min_rate) * (1 + math.cos(math.pi * progress)))


class Sgd:
    """SgdMomentum: b = mu b + (s g + wd p); p -= lr b (PyTorch's SGD, with the clip factor s applied first)."""

    def __init__(self, params, momentum=0.9, weight_decay=5e-4, decay=None):
        self.params = params
        self.momentum = _java_float(momentum)
        self.weight_decay = _java_float(weight_decay)
        self.decay = decay if decay is not None else [True] * len(params)
        self.buffers = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def update(self, lr, grad_scale, step):
        for p, buffer, decay in zip(self.params, self.buffers, self.decay):
            g = p.grad if grad_scale == 1 else p.grad * grad_scale
            if self.weight_decay != 0 and decay:
                g = g + p * self.weight_decay
            buffer.mul_(self.momentum).add_(g)
            p.sub_(buffer * lr)


class AdamW:
    """The Java AdamW: p *= 1 - lr wd, then m, v and the bias-corrected step (torch.optim.AdamW's arithmetic)."""

    def __init__(self, params, weight_decay=5e-4, beta1=0.9, beta2=0.999, epsilon=1e-8, decay=None):
        self.params = params
        self.weight_decay = _java_float(weight_decay)
        self.beta1, self.beta2, self.epsilon = _java_float(beta1), _java_float(beta2), _java_float(epsilon)
        self.decay = decay if decay is not None else [True] * len(params)
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def update(self, lr, grad_scale, step):
        correction1 = _java_float(1 - self.beta1 ** step)
        correction2 = _java_float(1 - self.beta2 ** step)
        for p, m, v, decay in zip(self.params, self.m, self.v, self.decay):
            g = p.grad if grad_scale == 1 else p.grad * grad_scale
            if self.weight_decay != 0 and decay:
                p.mul_(1 - lr * self.weight_decay)
            m.mul_(self.beta1).add_(g * (1 - self.beta1))
            v.mul_(self.beta2).add_(g * g * (1 - self.beta2))
            p.sub_(m / ((v / correction2).sqrt() + self.epsilon) * (lr / correction1))


# ---------------------------------------------------------------------------------------------------------------
# Data

def read_idx(path):
    """An unsigned-byte IDX file (gzip or not, told by its magic bytes, as IdxReader does) as a numpy array."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[0:2] != b"\x00\x00" or raw[2] != 0x08:
        raise ValueError("%s is not an unsigned-byte IDX file" % path)
    ndims = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndims)
    if data.size != int(np.prod(dims)):
        raise ValueError("%s holds %d values, its header announces %s" % (path, data.size, dims))
    return data.reshape(dims)


def _find(directory, suffix, prefixes):
    for prefix in prefixes:
        for ext in ("", ".gz"):
            path = os.path.join(directory, "%s-%s%s" % (prefix, suffix, ext))
            if os.path.isfile(path):
                return path
    raise ValueError("no %s file with prefix %s in %s" % (suffix, "/".join(prefixes), directory))


def load_idx_directory(directory):
    """(train images N x H x W x C uint8, train labels, test images, test labels) with IdxReader's file names."""
    splits = []
    for prefixes in (("train",), ("test", "t10k")):
        images = read_idx(_find(directory, "images-idx3-ubyte", prefixes))
        labels = read_idx(_find(directory, "labels-idx1-ubyte", prefixes)).astype(np.int64)
        if images.ndim == 3:
            images = images[..., None]
        if len(images) != len(labels):
            raise ValueError("%s: %d images but %d labels" % (directory, len(images), len(labels)))
        splits += [images, labels]
    return tuple(splits)


def input_normalisation(channels):
    """TrainingOptions: MNIST statistics for one channel, 0.5 / 0.25 for three."""
    return (0.1307, 0.3081) if channels == 1 else (0.5, 0.25)


def to_input(images, mean, std):
    """NHWC uint8 to the normalised NCHW float32 tensor of EmbeddingModel.toInput, with its float arithmetic."""
    scale = np.float32(1) / (np.float32(255) * np.float32(std))
    shift = np.float32(mean) / np.float32(std)
    x = images.astype(np.float32) * scale - shift
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


# ---------------------------------------------------------------------------------------------------------------
# Training and evaluation

def steps_per_epoch(n, batch):
    return max(1, n // batch)


def decay_mask(network, class_weights, decay_on):
    """Which trainable tensors get weight decay: "all" as the Java trainer, or "matrices" (no biases, slopes)."""
    params = [p for p in network.parameters() if p.requires_grad] + [class_weights]
    if decay_on == "all":
        return params, [True] * len(params)
    if decay_on == "matrices":
        return params, [p.dim() >= 2 for p in params]
    raise ValueError("decay_on must be all or matrices, got %r" % (decay_on,))


def train(network, class_weights, images, labels, *, objective=None, epochs=5, max_steps=0, batch=128, seed=42,
          optimizer="sgd", lr=None, momentum=0.9, weight_decay=5e-4, decay_on="all", schedule="cosine:warmup=20",
          clip=10.0, mean=0.1307, std=0.3081, on_step=None):
    """Trains `network` and `class_weights` in place, batch for batch as FitLoop; returns the per-step records.

    on_step(record) is called after every step with {"step", "loss", "components", "lr", "grad_norm", "skipped"}.
    """
    objective = objective or losses.CombinedObjective()
    n = len(labels)
    if n < batch:
        raise ValueError("dataset has %d images, fewer than one batch of %d" % (n, batch))
    per_epoch = steps_per_epoch(n, batch)
    total = min(max_steps, per_epoch * epochs) if max_steps > 0 else per_epoch * epochs
    rate = lr if lr is not None else (0.01 if optimizer == "sgd" else 0.001)
    lr_at = LearningRateSchedule(schedule, rate, total)
    class_weights.requires_grad_(True)
    params, decay = decay_mask(network, class_weights, decay_on)
    opt = (Sgd(params, momentum, weight_decay, decay) if optimizer == "sgd"
           else AdamW(params, weight_decay, decay=decay))
    rng = SplitMix64(seed)
    step = 0
    ran = 0
    records = []
    network.train()
    for _ in range(epochs):
        order = rng.permutation(n)
        for b in range(per_epoch):
            if max_steps > 0 and ran >= max_steps:
                return records
            index = order[b * batch:(b + 1) * batch]
            batch_labels = labels[index]
            if objective.config.needs_two_classes() and len(set(batch_labels.tolist())) < 2:
                raise ValueError("LDMAT needs at least two classes in a batch")
            x = to_input(images[index], mean, std)
            for p in params:
                p.grad = None
            loss, components = objective(network(x), batch_labels, class_weights)
            loss.backward()
            squared = sum(float((p.grad * p.grad).sum()) if p.grad is not None else 0.0 for p in params)
            for p in params:
                if p.grad is None:
                    p.grad = torch.zeros_like(p)
            grad_norm = math.sqrt(squared)
            lr_now = lr_at.at(step)
            skipped = not (math.isfinite(float(loss)) and math.isfinite(grad_norm))
            if not skipped:
                scale = clip / grad_norm if clip > 0 and grad_norm > clip else 1.0
                opt.update(lr_now, _java_float(scale), step + 1)
                step += 1
            ran += 1
            record = {"step": step, "loss": float(loss), "components": {k: float(v) for k, v in components.items()},
                      "lr": lr_now, "grad_norm": grad_norm, "skipped": skipped}
            records.append(record)
            if on_step:
                on_step(record)
    return records


@torch.no_grad()
def embed(network, images, mean, std, batch=256):
    network.eval()
    out = [network(to_input(images[i:i + batch], mean, std)) for i in range(0, len(images), batch)]
    return torch.cat(out)


@torch.no_grad()
def knn_predict(reference, reference_labels, queries, chunk=1024):
    """KnnEvaluator: rows normalised by sqrt(sum x^2 + 1e-12), each query takes its most cosine-similar label."""
    ref = reference / losses.safe_norms(reference)
    q = queries / losses.safe_norms(queries)
    labels = torch.as_tensor(reference_labels)
    nearest = [torch.argmax(q[i:i + chunk] @ ref.t(), dim=1) for i in range(0, len(q), chunk)]
    return labels[torch.cat(nearest)].numpy()


def precision_at_1(reference, reference_labels, queries, query_labels):
    predicted = knn_predict(reference, reference_labels, queries)
    return float((predicted == np.asarray(query_labels)).mean())


def network_factory(architecture, factory=None):
    """embedstream_torch.networks.build, imported on first use so that the loop runs without it.

    factory = "module:function" or "path/to/file.py:function" names another builder, called (embedding, channels, height, width): a user's
    network, or a stand-in while networks.py is not there.
    """
    if factory:
        module_name, _, function = factory.rpartition(":")
        if module_name.endswith(".py"):
            spec = importlib.util.spec_from_file_location("embedstream_network_factory", module_name)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
        return getattr(module, function)
    from embedstream_torch import networks  # pylint: disable=import-outside-toplevel
    return lambda embedding, channels, height, width: networks.build(architecture, embedding, channels, height,
                                                                      width)


def run(args, factory=None):
    """The whole command: load, build, initialise, train, evaluate; returns the result written as JSON."""
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.dataset.startswith("idx:"):
        raise ValueError("--dataset must be idx:DIR, got %r" % args.dataset)
    train_x, train_y, test_x, test_y = load_idx_directory(args.dataset[4:])
    _, height, width, channels = train_x.shape
    classes = int(max(train_y.max(), test_y.max())) + 1
    mean, std = input_normalisation(channels)
    factory = factory or network_factory(args.arch, args.network_factory)
    network = factory(args.embedding, channels, height, width)
    if args.init == "project":
        project_init(network, args.seed)
    class_weights = class_weights_init(classes, args.embedding, args.seed, args.init)
    objective = losses.CombinedObjective(losses.ObjectiveConfig(
        cm_weight=args.w_cm, cm_scale=args.cm_scale, cm_margin=args.cm_margin, cm_contraction=not args.no_contraction,
        ldmat_weight=args.w_ldmat, ldmat_margin=args.ldmat_margin, ldmat_delta=args.ldmat_delta,
        ac_features_weight=args.w_ac_features, ac_proxies_weight=args.w_ac_proxies,
        ac_gamma1=args.ac_gamma1, ac_gamma2=args.ac_gamma2, ac_eps=args.ac_eps))

    def progress(record):
        if record["step"] % args.log_every == 0 or record["skipped"]:
            sys.stderr.write("step %d loss %.4f lr %.6f grad %.3f%s\n" % (
                record["step"], record["loss"], record["lr"], record["grad_norm"],
                " SKIPPED" if record["skipped"] else ""))

    start = time.perf_counter()
    records = train(network, class_weights, train_x, train_y, objective=objective, epochs=args.epochs,
                    max_steps=args.steps, batch=args.batch, seed=args.seed, optimizer=args.optimizer, lr=args.lr,
                    momentum=args.momentum, weight_decay=args.weight_decay, decay_on=args.decay_on,
                    schedule=args.schedule, clip=args.clip, mean=mean, std=std, on_step=progress)
    seconds = time.perf_counter() - start
    reference = embed(network, train_x, mean, std)
    queries = embed(network, test_x, mean, std)
    result = {
        "dataset": args.dataset, "arch": args.arch, "init": args.init, "seed": args.seed, "epochs": args.epochs,
        "batch": args.batch, "optimizer": args.optimizer, "schedule": args.schedule, "decay_on": args.decay_on,
        "objective": objective.component_names(), "torch": torch.__version__,
        "steps": sum(1 for r in records if not r["skipped"]), "skipped": sum(1 for r in records if r["skipped"]),
        "train_seconds": seconds, "images_per_second": len(records) * args.batch / seconds if seconds > 0 else None,
        "first_loss": records[0]["loss"] if records else None, "last_loss": records[-1]["loss"] if records else None,
        "p_at_1": precision_at_1(reference, train_y, queries, test_y), "test_images": int(len(test_y)),
    }
    if args.trace:
        with open(args.trace, "w", encoding="utf-8") as f:
            json.dump(records, f)
    if args.embeddings:
        with open(args.embeddings, "w", encoding="utf-8") as f:
            json.dump({"labels": test_y.tolist(), "embeddings": queries.tolist()}, f)
    if args.save_model:
        torch.save({"network": network.state_dict(), "class_weights": class_weights.detach()}, args.save_model)
    return result


def parser():
    p = argparse.ArgumentParser(prog="python -m embedstream_torch.reference_loop",
                                description="Train the project's network and objective in plain PyTorch, as `fit`"
                                            " does, and report held-out P@1 (kNN@1 of test against train).")
    p.add_argument("--dataset", required=True, help="idx:DIR (train-/test- or t10k- IDX files, gzip or not)")
    p.add_argument("--out", help="write the result as JSON here (default: stdout)")
    p.add_argument("--embeddings", help="also write the test split's embeddings and labels as JSON here")
    p.add_argument("--save-model", help="also torch.save the network's state_dict and the class weights here")
    p.add_argument("--trace", help="also write every step's loss, terms, learning rate and gradient norm as JSON here")
    p.add_argument("--arch", default="cm-mnist")
    p.add_argument("--network-factory", metavar="MODULE:FUNCTION or FILE.py:FUNCTION",
                   help="build the network with this function (embedding, channels, height, width) instead of"
                        " embedstream_torch.networks.build(--arch, ...)")
    p.add_argument("--embedding", type=int, default=128)
    p.add_argument("--init", choices=INIT_CHOICES, default="project",
                   help="project: the Java ParameterInit (He-uniform for PReLU 0.25, zero biases, SplitMix64);"
                        " pytorch: the modules' own defaults (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps; 0 = all epochs")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--optimizer", choices=("sgd", "adamw"), default="sgd")
    p.add_argument("--lr", type=float, help="default 0.01 for sgd, 0.001 for adamw")
    p.add_argument("--schedule", default="cosine:warmup=20")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--decay-on", choices=("all", "matrices"), default="all",
                   help="all: every trainable tensor, as the Java trainer; matrices: not biases or PReLU slopes")
    p.add_argument("--clip", type=float, default=10.0)
    p.add_argument("--w-cm", type=float, default=1.0)
    p.add_argument("--cm-scale", type=float, default=30.0)
    p.add_argument("--cm-margin", type=float, default=0.4)
    p.add_argument("--no-contraction", action="store_true")
    p.add_argument("--w-ldmat", type=float, default=1.0)
    p.add_argument("--ldmat-margin", type=float, default=1.0)
    p.add_argument("--ldmat-delta", type=float, default=0.0)
    p.add_argument("--w-ac-proxies", type=float, default=1.0)
    p.add_argument("--w-ac-features", type=float, default=0.0)
    p.add_argument("--ac-gamma1", type=float, default=1.0)
    p.add_argument("--ac-gamma2", type=float, default=1.0)
    p.add_argument("--ac-eps", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=0, help="torch intra-op threads; 0 = torch's default")
    p.add_argument("--log-every", type=int, default=50)
    return p


def report(result, out=None):
    """Prints the run's figures as JSON, and writes them to ``out`` when given (the file Java reads)."""
    text = json.dumps(result, indent=2)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


def main(argv=None):
    args = parser().parse_args(argv)
    report(run(args), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
