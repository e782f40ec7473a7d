//===- AdaRound.cpp - learned weight rounding (qnn-adaround) --------------===//
//
// Collects the Gram matrix of every quantized layer's inputs on the
// calibration samples (LayerInputs.h), runs the AdaRound optimization
// (qmlir/Quant/AdaRound.h) per group of output channels, and replaces the
// float weights by the chosen integer weights times qnn-quantize's scales.
//
//===----------------------------------------------------------------------===//

#include "LayerInputs.h"
#include "LayerUtils.h"
#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Quant/AdaRound.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/raw_ostream.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNADAROUNDPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

struct QNNAdaRoundPass : qmlir::qnn::impl::QNNAdaRoundPassBase<QNNAdaRoundPass> {
  using Base::Base;

  adaround::Options adaOptions;

  LogicalResult fail(const Twine &message) {
    getOperation().emitError() << "qnn-adaround: " << message;
    signalPassFailure();
    return failure();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (samples.empty())
      return (void)fail("needs calibration data: give the 'samples' option "
                        "(a .npy or .npz file of model inputs)");
    if (iterations == 0 || !(learningRate > 0.0) || !(regularization >= 0.0) ||
        !(warmup >= 0.0 && warmup < 1.0) || !(betaStart > 0.0) ||
        !(betaEnd > 0.0))
      return (void)fail("iterations and learning-rate must be positive, "
                        "lambda non-negative, warmup in [0, 1), beta-start "
                        "and beta-end positive");
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func)
      return (void)fail("no function named '" + entry + "'");
    FailureOr<qconfig::Scheme> base = schemeFromOptions(
        module, weightBits, activationBits, perAxisWeights,
        symmetricActivations, perTensorActivations, bufferBits);
    if (failed(base))
      return signalPassFailure();
    FailureOr<QuantPlan> plan = buildQuantPlan({func}, *base, config);
    if (failed(plan))
      return signalPassFailure();

    SmallVector<Operation *> layers;
    std::vector<ConstantLayer> constant;
    func.walk([&](Operation *op) {
      if (!isa<Conv2dOp, DenseOp>(op))
        return;
      auto layer = readConstantLayer(op);
      const LayerPlan *lp = plan->layer(op);
      if (!layer || !lp || !lp->scheme.quantize || !hasSupportedInput(op) ||
          plan->tensor(op->getOperand(0)).perAxis)
        return;
      layers.push_back(op);
      constant.push_back(std::move(*layer));
    });
    if (layers.empty()) {
      emitRemark(func.getLoc())
          << "qnn-adaround: no constant conv2d or dense to round in '"
          << func.getSymName() << "'";
      return;
    }

    llvm::Expected<LayerInputs> floatInputs =
        captureLayerInputs(module, entry, layers, samples, numSamples,
                           "adaround (float layer inputs)");
    if (!floatInputs)
      return (void)fail(llvm::toString(floatInputs.takeError()));

    adaOptions.iterations = iterations;
    adaOptions.lambda = regularization;
    adaOptions.betaStart = betaStart;
    adaOptions.betaEnd = betaEnd;
    adaOptions.warmup = warmup;
    adaOptions.learningRate = learningRate;

    IRRewriter rewriter(module.getContext());
    for (auto [l, op] : llvm::enumerate(layers)) {
      LayerInputStats floatStats = inputStats(op, *floatInputs, l, true);
      if (!sequential || l == 0) {
        roundLayer(rewriter, constant[l], *plan->layer(op), floatStats,
                   nullptr, {});
        continue;
      }
      // The inputs of this layer in the model whose earlier layers are
      // rounded already (the IR is updated layer by layer).
      llvm::Expected<LayerInputs> perturbed = captureLayerInputs(
          module, entry, {op}, samples, numSamples,
          "adaround (layer " + std::to_string(l + 1) + "/" +
              std::to_string(layers.size()) + ")");
      if (!perturbed)
        return (void)fail(llvm::toString(perturbed.takeError()));
      LayerInputStats stats = inputStats(op, *perturbed, 0, true);
      std::vector<std::vector<double>> cross =
          crossMoments(op, *perturbed, 0, *floatInputs, l);
      roundLayer(rewriter, constant[l], *plan->layer(op), stats, &floatStats,
                 cross);
    }
  }

  /// Rounds `layer` given the statistics of its inputs; with `floatStats`,
  /// `stats` are those of perturbed inputs x~ and `cross` holds E[x~ x^T].
  void roundLayer(IRRewriter &rewriter, ConstantLayer &layer,
                  const LayerPlan &lp, const LayerInputStats &stats,
                  const LayerInputStats *floatStats,
                  const std::vector<std::vector<double>> &cross) {
    Operation *op = layer.op;
    // qnn-quantize's own scales (its weight quantization, discarded).
    quantize_utils::WeightSpec spec;
    spec.bits = lp.scheme.weightBits;
    spec.perAxis = !lp.scheme.perTensorWeights;
    spec.groups = layer.weights.groups;
    spec.isConv = isa<Conv2dOp>(op);
    rewriter.setInsertionPoint(op);
    quantize_utils::QuantizedWeights q =
        quantize_utils::quantizeWeights(rewriter, op->getOperand(1), spec);
    Operation *cast = q.value.getDefiningOp();
    Operation *ints = cast->getOperand(0).getDefiningOp();
    rewriter.eraseOp(cast);
    rewriter.eraseOp(ints);
    qmath::QuantParams range =
        qmath::paramsForRange(-1.0, 1.0, spec.bits, /*symmetric=*/true);

    dfq::LayerWeights &w = layer.weights;
    int64_t perGroup = w.outChannels / w.groups;
    int64_t k = w.spatial * w.inPerGroup;
    double nearest = 0.0, rounded = 0.0;
    int64_t changed = 0;
    for (int64_t g = 0; g < w.groups; ++g) {
      adaround::Problem p;
      p.rows = perGroup;
      p.k = k;
      p.qmin = range.qmin;
      p.qmax = range.qmax;
      p.gram = stats.gram[g];
      int64_t first = g * perGroup * k;
      p.weights.assign(w.values.begin() + first,
                       w.values.begin() + first + perGroup * k);
      for (int64_t r = 0; r < perGroup; ++r)
        p.scales.push_back(q.scales.size() == 1 ? q.scales[0]
                                                : q.scales[g * perGroup + r]);
      if (floatStats) {
        // b = E[x~ x^T] w and c = w^T E[x x^T] w per row.
        const std::vector<double> &cg = cross[g];
        const std::vector<double> &fg = floatStats->gram[g];
        p.target.assign(perGroup * k, 0.0);
        p.targetEnergy.assign(perGroup, 0.0);
        for (int64_t r = 0; r < perGroup; ++r) {
          const float *w = &p.weights[r * k];
          for (int64_t j = 0; j < k; ++j) {
            double bj = 0.0, gj = 0.0;
            for (int64_t i = 0; i < k; ++i) {
              bj += cg[j * k + i] * w[i];
              gj += fg[j * k + i] * w[i];
            }
            p.target[r * k + j] = bj;
            p.targetEnergy[r] += w[j] * gj;
          }
        }
      }
      adaround::Result result = adaround::optimize(p, adaOptions);
      nearest += result.nearestError;
      rounded += result.error;
      changed += result.changed;
      for (int64_t e = 0; e < perGroup * k; ++e)
        w.values[first + e] = qmath::dequantize(result.q[e], p.scales[e / k], 0);
    }
    writeConstantLayer(rewriter, layer);
    Builder b(op->getContext());
    op->setAttr(kAdaRoundAttr,
                b.getDictionaryAttr(
                    {b.getNamedAttr("bits", b.getI64IntegerAttr(spec.bits)),
                     b.getNamedAttr("per_axis", b.getBoolAttr(spec.perAxis))}));
    if (verbose)
      llvm::errs() << "qnn-adaround: " << lp.name << ": output MSE "
                   << nearest << " -> " << rounded << " (" << changed << " of "
                   << w.values.size() << " weights rounded the other way)\n";
  }
};

} // namespace
