//===- TileRows.cpp - the row indices of a kernel's tile ------------------===//
//
// A tile's rows are flat indices over the row dimensions of a
// ContractionSpec (output pixels); the kernel needs each row's index per
// loop dimension to address A, C and the epilogue operands. Also how the
// rows are split into the blocks of the kernel's work items.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace qmlir::cpu;

SmallVector<RowIndices> qmlir::cpu::flatRows(OpBuilder &b, Location loc,
                                             const ContractionSpec &s,
                                             Value firstRow, int64_t rows) {
  // The flat row number delinearized over the row dimensions.
  SmallVector<RowIndices> rowIdx(rows);
  for (int64_t i = 0; i < rows; ++i) {
    Value rem = i == 0 ? firstRow
                       : arith::AddIOp::create(
                             b, loc, firstRow,
                             arith::ConstantIndexOp::create(b, loc, i));
    for (int64_t q = static_cast<int64_t>(s.rowDims.size()) - 1; q >= 0; --q) {
      unsigned d = s.rowDims[q];
      if (q == 0) {
        rowIdx[i][d] = rem;
        break;
      }
      Value e = arith::ConstantIndexOp::create(b, loc, s.extents[d]);
      rowIdx[i][d] = arith::RemUIOp::create(b, loc, rem, e);
      rem = arith::DivUIOp::create(b, loc, rem, e);
    }
  }
  return rowIdx;
}

SmallVector<RowIndices> qmlir::cpu::segmentRows(OpBuilder &b, Location loc,
                                                const ContractionSpec &s,
                                                Value outerRow, Value first,
                                                int64_t rows) {
  RowIndices outer;
  Value rem = outerRow;
  int64_t numOuterDims = static_cast<int64_t>(s.rowDims.size()) - 1;
  for (int64_t q = numOuterDims - 1; q >= 0; --q) {
    unsigned d = s.rowDims[q];
    if (q == 0) {
      outer[d] = rem;
      break;
    }
    Value e = arith::ConstantIndexOp::create(b, loc, s.extents[d]);
    outer[d] = arith::RemUIOp::create(b, loc, rem, e);
    rem = arith::DivUIOp::create(b, loc, rem, e);
  }
  SmallVector<RowIndices> rowIdx(rows, outer);
  for (int64_t i = 1; i < rows; ++i)
    rowIdx[i][s.rowDims.back()] = arith::AddIOp::create(
        b, loc, first, arith::ConstantIndexOp::create(b, loc, i));
  if (rows > 0)
    rowIdx[0][s.rowDims.back()] = first;
  return rowIdx;
}

RowBlocks qmlir::cpu::planRowBlocks(const ContractionSpec &s, int64_t numRows,
                                    int64_t tileRows) {
  // Tiles within the innermost row dimension (an output row of a
  // convolution): the rows of a tile are then at constant distances in A,
  // C and every row-dependent operand, so the code keeps one address per
  // operand instead of one per row (with 12-16 rows per tile, the row
  // addresses did not fit in the 16 general registers and were reloaded
  // from the stack in the innermost loop) and computes the row indices once
  // per tile. The segment is split into ceil(width / MR) tiles of nearly
  // equal size. Narrow rows (fewer than 6 pixels, or fewer than half a
  // tile) keep the flat tiles, which span several output rows.
  RowBlocks blocks;
  int64_t width = s.rowDims.empty() ? 0 : s.extents[s.rowDims.back()];
  if (s.rowDims.size() >= 2 && width >= std::min<int64_t>(6, tileRows) &&
      2 * width >= tileRows) {
    blocks.segments = true;
    blocks.width = width;
    blocks.perTile = llvm::divideCeil(width, llvm::divideCeil(width, tileRows));
    blocks.fullTiles = width / blocks.perTile;
    blocks.rest = width % blocks.perTile;
    blocks.count = numRows / width;
    return blocks;
  }
  blocks.fullTiles = numRows / tileRows;
  blocks.rest = numRows % tileRows;
  blocks.count = blocks.fullTiles + (blocks.rest > 0 ? 1 : 0);
  return blocks;
}
