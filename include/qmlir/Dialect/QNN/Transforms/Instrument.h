//===- Instrument.h - expose inner tensors as function results --*- C++ -*-===//
//
// Calibration and the per-layer error report both run a copy of a model in
// which inner tensors are extra results of the entry function.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_INSTRUMENT_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_INSTRUMENT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace qmlir::qnn {

/// Appends `values` to the operands of `func`'s return and updates its type.
/// `func` must have a single block.
void appendResults(mlir::func::FuncOp func, mlir::ArrayRef<mlir::Value> values);

/// One tensor exposed for comparison.
struct NamedTensor {
  std::string name; ///< As resultName() names it.
  std::string op;   ///< The producing op, e.g. "qnn.conv2d".
};

/// Appends, as float results of `func`, every tensor that a layer op
/// produces (not layout or quantization ops), dequantizing quantized ones.
/// A result whose only user is a relu or clip sharing its type is skipped:
/// its values are only meaningful after the activation, which is reported
/// instead. A float result that goes through a quantize -> dequantize pair
/// (a fake-quantized model) is reported after the pair. Returns the
/// appended tensors in result order.
std::vector<NamedTensor> exposeLayerOutputs(mlir::func::FuncOp func);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_INSTRUMENT_H
