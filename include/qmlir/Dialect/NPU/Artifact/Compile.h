//===- Compile.h - a model to an accelerator artifact -----------*- C++ -*-===//
//
// The one flow from a model to a .qart artifact (docs/Artifact.md), shared
// by `qmlir-compile -o model.qart` and the Python package's
// `Model.compile(target=...)`: quantize, lower and partition as far as the
// module needs, build and verify the simulator program, compile the CPU
// fallback segments.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_ARTIFACT_COMPILE_H
#define QMLIR_DIALECT_NPU_ARTIFACT_COMPILE_H

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qmlir::npu {

struct ArtifactCompileOptions {
  /// The target description file (targets/*.json); empty for a module that
  /// is already partitioned (npu.segment ops).
  std::string targetPath;
  /// Calibration samples (.npy/.npz, as qnn-calibrate's samples=) for a
  /// float module; must be empty otherwise.
  std::string samplesPath;
  /// The calibration method (qnn-calibrate's method=) for a float module.
  std::string method = "minmax";
  /// Where npu-summary writes the model summary: "-" stdout, a file, or
  /// empty for no summary.
  std::string summaryOut;
  std::string entry = "main";
  /// Names the model in errors (usually its file name).
  std::string source = "model";
  /// Recorded in the artifact's `producer` field.
  std::string producer;
  /// Code generation of the CPU segments, and the driver that links them.
  JITOptions codegen;
  std::string linker;
};

/// Brings `module` (in place) to its partitioned form for the target and
/// returns the artifact. A float module (no qnn.quantize) with a target and
/// samples runs target::buildCalibrateQuantizePipeline (the passes of
/// qmlir.quantize(target=...): the target constrains the scheme before
/// qnn-calibrate), convert-qnn-to-npu, npu-partition;
/// a quantized one from convert-qnn-to-npu on; a partitioned one (no
/// target) is taken as it is. Passes report their errors, warnings and
/// remarks as diagnostics on the module's context (the caller's handler
/// prints or collects them); a pass failure returns an error saying so.
/// Misuse (a float module without samples, a target for a partitioned
/// module, ...) returns a one-line error naming `source`.
llvm::Expected<Artifact> compileArtifact(mlir::ModuleOp module,
                                         const ArtifactCompileOptions &options);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_ARTIFACT_COMPILE_H
