//===- Contraction.h - contractions the CPU kernels handle -----*- C++ -*-===//
//
// The normalized form of the linalg reductions that
// qnn-cpu-vectorize-contractions turns into register-tiled vector code, and
// of the elementwise consumers it fuses into the kernel's epilogue. Two
// kinds:
//
//   matrix:      C[m, n] = init[m, n] + sum_k A[m, k] * B[k, n]
//                (convolutions, matrix products; B constant)
//   channelwise: C[m, n] = init[m, n] (+) over k of A[m, k, n] (* B[k, n])
//                (depthwise convolutions, max/sum pooling; (+) is +, max or
//                min; B constant or absent)
//
// Everything is expressed over the linalg op's loop dimensions: an operand's
// element at loop indices i is at the flat row-major offset
// sum_d coef[d] * i_d + constant.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_CPUCODEGEN_CONTRACTION_H
#define QMLIR_LIB_CONVERSION_CPUCODEGEN_CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <vector>

namespace qmlir::cpu {

/// A value needed for every element of the result: either a scalar SSA value
/// (the same for all elements) or an element of `tensor` at the flat offset
/// `sum_d coef[d] * i_d + constant`. `coef` of the column dimension is 0 or
/// 1.
struct ElementSource {
  mlir::Value scalar;
  mlir::Value tensor;
  llvm::SmallVector<int64_t> coef;
  int64_t constant = 0;
};

/// How an element of A (times B) is combined into the accumulator.
enum class Combine { MulAdd, Add, Max, Min };

/// A reduction the kernels handle. Loop dimensions of extent 1 play no
/// role (their index is always 0) and appear in none of the lists.
struct ContractionSpec {
  mlir::linalg::LinalgOp op;
  Combine combine = Combine::MulAdd;
  /// Element types: f32 throughout, or integers; `extendLhs` (and
  /// `extendRhs`) when A (B) is sign-extended to the accumulator's type
  /// (i8 -> i32) before it is combined.
  bool isFloat = true;
  bool extendLhs = false;
  /// Channelwise: A depends on the column (with coefficient 1) and is read
  /// as vectors; otherwise A's elements are broadcast (matrix kind).
  bool channelwise = false;

  /// A: the activations, read in place.
  mlir::Value lhs;
  llvm::SmallVector<int64_t> lhsCoef;
  int64_t lhsConstant = 0;
  /// Integer products compute (A - lhsZeroPoint) * B.
  int64_t lhsZeroPoint = 0;

  /// B: the weights, a constant (MulAdd only; null otherwise).
  mlir::DenseElementsAttr rhs;
  llvm::SmallVector<int64_t> rhsCoef;
  int64_t rhsConstant = 0;

  /// Static loop extents of the linalg op.
  llvm::SmallVector<int64_t> extents;
  /// Parallel dimensions of A and C (the rows m), outermost first in the
  /// layout of C.
  llvm::SmallVector<unsigned> rowDims;
  /// The parallel dimension of B and C (the columns n); contiguous in C.
  unsigned colDim = 0;
  /// Reduction dimensions over which A is contiguous (the "run"), outermost
  /// first: element j of the run is at offset j from its start. Matrix
  /// kind only.
  llvm::SmallVector<unsigned> runDims;
  /// The other reduction dimensions, in loop order.
  llvm::SmallVector<unsigned> outerDims;

  /// The indexing map and flat-offset coefficients of C.
  mlir::AffineMap outMap;
  llvm::SmallVector<int64_t> outCoef;

  /// The initial value of C.
  ElementSource init;

  int64_t numRows() const;
  int64_t numCols() const { return extents[colDim]; }
  int64_t runLength() const;
  int64_t numOuter() const;
};

/// An all-parallel linalg.generic that is the only user of the previous
/// value of the chain (the reduction's result or the previous stage's, maybe
/// through reshapes that only add or drop unit dimensions) and computes
/// elementwise over the same elements; its body runs on the accumulators
/// before they are stored.
struct EpilogueStage {
  mlir::linalg::GenericOp op;
  /// The block argument that receives the previous value.
  unsigned accArg = 0;
  /// The other block arguments (inputs) and where their values come from.
  llvm::SmallVector<std::pair<unsigned, ElementSource>> operands;
};

struct EpilogueSpec {
  llvm::SmallVector<EpilogueStage> stages;
  /// Every op the kernel replaces after the reduction: stages and the
  /// reshapes between them, in order; the last one is the last stage.
  llvm::SmallVector<mlir::Operation *> ops;
  /// For each dimension of the last stage's result, the reduction's loop
  /// dimension it indexes (-1 for unit dimensions).
  llvm::SmallVector<int64_t> resultDims;
};

/// Recognizes a contraction the kernels handle; failure means "leave it to
/// the reference lowering" (no diagnostic).
mlir::FailureOr<ContractionSpec> matchContraction(mlir::linalg::LinalgOp op);

/// The chain of elementwise consumers to fuse, if there is one.
std::optional<EpilogueSpec> matchEpilogue(const ContractionSpec &spec);

struct KernelOptions {
  /// Use AVX-512 VNNI `vpdpbusd` for integer matrix contractions (on zmm
  /// registers, or on ymm ones with AVX512-VL for 8 lanes).
  bool vnni = false;
  /// Vector register width: 512 (16 lanes of 32 bits, 32 registers) or 256
  /// (8 lanes, 16 registers); decides lanes and tile sizes.
  unsigned vectorBits = 512;
  /// Threads of the compiled code (1: sequential, 0: unknown); decides the
  /// order of a kernel's work items.
  int64_t threads = 1;
};

/// Replaces the contraction (and the epilogue's generic, if any) with the
/// register-tiled vector loop nest.
void emitContraction(mlir::RewriterBase &rewriter, const ContractionSpec &spec,
                     const EpilogueSpec *epilogue,
                     const KernelOptions &options);

/// The row indices of one row of a kernel's tile, by loop dimension.
using RowIndices = llvm::SmallDenseMap<unsigned, mlir::Value, 4>;

/// How a kernel's rows are split into blocks, the unit of work of its
/// parallel loop together with a panel of columns.
struct RowBlocks {
  /// Blocks are output rows of `width` pixels (segments), each computed as
  /// `fullTiles` tiles of `perTile` rows and one of `rest` rows; otherwise a
  /// block is one tile of the flat rows (`fullTiles` of MR rows and, last,
  /// one of `rest` rows).
  bool segments = false;
  int64_t width = 0, perTile = 0, fullTiles = 0, rest = 0;
  int64_t count = 0;
};

/// The blocks of the `numRows` rows of `s` for tiles of up to `tileRows`
/// (MR) rows (TileRows.cpp).
RowBlocks planRowBlocks(const ContractionSpec &s, int64_t numRows,
                        int64_t tileRows);

/// Row indices of `rows` consecutive flat rows from `firstRow`
/// (TileRows.cpp).
llvm::SmallVector<RowIndices> flatRows(mlir::OpBuilder &b, mlir::Location loc,
                                       const ContractionSpec &s,
                                       mlir::Value firstRow, int64_t rows);
/// Row indices of `rows` rows that differ only in the innermost row
/// dimension, `first`, first + 1, ...; the other row dimensions are the
/// flat index `outerRow` over them (TileRows.cpp).
llvm::SmallVector<RowIndices> segmentRows(mlir::OpBuilder &b,
                                          mlir::Location loc,
                                          const ContractionSpec &s,
                                          mlir::Value outerRow,
                                          mlir::Value first, int64_t rows);

/// A user of the kernel's result `anchor` that pads it with static,
/// non-negative widths and a constant value (the kernel can write into its
/// interior), or null (PaddedResult.cpp).
mlir::tensor::PadOp fusablePad(mlir::Operation *anchor);
/// The tensor a `pad` (of fusablePad's kind) produces, built by writing
/// its source into the interior of a tensor whose borders alone are filled
/// (PaddedResult.cpp).
struct PaddedInterior {
  /// The padded tensor, borders filled; its interior, to write the source
  /// into.
  mlir::Value padded, interior;
  llvm::SmallVector<mlir::OpFoldResult> offsets, sizes, strides;

  /// Replaces `pad` by `source` (written into `interior`) inserted into
  /// `padded` at the insertion point; returns the inserted tensor.
  mlir::Value replacePad(mlir::RewriterBase &rewriter, mlir::Location loc,
                         mlir::tensor::PadOp pad, mlir::Value source) const;
};
PaddedInterior paddedInterior(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::tensor::PadOp pad);
/// Makes every other linalg op (a transpose, an elementwise op) whose only
/// user pads its result write into the interior of the padded tensor, as
/// the kernels do (PaddedResult.cpp).
void writeProducersIntoPads(mlir::RewriterBase &rewriter,
                            mlir::Operation *root);

/// B as [panel][outer][paddedRun / step][panelWidth][step], zero-padded,
/// as raw f32 or i8 bytes; `colSums` receives sum_k B[k, n] for integer
/// kernels (PackRhs.cpp).
std::vector<char> packRhs(const ContractionSpec &s, int64_t panelWidth,
                          int64_t step, std::vector<int64_t> &colSums);

/// Packed int8 weights (packRhs) as 32-bit words holding the 16-bit pairs
/// (b, 0), the B operand of dotPairsStep (PackRhs.cpp).
std::vector<char> bytesAsPairs(const std::vector<char> &bytes);

/// The constants of a kernel with weights: B packed (as bytesAsPairs for
/// `pairs`) and, for integer kernels, the compensation -(zp (+ 128 for
/// `vnni`)) * sum_k B[k, n] added to the initial value, or null
/// (PackRhs.cpp).
std::pair<mlir::Value, mlir::Value>
packedConstants(mlir::OpBuilder &b, mlir::Location loc,
                const ContractionSpec &s, int64_t panelWidth, int64_t step,
                bool vnni, bool pairs);

/// acc (+) a (* bv), the combining step of a reduction of `kind` on vectors;
/// `pairs`: an integer product as dotPairsStep (KernelSteps.cpp).
mlir::Value combineStep(mlir::OpBuilder &b, mlir::Location loc, Combine kind,
                        bool isFloat, bool pairs, mlir::Value acc,
                        mlir::Value a, mlir::Value bv);
/// acc[i] + sum_t zext(a[4i + t]) * sext(bv[4i + t]), t < 4 (64 bytes each):
/// what one `vpdpbusd` computes (KernelSteps.cpp).
mlir::Value dot4Step(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                     mlir::Value bv, mlir::Value acc);
/// acc + a * b for 32-bit lanes `a` sign-extended from 8 bits and `bv` the
/// 16-bit pairs (b, 0): the 2-way dot product of 16-bit halves that
/// `vpdpwssd` computes, a_lo * b + a_hi * 0 (KernelSteps.cpp).
mlir::Value dotPairsStep(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value a, mlir::Value bv, mlir::Value acc);

/// The body of an epilogue stage applied to the accumulator `acc` (vectors
/// of `lanes`), with `operands` for its other block arguments and the
/// broadcasts of the values it uses from above (KernelSteps.cpp).
mlir::Value applyEpilogueStage(
    mlir::OpBuilder &b, const EpilogueStage &stage, mlir::Value acc,
    llvm::ArrayRef<mlir::Value> operands,
    const llvm::DenseMap<mlir::Value, mlir::Value> &broadcasts, int64_t lanes);

/// The taps of a channelwise kernel's innermost window dimension over a tile
/// of `rows` outputs at constant distances: output i, tap t reads A at
/// offset i * rowStride + t * tapStride (relative to the tile). Each distinct
/// offset is loaded once (`loadA(offset, j)` for vector j of the columns) and
/// combined into every accumulator (`acc[i * numVectors + j]`) that reads
/// it, taps in ascending order; `loadB(t, j)` is tap t's B vector or null
/// (WindowStep.cpp).
llvm::SmallVector<mlir::Value> emitWindowStep(
    mlir::ValueRange acc, int64_t rows, int64_t numVectors, int64_t rowStride,
    int64_t tapStride, int64_t taps,
    llvm::function_ref<mlir::Value(int64_t, int64_t)> loadA,
    llvm::function_ref<mlir::Value(int64_t, int64_t)> loadB,
    llvm::function_ref<mlir::Value(mlir::Value, mlir::Value, mlir::Value)>
        combine);

/// 64-bit rescales of 32-bit vectors (the int8 epilogues) computed on the
/// even and odd lanes in place instead of on widened halves
/// (RescaleEvenOdd.cpp).
void populateRescaleEvenOddPatterns(mlir::RewritePatternSet &patterns);

} // namespace qmlir::cpu

#endif // QMLIR_LIB_CONVERSION_CPUCODEGEN_CONTRACTION_H
