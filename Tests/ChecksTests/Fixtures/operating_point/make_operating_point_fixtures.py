#!/usr/bin/env python3
"""Regenerates operating_point.json in this folder (read by Tests/ChecksTests/OperatingThresholdTests.swift).

Regenerate from the repository root with:

    python3 Tests/ChecksTests/Fixtures/operating_point/make_operating_point_fixtures.py

Needs numpy and scikit-learn >= 1.3; neither is a dependency of the project and CI never runs this script. The
thresholds come from scikit-learn's ROC curve (every distinct score, drop_intermediate=False, a score at least the
threshold called positive), independent of the Swift code:
- sensitivity s: the largest threshold whose TP / P >= s;
- specificity s: the smallest threshold whose TN / N >= s. Specificity rises just above a negative's score, so that
  threshold is the next float above the largest threshold whose specificity falls short;
- youden: the threshold (no +inf) with the largest TP * N - FP * P, in integers; the largest threshold wins ties.
Inputs are seeded, so the output is the same on every run.
"""

import json
import os

import numpy as np
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)


def choose(scores, labels, target, value):
    _, _, thresholds = metrics.roc_curve(labels, scores, drop_intermediate=False)
    thresholds = np.asarray(thresholds, dtype=float)
    if not np.isinf(thresholds[0]):
        raise SystemExit("expected scikit-learn >= 1.3, whose first ROC threshold is +inf")
    scores, labels = np.asarray(scores), np.asarray(labels, dtype=bool)
    p, n = int(labels.sum()), int((~labels).sum())
    tps = np.array([int((scores[labels] >= t).sum()) for t in thresholds])
    fps = np.array([int((scores[~labels] >= t).sum()) for t in thresholds])
    if target == "sensitivity":
        i = int(np.flatnonzero(tps / p >= value)[0])
        return float(thresholds[i]), int(tps[i]), int(fps[i])
    if target == "specificity":
        i = int(np.flatnonzero((n - fps) / n >= value)[-1])
        return float(np.nextafter(thresholds[i + 1], np.inf)), int(tps[i]), int(fps[i])
    j = tps[1:] * n - fps[1:] * p
    i = 1 + int(np.argmax(j))
    return float(thresholds[i]), int(tps[i]), int(fps[i])


def case(name, scores, labels):
    targets = [("sensitivity", v) for v in (0.5, 0.9, 0.95, 0.98, 1.0)]
    targets += [("specificity", v) for v in (0.5, 0.85, 0.9, 0.99, 1.0)]
    targets += [("youden", None)]
    expected = []
    for target, value in targets:
        threshold, tp, fp = choose(scores, labels, target, value)
        expected.append({"target": target, "value": value, "threshold": threshold, "true_positives": tp,
                         "false_positives": fp})
    return {"name": name, "scores": [float(s) for s in scores], "labels": [bool(x) for x in labels],
            "expected": expected}


cases = []
# Overlapping classes, continuous scores.
labels = rng.random(200) < 0.4
cases.append(case("overlapping", np.where(labels, rng.beta(5, 2, 200), rng.beta(2, 5, 200)), labels))
# Scores on a coarse grid: many ties within and across classes.
labels = rng.random(120) < 0.5
cases.append(case("tied", np.round(np.where(labels, rng.beta(3, 2, 120), rng.beta(2, 3, 120)) * 20) / 20, labels))
# The highest score is a negative's, so specificity 1 needs a threshold above every score.
scores = [0.99, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05]
labels = [False, True, True, False, True, True, False, False, True, False]
cases.append(case("negative_on_top", scores, labels))
# A perfect separation: sensitivity and specificity 1 at once.
cases.append(case("separable", [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [False, False, False, True, True, True]))

with open(os.path.join(HERE, "operating_point.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
    f.write("\n")
