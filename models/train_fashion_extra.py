#!/usr/bin/env python3
"""Train the extra Fashion-MNIST models of qmlir's quantization benches.

    /usr/bin/python3 models/train_fashion_extra.py [--model resnet|vgg|mobilenet|all]

Same recipe as train_fashion_cnn.py (CPU, torch seed 0, Adam with a
OneCycle schedule, batch 128, no augmentation), fewer epochs (EPOCHS), one
thread. Writes fashion_resnet.onnx, fashion_vgg.onnx and
fashion_mobilenet.onnx (opset 13, input "input" [N,1,28,28] float32
pixel/255; resnet and mobilenet output logits, vgg softmax probabilities;
BatchNormalization kept as separate nodes; mobilenet's ReLU6 exported as
Clip) and prints each model's float top-1 on the 10,000 test images (torch)
and its training time. The models are defined in fashion_zoo.py and
calibrated with the bundled fashion_cnn_calib.npy.
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion_mnist_data  # noqa: E402
import fashion_zoo  # noqa: E402
from train_fashion_cnn import accuracy  # noqa: E402

SEED = 0
# Epochs per model: each trains in about 3 CPU minutes or less.
EPOCHS = {"resnet": 8, "vgg": 4, "mobilenet": 4}
ALLOWED_OPS = {"Conv", "BatchNormalization", "Relu", "MaxPool", "Add",
               "GlobalAveragePool", "Flatten", "Gemm", "Softmax", "Clip",
               "Constant"}


def export_onnx(model, path):
    import onnx
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
        input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    assert set(ops) <= ALLOWED_OPS, ops
    return ops


def train(name, epochs, batch_size, lr, out_dir, data):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = fashion_zoo.build(name)
    # The vgg model ends in softmax: train on its log.
    outputs_probs = name == "vgg"
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = x_train.shape[0]
    steps = (n + batch_size - 1) // batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps, pct_start=0.2)
    t0 = time.time()
    c0 = time.process_time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            out = model(x_train[idx])
            if outputs_probs:
                loss = F.nll_loss(torch.log(out.clamp_min(1e-12)), y_train[idx])
            else:
                loss = F.cross_entropy(out, y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * idx.shape[0]
        print("%s epoch %2d  loss %.4f  test top-1 %.4f  (%.0fs)"
              % (name, epoch + 1, total / n, accuracy(model, x_test, y_test),
                 time.time() - t0), flush=True)
    model.eval()
    path = os.path.join(out_dir, fashion_zoo.ONNX_FILES[name])
    ops = export_onnx(model, path)
    # The committed file must rebuild the same module.
    reloaded = fashion_zoo.load_from_onnx(name, path)
    acc = accuracy(model, x_test, y_test)
    assert accuracy(reloaded, x_test, y_test) == acc
    print("%s: %s (%d bytes, %d parameters), ops %s"
          % (name, path, os.path.getsize(path),
             sum(p.numel() for p in model.parameters()), " ".join(ops)))
    print("%s: training time %.1fs (%.1fs CPU), float test top-1 (torch, "
          "10000 images): %.4f" % (name, time.time() - t0,
                                   time.process_time() - c0, acc), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["resnet", "vgg", "mobilenet", "all"], default="all")
    p.add_argument("--epochs", type=int, default=0,
                   help="epochs (default: %s)" % EPOCHS)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--out-dir", default=HERE)
    args = p.parse_args()
    # One thread: on a shared machine, OpenMP threads spin at barriers.
    torch.set_num_threads(1)
    xtr, ytr = fashion_mnist_data.load("train")
    xte, yte = fashion_mnist_data.load("test")
    data = (torch.from_numpy(xtr), torch.from_numpy(ytr),
            torch.from_numpy(xte), torch.from_numpy(yte))
    os.makedirs(args.out_dir, exist_ok=True)
    for name in (["resnet", "vgg", "mobilenet"] if args.model == "all" else [args.model]):
        train(name, args.epochs or EPOCHS[name], args.batch_size, args.lr, args.out_dir, data)


if __name__ == "__main__":
    main()
