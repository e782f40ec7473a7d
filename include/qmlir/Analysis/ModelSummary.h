//===- ModelSummary.h - a layer table of a model ----------------*- C++ -*-===//
//
// What a deployment engineer checks after quantizing: every layer with its
// op, output shape, kernel shape, bit widths and parameter count, read off
// the IR (float or quantized). `qrun --summary` prints it; the Python
// package's `Model.summary()` returns the same rows.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_ANALYSIS_MODELSUMMARY_H
#define QMLIR_ANALYSIS_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace qmlir {

struct LayerSummary {
  std::string name;                 ///< Layer (node) name.
  std::string op;                   ///< Op name without the dialect prefix.
  std::vector<int64_t> outputShape; ///< Shape of the first result.
  std::vector<int64_t> kernelShape; ///< Weights' shape; empty without weights.
  /// Element types as text: "f32", or the quantized bits ("8", "4", "u8"
  /// for an unsigned range) with "/axis" when quantized per axis; "" where
  /// the layer has no such tensor.
  std::string weightBits, inputBits, outputBits;
  int64_t parameters = 0;           ///< Elements of constant operands.
};

/// The layers (qnn ops other than calibration probes and quantize /
/// dequantize / requantize) of function `entry`, in program order.
llvm::Expected<std::vector<LayerSummary>> summarizeModel(mlir::ModuleOp module,
                                                         llvm::StringRef entry);

/// Prints the rows as a table followed by the total parameter count.
void printModelSummary(llvm::raw_ostream &os,
                       llvm::ArrayRef<LayerSummary> layers);

} // namespace qmlir

#endif // QMLIR_ANALYSIS_MODELSUMMARY_H
