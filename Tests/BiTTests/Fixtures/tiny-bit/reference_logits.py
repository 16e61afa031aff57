#!/usr/bin/env python3
"""Logits of a tiny-bit-shaped checkpoint by the NumPy reference, loaded the way the official
BiT loaders load (np.load, key lookup; extra members ignored).

Usage: python3 reference_logits.py MODEL.npz INPUT.npy   (prints a JSON list of rows)
"""
import json
import sys

import numpy as np

from make_tiny_bit import forward

weights = np.load(sys.argv[1])
keys = [k for k in weights.files if k.startswith("resnet/")]
logits, _ = forward(np.load(sys.argv[2]), {k: weights[k] for k in keys})
print(json.dumps(logits.tolist()))
