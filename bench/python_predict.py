#!/usr/bin/python3
"""model.predict against qrun on the same model and inputs.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_predict.py [--build build] [--repeat 7]

Float and int8 (default QuantizationParams) versions of the bundled model,
batch 100, the 10,000 Fashion-MNIST test images. qrun: `--repeat N`, its
median wall time per pass over the inputs (compiled once, excluded).
Python: median wall time of `model.predict(x)` over N calls after one
warm-up call (which compiles). Both include copying inputs into the runtime
and outputs out of it. Prints a Markdown table with the ratio.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import qmlir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
import fashion_mnist_data  # noqa: E402


def qrun_median(qrun, model_path, x_path, repeat):
    out = subprocess.run([qrun, model_path, "--input", x_path, "--repeat",
                          str(repeat)], check=True, capture_output=True,
                         text=True).stdout
    return float(re.search(r"median ([0-9.e+-]+) s wall", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    qrun = os.path.join(args.build, "bin", "qrun")
    x, _ = fashion_mnist_data.load("test")
    calib = np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy"))
    model = qmlir.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"),
                       batch=100)
    qmodel = qmlir.quantize(model, samples=calib)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        x_path = os.path.join(tmp, "x.npy")
        np.save(x_path, x)
        for name, m in (("float", model), ("int8", qmodel)):
            path = os.path.join(tmp, name + ".mlir")
            m.save(path)
            q = qrun_median(qrun, path, x_path, args.repeat)
            m.predict(x)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                m.predict(x)
                times.append(time.perf_counter() - t)
            p = statistics.median(times)
            rows.append((name, q, p))
    print("| model | qrun (s / 10k images) | model.predict (s / 10k images) "
          "| predict / qrun |")
    print("|---|---|---|---|")
    for name, q, p in rows:
        print(f"| {name} | {q:.3f} | {p:.3f} | {p / q:.2f} |")


if __name__ == "__main__":
    main()
