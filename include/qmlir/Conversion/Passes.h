//===- Passes.h - qmlir conversion passes -----------------------*- C++ -*-===//
//
// Declares the passes of include/qmlir/Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_H
#define QMLIR_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir {

/// Unit attribute on an `scf.for` whose iterations write disjoint parts of
/// their buffers (the CPU kernels' row-tile loops): qnn-cpu-parallelize may
/// run them in parallel.
inline constexpr llvm::StringLiteral kParallelLoopAttrName = "qnn.parallel";
/// Marks a loop over chunks of a batch whose iterations are independent
/// (qnn-cpu-batch-chunks), for qnn-cpu-parallelize.
inline constexpr llvm::StringLiteral kParallelBatchAttrName =
    "qnn.parallel_batch";
/// Marks a parallel kernel loop (also marked kParallelLoopAttrName) whose
/// iterations should be split into one contiguous range per thread.
inline constexpr llvm::StringLiteral kParallelContiguousAttrName =
    "qnn.parallel_contiguous";

#define GEN_PASS_DECL
#include "qmlir/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Conversion/Passes.h.inc"

} // namespace qmlir

#endif // QMLIR_CONVERSION_PASSES_H
