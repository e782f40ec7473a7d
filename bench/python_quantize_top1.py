#!/usr/bin/python3
"""Top-1 of qmlir.quantize with default QuantizationParams against float.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_quantize_top1.py [--samples 1024] [--target int8]
        [--method minmax,mse,...|all] [--cle] [--config layers.json]
        [--per-tensor-activations] [--no-artifact]

The bundled model (batch 100), calibrated on the first N Fashion-MNIST
training images (min-max, the default), scored on the 10,000 test images.
Prints float and quantized top-1 and the difference in points. With
--target (a preset name or a target file), the model is quantized for that
target and also compiled to an artifact, whose top-1 (accelerator segments in
the simulator, the rest on the CPU) is printed beside it (--no-artifact:
not). --method takes a comma-separated list of calibration methods (or
"all"), one line each; --cle runs qnn-fold-batchnorm and
qnn-cross-layer-equalize first; --config starts from a per-layer
quantization config (docs/Quantization.md, e.g. bench/configs/*.json with
8-bit overrides for the first layer), which a target still constrains.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

import qmlir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
import fashion_mnist_data  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--target", help="quantize and compile for this target")
    ap.add_argument("--method", default="minmax",
                    help="calibration method(s), comma-separated, or all")
    ap.add_argument("--cle", action="store_true",
                    help="cross-layer equalization before quantizing")
    ap.add_argument("--config", help="per-layer quantization config (JSON)")
    ap.add_argument("--no-artifact", action="store_true",
                    help="with --target: score the CPU integer model only")
    ap.add_argument("--per-tensor-activations", action="store_true",
                    help="QuantizationParams(per_tensor_activations=True) "
                    "(the histogram methods need it where the target allows "
                    "per-axis activations)")
    args = ap.parse_args()
    methods = (list(qmlir.CALIBRATION_METHODS) if args.method == "all" else
               [m.replace("-", "_") for m in args.method.split(",")])
    x, y = fashion_mnist_data.load("test")
    calib, _ = fashion_mnist_data.load("train")
    calib = calib[:args.samples]
    model = qmlir.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"),
                       batch=100)
    if args.cle:
        model = model.transform(
            "func.func(qnn-fold-batchnorm,qnn-cross-layer-equalize)")
    q_config = None
    if args.config:
        with open(args.config) as f:
            q_config = json.load(f)
    top1 = (model.predict(x).argmax(1) == y).mean()
    print(f"calibration samples: {len(calib)} (training images); float "
          f"top-1 {top1:.4f}")
    for method in methods:
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", qmlir.CompilerRemark)
            extra = {"target": args.target} if args.target else {}
            qparams = None if q_config else qmlir.QuantizationParams(
                per_tensor_activations=args.per_tensor_activations)
            qmodel = qmlir.quantize(model, qparams, q_config=q_config,
                                    samples=calib, num_samples=args.samples,
                                    method=method, **extra)
        quantize_cpu = time.process_time() - start
        qtop1 = (qmodel.predict(x).argmax(1) == y).mean()
        scheme = ((f"target {args.target}" if args.target else "") +
                  (f" config {args.config}" if args.config else
                   " per-tensor activations" if args.per_tensor_activations
                   else " default QuantizationParams"))
        print(f"{method:15s} {scheme}{' +CLE' if args.cle else ''}: top-1 "
              f"{qtop1:.4f} ({100 * (qtop1 - top1):+.2f} points; quantize "
              f"{quantize_cpu:.1f} s CPU)", flush=True)
        if args.target and not args.no_artifact:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", qmlir.CompilerRemark)
                art = qmodel.compile(target=args.target)
            out = art.predict(x)
            same = np.array_equal(out, qmodel.predict(x))
            atop1 = (out.argmax(1) == y).mean()
            with open(os.devnull, "w") as devnull:
                totals = art.summary(file=devnull)["totals"]
            print(f"{'':15s} artifact: top-1 {atop1:.4f}, "
                  f"{'identical to' if same else 'DIFFERENT from'} the CPU "
                  f"integer outputs; totals {totals}", flush=True)

if __name__ == "__main__":
    main()
