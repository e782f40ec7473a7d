//===- IntegerOps.cpp - qnn plain-integer arithmetic and qnn.cast ---------===//
//
// qnn.add/sub/mul/div/pow/maximum/minimum on plain integer tensors (i8, i32,
// i64: ONNX integer arithmetic on values computed at run time), pow with a
// base and an exponent of different types, and qnn.cast. Each becomes one
// linalg.generic with arith ops: TOSA's integer ops do not cover i64 mul,
// division, or wrapping i8 arithmetic (tosa.mul of i8 produces i32), while
// arith's addi/subi/muli wrap modulo 2^bits, which is ONNX's (numpy's)
// integer semantics. These patterns have a higher benefit than the float and
// quantized lowerings of the same ops and match integer-typed ops only.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

Value intConst(OpBuilder &b, Location loc, Type type, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

/// Converts a scalar between float and integer types with ONNX Cast's rules
/// (integers are signed; float to integer truncates toward zero).
Value convertScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  if (fromInt && toInt)
    return fromInt.getWidth() < toInt.getWidth()
               ? Value(arith::ExtSIOp::create(b, loc, to, x))
               : Value(arith::TruncIOp::create(b, loc, to, x));
  if (fromInt)
    return arith::SIToFPOp::create(b, loc, to, x);
  if (toInt)
    return arith::FPToSIOp::create(b, loc, to, x);
  return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
             ? Value(arith::ExtFOp::create(b, loc, to, x))
             : Value(arith::TruncFOp::create(b, loc, to, x));
}

/// x / y truncated toward zero without trapping: x / 0 is 0 and MIN / -1
/// wraps to MIN (what `0 - x` gives).
Value safeDivSI(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  Value zero = intConst(b, loc, t, 0), one = intConst(b, loc, t, 1),
        minusOne = intConst(b, loc, t, -1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y,
                                       zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value safeY = arith::SelectOp::create(
      b, loc, arith::OrIOp::create(b, loc, isZero, isMinusOne), one, y);
  Value q = arith::DivSIOp::create(b, loc, x, safeY);
  Value neg = arith::SubIOp::create(b, loc, zero, x);
  q = arith::SelectOp::create(b, loc, isMinusOne, neg, q);
  return arith::SelectOp::create(b, loc, isZero, zero, q);
}

/// x ** y on integers of x's type by square-and-multiply over every bit of
/// y (unrolled: no loops inside the generic), wrapping. For y < 0 the integer
/// part of 1 / x^-y: 1 for x = 1, +-1 for x = -1, 0 otherwise.
Value intPow(OpBuilder &b, Location loc, Value x, Value y) {
  auto t = cast<IntegerType>(x.getType());
  y = convertScalar(b, loc, y, t);
  Value zero = intConst(b, loc, t, 0), one = intConst(b, loc, t, 1);
  Value result = one, base = x, e = y;
  for (unsigned bit = 0; bit + 1 < t.getWidth(); ++bit) {
    Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), e);
    result = arith::SelectOp::create(
        b, loc, odd, arith::MulIOp::create(b, loc, result, base), result);
    base = arith::MulIOp::create(b, loc, base, base);
    e = arith::ShRUIOp::create(b, loc, e, one);
  }
  // y < 0: x = 1 -> 1, x = -1 -> (-1)^y, else 0.
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
  Value minusOne = intConst(b, loc, t, -1);
  Value xIsOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, one);
  Value xIsMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, minusOne);
  Value yOdd = arith::TruncIOp::create(b, loc, b.getI1Type(), y);
  Value signed1 = arith::SelectOp::create(b, loc, yOdd, minusOne, one);
  Value inverse = arith::SelectOp::create(
      b, loc, xIsOne, one,
      arith::SelectOp::create(b, loc, xIsMinusOne, signed1, zero));
  return arith::SelectOp::create(b, loc, negative, inverse, result);
}

/// x ** y where at least one side is an integer: in f64 unless both are
/// integers (then exact), the result converted to `out`.
Value mixedPow(OpBuilder &b, Location loc, Value x, Value y, Type out) {
  if (isa<IntegerType>(x.getType()) && isa<IntegerType>(y.getType()))
    return intPow(b, loc, x, y);
  Type f64 = b.getF64Type();
  Value p = math::PowFOp::create(b, loc, convertScalar(b, loc, x, f64),
                                 convertScalar(b, loc, y, f64));
  return convertScalar(b, loc, p, out);
}

bool hasIntegerType(Operation *op) {
  auto isInt = [](Type t) { return isa<IntegerType>(getElementTypeOrSelf(t)); };
  return llvm::any_of(op->getOperandTypes(), isInt) ||
         llvm::any_of(op->getResultTypes(), isInt);
}

/// Binary ops with an integer operand or result.
template <typename OpTy>
struct IntegerBinaryLowering : OpConversionPattern<OpTy> {
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  IntegerBinaryLowering(TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern<OpTy>(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasIntegerType(op))
      return failure();
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getOutput().getType());
    int64_t rank = outType.getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    Type et = outType.getElementType();
    Value y = elementwise(
        rewriter, loc, {a, b}, et,
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value x = args[0], z = args[1];
          if constexpr (std::is_same_v<OpTy, qnn::AddOp>)
            return arith::AddIOp::create(nb, l, x, z);
          else if constexpr (std::is_same_v<OpTy, qnn::SubOp>)
            return arith::SubIOp::create(nb, l, x, z);
          else if constexpr (std::is_same_v<OpTy, qnn::MulOp>)
            return arith::MulIOp::create(nb, l, x, z);
          else if constexpr (std::is_same_v<OpTy, qnn::DivOp>)
            return safeDivSI(nb, l, x, z);
          else if constexpr (std::is_same_v<OpTy, qnn::MaximumOp>)
            return arith::MaxSIOp::create(nb, l, x, z);
          else if constexpr (std::is_same_v<OpTy, qnn::MinimumOp>)
            return arith::MinSIOp::create(nb, l, x, z);
          else {
            static_assert(std::is_same_v<OpTy, qnn::PowOp>);
            return mixedPow(nb, l, x, z, et);
          }
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct CastLowering : OpConversionPattern<qnn::CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type et = op.getOutput().getType().getElementType();
    Value y = elementwise(rewriter, op.getLoc(), {adaptor.getInput()}, et,
                          [&](OpBuilder &nb, Location l, ValueRange args) {
                            return convertScalar(nb, l, args[0], et);
                          });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateIntegerPatterns(TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<IntegerBinaryLowering<qnn::AddOp>,
               IntegerBinaryLowering<qnn::SubOp>,
               IntegerBinaryLowering<qnn::MulOp>,
               IntegerBinaryLowering<qnn::DivOp>,
               IntegerBinaryLowering<qnn::PowOp>,
               IntegerBinaryLowering<qnn::MaximumOp>,
               IntegerBinaryLowering<qnn::MinimumOp>>(converter, ctx);
  patterns.add<CastLowering>(converter, ctx);
}
