#!/usr/bin/env python3
"""Train qmlir's bundled default model: a small Fashion-MNIST CNN.

    /usr/bin/python3 models/train_fashion_cnn.py

CPU only, fixed seeds, 2 threads. Writes (next to this script by default):
  fashion_cnn.onnx        opset 13, input "input" [N,1,28,28] float32 (pixel/255),
                          output "logits" [N,10]; BatchNormalization nodes kept
                          as separate (inference-form) nodes.
  fashion_cnn_calib.npy   float32 [256,1,28,28], 256 training images drawn with a
                          fixed seed, for calibration.
and prints the float top-1 accuracy on the 10,000 test images (torch).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion_mnist_data  # noqa: E402

SEED = 0
EXPECTED_OPS = [
    "Conv", "BatchNormalization", "Relu", "MaxPool",
    "Conv", "BatchNormalization", "Relu",
    "Conv", "BatchNormalization", "Constant", "Constant", "Clip", "AveragePool",
    "Conv", "BatchNormalization", "Relu",
    "GlobalAveragePool", "Flatten", "Gemm",
]
CALIB_SEED = 1234
CALIB_COUNT = 256


def build_model():
    return nn.Sequential(
        # conv3x3 1->16 + BN + ReLU, 28x28
        nn.Conv2d(1, 16, 3, padding=1, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),                                   # -> 14x14
        # depthwise conv3x3 16->16 + BN + ReLU
        nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        # pointwise conv1x1 16->32 + BN + ReLU6 (exported as Clip 0..6)
        nn.Conv2d(16, 32, 1, bias=False),
        nn.BatchNorm2d(32),
        nn.ReLU6(),
        # count_include_pad=False is mathematically identical here (no padding)
        # but stops the exporter from emitting a no-op Pad before AveragePool.
        nn.AvgPool2d(2, count_include_pad=False),          # -> 7x7
        # conv3x3 32->64 (with bias) + BN + ReLU
        nn.Conv2d(32, 64, 3, padding=1, bias=True),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),                           # global average pool
        nn.Flatten(),
        nn.Linear(64, 10),
    )


def augment(x, gen):
    """Optional light augmentation (off by default, see --augment):
    random horizontal flip + random shift of up to 2 px."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    pad = 2
    xp = F.pad(x, (pad, pad, pad, pad))
    dx, dy = torch.randint(0, 2 * pad + 1, (2,), generator=gen).tolist()
    return xp[:, :, dy:dy + 28, dx:dx + 28]


@torch.no_grad()
def accuracy(model, x, y, bs=1000):
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], bs):
        correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / x.shape[0]


def export_onnx(model, path):
    import onnx
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    # PRESERVE + eval-mode module: BN is exported in inference form (1 output),
    # and the eval peephole pass that folds BN into Conv is skipped.
    torch.onnx.export(
        model, dummy, path,
        opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    bns = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
    assert ops == EXPECTED_OPS, ops
    assert len(bns) == 4, ops
    assert all(len(n.output) == 1 for n in bns), "BN not in inference form"
    for vi in list(m.graph.input) + list(m.graph.output):
        assert vi.type.tensor_type.shape.dim[0].dim_param == "N", vi
    opset = [(o.domain or "ai.onnx", o.version) for o in m.opset_import]
    return ops, opset


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--augment", action="store_true",
                   help="random flip + shift (measured: hurts this small model, 89.4%% vs 90.9%%)")
    p.add_argument("--out-dir", default=HERE)
    args = p.parse_args()

    t0 = time.time()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(SEED)

    x_train_np, y_train_np = fashion_mnist_data.load("train")
    x_test_np, y_test_np = fashion_mnist_data.load("test")
    x_train, y_train = torch.from_numpy(x_train_np), torch.from_numpy(y_train_np)
    x_test, y_test = torch.from_numpy(x_test_np), torch.from_numpy(y_test_np)

    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = x_train.shape[0]
    steps_per_epoch = (n + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
        pct_start=0.2)

    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total_loss = 0.0
        for i in range(0, n, args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            if args.augment:
                xb = augment(xb, gen)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * idx.shape[0]
        acc = accuracy(model, x_test, y_test)
        print("epoch %2d  loss %.4f  test top-1 %.4f  (%.0fs)"
              % (epoch + 1, total_loss / n, acc, time.time() - t0), flush=True)

    model.eval()
    acc = accuracy(model, x_test, y_test)
    train_time = time.time() - t0

    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "fashion_cnn.onnx")
    ops, opset = export_onnx(model, onnx_path)

    calib_idx = np.random.RandomState(CALIB_SEED).choice(n, CALIB_COUNT, replace=False)
    calib = np.ascontiguousarray(x_train_np[calib_idx], dtype=np.float32)
    assert calib.shape == (CALIB_COUNT, 1, 28, 28)
    calib_path = os.path.join(args.out_dir, "fashion_cnn_calib.npy")
    np.save(calib_path, calib)

    print("onnx: %s (%d bytes), opset %s" % (onnx_path, os.path.getsize(onnx_path), opset))
    print("onnx ops: %s" % " ".join(ops))
    print("calib: %s %s %s (%d bytes)" % (calib_path, calib.shape, calib.dtype,
                                          os.path.getsize(calib_path)))
    print("training wall time: %.1fs, total: %.1fs" % (train_time, time.time() - t0))
    print("float test top-1 (torch, 10000 images): %.4f" % acc)


if __name__ == "__main__":
    main()
