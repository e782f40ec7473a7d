//===- BiasCorrection.cpp - analytical bias correction --------------------===//
//
// For each constant conv2d / dense whose input can be traced to batch-norm
// statistics, subtracts (W_q - W) E[x] from the bias, with W_q the weights
// qnn-quantize will produce and E[x] the clipped-normal mean of the input
// (qmlir/Quant/DataFree.h).
//
//===----------------------------------------------------------------------===//

#include "LayerUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNBIASCORRECTIONPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

/// Ops through which the per-channel mean of a tensor is known: clamps
/// (handled by the clipped-normal mean), averages (which keep the mean),
/// and probes.
bool keepsMeanKnown(Operation *op) {
  return isa<ReluOp, ClipOp, AvgPool2dOp, GlobalAvgPoolOp, ObserveOp>(op);
}

/// E[x] per channel of the layer input, or nullopt when unknown.
std::optional<std::vector<double>> expectedInput(Operation *layer,
                                                 dfq::ChannelMap &map) {
  auto trace = traceInput(layer->getOperand(0), keepsMeanKnown,
                          /*singleUse=*/false);
  if (!trace || !trace->source.getDefiningOp())
    return std::nullopt;
  auto stats = readBnStats(trace->source.getDefiningOp());
  if (!stats)
    return std::nullopt;
  // The clamps on the way compose into one: clamp(x, lo, hi).
  double lo = -INFINITY, hi = INFINITY;
  for (Operation *op : trace->chain) {
    if (isa<ReluOp>(op)) {
      lo = std::max(lo, 0.0);
      hi = std::max(hi, 0.0);
    } else if (auto clip = dyn_cast<ClipOp>(op)) {
      double mn = clip.getMin().convertToDouble();
      double mx = clip.getMax().convertToDouble();
      lo = std::min(std::max(lo, mn), mx);
      hi = std::min(std::max(hi, mn), mx);
    }
  }
  std::vector<double> mean(stats->beta.size());
  for (size_t c = 0; c < mean.size(); ++c)
    mean[c] = dfq::clippedNormalMean(stats->beta[c], stats->gamma[c], lo, hi);
  if (llvm::any_of(trace->map, [&](int64_t c) {
        return c >= static_cast<int64_t>(mean.size());
      }))
    return std::nullopt;
  map = trace->map;
  return mean;
}

struct QNNBiasCorrectionPass
    : qmlir::qnn::impl::QNNBiasCorrectionPassBase<QNNBiasCorrectionPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (mode != "analytical") {
      mlir::emitError(func.getLoc())
          << "qnn-bias-correction: unknown mode '"
          << static_cast<std::string>(mode)
          << "' (supported: analytical; empirical correction "
             "needs calibration data and is not implemented)";
      return signalPassFailure();
    }
    if (weightBits < 2 || weightBits > 16) {
      mlir::emitError(func.getLoc())
          << "qnn-bias-correction: weight-bits must be in [2, "
             "16], got "
          << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }

    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (isa<Conv2dOp, DenseOp>(op))
        layers.push_back(op);
    });
    IRRewriter rewriter(func.getContext());
    unsigned corrected = 0;
    for (Operation *op : layers) {
      auto layer = readConstantLayer(op);
      if (!layer)
        continue;
      dfq::ChannelMap map;
      auto mean = expectedInput(op, map);
      if (!mean ||
          static_cast<int64_t>(map.size()) != layer->weights.inputChannels())
        continue;
      dfq::LayerWeights error = layer->weights;
      std::vector<float> quantized =
          dfq::fakeQuantizeWeights(layer->weights, weightBits, perAxisWeights);
      for (size_t i = 0; i < quantized.size(); ++i)
        error.values[i] = quantized[i] - layer->weights.values[i];
      std::vector<double> shift =
          dfq::applyToChannelConstant(error, map, *mean);
      if (layer->bias.empty())
        layer->bias.assign(layer->weights.outChannels, 0.0f);
      for (size_t o = 0; o < shift.size(); ++o)
        layer->bias[o] = static_cast<float>(layer->bias[o] - shift[o]);
      writeConstantLayer(rewriter, *layer, /*weights=*/false);
      ++corrected;
    }
    if (corrected == 0)
      mlir::emitRemark(func.getLoc())
          << "qnn-bias-correction: no layer in function '" << func.getSymName()
          << "' reads a tensor with batch-norm statistics";
  }
};

} // namespace
