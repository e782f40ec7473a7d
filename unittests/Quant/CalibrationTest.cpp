//===- CalibrationTest.cpp - calibration statistics on hand-checked cases -===//

#include "qmlir/Quant/Calibration.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qmlir::calib;

namespace {

/// A histogram with width-1 bins over [-4, 4].
Histogram hist(std::vector<uint64_t> pos, std::vector<uint64_t> neg,
               uint64_t zeros = 0) {
  Histogram h(static_cast<double>(pos.size()), pos.size());
  h.pos = std::move(pos);
  h.neg = std::move(neg);
  h.zeros = zeros;
  return h;
}

TensorStats observe(const std::vector<std::vector<float>> &samples,
                    int64_t channels, int64_t batchSize) {
  TensorObserver o(channels, batchSize, /*keepBatches=*/true);
  for (const auto &s : samples)
    EXPECT_TRUE(o.addSample(s.data(), s.size()));
  o.finishSamples();
  return o.takeStats();
}

// Methods round-trip through their names.
TEST(Calibration, MethodNames) {
  for (const char *name : {"minmax", "moving-max", "moving-average",
                           "percentile", "entropy", "mse"}) {
    auto m = parseMethod(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(stringifyMethod(*m), name);
  }
  EXPECT_FALSE(parseMethod("kl"));
}

// Per-channel extrema, whole-tensor extrema and batches of 2 samples (the
// last one partial).
TEST(Calibration, ObserverExtremaAndBatches) {
  TensorStats s = observe({{1, -2}, {3, 0.5}, {-4, 2}}, 2, 2);
  EXPECT_EQ(s.samples, 3);
  EXPECT_EQ(s.min, (std::vector<double>{-4, -2}));
  EXPECT_EQ(s.max, (std::vector<double>{3, 2}));
  EXPECT_EQ(s.tensorMin(), -4);
  EXPECT_EQ(s.tensorMax(), 3);
  ASSERT_EQ(s.batches.size(), 2u);
  EXPECT_EQ(s.batches[0].samples, 2);
  EXPECT_EQ(s.batches[0].min, (std::vector<double>{1, -2}));
  EXPECT_EQ(s.batches[0].max, (std::vector<double>{3, 0.5}));
  EXPECT_EQ(s.batches[1].samples, 1);
  EXPECT_EQ(s.batches[1].min, (std::vector<double>{-4, 2}));
}

// NaN and infinity are reported.
TEST(Calibration, ObserverRejectsNonFinite) {
  TensorObserver o(1, 1, false);
  float bad[] = {1.0f, NAN};
  EXPECT_FALSE(o.addSample(bad, 2));
  float inf[] = {INFINITY};
  EXPECT_FALSE(o.addSample(inf, 1));
}

// Moving averages: first value as is, then v += w (x - v), replayed per
// epoch.
TEST(Calibration, MovingAverage) {
  EXPECT_DOUBLE_EQ(movingAverage({4, 2}, 0.5, 1), 3.0);
  EXPECT_DOUBLE_EQ(movingAverage({4, 2, 0}, 0.5, 1), 1.5);
  // Two epochs: 4, 2, 4, 2 -> 4, 3, 3.5, 2.75.
  EXPECT_DOUBLE_EQ(movingAverage({4, 2}, 0.5, 2), 2.75);
  EXPECT_DOUBLE_EQ(movingAverage({7}, 0.1, 3), 7.0);
}

// moving-max (momentum 0.9) and moving-average (0.01) on batch extrema
// [-1, 10] then [-3, 0]; symmetric moving-max averages max |x|.
TEST(Calibration, MovingMethods) {
  TensorStats s = observe({{-1, 10}, {-3, 0}}, 1, 1);
  Options o;
  o.method = Method::MovingMax;
  auto r = computeRange(s, o, {8, false});
  ASSERT_TRUE(bool(r));
  EXPECT_DOUBLE_EQ(r->min, -1 + 0.1 * (-3 + 1)); // -1.2
  EXPECT_DOUBLE_EQ(r->max, 10 + 0.1 * (0 - 10)); // 9
  auto sym = computeRange(s, o, {8, true});
  ASSERT_TRUE(bool(sym));
  EXPECT_DOUBLE_EQ(sym->max, 10 + 0.1 * (3 - 10)); // 9.3
  EXPECT_DOUBLE_EQ(sym->min, -sym->max);
  o.method = Method::MovingAverage;
  auto avg = computeRange(s, o, {8, false});
  ASSERT_TRUE(bool(avg));
  EXPECT_DOUBLE_EQ(avg->min, -1 + 0.01 * (-3 + 1));
  EXPECT_DOUBLE_EQ(avg->max, 10 + 0.01 * (0 - 10));
  auto ch = computeChannelRanges(s, o, {8, false});
  ASSERT_TRUE(bool(ch));
  ASSERT_EQ(ch->size(), 1u);
}

// Per-channel ranges of min-max; histogram methods refuse them.
TEST(Calibration, ChannelRanges) {
  TensorStats s = observe({{1, -2}, {3, 0.5}}, 2, 8);
  Options o;
  auto r = computeChannelRanges(s, o, {});
  ASSERT_TRUE(bool(r));
  EXPECT_EQ((*r)[0].min, 1);
  EXPECT_EQ((*r)[0].max, 3);
  EXPECT_EQ((*r)[1].min, -2);
  EXPECT_EQ((*r)[1].max, 0.5);
  o.method = Method::Entropy;
  auto bad = computeChannelRanges(s, o, {});
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "per-channel ranges need method minmax, moving-max or "
            "moving-average, not entropy (or quantize activations per "
            "tensor: per_tensor_activations true)");
}

// Values land in |x| bins; zeros apart; the top of the range and beyond go
// to the last bin.
TEST(Calibration, HistogramBins) {
  Histogram h(4.0, 4);
  for (float x : {0.5f, 1.0f, -1.5f, 0.0f, 3.99f, 4.0f, 9.0f, -0.25f})
    h.add(x);
  EXPECT_EQ(h.pos, (std::vector<uint64_t>{1, 1, 0, 3}));
  EXPECT_EQ(h.neg, (std::vector<uint64_t>{1, 1, 0, 0}));
  EXPECT_EQ(h.zeros, 1u);
  EXPECT_EQ(h.total(), 8u);
  EXPECT_EQ(h.magnitudes(), (std::vector<uint64_t>{3, 2, 0, 3}));
}

// Percentiles: values 0.5, 1.5, 2.5, 3.5; the 75th percentile is the upper
// edge of bin 2; the lower one is 0 since nothing is negative.
TEST(Calibration, Percentile) {
  Histogram h = hist({1, 1, 1, 1}, {0, 0, 0, 0});
  Range r = percentileRange(h, 75.0, false);
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.max, 3.0);
  EXPECT_EQ(percentileRange(h, 100.0, false).max, 4.0);
  // Two-sided: 3 negatives in bin 3 (|x| in [3, 4)), 96 positives in bin 0,
  // one positive in bin 2: the 98th percentile ends bin 0; counted from the
  // negative end it reaches into bin 3.
  Histogram t = hist({96, 0, 1, 0}, {0, 0, 0, 3});
  Range r2 = percentileRange(t, 98.0, false);
  EXPECT_EQ(r2.max, 1.0);
  EXPECT_EQ(r2.min, -4.0);
  // Symmetric: the 97th percentile of |x| (96 in bin 0, 1 in bin 2, 3 in
  // bin 3) is the end of bin 2.
  Range s = percentileRange(t, 97.0, true);
  EXPECT_EQ(s.max, 3.0);
  EXPECT_EQ(s.min, -3.0);
  // Mostly zeros: the quantile is 0.
  EXPECT_EQ(percentileRange(hist({1, 0, 0, 0}, {0, 0, 0, 0}, 99), 50.0, true)
                .max,
            0.0);
}

// KL(P || Q) by hand: histogram [8, 4, 0, 0, 0, 0, 0, 1], 2 levels.
// Keeping 2 bins: P = [8, 5]/13, Q = [8, 4]/12. Keeping 3..7 bins puts the
// tail in a bin Q cannot reach (infinite). Keeping 8: Q = [6, 6, 0.., 1]/13.
TEST(Calibration, KLDivergence) {
  std::vector<uint64_t> m = {8, 4, 0, 0, 0, 0, 0, 1};
  double p0 = 8.0 / 13, p1 = 5.0 / 13;
  EXPECT_NEAR(klDivergence(m, 2, 2),
              p0 * std::log(p0 / (8.0 / 12)) + p1 * std::log(p1 / (4.0 / 12)),
              1e-12);
  for (size_t i = 3; i < 8; ++i)
    EXPECT_TRUE(std::isinf(klDivergence(m, i, 2))) << i;
  EXPECT_NEAR(klDivergence(m, 8, 2),
              8.0 / 13 * std::log(8.0 / 6) + 4.0 / 13 * std::log(4.0 / 6),
              1e-12);
  // The minimum is at 2 bins: threshold 2 * width.
  EXPECT_EQ(entropyThreshold(m, 0.5, 2), 1.0);
  // Exactly representable histograms keep the whole range (ties go to the
  // largest threshold).
  EXPECT_EQ(klDivergence({2, 2, 1, 1}, 4, 2), 0.0);
  EXPECT_EQ(entropyThreshold({2, 2, 1, 1}, 1.0, 2), 4.0);
  // More levels than bins: the whole range.
  EXPECT_EQ(entropyThreshold({1, 2, 3}, 1.0, 8), 3.0);
}

// entropyRange uses 2^bits levels for a one-sided asymmetric tensor,
// 2^(bits-1) otherwise, and keeps the sides that hold data.
TEST(Calibration, EntropyRange) {
  Histogram h(8.0, 8);
  h.pos = {8, 4, 0, 0, 0, 0, 0, 1};
  h.neg = {0, 0, 0, 0, 0, 0, 0, 0};
  Range r = entropyRange(h, {1, false}); // 2 levels
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.max, 2.0);
  Range s = entropyRange(h, {2, true}); // 2 levels per side
  EXPECT_EQ(s.min, -2.0);
  EXPECT_EQ(s.max, 2.0);
  // Exact zeros (exact in every type) do not enter P and Q: a spike of
  // them does not change the threshold.
  h.zeros = 1000;
  EXPECT_EQ(entropyRange(h, {1, false}).max, 2.0);
}

// flattenSpikes: a bin above factor x the lower median of its nonzero
// neighbours gets that median; equal to the bound, or without nonzero
// neighbours, it stays.
TEST(Calibration, FlattenSpikes) {
  using V = std::vector<uint64_t>;
  EXPECT_EQ(flattenSpikes(V{10, 10, 10, 100, 10, 10, 10}, 2, 4),
            (V{10, 10, 10, 10, 10, 10, 10}));
  // 40 is not above 4 x 10.
  EXPECT_EQ(flattenSpikes(V{10, 10, 40, 10, 10}, 2, 4), (V{10, 10, 40, 10, 10}));
  // Neighbours 1, 2, 3, 30 (window 2): lower median 2; 9 > 8 is a spike.
  EXPECT_EQ(flattenSpikes(V{1, 2, 9, 3, 30}, 2, 4)[2], 2u);
  // At the edge: bin 0 against bins 1 and 2 only.
  EXPECT_EQ(flattenSpikes(V{500, 20, 30, 25}, 2, 4)[0], 20u);
  // Isolated values (a uint8 image: one bin in eight) are not spikes.
  V levels = {0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 60, 0};
  EXPECT_EQ(flattenSpikes(levels, 2, 4), levels);
  // Zero bins stay zero.
  EXPECT_EQ(flattenSpikes(V{0, 7, 0}, 1, 4), (V{0, 7, 0}));
}

// A spike of one repeated value (bin 5) on a flat density: raw KL with 4
// levels picks the threshold right after the spike (6 of 16 bins, the
// tail hidden in the spike's bin); entropyRange flattens the spike and keeps
// the whole range, which a flat density needs.
TEST(Calibration, EntropyRangeSpike) {
  std::vector<uint64_t> flat(16, 10), spiky = flat;
  spiky[5] = 200;
  EXPECT_EQ(entropyThreshold(spiky, 1.0, 4), 6.0);
  EXPECT_EQ(entropyThreshold(flat, 1.0, 4), 16.0);
  Histogram h(16.0, 16);
  h.pos = spiky;
  h.zeros = 5000;
  Range r = entropyRange(h, {2, false}); // one-sided: 4 levels
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.max, 16.0);
  // Two-sided with the same spike: 2 levels per side, still the whole range.
  h.neg = flat;
  Range s = entropyRange(h, {2, true});
  EXPECT_EQ(s.min, -16.0);
  EXPECT_EQ(s.max, 16.0);
}

// MSE by hand: 10 values in bin 0 (center 0.5), one in bin 3 (center 3.5),
// 1 bit (grid {0, b}): b = 4 -> 16/12*11 = 14.67; b = 3 -> 9/12*10 + 1/3 =
// 7.83; b = 2 -> 4/12*10 + 2.25 + 1/12 = 5.67; b = 1 -> 10/12 + 6.25 +
// 1/12 = 7.17. Best: [0, 2].
TEST(Calibration, MSE) {
  Histogram h = hist({10, 0, 0, 1}, {0, 0, 0, 0});
  Range r = mseRange(h, {1, false});
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.max, 2.0);
  // Many bits: quantization noise is negligible, keep everything.
  Range wide = mseRange(h, {16, false});
  EXPECT_EQ(wide.max, 4.0);
  // Symmetric, 2 bits (grid {-T, 0, T}): T = 2 costs 4/12*10 + 2.33 =
  // 5.67, T = 1: 10/12 + 6.33 = 7.17, T = 3: 9/12*10 + 0.33 = 7.83.
  Range s = mseRange(h, {2, true});
  EXPECT_EQ(s.max, 2.0);
  EXPECT_EQ(s.min, -2.0);
  // Only zeros: an empty range.
  Range z = mseRange(hist({0, 0, 0, 0}, {0, 0, 0, 0}, 5), {8, false});
  EXPECT_EQ(z.min, 0.0);
  EXPECT_EQ(z.max, 0.0);
}

// computeRange never widens past the data, and needs the right statistics.
TEST(Calibration, ComputeRange) {
  TensorObserver o(1, 4, false);
  float v[] = {0.5f, 1.5f, 2.5f, 3.0f};
  for (float &x : v)
    o.addSample(&x, 1);
  o.startHistogram(4.0, 4);
  o.addToHistogram(v, 4);
  Options opt;
  opt.method = Method::Percentile;
  opt.percentile = 100.0;
  auto r = computeRange(o.stats(), opt, {});
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->max, 3.0); // bin edge 4 clipped to the largest value seen
  opt.method = Method::MovingMax;
  auto bad = computeRange(o.stats(), opt, {});
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "no per-batch statistics for method moving-max");
}

// Merging shards is exact: extrema, batches in order, histogram counts.
TEST(Calibration, MergeShards) {
  TensorStats all = observe({{1, -2}, {3, 0.5}, {-4, 2}, {0, 1}}, 2, 2);
  TensorStats a = observe({{1, -2}, {3, 0.5}}, 2, 2);
  TensorStats b = observe({{-4, 2}, {0, 1}}, 2, 2);
  auto exact = merge(a, b, "t", 2);
  ASSERT_TRUE(bool(exact));
  EXPECT_TRUE(*exact);
  EXPECT_EQ(a.min, all.min);
  EXPECT_EQ(a.max, all.max);
  EXPECT_EQ(a.samples, all.samples);
  ASSERT_EQ(a.batches.size(), all.batches.size());
  for (size_t i = 0; i < a.batches.size(); ++i) {
    EXPECT_EQ(a.batches[i].min, all.batches[i].min);
    EXPECT_EQ(a.batches[i].max, all.batches[i].max);
  }
  // A shard ending in a partial batch makes the merge inexact.
  TensorStats c = observe({{1, 1}}, 2, 2);
  auto inexact = merge(c, b, "t", 2);
  ASSERT_TRUE(bool(inexact));
  EXPECT_FALSE(*inexact);
  // Histograms need the same range.
  TensorStats h1 = observe({{1, 1}}, 2, 2), h2 = observe({{1, 1}}, 2, 2);
  h1.histogram = Histogram(4.0, 4);
  h2.histogram = Histogram(2.0, 4);
  auto err = merge(h1, h2, "conv:0", 2);
  ASSERT_FALSE(bool(err));
  EXPECT_EQ(llvm::toString(err.takeError()),
            "histograms of tensor 'conv:0' cover different ranges (4 and 2): "
            "calibrate every shard with the same range-from file");
}

// JSON round trip preserves every number exactly.
TEST(Calibration, JSONRoundTrip) {
  StatsFile f;
  f.method = Method::Entropy;
  f.batchSize = 2;
  f.bins = 4;
  TensorStats s = observe({{0.1f, -2.7f}, {3.3f, 0.5f}}, 2, 2);
  s.histogram = hist({1, 2, 3, 4}, {0, 0, 5, 0}, 6);
  f.tensors["conv:0"] = s;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << toJSON(f);
  auto back = parseStatsFile(text, "s.json");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->method, Method::Entropy);
  EXPECT_EQ(back->batchSize, 2);
  const TensorStats &t = back->tensors.at("conv:0");
  EXPECT_EQ(t.min, s.min);
  EXPECT_EQ(t.max, s.max);
  EXPECT_EQ(t.batches[0].max, s.batches[0].max);
  EXPECT_EQ(t.histogram->pos, s.histogram->pos);
  EXPECT_EQ(t.histogram->neg, s.histogram->neg);
  EXPECT_EQ(t.histogram->zeros, 6u);
}

// Malformed files: one-line errors naming the file and the key.
TEST(Calibration, JSONErrors) {
  auto parse = [](llvm::StringRef text) {
    auto r = parseStatsFile(text, "s.json");
    return r ? std::string("ok") : llvm::toString(r.takeError());
  };
  EXPECT_EQ(parse("{").rfind("s.json: invalid JSON: ", 0), 0u);
  EXPECT_EQ(parse("{}"), "s.json: not a qmlir calibration statistics file "
                         "(\"format\": \"qmlir-calibration-stats\" expected)");
  const char *head = R"({"format": "qmlir-calibration-stats", "version": 1,
      "method": "minmax", "batch_size": 1, "bins": 0, )";
  EXPECT_EQ(parse(std::string(head) + R"("tensors": {}, "extra": 1})"),
            "s.json: top level: unknown key 'extra'");
  EXPECT_EQ(parse(std::string(head) +
                  R"("tensors": {"x": {"samples": 1, "channels": 2,
                     "min": [0], "max": [1, 2]}}})"),
            "s.json: tensor 'x': 'min' must be an array of 2 numbers");
  EXPECT_EQ(parse(R"({"format": "qmlir-calibration-stats", "version": 1,
      "method": "kl", "batch_size": 1, "bins": 0, "tensors": {}})"),
            "s.json: top level: 'method' must be one of minmax, moving-max, "
            "moving-average, percentile, entropy, mse");
}

} // namespace
