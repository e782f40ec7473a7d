//===- QNNDialect.h - qnn dialect -------------------------------*- C++ -*-===//
//
// Declares the qnn dialect class.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNDIALECT_H
#define QMLIR_DIALECT_QNN_IR_QNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.h.inc"

namespace qmlir::qnn {

/// Discardable attributes holding the batch-norm statistics of an op's
/// output (docs/Dialects/QNN.md): dense f32 [C], C the last dimension of the
/// op's result. The dialect verifier checks their type and size.
constexpr llvm::StringLiteral kBnScaleAttr = "qnn.bn_scale";
constexpr llvm::StringLiteral kBnShiftAttr = "qnn.bn_shift";

/// On a conv2d / dense whose float weights qnn-adaround replaced by integer
/// weights times qnn-quantize's scales: `{bits = N : i64, per_axis = B}`, the
/// weight scheme they were rounded for (docs/Dialects/QNN.md).
constexpr llvm::StringLiteral kAdaRoundAttr = "qnn.adaround";

/// Unit attribute on the avg_pool2d of an ONNX AveragePool with
/// count_include_pad = 1 whose ceil_mode windows overhang the padded input
/// (imported as an explicit pad and an overhang that is not counted, ONNX's
/// semantics). ONNX Runtime's QLinearAveragePool divides every such window
/// by the full kernel size instead; qnn-quantize does the same when the
/// model quantized the pool's output (an adopted QDQ model).
constexpr llvm::StringLiteral kFullWindowCountAttr = "qnn.qlinear_full_window";

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_IR_QNNDIALECT_H
