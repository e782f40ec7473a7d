//===- FoldBatchNorm.cpp - fold batch norm into conv2d / dense ------------===//
//
// Three rewrites of qnn.batch_norm, tried in this order: fold into the
// preceding layer (possibly through reshape / transpose), fold into the
// following layer when that is exact, else a per-channel scale and shift
// (qnn.mul + qnn.add) that qnn-quantize can quantize. A layer that absorbs a
// batch norm records its statistics (qnn.bn_scale, qnn.bn_shift) for the
// data-free passes after it.
//
//===----------------------------------------------------------------------===//

#include "LayerUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNFOLDBATCHNORMPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

/// A batch norm as `y = a * x + b` per channel, with its statistics.
struct Affine {
  std::vector<double> a, b, gamma, beta;
};

/// a = scale / sqrt(variance + epsilon), b = bias - mean * a; nullopt when a
/// parameter is not constant or variance + epsilon is not positive.
std::optional<Affine> readAffine(BatchNormOp bn) {
  auto gamma = readFloatConstant(bn.getScale());
  auto beta = readFloatConstant(bn.getBias());
  auto mean = readFloatConstant(bn.getMean());
  auto var = readFloatConstant(bn.getVariance());
  if (!gamma || !beta || !mean || !var)
    return std::nullopt;
  size_t n = gamma->size();
  if (beta->size() != n || mean->size() != n || var->size() != n)
    return std::nullopt;
  double eps = bn.getEpsilon().convertToDouble();
  Affine f;
  for (size_t c = 0; c < n; ++c) {
    double denominator = double((*var)[c]) + eps;
    if (!(denominator > 0.0)) // a broken model: leave the batch norm alone
      return std::nullopt;
    double a = (*gamma)[c] / std::sqrt(denominator);
    f.a.push_back(a);
    f.b.push_back((*beta)[c] - (*mean)[c] * a);
    f.gamma.push_back((*gamma)[c]);
    f.beta.push_back((*beta)[c]);
  }
  return f;
}

bool isLayoutOp(Operation *op) {
  return isa_and_nonnull<ReshapeOp, TransposeOp>(op);
}

/// Folds `batch_norm(layout*(layer(x, w, b)))` into `layout*(layer(x, w',
/// b'))` when the layer is a constant conv2d / dense, every value between
/// the layer and the batch norm has one user, and each layer output channel
/// lands in a single batch-norm channel. With m(o) that channel,
/// w'[o] = w[o] * a[m(o)] and b'[o] = b[o] * a[m(o)] + b_bn[m(o)].
struct FoldIntoPrecedingLayer : OpRewritePattern<BatchNormOp> {
  FoldIntoPrecedingLayer(MLIRContext *ctx)
      : OpRewritePattern<BatchNormOp>(ctx, /*benefit=*/3) {}

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    SmallVector<Operation *> layout;
    Value v = bn.getInput();
    while (isLayoutOp(v.getDefiningOp()) && v.hasOneUse()) {
      layout.push_back(v.getDefiningOp());
      v = v.getDefiningOp()->getOperand(0);
    }
    std::reverse(layout.begin(), layout.end());
    auto layer = readConstantLayer(v.getDefiningOp());
    if (!layer || !v.hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use layer");
    auto f = readAffine(bn);
    if (!f)
      return rewriter.notifyMatchFailure(bn, "parameters are not constant");
    auto rel = relateChannels(cast<RankedTensorType>(v.getType()), layout);
    if (!rel || !rel->toDst)
      return rewriter.notifyMatchFailure(
          bn, "layer channels do not map onto batch-norm channels");
    const dfq::ChannelMap &m = *rel->toDst;

    dfq::LayerWeights &w = layer->weights;
    if (layer->bias.empty())
      layer->bias.assign(w.outChannels, 0.0f);
    BnStats stats;
    for (int64_t o = 0; o < w.outChannels; ++o) {
      int64_t c = m[o];
      layer->bias[o] = static_cast<float>(layer->bias[o] * f->a[c] + f->b[c]);
      stats.gamma.push_back(f->gamma[c]);
      stats.beta.push_back(f->beta[c]);
    }
    int64_t perChannel = w.spatial * w.inPerGroup;
    for (int64_t o = 0; o < w.outChannels; ++o)
      for (int64_t j = 0; j < perChannel; ++j) {
        float &x = w.values[o * perChannel + j];
        x = static_cast<float>(x * f->a[m[o]]);
      }

    writeConstantLayer(rewriter, *layer);
    // The folded layer takes the batch norm's name so that reports and
    // configs keyed by it still find the tensor.
    rewriter.modifyOpInPlace(layer->op, [&] {
      writeBnStats(layer->op, stats);
      layer->op->setLoc(
          rewriter.getFusedLoc({layer->op->getLoc(), bn.getLoc()}));
    });
    rewriter.replaceOp(bn, bn.getInput());
    return success();
  }
};

/// Folds `layer(layout*(batch_norm(x)), w, b)` into `layer(layout*(x), w',
/// b')`: with n(i) the batch-norm channel that layer input channel i holds,
/// w'[o, k, i] = w[o, k, i] * a[n(i)] and b'[o] = b[o] + sum w[o, k, i] *
/// b_bn[n(i)]. Exact only where the layer sees no padding: a padded
/// position reads 0 where the unfolded layer read the batch norm's output of
/// 0, so a conv with padding folds only when every shift b_bn is zero.
struct FoldIntoFollowingLayer : OpRewritePattern<BatchNormOp> {
  FoldIntoFollowingLayer(MLIRContext *ctx)
      : OpRewritePattern<BatchNormOp>(ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    SmallVector<Operation *> layout;
    Value v = bn.getResult();
    while (v.hasOneUse() && isLayoutOp(*v.getUsers().begin())) {
      layout.push_back(*v.getUsers().begin());
      v = layout.back()->getResult(0);
    }
    if (!v.hasOneUse())
      return rewriter.notifyMatchFailure(bn, "output has several users");
    OpOperand &use = *v.getUses().begin();
    auto layer = readConstantLayer(use.getOwner());
    if (!layer || use.getOperandNumber() != 0)
      return rewriter.notifyMatchFailure(bn, "user is not a constant layer");
    auto f = readAffine(bn);
    if (!f)
      return rewriter.notifyMatchFailure(bn, "parameters are not constant");
    if (hasPadding(layer->op) &&
        llvm::any_of(f->b, [](double b) { return b != 0.0; }))
      return rewriter.notifyMatchFailure(
          bn, "following conv pads its input: folding would be inexact");
    auto rel = relateChannels(cast<RankedTensorType>(bn.getType()), layout);
    if (!rel || !rel->toSrc ||
        static_cast<int64_t>(rel->toSrc->size()) !=
            layer->weights.inputChannels())
      return rewriter.notifyMatchFailure(
          bn, "layer input channels do not map onto batch-norm channels");
    const dfq::ChannelMap &n = *rel->toSrc;

    dfq::LayerWeights &w = layer->weights;
    std::vector<double> shift = dfq::applyToChannelConstant(w, n, f->b);
    if (layer->bias.empty())
      layer->bias.assign(w.outChannels, 0.0f);
    for (int64_t o = 0; o < w.outChannels; ++o)
      layer->bias[o] = static_cast<float>(layer->bias[o] + shift[o]);
    dfq::scaleInputChannels(w, n, f->a);

    writeConstantLayer(rewriter, *layer);
    rewriter.modifyOpInPlace(layer->op, [&] {
      layer->op->setLoc(
          rewriter.getFusedLoc({bn.getLoc(), layer->op->getLoc()}));
    });
    rewriter.replaceOp(bn, bn.getInput());
    return success();
  }
};

/// A batch norm that folds into no layer becomes `x * a + b` with constant
/// [C] operands broadcast over the channel dimension, which qnn-quantize
/// quantizes like any mul and add. The add keeps the batch norm's name (its
/// output is the batch norm's tensor) and its statistics.
struct BatchNormToScaleShift : OpRewritePattern<BatchNormOp> {
  BatchNormToScaleShift(MLIRContext *ctx)
      : OpRewritePattern<BatchNormOp>(ctx, /*benefit=*/1) {}

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto f = readAffine(bn);
    if (!f)
      return rewriter.notifyMatchFailure(bn, "parameters are not constant");
    auto paramType = cast<RankedTensorType>(bn.getScale().getType());
    std::vector<float> a(f->a.begin(), f->a.end());
    std::vector<float> b(f->b.begin(), f->b.end());
    Location loc = bn.getLoc();
    std::string name = locationName(loc);
    Location mulLoc = name.empty()
                          ? loc
                          : Location(NameLoc::get(
                                rewriter.getStringAttr(name + "/scale"), loc));
    Value scale = createFloatConstant(rewriter, loc, paramType, a);
    Value shift = createFloatConstant(rewriter, loc, paramType, b);
    Value scaled =
        MulOp::create(rewriter, mulLoc, bn.getType(), bn.getInput(), scale);
    auto add = AddOp::create(rewriter, loc, bn.getType(), scaled, shift);
    writeBnStats(add, BnStats{f->gamma, f->beta});
    rewriter.replaceOp(bn, add.getResult());
    return success();
  }
};

struct QNNFoldBatchNormPass
    : qmlir::qnn::impl::QNNFoldBatchNormPassBase<QNNFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoPrecedingLayer, FoldIntoFollowingLayer,
                 BatchNormToScaleShift>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
