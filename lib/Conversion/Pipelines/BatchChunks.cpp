//===- BatchChunks.cpp - the qnn-cpu-batch-chunks pass --------------------===//
//
// Runs a large batch as a loop over chunks of it inside one call: the
// function's body is cloned, at the chunk's batch size, into a loop over
// the chunks that reads slices of the inputs and writes slices of the
// results. At batch 100, every layer of mobilenet_v2 streamed 100 images'
// activations (up to 480 MB) through memory before the next layer started;
// a chunk's activations stay in the caches (docs/performance.md).
//
// Only functions whose every op is known to treat dimension 0 as a batch
// of independent samples are chunked (a whitelist of qnn ops with their
// conditions, below); anything else is left as it is.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/TypeSwitch.h"

namespace qmlir {
#define GEN_PASS_DEF_CPUBATCHCHUNKSPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

/// A static ranked tensor whose dimension 0 is `batch`.
bool isBatched(Type type, int64_t batch) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getRank() >= 1 &&
         t.getDimSize(0) == batch;
}

/// Bytes per element (storage width for quantized types).
int64_t elementBytes(Type type) {
  Type elem = getElementTypeOrSelf(type);
  if (auto q = dyn_cast<quant::QuantizedType>(elem))
    elem = q.getStorageType();
  return std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Whether `op`, whose operands `batched` (the others do not depend on the
/// function's inputs), computes each sample of dimension 0 from the same
/// sample of its batched operands only.
bool perSample(Operation *op, ArrayRef<bool> batched, int64_t batch) {
  // Results: all batched along dimension 0, not quantized along it.
  for (Type t : op->getResultTypes()) {
    if (!isBatched(t, batch))
      return false;
    if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(
            getElementTypeOrSelf(t)))
      if (q.getQuantizedDimension() == 0)
        return false;
  }
  auto onlyFirstBatched = [&] {
    return batched[0] && llvm::none_of(llvm::drop_begin(batched),
                                       [](bool b) { return b; });
  };
  int64_t rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
  return llvm::TypeSwitch<Operation *, bool>(op)
      // One activation operand, NHWC or [batch, features]; weights, bias
      // and parameters constant.
      .Case<qnn::Conv2dOp, qnn::ConvTranspose2dOp, qnn::DenseOp,
            qnn::MaxPool2dOp, qnn::AvgPool2dOp, qnn::GlobalAvgPoolOp,
            qnn::BatchNormOp>([&](auto) { return onlyFirstBatched(); })
      // A batched matrix product ([B, M, K] x [B, K, N]) or one against a
      // constant that does not vary along the batch; a batched right-hand
      // side of rank 2 would contract over the batch.
      .Case<qnn::MatMulOp>([&](qnn::MatMulOp op) {
        auto rhs = cast<RankedTensorType>(op.getRhs().getType());
        if (!batched[0])
          return false;
        if (batched[1])
          return rhs.getRank() >= 3 && rank >= 3;
        auto lhs = cast<RankedTensorType>(op.getLhs().getType());
        if (rank == 2) // rows of [B, K] x [K, N]
          return lhs.getRank() == 2;
        return lhs.getRank() == rank &&
               (rhs.getRank() < rank || rhs.getDimSize(0) == 1);
      })
      // Elementwise on one tensor.
      .Case<qnn::ReluOp, qnn::ClipOp, qnn::UnaryOp, qnn::CastOp,
            qnn::QuantizeOp, qnn::DequantizeOp, qnn::RequantizeOp,
            qnn::TableOp, quant::StorageCastOp>(
          [&](auto) { return onlyFirstBatched(); })
      // Elementwise with numpy broadcasting: an operand that is not
      // batched must not vary along dimension 0 of the result.
      .Case<qnn::AddOp, qnn::SubOp, qnn::MulOp, qnn::DivOp, qnn::PowOp,
            qnn::MaximumOp, qnn::MinimumOp, qnn::PReluOp, qnn::Table2dOp>(
          [&](Operation *op) {
            for (auto [v, b] : llvm::zip(op->getOperands(), batched)) {
              auto t = dyn_cast<RankedTensorType>(v.getType());
              if (!t)
                return false;
              if (!b && t.getRank() == rank && t.getDimSize(0) != 1)
                return false;
            }
            return true;
          })
      .Case<qnn::SoftmaxOp, qnn::LogSoftmaxOp>([&](auto op) {
        return onlyFirstBatched() &&
               normalizeAxis(op.getAxis(), rank) != 0;
      })
      .Case<qnn::ReduceOp>([&](qnn::ReduceOp op) {
        int64_t inRank = op.getInput().getType().getRank();
        return onlyFirstBatched() && op.getKeepDims() &&
               llvm::none_of(op.getAxes(), [&](int64_t a) {
                 return normalizeAxis(a, inRank) == 0;
               });
      })
      // Row-major reshapes that keep dimension 0 keep each sample's
      // elements together.
      .Case<qnn::ReshapeOp>([&](auto) { return onlyFirstBatched(); })
      .Case<qnn::TransposeOp>([&](qnn::TransposeOp op) {
        return onlyFirstBatched() && op.getPermutation()[0] == 0;
      })
      .Case<qnn::ConcatOp>([&](qnn::ConcatOp op) {
        return llvm::all_of(batched, [](bool b) { return b; }) &&
               normalizeAxis(op.getAxis(), rank) != 0;
      })
      .Default([](Operation *) { return false; });
}

/// `type` with dimension 0 set to `chunk`.
Type withBatch(Type type, int64_t chunk) {
  auto t = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(t.getShape());
  shape[0] = chunk;
  return t.clone(shape);
}

struct CPUBatchChunksPass
    : public qmlir::impl::CPUBatchChunksPassBase<CPUBatchChunksPass> {
  using Base::Base;

  void runOnOperation() override {
    if (maxBytes <= 0)
      return;
    if (threads < 0) {
      getOperation().emitError("qnn-cpu-batch-chunks: threads must be >= 0, "
                               "got ")
          << static_cast<int64_t>(threads);
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp f : funcs)
      if (f.isPublic() && !f.isExternal())
        chunk(f);
  }

  /// The batch of `f`: dimension 0 of every argument and result, or 0 when
  /// `f` is not a candidate.
  static int64_t batchOf(func::FuncOp f) {
    FunctionType type = f.getFunctionType();
    if (type.getNumInputs() == 0 || type.getNumResults() == 0)
      return 0;
    auto first = dyn_cast<RankedTensorType>(type.getInput(0));
    if (!first || !first.hasStaticShape() || first.getRank() == 0)
      return 0;
    int64_t batch = first.getDimSize(0);
    if (batch <= 1)
      return 0;
    for (Type t : llvm::concat<const Type>(type.getInputs(),
                                           type.getResults())) {
      // Quantized arguments and results would need the quantized types on
      // the slices; the models qmlir imports take and return floats.
      if (!isBatched(t, batch) ||
          isa<quant::QuantizedType>(getElementTypeOrSelf(t)))
        return 0;
    }
    return batch;
  }

  void chunk(func::FuncOp f) {
    int64_t batch = batchOf(f);
    if (!batch || !f.getBody().hasOneBlock())
      return;
    Block &body = f.getBody().front();
    // The values that depend on the inputs, each batched along dimension 0;
    // the largest per-sample working set of one op (its batched operands
    // and results).
    llvm::DenseSet<Value> batched(body.getArguments().begin(),
                                  body.getArguments().end());
    int64_t sampleBytes = 0;
    auto bytesPerSample = [&](Value v) {
      auto t = cast<RankedTensorType>(v.getType());
      return t.getNumElements() / batch * elementBytes(t);
    };
    for (Operation &op : body.without_terminator()) {
      SmallVector<bool> which;
      for (Value v : op.getOperands())
        which.push_back(batched.contains(v));
      if (llvm::none_of(which, [](bool b) { return b; })) {
        // Constants and their casts: the same in every chunk.
        if (op.getNumRegions() != 0)
          return;
        continue;
      }
      if (op.getNumRegions() != 0 || op.getNumResults() == 0 ||
          !perSample(&op, which, batch))
        return;
      int64_t bytes = 0;
      for (auto [v, b] : llvm::zip(op.getOperands(), which))
        if (b)
          bytes += bytesPerSample(v);
      for (Value r : op.getResults()) {
        bytes += bytesPerSample(r);
        batched.insert(r);
      }
      sampleBytes = std::max(sampleBytes, bytes);
    }
    Operation *ret = body.getTerminator();
    if (!llvm::all_of(ret->getOperands(),
                      [&](Value v) { return batched.contains(v); }))
      return;

    // The largest divisor of the batch whose working set fits; with a team
    // of threads, preferably one that gives each thread as many chunks.
    auto largestChunk = [&](bool evenForThreads) -> int64_t {
      for (int64_t c = batch; c >= 1; --c)
        if (batch % c == 0 && c * sampleBytes <= maxBytes &&
            (!evenForThreads || (batch / c) % threads == 0))
          return c;
      return 0;
    };
    int64_t chunkSize = threads > 1 ? largestChunk(true) : 0;
    if (!chunkSize)
      chunkSize = std::max<int64_t>(1, largestChunk(false));
    if (chunkSize == batch)
      return;
    int64_t numChunks = batch / chunkSize;
    bool parallelChunks =
        threads > 1 ? numChunks % threads == 0 || numChunks >= 4 * threads
                    : threads == 0 && numChunks >= 8;

    // The chunk's body: a clone of the function with dimension 0 of every
    // batched value set to the chunk size, verified before it is used.
    OpBuilder b(f);
    auto inner = cast<func::FuncOp>(f->clone());
    Block &innerBody = inner.getBody().front();
    llvm::DenseSet<Value> innerBatched(innerBody.getArguments().begin(),
                                       innerBody.getArguments().end());
    {
      for (BlockArgument a : innerBody.getArguments())
        a.setType(withBatch(a.getType(), chunkSize));
      for (Operation &op : innerBody.without_terminator())
        if (llvm::any_of(op.getOperands(),
                         [&](Value v) { return innerBatched.contains(v); }))
          for (Value r : op.getResults()) {
            r.setType(withBatch(r.getType(), chunkSize));
            innerBatched.insert(r);
          }
    }
    inner.setFunctionType(FunctionType::get(
        f.getContext(), innerBody.getArgumentTypes(),
        innerBody.getTerminator()->getOperandTypes()));
    // The op verifiers decide whether the retyped body is still valid (an
    // op whose attributes name the batch size would not be).
    {
      ScopedDiagnosticHandler quiet(f.getContext(),
                                    [](Diagnostic &) { return success(); });
      if (failed(verify(inner))) {
        inner->erase();
        return;
      }
    }

    // The public function: a loop over the chunks.
    Location loc = f.getLoc();
    body.clear();
    b.setInsertionPointToStart(&body);
    SmallVector<Value> inits;
    for (Type t : f.getFunctionType().getResults()) {
      auto rt = cast<RankedTensorType>(t);
      inits.push_back(tensor::EmptyOp::create(b, loc, rt.getShape(),
                                              rt.getElementType()));
    }
    // Constants and what depends only on them, once before the loop.
    IRMapping map;
    for (Operation &op : innerBody.without_terminator())
      if (op.getNumResults() == 0 ||
          !innerBatched.contains(op.getResult(0)))
        b.clone(op, map);
    auto lb = arith::ConstantIndexOp::create(b, loc, 0);
    auto ub = arith::ConstantIndexOp::create(b, loc, batch);
    auto st = arith::ConstantIndexOp::create(b, loc, chunkSize);
    auto loop = scf::ForOp::create(
        b, loc, lb, ub, st, inits,
        [&](OpBuilder &lb, Location loc, Value iv, ValueRange acc) {
          auto sliceParams = [&](RankedTensorType full,
                                 SmallVector<OpFoldResult> &offsets,
                                 SmallVector<OpFoldResult> &sizes,
                                 SmallVector<OpFoldResult> &strides) {
            offsets.assign(full.getRank(), lb.getIndexAttr(0));
            offsets[0] = iv;
            sizes.clear();
            for (int64_t d : full.getShape())
              sizes.push_back(lb.getIndexAttr(d));
            sizes[0] = lb.getIndexAttr(chunkSize);
            strides.assign(full.getRank(), lb.getIndexAttr(1));
          };
          SmallVector<Value> args;
          for (BlockArgument a : body.getArguments()) {
            SmallVector<OpFoldResult> offsets, sizes, strides;
            sliceParams(cast<RankedTensorType>(a.getType()), offsets, sizes,
                        strides);
            args.push_back(tensor::ExtractSliceOp::create(
                lb, loc, cast<RankedTensorType>(withBatch(a.getType(),
                                                          chunkSize)),
                a, offsets, sizes, strides));
          }
          // The chunk's body, inline: a call would pass the slices through
          // an identity-layout function boundary, i.e. copy them.
          map.map(innerBody.getArguments(), args);
          for (Operation &op : innerBody.without_terminator())
            if (op.getNumResults() != 0 &&
                innerBatched.contains(op.getResult(0)))
              lb.clone(op, map);
          SmallVector<Value> results;
          for (Value r : innerBody.getTerminator()->getOperands())
            results.push_back(map.lookup(r));
          SmallVector<Value> next;
          for (auto [r, a] : llvm::zip(results, acc)) {
            SmallVector<OpFoldResult> offsets, sizes, strides;
            sliceParams(cast<RankedTensorType>(a.getType()), offsets, sizes,
                        strides);
            next.push_back(tensor::InsertSliceOp::create(lb, loc, r, a,
                                                         offsets, sizes,
                                                         strides));
          }
          scf::YieldOp::create(lb, loc, next);
        });
    if (parallelChunks)
      loop->setAttr(kParallelBatchAttrName, b.getUnitAttr());
    func::ReturnOp::create(b, loc, loop.getResults());
    inner->erase();
  }
};

} // namespace
