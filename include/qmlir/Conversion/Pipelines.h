//===- Pipelines.h - qmlir pass pipelines -----------------------*- C++ -*-===//
//
// Pass pipelines that take a qnn module to executable form.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PIPELINES_H
#define QMLIR_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

namespace qmlir {

/// How the CPU pipeline generates code for linalg ops.
enum class CPUCodegen {
  /// Every linalg op becomes plain loops (`convert-linalg-to-loops`) that
  /// LLVM optimizes: simple and obviously right; the reference the fast
  /// path is tested against.
  Reference,
  /// Convolutions and matrix products with constant weights become
  /// register-tiled vector kernels with their elementwise consumer fused
  /// (`qnn-cpu-vectorize-contractions`); everything else as in Reference.
  Fast,
};

struct QNNToLLVMOptions {
  CPUCodegen codegen = CPUCodegen::Fast;
  /// Fast codegen: use AVX-512 VNNI (`vpdpbusd`) for int8 contractions.
  bool vnni = false;
  /// Fast codegen: vector register width, 512 (AVX-512) or 256.
  unsigned vectorBits = 512;
  /// Threads the generated code runs on: 1 gives sequential code; more
  /// makes the outer loops of kernels and of the other linalg ops OpenMP
  /// work-sharing loops (qnn-cpu-parallelize, convert-scf-to-openmp) with
  /// that many threads, and 0 as many as the OpenMP runtime chooses
  /// (OMP_NUM_THREADS, else all cores). Parallel code calls the LLVM OpenMP
  /// runtime (libomp). Results do not depend on the count.
  unsigned threads = 1;
  /// With threads: loops with a smaller static operation count stay
  /// sequential (qnn-cpu-parallelize's min-work; tests use 0).
  int64_t parallelMinWork = 100000;
  /// Fast codegen: a batch whose largest per-sample working set of one op
  /// times the batch exceeds this many bytes runs as a loop over chunks of
  /// it inside the call (qnn-cpu-batch-chunks; 0: never).
  int64_t batchChunkBytes = 1 << 20;
};

/// The host's CPU features (llvm::sys::getHostCPUFeatures) with
/// `overrides` applied: a comma-separated list of LLVM feature names, each
/// with `+` (or no sign) to enable and `-` to disable, e.g.
/// "-avx512vnni". Disabling a feature also disables the host features that
/// LLVM says imply it (`-avx512f` turns off every AVX-512 extension).
/// Unknown names are an error.
llvm::Expected<llvm::StringMap<bool>>
resolveCPUFeatures(llvm::StringRef overrides);

/// Whether `features` allow the VNNI kernels (AVX-512F, AVX-512 VNNI and
/// AVX-512 VL).
bool hasVNNI(const llvm::StringMap<bool> &features);

/// The kernel options for a CPU with `features`: VNNI (hasVNNI) and the
/// vector width (512 bits with AVX-512F, else 256).
QNNToLLVMOptions kernelOptionsFor(const llvm::StringMap<bool> &features,
                                  CPUCodegen codegen);

/// Parses "reference" or "fast".
std::optional<CPUCodegen> parseCPUCodegen(llvm::StringRef name);

/// Appends the passes that lower a module of qnn (or TOSA, or linalg on
/// tensors) functions to the LLVM dialect, ready for the JIT or for
/// translation to LLVM IR: qnn -> TOSA -> linalg -> (vector kernels) ->
/// bufferized loops -> LLVM. `pm` must be anchored on `builtin.module`.
/// Functions keep their names; results become trailing out-parameters (see
/// docs/Lowering.md).
void buildQNNToLLVMPipeline(mlir::OpPassManager &pm,
                            const QNNToLLVMOptions &options = {});

/// convert-qnn-to-tosa, canonicalize, qnn-finalize-tosa-export: a module of
/// TOSA ops only, computing exactly what qmlir's CPU path computes.
void buildQNNToTOSAExportPipeline(mlir::OpPassManager &pm);

/// Registers `--qnn-lower-to-llvm` (buildQNNToLLVMPipeline) with the
/// command-line pass pipeline registry, with options
/// `cpu-codegen=fast|reference`, `cpu-features=<overrides of the host's
/// features>` and `threads=N` (QNNToLLVMOptions::threads, default 1), and `--qnn-export-tosa` (buildQNNToTOSAExportPipeline).
void registerQNNPipelines();

} // namespace qmlir

#endif // QMLIR_CONVERSION_PIPELINES_H
