#!/usr/bin/python3
"""PyTorch fake-quantization reference for low-bit schemes of the bundled
Fashion-MNIST CNN, independent of qmlir.

    /usr/bin/python3 bench/torch_fakequant_lowbit.py [--samples 1024] [--test 10000]

The model (models/fashion_cnn.onnx's weights in models/fashion_zoo.py's
torch module) with batch norm folded and conv+bn+relu fused
(torch.ao.quantization.fuse_modules), and torch.ao.quantization.FakeQuantize
modules inserted as an integer model quantizes it: the input, each fused
conv(+relu / relu6) output (so the ranges start at 0, no level is spent on
negative values), the pooled tensors with their input's parameters, and
the logits; weights per-channel symmetric ([-(2^(b-1)-1), 2^(b-1)-1]),
activations per-tensor affine [0, 2^b - 1]. Calibrated on the first N
Fashion-MNIST training images (as bench/python_quantize_top1.py), scored
on the test images. --pow2 rounds every scale up to a power of two (what
qmlir does for a target with power_of_two_scales; --pow2-rounding nearest:
to the nearest power in log2 instead). Prints one top-1 line
per scheme and observer.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.ao.quantization import FakeQuantize
from torch.ao.quantization.observer import (HistogramObserver,
                                            MinMaxObserver,
                                            MovingAverageMinMaxObserver,
                                            PerChannelMinMaxObserver)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
import fashion_mnist_data  # noqa: E402
import fashion_zoo  # noqa: E402

OBSERVERS = {"minmax": MinMaxObserver,
             "moving-average": MovingAverageMinMaxObserver,
             "histogram": HistogramObserver}
# name: (input bits, activation bits, logits bits, weight bits)
SCHEMES = {"W8A8": (8, 8, 8, 8), "W8A4O8": (8, 4, 8, 8),
           "W4A8": (8, 8, 8, 4), "W4A4O4 in4": (4, 4, 4, 4)}


ROUND = {"up": math.ceil, "nearest": round}
POW2 = "up"


def pow2_up(scale):
    """The power-of-two scale: rounded up (qmlir's rule) or to the nearest
    power in log2 (--pow2-rounding nearest, which may clip)."""
    return 2.0 ** ROUND[POW2](math.log2(scale))


def fake_quant_weight(w, bits, pow2):
    q = 2 ** (bits - 1) - 1
    absmax = w.abs().flatten(1).max(1).values.clamp(min=1e-12)
    scale = absmax / q
    if pow2:
        scale = torch.tensor([pow2_up(float(s)) for s in scale])
    shape = (-1,) + (1,) * (w.dim() - 1)
    return (torch.round(w / scale.view(shape)).clamp(-q, q)
            * scale.view(shape))


def build(observer, in_bits, a_bits, o_bits, w_bits, pow2):
    m = fashion_zoo.load_from_onnx("cnn")
    m = torch.ao.quantization.fuse_modules(
        m, [["0", "1", "2"], ["4", "5", "6"], ["7", "8"], ["11", "12", "13"]])
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                mod.weight.copy_(fake_quant_weight(mod.weight, w_bits, pow2))

    def afq(bits):
        return FakeQuantize(observer=OBSERVERS[observer], quant_min=0,
                            quant_max=2 ** bits - 1, dtype=torch.quint8,
                            qscheme=torch.per_tensor_affine)
    seq, last = [afq(in_bits)], None
    for layer in m.children():
        seq.append(layer)
        kind = type(layer).__name__
        if kind in ("ConvReLU2d", "ReLU6"):
            last = afq(a_bits)
            seq.append(last)
        elif kind in ("AvgPool2d", "AdaptiveAvgPool2d"):
            seq.append(last)  # a pool keeps its input's parameters
        elif kind == "Linear":
            seq.append(afq(o_bits))
    return nn.Sequential(*seq).eval()


def top1(net, calib, x, y, pow2):
    fqs = [f for f in net.modules() if isinstance(f, FakeQuantize)]
    for f in fqs:
        f.disable_fake_quant()
        f.enable_observer()
    with torch.no_grad():
        for i in range(0, len(calib), 100):
            net(torch.from_numpy(calib[i:i + 100]))
    for f in fqs:
        f.calculate_qparams()
        f.enable_fake_quant()
        f.disable_observer()
        if pow2:
            scale, zp = f.calculate_qparams()
            obs = f.activation_post_process
            lo = min(float(obs.min_val), 0.0)
            s = pow2_up(float(scale))
            z = int(min(max(round(-lo / s), f.quant_min), f.quant_max))
            f.scale.copy_(torch.tensor([s]))
            f.zero_point.copy_(torch.tensor([z], dtype=torch.int32))
    with torch.no_grad():
        out = torch.cat([net(torch.from_numpy(x[i:i + 500]))
                         for i in range(0, len(x), 500)])
    return float((out.argmax(1).numpy() == y).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--test", type=int, default=10000)
    ap.add_argument("--schemes", default=",".join(SCHEMES))
    ap.add_argument("--observers", default=",".join(OBSERVERS))
    ap.add_argument("--pow2", action="store_true")
    ap.add_argument("--pow2-rounding", choices=sorted(ROUND), default="up")
    args = ap.parse_args()
    global POW2
    POW2 = args.pow2_rounding
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x, y = fashion_mnist_data.load("test")
    x, y = x[:args.test], y[:args.test]
    calib = fashion_mnist_data.load("train")[0][:args.samples]
    for scheme in args.schemes.split(","):
        for observer in args.observers.split(","):
            net = build(observer, *SCHEMES[scheme], args.pow2)
            acc = top1(net, calib, x, y, args.pow2)
            pow2 = f" pow2 {POW2}" if args.pow2 else ""
            print(f"torch fake-quant {scheme}{pow2} "
                  f"{observer}: top-1 {acc:.4f} on {len(x)} test images",
                  flush=True)


if __name__ == "__main__":
    main()
