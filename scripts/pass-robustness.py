#!/usr/bin/env python3
"""Runs every registered qnn/npu pass alone on every .mlir test input and
reports crashes (a signal, "PLEASE submit a bug report", a stack dump,
"LLVM ERROR") and hangs, as opposed to clean diagnostics.

    /usr/bin/python3 scripts/pass-robustness.py [--build build] [--jobs 2]
        [--timeout 30] [--passes qnn-quantize,...] [--extra file.mlir ...]

Each input file runs with --split-input-file, so each `// -----` chunk is one
module; chunks that do not parse or verify are skipped by qopt before the
pass runs, so only verifier-valid IR reaches the passes. A pass whose required
option is missing must also fail cleanly; passes that take a target or an
output file also run once with one (VARIANTS). A crashing (pass, file) is
bisected to its chunk, written to BUILD/pass-robustness/. Exit status 1 if
anything crashed or hung.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRASH = re.compile(r"PLEASE submit a bug report|Stack dump:|LLVM ERROR|"
                   r"Assertion .* failed|AddressSanitizer|runtime error:")


def registered_passes(qopt):
    out = subprocess.run([qopt, "--help"], capture_output=True, text=True,
                         check=True).stdout
    names = set(re.findall(r"^\s+--((?:qnn|npu)-[a-z0-9-]+|convert-qnn-to-[a-z]+)\b",
                           out, re.M))
    return sorted(names)


def variants(name, tmp):
    target = os.path.join(ROOT, "targets", "int8.json")
    extra = {
        "npu-partition": [f"target={target}"],
        "convert-qnn-to-npu": [f"target={target}"],
        "qnn-legalize-bitwidth": [f"target={target}"],
        "qnn-dump-config": [f"out={tmp}/config.json"],
        "npu-summary": [f"out={tmp}/summary.txt"],
    }
    yield [f"--{name}"]
    for opts in extra.get(name, []):
        yield [f"--{name}={opts}"]


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", ""
    err = p.stderr
    if p.returncode < 0 or p.returncode >= 128 or CRASH.search(err):
        return "crash", err
    return ("ok" if p.returncode == 0 else "diagnostic"), err


def chunks(path):
    return open(path).read().split("// -----")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--passes", default="")
    ap.add_argument("--extra", nargs="*", default=[],
                    help="more .mlir inputs (e.g. importer outputs)")
    args = ap.parse_args()
    qopt = os.path.join(args.build, "bin", "qopt")
    passes = args.passes.split(",") if args.passes else registered_passes(qopt)
    inputs = sorted(os.path.join(d, f)
                    for d, _, fs in os.walk(os.path.join(ROOT, "test"))
                    for f in fs if f.endswith(".mlir")) + args.extra
    outdir = os.path.join(args.build, "pass-robustness")
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qmlir-pass-robustness-")
    jobs = [(p, v, f) for p in passes for v in variants(p, tmp) for f in inputs]
    print(f"{len(passes)} passes, {len(inputs)} inputs, {len(jobs)} runs",
          flush=True)
    counts = {"ok": 0, "diagnostic": 0, "crash": 0, "hang": 0}
    bad = []

    def one(job):
        name, opts, path = job
        cmd = [qopt, "--split-input-file", "--mlir-print-debuginfo=false",
               *opts, path, "-o", os.devnull]
        return job, run(cmd, args.timeout)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for (name, opts, path), (status, err) in pool.map(one, jobs):
            counts[status] += 1
            if status in ("crash", "hang"):
                bad.append((name, opts, path, status, err))
    for name, opts, path, status, err in bad:
        # Bisect to the chunk.
        where = path
        for i, text in enumerate(chunks(path)):
            c = os.path.join(outdir, f"{name}.{os.path.basename(path)}.{i}.mlir")
            open(c, "w").write(text)
            s, e = run([qopt, *opts, c, "-o", os.devnull], args.timeout)
            if s == status:
                where, err = c, e
                break
            os.remove(c)
        first = next((l for l in err.splitlines() if CRASH.search(l) or
                      "error" in l), err.strip()[:200])
        print(f"{status.upper()}: {' '.join(opts)} on {where}: {first}")
    print("runs: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
