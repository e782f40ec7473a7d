//===- ConvDense.cpp - qnn conv2d, dense and batch_norm to TOSA -----------===//
//
// Quantized convolutions and dense layers accumulate in 32 bits with the
// zero points as TOSA operands (i8) or subtracted up front (wider storage,
// non-uniform weight zero points), add the int32 bias, and requantize the
// accumulator with one multiplier/shift per output channel.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

/// The quantization of a conv/dense op: input, weight, output and bias.
struct LayerQuant {
  QuantInfo input, weight, output;
  std::optional<QuantInfo> bias;
};

/// Reads and checks the quantization of a conv or dense op; nullopt for a
/// float op.
FailureOr<std::optional<LayerQuant>> getLayerQuant(Operation *op, Value input,
                                                   Value weight, Value bias,
                                                   Value output) {
  auto in = getSupportedQuantInfo(op, input.getType(), "input");
  if (failed(in))
    return failure();
  if (!*in)
    return std::optional<LayerQuant>();
  LayerQuant q;
  auto outInfo = getSupportedQuantInfo(op, output.getType(), "output");
  auto wInfo = getSupportedQuantInfo(op, weight.getType(), "weight");
  if (failed(outInfo) || failed(wInfo))
    return failure();
  q.input = **in;
  q.output = **outInfo;
  q.weight = **wInfo;
  // Per-axis activations: along the channel (last) dimension only; an
  // input has one scale for every channel (qnn-quantize folds per-channel
  // scales into the weights) and per-channel zero points.
  int64_t inRank = cast<RankedTensorType>(input.getType()).getRank();
  int64_t outRank = cast<RankedTensorType>(output.getType()).getRank();
  if (q.input.isPerAxis() &&
      (q.input.axis != inRank - 1 ||
       !llvm::all_of(q.input.scales, [&](double s) {
         return scalesEqual(s, q.input.scales[0]);
       })))
    return op->emitOpError(
        "a per-axis input must be quantized along its last (channel) "
        "dimension with one scale for every channel");
  if (q.output.isPerAxis() && q.output.axis != outRank - 1)
    return op->emitOpError(
        "a per-axis output must be quantized along its last (channel) "
        "dimension");
  if (q.weight.isPerAxis() && q.weight.axis != 0)
    return op->emitOpError("per-axis weights must be quantized along dim 0");
  if (bias) {
    auto bInfo = getSupportedQuantInfo(op, bias.getType(), "bias");
    if (failed(bInfo))
      return failure();
    q.bias = **bInfo;
    if (q.bias->storageType.getWidth() != 32)
      return op->emitOpError("quantized bias must have i32 storage");
    int64_t channels = cast<RankedTensorType>(bias.getType()).getDimSize(0);
    for (int64_t c = 0; c < channels; ++c) {
      double expected = q.input.scale() * q.weight.scale(c);
      if (!scalesEqual(q.bias->scale(c), expected))
        return op->emitOpError()
               << "bias scale " << q.bias->scale(c) << " of channel " << c
               << " must equal input scale times weight scale (" << expected
               << ")";
      if (q.bias->zeroPoint(c) != 0)
        return op->emitOpError("quantized bias must have zero point 0");
    }
  }
  return std::optional<LayerQuant>(q);
}

/// Requantization of the int32 accumulator of a conv/dense with
/// `reduction` products per output, channels along `axis`.
FailureOr<RescaleSpec> accumulatorSpec(Operation *op, const LayerQuant &q,
                                       int64_t channels, int64_t reduction,
                                       Value bias, int64_t axis) {
  SmallVector<double> ratios;
  bool perChannel = q.weight.isPerAxis() || q.output.isPerAxis();
  for (int64_t c = 0; c < (perChannel ? channels : 1); ++c)
    ratios.push_back(q.input.scale() * q.weight.scale(c) / q.output.scale(c));
  auto rescales = computeRescales(op, ratios, "accumulator");
  if (failed(rescales))
    return failure();
  RescaleSpec spec;
  spec.rescales = *rescales;
  spec.outZps.assign(q.output.zeroPoints.begin(), q.output.zeroPoints.end());
  spec.axis = axis;
  spec.outType = q.output.storageType;
  spec.qmin = q.output.qmin;
  spec.qmax = q.output.qmax;
  // Bound the accumulator so that the rescale can use 32-bit intermediates
  // whenever that is exact.
  double biasMax = 2147483648.0;
  if (DenseElementsAttr attr = getConstantElements(bias)) {
    biasMax = 0.0;
    for (const APInt &v : attr.getValues<APInt>())
      biasMax = std::max(biasMax, std::fabs(double(v.getSExtValue())));
  } else if (!bias) {
    biasMax = 0.0;
  }
  double bound = double(reduction) * double(maxAbsCentered(q.input)) *
                     double(maxAbsCentered(q.weight)) +
                 biasMax;
  bound = std::min(bound, 2147483648.0);
  spec.inLo = -static_cast<int64_t>(bound);
  spec.inHi = std::min<int64_t>(static_cast<int64_t>(bound), INT32_MAX);
  return spec;
}

/// Replaces a conv-like `op` by its accumulator `acc`: as it is for a float
/// op, requantized for a quantized one (`channels` outputs along `axis`,
/// `reduction` products each, the bound computed from `modelBias`).
LogicalResult replaceWithAccumulator(Operation *op,
                                     ConversionPatternRewriter &rewriter,
                                     Value acc,
                                     const std::optional<LayerQuant> &quant,
                                     int64_t channels, int64_t reduction,
                                     Value modelBias, int64_t axis) {
  if (!quant) {
    rewriter.replaceOp(op, acc);
    return success();
  }
  auto spec =
      accumulatorSpec(op, *quant, channels, reduction, modelBias, axis);
  if (failed(spec))
    return failure();
  rewriter.replaceOp(op, emitRescale(rewriter, op->getLoc(), acc, *spec));
  return success();
}

/// True when the TOSA op can take the i8 tensors and zero points directly.
bool useNativeI8(const LayerQuant &q) {
  return q.input.storageType.getWidth() == 8 && !q.input.isPerAxis() &&
         q.weight.storageType.getWidth() == 8 && q.weight.hasUniformZeroPoint();
}

/// Widens input and weight to i32 with the zero points subtracted, for the
/// cases TOSA's i8 operands cannot express. Weights are per channel along 0,
/// inputs along their last dimension.
void centerToI32(OpBuilder &b, Location loc, const LayerQuant &q, Value &x,
                 Value &w) {
  Type i32 = b.getI32Type();
  int64_t xRank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t wRank = cast<RankedTensorType>(w.getType()).getRank();
  x = castTo(b, loc, x, i32);
  if (llvm::any_of(q.input.zeroPoints, [](int64_t z) { return z != 0; }))
    x = sub(b, loc, x,
            channelConstInt(b, loc, q.input.zeroPoints, i32, xRank, xRank - 1));
  w = castTo(b, loc, w, i32);
  if (llvm::any_of(q.weight.zeroPoints, [](int64_t z) { return z != 0; }))
    w = sub(b, loc, w,
            channelConstInt(b, loc, q.weight.zeroPoints, i32, wRank, 0));
}

/// Per-axis i8 inputs (qnn-quantize's per-axis activations: one scale,
/// per-channel zero points) keep TOSA's native i8 operands instead of
/// centerToI32's widening: sum_k (x_k - zp[c_k]) (w_k - wzp) is the i8
/// product with input zero point 0, minus sum_k zp[c_k] (w_k - wzp), a
/// constant per output channel folded into the bias. Every tap must then
/// read x - zp[c] = 0 at padded positions, so the padding is built
/// explicitly from constant borders holding each channel's zero point (the
/// real 0), and `pad` becomes zero. `weights` are [O, ..., Cg] (OHWI conv,
/// [M, K] dense) with `groups` groups of Cg input channels. Returns false,
/// changing nothing, when the weights or the bias are not constants or the
/// folded bias would not fit 32 bits.
bool foldPerAxisInputZeroPoints(OpBuilder &b, Location loc,
                                const LayerQuant &q, Value weights,
                                int64_t groups, Value &x, Value &bias,
                                SmallVectorImpl<int64_t> *pad) {
  if (!q.input.isPerAxis() || q.input.storageType.getWidth() != 8 ||
      q.weight.storageType.getWidth() != 8 || !q.weight.hasUniformZeroPoint())
    return false;
  DenseElementsAttr wAttr = getConstantElements(weights);
  DenseElementsAttr bAttr = bias ? getConstantElements(bias) : nullptr;
  if (!wAttr || (bias && !bAttr))
    return false;
  auto wType = cast<RankedTensorType>(weights.getType());
  int64_t o = wType.getDimSize(0), cg = wType.getShape().back();
  int64_t perOut = wType.getNumElements() / o, og = o / groups;
  ArrayRef<int64_t> zps = q.input.zeroPoints;
  int64_t wzp = q.weight.zeroPoint();
  SmallVector<int64_t> w;
  for (const APInt &v : wAttr.getValues<APInt>())
    w.push_back(v.getSExtValue());
  if (wAttr.isSplat())
    w.assign(wType.getNumElements(), w.front());
  SmallVector<int64_t> newBias(o, 0);
  if (bAttr) {
    SmallVector<int64_t> bv;
    for (const APInt &v : bAttr.getValues<APInt>())
      bv.push_back(v.getSExtValue());
    for (int64_t i = 0; i < o; ++i)
      newBias[i] = bv[bAttr.isSplat() ? 0 : i];
  }
  for (int64_t i = 0; i < o; ++i) {
    int64_t group = i / og;
    for (int64_t k = 0; k < perOut; ++k) {
      int64_t channel = group * cg + k % cg;
      newBias[i] -= zps[channel] * (w[i * perOut + k] - wzp);
    }
    if (newBias[i] < INT32_MIN || newBias[i] > INT32_MAX)
      return false;
  }
  bias = constInt(b, loc, newBias, b.getI32Type(), {o});
  if (!pad || llvm::all_of(*pad, [](int64_t p) { return p == 0; }))
    return true;
  // Explicit padding: NHWC, [top, bottom, left, right].
  auto border = [&](ArrayRef<int64_t> shape) {
    int64_t c = shape.back(), n = 1;
    for (int64_t d : shape)
      n *= d;
    SmallVector<int64_t> values(n);
    for (int64_t i = 0; i < n; ++i)
      values[i] = zps[i % c];
    return constInt(b, loc, values, b.getI8Type(), shape);
  };
  auto concatAlong = [&](Value v, int64_t axis, int64_t lo, int64_t hi) {
    if (lo == 0 && hi == 0)
      return v;
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<Value> parts;
    if (lo) {
      shape[axis] = lo;
      parts.push_back(border(shape));
    }
    parts.push_back(v);
    if (hi) {
      shape[axis] = hi;
      parts.push_back(border(shape));
    }
    SmallVector<int64_t> outShape(type.getShape());
    outShape[axis] += lo + hi;
    return Value(tosa::ConcatOp::create(b, loc, type.clone(outShape), parts,
                                        static_cast<uint32_t>(axis)));
  };
  x = concatAlong(x, 1, (*pad)[0], (*pad)[1]);
  x = concatAlong(x, 2, (*pad)[2], (*pad)[3]);
  pad->assign(4, 0);
  return true;
}

/// qnn depthwise weights [C*M, KH, KW, 1] as TOSA's [KH, KW, C, M].
Value depthwiseWeights(OpBuilder &b, Location loc, Value w, int64_t channels) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t o = type.getDimSize(0), kh = type.getDimSize(1),
          kw = type.getDimSize(2);
  Value t = transpose(b, loc, w, {1, 2, 3, 0});
  return reshape(b, loc, t, {kh, kw, channels, o / channels});
}

/// tosa.conv2d, tosa.depthwise_conv2d, or one tosa.conv2d per group on
/// channel slices concatenated, for a qnn conv2d's NHWC input and OHWI
/// weights (already widened and with TOSA's padding).
Value emitConv(OpBuilder &b, Location loc, RankedTensorType accTensor, Value x,
               Value w, Value bias, Value inZp, Value wZp,
               ArrayRef<int64_t> pad, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, int64_t groups, Type accType) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t n = xType.getDimSize(0), channels = xType.getDimSize(3);
  int64_t o = wType.getDimSize(0), kh = wType.getDimSize(1),
          kw = wType.getDimSize(2), cg = wType.getDimSize(3);
  if (groups == 1)
    return tosa::Conv2DOp::create(b, loc, accTensor, x, w, bias, inZp, wZp,
                                  pad, strides, dilations, accType);
  if (groups == channels && cg == 1) {
    Value dw = depthwiseWeights(b, loc, w, channels);
    return tosa::DepthwiseConv2DOp::create(b, loc, accTensor, x, dw, bias,
                                           inZp, wZp, pad, strides, dilations,
                                           accType);
  }
  // Grouped: one convolution per group on channel slices, concatenated.
  int64_t og = o / groups;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < groups; ++g) {
    Value xs = slice(b, loc, x, {0, 0, 0, g * cg},
                     {n, xType.getDimSize(1), xType.getDimSize(2), cg});
    Value ws = slice(b, loc, w, {g * og, 0, 0, 0}, {og, kh, kw, cg});
    Value bs = slice(b, loc, bias, {g * og}, {og});
    auto partType = accTensor.clone({accTensor.getDimSize(0),
                                     accTensor.getDimSize(1),
                                     accTensor.getDimSize(2), og});
    parts.push_back(tosa::Conv2DOp::create(b, loc, partType, xs, ws, bs, inZp,
                                           wZp, pad, strides, dilations,
                                           accType));
  }
  return tosa::ConcatOp::create(b, loc, accTensor, parts, /*axis=*/3u);
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

struct Conv2dLowering : OpConversionPattern<qnn::Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getLayerQuant(op, op.getInput(), op.getWeight(), op.getBias(),
                               op.getOutput());
    if (failed(quant))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    auto wType = op.getWeight().getType();
    int64_t o = wType.getDimSize(0), kh = wType.getDimSize(1),
            kw = wType.getDimSize(2), cg = wType.getDimSize(3);
    int64_t groups = op.getGroups();
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();

    Value x = adaptor.getInput(), w = adaptor.getWeight(),
          bias = adaptor.getBias();
    SmallVector<int64_t> pad;
    x = fixWindows2d(rewriter, loc, x,
                     {(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1},
                     strides, op.getPadding(), pad);
    Type accType, elemType;
    Value inZp, wZp;
    // The bias that the accumulator bound is computed from: the model's,
    // also when per-axis input zero points are folded into `bias`.
    Value modelBias = bias;
    if (*quant) {
      const LayerQuant &q = **quant;
      accType = rewriter.getI32Type();
      if (useNativeI8(q)) {
        inZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                              q.input.zeroPoint());
        wZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.weight.zeroPoint());
      } else if (foldPerAxisInputZeroPoints(rewriter, loc, q, w, groups, x,
                                            bias, &pad)) {
        inZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(), 0);
        wZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.weight.zeroPoint());
      } else {
        centerToI32(rewriter, loc, q, x, w);
        inZp = wZp = zeroPointConst(rewriter, loc, accType, 0);
      }
      if (!bias)
        bias = constInt(rewriter, loc, {0}, accType, {o});
      elemType = accType;
    } else {
      elemType = cast<RankedTensorType>(x.getType()).getElementType();
      accType = rewriter.getF32Type();
      inZp = wZp = zeroPointConst(rewriter, loc, elemType, 0);
      if (!bias)
        bias = constFloat(rewriter, loc, {0.0}, elemType, {o});
    }
    auto accTensor = outType.clone(elemType);
    Value acc = emitConv(rewriter, loc, accTensor, x, w, bias, inZp, wZp, pad,
                         strides, dilations, groups, accType);
    return replaceWithAccumulator(op, rewriter, acc, *quant, o, kh * kw * cg,
                                  modelBias, 3);
  }
};

//===----------------------------------------------------------------------===//
// dense
//===----------------------------------------------------------------------===//

struct DenseLowering : OpConversionPattern<qnn::DenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getLayerQuant(op, op.getInput(), op.getWeight(), op.getBias(),
                               op.getOutput());
    if (failed(quant))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    auto inType = op.getInput().getType();
    int64_t k = inType.getShape().back();
    int64_t rows = inType.getNumElements() / std::max<int64_t>(k, 1);
    int64_t m = op.getWeight().getType().getDimSize(0);

    Value x = adaptor.getInput(), w = adaptor.getWeight(),
          bias = adaptor.getBias();
    Type elemType;
    Value aZp, bZp;
    Value modelBias = bias;
    if (*quant) {
      const LayerQuant &q = **quant;
      elemType = rewriter.getI32Type();
      if (useNativeI8(q)) {
        aZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.input.zeroPoint());
        bZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.weight.zeroPoint());
      } else if (foldPerAxisInputZeroPoints(rewriter, loc, q, w, /*groups=*/1,
                                            x, bias, /*pad=*/nullptr)) {
        aZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(), 0);
        bZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.weight.zeroPoint());
      } else {
        centerToI32(rewriter, loc, q, x, w);
        aZp = bZp = zeroPointConst(rewriter, loc, elemType, 0);
      }
    } else {
      elemType = cast<RankedTensorType>(x.getType()).getElementType();
      aZp = bZp = zeroPointConst(rewriter, loc, elemType, 0);
    }
    Value a = reshape(rewriter, loc, x, {1, rows, k});
    Value bmat = reshape(rewriter, loc, transpose(rewriter, loc, w, {1, 0}),
                         {1, k, m});
    Value acc = tosa::MatMulOp::create(
        rewriter, loc, tensorOf({1, rows, m}, elemType), a, bmat, aZp, bZp);
    if (bias)
      acc = add(rewriter, loc, acc, reshape(rewriter, loc, bias, {1, 1, m}));
    if (*quant) {
      auto spec = accumulatorSpec(op, **quant, m, k, modelBias, 2);
      if (failed(spec))
        return failure();
      acc = emitRescale(rewriter, loc, acc, *spec);
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, acc, outType.getShape()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// conv_transpose2d
//===----------------------------------------------------------------------===//

/// A transposed convolution is a stride-1 convolution with the spatially
/// flipped kernel over the input with stride-1 zeros inserted between
/// pixels and d*(k-1) - pad rows of zeros around it (negative: cropped). The
/// same group, dilation and bias handling as conv2d follow. Quantized, the
/// inserted "zeros" are real zeros: the input's zero point when TOSA takes
/// the i8 zero points directly, 0 after centerToI32 otherwise; the int32
/// accumulator is requantized like conv2d's.
struct ConvTranspose2dLowering : OpConversionPattern<qnn::ConvTranspose2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConvTranspose2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto quant = getLayerQuant(op, op.getInput(), op.getWeight(), op.getBias(),
                               op.getOutput());
    if (failed(quant))
      return failure();
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    Value x = adaptor.getInput(), w = adaptor.getWeight(),
          bias = adaptor.getBias();
    Value modelBias = bias;
    Type accType = rewriter.getF32Type();
    Value inZp, wZp;
    int64_t fill = 0; // the storage value of a real zero in `x`
    if (*quant) {
      const LayerQuant &q = **quant;
      accType = rewriter.getI32Type();
      if (useNativeI8(q)) {
        fill = q.input.zeroPoint();
        inZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(), fill);
        wZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             q.weight.zeroPoint());
      } else {
        centerToI32(rewriter, loc, q, x, w);
        inZp = wZp = zeroPointConst(rewriter, loc, accType, 0);
      }
      if (!bias)
        bias = constInt(rewriter, loc, {0}, accType,
                        {op.getWeight().getType().getDimSize(0)});
    }
    Type et = cast<RankedTensorType>(x.getType()).getElementType();
    if (!*quant) {
      inZp = wZp = zeroPointConst(rewriter, loc, et, 0);
      if (!bias)
        bias = constFloat(rewriter, loc, {0.0}, et,
                          {op.getWeight().getType().getDimSize(0)});
    }
    Value zero = isa<FloatType>(et) ? constFloat(rewriter, loc, {0.0}, et, {1})
                                    : constInt(rewriter, loc, {fill}, et, {1});
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t n = xType.getDimSize(0), h = xType.getDimSize(1),
            wd = xType.getDimSize(2), c = xType.getDimSize(3);
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations(),
                      p = op.getPadding(), extra = op.getOutputPadding();

    if (s[0] > 1 || s[1] > 1) {
      // [N,H,1,W,1,C] padded to [N,H,s0,W,s1,C] is the input with s-1
      // zeros after every pixel; the trailing zeros are cut off.
      Value r = reshape(rewriter, loc, x, {n, h, 1, wd, 1, c});
      r = tosa::PadOp::create(
          rewriter, loc, tensorOf({n, h, s[0], wd, s[1], c}, et), r,
          constShape(rewriter, loc,
                     {0, 0, 0, 0, 0, s[0] - 1, 0, 0, 0, s[1] - 1, 0, 0}),
          zero);
      r = reshape(rewriter, loc, r, {n, h * s[0], wd * s[1], c});
      x = slice(rewriter, loc, r, {0, 0, 0, 0},
                {n, (h - 1) * s[0] + 1, (wd - 1) * s[1] + 1, c});
    }

    // Borders: positive amounts are zero padding, negative ones crop.
    SmallVector<int64_t> padAmounts(8, 0), start(4, 0);
    auto xs = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> size(xs.getShape());
    bool anyPad = false;
    for (int i = 0; i < 2; ++i) {
      int64_t span = d[i] * (wType.getDimSize(1 + i) - 1);
      int64_t lo = span - p[2 * i], hi = span - p[2 * i + 1] + extra[i];
      if (lo < 0) {
        start[1 + i] = -lo;
        size[1 + i] += lo;
        lo = 0;
      }
      if (hi < 0) {
        size[1 + i] += hi;
        hi = 0;
      }
      padAmounts[2 * (1 + i)] = lo;
      padAmounts[2 * (1 + i) + 1] = hi;
      anyPad |= lo || hi;
    }
    x = slice(rewriter, loc, x, start, size);
    if (anyPad) {
      SmallVector<int64_t> padded(size);
      for (int i = 1; i <= 2; ++i)
        padded[i] += padAmounts[2 * i] + padAmounts[2 * i + 1];
      x = tosa::PadOp::create(rewriter, loc, tensorOf(padded, et), x,
                              constShape(rewriter, loc, padAmounts), zero);
    }

    w = reverse(rewriter, loc, reverse(rewriter, loc, w, 1), 2);
    int64_t one[] = {1, 1}, noPad[] = {0, 0, 0, 0};
    auto accTensor = outType.clone(*quant ? accType : et);
    Value acc = emitConv(rewriter, loc, accTensor, x, w, bias, inZp, wZp,
                         noPad, one, d, op.getGroups(), accType);
    return replaceWithAccumulator(
        op, rewriter, acc, *quant, wType.getDimSize(0),
        wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3),
        modelBias, 3);
  }
};

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

struct MatMulLowering : OpConversionPattern<qnn::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto lhsInfo = getSupportedQuantInfo(op, op.getLhs().getType(), "lhs");
    if (failed(lhsInfo))
      return failure();
    std::optional<LayerQuant> quant;
    if (*lhsInfo) {
      auto a = getPerTensorQuantInfo(op, op.getLhs().getType(), "lhs");
      auto b = getPerTensorQuantInfo(op, op.getRhs().getType(), "rhs");
      auto o = getPerTensorQuantInfo(op, op.getOutput().getType(), "output");
      if (failed(a) || failed(b) || failed(o))
        return failure();
      quant = LayerQuant{*a, *b, *o, std::nullopt};
    }
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    int64_t rank = outType.getRank();
    Value a = expandToRank(rewriter, loc, adaptor.getLhs(), rank);
    Value b = expandToRank(rewriter, loc, adaptor.getRhs(), rank);
    ArrayRef<int64_t> outShape = outType.getShape();
    ArrayRef<int64_t> batch = outShape.drop_back(2);
    int64_t m = outShape[rank - 2], nCols = outShape[rank - 1];
    int64_t k = cast<RankedTensorType>(a.getType()).getShape().back();
    int64_t batchSize = 1;
    for (int64_t s : batch)
      batchSize *= s;

    auto bShape = cast<RankedTensorType>(b.getType()).getShape();
    bool rhsUnbatched = llvm::all_of(bShape.drop_back(2),
                                     [](int64_t s) { return s == 1; });
    // Operands whose batch dims are broadcast are tiled to the full batch,
    // except an unbatched rhs: then the batch folds into the rows of lhs.
    auto tileToBatch = [&](Value v) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> multiples(rank, 1), shape(t.getShape());
      bool tile = false;
      for (int64_t i = 0; i < rank - 2; ++i)
        if (shape[i] != batch[i]) {
          multiples[i] = batch[i];
          shape[i] = batch[i];
          tile = true;
        }
      if (!tile)
        return v;
      return Value(tosa::TileOp::create(rewriter, loc, t.clone(shape), v,
                                        constShape(rewriter, loc, multiples)));
    };
    a = tileToBatch(a);
    if (rhsUnbatched) {
      a = reshape(rewriter, loc, a, {1, batchSize * m, k});
      b = reshape(rewriter, loc, b, {1, k, nCols});
    } else {
      b = tileToBatch(b);
      a = reshape(rewriter, loc, a, {batchSize, m, k});
      b = reshape(rewriter, loc, b, {batchSize, k, nCols});
    }

    Type elemType;
    Value aZp, bZp;
    if (quant) {
      elemType = rewriter.getI32Type();
      if (useNativeI8(*quant)) {
        aZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             quant->input.zeroPoint());
        bZp = zeroPointConst(rewriter, loc, rewriter.getI8Type(),
                             quant->weight.zeroPoint());
      } else {
        centerToI32(rewriter, loc, *quant, a, b);
        aZp = bZp = zeroPointConst(rewriter, loc, elemType, 0);
      }
    } else {
      elemType = outType.getElementType();
      aZp = bZp = zeroPointConst(rewriter, loc, elemType, 0);
    }
    auto aType = cast<RankedTensorType>(a.getType());
    Value acc = tosa::MatMulOp::create(
        rewriter, loc,
        tensorOf({aType.getDimSize(0), aType.getDimSize(1), nCols}, elemType),
        a, b, aZp, bZp);
    if (quant) {
      auto spec = accumulatorSpec(op, *quant, 1, k, Value(), 2);
      if (failed(spec))
        return failure();
      acc = emitRescale(rewriter, loc, acc, *spec);
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, acc, outShape));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// batch_norm
//===----------------------------------------------------------------------===//

/// x * a + b with a = scale / sqrt(variance + epsilon) and
/// b = bias - mean * a per channel (last dimension).
struct BatchNormLowering : OpConversionPattern<qnn::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t c = type.getShape().back();
    Type elemType = type.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    SmallVector<int64_t> paramShape(rank, 1);
    paramShape.back() = c;

    Value a, b;
    DenseElementsAttr s = getConstantElements(adaptor.getScale()),
                      bi = getConstantElements(adaptor.getBias()),
                      mean = getConstantElements(adaptor.getMean()),
                      var = getConstantElements(adaptor.getVariance());
    if (s && bi && mean && var) {
      auto values = [](DenseElementsAttr attr) {
        SmallVector<double> out;
        for (const APFloat &v : attr.getValues<APFloat>())
          out.push_back(v.convertToDouble());
        return out;
      };
      SmallVector<double> sv = values(s), bv = values(bi), mv = values(mean),
                          vv = values(var), av, cv;
      for (int64_t i = 0; i < c; ++i) {
        float ai = static_cast<float>(sv[i] / std::sqrt(vv[i] + eps));
        av.push_back(ai);
        cv.push_back(static_cast<float>(bv[i] - mv[i] * double(ai)));
      }
      a = constFloat(rewriter, loc, av, elemType, paramShape);
      b = constFloat(rewriter, loc, cv, elemType, paramShape);
    } else {
      auto vecType = tensorOf({c}, elemType);
      Value epsilon = constFloat(rewriter, loc, {eps}, elemType, {1});
      Value inv = tosa::RsqrtOp::create(
          rewriter, loc, vecType,
          add(rewriter, loc, adaptor.getVariance(), epsilon));
      a = mul(rewriter, loc, adaptor.getScale(), inv);
      b = sub(rewriter, loc, adaptor.getBias(),
              mul(rewriter, loc, adaptor.getMean(), a));
      a = reshape(rewriter, loc, a, paramShape);
      b = reshape(rewriter, loc, b, paramShape);
    }
    Value y = mul(rewriter, loc, adaptor.getInput(), a);
    rewriter.replaceOp(op, add(rewriter, loc, y, b));
    return success();
  }
};

} // namespace

void qnn_to_tosa::populateConvDensePatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<Conv2dLowering, ConvTranspose2dLowering, DenseLowering,
               MatMulLowering, BatchNormLowering>(
      converter, patterns.getContext());
}
