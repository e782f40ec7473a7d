#!/usr/bin/env python3
"""Imports ONNX's own node tests (Debian libonnx-testdata) and runs them.

    run_onnx_testdata.py QMLIR_TRANSLATE QRUN WORKDIR MODEL...

MODEL is <suite>/<test> under /usr/share/libonnx-testdata/data. Each model is
imported with QMLIR_TRANSLATE, run with QRUN on test_data_set_0's inputs and
compared with its expected outputs. Prints one line per model and a summary;
exits 1 if any model fails.
"""
import glob
import os
import subprocess
import sys

import onnx
from onnx import numpy_helper
import numpy as np

DATA = "/usr/share/libonnx-testdata/data"


def tensors(pattern):
    files = sorted(glob.glob(pattern),
                   key=lambda f: int(f.rsplit("_", 1)[1].split(".")[0]))
    out = []
    for f in files:
        t = onnx.TensorProto()
        with open(f, "rb") as fh:
            t.ParseFromString(fh.read())
        out.append(numpy_helper.to_array(t))
    return out


def check(translate, qrun, work, name):
    model = os.path.join(DATA, name, "model.onnx")
    data = os.path.join(DATA, name, "test_data_set_0")
    tag = name.replace("/", "_")
    mlir = os.path.join(work, tag + ".mlir")
    p = subprocess.run([translate, "--import-onnx", model, "-o", mlir],
                       capture_output=True, text=True)
    if p.returncode:
        return p.stderr.strip()
    args = []
    for kind, flag in (("input", "--input"), ("output", "--expect")):
        for i, a in enumerate(tensors(os.path.join(data, kind + "_*.pb"))):
            path = os.path.join(work, "%s.%s%d.npy" % (tag, kind, i))
            np.save(path, a)
            args += [flag, path]
    p = subprocess.run([qrun, mlir, "--atol=1e-4", "--rtol=1e-4"] + args,
                       capture_output=True, text=True)
    if p.returncode:
        return (p.stderr + p.stdout).strip().replace("\n", " | ")
    return None


def main():
    translate, qrun, work = sys.argv[1:4]
    names = sys.argv[4:]
    os.makedirs(work, exist_ok=True)
    failed = 0
    for name in names:
        error = check(translate, qrun, work, name)
        if error:
            failed += 1
            print("FAIL %s: %s" % (name, error))
        else:
            print("OK %s" % name)
    print("%d of %d models match" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
