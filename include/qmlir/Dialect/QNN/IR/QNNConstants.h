//===- QNNConstants.h - reading and building constant tensors ---*- C++ -*-===//
//
// Weights reach qnn ops as `arith.constant` tensors (dense or resource
// attributes) and, once quantized, as `quant.scast` of an integer constant.
// These helpers are the one place that reads and builds them.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNCONSTANTS_H
#define QMLIR_DIALECT_QNN_IR_QNNCONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace qmlir::qnn {

/// The values of a constant f32 tensor in row-major order, or nullopt when
/// `value` is not produced by a constant op with dense or resource f32 data.
std::optional<std::vector<float>> readFloatConstant(mlir::Value value);

/// Builds an `arith.constant` f32 tensor of type `type` holding `values`.
mlir::Value createFloatConstant(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::RankedTensorType type,
                                llvm::ArrayRef<float> values);

/// Builds a quantized constant: an `arith.constant` of the storage integer
/// type holding `storage` and a `quant.scast` to `type`.
mlir::Value createQuantizedConstant(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::RankedTensorType type,
                                    llvm::ArrayRef<int64_t> storage);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_IR_QNNCONSTANTS_H
