//===- LogDomain.h - fixed-point log-domain arithmetic ----------*- C++ -*-===//
//
// The integer forms of reduce prod and of div and pow of two tensors wider
// than 8 bits (docs/Quantization.md, "Log-domain forms"). A real magnitude
// |x| is carried as L = rint(2^F log2 |x|), an int32 with F fraction bits;
// products, quotients and powers become sums, differences and products of
// such logarithms, and one exponential (a 2^G-entry mantissa table and a
// shift) maps the result to output steps. Zeros and signs travel beside the
// logarithm as flags. The CPU lowering (lib/Conversion/QNNToTOSA/
// LogDomain.cpp) and test/Inputs/qref.py agree with these functions bit for
// bit.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_LOGDOMAIN_H
#define QMLIR_QUANT_LOGDOMAIN_H

#include "qmlir/Quant/QuantMath.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qmlir::qmath {

/// Fraction bits of the logarithms: at most 16; a reduce prod lowers them
/// (down to 8) until its 32-bit sum of logarithms cannot overflow.
constexpr unsigned kLogMaxFractionBits = 16;
constexpr unsigned kLogMinFractionBits = 8;

/// Entry q - in.qmin is rint(2^F log2 |dequantize(q)|) for every storage
/// value q of `in`, 0 where the value is 0 (the zero flag handles it).
std::vector<int64_t> logTable(const QuantParams &in, unsigned fractionBits);

/// The exponential back to output steps. U is a logarithm with F fraction
/// bits in units of the output scale (U = L - outLog, outLog = rint(2^F
/// log2 s_out)); the magnitude in output steps is
///   e = U >> F (floor), j = (U & (2^F - 1)) >> (F - G), sh = 29 - e,
///   sh <= 0: 2^30 (saturates); sh >= 31: 0;
///   otherwise (mantissa[j] + 2^(sh-1)) >> sh,
/// mantissa[j] = rint(2^29 * 2^((j + 1/2) / 2^G)) in [2^29, 2^30): the
/// midpoint of the bin, so the logarithm's truncation to G bits costs at
/// most 2^-(G+1). G = min(F, output bits + 4).
struct LogOutput {
  unsigned fractionBits = kLogMaxFractionBits; ///< F
  unsigned mantissaBits = 12;                  ///< G
  int64_t outLog = 0;
  std::vector<int64_t> mantissa;
};
LogOutput logOutput(unsigned fractionBits, const QuantParams &out);
/// The magnitude in output steps, in [0, 2^30].
int64_t exp2Magnitude(int64_t u, const LogOutput &o);
/// clamp(zp + (negative ? -m : m), qmin, qmax), m = exp2Magnitude(u).
int64_t logDomainOutput(int64_t u, bool negative, const LogOutput &o,
                        const QuantParams &out);

/// reduce prod over `count` elements: T = sum of log[q - qmin] in int32,
/// out = zp_out when an element is zp_in, otherwise
/// logDomainOutput(T - outLog, odd number of negatives). F is the largest
/// value in [8, 16] with count * max|log| + |outLog| <= 2^31 - 1; nullopt
/// when even F = 8 could overflow (the op stays float).
struct ProductTables {
  std::vector<int64_t> log;
  LogOutput output;
};
std::optional<ProductTables> productTables(const QuantParams &in, int64_t count,
                                           const QuantParams &out);
/// One output of reduce prod over the storage values `q`.
int64_t reduceProd(const std::vector<int64_t> &q, const ProductTables &t,
                   const QuantParams &in, const QuantParams &out);

/// div of two tensors, F = 16: U = logA[a] - logB[b] - outLog,
/// sign = sign(a) xor sign(b); a / 0 saturates to qmax (a > 0) or qmin
/// (a < 0), 0 / 0 (NaN) and 0 / b give zp_out.
struct DivTables {
  std::vector<int64_t> logA, logB;
  LogOutput output;
};
DivTables divTables(const QuantParams &a, const QuantParams &b,
                    const QuantParams &out);
int64_t divide(int64_t qa, int64_t qb, const DivTables &t, const QuantParams &a,
               const QuantParams &b, const QuantParams &out);

/// pow of two tensors: the base's logarithm with 16 fraction bits, the
/// exponent's real value with E fraction bits, exp[b] = rint(2^E
/// dequantize(b)) (E the largest value <= 30 with 2^E max|b| <= 2^30), and
/// its kind[b]: 0 not an integer, 1 even, 2 odd. The product, rounded to
/// F fraction bits (the largest F <= 16 with max|logA| max|exp| <=
/// 2^(30 + r)), is one TOSA MUL with shift r = E + 16 - F:
/// P = (logA[a] * exp[b] + 2^(r-1)) >> r, |P| <= 2^30; then
/// U = clamp(P, -C, C) - outLog (C = |outLog| + 2^(F+5)) and
/// out = logDomainOutput(U, a < 0 and b odd), except: a = 0 and b > 0 gives
/// zp_out, a = 0 and b < 0 saturates to qmax (+inf), a < 0 and b not an
/// integer gives zp_out (NaN); b = 0 is 1.
struct PowTables {
  unsigned exponentBits = 0; ///< E
  unsigned productShift = 0; ///< r
  int64_t clampBound = 0;    ///< C
  std::vector<int64_t> logA, exp, kind;
  LogOutput output;
};
PowTables powTables(const QuantParams &a, const QuantParams &b,
                    const QuantParams &out);
int64_t power(int64_t qa, int64_t qb, const PowTables &t, const QuantParams &a,
              const QuantParams &b, const QuantParams &out);

} // namespace qmlir::qmath

#endif // QMLIR_QUANT_LOGDOMAIN_H
