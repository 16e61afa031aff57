#!/usr/bin/env python3
"""Regenerates properties.json in this folder (read by Tests/ImagingTests/ImagePropertiesTests.swift).

Regenerate from the repository root with:

    python3 Tests/ImagingTests/Fixtures/properties/make_properties_fixtures.py

Needs numpy only (CI never runs this script). The expected properties are computed here with NumPy from the
definitions ImageProperties.swift documents, on small seeded synthetic images (written out as pixels) and on a few
real images of the embedded malaria sample, which this script decodes with its own zlib-only PNG reader (they are
8-bit RGB, not interlaced), independently of libpng.
"""

import json
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REAL_IMAGES = [
    "Specs/data/malaria-sample/Parasitized/C100P61ThinF_IMG_20150918_144104_cell_165.png",
    "Specs/data/malaria-sample/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_139.png",
    "Specs/data/malaria-sample/Uninfected/C100P61ThinF_IMG_20150918_144104_cell_65.png",
]
rng = np.random.default_rng(20261206)


def read_png(path):
    """8-bit RGB, non-interlaced PNG to a (height, width, 3) uint8 array, with nothing but zlib."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert (depth, colour, interlace) == (8, 2, 0), (path, header)
    raw = zlib.decompress(idat)
    stride = width * 3
    out = np.zeros((height, stride), dtype=np.int64)
    previous = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)], dtype=np.uint8).astype(np.int64)
        row = np.zeros(stride, dtype=np.int64)
        for i in range(stride):
            a = row[i - 3] if i >= 3 else 0
            b = previous[i]
            c = previous[i - 3] if i >= 3 else 0
            if kind == 0:
                predictor = 0
            elif kind == 1:
                predictor = a
            elif kind == 2:
                predictor = b
            elif kind == 3:
                predictor = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            row[i] = (line[i] + predictor) & 0xFF
        out[y] = row
        previous = row
    return out.reshape(height, width, 3).astype(np.uint8)


def properties(pixels):
    rgb = pixels.astype(np.float64)
    luma = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    largest = rgb.max(axis=2)
    smallest = rgb.min(axis=2)
    saturation = np.where(largest > 0, (largest - smallest) / np.where(largest > 0, largest, 1), 0)
    height, width = luma.shape
    if width >= 3 and height >= 3:
        laplacian = (luma[1:-1, :-2] + luma[1:-1, 2:] + luma[:-2, 1:-1] + luma[2:, 1:-1] - 4 * luma[1:-1, 1:-1])
        sharpness = float(laplacian.var())
    else:
        sharpness = None
    return {"brightness": float(luma.mean()), "contrast": float(luma.std()),
            "red_mean": float(rgb[..., 0].mean()), "green_mean": float(rgb[..., 1].mean()),
            "blue_mean": float(rgb[..., 2].mean()), "saturation": float(saturation.mean()),
            "sharpness": sharpness, "width": width, "height": height}


def synthetic(name, pixels):
    pixels = np.asarray(pixels, dtype=np.uint8)
    return {"name": name, "width": pixels.shape[1], "height": pixels.shape[0],
            "pixels": pixels.reshape(-1).tolist(), **properties(pixels)}


def main():
    y, x = np.mgrid[0:12, 0:16]
    gradient = np.stack([x * 15, y * 20, 255 - x * 10], axis=2) + rng.integers(0, 20, (12, 16, 3))
    blurred = gradient.astype(float)
    blurred[1:-1, 1:-1] = (blurred[:-2, 1:-1] + blurred[2:, 1:-1] + blurred[1:-1, :-2] + blurred[1:-1, 2:]) / 4
    cases = [
        synthetic("random 7x5", rng.integers(0, 256, (5, 7, 3))),
        synthetic("gradient with noise 16x12", np.clip(gradient, 0, 255)),
        synthetic("the same, smoothed", np.clip(np.round(blurred), 0, 255)),
        synthetic("grey 4x4", np.repeat(rng.integers(0, 256, (4, 4, 1)), 3, axis=2)),
        synthetic("black and white 3x3", [[[0, 0, 0], [255, 255, 255], [0, 0, 0]]] * 3),
        synthetic("pure colours 2x9, no interior", rng.choice([0, 255], (9, 2, 3))),
        synthetic("one pixel", [[[10, 200, 30]]]),
    ]
    real = [{"path": path, **properties(read_png(os.path.join(REPOSITORY, path)))} for path in REAL_IMAGES]
    with open(os.path.join(HERE, "properties.json"), "w") as f:
        json.dump({"synthetic": cases, "real": real}, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
