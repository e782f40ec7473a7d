//===- BorderFills.h - fills a kernel's threads can run -------------------===//
//
// Private to qnn-cpu-parallelize.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_PIPELINES_BORDERFILLS_H
#define QMLIR_LIB_CONVERSION_PIPELINES_BORDERFILLS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace qmlir::cpu {

/// The linalg.fill ops just before `loop` (only side-effect-free ops between
/// them) that fill static boxes of a buffer `loop` writes the rest of: each
/// fill's box is disjoint from every view of that buffer the loop uses and
/// from the other fills' boxes, so they may run in any order and on any
/// thread while the loop runs. These are the borders of a padded tensor
/// whose interior a CPU kernel writes (PaddedResult.cpp), in program order.
llvm::SmallVector<mlir::linalg::FillOp> borderFillsBefore(mlir::scf::ForOp loop);

} // namespace qmlir::cpu

#endif // QMLIR_LIB_CONVERSION_PIPELINES_BORDERFILLS_H
