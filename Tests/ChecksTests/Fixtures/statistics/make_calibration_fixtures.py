#!/usr/bin/env python3
"""Regenerates calibration.json in this folder (read by Tests/ChecksTests/StatisticsCalibrationReferenceTests.swift).

Regenerate from the repository root with:

    python3 Tests/ChecksTests/Fixtures/statistics/make_calibration_fixtures.py

Needs numpy 2.x and scipy >= 1.11 only (no scikit-learn), so it runs where statistics.json's script cannot; neither
is a dependency of the project and CI never runs this script. Every expected value is computed here independently
of the Swift code: the ECE as the sum Σ_m (n_m / N)·|acc_m − conf_m| over bins found by masks (equal width) or by
numpy.array_split of the confidence-sorted samples (equal mass), the Brier score in both its binary and its
multi-class form, and the temperature by scipy.optimize.minimize_scalar on the negative log-likelihood. Inputs are
seeded, so the output is the same on every run.

The "labels as accuracies" case records the ECE a known tool computed by taking the mean label of a bin as its
accuracy; the Swift code must give the correct value, which differs from it.
"""

import json
import os

import numpy as np
from scipy import optimize, special

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)


def bins_by_width(confidences, bins):
    """Index arrays of M equal-width bins (m/M, (m+1)/M], the first also holding 0."""
    edges = np.arange(bins + 1) / bins
    out = []
    for m in range(bins):
        mask = (confidences > edges[m]) & (confidences <= edges[m + 1])
        if m == 0:
            mask |= confidences == 0
        out.append(np.flatnonzero(mask))
    return out


def bins_by_mass(confidences, bins):
    """min(M, N) bins of consecutive samples in stably sorted confidence, the first N mod M one larger."""
    order = np.argsort(confidences, kind="stable")
    return [part for part in np.array_split(order, min(bins, len(confidences)))]


def reliability(confidences, accuracies, groups):
    """Per bin count, mean confidence, mean accuracy and edges; and the ECE as a written-out weighted sum."""
    rows, ece = [], 0.0
    for members in groups:
        if len(members) == 0:
            rows.append({"count": 0, "confidence": None, "accuracy": None, "lower": None, "upper": None})
            continue
        confidence = float(np.mean(confidences[members]))
        accuracy = float(np.mean(accuracies[members]))
        ece += len(members) / len(confidences) * abs(accuracy - confidence)
        rows.append({"count": int(len(members)), "confidence": confidence, "accuracy": accuracy,
                     "lower": float(confidences[members].min()), "upper": float(confidences[members].max())})
    return rows, float(ece)


def softmax(logits, temperature=1.0):
    return special.softmax(np.asarray(logits, dtype=float) / temperature, axis=1)


def brier(probabilities, labels):
    """Half the multi-class sum Σ_k (p_k − y_k)², and for two classes the binary mean (p_1 − y)² it equals."""
    probabilities = np.asarray(probabilities, dtype=float)
    onehot = np.eye(probabilities.shape[1])[labels]
    multiclass = float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1)))
    binary = float(np.mean((probabilities[:, 1] - (labels == 1)) ** 2)) if probabilities.shape[1] == 2 else None
    return multiclass, binary


def nll(logits, labels, temperature):
    log_p = special.log_softmax(np.asarray(logits, dtype=float) / temperature, axis=1)
    return float(-np.mean(log_p[np.arange(len(labels)), labels]))


def fitted_temperature(logits, labels):
    result = optimize.minimize_scalar(lambda u: nll(logits, labels, np.exp(u)), bounds=(np.log(0.01), np.log(100)),
                                      method="bounded", options={"xatol": 1e-12, "maxiter": 1000})
    return float(np.exp(result.x))


def case(name, logits, labels, bins):
    """Everything the Swift statistics give for one set of logits: top-label reliability both ways, Brier, T."""
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    probabilities = softmax(logits)
    confidences = probabilities.max(axis=1)
    # The first class attaining the maximum, as the Swift code predicts; the inputs have no exact ties.
    correct = (probabilities.argmax(axis=1) == labels).astype(float)
    width_bins, width_ece = reliability(confidences, correct, bins_by_width(confidences, bins))
    mass_bins, mass_ece = reliability(confidences, correct, bins_by_mass(confidences, bins))
    multiclass, binary = brier(probabilities, labels)
    temperature = fitted_temperature(logits, labels)
    scaled = softmax(logits, temperature)
    scaled_confidences = scaled.max(axis=1)
    scaled_correct = (scaled.argmax(axis=1) == labels).astype(float)
    _, scaled_mass_ece = reliability(scaled_confidences, scaled_correct, bins_by_mass(scaled_confidences, bins))
    return {
        "name": name, "logits": logits.tolist(), "labels": labels.tolist(), "bins": bins,
        "probabilities": probabilities.tolist(),
        "equal_width": {"bins": width_bins, "ece": width_ece},
        "equal_mass": {"bins": mass_bins, "ece": mass_ece},
        "brier_multiclass_sum": multiclass, "brier_binary": binary, "brier": multiclass / 2,
        "temperature": temperature, "nll_before": nll(logits, labels, 1.0), "nll_after": nll(logits, labels, temperature),
        "after": {"ece_equal_mass": scaled_mass_ece, "brier": brier(scaled, labels)[0] / 2},
    }


def overconfident_binary(n, scale):
    """Logits whose true log-odds are `latent`: calibrated at temperature 1 / scale, overconfident by `scale`."""
    latent = rng.normal(0, 1.5, n)
    labels = (rng.uniform(size=n) < special.expit(latent)).astype(int)
    logits = np.stack([np.zeros(n), latent * scale], axis=1)
    return logits, labels


def labels_as_accuracies():
    """Binary scores whose bins' mean label is far from their accuracy: the mistaken ECE differs from the true one."""
    logits, labels = overconfident_binary(400, 1.0)
    probabilities = softmax(logits)
    confidences = probabilities.max(axis=1)
    correct = (probabilities.argmax(axis=1) == labels).astype(float)
    groups = bins_by_width(confidences, 10)
    _, right = reliability(confidences, correct, groups)
    _, wrong = reliability(confidences, labels.astype(float), groups)
    assert abs(right - wrong) > 0.1, (right, wrong)
    return {"name": "labels as accuracies", "probabilities": probabilities.tolist(), "labels": labels.tolist(),
            "bins": 10, "ece": right, "ece_with_labels_as_accuracies": wrong}


def main():
    cases = []
    logits, labels = overconfident_binary(300, 5.0)
    cases.append(case("binary, logits five times too large", logits, labels, 10))
    logits, labels = overconfident_binary(257, 0.4)
    cases.append(case("binary, underconfident", logits, labels, 15))
    labels = rng.integers(0, 4, 180)
    logits = (2 * np.eye(4)[labels] + rng.normal(0, 1, (180, 4))) * 2.5
    cases.append(case("four classes, overconfident", logits, labels, 10))
    cases.append(case("fewer samples than bins", [[0.0, 2.0], [1.0, -1.0], [0.0, 0.3]], [1, 0, 0], 10))
    fixture = {"cases": cases, "labels_as_accuracies": labels_as_accuracies()}
    with open(os.path.join(HERE, "calibration.json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
