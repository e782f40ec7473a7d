//===- Pooling.cpp - qnn pooling ops to TOSA ------------------------------===//
//
// Max pooling works on storage values unchanged (the order of quantized
// values is the order of the reals). Quantized average pooling with one
// scale in and out is TOSA's AVG_POOL2D: an int32 sum of (q - zp) divided
// by the window count with TOSA's reciprocal multiplier. An avg_pool2d into
// another scale (an adopted QDQ model's QLinearAveragePool) is the int32
// window sum of (q - zp) requantized once by s_in / (s_out * count), the
// count taken per output position.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// The value that never wins a max: the lowest float or the smallest
/// integer of the element type.
TypedAttr lowestValue(OpBuilder &b, Type elemType) {
  if (auto ft = dyn_cast<FloatType>(elemType))
    return b.getFloatAttr(
        ft, APFloat::getLargest(ft.getFloatSemantics(), /*Negative=*/true));
  auto it = cast<IntegerType>(elemType);
  return b.getIntegerAttr(it, intTypeMin(it));
}

struct MaxPool2dLowering : OpConversionPattern<qnn::MaxPool2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MaxPool2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      padding = op.getPadding(), dilations = op.getDilations();
    Value x = adaptor.getInput();
    if (dilations[0] == 1 && dilations[1] == 1) {
      SmallVector<int64_t> pad;
      x = fixWindows2d(rewriter, loc, x, kernel, strides, padding, pad);
      rewriter.replaceOpWithNewOp<tosa::MaxPool2dOp>(op, outType, x, kernel,
                                                     strides, pad);
      return success();
    }
    // TOSA has no dilated max pooling: use linalg's, which has dilations.
    auto inType = cast<RankedTensorType>(x.getType());
    Type elemType = inType.getElementType();
    TypedAttr lowest = lowestValue(rewriter, elemType);
    Value lowestCst = arith::ConstantOp::create(rewriter, loc, lowest);
    SmallVector<OpFoldResult> low = {
        rewriter.getIndexAttr(0), rewriter.getIndexAttr(padding[0]),
        rewriter.getIndexAttr(padding[2]), rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> high = {
        rewriter.getIndexAttr(0), rewriter.getIndexAttr(padding[1]),
        rewriter.getIndexAttr(padding[3]), rewriter.getIndexAttr(0)};
    SmallVector<int64_t> paddedShape(inType.getShape());
    paddedShape[1] += padding[0] + padding[1];
    paddedShape[2] += padding[2] + padding[3];
    Value padded = tensor::PadOp::create(rewriter, loc,
                                         inType.clone(paddedShape), x, low,
                                         high, lowestCst);
    Value init = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                         elemType);
    Value filled =
        linalg::FillOp::create(rewriter, loc, lowestCst, init).getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elemType);
    auto pool = linalg::PoolingNhwcMaxOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{padded, window},
        ValueRange{filled}, rewriter.getI64VectorAttr(strides),
        rewriter.getI64VectorAttr(dilations));
    rewriter.replaceOp(op, pool.getResult(0));
    return success();
  }
};

/// Shared by avg_pool2d and global_avg_pool: checks the quantization and
/// returns the zero points (0 for floats).
FailureOr<std::pair<int64_t, int64_t>>
checkAvgPoolQuant(Operation *op, Type inType, Type outType,
                  std::optional<QuantInfo> &out) {
  auto in = getSupportedQuantInfo(op, inType, "input");
  if (failed(in))
    return failure();
  if (!*in)
    return std::make_pair<int64_t, int64_t>(0, 0);
  auto inInfo = getPerTensorQuantInfo(op, inType, "input");
  auto outInfo = getPerTensorQuantInfo(op, outType, "output");
  if (failed(inInfo) || failed(outInfo))
    return failure();
  if (!scalesEqual(inInfo->scale(), outInfo->scale()))
    return op->emitOpError()
           << "quantized average pooling needs equal input and output "
              "scales, got "
           << inInfo->scale() << " and " << outInfo->scale();
  if (inInfo->storageType != outInfo->storageType)
    return op->emitOpError(
        "quantized average pooling needs the same storage type in and out");
  if (inInfo->storageType.getWidth() != 8 &&
      (inInfo->zeroPoint() != 0 || outInfo->zeroPoint() != 0))
    return op->emitOpError()
           << "quantized average pooling with "
           << inInfo->storageType.getWidth()
           << "-bit storage needs zero points of 0";
  out = *outInfo;
  return std::make_pair(inInfo->zeroPoint(), outInfo->zeroPoint());
}

/// tosa.avg_pool2d plus the narrow-range clamp TOSA does not know about.
Value buildAvgPool(OpBuilder &b, Location loc, Value x,
                   RankedTensorType outType, ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                   std::pair<int64_t, int64_t> zps,
                   const std::optional<QuantInfo> &outInfo) {
  SmallVector<int64_t> pad;
  x = fixWindows2d(b, loc, x, kernel, strides, padding, pad);
  Type elemType = outType.getElementType();
  Type accType = isa<FloatType>(elemType) ? Type(b.getF32Type())
                                          : Type(b.getI32Type());
  Value pool = tosa::AvgPool2dOp::create(
      b, loc, outType, x, zeroPointConst(b, loc, elemType, zps.first),
      zeroPointConst(b, loc, elemType, zps.second), kernel, strides, pad,
      accType);
  if (outInfo && outInfo->isNarrow())
    pool = clampInt(b, loc, pool, outInfo->qmin, outInfo->qmax);
  return pool;
}

/// Number of input positions (padding excluded) in window `o` of a 1-D
/// sliding window.
int64_t validCount(int64_t o, int64_t size, int64_t kernel, int64_t stride,
                   int64_t padLo) {
  int64_t start = o * stride - padLo;
  return std::min(start + kernel, size) - std::max<int64_t>(start, 0);
}

/// avg_pool2d from per-tensor type `in` to another per-tensor type `out`:
/// the int32 sum of the centered values of each window (padding adds 0),
/// requantized once by s_in / (s_out * count) with count the window size
/// (count_include_pad) or the number of input positions in the window.
LogicalResult lowerRescaledAvgPool(qnn::AvgPool2dOp op, Value x,
                                   const QuantInfo &in, const QuantInfo &out,
                                   ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  auto inType = op.getInput().getType();
  auto outShape = op.getOutput().getType().getShape();
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    padding = op.getPadding();
  int64_t window = kernel[0] * kernel[1];
  int64_t bound = maxAbsCentered(in);
  if (double(bound) * double(window) > double(INT32_MAX))
    return op.emitOpError()
           << "the sum of a " << kernel[0] << "x" << kernel[1]
           << " window of " << in.storageType.getWidth()
           << "-bit values can overflow 32 bits";
  Type i32 = rewriter.getI32Type();
  x = castTo(rewriter, loc, x, i32);
  if (in.zeroPoint() != 0)
    x = sub(rewriter, loc, x,
            channelConstInt(rewriter, loc, {in.zeroPoint()}, i32, 4, 0));
  // Pad with the centered 0 and keep exactly the rows and columns the
  // windows read.
  SmallVector<int64_t> padded(inType.getShape());
  for (int d = 0; d < 2; ++d)
    padded[1 + d] += padding[2 * d] + padding[2 * d + 1];
  if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
    x = tosa::PadOp::create(
        rewriter, loc, tensorOf(padded, i32), x,
        constShape(rewriter, loc,
                   {0, 0, padding[0], padding[1], padding[2], padding[3], 0,
                    0}),
        constInt(rewriter, loc, {0}, i32, {1}));
  SmallVector<int64_t> used(padded);
  for (int d = 0; d < 2; ++d)
    used[1 + d] = (outShape[1 + d] - 1) * strides[d] + kernel[d];
  if (used != padded)
    x = slice(rewriter, loc, x, {0, 0, 0, 0}, used);
  Value zero = arith::ConstantOp::create(rewriter, loc,
                                         rewriter.getI32IntegerAttr(0));
  Value init = tensor::EmptyOp::create(rewriter, loc, outShape, i32);
  Value filled = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
  Value windowShape = tensor::EmptyOp::create(rewriter, loc, kernel, i32);
  Value sum = linalg::PoolingNhwcSumOp::create(
                  rewriter, loc, TypeRange{tensorOf(outShape, i32)},
                  ValueRange{x, windowShape}, ValueRange{filled},
                  rewriter.getI64VectorAttr(strides),
                  rewriter.getI64VectorAttr({1, 1}))
                  .getResult(0);
  // One ratio per output position (H x W), or one for all.
  SmallVector<double> ratios;
  for (int64_t oh = 0; oh < outShape[1]; ++oh)
    for (int64_t ow = 0; ow < outShape[2]; ++ow) {
      int64_t count =
          op.getCountIncludePad()
              ? window
              : validCount(oh, inType.getDimSize(1), kernel[0], strides[0],
                           padding[0]) *
                    validCount(ow, inType.getDimSize(2), kernel[1],
                               strides[1], padding[2]);
      ratios.push_back(in.scale() / (out.scale() * double(count)));
    }
  bool uniform = llvm::all_equal(ratios);
  if (uniform)
    ratios.resize(1);
  auto rescales = computeRescales(op, ratios, "average pooling");
  if (failed(rescales))
    return failure();
  RescaleSpec spec =
      outputRescaleSpec(*rescales, out, -bound * window, bound * window);
  if (!uniform) {
    // Per position: the positions as the rescale's channel axis.
    spec.axis = 1;
    sum = reshape(rewriter, loc, sum,
                  {outShape[0], outShape[1] * outShape[2], outShape[3]});
  }
  Value r = emitRescale(rewriter, loc, sum, spec);
  rewriter.replaceOp(op, reshape(rewriter, loc, r, outShape));
  return success();
}

struct AvgPool2dLowering : OpConversionPattern<qnn::AvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::AvgPool2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // Into another scale or storage type: the rescaled window sum.
    auto inInfo = getQuantInfo(op.getInput().getType());
    auto outQuant = getQuantInfo(op.getOutput().getType());
    if (inInfo && outQuant && !inInfo->isPerAxis() && !outQuant->isPerAxis() &&
        (!scalesEqual(inInfo->scale(), outQuant->scale()) ||
         inInfo->storageType != outQuant->storageType)) {
      if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")) ||
          failed(getSupportedQuantInfo(op, op.getOutput().getType(), "output")))
        return failure();
      return lowerRescaledAvgPool(op, adaptor.getInput(), *inInfo, *outQuant,
                                  rewriter);
    }
    std::optional<QuantInfo> outInfo;
    auto zps = checkAvgPoolQuant(op, op.getInput().getType(),
                                 op.getOutput().getType(), outInfo);
    if (failed(zps))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    Value x = adaptor.getInput();
    SmallVector<int64_t> padding(op.getPadding());
    bool anyPad = llvm::any_of(padding, [](int64_t p) { return p != 0; });
    if (op.getCountIncludePad() && anyPad) {
      // Count padded positions: pad explicitly with the real value 0 (the
      // input zero point) and pool without padding.
      auto inType = cast<RankedTensorType>(x.getType());
      Type elemType = inType.getElementType();
      Value padValue =
          isa<FloatType>(elemType)
              ? constFloat(rewriter, loc, {0.0}, elemType, {1})
              : constInt(rewriter, loc, {zps->first}, elemType, {1});
      SmallVector<int64_t> shape(inType.getShape());
      shape[1] += padding[0] + padding[1];
      shape[2] += padding[2] + padding[3];
      x = tosa::PadOp::create(
          rewriter, loc, inType.clone(shape), x,
          constShape(rewriter, loc,
                     {0, 0, padding[0], padding[1], padding[2], padding[3], 0,
                      0}),
          padValue);
      padding.assign(4, 0);
    }
    rewriter.replaceOp(op, buildAvgPool(rewriter, loc, x, outType,
                                        op.getKernel(), op.getStrides(),
                                        padding, *zps, outInfo));
    return success();
  }
};

struct GlobalAvgPoolLowering : OpConversionPattern<qnn::GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<QuantInfo> outInfo;
    auto zps = checkAvgPoolQuant(op, op.getInput().getType(),
                                 op.getOutput().getType(), outInfo);
    if (failed(zps))
      return failure();
    auto inType = op.getInput().getType();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    int64_t kernel[] = {inType.getDimSize(1), inType.getDimSize(2)};
    int64_t strides[] = {1, 1};
    int64_t padding[] = {0, 0, 0, 0};
    rewriter.replaceOp(op, buildAvgPool(rewriter, op.getLoc(),
                                        adaptor.getInput(), outType, kernel,
                                        strides, padding, *zps, outInfo));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populatePoolingPatterns(TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<MaxPool2dLowering, AvgPool2dLowering, GlobalAvgPoolLowering>(
      converter, patterns.getContext());
}
