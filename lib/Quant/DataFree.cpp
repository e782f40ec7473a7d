//===- DataFree.cpp - math of data-free quantization ----------------------===//

#include "qmlir/Quant/DataFree.h"

#include <algorithm>
#include <cmath>

using namespace qmlir::dfq;

ChannelMap qmlir::dfq::identityMap(int64_t n) {
  ChannelMap map(n);
  for (int64_t i = 0; i < n; ++i)
    map[i] = i;
  return map;
}

std::vector<double> qmlir::dfq::outputChannelRanges(const LayerWeights &w) {
  std::vector<double> r(w.outChannels, 0.0);
  int64_t perChannel = w.spatial * w.inPerGroup;
  for (int64_t o = 0; o < w.outChannels; ++o)
    for (int64_t j = 0; j < perChannel; ++j)
      r[o] = std::max(r[o], std::fabs(double(w.values[o * perChannel + j])));
  return r;
}

std::vector<double> qmlir::dfq::inputChannelRanges(const LayerWeights &w,
                                                   const ChannelMap &map,
                                                   int64_t channels) {
  std::vector<double> r(channels, 0.0);
  for (int64_t o = 0; o < w.outChannels; ++o)
    for (int64_t k = 0; k < w.spatial; ++k)
      for (int64_t i = 0; i < w.inPerGroup; ++i) {
        int64_t c = map[w.inputChannel(o, i)];
        r[c] = std::max(r[c], std::fabs(double(w.values[w.index(o, k, i)])));
      }
  return r;
}

std::vector<double>
qmlir::dfq::pairScaleFactors(const std::vector<double> &r1,
                             const std::vector<double> &r2) {
  std::vector<double> s(r1.size(), 1.0);
  for (size_t i = 0; i < r1.size(); ++i)
    if (r1[i] > 0.0 && r2[i] > 0.0)
      s[i] = std::sqrt(r1[i] * r2[i]) / r2[i];
  return s;
}

TripleScaleFactors
qmlir::dfq::tripleScaleFactors(const std::vector<double> &r1,
                               const std::vector<double> &r2,
                               const std::vector<double> &r3) {
  TripleScaleFactors f{std::vector<double>(r1.size(), 1.0),
                       std::vector<double>(r1.size(), 1.0)};
  for (size_t i = 0; i < r1.size(); ++i) {
    if (!(r1[i] > 0.0 && r2[i] > 0.0 && r3[i] > 0.0))
      continue;
    double m = std::cbrt(r1[i] * r2[i] * r3[i]);
    f.s12[i] = r1[i] / m;
    f.s23[i] = m / r3[i];
  }
  return f;
}

void qmlir::dfq::scaleOutputChannels(LayerWeights &w, std::vector<float> &bias,
                                     const std::vector<double> &s) {
  int64_t perChannel = w.spatial * w.inPerGroup;
  for (int64_t o = 0; o < w.outChannels; ++o) {
    for (int64_t j = 0; j < perChannel; ++j) {
      float &v = w.values[o * perChannel + j];
      v = static_cast<float>(v / s[o]);
    }
    if (!bias.empty())
      bias[o] = static_cast<float>(bias[o] / s[o]);
  }
}

void qmlir::dfq::scaleInputChannels(LayerWeights &w, const ChannelMap &map,
                                    const std::vector<double> &s) {
  for (int64_t o = 0; o < w.outChannels; ++o)
    for (int64_t k = 0; k < w.spatial; ++k)
      for (int64_t i = 0; i < w.inPerGroup; ++i) {
        float &v = w.values[w.index(o, k, i)];
        v = static_cast<float>(v * s[map[w.inputChannel(o, i)]]);
      }
}

std::vector<double>
qmlir::dfq::applyToChannelConstant(const LayerWeights &w, const ChannelMap &map,
                                   const std::vector<double> &v) {
  std::vector<double> out(w.outChannels, 0.0);
  for (int64_t o = 0; o < w.outChannels; ++o)
    for (int64_t k = 0; k < w.spatial; ++k)
      for (int64_t i = 0; i < w.inPerGroup; ++i)
        out[o] +=
            double(w.values[w.index(o, k, i)]) * v[map[w.inputChannel(o, i)]];
  return out;
}

std::vector<double>
qmlir::dfq::highBiasAbsorption(const std::vector<double> &beta,
                               const std::vector<double> &gamma, bool relu) {
  std::vector<double> c(beta.size());
  for (size_t i = 0; i < beta.size(); ++i)
    c[i] = relu ? std::max(0.0, beta[i] - 3.0 * std::fabs(gamma[i])) : beta[i];
  return c;
}

/// Standard normal density and distribution function.
static double phi(double x) {
  constexpr double invSqrt2Pi = 0.39894228040143267794;
  return invSqrt2Pi * std::exp(-0.5 * x * x);
}
static double bigPhi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double qmlir::dfq::clippedNormalMean(double mu, double sigma, double lo,
                                     double hi) {
  sigma = std::fabs(sigma);
  if (sigma == 0.0)
    return std::min(std::max(mu, lo), hi);
  // E[clamp(X, lo, hi)] = lo P(X < lo) + hi P(X > hi) + E[X; lo <= X <= hi],
  // E[X; a <= X <= b] = mu (Phi(b') - Phi(a')) + sigma (phi(a') - phi(b'))
  // with a' = (a - mu) / sigma, b' = (b - mu) / sigma.
  double a = std::isinf(lo) ? -INFINITY : (lo - mu) / sigma;
  double b = std::isinf(hi) ? INFINITY : (hi - mu) / sigma;
  double pa = bigPhi(a), pb = bigPhi(b);
  double da = std::isinf(a) ? 0.0 : phi(a), db = std::isinf(b) ? 0.0 : phi(b);
  double mean = mu * (pb - pa) + sigma * (da - db);
  if (!std::isinf(lo))
    mean += lo * pa;
  if (!std::isinf(hi))
    mean += hi * (1.0 - pb);
  return mean;
}
