//===- LogDomain.cpp - fixed-point log-domain products, quotients, powers -===//
//
// See include/qmlir/Quant/LogDomain.h and docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Quant/LogDomain.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace qmlir::qmath;

namespace {

constexpr int64_t kI32Max = 2147483647;

/// Bits of the output's storage range (8 for [-128, 127]).
unsigned rangeBits(const QuantParams &p) {
  unsigned bits = 1;
  while ((int64_t(1) << bits) < p.qmax - p.qmin + 1)
    ++bits;
  return bits;
}

int64_t maxAbs(const std::vector<int64_t> &v) {
  int64_t m = 0;
  for (int64_t x : v)
    m = std::max(m, std::abs(x));
  return m;
}

int64_t entry(const std::vector<int64_t> &table, int64_t q,
              const QuantParams &p) {
  return table[static_cast<size_t>(q - p.qmin)];
}

} // namespace

std::vector<int64_t> qmlir::qmath::logTable(const QuantParams &in,
                                            unsigned fractionBits) {
  std::vector<int64_t> table;
  table.reserve(static_cast<size_t>(in.qmax - in.qmin + 1));
  for (int64_t q = in.qmin; q <= in.qmax; ++q) {
    double x = std::fabs(double(dequantize(q, in.scale, in.zeroPoint)));
    table.push_back(x == 0.0 ? 0
                             : static_cast<int64_t>(std::nearbyint(
                                   std::ldexp(std::log2(x), fractionBits))));
  }
  return table;
}

LogOutput qmlir::qmath::logOutput(unsigned fractionBits,
                                  const QuantParams &out) {
  LogOutput o;
  o.fractionBits = fractionBits;
  o.mantissaBits = std::min(fractionBits, rangeBits(out) + 4);
  o.outLog = static_cast<int64_t>(
      std::nearbyint(std::ldexp(std::log2(out.scale), fractionBits)));
  int64_t n = int64_t(1) << o.mantissaBits;
  o.mantissa.reserve(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    o.mantissa.push_back(static_cast<int64_t>(std::nearbyint(
        std::ldexp(std::exp2((double(j) + 0.5) / double(n)), 29))));
  return o;
}

int64_t qmlir::qmath::exp2Magnitude(int64_t u, const LogOutput &o) {
  const unsigned f = o.fractionBits, g = o.mantissaBits;
  int64_t e = u >> f; // arithmetic: floor
  int64_t j = (u & ((int64_t(1) << f) - 1)) >> (f - g);
  int64_t sh = 29 - e;
  if (sh <= 0)
    return int64_t(1) << 30;
  if (sh >= 31)
    return 0;
  return (o.mantissa[static_cast<size_t>(j)] + (int64_t(1) << (sh - 1))) >> sh;
}

int64_t qmlir::qmath::logDomainOutput(int64_t u, bool negative,
                                      const LogOutput &o,
                                      const QuantParams &out) {
  int64_t m = exp2Magnitude(u, o);
  return std::clamp(out.zeroPoint + (negative ? -m : m), out.qmin, out.qmax);
}

std::optional<ProductTables>
qmlir::qmath::productTables(const QuantParams &in, int64_t count,
                            const QuantParams &out) {
  for (unsigned f = kLogMaxFractionBits; f >= kLogMinFractionBits; --f) {
    ProductTables t;
    t.log = logTable(in, f);
    t.output = logOutput(f, out);
    if (double(count) * double(maxAbs(t.log)) +
            double(std::abs(t.output.outLog)) <=
        double(kI32Max))
      return t;
  }
  return std::nullopt;
}

int64_t qmlir::qmath::reduceProd(const std::vector<int64_t> &q,
                                 const ProductTables &t, const QuantParams &in,
                                 const QuantParams &out) {
  int64_t sum = 0, negatives = 0;
  bool zero = false;
  for (int64_t v : q) {
    sum += entry(t.log, v, in);
    negatives += v < in.zeroPoint;
    zero |= v == in.zeroPoint;
  }
  if (zero)
    return out.zeroPoint;
  return logDomainOutput(sum - t.output.outLog, negatives & 1, t.output, out);
}

DivTables qmlir::qmath::divTables(const QuantParams &a, const QuantParams &b,
                                  const QuantParams &out) {
  return DivTables{logTable(a, kLogMaxFractionBits),
                   logTable(b, kLogMaxFractionBits),
                   logOutput(kLogMaxFractionBits, out)};
}

int64_t qmlir::qmath::divide(int64_t qa, int64_t qb, const DivTables &t,
                             const QuantParams &a, const QuantParams &b,
                             const QuantParams &out) {
  int64_t ca = qa - a.zeroPoint, cb = qb - b.zeroPoint;
  if (cb == 0)
    return ca > 0 ? out.qmax : ca < 0 ? out.qmin : out.zeroPoint;
  if (ca == 0)
    return out.zeroPoint;
  int64_t u = entry(t.logA, qa, a) - entry(t.logB, qb, b) - t.output.outLog;
  return logDomainOutput(u, (ca < 0) != (cb < 0), t.output, out);
}

PowTables qmlir::qmath::powTables(const QuantParams &a, const QuantParams &b,
                                  const QuantParams &out) {
  PowTables t;
  t.logA = logTable(a, kLogMaxFractionBits);
  double largest = 0.0;
  for (int64_t q = b.qmin; q <= b.qmax; ++q)
    largest = std::max(largest,
                       std::fabs(double(dequantize(q, b.scale, b.zeroPoint))));
  unsigned e = 30;
  while (e > 0 && std::ldexp(largest, int(e)) > std::ldexp(1.0, 30))
    --e;
  t.exponentBits = e;
  for (int64_t q = b.qmin; q <= b.qmax; ++q) {
    double y = dequantize(q, b.scale, b.zeroPoint);
    double scaled = std::nearbyint(std::ldexp(y, int(e)));
    t.exp.push_back(static_cast<int64_t>(
        std::clamp(scaled, -double(kI32Max), double(kI32Max))));
    int64_t kind = 0;
    if (std::nearbyint(y) == y)
      kind = std::fmod(std::fabs(y), 2.0) == 1.0 ? 2 : 1;
    t.kind.push_back(kind);
  }
  // U's fraction bits: as many as keep the rounded product within 2^30.
  double bound = double(maxAbs(t.logA)) * double(maxAbs(t.exp));
  unsigned f = kLogMaxFractionBits;
  while (f > 0 &&
         bound > std::ldexp(1.0, int(30 + e + kLogMaxFractionBits - f)))
    --f;
  t.productShift = e + kLogMaxFractionBits - f;
  t.output = logOutput(f, out);
  t.clampBound = std::abs(t.output.outLog) + (int64_t(1) << (f + 5));
  return t;
}

int64_t qmlir::qmath::power(int64_t qa, int64_t qb, const PowTables &t,
                            const QuantParams &a, const QuantParams &b,
                            const QuantParams &out) {
  int64_t ca = qa - a.zeroPoint;
  int64_t y = entry(t.exp, qb, b), kind = entry(t.kind, qb, b);
  if (ca == 0 && y > 0)
    return out.zeroPoint;
  if (ca == 0 && y < 0)
    return out.qmax;
  if (ca < 0 && kind == 0)
    return out.zeroPoint;
  const unsigned r = t.productShift;
  int64_t p = entry(t.logA, qa, a) * y;
  if (r > 0)
    p = (p + (int64_t(1) << (r - 1))) >> r;
  int64_t u = std::clamp(p, -t.clampBound, t.clampBound) - t.output.outLog;
  return logDomainOutput(u, ca < 0 && kind == 2, t.output, out);
}
