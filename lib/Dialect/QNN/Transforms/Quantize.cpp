//===- Quantize.cpp - calibrated float qnn ops to quantized qnn ops -------===//
//
// The pass walks each function's block once, in order. Each op with integer
// semantics is cloned with quantized operands and result types; the float
// original is erased at the end. Ops without integer semantics (and layers
// the config keeps float) read dequantized values. Which type each tensor
// and weight gets comes from the QuantPlan (scheme + config); the ranges
// come from the qnn.observe probes that qnn-calibrate filled; the numbers
// from the scalar rules in qmlir/Quant/QuantMath.h.
//
//===----------------------------------------------------------------------===//

#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNQUANTIZEPASS
#define GEN_PASS_DEF_QNNDUMPCONFIGPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::quantize_utils;

namespace {

class Quantizer {
public:
  Quantizer(func::FuncOp func, const QuantPlan &plan)
      : func(func), ctx(func.getContext()), builder(func.getContext()),
        plan(plan) {}

  LogicalResult run();

private:
  LogicalResult collectRanges();
  void shareActivationRanges();
  FailureOr<Type> activationElementType(Value floatValue);
  FailureOr<Value> getQuantized(Value floatValue);
  Value getFloat(Value floatValue);
  Value perTensor(Value quantized);
  FailureOr<Operation *> quantizeOp(Operation *op);
  FailureOr<Operation *> quantizeLayer(Operation *op, IRMapping &mapping,
                                       Type &resultType);
  Value quantizeConstantOperand(Value constant);
  Value castTo(Value quantized, Type elementType);

  func::FuncOp func;
  MLIRContext *ctx;
  OpBuilder builder;
  const QuantPlan &plan;

  /// Calibrated range of each float tensor, and per-channel ranges.
  DenseMap<Value, Range> ranges;
  DenseMap<Value, SmallVector<Range>> channelRanges;
  /// Float result of an op that was replaced -> its quantized replacement.
  DenseMap<Value, Value> replaced;
  /// Float tensor -> a qnn.quantize of it (for values still computed in float).
  DenseMap<Value, Value> quantizeCache;
  /// Quantized tensor -> a qnn.dequantize of it.
  DenseMap<Value, Value> dequantizeCache;
  /// Per-axis tensor -> its requantization to one scale.
  DenseMap<Value, Value> perTensorCache;
};

LogicalResult Quantizer::collectRanges() {
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  for (ObserveOp probe : probes) {
    if (!probe.getMin() || !probe.getMax())
      return probe.emitOpError()
             << "tensor '" << probe.getName()
             << "' has no calibrated range: run qnn-calibrate first";
    Value in = probe.getInput();
    if (probe.getBits()) {
      TensorPlan t = plan.tensor(in);
      if (*probe.getBits() != t.bits || *probe.getSymmetric() != t.symmetric)
        return probe.emitOpError()
               << "tensor '" << probe.getName() << "' was calibrated for "
               << *probe.getBits() << "-bit "
               << (*probe.getSymmetric() ? "symmetric" : "asymmetric")
               << " quantization but is quantized to " << t.bits << "-bit "
               << (t.symmetric ? "symmetric" : "asymmetric")
               << ": give qnn-calibrate the same config (or activation-bits "
                  "and symmetric-activations)";
    }
    ranges[in] = Range{probe.getMin()->convertToDouble(),
                       probe.getMax()->convertToDouble()};
    if (probe.getChannelMin()) {
      SmallVector<Range> &ch = channelRanges[in];
      for (auto [lo, hi] :
           llvm::zip_equal(*probe.getChannelMin(), *probe.getChannelMax()))
        ch.push_back(Range{lo, hi});
    }
    probe.getResult().replaceAllUsesWith(in);
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
    if (!in.hasOneUse() || it == ranges.end())
      continue;
    ranges[in] = it->second;
    auto ch = channelRanges.find(op->getResult(0));
    if (ch != channelRanges.end())
      channelRanges[in] = ch->second;
  }
}

/// The quantized element type of a float tensor from its plan and range;
/// null when it has no range (it stays float).
FailureOr<Type> Quantizer::activationElementType(Value floatValue) {
  auto it = ranges.find(floatValue);
  if (it == ranges.end())
    return Type();
  TensorPlan t = plan.tensor(floatValue);
  Type expressed =
      cast<RankedTensorType>(floatValue.getType()).getElementType();
  if (t.perAxis) {
    auto ch = channelRanges.find(floatValue);
    if (ch == channelRanges.end())
      return emitError(floatValue.getLoc())
             << "tensor is quantized per axis but has no per-channel ranges: "
                "give qnn-calibrate the same config";
    return perAxisType(ctx, t.bits, t.symmetric, ch->second, t.axis,
                       expressed);
  }
  double lo = t.isUnsigned ? 0.0 : it->second.min;
  auto params = qmath::paramsForRange(lo, it->second.max, t.bits, t.symmetric);
  return Type(perTensorType(ctx, t.bits, params, expressed));
}

/// Insertion point right after the definition of `v`.
static void setInsertionAfterDef(OpBuilder &b, Value v) {
  if (Operation *def = v.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
}

FailureOr<Value> Quantizer::getQuantized(Value floatValue) {
  if (Value q = replaced.lookup(floatValue))
    return q;
  if (Value q = quantizeCache.lookup(floatValue))
    return q;
  if (readFloatConstant(floatValue))
    return quantizeConstantOperand(floatValue);
  FailureOr<Type> elementType = activationElementType(floatValue);
  if (failed(elementType))
    return failure();
  if (!*elementType)
    return Value();
  setInsertionAfterDef(builder, floatValue);
  Value q = QuantizeOp::create(builder, floatValue.getLoc(),
                               withElementType(floatValue, *elementType),
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

/// A per-axis tensor requantized to one scale and zero point covering all
/// channels, for consumers without per-channel integer rules.
Value Quantizer::perTensor(Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  auto perAxis =
      dyn_cast<quant::UniformQuantizedPerAxisType>(type.getElementType());
  if (!perAxis)
    return quantized;
  if (Value v = perTensorCache.lookup(quantized))
    return v;
  Value v = castTo(quantized, mergedPerTensorType(perAxis));
  perTensorCache[quantized] = v;
  return v;
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
  TensorPlan t = plan.tensor(constant);
  auto p = qmath::paramsForRange(lo, hi, t.bits, t.symmetric);
  auto type = withElementType(
      constant, perTensorType(ctx, t.bits, p, builder.getF32Type()));
  SmallVector<int64_t> storage;
  for (float v : values)
    storage.push_back(qmath::quantize(v, p.scale, p.zeroPoint, p.qmin, p.qmax));
  builder.setInsertionPointAfterValue(constant);
  Value q = createQuantizedConstant(builder, constant.getLoc(), type, storage);
  quantizeCache[constant] = q;
  return q;
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

/// conv2d and dense: the input (per tensor, or per channel with the channel
/// scales folded into the weights), weights, bias and the accumulator check.
FailureOr<Operation *> Quantizer::quantizeLayer(Operation *op,
                                                IRMapping &mapping,
                                                Type &resultType) {
  const LayerPlan *layer = plan.layer(op);
  Value input = op->getOperand(0), weights = op->getOperand(1);
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  FailureOr<Value> qInput = getQuantized(input);
  if (failed(qInput))
    return failure();
  FailureOr<Type> outType = activationElementType(op->getResult(0));
  if (failed(outType))
    return failure();
  if (!*qInput || !*outType || !readFloatConstant(weights) ||
      (bias && !readFloatConstant(bias)))
    return static_cast<Operation *>(nullptr);
  resultType = *outType;

  // A per-channel input is reinterpreted with one scale (the largest) and
  // its per-channel zero points; the weights absorb each channel's
  // scale / that scale, so the real products are unchanged.
  Value in = *qInput;
  SmallVector<double> channelFactors;
  int64_t inputRank = cast<RankedTensorType>(in.getType()).getRank();
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(
          cast<RankedTensorType>(in.getType()).getElementType())) {
    if (pa.getQuantizedDimension() != inputRank - 1) {
      in = perTensor(in);
    } else {
      builder.setInsertionPoint(op);
      in = reinterpretWithOneScale(builder, op->getLoc(), in, channelFactors);
    }
  }
  mapping.map(input, in);
  double inScale = referenceScale(in);

  WeightSpec spec;
  spec.bits = layer->scheme.weightBits;
  spec.perAxis = !layer->scheme.perTensorWeights;
  spec.channelFactors = channelFactors;
  if (auto conv = dyn_cast<Conv2dOp>(op))
    spec.groups = conv.getGroups();
  spec.isConv = isa<Conv2dOp>(op);
  builder.setInsertionPointAfterValue(weights);
  QuantizedWeights qw = quantizeWeights(builder, weights, spec);
  mapping.map(weights, qw.value);
  SmallVector<int64_t> biasStorage;
  if (bias) {
    builder.setInsertionPointAfterValue(bias);
    Value qBias = quantizeBias(builder, bias, inScale, qw.scales,
                               spec.perAxis, biasStorage);
    mapping.map(bias, qBias);
  }
  if (failed(checkAccumulator(op, layer->name, in, qw, biasStorage,
                              layer->scheme.bufferBits)))
    return failure();
  return op;
}

/// Builds the quantized clone of `op`; nullptr when `op` stays float (no
/// integer semantics, excluded by the config, non-constant weights, missing
/// range).
FailureOr<Operation *> Quantizer::quantizeOp(Operation *op) {
  const LayerPlan *layer = plan.layer(op);
  if (layer && !layer->scheme.quantize)
    return static_cast<Operation *>(nullptr);
  IRMapping mapping;
  Type resultElementType;
  auto mapQuantized = [&](Value v, bool allowPerAxis) -> FailureOr<Value> {
    FailureOr<Value> q = getQuantized(v);
    if (failed(q) || !*q)
      return q;
    Value mapped = allowPerAxis ? *q : perTensor(*q);
    mapping.map(v, mapped);
    return mapped;
  };
  auto none = static_cast<Operation *>(nullptr);

  if (isa<Conv2dOp, DenseOp>(op)) {
    FailureOr<Operation *> r = quantizeLayer(op, mapping, resultElementType);
    if (failed(r) || !*r)
      return r;
  } else if (isa<ReluOp, ClipOp, MaxPool2dOp, AvgPool2dOp, GlobalAvgPoolOp,
                 PadOp>(op)) {
    // Same quantization in and out: these move or clamp storage values
    // (relu, clip and max pooling also per channel).
    bool perChannelOk = isa<ReluOp, ClipOp, MaxPool2dOp>(op);
    FailureOr<Value> qInput = mapQuantized(op->getOperand(0), perChannelOk);
    if (failed(qInput))
      return failure();
    if (!*qInput)
      return none;
    resultElementType = elementTypeOf(*qInput);
  } else if (isa<ReshapeOp, TransposeOp>(op)) {
    FailureOr<Value> qInput = mapQuantized(op->getOperand(0), true);
    if (failed(qInput))
      return failure();
    if (!*qInput)
      return none;
    resultElementType = movedAxisType(op, elementTypeOf(*qInput));
    if (!resultElementType) {
      // The channel dimension does not survive the reshape.
      Value pt = perTensor(*qInput);
      mapping.map(op->getOperand(0), pt);
      resultElementType = elementTypeOf(pt);
    }
  } else if (isa<AddOp, MulOp, ConcatOp>(op)) {
    FailureOr<Type> outType = activationElementType(op->getResult(0));
    if (failed(outType))
      return failure();
    if (!*outType)
      return none;
    resultElementType = *outType;
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      FailureOr<Value> q = getQuantized(operand);
      if (failed(q))
        return failure();
      if (!*q)
        return none;
      Value m = perTensor(*q);
      // Concat moves storage values, so its inputs take its output's type.
      if (isa<ConcatOp>(op))
        m = castTo(m, resultElementType);
      mapping.map(operand, m);
      operands.push_back(m);
    }
    if (isa<MulOp>(op) &&
        failed(checkProduct(op, layer ? layer->name : "", operands[0],
                            operands[1],
                            layer ? layer->scheme.bufferBits : 32)))
      return failure();
  } else {
    return none;
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
      FailureOr<Operation *> clone = quantizeOp(op);
      if (failed(clone))
        return failure();
      if (*clone) {
        replaced[op->getResult(0)] = (*clone)->getResult(0);
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
    ModuleOp module = getOperation();
    FailureOr<qconfig::Scheme> base = schemeFromOptions(
        module, weightBits, activationBits, perAxisWeights,
        symmetricActivations, perTensorActivations, bufferBits);
    if (failed(base))
      return signalPassFailure();
    SmallVector<func::FuncOp> funcs = definedFunctions(module);
    FailureOr<QuantPlan> plan = buildQuantPlan(funcs, *base, config);
    if (failed(plan))
      return signalPassFailure();
    if (!configOut.empty() &&
        failed(writeConfig(module, plan->dump(), configOut)))
      return signalPassFailure();
    for (func::FuncOp func : funcs) {
      Quantizer quantizer(func, *plan);
      if (failed(quantizer.run()))
        return signalPassFailure();
    }
  }
};

struct QNNDumpConfigPass
    : qmlir::qnn::impl::QNNDumpConfigPassBase<QNNDumpConfigPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (out.empty()) {
      module.emitError("qnn-dump-config: the 'out' option (a .json path) is "
                       "required");
      return signalPassFailure();
    }
    FailureOr<qconfig::Scheme> base = schemeFromOptions(
        module, weightBits, activationBits, perAxisWeights,
        symmetricActivations, perTensorActivations, bufferBits);
    if (failed(base))
      return signalPassFailure();
    FailureOr<QuantPlan> plan =
        buildQuantPlan(definedFunctions(module), *base, config);
    if (failed(plan) || failed(writeConfig(module, plan->dump(), out)))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
