//===- Tiling.h - splitting a layer to fit on-chip memory -------*- C++ -*-===//
//
// A conv2d or dense layer whose weights, bias and activations do not fit the
// target's on-chip memory at once runs as tiles: output-channel tiles of
// `channels` channels (a slice of the weights each) and, when needed,
// output-row tiles of `rows` rows per image (with the input rows they
// read, including the halo of the kernel). convert-qnn-to-npu chooses the
// plan (planTiles), records it on the npu op, and the simulator executes it
// tile by tile and charges its memory and traffic with the same functions.
// Every output element is computed exactly as without tiling (an output
// channel's sum of products does not depend on the tile), so tiling never
// changes a value. Plain C++, no MLIR: the verifier of artifacts uses it.
// See docs/Targets.md, "Tiling".
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_IR_TILING_H
#define QMLIR_DIALECT_NPU_IR_TILING_H

#include <cstdint>
#include <optional>

namespace qmlir::npu {

/// The shape of one layer as the tiler sees it. A dense layer over `rows`
/// rows of `K` values is a 1×1 convolution of an [1, rows, 1, K] image to
/// [1, rows, 1, M].
struct LayerGeometry {
  int64_t N = 1, H = 1, W = 1, C = 1;   // input, NHWC
  int64_t O = 1, KH = 1, KW = 1, CG = 1; // weights, OHWI (CG = C / groups)
  int64_t OH = 1, OW = 1;                // output rows and columns
  int64_t strideH = 1, dilationH = 1, padTop = 0, groups = 1;
  int64_t inputBits = 8, weightBits = 8, outputBits = 8;
  bool bias = false;
  /// Per-axis activations: one input zero point per input channel (every
  /// tile needs all of them) and one output zero point per output channel
  /// (a tile needs its channels'), stored at the input and output widths
  /// and counted with the weights.
  bool inputZps = false, outputZps = false;
};

/// A tiling: `channels` output channels and `rows` output rows (per image)
/// per tile. {O, OH} is one tile per image (no tiling).
struct TilePlan {
  int64_t channels = 0, rows = 0;
};

/// Packed bytes of `n` values of `bits` bits.
inline int64_t packedBytes(int64_t n, int64_t bits) {
  return (n * bits + 7) / 8;
}

/// Bytes on chip for the whole layer at once: all weights and biases, the
/// whole input and output (every image).
int64_t wholeLayerBytes(const LayerGeometry &g);

/// Bytes on chip for one tile of `channels` output channels and `rows`
/// output rows of one image: that slice of the weights and biases, the
/// input rows any such tile reads at most (all input channels of the groups
/// involved; for simplicity all input channels), and the tile's outputs.
int64_t tileBytes(const LayerGeometry &g, int64_t channels, int64_t rows);

/// Input rows that output rows [r0, r0 + rows) of one image read (inside
/// the image; padding rows are not stored).
int64_t inputRowsOf(const LayerGeometry &g, int64_t r0, int64_t rows);

/// Off-chip traffic of running `plan` once (every image): each row tile
/// reads its input rows (halo included) once and keeps them while the
/// channel tiles pass; the weights are read once per row tile (once in
/// total when there is a single channel tile, which then stays on chip);
/// every output is written once.
int64_t tiledTrafficBytes(const LayerGeometry &g, const TilePlan &plan);

/// Passes of output-channel tiles of `channels` over a MAC array with
/// `macCols` columns, per output position: what the cycle model multiplies
/// (a tile of c channels takes ceil(c / macCols) passes).
int64_t channelPasses(const LayerGeometry &g, int64_t channels,
                      int64_t macCols);

/// The plan for `memoryBytes` of on-chip memory (0: unlimited): no tiling
/// when the whole layer fits; otherwise, among the tilings whose tiles fit
/// (for each number of row tiles, the most channels that fit, rounded down
/// to a multiple of `macCols` when at least `macCols`), the one with the
/// fewest cycles (channel passes), then the least off-chip traffic. nullopt:
/// not even one output channel of one output row fits.
std::optional<TilePlan> planTiles(const LayerGeometry &g, int64_t memoryBytes,
                                  int64_t macCols);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_IR_TILING_H
