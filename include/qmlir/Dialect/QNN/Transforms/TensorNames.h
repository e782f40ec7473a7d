//===- TensorNames.h - stable names for tensors -----------------*- C++ -*-===//
//
// Calibration probes, configs and reports name tensors the same way: by the
// model's node name (the op's NameLoc) and result index, or by the function
// argument's `qnn.name`.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_TENSORNAMES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_TENSORNAMES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Location.h"

#include <string>

namespace qmlir::qnn {

/// The first name found in `loc` (through fused and call-site locations), or
/// an empty string.
std::string locationName(mlir::Location loc);

/// The name of the layer `op` is: its location name, or for an unnamed op
/// `<mnemonic>_<N>` where N counts the qnn layer ops before it in its block
/// (quantization ops do not count, so names survive probing and
/// quantization).
std::string layerName(mlir::Operation *op);

/// `<layer name>:<result index>`.
std::string resultName(mlir::OpResult result);

/// The name of a layer's constant operand (conv2d/dense weight: operand 1,
/// bias: operand 2): the constant's location name when no qnn op of its
/// block is located at that name (an ONNX initializer's name such as
/// `16.weight`), else `<layer name>.weight` / `.bias` (e.g. a weight that
/// batch-norm folding rebuilt at its conv's node). A weight that a
/// qnn.dequantize reads (an imported QDQ model) is named after that op.
std::string parameterName(mlir::Operation *layer, unsigned operandIndex);

/// The argument's `qnn.name` attribute, or `arg<N>`.
std::string argumentName(mlir::func::FuncOp func, unsigned index);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_TENSORNAMES_H
