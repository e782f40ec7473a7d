#!/usr/bin/env bash
# Builds qmlir with AddressSanitizer + UndefinedBehaviorSanitizer (and the
# libFuzzer targets: -DQMLIR_ENABLE_FUZZERS=ON, so one instrumented build
# directory serves the sanitizer runs and scripts/fuzz.sh) and runs suites
# under it with a per-test timeout:
#   scripts/sanitize.sh [lit|onnx|models|all|readers|build] (default all)
# - build: only configure and build BUILD (the tools lit needs and the fuzz
#   targets, not the unit tests or the Python extension).
# - lit: the lit suite (`lit --timeout`, per test).
# - onnx: all 1,072 ONNX backend tests of libonnx-testdata through
#   bench/onnx_conformance.py --quantize: import -> run, and for the ones
#   that import also calibrate -> quantize -> run (qopt, qrun).
# - models: each bundled model (models/*.onnx) through import -> calibrate
#   -> quantize -> qrun, and qmlir-compile to an int8 accelerator artifact
#   -> qrun on the simulator (bit-exact against the CPU run).
# - all: lit, onnx and models.
# - readers: runs each fuzz target once per file (no fuzzing) on every ONNX
#   backend test model (all 1,072 of libonnx-testdata), every .onnxtxt,
#   .pbtxt and .mlir test input (and, with QMLIR_SANITIZE_CORPUS=1, every
#   file of BUILD/fuzz-corpus): the readers and importers under ASan + UBSan.
# Env: QMLIR_ASAN_BUILD (default build-asan), QMLIR_SANITIZE_NOBUILD=1 (use
# BUILD as built), QMLIR_SANITIZE_TIMEOUT (per test, default 300 s), JOBS
# (default 2).
# A sanitizer report exits the process with code 86 (ASan, LSan, UBSan with
# halt_on_error), which lit and bench/onnx_conformance.py count as a failure
# or crash; the report lines are collected into BUILD/sanitize-reports.txt.
# Debian's LLVM/MLIR/libonnx/protobuf and JIT-compiled code are not
# instrumented; leaks inside them are suppressed (scripts/sanitizer/lsan.supp).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_ASAN_BUILD:-$root/build-asan}"
timeout="${QMLIR_SANITIZE_TIMEOUT:-300}"
jobs="${JOBS:-2}"
what="${1:-all}"
logdir="$build/sanitize-logs"
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0:log_path=$logdir/asan"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=$logdir/ubsan"

# The targets lit and the fuzzers need (not the unit tests).
build_targets="qopt qmlir-translate qrun qmlir-compile qmlir-capi-example
  qmlir-test-power-difference qmlir-test-tf-graph-py qmlir-fuzzers"
build_asan() {
  [ -n "${QMLIR_SANITIZE_NOBUILD:-}" ] && return 0
  cmake -G Ninja -S "$root" -B "$build" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DQMLIR_ENABLE_FUZZERS=ON > /dev/null || return 1
  local start; start=$(date +%s)
  # shellcheck disable=SC2086
  # The instrumented objects carry line tables (-gline-tables-only), for
  # which ccache hashes the build directory unless told not to: without
  # CCACHE_NOHASHDIR a fresh clone would rebuild everything.
  CCACHE_NOHASHDIR=1 \
  ninja -C "$build" -j"$jobs" $build_targets > "$build/sanitize-build.log" 2>&1 ||
    { tail -n 30 "$build/sanitize-build.log"; return 1; }
  echo "instrumented build ($build): $(( $(date +%s) - start )) s"
}

if [ "$what" = build ]; then build_asan; exit $?; fi

if [ "$what" = readers ]; then
  rm -rf "$logdir"; mkdir -p "$logdir"
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86"
  export UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1"
  build_asan || exit 1
  list() { # target: the files it reads
    case $1 in
      fuzz-import-onnx) ls /usr/share/libonnx-testdata/data/*/*/model.onnx ;;
      fuzz-import-onnxtxt) find "$root/test" -name '*.onnxtxt' ;;
      fuzz-import-tf-pbtxt) find "$root/test" -name '*.pbtxt' ;;
      fuzz-mlir) find "$root/test" -name '*.mlir' ;;
      fuzz-npu-artifact) find "$root/fuzz/corpus/fuzz-npu-artifact" -type f ;;
    esac
    if [ -n "${QMLIR_SANITIZE_CORPUS:-}" ] && [ -d "$build/fuzz-corpus/$1" ]; then
      find "$build/fuzz-corpus/$1" -type f; fi
  }
  status=0
  printf '%-24s %6s %6s %6s
' target files clean failed
  for t in fuzz-import-onnx fuzz-import-onnxtxt fuzz-import-tf-pb \
           fuzz-import-tf-pbtxt fuzz-quant-config fuzz-calib-stats \
           fuzz-target-json fuzz-npy fuzz-mlir fuzz-npu-artifact; do
    n=0 bad=0
    while read -r f; do
      n=$((n + 1))
      if ! timeout "$timeout" "$build/bin/$t" "$f" > "$logdir/run.log" 2>&1; then
        bad=$((bad + 1)); status=1
        { echo "== $t $f"; grep -E 'ERROR|SUMMARY|runtime error' "$logdir/run.log"; } \
          >> "$build/sanitize-readers.txt"
      fi
    done < <(list $t | sort -u)
    printf '%-24s %6d %6d %6d
' "$t" "$n" "$((n - bad))" "$bad"
  done
  exit $status
fi

build_asan || exit 1
rm -rf "$logdir"; mkdir -p "$logdir"

status=0
if [ "$what" = lit ] || [ "$what" = all ]; then
  /usr/lib/llvm-22/bin/lit -s -j"$jobs" --timeout "$timeout" "$build/test" \
    > "$build/sanitize-lit.log" 2>&1 || status=1
  grep -E '^(PASS|FAIL|TIMEOUT|UNRESOLVED|XFAIL|XPASS|UNSUPPORTED): ' \
    "$build/sanitize-lit.log" | grep -v '^PASS' || true
  tail -n 12 "$build/sanitize-lit.log" | grep -E 'Passed|Failed|Timed Out|Unsupported|Unresolved'
fi
if [ "$what" = onnx ] || [ "$what" = all ]; then
  # --only / selects every test without rewriting docs/ONNXConformance.md.
  /usr/bin/python3 "$root/bench/onnx_conformance.py" --build "$build" \
    --jobs "$jobs" --timeout "$timeout" --only / --quantize \
    > "$build/sanitize-onnx.log" 2>&1 || status=1
  grep -E '^(CRASH|HANG)|quantized: (CRASH|HANG)' "$build/sanitize-onnx.log" || true
  tail -n 2 "$build/sanitize-onnx.log"
fi
if [ "$what" = models ] || [ "$what" = all ]; then
  # Each step with the per-test timeout; a step's non-zero exit is a failure,
  # a signal or sanitizer exit (86) a crash, the timeout's 124 a hang.
  work="$build/sanitize-models"; rm -rf "$work"; mkdir -p "$work"
  /usr/bin/python3 -c "import numpy as np; x = np.load('$root/models/fashion_cnn_calib.npy'); np.save('$work/calib.npy', x[:32]); np.save('$work/x.npy', x[32:36])"
  printf '%-24s %s\n' model result
  for m in "$root"/models/*.onnx; do
    n=$(basename "$m" .onnx) result=ok
    B="$build/bin" T="$root/targets/int8.json"
    steps=(
      "import|$B/qmlir-translate --import-onnx --batch 4 $m -o $work/$n.mlir"
      "quantize|$B/qopt $work/$n.mlir --qnn-fold-batchnorm --qnn-insert-calibration --qnn-calibrate=samples=$work/calib.npy --qnn-quantize -o $work/$n.int8.mlir"
      "run|$B/qrun $work/$n.int8.mlir --input $work/x.npy --output $work/$n.cpu.npy"
      "compile|$B/qmlir-compile $work/$n.int8.mlir --target $T -o $work/$n.qart"
      "run-artifact|$B/qrun $work/$n.qart --input $work/x.npy --expect $work/$n.cpu.npy --atol 0 --rtol 0")
    for st in "${steps[@]}"; do
      name=${st%%|*} cmd=${st#*|}
      # shellcheck disable=SC2086
      timeout "$timeout" $cmd > "$work/$n.$name.log" 2>&1
      rc=$?
      if [ $rc -eq 124 ]; then result="HANG in $name"; status=1; break
      elif [ $rc -gt 1 ] || grep -qE 'Sanitizer|runtime error:|Stack dump|LLVM ERROR' "$work/$n.$name.log"; then
        result="CRASH in $name (rc $rc, $work/$n.$name.log)"; status=1; break
      elif [ $rc -ne 0 ]; then
        result="error in $name: $(grep -m1 . "$work/$n.$name.log")"; status=1; break
      fi
    done
    printf '%-24s %s\n' "$n" "$result"
  done
fi
# One line per sanitizer report: the tool's summary line.
cat "$logdir"/* 2>/dev/null | grep -E 'SUMMARY: |runtime error:' | sort | uniq -c \
  | sort -rn > "$build/sanitize-reports.txt"
echo "sanitizer reports: $(cat "$logdir"/* 2>/dev/null | grep -c 'SUMMARY: ') (distinct: $(wc -l < "$build/sanitize-reports.txt"), see $build/sanitize-reports.txt)"
[ -s "$build/sanitize-reports.txt" ] && status=1
exit $status
