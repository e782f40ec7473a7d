//===- QuantOps.cpp - qnn quantization ops to TOSA ------------------------===//
//
// quantize/dequantize/requantize implement qmath::quantize, dequantize and
// requantize exactly (the quant dialect's qcast/dcast get the same meaning);
// quantize of a constant is evaluated at compile time with qmath::quantize.
// observe is an identity and quant.scast disappears with the type change.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// qmath::quantize applied to every element of a float constant.
DenseElementsAttr quantizeElements(DenseElementsAttr attr,
                                   const QuantInfo &info,
                                   RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(attr.getType());
  int64_t inner = 1, channels = info.numChannels();
  if (info.isPerAxis())
    for (int64_t d = info.axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  unsigned width = info.storageType.getWidth();
  SmallVector<APInt> values;
  values.reserve(type.getNumElements());
  int64_t i = 0;
  for (const APFloat &v : attr.getValues<APFloat>()) {
    int64_t c = info.isPerAxis() ? (i / inner) % channels : 0;
    bool lost;
    APFloat f = v;
    f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    int64_t q = qmath::quantize(f.convertToFloat(), info.scale(c),
                                info.zeroPoint(c), info.qmin, info.qmax);
    values.push_back(APInt(width, q, /*isSigned=*/true));
    ++i;
  }
  return DenseElementsAttr::get(resultType, values);
}

template <typename OpTy>
struct QuantizeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto info = getSupportedQuantInfo(op, op.getResult().getType(), "result");
    if (failed(info))
      return failure();
    if (!*info || !isa<RankedTensorType>(op.getInput().getType()))
      return op->emitOpError("expects a ranked float tensor to quantize");
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getResult().getType()));
    if (DenseElementsAttr attr = getConstantElements(adaptor.getInput())) {
      rewriter.replaceOpWithNewOp<tosa::ConstOp>(
          op, resultType, quantizeElements(attr, **info, resultType));
      return success();
    }
    rewriter.replaceOp(
        op, emitQuantize(rewriter, op.getLoc(), adaptor.getInput(), **info));
    return success();
  }
};

template <typename OpTy>
struct DequantizeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto info = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(info))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op.getResult().getType());
    if (!*info || !resultType)
      return op->emitOpError("expects a ranked quantized tensor to dequantize");
    rewriter.replaceOp(op, emitDequantize(rewriter, op.getLoc(),
                                          adaptor.getInput(), **info,
                                          resultType.getElementType()));
    return success();
  }
};

/// Whether `in` -> `out` is uint8 <-> int8 with the same scales and zero
/// points 128 apart (both full 8-bit ranges): how importers bring unsigned
/// 8-bit data to the signed storage the other patterns support.
bool isSignednessFlip(Type in, Type out) {
  auto a = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(in));
  auto b = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(out));
  if (!a || !b || a.isSigned() == b.isSigned() ||
      a.getStorageTypeIntegralWidth() != 8 ||
      b.getStorageTypeIntegralWidth() != 8)
    return false;
  std::optional<QuantInfo> qa = getQuantInfo(a), qb = getQuantInfo(b);
  if (!qa || !qb || qa->axis != qb->axis ||
      qa->numChannels() != qb->numChannels() ||
      qa->qmax - qa->qmin != 255 || qb->qmax - qb->qmin != 255)
    return false;
  int64_t delta = a.isSigned() ? 128 : -128;
  for (int64_t c = 0; c < qa->numChannels(); ++c)
    if (qa->scale(c) != qb->scale(c) ||
        qb->zeroPoint(c) != qa->zeroPoint(c) + delta)
      return false;
  return true;
}

struct RequantizeLowering : OpConversionPattern<qnn::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isSignednessFlip(op.getInput().getType(), op.getOutput().getType())) {
      // q_i8 = q_u8 - 128 (and back): the same bits but the top one.
      Location loc = op.getLoc();
      auto type = cast<RankedTensorType>(adaptor.getInput().getType());
      Value mask = constInt(rewriter, loc, {-128}, type.getElementType(),
                            SmallVector<int64_t>(type.getRank(), 1));
      rewriter.replaceOpWithNewOp<tosa::BitwiseXorOp>(op, type,
                                                      adaptor.getInput(), mask);
      return success();
    }
    auto in = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    auto out = getSupportedQuantInfo(op, op.getOutput().getType(), "output");
    if (failed(in) || failed(out))
      return failure();
    auto spec = requantizeSpec(op, **in, **out);
    if (failed(spec))
      return failure();
    rewriter.replaceOp(
        op, emitRescale(rewriter, op.getLoc(), adaptor.getInput(), *spec));
    return success();
  }
};

/// Ops that only change how the same storage values are typed.
template <typename OpTy>
struct ForwardOperandLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getOperands()[0];
    if (input.getType() !=
        this->getTypeConverter()->convertType(op->getResult(0).getType()))
      return op->emitOpError("storage types of operand and result differ");
    rewriter.replaceOp(op, input);
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateQuantOpsPatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeLowering<qnn::QuantizeOp>,
               QuantizeLowering<quant::QuantizeCastOp>,
               DequantizeLowering<qnn::DequantizeOp>,
               DequantizeLowering<quant::DequantizeCastOp>, RequantizeLowering,
               ForwardOperandLowering<qnn::ObserveOp>,
               ForwardOperandLowering<quant::StorageCastOp>>(converter, ctx);
}
