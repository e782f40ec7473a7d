//===- Layout.cpp - qnn layout ops to TOSA --------------------------------===//
//
// Layout ops move storage values unchanged. Concat requantizes inputs whose
// type differs from the output's; pad quantizes its real pad value.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

struct ReshapeLowering : OpConversionPattern<qnn::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    rewriter.replaceOp(op, reshape(rewriter, op.getLoc(), adaptor.getInput(),
                                   op.getOutput().getType().getShape()));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<qnn::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    rewriter.replaceOp(op, transpose(rewriter, op.getLoc(), adaptor.getInput(),
                                     op.getPermutation()));
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<qnn::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type outElem = op.getOutput().getType().getElementType();
    auto outInfo = getSupportedQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(outInfo))
      return failure();
    SmallVector<Value> inputs;
    for (auto [orig, converted] :
         llvm::zip_equal(op.getInputs(), adaptor.getInputs())) {
      Type inElem = cast<RankedTensorType>(orig.getType()).getElementType();
      if (!*outInfo || inElem == outElem) {
        inputs.push_back(converted);
        continue;
      }
      auto inInfo = getSupportedQuantInfo(op, orig.getType(), "input");
      if (failed(inInfo))
        return failure();
      auto spec = requantizeSpec(op, **inInfo, **outInfo);
      if (failed(spec))
        return failure();
      inputs.push_back(emitRescale(rewriter, loc, converted, *spec));
    }
    auto outType = getTypeConverter()->convertType(op.getOutput().getType());
    rewriter.replaceOpWithNewOp<tosa::ConcatOp>(
        op, outType, inputs, static_cast<uint32_t>(op.getAxis()));
    return success();
  }
};

struct PadLowering : OpConversionPattern<qnn::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto info = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(info))
      return failure();
    float value = op.getValue().convertToFloat();
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    Type elemType = inType.getElementType();
    Value padConst;
    if (!*info) {
      padConst = constFloat(rewriter, loc, {value}, elemType, {1});
    } else {
      const QuantInfo &q = **info;
      SmallVector<int64_t> values;
      for (int64_t c = 0; c < q.numChannels(); ++c)
        values.push_back(qmath::quantize(value, q.scale(c), q.zeroPoint(c),
                                         q.qmin, q.qmax));
      if (!llvm::all_equal(values))
        return op.emitOpError()
               << "pad value " << value
               << " quantizes differently per channel; only a per-axis pad "
                  "whose value is the same in every channel is supported";
      padConst = constInt(rewriter, loc, {values[0]}, elemType, {1});
    }
    auto outType = getTypeConverter()->convertType(op.getOutput().getType());
    rewriter.replaceOpWithNewOp<tosa::PadOp>(
        op, outType, adaptor.getInput(),
        constShape(rewriter, loc, op.getPadding()), padConst);
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateLayoutPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering,
               PadLowering>(converter, patterns.getContext());
}
