//===- Calibration.cpp - range selection of the calibration methods -------===//
//
// Each method turns a tensor's recorded statistics into the real range that
// its quantized type covers. The histogram methods search over bin edges;
// see docs/Quantization.md for the definitions and where they follow
// PyTorch, TensorRT and QuantizeML.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/Calibration.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace qmlir;
using namespace qmlir::calib;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::optional<Method> calib::parseMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Method>>(name)
      .Case("minmax", Method::MinMax)
      .Case("moving-max", Method::MovingMax)
      .Case("moving-average", Method::MovingAverage)
      .Case("percentile", Method::Percentile)
      .Case("entropy", Method::Entropy)
      .Case("mse", Method::MSE)
      .Default(std::nullopt);
}

llvm::StringRef calib::stringifyMethod(Method method) {
  switch (method) {
  case Method::MinMax:
    return "minmax";
  case Method::MovingMax:
    return "moving-max";
  case Method::MovingAverage:
    return "moving-average";
  case Method::Percentile:
    return "percentile";
  case Method::Entropy:
    return "entropy";
  case Method::MSE:
    return "mse";
  }
  return "";
}

bool calib::usesHistogram(Method method) {
  return method == Method::Percentile || method == Method::Entropy ||
         method == Method::MSE;
}

bool calib::usesBatches(Method method) {
  return method == Method::MovingMax || method == Method::MovingAverage;
}

bool calib::dependsOnBits(Method method) {
  return method == Method::Entropy || method == Method::MSE;
}

double calib::movingAverage(llvm::ArrayRef<double> values, double newWeight,
                            unsigned epochs) {
  if (values.empty())
    return 0.0;
  double v = values.front();
  bool first = true;
  for (unsigned e = 0; e < std::max(epochs, 1u); ++e)
    for (double x : values) {
      if (first) {
        first = false;
        continue;
      }
      v = v + newWeight * (x - v);
    }
  return v;
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

Range calib::percentileRange(const Histogram &h, double percentile,
                             bool symmetric) {
  double total = static_cast<double>(h.total());
  if (total == 0.0)
    return {};
  double target = percentile / 100.0 * total;
  double w = h.binWidth();
  if (symmetric) {
    std::vector<uint64_t> mags = h.magnitudes();
    // Zeros are counted apart so that a quantile at 0 gives threshold 0.
    double cum = static_cast<double>(h.zeros);
    if (cum >= target)
      return {};
    mags[0] -= h.zeros;
    for (unsigned i = 0; i < mags.size(); ++i) {
      cum += static_cast<double>(mags[i]);
      if (cum >= target)
        return {-double(i + 1) * w, double(i + 1) * w};
    }
    return {-h.maxAbs, h.maxAbs};
  }
  // Upper bound: the p quantile; lower bound: the (100 - p) quantile, i.e.
  // the p quantile counted from the negative end.
  auto side = [&](const std::vector<uint64_t> &near,
                  const std::vector<uint64_t> &far) {
    double cum = static_cast<double>(h.zeros);
    for (uint64_t n : far)
      cum += static_cast<double>(n);
    if (cum >= target)
      return 0.0;
    for (unsigned i = 0; i < near.size(); ++i) {
      cum += static_cast<double>(near[i]);
      if (cum >= target)
        return double(i + 1) * w;
    }
    return h.maxAbs;
  };
  // (+ 0.0 turns -0.0 into 0.0.)
  return {-side(h.neg, h.pos) + 0.0, side(h.pos, h.neg)};
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

double calib::klDivergence(llvm::ArrayRef<uint64_t> magnitudes,
                           size_t keptBins, uint64_t levels) {
  size_t i = keptBins;
  // P: the first i bins, the clipped tail added to the last one.
  std::vector<double> p(i);
  double pTotal = 0.0;
  for (size_t j = 0; j < magnitudes.size(); ++j) {
    double n = static_cast<double>(magnitudes[j]);
    p[std::min(j, i - 1)] += n;
    pTotal += n;
  }
  // Q: the first i bins (without the tail) merged into `levels` groups and
  // spread back evenly over the bins that are nonzero in the histogram.
  std::vector<double> groupSum(levels, 0.0);
  std::vector<uint64_t> groupCount(levels, 0);
  auto groupOf = [&](size_t j) {
    return static_cast<size_t>((static_cast<unsigned __int128>(j) * levels) / i);
  };
  double qTotal = 0.0;
  for (size_t j = 0; j < i; ++j) {
    if (magnitudes[j] == 0)
      continue;
    size_t g = groupOf(j);
    groupSum[g] += static_cast<double>(magnitudes[j]);
    ++groupCount[g];
    qTotal += static_cast<double>(magnitudes[j]);
  }
  if (pTotal == 0.0 || qTotal == 0.0)
    return std::numeric_limits<double>::infinity();
  double kl = 0.0;
  for (size_t j = 0; j < i; ++j) {
    if (p[j] == 0.0)
      continue;
    double q = 0.0;
    if (magnitudes[j] != 0) {
      size_t g = groupOf(j);
      q = groupSum[g] / static_cast<double>(groupCount[g]);
    }
    if (q == 0.0)
      return std::numeric_limits<double>::infinity();
    double pn = p[j] / pTotal, qn = q / qTotal;
    kl += pn * std::log(pn / qn);
  }
  return kl;
}

double calib::entropyThreshold(llvm::ArrayRef<uint64_t> magnitudes,
                               double binWidth, uint64_t levels) {
  size_t bins = magnitudes.size();
  if (levels >= bins)
    return bins * binWidth;
  double best = std::numeric_limits<double>::infinity();
  size_t bestBins = bins;
  for (size_t i = levels; i <= bins; ++i) {
    double kl = klDivergence(magnitudes, i, levels);
    if (kl <= best) {
      best = kl;
      bestBins = i;
    }
  }
  return bestBins * binWidth;
}

std::vector<uint64_t> calib::flattenSpikes(llvm::ArrayRef<uint64_t> bins,
                                          unsigned window, uint64_t factor) {
  std::vector<uint64_t> out(bins.begin(), bins.end());
  std::vector<uint64_t> near;
  for (size_t j = 0; j < bins.size(); ++j) {
    near.clear();
    size_t lo = j >= window ? j - window : 0;
    size_t hi = std::min(bins.size(), j + window + 1);
    for (size_t k = lo; k < hi; ++k)
      if (k != j && bins[k] != 0)
        near.push_back(bins[k]);
    // A bin without nonzero neighbours is an isolated value (e.g. one of the
    // 256 levels of a uint8 image), not a spike on a density.
    if (near.empty())
      continue;
    // Lower median of the nonzero neighbours.
    auto mid = near.begin() + (near.size() - 1) / 2;
    std::nth_element(near.begin(), mid, near.end());
    if (bins[j] > factor * *mid)
      out[j] = *mid;
  }
  return out;
}

Range calib::entropyRange(const Histogram &h, Target target) {
  if (h.total() == h.zeros)
    return {};
  bool oneSided = !(h.hasNegative() && h.hasPositive());
  // An asymmetric type spends all 2^bits levels on a one-sided tensor;
  // otherwise each side gets half of them.
  unsigned levelBits = (!target.symmetric && oneSided) ? target.bits
                                                       : target.bits - 1;
  uint64_t levels = levelBits >= 63 ? UINT64_MAX : uint64_t(1) << levelBits;
  levels = std::max<uint64_t>(levels, 1);
  // Exact zeros are left out: every quantized type represents 0 exactly,
  // and with them the spike at zero of a post-relu tensor dominates P and
  // makes the smallest candidate threshold win.
  std::vector<uint64_t> mags = h.magnitudes();
  mags[0] -= h.zeros;
  // Spikes elsewhere are the same thing: one value repeated many times, e.g.
  // the constant response of a conv to the blank background of an image.
  // Q spreads a group's mass evenly over its bins, so a spike costs
  // p log(k) in KL(P || Q) whenever it shares a level with k - 1 other
  // bins, although quantizing moves it by at most half a step; and a
  // threshold right after a spike hides the clipped tail in the spike's
  // bin. Both push the threshold down (the bundled CNN's second relu was
  // clipped at 1.23 of 7.92, 13 % of its nonzero values: 83.4 % top-1).
  // pytorch-quantization's entropy calibrator (TensorRT's algorithm) sets
  // bins[0] = bins[1] for the spike at zero; this generalizes it to spikes
  // anywhere: a bin holding more than kSpikeFactor times the median of the
  // nonzero bins among its kSpikeWindow neighbours on each side is given
  // that median. docs/Quantization.md, "entropy".
  mags = flattenSpikes(mags, kSpikeWindow, kSpikeFactor);
  double t = entropyThreshold(mags, h.binWidth(), levels);
  if (target.symmetric)
    return {-t, t};
  return {h.hasNegative() ? -t : 0.0, h.hasPositive() ? t : 0.0};
}

//===----------------------------------------------------------------------===//
// MSE
//===----------------------------------------------------------------------===//

namespace {

/// Suffix sums of one side of a histogram, for O(1) clipping errors.
struct SideSums {
  std::vector<double> n, s1, s2; ///< Sums over bins >= k of n, n*c, n*c^2.
  double width;

  SideSums(const std::vector<uint64_t> &bins, double width)
      : n(bins.size() + 1), s1(bins.size() + 1), s2(bins.size() + 1),
        width(width) {
    for (size_t k = bins.size(); k-- > 0;) {
      double c = (k + 0.5) * width, cnt = static_cast<double>(bins[k]);
      n[k] = n[k + 1] + cnt;
      s1[k] = s1[k + 1] + cnt * c;
      s2[k] = s2[k + 1] + cnt * c * c;
    }
  }
  double total() const { return n[0]; }
  /// Values below bound k * width (kept; they get rounding noise).
  double inside(size_t k) const { return n[0] - n[k]; }
  /// Squared error of clipping the bins >= k at k * width, each value
  /// uniform within its bin.
  double clipError(size_t k) const {
    double b = k * width;
    return s2[k] - 2.0 * b * s1[k] + b * b * n[k] +
           width * width / 12.0 * n[k];
  }
};

} // namespace

Range calib::mseRange(const Histogram &h, Target target) {
  if (h.total() == h.zeros || h.maxAbs <= 0.0)
    return {};
  double w = h.binWidth();
  SideSums pos(h.pos, w), neg(h.neg, w);
  size_t bins = h.bins();
  bool symmetric = target.symmetric && target.bits >= 2;
  double best = std::numeric_limits<double>::infinity();
  if (symmetric) {
    double steps = std::ldexp(1.0, target.bits - 1) - 1.0;
    size_t bestK = bins;
    for (size_t k = bins; k >= 1; --k) {
      double delta = k * w / steps;
      double err = delta * delta / 12.0 * (pos.inside(k) + neg.inside(k)) +
                   pos.clipError(k) + neg.clipError(k);
      if (err < best) {
        best = err;
        bestK = k;
      }
    }
    return {-double(bestK) * w, double(bestK) * w};
  }
  double steps = std::ldexp(1.0, target.bits) - 1.0;
  size_t maxNeg = neg.total() > 0 ? bins : 0;
  size_t maxPos = pos.total() > 0 ? bins : 0;
  size_t bestA = maxNeg, bestB = maxPos;
  // From the widest range down, so that equal errors keep the wider one.
  for (size_t a = maxNeg + 1; a-- > 0;) {
    double negClip = neg.clipError(a), negIn = neg.inside(a);
    for (size_t b = maxPos + 1; b-- > 0;) {
      if (a == 0 && b == 0)
        continue;
      double delta = (a + b) * w / steps;
      double err = delta * delta / 12.0 * (negIn + pos.inside(b)) + negClip +
                   pos.clipError(b);
      if (err < best) {
        best = err;
        bestA = a;
        bestB = b;
      }
    }
  }
  return {-double(bestA) * w + 0.0, double(bestB) * w};
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

/// Per-batch values of one channel (or of the whole tensor when channel is
/// -1) for the moving methods.
static std::vector<double> batchValues(const TensorStats &stats, int64_t channel,
                                       bool wantMax) {
  std::vector<double> out;
  for (const BatchExtrema &b : stats.batches) {
    const std::vector<double> &v = wantMax ? b.max : b.min;
    if (channel >= 0) {
      out.push_back(v[channel]);
      continue;
    }
    out.push_back(wantMax ? *std::max_element(v.begin(), v.end())
                          : *std::min_element(v.begin(), v.end()));
  }
  return out;
}

static Range movingRange(const TensorStats &stats, const Options &options,
                         Target target, int64_t channel) {
  std::vector<double> mins = batchValues(stats, channel, false);
  std::vector<double> maxs = batchValues(stats, channel, true);
  if (options.method == Method::MovingAverage)
    return {movingAverage(mins, options.averagingConstant, options.epochs),
            movingAverage(maxs, options.averagingConstant, options.epochs)};
  double w = 1.0 - options.momentum;
  if (target.symmetric) {
    // QuantizeML's observer: the moving maximum of |x|.
    std::vector<double> mags;
    for (size_t i = 0; i < mins.size(); ++i)
      mags.push_back(std::max(std::fabs(mins[i]), std::fabs(maxs[i])));
    double m = movingAverage(mags, w, options.epochs);
    return {-m, m};
  }
  return {movingAverage(mins, w, options.epochs),
          movingAverage(maxs, w, options.epochs)};
}

llvm::Expected<Range> calib::computeRange(const TensorStats &stats,
                                          const Options &options,
                                          Target target) {
  if (stats.samples == 0 || stats.min.empty())
    return makeError("no samples were recorded");
  switch (options.method) {
  case Method::MinMax:
    return Range{stats.tensorMin(), stats.tensorMax()};
  case Method::MovingMax:
  case Method::MovingAverage:
    if (stats.batches.empty())
      return makeError("no per-batch statistics for method " +
                       stringifyMethod(options.method));
    return movingRange(stats, options, target, -1);
  case Method::Percentile:
  case Method::Entropy:
  case Method::MSE:
    break;
  }
  if (!stats.histogram)
    return makeError("no histogram for method " +
                     stringifyMethod(options.method));
  const Histogram &h = *stats.histogram;
  Range r;
  if (options.method == Method::Percentile)
    r = percentileRange(h, options.percentile, target.symmetric);
  else if (options.method == Method::Entropy)
    r = entropyRange(h, target);
  else
    r = mseRange(h, target);
  // Bin edges can overshoot the data; never widen past what was seen.
  r.min = std::max(r.min, std::min(stats.tensorMin(), 0.0));
  r.max = std::min(r.max, std::max(stats.tensorMax(), 0.0));
  return r;
}

llvm::Expected<std::vector<Range>>
calib::computeChannelRanges(const TensorStats &stats, const Options &options,
                            Target target) {
  if (stats.samples == 0 || stats.min.empty())
    return makeError("no samples were recorded");
  std::vector<Range> out;
  switch (options.method) {
  case Method::MinMax:
    for (int64_t c = 0; c < stats.channels; ++c)
      out.push_back({stats.min[c], stats.max[c]});
    return out;
  case Method::MovingMax:
  case Method::MovingAverage:
    if (stats.batches.empty())
      return makeError("no per-batch statistics for method " +
                       stringifyMethod(options.method));
    for (int64_t c = 0; c < stats.channels; ++c)
      out.push_back(movingRange(stats, options, target, c));
    return out;
  default:
    return makeError("per-channel ranges need method minmax, moving-max or "
                     "moving-average, not " +
                     stringifyMethod(options.method) +
                     " (or quantize activations per tensor: "
                     "per_tensor_activations true)");
  }
}
