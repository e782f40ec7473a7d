//===- QuantizeUtils.cpp - types, weights and checks for qnn-quantize -----===//

#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::quantize_utils;

IntegerType quantize_utils::storageTypeFor(MLIRContext *ctx, unsigned bits) {
  return IntegerType::get(ctx, bits <= 8 ? 8 : 16);
}

quant::UniformQuantizedType
quantize_utils::perTensorType(MLIRContext *ctx, unsigned bits,
                              const qmath::QuantParams &p, Type expressed) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, storageTypeFor(ctx, bits), expressed,
      p.scale, p.zeroPoint, p.qmin, p.qmax);
}

quant::UniformQuantizedPerAxisType
quantize_utils::perAxisType(MLIRContext *ctx, unsigned bits, bool symmetric,
                            ArrayRef<Range> channels, int64_t axis,
                            Type expressed, bool powerOfTwo) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  qmath::QuantParams p;
  for (const Range &r : channels) {
    p = qmath::paramsForRange(r.min, r.max, bits, symmetric, powerOfTwo);
    scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint);
  }
  return quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, storageTypeFor(ctx, bits), expressed,
      scales, zeroPoints, axis, p.qmin, p.qmax);
}

quant::UniformQuantizedType
quantize_utils::mergedPerTensorType(quant::UniformQuantizedPerAxisType type) {
  double lo = 0.0, hi = 0.0;
  bool symmetric = type.getStorageTypeMin() == -type.getStorageTypeMax();
  for (auto [s, z] : llvm::zip_equal(type.getScales(), type.getZeroPoints())) {
    lo = std::min(lo, s * double(type.getStorageTypeMin() - z));
    hi = std::max(hi, s * double(type.getStorageTypeMax() - z));
    symmetric &= z == 0;
  }
  // The width: the storage range holds 2^bits (asymmetric) or 2^bits - 1
  // (symmetric) levels.
  int64_t levels = type.getStorageTypeMax() - type.getStorageTypeMin() + 1;
  unsigned bits = 1;
  while ((int64_t(1) << bits) < levels)
    ++bits;
  auto p = qmath::paramsForRange(lo, hi, bits, symmetric);
  return perTensorType(type.getContext(), bits, p, type.getExpressedType());
}

RankedTensorType quantize_utils::withElementType(Value v, Type elementType) {
  return cast<RankedTensorType>(v.getType()).clone(elementType);
}

Type quantize_utils::elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

Type quantize_utils::movedAxisType(Operation *op, Type in) {
  auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(in);
  if (!pa)
    return in;
  int64_t axis = pa.getQuantizedDimension();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
  ArrayRef<int64_t> outShape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  std::optional<int64_t> moved;
  if (auto t = dyn_cast<TransposeOp>(op)) {
    for (auto [i, p] : llvm::enumerate(t.getPermutation()))
      if (p == axis)
        moved = i;
  } else {
    // A reshape keeps the channel dimension when some output dimension has
    // its size and the same number of elements after it.
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < int64_t(inShape.size()); ++d)
      inner *= inShape[d];
    for (int64_t d = int64_t(outShape.size()) - 1, after = 1; d >= 0; --d) {
      if (outShape[d] == inShape[axis] && after == inner) {
        moved = d;
        break;
      }
      after *= outShape[d];
    }
  }
  if (!moved)
    return Type();
  return quant::UniformQuantizedPerAxisType::get(
      pa.getFlags(), pa.getStorageType(), pa.getExpressedType(),
      pa.getScales(), pa.getZeroPoints(), *moved, pa.getStorageTypeMin(),
      pa.getStorageTypeMax());
}

Value quantize_utils::reinterpretWithOneScale(OpBuilder &b, Location loc,
                                              Value perAxis,
                                              SmallVectorImpl<double> &factors) {
  auto type = cast<RankedTensorType>(perAxis.getType());
  auto pa = cast<quant::UniformQuantizedPerAxisType>(type.getElementType());
  double ref = 0.0;
  for (double s : pa.getScales())
    ref = std::max(ref, s);
  for (double s : pa.getScales())
    factors.push_back(s / ref);
  auto uniform = quant::UniformQuantizedPerAxisType::get(
      pa.getFlags(), pa.getStorageType(), pa.getExpressedType(),
      SmallVector<double>(pa.getScales().size(), ref), pa.getZeroPoints(),
      pa.getQuantizedDimension(), pa.getStorageTypeMin(),
      pa.getStorageTypeMax());
  Value storage = quant::StorageCastOp::create(
      b, loc, type.clone(pa.getStorageType()), perAxis);
  return quant::StorageCastOp::create(b, loc, type.clone(uniform), storage);
}

double quantize_utils::referenceScale(Value quantized) {
  Type t = elementTypeOf(quantized);
  if (auto u = dyn_cast<quant::UniformQuantizedType>(t))
    return u.getScale();
  return cast<quant::UniformQuantizedPerAxisType>(t).getScales().front();
}

QuantizedWeights quantize_utils::quantizeWeights(OpBuilder &b, Value weights,
                                                 const WeightSpec &spec) {
  std::vector<float> values = *readFloatConstant(weights);
  auto type = cast<RankedTensorType>(weights.getType());
  MLIRContext *ctx = b.getContext();
  int64_t outChannels = type.getDimSize(0);
  int64_t perChannel = type.getNumElements() / outChannels;
  // Fold the input channels' scale factors in: element e of output channel
  // o reads input channel (group of o) * Cg + (e % Cg) for a conv (OHWI),
  // e % K for a dense ([out, K]).
  if (!spec.channelFactors.empty()) {
    int64_t cg = type.getShape().back();
    int64_t perGroup = outChannels / std::max<int64_t>(spec.groups, 1);
    for (int64_t e = 0; e < type.getNumElements(); ++e) {
      int64_t o = e / perChannel;
      int64_t c = spec.isConv ? (o / perGroup) * cg + e % cg : e % cg;
      values[e] = static_cast<float>(double(values[e]) * spec.channelFactors[c]);
    }
  }
  QuantizedWeights out;
  out.outChannels = outChannels;
  int64_t groups = spec.perAxis ? outChannels : 1;
  int64_t size = type.getNumElements() / groups;
  out.storage.resize(values.size());
  qmath::QuantParams params;
  for (int64_t c = 0; c < groups; ++c) {
    double absMax = 0.0;
    for (int64_t i = 0; i < size; ++i)
      absMax = std::max(absMax, std::fabs(double(values[c * size + i])));
    params = qmath::paramsForRange(-absMax, absMax, spec.bits, true,
                                   spec.powerOfTwo);
    if (!spec.scales.empty())
      params.scale = spec.scales[spec.scales.size() == 1 ? 0 : c];
    out.scales.push_back(params.scale);
    for (int64_t i = 0; i < size; ++i)
      out.storage[c * size + i] = qmath::quantize(
          values[c * size + i], params.scale, 0, params.qmin, params.qmax);
  }
  Type elementType;
  if (spec.perAxis)
    elementType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storageTypeFor(ctx, spec.bits),
        type.getElementType(), out.scales,
        SmallVector<int64_t>(outChannels, 0), 0, params.qmin, params.qmax);
  else
    elementType = perTensorType(ctx, spec.bits, params, type.getElementType());
  out.value = createQuantizedConstant(b, weights.getLoc(),
                                      type.clone(elementType), out.storage);
  return out;
}

FailureOr<QuantizedWeights>
quantize_utils::fixedQuantizedWeights(Operation *op, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  QuantizedWeights out;
  out.value = quantized;
  out.outChannels = type.getDimSize(0);
  DenseIntElementsAttr ints;
  auto scast = quantized.getDefiningOp<quant::StorageCastOp>();
  if (!scast || !matchPattern(scast.getInput(), m_Constant(&ints)))
    return op->emitOpError("weights are not a quantized constant");
  SmallVector<int64_t> zps;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(type.getElementType())) {
    out.scales.push_back(u.getScale());
    zps.push_back(u.getZeroPoint());
  } else {
    auto pa = cast<quant::UniformQuantizedPerAxisType>(type.getElementType());
    if (pa.getQuantizedDimension() != 0)
      return op->emitError()
             << "the model quantizes the weights of '" << layerName(op)
             << "' per axis " << pa.getQuantizedDimension()
             << " of the layer's layout; only per output channel (axis 0 of "
                "OHWI / [out, in]) is supported";
    out.scales.assign(pa.getScales().begin(), pa.getScales().end());
    zps.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  }
  int64_t perChannel = type.getNumElements() / std::max<int64_t>(out.outChannels, 1);
  for (auto [i, v] : llvm::enumerate(ints.getValues<APInt>()))
    out.storage.push_back(v.getSExtValue() -
                          zps[zps.size() == 1 ? 0 : i / perChannel]);
  return out;
}

LogicalResult quantize_utils::checkAdaRounded(Operation *op, StringRef name,
                                              Value weights,
                                              const WeightSpec &spec,
                                              const QuantizedWeights &q) {
  Attribute attr = op->getAttr(kAdaRoundAttr);
  if (!attr)
    return success();
  auto dict = dyn_cast<DictionaryAttr>(attr);
  auto bits = dict ? dict.getAs<IntegerAttr>("bits") : IntegerAttr();
  auto perAxis = dict ? dict.getAs<BoolAttr>("per_axis") : BoolAttr();
  if (!bits || !perAxis)
    return op->emitError() << "layer '" << name << "': malformed '"
                           << kAdaRoundAttr
                           << "' (expected {bits = N : i64, per_axis = B})";
  auto describe = [](int64_t b, bool axis) {
    return std::to_string(b) + "-bit " + (axis ? "per-axis" : "per-tensor");
  };
  if (bits.getInt() != int64_t(spec.bits) || perAxis.getValue() != spec.perAxis)
    return op->emitError()
           << "layer '" << name << "': its weights were rounded by "
           << "qnn-adaround for " << describe(bits.getInt(), perAxis.getValue())
           << " weights but are quantized to "
           << describe(spec.bits, spec.perAxis)
           << " weights (give qnn-adaround qnn-quantize's options and config)";
  if (!spec.channelFactors.empty())
    return op->emitError() << "layer '" << name
                           << "': its weights were rounded by qnn-adaround but "
                              "its input is quantized per axis, which rescales "
                              "them";
  std::vector<float> values = *readFloatConstant(weights);
  int64_t perScale = int64_t(values.size()) / int64_t(q.scales.size());
  for (size_t e = 0; e < values.size(); ++e) {
    double s = q.scales[e / perScale];
    if (std::fabs(qmath::dequantize(q.storage[e], s, 0) - values[e]) >
        1e-3 * s)
      return op->emitError()
             << "layer '" << name << "': weight #" << e << " (" << values[e]
             << ") is not on the grid qnn-adaround rounded it to (scale " << s
             << "); was the layer rewritten after qnn-adaround?";
  }
  return success();
}

Value quantize_utils::quantizeBias(OpBuilder &b, Value bias, double inputScale,
                                   ArrayRef<double> wScales, bool perAxis,
                                   SmallVectorImpl<int64_t> &storage) {
  std::vector<float> values = *readFloatConstant(bias);
  auto type = cast<RankedTensorType>(bias.getType());
  auto i32 = b.getI32Type();
  SmallVector<double> scales;
  for (double s : wScales)
    scales.push_back(inputScale * s);
  for (auto [i, v] : llvm::enumerate(values))
    storage.push_back(
        qmath::quantizeBias(v, scales[wScales.size() == 1 ? 0 : i]));
  int64_t lo = std::numeric_limits<int32_t>::min();
  int64_t hi = std::numeric_limits<int32_t>::max();
  Type elementType;
  if (wScales.size() > 1 || perAxis)
    elementType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, type.getElementType(), scales,
        SmallVector<int64_t>(scales.size(), 0), 0, lo, hi);
  else
    elementType = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, i32, type.getElementType(),
        scales[0], 0, lo, hi);
  return createQuantizedConstant(b, bias.getLoc(), type.clone(elementType),
                                 storage);
}

int64_t quantize_utils::maxAbsCentered(quant::QuantizedType type) {
  SmallVector<int64_t> zps;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(type))
    zps.push_back(u.getZeroPoint());
  else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    zps.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  int64_t m = 0;
  for (int64_t z : zps)
    m = std::max({m, std::abs(type.getStorageTypeMin() - z),
                  std::abs(type.getStorageTypeMax() - z)});
  return m;
}

static unsigned bitsNeeded(double magnitude) {
  // A signed integer of n bits holds |v| <= 2^(n-1) - 1.
  unsigned n = 1;
  while (std::ldexp(1.0, n - 1) - 1.0 < magnitude)
    ++n;
  return n;
}

static unsigned storageBits(quant::QuantizedType t) {
  int64_t levels = t.getStorageTypeMax() - t.getStorageTypeMin() + 1;
  unsigned bits = 1;
  while ((int64_t(1) << bits) < levels)
    ++bits;
  return bits;
}

LogicalResult quantize_utils::checkAccumulator(Operation *op, StringRef name,
                                               Value input,
                                               const QuantizedWeights &weights,
                                               ArrayRef<int64_t> bias,
                                               unsigned bufferBits) {
  auto inType = cast<quant::QuantizedType>(elementTypeOf(input));
  double maxIn = static_cast<double>(maxAbsCentered(inType));
  int64_t perChannel = weights.storage.size() / weights.outChannels;
  double worst = 0.0;
  for (int64_t o = 0; o < weights.outChannels; ++o) {
    double sum = 0.0;
    for (int64_t i = 0; i < perChannel; ++i)
      sum += std::fabs(double(weights.storage[o * perChannel + i]));
    double b = bias.empty() ? 0.0 : std::fabs(double(bias[o]));
    worst = std::max(worst, sum * maxIn + b);
  }
  if (worst <= std::ldexp(1.0, bufferBits - 1) - 1.0)
    return success();
  auto wType = cast<quant::QuantizedType>(elementTypeOf(weights.value));
  return op->emitError()
         << "layer '" << name << "': the accumulator needs "
         << bitsNeeded(worst) << " bits in the worst case (|acc| <= "
         << static_cast<int64_t>(worst) << ": " << perChannel
         << " products of " << storageBits(inType) << "-bit inputs and "
         << storageBits(wType)
         << "-bit weights, plus the bias) but buffer_bits is " << bufferBits
         << ": use fewer bits for this layer";
}

LogicalResult quantize_utils::checkProduct(Operation *op, StringRef name,
                                           Value a, Value b,
                                           unsigned bufferBits,
                                           int64_t terms) {
  auto ta = cast<quant::QuantizedType>(elementTypeOf(a));
  auto tb = cast<quant::QuantizedType>(elementTypeOf(b));
  double worst = double(terms) * double(maxAbsCentered(ta)) *
                 double(maxAbsCentered(tb));
  if (worst <= std::ldexp(1.0, bufferBits - 1) - 1.0)
    return success();
  return op->emitError() << "layer '" << name << "': the product needs "
                         << bitsNeeded(worst)
                         << " bits in the worst case but buffer_bits is "
                         << bufferBits << ": use fewer bits for this layer";
}
