#!/usr/bin/python3
"""QuantizeML's "advanced quantization" flow with qmlir, on the bundled
Fashion-MNIST model.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/quantize_tutorial.py \
        [--images 10000] [--out build/tutorial]

1. load the float model and measure its top-1;
2. quantize with default QuantizationParams (8-bit weights and
   activations, per-axis activations, uint8 input) on the bundled
   calibration sample (256 images);
3. dump the per-layer config, change the dense layer to 4-bit weights and
   keep the first layer at 8 bits, re-quantize from the edited config;
4. compare accuracies, print the summary and the per-layer error report of
   the 4-bit variant, and save the pictures (weight histograms, SQNR chart,
   op graph) under --out;
5. quantize for the int8 accelerator preset, print where each layer runs,
   compile the accelerator artifact, print its summary (bit widths, cycle
   model), check it bit for bit against the quantized model and save it.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np

import qmlir

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "models"))
import fashion_mnist_data  # noqa: E402


def top1(model, x, y):
    return float((model.predict(x).argmax(-1) == y).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=10000)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "tutorial"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    x, y = fashion_mnist_data.load("test")
    x, y = x[:args.images], y[:args.images]
    calib = np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy"))

    model = qmlir.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"),
                       batch=100)
    print(f"float top-1: {top1(model, x, y):.4f}")

    qmodel = qmlir.quantize(model, qmlir.QuantizationParams(), samples=calib)
    print(f"int8 (default QuantizationParams) top-1: {top1(qmodel, x, y):.4f}")

    config = qmlir.dump_config(qmodel)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    first = next(iter(config["layers"]))
    config["layers"][first]["weight_bits"] = 8
    config["layers"]["/16/Gemm"]["weight_bits"] = 4
    q4 = qmlir.quantize(model, q_config=config, samples=calib)
    print(f"dense at 4-bit weights top-1: {top1(q4, x, y):.4f}")

    q4.summary()
    report = q4.report(calib[:100])
    print("saved:",
          qmlir.plot.weights(q4, "/16/Gemm",
                             os.path.join(args.out, "dense_weights.png")),
          qmlir.plot.sqnr(report, os.path.join(args.out, "sqnr.png")),
          q4.graph(os.path.join(args.out, "graph.svg")))

    # 5. For an accelerator: quantize within what the int8 preset runs,
    # see where each layer runs, compile the artifact, check it against the
    # CPU integer path on a batch, save it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qmlir.CompilerRemark)
        qt = qmlir.quantize(model, samples=calib, target="int8")
    qt.summary(target="int8")
    art = qt.compile(target="int8")
    art.summary()
    batch = x[:100]
    same = bool((art.predict(batch) == qt.predict(batch)).all())
    print(f"artifact bit-exact with the quantized model on {len(batch)} "
          f"images: {same}")
    path = os.path.join(args.out, "int8.qart")
    art.save(path)
    print("saved:", path)


if __name__ == "__main__":
    main()
