//===- fuzz-npu-artifact.cpp - fuzz the .qart accelerator artifact reader -===//
//
// The bytes go through npu::loadArtifact, the only entry point for untrusted
// artifacts (FlatBuffers verifier, format version, every index the simulator
// uses). A program it accepts must pass verifyProgram again: the loader's
// result is what qrun hands to the simulator. Uses the public loader API
// only, so new op kinds or format versions need no change here.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"
#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/Sim/Program.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qmlir::setMaxTensorBytes(int64_t(64) << 20);
  llvm::MemoryBufferRef buffer(qmlir::fuzz::bytes(data, size), "fuzz.qart");
  auto artifact = qmlir::npu::loadArtifact(buffer);
  if (!artifact) {
    llvm::consumeError(artifact.takeError());
    return 0;
  }
  if (llvm::Error e = qmlir::npu::verifyProgram(artifact->program, "fuzz.qart")) {
    // Accepted by the loader but not by the verifier: a loader bug.
    llvm::consumeError(std::move(e));
    std::abort();
  }
  return 0;
}
