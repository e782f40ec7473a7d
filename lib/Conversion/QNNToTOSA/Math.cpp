//===- Math.cpp - qnn float functions and reductions to TOSA --------------===//
//
// qnn.unary, the float binary ops, qnn.reduce and qnn.log_softmax. Functions
// TOSA has an op for use it; the composite activations, float division and
// sqrt become one linalg.generic each (TOSA has no float division or sqrt).
// These ops are float only (the verifiers require float tensors), except
// maximum/minimum, which compare the storage values of one quantized type,
// and the sum/mean/max/min reductions, which reduce centered storage values
// in 32 bits and requantize.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

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

/// Applies the TOSA reduction `ReduceOpTy` along every axis in `axes`,
/// keeping the reduced dimensions as size 1.
template <typename ReduceOpTy>
Value reduceAxes(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    auto type = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    x = ReduceOpTy::create(b, loc, type.clone(shape), x,
                           static_cast<uint32_t>(axis));
  }
  return x;
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
      int64_t count = 1;
      for (int64_t a : axes)
        count *= inType.getDimSize(a);
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

  /// sum/mean/max/min of the centered storage values in 32 bits,
  /// requantized by sx / so (mean: sx / (so * count)).
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
    int64_t count = 1;
    for (int64_t a : axes)
      count *= inType.getDimSize(a);
    Type i32 = rewriter.getI32Type();
    x = castTo(rewriter, loc, x, i32);
    if (in->zeroPoint() != 0)
      x = sub(rewriter, loc, x,
              channelConstInt(rewriter, loc, {in->zeroPoint()}, i32,
                              inType.getRank(), 0));
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
      r = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, x, axes);
      bound = std::min<int64_t>(bound * count, INT32_MAX);
      if (op.getKind() == ReduceKind::Mean)
        ratio /= double(count);
      break;
    default:
      return op.emitOpError() << "'" << qnn::stringifyReduceKind(op.getKind())
                              << "' has no quantized lowering";
    }
    auto rescales = computeRescales(op, {ratio}, "reduction");
    if (failed(rescales))
      return failure();
    RescaleSpec spec;
    spec.rescales = *rescales;
    spec.outZps = {out->zeroPoint()};
    spec.outType = out->storageType;
    spec.qmin = out->qmin;
    spec.qmax = out->qmax;
    spec.inLo = -bound;
    spec.inHi = bound;
    r = emitRescale(rewriter, loc, r, spec);
    rewriter.replaceOp(op, reshape(rewriter, loc, r,
                                   op.getOutput().getType().getShape()));
    return success();
  }
};

/// x - max(x) - log(sum(exp(x - max(x)))) along the axis.
struct LogSoftmaxLowering : OpConversionPattern<qnn::LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + type.getRank()
                                    : int64_t(op.getAxis());
    Value x = adaptor.getInput();
    Value shifted =
        sub(rewriter, loc, x,
            reduceAxes<tosa::ReduceMaxOp>(rewriter, loc, x, {axis}));
    Value e = tosa::ExpOp::create(rewriter, loc, type, shifted);
    Value sum = reduceAxes<tosa::ReduceSumOp>(rewriter, loc, e, {axis});
    Value lse = tosa::LogOp::create(rewriter, loc, sum.getType(), sum);
    rewriter.replaceOp(op, sub(rewriter, loc, shifted, lse));
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
