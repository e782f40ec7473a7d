#!/usr/bin/env python3
"""Writes qdq-cnn.onnx, the already-quantized (QDQ) model of the
qnn-adopt-qdq end-to-end test (test/Execution/adopt-qdq-onnx.test):

    /usr/bin/python3 make_qdq_cnn.py [out.onnx]
    /usr/bin/python3 make_qdq_cnn.py --residual [qdq-residual.onnx]
    /usr/bin/python3 make_qdq_cnn.py --gap [qdq-gap.onnx]
    /usr/bin/python3 make_qdq_cnn.py --avgpool [qdq-avgpool.onnx]
    /usr/bin/python3 make_qdq_cnn.py --constants [qdq-constants.onnx]
    /usr/bin/python3 make_qdq_cnn.py --float-tail [qdq-float-tail.onnx]
    /usr/bin/python3 make_qdq_cnn.py --float-constant [qdq-float-constant.onnx]

The layout ONNX Runtime's static quantizer writes (QuantFormat.QDQ): uint8
activations, int8 weights (per channel for the first conv and the Gemm, per
tensor for the second conv, which has one weight of -128), int32 biases of
scale x_scale * w_scale, and a QuantizeLinear -> DequantizeLinear pair after
every op:

    X -> Q/DQ -> Conv(3->8, per-channel w, bias) -> Q/DQ -> Relu -> Q/DQ
      -> MaxPool 2x2 -> Q/DQ -> Conv(8->4, per-tensor w, no bias) -> Q/DQ
      (int8, zero point 5) -> Flatten -> Q/DQ -> Gemm(64->10, per-channel w,
      bias) -> Q/DQ -> Y; Sigmoid(Y) -> Y2 (left float: no Q/DQ)

The activation scales come from the float model on random inputs (min/max,
as a calibrator would); the weights are random. Deterministic for a given
numpy/onnx version.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)


def conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, o, h, wd), np.float64)
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,oc->nohw", xp[:, :, i:i + h, j:j + wd],
                             w[:, :, i, j])
    return out + (0 if b is None else b[None, :, None, None])


def act_params(t, dtype):
    """Asymmetric uint8 / int8 parameters covering t and 0."""
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    qmin, qmax = (0, 255) if dtype == np.uint8 else (-128, 127)
    scale = np.float32((hi - lo) / (qmax - qmin))
    zp = int(np.clip(round(qmin - lo / float(scale)), qmin, qmax))
    return scale, dtype(zp)


def fake(t, scale, zp):
    info = np.iinfo(type(zp))
    q = np.clip(np.round(t / scale) + int(zp), info.min, info.max)
    return (q - int(zp)) * float(scale)


def sym_weights(w, axis):
    """Symmetric int8 weights, per output channel (axis) or per tensor."""
    if axis is None:
        s = np.float32(np.abs(w).max() / 127.0)
        return np.clip(np.round(w / s), -128, 127).astype(np.int8), s
    red = tuple(d for d in range(w.ndim) if d != axis)
    s = (np.abs(w).max(axis=red) / 127.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    return (np.clip(np.round(w / s.reshape(shape)), -127, 127).astype(np.int8),
            s)


class QDQGraph:
    """The initializers and nodes of a QDQ model being built."""

    def __init__(self):
        self.inits, self.nodes = [], []

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def qdq(self, src, name, scale, zp):
        """A QuantizeLinear -> DequantizeLinear pair on `src`."""
        s = self.const(name + "_scale", np.float32(scale))
        z = self.const(name + "_zp", zp)
        self.nodes.append(helper.make_node("QuantizeLinear", [src, s, z],
                                           [name + "_q"], name=name + "_Q"))
        self.nodes.append(helper.make_node(
            "DequantizeLinear", [name + "_q", s, z], [name + "_dq"],
            name=name + "_DQ"))
        return name + "_dq"

    def dq_const(self, name, q, scale, axis=None):
        """A DequantizeLinear of the integer constant `q` (zero points 0)."""
        attrs = {} if axis is None else {"axis": axis}
        zp = np.zeros(np.shape(scale), q.dtype)
        self.nodes.append(helper.make_node(
            "DequantizeLinear",
            [self.const(name + "_q", q), self.const(name + "_scale", scale),
             self.const(name + "_zp", zp)], [name], name=name + "_DQ", **attrs))
        return name

    def save(self, name, inputs, outputs, out):
        graph = helper.make_graph(self.nodes, name, inputs, outputs,
                                  self.inits)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 13)],
            producer_name="qmlir make_qdq_cnn.py")
        model.ir_version = 7
        onnx.checker.check_model(model)
        onnx.save(model, out)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "qdq-cnn.onnx"
    x = rng.uniform(-1.0, 1.0, (16, 3, 8, 8)).astype(np.float32)
    w1 = rng.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.2, 8).astype(np.float32)
    w2 = rng.normal(0, 0.15, (4, 8, 3, 3)).astype(np.float32)
    w3 = rng.normal(0, 0.2, (10, 64)).astype(np.float32)
    b3 = rng.normal(0, 0.1, 10).astype(np.float32)

    q1, s1 = sym_weights(w1, 0)
    q2, s2 = sym_weights(w2, None)
    q2.flat[5] = -128  # the full int8 range, which symmetric requantization
    q3, s3 = sym_weights(w3, 0)  # would clamp to -127

    # Activation parameters from the float model with the quantized weights.
    xs, xz = act_params(x, np.uint8)
    xf = fake(x, xs, xz)
    bq1 = np.round(b1 / (xs * s1)).astype(np.int32)
    c1 = conv2d(xf, q1 * s1[:, None, None, None], bq1 * (xs * s1), 1)
    c1s, c1z = act_params(c1, np.uint8)
    r1 = np.maximum(fake(c1, c1s, c1z), 0)
    r1s, r1z = act_params(r1, np.uint8)
    r1 = fake(r1, r1s, r1z)
    p1 = r1.reshape(16, 8, 4, 2, 4, 2).max(axis=(3, 5))
    c2 = conv2d(p1, q2 * s2, None, 1)
    c2s, _ = act_params(c2, np.int8)
    c2z = np.int8(5)
    flat = fake(c2, c2s, c2z).reshape(16, 64)
    bq3 = np.round(b3 / (c2s * s3)).astype(np.int32)
    y = flat @ (q3 * s3[:, None]).T + bq3 * (c2s * s3)
    ys, yz = act_params(y, np.uint8)

    g = QDQGraph()
    const, qdq, dq_const, nodes = g.const, g.qdq, g.dq_const, g.nodes

    xd = qdq("X", "x", xs, xz)
    w1d = dq_const("w1", q1, s1, 0)
    b1d = dq_const("b1", bq1, (xs * s1).astype(np.float32), 0)
    nodes.append(helper.make_node("Conv", [xd, w1d, b1d], ["c1"], name="conv1",
                                  pads=[1, 1, 1, 1]))
    c1d = qdq("c1", "c1", c1s, c1z)
    nodes.append(helper.make_node("Relu", [c1d], ["r1"], name="relu1"))
    r1d = qdq("r1", "r1", r1s, r1z)
    nodes.append(helper.make_node("MaxPool", [r1d], ["p1"], name="pool1",
                                  kernel_shape=[2, 2], strides=[2, 2]))
    p1d = qdq("p1", "p1", r1s, r1z)
    w2d = dq_const("w2", q2, s2)
    nodes.append(helper.make_node("Conv", [p1d, w2d], ["c2"], name="conv2",
                                  pads=[1, 1, 1, 1]))
    c2d = qdq("c2", "c2", c2s, c2z)
    nodes.append(helper.make_node("Flatten", [c2d], ["f"], name="flatten"))
    fd = qdq("f", "f", c2s, c2z)
    w3d = dq_const("w3", q3, s3, 0)
    b3d = dq_const("b3", bq3, (c2s * s3).astype(np.float32), 0)
    nodes.append(helper.make_node("Gemm", [fd, w3d, b3d], ["g"], name="fc",
                                  transB=1))
    yd = qdq("g", "y", ys, yz)
    nodes.append(helper.make_node("Identity", [yd], ["Y"], name="out"))
    nodes.append(helper.make_node("Sigmoid", [yd], ["Y2"], name="sigmoid"))

    g.save("qdq_cnn",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 8, 8])],
           [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 10]),
            helper.make_tensor_value_info("Y2", TensorProto.FLOAT, ["N", 10])],
           out)

def residual(out):
    """qdq-residual.onnx: two convs of the same input added (an integer add
    of two quantized tensors, as ONNX Runtime's QLinearAdd), in QDQ form."""
    x = rng.uniform(-1.0, 1.0, (16, 3, 6, 6)).astype(np.float32)
    wa = rng.normal(0, 0.4, (4, 3, 1, 1)).astype(np.float32)
    wb = rng.normal(0, 0.2, (4, 3, 3, 3)).astype(np.float32)
    qa, sa = sym_weights(wa, 0)
    qb, sb = sym_weights(wb, 0)
    xs, xz = act_params(x, np.uint8)
    xf = fake(x, xs, xz)
    a = conv2d(xf, qa * sa[:, None, None, None], None, 0)
    b = conv2d(xf, qb * sb[:, None, None, None], None, 1)
    as_, az = act_params(a, np.uint8)
    bs, bz = act_params(b, np.uint8)
    s = fake(a, as_, az) + fake(b, bs, bz)
    ss, sz = act_params(s, np.uint8)
    g = QDQGraph()
    const, qdq, nodes = g.const, g.qdq, g.nodes

    def dq_const(name, q, scale):
        return g.dq_const(name, q, scale, axis=0)

    xd = qdq("X", "x", xs, xz)
    nodes.append(helper.make_node("Conv", [xd, dq_const("wa", qa, sa)], ["a"],
                                  name="conv_a"))
    nodes.append(helper.make_node("Conv", [xd, dq_const("wb", qb, sb)], ["b"],
                                  name="conv_b", pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Add", [qdq("a", "a", as_, az),
                                          qdq("b", "b", bs, bz)], ["s"],
                                  name="add"))
    nodes.append(helper.make_node("Identity", [qdq("s", "s", ss, sz)], ["Y"],
                                  name="out"))
    g.save("qdq_residual",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 6, 6])],
           [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                          ["N", 4, 6, 6])], out)
    print(f"{out}: output scale {float(ss)!r}")


def gap(out):
    """qdq-gap.onnx: a quantized conv + relu, then GlobalAveragePool whose
    output has its own (finer) scale, as ONNX Runtime's quantizer gives it
    (ONNX Runtime runs it as QLinearGlobalAveragePool)."""
    x = rng.uniform(-1.0, 1.0, (16, 3, 8, 8)).astype(np.float32)
    w = rng.normal(0, 0.4, (6, 3, 3, 3)).astype(np.float32)
    qw, sw = sym_weights(w, 0)
    xs, xz = act_params(x, np.uint8)
    xf = fake(x, xs, xz)
    c = np.maximum(conv2d(xf, qw * sw[:, None, None, None], None, 1), 0)
    cs, cz = act_params(c, np.uint8)
    g = fake(c, cs, cz).mean(axis=(2, 3), keepdims=True)
    gs, gz = act_params(g, np.uint8)
    g = QDQGraph()
    const, qdq, nodes = g.const, g.qdq, g.nodes

    wq = const("w_q", qw)
    nodes.append(helper.make_node(
        "DequantizeLinear", [wq, const("w_scale", sw),
                             const("w_zp", np.zeros(sw.shape, np.int8))],
        ["w"], name="w_DQ", axis=0))
    nodes.append(helper.make_node("Conv", [qdq("X", "x", xs, xz), "w"], ["c"],
                                  name="conv", pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
    nodes.append(helper.make_node("GlobalAveragePool", [qdq("r", "r", cs, cz)],
                                  ["g"], name="gap"))
    nodes.append(helper.make_node("Identity", [qdq("g", "g", gs, gz)], ["Y"],
                                  name="out"))
    g.save("qdq_gap",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 8, 8])],
           [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                          ["N", 6, 1, 1])], out)
    print(f"{out}: pool input scale {float(cs)!r}, output scale {float(gs)!r}")


def avgpool(out):
    """qdq-avgpool.onnx: four AveragePool nodes on one quantized input
    (uint8, zero point near 128), each with its own output scale, which
    ONNX Runtime runs as QLinearAveragePool: pads with count_include_pad 0
    and 1, and ceil_mode windows that overhang the padded input, with
    count_include_pad 0 and 1. Outputs Y0..Y3."""
    import torch
    x = rng.uniform(-1.0, 1.0, (16, 3, 8, 8)).astype(np.float32)
    xs, xz = act_params(x, np.uint8)
    xf = torch.from_numpy(fake(x, xs, xz).astype(np.float32))
    # (kernel, stride, pad, count_include_pad, ceil_mode)
    pools = [(3, 2, 1, 0, 0), (3, 2, 1, 1, 0), (3, 2, 1, 0, 1),
             (3, 2, 1, 1, 1)]
    g = QDQGraph()
    xd = g.qdq("X", "x", xs, xz)
    outputs = []
    for i, (k, s, p, cip, ceil) in enumerate(pools):
        y = torch.nn.functional.avg_pool2d(xf, k, s, p, ceil_mode=bool(ceil),
                                           count_include_pad=bool(cip))
        ys, yz = act_params(y.numpy(), np.uint8)
        g.nodes.append(helper.make_node(
            "AveragePool", [xd], [f"p{i}"], name=f"pool{i}",
            kernel_shape=[k, k], strides=[s, s], pads=[p] * 4,
            count_include_pad=cip, ceil_mode=ceil))
        g.nodes.append(helper.make_node("Identity",
                                        [g.qdq(f"p{i}", f"y{i}", ys, yz)],
                                        [f"Y{i}"], name=f"out{i}"))
        outputs.append(helper.make_tensor_value_info(
            f"Y{i}", TensorProto.FLOAT, ["N", 3] + list(y.shape[2:])))
        print(f"Y{i}: kernel {k} stride {s} pad {p} count_include_pad {cip} "
              f"ceil_mode {ceil}: output scale {float(ys)!r} "
              f"(input {float(xs)!r})")
    g.save("qdq_avgpool",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 8, 8])], outputs, out)


def constants(out):
    """qdq-constants.onnx: dequantized constants as operands of ops other
    than a layer's weights, each with its own scale and zero point (coarser
    than a calibrator would pick for its values): an Add of a per-channel
    [1, C, 1, 1] int8 constant, a Mul by a uint8 [C, 1, 1] constant, a Concat
    with a uint8 [16, 2, H, W] constant (a batch of 16), a PRelu slope [C, 1, 1]; ONNX
    Runtime runs QLinearAdd, QLinearMul, QLinearConcat and a float PRelu."""
    x = rng.uniform(-1.0, 1.0, (16, 3, 5, 5)).astype(np.float32)
    g = QDQGraph()
    xs, xz = act_params(x, np.uint8)
    t = fake(x, xs, xz)

    def dq_c(name, q, scale, zp):
        g.nodes.append(helper.make_node(
            "DequantizeLinear", [g.const(name + "_q", q),
                                 g.const(name + "_scale", np.float32(scale)),
                                 g.const(name + "_zp", zp)],
            [name], name=name + "_DQ"))
        return (q.astype(np.float64) - int(zp)) * float(np.float32(scale))

    def step(op, inputs, name, value, **attrs):
        s_, z_ = act_params(value, np.uint8)
        scales.append(s_)
        g.nodes.append(helper.make_node(op, inputs, [name], name=name,
                                        **attrs))
        return g.qdq(name, name, s_, z_), fake(value, s_, z_)

    scales = []
    cur = g.qdq("X", "x", xs, xz)
    a = dq_c("a", rng.integers(-60, 60, (1, 3, 1, 1)).astype(np.int8), 0.0113,
             np.int8(3))
    cur, t = step("Add", [cur, "a"], "add", t + a)
    m = dq_c("m", rng.integers(100, 250, (3, 1, 1)).astype(np.uint8), 0.00917,
             np.uint8(130))
    cur, t = step("Mul", [cur, "m"], "mul", t * m)
    c = dq_c("c", rng.integers(0, 255, (16, 2, 5, 5)).astype(np.uint8), 0.0071,
             np.uint8(120))
    cur, t = step("Concat", [cur, "c"], "cat", np.concatenate([t, c], 1),
                  axis=1)
    sl = dq_c("slope", rng.integers(-90, 90, (5, 1, 1)).astype(np.int8),
              0.0039, np.int8(-7))
    cur, t = step("PRelu", [cur, "slope"], "prelu",
                  np.where(t >= 0, t, t * sl))
    g.nodes.append(helper.make_node("Identity", [cur], ["Y"], name="out"))
    g.save("qdq_constants",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          [16, 3, 5, 5])],
           [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                          [16, 5, 5, 5])], out)
    print(f"{out}: output scale {float(scales[-1])!r}")


def float_tail(out):
    """qdq-float-tail.onnx: a quantized conv whose dequantized output feeds
    ops the model leaves float (no QuantizeLinear after them): a Softmax
    over the channels (Y0) and an AveragePool (Y1). ONNX Runtime runs both
    in float on the dequantized values."""
    x = rng.uniform(-1.0, 1.0, (16, 3, 6, 6)).astype(np.float32)
    w = rng.normal(0, 0.4, (5, 3, 3, 3)).astype(np.float32)
    qw, sw = sym_weights(w, 0)
    xs, xz = act_params(x, np.uint8)
    c = conv2d(fake(x, xs, xz), qw * sw[:, None, None, None], None, 1)
    cs, cz = act_params(c, np.uint8)
    g = QDQGraph()
    g.nodes.append(helper.make_node(
        "Conv", [g.qdq("X", "x", xs, xz), g.dq_const("w", qw, sw, 0)], ["c"],
        name="conv", pads=[1, 1, 1, 1]))
    cd = g.qdq("c", "c", cs, cz)
    g.nodes.append(helper.make_node("Softmax", [cd], ["Y0"], name="softmax",
                                    axis=1))
    g.nodes.append(helper.make_node("AveragePool", [cd], ["Y1"], name="pool",
                                    kernel_shape=[2, 2], strides=[2, 2]))
    g.save("qdq_float_tail",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 6, 6])],
           [helper.make_tensor_value_info("Y0", TensorProto.FLOAT,
                                          ["N", 5, 6, 6]),
            helper.make_tensor_value_info("Y1", TensorProto.FLOAT,
                                          ["N", 5, 3, 3])], out)


def float_constant(out):
    """qdq-float-constant.onnx: an Add and a Mul whose second operand is a
    plain float initializer (no DequantizeLinear), between quantized
    activations: X -> Q/DQ -> Add(b[1, C, 1, 1]) -> Q/DQ -> Mul(m[1, C, 1, 1])
    -> Q/DQ -> Y. ONNX Runtime fuses only node units whose inputs are all
    DequantizeLinear outputs, so it runs both in float (dequantized input op
    float constant) and quantizes their results with the model's
    parameters."""
    x = rng.uniform(-1.0, 1.0, (16, 3, 5, 5)).astype(np.float32)
    g = QDQGraph()
    xs, xz = act_params(x, np.uint8)
    t = fake(x, xs, xz)
    b = rng.uniform(-0.7, 0.7, (1, 3, 1, 1)).astype(np.float32)
    m = rng.uniform(0.3, 1.9, (1, 3, 1, 1)).astype(np.float32)
    cur = g.qdq("X", "x", xs, xz)
    g.nodes.append(helper.make_node("Add", [cur, g.const("b", b)], ["add"],
                                    name="add"))
    t = t + b
    s_, z_ = act_params(t, np.uint8)
    cur, t = g.qdq("add", "add", s_, z_), fake(t, s_, z_)
    g.nodes.append(helper.make_node("Mul", [cur, g.const("m", m)], ["mul"],
                                    name="mul"))
    t = t * m
    s_, z_ = act_params(t, np.uint8)
    cur = g.qdq("mul", "mul", s_, z_)
    g.nodes.append(helper.make_node("Identity", [cur], ["Y"], name="out"))
    g.save("qdq_float_constant",
           [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                          ["N", 3, 5, 5])],
           [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                          ["N", 3, 5, 5])], out)
    print(f"{out}: output scale {float(s_)!r}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--float-constant":
        float_constant(sys.argv[2] if len(sys.argv) > 2
                       else "qdq-float-constant.onnx")
    elif len(sys.argv) > 1 and sys.argv[1] == "--float-tail":
        float_tail(sys.argv[2] if len(sys.argv) > 2 else "qdq-float-tail.onnx")
    elif len(sys.argv) > 1 and sys.argv[1] == "--constants":
        constants(sys.argv[2] if len(sys.argv) > 2 else "qdq-constants.onnx")
    elif len(sys.argv) > 1 and sys.argv[1] == "--avgpool":
        avgpool(sys.argv[2] if len(sys.argv) > 2 else "qdq-avgpool.onnx")
    elif len(sys.argv) > 1 and sys.argv[1] == "--gap":
        gap(sys.argv[2] if len(sys.argv) > 2 else "qdq-gap.onnx")
    elif len(sys.argv) > 1 and sys.argv[1] == "--residual":
        residual(sys.argv[2] if len(sys.argv) > 2 else "qdq-residual.onnx")
    else:
        main()
