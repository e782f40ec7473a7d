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
#include "Quantizer.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Encodings.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Quant/LogDomain.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

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

/// A quantized sum (mean, l1, log_sum) adds up to `count` centered values
/// of `bits` bits in a 32-bit accumulator, sum_square and l2 their squares,
/// log_sum_exp exponentials below 2^16; a larger reduction stays float.
bool reduceFitsI32(ReduceOp op, unsigned bits) {
  // prod: its sum of logarithms is bounded once the types are known
  // (qmath::productTables, checked in quantizeOp).
  if (op.getKind() == ReduceKind::Max || op.getKind() == ReduceKind::Min ||
      op.getKind() == ReduceKind::Prod)
    return true;
  auto type = op.getInput().getType();
  double count = 1.0;
  for (int64_t axis : op.getAxes())
    count *= double(type.getDimSize(axis));
  bool squares =
      op.getKind() == ReduceKind::SumSquare || op.getKind() == ReduceKind::L2;
  // log_sum_exp adds exponentials of 16 fraction bits (the softmax table).
  unsigned termBits = op.getKind() == ReduceKind::LogSumExp ? 16
                      : squares                             ? 2 * bits
                                                            : bits;
  return count * std::ldexp(1.0, termBits) <= 2147483647.0;
}

/// An avg_pool2d marked kFullWindowCountAttr whose output the model
/// quantized divides by the full window, as ONNX Runtime's
/// QLinearAveragePool does.
void useFullWindowCount(Operation *clone) {
  auto pool = cast<AvgPool2dOp>(clone);
  if (!pool->removeAttr(kFullWindowCountAttr))
    return;
  pool.setCountIncludePad(true);
}

} // namespace

const LayerPlan *Quantizer::layerOf(Operation *op) const {
  auto it = extraLayers.find(op);
  return it != extraLayers.end() ? &it->second : plan.layer(op);
}

TensorPlan Quantizer::tensorOf(Value v) const {
  auto it = extraTensors.find(v);
  return it != extraTensors.end() ? it->second : plan.tensor(v);
}

LogicalResult Quantizer::collectRanges() {
  SmallVector<ObserveOp> probes;
  func.walk([&](ObserveOp op) { probes.push_back(op); });
  for (ObserveOp probe : probes) {
    if (!probe.getMin() || !probe.getMax())
      return probe.emitOpError()
             << "tensor '" << probe.getName()
             << "' has no calibrated range: run qnn-calibrate first";
    Value in = probe.getInput();
    if (auto fixed = probe->getAttrOfType<TypeAttr>(kFixedTypeAttr)) {
      auto type = cast<RankedTensorType>(in.getType());
      if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
              fixed.getValue()) ||
          cast<quant::QuantizedType>(fixed.getValue()).getExpressedType() !=
              type.getElementType())
        return probe.emitOpError()
               << "tensor '" << probe.getName() << "': " << kFixedTypeAttr
               << " must be a !quant.uniform type expressed in "
               << type.getElementType();
      fixedTypes[in] = fixed.getValue();
    } else if (probe.getBits()) {
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
    // A type the model gives the input is kept (the activation then
    // requantizes to its own type, if it has another).
    if (!in.hasOneUse() || it == ranges.end() || fixedTypes.count(in))
      continue;
    ranges[in] = it->second;
    if (Type t = fixedTypes.lookup(op->getResult(0)))
      fixedTypes[in] = t;
    auto ch = channelRanges.find(op->getResult(0));
    if (ch != channelRanges.end())
      channelRanges[in] = ch->second;
  }
}

/// The quantized element type of a float tensor from its plan and range;
/// null when it has no range (it stays float).
FailureOr<Type> Quantizer::activationElementType(Value floatValue) {
  if (Type fixed = fixedTypes.lookup(floatValue))
    return fixed;
  auto it = ranges.find(floatValue);
  if (it == ranges.end())
    return Type();
  TensorPlan t = tensorOf(floatValue);
  Type expressed =
      cast<RankedTensorType>(floatValue.getType()).getElementType();
  if (t.perAxis) {
    auto ch = channelRanges.find(floatValue);
    if (ch == channelRanges.end())
      return emitError(floatValue.getLoc())
             << "tensor is quantized per axis but has no per-channel ranges: "
                "give qnn-calibrate the same config (or "
                "per-tensor-activations=false)";
    return perAxisType(ctx, t.bits, t.symmetric, ch->second, t.axis,
                       expressed, t.powerOfTwo);
  }
  double lo = t.isUnsigned ? 0.0 : it->second.min;
  auto params = qmath::paramsForRange(lo, it->second.max, t.bits, t.symmetric,
                                      t.powerOfTwo);
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
  // A constant the model quantized (qnn-adopt-qdq keeps its integers for
  // the operands of add, mul, concat, ...): those integers.
  if (auto dq = floatValue.getDefiningOp<DequantizeOp>())
    if (auto cast = dq.getInput().getDefiningOp<quant::StorageCastOp>())
      if (matchPattern(cast.getInput(), m_Constant()))
        return dq.getInput();
  if (readFloatConstant(floatValue))
    return quantizeConstantOperand(floatValue);
  FailureOr<Type> elementType = activationElementType(floatValue);
  if (failed(elementType))
    return failure();
  if (!*elementType)
    return Value();
  // The model's own dequantize of integers of that type (qnn-adopt-qdq):
  // the integers themselves.
  if (auto dq = floatValue.getDefiningOp<DequantizeOp>())
    if (elementTypeOf(dq.getInput()) == *elementType)
      return dq.getInput();
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
  TensorPlan t = tensorOf(constant);
  auto p = qmath::paramsForRange(lo, hi, t.bits, t.symmetric, t.powerOfTwo);
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

/// conv2d, conv_transpose2d and dense: the input (per tensor, or per channel
/// with the channel scales folded into the weights), weights, bias and the
/// accumulator check. Both convolutions have OHWI weights grouped alike.
FailureOr<Operation *> Quantizer::quantizeLayer(Operation *op,
                                                IRMapping &mapping,
                                                Type &resultType) {
  const LayerPlan *layer = layerOf(op);
  Value input = op->getOperand(0), weights = op->getOperand(1);
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  FailureOr<Value> qInput = getQuantized(input);
  if (failed(qInput))
    return failure();
  FailureOr<Type> outType = activationElementType(op->getResult(0));
  if (failed(outType))
    return failure();
  // Weights the model quantized (qnn-adopt-qdq): a dequantize of a
  // quantized constant in the layer's layout, used as it is.
  Value fixedWeights;
  if (auto dq = weights.getDefiningOp<DequantizeOp>())
    if (auto cast = dq.getInput().getDefiningOp<quant::StorageCastOp>())
      if (matchPattern(cast.getInput(), m_Constant()))
        fixedWeights = dq.getInput();
  if (!*qInput || !*outType || (!fixedWeights && !readFloatConstant(weights)) ||
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
    if (pa.getQuantizedDimension() != inputRank - 1 || fixedWeights) {
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
  spec.powerOfTwo = layer->scheme.powerOfTwoScales;
  spec.channelFactors = channelFactors;
  if (auto conv = dyn_cast<Conv2dOp>(op))
    spec.groups = conv.getGroups();
  if (auto conv = dyn_cast<ConvTranspose2dOp>(op))
    spec.groups = conv.getGroups();
  spec.isConv = isa<Conv2dOp, ConvTranspose2dOp>(op);
  // Weight scales given by qnn-apply-encodings.
  if (auto enc = op->getAttrOfType<DictionaryAttr>(kWeightEncodingAttr)) {
    auto bits = enc.getAs<IntegerAttr>("bits");
    auto scales = enc.getAs<DenseF64ArrayAttr>("scales");
    int64_t channels =
        spec.perAxis ? cast<RankedTensorType>(weights.getType()).getDimSize(0)
                     : 1;
    if (!bits || !scales)
      return op->emitOpError() << "has a malformed " << kWeightEncodingAttr;
    if (bits.getInt() != spec.bits)
      return op->emitError()
             << "layer '" << layer->name << "': its weight encoding is "
             << bits.getInt() << "-bit but the config quantizes its weights to "
             << spec.bits << " bits";
    if (static_cast<int64_t>(scales.size()) != channels)
      return op->emitError()
             << "layer '" << layer->name << "': its weight encoding has "
             << scales.size() << " scales but the config quantizes its weights "
             << (spec.perAxis ? "per axis (" + std::to_string(channels) +
                                    " output channels)"
                              : std::string("per tensor (1 scale)"));
    spec.scales.assign(scales.asArrayRef().begin(), scales.asArrayRef().end());
  }
  QuantizedWeights qw;
  if (fixedWeights) {
    FailureOr<QuantizedWeights> fw = fixedQuantizedWeights(op, fixedWeights);
    if (failed(fw))
      return failure();
    qw = *fw;
    spec.perAxis = qw.scales.size() > 1 ||
                   isa<quant::UniformQuantizedPerAxisType>(
                       elementTypeOf(fixedWeights));
  } else {
    builder.setInsertionPointAfterValue(weights);
    qw = quantizeWeights(builder, weights, spec);
    if (failed(checkAdaRounded(op, layer->name, weights, spec, qw)))
      return failure();
  }
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
  const LayerPlan *layer = layerOf(op);
  if (layer && !layer->scheme.quantize)
    return static_cast<Operation *>(nullptr);
  // qnn-adopt-qdq keeps an op with a plain float constant operand float.
  if (op->removeAttr(kKeepFloatAttr))
    return static_cast<Operation *>(nullptr);
  // In an adopted model, an op whose output the model leaves float (no
  // fixed type, no calibrated range) and whose integer rule would round its
  // result into a type of qnn-quantize's own choosing (softmax, average
  // pooling) stays float, as ONNX Runtime runs it. (Data movement, relu and
  // clip are exact in their input's type and follow it.)
  if (adopted && isa<SoftmaxOp, AvgPool2dOp, GlobalAvgPoolOp>(op) &&
      !fixedTypes.count(op->getResult(0)) && !ranges.count(op->getResult(0)))
    return static_cast<Operation *>(nullptr);
  if (auto softmax = dyn_cast<SoftmaxOp>(op))
    return quantizeSoftmax(softmax);
  if (isa<DivOp, PowOp>(op))
    return quantizeDivPow(op);
  if (auto logSoftmax = dyn_cast<LogSoftmaxOp>(op))
    return quantizeLogSoftmax(logSoftmax);
  if (isa<ElementwiseFunctionOpInterface>(op)) {
    FailureOr<Operation *> table = quantizeTable(op);
    if (failed(table) || *table || !isa<ReluOp, ClipOp>(op))
      return table;
  }
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

  // A global average pool whose output the model quantized with its own
  // parameters (an adopted QDQ model: ONNX Runtime's QLinearGlobalAveragePool)
  // is the integer mean, sum * s_in / (s_out * count), straight into that
  // type: requantizing the pool's result from the input's coarser scale
  // would lose the mean's fraction.
  if (auto pool = dyn_cast<GlobalAvgPoolOp>(op)) {
    Type fixed = fixedTypes.lookup(pool.getOutput());
    if (fixed && isa<quant::UniformQuantizedType>(fixed)) {
      FailureOr<Value> qInput = getQuantized(pool.getInput());
      if (failed(qInput))
        return failure();
      if (*qInput && elementTypeOf(*qInput) != fixed) {
        Value in = perTensor(*qInput);
        builder.setInsertionPoint(op);
        SmallVector<int64_t> axes = {1, 2};
        auto mean = ReduceOp::create(builder, op->getLoc(),
                                     withElementType(pool.getOutput(), fixed),
                                     ReduceKind::Mean, in, axes,
                                     /*keep_dims=*/true);
        if (reduceFitsI32(mean, cast<quant::QuantizedType>(elementTypeOf(in))
                                    .getStorageTypeIntegralWidth()))
          return mean.getOperation();
        mean->erase();
      }
    }
  }

  // The same for a windowed average pool (QLinearAveragePool): the integer
  // window sum requantized by s_in / (s_out * count) into the model's type
  // (count per output position; see the qnn.avg_pool2d lowering).
  if (auto pool = dyn_cast<AvgPool2dOp>(op)) {
    Type fixed = fixedTypes.lookup(pool.getOutput());
    if (fixed && isa<quant::UniformQuantizedType>(fixed)) {
      FailureOr<Value> qInput = getQuantized(pool.getInput());
      if (failed(qInput))
        return failure();
      if (*qInput && elementTypeOf(*qInput) != fixed) {
        Value in = perTensor(*qInput);
        ArrayRef<int64_t> k = pool.getKernel();
        unsigned bits = cast<quant::QuantizedType>(elementTypeOf(in))
                            .getStorageTypeIntegralWidth();
        if (double(k[0] * k[1]) * std::ldexp(1.0, bits) <= 2147483647.0) {
          mapping.map(pool.getInput(), in);
          builder.setInsertionPoint(op);
          Operation *clone = builder.clone(*op, mapping);
          clone->getResult(0).setType(withElementType(pool.getOutput(), fixed));
          useFullWindowCount(clone);
          return clone;
        }
      }
    }
  }

  if (isa<Conv2dOp, ConvTranspose2dOp, DenseOp>(op)) {
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
  } else if (isa<SliceOp, GatherOp>(op)) {
    // Move storage values; a per-axis input is first brought to one scale
    // (the selected channels would need their own scale lists).
    FailureOr<Value> qInput = mapQuantized(op->getOperand(0), false);
    if (failed(qInput))
      return failure();
    if (!*qInput)
      return none;
    resultElementType = elementTypeOf(*qInput);
  } else if (isa<AddOp, SubOp, MulOp, MatMulOp, ConcatOp, MaximumOp,
                 MinimumOp, PReluOp, ReduceOp>(op)) {
    if (auto reduce = dyn_cast<ReduceOp>(op))
      if (!reduceFitsI32(reduce, tensorOf(reduce.getInput()).bits))
        return none;
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
      // Concat moves storage values and maximum/minimum compare them, so
      // their inputs take the output's type.
      if (isa<ConcatOp, MaximumOp, MinimumOp>(op))
        m = castTo(m, resultElementType);
      mapping.map(operand, m);
      operands.push_back(m);
    }
    // prod sums 32-bit logarithms of its elements.
    if (auto reduce = dyn_cast<ReduceOp>(op);
        reduce && reduce.getKind() == ReduceKind::Prod) {
      int64_t count = 1;
      for (int64_t axis : reduce.getAxes())
        count *= reduce.getInput().getType().getDimSize(axis);
      auto params = [](Type t) {
        auto u = cast<quant::UniformQuantizedType>(t);
        return qmath::QuantParams{u.getScale(), u.getZeroPoint(),
                                  u.getStorageTypeMin(), u.getStorageTypeMax()};
      };
      if (!qmath::productTables(params(elementTypeOf(operands[0])), count,
                                params(resultElementType))) {
        op->emitRemark() << "stays float: a prod over " << count
                         << " elements could overflow its 32-bit sum of "
                            "logarithms";
        return none;
      }
    }
    // A matmul accumulates K products of centered operands.
    int64_t terms = 1;
    if (auto matmul = dyn_cast<MatMulOp>(op))
      terms = matmul.getLhs().getType().getShape().back();
    if (isa<MulOp, MatMulOp, PReluOp>(op) &&
        failed(checkProduct(op, layer ? layer->name : "", operands[0],
                            operands[1], layer ? layer->scheme.bufferBits : 32,
                            terms)))
      return failure();
  } else {
    return none;
  }

  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op, mapping);
  clone->removeAttr(kWeightEncodingAttr);
  Value result = clone->getResult(0);
  result.setType(withElementType(result, resultElementType));
  if (isa<AvgPool2dOp>(clone)) {
    if (fixedTypes.count(op->getResult(0)))
      useFullWindowCount(clone);
    clone->removeAttr(kFullWindowCountAttr);
  }
  return clone;
}

/// A batch norm that qnn-fold-batchnorm could not fold (constant
/// parameters) becomes the depthwise 1x1 conv2d it is, x * a + b per
/// channel, on the input viewed as [N, 1, 1, C]; it is then quantized like
/// any conv2d with the batch norm's layer settings.
void Quantizer::convertBatchNorms() {
  SmallVector<BatchNormOp> norms;
  func.walk([&](BatchNormOp op) { norms.push_back(op); });
  for (BatchNormOp bn : norms) {
    const LayerPlan *layer = plan.layer(bn);
    auto scale = readFloatConstant(bn.getScale());
    auto shift = readFloatConstant(bn.getBias());
    auto mean = readFloatConstant(bn.getMean());
    auto var = readFloatConstant(bn.getVariance());
    auto type = bn.getInput().getType();
    if (!layer || !layer->scheme.quantize || !scale || !shift || !mean ||
        !var || !type.hasStaticShape() || type.getRank() < 1 ||
        !type.getElementType().isF32())
      continue;
    int64_t c = type.getShape().back();
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<float> a(c), b(c);
    for (int64_t i = 0; i < c; ++i) {
      a[i] = static_cast<float>((*scale)[i] / std::sqrt((*var)[i] + eps));
      b[i] = static_cast<float>((*shift)[i] - (*mean)[i] * double(a[i]));
    }
    Location loc = bn.getLoc();
    builder.setInsertionPoint(bn);
    Type f32 = builder.getF32Type();
    Value x = bn.getInput();
    auto nhwc = RankedTensorType::get({type.getNumElements() / c, 1, 1, c}, f32);
    if (type.getRank() != 4)
      x = ReshapeOp::create(builder, loc, nhwc, x);
    auto xType = cast<RankedTensorType>(x.getType());
    Value w = createFloatConstant(
        builder, loc, RankedTensorType::get({c, 1, 1, 1}, f32), a);
    Value bias =
        createFloatConstant(builder, loc, RankedTensorType::get({c}, f32), b);
    auto conv = Conv2dOp::create(
        builder, loc, xType, x, w, bias, builder.getDenseI64ArrayAttr({1, 1}),
        builder.getDenseI64ArrayAttr({0, 0, 0, 0}),
        builder.getDenseI64ArrayAttr({1, 1}), builder.getI64IntegerAttr(c));
    Value y = conv.getResult();
    if (type.getRank() != 4)
      y = ReshapeOp::create(builder, loc, type, y);
    extraLayers[conv] = *layer;
    extraTensors[conv.getResult()] = plan.tensor(bn.getResult());
    auto r = ranges.find(bn.getResult());
    if (r != ranges.end())
      ranges[conv.getResult()] = r->second;
    auto ch = channelRanges.find(bn.getResult());
    if (ch != channelRanges.end())
      channelRanges[conv.getResult()] = ch->second;
    bn.getResult().replaceAllUsesWith(y);
    bn.erase();
  }
}

LogicalResult Quantizer::run() {
  if (failed(collectRanges()))
    return failure();
  adopted = !fixedTypes.empty();
  convertBatchNorms();
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
        Value result = (*clone)->getResult(0);
        // A data-movement op follows its input's type; the model may give
        // its output another one.
        if (Type fixed = fixedTypes.lookup(op->getResult(0)))
          result = castTo(result, fixed);
        replaced[op->getResult(0)] = result;
        replacedOps.push_back(op);
        continue;
      }
    }
    // Ops that stay float (and the return) read float values. A tensor the
    // model quantized (a fixed type) is read as its quantized values, as in
    // the model, also where nothing computed it in integers (a function
    // argument, the result of a float op); a quantize the model applies to
    // the float tensor itself (a second pair qnn-adopt-qdq left) reads it
    // as it is.
    for (OpOperand &operand : op->getOpOperands()) {
      Value v = operand.get();
      if (replaced.count(v)) {
        operand.set(getFloat(v));
      } else if (fixedTypes.count(v) && !isa<QuantizeOp>(op)) {
        FailureOr<Value> q = getQuantized(v);
        if (failed(q))
          return failure();
        Value f = dequantizeCache.lookup(*q);
        if (!f) {
          setInsertionAfterDef(builder, *q);
          f = DequantizeOp::create(builder, q->getLoc(), v.getType(), *q);
          dequantizeCache[*q] = f;
        }
        operand.set(f);
      }
    }
  }
  for (Operation *op : llvm::reverse(replacedOps)) {
    if (!op->use_empty())
      return op->emitOpError("quantized op still has float users");
    op->erase();
  }
  // Float weights and biases replaced by quantized constants, and the
  // dequantized views of weights the model quantized.
  func.walk([](DequantizeOp op) {
    if (op->use_empty())
      op.erase();
  });
  func.walk([](quant::StorageCastOp op) {
    if (op->use_empty())
      op.erase();
  });
  func.walk([](arith::ConstantOp c) {
    if (c->use_empty())
      c.erase();
  });
  return success();
}

namespace {

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
