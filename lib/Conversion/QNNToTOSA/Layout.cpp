//===- Layout.cpp - qnn layout ops to TOSA --------------------------------===//
//
// Layout ops move storage values unchanged. Concat requantizes inputs whose
// type differs from the output's; pad quantizes its real pad value (reflect
// and edge padding are slices, reversals and tiles concatenated per
// dimension). Slices with negative strides reverse first; gathers at
// constant indices are one tosa.gather over a [outer, axis, inner] view.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// `count` elements of dimension `axis` of `v` starting at `start`.
Value sliceAxis(OpBuilder &b, Location loc, Value v, int64_t axis,
                int64_t start, int64_t count) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> offsets(type.getRank(), 0), sizes(type.getShape());
  offsets[axis] = start;
  sizes[axis] = count;
  return slice(b, loc, v, offsets, sizes);
}

/// Reflect and edge padding, one dimension after the other (numpy's order,
/// which fills the corners from the already padded dimensions).
Value padByCopies(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad,
                  qnn::PadMode mode) {
  auto rank = cast<RankedTensorType>(x.getType()).getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = pad[2 * d], hi = pad[2 * d + 1];
    if (!lo && !hi)
      continue;
    auto type = cast<RankedTensorType>(x.getType());
    int64_t size = type.getDimSize(d);
    auto border = [&](int64_t count, bool low) -> Value {
      if (mode == qnn::PadMode::Edge) {
        Value edge = sliceAxis(b, loc, x, d, low ? 0 : size - 1, 1);
        SmallVector<int64_t> multiples(rank, 1), shape(type.getShape());
        multiples[d] = count;
        shape[d] = count;
        return tosa::TileOp::create(b, loc, type.clone(shape), edge,
                                    constShape(b, loc, multiples));
      }
      // Reflect: x[count], ..., x[1] before; x[size-2], ..., x[size-1-count]
      // after.
      Value part = sliceAxis(b, loc, x, d, low ? 1 : size - 1 - count, count);
      return reverse(b, loc, part, d);
    };
    SmallVector<Value> parts;
    if (lo)
      parts.push_back(border(lo, true));
    parts.push_back(x);
    if (hi)
      parts.push_back(border(hi, false));
    SmallVector<int64_t> shape(type.getShape());
    shape[d] += lo + hi;
    x = tosa::ConcatOp::create(b, loc, type.clone(shape), parts,
                               static_cast<uint32_t>(d));
  }
  return x;
}

struct PadLowering : OpConversionPattern<qnn::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto info = getSupportedQuantInfo(op, op.getInput().getType(), "input");
    if (failed(info))
      return failure();
    if (op.getMode() != qnn::PadMode::Constant) {
      rewriter.replaceOp(op, padByCopies(rewriter, loc, adaptor.getInput(),
                                         op.getPadding(), op.getMode()));
      return success();
    }
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

struct SliceLowering : OpConversionPattern<qnn::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    ArrayRef<int64_t> outShape = op.getOutput().getType().getShape();
    SmallVector<int64_t> offsets(op.getOffsets()), strides(op.getStrides());
    // A negative stride reads the reversed dimension with a positive one.
    for (int64_t d = 0; d < inType.getRank(); ++d) {
      if (strides[d] > 0)
        continue;
      x = reverse(rewriter, loc, x, d);
      offsets[d] = inType.getDimSize(d) - 1 - offsets[d];
      strides[d] = -strides[d];
    }
    if (llvm::any_of(outShape, [](int64_t s) { return s == 0; })) {
      auto type = cast<RankedTensorType>(
          getTypeConverter()->convertType(op.getOutput().getType()));
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    if (llvm::all_of(strides, [](int64_t s) { return s == 1; })) {
      rewriter.replaceOp(op, slice(rewriter, loc, x, offsets, outShape));
      return success();
    }
    auto type = cast<RankedTensorType>(x.getType()).clone(outShape);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, x, ValueRange{}, ValueRange{}, ValueRange{}, offsets,
        outShape, strides);
    return success();
  }
};

struct GatherLowering : OpConversionPattern<qnn::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < inType.getRank(); ++d)
      if (d < axis)
        outer *= inType.getDimSize(d);
      else if (d > axis)
        inner *= inType.getDimSize(d);
    SmallVector<int64_t> indices;
    for (const APInt &i : op.getIndices().getValues<APInt>())
      indices.push_back(i.getSExtValue());
    int64_t w = indices.size();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    if (w == 0 || outer == 0 || inner == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, outType.getShape(),
                                                   outType.getElementType());
      return success();
    }
    // tosa.gather takes one row of indices per batch entry.
    SmallVector<int64_t> rows;
    for (int64_t o = 0; o < outer; ++o)
      llvm::append_range(rows, indices);
    Value values = reshape(rewriter, loc, x,
                           {outer, inType.getDimSize(axis), inner});
    Value idx = constInt(rewriter, loc, rows, rewriter.getI32Type(),
                         {outer, w});
    Value g = tosa::GatherOp::create(
        rewriter, loc, tensorOf({outer, w, inner}, outType.getElementType()),
        values, idx);
    rewriter.replaceOp(op, reshape(rewriter, loc, g, outType.getShape()));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateLayoutPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering,
               PadLowering, SliceLowering, GatherLowering>(
      converter, patterns.getContext());
}
