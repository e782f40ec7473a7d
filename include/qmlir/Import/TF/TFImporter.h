//===- TFImporter.h - TensorFlow GraphDef to qnn dialect --------*- C++ -*-===//
//
// Imports a frozen TensorFlow graph (GraphDef, binary .pb or text .pbtxt)
// into one func.func of qnn ops. This header is free of protobuf headers so
// that tools compiled without exceptions can include it; the library catches
// every exception protobuf throws.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_IMPORT_TF_TFIMPORTER_H
#define QMLIR_IMPORT_TF_TFIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace qmlir {

struct TFImportOptions {
  /// Tensors that become the function arguments, in order ("node" or
  /// "node:i"); empty: every Placeholder the outputs need, in graph order.
  /// Naming a non-Placeholder cuts the graph there.
  std::vector<std::string> inputs;
  /// Tensors that become the function results, in order; empty: output 0 of
  /// every node no other node reads, even through a control input (except
  /// Const, Placeholder and ops without outputs such as NoOp).
  std::vector<std::string> outputs;
  /// Static shapes by tensor name ("node" or "node:i"): for inputs, they
  /// replace the Placeholder's (possibly partial) shape; for custom ops, they
  /// give the result shape (docs/Import.md).
  std::vector<std::pair<std::string, llvm::SmallVector<int64_t>>> shapes;
  /// Value of an unknown dimension 0 of a Placeholder.
  int64_t batchSize = 1;
  /// Import nodes with unknown ops as qnn.custom (run by a plugin); when
  /// false they are an import error.
  bool allowCustomOps = true;
  /// Name of the generated func.func.
  std::string entryName = "main";
};

/// Parses "name=1x28x28x1" (as given to --shape) into `options.shapes`.
llvm::Error addTFShapeOption(TFImportOptions &options, llvm::StringRef spec);

/// Imports a GraphDef: text format when the file name ends in .pbtxt or
/// .pbtext, binary otherwise. On failure returns nullptr after one error
/// diagnostic through the context (one line naming the file, and the node
/// where relevant).
mlir::OwningOpRef<mlir::ModuleOp>
importTFGraphFile(llvm::StringRef path, mlir::MLIRContext &ctx,
                  const TFImportOptions &options);

/// As importTFGraphFile, for a graph already in memory; `bufferName` names
/// it in locations and diagnostics and selects the format.
mlir::OwningOpRef<mlir::ModuleOp>
importTFGraphString(llvm::StringRef contents, llvm::StringRef bufferName,
                    mlir::MLIRContext &ctx, const TFImportOptions &options);

} // namespace qmlir

#endif // QMLIR_IMPORT_TF_TFIMPORTER_H
