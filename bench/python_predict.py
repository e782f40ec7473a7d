#!/usr/bin/python3
"""model.predict against qrun on the same model and inputs.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_predict.py [--build build] [--repeat 7] [--threads N]

Float and int8 (default QuantizationParams) versions of the bundled model,
batch 100, the 10,000 Fashion-MNIST test images. qrun: `--repeat N`, its
median wall time per pass over the inputs (compiled once, excluded).
Python: median wall time of `model.predict(x)` over N calls after one
warm-up call (which compiles). Both include copying inputs into the runtime
and outputs out of it. Beside wall time, the median process CPU time of
each (all threads; qrun's `s cpu`, Python's time.process_time()): on a
shared machine it does not count time given to other processes. Prints a
Markdown table with the ratios.
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


def qrun_median(qrun, model_path, x_path, repeat, threads):
    """qrun's median (wall, CPU) seconds per pass over the inputs."""
    out = subprocess.run([qrun, model_path, "--input", x_path, "--repeat",
                          str(repeat), "--threads", str(threads)], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"median ([0-9.e+-]+) s wall, ([0-9.e+-]+) s cpu", out)
    return float(m.group(1)), float(m.group(2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0,
                    help="threads of both (qrun --threads, Model.threads); "
                         "0: every core")
    args = ap.parse_args()
    qrun = os.path.join(args.build, "bin", "qrun")
    x, _ = fashion_mnist_data.load("test")
    calib = np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy"))
    model = qmlir.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"),
                       batch=100, threads=args.threads)
    qmodel = qmlir.quantize(model, samples=calib)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        x_path = os.path.join(tmp, "x.npy")
        np.save(x_path, x)
        for name, m in (("float", model), ("int8", qmodel)):
            path = os.path.join(tmp, name + ".mlir")
            m.save(path)
            q = qrun_median(qrun, path, x_path, args.repeat, args.threads)
            m.predict(x)
            times, cpu = [], []
            for _ in range(args.repeat):
                t, c = time.perf_counter(), time.process_time()
                m.predict(x)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            rows.append((name, q, (statistics.median(times),
                                   statistics.median(cpu))))
    print("| model | qrun wall / CPU (s / 10k images) | model.predict wall / "
          "CPU (s / 10k images) | predict / qrun, wall | CPU |")
    print("|---|---|---|---|---|")
    for name, (qw, qc), (pw, pc) in rows:
        print(f"| {name} | {qw:.3f} / {qc:.3f} | {pw:.3f} / {pc:.3f} | "
              f"{pw / qw:.2f} | {pc / qc:.2f} |")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
