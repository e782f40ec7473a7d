//===- PaddedResult.cpp - kernels that write into a padded tensor ---------===//
//
// A kernel whose result the next convolution pads writes into the interior
// of the padded tensor; only the borders are filled (Lowering.md §6,
// "Padding written in place"). These find such a pad and build the tensor.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

tensor::PadOp qmlir::cpu::fusablePad(Operation *anchor) {
  for (Operation *user : anchor->getResult(0).getUsers()) {
    auto pad = dyn_cast<tensor::PadOp>(user);
    if (!pad || pad.getNofold() || !pad.getResultType().hasStaticShape() ||
        !pad.getLow().empty() || !pad.getHigh().empty() ||
        llvm::any_of(pad.getStaticLow(), [](int64_t v) { return v < 0; }) ||
        llvm::any_of(pad.getStaticHigh(), [](int64_t v) { return v < 0; }))
      continue;
    Value value = pad.getConstantPaddingValue();
    if (value && matchPattern(value, m_Constant()))
      return pad;
  }
  return nullptr;
}

namespace {
/// A tensor of `pad`'s result type whose borders (not its interior) are
/// filled with the padding value.
Value paddedBorders(OpBuilder &b, Location loc, tensor::PadOp pad) {
  RankedTensorType type = pad.getResultType();
  TypedAttr padAttr;
  matchPattern(pad.getConstantPaddingValue(), m_Constant(&padAttr));
  Value padValue = arith::ConstantOp::create(b, loc, padAttr);
  // A new buffer, not a tensor.empty: CSE merges equal tensor.empty ops and
  // the fills of their borders, and two kernels writing their outputs into
  // the same padded tensor made one-shot bufferization copy it (whole
  // padded activations copied three times around every residual block).
  Value t = bufferization::AllocTensorOp::create(b, loc, type,
                                                 /*dynamicSizes=*/ValueRange());
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  // The borders of dimension d span the interior of the dimensions before
  // it (whose borders are filled already) and all of those after it: the
  // fills are disjoint, so that qnn-cpu-parallelize may give them to
  // different threads.
  for (int64_t d = 0; d < rank; ++d)
    for (bool isLow : {true, false}) {
      int64_t width = isLow ? low[d] : high[d];
      if (width == 0)
        continue;
      SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape());
      for (int64_t e = 0; e < d; ++e) {
        offsets[e] = low[e];
        sizes[e] = type.getDimSize(e) - low[e] - high[e];
      }
      sizes[d] = width;
      if (!isLow)
        offsets[d] = type.getDimSize(d) - width;
      auto offs = getAsIndexOpFoldResult(b.getContext(), offsets);
      auto szs = getAsIndexOpFoldResult(b.getContext(), sizes);
      Value border =
          tensor::ExtractSliceOp::create(b, loc, t, offs, szs, strides);
      Value filled =
          linalg::FillOp::create(b, loc, ValueRange{padValue}, border)
              .getResult(0);
      t = tensor::InsertSliceOp::create(b, loc, filled, t, offs, szs, strides);
    }
  return t;
}
} // namespace

using qmlir::cpu::PaddedInterior;

PaddedInterior qmlir::cpu::paddedInterior(OpBuilder &b, Location loc,
                                          tensor::PadOp pad) {
  PaddedInterior p;
  p.padded = paddedBorders(b, loc, pad);
  p.offsets = getAsIndexOpFoldResult(b.getContext(), pad.getStaticLow());
  p.sizes =
      getAsIndexOpFoldResult(b.getContext(), pad.getSourceType().getShape());
  p.strides.assign(pad.getSourceType().getRank(), b.getIndexAttr(1));
  p.interior = tensor::ExtractSliceOp::create(b, loc, p.padded, p.offsets,
                                              p.sizes, p.strides);
  return p;
}

Value PaddedInterior::replacePad(RewriterBase &rewriter, Location loc,
                                 tensor::PadOp pad, Value source) const {
  Value full = tensor::InsertSliceOp::create(rewriter, loc, source, padded,
                                             offsets, sizes, strides);
  rewriter.replaceOp(pad, full);
  return full;
}

void qmlir::cpu::writeProducersIntoPads(RewriterBase &rewriter,
                                        Operation *root) {
  // The tensor.pad left to bufferization allocates the padded tensor, fills
  // all of it and copies the producer's result into it (mobilenet_v2's
  // transposed input, 225x225x3: 37 of the 81 us its first three loops
  // took on 2 threads). Written in place, only the borders are filled.
  SmallVector<linalg::LinalgOp> producers;
  root->walk([&](linalg::LinalgOp op) {
    if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse() ||
        op.getNumDpsInits() != 1)
      return;
    OpOperand *init = op.getDpsInitOperand(0);
    if (!init->get().getDefiningOp<tensor::EmptyOp>() ||
        op.payloadUsesValueFromOperand(init))
      return;
    if (fusablePad(op))
      producers.push_back(op);
  });
  for (linalg::LinalgOp op : producers) {
    tensor::PadOp pad = fusablePad(op);
    rewriter.setInsertionPoint(op);
    PaddedInterior p = paddedInterior(rewriter, op.getLoc(), pad);
    rewriter.modifyOpInPlace(
        op, [&] { op.getDpsInitOperand(0)->set(p.interior); });
    rewriter.setInsertionPoint(pad);
    p.replacePad(rewriter, op.getLoc(), pad, op->getResult(0));
  }
}
