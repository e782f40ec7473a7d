//===- RescaleEvenOdd.cpp - 64-bit rescales on even and odd lanes ---------===//
//
// The fused int8 epilogues rescale 32-bit values with 64-bit arithmetic
// (tosa.apply_scale with include-apply-rescale, cloned onto vectors):
//
//   trunci(shrsi(addi(muli(extsi(x), extsi(m)), r), s))
//       : vector<Nxi64> -> vector<Nxi32>
//
// LLVM widens x and m to two halves of N/2 64-bit lanes each
// (vpmovzxdq/vextract), multiplies, adds, shifts and narrows both halves
// back (vpmovqd/vinserti): about 11 instructions per 16 lanes. The same
// values come out of multiplying the even and the odd 32-bit lanes in
// place (vpmuldq reads the low half of each 64-bit lane, sign-extended):
// the even products are shifted by s (their result in the low halves), the
// odd ones by s - 32 (their result in the high halves), and a select
// interleaves them: 8 instructions, no widening or narrowing. Bit for bit
// the same results: every step is the same two's-complement arithmetic.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// A splat integer constant's value.
std::optional<int64_t> splatValue(Value v) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return c.getSExtValue();
  return std::nullopt;
}

struct RescaleEvenOdd : OpRewritePattern<arith::TruncIOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncIOp trunc,
                                PatternRewriter &rw) const override {
    auto outType = dyn_cast<VectorType>(trunc.getType());
    auto inType = dyn_cast<VectorType>(trunc.getIn().getType());
    if (!outType || !inType || outType.getRank() != 1 ||
        outType.isScalable() || !outType.getElementType().isInteger(32) ||
        !inType.getElementType().isInteger(64) ||
        outType.getNumElements() % 2 != 0 || outType.getNumElements() < 4)
      return failure();
    auto shift = trunc.getIn().getDefiningOp<arith::ShRSIOp>();
    if (!shift)
      return failure();
    auto sum = shift.getLhs().getDefiningOp<arith::AddIOp>();
    if (!sum)
      return failure();
    Value round = sum.getRhs();
    auto prod = sum.getLhs().getDefiningOp<arith::MulIOp>();
    if (!prod) {
      round = sum.getLhs();
      prod = sum.getRhs().getDefiningOp<arith::MulIOp>();
    }
    if (!prod)
      return failure();
    std::optional<int64_t> constShift = splatValue(shift.getRhs());
    if (constShift && (*constShift < 0 || *constShift > 63))
      return failure();

    Location loc = trunc.getLoc();
    int64_t n = outType.getNumElements();
    auto i32Type = outType;
    auto halfType = VectorType::get({n / 2}, rw.getI64Type());
    // The 32-bit value whose sign extension `v` is, or null.
    auto narrow = [&](Value v) -> Value {
      if (auto ext = v.getDefiningOp<arith::ExtSIOp>()) {
        auto from = cast<VectorType>(ext.getIn().getType());
        unsigned width = from.getElementTypeBitWidth();
        if (width == 32)
          return ext.getIn();
        if (width < 32)
          return arith::ExtSIOp::create(rw, loc, i32Type, ext.getIn());
        return Value();
      }
      std::optional<int64_t> c = splatValue(v);
      if (c && *c >= INT32_MIN && *c <= INT32_MAX)
        return arith::ConstantOp::create(
            rw, loc,
            DenseElementsAttr::get(i32Type,
                                   APInt(32, static_cast<uint64_t>(*c), true)));
      return Value();
    };
    Value x = narrow(prod.getLhs()), m = narrow(prod.getRhs());
    if (!x || !m)
      return failure();

    auto c64 = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(
          rw, loc,
          DenseElementsAttr::get(halfType,
                                 APInt(64, static_cast<uint64_t>(v), true)));
    };
    // Even lanes: the low halves of the 64-bit lanes, sign-extended; odd
    // lanes: the high halves.
    auto split = [&](Value v32) -> std::pair<Value, Value> {
      Value q = vector::BitCastOp::create(rw, loc, halfType, v32);
      Value even = arith::ShRSIOp::create(
          rw, loc, arith::ShLIOp::create(rw, loc, q, c64(32)), c64(32));
      Value odd = arith::ShRSIOp::create(rw, loc, q, c64(32));
      return {even, odd};
    };
    // A 64-bit operand of N lanes as its even and odd lanes.
    auto lanes = [&](Value v64) -> std::pair<Value, Value> {
      if (std::optional<int64_t> c = splatValue(v64))
        return {c64(*c), c64(*c)};
      SmallVector<int64_t> even, odd;
      for (int64_t i = 0; i < n / 2; ++i) {
        even.push_back(2 * i);
        odd.push_back(2 * i + 1);
      }
      return {vector::ShuffleOp::create(rw, loc, v64, v64, even),
              vector::ShuffleOp::create(rw, loc, v64, v64, odd)};
    };
    auto [xe, xo] = split(x);
    auto [me, mo] = split(m);
    auto [re, ro] = lanes(round);
    auto [se, so] = lanes(shift.getRhs());
    Value ye = arith::ShRSIOp::create(
        rw, loc,
        arith::AddIOp::create(rw, loc, arith::MulIOp::create(rw, loc, xe, me),
                              re),
        se);
    Value yo =
        arith::AddIOp::create(rw, loc, arith::MulIOp::create(rw, loc, xo, mo),
                              ro);
    // The odd result goes to the high half: bits [s, s + 32) of the sum at
    // [32, 64).
    if (constShift)
      yo = *constShift >= 32
               ? Value(arith::ShRSIOp::create(rw, loc, yo,
                                              c64(*constShift - 32)))
               : Value(arith::ShLIOp::create(rw, loc, yo,
                                             c64(32 - *constShift)));
    else
      yo = arith::ShLIOp::create(rw, loc,
                                 arith::ShRSIOp::create(rw, loc, yo, so),
                                 c64(32));
    SmallVector<bool> evenLanes;
    for (int64_t i = 0; i < n; ++i)
      evenLanes.push_back(i % 2 == 0);
    Value pick = arith::ConstantOp::create(
        rw, loc,
        DenseElementsAttr::get(VectorType::get({n}, rw.getI1Type()),
                               ArrayRef<bool>(evenLanes)));
    rw.replaceOpWithNewOp<arith::SelectOp>(
        trunc, pick, vector::BitCastOp::create(rw, loc, i32Type, ye),
        vector::BitCastOp::create(rw, loc, i32Type, yo));
    return success();
  }
};

} // namespace

void qmlir::cpu::populateRescaleEvenOddPatterns(RewritePatternSet &patterns) {
  patterns.add<RescaleEvenOdd>(patterns.getContext());
}
