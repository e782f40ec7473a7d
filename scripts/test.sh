#!/usr/bin/env bash
# Builds qmlir (installing what is missing) and runs every test through
# ctest: lit + FileCheck, GoogleTest, and the end-to-end model checks. Then
# the hardening checks (scripts/hardening.sh: the lit suite under ASan +
# UBSan in build-asan and each fuzz target for a few seconds); set
# QMLIR_SKIP_HARDENING=1 to skip them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
cd "$build"
ctest --output-on-failure -j2 "$@"
if [ -z "${QMLIR_SKIP_HARDENING:-}" ] || [ "${QMLIR_SKIP_HARDENING}" = 0 ]; then
  "$root/scripts/hardening.sh"
fi
