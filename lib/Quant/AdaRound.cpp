//===- AdaRound.cpp - learned weight rounding (AdaRound) ------------------===//

#include "qmlir/Quant/AdaRound.h"

#include "qmlir/Quant/QuantMath.h"

#include <algorithm>
#include <cmath>

using namespace qmlir;
using namespace qmlir::adaround;

namespace {
constexpr double kZeta = 1.1;
constexpr double kGamma = -0.1;
constexpr double kPi = 3.14159265358979323846;

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// (G v)_o for every row: out[o * k + j] = sum_i G[j, i] v[o * k + i].
void gramTimes(const Problem &p, const std::vector<double> &v,
               std::vector<double> &out) {
  int64_t k = p.k;
  out.assign(v.size(), 0.0);
  for (int64_t o = 0; o < p.rows; ++o) {
    const double *vRow = &v[o * k];
    double *outRow = &out[o * k];
    for (int64_t j = 0; j < k; ++j) {
      const double *g = &p.gram[j * k];
      double sum = 0.0;
      for (int64_t i = 0; i < k; ++i)
        sum += g[i] * vRow[i];
      outRow[j] = sum;
    }
  }
}

/// b and c of the data term w~^T G w~ - 2 w~^T b + c.
void targets(const Problem &p, std::vector<double> &b,
             std::vector<double> &c) {
  if (!p.target.empty()) {
    b = p.target;
    c = p.targetEnergy;
    return;
  }
  std::vector<double> w(p.weights.begin(), p.weights.end());
  gramTimes(p, w, b);
  c.assign(p.rows, 0.0);
  for (size_t e = 0; e < w.size(); ++e)
    c[e / p.k] += w[e] * b[e];
}

/// The data term for soft or hard weights `wq` (rows * k real values).
double dataTerm(const Problem &p, const std::vector<double> &wq,
                const std::vector<double> &b, const std::vector<double> &c) {
  std::vector<double> gw;
  gramTimes(p, wq, gw);
  double sum = 0.0;
  for (size_t e = 0; e < wq.size(); ++e)
    sum += wq[e] * (gw[e] - 2.0 * b[e]);
  for (double v : c)
    sum += v;
  return sum;
}
} // namespace

double adaround::rectifiedSigmoid(double v) {
  return std::clamp(sigmoid(v) * (kZeta - kGamma) + kGamma, 0.0, 1.0);
}

double adaround::initialV(double rest) {
  rest = std::clamp(rest, 0.01, 0.99);
  // sigmoid(V) = (rest - gamma) / (zeta - gamma).
  double s = (rest - kGamma) / (kZeta - kGamma);
  return std::log(s / (1.0 - s));
}

double adaround::annealedBeta(const Options &options, unsigned it) {
  double start = options.warmup * options.iterations;
  if (it < start || options.iterations == 0)
    return options.betaStart;
  double rel = (it - start) / std::max(1.0, options.iterations - start);
  return options.betaEnd + 0.5 * (options.betaStart - options.betaEnd) *
                               (1.0 + std::cos(rel * kPi));
}

double adaround::roundingRegularizer(double h, double beta) {
  return 1.0 - std::pow(std::fabs(2.0 * h - 1.0), beta);
}

double adaround::reconstructionError(const Problem &p,
                                     const std::vector<int64_t> &q) {
  std::vector<double> b, c, wq(q.size());
  targets(p, b, c);
  for (size_t e = 0; e < q.size(); ++e)
    wq[e] = p.scales[e / p.k] * double(q[e]);
  return dataTerm(p, wq, b, c);
}

std::vector<int64_t> adaround::roundNearest(const Problem &p) {
  std::vector<int64_t> q(p.weights.size());
  for (size_t e = 0; e < q.size(); ++e)
    q[e] = qmath::quantize(p.weights[e], p.scales[e / p.k], 0, p.qmin, p.qmax);
  return q;
}

Result adaround::optimize(const Problem &p, const Options &options) {
  size_t n = p.weights.size();
  Result result;
  std::vector<int64_t> nearest = roundNearest(p);
  result.nearestError = reconstructionError(p, nearest);

  // floor(w / s) and V initialized so that h(V) is the fractional part: the
  // soft weights start at the float weights.
  std::vector<double> base(n), v(n);
  std::vector<bool> fixed(n);
  for (size_t e = 0; e < n; ++e) {
    double x = double(p.weights[e]) / p.scales[e / p.k];
    base[e] = std::floor(x);
    v[e] = initialV(x - base[e]);
    // The largest magnitude, which fixes the scale: |w| / s = qmax up to
    // the rounding of the scale.
    fixed[e] = std::fabs(x) >= double(p.qmax) - 1e-3;
  }

  std::vector<double> b, c;
  targets(p, b, c);
  std::vector<double> wq(n), gd, m(n, 0.0), s2(n, 0.0);
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double b1t = 1.0, b2t = 1.0;
  unsigned warmIters = unsigned(options.warmup * options.iterations);
  for (unsigned it = 0; it < options.iterations; ++it) {
    for (size_t e = 0; e < n; ++e) {
      double s = p.scales[e / p.k];
      double q = fixed[e] ? double(nearest[e])
                          : std::clamp(base[e] + rectifiedSigmoid(v[e]),
                                       double(p.qmin), double(p.qmax));
      wq[e] = s * q;
    }
    // The gradient of the data term with respect to w~ is 2 (G w~ - b).
    gramTimes(p, wq, gd);
    for (size_t e = 0; e < n; ++e)
      gd[e] -= b[e];
    bool regularize = it >= warmIters;
    double beta = annealedBeta(options, it);
    b1t *= beta1;
    b2t *= beta2;
    for (size_t e = 0; e < n; ++e) {
      if (fixed[e])
        continue;
      double sig = sigmoid(v[e]);
      double raw = sig * (kZeta - kGamma) + kGamma;
      double q = base[e] + raw;
      // Zero gradient where h or the integer range clamps.
      if (raw <= 0.0 || raw >= 1.0 || q <= double(p.qmin) ||
          q >= double(p.qmax))
        continue;
      double dhdv = sig * (1.0 - sig) * (kZeta - kGamma);
      // d/dh = s d/dw~.
      double grad = 2.0 * p.scales[e / p.k] * gd[e];
      if (regularize) {
        double t = 2.0 * raw - 1.0;
        // d/dh (1 - |2h - 1|^beta) = -2 beta |t|^(beta - 1) sign(t).
        double a = std::fabs(t);
        if (a > 0.0)
          grad += options.lambda * -2.0 * beta * std::pow(a, beta - 1.0) *
                  (t > 0 ? 1.0 : -1.0);
      }
      grad *= dhdv;
      m[e] = beta1 * m[e] + (1.0 - beta1) * grad;
      s2[e] = beta2 * s2[e] + (1.0 - beta2) * grad * grad;
      double mHat = m[e] / (1.0 - b1t), sHat = s2[e] / (1.0 - b2t);
      v[e] -= options.learningRate * mHat / (std::sqrt(sHat) + eps);
    }
  }

  result.q.resize(n);
  for (size_t e = 0; e < n; ++e) {
    result.q[e] = fixed[e] ? nearest[e]
                           : std::clamp<int64_t>(int64_t(base[e]) +
                                                     (v[e] >= 0.0 ? 1 : 0),
                                                 p.qmin, p.qmax);
    result.changed += result.q[e] != nearest[e];
  }
  result.error = reconstructionError(p, result.q);
  // The hard rounding of a poorly converged optimization can be worse than
  // rounding to nearest: never return that.
  if (result.error > result.nearestError) {
    result.q = nearest;
    result.error = result.nearestError;
    result.changed = 0;
  }
  return result;
}
