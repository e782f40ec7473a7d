//===- Artifact.h - the .qart accelerator artifact --------------*- C++ -*-===//
//
// A partitioned model as one versioned FlatBuffers file (schema
// lib/Dialect/NPU/Artifact/qart.fbs, documented in docs/Artifact.md): the
// target, the segment graph with every npu op (weights packed at their bit
// width), graph inputs/outputs, and each CPU fallback segment compiled to a
// shared object. writeArtifact serializes, loadArtifact reads and verifies
// (the only entry point for untrusted bytes), loadCpuSegments makes the CPU
// code callable.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_ARTIFACT_ARTIFACT_H
#define QMLIR_DIALECT_NPU_ARTIFACT_ARTIFACT_H

#include "qmlir/Dialect/NPU/Sim/Program.h"
#include "qmlir/Runtime/AOT.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <memory>
#include <string>
#include <vector>

namespace qmlir::npu {

/// The format version this code writes; it reads every file of this major
/// version (any minor) and of older majors it knows (none yet).
constexpr uint16_t kArtifactFormatMajor = 1;
constexpr uint16_t kArtifactFormatMinor = 3;

/// One CPU segment's compiled code: a shared object with the C ABI of
/// docs/AOT.md whose symbols start with `symbolPrefix`.
struct CpuSegmentCode {
  std::string symbolPrefix;
  std::string hostTriple, hostCPU;
  /// The CPU features the code was generated for (enabled ones, LLVM's
  /// names); empty in format 1.0 files.
  std::vector<std::string> cpuFeatures;
  std::string sharedObject;
};

struct Artifact {
  uint16_t formatMajor = kArtifactFormatMajor;
  uint16_t formatMinor = kArtifactFormatMinor;
  std::string producer;
  /// The target description file's text, when compiled from one.
  std::string targetJson;
  SimProgram program;
  std::vector<CpuSegmentCode> cpuSegments;
};

/// Serializes `artifact` (its program must pass verifyProgram).
std::string writeArtifact(const Artifact &artifact);

/// Reads an artifact from untrusted bytes: checks the file identifier, the
/// format version (a newer major is refused, naming both versions), runs
/// the FlatBuffers verifier over every offset and size, then checks every
/// index and field the simulator uses (verifyProgram). Errors are one line
/// starting with the buffer's identifier (the file name). Never asserts.
llvm::Expected<Artifact> loadArtifact(llvm::MemoryBufferRef buffer);

/// Compiles CPU segment k of `cpuModule` (the function cpuSegmentName(k),
/// from buildProgram) to a shared object for the host CPU, for k in
/// [0, count), with `codegen` options.
llvm::Expected<std::vector<CpuSegmentCode>>
compileCpuSegments(mlir::ModuleOp cpuModule, int64_t count,
                   const JITOptions &codegen, llvm::StringRef linker = "");

/// Loads the shared objects of an artifact's CPU segments (written to
/// temporary files, opened, and removed again). Refuses code built for
/// another target triple. `what` names the artifact in errors.
llvm::Expected<std::vector<std::unique_ptr<CompiledModel>>>
loadCpuSegments(llvm::ArrayRef<CpuSegmentCode> code, llvm::StringRef what);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_ARTIFACT_ARTIFACT_H
