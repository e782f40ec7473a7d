//===- BorderFills.cpp - fills a kernel's threads can run -----------------===//
//
// A kernel that writes the interior of a padded tensor is preceded, after
// bufferization, by the fills of the tensor's borders. Left as loops of
// their own they run on the calling thread while the others wait (too
// little work to fork for): mobilenet_v2 fp32 b1 on 2 threads spent about
// 150 us of a 4.1 ms call there. qnn-cpu-parallelize hands them to the
// kernel's threads instead; this finds the ones that may move.
//
//===----------------------------------------------------------------------===//

#include "BorderFills.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace {

/// A static box of an allocated buffer: a memref.subview of a memref.alloc
/// with constant offsets and sizes, unit strides and no dropped dimension.
struct Box {
  Value buffer;
  SmallVector<int64_t> offsets, sizes;

  bool overlaps(const Box &other) const {
    for (size_t d = 0; d < offsets.size(); ++d)
      if (offsets[d] + sizes[d] <= other.offsets[d] ||
          other.offsets[d] + other.sizes[d] <= offsets[d])
        return false;
    return true;
  }
};

std::optional<Box> boxOf(Value view) {
  auto subview = view.getDefiningOp<memref::SubViewOp>();
  if (!subview || !subview.getSource().getDefiningOp<memref::AllocOp>())
    return std::nullopt;
  Box box{subview.getSource(),
          SmallVector<int64_t>(subview.getStaticOffsets()),
          SmallVector<int64_t>(subview.getStaticSizes())};
  auto rank = static_cast<size_t>(subview.getSourceType().getRank());
  if (ShapedType::isDynamicShape(box.offsets) ||
      ShapedType::isDynamicShape(box.sizes) || box.sizes.size() != rank ||
      subview.getType().getRank() != static_cast<int64_t>(rank) ||
      llvm::any_of(subview.getStaticStrides(),
                   [](int64_t s) { return s != 1; }))
    return std::nullopt;
  return box;
}

/// The buffer `value` is a view of (through view-like ops), or `value`.
Value rootOf(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

} // namespace

SmallVector<linalg::FillOp>
qmlir::cpu::borderFillsBefore(scf::ForOp loop) {
  // The memrefs the loop uses that are defined outside it: every access of
  // the loop to a buffer goes through one of them.
  llvm::SetVector<Value> used;
  loop.getBody()->walk([&](Operation *op) {
    for (Value operand : op->getOperands())
      if (isa<MemRefType>(operand.getType()) &&
          !loop->isAncestor(operand.getParentBlock()->getParentOp()))
        used.insert(operand);
  });

  SmallVector<linalg::FillOp> fills;
  SmallVector<Box> boxes;
  for (Operation *op = loop->getPrevNode(); op; op = op->getPrevNode()) {
    auto fill = dyn_cast<linalg::FillOp>(op);
    if (!fill) {
      if (isMemoryEffectFree(op))
        continue;
      break;
    }
    if (!fill.hasPureBufferSemantics())
      break;
    std::optional<Box> box = boxOf(fill.getOutputs()[0]);
    if (!box)
      break;
    // The loop must reach this buffer only through boxes disjoint from the
    // fill's, and must reach it at all (the fill belongs to its output).
    bool writesBuffer = false, disjoint = true;
    for (Value value : used) {
      if (rootOf(value) != box->buffer)
        continue;
      std::optional<Box> other = boxOf(value);
      if (!other || other->overlaps(*box)) {
        disjoint = false;
        break;
      }
      writesBuffer = true;
    }
    if (!writesBuffer || !disjoint ||
        llvm::any_of(boxes, [&](const Box &b) {
          return b.buffer == box->buffer && b.overlaps(*box);
        }))
      break;
    fills.push_back(fill);
    boxes.push_back(*box);
  }
  std::reverse(fills.begin(), fills.end());
  return fills;
}
