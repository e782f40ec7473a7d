"""Compares two runs' logits (.npy, [N, classes]): qmlir's (qrun --output)
and another runtime's (e.g. ONNX Runtime on the QDQ export).

Prints each run's top-1 against --labels (when given), how many samples the
two runs classify alike, and the largest absolute logit difference. Fails
(exit 1) when the top-1 accuracies differ by more than --max-top1-diff
(absolute, 0.001 = 0.1 point) or more than --max-disagree samples are
classified differently.
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("qmlir")
    p.add_argument("other")
    p.add_argument("--labels")
    p.add_argument("--max-top1-diff", type=float)
    p.add_argument("--max-disagree", type=int)
    a = p.parse_args()
    x, y = np.load(a.qmlir), np.load(a.other)
    if x.shape != y.shape:
        sys.exit(f"shapes differ: {x.shape} vs {y.shape}")
    px, py = x.argmax(axis=1), y.argmax(axis=1)
    n = len(px)
    disagree = int((px != py).sum())
    ok = True
    if a.labels:
        labels = np.load(a.labels)[:n]
        tx, ty = float((px == labels).mean()), float((py == labels).mean())
        print(f"top-1 qmlir {tx * 100:.2f} %, other {ty * 100:.2f} %, "
              f"difference {(ty - tx) * 100:+.2f} points")
        if a.max_top1_diff is not None and abs(ty - tx) > a.max_top1_diff:
            print(f"FAIL: top-1 differs by more than {a.max_top1_diff * 100:.2f} points")
            ok = False
    print(f"{disagree} of {n} samples classified differently; "
          f"max |logit difference| {float(np.abs(x - y).max()):.4f}")
    if a.max_disagree is not None and disagree > a.max_disagree:
        print(f"FAIL: more than {a.max_disagree} samples classified differently")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
