#!/usr/bin/env bash
# Builds the seed corpora of the libFuzzer targets (fuzz/) from the test
# suite's own files, into OUT/<target>/ (default build-asan/fuzz-corpus):
#   scripts/fuzz-corpus.sh [OUT] [BUILD]
# BUILD (default build) is a normal build whose qopt/qmlir-translate make the
# seeds that are not files in the tree (binary TF graphs, configs, statistics).
# The small committed seeds in fuzz/corpus/ are copied in as well.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build-asan/fuzz-corpus}"
build="${2:-$root/build}"
py=/usr/bin/python3
mkdir -p "$out"
for d in "$root"/fuzz/corpus/*/; do
  t=$(basename "$d"); mkdir -p "$out/$t"; cp "$d"* "$out/$t/" 2>/dev/null || true
done
seed() { # target file [name]
  mkdir -p "$out/$1"; cp "$2" "$out/$1/${3:-$(basename "$2")}"; }

# ONNX binary: the bundled models, the test inputs and libonnx's node tests.
for f in "$root"/models/*.onnx "$root"/test/Import/ONNX/Inputs/*.onnx; do
  seed fuzz-import-onnx "$f"; done
for d in /usr/share/libonnx-testdata/data/node/*/; do
  [ -f "$d/model.onnx" ] && seed fuzz-import-onnx "$d/model.onnx" "$(basename "$d").onnx"
done
# ONNX text: every .onnxtxt test.
for f in $(find "$root/test" -name '*.onnxtxt'); do seed fuzz-import-onnxtxt "$f"; done
# TF: the .pbtxt tests, and each encoded as a binary GraphDef.
mkdir -p "$out/fuzz-import-tf-pb"
for f in $(find "$root/test" -name '*.pbtxt'); do
  seed fuzz-import-tf-pbtxt "$f"
  grep -v '^#' "$f" | protoc --encode=qmlir.tfproto.GraphDef \
    -I "$root/lib/Import/TF" "$root/lib/Import/TF/tf_graph.proto" \
    > "$out/fuzz-import-tf-pb/$(basename "$f" .pbtxt).pb" 2>/dev/null ||
    rm -f "$out/fuzz-import-tf-pb/$(basename "$f" .pbtxt).pb"
done
# Target descriptions.
for f in "$root"/targets/*.json $(find "$root/test" -name '*.json'); do
  seed fuzz-target-json "$f"; done
# .mlir: every test input, split at // ----- like --split-input-file.
mkdir -p "$out/fuzz-mlir"
i=0
for f in $(find "$root/test" -name '*.mlir'); do
  $py - "$f" "$out/fuzz-mlir/$(basename "$f" .mlir)" <<'PY'
import sys
text = open(sys.argv[1]).read()
for k, part in enumerate(text.split("// -----")):
    if len(part) < 20000:
        open(f"{sys.argv[2]}.{k}.mlir", "w").write(part)
PY
done
# .npy / .npz of several dtypes and ranks.
mkdir -p "$out/fuzz-npy"
$py - "$out/fuzz-npy" <<'PY'
import sys, numpy as np
d = sys.argv[1]
r = np.random.default_rng(0)
for dt in ["f4", "f8", "i1", "u1", "i2", "i4", "i8", "?"]:
    np.save(f"{d}/a-{dt}.npy", (r.uniform(-3, 3, (2, 3)) > 0 if dt == "?" else r.uniform(-3, 3, (2, 3))).astype(dt))
np.save(f"{d}/scalar.npy", np.float32(1.5))
np.save(f"{d}/r4.npy", r.uniform(0, 1, (1, 2, 2, 3)).astype("f4"))
np.savez(f"{d}/two.npz", x=np.ones((2, 2), "f4"), y=np.arange(3))
np.savez_compressed(f"{d}/comp.npz", x=np.ones((4, 4), "f4"))
PY
cp "$root/models/fashion_cnn_calib.npy" "$out/fuzz-npy/" 2>/dev/null || true
# Quantization configs and calibration statistics, written by qopt.
mkdir -p "$out/fuzz-quant-config" "$out/fuzz-calib-stats"
if [ -x "$build/bin/qopt" ]; then
  cnn="$root/test/Dialect/QNN/qnn-calibrate-stats.mlir"
  "$build/bin/qopt" "$cnn" --qnn-dump-config="out=$out/fuzz-quant-config/dump.json" \
    -o /dev/null 2>/dev/null || true
  $py -c "import numpy as np; np.save('$out/x.npy', np.array([[1, -2], [3, 0.5], [-4, 2], [0, 0]], 'f4'))" 2>/dev/null || true
  "$build/bin/qopt" "$cnn" --qnn-calibrate="samples=$out/x.npy stats-out=$out/fuzz-calib-stats/stats.json" \
    -o /dev/null 2>/dev/null || true
  rm -f "$out/x.npy"
fi
# Accelerator artifacts (.qart) as the Target tests make them: all-NPU for
# the int8 and 4-bit targets, mixed NPU/CPU (with a CPU segment's shared
# object), one with a layer pushed to the CPU by the memory limit, and
# per-axis activations.
mkdir -p "$out/fuzz-npu-artifact"
if [ -x "$build/bin/qmlir-compile" ]; then
  tmp=$(mktemp -d)
  cnn="$root/test/Target/Inputs/small-cnn-calibrated.mlir"
  art() { # target.json mlir name
    "$build/bin/qmlir-compile" "$2" --target "$1" \
      -o "$out/fuzz-npu-artifact/$3.qart" > /dev/null 2>&1 || true; }
  for t in int8 edge-lowbit; do
    "$build/bin/qopt" "$cnn" --qnn-legalize-bitwidth=target="$root/targets/$t.json" \
      --qnn-quantize -o "$tmp/$t.mlir" 2>/dev/null &&
      art "$root/targets/$t.json" "$tmp/$t.mlir" "$t"
  done
  if [ -f "$tmp/int8.mlir" ]; then
    art "$root/test/Target/Inputs/conv-dense.json" "$tmp/int8.mlir" mixed
    art "$root/test/Target/Inputs/int8-100-bytes.json" "$tmp/int8.mlir" mem
    art "$root/targets/cpu.json" "$tmp/int8.mlir" cpu
  fi
  # Per-axis activations (format 1.3: per-channel fields), all on the
  # accelerator and with a per-axis tensor into a CPU segment.
  pa="$root/test/Target/Inputs/small-cnn-calibrated-per-axis.mlir"
  if "$build/bin/qopt" "$pa" \
      --qnn-quantize=config="$root/test/Target/Inputs/pa.json" \
      -o "$tmp/pa.mlir" 2>/dev/null; then
    art "$root/targets/int8.json" "$tmp/pa.mlir" per-axis
    art "$root/test/Target/Inputs/conv-only-per-axis.json" "$tmp/pa.mlir" \
      per-axis-mixed
  fi
  rm -rf "$tmp"
fi
for t in "$out"/*/; do
  printf '%-24s %5d files %8d KiB\n' "$(basename "$t")" "$(ls "$t" | wc -l)" "$(du -sk "$t" | cut -f1)"
done
