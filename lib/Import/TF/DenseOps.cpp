//===- DenseOps.cpp - MatMul and BatchMatMul ------------------------------===//
//
// A product with a constant 2-D right operand is qnn.dense (the weight
// transposed to [out, in] on the host), which qnn can quantize; any other
// product is qnn.matmul. Transposition flags on non-constant operands become
// qnn.transpose ops.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

/// Input `i` with its last two dimensions swapped when `swap`.
static Value lastTwoSwapped(NodeImporter &n, unsigned i, bool swap) {
  Value v = n.input(i, Layout::TF);
  if (!v || !swap)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> perm =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  return qnn::TransposeOp::create(
      n.builder, n.loc, type.clone(permuteShape(type.getShape(), perm)), v,
      perm);
}

/// MatMul (rank 2, transpose_a/b) and BatchMatMul[V2,V3] (adj_x/y).
static LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(n.requireFloatType("T")))
    return failure();
  bool batched = n.opType() != "MatMul";
  FailureOr<bool> ta = n.boolAttr(batched ? "adj_x" : "transpose_a", false);
  FailureOr<bool> tb = n.boolAttr(batched ? "adj_y" : "transpose_b", false);
  if (failed(ta) || failed(tb))
    return failure();
  RankedTensorType a = n.inputType(0), b = n.inputType(1);
  for (unsigned i = 0; i < 2; ++i) {
    RankedTensorType t = n.inputType(i);
    if (t.getRank() < 2 || (!batched && t.getRank() != 2) ||
        !t.getElementType().isF32())
      return n.emitError() << "operand '" << n.inputName(i) << "' is "
                           << formatShape(t.getShape()) << " "
                           << t.getElementType() << "; " << n.opType()
                           << " needs float32 "
                           << (batched ? "of rank >= 2" : "matrices");
  }
  // Logical shapes after the transposition flags.
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  if (*ta)
    std::swap(as[as.size() - 1], as[as.size() - 2]);
  if (*tb)
    std::swap(bs[bs.size() - 1], bs[bs.size() - 2]);
  int64_t m = as[as.size() - 2], k = as.back(), k2 = bs[bs.size() - 2],
          cols = bs.back();
  if (k != k2)
    return n.emitError() << "operands " << formatShape(a.getShape()) << " and "
                         << formatShape(b.getShape()) << " do not multiply";
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(as).drop_back(2),
                                          ArrayRef(bs).drop_back(2), shape))
    return n.emitError() << "batch dimensions of " << formatShape(a.getShape())
                         << " and " << formatShape(b.getShape())
                         << " do not broadcast";
  shape.append({m, cols});
  RankedTensorType type = n.outputType(0, shape);
  if (!type)
    return failure();

  Value x = lastTwoSwapped(n, 0, *ta);
  if (!x)
    return failure();
  const HostTensor *cb = n.constantInput(1);
  if (cb && cb->isFloat() && cb->shape.size() == 2 &&
      static_cast<int64_t>(as.size()) == type.getRank()) {
    // Weight [in, out] -> [out, in] (already so when transposed).
    Value w = n.materialize(*tb ? *cb : cb->transposed({1, 0}), 1);
    if (!w)
      return failure();
    n.setOutput(0, qnn::DenseOp::create(n.builder, n.loc, type, x, w, Value()));
    return success();
  }
  Value y = lastTwoSwapped(n, 1, *tb);
  if (!y)
    return failure();
  n.setOutput(0, qnn::MatMulOp::create(n.builder, n.loc, type, x, y));
  return success();
}

void qmlir::tf_import::registerDenseHandlers(HandlerTable &table) {
  table["MatMul"] = importMatMul;
  table["BatchMatMul"] = importMatMul;
  table["BatchMatMulV2"] = importMatMul;
  table["BatchMatMulV3"] = importMatMul;
}
