#!/usr/bin/env python3
"""Writes a chain of N nodes (each reading the previous one) as an ONNX text
model, a binary ONNX model or a TF GraphDef .pbtxt, to check that importers
and passes do not recurse on the graph's depth:

    /usr/bin/python3 scripts/make-deep-graph.py N out.{onnxtxt,onnx,pbtxt}
"""
import sys


def onnx_text(n):
    lines = ['<ir_version: 8, opset_import: ["" : 13]>',
             "deep (float[1,4] X) => (float[1,4] Y)", "{"]
    prev = "X"
    for i in range(n):
        cur = "Y" if i == n - 1 else f"t{i}"
        op = "Relu" if i % 2 else "Neg"
        lines.append(f"  {cur} = {op} ({prev})")
        prev = cur
    lines.append("}")
    return "\n".join(lines) + "\n"


def tf_text(n):
    out = ['node { name: "x" op: "Placeholder" attr { key: "dtype" value '
           '{ type: DT_FLOAT } } attr { key: "shape" value { shape { dim '
           '{ size: 1 } dim { size: 4 } } } } }']
    prev = "x"
    for i in range(n):
        op = "Relu" if i % 2 else "Neg"
        out.append(f'node {{ name: "n{i}" op: "{op}" input: "{prev}" attr '
                   '{ key: "T" value { type: DT_FLOAT } } }')
        prev = f"n{i}"
    return "\n".join(out) + "\n"


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    if path.endswith(".pbtxt"):
        open(path, "w").write(tf_text(n))
    elif path.endswith(".onnx"):
        import onnx
        import onnx.parser
        model = onnx.parser.parse_model(onnx_text(n))
        onnx.save(model, path)
    else:
        open(path, "w").write(onnx_text(n))


if __name__ == "__main__":
    main()
