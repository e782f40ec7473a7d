//===- QNNTraits.h - verifier traits shared by qnn ops ----------*- C++ -*-===//
//
// Checks that every qnn op needs on its tensor types: per-axis quantization
// refers to an existing dimension of the right size, and layer ops are either
// wholly float or wholly quantized.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNTRAITS_H
#define QMLIR_DIALECT_QNN_IR_QNNTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace qmlir::qnn {

/// Verifies the quantized element types of all operands and results of `op`:
/// a per-axis type must name a dimension of its tensor whose static size
/// equals the number of scales, and the expressed type must be a float.
mlir::LogicalResult verifyQuantizedTensorTypes(mlir::Operation *op);

/// Verifies that the tensor operands and results of `op` are either all float
/// or all quantized.
mlir::LogicalResult verifySameNumericKind(mlir::Operation *op);

namespace OpTrait {

template <typename ConcreteType>
class VerifyQuantTypes
    : public mlir::OpTrait::TraitBase<ConcreteType, VerifyQuantTypes> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyQuantizedTensorTypes(op);
  }
};

template <typename ConcreteType>
class SameNumericKind
    : public mlir::OpTrait::TraitBase<ConcreteType, SameNumericKind> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifySameNumericKind(op);
  }
};

} // namespace OpTrait
} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_IR_QNNTRAITS_H
