#!/usr/bin/python3
"""qmlir CPU benchmark: kernel GMAC/s beside the machine's peak, and the
bundled Fashion-MNIST CNN (batch 100, 10,000 images) float and int8.

  bench/run.py [--build build] [--work build/bench] [--codegen fast,reference]
               [--repeat 9] [--model-runs 3] [--skip-model] [--skip-kernels]
               [--cpu-features LIST]

Kernels (bench/gen_kernels.py) are qnn modules compiled by qrun, i.e. by
qmlir's own lowering; each is run once to warm up and then --repeat times;
the median time per run gives GMAC/s (the conv counts 3136*64*576 MACs, the
matmul 512^3). The peak comes from bench/peak.c (hand-written fp32 FMA and
int8 vpdpbusd loops), built here with clang-22. The model runs report
the median wall and CPU time of --model-runs runs over the 10,000 images
after a warm-up run (qrun --repeat; JIT compile and file loading excluded). Nothing here is a test: times depend on
the machine and its load.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KERNELS = [
    # name, MACs
    ("conv_f32", 3136 * 64 * 576),
    ("conv_i8", 3136 * 64 * 576),
    ("matmul_f32", 512 ** 3),
    ("matmul_i8", 512 ** 3),
]


def run(cmd, **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, **kw)
    if res.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (res.returncode, " ".join(cmd),
                                          res.stdout))
    return res.stdout


def peaks(work):
    exe = os.path.join(work, "peak")
    run(["clang-22", "-O2", "-mavx512f", "-mavx512vnni",
         os.path.join(ROOT, "bench", "peak.c"), "-o", exe])
    out = run([exe])
    return {k: float(v) for k, v in (l.split() for l in out.splitlines())}


def codegen_args(mode, features):
    # One thread: the GMAC/s and % of peak are per core (qrun's default is
    # every core, and the CPU time of a 2-thread run also counts the waits).
    args = ["--threads", "1"]
    if mode:
        args.append("--cpu-codegen=" + mode)
    if features:
        args.append("--cpu-features=" + features)
    return args


def kernels(args, qrun, work, modes):
    run([sys.executable, os.path.join(ROOT, "bench", "gen_kernels.py"), work])
    rows = []
    for name, macs in KERNELS:
        for mode in modes:
            repeat = args.repeat if mode != "reference" else min(args.repeat, 3)
            out = run([qrun, os.path.join(work, name + ".mlir"), "--input",
                       os.path.join(work, name + ".x.npy"),
                       "--repeat", str(repeat)] +
                      codegen_args(mode, args.cpu_features))
            m = re.search(r"repeat: .* ([0-9.]+) s cpu, min", out)
            seconds = float(m.group(1))
            rows.append((name, mode or "default", seconds, macs / seconds / 1e9))
    return rows


def model(args, build, work, modes):
    bin_ = os.path.join(build, "bin")
    data = os.path.join(work, "fmnist_test_x.npy")
    if not os.path.exists(data):
        run(["/usr/bin/python3",
             os.path.join(ROOT, "models", "fashion_mnist_data.py"), "--out",
             work])
    fl, i8 = os.path.join(work, "float.mlir"), os.path.join(work, "int8.mlir")
    run([os.path.join(bin_, "qmlir-translate"), "--import-onnx", "--batch",
         "100", os.path.join(ROOT, "models", "fashion_cnn.onnx"), "-o", fl])
    run([os.path.join(bin_, "qopt"), fl, "--qnn-fold-batchnorm",
         "--qnn-insert-calibration",
         "--qnn-calibrate=samples=" +
         os.path.join(ROOT, "models", "fashion_cnn_calib.npy"),
         "--qnn-quantize", "-o", i8])
    rows = []
    for kind, path in (("float", fl), ("int8", i8)):
        for mode in modes:
            out = run([os.path.join(bin_, "qrun"), path, "--input", data,
                       "--labels", os.path.join(work, "fmnist_test_y.npy"),
                       "--repeat", str(args.model_runs)]
                      + codegen_args(mode, args.cpu_features))
            m = re.search(r"median ([0-9.]+) s wall, ([0-9.]+) s cpu", out)
            top1 = re.search(r"top-1: (\S+)", out).group(1)
            rows.append((kind, mode or "default", float(m.group(1)),
                         float(m.group(2)), top1))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--work", default=None)
    p.add_argument("--codegen", default="",
                   help="comma-separated qrun --cpu-codegen modes "
                   "(empty: qrun's default)")
    p.add_argument("--cpu-features", default="")
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--model-runs", type=int, default=3)
    p.add_argument("--skip-model", action="store_true")
    p.add_argument("--skip-kernels", action="store_true")
    args = p.parse_args()
    work = args.work or os.path.join(args.build, "bench")
    os.makedirs(work, exist_ok=True)
    modes = args.codegen.split(",") if args.codegen else [""]
    qrun = os.path.join(args.build, "bin", "qrun")

    print("machine: %s, %d cores online" % (
        next((l.split(":", 1)[1].strip()
              for l in open("/proc/cpuinfo") if l.startswith("model name")),
             "?"), os.cpu_count()))
    if not args.skip_kernels:
        pk = peaks(work)
        print("peak (bench/peak.c, one core): fp32 FMA %.1f GMAC/s, "
              "int8 vpdpbusd %.1f GMAC/s" % (pk["fp32-fma"], pk["int8-vnni"]))
        print()
        print("| kernel | codegen | median cpu s/run | GMAC/s | % of peak |")
        print("|---|---|---|---|---|")
        for name, mode, s, g in kernels(args, qrun, work, modes):
            peak = pk["int8-vnni"] if name.endswith("i8") else pk["fp32-fma"]
            print("| %s | %s | %.5f | %.2f | %.1f |" %
                  (name, mode, s, g, 100 * g / peak))
        sys.stdout.flush()
    if not args.skip_model:
        print()
        print("| model (b100, 10,000 images) | codegen | median wall s | "
              "median cpu s | top-1 |")
        print("|---|---|---|---|---|")
        for kind, mode, w, c, top1 in model(args, args.build, work, modes):
            print("| %s | %s | %.3f | %.3f | %s |" % (kind, mode, w, c, top1))


if __name__ == "__main__":
    main()
