//===- DataFreeTest.cpp - tests of the data-free quantization math --------===//

#include "qmlir/Quant/DataFree.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qmlir::dfq;

namespace {

/// A dense layer [out, in].
LayerWeights dense(int64_t out, int64_t in, std::vector<float> values) {
  LayerWeights w;
  w.values = std::move(values);
  w.outChannels = out;
  w.inPerGroup = in;
  return w;
}

// Output ranges are max |w| per row; input ranges max |w| per column.
TEST(Ranges, Dense) {
  LayerWeights w = dense(2, 3,
                         {1, -4, 2, //
                          -3, 0.5, 1});
  EXPECT_EQ(outputChannelRanges(w), (std::vector<double>{4, 3}));
  EXPECT_EQ(inputChannelRanges(w, identityMap(3), 3),
            (std::vector<double>{3, 4, 2}));
}

// A depthwise conv reads input channel o with output channel o only.
TEST(Ranges, Depthwise) {
  LayerWeights w;
  w.values = {1, -2, 3, 0.5, -6, 1}; // [3, 1, 2, 1]: kh*kw = 2
  w.outChannels = 3;
  w.spatial = 2;
  w.inPerGroup = 1;
  w.groups = 3;
  EXPECT_EQ(outputChannelRanges(w), (std::vector<double>{2, 3, 6}));
  EXPECT_EQ(inputChannelRanges(w, identityMap(3), 3),
            (std::vector<double>{2, 3, 6}));
}

// A flatten maps several input features onto one channel: the channel's
// range is the maximum over all of them.
TEST(Ranges, ChannelMap) {
  LayerWeights w = dense(1, 4, {1, -5, 2, 3});
  EXPECT_EQ(inputChannelRanges(w, {0, 1, 0, 1}, 2),
            (std::vector<double>{2, 5}));
}

// s = sqrt(r1 r2) / r2; ranges 4 and 1 give s = 2, after which both are 2.
// A zero range leaves the channel alone.
TEST(PairScaleFactors, HandChecked) {
  std::vector<double> s = pairScaleFactors({4, 1, 0, 9}, {1, 4, 3, 1});
  EXPECT_DOUBLE_EQ(s[0], 2.0);
  EXPECT_DOUBLE_EQ(s[1], 0.5);
  EXPECT_DOUBLE_EQ(s[2], 1.0);
  EXPECT_DOUBLE_EQ(s[3], 3.0);
}

// Equalizing a dense pair: both layers end with ranges sqrt(r1 r2), and the
// composed map W2 * W1 is unchanged.
TEST(PairScaleFactors, EqualizesDensePair) {
  LayerWeights w1 = dense(2, 2, {8, -2, 0.25, 0.5});
  LayerWeights w2 = dense(2, 2, {1, 1, -2, 4});
  std::vector<float> b1 = {4, -1};
  std::vector<double> r1 = outputChannelRanges(w1); // {8, 0.5}
  std::vector<double> r2 = inputChannelRanges(w2, identityMap(2), 2); // {2, 4}
  std::vector<double> s = pairScaleFactors(r1, r2);
  EXPECT_DOUBLE_EQ(s[0], 2.0);              // sqrt(8 / 2)
  EXPECT_DOUBLE_EQ(s[1], std::sqrt(0.125)); // sqrt(0.5 / 4)
  scaleOutputChannels(w1, b1, s);
  scaleInputChannels(w2, identityMap(2), s);
  EXPECT_EQ(w1.values,
            (std::vector<float>{4, -1, float(0.25 / s[1]), float(0.5 / s[1])}));
  EXPECT_FLOAT_EQ(b1[0], 2.0f);
  std::vector<double> e1 = outputChannelRanges(w1);
  std::vector<double> e2 = inputChannelRanges(w2, identityMap(2), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(e1[i], std::sqrt(r1[i] * r2[i]), 1e-6);
    EXPECT_NEAR(e2[i], std::sqrt(r1[i] * r2[i]), 1e-6);
  }
  // W2 * W1, column 0: w2 row 0 . w1 col 0 = 1*8 + 1*0.25 before scaling.
  double composed = w2.values[0] * w1.values[0] + w2.values[1] * w1.values[2];
  EXPECT_NEAR(composed, 8.25, 1e-6);
}

// m = cbrt(r1 r2 r3): ranges 8, 1, 1 give m = 2, s12 = 4, s23 = 2; after
// scaling all three ranges are 2.
TEST(TripleScaleFactors, HandChecked) {
  TripleScaleFactors f = tripleScaleFactors({8, 1, 0}, {1, 8, 5}, {1, 1, 2});
  EXPECT_DOUBLE_EQ(f.s12[0], 4.0);
  EXPECT_DOUBLE_EQ(f.s23[0], 2.0);
  EXPECT_NEAR(f.s12[1], 0.5, 1e-12);
  EXPECT_NEAR(f.s23[1], 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(f.s12[2], 1.0); // a zero range: left alone
  EXPECT_DOUBLE_EQ(f.s23[2], 1.0);
  // r1 / s12 = r2 * s12 / s23 = r3 * s23 = m.
  EXPECT_DOUBLE_EQ(8 / f.s12[0], 2.0);
  EXPECT_DOUBLE_EQ(1 * f.s12[0] / f.s23[0], 2.0);
  EXPECT_DOUBLE_EQ(1 * f.s23[0], 2.0);
}

// The response to a constant per-channel input: sum of the weights that read
// each channel times its value.
TEST(ApplyToChannelConstant, ConvAndDense) {
  LayerWeights conv;          // [2, 2, 1, 2]: out 2, spatial 2, in 2
  conv.values = {1,  2, 3, 4, //
                 -1, 0, 0, 1};
  conv.outChannels = 2;
  conv.spatial = 2;
  conv.inPerGroup = 2;
  // o = 0: (1 + 3) * 10 + (2 + 4) * 100 = 640; o = 1: -10 + 100 = 90.
  EXPECT_EQ(applyToChannelConstant(conv, identityMap(2), {10, 100}),
            (std::vector<double>{640, 90}));
  LayerWeights fc = dense(1, 3, {1, 2, 3});
  EXPECT_EQ(applyToChannelConstant(fc, {1, 0, 1}, {10, 100}),
            (std::vector<double>{100 + 20 + 300}));
}

// c = max(0, beta - 3 |gamma|) with a ReLU, beta without.
TEST(HighBiasAbsorption, HandChecked) {
  EXPECT_EQ(highBiasAbsorption({5, 1, 4, -2}, {1, 1, -1, 1}, true),
            (std::vector<double>{2, 0, 1, 0}));
  EXPECT_EQ(highBiasAbsorption({5, -2}, {1, 1}, false),
            (std::vector<double>{5, -2}));
}

// The ReLU case against the paper's formula; the clipped case against values
// computed by hand from Phi and phi; limits.
TEST(ClippedNormalMean, HandChecked) {
  const double inf = INFINITY;
  // N(0, 1) through ReLU: phi(0) = 1/sqrt(2 pi).
  EXPECT_NEAR(clippedNormalMean(0, 1, 0, inf), 0.3989422804014327, 1e-12);
  // N(1, 2^2) through ReLU: 2 phi(0.5) + 1 * Phi(0.5).
  EXPECT_NEAR(clippedNormalMean(1, 2, 0, inf),
              2 * 0.3520653267642995 + 0.6914624612740131, 1e-12);
  // Negative sigma is its absolute value (a BN gamma may be negative).
  EXPECT_NEAR(clippedNormalMean(1, -2, 0, inf), clippedNormalMean(1, 2, 0, inf),
              1e-15);
  // N(3, 1) clipped to [0, 6]: symmetric about 3, so the mean stays 3.
  EXPECT_NEAR(clippedNormalMean(3, 1, 0, 6), 3.0, 1e-12);
  // N(6, 1) clipped to [0, 6]: 6 - E[max(0, 6 - X)] = 6 - phi(0) (to 1e-9).
  EXPECT_NEAR(clippedNormalMean(6, 1, 0, 6), 6 - 0.3989422804014327, 1e-9);
  // No clipping is the mean itself; sigma 0 is a clamp.
  EXPECT_NEAR(clippedNormalMean(-1.5, 3, -inf, inf), -1.5, 1e-12);
  EXPECT_DOUBLE_EQ(clippedNormalMean(-1, 0, 0, inf), 0.0);
  EXPECT_DOUBLE_EQ(clippedNormalMean(7, 0, 0, 6), 6.0);
  // Far above the clip, the output is the clip value.
  EXPECT_NEAR(clippedNormalMean(100, 1, 0, 6), 6.0, 1e-12);
}

} // namespace
