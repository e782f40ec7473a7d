//===- Calibration.h - calibration statistics and range selection -*- C++ -*-===//
//
// What qnn-calibrate records about each probed tensor while the float model
// runs on samples (TensorStats), how shards of such statistics merge, how
// they are saved as JSON, and how each calibration method turns them into
// the real range [min, max] that a quantized type then covers
// (qmath::paramsForRange). No IR here: the pass feeds values in, the math is
// tested on small hand-checked cases in unittests/Quant/CalibrationTest.cpp.
// See docs/Quantization.md, "Calibration".
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_CALIBRATION_H
#define QMLIR_QUANT_CALIBRATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::calib {

/// How a tensor's range is chosen from its statistics.
enum class Method {
  MinMax,        ///< Smallest and largest value seen.
  MovingMax,     ///< QuantizeML: per-batch extrema, moving average with
                 ///< `momentum` weight on the old value, first batch as is.
  MovingAverage, ///< PyTorch MovingAverageMinMaxObserver: the same recurrence
                 ///< with `averagingConstant` weight on the new value.
  Percentile,    ///< The `percentile` quantiles of a histogram.
  Entropy,       ///< Threshold minimizing KL(P || Q) over a |x| histogram
                 ///< (TensorRT, pytorch-quantization).
  MSE,           ///< Range minimizing the expected squared quantization error
                 ///< over a histogram.
};

std::optional<Method> parseMethod(llvm::StringRef name);
/// "minmax", "moving-max", "moving-average", "percentile", "entropy", "mse".
llvm::StringRef stringifyMethod(Method method);
/// Percentile, entropy and MSE work on a histogram with a fixed range.
bool usesHistogram(Method method);
/// The moving methods keep per-batch extrema.
bool usesBatches(Method method);
/// Entropy and MSE ranges depend on the bit width and symmetry of the type
/// they are chosen for.
bool dependsOnBits(Method method);

/// Parameters of the methods.
struct Options {
  Method method = Method::MinMax;
  double percentile = 99.99;       ///< In (0, 100].
  double momentum = 0.9;           ///< moving-max: weight of the old value.
  double averagingConstant = 0.01; ///< moving-average: weight of the new value.
  unsigned epochs = 1;             ///< Passes over the batches (moving methods).
};

/// Per-channel extrema of one batch of samples.
struct BatchExtrema {
  int64_t samples = 0;
  std::vector<double> min, max; ///< One entry per channel.
};

/// A histogram of one tensor's values with a fixed range: `bins` bins of
/// width maxAbs / bins on each side of zero. Values equal to zero are counted
/// apart (they are exact in every quantized type); values beyond maxAbs fall
/// into the last bin. A fixed range is what makes histograms of disjoint
/// sample shards add up exactly.
struct Histogram {
  double maxAbs = 0.0;
  std::vector<uint64_t> pos, neg; ///< Bin i covers |x| in [i, i+1) * width.
  uint64_t zeros = 0;

  Histogram() = default;
  Histogram(double maxAbs, unsigned bins);
  unsigned bins() const { return pos.size(); }
  double binWidth() const { return maxAbs / bins(); }
  /// Bin of a nonzero magnitude.
  unsigned binOf(double magnitude) const;
  void add(float x);
  uint64_t total() const;
  /// pos + neg, with the zeros in bin 0: the histogram of |x|.
  std::vector<uint64_t> magnitudes() const;
  bool hasNegative() const;
  bool hasPositive() const;
};

/// Everything recorded about one tensor. Channels are the elements of its
/// last dimension (1 for rank < 2); per-channel extrema serve per-axis
/// activations.
struct TensorStats {
  int64_t channels = 1;
  int64_t samples = 0;
  std::vector<double> min, max;      ///< Per channel, over all samples.
  std::vector<BatchExtrema> batches; ///< Moving methods only.
  std::optional<Histogram> histogram;

  double tensorMin() const;
  double tensorMax() const;
};

/// Accumulates one tensor's statistics sample by sample.
class TensorObserver {
public:
  /// `batchSize` samples form one batch of the moving methods.
  TensorObserver(int64_t channels, int64_t batchSize, bool keepBatches);

  /// First pass: extrema. `values` holds one sample (channels innermost).
  /// Returns false if a value is NaN or infinite.
  bool addSample(const float *values, int64_t count);
  /// Closes a partial batch at the end of the samples.
  void finishSamples();
  /// Second pass: starts a histogram over [-maxAbs, maxAbs].
  void startHistogram(double maxAbs, unsigned bins);
  void addToHistogram(const float *values, int64_t count);

  const TensorStats &stats() const { return result; }
  TensorStats takeStats() { return std::move(result); }

private:
  TensorStats result;
  int64_t batchSize;
  bool keepBatches;
  BatchExtrema current;
};

/// Statistics of every probed tensor of a model, as saved to JSON.
struct StatsFile {
  Method method = Method::MinMax;
  int64_t batchSize = 0;
  unsigned bins = 0; ///< Histogram bins per side (0: no histograms).
  std::map<std::string, TensorStats> tensors;
};

/// Adds `from` to `into` (the statistics of disjoint sample shards). Exact
/// for extrema and for histograms with the same range and bin count (an
/// error naming `name` otherwise); batches are concatenated in order, which
/// reproduces one run over the concatenated samples when every shard but the
/// last holds a whole number of batches. Returns whether the merge is exact.
llvm::Expected<bool> merge(TensorStats &into, const TensorStats &from,
                           llvm::StringRef name, int64_t batchSize);
/// Merges two files of the same method, batch size and bin count.
llvm::Expected<bool> merge(StatsFile &into, const StatsFile &from);

llvm::json::Value toJSON(const StatsFile &file);
/// Parses a stats file; errors are one line naming `source` and the key.
llvm::Expected<StatsFile> parseStatsFile(llvm::StringRef text,
                                         llvm::StringRef source);

//===----------------------------------------------------------------------===//
// Range selection
//===----------------------------------------------------------------------===//

struct Range {
  double min = 0.0;
  double max = 0.0;
};

/// The type a range is chosen for (entropy and MSE depend on it).
struct Target {
  unsigned bits = 8;
  bool symmetric = false;
};

/// The range of the whole tensor under `options.method`. Histogram methods
/// need `stats.histogram`, moving methods `stats.batches` (errors otherwise).
llvm::Expected<Range> computeRange(const TensorStats &stats,
                                   const Options &options, Target target);
/// One range per channel; min-max and moving methods only.
llvm::Expected<std::vector<Range>>
computeChannelRanges(const TensorStats &stats, const Options &options,
                     Target target);

/// The moving average of a sequence of batch values, replayed `epochs`
/// times: the first value as is, then v += newWeight * (x - v).
double movingAverage(llvm::ArrayRef<double> values, double newWeight,
                     unsigned epochs);

/// [lo, hi] between the (100 - p) and p percentiles (two-sided), or
/// [-t, t] with t the p percentile of |x| (symmetric). Bounds are bin edges.
Range percentileRange(const Histogram &h, double percentile, bool symmetric);

/// The threshold (a bin edge) that minimizes KL(P || Q) where P is the |x|
/// histogram clipped at the threshold and Q its quantization to `levels`
/// levels; candidates from `levels` bins up, the largest of equal
/// divergences wins (pytorch-quantization's rule). Returns the whole range
/// when levels >= bins.
double entropyThreshold(llvm::ArrayRef<uint64_t> magnitudes, double binWidth,
                        uint64_t levels);
/// KL(P || Q) for the first `keptBins` bins (exposed for tests); infinity
/// when Q is 0 where P is not.
double klDivergence(llvm::ArrayRef<uint64_t> magnitudes, size_t keptBins,
                    uint64_t levels);
/// `bins` with every spike flattened: a bin holding more than `factor` times
/// the (lower) median of the nonzero bins among its `window` neighbours on
/// each side gets that median; bins without nonzero neighbours are kept.
/// entropyRange applies it before the KL search (pytorch-quantization's
/// bins[0] = bins[1], generalized from the spike at zero to any spike).
std::vector<uint64_t> flattenSpikes(llvm::ArrayRef<uint64_t> bins,
                                    unsigned window, uint64_t factor);
inline constexpr unsigned kSpikeWindow = 8;
inline constexpr uint64_t kSpikeFactor = 4;
/// The entropy range: exact zeros left out, spikes flattened, then
/// entropyThreshold with 2^bits levels for an asymmetric one-sided tensor and
/// 2^(bits-1) otherwise.
Range entropyRange(const Histogram &h, Target target);

/// The range with bin-edge bounds that minimizes the expected squared error
/// of quantizing the histogram's values with 2^bits levels: delta^2 / 12 for
/// each nonzero value inside, the distance to the bound (plus the bin's own
/// variance) for each value outside; zeros are exact.
Range mseRange(const Histogram &h, Target target);

} // namespace qmlir::calib

#endif // QMLIR_QUANT_CALIBRATION_H
