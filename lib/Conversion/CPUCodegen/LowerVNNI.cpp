//===- LowerVNNI.cpp - qnn-cpu-lower-vnni ---------------------------------===//
//
// The target-specific patterns of the CPU kernels: a 4-way u8 x s8 dot
// product accumulated into 16 (or 8: AVX512-VL) i32 lanes becomes
// `vpdpbusd` on zmm (ymm) registers, a 2-way s16 x
// s16 one (the channelwise int8 kernels) `vpdpwssd`. Neither LLVM
// (which turns the generic form into vpmaddwd/vpdpwssd sequences) nor the
// x86vector dialect (whose int8 dot is AVX-VNNI-INT8's signed vpdpbssd, on
// at most 256 bits) produces it.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_CPULOWERVNNIPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// True for a vector<`n` x i`bits`> value.
bool isIntVector(Value v, int64_t n, unsigned bits) {
  auto t = dyn_cast<VectorType>(v.getType());
  return t && t.getRank() == 1 && t.getDimSize(0) == n &&
         t.getElementType().isInteger(bits) && !t.isScalable();
}

/// The product an add reduction of the kernels' dot products reduces: the
/// arith.muli behind the shape_cast of its source, or null.
arith::MulIOp reducedProduct(vector::MultiDimReductionOp op) {
  auto cast = op.getSource().getDefiningOp<vector::ShapeCastOp>();
  return cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
              : arith::MulIOp();
}

struct Dot4ToVPDPBUSD : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType src = op.getSourceVectorType();
    if (op.getKind() != vector::CombiningKind::ADD || src.getRank() != 2 ||
        (src.getDimSize(0) != 16 && src.getDimSize(0) != 8) ||
        src.getDimSize(1) != 4 || !src.getElementType().isInteger(32) ||
        src.isScalable() || op.getReductionDims() != ArrayRef<int64_t>{1})
      return rewriter.notifyMatchFailure(op,
                                         "not a 16x4 or 8x4 i32 add reduction");
    int64_t bytes = 4 * src.getDimSize(0);
    arith::MulIOp mul = reducedProduct(op);
    if (!mul)
      return rewriter.notifyMatchFailure(op, "not a reduced product");
    Value a, b;
    for (int i = 0; i < 2; ++i) {
      auto zext = mul->getOperand(i).getDefiningOp<arith::ExtUIOp>();
      auto sext = mul->getOperand(1 - i).getDefiningOp<arith::ExtSIOp>();
      if (zext && sext && isIntVector(zext.getIn(), bytes, 8) &&
          isIntVector(sext.getIn(), bytes, 8)) {
        a = zext.getIn();
        b = sext.getIn();
        break;
      }
    }
    if (!a)
      return rewriter.notifyMatchFailure(op, "not zext(u8) * sext(s8)");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getDestType(),
        rewriter.getStringAttr(bytes == 64 ? "llvm.x86.avx512.vpdpbusd.512"
                                           : "llvm.x86.avx512.vpdpbusd.256"),
        ValueRange{op.getAcc(), a, b});
    return success();
  }
};

/// The channelwise int8 kernels' 2-way dot product of 16-bit halves,
/// sext(a) * sext(b) reduced in pairs into 16 i32 lanes: `vpdpwssd`.
struct Dot2ToVPDPWSSD : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType src = op.getSourceVectorType();
    if (op.getKind() != vector::CombiningKind::ADD ||
        src.getShape() != ArrayRef<int64_t>{16, 2} ||
        !src.getElementType().isInteger(32) || src.isScalable() ||
        op.getReductionDims() != ArrayRef<int64_t>{1})
      return rewriter.notifyMatchFailure(op, "not a 16x2 i32 add reduction");
    arith::MulIOp mul = reducedProduct(op);
    if (!mul)
      return rewriter.notifyMatchFailure(op, "not a reduced product");
    auto a = mul.getLhs().getDefiningOp<arith::ExtSIOp>();
    auto b = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
    if (!a || !b || !isIntVector(a.getIn(), 32, 16) ||
        !isIntVector(b.getIn(), 32, 16))
      return rewriter.notifyMatchFailure(op, "not sext(s16) * sext(s16)");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getDestType(),
        rewriter.getStringAttr("llvm.x86.avx512.vpdpwssd.512"),
        ValueRange{op.getAcc(), a.getIn(), b.getIn()});
    return success();
  }
};

struct CPULowerVNNIPass : qmlir::impl::CPULowerVNNIPassBase<CPULowerVNNIPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<Dot4ToVPDPBUSD, Dot2ToVPDPWSSD>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
