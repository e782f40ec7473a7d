#!/usr/bin/env bash
# Builds qmlir with AddressSanitizer + UndefinedBehaviorSanitizer in its own
# build directory and runs the lit suite and the ONNX backend tests
# (libonnx-testdata, all of them) under it, with a per-test timeout:
#   scripts/sanitize.sh [lit|onnx|all] (default all)
#   scripts/sanitize.sh readers   (needs only -DQMLIR_ENABLE_FUZZERS=ON)
# `readers` runs each fuzz target once per file (no fuzzing) on every ONNX
# backend test model (all 1,072 of libonnx-testdata), every .onnxtxt,
# .pbtxt and .mlir test input (and, with QMLIR_SANITIZE_CORPUS=1, every
# file of BUILD/fuzz-corpus): the
# readers and importers under ASan + UBSan, without building the JIT.
# Env: QMLIR_ASAN_BUILD (default build-asan), QMLIR_SANITIZE_NOBUILD=1
# (readers: use the fuzz targets as built), QMLIR_SANITIZE_TIMEOUT (per
# test, default 300 s), JOBS (default 2).
# A sanitizer report exits the process with code 86 (ASan, UBSan with
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

if [ "$what" = readers ]; then
  rm -rf "$logdir"; mkdir -p "$logdir"
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86"
  export UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1"
  [ -n "${QMLIR_SANITIZE_NOBUILD:-}" ] ||
    ninja -C "$build" -j"$jobs" qmlir-fuzzers > /dev/null || exit 1
  list() { # target: the files it reads
    case $1 in
      fuzz-import-onnx) ls /usr/share/libonnx-testdata/data/*/*/model.onnx ;;
      fuzz-import-onnxtxt) find "$root/test" -name '*.onnxtxt' ;;
      fuzz-import-tf-pbtxt) find "$root/test" -name '*.pbtxt' ;;
      fuzz-mlir) find "$root/test" -name '*.mlir' ;;
    esac
    if [ -n "${QMLIR_SANITIZE_CORPUS:-}" ] && [ -d "$build/fuzz-corpus/$1" ]; then
      find "$build/fuzz-corpus/$1" -type f; fi
  }
  status=0
  printf '%-24s %6s %6s %6s
' target files clean failed
  for t in fuzz-import-onnx fuzz-import-onnxtxt fuzz-import-tf-pb \
           fuzz-import-tf-pbtxt fuzz-quant-config fuzz-calib-stats \
           fuzz-target-json fuzz-npy fuzz-mlir; do
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

cmake -G Ninja -S "$root" -B "$build" -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DQMLIR_SANITIZE=address,undefined > /dev/null || exit 1
start=$(date +%s)
ninja -C "$build" -j"$jobs" || exit 1
echo "build: $(( $(date +%s) - start )) s"
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
    --jobs "$jobs" --timeout "$timeout" --only / \
    > "$build/sanitize-onnx.log" 2>&1 || status=1
  grep -E '^(CRASH|HANG)' "$build/sanitize-onnx.log" || true
  tail -n 1 "$build/sanitize-onnx.log"
fi
# One line per sanitizer report: the tool's summary line.
cat "$logdir"/* 2>/dev/null | grep -E 'SUMMARY: |runtime error:' | sort | uniq -c \
  | sort -rn > "$build/sanitize-reports.txt"
echo "sanitizer reports: $(cat "$logdir"/* 2>/dev/null | grep -c 'SUMMARY: ') (distinct: $(wc -l < "$build/sanitize-reports.txt"), see $build/sanitize-reports.txt)"
[ -s "$build/sanitize-reports.txt" ] && status=1
exit $status
