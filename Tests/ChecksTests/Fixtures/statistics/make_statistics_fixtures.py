#!/usr/bin/env python3
"""Regenerates statistics.json in this folder (read by Tests/ChecksTests/Statistics*.swift).

Regenerate from the repository root with:

    python3 Tests/ChecksTests/Fixtures/statistics/make_statistics_fixtures.py

Needs numpy 2.x, scipy >= 1.11 and scikit-learn >= 1.3 (pip install scikit-learn); none of them is a dependency of
the project and CI never runs this script. Every expected value comes from an implementation independent of the
Swift code: scipy and scikit-learn where they have the statistic, otherwise a direct textbook form written here
(the Wilson interval as the roots of its defining quadratic, DeLong's variance from the O(n^2) placement matrix,
the calibration bins by masks, the bootstrap replicates from the generator and draw Bootstrap.swift documents).
Inputs are seeded, so the output is the same on every run.
"""

import json
import os
import warnings

import numpy as np
from scipy import stats
from sklearn import metrics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../Fixtures"))
from splitmix64 import SplitMix64  # noqa: E402  (the shared generator, Tests/Fixtures/splitmix64.py)

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)


def nan_to_none(value):
    value = float(value)
    return None if np.isnan(value) else value


# --- normal distribution ---------------------------------------------------------------------------------------

def normal_fixture():
    ps = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-15, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.02, 0.025,
          0.05, 0.074, 0.075, 0.076, 0.1, 0.2, 0.3, 0.4, 0.45, 0.49, 0.499, 0.5, 0.501, 0.6, 0.8, 0.9, 0.924, 0.925,
          0.926, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-10, 1 - 1e-15]
    ps += list(rng.uniform(0, 1, 100)) + list(10.0 ** rng.uniform(-300, -1, 60))
    quantiles = [{"p": float(p), "x": float(stats.norm.ppf(p))} for p in ps]
    xs = list(np.linspace(-37, 8, 91)) + list(rng.normal(0, 3, 40))
    cdf = [{"x": float(x), "cdf": float(stats.norm.cdf(x)), "sf": float(stats.norm.sf(x))} for x in xs]
    return {"quantile": quantiles, "cdf": cdf}


# --- Wilson ----------------------------------------------------------------------------------------------------

def wilson_reference(k, n, confidence):
    """The Wilson interval is {p : (phat - p)^2 <= z^2 p (1 - p) / n}; its ends solve a quadratic in p."""
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    phat = k / n
    a = 1 + z * z / n
    b = -(2 * phat + z * z / n)
    c = phat * phat
    roots = np.sort(np.roots([a, b, c]).real)
    return max(0.0, float(roots[0])), min(1.0, float(roots[1]))


def wilson_fixture():
    cases = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (9, 10), (5, 10), (93, 100), (190, 200), (0, 500),
             (500, 500), (499, 500), (1, 3), (37, 41), (9990, 10000), (3, 1000000)]
    out = []
    for confidence in (0.8, 0.9, 0.95, 0.99, 0.999):
        for k, n in cases:
            lower, upper = wilson_reference(k, n, confidence)
            out.append({"k": k, "n": n, "confidence": confidence, "lower": lower, "upper": upper})
    return out


# --- binary and multiclass confusion ---------------------------------------------------------------------------

def binary_case(name, labels, predictions, positive):
    labels = np.asarray(labels)
    predictions = np.asarray(predictions)
    cm = metrics.confusion_matrix(labels == positive, predictions == positive, labels=[False, True])
    tn, fp, fn, tp = (int(v) for v in cm.ravel())
    kw = {"zero_division": np.nan}
    y, p = (labels == positive).astype(int), (predictions == positive).astype(int)
    recall = metrics.recall_score(y, p, pos_label=1, **kw)
    specificity = metrics.recall_score(y, p, pos_label=0, **kw)
    both_classes = 0 < y.sum() < len(y)
    return {
        "name": name,
        "labels": labels.tolist(), "predictions": predictions.tolist(), "positive": positive,
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "accuracy": nan_to_none(metrics.accuracy_score(y, p)) if len(y) else None,
        "precision": nan_to_none(metrics.precision_score(y, p, pos_label=1, **kw)),
        "recall": nan_to_none(recall),
        "specificity": nan_to_none(specificity),
        "f1": nan_to_none(metrics.f1_score(y, p, pos_label=1, **kw)),
        # scikit-learn averages only the classes present; the Swift type is undefined unless both are.
        "balanced_accuracy": float(metrics.balanced_accuracy_score(y, p)) if both_classes else None,
    }


def binary_fixture():
    cases = []
    labels = rng.integers(0, 3, 80)
    predictions = np.where(rng.uniform(size=80) < 0.7, labels, rng.integers(0, 3, 80))
    cases.append(binary_case("three labels, positive 2", labels, predictions, 2))
    labels = rng.integers(0, 2, 300)
    predictions = np.where(rng.uniform(size=300) < 0.9, labels, 1 - labels)
    cases.append(binary_case("noisy binary", labels, predictions, 1))
    cases.append(binary_case("all negative labels", [0, 0, 0, 0], [0, 1, 0, 0], 1))
    cases.append(binary_case("all positive labels", [1, 1, 1], [1, 0, 1], 1))
    cases.append(binary_case("never predicts positive", [1, 0, 1, 0, 0], [0, 0, 0, 0, 0], 1))
    cases.append(binary_case("perfect", [1, 0, 1, 0], [1, 0, 1, 0], 1))
    cases.append(binary_case("all wrong", [1, 0, 1, 0], [0, 1, 0, 1], 1))
    cases.append(binary_case("single negative sample", [0], [0], 1))
    return cases


def multiclass_case(name, k, labels, predictions):
    classes = list(range(k))
    cm = metrics.confusion_matrix(labels, predictions, labels=classes)
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(
        labels, predictions, labels=classes, average=None, zero_division=np.nan)

    def macro(values):
        return None if np.all(np.isnan(values)) else float(np.nanmean(values))

    return {
        "name": name, "classes": k, "labels": list(map(int, labels)), "predictions": list(map(int, predictions)),
        "counts": cm.tolist(),
        "accuracy": float(metrics.accuracy_score(labels, predictions)),
        "precision": [nan_to_none(v) for v in precision],
        "recall": [nan_to_none(v) for v in recall],
        "f1": [nan_to_none(v) for v in f1],
        "macro_precision": macro(precision), "macro_recall": macro(recall), "macro_f1": macro(f1),
    }


def multiclass_fixture():
    cases = []
    labels = rng.integers(0, 5, 200)
    predictions = np.where(rng.uniform(size=200) < 0.6, labels, rng.integers(0, 5, 200))
    cases.append(multiclass_case("five classes", 5, labels, predictions))
    # Class 3 never occurs as a label, class 2 is never predicted, class 4 occurs nowhere.
    labels = rng.choice([0, 1, 2], 60)
    predictions = np.where(rng.uniform(size=60) < 0.5, labels, rng.choice([0, 1, 3], 60))
    predictions = np.where(predictions == 2, 0, predictions)
    cases.append(multiclass_case("absent classes", 5, labels, predictions))
    cases.append(multiclass_case("two classes", 2, [0, 1, 1, 0, 1], [0, 1, 0, 0, 1]))
    return cases


# --- ROC, PR, DeLong -------------------------------------------------------------------------------------------

def curves_case(name, scores, labels):
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    case = {"name": name, "scores": scores.tolist(), "labels": labels.tolist()}
    n1, n0 = int(labels.sum()), int((~labels).sum())
    if n1 and n0:
        fpr, tpr, thresholds = metrics.roc_curve(labels, scores, drop_intermediate=False)
        assert np.isinf(thresholds[0])
        auc = float(metrics.roc_auc_score(labels, scores))
        u = stats.mannwhitneyu(scores[labels], scores[~labels], alternative="two-sided").statistic
        assert abs(u / (n1 * n0) - auc) < 1e-12
        case["roc"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thresholds[1:].tolist(), "auc": auc,
                       "mann_whitney_auc": float(u / (n1 * n0))}
    else:
        case["roc"] = None
    if n1:
        precision, recall, thresholds = metrics.precision_recall_curve(labels, scores, drop_intermediate=False)
        # scikit-learn lists ascending thresholds and appends (recall 0, precision 1); drop it and reverse.
        case["pr"] = {"precision": precision[-2::-1].tolist(), "recall": recall[-2::-1].tolist(),
                      "thresholds": thresholds[::-1].tolist(),
                      "average_precision": float(metrics.average_precision_score(labels, scores))}
    else:
        case["pr"] = None
    return case


def placements(scores, labels):
    """DeLong's structural components from the full m x n kernel matrix psi(X_i, Y_j)."""
    x = scores[labels]
    y = scores[~labels]
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)


def delong_reference(scores, labels, confidence):
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    auc, v10, v01 = placements(scores, labels)
    assert abs(auc - metrics.roc_auc_score(labels, scores)) < 1e-12
    m, n = len(v10), len(v01)
    s10 = np.sum((v10 - auc) ** 2) / (m - 1)
    s01 = np.sum((v01 - auc) ** 2) / (n - 1)
    variance = s10 / m + s01 / n
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    return {"auc": float(auc), "variance": float(variance), "confidence": confidence,
            "lower": float(max(0.0, auc - z * np.sqrt(variance))),
            "upper": float(min(1.0, auc + z * np.sqrt(variance)))}


def delong_paired_reference(scores_a, scores_b, labels):
    labels = np.asarray(labels, dtype=bool)
    auc_a, v10_a, v01_a = placements(np.asarray(scores_a, dtype=float), labels)
    auc_b, v10_b, v01_b = placements(np.asarray(scores_b, dtype=float), labels)
    s10 = np.cov(np.vstack([v10_a, v10_b]))
    s01 = np.cov(np.vstack([v01_a, v01_b]))
    s = s10 / len(v10_a) + s01 / len(v01_a)
    variance = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    z = (auc_a - auc_b) / np.sqrt(variance)
    return {"auc_a": float(auc_a), "auc_b": float(auc_b), "variance": float(variance), "z": float(z),
            "p": float(2 * stats.norm.sf(abs(z)))}


def curves_fixture():
    cases = []
    labels = rng.uniform(size=150) < 0.4
    scores = np.round(rng.normal(labels * 1.2, 1.0), 6)
    cases.append(curves_case("continuous scores", scores, labels))
    labels = rng.uniform(size=120) < 0.5
    scores = np.round(np.clip(rng.normal(0.5 + 0.15 * (2 * labels - 1), 0.2), 0, 1), 1)
    cases.append(curves_case("heavy ties", scores, labels))
    cases.append(curves_case("one of each", [0.3, 0.7], [False, True]))
    cases.append(curves_case("tied pair", [0.5, 0.5], [True, False]))
    cases.append(curves_case("tiny with ties", [0.9, 0.4, 0.4, 0.4, 0.1], [True, True, False, False, True]))
    cases.append(curves_case("perfectly separated", [0.1, 0.2, 0.3, 0.8, 0.9, 0.95], [False] * 3 + [True] * 3))
    cases.append(curves_case("perfectly inverted", [0.1, 0.2, 0.3, 0.8, 0.9, 0.95], [True] * 3 + [False] * 3))
    cases.append(curves_case("all scores equal", [0.5] * 7, [True, False, True, False, False, True, True]))
    cases.append(curves_case("only positives", [0.2, 0.9, 0.4], [True, True, True]))
    cases.append(curves_case("only negatives", [0.2, 0.9, 0.4], [False, False, False]))
    return cases


def delong_fixture():
    single = []
    paired = []
    for name, n, shift, decimals in (("continuous", 200, 1.0, 6), ("ties", 90, 0.8, 0), ("small", 9, 0.7, 3)):
        labels = rng.uniform(size=n) < 0.45
        labels[:2], labels[2:4] = True, False
        latent = rng.normal(size=n)
        scores_a = np.round(latent + shift * labels, decimals)
        scores_b = np.round(0.6 * latent + 0.8 * rng.normal(size=n) + 0.7 * shift * labels, decimals)
        for confidence in (0.9, 0.95):
            single.append({"name": name, "scores": scores_a.tolist(), "labels": labels.tolist(),
                           **delong_reference(scores_a, labels, confidence)})
        paired.append({"name": name, "scores_a": scores_a.tolist(), "scores_b": scores_b.tolist(),
                       "labels": labels.tolist(), **delong_paired_reference(scores_a, scores_b, labels)})
    separated = [0.1, 0.2, 0.3, 0.8, 0.9, 0.95]
    separated_labels = [False] * 3 + [True] * 3
    single.append({"name": "perfectly separated", "scores": separated, "labels": separated_labels,
                   **delong_reference(separated, separated_labels, 0.95)})
    return single, paired


# --- bootstrap -------------------------------------------------------------------------------------------------



def bootstrap_fixture():
    labels = rng.uniform(size=40) < 0.3
    labels[:2], labels[2:4] = True, False
    scores = np.round(rng.normal(labels * 0.9, 1.0), 2)
    positives, negatives = scores[labels], scores[~labels]
    replicate_labels = np.r_[np.ones(len(positives), bool), np.zeros(len(negatives), bool)]
    generator = SplitMix64(2024)
    values = []
    for _ in range(300):
        drawn_positives = [positives[generator.below(len(positives))] for _ in positives]
        drawn_negatives = [negatives[generator.below(len(negatives))] for _ in negatives]
        values.append(metrics.roc_auc_score(replicate_labels, np.r_[drawn_positives, drawn_negatives]))
    lower, upper = np.percentile(values, [5, 95])
    return {"scores": scores.tolist(), "labels": labels.tolist(), "seed": 2024, "replicates": 300,
            "confidence": 0.9, "estimate": float(metrics.roc_auc_score(labels, scores)),
            "lower": float(lower), "upper": float(upper)}


# --- McNemar ---------------------------------------------------------------------------------------------------

def mcnemar_fixture():
    out = []
    pairs = [(0, 0), (0, 1), (1, 0), (3, 3), (5, 0), (0, 7), (2, 9), (12, 13), (20, 5), (25, 0), (13, 13),
             (14, 12), (26, 0), (20, 6), (13, 14), (40, 40), (41, 40), (30, 50), (100, 70), (400, 360)]
    for b, c in pairs:
        n = b + c
        if n == 0:
            two, a_better, b_better = 1.0, 1.0, 1.0
        elif n <= 25:
            two = stats.binomtest(b, n, 0.5, alternative="two-sided").pvalue
            a_better = stats.binomtest(b, n, 0.5, alternative="greater").pvalue
            b_better = stats.binomtest(b, n, 0.5, alternative="less").pvalue
        else:
            statistic = max(abs(b - c) - 1, 0) ** 2 / n
            two = stats.chi2.sf(statistic, df=1)
            a_better = stats.norm.sf((b - c - 1) / np.sqrt(n))
            b_better = stats.norm.sf((c - b - 1) / np.sqrt(n))
        out.append({"b": b, "c": c, "two_sided": float(two), "a_better": float(a_better),
                    "b_better": float(b_better), "exact": n <= 25})
    return out


# --- calibration -----------------------------------------------------------------------------------------------

def calibration_reference(confidences, correct, bins):
    confidences = np.asarray(confidences, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    edges = np.arange(bins + 1) / bins
    rows = []
    ece = 0.0
    for m in range(bins):
        mask = (confidences > edges[m]) & (confidences <= edges[m + 1])
        if m == 0:
            mask |= confidences == 0
        count = int(mask.sum())
        if count:
            confidence = float(confidences[mask].mean())
            accuracy = float(correct[mask].mean())
            ece += count / len(confidences) * abs(accuracy - confidence)
            rows.append({"count": count, "confidence": confidence, "accuracy": accuracy})
        else:
            rows.append({"count": 0, "confidence": None, "accuracy": None})
    return {"bins": rows, "ece": float(ece)}


def calibration_fixture():
    cases = []
    confidences = rng.beta(5, 1.5, 300)
    correct = rng.uniform(size=300) < confidences ** 1.3
    cases.append({"name": "overconfident", "confidences": confidences.tolist(), "correct": correct.tolist(),
                  "bins": 15, **calibration_reference(confidences, correct, 15)})
    edges = [m / 10 for m in range(11)] + [0.0, 1.0, 0.3, 0.7]
    correct = [bool(i % 2) for i in range(len(edges))]
    cases.append({"name": "on the edges", "confidences": edges, "correct": correct, "bins": 10,
                  **calibration_reference(edges, correct, 10)})
    # Where confidence * M rounds across an integer: 7/25 * 25 > 7, and one ulp above 3/7 times 7 rounds to 3.
    for bins, ks in ((25, (7, 14)), (7, (3, 6))):
        values = [v for k in ks for v in (k / bins, float(np.nextafter(k / bins, 0)), float(np.nextafter(k / bins, 1)))]
        correct = [bool(i % 3) for i in range(len(values))]
        cases.append({"name": f"one ulp from the edges, {bins} bins", "confidences": values, "correct": correct,
                      "bins": bins, **calibration_reference(values, correct, bins)})
    logits = rng.normal(size=(120, 4)) * 2
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, 120)
    top = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    cases.append({"name": "from probabilities", "probabilities": probabilities.tolist(), "labels": labels.tolist(),
                  "confidences": top.tolist(), "correct": correct.tolist(), "bins": 15,
                  **calibration_reference(top, correct, 15)})
    return cases


def main():
    warnings.simplefilter("ignore")
    delong_single, delong_paired = delong_fixture()
    fixture = {
        "normal": normal_fixture(),
        "wilson": wilson_fixture(),
        "binary": binary_fixture(),
        "multiclass": multiclass_fixture(),
        "curves": curves_fixture(),
        "delong": delong_single,
        "delong_paired": delong_paired,
        "bootstrap": bootstrap_fixture(),
        "mcnemar": mcnemar_fixture(),
        "calibration": calibration_fixture(),
    }
    with open(os.path.join(HERE, "statistics.json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
