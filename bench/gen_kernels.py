#!/usr/bin/python3
"""Writes the kernel microbenchmarks as qnn modules with random constant
weights, plus their inputs:

  conv_f32.mlir / conv_i8.mlir      3x3 conv 64->64 on 1x56x56x64, padding 1
                                    (im2col shape M=3136, N=64, K=576)
  matmul_f32.mlir / matmul_i8.mlir  512x512 input times 512x512 weights
                                    (qnn.dense, 512^3 MACs)
  <name>.x.npy                      the input

The int8 kernels are quantized the way qnn-quantize writes layers:
asymmetric int8 activations, symmetric per-channel int8 weights, int32 bias,
requantized to int8 (the requantization runs in the same kernel).

  gen_kernels.py OUT_DIR
"""

import os
import sys

import numpy as np


def hex_dense(a, type_str):
    return 'dense<"0x%s"> : %s' % (a.tobytes().hex().upper(), type_str)


def tensor(shape, elem):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elem])


def conv(out, quant, rng):
    n, h, w, c, o, k = 1, 56, 56, 64, 64, 3
    xs, os_ = [n, h, w, c], [n, h, w, o]
    ws = [o, k, k, c]
    attrs = "{padding = array<i64: 1, 1, 1, 1>}"
    if not quant:
        x = rng.standard_normal(xs).astype("f4")
        wt = (rng.standard_normal(ws) / np.sqrt(k * k * c)).astype("f4")
        b = rng.standard_normal(o).astype("f4")
        body = (
            "  %%w = arith.constant %s\n" % hex_dense(wt, tensor(ws, "f32")) +
            "  %%b = arith.constant %s\n" % hex_dense(b, tensor([o], "f32")) +
            "  %%y = qnn.conv2d %%x, %%w, %%b %s : (%s, %s, %s) -> %s\n" %
            (attrs, tensor(xs, "f32"), tensor(ws, "f32"), tensor([o], "f32"),
             tensor(os_, "f32")))
        sig = tensor(xs, "f32"), tensor(os_, "f32")
    else:
        x = rng.integers(-128, 128, xs, dtype="i1")
        wt = rng.integers(-127, 128, ws, dtype="i1")
        in_t = "!quant.uniform<i8:f32, 0.05:-3>"
        scales = [0.002 + 0.001 * (i % 7) for i in range(o)]
        w_t = "!quant.uniform<i8:f32:0, {%s}>" % ", ".join(
            "%g" % s for s in scales)
        b_t = "!quant.uniform<i32:f32:0, {%s}>" % ", ".join(
            "%g" % (0.05 * s) for s in scales)
        out_t = "!quant.uniform<i8:f32, 0.25:5>"
        b = rng.integers(-20000, 20000, o, dtype="i4")
        body = (
            "  %%wc = arith.constant %s\n" % hex_dense(wt, tensor(ws, "i8")) +
            "  %%w = quant.scast %%wc : %s to %s\n" %
            (tensor(ws, "i8"), tensor(ws, w_t)) +
            "  %%bc = arith.constant %s\n" % hex_dense(b, tensor([o], "i32")) +
            "  %%b = quant.scast %%bc : %s to %s\n" %
            (tensor([o], "i32"), tensor([o], b_t)) +
            "  %%y = qnn.conv2d %%x, %%w, %%b %s : (%s, %s, %s) -> %s\n" %
            (attrs, tensor(xs, in_t), tensor(ws, w_t), tensor([o], b_t),
             tensor(os_, out_t)))
        sig = tensor(xs, in_t), tensor(os_, out_t)
    write(out, "conv_i8" if quant else "conv_f32", sig, body, x)


def matmul(out, quant, rng):
    m = n = k = 512
    xs, ws, os_ = [m, k], [n, k], [m, n]
    if not quant:
        x = rng.standard_normal(xs).astype("f4")
        wt = (rng.standard_normal(ws) / np.sqrt(k)).astype("f4")
        body = (
            "  %%w = arith.constant %s\n" % hex_dense(wt, tensor(ws, "f32")) +
            "  %%y = qnn.dense %%x, %%w : (%s, %s) -> %s\n" %
            (tensor(xs, "f32"), tensor(ws, "f32"), tensor(os_, "f32")))
        sig = tensor(xs, "f32"), tensor(os_, "f32")
    else:
        x = rng.integers(-128, 128, xs, dtype="i1")
        wt = rng.integers(-127, 128, ws, dtype="i1")
        in_t = "!quant.uniform<i8:f32, 0.05:-3>"
        w_t = "!quant.uniform<i8:f32, 0.003>"
        out_t = "!quant.uniform<i8:f32, 0.5:2>"
        body = (
            "  %%wc = arith.constant %s\n" % hex_dense(wt, tensor(ws, "i8")) +
            "  %%w = quant.scast %%wc : %s to %s\n" %
            (tensor(ws, "i8"), tensor(ws, w_t)) +
            "  %%y = qnn.dense %%x, %%w : (%s, %s) -> %s\n" %
            (tensor(xs, in_t), tensor(ws, w_t), tensor(os_, out_t)))
        sig = tensor(xs, in_t), tensor(os_, out_t)
    write(out, "matmul_i8" if quant else "matmul_f32", sig, body, x)


def write(out, name, sig, body, x):
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("func.func @main(%%x: %s) -> %s {\n" % sig)
        f.write(body)
        f.write("  return %%y : %s\n}\n" % sig[1])
    np.save(os.path.join(out, name + ".x.npy"), x)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_kernels.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    for quant in (False, True):
        conv(out, quant, rng)
        matmul(out, quant, rng)


if __name__ == "__main__":
    main()
