#!/usr/bin/env bash
# The main job in one command: set up, then import the bundled Fashion-MNIST
# model, calibrate and quantize it to int8, print the per-layer error of the
# int8 model against the float one, and float and int8 top-1 accuracy on the
# 10,000 test images side by side.
#
#   scripts/quickstart.sh [model.onnx [calibration.npy]]
#
# Intermediate files go to build/quickstart/; the inputs are never modified.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"
model="${1:-$root/models/fashion_cnn.onnx}"
calib="${2:-$root/models/fashion_cnn_calib.npy}"
batch=100

"$root/scripts/setup.sh"
bin="$build/bin"
work="$build/quickstart"
mkdir -p "$work"

echo "== test data (Debian dataset-fashion-mnist)"
/usr/bin/python3 "$root/models/fashion_mnist_data.py" --out "$work"

echo "== import $model"
"$bin/qmlir-translate" --import-onnx --batch "$batch" "$model" -o "$work/float.mlir"

echo "== calibrate on $calib and quantize (int8 weights per channel, int8 activations)"
"$bin/qopt" "$work/float.mlir" \
  --qnn-fold-batchnorm --qnn-insert-calibration \
  --qnn-calibrate="samples=$calib" --qnn-quantize -o "$work/int8.mlir"

echo "== float model on 10,000 test images"
float_line=$("$bin/qrun" "$work/float.mlir" --input "$work/fmnist_test_x.npy" \
  --labels "$work/fmnist_test_y.npy" | grep top-1)
echo "$float_line"
echo "== int8 model on 10,000 test images"
int8_line=$("$bin/qrun" "$work/int8.mlir" --input "$work/fmnist_test_x.npy" \
  --labels "$work/fmnist_test_y.npy" | grep top-1)
echo "$int8_line"

echo "== per-layer error of int8 against float (first 1,000 test images)"
/usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])[:1000])" \
  "$work/fmnist_test_x.npy" "$work/fmnist_test_x1000.npy"
"$bin/qrun" "$work/int8.mlir" --input "$work/fmnist_test_x1000.npy" \
  --compare-to "$work/float.mlir" | sed -n '/per-layer/,$p'

echo
printf '%-8s %s\n' "model" "top-1 on Fashion-MNIST test (10,000 images)"
printf '%-8s %s\n' "float" "${float_line#top-1: }"
printf '%-8s %s\n' "int8" "${int8_line#top-1: }"
