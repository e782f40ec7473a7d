"""NumPy reference of the TensorFlow ops the TF importer supports.

Written from TF's op definitions (not from the importer's lowering), in
TF's layouts: NHWC or NCHW activations, HWIO filters, [H, W, C, M]
depthwise filters. Float results are computed in float64 and rounded to
float32, except FakeQuant, which follows TF's float32 arithmetic.
"""
import numpy as np


def _spatial(a, data_format):
    """(h, w) entries of a 4-element TF list in data_format order."""
    return (a[2], a[3]) if data_format == "NCHW" else (a[1], a[2])


def pads(in_hw, k_hw, strides, dilations, padding, explicit=None,
         data_format="NHWC"):
    """[(top, bottom), (left, right)] as TF computes them."""
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    if padding == "EXPLICIT":
        p = np.array(explicit).reshape(4, 2)
        return [tuple(p[2]), tuple(p[3])] if data_format == "NCHW" else \
            [tuple(p[1]), tuple(p[2])]
    out = []
    for n, k, s, d in zip(in_hw, k_hw, strides, dilations):
        o = -(-n // s)
        total = max((o - 1) * s + (k - 1) * d + 1 - n, 0)
        out.append((total // 2, total - total // 2))
    return out


def _to_nhwc(x, data_format):
    return x.transpose(0, 2, 3, 1) if data_format == "NCHW" else x


def _from_nhwc(y, data_format):
    return y.transpose(0, 3, 1, 2) if data_format == "NCHW" else y


def conv2d(x, f, strides=(1, 1, 1, 1), padding="VALID", dilations=(1, 1, 1, 1),
           data_format="NHWC", explicit=None):
    """Conv2D: out[n, y, x, o] = sum x[n, y*s + ky*d - pt, ..., c] f[ky, kx, c, o]
    (grouped when the input has a multiple of the filter's channels)."""
    x = _to_nhwc(x.astype(np.float64), data_format)
    f = f.astype(np.float64)
    n, h, w, c = x.shape
    kh, kw, fin, fout = f.shape
    groups = c // fin
    sh, sw = _spatial(strides, data_format)
    dh, dw = _spatial(dilations, data_format)
    (pt, pb), (pl, pr) = pads((h, w), (kh, kw), (sh, sw), (dh, dw), padding,
                              explicit, data_format)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    oh = (h + pt + pb - (kh - 1) * dh - 1) // sh + 1
    ow = (w + pl + pr - (kw - 1) * dw - 1) // sw + 1
    og = fout // groups
    y = np.zeros((n, oh, ow, fout))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, ky * dh:ky * dh + (oh - 1) * sh + 1:sh,
                       kx * dw:kx * dw + (ow - 1) * sw + 1:sw, :]
            for g in range(groups):
                y[..., g * og:(g + 1) * og] += np.einsum(
                    "nhwc,co->nhwo", patch[..., g * fin:(g + 1) * fin],
                    f[ky, kx, :, g * og:(g + 1) * og])
    return _from_nhwc(y, data_format).astype(np.float32)


def depthwise_conv2d(x, f, strides=(1, 1, 1, 1), padding="VALID",
                     dilations=(1, 1, 1, 1), data_format="NHWC"):
    """DepthwiseConv2dNative: out[..., c * M + m] convolves channel c with
    f[:, :, c, m]."""
    xs = _to_nhwc(x, data_format)
    kh, kw, c, m = f.shape
    outs = []
    for ch in range(c):
        for mm in range(m):
            outs.append(conv2d(xs[..., ch:ch + 1], f[:, :, ch:ch + 1, mm:mm + 1],
                               strides if data_format == "NHWC" else
                               (1, strides[2], strides[3], 1), padding,
                               dilations if data_format == "NHWC" else
                               (1, dilations[2], dilations[3], 1)))
    return _from_nhwc(np.concatenate(outs, axis=-1), data_format)


def conv2d_backprop_input(input_sizes, f, dy, strides=(1, 1, 1, 1),
                          padding="VALID", data_format="NHWC"):
    """The gradient of conv2d(x, f) with respect to x of shape input_sizes:
    every dy position scatters dy * f back onto the window it read."""
    sizes = list(input_sizes)
    if data_format == "NCHW":
        sizes = [sizes[0], sizes[2], sizes[3], sizes[1]]
    dy = _to_nhwc(dy.astype(np.float64), data_format)
    f = f.astype(np.float64)
    n, h, w, c = sizes
    kh, kw, _, _ = f.shape
    sh, sw = _spatial(strides, data_format)
    (pt, pb), (pl, pr) = pads((h, w), (kh, kw), (sh, sw), (1, 1), padding)
    dx = np.zeros((n, h + pt + pb + sh + kh, w + pl + pr + sw + kw, c))
    for oy in range(dy.shape[1]):
        for ox in range(dy.shape[2]):
            dx[:, oy * sh:oy * sh + kh, ox * sw:ox * sw + kw, :] += np.einsum(
                "no,yxco->nyxc", dy[:, oy, ox, :], f)
    dx = dx[:, pt:pt + h, pl:pl + w, :]
    return _from_nhwc(dx, data_format).astype(np.float32)


def pool(x, kind, ksize, strides, padding, data_format="NHWC"):
    """MaxPool / AvgPool; AvgPool averages the positions inside the input."""
    x = _to_nhwc(x.astype(np.float64), data_format)
    n, h, w, c = x.shape
    kh, kw = _spatial(ksize, data_format)
    sh, sw = _spatial(strides, data_format)
    (pt, pb), (pl, pr) = pads((h, w), (kh, kw), (sh, sw), (1, 1), padding)
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * sh - pt, j * sw - pl
            win = x[:, max(y0, 0):min(y0 + kh, h), max(x0, 0):min(x0 + kw, w), :]
            y[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else \
                win.mean(axis=(1, 2))
    return _from_nhwc(y, data_format).astype(np.float32)


def fused_batch_norm(x, scale, offset, mean, variance, epsilon=1e-4,
                     data_format="NHWC"):
    x = _to_nhwc(x.astype(np.float64), data_format)
    y = (x - mean) / np.sqrt(variance.astype(np.float64) + epsilon) * scale + \
        offset
    return _from_nhwc(y, data_format).astype(np.float32)


def fake_quant(x, min, max, num_bits=8, narrow_range=False, args=True):
    """FakeQuantWithMinMaxArgs (args=True: multiplies by the inverse scale)
    and FakeQuantWithMinMaxVars (divides by the scale): TF's Nudge and
    rounding in float32 (tensorflow/core/kernels/fake_quant_ops_functor.h)."""
    f32 = np.float32
    qmin = f32(1 if narrow_range else 0)
    qmax = f32((1 << num_bits) - 1)
    min, max = f32(min), f32(max)
    scale = (max - min) / (qmax - qmin)
    zp_from_min = qmin - min / scale
    if zp_from_min < qmin:
        zp = qmin
    elif zp_from_min > qmax:
        zp = qmax
    else:
        # std::round: half away from zero (zp_from_min >= 0 here).
        t = np.trunc(np.float64(zp_from_min))
        zp = f32(t + (1 if np.float64(zp_from_min) - t >= 0.5 else 0))
    nudged_min = (qmin - zp) * scale
    nudged_max = (qmax - zp) * scale
    inv = (qmax - qmin) / (max - min)
    quant_zero = np.floor(-nudged_min * inv + f32(0.5))
    clamped = np.clip(x.astype(f32), nudged_min, nudged_max)
    shifted = (clamped - nudged_min) * inv if args else \
        (clamped - nudged_min) / scale
    return (np.floor(shifted - quant_zero + f32(0.5)) * scale).astype(f32)
