//===- AdoptQDQ.h - adopt an already-quantized model's parameters -*- C++ -*-===//
//
// The work of qnn-adopt-qdq on one function, shared with
// qnn-insert-calibration, which adopts already-quantized functions instead
// of probing them.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_ADOPTQDQ_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_ADOPTQDQ_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace qmlir::qnn {

/// True when `func` carries its own quantization: it has qnn.quantize or
/// qnn.dequantize ops (an imported QDQ / FakeQuant model).
bool isAlreadyQuantized(mlir::func::FuncOp func);

/// Rewrites the quantize/dequantize pairs of `func` into qnn.observe probes
/// with fixed types, quantized weight constants and float biases
/// (Passes.td, qnn-adopt-qdq). Fails with an error when `func` already has
/// probes. With `calibrateFloatOps`, the results of ops the model leaves
/// float get plain probes (for qnn-calibrate) instead of staying float.
mlir::LogicalResult adoptQDQ(mlir::func::FuncOp func,
                             bool calibrateFloatOps = false);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_ADOPTQDQ_H
