#!/usr/bin/env python3
"""Tiny BiT ResNet-v2 fixture: random weights in the official npz key layout plus a
float64 NumPy reference forward pass (NHWC activations, HWIO kernels).

Run from this folder:  python3 make_tiny_bit.py
Follows docs/bit-reference.md (at the repository root) sections 1 and 2.
"""
import os
import zipfile

import numpy as np

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
SEED = 20240601
UNITS = [2, 1, 1, 1]           # units per stage (block1..block4)
STEM = 8                       # 64 * wf, wf = 1/8
MIDS = [8, 16, 32, 64]         # 64 * wf * 2^b
GROUPS = 4                     # 32 * wf (same channels per group as R50x1)
NUM_CLASSES = 3
GN_EPS = 1e-5
WS_EPS = 1e-10


# ----------------------------------------------------------------------------- weights
def make_weights(rng):
    """Random float32 weights keyed exactly like the released BiT .npz files."""
    w = {}

    def conv(key, kh, kw, cin, cout):
        # normal noise plus a random per-output-channel mean offset, so WS matters
        offset = rng.normal(size=cout)
        k = 0.1 * (rng.normal(size=(kh, kw, cin, cout)) + offset)
        w[f"resnet/{key}/standardized_conv2d/kernel"] = k.astype(np.float32)

    def gn(key, c):
        w[f"resnet/{key}/group_norm/gamma"] = (1 + 0.2 * rng.normal(size=c)).astype(np.float32)
        w[f"resnet/{key}/group_norm/beta"] = (0.2 * rng.normal(size=c)).astype(np.float32)

    conv("root_block", 7, 7, 3, STEM)
    cin = STEM
    for b, (n_units, mid) in enumerate(zip(UNITS, MIDS), start=1):
        for u in range(1, n_units + 1):
            p = f"block{b}/unit{u:02d}"
            gn(f"{p}/a", cin)
            conv(f"{p}/a", 1, 1, cin, mid)
            if u == 1:
                conv(f"{p}/a/proj", 1, 1, cin, 4 * mid)
            gn(f"{p}/b", mid)
            conv(f"{p}/b", 3, 3, mid, mid)
            gn(f"{p}/c", mid)
            conv(f"{p}/c", 1, 1, mid, 4 * mid)
            cin = 4 * mid
    w["resnet/group_norm/gamma"] = (1 + 0.2 * rng.normal(size=cin)).astype(np.float32)
    w["resnet/group_norm/beta"] = (0.2 * rng.normal(size=cin)).astype(np.float32)
    w["resnet/head/conv2d/kernel"] = (0.05 * rng.normal(size=(1, 1, cin, NUM_CLASSES))).astype(np.float32)
    w["resnet/head/conv2d/bias"] = (0.1 * rng.normal(size=NUM_CLASSES)).astype(np.float32)
    return w


# ----------------------------------------------------------------------------- ops (float64)
def standardize(k):
    """Weight standardisation: per output channel, mean/biased var over (kh, kw, cin)."""
    mu = k.mean(axis=(0, 1, 2), keepdims=True)
    var = ((k - mu) ** 2).mean(axis=(0, 1, 2), keepdims=True)
    return (k - mu) / np.sqrt(var + WS_EPS)


def conv2d(x, k, stride=1, pad=0):
    """x: (N,H,W,Cin), k: (kh,kw,Cin,Cout); symmetric zero padding, then VALID conv."""
    kh, kw, _, cout = k.shape
    x = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    n, hp, wp, _ = x.shape
    ho, wo = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    y = np.zeros((n, ho, wo, cout))
    for i in range(kh):
        for j in range(kw):
            win = x[:, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride, :]
            y += np.einsum("nhwc,co->nhwo", win, k[i, j])
    return y


def group_norm(x, gamma, beta, groups=GROUPS):
    """Per sample and contiguous channel group; biased variance; eps inside sqrt."""
    n, h, w, c = x.shape
    xg = x.reshape(n, h, w, groups, c // groups)
    mu = xg.mean(axis=(1, 2, 4), keepdims=True)
    var = ((xg - mu) ** 2).mean(axis=(1, 2, 4), keepdims=True)
    xg = (xg - mu) / np.sqrt(var + GN_EPS)
    return xg.reshape(n, h, w, c) * gamma + beta


def relu(x):
    return np.maximum(x, 0.0)


def max_pool_zero_pad(x):
    """Zero padding of 1 (value 0.0, not -inf), then 3x3 max-pool stride 2 VALID."""
    x = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    ho, wo = (x.shape[1] - 3) // 2 + 1, (x.shape[2] - 3) // 2 + 1
    y = np.full((x.shape[0], ho, wo, x.shape[3]), -np.inf)
    for i in range(3):
        for j in range(3):
            y = np.maximum(y, x[:, i:i + 2 * (ho - 1) + 1:2, j:j + 2 * (wo - 1) + 1:2, :])
    return y


def unit(x, w, prefix, stride, has_proj):
    """Pre-activation bottleneck unit."""
    g = lambda name: w[f"{prefix}/{name}"]
    k = lambda name: standardize(w[f"{prefix}/{name}/standardized_conv2d/kernel"])
    p = relu(group_norm(x, g("a/group_norm/gamma"), g("a/group_norm/beta")))
    shortcut = conv2d(p, k("a/proj"), stride=stride) if has_proj else x
    h = conv2d(p, k("a"))
    h = conv2d(relu(group_norm(h, g("b/group_norm/gamma"), g("b/group_norm/beta"))), k("b"), stride=stride, pad=1)
    h = conv2d(relu(group_norm(h, g("c/group_norm/gamma"), g("c/group_norm/beta"))), k("c"))
    return h + shortcut


def forward(x, w32, trace=None):
    """Returns (logits, features), both float64."""
    w = {key: v.astype(np.float64) for key, v in w32.items()}
    x = x.astype(np.float64)
    x = conv2d(x, standardize(w["resnet/root_block/standardized_conv2d/kernel"]), stride=2, pad=3)
    if trace is not None: trace.append(("stem", x.shape))
    x = max_pool_zero_pad(x)
    if trace is not None: trace.append(("pool", x.shape))
    for b, n_units in enumerate(UNITS, start=1):
        for u in range(1, n_units + 1):
            stride = 2 if (u == 1 and b > 1) else 1
            x = unit(x, w, f"resnet/block{b}/unit{u:02d}", stride, has_proj=(u == 1))
        if trace is not None: trace.append((f"block{b}", x.shape))
    x = relu(group_norm(x, w["resnet/group_norm/gamma"], w["resnet/group_norm/beta"]))
    features = x.mean(axis=(1, 2))
    logits = features @ w["resnet/head/conv2d/kernel"][0, 0] + w["resnet/head/conv2d/bias"]
    return logits, features


# ----------------------------------------------------------------------------- self-checks
def naive_conv(x, k, stride, pad):
    kh, kw, cin, cout = k.shape
    n, h, wd, _ = x.shape
    ho, wo = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, ho, wo, cout))
    for b in range(n):
        for oy in range(ho):
            for ox in range(wo):
                for o in range(cout):
                    s = 0.0
                    for i in range(kh):
                        for j in range(kw):
                            iy, ix = oy * stride + i - pad, ox * stride + j - pad
                            if 0 <= iy < h and 0 <= ix < wd:
                                for c in range(cin):
                                    s += x[b, iy, ix, c] * k[i, j, c, o]
                    y[b, oy, ox, o] = s
    return y


def naive_group_norm(x, gamma, beta, groups):
    y = np.empty_like(x)
    cg = x.shape[3] // groups
    for b in range(x.shape[0]):
        for g in range(groups):
            blk = x[b, :, :, g * cg:(g + 1) * cg]
            m = blk.sum() / blk.size
            v = ((blk - m) ** 2).sum() / blk.size
            for c in range(g * cg, (g + 1) * cg):
                y[b, :, :, c] = gamma[c] * (x[b, :, :, c] - m) / np.sqrt(v + GN_EPS) + beta[c]
    return y


def self_check(rng):
    x = rng.normal(size=(2, 7, 6, 3))
    for (kh, stride, pad) in [(3, 1, 1), (3, 2, 1), (1, 2, 0), (7, 2, 3), (1, 1, 0)]:
        k = rng.normal(size=(kh, kh, 3, 4))
        assert np.allclose(conv2d(x, k, stride, pad), naive_conv(x, k, stride, pad), rtol=0, atol=1e-12), (kh, stride, pad)
    x = rng.normal(size=(2, 3, 5, 8)) * 3 + 1
    gamma, beta = rng.normal(size=8), rng.normal(size=8)
    assert np.allclose(group_norm(x, gamma, beta, 4), naive_group_norm(x, gamma, beta, 4), rtol=0, atol=1e-12)
    k = rng.normal(size=(3, 3, 5, 4)) + 2
    ks = standardize(k)
    for o in range(4):
        assert abs(ks[..., o].mean()) < 1e-12 and abs(ks[..., o].std() - 1) < 1e-9
    # zero-padded pool: an all-negative input must give 0 at borders, the true max inside
    neg = -1 - rng.random(size=(1, 5, 5, 1))
    pooled = max_pool_zero_pad(neg)
    assert pooled.shape == (1, 3, 3, 1) and pooled[0, 0, 0, 0] == 0.0 and pooled[0, 1, 1, 0] == neg[0, 1:4, 1:4, 0].max()


# ----------------------------------------------------------------------------- main
def main():
    rng = np.random.default_rng(SEED)
    weights = make_weights(rng)
    images = rng.uniform(-1.0, 1.0, size=(3, 37, 37, 3)).astype(np.float32)
    self_check(np.random.default_rng(SEED + 1))

    trace = []
    logits, features = forward(images, weights, trace)
    expected = [("stem", (3, 19, 19, 8)), ("pool", (3, 10, 10, 8)), ("block1", (3, 10, 10, 32)),
                ("block2", (3, 5, 5, 64)), ("block3", (3, 3, 3, 128)), ("block4", (3, 2, 2, 256))]
    assert trace == expected, trace
    assert logits.shape == (3, NUM_CLASSES) and features.shape == (3, 256)
    # batch independence (GN has no cross-sample statistics)
    single, _ = forward(images[1:2], weights)
    assert np.allclose(single[0], logits[1], rtol=0, atol=1e-12)

    path = lambda name: os.path.join(OUT_DIR, name)
    np.savez(path("tiny-bit.npz"), **weights)
    np.savez_compressed(path("tiny-bit-deflated.npz"), **weights)
    np.save(path("input.npy"), images)
    np.save(path("logits.npy"), logits)
    np.save(path("features.npy"), features)

    # read everything back
    n_keys = 1 + 9 * sum(UNITS) + len(UNITS) + 2 + 2   # stem + 9/unit + 4 proj + final GN + head
    for name, method in [("tiny-bit.npz", zipfile.ZIP_STORED), ("tiny-bit-deflated.npz", zipfile.ZIP_DEFLATED)]:
        with zipfile.ZipFile(path(name)) as z:
            assert all(info.compress_type == method for info in z.infolist()), name
        with np.load(path(name)) as f:
            assert sorted(f.files) == sorted(weights) and len(f.files) == n_keys
            assert all(k.startswith("resnet/") for k in f.files)
            for key, v in weights.items():
                assert f[key].dtype == np.float32 and f[key].shape == v.shape
                assert np.array_equal(f[key], v)
    assert weights["resnet/block1/unit02/a/group_norm/gamma"].shape == (32,)
    assert "resnet/block1/unit02/a/proj/standardized_conv2d/kernel" not in weights
    assert np.load(path("logits.npy")).dtype == np.float64

    print(f"keys: {len(weights)}")
    for key, v in weights.items():
        print(f"  {key:60s} {v.shape}")
    for name, shape in trace:
        print(f"{name:7s} {shape}")
    print(f"input {images.shape} {images.dtype}, features {features.shape}, logits {logits.shape}")
    np.set_printoptions(precision=17, floatmode="unique")
    print("logits:\n", logits)


if __name__ == "__main__":
    main()
