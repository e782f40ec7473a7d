"""Compares the `top-1:` lines that qrun prints for a float and a quantized run.

Fails (exit 1) when the float accuracy differs from the expected value or the
quantized model loses more than --max-drop (absolute, e.g. 0.01 = 1 point);
with --simulated, also when the fake-quantized (simulated) model's accuracy
is more than --max-sim-diff away from the quantized model's.
"""
import argparse
import re
import sys


def top1(path):
    with open(path) as f:
        for line in f:
            m = re.match(r"top-1: ([0-9.]+) \((\d+)/(\d+)\)", line)
            if m:
                return int(m.group(2)) / int(m.group(3))
    sys.exit(f"{path}: no 'top-1:' line")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--float", required=True)
    p.add_argument("--quantized", required=True)
    p.add_argument("--expect-float", type=float, required=True)
    p.add_argument("--max-drop", type=float, required=True)
    p.add_argument("--simulated")
    p.add_argument("--max-sim-diff", type=float, default=0.001)
    a = p.parse_args()
    f, q = top1(a.float), top1(a.quantized)
    print(f"float top-1 {f:.4f}, quantized top-1 {q:.4f}, drop {f - q:+.4f}")
    ok = True
    if a.simulated:
        s = top1(a.simulated)
        print(f"simulated top-1 {s:.4f}, simulated - quantized {s - q:+.4f}")
        if abs(s - q) > a.max_sim_diff:
            print(f"FAIL: simulation is {abs(s - q):.4f} away from the "
                  f"quantized model (> {a.max_sim_diff})")
            ok = False
    if abs(f - a.expect_float) > 1e-4:
        print(f"FAIL: float top-1 {f:.4f} != expected {a.expect_float:.4f}")
        ok = False
    if f - q > a.max_drop:
        print(f"FAIL: quantization lost {f - q:.4f} > {a.max_drop}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
