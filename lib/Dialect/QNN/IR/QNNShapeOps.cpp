//===- QNNShapeOps.cpp - verifiers of slice, gather, matmul, conv_transpose ===//
//
// Shape rules of the ops the ONNX importer added for general graphs: strided
// slices, gathers at constant indices, batched matrix products and
// transposed convolutions.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "VerifyUtils.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::detail;

/// Layout ops move values: the element type is unchanged, and a per-axis
/// type must keep its axis where the op leaves that dimension alone.
static LogicalResult verifySameElementType(Operation *op, RankedTensorType in,
                                           RankedTensorType out) {
  if (in.getElementType() != out.getElementType())
    return op->emitOpError("output element type must equal input element type");
  return success();
}

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  int64_t rank = in.getRank();
  ArrayRef<int64_t> offsets = getOffsets(), strides = getStrides();
  if (out.getRank() != rank)
    return emitOpError() << "output must have rank " << rank;
  if (static_cast<int64_t>(offsets.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return emitOpError() << "'offsets' and 'strides' must have " << rank
                         << " elements";
  for (int64_t d = 0; d < rank; ++d) {
    if (strides[d] == 0)
      return emitOpError() << "stride of dimension " << d << " is 0";
    int64_t size = in.getDimSize(d), count = out.getDimSize(d);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(count) ||
        count == 0)
      continue;
    int64_t last = offsets[d] + (count - 1) * strides[d];
    if (offsets[d] < 0 || offsets[d] >= size || last < 0 || last >= size)
      return emitOpError() << "dimension " << d << " reads indices "
                           << offsets[d] << " to " << last
                           << " of a dimension of size " << size;
  }
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(
          in.getElementType());
      pa && in.getDimSize(pa.getQuantizedDimension()) !=
                out.getDimSize(pa.getQuantizedDimension()))
    return emitOpError("cannot slice the quantized dimension of a per-axis "
                       "quantized tensor");
  return verifySameElementType(*this, in, out);
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() != getOutput().getType())
    return {};
  if (llvm::all_of(getOffsets(), [](int64_t o) { return o == 0; }) &&
      llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  auto in = getInput().getType();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError() << "'axis' " << axis << " is out of range for rank "
                         << in.getRank();
  DenseIntElementsAttr indices = getIndices();
  int64_t size = in.getDimSize(axis);
  for (const APInt &i : indices.getValues<APInt>())
    if (i.isNegative() ||
        (!ShapedType::isDynamic(size) && i.getSExtValue() >= size))
      return emitOpError() << "index " << i.getSExtValue()
                           << " is out of range for a dimension of size "
                           << size;
  SmallVector<int64_t> expected(in.getShape().take_front(axis));
  llvm::append_range(expected, indices.getType().getShape());
  llvm::append_range(expected, in.getShape().drop_front(axis + 1));
  if (failed(verifyShape(*this, getOutput().getType().getShape(), expected,
                         "output")))
    return failure();
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(
          in.getElementType()))
    if (pa.getQuantizedDimension() >= axis)
      return emitOpError("cannot gather a per-axis quantized tensor at or "
                         "before its quantized dimension");
  return verifySameElementType(*this, in, getOutput().getType());
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto lhs = getLhs().getType();
  auto rhs = getRhs().getType();
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOpError("operands must have rank >= 2");
  int64_t k = lhs.getShape().back(), k2 = rhs.getShape()[rhs.getRank() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(k2) && k != k2)
    return emitOpError() << "lhs has " << k << " columns but rhs has " << k2
                         << " rows";
  SmallVector<int64_t> batch;
  if (!mlir::OpTrait::util::getBroadcastedShape(
          lhs.getShape().drop_back(2), rhs.getShape().drop_back(2), batch))
    return emitOpError("batch dimensions are not broadcast-compatible");
  batch.push_back(lhs.getShape()[lhs.getRank() - 2]);
  batch.push_back(rhs.getShape().back());
  return verifyShape(*this, getOutput().getType().getShape(), batch, "output");
}

//===----------------------------------------------------------------------===//
// conv_transpose2d
//===----------------------------------------------------------------------===//

LogicalResult ConvTranspose2dOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  if (failed(verifyRank(*this, in, 4, "input")) ||
      failed(verifyRank(*this, w, 4, "weight")) ||
      failed(verifyRank(*this, getOutput().getType(), 4, "output")) ||
      failed(verifyArraySize(*this, getStrides(), 2, "strides", 1)) ||
      failed(verifyArraySize(*this, getPadding(), 4, "padding", 0)) ||
      failed(verifyArraySize(*this, getDilations(), 2, "dilations", 1)) ||
      failed(verifyArraySize(*this, getOutputPadding(), 2, "output_padding",
                             0)))
    return failure();
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("'groups' must be >= 1");
  int64_t oc = w.getDimSize(0), ic = in.getDimSize(3);
  if (!ShapedType::isDynamic(ic) && ic != w.getDimSize(3) * groups)
    return emitOpError() << "input has " << ic << " channels but weight has "
                         << w.getDimSize(3) << " per group and " << groups
                         << " groups";
  if (oc % groups != 0)
    return emitOpError() << "output channels " << oc
                         << " are not divisible by groups " << groups;
  ArrayRef<int64_t> s = getStrides(), p = getPadding(), d = getDilations(),
                    op = getOutputPadding();
  SmallVector<int64_t> expected = {in.getDimSize(0)};
  for (int i = 0; i < 2; ++i) {
    int64_t size = in.getDimSize(1 + i);
    if (ShapedType::isDynamic(size)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t out = (size - 1) * s[i] + d[i] * (w.getDimSize(1 + i) - 1) + 1 -
                  p[2 * i] - p[2 * i + 1] + op[i];
    if (out < 1)
      return emitOpError() << "padding leaves no output along spatial "
                           << "dimension " << i;
    expected.push_back(out);
  }
  expected.push_back(oc);
  if (failed(verifyShape(*this, getOutput().getType().getShape(), expected,
                         "output")))
    return failure();
  return verifyBias(*this, getBias(), oc);
}
