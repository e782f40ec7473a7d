#!/usr/bin/env bash
# Installs the Debian packages that qmlir's build, tests and demo need, then
# configures and builds qmlir in ./build. Idempotent: packages already
# installed are not touched, and the build is incremental (ccache).
#
#   scripts/setup.sh            # packages + build
#   QMLIR_BUILD_DIR=dir scripts/setup.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QMLIR_BUILD_DIR:-$root/build}"

packages=(
  # Toolchain and MLIR/LLVM 22.
  cmake ninja-build ccache clang-22 llvm-22-dev llvm-22-tools
  libmlir-22-dev mlir-22-tools
  # ASan/UBSan/libFuzzer runtimes of the hardening build (build-asan).
  libclang-rt-22-dev
  # The OpenMP runtime that multi-threaded generated code calls.
  libomp-dev
  # Importers and tests.
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler libgtest-dev
  # The .qart accelerator artifact format (docs/Artifact.md).
  flatbuffers-compiler libflatbuffers-dev
  # Model scripts, data and the Python package.
  python3-numpy python3-onnx python3-torch python3-torchvision
  dataset-fashion-mnist pybind11-dev python3-pytest python3-tqdm
  python3-matplotlib graphviz
  # Node.js (with npm) for ONNX Runtime, the peer and the QDQ-export consumer.
  nodejs
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# ONNX Runtime for Node.js into $build/npm (its CPU library ships in the
# package; --ignore-scripts because the install script would use the network
# for GPU binaries). Tests and benchmarks find it through
# NODE_PATH=$build/npm/node_modules.
if [ ! -d "$build/npm/node_modules/onnxruntime-node" ]; then
  mkdir -p "$build/npm"
  npm install --silent --no-audit --no-fund --ignore-scripts \
    --prefix "$build/npm" onnxruntime-node@1.30.0 >&2
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 >&2
fi
ninja -C "$build" >&2
