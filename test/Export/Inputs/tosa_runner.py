"""Runs an exported TOSA module with upstream tools only and checks it
against qrun's outputs, bit for bit.

    tosa_runner.py make exported.mlir input.npy > runner.mlir
        Appends @qmlir_runner_entry: calls @main on the input (embedded as a
        hex constant) and prints its first result's bits with
        printMemrefI32, so floats compare exactly.
    tosa_runner.py check printed.txt expected.npy
        Compares what mlir-runner printed with qrun's .npy output.
"""
import re
import sys

import numpy as np


def make(module_path, input_path):
    text = open(module_path).read()
    x = np.ascontiguousarray(np.load(input_path).astype(np.float32))
    m = re.search(r"func\.func @main\(%\w+: (tensor<[^>]*>)[^)]*\) -> "
                  r"\(?(tensor<[^>]*>)", text)
    if not m:
        sys.exit(f"{module_path}: no @main taking and returning one tensor")
    in_type, out_type = m.group(1), m.group(2)
    out_bits = out_type.replace("xf32>", "xi32>")
    out_memref = out_bits.replace("tensor<", "memref<")
    rank = out_type.count("x")
    dims = ", ".join(f"d{i}" for i in range(rank))
    identity = f"affine_map<({dims}) -> ({dims})>"
    parallel = ", ".join(['"parallel"'] * rank)
    entry = f"""
  func.func private @printMemrefI32(memref<*xi32>)
  func.func @qmlir_runner_entry() {{
    %x = arith.constant dense<"0x{x.tobytes().hex().upper()}"> : {in_type}
    %y = call @main(%x) : ({in_type}) -> {out_type}
    %e = tensor.empty() : {out_bits}
    %b = linalg.generic {{indexing_maps = [{identity}, {identity}],
                          iterator_types = [{parallel}]}}
        ins(%y : {out_type}) outs(%e : {out_bits}) {{
    ^bb0(%in: f32, %out: i32):
      %c = arith.bitcast %in : f32 to i32
      linalg.yield %c : i32
    }} -> {out_bits}
    %m = bufferization.to_buffer %b : {out_bits} to {out_memref}
    %u = memref.cast %m : {out_memref} to memref<*xi32>
    call @printMemrefI32(%u) : (memref<*xi32>) -> ()
    return
  }}
"""
    end = text.rindex("}")
    sys.stdout.write(text[:end] + entry + text[end:])


def check(printed_path, expected_path):
    printed = open(printed_path).read()
    data = printed[printed.index("data =") + len("data ="):]
    got = np.array([int(v) for v in re.findall(r"-?\d+", data)], np.int64)
    expected = np.load(expected_path).astype(np.float32).view(np.int32).ravel()
    if got.size != expected.size:
        sys.exit(f"printed {got.size} values, expected {expected.size}")
    differ = int((got != expected).sum())
    print(f"{differ} of {got.size} values differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](*sys.argv[2:])
