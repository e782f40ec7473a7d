//===- Passes.h - qnn transformation passes ---------------------*- C++ -*-===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Pass/Pass.h"

namespace qmlir::qnn {

#define GEN_PASS_DECL
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
