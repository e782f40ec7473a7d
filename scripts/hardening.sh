#!/usr/bin/env bash
# The hardening checks of scripts/test.sh (and so of CI), after the main
# ctest run (docs/reliability.md):
# 1. configures and builds the one instrumented build directory, build-asan
#    (ASan + UBSan + libFuzzer coverage: -DQMLIR_ENABLE_FUZZERS=ON), only the
#    targets lit and the fuzz targets need;
# 2. runs the lit suite on it under ASan + UBSan (halt on error, leaks
#    reported; scripts/sanitize.sh lit);
# 3. runs each libFuzzer target for QMLIR_FUZZ_SECONDS (default 5) on the
#    committed corpus fuzz/corpus/ (scripts/fuzz.sh).
# Set QMLIR_SKIP_HARDENING=1 to skip it (scripts/test.sh). Exits non-zero on
# a build failure, a lit failure or sanitizer report, or a fuzzer crash.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_ASAN_BUILD:-$root/build-asan}"
export QMLIR_ASAN_BUILD="$build"
secs="${QMLIR_FUZZ_SECONDS:-5}"
status=0
phase() { # name command...
  local name=$1 start rc; shift
  start=$(date +%s)
  echo "== hardening: $name"
  "$@"; rc=$?
  echo "== hardening: $name: $(( $(date +%s) - start )) s, exit $rc"
  return $rc
}
phase "instrumented build" "$root/scripts/sanitize.sh" build || exit 1
QMLIR_SANITIZE_NOBUILD=1 phase "lit under ASan+UBSan" \
  "$root/scripts/sanitize.sh" lit || status=1
# A fresh corpus directory each run: libFuzzer adds what it finds there; the
# committed seeds are read from fuzz/corpus/.
rm -rf "$build/fuzz-ci-corpus"
# A fixed seed: the same mutations on every run, so a CI failure is a
# regression of the committed corpus or of what seed 1 reaches, not luck.
export QMLIR_FUZZ_FLAGS="${QMLIR_FUZZ_FLAGS:--seed=1}"
phase "fuzz targets, ${secs} s each" \
  "$root/scripts/fuzz.sh" "$secs" "$build" "$build/fuzz-ci-corpus" || status=1
exit $status
