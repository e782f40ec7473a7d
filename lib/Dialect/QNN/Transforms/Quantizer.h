//===- Quantizer.h - the walk of qnn-quantize over one function -*- C++ -*-===//
//
// The state of qnn-quantize for one function. Quantize.cpp walks the ops;
// QuantizeTables.cpp builds the ops whose integer form is a lookup table
// (elementwise functions, softmax, div and pow, the latter also in the log
// domain).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H

#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"

namespace qmlir::qnn::quantize_utils {

/// qnn-quantize on one function (see Quantize.cpp).
class Quantizer {
public:
  Quantizer(mlir::func::FuncOp func, const QuantPlan &plan)
      : func(func), ctx(func.getContext()), builder(func.getContext()),
        plan(plan) {}

  mlir::LogicalResult run();

private:
  mlir::LogicalResult collectRanges();
  void shareActivationRanges();
  void convertBatchNorms();
  const LayerPlan *layerOf(mlir::Operation *op) const;
  TensorPlan tensorOf(mlir::Value v) const;
  mlir::FailureOr<mlir::Operation *> quantizeTable(mlir::Operation *op);
  mlir::FailureOr<mlir::Operation *> quantizeSoftmax(SoftmaxOp op);
  mlir::FailureOr<mlir::Operation *> quantizeDivPow(mlir::Operation *op);
  mlir::Operation *createLogDomain(mlir::Operation *op, mlir::Value a,
                                   mlir::Value b,
                                   mlir::quant::UniformQuantizedType out);
  mlir::FailureOr<mlir::Operation *> quantizeLogSoftmax(LogSoftmaxOp op);
  mlir::FailureOr<mlir::Type> activationElementType(mlir::Value floatValue);
  mlir::FailureOr<mlir::Value> getQuantized(mlir::Value floatValue);
  mlir::Value getFloat(mlir::Value floatValue);
  mlir::Value perTensor(mlir::Value quantized);
  mlir::FailureOr<mlir::Operation *> quantizeOp(mlir::Operation *op);
  mlir::FailureOr<mlir::Operation *> quantizeLayer(mlir::Operation *op,
                                                   mlir::IRMapping &mapping,
                                                   mlir::Type &resultType);
  mlir::Value quantizeConstantOperand(mlir::Value constant);
  mlir::Value castTo(mlir::Value quantized, mlir::Type elementType);

  mlir::func::FuncOp func;
  mlir::MLIRContext *ctx;
  mlir::OpBuilder builder;
  const QuantPlan &plan;

  /// Calibrated range of each float tensor, and per-channel ranges.
  mlir::DenseMap<mlir::Value, Range> ranges;
  mlir::DenseMap<mlir::Value, mlir::SmallVector<Range>> channelRanges;
  /// Types given by the model (qnn-adopt-qdq's qnn.fixed_type), used as
  /// they are.
  mlir::DenseMap<mlir::Value, mlir::Type> fixedTypes;
  /// The function carries the model's own quantization (it has fixed
  /// types): ops the model leaves float stay float.
  bool adopted = false;
  /// Float result of an op that was replaced -> its quantized replacement.
  mlir::DenseMap<mlir::Value, mlir::Value> replaced;
  /// Float tensor -> a qnn.quantize of it (for values still computed in float).
  mlir::DenseMap<mlir::Value, mlir::Value> quantizeCache;
  /// Quantized tensor -> a qnn.dequantize of it.
  mlir::DenseMap<mlir::Value, mlir::Value> dequantizeCache;
  /// Per-axis tensor -> its requantization to one scale.
  mlir::DenseMap<mlir::Value, mlir::Value> perTensorCache;
  /// Plans of the depthwise convolutions that replace batch norms.
  mlir::DenseMap<mlir::Operation *, LayerPlan> extraLayers;
  mlir::DenseMap<mlir::Value, TensorPlan> extraTensors;
};

} // namespace qmlir::qnn::quantize_utils

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZER_H
