//===- AdaRoundTest.cpp - tests of the AdaRound optimization --------------===//

#include "qmlir/Quant/AdaRound.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qmlir::adaround;

namespace {

// h(V) is the fractional part the optimization starts from; it saturates at
// 0 and 1 (the stretched sigmoid reaches -0.1 and 1.1).
TEST(AdaRound, RectifiedSigmoid) {
  EXPECT_NEAR(rectifiedSigmoid(initialV(0.3)), 0.3, 1e-12);
  EXPECT_NEAR(rectifiedSigmoid(0.0), 0.5, 1e-12);
  EXPECT_EQ(rectifiedSigmoid(-50.0), 0.0);
  EXPECT_EQ(rectifiedSigmoid(50.0), 1.0);
  // 1.2 * sigmoid(1) - 0.1 = 0.777294...
  EXPECT_NEAR(rectifiedSigmoid(1.0), 1.2 / (1.0 + std::exp(-1.0)) - 0.1,
              1e-12);
}

// beta stays at the start during the warm-up, then follows a cosine from
// start to end: at the middle of the remaining iterations it is the mean.
TEST(AdaRound, AnnealedBeta) {
  Options o;
  o.iterations = 1000;
  o.warmup = 0.2;
  EXPECT_EQ(annealedBeta(o, 0), 20.0);
  EXPECT_EQ(annealedBeta(o, 199), 20.0);
  EXPECT_NEAR(annealedBeta(o, 200), 20.0, 1e-12);
  EXPECT_NEAR(annealedBeta(o, 600), 11.0, 1e-12);
  EXPECT_NEAR(annealedBeta(o, 1000), 2.0, 1e-12);
}

// 1 - |2h - 1|^beta: 0 at h in {0, 1}, 1 at h = 0.5; with beta = 2 at h =
// 0.25, 1 - 0.25 = 0.75.
TEST(AdaRound, Regularizer) {
  EXPECT_EQ(roundingRegularizer(0.0, 20.0), 0.0);
  EXPECT_EQ(roundingRegularizer(1.0, 2.0), 0.0);
  EXPECT_EQ(roundingRegularizer(0.5, 2.0), 1.0);
  EXPECT_NEAR(roundingRegularizer(0.25, 2.0), 0.75, 1e-12);
}

/// One output channel of three weights, scale 1, and inputs that are always
/// x = [1, 1, 1] (G = x x^T = all ones): the output error of integer weights
/// q is (sum q - sum w)^2.
Problem correlated() {
  Problem p;
  p.rows = 1;
  p.k = 3;
  p.weights = {0.6f, 0.62f, 0.64f};
  p.scales = {1.0};
  p.gram = std::vector<double>(9, 1.0);
  p.qmin = -7;
  p.qmax = 7;
  return p;
}

// Rounding each weight to nearest gives [1, 1, 1] and the output error
// (3 - 1.86)^2 = 1.2996. Rounding one weight down gives (2 - 1.86)^2 =
// 0.0196, the best; AdaRound finds such a rounding.
TEST(AdaRound, RoundsUpOrDownByTheOutput) {
  Problem p = correlated();
  EXPECT_EQ(roundNearest(p), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_NEAR(reconstructionError(p, {1, 1, 1}), 1.2996, 1e-6);
  EXPECT_NEAR(reconstructionError(p, {1, 0, 1}), 0.0196, 1e-6);
  EXPECT_NEAR(reconstructionError(p, {0, 0, 1}), 0.7396, 1e-6);
  Result r = optimize(p, Options());
  EXPECT_EQ(r.q[0] + r.q[1] + r.q[2], 2);
  EXPECT_NEAR(r.nearestError, 1.2996, 1e-6);
  EXPECT_NEAR(r.error, 0.0196, 1e-6);
  EXPECT_EQ(r.changed, 1);
}

// Uncorrelated inputs (G = I): every weight is best rounded to nearest.
TEST(AdaRound, IdentityGramKeepsNearest) {
  Problem p;
  p.rows = 2;
  p.k = 3;
  p.weights = {0.3f, -1.7f, 2.2f, 0.45f, -0.55f, 1.9f};
  p.scales = {1.0, 0.5};
  p.gram = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  Result r = optimize(p, Options());
  EXPECT_EQ(r.q, roundNearest(p));
  EXPECT_EQ(r.changed, 0);
  EXPECT_NEAR(r.error, r.nearestError, 1e-12);
}

// A weight at the end of the range keeps it (it fixes the scale), even when
// rounding it down would reconstruct better.
TEST(AdaRound, KeepsTheLargestMagnitude) {
  Problem p = correlated();
  p.qmin = -1;
  p.qmax = 1;
  p.weights = {1.0f, 0.6f, 0.62f};
  // Nearest: [1, 1, 1], error 0.6084; [0, 1, 1] would give 0.0484.
  Result r = optimize(p, Options());
  EXPECT_EQ(r.q[0], 1);
  EXPECT_EQ(r.q[1] + r.q[2], 1);
}

} // namespace

namespace {

// Perturbed inputs: the float layer sees x = 1, the layer being rounded
// x~ = 2 (its input doubled by the earlier quantized layers). With w = 0.6
// and scale 1 the error of q is (2 q - 0.6)^2: G~ = 4, b = E[x~ x] w = 1.2,
// c = E[(w x)^2] = 0.36. Nearest (1) gives 1.96, rounding down 0.36.
TEST(AdaRound, PerturbedInputs) {
  Problem p;
  p.rows = 1;
  p.k = 1;
  p.weights = {0.6f};
  p.scales = {1.0};
  p.gram = {4.0};
  p.target = {1.2};
  p.targetEnergy = {0.36};
  EXPECT_NEAR(reconstructionError(p, {1}), 1.96, 1e-6);
  EXPECT_NEAR(reconstructionError(p, {0}), 0.36, 1e-6);
  Result r = optimize(p, Options());
  EXPECT_EQ(r.q, (std::vector<int64_t>{0}));
  EXPECT_NEAR(r.nearestError, 1.96, 1e-6);
  EXPECT_EQ(r.changed, 1);
}

} // namespace
