#!/usr/bin/env bash
# The quantized bundled model exported as an ONNX QDQ model and run by ONNX
# Runtime (Node.js, onnxruntime-node from scripts/setup.sh) on the 10,000
# Fashion-MNIST test images, against qmlir's own run (qrun) of the same
# quantized module: top-1 of both, how many images they classify
# differently, largest logit difference (docs/Export.md). The default int8
# scheme first (the only one whose difference must stay within 0.1 point),
# then per-axis activations, symmetric activations and 4-bit weights.
#
#   bench/onnx_qdq.sh       (QMLIR_BUILD_DIR selects the build, default build/)
set -euo pipefail
shopt -s inherit_errexit
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"
bin="$build/bin"
work="$build/bench-onnx-qdq"
mkdir -p "$work"

run() {
  echo "+ $*" >&2
  "$@"
}

run /usr/bin/python3 "$root/models/fashion_mnist_data.py" --out "$work" >&2
x="$work/fmnist_test_x.npy"
y="$work/fmnist_test_y.npy"
run "$bin/qmlir-translate" --import-onnx --batch 100 "$root/models/fashion_cnn.onnx" -o "$work/float.mlir"

# name, qnn-calibrate options, qnn-quantize options, --max-top1-diff
variants=(
  "int8||| --max-top1-diff 0.001"
  "per-axis-activations|per-tensor-activations=false|per-tensor-activations=false|"
  "symmetric-activations|symmetric-activations=true|symmetric-activations=true|"
  "w4a8||weight-bits=4|"
)
for v in "${variants[@]}"; do
  IFS='|' read -r name calib quant check <<<"$v"
  echo "== $name" >&2
  run "$bin/qopt" "$work/float.mlir" --qnn-fold-batchnorm --qnn-insert-calibration \
    --qnn-calibrate="samples=$root/models/fashion_cnn_calib.npy $calib" \
    --qnn-quantize="$quant" -o "$work/$name.mlir" 2>/dev/null
  run "$bin/qmlir-translate" --export-onnx-qdq "$work/$name.mlir" -o "$work/$name.qdq.onnx"
  run "$bin/qrun" "$work/$name.mlir" --input "$x" --output "$work/$name.qrun.npy" >/dev/null
  NODE_PATH="$build/npm/node_modules" run node "$root/test/Export/Inputs/ort_run.js" \
    "$work/$name.qdq.onnx" "$x" "$work/$name.ort.npy"
  echo "$name:"
  # shellcheck disable=SC2086
  run /usr/bin/python3 "$root/test/Export/Inputs/compare_outputs.py" \
    "$work/$name.qrun.npy" "$work/$name.ort.npy" --labels "$y" $check
done
