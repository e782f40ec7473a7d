//===- Elementwise.cpp - qnn activations and binary ops to TOSA -----------===//
//
// Quantized relu/clip clamp the storage values at quantized bounds. Quantized
// add rescales both inputs to a common 32-bit scale (TFLite's left shift
// scheme), adds, and requantizes; quantized mul multiplies the centered
// values in 32 bits (64 when they could overflow) and requantizes.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

static constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
static constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();

namespace {

/// Clamps a (possibly per-axis) quantized tensor to per-channel bounds.
Value clampQuantized(OpBuilder &b, Location loc, Value x, const QuantInfo &info,
                     ArrayRef<int64_t> lo, ArrayRef<int64_t> hi) {
  return clampIntPerChannel(b, loc, x, lo, hi, info.axis);
}

struct ReluLowering : OpConversionPattern<qnn::ReluOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto info = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(info))
      return failure();
    Value x = adaptor.getInput();
    if (!*info) {
      rewriter.replaceOp(op, clampFloat(rewriter, loc, x, 0.0,
                                        std::numeric_limits<double>::infinity()));
      return success();
    }
    // max(q, zero_point) per channel.
    const QuantInfo &q = **info;
    SmallVector<int64_t> lo(q.zeroPoints.begin(), q.zeroPoints.end());
    SmallVector<int64_t> hi(lo.size(), intTypeMax(q.storageType));
    rewriter.replaceOp(op, clampQuantized(rewriter, loc, x, q, lo, hi));
    return success();
  }
};

struct ClipLowering : OpConversionPattern<qnn::ClipOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ClipOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto info = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(info))
      return failure();
    Value x = adaptor.getInput();
    float min = op.getMin().convertToFloat(), max = op.getMax().convertToFloat();
    if (!*info) {
      rewriter.replaceOp(op, clampFloat(rewriter, loc, x, min, max));
      return success();
    }
    // The bounds quantized with each channel's own parameters.
    const QuantInfo &q = **info;
    SmallVector<int64_t> lo, hi;
    for (int64_t c = 0; c < q.numChannels(); ++c) {
      lo.push_back(qmath::quantize(min, q.scale(c), q.zeroPoint(c), q.qmin,
                                   q.qmax));
      hi.push_back(qmath::quantize(max, q.scale(c), q.zeroPoint(c), q.qmin,
                                   q.qmax));
    }
    rewriter.replaceOp(op, clampQuantized(rewriter, loc, x, q, lo, hi));
    return success();
  }
};

/// Reads the per-tensor quantization of a binary op; nullopt for floats.
FailureOr<std::optional<std::array<QuantInfo, 3>>>
getBinaryQuant(Operation *op) {
  auto lhs = getSupportedQuantInfo(op, op->getOperand(0).getType(), "lhs");
  if (failed(lhs))
    return failure();
  if (!*lhs)
    return std::optional<std::array<QuantInfo, 3>>();
  auto a = getPerTensorQuantInfo(op, op->getOperand(0).getType(), "lhs");
  auto b = getPerTensorQuantInfo(op, op->getOperand(1).getType(), "rhs");
  auto c = getPerTensorQuantInfo(op, op->getResult(0).getType(), "output");
  if (failed(a) || failed(b) || failed(c))
    return failure();
  return std::optional<std::array<QuantInfo, 3>>({*a, *b, *c});
}

/// The requantization of one add input to the common 32-bit scale.
RescaleSpec addInputSpec(const QuantInfo &in, qmath::Rescale r) {
  RescaleSpec spec;
  spec.rescales = {r};
  spec.inZps = {in.zeroPoint()};
  spec.outZps = {0};
  spec.outType = IntegerType::get(in.storageType.getContext(), 32);
  spec.qmin = kI32Min;
  spec.qmax = kI32Max;
  spec.inLo = intTypeMin(in.storageType);
  spec.inHi = intTypeMax(in.storageType);
  return spec;
}

struct AddLowering : OpConversionPattern<qnn::AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getBinaryQuant(op);
    if (failed(quant))
      return failure();
    int64_t rank = op.getOutput().getType().getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    if (!*quant) {
      rewriter.replaceOp(op, add(rewriter, loc, a, b));
      return success();
    }
    const auto &[qa, qb, qo] = **quant;
    // Both inputs go to scale max(sa, sb) / 2^shift in 32 bits. The shift
    // keeps the rounding error small; it is lowered from its default when
    // the sum of the two rescaled inputs could overflow 32 bits.
    double smax = std::max(qa.scale(), qb.scale());
    bool narrow = qa.storageType.getWidth() <= 8 &&
                  qb.storageType.getWidth() <= 8;
    int shift = narrow ? 20 : 15;
    auto centered = [](const QuantInfo &q, qmath::Rescale r, int64_t v) {
      return qmath::requantize(v, q.zeroPoint(), r, 0, kI32Min, kI32Max);
    };
    qmath::Rescale ra, rb;
    int64_t lo, hi;
    for (;; --shift) {
      auto ra0 =
          qmath::computeRescale(qa.scale() / smax * std::ldexp(1.0, shift));
      auto rb0 =
          qmath::computeRescale(qb.scale() / smax * std::ldexp(1.0, shift));
      if (!ra0 || !rb0)
        return op.emitOpError("cannot represent the input scale ratios");
      ra = *ra0;
      rb = *rb0;
      // Bounds of a32 + b32 over the storage ranges.
      lo = centered(qa, ra, intTypeMin(qa.storageType)) +
           centered(qb, rb, intTypeMin(qb.storageType));
      hi = centered(qa, ra, intTypeMax(qa.storageType)) +
           centered(qb, rb, intTypeMax(qb.storageType));
      if ((lo >= kI32Min && hi <= kI32Max) || shift == 0)
        break;
    }
    Value a32 = emitRescale(rewriter, loc, a, addInputSpec(qa, ra));
    Value b32 = emitRescale(rewriter, loc, b, addInputSpec(qb, rb));
    Value sum = add(rewriter, loc, a32, b32);
    auto rout =
        computeRescales(op, {smax / std::ldexp(1.0, shift) / qo.scale()},
                        "output");
    if (failed(rout))
      return failure();
    RescaleSpec spec;
    spec.rescales = *rout;
    spec.outZps = {qo.zeroPoint()};
    spec.outType = qo.storageType;
    spec.qmin = qo.qmin;
    spec.qmax = qo.qmax;
    spec.inLo = lo;
    spec.inHi = hi;
    rewriter.replaceOp(op, emitRescale(rewriter, loc, sum, spec));
    return success();
  }
};

struct MulLowering : OpConversionPattern<qnn::MulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getBinaryQuant(op);
    if (failed(quant))
      return failure();
    int64_t rank = op.getOutput().getType().getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    if (!*quant) {
      rewriter.replaceOp(op, mul(rewriter, loc, a, b));
      return success();
    }
    const auto &[qa, qb, qo] = **quant;
    auto r = computeRescales(op, {qa.scale() * qb.scale() / qo.scale()},
                             "product");
    if (failed(r))
      return failure();
    // (qa - za) * (qb - zb), exact in 64 bits and saturated to 32 as
    // qmath::requantize does with its input.
    int64_t bound = maxAbsCentered(qa) * maxAbsCentered(qb);
    bool wide = bound > kI32Max;
    Type t = wide ? rewriter.getI64Type() : rewriter.getI32Type();
    auto center = [&](Value v, const QuantInfo &q) {
      v = castTo(rewriter, loc, v, t);
      if (q.zeroPoint() == 0)
        return v;
      return sub(rewriter, loc, v,
                 channelConstInt(rewriter, loc, {q.zeroPoint()}, t, rank, 0));
    };
    Value prod = mul(rewriter, loc, center(a, qa), center(b, qb));
    if (wide) {
      prod = clampInt(rewriter, loc, prod, kI32Min, kI32Max);
      prod = castTo(rewriter, loc, prod, rewriter.getI32Type());
    }
    RescaleSpec spec;
    spec.rescales = *r;
    spec.outZps = {qo.zeroPoint()};
    spec.outType = qo.storageType;
    spec.qmin = qo.qmin;
    spec.qmax = qo.qmax;
    spec.inLo = -std::min(bound, -kI32Min);
    spec.inHi = std::min(bound, kI32Max);
    rewriter.replaceOp(op, emitRescale(rewriter, loc, prod, spec));
    return success();
  }
};

/// exp(x - max(x)) / sum(exp(x - max(x))) along the axis.
struct SoftmaxLowering : OpConversionPattern<qnn::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (getQuantInfo(op.getInput().getType()))
      return op.emitOpError(
          "quantized softmax is not supported: dequantize its input first");
    auto type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    SmallVector<int64_t> reduced(type.getShape());
    reduced[axis] = 1;
    auto reducedType = type.clone(reduced);
    Value x = adaptor.getInput();
    Value max = tosa::ReduceMaxOp::create(rewriter, loc, reducedType, x,
                                          static_cast<uint32_t>(axis));
    Value e = tosa::ExpOp::create(rewriter, loc, type, sub(rewriter, loc, x, max));
    Value sum = tosa::ReduceSumOp::create(rewriter, loc, reducedType, e,
                                          static_cast<uint32_t>(axis));
    Value inv = tosa::ReciprocalOp::create(rewriter, loc, reducedType, sum);
    rewriter.replaceOp(op, mul(rewriter, loc, e, inv));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateElementwisePatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<ReluLowering, ClipLowering, AddLowering, MulLowering,
               SoftmaxLowering>(converter, patterns.getContext());
}
