//===- TileRows.cpp - the row indices of a kernel's tile ------------------===//
//
// A tile's rows are flat indices over the row dimensions of a
// ContractionSpec (output pixels); the kernel needs each row's index per
// loop dimension to address A, C and the epilogue operands.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

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
