//===- Passes.h - npu dialect passes ----------------------------*- C++ -*-===//

#ifndef QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir::npu {

#define GEN_PASS_DECL
#include "qmlir/Dialect/NPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/NPU/Transforms/Passes.h.inc"

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_H
