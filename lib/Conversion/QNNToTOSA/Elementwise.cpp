//===- Elementwise.cpp - qnn activations and binary ops to TOSA -----------===//
//
// Quantized relu/clip clamp the storage values at quantized bounds. Quantized
// add rescales both inputs to a common 32-bit scale (TFLite's left shift
// scheme), adds, and requantizes; quantized mul multiplies the centered
// values in 32 bits (64 when they could overflow) and requantizes. Tables
// (qnn.table) become tosa.table or a gather; quantized softmax gathers
// exponentials from a compile-time table and divides in 32 bits.
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

/// Add and sub: float, or both inputs rescaled to one 32-bit scale, added
/// (subtracted) and requantized to the output.
template <typename OpTy>
struct AddSubLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  static constexpr bool isSub = std::is_same_v<OpTy, qnn::SubOp>;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getBinaryQuant(op);
    if (failed(quant))
      return failure();
    int64_t rank = op.getOutput().getType().getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    if (!*quant) {
      rewriter.replaceOp(op, isSub ? sub(rewriter, loc, a, b)
                                   : add(rewriter, loc, a, b));
      return success();
    }
    const auto &[qa, qb, qo] = **quant;
    // Both inputs go to scale max(sa, sb) / 2^shift in 32 bits, shift
    // lowered from its default when the sum could overflow 32 bits: the
    // rule the accelerator shares (qmath::computeAddRescale).
    auto range = [](const QuantInfo &q) {
      return qmath::AddInput{q.scale(), q.zeroPoint(),
                             intTypeMin(q.storageType),
                             intTypeMax(q.storageType)};
    };
    std::optional<qmath::AddRescale> rs =
        qmath::computeAddRescale(range(qa), range(qb), qo.scale(), isSub);
    if (!rs)
      return op.emitOpError("cannot represent the input scale ratios");
    qmath::Rescale ra = rs->lhs, rb = rs->rhs;
    int64_t lo = rs->sumLo, hi = rs->sumHi;
    Value a32 = emitRescale(rewriter, loc, a, addInputSpec(qa, ra));
    Value b32 = emitRescale(rewriter, loc, b, addInputSpec(qb, rb));
    Value sum = isSub ? sub(rewriter, loc, a32, b32)
                      : add(rewriter, loc, a32, b32);
    rewriter.replaceOp(
        op, emitRescale(rewriter, loc, sum,
                        outputRescaleSpec({rs->output}, qo, lo, hi)));
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
    rewriter.replaceOp(
        op, emitRescale(rewriter, loc, prod,
                        outputRescaleSpec(*r, qo, -std::min(bound, -kI32Min),
                                          std::min(bound, kI32Max))));
    return success();
  }
};

/// prelu: float `x < 0 ? slope * x : x`; quantized, the centered input is
/// requantized by sx / so where it is non-negative, and its product with
/// the centered slope by sx * sa / so where it is negative.
struct PReluLowering : OpConversionPattern<qnn::PReluOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::PReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getBinaryQuant(op);
    if (failed(quant))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    int64_t rank = outType.getRank();
    Value x = adaptor.getLhs();
    Value slope = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    auto boolType = outType.clone(rewriter.getI1Type());
    if (!*quant) {
      Type et = outType.getElementType();
      Value nonNegative = tosa::GreaterEqualOp::create(
          rewriter, loc, boolType, x, constFloat(rewriter, loc, {0.0}, et,
                                                 SmallVector<int64_t>(rank, 1)));
      rewriter.replaceOpWithNewOp<tosa::SelectOp>(
          op, outType, nonNegative, x, mul(rewriter, loc, x, slope));
      return success();
    }
    const auto &[qx, qa, qo] = **quant;
    auto r = computeRescales(op,
                             {qx.scale() / qo.scale(),
                              qx.scale() * qa.scale() / qo.scale()},
                             "prelu");
    if (failed(r))
      return failure();
    Type i32 = rewriter.getI32Type();
    auto center = [&](Value v, const QuantInfo &q) {
      v = castTo(rewriter, loc, v, i32);
      if (q.zeroPoint() == 0)
        return v;
      return sub(rewriter, loc, v,
                 channelConstInt(rewriter, loc, {q.zeroPoint()}, i32, rank, 0));
    };
    // |x - zx| * |a - za| < 2^16 * 2^16 for storage of up to 16 bits.
    Value xc = center(x, qx);
    Value prod = mul(rewriter, loc, xc, center(slope, qa));
    auto spec = [&, &qo = qo](qmath::Rescale rescale, int64_t bound) {
      return outputRescaleSpec({rescale}, qo, -bound, bound);
    };
    int64_t xBound = maxAbsCentered(qx);
    int64_t prodBound =
        std::min<int64_t>(xBound * maxAbsCentered(qa), kI32Max);
    Value pos = emitRescale(rewriter, loc, xc, spec((*r)[0], xBound));
    Value neg = emitRescale(rewriter, loc, prod, spec((*r)[1], prodBound));
    Value nonNegative = tosa::GreaterEqualOp::create(
        rewriter, loc, boolType, xc,
        channelConstInt(rewriter, loc, {0}, i32, rank, 0));
    rewriter.replaceOpWithNewOp<tosa::SelectOp>(op, outType, nonNegative, pos,
                                                neg);
    return success();
  }
};

/// Storage values `v` (i32, rank `rank`) as positions in a range starting
/// at `qmin`: v - qmin, clamped to [0, last].
Value rangePosition(OpBuilder &b, Location loc, Value v, int64_t qmin,
                    int64_t last, int64_t rank) {
  Type i32 = b.getI32Type();
  if (qmin != 0)
    v = sub(b, loc, v, channelConstInt(b, loc, {qmin}, i32, rank, 0));
  return clampInt(b, loc, v, 0, last);
}

/// table[idx] (i32 positions, one tosa.gather) as `out`'s storage.
Value lookUp(OpBuilder &b, Location loc, Value idx, ArrayRef<int32_t> table,
             const QuantInfo &out) {
  SmallVector<int64_t> values(table.begin(), table.end());
  Value g = gatherTable(b, loc, idx, values, b.getI32Type());
  return castTo(b, loc, g, out.storageType);
}

/// out = table[q - qmin_in]: tosa.table when input and output are i8 (the
/// table extended to all 256 storage values), a gather otherwise.
struct TableLowering : OpConversionPattern<qnn::TableOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::TableOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto in = getPerTensorQuantInfo(op, op.getInput().getType(), "input");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    ArrayRef<int32_t> table = op.getTable();
    int64_t last = static_cast<int64_t>(table.size()) - 1;
    auto entry = [&](int64_t q) {
      return static_cast<int64_t>(
          table[std::clamp<int64_t>(q - in->qmin, 0, last)]);
    };
    Value x = adaptor.getInput();
    if (in->storageType.getWidth() == 8 && out->storageType.getWidth() == 8) {
      SmallVector<int64_t> full;
      for (int64_t q = -128; q <= 127; ++q)
        full.push_back(entry(q));
      Value t = constInt(rewriter, loc, full, rewriter.getI8Type(), {256});
      rewriter.replaceOpWithNewOp<tosa::TableOp>(
          op, cast<RankedTensorType>(x.getType()), x, t);
      return success();
    }
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    Value idx = rangePosition(rewriter, loc,
                              castTo(rewriter, loc, x, rewriter.getI32Type()),
                              in->qmin, last, rank);
    rewriter.replaceOp(op, lookUp(rewriter, loc, idx, table, *out));
    return success();
  }
};

/// out = table[(a - qmin_a) * n_b + (b - qmin_b)], the operands broadcast:
/// the index computed in i32, one tosa.gather.
struct Table2dLowering : OpConversionPattern<qnn::Table2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::Table2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto a = getPerTensorQuantInfo(op, op.getLhs().getType(), "lhs");
    auto b = getPerTensorQuantInfo(op, op.getRhs().getType(), "rhs");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(a) || failed(b) || failed(out))
      return failure();
    Type i32 = rewriter.getI32Type();
    int64_t rank = op.getOutput().getType().getRank();
    // Storage value -> its position in the type's range.
    auto position = [&](Value v, const QuantInfo &q) {
      v = expandToRank(rewriter, loc, castTo(rewriter, loc, v, i32), rank);
      return rangePosition(rewriter, loc, v, q.qmin, q.qmax - q.qmin, rank);
    };
    int64_t nb = b->qmax - b->qmin + 1;
    Value idx = add(rewriter, loc,
                    mul(rewriter, loc, position(adaptor.getLhs(), *a),
                        channelConstInt(rewriter, loc, {nb}, i32, rank, 0)),
                    position(adaptor.getRhs(), *b));
    rewriter.replaceOp(op, lookUp(rewriter, loc, idx, op.getTable(), *out));
    return success();
  }
};

/// Float: exp(x - max(x)) / sum(exp(x - max(x))) along the axis.
/// Quantized: qmath::softmax (docs/Quantization.md): exponentials from a
/// compile-time table indexed by max(q) - q, their int32 sum, an integer
/// division per element.
struct SoftmaxLowering : OpConversionPattern<qnn::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    SmallVector<int64_t> reduced(type.getShape());
    reduced[axis] = 1;
    Value x = adaptor.getInput();
    if (getQuantInfo(type))
      return lowerQuantized(op, x, axis, reduced, rewriter);
    auto reducedType = type.clone(reduced);
    Value max = tosa::ReduceMaxOp::create(rewriter, loc, reducedType, x,
                                          static_cast<uint32_t>(axis));
    Value e = tosa::ExpOp::create(rewriter, loc, type, sub(rewriter, loc, x, max));
    Value sum = tosa::ReduceSumOp::create(rewriter, loc, reducedType, e,
                                          static_cast<uint32_t>(axis));
    Value inv = tosa::ReciprocalOp::create(rewriter, loc, reducedType, sum);
    rewriter.replaceOp(op, mul(rewriter, loc, e, inv));
    return success();
  }

private:
  LogicalResult lowerQuantized(qnn::SoftmaxOp op, Value x, int64_t axis,
                               ArrayRef<int64_t> reduced,
                               ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    auto in = getPerTensorQuantInfo(op, op.getInput().getType(), "input");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    // The output type the rule produces: scale 2^-n, zero point qmin.
    int64_t levels = out->qmax - out->qmin + 1;
    unsigned bits = llvm::Log2_64(static_cast<uint64_t>(levels));
    qmath::QuantParams expected = qmath::softmaxOutputParams(bits);
    if ((int64_t(1) << bits) != levels || out->qmin != expected.qmin ||
        out->zeroPoint() != expected.zeroPoint ||
        !scalesEqual(out->scale(), expected.scale))
      return op.emitOpError()
             << "a quantized softmax output must have " << bits
             << "-bit storage range, scale 2^-" << bits
             << " and zero point " << expected.zeroPoint;
    qmath::SoftmaxTable table =
        qmath::softmaxTable(in->scale(), in->qmax - in->qmin, bits);
    auto type = op.getInput().getType();
    int64_t length = type.getDimSize(axis);
    if (length > table.maxLength())
      return op.emitOpError() << "a quantized softmax over " << length
                              << " elements could overflow its 32-bit sum "
                                 "(at most "
                              << table.maxLength() << ")";
    Type i32 = rewriter.getI32Type();
    int64_t rank = type.getRank();
    auto full = type.clone(i32);
    auto red = RankedTensorType::get(reduced, i32);
    Value xi = castTo(rewriter, loc, x, i32);
    Value m = tosa::ReduceMaxOp::create(rewriter, loc, red, xi,
                                        static_cast<uint32_t>(axis));
    Value d = clampInt(rewriter, loc, sub(rewriter, loc, m, xi), 0,
                       static_cast<int64_t>(table.exp.size()) - 1);
    SmallVector<int64_t> exps(table.exp.begin(), table.exp.end());
    Value e = gatherTable(rewriter, loc, d, exps, i32);
    Value sum = tosa::ReduceSumOp::create(rewriter, loc, red, e,
                                          static_cast<uint32_t>(axis));
    Value half = tosa::ArithmeticRightShiftOp::create(
        rewriter, loc, red, sum,
        channelConstInt(rewriter, loc, {1}, i32, rank, 0), /*round=*/false);
    Value num = add(rewriter, loc,
                    mul(rewriter, loc, e,
                        channelConstInt(rewriter, loc, {int64_t(1) << bits},
                                        i32, rank, 0)),
                    half);
    Value q = tosa::IntDivOp::create(rewriter, loc, full, num, sum);
    q = add(rewriter, loc, q,
            channelConstInt(rewriter, loc, {out->qmin}, i32, rank, 0));
    q = clampInt(rewriter, loc, q, out->qmin, out->qmax);
    rewriter.replaceOp(op, castTo(rewriter, loc, q, out->storageType));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateElementwisePatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<ReluLowering, ClipLowering, AddSubLowering<qnn::AddOp>,
               AddSubLowering<qnn::SubOp>, MulLowering, PReluLowering,
               SoftmaxLowering, TableLowering, Table2dLowering>(
      converter, patterns.getContext());
}
