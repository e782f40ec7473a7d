//===- BiasCorrection.cpp - analytical and empirical bias correction ------===//
//
// For each constant conv2d / dense, subtracts (W_q - W) E[x] from the bias,
// with W_q the weights qnn-quantize will produce (its own plan and weight
// quantization) and E[x] either the clipped-normal mean of the input, when
// it can be traced to batch-norm statistics (analytical,
// qmlir/Quant/DataFree.h), or the mean input patch measured on calibration
// samples (empirical, LayerInputs.h).
//
//===----------------------------------------------------------------------===//

#include "LayerInputs.h"
#include "LayerUtils.h"
#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"

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

/// W_q - W for `layer` as qnn-quantize will quantize it under `plan`: its
/// own quantize_utils::quantizeWeights, whose constants are discarded, so
/// the two cannot disagree on the rule.
std::vector<float> weightError(OpBuilder &b, const ConstantLayer &layer,
                               const LayerPlan &plan) {
  quantize_utils::WeightSpec spec;
  spec.bits = plan.scheme.weightBits;
  spec.perAxis = !plan.scheme.perTensorWeights;
  spec.groups = layer.weights.groups;
  spec.isConv = isa<Conv2dOp>(layer.op);
  b.setInsertionPoint(layer.op);
  quantize_utils::QuantizedWeights q =
      quantize_utils::quantizeWeights(b, layer.op->getOperand(1), spec);
  Operation *cast = q.value.getDefiningOp();
  Operation *ints = cast->getOperand(0).getDefiningOp();
  cast->erase();
  ints->erase();

  const std::vector<float> &w = layer.weights.values;
  int64_t perScale =
      static_cast<int64_t>(w.size()) / static_cast<int64_t>(q.scales.size());
  std::vector<float> error(w.size());
  for (size_t e = 0; e < w.size(); ++e) {
    double scale = q.scales[e / perScale];
    error[e] = qmath::dequantize(q.storage[e], scale, 0) - w[e];
  }
  return error;
}

struct QNNBiasCorrectionPass
    : qmlir::qnn::impl::QNNBiasCorrectionPassBase<QNNBiasCorrectionPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode != "analytical" && mode != "empirical") {
      module.emitError() << "qnn-bias-correction: unknown mode '"
                         << static_cast<std::string>(mode)
                         << "' (analytical, empirical)";
      return signalPassFailure();
    }
    bool empirical = mode == "empirical";
    if (empirical && samples.empty()) {
      module.emitError() << "qnn-bias-correction: mode=empirical needs "
                            "calibration data: give the 'samples' option (a "
                            ".npy or .npz file of model inputs)";
      return signalPassFailure();
    }
    // The scheme and config exactly as qnn-quantize resolves them.
    FailureOr<qconfig::Scheme> base = schemeFromOptions(
        module, weightBits, activationBits, perAxisWeights,
        symmetricActivations, perTensorActivations, bufferBits);
    if (failed(base))
      return signalPassFailure();
    SmallVector<func::FuncOp> funcs = definedFunctions(module);
    FailureOr<QuantPlan> plan = buildQuantPlan(funcs, *base, config);
    if (failed(plan))
      return signalPassFailure();
    if (empirical) {
      auto func = module.lookupSymbol<func::FuncOp>(entry);
      if (!func) {
        module.emitError() << "qnn-bias-correction: no function named '"
                           << static_cast<std::string>(entry) << "'";
        return signalPassFailure();
      }
      if (failed(correctEmpirically(func, *plan)))
        return signalPassFailure();
      return;
    }
    for (func::FuncOp func : funcs)
      correct(func, *plan);
  }

  /// Subtracts (W_q - W) E[x] with E[x] measured on the samples.
  LogicalResult correctEmpirically(func::FuncOp func, const QuantPlan &plan) {
    SmallVector<Operation *> layers;
    std::vector<ConstantLayer> constant;
    func.walk([&](Operation *op) {
      if (!isa<Conv2dOp, DenseOp>(op))
        return;
      auto layer = readConstantLayer(op);
      const LayerPlan *lp = plan.layer(op);
      if (!layer || !lp || !lp->scheme.quantize || !hasSupportedInput(op) ||
          plan.tensor(op->getOperand(0)).perAxis)
        return;
      layers.push_back(op);
      constant.push_back(std::move(*layer));
    });
    if (layers.empty()) {
      mlir::emitRemark(func.getLoc())
          << "qnn-bias-correction: no constant conv2d or dense to correct "
             "in function '"
          << func.getSymName() << "'";
      return success();
    }
    ModuleOp module = getOperation();
    llvm::Expected<std::vector<LayerInputStats>> stats =
        collectLayerInputStats(module, entry, layers, samples, numSamples,
                               /*withGram=*/false,
                               "bias correction (layer inputs)");
    if (!stats) {
      module.emitError() << "qnn-bias-correction: "
                         << llvm::toString(stats.takeError());
      return failure();
    }
    IRRewriter rewriter(func.getContext());
    for (auto [l, op] : llvm::enumerate(layers)) {
      ConstantLayer &layer = constant[l];
      const LayerInputStats &s = (*stats)[l];
      std::vector<float> error = weightError(rewriter, layer, *plan.layer(op));
      int64_t perGroup = layer.weights.outChannels / layer.weights.groups;
      if (layer.bias.empty())
        layer.bias.assign(layer.weights.outChannels, 0.0f);
      for (int64_t o = 0; o < layer.weights.outChannels; ++o) {
        const std::vector<double> &mean = s.mean[o / perGroup];
        double shift = 0.0;
        for (int64_t k = 0; k < s.k; ++k)
          shift += double(error[o * s.k + k]) * mean[k];
        layer.bias[o] = static_cast<float>(layer.bias[o] - shift);
      }
      writeConstantLayer(rewriter, layer, /*weights=*/false);
    }
    return success();
  }

  void correct(func::FuncOp func, const QuantPlan &plan) {
    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (isa<Conv2dOp, DenseOp>(op))
        layers.push_back(op);
    });
    IRRewriter rewriter(func.getContext());
    unsigned corrected = 0;
    for (Operation *op : layers) {
      auto layer = readConstantLayer(op);
      const LayerPlan *lp = plan.layer(op);
      if (!layer || !lp || !lp->scheme.quantize ||
          plan.tensor(op->getOperand(0)).perAxis)
        continue;
      dfq::ChannelMap map;
      auto mean = expectedInput(op, map);
      if (!mean ||
          static_cast<int64_t>(map.size()) != layer->weights.inputChannels())
        continue;
      dfq::LayerWeights error = layer->weights;
      error.values = weightError(rewriter, *layer, *lp);
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
