"""NumPy reference of qnn op semantics for qmlir's end-to-end tests.

The integer rules mirror include/qmlir/Quant/QuantMath.h (computeRescale,
applyRescale, requantize, quantize, dequantize) and docs/Lowering.md (how each
quantized op is built from them). Layouts are qnn's: NHWC activations, OHWI
convolution weights, [out, in] dense weights.

lit puts this directory on PYTHONPATH, so RUN lines can `import qref as q`.
"""
import math

import numpy as np

I32_MIN = -(1 << 31)
I32_MAX = (1 << 31) - 1


def rng(seed):
    return np.random.default_rng(seed)


def save(prefix, **arrays):
    """Saves each keyword array as <prefix>.<name>.npy."""
    for name, a in arrays.items():
        np.save("%s.%s.npy" % (prefix, name), np.ascontiguousarray(a))


def save_f32(prefix, **arrays):
    """As save, with float64 arrays (references computed in double) rounded
    to float32."""
    save(prefix, **{k: a.astype(np.float32) if a.dtype == np.float64 else a
                    for k, a in arrays.items()})


def ints(r, lo, hi, shape, dtype=np.int8):
    """Uniform integers in [lo, hi]."""
    return r.integers(lo, hi + 1, shape).astype(dtype)


# ---------------------------------------------------------------------------
# QuantMath
# ---------------------------------------------------------------------------

def compute_rescale(scale):
    """(multiplier, shift) of qmath::computeRescale."""
    if not (scale > 0.0) or not math.isfinite(scale):
        raise ValueError("bad scale %r" % scale)
    mantissa, exponent = math.frexp(scale)
    multiplier = int(math.floor(mantissa * (1 << 31) + 0.5))
    if multiplier == (1 << 31):
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    if shift < 2:
        raise ValueError("scale %r too large" % scale)
    if shift > 62:
        extra = shift - 62
        multiplier = 0 if extra >= 63 else (multiplier + (1 << (extra - 1))) >> extra
        shift = 62
    return multiplier, shift


def _rescales(scales):
    """Arrays of multipliers and shifts for one or more scales."""
    pairs = [compute_rescale(float(s)) for s in np.atleast_1d(scales)]
    m = np.array([p[0] for p in pairs], dtype=object)
    s = np.array([p[1] for p in pairs], dtype=object)
    return m, s


def apply_rescale(v, multiplier, shift):
    """qmath::applyRescale (round half up, saturated to int32), exact."""
    v = np.asarray(v).astype(object)
    r = (v * multiplier + (np.left_shift(1, shift - 1) if isinstance(shift, np.ndarray)
                           else (1 << (shift - 1)))) >> shift
    return np.clip(r, I32_MIN, I32_MAX).astype(np.int64)


def requantize(v, in_zp, scales, out_zp, qmin, qmax, axis=-1):
    """qmath::requantize with multiplier/shift from `scales` (one per channel
    along `axis`, or one)."""
    v = np.asarray(v, dtype=np.int64)
    m, s = _rescales(scales)
    shape = [1] * v.ndim
    if len(m) > 1:
        shape[axis] = len(m)
    m = m.reshape(shape)
    s = s.reshape(shape)
    in_zp = np.asarray(in_zp, dtype=np.int64).reshape(shape if np.size(in_zp) > 1 else ())
    out_zp = np.asarray(out_zp, dtype=np.int64).reshape(shape if np.size(out_zp) > 1 else ())
    centered = np.clip(v - in_zp, I32_MIN, I32_MAX)
    scaled = apply_rescale(centered, m, s)
    return np.clip(scaled + out_zp, qmin, qmax)


def quantize(x, scale, zp, qmin, qmax, axis=-1, dtype=np.int8):
    """qmath::quantize (per channel along `axis` when scale is a list)."""
    x = np.asarray(x, dtype=np.float32)
    scale = np.atleast_1d(np.asarray(scale, dtype=np.float64))
    zp = np.atleast_1d(np.asarray(zp, dtype=np.int64))
    shape = [1] * x.ndim
    if max(len(scale), len(zp)) > 1:
        shape[axis] = max(len(scale), len(zp))
    inv = (1.0 / scale).astype(np.float32).reshape(shape if len(scale) > 1 else ())
    zp = zp.reshape(shape if len(zp) > 1 else ())
    scaled = x * inv
    nan = np.isnan(scaled)
    scaled = np.where(nan, 0.0, np.clip(scaled, -9.0e18, 9.0e18)).astype(np.float32)
    q = np.rint(scaled).astype(np.int64)
    q = np.where(nan, zp, q + zp)
    return np.clip(q, qmin, qmax).astype(dtype)


def dequantize(q, scale, zp, axis=-1):
    """qmath::dequantize: float(q - zp) * float(scale)."""
    q = np.asarray(q, dtype=np.int64)
    scale = np.atleast_1d(np.asarray(scale, dtype=np.float64)).astype(np.float32)
    zp = np.atleast_1d(np.asarray(zp, dtype=np.int64))
    shape = [1] * q.ndim
    if max(len(scale), len(zp)) > 1:
        shape[axis] = max(len(scale), len(zp))
    scale = scale.reshape(shape if len(scale) > 1 else ())
    zp = zp.reshape(shape if len(zp) > 1 else ())
    return (q - zp).astype(np.float32) * scale


# ---------------------------------------------------------------------------
# Layer ops (float in float64 then rounded to float32; integer in int64)
# ---------------------------------------------------------------------------

def _conv_core(x, w, strides, padding, dilations, groups, pad_value=0):
    """Direct NHWC x OHWI convolution without bias, in x's dtype."""
    n, h, wd, c = x.shape
    o, kh, kw, cg = w.shape
    pt, pb, pl, pr = padding
    sh, sw = strides
    dh, dw = dilations
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_value)
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    og = o // groups
    out = np.zeros((n, oh, ow, o), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i * dh: i * dh + (oh - 1) * sh + 1: sh,
                       j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
            for g in range(groups):
                out[..., g * og:(g + 1) * og] += np.einsum(
                    "nhwc,oc->nhwo", patch[..., g * cg:(g + 1) * cg],
                    w[g * og:(g + 1) * og, i, j, :])
    return out


def conv2d(x, w, b=None, strides=(1, 1), padding=(0, 0, 0, 0), dilations=(1, 1),
           groups=1):
    y = _conv_core(x.astype(np.float64), w.astype(np.float64), strides, padding,
                   dilations, groups)
    if b is not None:
        y = y + b.astype(np.float64)
    return y.astype(np.float32)


def _per_channel(values, n):
    """`values` (one or n of them) as a list of n floats."""
    v = np.atleast_1d(np.asarray(values, dtype=np.float64))
    return [float(v[i if len(v) > 1 else 0]) for i in range(n)]


def conv2d_q(qx, zx, sx, qw, zw, sw, qb, zo, so, qmin=-128, qmax=127,
             strides=(1, 1), padding=(0, 0, 0, 0), dilations=(1, 1), groups=1,
             dtype=np.int8):
    """Quantized conv: int32 accumulator of (qx - zx)(qw - zw) plus the bias,
    requantized per output channel by sx * sw[o] / so[o]. zx may hold one
    zero point per input channel (a per-axis input with one scale), zo and
    so one per output channel (a per-axis output)."""
    sw = np.atleast_1d(sw)
    zw = np.atleast_1d(zw)
    xc = qx.astype(np.int64) - np.asarray(zx, dtype=np.int64)
    wc = qw.astype(np.int64) - zw.reshape(-1, 1, 1, 1)
    acc = _conv_core(xc, wc, strides, padding, dilations, groups)
    if qb is not None:
        acc = acc + qb.astype(np.int64)
    o = qw.shape[0]
    scales = [sx * a / b for a, b in zip(_per_channel(sw, o), _per_channel(so, o))]
    zo = np.asarray([int(z) for z in _per_channel(zo, o)], dtype=np.int64)
    return requantize(acc, 0, scales, zo, qmin, qmax, axis=-1).astype(dtype)


def dense(x, w, b=None):
    y = x.astype(np.float64) @ w.astype(np.float64).T
    if b is not None:
        y = y + b
    return y.astype(np.float32)


def dense_q(qx, zx, sx, qw, zw, sw, qb, zo, so, qmin=-128, qmax=127,
            dtype=np.int8):
    """As conv2d_q for [rows, K] x [M, K]^T."""
    sw = np.atleast_1d(sw)
    zw = np.atleast_1d(zw)
    acc = (qx.astype(np.int64) - np.asarray(zx, dtype=np.int64)) @ \
        (qw.astype(np.int64) - zw.reshape(-1, 1)).T
    if qb is not None:
        acc = acc + qb.astype(np.int64)
    m = qw.shape[0]
    scales = [sx * a / b for a, b in zip(_per_channel(sw, m), _per_channel(so, m))]
    zo = np.asarray([int(z) for z in _per_channel(zo, m)], dtype=np.int64)
    return requantize(acc, 0, scales, zo, qmin, qmax, axis=-1).astype(dtype)


def batch_norm(x, scale, bias, mean, var, eps=1e-5):
    a = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
    return (x * a + (bias - mean * a)).astype(np.float32)


def _windows(x, kernel, strides, padding, dilations, pad_value):
    """Yields the (kh, kw) strided views of the padded input."""
    n, h, w, c = x.shape
    pt, pb, pl, pr = padding
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_value)
    oh = (h + pt + pb - dilations[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    ow = (w + pl + pr - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield xp[:, i * dilations[0]: i * dilations[0] + (oh - 1) * strides[0] + 1: strides[0],
                     j * dilations[1]: j * dilations[1] + (ow - 1) * strides[1] + 1: strides[1], :]


def max_pool2d(x, kernel, strides=(1, 1), padding=(0, 0, 0, 0), dilations=(1, 1)):
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    views = list(_windows(x, kernel, strides, padding, dilations, low))
    return np.maximum.reduce(views).astype(x.dtype)


def _pool_counts(x, kernel, strides, padding, count_include_pad):
    ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=np.int64)
    if count_include_pad:
        ones = np.pad(ones, ((0, 0), (padding[0], padding[1]), (padding[2], padding[3]), (0, 0)),
                      constant_values=1)
        padding = (0, 0, 0, 0)
    return sum(_windows(ones, kernel, strides, padding, (1, 1), 0))


def avg_pool2d(x, kernel, strides=(1, 1), padding=(0, 0, 0, 0), count_include_pad=False):
    total = sum(v.astype(np.float64) for v in _windows(x, kernel, strides, padding, (1, 1), 0))
    return (total / _pool_counts(x, kernel, strides, padding, count_include_pad)).astype(np.float32)


def _tosa_divide(total, count):
    """TOSA AVG_POOL2D's integer division: reciprocal multiplier, apply_scale."""
    total = np.asarray(total, dtype=np.int64)
    count = np.broadcast_to(np.asarray(count, dtype=np.int64), total.shape)
    out = np.empty(total.shape, dtype=np.int64)
    for c in np.unique(count):
        c = int(c)
        k = (c - 1).bit_length()
        multiplier = (((1 << 30) + 1) << k) // c
        shift = 30 + k
        sel = count == c
        prod = total[sel].astype(object) * multiplier + (1 << (shift - 1))
        out[sel] = (prod >> shift).astype(np.int64)
    return out


def avg_pool2d_q(q, zi, zo, kernel, strides=(1, 1), padding=(0, 0, 0, 0),
                 count_include_pad=False, qmin=-128, qmax=127, dtype=np.int8):
    """Quantized average pool (equal input/output scales): TOSA's algorithm on
    the sum of (q - zi) over the counted positions."""
    qc = q.astype(np.int64) - zi
    total = sum(_windows(qc, kernel, strides, padding, (1, 1), 0))
    count = _pool_counts(q, kernel, strides, padding, count_include_pad)
    info = np.iinfo(dtype)
    out = np.clip(_tosa_divide(total, count) + zo, info.min, info.max)
    return np.clip(out, qmin, qmax).astype(dtype)


def global_avg_pool(x):
    return x.astype(np.float64).mean(axis=(1, 2), keepdims=True).astype(np.float32)


def global_avg_pool_q(q, zi, zo, qmin=-128, qmax=127, dtype=np.int8):
    h, w = q.shape[1], q.shape[2]
    return avg_pool2d_q(q, zi, zo, (h, w), qmin=qmin, qmax=qmax, dtype=dtype)


def relu_q(q, zp):
    return np.maximum(q, zp).astype(q.dtype)


def clip_q(q, lo, hi, scale, zp, qmin=-128, qmax=127):
    a = quantize(np.float32(lo), scale, zp, qmin, qmax, dtype=np.int64)
    b = quantize(np.float32(hi), scale, zp, qmin, qmax, dtype=np.int64)
    return np.clip(q, a, b).astype(q.dtype)


def add_shift(za, sa, qa_type, zb, sb, qb_type, sign=1):
    """The left shift L of quantized add (sign 1) and sub (sign -1): 20 for
    <= 8-bit inputs, 15 for wider ones, lowered while the sum (difference) of
    the rescaled inputs could overflow 32 bits."""
    ia, ib = np.iinfo(qa_type), np.iinfo(qb_type)
    shift = 20 if ia.bits <= 8 and ib.bits <= 8 else 15
    smax = max(sa, sb)
    while True:
        sa_l = sa / smax * math.ldexp(1.0, shift)
        sb_l = sb / smax * math.ldexp(1.0, shift)
        b_lo = requantize([ib.min], zb, sb_l, 0, I32_MIN, I32_MAX)[0]
        b_hi = requantize([ib.max], zb, sb_l, 0, I32_MIN, I32_MAX)[0]
        if sign < 0:
            b_lo, b_hi = -b_hi, -b_lo
        hi = requantize([ia.max], za, sa_l, 0, I32_MIN, I32_MAX)[0] + b_hi
        lo = requantize([ia.min], za, sa_l, 0, I32_MIN, I32_MAX)[0] + b_lo
        if (lo >= I32_MIN and hi <= I32_MAX) or shift == 0:
            return shift
        shift -= 1


def add_q(qa, za, sa, qb, zb, sb, zo, so, qmin=-128, qmax=127, dtype=np.int8,
          sign=1):
    """a32 = requantize(qa, za, sa/max * 2^L, 0), same for b, then
    requantize(a32 + sign * b32, 0, max / 2^L / so, zo) (sign -1: qnn.sub)."""
    shift = add_shift(za, sa, qa.dtype, zb, sb, qb.dtype, sign)
    smax = max(sa, sb)
    a32 = requantize(qa, za, sa / smax * math.ldexp(1.0, shift), 0, I32_MIN, I32_MAX)
    b32 = requantize(qb, zb, sb / smax * math.ldexp(1.0, shift), 0, I32_MIN, I32_MAX)
    return requantize(a32 + sign * b32, 0, smax / math.ldexp(1.0, shift) / so, zo,
                      qmin, qmax).astype(dtype)


def mul_q(qa, za, sa, qb, zb, sb, zo, so, qmin=-128, qmax=127, dtype=np.int8):
    """requantize((qa - za) * (qb - zb), 0, sa * sb / so, zo)."""
    prod = (qa.astype(np.int64) - za) * (qb.astype(np.int64) - zb)
    return requantize(prod, 0, sa * sb / so, zo, qmin, qmax).astype(dtype)


def prelu_q(qx, zx, sx, qa, za, sa, zo, so, qmin=-128, qmax=127,
            dtype=np.int8):
    """requantize(x - zx, 0, sx / so, zo) where x >= zx, otherwise
    requantize((x - zx) * (a - za), 0, sx * sa / so, zo); the slope
    broadcasts to the input."""
    xc = qx.astype(np.int64) - zx
    prod = xc * (np.broadcast_to(qa, qx.shape).astype(np.int64) - za)
    pos = requantize(xc, 0, sx / so, zo, qmin, qmax)
    neg = requantize(prod, 0, sx * sa / so, zo, qmin, qmax)
    return np.where(xc >= 0, pos, neg).astype(dtype)


def reduce_q(q, zi, si, zo, so, kind, axes, keepdims=True, qmin=-128,
             qmax=127, dtype=np.int8):
    """Quantized qnn.reduce: sum/mean/max/min of q - zi (l1: of |q - zi|,
    sum_square: of (q - zi)^2) over `axes` in exact integers, requantized by
    si / so (mean: si / (so * count), sum_square: si^2 / so)."""
    c = q.astype(np.int64) - zi
    if kind == "l1":
        c = np.abs(c)
    if kind == "sum_square":
        c = c * c
    axes = tuple(axes)
    count = int(np.prod([q.shape[a] for a in axes]))
    fn = {"sum": np.sum, "mean": np.sum, "max": np.max, "min": np.min,
          "l1": np.sum, "sum_square": np.sum}[kind]
    r = fn(c, axis=axes, keepdims=keepdims)
    ratio = si / so / (count if kind == "mean" else 1)
    if kind == "sum_square":
        ratio *= si
    return requantize(r, 0, ratio, zo, qmin, qmax).astype(dtype)


def softmax(x, axis=-1):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def softmax_table(in_scale, in_range, out_bits):
    """(precision, exps) of qmath::softmaxTable."""
    p = min(16, 30 - out_bits)
    t = []
    for d in range(in_range + 1):
        v = float(np.rint(math.ldexp(1.0, p) * math.exp(-float(d) * in_scale)))
        t.append(int(v))
        if v == 0.0:
            break
    return p, t


def softmax_q(q, in_scale, in_range, out_bits, axis=-1, dtype=np.int8):
    """qmath::softmax along `axis`: output scale 2^-n, zero point -2^(n-1)."""
    _, t = softmax_table(in_scale, in_range, out_bits)
    q = q.astype(np.int64)
    d = np.minimum(q.max(axis=axis, keepdims=True) - q, len(t) - 1)
    e = np.array(t, dtype=np.int64)[d]
    s = e.sum(axis=axis, keepdims=True)
    qmin = -(1 << (out_bits - 1))
    out = np.minimum(qmin + (e * (1 << out_bits) + s // 2) // s, -qmin - 1)
    return out.astype(dtype)


def table_q(q, table, in_qmin, dtype=np.int8):
    """qnn.table: table[q - qmin], for inputs of up to 16 bits (a table of
    up to 65,536 entries); `dtype` is the output storage type."""
    return np.asarray(table, dtype=np.int64)[q.astype(np.int64) - in_qmin].astype(dtype)


def write_table_module(path, name, shape, in_type, out_type, table):
    """Writes a module whose function `name` applies qnn.table to a tensor
    of `shape` (e.g. "4x9") of element types in_type -> out_type."""
    ti = "tensor<%sx%s>" % (shape, in_type)
    to = "tensor<%sx%s>" % (shape, out_type)
    with open(path, "w") as f:
        f.write("func.func @%s(%%x: %s) -> %s {\n" % (name, ti, to))
        f.write("  %%0 = qnn.table %%x {table = array<i32: %s>} : (%s) -> %s\n"
                % (", ".join(str(int(v)) for v in table), ti, to))
        f.write("  return %%0 : %s\n}\n" % to)
def log_softmax(x, axis=-1):
    x = x.astype(np.float64)
    s = x - x.max(axis=axis, keepdims=True)
    return (s - np.log(np.exp(s).sum(axis=axis, keepdims=True))).astype(np.float32)


def _conv_transpose_core(x, w, b, strides, padding, dilations, output_padding,
                         groups):
    """qnn.conv_transpose2d by its definition: every input pixel scatters
    input * weight into the full output, which is then cropped by padding
    and extended by output_padding. NHWC input, [O, KH, KW, I/groups]
    weights."""
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, h, wd, c = x.shape
    o, kh, kw, cg = w.shape
    sh, sw = strides
    dh, dw = dilations
    fh = (h - 1) * sh + dh * (kh - 1) + 1
    fw = (wd - 1) * sw + dw * (kw - 1) + 1
    full = np.zeros((n, fh + output_padding[0], fw + output_padding[1], o))
    og = o // groups
    for i in range(h):
        for j in range(wd):
            for g in range(groups):
                xs = x[:, i, j, g * cg:(g + 1) * cg]
                contrib = np.einsum("nc,okmc->nkmo", xs, w[g * og:(g + 1) * og])
                for a in range(kh):
                    for bb in range(kw):
                        full[:, i * sh + a * dh, j * sw + bb * dw,
                             g * og:(g + 1) * og] += contrib[:, a, bb]
    pt, pb, pl, pr = padding
    y = full[:, pt:full.shape[1] - pb, pl:full.shape[2] - pr]
    if b is not None:
        y = y + b
    return y


def conv_transpose2d(x, w, b=None, strides=(1, 1), padding=(0, 0, 0, 0),
                     dilations=(1, 1), output_padding=(0, 0), groups=1):
    return _conv_transpose_core(x, w, b, strides, padding, dilations,
                                output_padding, groups).astype(np.float32)


def conv_transpose2d_q(qx, zx, sx, qw, zw, sw, qb, zo, so, qmin=-128,
                       qmax=127, strides=(1, 1), padding=(0, 0, 0, 0),
                       dilations=(1, 1), output_padding=(0, 0), groups=1,
                       dtype=np.int8):
    """Quantized transposed conv: the int32 accumulator of (qx - zx)(qw - zw)
    (exact in float64) plus the bias, requantized per output channel by
    sx * sw[o] / so[o], as conv2d_q."""
    sw = np.atleast_1d(sw)
    zw = np.atleast_1d(zw)
    xc = qx.astype(np.int64) - np.asarray(zx, dtype=np.int64)
    wc = qw.astype(np.int64) - zw.reshape(-1, 1, 1, 1)
    acc = _conv_transpose_core(xc, wc, None, strides, padding, dilations,
                               output_padding, groups)
    acc = np.rint(acc).astype(np.int64)
    if qb is not None:
        acc = acc + qb.astype(np.int64)
    o = qw.shape[0]
    scales = [sx * a / b for a, b in zip(_per_channel(sw, o), _per_channel(so, o))]
    zo = np.asarray([int(z) for z in _per_channel(zo, o)], dtype=np.int64)
    return requantize(acc, 0, scales, zo, qmin, qmax, axis=-1).astype(dtype)


def matmul_q(qa, za, sa, qb, zb, sb, zo, so, qmin=-128, qmax=127, dtype=np.int8):
    """requantize(sum((qa - za)(qb - zb)), 0, sa * sb / so, zo) of numpy's
    matmul."""
    acc = np.matmul(qa.astype(np.int64) - za, qb.astype(np.int64) - zb)
    return requantize(acc, 0, sa * sb / so, zo, qmin, qmax).astype(dtype)


def write_per_axis_input_module(path, prefix, seed):
    """Writes a module with two functions computing the same conv2d (3x3,
    padding 1), depthwise conv2d (padding [1, 0, 2, 1], stride 2) and dense
    on per-axis i8 inputs (one scale, per-channel zero points): @folded with
    constant weights and biases (the lowering folds the input zero points
    into the bias and pads explicitly), @centered with the same weights and
    biases as arguments (the lowering widens to i32). Saves the arguments as
    <prefix>.{x,w,b,dw,db,fx,fw,fb}.npy."""
    r = rng(seed)
    xt = "tensor<1x5x5x3x!quant.uniform<i8:f32:3, {0.05:-7, 0.05:3, 0.05:100}>>"
    fxt = "tensor<2x6x!quant.uniform<i8:f32:1, {0.1:5, 0.1:-128, 0.1, 0.1:127, 0.1:-3, 0.1:9}>>"
    wt = "tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>"
    bt = "tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>"
    dwt = "tensor<3x3x3x1x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03}>>"
    dbt = "tensor<3x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 1.5e-3}>>"
    fwt = "tensor<4x6x!quant.uniform<i8<-127:127>:f32, 0.02>>"
    fbt = "tensor<4x!quant.uniform<i32:f32, 2.0e-3>>"
    ot = "tensor<1x5x5x2x!quant.uniform<i8:f32:3, {0.5:4, 0.25:-3}>>"
    dot = "tensor<1x2x3x3x!quant.uniform<i8:f32, 0.05:2>>"
    fot = "tensor<2x4x!quant.uniform<i8:f32, 0.3:-1>>"
    args = dict(x=ints(r, -128, 127, (1, 5, 5, 3)),
                w=ints(r, -127, 127, (2, 3, 3, 3)),
                b=ints(r, -3000, 3000, (2,), np.int32),
                dw=ints(r, -127, 127, (3, 3, 3, 1)),
                db=ints(r, -3000, 3000, (3,), np.int32),
                fx=ints(r, -128, 127, (2, 6)),
                fw=ints(r, -127, 127, (4, 6)),
                fb=ints(r, -3000, 3000, (4,), np.int32))
    save(prefix, **args)

    def const(name, t, storage, shape):
        dims = "x".join(str(d) for d in shape)
        vals = str(args[name].astype(np.int64).tolist())
        return ("  %%%s_c = arith.constant dense<%s> : tensor<%sx%s>\n"
                "  %%%s = quant.scast %%%s_c : tensor<%sx%s> to %s\n"
                % (name, vals, dims, storage, name, name, dims, storage, t))

    body = (
        "  %%0 = qnn.conv2d %%x, %%w, %%b {padding = array<i64: 1, 1, 1, 1>} : (%s, %s, %s) -> %s\n"
        "  %%1 = qnn.conv2d %%x, %%dw, %%db {groups = 3 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 1>} : (%s, %s, %s) -> %s\n"
        "  %%2 = qnn.dense %%fx, %%fw, %%fb : (%s, %s, %s) -> %s\n"
        "  return %%0, %%1, %%2 : %s, %s, %s\n}\n"
        % (xt, wt, bt, ot, xt, dwt, dbt, dot, fxt, fwt, fbt, fot, ot, dot, fot))
    with open(path, "w") as f:
        f.write("func.func @folded(%%x: %s, %%fx: %s) -> (%s, %s, %s) {\n"
                % (xt, fxt, ot, dot, fot))
        f.write(const("w", wt, "i8", (2, 3, 3, 3)))
        f.write(const("b", bt, "i32", (2,)))
        f.write(const("dw", dwt, "i8", (3, 3, 3, 1)))
        f.write(const("db", dbt, "i32", (3,)))
        f.write(const("fw", fwt, "i8", (4, 6)))
        f.write(const("fb", fbt, "i32", (4,)))
        f.write(body)
        f.write("func.func @centered(%%x: %s, %%w: %s, %%b: %s, %%dw: %s, "
                "%%db: %s, %%fx: %s, %%fw: %s, %%fb: %s) -> (%s, %s, %s) {\n"
                % (xt, wt, bt, dwt, dbt, fxt, fwt, fbt, ot, dot, fot))
        f.write(body)


# ---------------------------------------------------------------------------
# Types from ranges, two-input tables (qnn.table2d: div, pow)
# ---------------------------------------------------------------------------

def params_for_range(lo, hi, bits=8, symmetric=False):
    """qmath::paramsForRange without power-of-two scales:
    (scale, zero_point, qmin, qmax)."""
    half = 1 << (bits - 1)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if symmetric and bits >= 2:
        m = max(-lo, hi)
        return (m / (half - 1) if m > 0 else 1.0), 0, -(half - 1), half - 1
    qmin, qmax = -half, half - 1
    if not hi - lo > 0:
        return 1.0, 0, qmin, qmax
    scale = (hi - lo) / (qmax - qmin)
    zp = qmin - lo / scale
    zp = int(math.copysign(math.floor(abs(zp) + 0.5), zp))  # llround
    return scale, min(max(zp, qmin), qmax), qmin, qmax


def build_table(f, a, out):
    """qmath::buildLookupTable: quantize_out(f(dequantize_a(q))) for every
    storage value q of `a`; a and out are (scale, zp, qmin, qmax). Up to
    65,536 entries (a 16-bit input); int64 entries."""
    q = np.arange(a[2], a[3] + 1)
    x = dequantize(q, a[0], a[1]).astype(np.float64)
    with np.errstate(all="ignore"):
        y = f(x).astype(np.float32)
    return quantize(y, out[0], out[1], out[2], out[3], dtype=np.int64)


def table_of_float(f, x, a, out):
    """A float tensor `x` through qnn-quantize's table of `f` (any input
    width up to 16 bits, e.g. a = params_for_range(lo, hi, bits=16)):
    quantize to `a`, build_table, index by q - qmin_a, dequantize from
    `out`. Returns float32."""
    q = quantize(x, a[0], a[1], a[2], a[3], dtype=np.int64)
    t = build_table(f, a, out)
    return dequantize(t[q - a[2]], out[0], out[1])


def sigmoid(x):
    """qnn.unary sigmoid's evaluate: 1 / (1 + exp(-x)) in double."""
    return 1.0 / (1.0 + np.exp(-x))


def build_table2d(f, a, b, out):
    """qmath::buildLookupTable2d: entry i * nb + j is
    quantize_out(f(dequantize_a(qmin_a + i), dequantize_b(qmin_b + j)))."""
    x = dequantize(np.arange(a[2], a[3] + 1), a[0], a[1]).astype(np.float64)
    y = dequantize(np.arange(b[2], b[3] + 1), b[0], b[1]).astype(np.float64)
    with np.errstate(all="ignore"):
        z = f(x[:, None], y[None, :]).astype(np.float32)
    return quantize(z, out[0], out[1], out[2], out[3], dtype=np.int64).reshape(-1)


def table2d_q(qa, qb, table, a_qmin, b_qmin, nb, dtype=np.int8):
    """qnn.table2d: table[(a - qmin_a) * nb + (b - qmin_b)], broadcast."""
    i = (qa.astype(np.int64) - a_qmin) * nb + (qb.astype(np.int64) - b_qmin)
    return np.asarray(table, dtype=np.int64)[i].astype(dtype)


def write_table2d_module(path, name, shapes, types, table):
    """Writes a module whose function `name` applies qnn.table2d to tensors
    of shapes[0] and shapes[1] (e.g. "4x9", "1x9") giving shapes[2]; types
    are the three element types."""
    ta, tb, to = ("tensor<%sx%s>" % (s, t) for s, t in zip(shapes, types))
    with open(path, "w") as f:
        f.write("func.func @%s(%%a: %s, %%b: %s) -> %s {\n" % (name, ta, tb, to))
        f.write("  %%0 = qnn.table2d %%a, %%b {table = array<i32: %s>} : "
                "(%s, %s) -> %s\n" % (", ".join(str(int(v)) for v in table),
                                      ta, tb, to))
        f.write("  return %%0 : %s\n}\n" % to)


# ---------------------------------------------------------------------------
# Sum-indexed tables (reduce l2 / log_sum, log_softmax)
# ---------------------------------------------------------------------------

SUM_TABLE_BITS = 8


def sum_table_index(s, f=SUM_TABLE_BITS):
    """qmath::sumTableIndex: s below 2^(f+1); above, its leading f+1 bits
    and sh = msb(s) - f: (s >> sh) + sh * 2^f."""
    s = np.maximum(np.asarray(s, dtype=np.int64), 0)
    msb = np.vectorize(lambda v: int(v).bit_length() - 1, otypes=[np.int64])(s)
    sh = np.maximum(msb - f, 0)
    return (s >> sh) + (sh << f)


def sum_table_value(i, f=SUM_TABLE_BITS):
    """qmath::sumTableValue: the mean of the sums that share index i."""
    one = 1 << f
    if i < 2 * one:
        return float(i)
    sh = i // one - 1
    lead = i - sh * one
    return math.ldexp(float(lead), sh) + (math.ldexp(1.0, sh) - 1.0) / 2.0


def build_sum_table(fn, out, f=SUM_TABLE_BITS):
    """qmath::buildSumTable: quantize_out(fn(sum_table_value(i)))."""
    v = np.array([sum_table_value(i, f) for i in range((32 - f) << f)])
    with np.errstate(all="ignore"):
        y = fn(v).astype(np.float32)
    return quantize(y, out[0], out[1], out[2], out[3], dtype=np.int64)


def reduce_table_q(q, zi, si, out, kind, axes, keepdims=True, dtype=np.int8):
    """Quantized qnn.reduce l2 (sum of (q - zi)^2) and log_sum (sum of
    q - zi, clamped to >= 0) through the sum-indexed table of
    si * sqrt(S) or log(si * S); out is (scale, zp, qmin, qmax)."""
    c = q.astype(np.int64) - zi
    if kind == "l2":
        c = c * c
    s = np.sum(c, axis=tuple(axes), keepdims=keepdims)
    fn = (lambda v: si * np.sqrt(v)) if kind == "l2" else (lambda v: np.log(si * v))
    table = build_sum_table(fn, out)
    return table[sum_table_index(s)].astype(dtype)


def _log_tables(in_scale, in_range, out_scale, r=8):
    """qmath::logSoftmaxTables: the softmax's exponentials (precision 16)
    and log[i] = min(round(2^r ln(value_i / 2^16) / out_scale), 2^30)."""
    _, t = softmax_table(in_scale, in_range, 8)
    one = math.ldexp(1.0, 16)
    logs = []
    for i in range((32 - SUM_TABLE_BITS) << SUM_TABLE_BITS):
        v = sum_table_value(i)
        l = 0.0 if v < one else float(np.rint(math.ldexp(1.0, r) * math.log(v / one) / out_scale))
        logs.append(int(min(l, math.ldexp(1.0, 30))))
    return t, logs


def reduce_lse_q(q, zi, si, in_range, out, axes, keepdims=True, dtype=np.int8):
    """Quantized qnn.reduce log_sum_exp: c = q - zi, m = max(c), S = sum of
    exp[m - c], out = zo + ((rescale(m) + log[index(S)] + 2^7) >> 8)."""
    r = 8
    t, logs = _log_tables(si, in_range, out[0], r)
    c = q.astype(np.int64) - zi
    axes = tuple(axes)
    m = c.max(axis=axes, keepdims=True)
    e = np.array(t, dtype=np.int64)[np.minimum(m - c, len(t) - 1)]
    s = e.sum(axis=axes, keepdims=True)
    l = np.array(logs, dtype=np.int64)[sum_table_index(s)]
    a = requantize(m, 0, si * math.ldexp(1.0, r) / out[0], 0, -(1 << 30), 1 << 30)
    v = (a.astype(np.int64) + l + (1 << (r - 1))) >> r
    res = np.clip(out[1] + v, out[2], out[3]).astype(dtype)
    return res if keepdims else np.squeeze(res, axis=axes)


def log_softmax_q(q, in_scale, in_range, out, axis=-1, dtype=np.int8):
    """qmath::logSoftmax along `axis`; out is (scale, zp, qmin, qmax)."""
    r = 8
    t, logs = _log_tables(in_scale, in_range, out[0], r)
    q = q.astype(np.int64)
    d = q.max(axis=axis, keepdims=True) - q
    e = np.array(t, dtype=np.int64)[np.minimum(d, len(t) - 1)]
    s = e.sum(axis=axis, keepdims=True)
    l = np.array(logs, dtype=np.int64)[sum_table_index(s)]
    dist = requantize(d, 0, in_scale * math.ldexp(1.0, r) / out[0], 0, 0, 1 << 30)
    v = (dist.astype(np.int64) + l + (1 << (r - 1))) >> r
    return np.clip(out[1] - v, out[2], out[3]).astype(dtype)


# ---------------------------------------------------------------------------
# Log-domain forms (qmlir/Quant/LogDomain.h): reduce prod, div and pow of
# operands wider than 8 bits. Types are (scale, zp, qmin, qmax).
# ---------------------------------------------------------------------------

LOG_MAX_F, LOG_MIN_F = 16, 8


def log_table(p, f):
    """qmath::logTable: rint(2^f log2 |dequantize(q)|), 0 where it is 0."""
    x = np.abs(dequantize(np.arange(p[2], p[3] + 1), p[0], p[1]).astype(np.float64))
    with np.errstate(divide="ignore"):
        l = np.rint(np.log2(np.where(x == 0, 1.0, x)) * math.ldexp(1.0, f))
    return np.where(x == 0, 0, l).astype(np.int64)


def log_output(f, out):
    """qmath::logOutput: (f, g, out_log, mantissa)."""
    bits = 1
    while (1 << bits) < out[3] - out[2] + 1:
        bits += 1
    g = min(f, bits + 4)
    out_log = int(np.rint(math.ldexp(math.log2(out[0]), f)))
    n = 1 << g
    mant = np.rint(np.exp2((np.arange(n, dtype=np.float64) + 0.5) / n) * math.ldexp(1.0, 29))
    return f, g, out_log, mant.astype(np.int64)


def exp2_magnitude(u, o):
    """qmath::exp2Magnitude on an int64 array."""
    f, g, _, mant = o
    u = np.asarray(u, dtype=np.int64)
    e = u >> f
    j = (u & ((1 << f) - 1)) >> (f - g)
    sh = 29 - e
    shc = np.clip(sh, 1, 30)
    m = (mant[j] + (np.int64(1) << (shc - 1))) >> shc
    return np.where(sh <= 0, 1 << 30, np.where(sh >= 31, 0, m))


def log_domain_output(u, negative, o, out):
    m = exp2_magnitude(u, o)
    return np.clip(out[1] + np.where(negative, -m, m), out[2], out[3])


def reduce_prod_q(q, pin, out, axes, keepdims=True, dtype=np.int8):
    """Quantized qnn.reduce prod (qmath::reduceProd) over `axes`."""
    axes = tuple(axes)
    count = int(np.prod([q.shape[a] for a in axes])) if axes else 1
    for f in range(LOG_MAX_F, LOG_MIN_F - 1, -1):
        table = log_table(pin, f)
        o = log_output(f, out)
        if count * int(np.abs(table).max()) + abs(o[2]) <= 2**31 - 1:
            break
    else:
        raise ValueError("prod over %d elements has no 32-bit bound" % count)
    q = q.astype(np.int64)
    s = table[q - pin[2]].sum(axis=axes, keepdims=True)
    neg = (q < pin[1]).sum(axis=axes, keepdims=True) & 1
    zero = (q == pin[1]).any(axis=axes, keepdims=True)
    r = log_domain_output(s - o[2], neg == 1, o, out)
    r = np.where(zero, out[1], r).astype(dtype)
    return r if keepdims else np.squeeze(r, axis=axes)


def div_q(qa, qb, pa, pb, out, dtype=np.int8):
    """Quantized qnn.div of operands of any width (qmath::divide)."""
    la, lb = log_table(pa, LOG_MAX_F), log_table(pb, LOG_MAX_F)
    o = log_output(LOG_MAX_F, out)
    qa, qb = qa.astype(np.int64), qb.astype(np.int64)
    ca, cb = qa - pa[1], qb - pb[1]
    r = log_domain_output(la[qa - pa[2]] - lb[qb - pb[2]] - o[2], (ca < 0) != (cb < 0), o, out)
    r = np.where(ca == 0, out[1], r)
    by_zero = np.where(ca > 0, out[3], np.where(ca < 0, out[2], out[1]))
    return np.where(cb == 0, by_zero, r).astype(dtype)


def pow_q(qa, qb, pa, pb, out, dtype=np.int8):
    """Quantized qnn.pow of operands of any width (qmath::power)."""
    la = log_table(pa, LOG_MAX_F)
    y = dequantize(np.arange(pb[2], pb[3] + 1), pb[0], pb[1]).astype(np.float64)
    largest = float(np.abs(y).max())
    e = 30
    while e > 0 and math.ldexp(largest, e) > math.ldexp(1.0, 30):
        e -= 1
    ex = np.clip(np.rint(y * math.ldexp(1.0, e)), -(2**31 - 1), 2**31 - 1).astype(np.int64)
    kind = np.where(np.rint(y) == y, np.where(np.fmod(np.abs(y), 2.0) == 1.0, 2, 1), 0)
    f = LOG_MAX_F
    prod_bound = float(np.abs(la).max()) * float(np.abs(ex).max())
    while f > 0 and prod_bound > math.ldexp(1.0, 30 + e + LOG_MAX_F - f):
        f -= 1
    shift = e + LOG_MAX_F - f
    o = log_output(f, out)
    bound = abs(o[2]) + (1 << (f + 5))
    qa, qb = qa.astype(np.int64), qb.astype(np.int64)
    ca = qa - pa[1]
    yb, kb = ex[qb - pb[2]], kind[qb - pb[2]]
    p = la[qa - pa[2]] * yb
    if shift > 0:
        p = (p + (1 << (shift - 1))) >> shift
    u = np.clip(p, -bound, bound) - o[2]
    r = log_domain_output(u, (ca < 0) & (kb == 2), o, out)
    r = np.where((ca == 0) & (yb > 0), out[1], r)
    r = np.where((ca == 0) & (yb < 0), out[3], r)
    r = np.where((ca < 0) & (kb == 0), out[1], r)
    return r.astype(dtype)
