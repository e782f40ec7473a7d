//===- QNNOps.h - qnn dialect operations ------------------------*- C++ -*-===//
//
// Declares the qnn ops and the shape rules that importers share with the
// verifiers.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_H
#define QMLIR_DIALECT_QNN_IR_QNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNTraits.h"

#include "qmlir/Dialect/QNN/IR/QNNInterfaces.h.inc"

namespace qmlir::qnn {

/// Output size of a sliding window along one dimension (convolution and
/// pooling): floor((in + padLo + padHi - dilation*(kernel-1) - 1) / stride) + 1.
/// Returns ShapedType::kDynamic for a dynamic input size.
int64_t slidingWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t padLo, int64_t padHi,
                                int64_t dilation);

} // namespace qmlir::qnn

#include "qmlir/Dialect/QNN/IR/QNNEnums.h.inc"

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.h.inc"

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_H
