"""Compares two AIMET encodings files (qmlir-translate --export-encodings):
the same tensors and parameters, the same bitwidth, is_symmetric and offset
for every encoding, and scale, min and max equal up to float32 rounding
(--rtol, default 2^-24: ONNX stores scales as float32, qmlir's types hold
doubles). With --weights-full-range, a symmetric weight encoding of the
first file may come back with the full storage range in the second (ONNX
int8 has no narrow range such as -127..127): offset one lower, min one step
lower, is_symmetric "False", the same scale and max. Prints a summary; exit
1 on any difference.
"""
import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rtol", type=float, default=2.0 ** -24)
    p.add_argument("--weights-full-range", action="store_true")
    args = p.parse_args()
    a, b = json.load(open(args.a)), json.load(open(args.b))
    problems = []
    counts = {}
    for section in ("activation_encodings", "param_encodings"):
        sa, sb = a.get(section, {}), b.get(section, {})
        if set(sa) != set(sb):
            problems.append(f"{section}: only in {args.a}: {sorted(set(sa) - set(sb))}, "
                            f"only in {args.b}: {sorted(set(sb) - set(sa))}")
            continue
        n = 0
        for name in sorted(sa):
            if len(sa[name]) != len(sb[name]):
                problems.append(f"{section} '{name}': {len(sa[name])} vs {len(sb[name])} encodings")
                continue
            for i, (x, y) in enumerate(zip(sa[name], sb[name])):
                n += 1
                if (args.weights_full_range and section == "param_encodings"
                        and x["is_symmetric"] == "True" and y["is_symmetric"] == "False"
                        and y["offset"] == x["offset"] - 1):
                    counts["widened"] = counts.get("widened", 0) + 1
                    x = dict(x, is_symmetric="False", offset=y["offset"],
                             min=x["scale"] * y["offset"])
                for key in ("bitwidth", "dtype", "is_symmetric", "offset"):
                    if x[key] != y[key]:
                        problems.append(f"{section} '{name}' [{i}] {key}: {x[key]} vs {y[key]}")
                for key in ("scale", "min", "max"):
                    if abs(x[key] - y[key]) > args.rtol * max(abs(x[key]), abs(y[key])):
                        problems.append(f"{section} '{name}' [{i}] {key}: {x[key]!r} vs {y[key]!r}")
        counts[section] = (len(sa), n)
    widened = counts.pop("widened", 0)
    for section, (tensors, n) in counts.items():
        print(f"{section}: {tensors} tensors, {n} encodings")
    if args.weights_full_range:
        print(f"{widened} weight encodings came back with the full storage range")
    for problem in problems:
        print("DIFFERENT:", problem)
    print("same parameters" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
