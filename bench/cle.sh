#!/usr/bin/env bash
# Data-free quantization on the bundled model: top-1 on the 10,000
# Fashion-MNIST test images at W8A8 and W4A8, per-tensor and per-axis
# weights, with nothing, batch-norm folding, cross-layer equalization and
# analytical bias correction (docs/CLE.md). Prints every command it runs and
# writes the tables into docs/CLE.md between the bench/cle.sh markers.
#
#   bench/cle.sh            (QMLIR_BUILD_DIR selects the build, default build/)
#
# About 15 s per model on 2 cores: 28 quantized models and 4 float ones.
set -euo pipefail
shopt -s inherit_errexit
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"
bin="$build/bin"
work="$build/bench-cle"
calib="$root/models/fashion_cnn_calib.npy"
doc="$root/docs/CLE.md"
mkdir -p "$work"

run() {
  echo "+ $*" >&2
  "$@"
}

/usr/bin/python3 "$root/models/fashion_mnist_data.py" --out "$work" >&2
x="$work/fmnist_test_x.npy"
y="$work/fmnist_test_y.npy"

# top-1 of a model file, as a percentage with two decimals.
top1() {
  local line
  line=$(run "$bin/qrun" "$1" --input "$x" --labels "$y" | grep '^top-1:')
  awk '{printf "%.2f", 100 * $2}' <<<"$line"
}

# The float models every quantized model starts from.
run "$bin/qmlir-translate" --import-onnx --batch 100 "$root/models/fashion_cnn.onnx" \
  -o "$work/none.mlir"
run "$bin/qopt" "$work/none.mlir" --qnn-fold-batchnorm -o "$work/fold.mlir"
run "$bin/qopt" "$work/fold.mlir" --qnn-cross-layer-equalize -o "$work/cle.mlir"
run "$bin/qopt" "$work/fold.mlir" --qnn-cross-layer-equalize=replace-relu6=false \
  -o "$work/cle6.mlir"

# quantize <float model> <qnn-quantize options> <bias correction: 0|1>
quantize() {
  local bc=()
  if [[ "$3" == 1 ]]; then
    bc=(--qnn-bias-correction="$2")
  fi
  local cmd=("$bin/qopt" "$1" --qnn-insert-calibration
             --qnn-calibrate="samples=$calib" "${bc[@]}" --qnn-quantize="$2"
             -o "$work/q.mlir")
  echo "+ ${cmd[*]}" >&2
  # The calibration progress bar goes to the log.
  "${cmd[@]}" 2>"$work/qopt.log"
  top1 "$work/q.mlir"
}

configs=("W8A8 per-tensor|per-axis-weights=false"
         "W8A8 per-axis|per-axis-weights=true"
         "W4A8 per-tensor|weight-bits=4 per-axis-weights=false"
         "W4A8 per-axis|weight-bits=4 per-axis-weights=true")

main="| weights | nothing | + BN folding | + BN folding + BC | + CLE | + CLE + BC |
|---|---|---|---|---|---|"
variant="| weights | + CLE, ReLU6 kept | + CLE, ReLU6 kept + BC |
|---|---|---|"
for entry in "${configs[@]}"; do
  label="${entry%%|*}"
  opts="${entry#*|}"
  none=$(quantize "$work/none.mlir" "$opts" 0)
  fold=$(quantize "$work/fold.mlir" "$opts" 0)
  foldbc=$(quantize "$work/fold.mlir" "$opts" 1)
  cle=$(quantize "$work/cle.mlir" "$opts" 0)
  clebc=$(quantize "$work/cle.mlir" "$opts" 1)
  cle6=$(quantize "$work/cle6.mlir" "$opts" 0)
  cle6bc=$(quantize "$work/cle6.mlir" "$opts" 1)
  main+=$'\n'"| $label | $none | $fold | $foldbc | $cle | $clebc |"
  variant+=$'\n'"| $label | $cle6 | $cle6bc |"
done
floats="| float model | top-1 (%) |
|---|---|
| imported | $(top1 "$work/none.mlir") |
| + BN folding | $(top1 "$work/fold.mlir") |
| + CLE (ReLU6 → ReLU) | $(top1 "$work/cle.mlir") |
| + CLE, ReLU6 kept | $(top1 "$work/cle6.mlir") |"

tables="$floats

Quantized, top-1 (%):

$main

$variant"
echo "$tables"

# Replace the generated block of docs/CLE.md.
/usr/bin/python3 - "$doc" "$tables" <<'EOF'
import sys
path, tables = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench/cle.sh: begin -->", "<!-- bench/cle.sh: end -->"
text = open(path).read()
if begin not in text or end not in text:
    sys.exit(f"{path}: missing the {begin} / {end} markers")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + tables + "\n" + end + tail)
EOF
echo "tables written to $doc" >&2
