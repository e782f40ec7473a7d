//===- LoadModel.h - one entry point for every model format -----*- C++ -*-===//
//
// qrun and the Python package load `.mlir`, `.mlirbc`, `.onnx` and
// `.onnxtxt` files through this function, so that each format is recognized
// in one place and errors come back as one line.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_FRONTEND_LOADMODEL_H
#define QMLIR_FRONTEND_LOADMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qmlir {

struct LoadOptions {
  /// Batch size for models whose batch dimension is symbolic (ONNX).
  int64_t batchSize = 1;
  /// Static shapes of named inputs (ONNX), each `name=DxDx...`.
  std::vector<std::string> inputShapes;
};

/// Registers every dialect a loaded or lowered model may contain.
void registerModelDialects(mlir::DialectRegistry &registry);

/// Parses or imports `path` by its extension. The error is the first
/// diagnostic as one line (`file:line:col: message` for parse errors).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadModel(llvm::StringRef path, mlir::MLIRContext &ctx,
          const LoadOptions &options = {});

} // namespace qmlir

#endif // QMLIR_FRONTEND_LOADMODEL_H
