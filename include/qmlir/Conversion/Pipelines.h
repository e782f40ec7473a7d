//===- Pipelines.h - qmlir pass pipelines -----------------------*- C++ -*-===//
//
// Pass pipelines that take a qnn module to executable form.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PIPELINES_H
#define QMLIR_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace qmlir {

/// Appends the passes that lower a module of qnn (or TOSA, or linalg on
/// tensors) functions to the LLVM dialect, ready for the JIT or for
/// translation to LLVM IR: qnn -> TOSA -> linalg -> bufferized loops -> LLVM.
/// `pm` must be anchored on `builtin.module`. Functions keep their names;
/// results become trailing out-parameters (see docs/Lowering.md).
void buildQNNToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers `--qnn-lower-to-llvm` (buildQNNToLLVMPipeline) with the
/// command-line pass pipeline registry.
/// convert-qnn-to-tosa, canonicalize, qnn-finalize-tosa-export: a module of
/// TOSA ops only, computing exactly what qmlir's CPU path computes.
void buildQNNToTOSAExportPipeline(mlir::OpPassManager &pm);

void registerQNNPipelines();

} // namespace qmlir

#endif // QMLIR_CONVERSION_PIPELINES_H
