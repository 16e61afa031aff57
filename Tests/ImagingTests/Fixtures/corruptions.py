#!/usr/bin/env python3
"""Computes the pixels CorruptionFixtureTests pins, from docs/robustness.md's definitions,
written again here in Python/NumPy without looking at the Swift loops' memory layout.

    python3 Tests/ImagingTests/Fixtures/corruptions.py

prints the Swift table of expected pixels (paste it into CorruptionFixtureTests.swift) and
checks the blurs against SciPy's own filters, an implementation we did not write.

Bit-exactness: every step is IEEE double arithmetic in the same order as the definition, and
exp, log, sin and cos are PortableMath's (Sources/Imaging/Corruptions/PortableMath.swift),
written again below from basic operations, never the C library's or NumPy's (which may differ
in the last bit between machines).
"""

import bisect
import math
import struct

import numpy as np
import scipy.ndimage
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Fixtures"))
from splitmix64 import MASK, SplitMix64 as SharedSplitMix64  # noqa: E402  (Tests/Fixtures/splitmix64.py)

W, H = 40, 32
SEED = 2024
POSITIONS = [(0, 0), (7, 3), (20, 16), (39, 31), (13, 29)]
SEVERITIES = [1, 3, 5]

# The numbers of Sources/Imaging/Corruptions/CorruptionParameters.swift.
PARAMETERS = {
    "gaussian_noise": [0.08, 0.12, 0.18, 0.26, 0.38],
    "shot_noise": [60, 25, 12, 5, 3],
    "gaussian_blur": [0.01, 0.02, 0.03, 0.04, 0.05],
    "defocus_blur": [0.02, 0.03, 0.04, 0.055, 0.07],
    "pixelate": [40, 32, 24, 16, 12],
    "brightness": [0.1, 0.2, 0.3, 0.4, 0.5],
    "contrast": [0.4, 0.3, 0.2, 0.1, 0.05],
    "saturation": [0.8, 0.6, 0.4, 0.2, 0.0],
}
SHIFTS = [
    ("stain_intensity", 0.6), ("stain_intensity", 1.5), ("hue_rotation", 30.0), ("hue_rotation", -100.0),
    ("saturation", 0.5), ("saturation", 1.8), ("white_balance", 1.3),
]


LN2_HIGH = 6.93147180369123816490e-01
LN2_LOW = 1.90821492927058770002e-10
HALF_PI_HIGH = 1.57079632673412561417e+00
HALF_PI_LOW = 6.07710050650619224932e-11
INVERSE_FACTORIALS = [1.0 / float(math.factorial(n)) for n in range(18)]
INVERSE_ODDS = [1.0 / float(2 * k + 1) for k in range(12)]


def portable_exp(x):
    if x > 709.78:
        return math.inf
    if x < -745.2:
        return 0.0
    k = math.floor(x / LN2_HIGH + 0.5)
    r = (x - k * LN2_HIGH) - k * LN2_LOW
    total = INVERSE_FACTORIALS[13]
    for n in range(12, -1, -1):
        total = total * r + INVERSE_FACTORIALS[n]
    return math.ldexp(total, k)


def portable_log(x):
    m, exponent = math.frexp(x)
    m, exponent = m * 2, float(exponent - 1)
    if m > 1.4142135623730951:
        m, exponent = m / 2, exponent + 1
    s = (m - 1) / (m + 1)
    z = s * s
    total = INVERSE_ODDS[11]
    for k in range(10, -1, -1):
        total = total * z + INVERSE_ODDS[k]
    return exponent * LN2_HIGH + (exponent * LN2_LOW + 2 * s * total)


def portable_sin_cos(x):
    quadrant = math.floor(x / HALF_PI_HIGH + 0.5)
    r = (x - quadrant * HALF_PI_HIGH) - quadrant * HALF_PI_LOW
    w = -(r * r)
    sine, cosine = INVERSE_FACTORIALS[17], INVERSE_FACTORIALS[16]
    for k in range(7, -1, -1):
        sine = sine * w + INVERSE_FACTORIALS[2 * k + 1]
        cosine = cosine * w + INVERSE_FACTORIALS[2 * k]
    sine *= r
    return [(sine, cosine), (cosine, -sine), (-sine, -cosine), (-cosine, sine)][quadrant & 3]


def test_image():
    """The synthetic image both sides build: a red ramp, a green checkerboard, blue texture."""
    image = np.zeros((H, W, 3), dtype=np.int64)
    for y in range(H):
        for x in range(W):
            image[y, x] = [x * 255 // (W - 1), 200 if (x // 5 + y // 4) % 2 == 0 else 40, (x * x + 3 * y * y + 17 * x * y) % 256]
    return image


def quantise(v):
    """floor(v + 0.5) clamped to 0..255; NaN gives 0."""
    v = np.asarray(v, dtype=np.float64)
    out = np.floor(v + 0.5)
    out = np.where(v >= 255, 255, out)
    out = np.where(v >= 0, out, 0)
    return out.astype(np.int64)


class SplitMix64(SharedSplitMix64):
    def normals(self, count):
        out = []
        while len(out) < count:
            radius = math.sqrt(-2 * portable_log(self.unit()))
            sine, cosine = portable_sin_cos(2 * math.pi * self.unit())
            out.append(radius * cosine)
            if len(out) < count:
                out.append(radius * sine)
        return np.array(out)


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def noise_generator(name, severity, seed):
    by_name = SplitMix64(seed ^ fnv1a64(name))
    by_severity = SplitMix64(by_name.next() ^ severity)
    return SplitMix64(by_severity.next())


def gaussian_noise(image, sigma, rng):
    flat = image.reshape(-1).astype(np.float64)
    return quantise(flat + (255 * sigma) * rng.normals(flat.size)).reshape(image.shape)


def poisson_table(mean):
    last = int(mean + 10 * math.sqrt(mean)) + 10
    p = portable_exp(-mean)
    total = p
    table = [total]
    for k in range(1, last + 1):
        p = p * mean / k
        total += p
        table.append(total)
    return table


def shot_noise(image, photons, rng):
    tables = [poisson_table(v / 255 * photons) for v in range(256)]
    out = []
    for v in image.reshape(-1):
        table = tables[v]
        k = min(bisect.bisect_left(table, rng.unit()), len(table) - 1)
        out.append(k / photons * 255)
    return quantise(np.array(out)).reshape(image.shape)


def reflect_pad(image, pad):
    # NumPy's "symmetric" is SciPy's "reflect": the edge pixel repeated.
    return np.pad(image, ((pad, pad), (pad, pad), (0, 0)), mode="symmetric")


def gaussian_blur(image, sigma):
    radius = int(4 * sigma + 0.5)
    if radius == 0:
        return image
    exponent = -0.5 / (sigma * sigma)
    weights = [portable_exp(exponent * (k * k)) for k in range(-radius, radius + 1)]
    total = 0.0
    for w in weights:
        total += w
    weights = [w / total for w in weights[radius:]]
    padded = reflect_pad(image.astype(np.float64), radius)
    horizontal = weights[0] * padded[:, radius:radius + W, :]
    for k in range(1, radius + 1):
        horizontal += weights[k] * (padded[:, radius - k:radius - k + W, :] + padded[:, radius + k:radius + k + W, :])
    vertical = weights[0] * horizontal[radius:radius + H, :, :]
    for k in range(1, radius + 1):
        vertical += weights[k] * (horizontal[radius - k:radius - k + H, :, :] + horizontal[radius + k:radius + k + H, :, :])
    result = quantise(vertical)
    scipy_result = quantise(scipy.ndimage.gaussian_filter(image.astype(np.float64), (sigma, sigma, 0), mode="reflect", truncate=4.0))
    assert np.abs(result - scipy_result).max() <= 1, "gaussian blur disagrees with SciPy"
    return result


def defocus_kernel(radius):
    grid = [(i + 0.5) / 8 - 0.5 for i in range(8)]
    limit = radius * radius
    extent = math.ceil(radius + 0.5)
    kernel = np.zeros((2 * extent + 1, 2 * extent + 1), dtype=np.int64)
    for dy in range(-extent, extent + 1):
        for dx in range(-extent, extent + 1):
            kernel[dy + extent, dx + extent] = sum(1 for u in grid for v in grid if (dx + u) ** 2 + (dy + v) ** 2 <= limit)
    return kernel, extent


def defocus_blur(image, radius):
    kernel, extent = defocus_kernel(radius)
    total = int(kernel.sum())
    padded = reflect_pad(image, extent)
    sums = np.zeros_like(image)
    for dy in range(2 * extent + 1):
        for dx in range(2 * extent + 1):
            sums += kernel[dy, dx] * padded[dy:dy + H, dx:dx + W, :]
    result = (sums + total // 2) // total
    # SciPy's correlate sums the same integers in float64: exact, so the same means.
    scipy_sums = scipy.ndimage.correlate(image.astype(np.float64), kernel[:, :, None].astype(np.float64), mode="reflect")
    assert np.array_equal(np.rint(scipy_sums).astype(np.int64), sums), "defocus sums disagree with SciPy"
    return result


def pixelate(image, cells_across):
    shorter = min(W, H)
    cells_x = max(1, min(W, (W * cells_across + shorter // 2) // shorter))
    cells_y = max(1, min(H, (H * cells_across + shorter // 2) // shorter))
    cell_x = np.arange(W) * cells_x // W
    cell_y = np.arange(H) * cells_y // H
    out = np.zeros_like(image)
    for cy in range(cells_y):
        for cx in range(cells_x):
            block = image[np.ix_(cell_y == cy, cell_x == cx)]
            count = block.shape[0] * block.shape[1]
            mean = (block.reshape(-1, 3).sum(axis=0) + count // 2) // count
            out[np.ix_(cell_y == cy, cell_x == cx)] = mean
    return out


def brightness(image, amount):
    return quantise(image + 255 * amount)


def contrast(image, factor):
    mean = int(image.sum()) / image.size
    return quantise((image - mean) * factor + mean)


def saturation(image, factor):
    r, g, b = (image[..., i].astype(np.float64) for i in range(3))
    grey = 0.299 * r + 0.587 * g + 0.114 * b
    return np.stack([quantise(grey + (c - grey) * factor) for c in (r, g, b)], axis=-1)


def stain_intensity(image, factor):
    lookup = np.array([0] + [quantise(255 * portable_exp(-(factor * -portable_log(v / 255)))) for v in range(1, 256)])
    return lookup[image]


def hue_rotation(image, degrees):
    sine, cosine = portable_sin_cos(math.fmod(degrees, 360.0) * math.pi / 180)
    shared, turn = (1 - cosine) / 3, sine / math.sqrt(3.0)
    a, b, c = cosine + shared, shared - turn, shared + turn
    r, g, bl = (image[..., i].astype(np.float64) for i in range(3))
    return np.stack([quantise(a * r + b * g + c * bl), quantise(c * r + a * g + b * bl), quantise(b * r + c * g + a * bl)], axis=-1)


def white_balance(image, t):
    gains = np.array([t, 1.0, 1 / t])
    return quantise(image * gains)


def corrupt(image, name, severity):
    value = PARAMETERS[name][severity - 1]
    shorter = float(min(W, H))
    if name == "gaussian_noise":
        return gaussian_noise(image, value, noise_generator(name, severity, SEED))
    if name == "shot_noise":
        return shot_noise(image, value, noise_generator(name, severity, SEED))
    if name == "gaussian_blur":
        return gaussian_blur(image, value * shorter)
    if name == "defocus_blur":
        return defocus_blur(image, value * shorter)
    if name == "pixelate":
        return pixelate(image, int(value))
    return {"brightness": brightness, "contrast": contrast, "saturation": saturation}[name](image, value)


def shift(image, name, amount):
    return {"stain_intensity": stain_intensity, "hue_rotation": hue_rotation, "saturation": saturation,
            "white_balance": white_balance}[name](image, amount)


def pixels(image):
    return ", ".join("[%d, %d, %d]" % tuple(int(v) for v in image[y, x]) for x, y in POSITIONS)


def checksum(image):
    """Σ (i mod 251 + 1)·sample over the samples in memory order: any single changed sample shows."""
    flat = image.reshape(-1).astype(np.int64)
    return int(((np.arange(flat.size) % 251 + 1) * flat).sum())


def check_portable_math():
    """The portable functions against the C library's: a few units in the last place at most."""
    rng = np.random.default_rng(1)
    for x in rng.uniform(-40, 40, 2000):
        assert abs(portable_exp(x) - math.exp(x)) <= 4 * math.ulp(math.exp(x)), x
    for x in np.concatenate([rng.uniform(1e-16, 1, 2000), rng.uniform(1, 1e6, 200)]):
        assert abs(portable_log(x) - math.log(x)) <= 4 * math.ulp(math.log(x)) + 1e-300, x
    for x in rng.uniform(-7, 7, 2000):
        sine, cosine = portable_sin_cos(x)
        assert abs(sine - math.sin(x)) <= 2e-16 and abs(cosine - math.cos(x)) <= 2e-16, x


PORTABLE_ARGUMENTS = {"exp": [-3.7, 0.5, -60.0, 12.25], "log": [0.123, 1.0 / 255, 0.9999999, 3.5],
                      "sin_cos": [5.9, -1.0, 0.7853981633974483, 3.141592653589793]}


def print_portable_values():
    print("    // Bit patterns of PortableMath's results, printed by corruptions.py.")
    for name, arguments in PORTABLE_ARGUMENTS.items():
        function = {"exp": portable_exp, "log": portable_log, "sin_cos": portable_sin_cos}[name]
        values = []
        for x in arguments:
            result = function(x)
            parts = result if isinstance(result, tuple) else (result,)
            values.append("(%r, [%s])" % (x, ", ".join("0x%016X" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in parts)))
        print("    static let %s: [(Double, [UInt64])] = [%s]" % (name.replace("_c", "C"), ", ".join(values)))


def main():
    check_portable_math()
    image = test_image()
    print("    // Corruption, severity, the pixels at `positions` and the checksum of the whole image (seed %d)." % SEED)
    print("    static let corrupted: [(String, Int, [[UInt8]], Int)] = [")
    for name in PARAMETERS:
        for severity in SEVERITIES:
            corrupted = corrupt(image, name, severity)
            print('        ("%s", %d, [%s], %d),' % (name, severity, pixels(corrupted), checksum(corrupted)))
    print("    ]")
    print("    static let shifted: [(String, Double, [[UInt8]], Int)] = [")
    for name, amount in SHIFTS:
        shifted = shift(image, name, amount)
        print('        ("%s", %r, [%s], %d),' % (name, amount, pixels(shifted), checksum(shifted)))
    print("    ]")
    print_portable_values()


if __name__ == "__main__":
    main()
