"""The report's statistics against SciPy and statsmodels."""

import numpy as np
import pytest
from scipy import stats

from alexnet_cifar.metrics import bootstrap_ci, classification_report, mcnemar_exact


def test_mcnemar_exact_equals_statsmodels():
    from statsmodels.stats.contingency_tables import mcnemar

    rng = np.random.default_rng(0)
    for _ in range(5):
        a = rng.random(500) < 0.7
        b = rng.random(500) < rng.uniform(0.6, 0.8)
        ours = mcnemar_exact(a, b)
        table = [
            [int((a & b).sum()), int((a & ~b).sum())],
            [int((~a & b).sum()), int((~a & ~b).sum())],
        ]
        assert ours["only_a"] == table[0][1] and ours["only_b"] == table[1][0]
        assert ours["p_value"] == pytest.approx(mcnemar(table, exact=True).pvalue, rel=1e-9)


def test_mcnemar_identical_models_and_mismatched_inputs():
    a = np.array([True, False, True])
    assert mcnemar_exact(a, a) == {"only_a": 0, "only_b": 0, "p_value": 1.0}
    with pytest.raises(ValueError, match="same test images"):
        mcnemar_exact(a, a[:2])


def test_bootstrap_interval_agrees_with_scipy():
    correct = np.random.default_rng(1).random(2000) < 0.8
    lo, hi = bootstrap_ci(correct, n_boot=4000, seed=0)
    ref = stats.bootstrap(
        (correct.astype(float),), np.mean, n_resamples=4000, method="percentile", random_state=0
    ).confidence_interval
    assert lo == pytest.approx(ref.low, abs=0.004) and hi == pytest.approx(ref.high, abs=0.004)
    assert lo < correct.mean() < hi


def test_classification_report_counts():
    r = classification_report([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ["a", "b", "c"])
    assert r["accuracy"] == pytest.approx(0.6)
    assert r["per_class_accuracy"] == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert r["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_detectable_difference_and_the_seeds_it_takes():
    """A paired t-test over 3 seeds whose differences spread by 1 point detects, 4 times in 5,
    about (t_.975 + t_.8) / sqrt(3) points with 2 degrees of freedom; more seeds detect less."""
    from scipy import stats

    from alexnet_cifar.metrics import detectable_difference, pairs_to_detect

    expected = (stats.t.ppf(0.975, 2) + stats.t.ppf(0.8, 2)) / np.sqrt(3)
    assert detectable_difference(1.0, 3) == pytest.approx(expected) == pytest.approx(3.097, 1e-3)
    assert detectable_difference(1.0, 1) == float("inf")
    n = pairs_to_detect(0.42, 0.5)
    assert detectable_difference(0.42, n) <= 0.5 < detectable_difference(0.42, n - 1)
    assert pairs_to_detect(100.0, 0.5, most=50) is None
