//===- QuantMath.h - the one definition of qmlir's integer semantics -*- C++ -*-===//
//
// Scalar reference functions for quantization, dequantization and
// requantization. Every backend (the CPU lowering through TOSA, the
// accelerator simulator, exports) must agree with these bit for bit; the
// lowering tests compare against them. See docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_QUANTMATH_H
#define QMLIR_QUANT_QUANTMATH_H

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace qmlir::qmath {

/// An integer approximation of a positive real scale:
/// scale ~= multiplier * 2^-shift, as TOSA RESCALE takes it with scale32.
struct Rescale {
  int32_t multiplier = 0; ///< In [2^30, 2^31) unless the scale is tiny.
  int32_t shift = 0;      ///< In [2, 62].
};

/// Decomposes `scale` into a 32-bit multiplier and a shift in [2, 62].
/// Scales too small for shift 62 get a smaller multiplier (down to 0, which
/// maps everything to 0). Returns nullopt for scale <= 0, NaN, infinity, or a
/// scale >= 2^29 that no shift >= 2 can represent.
std::optional<Rescale> computeRescale(double scale);

/// TOSA `apply_scale_32` with single rounding:
/// (int64(value) * multiplier + 2^(shift-1)) >> shift (arithmetic shift),
/// i.e. round half towards +infinity, saturated to int32.
int32_t applyRescale(int32_t value, Rescale r);

/// TOSA RESCALE on one value: clamp(applyRescale(value - inputZp) + outputZp,
/// qmin, qmax), with the subtraction done in 64 bits and saturated to int32.
int64_t requantize(int64_t value, int64_t inputZp, Rescale r,
                   int64_t outputZp, int64_t qmin, int64_t qmax);

/// The integer rescaling of a quantized add (or sub) of two per-tensor
/// inputs of different scales (TFLite's left-shift scheme, the CPU
/// lowering's and the accelerator's rule): each input is requantized to the
/// common 32-bit scale max(sa, sb) / 2^shift (zero point 0), the two are
/// added (subtracted), and the sum is requantized to the output.
struct AddRescale {
  Rescale lhs, rhs, output;
  int shift = 0;
  /// Bounds of the 32-bit sum over the inputs' storage ranges.
  int64_t sumLo = 0, sumHi = 0;
};

/// The parameters of one storage range [lo, hi] with scale and zero point.
struct AddInput {
  double scale = 1.0;
  int64_t zeroPoint = 0, lo = -128, hi = 127;
};

/// The rescales of `a + b` (or `a - b`) to an output of scale `outScale`:
/// shift 20 when both storage ranges are at most 8 bits wide (15
/// otherwise), lowered until the sum of the rescaled inputs cannot overflow
/// 32 bits. nullopt: a ratio has no 32-bit multiplier and shift.
std::optional<AddRescale> computeAddRescale(const AddInput &a,
                                            const AddInput &b,
                                            double outScale, bool isSub);

/// One element of the quantized add (sub) with `r`: requantize(a, za) +
/// requantize(b, zb) (each to 32 bits, zero point 0), requantized with
/// `r.output` to outputZp and [qmin, qmax].
int64_t addQuantized(int64_t a, int64_t b, int64_t za, int64_t zb,
                     const AddRescale &r, int64_t outputZp, int64_t qmin,
                     int64_t qmax, bool isSub = false);

/// Quantizes a real value: clamp(round_half_even(x * float(1/scale)) +
/// zeroPoint, qmin, qmax). The reciprocal is rounded to float once, so that
/// a multiply by a constant reproduces it exactly in any backend.
int64_t quantize(float x, double scale, int64_t zeroPoint, int64_t qmin,
                 int64_t qmax);

/// real = float(q - zeroPoint) * float(scale).
float dequantize(int64_t q, double scale, int64_t zeroPoint);

/// Scale, zero point and storage range of one quantized tensor (or channel).
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = -128;
  int64_t qmax = 127;
};

/// Parameters for a `bits`-wide signed type covering [min, max] (widened to
/// contain 0 so that 0 is exact). Symmetric: zero point 0 and the narrow range
/// [-(2^(bits-1)-1), 2^(bits-1)-1]; asymmetric: the full range
/// [-2^(bits-1), 2^(bits-1)-1] with the zero point rounded to an integer in
/// range. bits must be in [1, 16]; a symmetric type needs two levels of each
/// sign, so 1 bit is always asymmetric over [-1, 0]. A degenerate range
/// (min == max == 0) yields scale 1. With `powerOfTwo`, the scale is rounded
/// up to the next power of two (the range only widens) and the zero point is
/// recomputed for it, so that requantizing between such types is a shift.
QuantParams paramsForRange(double min, double max, unsigned bits,
                           bool symmetric, bool powerOfTwo = false);

/// Quantizes a bias value to int32 with scale `scale` (input scale times
/// weight scale) and zero point 0, saturating.
int32_t quantizeBias(float b, double scale);

/// The most entries a lookup table holds: one per storage value of a 16-bit
/// input (qnn.table), or per pair of 8-bit inputs (qnn.table2d).
inline constexpr int64_t kMaxLookupTableEntries = int64_t(1) << 16;

/// The lookup table of an elementwise function `f` of one quantized input
/// (qnn.table): entry i is quantize(float(f(dequantize(in.qmin + i))), out)
/// for every storage value of the input type, f evaluated in double.
std::vector<int64_t> buildLookupTable(const std::function<double(double)> &f,
                                      const QuantParams &in,
                                      const QuantParams &out);

/// The lookup table of an elementwise function `f` of two quantized inputs
/// (qnn.table2d): entry i * nb + j, nb = b.qmax - b.qmin + 1, is
/// quantize(float(f(dequantize(a.qmin + i), dequantize(b.qmin + j))), out),
/// f evaluated in double.
std::vector<int64_t>
buildLookupTable2d(const std::function<double(double, double)> &f,
                   const QuantParams &a, const QuantParams &b,
                   const QuantParams &out);

/// The exponential table of the integer softmax: exp[d] =
/// round_half_even(2^precision * e^(-d * inScale)) for d = 0, 1, ..., up to
/// the first 0 or the input's storage range. precision = min(16, 30 -
/// outBits), so that e * 2^outBits + sum / 2 stays below 2^31.
struct SoftmaxTable {
  unsigned precision = 16;
  std::vector<int32_t> exp;
  /// The longest axis whose sum of exponentials fits int32.
  int64_t maxLength() const;
};
SoftmaxTable softmaxTable(double inScale, int64_t inRange, unsigned outBits);

/// The output type of an n-bit quantized softmax: scale 2^-n, zero point
/// -2^(n-1) (0 maps to the storage minimum), range [-2^(n-1), 2^(n-1) - 1].
QuantParams softmaxOutputParams(unsigned outBits);

/// The integer softmax of one row of input storage values:
/// e_i = exp[min(max(q) - q_i, size - 1)], S = sum e_i,
/// out_i = min(qmin + (e_i * 2^n + floor(S / 2)) / S, qmax).
std::vector<int64_t> softmax(const std::vector<int64_t> &row,
                             const SoftmaxTable &table, unsigned outBits);

/// Tables indexed by a non-negative 32-bit sum (the reductions l2 and
/// log_sum, log_softmax): below 2^(F+1) the index is the sum itself; above,
/// the sum's leading F+1 bits and its exponent, sh = max(msb(sum) - F, 0),
/// index = (sum >> sh) + sh * 2^F. Such a table has (32 - F) * 2^F entries
/// and represents each sum to a relative error below 2^-(F+1).
constexpr unsigned kSumTableMantissaBits = 8;
int64_t sumTableIndex(int64_t sum,
                      unsigned mantissaBits = kSumTableMantissaBits);
int64_t sumTableSize(unsigned mantissaBits = kSumTableMantissaBits);
/// The sum an index stands for: the mean of the sums that share it.
double sumTableValue(int64_t index,
                     unsigned mantissaBits = kSumTableMantissaBits);
/// Entry i is quantize(float(f(sumTableValue(i))), out).
std::vector<int64_t> buildSumTable(const std::function<double(double)> &f,
                                   const QuantParams &out);

/// The integer log_softmax (docs/Quantization.md): the softmax's
/// exponential table (precision P = 16), the rescale of a distance
/// d = max(q) - q to output units with R = 8 fraction bits
/// (s_in * 2^R / s_out), and log[i] = min(round(2^R * ln(value_i / 2^P) /
/// s_out), 2^30) (0 below 2^P), value_i = sumTableValue(i).
struct LogSoftmaxTables {
  static constexpr unsigned kFractionBits = 8;
  SoftmaxTable exp;
  Rescale distance;
  std::vector<int32_t> log;
};
/// nullopt when s_in * 2^R / s_out is not a representable rescale.
std::optional<LogSoftmaxTables>
logSoftmaxTables(double inScale, int64_t inRange, double outScale);
/// One row: e_i = exp[min(d_i, size - 1)], S = sum e_i,
/// L = log[sumTableIndex(S)], t_i = clamp(applyRescale(d_i), 0, 2^30),
/// out_i = clamp(zp - ((t_i + L + 2^(R-1)) >> R), qmin, qmax).
std::vector<int64_t> logSoftmax(const std::vector<int64_t> &row,
                                const LogSoftmaxTables &tables,
                                const QuantParams &out);

} // namespace qmlir::qmath

#endif // QMLIR_QUANT_QUANTMATH_H
