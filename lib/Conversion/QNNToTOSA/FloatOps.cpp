//===- FloatOps.cpp - qnn ops with a float lowering only to TOSA ----------===//
//
// sub, div, maximum, minimum, exp, sigmoid, tanh, sqrt, rsqrt, the
// reductions, matmul, conv_transpose2d and slice. They have no integer
// semantics yet: qnn-quantize leaves them float, and a quantized operand is
// reported as an error at the op. Where TOSA has no exact op (IEEE division,
// square root) the pattern emits a linalg.generic with the arith/math op, so
// results match the frameworks' rather than a reciprocal approximation.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// Fails with an error on `op` when any operand is quantized.
LogicalResult requireFloat(Operation *op) {
  for (Value v : op->getOperands())
    if (getQuantInfo(cast<RankedTensorType>(v.getType()).getElementType()))
      return op->emitOpError(
          "on quantized tensors is not supported: dequantize its inputs "
          "first");
  return success();
}

/// A linalg.generic computing `body` elementwise over `operands` (of the
/// result's rank; size-1 dimensions broadcast) into a tensor of `type`.
Value elementwiseGeneric(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange operands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(t.getDimSize(d) == 1 && type.getDimSize(d) != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(d, ctx));
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, type, operands, init, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

enum class Binary { Sub, Div, Maximum, Minimum };

template <typename OpTy, Binary kind>
struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireFloat(op)))
      return failure();
    Location loc = op.getLoc();
    auto type = op.getOutput().getType();
    int64_t rank = type.getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    Value result;
    switch (kind) {
    case Binary::Sub:
      result = sub(rewriter, loc, a, b);
      break;
    case Binary::Maximum:
      result = maximum(rewriter, loc, a, b);
      break;
    case Binary::Minimum:
      result = minimum(rewriter, loc, a, b);
      break;
    case Binary::Div:
      result = elementwiseGeneric(
          rewriter, loc, type, {a, b},
          [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            return arith::DivFOp::create(nb, nl, args[0], args[1]);
          });
      break;
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

template <typename OpTy> struct UnaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireFloat(op)))
      return failure();
    Location loc = op.getLoc();
    auto type = op.getOutput().getType();
    Value x = adaptor.getInput();
    Value result;
    if constexpr (std::is_same_v<OpTy, qnn::ExpOp>)
      result = tosa::ExpOp::create(rewriter, loc, type, x);
    else if constexpr (std::is_same_v<OpTy, qnn::SigmoidOp>)
      result = tosa::SigmoidOp::create(rewriter, loc, type, x);
    else if constexpr (std::is_same_v<OpTy, qnn::TanhOp>)
      result = tosa::TanhOp::create(rewriter, loc, type, x);
    else if constexpr (std::is_same_v<OpTy, qnn::RsqrtOp>)
      result = tosa::RsqrtOp::create(rewriter, loc, type, x);
    else
      // TOSA has no square root; pow(x, 0.5) would not be exact.
      result = elementwiseGeneric(
          rewriter, loc, type, {x},
          [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            return math::SqrtOp::create(nb, nl, args[0]);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename OpTy> struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireFloat(op)))
      return failure();
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    SmallVector<int64_t> axes(op.getAxes());
    llvm::sort(axes);
    Value x = adaptor.getInput();
    SmallVector<int64_t> shape(inType.getShape());
    int64_t count = 1;
    // One TOSA reduction per axis; each keeps the axis as size 1.
    for (int64_t a : axes) {
      count *= shape[a];
      shape[a] = 1;
      auto t = inType.clone(shape);
      if constexpr (std::is_same_v<OpTy, qnn::ReduceMaxOp>)
        x = tosa::ReduceMaxOp::create(rewriter, loc, t, x,
                                      static_cast<uint32_t>(a));
      else
        x = tosa::ReduceSumOp::create(rewriter, loc, t, x,
                                      static_cast<uint32_t>(a));
    }
    if constexpr (std::is_same_v<OpTy, qnn::ReduceMeanOp>) {
      // A true division by the count, as TF's and numpy's mean do.
      Value n =
          constFloat(rewriter, loc, {double(count)}, inType.getElementType(),
                     SmallVector<int64_t>(shape.size(), 1));
      x = elementwiseGeneric(
          rewriter, loc, cast<RankedTensorType>(x.getType()), {x, n},
          [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            return arith::DivFOp::create(nb, nl, args[0], args[1]);
          });
    }
    rewriter.replaceOp(
        op, reshape(rewriter, loc, x, op.getOutput().getType().getShape()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmul and transposed convolution
//===----------------------------------------------------------------------===//

/// Brings a matmul operand to rank `rank`, tiles its batch dimensions up to
/// `batch` and flattens them: the [B, rows, cols] operand of tosa.matmul.
Value matmulOperand(OpBuilder &b, Location loc, Value v, int64_t rank,
                    ArrayRef<int64_t> batch) {
  v = expandToRank(b, loc, v, rank);
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> multiples;
  bool tile = false;
  int64_t total = 1;
  for (int64_t d = 0; d < rank - 2; ++d) {
    int64_t m = t.getDimSize(d) == batch[d] ? 1 : batch[d];
    tile |= m != 1;
    multiples.push_back(m);
    total *= batch[d];
  }
  multiples.append({1, 1});
  int64_t rows = t.getDimSize(rank - 2), cols = t.getDimSize(rank - 1);
  if (tile) {
    SmallVector<int64_t> tiled(batch);
    tiled.append({rows, cols});
    v = tosa::TileOp::create(b, loc, t.clone(tiled), v,
                             constShape(b, loc, multiples));
  }
  return reshape(b, loc, v, {total, rows, cols});
}

struct MatmulLowering : OpConversionPattern<qnn::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireFloat(op)))
      return failure();
    Location loc = op.getLoc();
    auto outType = op.getOutput().getType();
    int64_t rank = outType.getRank();
    ArrayRef<int64_t> batch = outType.getShape().drop_back(2);
    Value a = matmulOperand(rewriter, loc, adaptor.getLhs(), rank, batch);
    Value b = matmulOperand(rewriter, loc, adaptor.getRhs(), rank, batch);
    int64_t total = cast<RankedTensorType>(a.getType()).getDimSize(0);
    Type elemType = outType.getElementType();
    Value zp = zeroPointConst(rewriter, loc, elemType, 0);
    Value acc =
        tosa::MatMulOp::create(rewriter, loc,
                               tensorOf({total, outType.getDimSize(rank - 2),
                                         outType.getDimSize(rank - 1)},
                                        elemType),
                               a, b, zp, zp);
    rewriter.replaceOp(op, reshape(rewriter, loc, acc, outType.getShape()));
    return success();
  }
};

/// tosa.transpose_conv2d's out_pad is the negated crop (plus the output
/// padding at the end); the TOSA optional
/// decompositions (run by the CPU pipeline) turn it into a convolution.
struct ConvTranspose2dLowering : OpConversionPattern<qnn::ConvTranspose2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConvTranspose2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireFloat(op)))
      return failure();
    Location loc = op.getLoc();
    auto outType = op.getOutput().getType();
    Type elemType = outType.getElementType();
    int64_t o = op.getWeight().getType().getDimSize(0);
    Value bias = adaptor.getBias();
    if (!bias)
      bias = constFloat(rewriter, loc, {0.0}, elemType, {o});
    Value zp = zeroPointConst(rewriter, loc, elemType, 0);
    ArrayRef<int64_t> crop = op.getPadding(), extra = op.getOutputPadding();
    SmallVector<int64_t> outPad = {-crop[0], -crop[1] + extra[0], -crop[2],
                                   -crop[3] + extra[1]};
    rewriter.replaceOpWithNewOp<tosa::TransposeConv2DOp>(
        op, outType, adaptor.getInput(), adaptor.getWeight(), bias, zp, zp,
        rewriter.getDenseI64ArrayAttr(outPad),
        rewriter.getDenseI64ArrayAttr(op.getStrides()),
        TypeAttr::get(rewriter.getF32Type()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

/// Storage values are moved unchanged, so quantized slices are fine too.
struct SliceLowering : OpConversionPattern<qnn::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(getSupportedQuantInfo(op, op.getInput().getType(), "input")))
      return failure();
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<int64_t> strides(rank, 1);
    if (op.getStrides())
      strides.assign(op.getStrides()->begin(), op.getStrides()->end());
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, outType, adaptor.getInput(), ValueRange(), ValueRange(),
        ValueRange(), op.getOffsets(), op.getSizes(), strides);
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateFloatOpsPatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns
      .add<BinaryLowering<qnn::SubOp, Binary::Sub>,
           BinaryLowering<qnn::DivOp, Binary::Div>,
           BinaryLowering<qnn::MaximumOp, Binary::Maximum>,
           BinaryLowering<qnn::MinimumOp, Binary::Minimum>,
           UnaryLowering<qnn::ExpOp>, UnaryLowering<qnn::SigmoidOp>,
           UnaryLowering<qnn::TanhOp>, UnaryLowering<qnn::SqrtOp>,
           UnaryLowering<qnn::RsqrtOp>, ReduceLowering<qnn::ReduceMeanOp>,
           ReduceLowering<qnn::ReduceSumOp>, ReduceLowering<qnn::ReduceMaxOp>,
           MatmulLowering, ConvTranspose2dLowering, SliceLowering>(
          converter, patterns.getContext());
}
