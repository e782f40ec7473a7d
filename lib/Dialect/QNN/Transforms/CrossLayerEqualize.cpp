//===- CrossLayerEqualize.cpp - cross-layer equalization ------------------===//
//
// Finds chains of constant layers joined by per-channel scale-equivariant
// ops, groups them into AIMET-style CLS sets (pairs, and conv -> depthwise ->
// conv triples), equalizes their weight ranges by sweeping until the scale
// factors converge, then absorbs high biases. The weights are edited in
// memory (dfq::LayerWeights) and written back once; the arithmetic is in
// qmlir/Quant/DataFree.h.
//
//===----------------------------------------------------------------------===//

#include "LayerUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNCROSSLAYEREQUALIZEPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

/// A layer of the function, edited in memory.
struct Layer {
  ConstantLayer layer;
  std::optional<BnStats> stats;
  bool changed = false;

  dfq::LayerWeights &w() { return layer.weights; }
  bool isDepthwise() const {
    const dfq::LayerWeights &w = layer.weights;
    return w.groups > 1 && w.inPerGroup == 1 && w.groups == w.outChannels;
  }
};

/// A's output reaches B's input through scale-equivariant ops.
struct Link {
  unsigned a, b;
  dfq::ChannelMap map; ///< B input channel -> A output channel.
  bool relu = false;   ///< A relu (or a clip to be replaced) on the way.
  SmallVector<ClipOp> clips;
};

/// A CLS set: one link (a pair) or two links A -> depthwise -> C.
struct ClsSet {
  SmallVector<unsigned, 2> links;
};

/// Ops through which a positive per-channel scale passes unchanged:
/// f(s * x) = s * f(x) for s > 0, channel by channel.
bool commutesWithScale(Operation *op, bool allowClip) {
  if (isa<ReluOp, MaxPool2dOp, AvgPool2dOp, GlobalAvgPoolOp>(op))
    return true;
  if (auto clip = dyn_cast<ClipOp>(op))
    return allowClip && clip.getMin().isZero();
  if (auto pad = dyn_cast<PadOp>(op))
    return pad.getValue().isZero();
  return false;
}

/// Multiplies each entry by 1 / s (a scaled channel's statistics).
void divide(std::vector<double> &v, const std::vector<double> &s) {
  for (size_t i = 0; i < v.size(); ++i)
    v[i] /= s[i];
}

double maxDeviation(const std::vector<double> &s) {
  double d = 0.0;
  for (double x : s)
    d = std::max(d, std::fabs(x - 1.0));
  return d;
}

class Equalizer {
public:
  Equalizer(func::FuncOp func, bool replaceRelu6)
      : func(func), replaceRelu6(replaceRelu6) {}

  /// Collects layers, links and sets; false when there is nothing to do.
  bool analyze();
  /// One sweep over all sets; returns the largest |s - 1|.
  double sweep();
  /// High-bias absorption over every link.
  void absorbHighBias();
  /// Writes weights, biases and statistics back and replaces clips.
  void commit();

private:
  void scalePair(const Link &l, const std::vector<double> &s);

  func::FuncOp func;
  bool replaceRelu6;
  SmallVector<Layer> layers;
  SmallVector<Link> links;
  SmallVector<ClsSet> sets;
};

bool Equalizer::analyze() {
  DenseMap<Operation *, unsigned> index;
  func.walk([&](Operation *op) {
    if (auto layer = readConstantLayer(op)) {
      index[op] = layers.size();
      layers.push_back(Layer{std::move(*layer), readBnStats(op)});
    }
  });
  for (auto [bi, b] : llvm::enumerate(layers)) {
    auto trace = traceInput(
        b.layer.op->getOperand(0),
        [&](Operation *op) { return commutesWithScale(op, replaceRelu6); },
        /*singleUse=*/true);
    if (!trace)
      continue;
    auto it = index.find(trace->source.getDefiningOp());
    if (it == index.end())
      continue;
    Link link;
    link.a = it->second;
    link.b = static_cast<unsigned>(bi);
    link.map = trace->map;
    int64_t channels = layers[link.a].w().outChannels;
    if (static_cast<int64_t>(link.map.size()) != b.w().inputChannels() ||
        llvm::any_of(link.map, [&](int64_t c) { return c >= channels; }))
      continue;
    for (Operation *op : trace->chain) {
      if (isa<ReluOp>(op))
        link.relu = true;
      if (auto clip = dyn_cast<ClipOp>(op)) {
        link.relu = true;
        link.clips.push_back(clip);
      }
    }
    links.push_back(std::move(link));
  }

  // Triples first (conv -> depthwise -> conv with the depthwise reading the
  // first conv's channels in order), then every remaining link as a pair.
  DenseMap<unsigned, unsigned> linkFrom; // layer -> link starting there
  for (auto [i, l] : llvm::enumerate(links))
    linkFrom[l.a] = i;
  SmallVector<bool> used(links.size(), false);
  for (auto [i, l] : llvm::enumerate(links)) {
    if (used[i] || !layers[l.b].isDepthwise() ||
        l.map != dfq::identityMap(l.map.size()))
      continue;
    auto next = linkFrom.find(l.b);
    if (next == linkFrom.end() || used[next->second])
      continue;
    used[i] = used[next->second] = true;
    sets.push_back(ClsSet{{static_cast<unsigned>(i), next->second}});
  }
  for (auto [i, l] : llvm::enumerate(links))
    if (!used[i]) {
      sets.push_back(ClsSet{{static_cast<unsigned>(i)}});
    }
  // Program order of the first layer, so that a sweep runs front to back.
  llvm::sort(sets, [&](const ClsSet &x, const ClsSet &y) {
    return links[x.links[0]].a < links[y.links[0]].a;
  });
  return !sets.empty();
}

/// Divides A's output channels by s and multiplies B's inputs by s.
void Equalizer::scalePair(const Link &l, const std::vector<double> &s) {
  Layer &a = layers[l.a], &b = layers[l.b];
  dfq::scaleOutputChannels(a.w(), a.layer.bias, s);
  dfq::scaleInputChannels(b.w(), l.map, s);
  if (a.stats) {
    divide(a.stats->gamma, s);
    divide(a.stats->beta, s);
  }
  a.changed = b.changed = true;
}

double Equalizer::sweep() {
  double deviation = 0.0;
  for (const ClsSet &set : sets) {
    const Link &l1 = links[set.links[0]];
    std::vector<double> r1 = dfq::outputChannelRanges(layers[l1.a].w());
    if (set.links.size() == 1) {
      std::vector<double> r2 =
          dfq::inputChannelRanges(layers[l1.b].w(), l1.map, r1.size());
      std::vector<double> s = dfq::pairScaleFactors(r1, r2);
      scalePair(l1, s);
      deviation = std::max(deviation, maxDeviation(s));
      continue;
    }
    const Link &l2 = links[set.links[1]];
    Layer &dw = layers[l1.b];
    std::vector<double> r2 = dfq::outputChannelRanges(dw.w());
    std::vector<double> r3 =
        dfq::inputChannelRanges(layers[l2.b].w(), l2.map, r2.size());
    dfq::TripleScaleFactors f = dfq::tripleScaleFactors(r1, r2, r3);
    scalePair(l1, f.s12);
    scalePair(l2, f.s23);
    deviation = std::max({deviation, maxDeviation(f.s12), maxDeviation(f.s23)});
  }
  return deviation;
}

void Equalizer::absorbHighBias() {
  for (const ClsSet &set : sets)
    for (unsigned li : set.links) {
      const Link &l = links[li];
      Layer &a = layers[l.a], &b = layers[l.b];
      if (!a.stats)
        continue;
      std::vector<double> c =
          dfq::highBiasAbsorption(a.stats->beta, a.stats->gamma, l.relu);
      if (llvm::all_of(c, [](double x) { return x == 0.0; }))
        continue;
      if (a.layer.bias.empty())
        a.layer.bias.assign(a.w().outChannels, 0.0f);
      for (size_t i = 0; i < c.size(); ++i) {
        a.layer.bias[i] = static_cast<float>(a.layer.bias[i] - c[i]);
        a.stats->beta[i] -= c[i];
      }
      std::vector<double> shift = dfq::applyToChannelConstant(b.w(), l.map, c);
      if (b.layer.bias.empty())
        b.layer.bias.assign(b.w().outChannels, 0.0f);
      for (size_t o = 0; o < shift.size(); ++o)
        b.layer.bias[o] = static_cast<float>(b.layer.bias[o] + shift[o]);
      a.changed = b.changed = true;
    }
}

void Equalizer::commit() {
  IRRewriter rewriter(func.getContext());
  for (Layer &l : layers) {
    if (!l.changed)
      continue;
    writeConstantLayer(rewriter, l.layer);
    if (l.stats)
      writeBnStats(l.layer.op, *l.stats);
  }
  for (const Link &l : links)
    for (ClipOp clip : l.clips) {
      rewriter.setInsertionPoint(clip);
      rewriter.replaceOpWithNewOp<ReluOp>(clip, clip.getType(),
                                          clip.getInput());
    }
}

struct QNNCrossLayerEqualizePass
    : qmlir::qnn::impl::QNNCrossLayerEqualizePassBase<
          QNNCrossLayerEqualizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!(tolerance > 0.0)) {
      mlir::emitError(func.getLoc())
          << "qnn-cross-layer-equalize: tolerance must be "
             "positive, got "
          << static_cast<double>(tolerance);
      return signalPassFailure();
    }
    Equalizer eq(func, replaceRelu6);
    if (!eq.analyze()) {
      mlir::emitRemark(func.getLoc())
          << "qnn-cross-layer-equalize: no equalizable layer "
             "pairs in function '"
          << func.getSymName() << "'";
      return markAllAnalysesPreserved();
    }
    double deviation = INFINITY;
    unsigned sweeps = 0;
    while (sweeps < maxIterations && !(deviation < tolerance)) {
      deviation = eq.sweep();
      ++sweeps;
    }
    if (!(deviation < tolerance))
      mlir::emitWarning(func.getLoc())
          << "qnn-cross-layer-equalize: scale factors still "
             "change by "
          << deviation << " after " << sweeps << " sweeps in function '"
          << func.getSymName() << "' (max-iterations)";
    if (absorbHighBias)
      eq.absorbHighBias();
    eq.commit();
  }
};

} // namespace
