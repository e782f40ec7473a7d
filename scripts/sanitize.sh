#!/usr/bin/env bash
# Builds qmlir with AddressSanitizer + UndefinedBehaviorSanitizer in its own
# build directory and runs the lit suite and the ONNX backend tests
# (libonnx-testdata, all of them) under it, with a per-test timeout:
#   scripts/sanitize.sh [lit|onnx|all] (default all)
# Env: QMLIR_ASAN_BUILD (default build-asan), QMLIR_SANITIZE_TIMEOUT (per
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
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0:log_path=$logdir/asan:suppressions=$root/scripts/sanitizer/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=$logdir/ubsan"

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
