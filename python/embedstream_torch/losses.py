"""The project's training objective in plain PyTorch: CM-M-Softmax, LDMAT, anti-collapse and their weighted sum.

This is a line-by-line port of the Java classes in model/src/main/java/io/embedstream/model/loss
(CmSoftmaxLoss, LdmatLoss, AntiCollapseLoss, CodingRate, CombinedObjective, ObjectiveConfig), so that a
reference loop trained here optimises exactly what the product optimises. The formulas are those of
shared/spec/losses.md; where the spec leaves a choice open (an epsilon, which embedding a term sees, how the
proxies are chosen), the Java code decides and this file follows it:

- every norm is sqrt(sum x^2 + 1e-12), never a bare sqrt, so that the gradient at 0 is finite;
- CM and LDMAT see the raw network output; anti-collapse normalises its vectors itself;
- the anti-collapse proxies are the rows of the CM class weights for the classes present in the batch, in
  ascending class order, and c = gamma1 * m / (d * eps) (the authors' scalar, not MCR^2's);
- the coding rate is computed in float64 (Java does it on the host in doubles); everything else in float32.

Run ``python -m embedstream_torch.losses evaluate IN.json OUT.json`` to evaluate batches written by the Java
tests (see main()).
"""

import dataclasses
import json
import sys

import numpy as np
import torch

NORM_EPS = 1e-12


def _f32(value):
    """The float32 value Java holds for a config number (its fields are floats), as a Python float."""
    return float(np.float32(value))


def safe_norms(rows):
    """Row norms (n x 1) as sqrt(sum x^2 + 1e-12): a bare sqrt has an infinite gradient at a zero row."""
    return torch.sqrt((rows * rows).sum(dim=1, keepdim=True) + NORM_EPS)


def one_hot(labels, classes, like):
    return torch.nn.functional.one_hot(labels, classes).to(dtype=like.dtype, device=like.device)


def _as_labels(labels, device):
    return torch.as_tensor(labels, dtype=torch.long, device=device)


@dataclasses.dataclass(frozen=True)
class CmSoftmax:
    """CM-M-Softmax: cosine-margin softmax with logits scaled by sigmoid(|x|), the contraction of the norm.

    cosine=False is the plain-softmax baseline: logits x W^T, no normalisation, margin or contraction.
    """

    scale: float = 30.0
    margin: float = 0.4
    contraction: bool = True
    cosine: bool = True
    name = "cm"

    def __call__(self, embeddings, labels, class_weights):
        labels = _as_labels(labels, embeddings.device)
        hot = one_hot(labels, class_weights.shape[0], embeddings)
        if self.cosine:
            norms = safe_norms(embeddings)
            cos = (embeddings / norms) @ (class_weights / safe_norms(class_weights)).t()
            phi = cos if self.margin == 0 else cos - hot * _f32(self.margin)
            logits = phi * _f32(self.scale)
            if self.contraction:
                logits = logits * torch.sigmoid(norms)
        else:
            logits = embeddings @ class_weights.t()
        return -(torch.log_softmax(logits, dim=1) * hot).sum(dim=1).mean()


@dataclasses.dataclass(frozen=True)
class Ldmat:
    """LDMAT as reconstructed in the spec: pull the batch's Euclidean distance matrix towards the label matrix."""

    margin: float = 1.0
    delta: float = 0.0
    name = "ldmat"

    def __call__(self, embeddings, labels, class_weights=None):
        labels = _as_labels(labels, embeddings.device)
        b = labels.shape[0]
        if b == 0 or bool((labels == labels[0]).all()):
            # An all-zero target would pull every feature onto one point (the spec's warning).
            raise ValueError("LDMAT needs at least two classes in a batch, got %d samples all of one class" % b)
        same = labels[:, None] == labels[None, :]
        off_diagonal = 1 - torch.eye(b, dtype=embeddings.dtype, device=embeddings.device)
        target = torch.where(same, torch.tensor(_f32(self.delta)), torch.tensor(_f32(self.margin)))
        target = target.to(embeddings) * off_diagonal
        squared = (embeddings * embeddings).sum(dim=1, keepdim=True)
        d2 = squared + squared.t() - 2 * (embeddings @ embeddings.t())
        d2 = torch.maximum(d2, torch.zeros_like(d2))
        # The mask before the sqrt keeps the diagonal (distance ~0) out of the gradient.
        distances = torch.sqrt(d2 * off_diagonal + NORM_EPS)
        return ((distances - target) ** 2 * off_diagonal).sum() / float(b * b)


FEATURES = "features"
PROXIES = "proxies"


def coding_rate(unit_vectors, c):
    """R = 1/2 logdet(I + c G) with G the smaller Gram matrix (Sylvester), by Cholesky in float64.

    I + cG has every eigenvalue >= 1, so the factorisation exists; float64 because the Java side computes R
    on the host in doubles, and the objective's value must agree to 1e-5.
    """
    n, d = unit_vectors.shape
    gram = unit_vectors @ unit_vectors.t() if n <= d else unit_vectors.t() @ unit_vectors
    a = torch.eye(gram.shape[0], dtype=torch.float64, device=gram.device) + c * gram.double()
    a = 0.5 * (a + a.t())  # float round-off can leave G a hair off symmetric; Java symmetrises too
    lower = torch.linalg.cholesky(a)
    return torch.log(torch.diagonal(lower)).sum()


def present_classes(labels):
    """The distinct labels of the batch in ascending order: the proxies anti-collapse spreads."""
    return torch.unique(_as_labels(labels, "cpu"), sorted=True)


@dataclasses.dataclass(frozen=True)
class AntiCollapse:
    """exp(-gamma2 R(V)), the anti-collapse term, on the batch features or on the proxies of present classes."""

    mode: str = PROXIES
    gamma1: float = 1.0
    gamma2: float = 1.0
    eps: float = 0.5

    def __post_init__(self):
        if self.mode not in (FEATURES, PROXIES):
            raise ValueError("unknown anti-collapse mode %r; expected features or proxies" % (self.mode,))
        if not (self.gamma1 > 0 and self.gamma2 > 0 and self.eps > 0):
            raise ValueError("anti-collapse gamma1, gamma2 and eps must be positive")

    @property
    def name(self):
        return "anticollapse_" + self.mode

    def __call__(self, embeddings, labels, class_weights):
        d = embeddings.shape[1]
        gamma1, eps = _f32(self.gamma1), _f32(self.eps)
        if self.mode == FEATURES:
            vectors = embeddings
            c = gamma1 * d / (len(labels) * eps)
        else:
            present = present_classes(labels).to(class_weights.device)
            vectors = class_weights.index_select(0, present)
            c = gamma1 * present.numel() / (d * eps)
        unit = vectors / safe_norms(vectors)
        rate = coding_rate(unit, c)
        return torch.exp(-_f32(self.gamma2) * rate).to(embeddings.dtype)


@dataclasses.dataclass(frozen=True)
class ObjectiveConfig:
    """The combined objective's settings, with the Java ObjectiveConfig's defaults and the same names.

    A zero weight leaves its term out altogether (it is not computed), as in Java.
    """

    cm_weight: float = 1.0
    cm_scale: float = 30.0
    cm_margin: float = 0.4
    cm_contraction: bool = True
    cm_cosine: bool = True
    ldmat_weight: float = 1.0
    ldmat_margin: float = 1.0
    ldmat_delta: float = 0.0
    ac_features_weight: float = 0.0
    ac_proxies_weight: float = 1.0
    ac_gamma1: float = 1.0
    ac_gamma2: float = 1.0
    ac_eps: float = 0.5

    # Keys of the Java ObjectiveConfig.describe() map, which is how the Java tests hand a config over.
    _JAVA_KEYS = {
        "cm.weight": "cm_weight", "cm.scale": "cm_scale", "cm.margin": "cm_margin",
        "cm.contraction": "cm_contraction", "cm.cosine": "cm_cosine",
        "ldmat.weight": "ldmat_weight", "ldmat.margin": "ldmat_margin", "ldmat.delta": "ldmat_delta",
        "anticollapse.features.weight": "ac_features_weight",
        "anticollapse.proxies.weight": "ac_proxies_weight",
        "anticollapse.gamma1": "ac_gamma1", "anticollapse.gamma2": "ac_gamma2", "anticollapse.eps": "ac_eps",
    }

    def __post_init__(self):
        weights = (self.cm_weight, self.ldmat_weight, self.ac_features_weight, self.ac_proxies_weight)
        if any(not (w >= 0) for w in weights):
            raise ValueError("loss weights must be >= 0, got %s" % (weights,))
        if sum(weights) == 0:
            raise ValueError("every loss weight is 0: nothing to train")

    @classmethod
    def plain_softmax(cls):
        """The baseline: linear softmax on x W^T and nothing else (Java's ObjectiveConfig.plainSoftmax())."""
        return cls(cm_scale=1.0, cm_margin=0.0, cm_contraction=False, cm_cosine=False,
                   ldmat_weight=0.0, ac_proxies_weight=0.0)

    @classmethod
    def from_java(cls, described):
        """From the map of Java's ObjectiveConfig.describe() (unknown keys are an error, not ignored)."""
        unknown = set(described) - set(cls._JAVA_KEYS)
        if unknown:
            raise ValueError("unknown objective settings %s" % sorted(unknown))
        return cls(**{cls._JAVA_KEYS[k]: v for k, v in described.items()})

    def terms(self):
        """(weight, loss) of every term with a non-zero weight, in Java's reporting order."""
        candidates = [
            (self.cm_weight, CmSoftmax(self.cm_scale, self.cm_margin, self.cm_contraction, self.cm_cosine)),
            (self.ldmat_weight, Ldmat(self.ldmat_margin, self.ldmat_delta)),
            (self.ac_features_weight, AntiCollapse(FEATURES, self.ac_gamma1, self.ac_gamma2, self.ac_eps)),
            (self.ac_proxies_weight, AntiCollapse(PROXIES, self.ac_gamma1, self.ac_gamma2, self.ac_eps)),
        ]
        return [(w, loss) for w, loss in candidates if w > 0]

    def needs_two_classes(self):
        return self.ldmat_weight > 0


class CombinedObjective:
    """L = w_cm L_cm + w_ldmat L_ldmat + w_acf L_ac(features) + w_acp L_ac(proxies)."""

    def __init__(self, config=None):
        self.config = config or ObjectiveConfig()
        self.terms = self.config.terms()

    def component_names(self):
        return [loss.name for _, loss in self.terms]

    def __call__(self, embeddings, labels, class_weights):
        """The differentiable total and a dict of each term's unweighted value (tensors), in reporting order."""
        total = None
        components = {}
        for weight, loss in self.terms:
            value = loss(embeddings, labels, class_weights)
            components[loss.name] = value
            weighted = value if weight == 1 else value * _f32(weight)
            total = weighted if total is None else total + weighted
        return total, components


def evaluate_cases(cases):
    """Value, per-term values and gradients w.r.t. embeddings and class weights of each case (Java's wire format).

    A case is {"name", "config": Java describe() map, "batch": B, "dim": d, "classes": C,
    "embeddings": B*d floats row-major, "labels": B ints, "class_weights": C*d floats}.
    """
    results = []
    for case in cases:
        b, d, c = case["batch"], case["dim"], case["classes"]
        x = torch.tensor(case["embeddings"], dtype=torch.float32).reshape(b, d).requires_grad_(True)
        w = torch.tensor(case["class_weights"], dtype=torch.float32).reshape(c, d).requires_grad_(True)
        total, components = CombinedObjective(ObjectiveConfig.from_java(case["config"]))(x, case["labels"], w)
        total.backward()
        results.append({
            "name": case["name"],
            "total": float(total),
            "components": {k: float(v) for k, v in components.items()},
            "grad_embeddings": x.grad.reshape(-1).tolist(),
            "grad_class_weights": w.grad.reshape(-1).tolist(),
        })
    return results


def main(argv):
    if len(argv) != 3 or argv[0] != "evaluate":
        sys.stderr.write("usage: python -m embedstream_torch.losses evaluate IN.json OUT.json\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "cases": evaluate_cases(cases)}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
