#!/usr/bin/env python3
"""Post-training quantization techniques on the Fashion-MNIST models: top-1
on the 10,000 test images at W8A8 per-tensor, W4A8 per-tensor and W4A8
per-axis weights with nothing, batch-norm folding, cross-layer
equalization, bias correction (analytical and empirical) and AdaRound.

    /usr/bin/python3 bench/ptq_techniques.py [--build build] [--models mobilenet,cnn,resnet,vgg]

Every cell is a qopt pipeline on the imported float model followed by
`qrun` on the test images; the script prints each command and writes the
tables into docs/CLE.md between the bench/ptq_techniques.py markers.
Activations are 8-bit asymmetric per tensor, calibrated (min-max) on the
256 bundled training images (models/fashion_cnn_calib.npy), which also
feed empirical bias correction and AdaRound.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(ROOT, "models")
CALIB = os.path.join(MODELS_DIR, "fashion_cnn_calib.npy")
MODELS = {
    "mobilenet": ("fashion_mobilenet.onnx", "MobileNet-style depthwise-"
                  "separable network (`models/fashion_zoo.py`)"),
    "cnn": ("fashion_cnn.onnx", "bundled CNN"),
    "resnet": ("fashion_resnet.onnx", "small residual network"),
    "vgg": ("fashion_vgg.onnx", "VGG-style network ending in softmax"),
}
SCHEMES = [
    ("W8A8 per-tensor", "per-axis-weights=false"),
    ("W4A8 per-tensor", "weight-bits=4 per-axis-weights=false"),
    ("W4A8 per-axis", "weight-bits=4 per-axis-weights=true"),
]
# column: (float model, extra passes before calibration, after calibration)
COLUMNS = [
    ("nothing", "none", None, None),
    ("+ BN folding", "fold", None, None),
    ("+ CLE", "cle", None, None),
    ("+ CLE + BC (analytical)", "cle", None, "analytical"),
    ("+ CLE + BC (empirical)", "cle", None, "empirical"),
    ("+ BN folding + AdaRound", "fold", "adaround", None),
    ("+ CLE + AdaRound", "cle", "adaround", None),
]


def run(cmd, log, capture=True):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    log.write("$ %s\n%s%s(exit %d)\n" % (" ".join(cmd), r.stdout[-2000:],
                                         r.stderr[-4000:], r.returncode))
    log.flush()
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


def top1(output):
    m = re.search(r"top-1: ([0-9.]+) \((\d+)/(\d+)\)", output)
    if not m:
        sys.exit("no top-1 line in:\n" + output)
    return 100.0 * int(m.group(2)) / int(m.group(3))


def main():
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--work", default="/tmp/qmlir-ptq-bench")
    p.add_argument("--models", default="mobilenet,cnn,resnet,vgg")
    p.add_argument("--doc", default=os.path.join(ROOT, "docs", "CLE.md"))
    p.add_argument("--no-doc", action="store_true",
                   help="print the tables only")
    args = p.parse_args()
    bin_dir = os.path.join(args.build, "bin")
    qopt, qrun, translate = (os.path.join(bin_dir, t)
                             for t in ("qopt", "qrun", "qmlir-translate"))
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "bench.log"), "w")
    start = time.time()
    run([sys.executable, os.path.join(MODELS_DIR, "fashion_mnist_data.py"),
         "--out", args.work], log)
    x = os.path.join(args.work, "fmnist_test_x.npy")
    y = os.path.join(args.work, "fmnist_test_y.npy")

    def evaluate(model):
        return top1(run([qrun, model, "--input", x, "--labels", y], log))

    sections = []
    for name in args.models.split(","):
        onnx_file, desc = MODELS[name]
        work = os.path.join(args.work, name)
        os.makedirs(work, exist_ok=True)
        floats = {v: os.path.join(work, v + ".mlir")
                  for v in ("none", "fold", "cle")}
        run([translate, "--import-onnx", "--batch", "100",
             os.path.join(MODELS_DIR, onnx_file), "-o", floats["none"]], log)
        run([qopt, floats["none"], "--qnn-fold-batchnorm", "-o",
             floats["fold"]], log)
        run([qopt, floats["fold"], "--qnn-cross-layer-equalize", "-o",
             floats["cle"]], log)
        float_top1 = {v: evaluate(f) for v, f in floats.items()}
        print("%s float %s" % (name, float_top1), flush=True)
        cells = {}
        times = {}
        for scheme, options in SCHEMES:
            for column, variant, before, after in COLUMNS:
                passes = []
                if before == "adaround":
                    passes.append("--qnn-adaround=samples=%s %s" %
                                  (CALIB, options))
                passes += ["--qnn-insert-calibration",
                           "--qnn-calibrate=samples=%s" % CALIB]
                if after == "analytical":
                    passes.append("--qnn-bias-correction=%s" % options)
                elif after == "empirical":
                    passes.append("--qnn-bias-correction=mode=empirical "
                                  "samples=%s %s" % (CALIB, options))
                passes.append("--qnn-quantize=%s" % options)
                q = os.path.join(work, "q.mlir")
                t = time.time()
                run([qopt, floats[variant]] + passes + ["-o", q], log)
                times[(scheme, column)] = time.time() - t
                cells[(scheme, column)] = evaluate(q)
                print("%s %s %s: %.2f (qopt %.1f s)" % (
                    name, scheme, column, cells[(scheme, column)],
                    times[(scheme, column)]), flush=True)
        lines = ["### %s: %s" % (name, desc), "",
                 "Float top-1: %.2f %% (imported), %.2f %% (BN folded), "
                 "%.2f %% (CLE)." % (float_top1["none"], float_top1["fold"],
                                     float_top1["cle"]), "",
                 "| weights | " + " | ".join(c[0] for c in COLUMNS) + " |",
                 "|---" * (len(COLUMNS) + 1) + "|"]
        for scheme, _ in SCHEMES:
            lines.append("| %s | " % scheme + " | ".join(
                "%.2f" % cells[(scheme, c[0])] for c in COLUMNS) + " |")
        ada = [times[(s, "+ CLE + AdaRound")] for s, _ in SCHEMES]
        lines += ["", "qopt time of a `+ CLE + AdaRound` cell (AdaRound, "
                  "calibration, quantization): %.0f to %.0f s." %
                  (min(ada), max(ada))]
        sections.append("\n".join(lines))
    tables = "\n\n".join(sections)
    print(tables)
    print("(%.0f s)" % (time.time() - start), file=sys.stderr)
    if args.no_doc:
        return
    begin = "<!-- bench/ptq_techniques.py: begin -->"
    end = "<!-- bench/ptq_techniques.py: end -->"
    text = open(args.doc).read()
    if begin not in text or end not in text:
        sys.exit("%s: missing the %s / %s markers" % (args.doc, begin, end))
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(args.doc, "w").write(head + begin + "\n" + tables + "\n" + end + tail)
    print("tables written to %s" % args.doc, file=sys.stderr)


if __name__ == "__main__":
    main()
