//===- ONNXImporter.h - ONNX model to qnn dialect ---------------*- C++ -*-===//
//
// Imports a float ONNX model into one func.func of qnn ops. This header is
// free of ONNX and protobuf headers so that tools compiled without exceptions
// can include it; the library catches every exception libonnx throws.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_IMPORT_ONNX_ONNXIMPORTER_H
#define QMLIR_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace qmlir {

struct ONNXImportOptions {
  /// Value for symbolic/unknown dims of dim 0 of inputs.
  int64_t batchSize = 1;
  /// Full static shapes of inputs by name. A given shape must have the
  /// declared rank and agree with the declared static dims; it replaces the
  /// symbolic ones (and takes precedence over `batchSize`).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Name of the generated func.func.
  std::string entryName = "main";
};

/// Imports an ONNX model (binary protobuf, or ONNX's textual syntax when the
/// file name ends in .onnxtxt or the content starts with '<'). On failure
/// returns nullptr and emits an error through the context's diagnostic engine
/// (one line naming the file, and the node/op/input where relevant).
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext &ctx,
               const ONNXImportOptions &options);

/// As importONNXFile, for a model already in memory; `bufferName` names it in
/// locations and diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXString(llvm::StringRef contents, llvm::StringRef bufferName,
                 mlir::MLIRContext &ctx, const ONNXImportOptions &options);

/// Parses "name=1x3x224x224" into `options.inputShapes`. Returns an error
/// message, or "" on success.
std::string addInputShape(ONNXImportOptions &options, llvm::StringRef spec);

} // namespace qmlir

#endif // QMLIR_IMPORT_ONNX_ONNXIMPORTER_H
