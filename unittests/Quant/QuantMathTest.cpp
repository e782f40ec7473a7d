//===- QuantMathTest.cpp - tests of the integer reference semantics -------===//

#include "qmlir/Quant/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace qmlir::qmath;

namespace {

// A multiplier/shift pair reproduces the scale to 31 bits of precision.
TEST(ComputeRescale, ReproducesScale) {
  for (double scale : {0.75, 0.5, 1.0, 1.5, 3.0e-3, 1.0e-6, 0.999999999,
                       1234.5}) {
    auto r = computeRescale(scale);
    ASSERT_TRUE(r.has_value()) << scale;
    EXPECT_GE(r->shift, 2);
    EXPECT_LE(r->shift, 62);
    EXPECT_GE(r->multiplier, 1 << 30) << scale;
    double back = r->multiplier * std::ldexp(1.0, -r->shift);
    EXPECT_NEAR(back / scale, 1.0, 1.0e-9) << scale;
  }
}

// Exact powers of two give multiplier 2^30.
TEST(ComputeRescale, PowerOfTwo) {
  auto r = computeRescale(0.25);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->multiplier, 1 << 30);
  EXPECT_EQ(r->shift, 32);
}

// A mantissa that rounds up to 1.0 moves into the exponent.
TEST(ComputeRescale, MantissaRoundsUp) {
  auto r = computeRescale(std::nextafter(1.0, 0.0));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->multiplier, 1 << 30);
  EXPECT_EQ(r->shift, 30);
}

// Tiny scales keep shift 62 and shrink the multiplier.
TEST(ComputeRescale, TinyScale) {
  auto r = computeRescale(std::ldexp(0.75, -40));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->shift, 62);
  EXPECT_EQ(r->multiplier, (3 << 29) >> 9);
  auto zero = computeRescale(1.0e-30);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->multiplier, 0);
  EXPECT_EQ(applyRescale(1 << 30, *zero), 0);
}

// Non-positive, non-finite and too-large scales are rejected.
TEST(ComputeRescale, Rejects) {
  EXPECT_FALSE(computeRescale(0.0));
  EXPECT_FALSE(computeRescale(-1.0));
  EXPECT_FALSE(computeRescale(std::nan("")));
  EXPECT_FALSE(computeRescale(INFINITY));
  EXPECT_FALSE(computeRescale(std::ldexp(1.0, 30)));
}

// Single rounding rounds halves towards +infinity, like TOSA SINGLE_ROUND.
TEST(ApplyRescale, RoundsHalfUp) {
  Rescale half{1 << 30, 31}; // 0.5
  EXPECT_EQ(applyRescale(3, half), 2);   // 1.5 -> 2
  EXPECT_EQ(applyRescale(-3, half), -1); // -1.5 -> -1
  EXPECT_EQ(applyRescale(5, half), 3);   // 2.5 -> 3
  EXPECT_EQ(applyRescale(-5, half), -2); // -2.5 -> -2
  EXPECT_EQ(applyRescale(4, half), 2);
  EXPECT_EQ(applyRescale(0, half), 0);
}

// applyRescale matches the exact rational result rounded half up, on random
// values and scales.
TEST(ApplyRescale, MatchesExactRounding) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int32_t> values(-(1 << 24), 1 << 24);
  std::uniform_real_distribution<double> logScale(-20.0, 4.0);
  for (int i = 0; i < 20000; ++i) {
    auto r = computeRescale(std::exp2(logScale(rng)));
    ASSERT_TRUE(r);
    int32_t v = values(rng);
    // value * multiplier / 2^shift, rounded half up, in long double.
    long double exact = std::ldexp((long double)v * r->multiplier, -r->shift);
    long double expected = std::floor(exact + 0.5L);
    if (expected > std::numeric_limits<int32_t>::max() ||
        expected < std::numeric_limits<int32_t>::min())
      continue;
    EXPECT_EQ(applyRescale(v, *r), (int32_t)expected) << v << " " << r->multiplier << " " << r->shift;
  }
}

// Results beyond int32 saturate.
TEST(ApplyRescale, Saturates) {
  auto big = computeRescale(1000.0);
  ASSERT_TRUE(big);
  EXPECT_EQ(applyRescale(std::numeric_limits<int32_t>::max(), *big),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(applyRescale(std::numeric_limits<int32_t>::min(), *big),
            std::numeric_limits<int32_t>::min());
}

// Requantize subtracts the input zero point, adds the output zero point and
// saturates to the storage range (here a 4-bit range in 8-bit storage).
TEST(Requantize, ZeroPointsAndSaturation) {
  auto r = computeRescale(0.5);
  ASSERT_TRUE(r);
  EXPECT_EQ(requantize(10, 4, *r, 1, -8, 7), 4);    // (10-4)*0.5+1
  EXPECT_EQ(requantize(100, 0, *r, 0, -8, 7), 7);   // saturates high
  EXPECT_EQ(requantize(-100, 0, *r, 0, -8, 7), -8); // saturates low
  EXPECT_EQ(requantize(-128, 127, *r, 0, -128, 127), -127); // -255*0.5 = -127.5 -> -127
}

// Quantize rounds ties to even and saturates.
TEST(Quantize, TiesToEvenAndSaturation) {
  EXPECT_EQ(quantize(2.5f, 1.0, 0, -128, 127), 2);
  EXPECT_EQ(quantize(3.5f, 1.0, 0, -128, 127), 4);
  EXPECT_EQ(quantize(-2.5f, 1.0, 0, -128, 127), -2);
  EXPECT_EQ(quantize(0.25f, 0.1, -3, -128, 127), -1); // 2.5 -> 2, -3
  EXPECT_EQ(quantize(1000.0f, 0.1, 0, -128, 127), 127);
  EXPECT_EQ(quantize(-1.0e30f, 0.1, 0, -128, 127), -128);
  EXPECT_EQ(quantize(std::nanf(""), 0.1, 5, -128, 127), 5);
}

// Dequantize inverts quantize within half a step.
TEST(Quantize, RoundTripWithinHalfStep) {
  const double scale = 0.037;
  for (float x = -4.0f; x <= 4.0f; x += 0.01f) {
    int64_t q = quantize(x, scale, 7, -128, 127);
    EXPECT_LE(std::fabs(dequantize(q, scale, 7) - x), scale / 2 + 1e-6);
  }
}

// Symmetric parameters: zero point 0 and a narrow range.
TEST(ParamsForRange, Symmetric) {
  QuantParams p = paramsForRange(-2.0, 1.0, 8, /*symmetric=*/true);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -127);
  EXPECT_EQ(p.qmax, 127);
  EXPECT_DOUBLE_EQ(p.scale, 2.0 / 127);
  QuantParams p4 = paramsForRange(-1.0, 0.5, 4, true);
  EXPECT_EQ(p4.qmin, -7);
  EXPECT_EQ(p4.qmax, 7);
  EXPECT_DOUBLE_EQ(p4.scale, 1.0 / 7);
}

// Asymmetric parameters: min maps to qmin and zero is exact.
TEST(ParamsForRange, Asymmetric) {
  QuantParams p = paramsForRange(0.0, 6.0, 8, /*symmetric=*/false);
  EXPECT_EQ(p.qmin, -128);
  EXPECT_EQ(p.qmax, 127);
  EXPECT_DOUBLE_EQ(p.scale, 6.0 / 255);
  EXPECT_EQ(p.zeroPoint, -128);
  EXPECT_EQ(quantize(0.0f, p.scale, p.zeroPoint, p.qmin, p.qmax), -128);
  QuantParams q = paramsForRange(-1.0, 3.0, 8, false);
  EXPECT_EQ(q.zeroPoint, -64); // -128 + 1/(4/255) = -64.25 -> -64
  EXPECT_EQ(quantize(0.0f, q.scale, q.zeroPoint, q.qmin, q.qmax), q.zeroPoint);
}

// Ranges not containing zero are widened to contain it.
TEST(ParamsForRange, WidensToZero) {
  QuantParams p = paramsForRange(2.0, 4.0, 8, false);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255);
  EXPECT_EQ(p.zeroPoint, -128);
}

// Degenerate ranges and 1-bit types.
TEST(ParamsForRange, EdgeCases) {
  QuantParams z = paramsForRange(0.0, 0.0, 8, false);
  EXPECT_DOUBLE_EQ(z.scale, 1.0);
  EXPECT_EQ(z.zeroPoint, 0);
  QuantParams b = paramsForRange(0.0, 1.0, 1, true);
  EXPECT_EQ(b.qmin, -1);
  EXPECT_EQ(b.qmax, 0);
  EXPECT_EQ(b.zeroPoint, -1);
  EXPECT_DOUBLE_EQ(b.scale, 1.0);
  QuantParams w = paramsForRange(-1.0, 1.0, 16, true);
  EXPECT_EQ(w.qmax, 32767);
}

// Bias quantization rounds to nearest and saturates to int32.
TEST(QuantizeBias, RoundsAndSaturates) {
  EXPECT_EQ(quantizeBias(1.0f, 0.01), 100);
  EXPECT_EQ(quantizeBias(-0.375f, 0.25), -2); // -1.5 -> -2 (ties to even)
  EXPECT_EQ(quantizeBias(0.625f, 0.25), 2);   // 2.5 -> 2 (ties to even)
  EXPECT_EQ(quantizeBias(1.0e10f, 1.0e-3), std::numeric_limits<int32_t>::max());
}

} // namespace

namespace {

// A lookup table evaluates the function on every input storage value:
// relu with input scale 0.5, zero point -2 over [-4, 3] and output scale 0.25,
// zero point -8 over [-8, 7].
TEST(LookupTable, Relu) {
  QuantParams in{0.5, -2, -4, 3};
  QuantParams out{0.25, -8, -8, 7};
  std::vector<int64_t> t = buildLookupTable(
      [](double x) { return x > 0 ? x : 0.0; }, in, out);
  // Inputs -4..3 are the reals -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5; relu and
  // quantize: 0 -> -8, 0.5 -> -6, ..., 2.5 -> 2.
  EXPECT_EQ(t, (std::vector<int64_t>{-8, -8, -8, -6, -4, -2, 0, 2}));
  // A function beyond the output range saturates.
  std::vector<int64_t> big =
      buildLookupTable([](double x) { return 100 * x; }, in, out);
  EXPECT_EQ(big.front(), -8);
  EXPECT_EQ(big.back(), 7);
}

// A two-input table is indexed lhs-major: entry i * nb + j. Division by 0
// saturates (+-inf) or gives the zero point (0 / 0 is NaN).
TEST(LookupTable, TwoInputs) {
  QuantParams a{0.5, 0, -2, 1}; // -1, -0.5, 0, 0.5
  QuantParams b{1.0, 0, -1, 1}; // -1, 0, 1
  QuantParams out{0.25, 1, -8, 7};
  std::vector<int64_t> t =
      buildLookupTable2d([](double x, double y) { return x / y; }, a, b, out);
  ASSERT_EQ(t.size(), 12u);
  EXPECT_EQ(t, (std::vector<int64_t>{5, -8, -3,   // -1 / (-1, 0, 1)
                                     3, -8, -1,   // -0.5
                                     1, 1, 1,     // 0: 0/0 is NaN -> zp
                                     -1, 7, 3})); // 0.5
}

// Sum-indexed tables: exact below 2^9, then 9 leading bits and the shift.
TEST(SumTable, Index) {
  EXPECT_EQ(sumTableSize(), 6144);
  EXPECT_EQ(sumTableIndex(-5), 0);
  EXPECT_EQ(sumTableIndex(0), 0);
  EXPECT_EQ(sumTableIndex(511), 511);
  EXPECT_EQ(sumTableIndex(512), 512);
  EXPECT_EQ(sumTableIndex(513), 512);
  EXPECT_EQ(sumTableIndex(1023), 767);
  EXPECT_EQ(sumTableIndex(1024), 768);
  EXPECT_EQ(sumTableIndex(2147483647), 6143);
  EXPECT_EQ(sumTableValue(511), 511.0);
  EXPECT_EQ(sumTableValue(512), 512.5);  // 512 and 513
  EXPECT_EQ(sumTableValue(768), 1025.5); // 1024 ... 1027
  // Every index stands for a sum that maps back to it.
  for (int64_t i = 0; i < sumTableSize(); ++i)
    EXPECT_EQ(sumTableIndex(static_cast<int64_t>(sumTableValue(i))), i) << i;
}

// Integer log_softmax by hand: input scale ln 2, so the exponentials are
// 2^16, 2^15, 2^14 and S = 114688 (index 2496, standing for 114815.5);
// log = round(256 ln(114815.5 / 65536) / 0.0625) = 2297; distances
// d * 0.6931 * 4096 = 0, 2839, 5678; out = 127 - (t + 2297 + 128) / 256 =
// 118, 107, 96 (the reals -0.5625, -1.25, -1.9375 against -0.5596,
// -1.2528, -1.9459).
TEST(LogSoftmax, Row) {
  std::optional<LogSoftmaxTables> t =
      logSoftmaxTables(std::log(2.0), 255, 0.0625);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->log[2496], 2297);
  QuantParams out{0.0625, 127, -128, 127};
  EXPECT_EQ(logSoftmax({0, -1, -2}, *t, out),
            (std::vector<int64_t>{118, 107, 96}));
  // Scales too far apart have no rescale.
  EXPECT_FALSE(logSoftmaxTables(1.0, 255, 1e-9));
}

// The softmax exponential table: 2^16 * 2^-d for input scale ln 2, until it
// rounds to 0 (at d = 17 or 18, depending on how e^(-17 ln 2) rounds).
TEST(Softmax, Table) {
  SoftmaxTable t = softmaxTable(std::log(2.0), 255, 8);
  EXPECT_EQ(t.precision, 16u);
  ASSERT_GE(t.exp.size(), 18u);
  ASSERT_LE(t.exp.size(), 19u);
  for (int d = 0; d <= 16; ++d)
    EXPECT_EQ(t.exp[d], 65536 >> d) << d;
  EXPECT_EQ(t.exp.back(), 0);
  EXPECT_EQ(t.maxLength(), 32767);
  // 16-bit outputs use a coarser table so that e * 2^16 fits.
  EXPECT_EQ(softmaxTable(0.1, 255, 16).precision, 14u);
  // A short input range ends the table early.
  EXPECT_EQ(softmaxTable(0.001, 15, 8).exp.size(), 16u);
}

// Integer softmax by hand: exps 65536, 32768, 16384, sum 114688;
// out = -128 + (e * 256 + 57344) / 114688 = 18, -55, -91 (the reals
// 0.5703, 0.2852, 0.1445 against 4/7, 2/7, 1/7).
TEST(Softmax, Row) {
  SoftmaxTable t = softmaxTable(std::log(2.0), 255, 8);
  EXPECT_EQ(softmax({10, 9, 8}, t, 8), (std::vector<int64_t>{18, -55, -91}));
  // Probability 1 saturates at the top of the range (255/256).
  SoftmaxTable s = softmaxTable(1.0, 255, 8);
  EXPECT_EQ(softmax({0, -128}, s, 8), (std::vector<int64_t>{127, -128}));
  QuantParams p = softmaxOutputParams(8);
  EXPECT_EQ(p.scale, 1.0 / 256);
  EXPECT_EQ(p.zeroPoint, -128);
  EXPECT_EQ(p.qmin, -128);
  EXPECT_EQ(p.qmax, 127);
}

// Power-of-two scales round up (the range widens) and keep 0 exact.
TEST(QuantMath, ParamsForRangePowerOfTwo) {
  // Symmetric: 1.0 / 7 = 0.143 -> 0.25.
  QuantParams s = paramsForRange(-1.0, 0.5, 4, true, /*powerOfTwo=*/true);
  EXPECT_EQ(s.scale, 0.25);
  EXPECT_EQ(s.zeroPoint, 0);
  EXPECT_EQ(s.qmax, 7);
  // Asymmetric: 3.0 / 15 = 0.2 -> 0.25; zero point maps 0 to qmin.
  QuantParams a = paramsForRange(0.0, 3.0, 4, false, true);
  EXPECT_EQ(a.scale, 0.25);
  EXPECT_EQ(a.zeroPoint, -8);
  // [-1, 3]: 4 / 255 = 0.0157 -> 2^-5 (2^-6 = 0.0156 is too small);
  // zp = round(-128 + 1 / 2^-5) = -96.
  QuantParams b = paramsForRange(-1.0, 3.0, 8, false, true);
  EXPECT_EQ(b.scale, 0.03125);
  EXPECT_EQ(b.zeroPoint, -96);
  // A scale that is already a power of two is kept.
  QuantParams c = paramsForRange(0.0, 15.0, 4, false, true);
  EXPECT_EQ(c.scale, 1.0);
}

} // namespace
