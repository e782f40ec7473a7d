#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/, built with -DQMLIR_ENABLE_FUZZERS=ON)
# for SECONDS each on its corpus and prints the executions per target:
#   scripts/fuzz.sh [SECONDS] [BUILD] [CORPUS]
# Defaults: 60 s, build-asan, BUILD/fuzz-corpus (made by scripts/fuzz-corpus.sh;
# new inputs libFuzzer finds are added there). Crashes are written to
# BUILD/fuzz-crashes/<target>/; the script exits 1 if any target crashed.
# QMLIR_FUZZ_TARGETS="fuzz-npy fuzz-mlir" restricts the run; -jobs is 1
# (this machine is shared).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
build="${2:-$root/build-asan}"
corpus="${3:-$build/fuzz-corpus}"
targets="${QMLIR_FUZZ_TARGETS:-fuzz-import-onnx fuzz-import-onnxtxt fuzz-import-tf-pb fuzz-import-tf-pbtxt fuzz-quant-config fuzz-calib-stats fuzz-target-json fuzz-npy fuzz-mlir fuzz-npu-artifact}"
# Leaks in libonnx/protobuf/MLIR singletons are not reader bugs; every
# other sanitizer report stops the run as a crash.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0 total=0
printf '%-24s %12s %10s %s\n' target execs exec/s result
for t in $targets; do
  bin="$build/bin/$t"
  [ -x "$bin" ] || { printf '%-24s %12s\n' "$t" "not built"; status=1; continue; }
  mkdir -p "$corpus/$t" "$build/fuzz-crashes/$t"
  log="$build/fuzz-crashes/$t.log"
  seeds=(); [ -d "$root/fuzz/corpus/$t" ] && seeds=("$root/fuzz/corpus/$t")
  "$bin" "$corpus/$t" "${seeds[@]}" -max_total_time="$secs" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-crashes/$t/" ${QMLIR_FUZZ_FLAGS:-} \
    > "$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  # With -fork=N (QMLIR_FUZZ_FLAGS) only the status lines count them.
  [ -z "$execs" ] && execs=$(grep -o '^#[0-9]*' "$log" | tr -d '#' | tail -1)
  execs=${execs:-0}
  total=$((total + execs))
  result=ok
  if [ $rc -ne 0 ]; then result="CRASH (see $log)"; status=1; fi
  printf '%-24s %12d %10d %s\n' "$t" "$execs" "$((execs / (secs > 0 ? secs : 1)))" "$result"
done
printf '%-24s %12d\n' total "$total"
exit $status
