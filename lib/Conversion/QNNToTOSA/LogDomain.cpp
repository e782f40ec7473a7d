//===- LogDomain.cpp - quantized reduce prod, div, pow in the log domain --===//
//
// The integer forms of qmlir/Quant/LogDomain.h in TOSA: per-element
// logarithm tables (tosa.gather), int32 sums or differences of logarithms
// (a rounded product for pow), zero and sign flags, and one fixed-point
// exponential (mantissa table + rounding shift) to output steps. Each
// function below computes the same integers as its qmath reference.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Quant/LogDomain.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// Builders for i32 (and i1) tensors of one rank; constants are [1, .., 1].
struct IntBuilder {
  OpBuilder &b;
  Location loc;
  int64_t rank;

  Value cst(int64_t v) const {
    return channelConstInt(b, loc, {v}, b.getI32Type(), rank, 0);
  }
  static RankedTensorType shapeOf(ValueRange vs, Type elementType) {
    SmallVector<int64_t> shape(
        cast<RankedTensorType>(vs.front().getType()).getShape());
    for (Value v : vs.drop_front())
      for (auto [d, s] : llvm::zip_equal(
               shape, cast<RankedTensorType>(v.getType()).getShape()))
        d = d == 1 ? s : d;
    return RankedTensorType::get(shape, elementType);
  }
  Value equal(Value x, Value y) const {
    return tosa::EqualOp::create(b, loc, shapeOf({x, y}, b.getI1Type()), x, y);
  }
  Value greater(Value x, Value y) const {
    return tosa::GreaterOp::create(b, loc, shapeOf({x, y}, b.getI1Type()), x,
                                   y);
  }
  Value both(Value x, Value y) const {
    return tosa::LogicalAndOp::create(b, loc, shapeOf({x, y}, b.getI1Type()), x,
                                      y);
  }
  /// x xor y.
  Value differ(Value x, Value y) const {
    return tosa::LogicalXorOp::create(b, loc, shapeOf({x, y}, b.getI1Type()), x,
                                      y);
  }
  Value select(Value c, Value x, Value y) const {
    return tosa::SelectOp::create(
        b, loc,
        shapeOf({c, x, y}, cast<ShapedType>(x.getType()).getElementType()), c,
        x, y);
  }
  Value shr(Value x, Value s) const {
    return tosa::ArithmeticRightShiftOp::create(
        b, loc, shapeOf({x, s}, cast<ShapedType>(x.getType()).getElementType()),
        x, s, /*round=*/false);
  }
  Value shl(Value x, Value s) const {
    return tosa::LogicalLeftShiftOp::create(
        b, loc, shapeOf({x, s}, cast<ShapedType>(x.getType()).getElementType()),
        x, s);
  }
  Value bitAnd(Value x, Value y) const {
    return tosa::BitwiseAndOp::create(
        b, loc, shapeOf({x, y}, cast<ShapedType>(x.getType()).getElementType()),
        x, y);
  }
  /// clamp(v, lo, hi) on i32 as maximum/minimum: TOSA's profiles have no
  /// i32 clamp (--tosa-validate rejects one).
  Value clamp(Value v, int64_t lo, int64_t hi) const {
    return minimum(b, loc, maximum(b, loc, v, cst(lo)), cst(hi));
  }
  /// table[q - qmin] for the storage values q (i32) of a quantized type.
  Value lookup(Value q, ArrayRef<int64_t> table, int64_t qmin) const {
    return gatherTable(b, loc, sub(b, loc, q, cst(qmin)), table,
                       b.getI32Type());
  }
};

qmath::QuantParams paramsOf(const QuantInfo &q) {
  return qmath::QuantParams{q.scale(), q.zeroPoint(), q.qmin, q.qmax};
}

/// qmath::logDomainOutput on i32 tensors: the logarithm `u` in output units
/// and the sign `negative` (i1) to clamp(zp + -+exp2Magnitude(u)) (i32).
Value emitLogDomainOutput(const IntBuilder &ib, Value u, Value negative,
                          const qmath::LogOutput &o, const QuantInfo &out) {
  OpBuilder &b = ib.b;
  Location loc = ib.loc;
  const unsigned f = o.fractionBits, g = o.mantissaBits;
  Value e = ib.shr(u, ib.cst(f));
  Value j = ib.shr(ib.bitAnd(u, ib.cst((int64_t(1) << f) - 1)), ib.cst(f - g));
  Value mant = gatherTable(b, loc, j, o.mantissa, b.getI32Type());
  Value sh = sub(b, loc, ib.cst(29), e);
  Value shc = ib.clamp(sh, 1, 30);
  Value half = ib.shl(ib.cst(1), sub(b, loc, shc, ib.cst(1)));
  Value mag = ib.shr(add(b, loc, mant, half), shc);
  mag = ib.select(ib.greater(ib.cst(1), sh), ib.cst(int64_t(1) << 30), mag);
  mag = ib.select(ib.greater(sh, ib.cst(30)), ib.cst(0), mag);
  Value v = ib.select(negative, sub(b, loc, ib.cst(0), mag), mag);
  return ib.clamp(add(b, loc, v, ib.cst(out.zeroPoint())), out.qmin, out.qmax);
}

/// Quantized qnn.reduce prod: qmath::reduceProd.
struct ReduceProdLowering : OpConversionPattern<qnn::ReduceOp> {
  ReduceProdLowering(TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(qnn::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getKind() != qnn::ReduceKind::Prod ||
        !getQuantInfo(op.getInput().getType()))
      return failure();
    Location loc = op.getLoc();
    auto in = getPerTensorQuantInfo(op, op.getInput().getType(), "input");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    auto inType = op.getInput().getType();
    ArrayRef<int64_t> axes = op.getAxes();
    int64_t count = reducedCount(inType, axes);
    std::optional<qmath::ProductTables> tables =
        qmath::productTables(paramsOf(*in), count, paramsOf(*out));
    if (!tables)
      return op.emitOpError()
             << "a quantized prod over " << count
             << " elements could overflow its 32-bit sum of logarithms";
    IntBuilder ib{rewriter, loc, inType.getRank()};
    Type i32 = rewriter.getI32Type();
    auto sumOf = [&](Value x) {
      return reduceAxes<tosa::ReduceSumOp>(rewriter, loc, x, axes);
    };
    Value q = castTo(rewriter, loc, adaptor.getInput(), i32);
    Value zp = ib.cst(in->zeroPoint());
    Value sum = sumOf(ib.lookup(q, tables->log, in->qmin));
    Value negatives = sumOf(castTo(rewriter, loc, ib.greater(zp, q), i32));
    Value zeros = reduceAxes<tosa::ReduceMaxOp>(
        rewriter, loc, castTo(rewriter, loc, ib.equal(q, zp), i32), axes);
    Value negative = ib.equal(ib.bitAnd(negatives, ib.cst(1)), ib.cst(1));
    Value u = sub(rewriter, loc, sum, ib.cst(tables->output.outLog));
    Value r = emitLogDomainOutput(ib, u, negative, tables->output, *out);
    r = ib.select(ib.greater(zeros, ib.cst(0)), ib.cst(out->zeroPoint()), r);
    r = castTo(rewriter, loc, r, out->storageType);
    rewriter.replaceOp(
        op, reshape(rewriter, loc, r, op.getOutput().getType().getShape()));
    return success();
  }
};

/// Quantized qnn.div and qnn.pow: qmath::divide and qmath::power.
template <typename OpTy> struct DivPowLowering : OpConversionPattern<OpTy> {
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  DivPowLowering(TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern<OpTy>(converter, ctx, /*benefit=*/3) {}

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!getQuantInfo(op.getOutput().getType()))
      return failure();
    Location loc = op.getLoc();
    auto a = getPerTensorQuantInfo(op, op.getLhs().getType(), "lhs");
    auto b = getPerTensorQuantInfo(op, op.getRhs().getType(), "rhs");
    auto out = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(a) || failed(b) || failed(out))
      return failure();
    int64_t rank = op.getOutput().getType().getRank();
    IntBuilder ib{rewriter, loc, rank};
    Type i32 = rewriter.getI32Type();
    Value qa = castTo(rewriter, loc,
                      expandToRank(rewriter, loc, adaptor.getLhs(), rank), i32);
    Value qb = castTo(rewriter, loc,
                      expandToRank(rewriter, loc, adaptor.getRhs(), rank), i32);
    Value za = ib.cst(a->zeroPoint()), zb = ib.cst(b->zeroPoint());
    Value zo = ib.cst(out->zeroPoint());
    Value zeroA = ib.equal(qa, za), negA = ib.greater(za, qa);
    Value r;
    if constexpr (std::is_same_v<OpTy, qnn::DivOp>) {
      qmath::DivTables t =
          qmath::divTables(paramsOf(*a), paramsOf(*b), paramsOf(*out));
      Value u = sub(rewriter, loc,
                    sub(rewriter, loc, ib.lookup(qa, t.logA, a->qmin),
                        ib.lookup(qb, t.logB, b->qmin)),
                    ib.cst(t.output.outLog));
      Value negative = ib.differ(negA, ib.greater(zb, qb));
      r = emitLogDomainOutput(ib, u, negative, t.output, *out);
      r = ib.select(zeroA, zo, r);
      // x / 0: +-inf by the sign of x, 0 / 0 (NaN): the zero point.
      Value byZero = ib.select(ib.greater(qa, za), ib.cst(out->qmax),
                               ib.select(negA, ib.cst(out->qmin), zo));
      r = ib.select(ib.equal(qb, zb), byZero, r);
    } else {
      static_assert(std::is_same_v<OpTy, qnn::PowOp>);
      qmath::PowTables t =
          qmath::powTables(paramsOf(*a), paramsOf(*b), paramsOf(*out));
      Value y = ib.lookup(qb, t.exp, b->qmin);
      Value kind = ib.lookup(qb, t.kind, b->qmin);
      // One i32 MUL with a rounding shift (computed in 64 bits, the result
      // within 2^30 by the choice of F).
      Value la = ib.lookup(qa, t.logA, a->qmin);
      Value p = tosa::MulOp::create(
          rewriter, loc, IntBuilder::shapeOf({la, y}, i32), la, y,
          constInt(rewriter, loc, {int64_t(t.productShift)},
                   rewriter.getI8Type(), {1}));
      p = ib.clamp(p, -t.clampBound, t.clampBound);
      Value u = sub(rewriter, loc, p, ib.cst(t.output.outLog));
      Value negative = ib.both(negA, ib.equal(kind, ib.cst(2)));
      r = emitLogDomainOutput(ib, u, negative, t.output, *out);
      // 0 ** y: 0 for y > 0, +inf for y < 0; x ** y for x < 0 and y not an
      // integer: NaN, the zero point.
      r = ib.select(ib.both(zeroA, ib.greater(y, ib.cst(0))), zo, r);
      r = ib.select(ib.both(zeroA, ib.greater(ib.cst(0), y)), ib.cst(out->qmax),
                    r);
      r = ib.select(ib.both(negA, ib.equal(kind, ib.cst(0))), zo, r);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, r, out->storageType));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateLogDomainPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<ReduceProdLowering, DivPowLowering<qnn::DivOp>,
               DivPowLowering<qnn::PowOp>>(converter, patterns.getContext());
}
