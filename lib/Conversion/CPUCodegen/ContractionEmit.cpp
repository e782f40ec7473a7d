//===- ContractionEmit.cpp - register-tiled vector kernels ----------------===//
//
// Emits, on tensors, the loop nest for one ContractionSpec:
//
//   for each panel of NR = 16 * NV columns (of B, packed at compile time)
//     for each tile of MR rows
//       MR x NV accumulator vectors <- the initial value (+ compensation)
//       for each outer reduction index, for each step of the run
//         NV vector loads of packed B;
//         matrix kind: MR broadcasts of A, MR x NV multiply-adds
//           (vector.fma / 32-bit multiply-add / 4-way dot for vpdpbusd);
//         channelwise: MR x NV vector loads of A, combined (fma, add, max,
//           min) into the accumulators
//       the fused epilogue on each accumulator, one vector store each
//
// Rows are flat indices over the row dimensions, so partial tiles exist only
// at the very end (one remainder tile of M % MR rows); the last panel may be
// narrower and its last vector masked. All shapes are static, so all trip
// counts and masks are constants.
//
// Why not upstream tiling + vectorization: the linalg vectorizer handles
// convolutions only as 1-D `linalg.conv_1d_*` after decomposition (which
// needs HWCF filters and has no _q form), and nothing upstream reaches
// `vpdpbusd`, which needs the weights in a [k/4][n][4] layout anyway. The
// loop nest here is what tiling + vectorization + hoisting would produce
// for a matrix product, written directly, with A read through the
// convolution's window offsets instead of an im2col copy.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include "llvm/Support/MathExtras.h"

#include <tuple>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::cpu;

namespace {

/// The largest packed-B panel a kernel streams through per tile: about
/// three quarters of a 1 MiB L2 cache (the rest for A and the results).
constexpr int64_t kPanelBudgetBytes = 768 * 1024;
/// Packed weights up to this size are read by every row block when a
/// kernel's items go row block by row block (with threads): half the L2
/// cache of a core.
constexpr int64_t kBlockMajorBytes = 512 * 1024;

/// Accumulator rows per tile for NV vectors per row: about 24 accumulators
/// of 32 (AVX-512) or 12 of 16 (AVX2) vector registers, leaving registers
/// for NV loads of B and a broadcast of A.
int64_t rowsPerTile(int64_t nv, unsigned vectorBits) {
  static const int64_t zmm[] = {0, 16, 12, 8, 6};
  static const int64_t ymm[] = {0, 12, 6, 4, 3};
  return vectorBits >= 512 ? zmm[nv] : ymm[nv];
}

class KernelEmitter {
public:
  KernelEmitter(RewriterBase &rewriter, const ContractionSpec &s,
                const EpilogueSpec *epi, const KernelOptions &options)
      : b(rewriter), s(s), epi(epi), loc(s.op->getLoc()) {
    // Elements per vector: 32-bit lanes of one register.
    threads = options.threads;
    kLanes = options.vectorBits >= 512 ? 16 : 8;
    // Matrix products (float and int8) with 8 or 24 columns on 256-bit
    // vectors (tiles for 32 registers): no masked-off half vector; Zen 4
    // runs two 256-bit FMAs (or vpdpbusd ymm, AVX512-VL) per cycle, the
    // rate of one 512-bit one (Lowering.md §6).
    int64_t regBits = options.vectorBits;
    if (regBits >= 512 && !s.channelwise && s.numCols() % 16 == 8 &&
        s.numCols() <= 24)
      kLanes = 8;
    vnni = options.vnni && !s.isFloat && !s.channelwise;
    // Channelwise int8 products as `vpdpwssd` on 16-bit halves (dot2).
    dot2 = options.vnni && kLanes == 16 && s.channelwise && s.rhs &&
           s.combine == Combine::MulAdd && s.extendLhs &&
           getElementTypeOrSelf(s.lhs.getType()).isInteger(8) &&
           s.rhs.getElementType().isInteger(8);
    step = vnni ? 4 : 1;
    numRows = s.numRows();
    numCols = s.numCols();
    runLength = s.runLength();
    paddedRun = llvm::alignTo(runLength, step);
    numOuter = s.numOuter();
    numVectors = std::min<int64_t>(regBits >= 512 ? 4 : 3,
                                   llvm::divideCeil(numCols, kLanes));
    // Every tile of a panel streams the panel's packed B (numOuter x run x
    // NR elements): narrower panels when a full-width one would not stay in
    // the L2 cache (resnet18's 3x3, 512-channel fp32 convolutions: 1.2 MB
    // per 64-column panel, streamed again by each of its 14 tiles; 32
    // columns took 7 % less time on that layer, docs/performance.md).
    int64_t elemBytes = s.isFloat ? 4 : 1;
    while (s.rhs && numVectors > 1 &&
           numOuter * paddedRun * kLanes * numVectors * elemBytes >
               kPanelBudgetBytes)
      --numVectors;
    panelWidth = kLanes * numVectors;
    tileRows = std::min(rowsPerTile(numVectors, regBits), numRows);
    accType = VectorType::get(
        {kLanes}, getElementTypeOrSelf(s.op->getResult(0).getType()));
    lhsType = VectorType::get({kLanes}, getElementTypeOrSelf(s.lhs.getType()));
  }

  void emit();

private:

  /// Values computed once per panel (no row dependence).
  struct PanelValues {
    Value colBase, packedBase;
    int64_t numVectors, validCols;
    /// Initial value per vector, if it does not depend on the row.
    SmallVector<Value> init;
    /// Compensation per vector (integer kernels), or empty.
    SmallVector<Value> compensation;
    /// Row-independent epilogue operands: [stage][operand][vector].
    SmallVector<SmallVector<SmallVector<Value>>> epilogue;
  };

  // Index arithmetic.
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t c) { return c ? add(x, index(c)) : x; }
  Value mul(Value x, int64_t c) {
    return c == 1 ? x : arith::MulIOp::create(b, loc, x, index(c));
  }

  /// A loop over [lb, ub) carrying `inits`; `body(iv, args)` returns the
  /// values to yield.
  SmallVector<Value>
  forLoop(int64_t lb, int64_t ub, int64_t st, ValueRange inits,
          llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body);

  void prepare();
  Value flat(Value tensor);
  Value broadcast(Value scalar);
  Value mask(int64_t lanes, int64_t width);
  /// `in_bounds` of a masked transfer: every lane the mask enables is inside
  /// the tensor (the masked-off ones may not be: a run's last group of 4
  /// bytes, a panel's last vector), so the transfer needs no bounds check of
  /// its own; it becomes one masked load or store (AVX-512 masked moves do
  /// not touch masked-off lanes).
  ArrayAttr maskedInBounds() { return b.getBoolArrayAttr({true}); }

  int64_t lanesOf(int64_t validCols, int64_t j) const {
    return std::min(kLanes, validCols - kLanes * j);
  }
  bool dependsOnRow(const ElementSource &src) const;
  Value rowPart(const ElementSource &src, const RowIndices &rows);
  Value readSource(const ElementSource &src, Value rowOffset, Value col,
                   int64_t lanes);

  /// Computes block `block` of the rows for the panel of columns `panel`
  /// (`nv` vectors, `validCols` columns).
  Value emitBlock(Value panel, int64_t nv, int64_t validCols, Value block,
                  Value out);
  /// `then` if `cond`, else `otherwise`: an scf.if yielding the output.
  Value ifElse(Value cond, Value out, llvm::function_ref<Value(Value)> then,
               llvm::function_ref<Value(Value)> otherwise);
  /// The row-dependent part of `src`'s offset for row `i` of a tile;
  /// `consecutive` tiles (segmentRows) use row 0's plus a constant, which
  /// LLVM folds into the addressing (one register for all rows' operands).
  Value tileRowPart(const ElementSource &src, ArrayRef<RowIndices> rowIdx,
                    bool consecutive, int64_t i);
  Value emitTile(ArrayRef<RowIndices> rowIdx, bool consecutive,
                 const PanelValues &pv, Value out);
  SmallVector<Value> emitOuterLoops(ValueRange acc, ArrayRef<Value> rowOffsets,
                                    const PanelValues &pv, unsigned depth,
                                    Value kA, Value kB);
  SmallVector<Value> emitRun(ValueRange acc, ArrayRef<Value> rowOffsets,
                             const PanelValues &pv, Value kA, Value kB);
  SmallVector<Value> multiplyStep(ValueRange acc, ArrayRef<Value> rowOffsets,
                                  const PanelValues &pv, Value kA, Value bOff,
                                  int64_t validBytes);
  Value loadRhs(Value off);
  Value loadLhsVector(Value at, int64_t lanes);
  Value combine(Value acc, Value a, Value bv) {
    return combineStep(b, loc, s.combine, s.isFloat, dot2, acc, a, bv);
  }
  Value applyStage(const EpilogueStage &stage, Value acc,
                   ArrayRef<Value> operands) {
    return applyEpilogueStage(b, stage, acc, operands, broadcasts, kLanes);
  }

  RewriterBase &b;
  const ContractionSpec &s;
  const EpilogueSpec *epi;
  Location loc;

  bool vnni, dot2;
  int64_t kLanes;
  int64_t step, numRows, numCols, runLength, paddedRun, numOuter;
  int64_t threads;
  int64_t numVectors, panelWidth, tileRows;
  RowBlocks blocks;
  VectorType accType, lhsType;

  Value lhsFlat, packed, compensation;
  /// Whether the tile being emitted has consecutive rows (segmentRows).
  bool tileConsecutive = false;
  /// The loop dimension of each dimension the kernel writes (-1: unit).
  SmallVector<int64_t> resultDims;
  /// 1-D views of tensors, broadcasts of scalars (and of rank-0 tensors'
  /// elements), all created before the loops so that they dominate them.
  llvm::DenseMap<Value, Value> flats, broadcasts, scalarTensors;
};

SmallVector<Value> KernelEmitter::forLoop(
    int64_t lb, int64_t ub, int64_t st, ValueRange inits,
    llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto loop =
      scf::ForOp::create(b, loc, index(lb), index(ub), index(st), inits);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> results =
      body(loop.getInductionVar(), loop.getRegionIterArgs());
  scf::YieldOp::create(b, loc, results);
  return loop.getResults();
}

Value KernelEmitter::flat(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() <= 1)
    return tensor;
  auto [it, inserted] = flats.try_emplace(tensor);
  if (inserted) {
    ReassociationIndices all;
    for (int64_t i = 0; i < type.getRank(); ++i)
      all.push_back(i);
    it->second = tensor::CollapseShapeOp::create(
        b, loc, tensor, ArrayRef<ReassociationIndices>{all});
  }
  return it->second;
}

Value KernelEmitter::broadcast(Value scalar) {
  auto [it, inserted] = broadcasts.try_emplace(scalar);
  if (inserted)
    it->second = vector::BroadcastOp::create(
        b, loc, VectorType::get({kLanes}, scalar.getType()), scalar);
  return it->second;
}

Value KernelEmitter::mask(int64_t lanes, int64_t width) {
  return vector::ConstantMaskOp::create(b, loc,
                                        VectorType::get({width}, b.getI1Type()),
                                        b.getDenseI64ArrayAttr({lanes}));
}

void KernelEmitter::prepare() {
  if (s.rhs)
    std::tie(packed, compensation) =
        packedConstants(b, loc, s, panelWidth, step, vnni, dot2);

  lhsFlat = flat(s.lhs);
  auto prepareSource = [&](const ElementSource &src) {
    if (src.scalar) {
      broadcast(src.scalar);
      return;
    }
    auto type = cast<RankedTensorType>(src.tensor.getType());
    if (type.getRank() == 0)
      scalarTensors[src.tensor] = vector::BroadcastOp::create(
          b, loc, VectorType::get({kLanes}, type.getElementType()),
          tensor::ExtractOp::create(b, loc, src.tensor, ValueRange()));
    else
      flat(src.tensor);
  };
  prepareSource(s.init);
  if (!epi)
    return;
  for (const EpilogueStage &stage : epi->stages) {
    for (auto &[arg, src] : stage.operands)
      prepareSource(src);
    // Values the stage's body uses from above are broadcast once here, so
    // that the broadcasts dominate every tile.
    Block *body = &stage.op->getRegion(0).front();
    body->walk([&](Operation *op) {
      for (Value v : op->getOperands())
        if (v.getParentBlock() != body)
          broadcast(v);
    });
  }
}

bool KernelEmitter::dependsOnRow(const ElementSource &src) const {
  if (!src.tensor)
    return false;
  return llvm::any_of(s.rowDims, [&](unsigned d) { return src.coef[d] != 0; });
}

Value KernelEmitter::rowPart(const ElementSource &src, const RowIndices &rows) {
  Value off = index(src.constant);
  for (unsigned d : s.rowDims)
    if (src.coef[d])
      off = add(off, mul(rows.lookup(d), src.coef[d]));
  return off;
}

Value KernelEmitter::readSource(const ElementSource &src, Value rowOffset,
                                Value col, int64_t lanes) {
  if (src.scalar)
    return broadcasts.lookup(src.scalar);
  auto type = cast<RankedTensorType>(src.tensor.getType());
  Type elem = type.getElementType();
  if (type.getRank() == 0)
    return scalarTensors.lookup(src.tensor);
  Value t = flats.lookup(src.tensor);
  if (!t)
    t = src.tensor; // rank 1
  Value off = rowOffset ? rowOffset : index(src.constant);
  if (src.coef[s.colDim] == 0)
    return vector::BroadcastOp::create(
        b, loc, VectorType::get({kLanes}, elem),
        tensor::ExtractOp::create(b, loc, t, ValueRange{off}));
  off = add(off, col);
  auto vecType = VectorType::get({kLanes}, elem);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  if (lanes == kLanes)
    return vector::TransferReadOp::create(b, loc, vecType, t, ValueRange{off},
                                          zero, ArrayRef<bool>{true});
  return vector::TransferReadOp::create(
      b, loc, vecType, t, ValueRange{off},
      AffineMap::getMinorIdentityMap(1, 1, b.getContext()), zero,
      mask(lanes, kLanes), maskedInBounds());
}

void KernelEmitter::emit() {
  Operation *reduction = s.op->getResult(0).getDefiningOp();
  Operation *anchor = epi ? epi->ops.back() : reduction;
  b.setInsertionPoint(anchor);
  prepare();
  // The kernel writes vectors along the column, which is the last
  // dimension of the result but for trailing unit dimensions (depthwise
  // convolutions' [..., C, 1]): those are dropped while writing and
  // restored by an expand_shape (a view).
  auto resultType = cast<RankedTensorType>(anchor->getResult(0).getType());
  resultDims.clear();
  if (epi) {
    resultDims.assign(epi->resultDims.begin(), epi->resultDims.end());
  } else {
    for (unsigned r = 0; r < s.outMap.getNumResults(); ++r) {
      unsigned d = s.outMap.getDimPosition(r);
      resultDims.push_back(s.extents[d] == 1 ? -1 : static_cast<int64_t>(d));
    }
  }
  int64_t writeRank = llvm::find(resultDims, static_cast<int64_t>(s.colDim)) -
                      resultDims.begin() + 1;
  resultDims.resize(writeRank);
  // A tensor.pad of the result (the next convolution's padding): the kernel
  // writes into the interior of the padded tensor, of which only the
  // borders are filled, instead of the pad copying the result.
  tensor::PadOp pad =
      writeRank == resultType.getRank() ? fusablePad(anchor) : nullptr;
  std::optional<PaddedInterior> padded;
  Value out;
  if (pad) {
    padded = paddedInterior(b, loc, pad);
    out = padded->interior;
  } else {
    out = tensor::EmptyOp::create(
        b, loc, resultType.getShape().take_front(writeRank),
        resultType.getElementType());
  }
  // One loop over work items, (panel, row block) pairs panel by panel: the
  // order a single thread computes them in (a panel of packed B stays in
  // the caches while its rows stream by), and, as one parallel loop, one
  // fork per kernel in which every thread gets a near-equal share of all
  // the kernel's tiles. (Forking per panel over its row blocks left threads
  // idle at every panel of a 7x7 layer, 7 segments on 2 threads, and forked
  // up to 15 times per layer.) The last panel may be narrower: the item
  // then branches to its own code.
  blocks = planRowBlocks(s, numRows, tileRows);
  int64_t fullPanels = numCols / panelWidth, restCols = numCols % panelWidth;
  int64_t numPanels = fullPanels + (restCols > 0 ? 1 : 0);
  auto item = [&](Value panel, Value block, Value o) -> Value {
    auto full = [&](Value o) {
      return emitBlock(panel, numVectors, panelWidth, block, o);
    };
    auto narrow = [&](Value o) {
      return emitBlock(index(fullPanels), llvm::divideCeil(restCols, kLanes),
                       restCols, block, o);
    };
    if (restCols == 0)
      return full(o);
    if (fullPanels == 0)
      return narrow(o);
    Value isFull = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         panel, index(fullPanels));
    return ifElse(isFull, o, full, narrow);
  };
  int64_t numItems = numPanels * blocks.count;
  // With a team of threads and small packed weights, the items go row block
  // by row block (all panels of a block, then the next block) and each
  // thread gets one contiguous range of them: it computes whole output rows,
  // which the next layer's kernel, split the same way, reads from the same
  // core's caches (round-robin panels split every pixel's channels between
  // the cores). Large weights stay panel by panel, each panel read once.
  // mobilenet_v2 fp32 b1 on 2 threads: 4.44-4.62 -> 4.21-4.60 ms
  // (docs/performance.md).
  bool blockMajor = threads > 1 && numPanels > 1 &&
                    blocks.count > 1 &&
                    numPanels * numOuter * paddedRun * panelWidth *
                            (s.isFloat ? 4 : 1) <=
                        kBlockMajorBytes;
  if (numItems == 1) {
    out = item(index(0), index(0), out);
  } else {
    out = forLoop(0, numItems, 1, {out},
                  [&](Value w, ValueRange args) -> SmallVector<Value> {
                    Value panel = w, block = w;
                    if (blocks.count == 1)
                      block = index(0);
                    else if (numPanels == 1)
                      panel = index(0);
                    else if (blockMajor) {
                      Value count = index(numPanels);
                      block = arith::DivUIOp::create(b, loc, w, count);
                      panel = arith::RemUIOp::create(b, loc, w, count);
                    } else {
                      Value count = index(blocks.count);
                      panel = arith::DivUIOp::create(b, loc, w, count);
                      block = arith::RemUIOp::create(b, loc, w, count);
                    }
                    return {item(panel, block, args[0])};
                  })[0];
    // Each item writes its own rows and columns: qnn-cpu-parallelize may
    // run the items on several threads.
    out.getDefiningOp()->setAttr(kParallelLoopAttrName, b.getUnitAttr());
    if (threads > 1 && (blockMajor || numPanels == 1))
      out.getDefiningOp()->setAttr(kParallelContiguousAttrName,
                                   b.getUnitAttr());
  }
  if (writeRank < resultType.getRank()) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < writeRank; ++i)
      groups.push_back({i});
    for (int64_t i = writeRank; i < resultType.getRank(); ++i)
      groups.back().push_back(i);
    out = tensor::ExpandShapeOp::create(b, loc, resultType, out, groups);
  }
  if (pad) {
    Value full = padded->replacePad(b, loc, pad, out);
    // Other users read the interior (a view of the padded buffer; kernels
    // read through it, ContractionMatch.cpp).
    out = tensor::ExtractSliceOp::create(b, loc, full, padded->offsets,
                                         padded->sizes, padded->strides);
  }
  b.replaceOp(anchor, out);
  // The rest of the chain, last to first, now has no users.
  if (epi) {
    for (Operation *op : llvm::reverse(ArrayRef(epi->ops).drop_back()))
      b.eraseOp(op);
    b.eraseOp(reduction);
  }
}

Value KernelEmitter::emitBlock(Value panel, int64_t nv, int64_t validCols,
                               Value block, Value out) {
  PanelValues pv;
  pv.numVectors = nv;
  pv.validCols = validCols;
  pv.colBase = mul(panel, panelWidth);
  pv.packedBase = mul(panel, numOuter * paddedRun * panelWidth);
  auto colOf = [&](int64_t j) { return add(pv.colBase, kLanes * j); };
  for (int64_t j = 0; j < nv; ++j) {
    if (compensation)
      pv.compensation.push_back(vector::TransferReadOp::create(
          b, loc, accType, compensation, ValueRange{colOf(j)},
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
          ArrayRef<bool>{true}));
    if (!dependsOnRow(s.init))
      pv.init.push_back(
          readSource(s.init, Value(), colOf(j), lanesOf(validCols, j)));
  }
  if (epi)
    for (const EpilogueStage &stage : epi->stages) {
      auto &values = pv.epilogue.emplace_back();
      for (auto &[arg, src] : stage.operands) {
        values.emplace_back();
        if (!dependsOnRow(src))
          for (int64_t j = 0; j < nv; ++j)
            values.back().push_back(
                readSource(src, Value(), colOf(j), lanesOf(validCols, j)));
      }
    }

  if (blocks.segments) {
    auto tile = [&](Value first, int64_t rows, Value o) {
      return emitTile(segmentRows(b, loc, s, block, first, rows), true, pv, o);
    };
    if (blocks.fullTiles == 1)
      out = tile(index(0), blocks.perTile, out);
    else if (blocks.fullTiles > 1)
      out = forLoop(0, blocks.fullTiles, 1, {out},
                    [&](Value t, ValueRange a) -> SmallVector<Value> {
                      return {tile(mul(t, blocks.perTile), blocks.perTile,
                                   a[0])};
                    })[0];
    if (blocks.rest > 0)
      out = tile(index(blocks.fullTiles * blocks.perTile), blocks.rest, out);
    return out;
  }
  // A block is one flat tile; the last one may be shorter.
  auto tile = [&](Value first, int64_t rows, Value o) {
    return emitTile(flatRows(b, loc, s, first, rows), false, pv, o);
  };
  auto full = [&](Value o) {
    return tile(mul(block, tileRows), tileRows, o);
  };
  auto last = [&](Value o) {
    return tile(index(blocks.fullTiles * tileRows), blocks.rest, o);
  };
  if (blocks.rest == 0)
    return full(out);
  if (blocks.fullTiles == 0)
    return last(out);
  Value isFull = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       block, index(blocks.fullTiles));
  // (A loop over one-row tiles for the last rows instead would be less
  // code, 1/MR of a tile, but LLVM's IndVarSimplify then took 3x as long on
  // float models: mobilenet_v2's qmlir-compile 10.4 -> 14.8 s CPU.)
  return ifElse(isFull, out, full, last);
}

Value KernelEmitter::ifElse(Value cond, Value out,
                            llvm::function_ref<Value(Value)> then,
                            llvm::function_ref<Value(Value)> otherwise) {
  auto op = scf::IfOp::create(b, loc, TypeRange{out.getType()}, cond,
                              /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&op.getThenRegion().front());
  scf::YieldOp::create(b, loc, then(out));
  b.setInsertionPointToStart(&op.getElseRegion().front());
  scf::YieldOp::create(b, loc, otherwise(out));
  return op.getResult(0);
}

Value KernelEmitter::tileRowPart(const ElementSource &src,
                                 ArrayRef<RowIndices> rowIdx, bool consecutive,
                                 int64_t i) {
  if (!consecutive || i == 0)
    return rowPart(src, rowIdx[i]);
  return add(rowPart(src, rowIdx[0]), i * src.coef[s.rowDims.back()]);
}

Value KernelEmitter::emitTile(ArrayRef<RowIndices> rowIdx, bool consecutive,
                              const PanelValues &pv, Value out) {
  int64_t nv = pv.numVectors;
  int64_t rows = static_cast<int64_t>(rowIdx.size());
  auto colOf = [&](int64_t j) { return add(pv.colBase, kLanes * j); };

  SmallVector<Value> lhsOffsets;
  ElementSource lhsSrc;
  lhsSrc.coef = s.lhsCoef;
  lhsSrc.constant = s.lhsConstant;
  for (int64_t i = 0; i < rows; ++i)
    lhsOffsets.push_back(tileRowPart(lhsSrc, rowIdx, consecutive, i));
  tileConsecutive = consecutive;

  SmallVector<Value> acc;
  for (int64_t i = 0; i < rows; ++i) {
    Value initRow = dependsOnRow(s.init)
                        ? tileRowPart(s.init, rowIdx, consecutive, i)
                        : Value();
    for (int64_t j = 0; j < nv; ++j) {
      Value v = initRow ? readSource(s.init, initRow, colOf(j),
                                     lanesOf(pv.validCols, j))
                        : pv.init[j];
      if (!pv.compensation.empty())
        v = arith::AddIOp::create(b, loc, v, pv.compensation[j]);
      acc.push_back(v);
    }
  }

  acc = emitOuterLoops(acc, lhsOffsets, pv, 0, index(0), pv.packedBase);

  // Epilogue and stores.
  auto resultType = cast<RankedTensorType>(out.getType());
  auto perm =
      AffineMap::getMinorIdentityMap(resultType.getRank(), 1, b.getContext());
  // Row-dependent epilogue operands of row i: [stage][operand] -> offset.
  auto epiRowOffsets = [&](int64_t i) {
    SmallVector<SmallVector<Value>> offsets;
    if (epi)
      for (const EpilogueStage &stage : epi->stages) {
        auto &offs = offsets.emplace_back();
        for (auto &[arg, src] : stage.operands)
          offs.push_back(dependsOnRow(src)
                             ? tileRowPart(src, rowIdx, consecutive, i)
                             : Value());
      }
    return offsets;
  };
  auto rowIndices = [&](int64_t i, Value col) {
    SmallVector<Value> indices;
    for (int64_t d : resultDims)
      indices.push_back(d < 0                    ? index(0)
                        : d == int64_t(s.colDim) ? col
                                                 : rowIdx[i].lookup(d));
    return indices;
  };

  // A panel of exactly half a vector of columns (a last panel of 8
  // columns with 16 lanes, 4 with 8): two rows share one vector for the
  // epilogue (the rescale arithmetic runs once per pair instead of on
  // half-empty vectors), then each half is stored to its row without a
  // mask.
  int64_t half = kLanes / 2;
  int64_t first = 0;
  if (nv == 1 && pv.validCols == half && rows >= 2) {
    SmallVector<int64_t> lowHalves;
    for (int64_t l = 0; l < half; ++l)
      lowHalves.push_back(l);
    for (int64_t l = 0; l < half; ++l)
      lowHalves.push_back(kLanes + l);
    auto pair = [&](Value lo, Value hi) -> Value {
      return vector::ShuffleOp::create(b, loc, lo, hi, lowHalves);
    };
    // Per-column operands, duplicated once per tile.
    SmallVector<SmallVector<Value>> columnPairs;
    if (epi)
      for (auto [k, stage] : llvm::enumerate(epi->stages)) {
        auto &values = columnPairs.emplace_back();
        for (auto [o, entry] : llvm::enumerate(stage.operands))
          values.push_back(dependsOnRow(entry.second)
                               ? Value()
                               : pair(pv.epilogue[k][o][0],
                                      pv.epilogue[k][o][0]));
      }
    for (; first + 1 < rows; first += 2) {
      SmallVector<SmallVector<Value>> offs[2] = {epiRowOffsets(first),
                                                 epiRowOffsets(first + 1)};
      Value v = pair(acc[first], acc[first + 1]);
      if (epi)
        for (auto [k, stage] : llvm::enumerate(epi->stages)) {
          SmallVector<Value> operands;
          for (auto [o, entry] : llvm::enumerate(stage.operands))
            operands.push_back(
                columnPairs[k][o]
                    ? columnPairs[k][o]
                    : pair(readSource(entry.second, offs[0][k][o], colOf(0),
                                      half),
                           readSource(entry.second, offs[1][k][o], colOf(0),
                                      half)));
          v = applyStage(stage, v, operands);
        }
      for (int64_t r = 0; r < 2; ++r) {
        Value part = vector::ExtractStridedSliceOp::create(
            b, loc, v, ArrayRef<int64_t>{r * half}, ArrayRef<int64_t>{half},
            ArrayRef<int64_t>{1});
        out = vector::TransferWriteOp::create(b, loc, part, out,
                                              rowIndices(first + r, colOf(0)),
                                              perm, ArrayRef<bool>{true})
                  .getResult();
      }
    }
  }

  for (int64_t i = first; i < rows; ++i) {
    SmallVector<SmallVector<Value>> offs = epiRowOffsets(i);
    for (int64_t j = 0; j < nv; ++j) {
      int64_t lanes = lanesOf(pv.validCols, j);
      Value v = acc[i * nv + j];
      if (epi)
        for (auto [k, stage] : llvm::enumerate(epi->stages)) {
          SmallVector<Value> operands;
          for (auto [o, entry] : llvm::enumerate(stage.operands))
            operands.push_back(offs[k][o]
                                   ? readSource(entry.second, offs[k][o],
                                                colOf(j), lanes)
                                   : pv.epilogue[k][o][j]);
          v = applyStage(stage, v, operands);
        }
      SmallVector<Value> indices = rowIndices(i, colOf(j));
      if (lanes == kLanes)
        out = vector::TransferWriteOp::create(b, loc, v, out, indices, perm,
                                              ArrayRef<bool>{true})
                  .getResult();
      else
        out = vector::TransferWriteOp::create(
                  b, loc, v, out, indices, AffineMapAttr::get(perm),
                  mask(lanes, kLanes), maskedInBounds())
                  .getResult();
    }
  }
  return out;
}

SmallVector<Value> KernelEmitter::emitOuterLoops(ValueRange acc,
                                                 ArrayRef<Value> rowOffsets,
                                                 const PanelValues &pv,
                                                 unsigned depth, Value kA,
                                                 Value kB) {
  if (depth == s.outerDims.size())
    return emitRun(acc, rowOffsets, pv, kA, kB);
  unsigned d = s.outerDims[depth];
  // The innermost window dimension of a channelwise kernel over consecutive
  // outputs: its taps unrolled, each input vector loaded once.
  if (s.channelwise && tileConsecutive && runLength == 1 &&
      depth + 1 == s.outerDims.size() && s.extents[d] <= 8 &&
      s.lhsCoef[d] > 0 && s.lhsCoef[s.rowDims.back()] > 0) {
    Value base = add(rowOffsets[0], kA);
    auto loadA = [&](int64_t offset, int64_t j) {
      return loadLhsVector(add(base, add(pv.colBase, offset + kLanes * j)),
                           lanesOf(pv.validCols, j));
    };
    auto loadB = [&](int64_t t, int64_t j) {
      return packed ? loadRhs(add(kB, t * panelWidth + kLanes * j)) : Value();
    };
    return emitWindowStep(
        acc, static_cast<int64_t>(rowOffsets.size()), pv.numVectors,
        s.lhsCoef[s.rowDims.back()], s.lhsCoef[d], s.extents[d], loadA, loadB,
        [&](Value c, Value a, Value bv) { return combine(c, a, bv); });
  }
  int64_t inner = 1;
  for (unsigned e : llvm::drop_begin(s.outerDims, depth + 1))
    inner *= s.extents[e];
  return forLoop(0, s.extents[d], 1, acc,
                 [&](Value iv, ValueRange args) -> SmallVector<Value> {
                   Value kA2 = add(kA, mul(iv, s.lhsCoef[d]));
                   Value kB2 = add(kB, mul(iv, inner * paddedRun * panelWidth));
                   return emitOuterLoops(args, rowOffsets, pv, depth + 1, kA2,
                                         kB2);
                 });
}

SmallVector<Value> KernelEmitter::emitRun(ValueRange acc,
                                          ArrayRef<Value> rowOffsets,
                                          const PanelValues &pv, Value kA,
                                          Value kB) {
  int64_t full = runLength - runLength % step;
  SmallVector<Value> result(acc.begin(), acc.end());
  if (full > 0)
    result = forLoop(0, full, step, result,
                     [&](Value l, ValueRange args) -> SmallVector<Value> {
                       return multiplyStep(args, rowOffsets, pv, add(kA, l),
                                           add(kB, mul(l, panelWidth)), step);
                     });
  if (full < runLength)
    result = multiplyStep(result, rowOffsets, pv, add(kA, full),
                          add(kB, full * panelWidth), runLength - full);
  return result;
}

SmallVector<Value> KernelEmitter::multiplyStep(ValueRange acc,
                                               ArrayRef<Value> rowOffsets,
                                               const PanelValues &pv, Value kA,
                                               Value bOff, int64_t validBytes) {
  int64_t nv = pv.numVectors;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  SmallVector<Value> bVecs;
  for (int64_t j = 0; packed && j < nv; ++j)
    bVecs.push_back(loadRhs(add(bOff, kLanes * step * j)));

  SmallVector<Value> result(acc.begin(), acc.end());
  for (auto [i, rowOff] : llvm::enumerate(rowOffsets)) {
    Value off = add(rowOff, kA);
    if (s.channelwise) {
      // One vector of A per vector of columns.
      for (int64_t j = 0; j < nv; ++j) {
        Value a = loadLhsVector(add(off, add(pv.colBase, kLanes * j)),
                                lanesOf(pv.validCols, j));
        Value &c = result[i * nv + j];
        c = combine(c, a, packed ? bVecs[j] : Value());
      }
      continue;
    }
    Value a;
    if (s.isFloat) {
      a = vector::BroadcastOp::create(
          b, loc, accType,
          tensor::ExtractOp::create(b, loc, lhsFlat, ValueRange{off}));
    } else if (!vnni) {
      Value x = tensor::ExtractOp::create(b, loc, lhsFlat, ValueRange{off});
      a = vector::BroadcastOp::create(b, loc, accType,
                                      arith::ExtSIOp::create(b, loc, i32, x));
    } else {
      // Four consecutive bytes of A as one i32 in every lane, made
      // unsigned by flipping the sign bits (+128 each).
      auto quad = VectorType::get({4}, i8);
      Value zero = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
      Value x =
          validBytes == 4
              ? vector::TransferReadOp::create(b, loc, quad, lhsFlat,
                                               ValueRange{off}, zero,
                                               ArrayRef<bool>{true})
              : vector::TransferReadOp::create(
                    b, loc, quad, lhsFlat, ValueRange{off},
                    AffineMap::getMinorIdentityMap(1, 1, b.getContext()), zero,
                    mask(validBytes, 4), maskedInBounds());
      Value word =
          vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), x);
      Value splat = vector::BroadcastOp::create(b, loc, accType, word);
      Value flip = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(accType,
                                 ArrayRef<Attribute>{b.getI32IntegerAttr(
                                     static_cast<int32_t>(0x80808080u))}));
      splat = arith::XOrIOp::create(b, loc, splat, flip);
      a = vector::BitCastOp::create(b, loc, VectorType::get({4 * kLanes}, i8),
                                    splat);
    }
    for (int64_t j = 0; j < nv; ++j) {
      Value &c = result[i * nv + j];
      c = vnni ? dot4Step(b, loc, a, bVecs[j], c) : combine(c, a, bVecs[j]);
    }
  }
  return result;
}

/// One vector (`step` groups of lanes) of packed B at `off`, extended to
/// the accumulator type unless VNNI multiplies bytes.
Value KernelEmitter::loadRhs(Value off) {
  if (s.isFloat)
    return vector::TransferReadOp::create(
        b, loc, accType, packed, ValueRange{off},
        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)),
        ArrayRef<bool>{true});
  if (dot2)
    return vector::TransferReadOp::create(
        b, loc, accType, packed, ValueRange{off},
        arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
        ArrayRef<bool>{true});
  auto type = VectorType::get({kLanes * step}, b.getI8Type());
  Value v = vector::TransferReadOp::create(
      b, loc, type, packed, ValueRange{off},
      arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0)),
      ArrayRef<bool>{true});
  return vnni ? v : arith::ExtSIOp::create(b, loc, accType, v);
}

/// A vector of A at `at` (channelwise kind), `lanes` of them valid,
/// extended to the accumulator type if needed.
Value KernelEmitter::loadLhsVector(Value at, int64_t lanes) {
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(lhsType.getElementType()));
  Value a = lanes == kLanes
                ? vector::TransferReadOp::create(b, loc, lhsType, lhsFlat,
                                                 ValueRange{at}, zero,
                                                 ArrayRef<bool>{true})
                : vector::TransferReadOp::create(
                      b, loc, lhsType, lhsFlat, ValueRange{at},
                      AffineMap::getMinorIdentityMap(1, 1, b.getContext()),
                      zero, mask(lanes, kLanes), maskedInBounds());
  return s.extendLhs ? arith::ExtSIOp::create(b, loc, accType, a) : a;
}

} // namespace

void qmlir::cpu::emitContraction(RewriterBase &rewriter,
                                 const ContractionSpec &spec,
                                 const EpilogueSpec *epilogue,
                                 const KernelOptions &options) {
  KernelEmitter(rewriter, spec, epilogue, options).emit();
}
