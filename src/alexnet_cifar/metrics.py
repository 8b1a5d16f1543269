"""Loss, accuracy, per-class accuracy, confusion matrix and significance from logits and
predictions (scikit-learn, SciPy): computed here once for both frameworks."""

from __future__ import annotations

import numpy as np


def cross_entropy(logits: np.ndarray, labels: np.ndarray, label_smoothing: float = 0.0) -> float:
    """Mean softmax cross-entropy of ``logits`` (N, K) against integer ``labels``, with the
    targets smoothed towards uniform as PyTorch and Keras both define it."""
    from scipy.special import log_softmax

    if len(labels) == 0:
        return float("nan")
    logp = log_softmax(np.asarray(logits, dtype=np.float64), axis=1)
    nll = -logp[np.arange(len(labels)), np.asarray(labels)]
    return float(np.mean((1 - label_smoothing) * nll - label_smoothing * logp.mean(axis=1)))


def classification_report(y_true, y_pred, class_names: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, confusion_matrix

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = list(range(len(class_names)))
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    support = cm.sum(axis=1)
    per_class = np.divide(np.diag(cm), support, out=np.full(len(labels), np.nan), where=support > 0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "per_class_accuracy": {n: float(a) for n, a in zip(class_names, per_class)},
        "confusion_matrix": cm.tolist(),
        "num_images": int(len(y_true)),
    }


def bootstrap_ci(correct, level: float = 0.95, n_boot: int = 2000, seed: int = 0):
    """Percentile bootstrap interval of the accuracy (mean of a 0/1 array)."""
    correct = np.asarray(correct, dtype=np.float64)
    if len(correct) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = rng.choice(correct, size=(n_boot, len(correct)), replace=True).mean(axis=1)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return float(lo), float(hi)


def mcnemar_exact(a_correct, b_correct) -> dict:
    """McNemar's exact test on paired predictions of the same test images: only the images
    exactly one model gets right count; under H0 each way is equally likely (binomial 1/2)."""
    from scipy.stats import binomtest

    a, b = np.asarray(a_correct, bool), np.asarray(b_correct, bool)
    if a.shape != b.shape:
        raise ValueError("McNemar needs predictions on the same test images")
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    n = only_a + only_b
    p = 1.0 if n == 0 else float(binomtest(min(only_a, only_b), n, 0.5).pvalue)
    return {"only_a": only_a, "only_b": only_b, "p_value": p}


def paired_difference(a: list[float], b: list[float], level: float = 0.95) -> dict | None:
    """``b - a`` over paired runs (the same seeds): its mean, the t-interval of the mean and
    the paired t-test's p-value; None with fewer than two pairs (no spread to judge by)."""
    from scipy import stats

    d = np.asarray(b, np.float64) - np.asarray(a, np.float64)
    if len(d) < 2:
        return None
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    half = float(stats.t.ppf((1 + level) / 2, len(d) - 1) * sd / np.sqrt(len(d)))
    p = 1.0 if sd == 0 and mean == 0 else float(stats.ttest_rel(b, a).pvalue) if sd else 0.0
    return {"n": len(d), "mean": mean, "sd": sd, "ci": (mean - half, mean + half), "p_value": p}


def detectable_difference(sd: float, n: int, level: float = 0.95, power: float = 0.8) -> float:
    """The smallest true mean difference a paired t-test over ``n`` pairs whose differences
    spread by ``sd`` detects with probability ``power`` at ``level``: the t quantiles of both
    error rates times the standard error (the usual normal-shift approximation)."""
    from scipy import stats

    if n < 2:
        return float("inf")
    df = n - 1
    return float((stats.t.ppf((1 + level) / 2, df) + stats.t.ppf(power, df)) * sd / np.sqrt(n))


def pairs_to_detect(
    sd: float, difference: float, level: float = 0.95, power: float = 0.8, most: int = 1000
) -> int | None:
    """How many pairs ``detectable_difference`` needs to reach ``difference``; None above
    ``most``."""
    for n in range(2, most + 1):
        if detectable_difference(sd, n, level, power) <= difference:
            return n
    return None


def told_apart(pair: dict) -> bool:
    """Two rows' test accuracies differ: the paired interval over seeds (``pair["paired"]``,
    paired_difference's) excludes 0, or, with one seed, McNemar's p < 0.05."""
    if pair["paired"]:
        lo, hi = pair["paired"]["ci"]
        return not lo <= 0 <= hi
    return pair["p_value"] < 0.05
