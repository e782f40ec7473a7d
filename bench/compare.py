#!/usr/bin/python3
"""qmlir beside ONNX Runtime and PyTorch: the same models, the same inputs,
the same thread count, one run of this script.

  bench/compare.py [--threads 2] [--runs 7] [--rounds 1] [--models fashion,resnet18,mobilenet_v2]
                   [--batches 1,100] [--metric wall|cpu] [--work build/bench/compare]
                   [--write-docs]

  --models takes name or name:B1/B2 (that model at those batches only), e.g.
  --models fashion_resnet:100,resnet18:1

For each model and batch size it times, as median wall time per call of
`--runs` calls after a warm-up call (inputs prepared outside the timed
region; with --rounds R, every runtime R times, interleaved, and the
median over the rounds):

- qmlir fp32 and int8 through qrun's JIT (`qrun --repeat --threads`), and
  the int8 model compiled ahead of time (`qmlir-compile`, run by `qrun
  lib.so`). int8 is qmlir's own quantization (fold batch norm, calibrate on
  seeded random samples, or models/fashion_cnn_calib.npy for the bundled
  model, quantize with the default options).
- ONNX Runtime 1.30 fp32 on the same .onnx file (Node.js
  `onnxruntime-node`, from scripts/setup.sh in build/npm;
  intraOpNumThreads = --threads).
- PyTorch fp32 (channels-last) and PyTorch int8: FX post-training static
  quantization with the default x86 engine (fbgemm, else onednn),
  calibrated on the same samples.

Models: `fashion` is models/fashion_cnn.onnx (the bundled Fashion-MNIST
CNN, no residual connections), `fashion_resnet` models/fashion_resnet.onnx
(the small residual Fashion-MNIST network of models/fashion_zoo.py, both
calibrated on models/fashion_cnn_calib.npy), and torchvision resnet18 and mobilenet_v2 with seeded random weights (eval
mode), exported to ONNX by this script (opset 13, dynamic batch). qmlir's
and ONNX Runtime's fp32 outputs are compared as a check that both ran the
same network. It also reports the time to import, quantize and compile
resnet18.

Times are wall-clock by default; --metric cpu tabulates the CPU time of
the process per call instead (every runtime measures both: qrun's
getrusage, Node's process.cpuUsage, Python's time.process_time), which on a
loaded machine is steadier, and with sleeping waiters (below) counts no
spinning. Waiting threads
sleep rather than spin in all runtimes (OMP_WAIT_POLICY=PASSIVE for PyTorch's
libgomp and qmlir's libomp, allow_spinning=0 for ONNX Runtime) unless
--spin. The machine is shared, so the load average is printed with the
results. With
--write-docs the table replaces the block between the compare.py markers
in docs/performance.md.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

# Waiting threads sleep instead of spinning, in every runtime (unless
# --spin): on a shared machine with more runnable threads than cores, a
# spinning worker takes the core that the thread it waits for needs (PyTorch
# at 2 threads took 0.58 s per call of a 0.6 ms model that way). libgomp
# (PyTorch) and libomp (qmlir) read OMP_WAIT_POLICY when they start, so it
# is set before torch is imported; ONNX Runtime gets allow_spinning = 0.
SPIN = "--spin" in sys.argv
if not SPIN:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import numpy as np  # noqa: E402
import torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
BEGIN = "<!-- bench/compare.py: begin -->"
END = "<!-- bench/compare.py: end -->"

NODE_SCRIPT = r"""
const ort = require('onnxruntime-node');
const fs = require('fs');
const [model, input, shapeText, runsText, threadsText, outPath, spin] =
    process.argv.slice(2);
(async () => {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threadsText), interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential',
    extra: {session: {intra_op: {allow_spinning: spin}}}});
  const buf = fs.readFileSync(input);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const shape = shapeText.split(',').map(Number);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, shape)};
  let out = await session.run(feeds);
  const times = [], cpus = [];
  for (let i = 0; i < Number(runsText); ++i) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    out = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const y = out[session.outputNames[0]].data;
  fs.writeFileSync(outPath, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  const med = a => {
    a.sort((x, y) => x - y);
    const n = a.length;
    return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  };
  console.log(JSON.stringify({median: med(times), min: times[0],
                              cpu: med(cpus)}));
})().catch(e => { console.error(String(e)); process.exit(1); });
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log("$ " + " ".join(cmd))
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          **kw).stdout


class Failed(Exception):
    pass


def try_run(cmd, **kw):
    try:
        return run(cmd, **kw)
    except subprocess.CalledProcessError as e:
        msg = (e.stderr or e.stdout or "").strip().splitlines()
        raise Failed(msg[-1] if msg else "exit %d" % e.returncode)


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def fashion_torch():
    import onnx
    import train_fashion_cnn
    from onnx import numpy_helper
    net = train_fashion_cnn.build_model().eval()
    onnx_model = onnx.load(os.path.join(ROOT, "models", "fashion_cnn.onnx"))
    state = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
             for i in onnx_model.graph.initializer}
    net.load_state_dict(state, strict=False)
    return net


def fashion_zoo_torch(name):
    import fashion_zoo
    return fashion_zoo.load_from_onnx(name)


def torchvision_model(name):
    import torchvision
    torch.manual_seed(0)
    net = getattr(torchvision.models, name)(weights=None).eval()
    return net


def prepare_model(name, work):
    """(torch module, onnx path, input shape without batch, calibration
    samples)."""
    if name == "fashion":
        calib = np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy"))
        return (fashion_torch(), os.path.join(ROOT, "models",
                                              "fashion_cnn.onnx"),
                (1, 28, 28), calib.astype(np.float32))
    if name == "fashion_resnet":
        calib = np.load(os.path.join(ROOT, "models", "fashion_cnn_calib.npy"))
        return (fashion_zoo_torch("resnet"),
                os.path.join(ROOT, "models", "fashion_resnet.onnx"),
                (1, 28, 28), calib.astype(np.float32))
    net = torchvision_model(name)
    path = os.path.join(work, name + ".onnx")
    if not os.path.exists(path):
        x = torch.randn(1, 3, 224, 224)
        torch.onnx.export(net, x, path, opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"},
                                        "logits": {0: "batch"}})
    rng = np.random.default_rng(1)
    calib = rng.standard_normal((8, 3, 224, 224)).astype(np.float32)
    return net, path, (3, 224, 224), calib


# --------------------------------------------------------------------------
# Runners
# --------------------------------------------------------------------------

def median_time(fn, runs):
    """(median wall, median CPU time of the process) per call."""
    fn()
    times, cpus = [], []
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpus)


def qrun_time(args, model, x_path, runs, threads, out=None, extra=()):
    cmd = [os.path.join(args.bin, "qrun"), model, "--input", x_path,
           "--repeat", str(runs), "--threads", str(threads)] + list(extra)
    if out:
        cmd += ["--output", out]
    text = try_run(cmd)
    m = re.search(r"median ([0-9.]+) s wall, ([0-9.]+) s cpu", text)
    if not m:
        raise Failed("no timing in qrun's output")
    return float(m.group(1)), float(m.group(2))


def calib_multiple(calib, batch):
    """Calibration samples whose count is a multiple of `batch`."""
    n = max(batch, (len(calib) // batch) * batch)
    reps = -(-n // len(calib))
    return np.concatenate([calib] * reps)[:n]


def qmlir_models(args, name, onnx_path, batch, calib, work, timings):
    """Imports and quantizes; returns (float.mlir, int8.mlir, int8 .so)."""
    tag = "%s_b%d" % (name, batch)
    fl = os.path.join(work, tag + ".float.mlir")
    q8 = os.path.join(work, tag + ".int8.mlir")
    so = os.path.join(work, "lib%s.int8.so" % tag)
    calib_path = os.path.join(work, tag + ".calib.npy")
    np.save(calib_path, calib_multiple(calib, batch))
    def cpu():
        t = os.times()
        return t.children_user + t.children_system

    steps = []
    for cmd in (
            [os.path.join(args.bin, "qmlir-translate"), "--import-onnx",
             "--batch", str(batch), onnx_path, "-o", fl],
            [os.path.join(args.bin, "qopt"), fl, "--qnn-fold-batchnorm",
             "--qnn-insert-calibration",
             "--qnn-calibrate=samples=" + calib_path, "--qnn-quantize",
             "-o", q8],
            [os.path.join(args.bin, "qmlir-compile"), q8, "-o", so,
             "--threads", str(args.threads)]):
        w0, c0 = time.perf_counter(), cpu()
        try_run(cmd)
        steps.append((time.perf_counter() - w0, cpu() - c0))
    # The compile-time target counts quantization with given ranges
    # (no calibration): the calibrated model's encodings, applied to the
    # float model again, give the same int8 model.
    enc = os.path.join(work, tag + ".encodings.json")
    q8e = os.path.join(work, tag + ".int8.given.mlir")
    try_run([os.path.join(args.bin, "qmlir-translate"), "--export-encodings",
             q8, "-o", enc])
    w0, c0 = time.perf_counter(), cpu()
    try_run([os.path.join(args.bin, "qopt"), fl, "--qnn-fold-batchnorm",
             "--qnn-insert-calibration", "--qnn-apply-encodings=file=" + enc,
             "--qnn-quantize", "-o", q8e])
    given = (time.perf_counter() - w0, cpu() - c0)
    with open(q8) as a, open(q8e) as b:
        same = a.read() == b.read()
    timings[tag] = dict(import_s=steps[0], quantize_s=steps[1],
                        aot_compile_s=steps[2], given_quantize_s=given,
                        given_same=same,
                        calib_samples=len(calib_multiple(calib, batch)))
    return fl, q8, so


def torch_int8(net, calib, example):
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    engine = torch.backends.quantized.engine
    prepared = prepare_fx(net, get_default_qconfig_mapping(engine),
                          example_inputs=(example,))
    with torch.no_grad():
        for i in range(0, len(calib), 8):
            prepared(torch.from_numpy(calib[i:i + 8]))
    return convert_fx(prepared)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def fmt_time(s, batch):
    if s is None:
        return "–"
    if batch == 1:
        return "%.2f ms" % (s * 1e3)
    return "%.1f ms (%.0f µs/img)" % (s * 1e3, s / batch * 1e6)


def ratio(a, b):
    if a is None or b is None:
        return "–"
    return "%.2f×" % (a / b)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--rounds", type=int, default=1,
                   help="time every runtime this many times, interleaved; "
                   "the table shows the median over rounds")
    p.add_argument("--models", default="fashion,resnet18,mobilenet_v2")
    p.add_argument("--batches", default="1,100")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench",
                                                  "compare"))
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--npm", default=os.path.join(ROOT, "build", "npm",
                                                 "node_modules"))
    p.add_argument("--metric", choices=("wall", "cpu"), default="wall",
                   help="time per call in the table: wall-clock, or CPU "
                   "time of the process (all its threads; steadier on a "
                   "loaded machine)")
    p.add_argument("--write-docs", action="store_true")
    p.add_argument("--spin", action="store_true",
                   help="let waiting threads spin (each runtime's default)")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(args.threads)
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = (
        "fbgemm" if "fbgemm" in engines else "onednn")
    node_js = os.path.join(args.work, "ort_time.js")
    with open(node_js, "w") as f:
        f.write(NODE_SCRIPT)
    env = dict(os.environ, NODE_PATH=args.npm)
    load_before = os.getloadavg()

    rows, notes, timings = [], [], {}
    for spec in args.models.split(","):
        # name or name:b1/b2 (batches of that model only).
        name, _, own = spec.partition(":")
        batches = own.replace("/", ",") if own else args.batches
        net, onnx_path, shape, calib = prepare_model(name, args.work)
        net_cl = net.to(memory_format=torch.channels_last)
        int8_net = {}
        for batch in [int(b) for b in batches.split(",")]:
            tag = "%s_b%d" % (name, batch)
            r = dict(model=name, batch=batch)
            rng = np.random.default_rng(2)
            x = rng.uniform(0, 1, (batch,) + shape).astype(np.float32)
            x_path = os.path.join(args.work, tag + ".x.npy")
            np.save(x_path, x)
            x_raw = os.path.join(args.work, tag + ".x.f32")
            x.tofile(x_raw)
            # qmlir.
            fl = q8 = so = None
            try:
                fl, q8, so = qmlir_models(args, name, onnx_path, batch, calib,
                                          args.work, timings)
            except Failed as e:
                notes.append("%s b%d: qmlir import/quantize/compile failed: %s"
                             % (name, batch, e))
            qout = os.path.join(args.work, tag + ".qmlir.npy")
            ort_out = os.path.join(args.work, tag + ".ort.f32")
            xt = torch.from_numpy(x).contiguous(
                memory_format=torch.channels_last)
            # Every runtime once per round, the rounds one after the other:
            # on a machine whose speed drifts (other jobs, other virtual
            # machines on the same host), each round sees all runtimes in
            # the same few seconds; the table takes the median over rounds
            # of each round's median.
            samples = {}

            def record(key, wall_cpu):
                samples.setdefault(key, []).append(wall_cpu)

            failed = set()
            for rnd in range(args.rounds):
                for key, model, out in (("qmlir_f32", fl, qout),
                                        ("qmlir_i8", q8, None),
                                        ("qmlir_i8_aot", so, None)):
                    if model is None or key in failed:
                        continue
                    try:
                        record(key, qrun_time(args, model, x_path, args.runs,
                                              args.threads,
                                              out=out if rnd == 0 else None))
                    except Failed as e:
                        failed.add(key)
                        notes.append("%s b%d %s: %s" % (name, batch, key, e))
                # ONNX Runtime.
                if "ort_f32" not in failed:
                    try:
                        text = try_run(["node", node_js, onnx_path, x_raw,
                                        ",".join(map(str, x.shape)),
                                        str(args.runs), str(args.threads),
                                        ort_out, "1" if SPIN else "0"],
                                       env=env)
                        ort = json.loads(text.strip().splitlines()[-1])
                        record("ort_f32", (ort["median"], ort["cpu"]))
                    except Failed as e:
                        failed.add("ort_f32")
                        notes.append("%s b%d ONNX Runtime: %s"
                                     % (name, batch, e))
                # PyTorch.
                with torch.no_grad():
                    record("torch_f32", median_time(lambda: net_cl(xt),
                                                    args.runs))
                    if "torch_i8" not in failed:
                        try:
                            if "q" not in int8_net:
                                int8_net["q"] = torch_int8(
                                    net, calib, torch.from_numpy(x[:1]))
                            record("torch_i8", median_time(
                                lambda: int8_net["q"](xt), args.runs))
                        except Exception as e:  # noqa: BLE001 (report, go on)
                            failed.add("torch_i8")
                            notes.append("%s b%d PyTorch int8: %s"
                                         % (name, batch, e))
            for key, values in samples.items():
                r[key] = statistics.median(v[0] for v in values)
                r[key + "_cpu"] = statistics.median(v[1] for v in values)
                r[key + "_rounds"] = [v[0] for v in values]
            if (os.path.exists(qout) and os.path.exists(ort_out)
                    and "qmlir_f32" in r and "ort_f32" in r):
                a = np.load(qout).reshape(-1)
                b = np.fromfile(ort_out, np.float32)
                r["max_diff"] = float(np.max(np.abs(a - b)) /
                                      max(1e-30, np.max(np.abs(b))))
            rows.append(r)
            log(json.dumps(r))
            with open(os.path.join(args.work, "compare.json"), "w") as f:
                json.dump(dict(rows=rows, timings=timings, notes=notes), f,
                          indent=1)

    load_after = os.getloadavg()
    lines = []
    cpu = args.metric == "cpu"
    suffix = "_cpu" if cpu else ""
    lines.append("`bench/compare.py --threads %d --runs %d%s --models %s%s%s` "
                 "(median %s per call%s; waiting threads %s; load average %.1f "
                 "before, %.1f after; PyTorch %s, quantized engine %s; ONNX "
                 "Runtime 1.30 via onnxruntime-node)"
                 % (args.threads, args.runs,
                    " --rounds %d" % args.rounds if args.rounds > 1 else "",
                    args.models,
                    " --metric cpu" if cpu else "",
                    " --spin" if SPIN else "",
                    "CPU time of the process" if cpu else "wall time",
                    ", median of %d interleaved rounds" % args.rounds
                    if args.rounds > 1 else "",
                    "spin" if SPIN else "sleep", load_before[0],
                    load_after[0],
                    torch.__version__.split("+")[0],
                    torch.backends.quantized.engine))
    lines.append("")
    lines.append("| model | batch | qmlir fp32 | qmlir int8 | qmlir int8 AOT "
                 "| ORT fp32 | PyTorch fp32 | PyTorch int8 | qmlir fp32 / ORT "
                 "| qmlir int8 / ORT | qmlir int8 / PyTorch int8 | fp32 "
                 "qmlir vs ORT (max rel. diff) |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        b = r["batch"]
        diff = r.get("max_diff")
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                     "| %s |" % (
                         r["model"], b, fmt_time(r.get("qmlir_f32" + suffix), b),
                         fmt_time(r.get("qmlir_i8" + suffix), b),
                         fmt_time(r.get("qmlir_i8_aot" + suffix), b),
                         fmt_time(r.get("ort_f32" + suffix), b),
                         fmt_time(r.get("torch_f32" + suffix), b),
                         fmt_time(r.get("torch_i8" + suffix), b),
                         ratio(r.get("qmlir_f32" + suffix),
                               r.get("ort_f32" + suffix)),
                         ratio(r.get("qmlir_i8" + suffix),
                               r.get("ort_f32" + suffix)),
                         ratio(r.get("qmlir_i8" + suffix),
                               r.get("torch_i8" + suffix)),
                         "–" if diff is None else "%.1e" % diff))
    lines.append("")
    lines.append("Ratios are times (below 1× qmlir is faster).")
    for tag, t in timings.items():
        if tag == "resnet18_b1":
            steps = (t["import_s"], t["quantize_s"], t["aot_compile_s"])
            lines.append("")
            lines.append(
                "resnet18 (batch 1) compile time, wall / CPU seconds: import "
                "%.2f / %.2f, fold + calibrate (%d samples) + quantize "
                "%.2f / %.2f, qmlir-compile of the int8 model to a shared "
                "library %.2f / %.2f; total %.2f / %.2f." % (
                    steps[0][0], steps[0][1], t["calib_samples"],
                    steps[1][0], steps[1][1], steps[2][0], steps[2][1],
                    sum(s[0] for s in steps), sum(s[1] for s in steps)))
            g = t.get("given_quantize_s")
            if g:
                lines.append(
                    "With given ranges (the issue's target: the encodings of "
                    "that calibration applied with qnn-apply-encodings, %s), "
                    "wall / CPU seconds: import %.2f / %.2f, fold + quantize "
                    "%.2f / %.2f, qmlir-compile %.2f / %.2f; total "
                    "%.2f / %.2f." % (
                        "the same int8 model" if t.get("given_same")
                        else "NOT the same int8 model",
                        steps[0][0], steps[0][1], g[0], g[1],
                        steps[2][0], steps[2][1],
                        steps[0][0] + g[0] + steps[2][0],
                        steps[0][1] + g[1] + steps[2][1]))
    if notes:
        lines.append("")
        lines.append("Not measured:")
        lines.append("")
        for n in notes:
            lines.append("- " + n)
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(args.work, "compare.json"), "w") as f:
        json.dump(dict(rows=rows, timings=timings, notes=notes), f, indent=1)
    if args.write_docs:
        path = os.path.join(ROOT, "docs", "performance.md")
        text = open(path).read()
        if BEGIN in text and END in text:
            pre, rest = text.split(BEGIN, 1)
            _, post = rest.split(END, 1)
            text = pre + BEGIN + "\n" + table + "\n" + END + post
        else:
            text += "\n" + BEGIN + "\n" + table + "\n" + END + "\n"
        with open(path, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
