//===- Partition.cpp - group npu ops into accelerator segments ------------===//

#include "qmlir/Dialect/NPU/Transforms/Passes.h"

#include "qmlir/Dialect/NPU/IR/NPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace qmlir::npu {
#define GEN_PASS_DEF_NPUPARTITIONPASS
#include "qmlir/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace qmlir::npu

using namespace mlir;
using namespace qmlir;
using namespace qmlir::npu;

namespace {

/// npu compute ops: what a segment holds.
bool isDeviceOp(Operation *op) {
  return isa<NPUDialect>(op->getDialect()) &&
         !isa<TransferOp, SegmentOp, YieldOp>(op);
}

/// Ops that neither run on the device nor depend on a run's results, so a
/// run may extend across them: constants, storage casts of constants, and
/// transfers (which are moved after the segment when they read it).
bool isFree(Operation *op) {
  return isa<arith::ConstantOp, quant::StorageCastOp, TransferOp>(op);
}

/// Replaces the run `ops` (in program order) by one npu.segment.
void buildSegment(ArrayRef<Operation *> ops, int64_t index) {
  llvm::SmallPtrSet<Operation *, 16> inRun(ops.begin(), ops.end());
  llvm::SetVector<Value> inputs, outputs;
  llvm::SetVector<Operation *> constants;
  for (Operation *op : ops) {
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (def && inRun.contains(def))
        continue;
      if (def && isa<arith::ConstantOp>(def))
        constants.insert(def);
      else
        inputs.insert(v);
    }
    for (Value r : op->getResults())
      for (Operation *user : r.getUsers())
        if (!inRun.contains(user))
          outputs.insert(r);
  }
  Operation *last = ops.back();
  OpBuilder b(last->getContext());
  b.setInsertionPointAfter(last);
  auto segment = SegmentOp::create(
      b, ops.front()->getLoc(), TypeRange(outputs.getArrayRef()),
      b.getI64IntegerAttr(index), inputs.getArrayRef());
  Block *body = new Block();
  segment.getBody().push_back(body);
  for (Value v : inputs)
    body->addArgument(v.getType(), v.getLoc());
  b.setInsertionPointToStart(body);
  IRMapping inside;
  for (Operation *c : constants)
    inside.map(c->getResult(0), b.clone(*c)->getResult(0));
  for (auto [v, arg] : llvm::zip_equal(inputs, body->getArguments()))
    inside.map(v, arg);
  for (Operation *op : ops) {
    op->moveBefore(body, body->end());
    for (OpOperand &operand : op->getOpOperands())
      if (Value mapped = inside.lookupOrNull(operand.get()))
        operand.set(mapped);
  }
  b.setInsertionPointToEnd(body);
  YieldOp::create(b, last->getLoc(), outputs.getArrayRef());
  for (auto [out, result] : llvm::zip_equal(outputs, segment.getResults())) {
    Value v = out;
    v.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !segment->isProperAncestor(use.getOwner());
    });
  }
  // Transfers that read a result but sat between the run's ops.
  SmallVector<Operation *> early;
  for (Value result : segment.getResults())
    for (Operation *user : result.getUsers())
      if (user->getBlock() == segment->getBlock() &&
          user->isBeforeInBlock(segment))
        early.push_back(user);
  llvm::sort(early,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  Operation *after = segment;
  for (Operation *op : early) {
    op->moveAfter(after);
    after = op;
  }
  for (Operation *c : constants)
    if (c->use_empty())
      c->erase();
}

struct NPUPartitionPass
    : qmlir::npu::impl::NPUPartitionPassBase<NPUPartitionPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t index = 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      for (Block &block : func.getBody()) {
        SmallVector<SmallVector<Operation *>> runs(1);
        for (Operation &op : block) {
          if (isDeviceOp(&op))
            runs.back().push_back(&op);
          else if (!isFree(&op) && !runs.back().empty())
            runs.emplace_back();
        }
        for (ArrayRef<Operation *> run : runs)
          if (!run.empty())
            buildSegment(run, index++);
      }
    }
    if (index == 0)
      module.emitWarning("no op runs on the accelerator: the whole model "
                         "stays on the CPU");
  }
};

} // namespace
