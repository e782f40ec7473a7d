//===- Tiling.cpp - splitting a layer to fit on-chip memory ---------------===//

#include "qmlir/Dialect/NPU/IR/Tiling.h"

#include <algorithm>

using namespace qmlir;
using namespace qmlir::npu;

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The weights, biases and per-channel zero points a tile of `channels`
/// output channels needs.
int64_t weightBytes(const LayerGeometry &g, int64_t channels) {
  return packedBytes(channels * g.KH * g.KW * g.CG, g.weightBits) +
         (g.bias ? 4 * channels : 0) +
         (g.inputZps ? packedBytes(g.C, g.inputBits) : 0) +
         (g.outputZps ? packedBytes(channels, g.outputBits) : 0);
}
} // namespace

int64_t npu::wholeLayerBytes(const LayerGeometry &g) {
  return weightBytes(g, g.O) +
         packedBytes(g.N * g.H * g.W * g.C, g.inputBits) +
         packedBytes(g.N * g.OH * g.OW * g.O, g.outputBits);
}

int64_t npu::inputRowsOf(const LayerGeometry &g, int64_t r0, int64_t rows) {
  int64_t first = r0 * g.strideH - g.padTop;
  int64_t last = (r0 + rows - 1) * g.strideH - g.padTop +
                 (g.KH - 1) * g.dilationH;
  first = std::max<int64_t>(first, 0);
  last = std::min(last, g.H - 1);
  return std::max<int64_t>(last - first + 1, 0);
}

/// The most input rows any tile of `rows` output rows reads (the buffer).
static int64_t inputRowBuffer(const LayerGeometry &g, int64_t rows) {
  return std::min(g.H, (rows - 1) * g.strideH + (g.KH - 1) * g.dilationH + 1);
}

int64_t npu::tileBytes(const LayerGeometry &g, int64_t channels,
                       int64_t rows) {
  return weightBytes(g, channels) +
         packedBytes(inputRowBuffer(g, rows) * g.W * g.C, g.inputBits) +
         packedBytes(rows * g.OW * channels, g.outputBits);
}

int64_t npu::tiledTrafficBytes(const LayerGeometry &g, const TilePlan &plan) {
  int64_t rowTiles = ceilDiv(g.OH, plan.rows);
  int64_t channelTiles = ceilDiv(g.O, plan.channels);
  int64_t inputRows = 0;
  for (int64_t r0 = 0; r0 < g.OH; r0 += plan.rows)
    inputRows += inputRowsOf(g, r0, std::min(plan.rows, g.OH - r0));
  int64_t weights = weightBytes(g, g.O);
  int64_t weightTraffic =
      channelTiles == 1 ? weights : weights * rowTiles * g.N;
  return weightTraffic +
         g.N * packedBytes(inputRows * g.W * g.C, g.inputBits) +
         packedBytes(g.N * g.OH * g.OW * g.O, g.outputBits);
}

int64_t npu::channelPasses(const LayerGeometry &g, int64_t channels,
                           int64_t macCols) {
  int64_t full = g.O / channels, rest = g.O % channels;
  return full * ceilDiv(channels, macCols) +
         (rest ? ceilDiv(rest, macCols) : 0);
}

std::optional<TilePlan> npu::planTiles(const LayerGeometry &g,
                                       int64_t memoryBytes, int64_t macCols) {
  if (memoryBytes <= 0 || wholeLayerBytes(g) <= memoryBytes)
    return TilePlan{g.O, g.OH};
  macCols = std::max<int64_t>(macCols, 1);
  std::optional<TilePlan> best;
  int64_t bestPasses = 0, bestTraffic = 0;
  int64_t lastRows = -1;
  // Each distinct number of row tiles k once: rows = ceil(OH / k).
  for (int64_t k = 1; k <= g.OH; ++k) {
    int64_t rows = ceilDiv(g.OH, k);
    if (rows == lastRows)
      continue;
    lastRows = rows;
    if (tileBytes(g, 1, rows) > memoryBytes)
      continue;
    // The most channels that fit (tileBytes grows with channels).
    int64_t lo = 1, hi = g.O;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (tileBytes(g, mid, rows) <= memoryBytes)
        lo = mid;
      else
        hi = mid - 1;
    }
    int64_t channels = lo;
    if (channels < g.O && channels >= macCols)
      channels -= channels % macCols;
    TilePlan plan{channels, rows};
    // Fewest passes over the MAC array's columns (cycles) first, then the
    // least off-chip traffic.
    int64_t passes = channelPasses(g, channels, macCols);
    int64_t traffic = tiledTrafficBytes(g, plan);
    if (!best || passes < bestPasses ||
        (passes == bestPasses && traffic < bestTraffic)) {
      best = plan;
      bestPasses = passes;
      bestTraffic = traffic;
    }
  }
  return best;
}
