//===- FoldBatchNorm.cpp - fold batch norm into conv2d / dense ------------===//

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNFOLDBATCHNORMPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

namespace {

/// Folds `batch_norm(layer(x, w, b))` into `layer(x, w', b')` when the layer
/// is conv2d or dense with constant float parameters and the batch norm is
/// the layer's only user. Both layers keep output channels in weight dim 0.
template <typename LayerOp>
struct FoldIntoLayer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern<BatchNormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto layer = bn.getInput().template getDefiningOp<LayerOp>();
    if (!layer || !layer->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use layer");
    auto weights = readFloatConstant(layer.getWeight());
    auto gamma = readFloatConstant(bn.getScale());
    auto beta = readFloatConstant(bn.getBias());
    auto mean = readFloatConstant(bn.getMean());
    auto var = readFloatConstant(bn.getVariance());
    if (!weights || !gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "parameters are not constant");
    std::vector<float> bias(gamma->size(), 0.0f);
    if (Value b = layer.getBias()) {
      auto values = readFloatConstant(b);
      if (!values)
        return rewriter.notifyMatchFailure(bn, "bias is not constant");
      bias = *values;
    }

    auto weightType = cast<RankedTensorType>(layer.getWeight().getType());
    int64_t channels = weightType.getDimSize(0);
    int64_t perChannel = weightType.getNumElements() / channels;
    if (static_cast<int64_t>(gamma->size()) != channels)
      return rewriter.notifyMatchFailure(bn, "channel count mismatch");
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<float> newWeights(*weights);
    std::vector<float> newBias(channels);
    for (int64_t c = 0; c < channels; ++c) {
      double a = (*gamma)[c] / std::sqrt(double((*var)[c]) + eps);
      for (int64_t i = 0; i < perChannel; ++i)
        newWeights[c * perChannel + i] =
            static_cast<float>((*weights)[c * perChannel + i] * a);
      newBias[c] = static_cast<float>((bias[c] - (*mean)[c]) * a + (*beta)[c]);
    }

    rewriter.setInsertionPoint(layer);
    Location loc = layer.getLoc();
    Value w = createFloatConstant(rewriter, loc, weightType, newWeights);
    Value b = createFloatConstant(
        rewriter, loc,
        RankedTensorType::get({channels}, weightType.getElementType()),
        newBias);
    // The folded layer takes the batch norm's name so that reports and
    // configs keyed by it still find the tensor.
    rewriter.modifyOpInPlace(layer, [&] {
      layer.getWeightMutable().assign(w);
      layer.getBiasMutable().assign(b);
      layer->setLoc(rewriter.getFusedLoc({layer.getLoc(), bn.getLoc()}));
    });
    rewriter.replaceOp(bn, layer.getResult());
    return success();
  }
};

struct QNNFoldBatchNormPass
    : qmlir::qnn::impl::QNNFoldBatchNormPassBase<QNNFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoLayer<Conv2dOp>, FoldIntoLayer<DenseOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
