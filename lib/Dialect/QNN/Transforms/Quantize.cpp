//===- Quantize.cpp - calibrated float qnn ops to quantized qnn ops -------===//
//
// The pass walks the entry block once, in order. Each op with integer
// semantics is cloned with quantized operands and result types; the float
// original is erased at the end. Ops without integer semantics stay float and
// read dequantized values. Quantization parameters come from the ranges that
// qnn-calibrate wrote into the qnn.observe probes and from the weights
// themselves, through the scalar rules in qmlir/Quant/QuantMath.h.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNQUANTIZEPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

struct Range {
  double min = 0.0;
  double max = 0.0;
};

/// The storage integer type that holds `bits`-wide values.
IntegerType storageTypeFor(MLIRContext *ctx, unsigned bits) {
  return IntegerType::get(ctx, bits <= 8 ? 8 : 16);
}

quant::UniformQuantizedType perTensorType(MLIRContext *ctx, unsigned bits,
                                          const qmath::QuantParams &p,
                                          Type expressed) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, storageTypeFor(ctx, bits), expressed,
      p.scale, p.zeroPoint, p.qmin, p.qmax);
}

class Quantizer {
public:
  Quantizer(func::FuncOp func, unsigned weightBits, unsigned activationBits,
            bool perAxisWeights, bool symmetricActivations)
      : func(func), ctx(func.getContext()), builder(func.getContext()),
        weightBits(weightBits), activationBits(activationBits),
        perAxisWeights(perAxisWeights),
        symmetricActivations(symmetricActivations) {}

  LogicalResult run();

private:
  LogicalResult collectRanges();
  void shareActivationRanges();
  Type activationElementType(Value floatValue);
  Value getQuantized(Value floatValue);
  Value getFloat(Value floatValue);
  Operation *quantizeOp(Operation *op);
  Value quantizeWeights(Value weights, SmallVectorImpl<double> &scales);
  Value quantizeBias(Value bias, double inputScale, ArrayRef<double> wScales);
  Value quantizeConstantOperand(Value constant);
  Value castTo(Value quantized, Type elementType);

  func::FuncOp func;
  MLIRContext *ctx;
  OpBuilder builder;
  unsigned weightBits, activationBits;
  bool perAxisWeights, symmetricActivations;

  /// Calibrated range of each float tensor.
  DenseMap<Value, Range> ranges;
  /// Float result of an op that was replaced -> its quantized replacement.
  DenseMap<Value, Value> replaced;
  /// Float tensor -> a qnn.quantize of it (for values still computed in float).
  DenseMap<Value, Value> quantizeCache;
  /// Quantized tensor -> a qnn.dequantize of it.
  DenseMap<Value, Value> dequantizeCache;
};

LogicalResult Quantizer::collectRanges() {
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  for (ObserveOp probe : probes) {
    if (!probe.getMin() || !probe.getMax())
      return probe.emitOpError()
             << "tensor '" << probe.getName()
             << "' has no calibrated range: run qnn-calibrate first";
    ranges[probe.getInput()] = Range{probe.getMin()->convertToDouble(),
                                     probe.getMax()->convertToDouble()};
    probe.getResult().replaceAllUsesWith(probe.getInput());
    probe.erase();
  }
  return success();
}

/// A relu or clip that is the only user of its input shares the input's
/// quantization, taken from the activation's (narrower) output range: the
/// producing layer then saturates exactly at the activation's bounds.
void Quantizer::shareActivationRanges() {
  SmallVector<Operation *> activations;
  func.walk([&](Operation *op) {
    if (isa<ReluOp, ClipOp>(op))
      activations.push_back(op);
  });
  // Back to front, so that a chain (conv -> relu -> clip) takes the last
  // activation's range.
  for (Operation *op : llvm::reverse(activations)) {
    Value in = op->getOperand(0);
    auto it = ranges.find(op->getResult(0));
    if (in.hasOneUse() && it != ranges.end())
      ranges[in] = it->second;
  }
}

Type Quantizer::activationElementType(Value floatValue) {
  auto it = ranges.find(floatValue);
  if (it == ranges.end())
    return nullptr;
  auto params = qmath::paramsForRange(it->second.min, it->second.max,
                                      activationBits, symmetricActivations);
  return perTensorType(
      ctx, activationBits, params,
      cast<RankedTensorType>(floatValue.getType()).getElementType());
}

static RankedTensorType withElementType(Value v, Type elementType) {
  return cast<RankedTensorType>(v.getType()).clone(elementType);
}

/// Insertion point right after the definition of `v`.
static void setInsertionAfterDef(OpBuilder &b, Value v) {
  if (Operation *def = v.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
}

Value Quantizer::getQuantized(Value floatValue) {
  if (Value q = replaced.lookup(floatValue))
    return q;
  if (Value q = quantizeCache.lookup(floatValue))
    return q;
  if (readFloatConstant(floatValue))
    return quantizeConstantOperand(floatValue);
  Type elementType = activationElementType(floatValue);
  if (!elementType)
    return nullptr;
  setInsertionAfterDef(builder, floatValue);
  Value q = QuantizeOp::create(builder, floatValue.getLoc(),
                               withElementType(floatValue, elementType),
                               floatValue);
  quantizeCache[floatValue] = q;
  return q;
}

Value Quantizer::getFloat(Value floatValue) {
  Value q = replaced.lookup(floatValue);
  if (!q)
    return floatValue;
  if (Value f = dequantizeCache.lookup(q))
    return f;
  setInsertionAfterDef(builder, q);
  Value f = DequantizeOp::create(builder, q.getLoc(), floatValue.getType(), q);
  dequantizeCache[q] = f;
  return f;
}

/// A constant operand of an elementwise op gets per-tensor parameters from
/// its own values.
Value Quantizer::quantizeConstantOperand(Value constant) {
  std::vector<float> values = *readFloatConstant(constant);
  double lo = 0.0, hi = 0.0;
  for (float v : values) {
    lo = std::min(lo, double(v));
    hi = std::max(hi, double(v));
  }
  auto p = qmath::paramsForRange(lo, hi, activationBits, symmetricActivations);
  auto type = withElementType(
      constant, perTensorType(ctx, activationBits, p,
                              builder.getF32Type()));
  SmallVector<int64_t> storage;
  for (float v : values)
    storage.push_back(qmath::quantize(v, p.scale, p.zeroPoint, p.qmin, p.qmax));
  builder.setInsertionPointAfterValue(constant);
  Value q = createQuantizedConstant(builder, constant.getLoc(), type, storage);
  quantizeCache[constant] = q;
  return q;
}

/// Symmetric weights, per output channel (dimension 0) or per tensor.
Value Quantizer::quantizeWeights(Value weights,
                                 SmallVectorImpl<double> &scales) {
  auto values = readFloatConstant(weights);
  if (!values)
    return nullptr;
  auto type = cast<RankedTensorType>(weights.getType());
  int64_t channels = perAxisWeights ? type.getDimSize(0) : 1;
  int64_t perChannel = type.getNumElements() / channels;
  SmallVector<int64_t> storage(values->size());
  SmallVector<int64_t> zeroPoints(channels, 0);
  qmath::QuantParams params;
  for (int64_t c = 0; c < channels; ++c) {
    double absMax = 0.0;
    for (int64_t i = 0; i < perChannel; ++i)
      absMax = std::max(absMax, std::fabs(double((*values)[c * perChannel + i])));
    params = qmath::paramsForRange(-absMax, absMax, weightBits, true);
    scales.push_back(params.scale);
    for (int64_t i = 0; i < perChannel; ++i)
      storage[c * perChannel + i] =
          qmath::quantize((*values)[c * perChannel + i], params.scale, 0,
                          params.qmin, params.qmax);
  }
  Type elementType;
  if (perAxisWeights)
    elementType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storageTypeFor(ctx, weightBits),
        type.getElementType(), scales, zeroPoints, 0, params.qmin,
        params.qmax);
  else
    elementType = perTensorType(ctx, weightBits, params, type.getElementType());
  builder.setInsertionPointAfterValue(weights);
  return createQuantizedConstant(builder, weights.getLoc(),
                                 type.clone(elementType), storage);
}

/// int32 bias with scale input_scale * weight_scale and zero point 0.
Value Quantizer::quantizeBias(Value bias, double inputScale,
                              ArrayRef<double> wScales) {
  auto values = readFloatConstant(bias);
  if (!values)
    return nullptr;
  auto type = cast<RankedTensorType>(bias.getType());
  auto i32 = IntegerType::get(ctx, 32);
  SmallVector<double> scales;
  for (double s : wScales)
    scales.push_back(inputScale * s);
  SmallVector<int64_t> storage;
  for (auto [i, v] : llvm::enumerate(*values))
    storage.push_back(qmath::quantizeBias(v, scales[wScales.size() == 1 ? 0 : i]));
  int64_t lo = std::numeric_limits<int32_t>::min();
  int64_t hi = std::numeric_limits<int32_t>::max();
  Type elementType;
  if (wScales.size() > 1 || perAxisWeights)
    elementType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, type.getElementType(), scales,
        SmallVector<int64_t>(scales.size(), 0), 0, lo, hi);
  else
    elementType = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, i32, type.getElementType(),
        scales[0], 0, lo, hi);
  builder.setInsertionPointAfterValue(bias);
  return createQuantizedConstant(builder, bias.getLoc(),
                                 type.clone(elementType), storage);
}

/// Requantizes `quantized` to `elementType` unless it already has it.
Value Quantizer::castTo(Value quantized, Type elementType) {
  auto type = cast<RankedTensorType>(quantized.getType());
  if (type.getElementType() == elementType)
    return quantized;
  setInsertionAfterDef(builder, quantized);
  return RequantizeOp::create(builder, quantized.getLoc(),
                              type.clone(elementType), quantized);
}

/// Builds the quantized clone of `op`, or returns nullptr when `op` stays
/// float (no integer semantics, non-constant weights, missing range).
Operation *Quantizer::quantizeOp(Operation *op) {
  IRMapping mapping;
  Type resultElementType;
  auto mapQuantized = [&](Value v) {
    Value q = getQuantized(v);
    if (q)
      mapping.map(v, q);
    return q;
  };

  if (isa<Conv2dOp, DenseOp>(op)) {
    Value input = op->getOperand(0), weights = op->getOperand(1);
    Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
    Value qInput = mapQuantized(input);
    resultElementType = activationElementType(op->getResult(0));
    if (!qInput || !resultElementType)
      return nullptr;
    SmallVector<double> wScales;
    Value qWeights = quantizeWeights(weights, wScales);
    if (!qWeights)
      return nullptr;
    mapping.map(weights, qWeights);
    if (bias) {
      double inScale = cast<quant::UniformQuantizedType>(
                           cast<RankedTensorType>(qInput.getType())
                               .getElementType())
                           .getScale();
      Value qBias = quantizeBias(bias, inScale, wScales);
      if (!qBias)
        return nullptr;
      mapping.map(bias, qBias);
    }
  } else if (isa<ReluOp, ClipOp, MaxPool2dOp, AvgPool2dOp, GlobalAvgPoolOp,
                 ReshapeOp, TransposeOp, PadOp>(op)) {
    // Same quantization in and out: these move or clamp storage values.
    Value qInput = mapQuantized(op->getOperand(0));
    if (!qInput)
      return nullptr;
    resultElementType =
        cast<RankedTensorType>(qInput.getType()).getElementType();
  } else if (isa<AddOp, MulOp, ConcatOp>(op)) {
    resultElementType = activationElementType(op->getResult(0));
    if (!resultElementType)
      return nullptr;
    for (Value operand : op->getOperands()) {
      Value q = getQuantized(operand);
      if (!q)
        return nullptr;
      // Concat moves storage values, so its inputs take its output's type.
      if (isa<ConcatOp>(op))
        q = castTo(q, resultElementType);
      mapping.map(operand, q);
    }
  } else {
    return nullptr;
  }

  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op, mapping);
  Value result = clone->getResult(0);
  result.setType(withElementType(result, resultElementType));
  return clone;
}

LogicalResult Quantizer::run() {
  if (failed(collectRanges()))
    return failure();
  shareActivationRanges();

  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  SmallVector<Operation *> replacedOps;
  for (Operation *op : ops) {
    if (isa<QNNDialect>(op->getDialect()) && op->getNumResults() == 1) {
      if (Operation *clone = quantizeOp(op)) {
        replaced[op->getResult(0)] = clone->getResult(0);
        replacedOps.push_back(op);
        continue;
      }
    }
    // Ops that stay float (and the return) read float values.
    for (OpOperand &operand : op->getOpOperands())
      if (replaced.count(operand.get()))
        operand.set(getFloat(operand.get()));
  }
  for (Operation *op : llvm::reverse(replacedOps)) {
    if (!op->use_empty())
      return op->emitOpError("quantized op still has float users");
    op->erase();
  }
  // Float weights and biases replaced by quantized constants.
  func.walk([](arith::ConstantOp c) {
    if (c->use_empty())
      c.erase();
  });
  return success();
}

struct QNNQuantizePass
    : qmlir::qnn::impl::QNNQuantizePassBase<QNNQuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (weightBits < 2 || weightBits > 16) {
      func.emitError() << "weight-bits must be in [2, 16], got " << weightBits;
      return signalPassFailure();
    }
    if (activationBits < 1 || activationBits > 16) {
      func.emitError() << "activation-bits must be in [1, 16], got "
                       << activationBits;
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock()) {
      func.emitError("qnn-quantize expects a single-block function");
      return signalPassFailure();
    }
    Quantizer quantizer(func, weightBits, activationBits, perAxisWeights,
                        symmetricActivations);
    if (failed(quantizer.run()))
      signalPassFailure();
  }
};

} // namespace
