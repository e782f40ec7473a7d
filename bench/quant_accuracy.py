#!/usr/bin/env python3
"""Quantization accuracy bench: qmlir against PyTorch's post-training
quantization on four Fashion-MNIST models.

    /usr/bin/python3 bench/quant_accuracy.py [--build build] [--out docs/QuantAccuracy.md]

For each model (the bundled CNN, a small residual network, a VGG-style
network ending in softmax, a MobileNet-style depthwise-separable network;
the last three are trained by models/train_fashion_extra.py if their .onnx
files are missing) it measures
top-1 on the 10,000 Fashion-MNIST test images of

- the float model (qmlir's JIT),
- qmlir's integer model for each calibration method (minmax, moving-max,
  moving-average, percentile, entropy, mse) and each scheme (W8A8 with
  per-axis weights, W8A8 with per-tensor weights, W4A8 with per-axis
  weights; activations 8-bit asymmetric per tensor),
- the fake-quantized simulation (qnn-fake-quantize) of the W8A8 per-axis
  min-max model,
- PyTorch 1.13 FX graph mode post-training quantization with the 'onednn'
  engine (its default qconfig: HistogramObserver activations, per-channel
  symmetric weights; and the same with per-tensor weights), calibrated on
  the same 256 samples,

and writes the results as a Markdown report. Every number in the report is
printed by the commands it runs; nothing is copied in.

`--methods entropy` (or any subset) measures only those methods; the rows of
the other methods, and the models not in `--models`, are carried over from
the report already at `--out` (numbers an earlier run of this script
measured; the report names the methods of each run). `--test-images N`
measures on the first N test images only, for quick iteration: such a report
carries nothing over and says so.
"""
import argparse
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(ROOT, "models")
sys.path.insert(0, MODELS_DIR)

METHODS = ["minmax", "moving-max", "moving-average", "percentile", "entropy",
           "mse"]
SCHEMES = [
    ("W8A8 per-axis", ""),
    ("W8A8 per-tensor", "per-axis-weights=false"),
    ("W4A8 per-axis", "weight-bits=4"),
]
MODELS = [
    ("cnn", "fashion_cnn.onnx", "bundled CNN (conv, depthwise, pointwise, "
     "relu/relu6, max/avg/global pooling, dense)"),
    ("resnet", "fashion_resnet.onnx", "small residual network (2 residual "
     "blocks with add + relu, max pooling, global pooling, dense)"),
    ("vgg", "fashion_vgg.onnx", "VGG-style (3x3 conv stacks, max pooling, "
     "flatten, 2 dense, softmax)"),
    ("mobilenet", "fashion_mobilenet.onnx", "MobileNet-style "
     "depthwise-separable network (3x3 depthwise + 1x1 pointwise, batch "
     "norm, ReLU6, global pooling, dense)"),
]
CALIB = os.path.join(MODELS_DIR, "fashion_cnn_calib.npy")


def run(cmd, log):
    t = time.time()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    log.write("$ %s\n%s%s(%.1f s, exit %d)\n" % (" ".join(cmd), r.stdout,
                                                 r.stderr, time.time() - t,
                                                 r.returncode))
    log.flush()
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


def top1(output):
    m = re.search(r"top-1: ([0-9.]+) \((\d+)/(\d+)\)", output)
    if not m:
        sys.exit("no top-1 line in:\n" + output)
    return int(m.group(2)) / int(m.group(3))


def pytorch_ptq(name, x_calib, x_test, y_test, per_channel):
    """FX graph mode PTQ with the onednn engine; returns (top-1, engine)."""
    import torch
    from torch.ao.quantization import QConfig, get_default_qconfig_mapping
    from torch.ao.quantization.observer import (HistogramObserver,
                                                MinMaxObserver)
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    import fashion_zoo

    engine = "onednn"
    if engine not in torch.backends.quantized.supported_engines:
        engine = "fbgemm"
    torch.backends.quantized.engine = engine
    torch.manual_seed(0)
    model = fashion_zoo.load_from_onnx(name)
    if per_channel:
        mapping = get_default_qconfig_mapping(engine)
    else:
        # The default mapping with every per-channel weight qconfig (the
        # global one and the explicit conv / linear / relu / batch-norm
        # entries) replaced by per-tensor weights; its fixed-qparams
        # entries (softmax) stay.
        default = get_default_qconfig_mapping(engine)
        per_tensor = QConfig(
            activation=HistogramObserver.with_args(reduce_range=False),
            weight=MinMaxObserver.with_args(dtype=torch.qint8,
                                            qscheme=torch.per_tensor_symmetric))
        mapping = default.set_global(per_tensor)
        for key, qconfig in list(default.object_type_qconfigs.items()):
            if "PerChannel" in repr(qconfig.weight):
                mapping.set_object_type(key, per_tensor)
    example = (torch.from_numpy(x_calib[:1]),)
    prepared = prepare_fx(model, mapping, example)
    with torch.no_grad():
        for i in range(0, len(x_calib), 32):
            prepared(torch.from_numpy(x_calib[i:i + 32]))
    quantized = convert_fx(prepared)
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x_test), 500):
            out = quantized(torch.from_numpy(x_test[i:i + 500]))
            correct += int((out.argmax(1).numpy() == y_test[i:i + 500]).sum())
    return correct / len(x_test), engine


def pct(v):
    return "%.2f" % (100 * v)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--work", default="/tmp/qmlir-quant-bench")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "QuantAccuracy.md"))
    p.add_argument("--models", default="cnn,resnet,vgg,mobilenet")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--test-images", type=int, default=0,
                   help="only the first N test images (0: all 10,000)")
    args = p.parse_args()
    methods = args.methods.split(",")
    for m in methods:
        if m not in METHODS:
            sys.exit("unknown method '%s' (%s)" % (m, ", ".join(METHODS)))
    bin_dir = os.path.join(args.build, "bin")
    qopt, qrun, translate = (os.path.join(bin_dir, t) for t in
                             ("qopt", "qrun", "qmlir-translate"))
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "bench.log"), "w")
    start = time.time()

    data = os.path.join(args.work, "data")
    run([sys.executable, os.path.join(MODELS_DIR, "fashion_mnist_data.py"),
         "--out", data], log)
    x_path = os.path.join(data, "fmnist_test_x.npy")
    y_path = os.path.join(data, "fmnist_test_y.npy")
    x_test, y_test = np.load(x_path), np.load(y_path)
    if args.test_images:
        x_test, y_test = x_test[:args.test_images], y_test[:args.test_images]
        x_path = os.path.join(data, "test_x_%d.npy" % args.test_images)
        y_path = os.path.join(data, "test_y_%d.npy" % args.test_images)
        np.save(x_path, x_test)
        np.save(y_path, y_test)
    x_calib = np.load(CALIB)

    wanted = args.models.split(",")
    results = {}
    for name, onnx_file, _ in MODELS:
        if name not in wanted:
            continue
        onnx_path = os.path.join(MODELS_DIR, onnx_file)
        if not os.path.exists(onnx_path):
            run([sys.executable, os.path.join(MODELS_DIR,
                                              "train_fashion_extra.py"),
                 "--model", name], log)
        work = os.path.join(args.work, name)
        os.makedirs(work, exist_ok=True)
        flt = os.path.join(work, "float.mlir")
        run([translate, "--import-onnx", "--batch", "100", onnx_path, "-o", flt],
            log)
        evaluate = [qrun, "--input", x_path, "--labels", y_path]
        r = {"float": top1(run([qrun, flt] + evaluate[1:], log))}
        print("%s float %s" % (name, pct(r["float"])), flush=True)
        for method in methods:
            cal = os.path.join(work, "calibrated-%s.mlir" % method)
            run([qopt, flt, "--qnn-fold-batchnorm", "--qnn-insert-calibration",
                 "--qnn-calibrate=samples=%s method=%s" % (CALIB, method),
                 "-o", cal], log)
            for scheme, options in SCHEMES:
                q = os.path.join(work, "q-%s-%s.mlir" % (
                    method, scheme.replace(" ", "_")))
                run([qopt, cal, "--qnn-quantize=" + options, "-o", q], log)
                r[(method, scheme)] = top1(run([qrun, q] + evaluate[1:], log))
                print("%s %s %s %s" % (name, method, scheme,
                                       pct(r[(method, scheme)])), flush=True)
                if method == "minmax" and scheme == "W8A8 per-axis":
                    sim = os.path.join(work, "sim.mlir")
                    run([qopt, q, "--qnn-fake-quantize", "-o", sim], log)
                    r["simulated"] = top1(run([qrun, sim] + evaluate[1:], log))
                    print("%s simulated %s" % (name, pct(r["simulated"])),
                          flush=True)
        for per_channel, key in ((True, "torch per-channel"),
                                 (False, "torch per-tensor")):
            acc, engine = pytorch_ptq(name, x_calib, x_test, y_test,
                                      per_channel)
            r[key] = acc
            r["engine"] = engine
            print("%s %s %s (%s)" % (name, key, pct(acc), engine), flush=True)
        results[name] = r

    measured = {name: [m for m in methods] for name in results}
    if not args.test_images and os.path.exists(args.out):
        old = read_report(args.out)
        for name, r_old in old.items():
            if name not in results:
                results[name] = r_old
                continue
            for key, value in r_old.items():
                results[name].setdefault(key, value)
    shown = [m for m in METHODS
             if all((m, "W8A8 per-axis") in r for r in results.values())]
    write_report(args.out, results, shown, time.time() - start, measured,
                 args)
    print("wrote %s (%.0f s)" % (args.out, time.time() - start))


def read_report(path):
    """The numbers of a report this script wrote earlier, per model."""
    results, r = {}, None
    scheme_names = [s for s, _ in SCHEMES]
    for line in open(path):
        m = re.match(r"## (\w+): ", line)
        if m:
            r = results.setdefault(m.group(1), {})
            continue
        if r is None:
            continue
        m = re.match(r"Float: \*\*([0-9.]+) %\*\*\. Fake-quantized simulation "
                     r"of W8A8 per-axis min-max: ([0-9.]+) %", line)
        if m:
            r["float"] = float(m.group(1)) / 100
            r["simulated"] = float(m.group(2)) / 100
            continue
        m = re.match(r"\| qmlir ([\w-]+) \| ([0-9.]+) \| ([0-9.]+) \| "
                     r"([0-9.]+) \|", line)
        if m:
            for scheme, v in zip(scheme_names, m.groups()[1:]):
                r[(m.group(1), scheme)] = float(v) / 100
            continue
        m = re.match(r"\| PyTorch FX PTQ \((\w+)\) \| ([0-9.]+) \| "
                     r"([0-9.]+) \|", line)
        if m:
            r["engine"] = m.group(1)
            r["torch per-channel"] = float(m.group(2)) / 100
            r["torch per-tensor"] = float(m.group(3)) / 100
    return results


def write_report(path, results, methods, seconds, measured, args):
    import torch
    lines = []
    w = lines.append
    w("# Quantization accuracy")
    w("")
    images = ("the first %d" % args.test_images if args.test_images
              else "the 10,000")
    w("Top-1 on %s Fashion-MNIST test images of four models: float," % images)
    w("qmlir's integer models for every calibration method and scheme, and")
    w("PyTorch's post-training quantization of the same models with the same")
    w("256 calibration images (`models/fashion_cnn_calib.npy`). Measured by")
    w("`bench/quant_accuracy.py` (it writes this file; nothing below is typed")
    w("in by hand) on %s, %s, torch %s." % (platform.machine(),
                                           platform.node() or "this machine",
                                           torch.__version__))
    w("Last run: `bench/quant_accuracy.py --models %s --methods %s`, %.0f s."
      % (args.models, args.methods, seconds))
    if any(name not in measured or measured[name] != methods
           for name in results):
        w("Rows of other methods and models are carried over from the earlier")
        w("runs that measured them (`git log -p docs/QuantAccuracy.md`).")
    w("")
    w("Schemes: activations are 8-bit asymmetric per tensor; weights symmetric,")
    w("per output channel (\"per-axis\") or per tensor, 8 or 4 bits (the first")
    w("layer too). qmlir commands, per model and method:")
    w("")
    w("```sh")
    w("qmlir-translate --import-onnx --batch 100 models/<model>.onnx -o float.mlir")
    w("qopt float.mlir --qnn-fold-batchnorm --qnn-insert-calibration \\")
    w("  --qnn-calibrate=\"samples=models/fashion_cnn_calib.npy method=<method>\" -o cal.mlir")
    w("qopt cal.mlir --qnn-quantize[=\"per-axis-weights=false\" | =\"weight-bits=4\"] -o q.mlir")
    w("qrun q.mlir --input fmnist_test_x.npy --labels fmnist_test_y.npy")
    w("```")
    w("")
    engine = next(iter(results.values()))["engine"]
    w("PyTorch: FX graph mode (`prepare_fx` / `convert_fx`, which fuses")
    w("conv + batch norm (+ relu) first), engine `%s` (this torch's" % engine)
    w("`torch.backends.quantized.supported_engines`: %s)," % ", ".join(
        "`%s`" % e for e in torch.backends.quantized.supported_engines))
    w("`get_default_qconfig_mapping(\"%s\")`: HistogramObserver" % engine)
    w("activations (quint8, full range), per-channel symmetric qint8 weights;")
    w("the per-tensor column uses MinMaxObserver per-tensor symmetric weights.")
    w("PyTorch has no 4-bit weight path for conv/linear in this version.")
    w("")
    for name, _, desc in MODELS:
        if name not in results:
            continue
        r = results[name]
        w("## %s: %s" % (name, desc))
        w("")
        if name in measured:
            w("Measured in the last run: float, PyTorch, %s." %
              ", ".join(measured[name]))
            w("")
        if "simulated" in r:
            w("Float: **%s %%**. Fake-quantized simulation of W8A8 per-axis "
              "min-max: %s %% (integer model: %s %%)." % (
                  pct(r["float"]), pct(r["simulated"]),
                  pct(r[("minmax", "W8A8 per-axis")])))
        else:
            w("Float: **%s %%**." % pct(r["float"]))
        w("")
        w("| calibration | W8A8 per-axis | W8A8 per-tensor | W4A8 per-axis |")
        w("|---|---|---|---|")
        for m in methods:
            w("| qmlir %s | %s |" % (m, " | ".join(
                pct(r[(m, s)]) for s, _ in SCHEMES)))
        w("| PyTorch FX PTQ (%s) | %s | %s | — |" % (
            r["engine"], pct(r["torch per-channel"]),
            pct(r["torch per-tensor"])))
        w("")
        best = max(r[(m, "W8A8 per-axis")] for m in methods)
        worst = min(r[(m, "W8A8 per-axis")] for m in methods)
        w("W8A8 per-axis: best method %s %% (%+.2f points from float), worst %s"
          " %% (%+.2f); PyTorch %s %% (%+.2f)." % (
              pct(best), 100 * (best - r["float"]), pct(worst),
              100 * (worst - r["float"]), pct(r["torch per-channel"]),
              100 * (r["torch per-channel"] - r["float"])))
        within = [m for m in methods
                  if r["float"] - r[(m, "W8A8 per-axis")] <= 0.003 + 1e-9]
        below = [m for m in methods
                 if r[(m, "W8A8 per-axis")] < r["torch per-channel"]]
        below_pt = [m for m in methods
                    if r[(m, "W8A8 per-tensor")] < r["torch per-tensor"]]
        w("")
        w("Targets: W8A8 per-axis within 0.3 points of float: %s; not below"
          " PyTorch per-channel: %s; per-tensor not below PyTorch per-tensor:"
          " %s." % (
              "all methods" if len(within) == len(methods) else
              ("only " + ", ".join(within) if within else "no method"),
              "all methods" if not below else "missed by " + ", ".join(below),
              "all methods" if not below_pt else
              "missed by " + ", ".join(below_pt)))
        w("")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
