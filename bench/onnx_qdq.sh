#!/usr/bin/env bash
# The int8 bundled model exported as an ONNX QDQ model and run by ONNX
# Runtime (Node.js, onnxruntime-node from scripts/setup.sh) on the 10,000
# Fashion-MNIST test images, against qmlir's own int8 run (qrun) of the same
# quantized module: top-1 of both, how many images they classify
# differently, largest logit difference (docs/Export.md).
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
run "$bin/qopt" "$work/float.mlir" --qnn-fold-batchnorm --qnn-insert-calibration \
  --qnn-calibrate="samples=$root/models/fashion_cnn_calib.npy" --qnn-quantize \
  -o "$work/int8.mlir" 2>/dev/null
run "$bin/qmlir-translate" --export-onnx-qdq "$work/int8.mlir" -o "$work/int8.qdq.onnx"
run "$bin/qrun" "$work/int8.mlir" --input "$x" --output "$work/qrun.npy" --labels "$y" >&2
NODE_PATH="$build/npm/node_modules" run node "$root/test/Export/Inputs/ort_run.js" \
  "$work/int8.qdq.onnx" "$x" "$work/ort.npy"
run /usr/bin/python3 "$root/test/Export/Inputs/compare_outputs.py" \
  "$work/qrun.npy" "$work/ort.npy" --labels "$y" --max-top1-diff 0.001
