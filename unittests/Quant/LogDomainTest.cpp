//===- LogDomainTest.cpp - tests of the log-domain integer forms ----------===//

#include "qmlir/Quant/LogDomain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qmlir::qmath;

namespace {

const QuantParams kI8{0.02, 7, -128, 127};

/// quantize(f) for a double value f (the float path's rounding).
int64_t expected(double f, const QuantParams &out) {
  return quantize(static_cast<float>(f), out.scale, out.zeroPoint, out.qmin,
                  out.qmax);
}

// The mantissa table covers [2^29, 2^30) and powers of two in output units
// come back as themselves.
TEST(LogDomain, ExponentialOfPowersOfTwo) {
  QuantParams out{1.0, 0, -32768, 32767};
  LogOutput o = logOutput(16, out);
  EXPECT_EQ(o.mantissaBits, 16u);
  EXPECT_EQ(o.outLog, 0);
  EXPECT_GE(o.mantissa.front(), int64_t(1) << 29);
  EXPECT_LT(o.mantissa.back(), int64_t(1) << 30);
  for (int k = 0; k <= 14; ++k)
    EXPECT_EQ(exp2Magnitude(int64_t(k) << 16, o), int64_t(1) << k) << k;
  EXPECT_EQ(exp2Magnitude(int64_t(29) << 16, o), int64_t(1) << 30);
  EXPECT_EQ(exp2Magnitude(-(int64_t(2) << 16), o), 0); // 0.25 rounds to 0
  EXPECT_EQ(exp2Magnitude(-(int64_t(1) << 16), o), 1); // 0.5 rounds up
}

// reduce prod is within one output step of the float product of the
// dequantized inputs (when neither saturates), for random rows.
TEST(LogDomain, ReduceProdTracksFloat) {
  QuantParams out{0.05, -10, -128, 127};
  auto t = productTables(kI8, 4, out);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->output.fractionBits, 16u);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int64_t> dist(-128, 127);
  for (int i = 0; i < 2000; ++i) {
    std::vector<int64_t> q(4);
    double p = 1.0;
    for (int64_t &v : q) {
      v = dist(rng);
      p *= double(dequantize(v, kI8.scale, kI8.zeroPoint));
    }
    int64_t got = reduceProd(q, *t, kI8, out);
    EXPECT_LE(std::abs(got - expected(p, out)), 1) << p;
  }
}

// A zero makes the product the output zero point; signs multiply.
TEST(LogDomain, ReduceProdZeroAndSign) {
  QuantParams out{0.01, 0, -128, 127};
  auto t = productTables(kI8, 3, out);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(reduceProd({7, 120, -100}, *t, kI8, out), 0);
  // -43 and 57 are -1.0 and 1.0: (-1)(1)(-1) = 1 is 100 steps of 0.01.
  EXPECT_EQ(reduceProd({-43, 57, -43}, *t, kI8, out), 100);
  EXPECT_EQ(reduceProd({-43, 57, 57}, *t, kI8, out), -100);
  EXPECT_EQ(reduceProd({127, 127, 127}, *t, kI8, out), 127); // saturates
}

// The 32-bit bound: fewer fraction bits for longer reductions, none past
// 2^31 / (2^8 max|log|).
TEST(LogDomain, ProductBound) {
  QuantParams in{1.0, 0, -128, 127}; // max |log2 x| = 7
  QuantParams out{1.0, 0, -128, 127};
  EXPECT_EQ(productTables(in, 1000, out)->output.fractionBits, 16u);
  EXPECT_EQ(productTables(in, 100000, out)->output.fractionBits, 11u);
  EXPECT_EQ(productTables(in, 1000000, out)->output.fractionBits, 8u);
  EXPECT_FALSE(productTables(in, 2000000, out).has_value());
}

// div: the float quotient within a step; x / 0 and 0 / 0 as quantize gives
// them (+-inf saturate, NaN is the zero point).
TEST(LogDomain, Divide) {
  QuantParams a{0.0005, 0, -32767, 32767}, b{0.001, -100, -32768, 32767};
  QuantParams out{0.01, -5, -128, 127};
  DivTables t = divTables(a, b, out);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> da(-32767, 32767), db(-32768, 32767);
  for (int i = 0; i < 2000; ++i) {
    int64_t qa = da(rng), qb = db(rng);
    if (qb == b.zeroPoint)
      continue;
    double f = double(dequantize(qa, a.scale, a.zeroPoint)) /
               double(dequantize(qb, b.scale, b.zeroPoint));
    EXPECT_LE(std::abs(divide(qa, qb, t, a, b, out) - expected(f, out)), 1)
        << qa << " / " << qb;
  }
  EXPECT_EQ(divide(10, -100, t, a, b, out), 127);
  EXPECT_EQ(divide(-10, -100, t, a, b, out), -128);
  EXPECT_EQ(divide(0, -100, t, a, b, out), -5);
  EXPECT_EQ(divide(0, 5, t, a, b, out), -5);
}

// pow: positive bases track powf; zero and negative bases follow it.
TEST(LogDomain, Power) {
  QuantParams a{0.0005, 0, -32767, 32767}, b{0.25, 0, -32767, 32767};
  QuantParams out{0.002, 0, -32767, 32767};
  PowTables t = powTables(a, b, out);
  for (int64_t qa : {1, 17, 2000, 2610, 3743, 4000})
    for (int64_t qb : {-12, -4, -1, 1, 3, 8, 28}) {
      double f = std::pow(double(dequantize(qa, a.scale, a.zeroPoint)),
                          double(dequantize(qb, b.scale, b.zeroPoint)));
      EXPECT_LE(std::abs(power(qa, qb, t, a, b, out) - expected(f, out)), 1)
          << qa << " ** " << qb;
    }
  EXPECT_EQ(power(0, 4, t, a, b, out), 0);          // 0^1
  EXPECT_EQ(power(0, -4, t, a, b, out), 32767);     // 0^-1 = inf
  EXPECT_EQ(power(0, 0, t, a, b, out), 500);        // 0^0 = 1
  EXPECT_EQ(power(-2000, 0, t, a, b, out), 500);    // (-1)^0 = 1
  EXPECT_EQ(power(-2000, 1, t, a, b, out), 0);      // (-1)^0.25 = NaN
  EXPECT_EQ(power(-4000, 12, t, a, b, out), -4000); // (-2)^3 = -8
  EXPECT_EQ(power(-4000, 8, t, a, b, out), 2000);   // (-2)^2 = 4
}

} // namespace
