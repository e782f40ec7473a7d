//===- AdaRound.h - learned weight rounding (AdaRound) ----------*- C++ -*-===//
//
// The optimization of Nagel et al., "Up or Down? Adaptive Rounding for
// Post-Training Quantization" (ICML 2020), for one layer, IR-free: which
// weights to round up and which down so that the layer's output on the
// calibration data stays closest to the float output. qnn-adaround
// (docs/CLE.md) collects the layer inputs and writes the result back.
//
// For output channel o with weights w_o, scale s_o and calibration inputs
// x (the im2col patches of a conv), the soft-quantized weights are
//   w~_o = s_o * clamp(floor(w_o / s_o) + h(V_o), qmin, qmax),
//   h(V) = clamp(sigmoid(V) * (zeta - gamma) + gamma, 0, 1)
// (the rectified sigmoid, zeta = 1.1, gamma = -0.1), and V minimizes
//   (1/N) sum_x ||(w~ - w) x||^2 + lambda * sum (1 - |2 h(V) - 1|^beta)
// with beta annealed from betaStart to betaEnd after a warm-up without the
// regularizer. The data term is a quadratic form in the weight error
// d_o = w~_o - w_o: d_o^T G d_o with G = E[x x^T], so only the Gram matrix of
// the inputs is needed and each iteration is exact over all samples.
//
// With perturbed inputs x~ (the layer's inputs in a model whose earlier
// layers are already quantized; the paper's asymmetric reconstruction) the
// data term is (1/N) sum ||w~ x~ - w x||^2 = w~^T G~ w~ - 2 w~^T b + c per
// row, with G~ = E[x~ x~^T], b = E[x~ x^T] w and c = E[(w x)^2].
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_ADAROUND_H
#define QMLIR_QUANT_ADAROUND_H

#include <cstdint>
#include <vector>

namespace qmlir::adaround {

struct Options {
  unsigned iterations = 1000;
  double lambda = 0.01;       ///< Weight of the rounding regularizer.
  double betaStart = 20.0;    ///< Annealed (cosine) to betaEnd ...
  double betaEnd = 2.0;       ///< ... over the iterations after warm-up.
  double warmup = 0.2;        ///< Fraction of iterations without regularizer.
  double learningRate = 1e-2; ///< Adam.
};

/// One group of a layer's weights sharing the same inputs: `rows` output
/// channels of `k` weights each (row-major), and the Gram matrix
/// G = E[x x^T] (k x k, row-major) of the k-dimensional inputs they read.
/// A dense layer or a conv with groups == 1 is one problem; a grouped conv
/// (depthwise) is one problem per group.
struct Problem {
  int64_t rows = 0;
  int64_t k = 0;
  std::vector<float> weights;  ///< rows * k.
  std::vector<double> scales;  ///< One per row.
  std::vector<double> gram;    ///< k * k, symmetric.
  /// Perturbed inputs: b per row (rows * k) and c per row (rows). Empty:
  /// the inputs are the float ones, b = G w and c = w^T G w.
  std::vector<double> target;
  std::vector<double> targetEnergy;
  int64_t qmin = -127;
  int64_t qmax = 127;
};

struct Result {
  std::vector<int64_t> q;      ///< rows * k integer weights.
  double nearestError = 0.0;   ///< Data term with round-to-nearest.
  double error = 0.0;          ///< Data term with the result.
  int64_t changed = 0;         ///< Weights rounded the other way than nearest.
};

/// The rectified sigmoid h(V) and the V with h(V) = rest (rest in [0, 1],
/// clamped to (0.01, 0.99) so that V stays finite).
double rectifiedSigmoid(double v);
double initialV(double rest);

/// beta at iteration `it` (0-based) after the warm-up; betaStart before.
double annealedBeta(const Options &options, unsigned it);

/// The regularizer of one weight: 1 - |2h - 1|^beta.
double roundingRegularizer(double h, double beta);

/// The data term for integer weights `q`: (1/N) sum ||(w~ - w) x||^2 =
/// sum_o d_o^T G d_o (d = s * q - w), or with a target the perturbed-input
/// form above.
double reconstructionError(const Problem &p, const std::vector<int64_t> &q);

/// Round-to-nearest integers (qmath::quantize's rule: x * float(1/s), ties
/// to even, clamped).
std::vector<int64_t> roundNearest(const Problem &p);

/// Runs the optimization and returns the hard rounding h(V) >= 0.5 (V >= 0).
/// Weights at the end of the range (|w| / s >= qmax - 0.001) keep their
/// nearest rounding, qmax, so the largest magnitude, which fixes the scale,
/// does not change. When the hard rounding reconstructs worse than
/// rounding to nearest, the result is rounding to nearest.
Result optimize(const Problem &p, const Options &options);

} // namespace qmlir::adaround

#endif // QMLIR_QUANT_ADAROUND_H
