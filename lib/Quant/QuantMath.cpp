//===- QuantMath.cpp - scalar reference of qmlir's integer semantics ------===//

#include "qmlir/Quant/QuantMath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

using namespace qmlir::qmath;

std::optional<Rescale> qmlir::qmath::computeRescale(double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale))
    return std::nullopt;
  int exponent = 0;
  double mantissa = std::frexp(scale, &exponent); // scale = m * 2^e, m in [0.5,1)
  int64_t multiplier = std::llround(mantissa * (1ll << 31));
  if (multiplier == (1ll << 31)) { // rounding reached 1.0
    multiplier /= 2;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  if (shift < 2)
    return std::nullopt;
  if (shift > 62) {
    // Keep shift at TOSA's maximum and move the rest into the multiplier,
    // rounding half up like the shift itself.
    int64_t extra = shift - 62;
    multiplier = extra >= 63 ? 0 : (multiplier + (1ll << (extra - 1))) >> extra;
    shift = 62;
  }
  return Rescale{static_cast<int32_t>(multiplier), static_cast<int32_t>(shift)};
}

static int64_t saturate(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}

int32_t qmlir::qmath::applyRescale(int32_t value, Rescale r) {
  int64_t round = int64_t(1) << (r.shift - 1);
  int64_t result = (static_cast<int64_t>(value) * r.multiplier + round) >> r.shift;
  return static_cast<int32_t>(saturate(result,
                                       std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max()));
}

int64_t qmlir::qmath::requantize(int64_t value, int64_t inputZp, Rescale r,
                                 int64_t outputZp, int64_t qmin,
                                 int64_t qmax) {
  int64_t centered = saturate(value - inputZp,
                              std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max());
  int64_t scaled = applyRescale(static_cast<int32_t>(centered), r);
  return saturate(scaled + outputZp, qmin, qmax);
}

std::optional<qmlir::qmath::AddRescale>
qmlir::qmath::computeAddRescale(const AddInput &a, const AddInput &b,
                                double outScale, bool isSub) {
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  double smax = std::max(a.scale, b.scale);
  bool narrow = a.hi - a.lo <= 255 && b.hi - b.lo <= 255;
  AddRescale r;
  auto centered = [&](const AddInput &in, Rescale rs, int64_t v) {
    return requantize(v, in.zeroPoint, rs, 0, kMin, kMax);
  };
  for (int shift = narrow ? 20 : 15;; --shift) {
    auto ra = computeRescale(a.scale / smax * std::ldexp(1.0, shift));
    auto rb = computeRescale(b.scale / smax * std::ldexp(1.0, shift));
    if (!ra || !rb)
      return std::nullopt;
    r.lhs = *ra;
    r.rhs = *rb;
    r.shift = shift;
    int64_t bLo = centered(b, *rb, b.lo), bHi = centered(b, *rb, b.hi);
    if (isSub)
      std::tie(bLo, bHi) = std::make_pair(-bHi, -bLo);
    r.sumLo = centered(a, *ra, a.lo) + bLo;
    r.sumHi = centered(a, *ra, a.hi) + bHi;
    if ((r.sumLo >= kMin && r.sumHi <= kMax) || shift == 0)
      break;
  }
  auto out = computeRescale(smax / std::ldexp(1.0, r.shift) / outScale);
  if (!out)
    return std::nullopt;
  r.output = *out;
  return r;
}

int64_t qmlir::qmath::addQuantized(int64_t a, int64_t b, int64_t za,
                                   int64_t zb, const AddRescale &r,
                                   int64_t outputZp, int64_t qmin,
                                   int64_t qmax, bool isSub) {
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  int64_t a32 = requantize(a, za, r.lhs, 0, kMin, kMax);
  int64_t b32 = requantize(b, zb, r.rhs, 0, kMin, kMax);
  // The 32-bit add of the lowering; computeAddRescale keeps it in range.
  int64_t sum = isSub ? a32 - b32 : a32 + b32;
  return requantize(sum, 0, r.output, outputZp, qmin, qmax);
}

int64_t qmlir::qmath::quantize(float x, double scale, int64_t zeroPoint,
                               int64_t qmin, int64_t qmax) {
  float inverse = static_cast<float>(1.0 / scale);
  float scaled = x * inverse;
  if (std::isnan(scaled))
    return saturate(zeroPoint, qmin, qmax);
  // Clamp before converting so that huge values cannot overflow int64.
  float clamped = std::min(std::max(scaled, -9.0e18f), 9.0e18f);
  int64_t rounded = static_cast<int64_t>(std::nearbyint(clamped)); // ties to even
  return saturate(rounded + zeroPoint, qmin, qmax);
}

float qmlir::qmath::dequantize(int64_t q, double scale, int64_t zeroPoint) {
  return static_cast<float>(q - zeroPoint) * static_cast<float>(scale);
}

/// The smallest power of two >= `scale` (> 0).
static double powerOfTwoAtLeast(double scale) {
  int exp;
  double mantissa = std::frexp(scale, &exp); // scale = mantissa * 2^exp
  return mantissa == 0.5 ? scale : std::ldexp(1.0, exp);
}

QuantParams qmlir::qmath::paramsForRange(double min, double max,
                                         unsigned bits, bool symmetric,
                                         bool powerOfTwo) {
  QuantParams p;
  bits = std::clamp(bits, 1u, 16u);
  int64_t half = int64_t(1) << (bits - 1);
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  if (symmetric && bits >= 2) {
    p.qmax = half - 1;
    p.qmin = -p.qmax;
    double absMax = std::max(-min, max);
    p.scale = absMax > 0.0 ? absMax / static_cast<double>(p.qmax) : 1.0;
    if (powerOfTwo)
      p.scale = powerOfTwoAtLeast(p.scale);
    p.zeroPoint = 0;
    return p;
  }
  p.qmin = -half;
  p.qmax = half - 1;
  double range = max - min;
  if (!(range > 0.0)) {
    p.scale = 1.0;
    p.zeroPoint = 0;
    return p;
  }
  p.scale = range / static_cast<double>(p.qmax - p.qmin);
  if (powerOfTwo)
    p.scale = powerOfTwoAtLeast(p.scale);
  // The zero point that maps `min` to qmin, rounded into the range so that
  // the real value 0 is exactly representable.
  double zp = static_cast<double>(p.qmin) - min / p.scale;
  p.zeroPoint = saturate(std::llround(zp), p.qmin, p.qmax);
  return p;
}

int32_t qmlir::qmath::quantizeBias(float b, double scale) {
  double q = std::nearbyint(static_cast<double>(b) / scale);
  q = std::min(std::max(q, double(std::numeric_limits<int32_t>::min())),
               double(std::numeric_limits<int32_t>::max()));
  return static_cast<int32_t>(q);
}

std::vector<int64_t>
qmlir::qmath::buildLookupTable(const std::function<double(double)> &f,
                               const QuantParams &in, const QuantParams &out) {
  std::vector<int64_t> table;
  for (int64_t q = in.qmin; q <= in.qmax; ++q) {
    double x = dequantize(q, in.scale, in.zeroPoint);
    table.push_back(quantize(static_cast<float>(f(x)), out.scale,
                             out.zeroPoint, out.qmin, out.qmax));
  }
  return table;
}

std::vector<int64_t>
qmlir::qmath::buildLookupTable2d(const std::function<double(double, double)> &f,
                                 const QuantParams &a, const QuantParams &b,
                                 const QuantParams &out) {
  std::vector<int64_t> table;
  table.reserve(
      static_cast<size_t>((a.qmax - a.qmin + 1) * (b.qmax - b.qmin + 1)));
  for (int64_t qa = a.qmin; qa <= a.qmax; ++qa) {
    double x = dequantize(qa, a.scale, a.zeroPoint);
    for (int64_t qb = b.qmin; qb <= b.qmax; ++qb) {
      double y = dequantize(qb, b.scale, b.zeroPoint);
      table.push_back(quantize(static_cast<float>(f(x, y)), out.scale,
                               out.zeroPoint, out.qmin, out.qmax));
    }
  }
  return table;
}

SoftmaxTable qmlir::qmath::softmaxTable(double inScale, int64_t inRange,
                                        unsigned outBits) {
  SoftmaxTable t;
  t.precision = std::min(16u, 30u - std::min(outBits, 16u));
  double one = std::ldexp(1.0, t.precision);
  for (int64_t d = 0; d <= inRange; ++d) {
    double v = std::nearbyint(one * std::exp(-static_cast<double>(d) * inScale));
    t.exp.push_back(static_cast<int32_t>(v));
    if (v == 0.0)
      break;
  }
  return t;
}

int64_t qmlir::qmath::SoftmaxTable::maxLength() const {
  return std::numeric_limits<int32_t>::max() / (int64_t(1) << precision);
}

QuantParams qmlir::qmath::softmaxOutputParams(unsigned outBits) {
  QuantParams p;
  p.qmin = -(int64_t(1) << (outBits - 1));
  p.qmax = (int64_t(1) << (outBits - 1)) - 1;
  p.scale = std::ldexp(1.0, -static_cast<int>(outBits));
  p.zeroPoint = p.qmin;
  return p;
}

std::vector<int64_t> qmlir::qmath::softmax(const std::vector<int64_t> &row,
                                           const SoftmaxTable &table,
                                           unsigned outBits) {
  QuantParams p = softmaxOutputParams(outBits);
  int64_t m = *std::max_element(row.begin(), row.end());
  int64_t last = static_cast<int64_t>(table.exp.size()) - 1;
  std::vector<int64_t> e;
  int64_t sum = 0;
  for (int64_t q : row) {
    e.push_back(table.exp[std::min(m - q, last)]);
    sum += e.back();
  }
  std::vector<int64_t> out;
  for (int64_t v : e)
    out.push_back(std::min(p.qmin + ((v << outBits) + sum / 2) / sum, p.qmax));
  return out;
}

int64_t qmlir::qmath::sumTableIndex(int64_t sum, unsigned mantissaBits) {
  sum = std::max<int64_t>(sum, 0);
  int64_t msb = -1;
  while (msb < 62 && (sum >> (msb + 1)) != 0)
    ++msb;
  int64_t sh = std::max<int64_t>(msb - int64_t(mantissaBits), 0);
  return (sum >> sh) + (sh << mantissaBits);
}

int64_t qmlir::qmath::sumTableSize(unsigned mantissaBits) {
  return (32 - int64_t(mantissaBits)) << mantissaBits;
}

double qmlir::qmath::sumTableValue(int64_t index, unsigned mantissaBits) {
  int64_t one = int64_t(1) << mantissaBits;
  if (index < 2 * one)
    return static_cast<double>(index);
  int64_t sh = index / one - 1;
  int64_t lead = index - sh * one; // in [2^F, 2^(F+1))
  // The sums lead * 2^sh ... (lead + 1) * 2^sh - 1 share the index.
  return std::ldexp(static_cast<double>(lead), static_cast<int>(sh)) +
         (std::ldexp(1.0, static_cast<int>(sh)) - 1.0) / 2.0;
}

std::vector<int64_t>
qmlir::qmath::buildSumTable(const std::function<double(double)> &f,
                            const QuantParams &out) {
  std::vector<int64_t> table;
  for (int64_t i = 0, n = sumTableSize(); i < n; ++i)
    table.push_back(quantize(static_cast<float>(f(sumTableValue(i))), out.scale,
                             out.zeroPoint, out.qmin, out.qmax));
  return table;
}

std::optional<LogSoftmaxTables>
qmlir::qmath::logSoftmaxTables(double inScale, int64_t inRange,
                               double outScale) {
  LogSoftmaxTables t;
  t.exp = softmaxTable(inScale, inRange, 8);
  double fraction = std::ldexp(1.0, LogSoftmaxTables::kFractionBits);
  std::optional<Rescale> r = computeRescale(inScale * fraction / outScale);
  if (!r)
    return std::nullopt;
  t.distance = *r;
  double one = std::ldexp(1.0, t.exp.precision);
  double cap = std::ldexp(1.0, 30);
  for (int64_t i = 0, n = sumTableSize(); i < n; ++i) {
    double v = sumTableValue(i);
    double l =
        v < one ? 0.0 : std::nearbyint(fraction * std::log(v / one) / outScale);
    t.log.push_back(static_cast<int32_t>(std::min(l, cap)));
  }
  return t;
}

std::vector<int64_t> qmlir::qmath::logSoftmax(const std::vector<int64_t> &row,
                                              const LogSoftmaxTables &t,
                                              const QuantParams &out) {
  int64_t m = *std::max_element(row.begin(), row.end());
  int64_t last = static_cast<int64_t>(t.exp.exp.size()) - 1;
  int64_t sum = 0;
  for (int64_t q : row)
    sum += t.exp.exp[std::min(m - q, last)];
  int64_t l = t.log[sumTableIndex(sum)];
  const unsigned r = LogSoftmaxTables::kFractionBits;
  std::vector<int64_t> result;
  for (int64_t q : row) {
    int64_t d = requantize(m - q, 0, t.distance, 0, 0, int64_t(1) << 30);
    int64_t v = (d + l + (int64_t(1) << (r - 1))) >> r;
    result.push_back(saturate(out.zeroPoint - v, out.qmin, out.qmax));
  }
  return result;
}
