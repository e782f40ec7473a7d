#!/usr/bin/env python3
"""ONNX's own conformance tests (Debian libonnx-testdata) through qmlir.

    bench/onnx_conformance.py [--build build] [--jobs 2] [--timeout 120]
                              [--out docs/ONNXConformance.md]
                              [--only SUBSTR | --tests suite/name ...]

Every test directory under /usr/share/libonnx-testdata/data/{node,
pytorch-converted,pytorch-operator,simple} holds a model.onnx and
test_data_set_*/{input,output}_*.pb TensorProtos. For each test this script

1. converts the TensorProtos to .npy with the onnx package;
2. binds "attribute-like" graph inputs (shapes, axes, pads, scales, zero
   points, Gather indices: the BOUND table below, and integer scalars that
   reach those positions through other nodes, e.g. a window size) as
   initializers with the test's values, because qmlir compiles static graphs
   and needs them at import time (real models carry them as initializers;
   the report lists every test where this happened);
3. imports the model with `qmlir-translate --import-onnx`;
4. runs every data set with `qrun --expect ... --rtol 1e-3 --atol 1e-7`
   (onnx.backend.test's tolerances; integer outputs must be equal);
5. records imported / executed / matched / the first error line, and whether
   the process crashed (signal, LLVM ERROR, stack dump) or hung (timeout).

A test is "in scope" when all its ops are in SUPPORTED (the importer's handler
table) and every tensor (inputs, outputs, initializers, inferred values) is
float32/int8/uint8/int32/int64 of rank <= 4. The table goes to --out. Exit
status 1 when any test crashed or hung, or an in-scope test failed for a
reason other than a documented unsupported feature (see KNOWN_LIMITS).
"""
import argparse
import concurrent.futures as cf
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference, TensorProto

DATA = "/usr/share/libonnx-testdata/data"
SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
RTOL, ATOL = 1e-3, 1e-7

# The importer's handler table (lib/Import/ONNX/*Ops.cpp register...Handlers).
SUPPORTED = set("""
Conv ConvTranspose MaxPool AveragePool GlobalAveragePool GlobalMaxPool
BatchNormalization Gemm MatMul Relu Clip Sigmoid Tanh Exp Log Sqrt Reciprocal
Abs Neg Floor Ceil Sin Cos Softplus Softsign HardSwish HardSigmoid LeakyRelu
Elu Selu Celu ThresholdedRelu Identity Dropout Add Sub Mul Div Pow PRelu Sum
Mean Max Min Reshape Flatten Squeeze Unsqueeze Transpose Concat Split Slice
Gather Pad Constant Shape Size Cast CastLike Range ConstantOfShape Softmax
LogSoftmax ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceSumSquare
ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp InstanceNormalization
LayerNormalization MeanVarianceNormalization LRN Resize Upsample
QuantizeLinear DequantizeLinear QLinearConv QLinearMatMul ConvInteger
MatMulInteger
""".split())

# Inputs that models normally carry as initializers and qmlir needs at import
# time: (op_type, input index).
BOUND = {
    "Reshape": [1], "Slice": [1, 2, 3, 4], "Pad": [1, 2, 3], "Gather": [1],
    "Squeeze": [1], "Unsqueeze": [1], "Split": [1], "ReduceSum": [1],
    "ReduceMean": [1], "ReduceMax": [1], "ReduceMin": [1], "ReduceProd": [1],
    "ReduceL1": [1], "ReduceL2": [1], "ReduceLogSum": [1],
    "ReduceLogSumExp": [1], "ReduceSumSquare": [1], "Resize": [1, 2, 3],
    "Upsample": [1], "ConstantOfShape": [0], "Range": [0, 1, 2],
    "Clip": [1, 2], "Dropout": [1, 2], "QuantizeLinear": [1, 2],
    "DequantizeLinear": [1, 2], "QLinearConv": [1, 2, 4, 5, 6, 7, 8],
    "QLinearMatMul": [1, 2, 4, 5, 6, 7], "ConvInteger": [2, 3],
    "MatMulInteger": [2, 3],
}

OK_TYPES = {TensorProto.FLOAT, TensorProto.INT8, TensorProto.UINT8,
            TensorProto.INT32, TensorProto.INT64}

# Failures of in-scope tests that are documented limitations rather than bugs
# (regex on the error line -> short reason). Anything else in scope is a bug.
KNOWN_LIMITS = [
    (r"of INT64 values computed at run time is not supported",
     "INT64 data computed at run time"),
    (r"values computed at run time is not supported",
     "integer arithmetic on values computed at run time"),
    (r"Pow of .* integer", "integer arithmetic on values computed at run time"),
    (r"only INT8, UINT8 and INT32 integer inputs are supported",
     "INT64 data computed at run time"),
    (r"must be a constant \(an initializer or computed from constants\)",
     "a shape-determining input computed at run time"),
    (r"the Indices output", "MaxPool Indices output"),
    (r"output #1 .* of Dropout", "Dropout mask output"),
    (r"Cast of a value computed at run time", "Cast of a run-time value"),
    (r"empty tensors are not supported", "empty tensors"),
    (r"ONNX checker failed", "model rejected by the ONNX checker"),
]


def load_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def numbered(pattern):
    return sorted(glob.glob(pattern),
                  key=lambda f: int(re.findall(r"_(\d+)\.pb$", f)[0]))


def classify(model):
    """(in_scope, why_not, ops) for a model."""
    ops = sorted({n.op_type for n in model.graph.node})
    domains = {n.domain for n in model.graph.node} - {"", "ai.onnx"}
    if domains:
        return False, "domain " + ",".join(sorted(domains)), ops
    missing = [o for o in ops if o not in SUPPORTED]
    if missing:
        return False, "op " + ",".join(missing), ops
    try:
        inferred = shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - libonnx's own errors
        inferred = model
    g = inferred.graph
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        if not vi.type.HasField("tensor_type"):
            return False, "non-tensor type", ops
        tt = vi.type.tensor_type
        if tt.elem_type not in OK_TYPES:
            return False, "type " + TensorProto.DataType.Name(tt.elem_type), ops
        if tt.HasField("shape") and len(tt.shape.dim) > 4:
            return False, "rank > 4", ops
    for t in g.initializer:
        if t.data_type not in OK_TYPES:
            return False, "type " + TensorProto.DataType.Name(t.data_type), ops
        if len(t.dims) > 4:
            return False, "rank > 4", ops
    return True, "", ops


def bind_inputs(model, inputs):
    """Moves attribute-like graph inputs into initializers. Returns the bound
    names and the indices of the remaining inputs."""
    initializers = {t.name for t in model.graph.initializer}
    graph_inputs = [vi.name for vi in model.graph.input
                    if vi.name not in initializers]
    wanted = set()
    for node in model.graph.node:
        for i in BOUND.get(node.op_type, []):
            if i < len(node.input) and node.input[i] in graph_inputs:
                wanted.add(node.input[i])
    # Only bind when nothing else reads the value at run time.
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name in wanted and i not in BOUND.get(node.op_type, []):
                wanted.discard(name)
    # Shape-determining inputs: integer scalars and 1-D tensors that reach
    # such a position through other nodes (a window size cast to float and
    # used as Range's limit). The graph's shapes depend on their value, so
    # the test checks the model specialized to it, like a model that carries
    # the value as an initializer.
    producer = {out: node for node in model.graph.node for out in node.output}
    reaching = set()
    stack = [node.input[i] for node in model.graph.node
             for i in BOUND.get(node.op_type, []) if i < len(node.input)]
    while stack:
        name = stack.pop()
        if not name or name in reaching:
            continue
        reaching.add(name)
        if name in producer:
            stack.extend(producer[name].input)
    int_types = {TensorProto.INT32, TensorProto.INT64}
    for vi in model.graph.input:
        tt = vi.type.tensor_type
        if vi.name in reaching and vi.name in graph_inputs and \
                tt.elem_type in int_types and len(tt.shape.dim) <= 1:
            wanted.add(vi.name)
    bound, remaining = [], []
    for idx, name in enumerate(graph_inputs):
        if name in wanted and idx < len(inputs):
            model.graph.initializer.append(
                numpy_helper.from_array(inputs[idx], name))
            bound.append(name)
        else:
            remaining.append(idx)
    kept = [vi for vi in model.graph.input if vi.name not in bound]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    return bound, remaining


def first_line(text):
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line
    return ""


def crashed(proc_rc, text):
    """A signal, an abort, or LLVM's crash output (libonnx's ONNX_ASSERT
    messages are exceptions the importer catches: clean errors)."""
    return proc_rc < 0 or proc_rc > 1 or "Stack dump" in text or \
        "LLVM ERROR" in text or "terminate called" in text or \
        "Sanitizer" in text or "runtime error:" in text


def quantize_and_run(args, res, work, mlir, remaining, ins):
    """--quantize: calibrates the imported model on a few random samples,
    quantizes it and runs it on the test's inputs (outputs not compared: the
    quantization error is not the question here, crashes are). Records
    q_status ok / error (a clean diagnostic) / crash / hang and q_reason."""
    qmlir = os.path.join(work, "quant.mlir")
    steps = [[args.qopt, mlir, "--qnn-fold-batchnorm",
              "--qnn-insert-calibration",
              "--qnn-calibrate=num-samples=4", "--qnn-quantize",
              "--mlir-print-debuginfo=false", "-o", qmlir],
             [args.qrun, qmlir] + sum(
                 (["--input", os.path.join(work, "q%d.npy" % j)]
                  for j in remaining), [])]
    for j in remaining:
        np.save(os.path.join(work, "q%d.npy" % j), ins[j])
    for what, cmd in zip(("quantize", "quantized run"), steps):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            res["q_status"], res["q_reason"] = "hang", what + " timed out"
            return
        if p.returncode:
            text = p.stderr + p.stdout
            res["q_status"] = "crash" if crashed(p.returncode, text) else "error"
            errs = [l.strip() for l in text.splitlines()
                    if "error" in l.lower() or "Stack dump" in l]
            res["q_reason"] = what + ": " + (errs[0] if errs else
                                             first_line(text))
            return
    res["q_status"], res["q_reason"] = "ok", ""


def fold_and_compare(args, res, work, mlir, remaining, ins, n_outputs):
    """--fold: for a model whose import has a qnn.batch_norm, runs it as
    imported and after qnn-fold-batchnorm on the test's inputs and compares
    the two: rtol 1e-5, atol 1e-5 of the largest output magnitude (the
    issue's "within 1e-5 relative"; a pure relative test would fail on
    outputs that are 0 up to float rounding). Records f_status ok / mismatch
    / error / crash / hang and f_reason."""
    with open(mlir) as f:
        if "qnn.batch_norm" not in f.read():
            return
    inputs = []
    for j in remaining:
        path = os.path.join(work, "f%d.npy" % j)
        np.save(path, ins[j])
        inputs += ["--input", path]
    ref = [os.path.join(work, "ref%d.npy" % j) for j in range(n_outputs)]
    folded = os.path.join(work, "folded.mlir")
    steps = [("run", [args.qrun, mlir] + inputs +
              sum((["--output", r] for r in ref), [])),
             ("fold", [args.qopt, mlir, "--qnn-fold-batchnorm",
                       "--mlir-print-debuginfo=false", "-o", folded])]
    for what, cmd in steps:
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            res["f_status"], res["f_reason"] = "hang", what + " timed out"
            return
        if p.returncode:
            text = p.stderr + p.stdout
            res["f_status"] = "crash" if crashed(p.returncode, text) else "error"
            res["f_reason"] = what + ": " + first_line(text)
            return
    largest = max(float(np.max(np.abs(np.load(r)))) if np.load(r).size else 0.0
                  for r in ref)
    cmd = [args.qrun, folded, "--rtol=1e-5", "--atol=%g" % (1e-5 * largest)] \
        + inputs + sum((["--expect", r] for r in ref), [])
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        res["f_status"], res["f_reason"] = "hang", "folded run timed out"
        return
    if p.returncode:
        text = p.stderr + p.stdout
        res["f_status"] = "crash" if crashed(p.returncode, text) else "mismatch"
        res["f_reason"] = first_line(text)
        return
    res["f_status"], res["f_reason"] = "ok", ""


def run_test(args, suite, name):
    d = os.path.join(DATA, suite, name)
    res = {"suite": suite, "name": name, "imported": False,
           "executed": False, "matched": False, "reason": "", "bound": [],
           "crash": False, "hang": False, "in_scope": False, "scope": "",
           "seconds": 0.0, "q_status": "", "q_reason": "",
           "f_status": "", "f_reason": ""}
    start = time.time()
    try:
        model = onnx.load(os.path.join(d, "model.onnx"))
    except Exception as e:  # noqa: BLE001
        res["reason"] = "onnx.load: " + str(e)[:200]
        return res
    res["in_scope"], res["scope"], res["ops"] = classify(model)
    sets = sorted(glob.glob(os.path.join(d, "test_data_set_*")))
    if not sets:
        res["reason"] = "no test data"
        return res
    work = tempfile.mkdtemp(prefix="conf.", dir=args.work)
    try:
        datasets = []
        try:
            for s in sets:
                ins = [load_tensor(f)
                       for f in numbered(os.path.join(s, "input_*.pb"))]
                outs = [load_tensor(f)
                        for f in numbered(os.path.join(s, "output_*.pb"))]
                datasets.append((ins, outs))
        except Exception as e:  # noqa: BLE001 - sequences, optionals
            res["reason"] = "test data is not plain tensors (%s)" % \
                type(e).__name__
            return res
        bound, remaining = bind_inputs(model, datasets[0][0])
        res["bound"] = bound
        model_path = os.path.join(work, "model.onnx")
        onnx.save(model, model_path)
        mlir = os.path.join(work, "model.mlir")
        try:
            p = subprocess.run([args.translate, "--import-onnx", model_path,
                                "--mlir-print-debuginfo=false", "-o", mlir],
                               capture_output=True, text=True,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            res["hang"] = True
            res["reason"] = "import timed out"
            return res
        if p.returncode:
            res["crash"] = crashed(p.returncode, p.stderr)
            res["reason"] = first_line(p.stderr).replace(model_path, "model.onnx")
            return res
        res["imported"] = True
        if args.quantize:
            quantize_and_run(args, res, work, mlir, remaining, datasets[0][0])
        if args.fold:
            fold_and_compare(args, res, work, mlir, remaining, datasets[0][0],
                             len(datasets[0][1]))
        for k, (ins, outs) in enumerate(datasets):
            cmd = [args.qrun, mlir, "--rtol=%g" % RTOL, "--atol=%g" % ATOL]
            for j in remaining:
                f = os.path.join(work, "in%d_%d.npy" % (k, j))
                np.save(f, ins[j])
                cmd += ["--input", f]
            for j, o in enumerate(outs):
                f = os.path.join(work, "out%d_%d.npy" % (k, j))
                np.save(f, o)
                cmd += ["--expect", f]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True,
                                   timeout=args.timeout)
            except subprocess.TimeoutExpired:
                res["hang"] = True
                res["reason"] = "run timed out"
                return res
            text = p.stderr + p.stdout
            if p.returncode:
                res["crash"] = crashed(p.returncode, text)
                if "FAILED" in p.stderr or "mismatches" in p.stdout and \
                        "elements differ" in p.stderr:
                    res["executed"] = True
                    bad = [l for l in p.stdout.splitlines()
                           if "mismatches" in l and " 0 mismatches" not in l]
                    res["reason"] = "mismatch: " + (bad[0] if bad else
                                                    first_line(p.stderr))
                else:
                    res["reason"] = first_line(p.stderr) or first_line(text)
                return res
            res["executed"] = True
        res["matched"] = True
        return res
    finally:
        res["seconds"] = time.time() - start
        shutil.rmtree(work, ignore_errors=True)


def group_reason(reason):
    """A short, stable key for grouping failure messages."""
    r = re.sub(r"^error: ", "", reason)
    r = re.sub(r"^qrun: error: ", "", r)
    r = re.sub(r"model\.onnx: ", "", r)
    r = re.sub(r"node '[^']*': ", "", r)
    r = re.sub(r"'[^']*'", "'…'", r)
    r = re.sub(r"\b\d+(\.\d+)?(e[-+]?\d+)?\b", "N", r)
    r = re.sub(r"\bNxN(xN)*\b", "shape", r)
    return r[:160]


def known_limit(reason):
    for pattern, short in KNOWN_LIMITS:
        if re.search(pattern, reason):
            return short
    return None


def write_report(args, results, elapsed):
    def count(rs, key):
        return sum(1 for r in rs if r[key])

    lines = []
    lines.append("# ONNX conformance (libonnx-testdata) through qmlir")
    lines.append("")
    lines.append("Generated by `bench/onnx_conformance.py` (see its docstring "
                 "and docs/Import.md); do not edit by hand. Every test of "
                 "Debian's libonnx-testdata %s is imported with "
                 "`qmlir-translate --import-onnx` and each data set is run "
                 "with `qrun`, compared with rtol %g, atol %g (integers "
                 "exactly)." % (onnx.__version__ if False else "1.12",
                                RTOL, ATOL))
    lines.append("")
    lines.append("Run: `ctest --test-dir build -C conformance -L conformance` or "
                 "`/usr/bin/python3 bench/onnx_conformance.py --build build` "
                 "(%d tests took %.0f s here with %d jobs)." %
                 (len(results), elapsed, args.jobs))
    lines.append("")
    lines.append("## Totals")
    lines.append("")
    lines.append("| suite | tests | imported | executed | matched | "
                 "crashes | hangs |")
    lines.append("|---|---|---|---|---|---|---|")
    for suite in SUITES + ["all"]:
        rs = [r for r in results if suite == "all" or r["suite"] == suite]
        lines.append("| %s | %d | %d | %d | %d | %d | %d |" % (
            suite, len(rs), count(rs, "imported"), count(rs, "executed"),
            count(rs, "matched"), count(rs, "crash"), count(rs, "hang")))
    lines.append("")
    scope = [r for r in results if r["in_scope"]]
    lines.append("## In scope")
    lines.append("")
    lines.append("In scope: every op in the importer's supported list and "
                 "every tensor float32/int8/uint8/int32/int64 of rank <= 4 "
                 "(%d tests)." % len(scope))
    lines.append("")
    lines.append("| | tests |")
    lines.append("|---|---|")
    lines.append("| matched | %d |" % count(scope, "matched"))
    limits = {}
    bugs = []
    for r in scope:
        if r["matched"]:
            continue
        lim = known_limit(r["reason"])
        if lim and not r["crash"] and not r["hang"]:
            limits.setdefault(lim, []).append(r)
        else:
            bugs.append(r)
    for lim, rs in sorted(limits.items()):
        lines.append("| unsupported: %s | %d |" % (lim, len(rs)))
    lines.append("| other failures | %d |" % len(bugs))
    lines.append("")
    if limits:
        lines.append("In-scope tests that end with a clean \"unsupported\" "
                     "error (features outside the importer's documented "
                     "support):")
        lines.append("")
        for lim, rs in sorted(limits.items()):
            lines.append("- %s: %s" % (lim, ", ".join(
                "`%s/%s`" % (r["suite"], r["name"]) for r in rs)))
        lines.append("")
    if bugs:
        lines.append("In-scope failures:")
        lines.append("")
        for r in bugs:
            lines.append("- `%s/%s`: %s" % (r["suite"], r["name"],
                                            r["reason"].replace("|", "\\|")))
        lines.append("")
    bound = [r for r in results if r["bound"] and r["matched"]]
    lines.append("## Inputs bound as initializers")
    lines.append("")
    lines.append("%d matched tests had attribute-like graph inputs (shape, "
                 "axes, pads, scales, zero points, indices) bound to their "
                 "test values before import: %s." % (len(bound), ", ".join(
                     "`%s` (%s)" % (r["name"], ", ".join(r["bound"]))
                     for r in bound)))
    lines.append("")
    lines.append("## Failures by reason")
    lines.append("")
    lines.append("Grouped by the first error line with names and numbers "
                 "elided; `scope` counts the in-scope tests in the group.")
    lines.append("")
    lines.append("| tests | scope | reason | examples |")
    lines.append("|---|---|---|---|")
    groups = {}
    for r in results:
        if r["matched"]:
            continue
        key = ("CRASH " if r["crash"] else "") + ("HANG " if r["hang"] else "") \
            + group_reason(r["reason"])
        groups.setdefault(key, []).append(r)
    for key, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        ex = ", ".join("`%s`" % r["name"] for r in rs[:4])
        lines.append("| %d | %d | %s | %s |" % (
            len(rs), sum(1 for r in rs if r["in_scope"]),
            key.replace("|", "\\|"), ex))
    lines.append("")
    lines.append("## Out of scope, by first cause")
    lines.append("")
    causes = {}
    for r in results:
        if not r["in_scope"]:
            causes[r["scope"]] = causes.get(r["scope"], 0) + 1
    lines.append("| cause | tests |")
    lines.append("|---|---|")
    for c, k in sorted(causes.items(), key=lambda kv: -kv[1]):
        lines.append("| %s | %d |" % (c, k))
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    return bugs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", default=None,
                    help="run only tests whose suite/name contains this")
    ap.add_argument("--tests", nargs="*", default=None,
                    help="run only these suite/name tests (no report)")
    ap.add_argument("--work", default=None)
    ap.add_argument("--fold", action="store_true",
                    help="also fold batch norms (qnn-fold-batchnorm) in every "
                    "imported model that has one and compare with the "
                    "unfolded model at rtol 1e-5 (no report file is written)")
    ap.add_argument("--quantize", action="store_true",
                    help="also calibrate (4 random samples), quantize and run "
                    "every model that imports; reports crashes and hangs of "
                    "those steps (no report file is written)")
    args = ap.parse_args()
    # Error lines quote models and tools: never let an odd character stop
    # the report.
    sys.stdout.reconfigure(errors="backslashreplace")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args.translate = os.path.join(args.build, "bin", "qmlir-translate")
    args.qrun = os.path.join(args.build, "bin", "qrun")
    args.qopt = os.path.join(args.build, "bin", "qopt")
    if args.out is None:
        args.out = os.path.join(root, "docs", "ONNXConformance.md")
    args.work = args.work or tempfile.mkdtemp(prefix="onnx-conformance.")
    os.makedirs(args.work, exist_ok=True)
    tests = [(s, n) for s in SUITES for n in sorted(os.listdir(os.path.join(DATA, s)))
             if os.path.isdir(os.path.join(DATA, s, n))]
    if args.only:
        tests = [t for t in tests if args.only in "%s/%s" % t]
    if args.tests is not None:
        tests = [tuple(t.split("/", 1)) for t in args.tests]
    start = time.time()
    results = []
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_test, args, s, n): (s, n) for s, n in tests}
        for fut in cf.as_completed(futures):
            try:
                r = fut.result()
            except Exception as e:  # noqa: BLE001 - a bug here, not a test
                s, n = futures[fut]
                print("ERROR %s/%s: the script failed: %r" % (s, n, e),
                      flush=True)
                continue
            results.append(r)
            status = "OK" if r["matched"] else ("CRASH" if r["crash"] else
                                                "HANG" if r["hang"] else "FAIL")
            q = ""
            if args.quantize and r["q_status"]:
                q = " | quantized: %s %s" % (r["q_status"].upper(),
                                             r["q_reason"][:150])
            if args.fold and r["f_status"]:
                q += " | folded: %s %s" % (r["f_status"].upper(),
                                           r["f_reason"][:150])
            print("%-5s %s/%s %s%s" % (status, r["suite"], r["name"],
                                       "" if r["matched"] else
                                       r["reason"][:150], q),
                  flush=True)
    results.sort(key=lambda r: (SUITES.index(r["suite"]), r["name"]))
    elapsed = time.time() - start
    partial = args.only or args.tests is not None or args.quantize or \
        args.fold
    bugs = write_report(args, results, elapsed) if not partial else [
        r for r in results if r["in_scope"] and not r["matched"] and
        (not known_limit(r["reason"]) or r["crash"] or r["hang"])]
    n = len(results)
    crashes = sum(r["crash"] for r in results)
    hangs = sum(r["hang"] for r in results)
    print("%d tests: %d imported, %d executed, %d matched; %d crashes, %d "
          "hangs; %d in scope, %d in-scope failures not documented as "
          "unsupported" % (n, sum(r["imported"] for r in results),
                           sum(r["executed"] for r in results),
                           sum(r["matched"] for r in results), crashes, hangs,
                           sum(r["in_scope"] for r in results), len(bugs)))
    qbad = 0
    if args.quantize:
        qs = [r["q_status"] for r in results]
        qbad = qs.count("crash") + qs.count("hang")
        print("quantize -> run of the %d imported: %d ran, %d clean errors, "
              "%d crashes, %d hangs" % (sum(r["imported"] for r in results),
                                        qs.count("ok"), qs.count("error"),
                                        qs.count("crash"), qs.count("hang")))
    fbad = 0
    if args.fold:
        fs = [r["f_status"] for r in results]
        fbad = len(fs) - fs.count("ok") - fs.count("")
        print("batch-norm folding: %d models with a batch norm, %d match the "
              "unfolded model (rtol 1e-5), %d mismatches, %d errors, %d "
              "crashes, %d hangs" % (len(fs) - fs.count(""), fs.count("ok"),
                                     fs.count("mismatch"), fs.count("error"),
                                     fs.count("crash"), fs.count("hang")))
    shutil.rmtree(args.work, ignore_errors=True)
    return 1 if crashes or hangs or bugs or qbad or fbad else 0


if __name__ == "__main__":
    sys.exit(main())
