#!/usr/bin/env bash
# Builds qmlir (installing what is missing) and runs every test through
# ctest: lit + FileCheck, GoogleTest, and the end-to-end model checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
cd "$build"
ctest --output-on-failure -j2 "$@"
