#!/usr/bin/env python3
"""Compares two float outputs of a quantized model in quantization steps:

    steps.py actual.npy expected.npy scale

Prints `max N steps, M of T elements differ` where a step is `scale` (the
output's quantization scale) and the difference of each element is rounded
to whole steps (both outputs are dequantized integers). Used by the
qnn-adopt-qdq end-to-end tests.
"""
import sys

import numpy as np

a = np.load(sys.argv[1]).astype(np.float64)
b = np.load(sys.argv[2]).astype(np.float64)
scale = float(np.float32(sys.argv[3]))
if a.shape != b.shape:
    sys.exit(f"steps.py: shapes differ: {a.shape} vs {b.shape}")
steps = np.rint(np.abs(a - b) / scale).astype(np.int64)
print(f"max {steps.max()} steps, {np.count_nonzero(steps)} of {steps.size} "
      "elements differ")
