#!/usr/bin/env python3
"""Which qnn ops qnn-quantize gives integer semantics, over ONNX test models.

    bench/quant_coverage.py [--build build | --bin DIR] [--only SUBSTR ...]
                            [--activation-bits 8]

For every ONNX node test of Debian's libonnx-testdata (optionally only those
whose name contains one of the --only substrings) that imports with
`qmlir-translate --import-onnx` as it is (tests that need bound inputs are
skipped), runs `qopt --qnn-insert-calibration --qnn-calibrate --qnn-quantize`
with random calibration samples, and counts each computing qnn op (with its
kind for qnn.unary/qnn.reduce) of the result by whether its result is
quantized (or an integer table) or left float. Prints a table of the ops
left float first, then the totals. Integer-only models (plain integer div/pow/add) have no
float ops to quantize and count under "plain integers".
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

DATA = "/usr/share/libonnx-testdata/data/node"
SKIP = {"quantize", "dequantize", "requantize", "observe", "cast", "custom"}
OP = re.compile(r'=\s+"?qnn\.(\w+)"?\s*(\w+)?')


def classify(line):
    m = OP.search(line)
    if not m:
        return None
    name, kind = m.group(1), m.group(2)
    # The result type: after "->", or after the last " : " (one type).
    result = line.rsplit("->", 1)[1] if "->" in line else line.rsplit(" : ", 1)[-1]
    if name in SKIP:
        return None
    if name in ("unary", "reduce") and kind:
        name = "%s %s" % (name, kind)
    if "!quant." in result:
        return name, "quantized"
    if re.search(r"x(f16|f32|f64|bf16)>", result) or re.search(r"<(f16|f32|f64|bf16)>", result):
        return name, "float"
    return name, "plain integers"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--bin", help="directory of qopt and qmlir-translate "
                    "(default: <build>/bin)")
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--activation-bits", type=int, default=8)
    args = ap.parse_args()
    bin_dir = args.bin or os.path.join(args.build, "bin")
    counts = collections.defaultdict(collections.Counter)
    tests = collections.defaultdict(set)
    skipped = 0
    for d in sorted(glob.glob(os.path.join(DATA, "test_*"))):
        name = os.path.basename(d)
        if args.only and not any(s in name for s in args.only):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            mlir = os.path.join(tmp, "m.mlir")
            r = subprocess.run([os.path.join(bin_dir, "qmlir-translate"),
                                "--import-onnx", os.path.join(d, "model.onnx"),
                                "-o", mlir], capture_output=True, text=True)
            if r.returncode != 0:
                skipped += 1
                continue
            r = subprocess.run(
                [os.path.join(bin_dir, "qopt"), mlir,
                 "--qnn-insert-calibration",
                 "--qnn-calibrate=num-samples=4",
                 "--qnn-quantize=activation-bits=%d" % args.activation_bits,
                 "--mlir-print-debuginfo=false"],
                capture_output=True, text=True)
            if r.returncode != 0:
                skipped += 1
                continue
            for line in r.stdout.splitlines():
                c = classify(line)
                if c:
                    counts[c[0]][c[1]] += 1
                    tests[(c[0], c[1])].add(name)
    rows = sorted(counts.items(),
                  key=lambda kv: (-kv[1]["float"], kv[0]))
    print("| qnn op | quantized | left float | plain integers | e.g. (left float) |")
    print("|---|---|---|---|---|")
    for op, c in rows:
        example = sorted(tests.get((op, "float"), []))[:2]
        print("| %s | %d | %d | %d | %s |" % (op, c["quantized"], c["float"],
                                             c["plain integers"],
                                             ", ".join(example)))
    total = collections.Counter()
    for c in counts.values():
        total.update(c)
    print("\n%d ops quantized, %d left float, %d plain integers"
          % (total["quantized"], total["float"], total["plain integers"]))
    print("%d tests skipped (import or quantize failed)" % skipped,
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
