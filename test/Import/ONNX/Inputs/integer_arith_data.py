#!/usr/bin/env python3
"""Inputs and numpy-computed expected outputs of integer-arithmetic.onnxtxt:

    integer_arith_data.py PREFIX

writes PREFIX.<name>.npy for every graph input and output. The expected
values follow ONNX's integer semantics: wrapping uint8/int8 arithmetic,
Div truncating toward zero, Pow of int ** float via float64 truncated to the
base's type, Cast float -> int truncating.
"""
import sys

import numpy as np

prefix = sys.argv[1]
r = np.random.default_rng(3)
u = r.integers(0, 256, (6,)).astype(np.uint8)
v = r.integers(1, 256, (6,)).astype(np.uint8)
c = r.integers(-128, 128, (4,)).astype(np.int8)
p = np.array([7, -7, 7, -7], np.int32)
q = np.array([2, 2, -2, -2], np.int32)
a = (r.integers(-2**40, 2**40, (2, 3))).astype(np.int64)
b = np.array([2, 3, 5], np.int64)
f = np.array([1.5, 2.0, 3.0], np.float32)
e = np.array([2, 3, -1], np.int32)
k = np.array([[1, -2, 3], [4, 5, -6]], np.int64)

with np.errstate(over="ignore"):
    out = dict(
        UA=u + v, US=u - v, UM=u * v, UD=u // v,
        CA=c + c,
        PD=(np.abs(p) // np.abs(q) * np.sign(p) * np.sign(q)).astype(np.int32),
        AM=np.maximum(a, b),
        BP=np.power(b, f.astype(np.float64)).astype(np.int64),
        FP=np.power(f.astype(np.float64), e).astype(np.float32),
        AK=a * k,
        AF=a.astype(np.float32),
        FI=f.astype(np.int32),
    )
ins = dict(U=u, V=v, C=c, P=p, Q=q, A=a, B=b, F=f, E=e)
for name, x in list(ins.items()) + list(out.items()):
    np.save("%s.%s.npy" % (prefix, name), x)
