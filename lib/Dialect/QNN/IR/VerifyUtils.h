//===- VerifyUtils.h - checks shared by the qnn verifiers -------*- C++ -*-===//
//
// Private to lib/Dialect/QNN/IR: the shape and attribute checks every op
// verifier uses, so that each error message is worded once.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_IR_VERIFYUTILS_H
#define QMLIR_LIB_DIALECT_QNN_IR_VERIFYUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

namespace qmlir::qnn::detail {

/// Checks that `shape` equals `expected` where both are static
/// ("<what> has shape AxB but expected CxD").
mlir::LogicalResult verifyShape(mlir::Operation *op,
                                llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<int64_t> expected,
                                llvm::StringRef what);
/// "<what> must have rank R, got r".
mlir::LogicalResult verifyRank(mlir::Operation *op, mlir::ShapedType t,
                               int64_t rank, llvm::StringRef what);
/// `arr` has `size` elements, each >= `minValue`.
mlir::LogicalResult verifyArraySize(mlir::Operation *op,
                                    llvm::ArrayRef<int64_t> arr, size_t size,
                                    llvm::StringRef name, int64_t minValue);
/// A 1-D bias of `channels` elements; quantized: 32-bit, zero point 0.
mlir::LogicalResult verifyBias(mlir::Operation *op, mlir::Value bias,
                               int64_t channels);
/// Operands 0 and 1 broadcast (numpy) to the shape of result 0.
mlir::LogicalResult verifyBroadcast(mlir::Operation *op);
/// For binary ops: when an operand or the result is a plain integer tensor,
/// operands and result have that one integer element type (no implicit
/// conversions; qnn.cast converts).
mlir::LogicalResult verifyIntegerOperands(mlir::Operation *op);

} // namespace qmlir::qnn::detail

#endif // QMLIR_LIB_DIALECT_QNN_IR_VERIFYUTILS_H
