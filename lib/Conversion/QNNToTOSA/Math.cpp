//===- Math.cpp - qnn float functions and reductions to TOSA --------------===//
//
// qnn.unary, the float binary ops, qnn.reduce and qnn.log_softmax. Functions
// TOSA has an op for use it; the composite activations, float division and
// sqrt become one linalg.generic each (TOSA has no float division or sqrt).
// These ops are float only (the verifiers require float tensors), except
// maximum/minimum, which compare the storage values of one quantized type,
// and the reductions, which reduce centered storage values in 32 bits and
// requantize or map the sum through a table (quantized prod, div and pow
// are in LogDomain.cpp).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// Scalar helpers for the bodies of elementwise generics.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type type;

  Value cst(double v) const {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
  }
  Value add(Value x, Value y) const {
    return arith::AddFOp::create(b, loc, x, y);
  }
  Value sub(Value x, Value y) const {
    return arith::SubFOp::create(b, loc, x, y);
  }
  Value mul(Value x, Value y) const {
    return arith::MulFOp::create(b, loc, x, y);
  }
  Value div(Value x, Value y) const {
    return arith::DivFOp::create(b, loc, x, y);
  }
  Value max(Value x, Value y) const {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value min(Value x, Value y) const {
    return arith::MinimumFOp::create(b, loc, x, y);
  }
  Value exp(Value x) const { return math::ExpOp::create(b, loc, x); }
  Value log(Value x) const { return math::LogOp::create(b, loc, x); }
  Value select(arith::CmpFPredicate pred, Value x, Value y, Value ifTrue,
               Value ifFalse) const {
    Value c = arith::CmpFOp::create(b, loc, pred, x, y);
    return arith::SelectOp::create(b, loc, c, ifTrue, ifFalse);
  }
};

/// The scalar function of a composite qnn.unary kind.
Value unaryBody(qnn::UnaryKind kind, double alpha, double beta,
                const Scalar &s, Value x) {
  using qnn::UnaryKind;
  using P = arith::CmpFPredicate;
  Value zero = s.cst(0.0), one = s.cst(1.0);
  switch (kind) {
  case UnaryKind::Sqrt:
    return math::SqrtOp::create(s.b, s.loc, x);
  case UnaryKind::Neg:
    return arith::NegFOp::create(s.b, s.loc, x);
  case UnaryKind::Softplus:
    return s.log(s.add(s.exp(x), one));
  case UnaryKind::Softsign:
    return s.div(x, s.add(one, math::AbsFOp::create(s.b, s.loc, x)));
  case UnaryKind::HardSwish:
    return s.mul(x, s.max(zero, s.min(one, s.add(s.mul(x, s.cst(1.0 / 6.0)),
                                                 s.cst(0.5)))));
  case UnaryKind::HardSigmoid:
    return s.max(zero,
                 s.min(one, s.add(s.mul(x, s.cst(alpha)), s.cst(beta))));
  case UnaryKind::LeakyRelu:
    return s.select(P::OLT, x, zero, s.mul(x, s.cst(alpha)), x);
  case UnaryKind::Elu:
    return s.select(P::OLT, x, zero, s.mul(s.cst(alpha), s.sub(s.exp(x), one)),
                    x);
  case UnaryKind::Selu:
    return s.select(
        P::OLE, x, zero,
        s.mul(s.cst(beta), s.mul(s.cst(alpha), s.sub(s.exp(x), one))),
        s.mul(s.cst(beta), x));
  case UnaryKind::Celu:
    return s.add(
        s.max(zero, x),
        s.min(zero, s.mul(s.cst(alpha),
                          s.sub(s.exp(s.div(x, s.cst(alpha))), one))));
  case UnaryKind::ThresholdedRelu:
    return s.select(P::OGT, x, s.cst(alpha), x, zero);
  default:
    llvm_unreachable("has a TOSA op");
  }
}

struct UnaryLowering : OpConversionPattern<qnn::UnaryOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::UnaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    using qnn::UnaryKind;
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Value y;
    switch (op.getKind()) {
    case UnaryKind::Sigmoid:
      y = tosa::SigmoidOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Tanh:
      y = tosa::TanhOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Exp:
      y = tosa::ExpOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Log:
      y = tosa::LogOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Rsqrt:
      y = tosa::RsqrtOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Reciprocal:
      y = tosa::ReciprocalOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Abs:
      y = tosa::AbsOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Floor:
      y = tosa::FloorOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Ceil:
      y = tosa::CeilOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Sin:
      y = tosa::SinOp::create(rewriter, loc, type, x);
      break;
    case UnaryKind::Cos:
      y = tosa::CosOp::create(rewriter, loc, type, x);
      break;
    default: {
      double alpha = op.getAlpha() ? op.getAlpha()->convertToDouble() : 0.0;
      double beta = op.getBeta() ? op.getBeta()->convertToDouble() : 0.0;
      Type et = type.getElementType();
      y = elementwise(rewriter, loc, x, et,
                      [&](OpBuilder &b, Location l, ValueRange args) {
                        return unaryBody(op.getKind(), alpha, beta,
                                         Scalar{b, l, et}, args[0]);
                      });
    }
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// The float binary ops, operands expanded to the output rank first.
template <typename OpTy>
struct FloatBinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (failed(getSupportedQuantInfo(op, op.getOutput().getType(), "output")))
      return failure();
    auto outType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getOutput().getType()));
    int64_t rank = outType.getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    Type et = outType.getElementType();
    Value y;
    if constexpr (std::is_same_v<OpTy, qnn::PowOp>) {
      y = tosa::PowOp::create(rewriter, loc, outType, a, b);
    } else if constexpr (std::is_same_v<OpTy, qnn::MaximumOp>) {
      y = maximum(rewriter, loc, a, b);
    } else if constexpr (std::is_same_v<OpTy, qnn::MinimumOp>) {
      y = minimum(rewriter, loc, a, b);
    } else {
      static_assert(std::is_same_v<OpTy, qnn::DivOp>);
      y = elementwise(rewriter, loc, {a, b}, et,
                      [](OpBuilder &nb, Location l, ValueRange args) {
                        return arith::DivFOp::create(nb, l, args[0], args[1]);
                      });
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// qmath::sumTableIndex of an i32 tensor of non-negative sums:
/// sh = max((31 - F) - clz(S), 0), index = (S >> sh) + sh * 2^F.
Value sumTableIndex(OpBuilder &b, Location loc, Value sum) {
  auto type = cast<RankedTensorType>(sum.getType());
  Type i32 = b.getI32Type();
  int64_t rank = type.getRank();
  const int64_t f = qmath::kSumTableMantissaBits;
  Value clz = tosa::ClzOp::create(b, loc, type, sum);
  Value sh = clampInt(
      b, loc, sub(b, loc, channelConstInt(b, loc, {31 - f}, i32, rank, 0), clz),
      0, 31);
  Value lead = tosa::ArithmeticRightShiftOp::create(b, loc, type, sum, sh,
                                                    /*round=*/false);
  return add(b, loc, lead,
             mul(b, loc, sh,
                 channelConstInt(b, loc, {int64_t(1) << f}, i32, rank, 0)));
}

/// The shared start of log_softmax and log_sum_exp (qmath::logSoftmax) on
/// centered i32 values `x`: the maximum along `axes`, the distances
/// d = max - x, and L = log[sumTableIndex(sum of exp[min(d, size - 1)])].
struct LogSumExpParts {
  Value max, distance, log;
};
LogSumExpParts emitLogSumExpParts(OpBuilder &b, Location loc, Value x,
                                  ArrayRef<int64_t> axes,
                                  const qmath::LogSoftmaxTables &tables) {
  Type i32 = b.getI32Type();
  Value m = reduceAxes<tosa::ReduceMaxOp>(b, loc, x, axes);
  Value d = sub(b, loc, m, x);
  SmallVector<int64_t> exps(tables.exp.exp.begin(), tables.exp.exp.end());
  Value e = gatherTable(
      b, loc, clampInt(b, loc, d, 0, static_cast<int64_t>(exps.size()) - 1),
      exps, i32);
  Value sum = reduceAxes<tosa::ReduceSumOp>(b, loc, e, axes);
  SmallVector<int64_t> logs(tables.log.begin(), tables.log.end());
  Value l = gatherTable(b, loc, sumTableIndex(b, loc, sum), logs, i32);
  return {m, d, l};
}

/// (clamp(rescale(v, distance), lo, 2^30) + L + 2^(R-1)) >> R for v in
/// [lo, range]: the fixed-point sum of a rescaled value and the log table
/// entry, back to output steps (R = LogSoftmaxTables::kFractionBits).
Value emitLogDomainSum(OpBuilder &b, Location loc, Value v, int64_t lo,
                       int64_t range, Value l,
                       const qmath::LogSoftmaxTables &tables) {
  RescaleSpec spec;
  spec.rescales = {tables.distance};
  spec.outType = b.getIntegerType(32);
  spec.qmin = lo < 0 ? -(int64_t(1) << 30) : 0;
  spec.qmax = int64_t(1) << 30;
  spec.inLo = lo;
  spec.inHi = range;
  Value t = emitRescale(b, loc, v, spec);
  const unsigned r = qmath::LogSoftmaxTables::kFractionBits;
  int64_t rank = cast<RankedTensorType>(t.getType()).getRank();
  auto cst = [&](int64_t c) {
    return channelConstInt(b, loc, {c}, b.getI32Type(), rank, 0);
  };
  Value s = add(b, loc, add(b, loc, t, l), cst(int64_t(1) << (r - 1)));
  return tosa::ArithmeticRightShiftOp::create(b, loc, s.getType(), s, cst(r),
                                              /*round=*/false);
}

struct ReduceLowering : OpConversionPattern<qnn::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    using qnn::ReduceKind;
    Location loc = op.getLoc();
    auto quant = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(quant))
      return failure();
    // A quantized prod is ReduceProdLowering's (LogDomain.cpp).
    if (*quant && op.getKind() == ReduceKind::Prod)
      return failure();
    if (*quant)
      return lowerQuantized(op, adaptor.getInput(), rewriter);
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    Type et = inType.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    ReduceKind kind = op.getKind();
    auto apply = [&](ScalarFn fn, ValueRange inputs) {
      return elementwise(rewriter, loc, inputs, et, fn);
    };
    auto unary = [&](Value v, auto fn) {
      return apply(
          [&](OpBuilder &b, Location l, ValueRange args) {
            return fn(Scalar{b, l, et}, args[0]);
          },
          v);
    };

    Value shift;
    switch (kind) {
    case ReduceKind::SumSquare:
    case ReduceKind::L2:
      x = mul(rewriter, loc, x, x);
      break;
    case ReduceKind::L1:
      x = tosa::AbsOp::create(rewriter, loc, inType, x);
      break;
    case ReduceKind::LogSumExp:
      // log(sum(exp(x))) = m + log(sum(exp(x - m))), m = max(x): no overflow.
      shift = reduceAxes<tosa::ReduceMaxOp>(rewriter, loc, x, axes);
      x = tosa::ExpOp::create(rewriter, loc, inType,
                              sub(rewriter, loc, x, shift));
      break;
    default:
      break;
    }

    Value r;
    switch (kind) {
    case ReduceKind::Max:
      r = reduceAxes<tosa::ReduceMaxOp>(rewriter, loc, x, axes);
      break;
    case ReduceKind::Min:
      r = reduceAxes<tosa::ReduceMinOp>(rewriter, loc, x, axes);
      break;
    case ReduceKind::Prod:
      r = reduceAxes<tosa::ReduceProductOp>(rewriter, loc, x, axes);
      break;
    default:
      r = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, x, axes);
      break;
    }

    switch (kind) {
    case ReduceKind::Mean: {
      int64_t count = reducedCount(inType, axes);
      Value n = constFloat(rewriter, loc, {double(count)}, et,
                           SmallVector<int64_t>(inType.getRank(), 1));
      r = apply(
          [](OpBuilder &b, Location l, ValueRange args) {
            return arith::DivFOp::create(b, l, args[0], args[1]);
          },
          {r, n});
      break;
    }
    case ReduceKind::L2:
      r = unary(r, [](const Scalar &s, Value v) {
        return math::SqrtOp::create(s.b, s.loc, v);
      });
      break;
    case ReduceKind::LogSum:
      r = unary(r, [](const Scalar &s, Value v) { return s.log(v); });
      break;
    case ReduceKind::LogSumExp:
      r = apply(
          [&](OpBuilder &b, Location l, ValueRange args) {
            Scalar s{b, l, et};
            return s.add(args[1], s.log(args[0]));
          },
          {r, shift});
      break;
    default:
      break;
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, r,
                                   op.getOutput().getType().getShape()));
    return success();
  }

  /// sum/mean/max/min/l1/sum_square of the centered storage values in 32
  /// bits, requantized by sx / so (mean: sx / (so * count), sum_square:
  /// sx^2 / so); l2 and log_sum: a sum-indexed table of the sum of squares
  /// (of the sum clamped to >= 0).
  LogicalResult lowerQuantized(qnn::ReduceOp op, Value x,
                               ConversionPatternRewriter &rewriter) const {
    using qnn::ReduceKind;
    Location loc = op.getLoc();
    auto in = getPerTensorQuantInfo(op, op.getInput().getType(), "input");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    auto inType = op.getInput().getType();
    ArrayRef<int64_t> axes = op.getAxes();
    int64_t count = reducedCount(inType, axes);
    Type i32 = rewriter.getI32Type();
    x = castTo(rewriter, loc, x, i32);
    if (in->zeroPoint() != 0)
      x = sub(rewriter, loc, x,
              channelConstInt(rewriter, loc, {in->zeroPoint()}, i32,
                              inType.getRank(), 0));
    // l2 and log_sum: a function of the 32-bit sum, from a sum-indexed
    // table straight to output storage values.
    if (op.getKind() == ReduceKind::L2 || op.getKind() == ReduceKind::LogSum) {
      bool l2 = op.getKind() == ReduceKind::L2;
      if (l2)
        x = mul(rewriter, loc, x, x);
      Value s = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, x, axes);
      if (!l2)
        s = clampInt(rewriter, loc, s, 0, INT32_MAX);
      double sIn = in->scale();
      std::vector<int64_t> table = qmath::buildSumTable(
          [&](double v) { return l2 ? sIn * std::sqrt(v) : std::log(sIn * v); },
          qmath::QuantParams{out->scale(), out->zeroPoint(), out->qmin,
                             out->qmax});
      Value r = gatherTable(rewriter, loc, sumTableIndex(rewriter, loc, s),
                            table, out->storageType);
      rewriter.replaceOp(
          op, reshape(rewriter, loc, r, op.getOutput().getType().getShape()));
      return success();
    }
    if (op.getKind() == ReduceKind::LogSumExp)
      return lowerLogSumExp(op, x, *in, *out, count, rewriter);
    Value r;
    double ratio = in->scale() / out->scale();
    int64_t bound = maxAbsCentered(*in);
    switch (op.getKind()) {
    case ReduceKind::Max:
      r = reduceAxes<tosa::ReduceMaxOp>(rewriter, loc, x, axes);
      break;
    case ReduceKind::Min:
      r = reduceAxes<tosa::ReduceMinOp>(rewriter, loc, x, axes);
      break;
    case ReduceKind::Sum:
    case ReduceKind::Mean:
    case ReduceKind::L1:
      if (op.getKind() == ReduceKind::L1)
        x = tosa::AbsOp::create(rewriter, loc, x.getType(), x);
      r = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, x, axes);
      bound = std::min<int64_t>(bound * count, INT32_MAX);
      if (op.getKind() == ReduceKind::Mean)
        ratio /= double(count);
      break;
    case ReduceKind::SumSquare:
      r = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, mul(rewriter, loc, x, x),
                                        axes);
      bound = static_cast<int64_t>(std::min(
          double(bound) * double(bound) * double(count), double(INT32_MAX)));
      ratio *= in->scale();
      break;
    default:
      return op.emitOpError() << "'" << qnn::stringifyReduceKind(op.getKind())
                              << "' has no quantized lowering";
    }
    auto rescales = computeRescales(op, {ratio}, "reduction");
    if (failed(rescales))
      return failure();
    r = emitRescale(rewriter, loc, r,
                    outputRescaleSpec(*rescales, *out, -bound, bound));
    rewriter.replaceOp(op, reshape(rewriter, loc, r,
                                   op.getOutput().getType().getShape()));
    return success();
  }

  /// log_sum_exp of the centered storage values c = q - zx (docs/
  /// Quantization.md): m = max(c), d = m - c, S = sum of exp[d] (the
  /// softmax table), out = zo + ((rescale(m) + log[index(S)] + 2^(R-1)) >> R),
  /// with qmath::logSoftmaxTables' rescale and logarithm table.
  LogicalResult lowerLogSumExp(qnn::ReduceOp op, Value c, const QuantInfo &in,
                               const QuantInfo &out, int64_t count,
                               ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    int64_t range = in.qmax - in.qmin;
    std::optional<qmath::LogSoftmaxTables> tables =
        qmath::logSoftmaxTables(in.scale(), range, out.scale());
    if (!tables)
      return op.emitOpError()
             << "input and output scales too far apart for a quantized "
                "log_sum_exp (s_in * 2^8 / s_out must be below 2^29)";
    if (count > tables->exp.maxLength())
      return op.emitOpError() << "a quantized log_sum_exp over " << count
                              << " elements could overflow its 32-bit sum "
                                 "(at most "
                              << tables->exp.maxLength() << ")";
    ArrayRef<int64_t> axes = op.getAxes();
    Type i32 = rewriter.getI32Type();
    int64_t rank = op.getInput().getType().getRank();
    auto cst = [&](int64_t v) {
      return channelConstInt(rewriter, loc, {v}, i32, rank, 0);
    };
    LogSumExpParts parts = emitLogSumExpParts(rewriter, loc, c, axes, *tables);
    Value v = emitLogDomainSum(rewriter, loc, parts.max, -range, range,
                               parts.log, *tables);
    v = add(rewriter, loc, v, cst(out.zeroPoint()));
    v = clampInt(rewriter, loc, v, out.qmin, out.qmax);
    v = castTo(rewriter, loc, v, out.storageType);
    rewriter.replaceOp(
        op, reshape(rewriter, loc, v, op.getOutput().getType().getShape()));
    return success();
  }
};

/// Float: x - max(x) - log(sum(exp(x - max(x)))) along the axis.
/// Quantized: qmath::logSoftmax (docs/Quantization.md).
struct LogSoftmaxLowering : OpConversionPattern<qnn::LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    // The I64Attr accessor is unsigned: -1 comes back as 2^64 - 1.
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += type.getRank();
    Value x = adaptor.getInput();
    auto quant = getSupportedQuantInfo(op, type, "input");
    if (failed(quant))
      return failure();
    if (*quant)
      return lowerQuantized(op, x, axis, rewriter);
    Value shifted =
        sub(rewriter, loc, x,
            reduceAxes<tosa::ReduceMaxOp>(rewriter, loc, x, {axis}));
    Value e = tosa::ExpOp::create(rewriter, loc, type, shifted);
    Value sum = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, e, {axis});
    Value lse = tosa::LogOp::create(rewriter, loc, sum.getType(), sum);
    rewriter.replaceOp(op, sub(rewriter, loc, shifted, lse));
    return success();
  }

private:
  /// qmath::logSoftmax: d = max(q) - q; S = sum of exp[d] (the softmax
  /// table); out = zp - ((rescale(d) + log[index(S)] + 2^(R-1)) >> R).
  LogicalResult lowerQuantized(qnn::LogSoftmaxOp op, Value x, int64_t axis,
                               ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    auto in = getPerTensorQuantInfo(op, op.getInput().getType(), "input");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    int64_t range = in->qmax - in->qmin;
    std::optional<qmath::LogSoftmaxTables> tables =
        qmath::logSoftmaxTables(in->scale(), range, out->scale());
    if (!tables)
      return op.emitOpError()
             << "input and output scales too far apart for a quantized "
                "log_softmax (s_in * 2^8 / s_out must be below 2^29)";
    auto type = op.getInput().getType();
    int64_t length = type.getDimSize(axis);
    if (length > tables->exp.maxLength())
      return op.emitOpError() << "a quantized log_softmax over " << length
                              << " elements could overflow its 32-bit sum "
                                 "(at most "
                              << tables->exp.maxLength() << ")";
    Type i32 = rewriter.getI32Type();
    int64_t rank = type.getRank();
    auto cst = [&](int64_t v) {
      return channelConstInt(rewriter, loc, {v}, i32, rank, 0);
    };
    Value xi = castTo(rewriter, loc, x, i32);
    LogSumExpParts parts = emitLogSumExpParts(rewriter, loc, xi, {axis},
                                              *tables);
    Value v = emitLogDomainSum(rewriter, loc, parts.distance, 0, range,
                               parts.log, *tables);
    Value q = sub(rewriter, loc, cst(out->zeroPoint()), v);
    q = clampInt(rewriter, loc, q, out->qmin, out->qmax);
    rewriter.replaceOp(op, castTo(rewriter, loc, q, out->storageType));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateMathPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<UnaryLowering, FloatBinaryLowering<qnn::DivOp>, FloatBinaryLowering<qnn::PowOp>,
               FloatBinaryLowering<qnn::MaximumOp>,
               FloatBinaryLowering<qnn::MinimumOp>,
               ReduceLowering,
               LogSoftmaxLowering>(converter, patterns.getContext());
}
