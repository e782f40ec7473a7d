"""Writes a one-layer qnn module with random *constant* weights (what the fast
CPU kernels need: they pack weights at compile time) and a random input, for
tests that run the fast codegen against the reference codegen.

  python -m cgen conv PREFIX --x N,H,W,C --w O,KH,KW,CG [--stride SH,SW]
                 [--pad T,B,L,R] [--dilation DH,DW] [--groups G]
                 [--quant i8|i16] [--bias] [--then relu|clip|batchnorm]
                 [--seed S]
  python -m cgen dense PREFIX --x D0,...,K --w O,K [--quant i8] [--bias]
                 [--then relu] [--seed S]
  python -m cgen block PREFIX --x ... --w ... [conv options] --w2 O,KH,KW,CG
                 [--stride2 ..] [--pad2 ..] [--dilation2 ..] [--groups2 G]
                 [--residual] [--quant i8] [--bias] [--then relu|clip]
  python -m cgen pool PREFIX --op max|avg|global --x N,H,W,C
                 [--kernel KH,KW] [--stride SH,SW] [--pad T,B,L,R]
                 [--dilation DH,DW] [--count-include-pad] [--quant i8]
                 [--then relu] [--seed S]

writes PREFIX.mlir and PREFIX.x.npy. Quantized layers have asymmetric
activations (nonzero zero points), per-channel symmetric int8 weights, an
int32 bias and an output scale that keeps most results unsaturated.
"""
import argparse
import math
import re

import numpy as np


def ints(text):
    return [int(v) for v in text.split(",")]


def tensor(shape, elem):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elem])


def dense_attr(a, type_str):
    return 'dense<"0x%s"> : %s' % (a.tobytes().hex().upper(), type_str)


def per_axis(storage, scales):
    return "!quant.uniform<%s:f32:0, {%s}>" % (
        storage, ", ".join("%.9e" % s for s in scales))


def layer_types(args, r, k, o, s_in=None, zp_in=None):
    """Element types of input, weight, bias, output and the NumPy input
    values for the layer's quantization mode (input scale and zero point:
    the defaults, or those given)."""
    if not args.quant:
        return dict(x="f32", w="f32", b="f32", y="f32")
    bits = 16 if args.quant == "i16" else 8
    if s_in is None:
        s_in = 0.001 if bits == 16 else 0.05
        zp_in = 100 if bits == 16 else -3
    s_w = [0.002 + 0.001 * ((7 * i) % 5) for i in range(o)]
    x_lim = 700 if bits == 16 else 74
    typical = math.sqrt(k) * x_lim * 73 * s_in * float(np.mean(s_w))
    s_out = typical / 40.0
    store = "i%d" % bits
    return dict(
        x="!quant.uniform<%s:f32, %.9e:%d>" % (store, s_in, zp_in),
        w=per_axis("i8<-127:127>", s_w),
        b=per_axis("i32", [s_in * s for s in s_w]),
        y="!quant.uniform<%s:f32, %.9e:%d>" % (store, s_out, 5),
        bits=bits, s_out=s_out, zp_out=5)


def constants(args, r, types, w_shape, o):
    """Lines defining %w (and %b) and the operand list of the layer op."""
    lines = []
    if not args.quant:
        fan_in = int(np.prod(w_shape[1:]))
        w = (r.standard_normal(w_shape) / math.sqrt(fan_in)).astype("f4")
        lines.append("  %%w = arith.constant %s" %
                     dense_attr(w, tensor(w_shape, "f32")))
    else:
        w = r.integers(-127, 128, w_shape).astype("i1")
        lines.append("  %%wc = arith.constant %s" %
                     dense_attr(w, tensor(w_shape, "i8")))
        lines.append("  %%w = quant.scast %%wc : %s to %s" %
                     (tensor(w_shape, "i8"), tensor(w_shape, types["w"])))
    operands = ["%x", "%w"]
    operand_types = [None, tensor(w_shape, types["w"])]
    if args.bias:
        if not args.quant:
            b = r.standard_normal(o).astype("f4")
            lines.append("  %%b = arith.constant %s" %
                         dense_attr(b, tensor([o], "f32")))
        else:
            b = r.integers(-3000, 3001, o).astype("i4")
            lines.append("  %%bc = arith.constant %s" %
                         dense_attr(b, tensor([o], "i32")))
            lines.append("  %%b = quant.scast %%bc : %s to %s" %
                         (tensor([o], "i32"), tensor([o], types["b"])))
        operands.append("%b")
        operand_types.append(tensor([o], types["b"]))
    return lines, operands, operand_types


def then_op(args, r, y_type, y_shape, lines):
    """An elementwise op after the layer (fused into the kernel's epilogue
    by the fast codegen); returns the name of the final value."""
    if not args.then:
        return "%y"
    t = tensor(y_shape, y_type)
    if args.then == "relu":
        lines.append("  %%z = qnn.relu %%y : %s" % t)
    elif args.then == "clip":
        lines.append("  %%z = qnn.clip %%y {min = -0.5 : f32, max = 6.0 : f32}"
                     " : %s" % t)
    elif args.then == "batchnorm":
        c = y_shape[-1]
        params = []
        for name, v in (("s", r.uniform(0.5, 1.5, c)), ("bb", r.normal(0, 1, c)),
                        ("m", r.normal(0, 1, c)), ("v", r.uniform(0.5, 2, c))):
            lines.append("  %%%s = arith.constant %s" %
                         (name, dense_attr(v.astype("f4"), tensor([c], "f32"))))
            params.append("%" + name)
        lines.append("  %%z = qnn.batch_norm %%y, %s : (%s, %s) -> %s" %
                     (", ".join(params), t, ", ".join([tensor([c], "f32")] * 4),
                      t))
    return "%z"


def write(prefix, args, r, x_shape, types, body, result, y_shape):
    x_t = tensor(x_shape, types["x"])
    y_t = tensor(y_shape, types["y"])
    with open(prefix + ".mlir", "w") as f:
        f.write("func.func @main(%%x: %s) -> %s {\n" % (x_t, y_t))
        f.write("\n".join(body) + "\n")
        f.write("  return %s : %s\n}\n" % (result, y_t))
    if not args.quant:
        x = r.standard_normal(x_shape).astype("f4")
    elif types["bits"] == 16:
        x = r.integers(-700, 701, x_shape).astype("i2")
    else:
        x = r.integers(-128, 128, x_shape).astype("i1")
    np.save(prefix + ".x.npy", x)


def conv(args):
    r = np.random.default_rng(args.seed)
    n, h, w, c = ints(args.x)
    o, kh, kw, cg = ints(args.w)
    sh, sw = ints(args.stride)
    pt, pb, pl, pr = ints(args.pad)
    dh, dw = ints(args.dilation)
    oh = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
    ow = (w + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
    y_shape = [n, oh, ow, o]
    types = layer_types(args, r, kh * kw * cg, o)
    body, operands, operand_types = constants(args, r, types, [o, kh, kw, cg], o)
    operand_types[0] = tensor([n, h, w, c], types["x"])
    attrs = ("{strides = array<i64: %d, %d>, padding = array<i64: %d, %d, %d, %d>"
             ", dilations = array<i64: %d, %d>, groups = %d : i64}" %
             (sh, sw, pt, pb, pl, pr, dh, dw, args.groups))
    body.append("  %%y = qnn.conv2d %s %s : (%s) -> %s" %
                (", ".join(operands), attrs, ", ".join(operand_types),
                 tensor(y_shape, types["y"])))
    result = then_op(args, r, types["y"], y_shape, body)
    write(args.prefix, args, r, [n, h, w, c], types, body, result, y_shape)


def conv_line(result, operands, operand_types, attrs, y_type):
    return "  %s = qnn.conv2d %s %s : (%s) -> %s" % (
        result, ", ".join(operands), attrs, ", ".join(operand_types), y_type)


def conv_attrs(stride, pad, dilation, groups):
    return ("{strides = array<i64: %d, %d>, padding = array<i64: %d, %d, %d, "
            "%d>, dilations = array<i64: %d, %d>, groups = %d : i64}" %
            tuple(stride + pad + dilation + [groups]))


def conv_shape(x_shape, w_shape, stride, pad, dilation):
    n, h, w, _ = x_shape
    o, kh, kw, _ = w_shape
    oh = (h + pad[0] + pad[1] - (kh - 1) * dilation[0] - 1) \
        // stride[0] + 1
    ow = (w + pad[2] + pad[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    return [n, oh, ow, o]


def block(args):
    """conv (+ relu/clip) -> padded conv [-> + the first conv's output]:
    the second convolution's padding and the residual read the first
    kernel's result (the kernel writes into the padded tensor)."""
    r = np.random.default_rng(args.seed)
    x_shape, w1, w2 = ints(args.x), ints(args.w), ints(args.w2)
    s1, p1, d1 = ints(args.stride), ints(args.pad), ints(args.dilation)
    s2, p2, d2 = ints(args.stride2), ints(args.pad2), ints(args.dilation2)
    y1 = conv_shape(x_shape, w1, s1, p1, d1)
    y2 = conv_shape(y1, w2, s2, p2, d2)
    t1 = layer_types(args, r, w1[1] * w1[2] * w1[3], w1[0])
    body, ops1, types1 = constants(args, r, t1, w1, w1[0])
    types1[0] = tensor(x_shape, t1["x"])
    body.append(conv_line("%y", ops1, types1,
                          conv_attrs(s1, p1, d1, args.groups),
                          tensor(y1, t1["y"])))
    z = then_op(args, r, t1["y"], y1, body)
    t2 = layer_types(args, r, w2[1] * w2[2] * w2[3], w2[0],
                     t1.get("s_out"), t1.get("zp_out"))
    t2["x"] = t1["y"]
    lines2, ops2, types2 = constants(args, r, t2, w2, w2[0])
    body += [re.sub(r"%(wc|w|bc|b)\b", r"%\1_2", line) for line in lines2]
    ops2 = [re.sub(r"%(w|b)$", r"%\1_2", v) for v in ops2]
    ops2[0] = z
    types2[0] = tensor(y1, t1["y"])
    body.append(conv_line("%y2", ops2, types2,
                          conv_attrs(s2, p2, d2, args.groups2),
                          tensor(y2, t2["y"])))
    result, y_type = "%y2", t2["y"]
    if args.residual:
        assert y1 == y2, "--residual needs equal shapes"
        if args.quant:
            y_type = "!quant.uniform<i8:f32, %.9e:%d>" % (
                t1["s_out"] + t2["s_out"], 0)
        body.append("  %%r = qnn.add %%y2, %s : (%s, %s) -> %s" %
                    (z, tensor(y2, t2["y"]), tensor(y1, t1["y"]),
                     tensor(y2, y_type)))
        result = "%r"
    types = dict(t1)
    types["y"] = y_type
    write(args.prefix, args, r, x_shape, types, body, result, y2)


def dense(args):
    r = np.random.default_rng(args.seed)
    x_shape = ints(args.x)
    o, k = ints(args.w)
    y_shape = x_shape[:-1] + [o]
    types = layer_types(args, r, k, o)
    body, operands, operand_types = constants(args, r, types, [o, k], o)
    operand_types[0] = tensor(x_shape, types["x"])
    body.append("  %%y = qnn.dense %s : (%s) -> %s" %
                (", ".join(operands), ", ".join(operand_types),
                 tensor(y_shape, types["y"])))
    result = then_op(args, r, types["y"], y_shape, body)
    write(args.prefix, args, r, x_shape, types, body, result, y_shape)


def pool(args):
    r = np.random.default_rng(args.seed)
    n, h, w, c = ints(args.x)
    elem = "f32"
    if args.quant:
        # Pools keep the input's quantization.
        elem = "!quant.uniform<i8:f32, 5.000000000e-02:-3>"
    types = dict(x=elem, y=elem, bits=8)
    if args.op == "global":
        y_shape = [n, 1, 1, c]
        op = "qnn.global_avg_pool %%x : (%s) -> %s"
    else:
        kh, kw = ints(args.kernel)
        sh, sw = ints(args.stride)
        pt, pb, pl, pr = ints(args.pad)
        dh, dw = ints(args.dilation)
        oh = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
        ow = (w + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
        y_shape = [n, oh, ow, c]
        attrs = ("kernel = array<i64: %d, %d>, strides = array<i64: %d, %d>, "
                 "padding = array<i64: %d, %d, %d, %d>" %
                 (kh, kw, sh, sw, pt, pb, pl, pr))
        if args.op == "max":
            attrs += ", dilations = array<i64: %d, %d>" % (dh, dw)
        elif args.count_include_pad:
            attrs += ", count_include_pad = true"
        op = "qnn.%s_pool2d %%%%x {%s} : (%%s) -> %%s" % (args.op, attrs)
    body = ["  %y = " + op % (tensor([n, h, w, c], elem), tensor(y_shape, elem))]
    result = then_op(args, r, elem, y_shape, body)
    write(args.prefix, args, r, [n, h, w, c], types, body, result, y_shape)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("kind", choices=["conv", "dense", "pool", "block"])
    p.add_argument("prefix")
    p.add_argument("--x", required=True)
    p.add_argument("--w")
    p.add_argument("--op", choices=["max", "avg", "global"])
    p.add_argument("--kernel", default="2,2")
    p.add_argument("--count-include-pad", action="store_true")
    p.add_argument("--stride", default="1,1")
    p.add_argument("--pad", default="0,0,0,0")
    p.add_argument("--dilation", default="1,1")
    p.add_argument("--groups", type=int, default=1)
    p.add_argument("--quant", choices=["i8", "i16"])
    p.add_argument("--bias", action="store_true")
    p.add_argument("--then", choices=["relu", "clip", "batchnorm"])
    p.add_argument("--seed", type=int, default=1)
    # block: the second convolution, and a residual add of the first's
    # result.
    p.add_argument("--w2")
    p.add_argument("--stride2", default="1,1")
    p.add_argument("--pad2", default="1,1,1,1")
    p.add_argument("--dilation2", default="1,1")
    p.add_argument("--groups2", type=int, default=1)
    p.add_argument("--residual", action="store_true")
    args = p.parse_args(argv)
    {"conv": conv, "dense": dense, "pool": pool,
     "block": block}[args.kind](args)


if __name__ == "__main__":
    main()
