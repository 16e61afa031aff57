#!/usr/bin/env python3
"""Regenerates drift.json in this folder (read by Tests/ChecksTests/StatisticsDrift*.swift).

Regenerate from the repository root with:

    python3 Tests/ChecksTests/Fixtures/statistics/make_drift_fixtures.py

Needs numpy and scipy (not dependencies of the project; CI never runs this script). Every expected value comes from
code independent of the Swift implementation: scipy.stats.ks_2samp (default method 'auto'),
scipy.special.kolmogorov, scipy.stats.wasserstein_distance, and MMD written here the direct way, from the full
pairwise distance matrix and each group's index set. The permutation p-values replay the reassignments
PermutationSampler.swift documents (SplitMix64, Fisher-Yates from the last index down, each shuffle applied to the
previous one) and recompute each permuted statistic from scratch. Inputs are seeded, so the output is the same on
every run.

Large samples are not written out: a "generated" sample is x_i = ((i * multiplier) % modulus) / modulus + offset
for i in 0..<count, which Swift reproduces bit for bit (integer arithmetic, one correctly rounded division, one
correctly rounded addition).
"""

import json
import math
import os

import numpy as np
from scipy import special, stats
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../Fixtures"))
from splitmix64 import MASK, SplitMix64  # noqa: E402  (the shared generator, Tests/Fixtures/splitmix64.py)

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)




def permutations(first_count, second_count, count, seed):
    """Yields, for each permutation, the pooled indices assigned to the first group."""
    in_first = [True] * first_count + [False] * second_count
    generator = SplitMix64(seed)
    for _ in range(count):
        for i in range(len(in_first) - 1, 0, -1):
            j = generator.below(i + 1)
            in_first[i], in_first[j] = in_first[j], in_first[i]
        yield np.array(in_first)


def permutation_p(observed, permuted):
    permuted = np.asarray(permuted)
    return float((1 + np.sum(permuted >= observed - 1e-12 * abs(observed))) / (1 + len(permuted)))


def generated(count, multiplier, modulus, offset):
    i = np.arange(count, dtype=np.int64)
    return ((i * multiplier) % modulus).astype(np.float64) / float(modulus) + offset


def sample_json(values):
    return [float(v) for v in values]


# --- Kolmogorov-Smirnov ----------------------------------------------------------------------------------------

def ks_case(name, first, second, spec=None):
    result = stats.ks_2samp(first, second)
    n1, n2 = len(first), len(second)
    method = "exact" if max(n1, n2) <= 10000 else "asymptotic"
    case = {"name": name, "statistic": float(result.statistic), "p": float(result.pvalue), "method": method}
    if method == "asymptotic":
        # Kolmogorov's limiting distribution, which the Swift code documents using here; scipy's 'asymp' uses
        # kstwo(round(en)) instead, recorded for comparison only.
        en = n1 * n2 / (n1 + n2)
        case["scipy_asymp_p"] = case["p"]
        case["p"] = float(special.kolmogorov(math.sqrt(en) * result.statistic))
    if spec is None:
        case["first"] = sample_json(first)
        case["second"] = sample_json(second)
    else:
        case["first_generated"], case["second_generated"] = spec
    return case


def ks_fixture():
    cases = []
    cases.append(ks_case("equal sizes, no shift", rng.normal(size=50), rng.normal(size=50)))
    cases.append(ks_case("equal sizes, shifted", rng.normal(size=60), rng.normal(0.7, 1, size=60)))
    cases.append(ks_case("unequal sizes", rng.normal(size=37), rng.normal(0.3, 1.4, size=53)))
    cases.append(ks_case("heavy ties", np.round(rng.normal(size=80), 0), np.round(rng.normal(0.4, 1, size=45), 0)))
    cases.append(ks_case("tiny", [0.1, 0.5, 0.9], [0.3, 0.7]))
    cases.append(ks_case("one against one", [1.0], [2.0]))
    cases.append(ks_case("identical", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))
    cases.append(ks_case("separated, tiny p", rng.normal(size=400), rng.normal(6, 1, size=300)))
    cases.append(ks_case("sizes with a common divisor", rng.uniform(size=120), rng.uniform(0.05, 1.05, size=90)))
    cases.append(ks_case("constant samples that differ", [2.0] * 20, [3.0] * 15))
    specs = (
        ("exact, 3000 against 2000", (3000, 7919, 10007, 0.0), (2000, 104729, 99991, 0.02)),
        ("exact, 2500 each", (2500, 7919, 10007, 0.0), (2500, 104729, 99991, 0.03)),
        ("asymptotic, 12000 against 9000", (12000, 7919, 100003, 0.0), (9000, 104729, 99991, 0.01)),
    )
    for name, a, b in specs:
        first = generated(*a)
        second = generated(*b)
        keys = ("count", "multiplier", "modulus", "offset")
        cases.append(ks_case(name, first, second, (dict(zip(keys, a)), dict(zip(keys, b)))))
    return cases


def kolmogorov_fixture():
    zs = [0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.99, 1.0, 1.01, 1.1, 1.3, 1.36, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]
    return [{"z": z, "sf": float(special.kolmogorov(z))} for z in zs]


# --- Wasserstein -----------------------------------------------------------------------------------------------

def wasserstein_case(name, first, second, count, seed):
    first = np.asarray(first, dtype=float)
    second = np.asarray(second, dtype=float)
    pooled = np.r_[first, second]
    observed = stats.wasserstein_distance(first, second)
    permuted = [stats.wasserstein_distance(pooled[mask], pooled[~mask])
                for mask in permutations(len(first), len(second), count, seed)]
    return {"name": name, "first": sample_json(first), "second": sample_json(second), "permutations": count,
            "seed": seed, "distance": float(observed), "p": permutation_p(observed, permuted)}


def wasserstein_fixture():
    return [
        wasserstein_case("no shift", rng.normal(size=40), rng.normal(size=35), 300, 7),
        wasserstein_case("shifted", rng.normal(size=40), rng.normal(1.0, 1, size=40), 200, 11),
        wasserstein_case("wider", rng.normal(size=50), rng.normal(0, 2.5, size=20), 250, 2026),
        wasserstein_case("ties", np.round(rng.normal(size=45), 0), np.round(rng.normal(0.2, 1, size=25), 0), 150, 3),
        wasserstein_case("one against one", [1.0], [3.5], 10, 5),
    ]


# --- MMD -------------------------------------------------------------------------------------------------------

def mmd_unbiased(kernel, mask):
    kx = kernel[np.ix_(mask, mask)]
    ky = kernel[np.ix_(~mask, ~mask)]
    kxy = kernel[np.ix_(mask, ~mask)]
    m, n = len(kx), len(ky)
    return ((kx.sum() - np.trace(kx)) / (m * (m - 1)) + (ky.sum() - np.trace(ky)) / (n * (n - 1))
            - 2 * kxy.sum() / (m * n))


def mmd_case(name, first, second, count, seed, bandwidth=None):
    first = np.asarray(first, dtype=float)
    second = np.asarray(second, dtype=float)
    pooled = np.r_[first, second]
    difference = pooled[:, None, :] - pooled[None, :, :]
    distances = np.sqrt((difference ** 2).sum(axis=2))
    upper = distances[np.triu_indices(len(pooled), k=1)]
    sigma = float(np.median(upper)) if bandwidth is None else bandwidth
    kernel = np.exp(-distances ** 2 / (2 * sigma ** 2))
    observed = mmd_unbiased(kernel, np.r_[np.ones(len(first), bool), np.zeros(len(second), bool)])
    permuted = [mmd_unbiased(kernel, mask) for mask in permutations(len(first), len(second), count, seed)]
    case = {"name": name, "first": first.tolist(), "second": second.tolist(), "permutations": count, "seed": seed,
            "bandwidth": sigma, "squared": float(observed), "p": permutation_p(observed, permuted),
            "pairs": len(upper)}
    if bandwidth is not None:
        case["given_bandwidth"] = bandwidth
    return case


def mmd_fixture():
    d = 8
    return [
        mmd_case("same distribution, even pair count", rng.normal(size=(40, d)), rng.normal(size=(32, d)), 200, 13),
        mmd_case("mean shift, odd pair count", rng.normal(size=(36, d)), rng.normal(0.5, 1, size=(34, d)), 200, 17),
        mmd_case("scale change", rng.normal(size=(30, d)), rng.normal(0, 1.6, size=(30, d)), 150, 19),
        mmd_case("given bandwidth", rng.normal(size=(20, 3)), rng.normal(0.3, 1, size=(25, 3)), 100, 23,
                 bandwidth=1.5),
        mmd_case("two against two", [[0.0, 1.0], [1.0, 0.0]], [[2.0, 2.0], [3.0, 1.0]], 20, 29),
    ]


# --- Cohen's d -------------------------------------------------------------------------------------------------

def cohens_fixture():
    cases = []
    for name, a, b in (("shifted", rng.normal(size=60), rng.normal(0.5, 1.3, size=45)),
                       ("large values", 1e6 + rng.normal(size=30), 1e6 + rng.normal(0.2, 1, size=30)),
                       ("three against two", [1.0, 2.0, 4.0], [3.0, 5.0])):
        a, b = np.asarray(a), np.asarray(b)
        pooled = math.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
        cases.append({"name": name, "first": sample_json(a), "second": sample_json(b),
                      "d": float((a.mean() - b.mean()) / pooled)})
    return cases


# --- false alarms ----------------------------------------------------------------------------------------------

def false_alarm_band(replicates, alpha, coverage):
    """The central `coverage` range of Binomial(replicates, alpha): where a test's number of false alarms over
    independent null replicates lies unless its level is wrong."""
    tail = (1 - coverage) / 2
    return {"replicates": replicates, "alpha": alpha, "coverage": coverage,
            "lowest": int(stats.binom.ppf(tail, replicates, alpha)),
            "highest": int(stats.binom.isf(tail, replicates, alpha))}


def main():
    fixture = {
        "ks": ks_fixture(),
        "kolmogorov": kolmogorov_fixture(),
        "wasserstein": wasserstein_fixture(),
        "mmd": mmd_fixture(),
        "cohens_d": cohens_fixture(),
        "false_alarm_band": false_alarm_band(200, 0.05, 0.999),
    }
    with open(os.path.join(HERE, "drift.json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
