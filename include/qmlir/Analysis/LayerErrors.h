//===- LayerErrors.h - per-layer float-vs-quantized error -------*- C++ -*-===//
//
// The main accuracy-debugging tool: run a reference (float) model and a
// candidate (quantized) model on the same inputs and measure, layer by layer,
// how far the candidate's tensors are from the reference's (SQNR, cosine),
// matching tensors by name (see TensorNames.h).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_ANALYSIS_LAYERERRORS_H
#define QMLIR_ANALYSIS_LAYERERRORS_H

#include "qmlir/Runtime/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace qmlir {

struct LayerError {
  std::string name;    ///< Tensor name (node name and result index).
  std::string op;      ///< Op of the candidate that produced it.
  double sqnrDb;       ///< 10 log10(sum ref^2 / sum (ref - cand)^2); inf if equal.
  double cosine;       ///< Cosine similarity of the flattened tensors.
  double maxAbsError;  ///< Largest |ref - cand|.
  int64_t elements;    ///< Elements compared (over all samples).
};

/// Runs both models' `entry` on `inputs` (batched over their compiled batch
/// size) and compares every layer output that both produce under the same
/// name. Results are in the candidate's op order. Neither module is modified.
llvm::Expected<std::vector<LayerError>>
compareLayers(mlir::ModuleOp reference, mlir::ModuleOp candidate,
              llvm::StringRef entry, llvm::ArrayRef<HostTensor> inputs);

/// Prints a table sorted by damage (lowest SQNR first).
void printLayerErrors(llvm::raw_ostream &os,
                      llvm::ArrayRef<LayerError> errors);

} // namespace qmlir

#endif // QMLIR_ANALYSIS_LAYERERRORS_H
