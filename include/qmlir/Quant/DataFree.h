//===- DataFree.h - math of data-free quantization --------------*- C++ -*-===//
//
// The arithmetic behind Nagel et al., "Data-Free Quantization Through Weight
// Equalization and Bias Correction" (ICCV 2019): cross-layer equalization
// scale factors, high-bias absorption and the clipped-normal mean used by
// analytical bias correction. The passes (qnn-cross-layer-equalize,
// qnn-bias-correction) read and write IR; everything numeric is here,
// IR-free and unit-tested (docs/CLE.md).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_DATAFREE_H
#define QMLIR_QUANT_DATAFREE_H

#include <cstdint>
#include <vector>

namespace qmlir::dfq {

/// The weights of one layer, indexed by channel. conv2d weights are OHWI
/// `[out, kh, kw, in / groups]` (spatial = kh * kw); dense weights `[out, in]`
/// (spatial 1, groups 1). Depthwise is groups == out == in, inPerGroup 1.
struct LayerWeights {
  std::vector<float> values; ///< Row-major, outChannels*spatial*inPerGroup.
  int64_t outChannels = 0;
  int64_t spatial = 1;
  int64_t inPerGroup = 0;
  int64_t groups = 1;

  int64_t index(int64_t o, int64_t k, int64_t i) const {
    return (o * spatial + k) * inPerGroup + i;
  }
  /// Channel of the layer's input that weight element (o, *, i) reads.
  int64_t inputChannel(int64_t o, int64_t i) const {
    return (o / (outChannels / groups)) * inPerGroup + i;
  }
  int64_t inputChannels() const { return groups * inPerGroup; }
};

/// An input-channel map: entry `j` is the equalized channel that input
/// channel `j` of a layer carries. The identity when the layer reads the
/// previous layer's output directly; a many-to-one map when a flatten sits in
/// between (dense input feature -> conv output channel).
using ChannelMap = std::vector<int64_t>;

/// The identity map on `n` channels.
ChannelMap identityMap(int64_t n);

/// max |w| over each output channel's weights (r1 of the paper).
std::vector<double> outputChannelRanges(const LayerWeights &w);

/// max |w| over the weights that read each of `channels` channels through
/// `map` (r2 of the paper). Channels that no weight reads get range 0.
std::vector<double> inputChannelRanges(const LayerWeights &w,
                                       const ChannelMap &map, int64_t channels);

/// Two-layer equalization: s_i = sqrt(r1_i * r2_i) / r2_i = sqrt(r1_i / r2_i).
/// Dividing layer 1's output channel i by s_i and multiplying layer 2's input
/// channel i by s_i makes both ranges sqrt(r1_i * r2_i). s_i = 1 where either
/// range is 0 (nothing to balance, and no division by zero).
std::vector<double> pairScaleFactors(const std::vector<double> &r1,
                                     const std::vector<double> &r2);

/// Three-layer equalization of conv -> depthwise -> conv (AIMET's CLS set of
/// three), with r2 the depthwise ranges: with m_i = cbrt(r1_i r2_i r3_i),
/// s12_i = r1_i / m_i and s23_i = m_i / r3_i make all three ranges m_i.
struct TripleScaleFactors {
  std::vector<double> s12, s23;
};
TripleScaleFactors tripleScaleFactors(const std::vector<double> &r1,
                                      const std::vector<double> &r2,
                                      const std::vector<double> &r3);

/// w[o, ...] /= s[o] and bias[o] /= s[o] (bias may be empty).
void scaleOutputChannels(LayerWeights &w, std::vector<float> &bias,
                         const std::vector<double> &s);

/// w[o, k, i] *= s[map[inputChannel(o, i)]].
void scaleInputChannels(LayerWeights &w, const ChannelMap &map,
                        const std::vector<double> &s);

/// Per output channel o: sum over k, i of w[o, k, i] * v[map[inputChannel(o,
/// i)]], the layer's response to a constant per-channel input v (the bias
/// term high-bias absorption and bias correction move into a bias).
std::vector<double> applyToChannelConstant(const LayerWeights &w,
                                           const ChannelMap &map,
                                           const std::vector<double> &v);

/// High-bias absorption amount per channel for a layer output distributed
/// as N(beta, gamma^2): with a ReLU after it, c = max(0, beta - 3 |gamma|)
/// (ReLU is then the identity on all but 0.13 % of a normal's mass); without
/// an activation, c = beta (exact).
std::vector<double> highBiasAbsorption(const std::vector<double> &beta,
                                       const std::vector<double> &gamma,
                                       bool relu);

/// E[clamp(X, lo, hi)] for X ~ N(mu, sigma^2); lo may be -inf and hi +inf.
/// With lo = 0, hi = inf this is the paper's ReLU formula
/// sigma * phi(-mu/sigma) + mu * (1 - Phi(-mu/sigma)). sigma is taken as
/// |sigma|; sigma == 0 gives clamp(mu, lo, hi).
double clippedNormalMean(double mu, double sigma, double lo, double hi);

} // namespace qmlir::dfq

#endif // QMLIR_QUANT_DATAFREE_H
