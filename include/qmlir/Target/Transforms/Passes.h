//===- Passes.h - target legalization passes --------------------*- C++ -*-===//

#ifndef QMLIR_TARGET_TRANSFORMS_PASSES_H
#define QMLIR_TARGET_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir::target {

#define GEN_PASS_DECL
#include "qmlir/Target/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Target/Transforms/Passes.h.inc"

} // namespace qmlir::target

#endif // QMLIR_TARGET_TRANSFORMS_PASSES_H
