#!/usr/bin/python3
"""The same kernels and the bundled model in PyTorch (the peer available on
this machine), one thread, to put bench/run.py's numbers in context.

  bench/peers.py [--work build/bench] [--repeat 9] [--model-runs 3]

- Kernels: the shapes of bench/gen_kernels.py. fp32 convolution through
  oneDNN (channels-last); the fp32 512^3 product both as torch.mm (whatever
  BLAS PyTorch was built with: Debian's is a generic one) and through oneDNN
  (F.linear on oneDNN tensors); int8 through PyTorch's quantized engine
  (FBGEMM if the build has it, else oneDNN; both use VNNI):
  torch.ao.nn.quantized Conv2d/Linear with uint8 activations, int8 weights
  (per channel for the convolution), bias, requantized uint8 output: the
  same work as qmlir's int8 kernels. Inputs are prepared (quantized,
  channels-last, oneDNN layout) outside the timed region.
- Model: models/train_fashion_cnn.py's network with the weights of
  models/fashion_cnn.onnx, batch 100 over the 10,000 test images; int8 is
  PyTorch's post-training static quantization (FBGEMM, conv+bn+relu fused,
  calibrated on models/fashion_cnn_calib.npy, the same engine), not qmlir's
  quantization, so its accuracy differs slightly.

Times are process CPU time (like bench/run.py), medians.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))


def timed(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def kernels(repeat):
    aq = torch.ao.nn.quantized
    rows = []
    torch.manual_seed(0)
    with torch.no_grad():
        # fp32 conv 3x3 64->64 on 56x56, padding 1, bias.
        conv = nn.Conv2d(64, 64, 3, padding=1).eval().to(
            memory_format=torch.channels_last)
        x = torch.randn(1, 64, 56, 56).to(memory_format=torch.channels_last)
        rows.append(("conv_f32", timed(lambda: conv(x), repeat),
                     3136 * 64 * 576))
        # int8 conv: FBGEMM, per-channel weights, requantized output.
        qconv = aq.Conv2d(64, 64, 3, padding=1)
        w = torch.quantize_per_channel(
            torch.randn(64, 64, 3, 3) * 0.05, torch.full((64,), 0.002),
            torch.zeros(64, dtype=torch.long), 0, torch.qint8)
        qconv.set_weight_bias(w, torch.randn(64))
        qconv.scale, qconv.zero_point = 0.25, 5
        qx = torch.quantize_per_tensor(
            torch.randn(1, 64, 56, 56), 0.05, 128,
            torch.quint8).contiguous(memory_format=torch.channels_last)
        rows.append(("conv_i8", timed(lambda: qconv(qx), repeat),
                     3136 * 64 * 576))
        # fp32 512^3.
        a, b = torch.randn(512, 512), torch.randn(512, 512)
        rows.append(("matmul_f32 (torch.mm)",
                     timed(lambda: torch.mm(a, b), repeat), 512 ** 3))
        am, bt = a.to_mkldnn(), b.t().contiguous()
        rows.append(("matmul_f32 (oneDNN)",
                     timed(lambda: nn.functional.linear(am, bt), repeat),
                     512 ** 3))
        # int8 512^3: quantized Linear (input [512, 512], weights [512, 512]).
        qlin = aq.Linear(512, 512)
        qlin.set_weight_bias(
            torch.quantize_per_tensor(torch.randn(512, 512) * 0.05, 0.003, 0,
                                      torch.qint8), None)
        qlin.scale, qlin.zero_point = 0.5, 130
        qa = torch.quantize_per_tensor(torch.randn(512, 512), 0.05, 125,
                                       torch.quint8)
        rows.append(("matmul_i8", timed(lambda: qlin(qa), repeat), 512 ** 3))
    return rows


def model(work, runs):
    import fashion_mnist_data  # noqa: F401  (writes the test set below)
    import onnx
    import train_fashion_cnn
    from onnx import numpy_helper

    data = os.path.join(work, "fmnist_test_x.npy")
    if not os.path.exists(data):
        import subprocess
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "models", "fashion_mnist_data.py"),
                        "--out", work], check=True)
    x = torch.from_numpy(np.load(data))
    y = np.load(os.path.join(work, "fmnist_test_y.npy"))
    net = train_fashion_cnn.build_model().eval()
    onnx_model = onnx.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"))
    state = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
             for i in onnx_model.graph.initializer}
    missing = net.load_state_dict(state, strict=False).missing_keys
    assert all(k.endswith("num_batches_tracked") for k in missing), missing

    # Channels-last (NHWC) activations: oneDNN's preferred layout, faster
    # than NCHW for both models here.
    xcl = x.contiguous(memory_format=torch.channels_last)

    def run(m):
        with torch.no_grad():
            return torch.cat([m(xcl[i:i + 100]) for i in range(0, len(x), 100)])

    def top1(logits):
        return float((logits.argmax(1).numpy() == y).mean())

    net = net.to(memory_format=torch.channels_last)
    rows = [("float", timed(lambda: run(net), runs), top1(run(net)))]

    # int8: post-training static quantization with FBGEMM.
    q = torch.ao.quantization
    fused = train_fashion_cnn.build_model().eval()
    fused.load_state_dict(net.state_dict())
    fused = fused.to(memory_format=torch.channels_last)
    fused = q.fuse_modules(fused, [["0", "1", "2"], ["4", "5", "6"], ["7", "8"],
                                   ["11", "12", "13"]])
    wrapped = nn.Sequential(q.QuantStub(), fused, q.DeQuantStub()).eval()
    wrapped.qconfig = q.get_default_qconfig(torch.backends.quantized.engine)
    prepared = q.prepare(wrapped)
    calib = torch.from_numpy(
        np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy")))
    with torch.no_grad():
        prepared(calib.contiguous(memory_format=torch.channels_last))
    int8 = q.convert(prepared)
    rows.append(("int8 (PyTorch PTQ)", timed(lambda: run(int8), runs),
                 top1(run(int8))))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--model-runs", type=int, default=3)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(1)
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = (
        "fbgemm" if "fbgemm" in engines else "onednn")
    print("PyTorch %s, 1 thread, quantized engine %s" %
          (torch.__version__, torch.backends.quantized.engine))
    print()
    print("| kernel | median cpu s/run | GMAC/s |")
    print("|---|---|---|")
    for name, s, macs in kernels(args.repeat):
        print("| %s | %.5f | %.2f |" % (name, s, macs / s / 1e9))
    sys.stdout.flush()
    print()
    print("| model (b100, 10,000 images) | median cpu s | top-1 |")
    print("|---|---|---|")
    for name, s, acc in model(args.work, args.model_runs):
        print("| %s | %.3f | %.4f |" % (name, s, acc))


if __name__ == "__main__":
    main()
