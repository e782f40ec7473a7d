//===- CPUParallelize.cpp - the qnn-cpu-parallelize pass ------------------===//
//
// Turns the outer loops of bufferized CPU code into scf.parallel, for
// convert-scf-to-openmp: the kernels' marked row-tile loops and the parallel
// dimensions of every remaining linalg op. Nested parallel loops become
// sequential so that threads fork at one level only.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "BorderFills.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/Support/MathExtras.h"

#include <limits>

namespace qmlir {
#define GEN_PASS_DEF_CPUPARALLELIZEPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// Whether running the iterations of a marked kernel loop concurrently is
/// safe: no loop-carried value, and no allocation or copy in the body (which
/// would mean bufferization did not write the output in place).
bool canRunInParallel(scf::ForOp loop) {
  if (loop.getNumResults() != 0)
    return false;
  WalkResult result = loop.getBody()->walk([](Operation *op) {
    if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
            memref::CopyOp, linalg::CopyOp>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// Replaces `loop` (no results, from 0 step 1 to the constant `trips`) by
/// an scf.parallel over `threads` slices, each running the original loop on
/// its share of the iterations: one contiguous range (`contiguous`) or
/// every `threads`-th iteration from its own index (round-robin).
scf::ParallelOp toSlices(RewriterBase &rewriter, scf::ForOp loop,
                         int64_t threads, int64_t trips, bool contiguous) {
  Location loc = loop.getLoc();
  int64_t slices = std::min(threads, trips);
  rewriter.setInsertionPoint(loop);
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  auto parallel = scf::ParallelOp::create(
      rewriter, loc, ValueRange{c(0)}, ValueRange{c(slices)},
      ValueRange{c(1)});
  rewriter.setInsertionPointToStart(parallel.getBody());
  Value t = parallel.getInductionVars()[0];
  // [t * trips / slices, (t + 1) * trips / slices): sizes differ by one at
  // most.
  auto bound = [&](Value i) {
    return arith::DivUIOp::create(
        rewriter, loc, arith::MulIOp::create(rewriter, loc, i, c(trips)),
        c(slices));
  };
  // The new bounds first: they must dominate the loop moved in after them.
  Value lb = contiguous ? bound(t) : t;
  Value ub = contiguous ? bound(arith::AddIOp::create(rewriter, loc, t, c(1)))
                        : loop.getUpperBound();
  Value step = contiguous ? loop.getStep() : c(slices);
  rewriter.moveOpBefore(loop, parallel.getBody()->getTerminator());
  rewriter.modifyOpInPlace(loop, [&] {
    loop.getLowerBoundMutable().assign(lb);
    loop.getUpperBoundMutable().assign(ub);
    loop.getStepMutable().assign(step);
  });
  return parallel;
}

/// Moves `fills` (qmlir::cpu::borderFillsBefore of the loop `parallel`
/// came from) into `parallel`'s body, dealt round-robin over its
/// iterations: iteration i runs fills i, i + N, ... (N iterations) before
/// its own work. Over slices, every thread gets its share; over a kernel's
/// items (a team unknown at compile time, iterations dealt round-robin by
/// qnn-cpu-omp-schedule), the first items carry them. The border fills of a
/// padded tensor are the top and bottom rows, then the columns between
/// them, so two threads get equal halves. Does nothing unless the loop runs
/// from 0 in steps of 1 to a constant.
void runInIterations(RewriterBase &rewriter, scf::ParallelOp parallel,
                     ArrayRef<linalg::FillOp> fills) {
  auto lb = getConstantIntValue(parallel.getLowerBound()[0]);
  auto step = getConstantIntValue(parallel.getStep()[0]);
  auto count = getConstantIntValue(parallel.getUpperBound()[0]);
  if (fills.empty() || lb != 0 || step != 1 || !count || *count < 1)
    return;
  Location loc = parallel.getLoc();
  Value i = parallel.getInductionVars()[0];
  rewriter.setInsertionPointToStart(parallel.getBody());
  for (auto [k, fill] : llvm::enumerate(fills)) {
    Value mine = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, i,
        arith::ConstantIndexOp::create(rewriter, loc,
                                       static_cast<int64_t>(k) % *count));
    auto branch = scf::IfOp::create(rewriter, loc, mine);
    rewriter.moveOpBefore(fill, branch.thenBlock()->getTerminator());
  }
}

/// Replaces `loop` (no results) by a one-dimensional scf.parallel with the
/// same bounds and body.
scf::ParallelOp toParallel(RewriterBase &rewriter, scf::ForOp loop) {
  rewriter.setInsertionPoint(loop);
  auto parallel = scf::ParallelOp::create(
      rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *from = loop.getBody();
  Block *to = parallel.getBody();
  rewriter.eraseOp(from->getTerminator());
  rewriter.replaceAllUsesWith(loop.getInductionVar(),
                              parallel.getInductionVars()[0]);
  to->getOperations().splice(to->begin(), from->getOperations());
  rewriter.eraseOp(loop);
  return parallel;
}

int64_t saturatingAdd(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b
             ? std::numeric_limits<int64_t>::max()
             : a + b;
}
int64_t saturatingMul(int64_t a, int64_t b) {
  return b != 0 && a > std::numeric_limits<int64_t>::max() / b
             ? std::numeric_limits<int64_t>::max()
             : a * b;
}

/// Constant trip count of an scf.for (1 if not constant).
int64_t tripCount(scf::ForOp loop) {
  auto lb = getConstantIntValue(loop.getLowerBound());
  auto ub = getConstantIntValue(loop.getUpperBound());
  auto step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0)
    return 1;
  return llvm::divideCeil(std::max<int64_t>(*ub - *lb, 0), *step);
}

int64_t estimateWork(Block &block);

/// What one execution of `op` counts for in estimateWork: 1, or the
/// 128-bit quarters of its widest vector operand or result (4 for a
/// 512-bit vector of any element type). Loops of scalar ops (linalg ops
/// lowered to loops) run faster than their count says, since LLVM
/// vectorizes them, and a kernel's vector ops slower: counted alike, a 7x7
/// depthwise layer of mobilenet_v2 (960 channels, 22-26 us, measured
/// between the parallel regions of a 2-thread run) came to about 68,000
/// ops, under the threshold, and ran on one thread.
int64_t opWeight(Operation &op) {
  int64_t bits = 0;
  auto widen = [&](Type type) {
    auto vector = dyn_cast<VectorType>(type);
    if (!vector)
      return;
    Type element = vector.getElementType();
    int64_t elementBits =
        element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
    bits = std::max(bits, vector.getNumElements() * elementBits);
  };
  llvm::for_each(op.getOperandTypes(), widen);
  llvm::for_each(op.getResultTypes(), widen);
  return std::max<int64_t>(1, bits / 128);
}

/// A rough count of the operations `op` executes: its weight plus what its
/// regions execute, times the trip count for loops. This only tells tiny
/// loops from big ones.
int64_t estimateWork(Operation &op) {
  int64_t nested = 0;
  for (Region &region : op.getRegions())
    for (Block &b : region)
      nested = saturatingAdd(nested, estimateWork(b));
  int64_t trips = 1;
  if (auto loop = dyn_cast<scf::ForOp>(op))
    trips = tripCount(loop);
  else if (auto loop = dyn_cast<scf::ParallelOp>(op))
    for (unsigned d = 0; d < loop.getNumLoops(); ++d) {
      auto lb = getConstantIntValue(loop.getLowerBound()[d]);
      auto ub = getConstantIntValue(loop.getUpperBound()[d]);
      auto step = getConstantIntValue(loop.getStep()[d]);
      if (lb && ub && step && *step > 0)
        trips = saturatingMul(
            trips, llvm::divideCeil(std::max<int64_t>(*ub - *lb, 0), *step));
    }
  return saturatingAdd(opWeight(op), saturatingMul(trips, nested));
}

int64_t estimateWork(Block &block) {
  int64_t total = 0;
  for (Operation &op : block)
    total = saturatingAdd(total, estimateWork(op));
  return total;
}

/// Number of iterations of dimension `d` of `loop`, if constant.
std::optional<int64_t> tripCount(scf::ParallelOp loop, unsigned d) {
  auto lb = getConstantIntValue(loop.getLowerBound()[d]);
  auto ub = getConstantIntValue(loop.getUpperBound()[d]);
  auto step = getConstantIntValue(loop.getStep()[d]);
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return llvm::divideCeil(std::max<int64_t>(*ub - *lb, 0), *step);
}

/// Keeps the dimensions of `loop` up to the first one with more than one
/// iteration parallel and turns the others into sequential scf.for loops
/// inside: OpenMP collapses all parallel dimensions into one linear index
/// (divisions per iteration), and the innermost dimension of an
/// elementwise op is what LLVM vectorizes. A loop with no such dimension
/// becomes sequential altogether.
LogicalResult narrow(RewriterBase &rewriter, scf::ParallelOp loop) {
  unsigned n = loop.getNumLoops();
  unsigned keep = 0;
  for (unsigned d = 0; d < n && keep == 0; ++d) {
    std::optional<int64_t> trips = tripCount(loop, d);
    if (!trips || *trips > 1)
      keep = d + 1;
  }
  if (keep == n)
    return success();
  if (keep == 0)
    return scf::parallelForToNestedFors(rewriter, loop);
  Location loc = loop.getLoc();
  auto bounds = [&](ValueRange values, bool outer) {
    return outer ? SmallVector<Value>(values.take_front(keep))
                 : SmallVector<Value>(values.drop_front(keep));
  };
  rewriter.setInsertionPoint(loop);
  auto outer = scf::ParallelOp::create(
      rewriter, loc, bounds(loop.getLowerBound(), true),
      bounds(loop.getUpperBound(), true), bounds(loop.getStep(), true));
  rewriter.setInsertionPointToStart(outer.getBody());
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, bounds(loop.getLowerBound(), false),
      bounds(loop.getUpperBound(), false), bounds(loop.getStep(), false));
  SmallVector<Value> ivs(outer.getInductionVars());
  for (scf::ForOp inner : nest.loops)
    ivs.push_back(inner.getInductionVar());
  Block *body = loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  Block *innermost = nest.loops.back().getBody();
  rewriter.inlineBlockBefore(body, innermost->getTerminator(), ivs);
  rewriter.eraseOp(loop);
  return success();
}

/// The scf.for loops in `func` that carry the attribute `name`, collected
/// before any is rewritten.
SmallVector<scf::ForOp> loopsMarked(func::FuncOp func, StringRef name) {
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) {
    if (loop->hasAttr(name))
      loops.push_back(loop);
  });
  return loops;
}

struct CPUParallelizePass
    : public qmlir::impl::CPUParallelizePassBase<CPUParallelizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());

    // Loops over the chunks of a batch: each iteration allocates its own
    // buffers and writes its own samples of the results.
    for (scf::ForOp loop : loopsMarked(func, qmlir::kParallelBatchAttrName)) {
      loop->removeAttr(qmlir::kParallelBatchAttrName);
      if (loop.getNumResults() == 0 && loop.getInitArgs().empty())
        toParallel(rewriter, loop);
    }

    // Parallel loops over thread slices: decided here, their bounds are not
    // constant (the work estimate below would not see what they run).
    llvm::SmallPtrSet<Operation *, 8> sliced;
    for (scf::ForOp loop : loopsMarked(func, qmlir::kParallelLoopAttrName)) {
      loop->removeAttr(qmlir::kParallelLoopAttrName);
      bool contiguous = loop->hasAttr(qmlir::kParallelContiguousAttrName);
      loop->removeAttr(qmlir::kParallelContiguousAttrName);
      // Inside the chunks of a batch, already spread over the threads.
      if (!canRunInParallel(loop) || estimateWork(*loop) < minWork ||
          loop->getParentOfType<scf::ParallelOp>())
        continue;
      auto lb = getConstantIntValue(loop.getLowerBound());
      auto st = getConstantIntValue(loop.getStep());
      auto ub = getConstantIntValue(loop.getUpperBound());
      // With a known team, each thread's share is explicit: contiguous rows
      // for kernels that asked for them, round-robin items otherwise (a
      // layer's narrow last panel then falls to both threads).
      SmallVector<linalg::FillOp> fills = qmlir::cpu::borderFillsBefore(loop);
      scf::ParallelOp parallel;
      if (threads > 1 && lb == 0 && st == 1 && ub && *ub > 1) {
        parallel = toSlices(rewriter, loop, threads, *ub, contiguous);
        sliced.insert(parallel);
      } else {
        parallel = toParallel(rewriter, loop);
      }
      runInIterations(rewriter, parallel, fills);
    }

    SmallVector<linalg::LinalgOp> linalgOps;
    func.walk([&](linalg::LinalgOp op) { linalgOps.push_back(op); });
    for (linalg::LinalgOp op : linalgOps) {
      if (!op.hasPureBufferSemantics())
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::linalgOpToParallelLoops(rewriter, op))) {
        op->emitError("qnn-cpu-parallelize: cannot lower to parallel loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }

    // Post-order: inner loops are converted before the loops around them.
    SmallVector<scf::ParallelOp> nested;
    func.walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>())
        nested.push_back(loop);
    });
    for (scf::ParallelOp loop : nested) {
      if (!loop.getInitVals().empty())
        continue;
      rewriter.setInsertionPoint(loop);
      if (failed(scf::parallelForToNestedFors(rewriter, loop))) {
        loop->emitError("qnn-cpu-parallelize: cannot serialize a nested "
                        "parallel loop");
        return signalPassFailure();
      }
    }

    SmallVector<scf::ParallelOp> outer;
    func.walk([&](scf::ParallelOp loop) {
      if (loop.getInitVals().empty())
        outer.push_back(loop);
    });
    for (scf::ParallelOp loop : outer) {
      if (sliced.contains(loop))
        continue;
      // Too little work to pay for waking the other threads: sequential.
      LogicalResult done =
          estimateWork(*loop) < minWork
              ? LogicalResult(scf::parallelForToNestedFors(rewriter, loop))
              : narrow(rewriter, loop);
      if (failed(done)) {
        loop->emitError("qnn-cpu-parallelize: cannot serialize a parallel "
                        "loop");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
