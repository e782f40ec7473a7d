//===- ShapeOps.cpp - Shape, Size, Rank, StridedSlice, Fill, Cast ---------===//
//
// Frozen graphs compute shapes at run time (Shape -> StridedSlice -> Pack ->
// Reshape for a flatten). Every shape here is static, so these ops fold to
// host tensors; StridedSlice of a runtime tensor is a qnn.slice (negative
// strides read backwards; plus a reshape for new and shrunk axes).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

static FailureOr<int> shapeOutType(NodeImporter &n) {
  FailureOr<int> type = n.typeAttr("out_type", tfproto::DT_INT32);
  if (failed(type))
    return failure();
  if (*type != tfproto::DT_INT32 && *type != tfproto::DT_INT64)
    return n.unsupportedAttr("out_type", dataTypeName(*type),
                             "expected DT_INT32 or DT_INT64");
  return type;
}

static LogicalResult importShape(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int> type = shapeOutType(n);
  if (failed(type))
    return failure();
  ArrayRef<int64_t> shape = n.inputType(0).getShape();
  n.setConstantOutput(
      0, HostTensor::ofInts({int64_t(shape.size())},
                            std::vector<int64_t>(shape.begin(), shape.end()),
                            static_cast<tfproto::DataType>(*type)));
  return success();
}

static LogicalResult importSize(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int> type = shapeOutType(n);
  if (failed(type))
    return failure();
  n.setConstantOutput(
      0, HostTensor::ofInts({}, {n.inputType(0).getNumElements()},
                            static_cast<tfproto::DataType>(*type)));
  return success();
}

static LogicalResult importRank(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  n.setConstantOutput(0, HostTensor::ofInts({}, {n.inputType(0).getRank()}));
  return success();
}

/// Fill(dims, value): a constant of shape `dims` holding `value`.
static LogicalResult importFill(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> dims = n.constantInts(0, "dims");
  const HostTensor *value = n.requireConstant(1, "value");
  if (failed(dims) || !value)
    return failure();
  if (value->numElements() != 1)
    return n.emitError() << "value must be a scalar";
  HostTensor t;
  t.dtype = value->dtype;
  t.shape = *dims;
  if (llvm::any_of(t.shape, [](int64_t d) { return d < 0; }))
    return n.emitError() << "invalid dims " << formatList(*dims);
  if (t.isFloat())
    t.floats.assign(t.numElements(), value->floats[0]);
  else
    t.ints.assign(t.numElements(), value->ints[0]);
  n.setConstantOutput(0, std::move(t));
  return success();
}

/// Cast of constants (shape arithmetic); float32 to float32 at run time.
static LogicalResult importCast(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int> dst = n.typeAttr("DstT", tfproto::DT_FLOAT);
  if (failed(dst))
    return failure();
  if (const HostTensor *c = n.constantInput(0)) {
    if (!elementTypeOf(n.getContext(), *dst))
      return n.unsupportedAttr("DstT", dataTypeName(*dst),
                               "not a supported type");
    HostTensor t;
    t.dtype = static_cast<tfproto::DataType>(*dst);
    t.shape = c->shape;
    for (int64_t i = 0, e = c->numElements(); i < e; ++i) {
      double v = c->get(i);
      if (t.isFloat())
        t.floats.push_back(float(v));
      else if (t.dtype == tfproto::DT_BOOL)
        t.ints.push_back(v != 0.0);
      else
        t.ints.push_back(static_cast<int64_t>(v));
    }
    n.setConstantOutput(0, std::move(t));
    return success();
  }
  if (*dst == tfproto::DT_FLOAT && n.inputType(0).getElementType().isF32()) {
    n.forwardInput(0, 0);
    return success();
  }
  return n.emitError() << "Cast to " << dataTypeName(*dst) << " of "
                       << n.inputType(0).getElementType()
                       << " is only supported on constants";
}

//===----------------------------------------------------------------------===//
// StridedSlice
//===----------------------------------------------------------------------===//

namespace {
/// The resolved slice: per input dimension a begin, a stride and a size;
/// and the output shape (shrunk axes dropped, new axes inserted).
struct Slice {
  SmallVector<int64_t> begin, strides, sizes;
  SmallVector<int64_t> outShape;
};
} // namespace

/// TF's StridedSlice semantics (the dense-spec construction of
/// tensorflow/core/util/strided_slice_op.cc): the sparse begin/end/strides
/// with ellipsis, new-axis and shrink masks are expanded to one entry per
/// input dimension, then negative indices are wrapped and clamped.
static FailureOr<Slice> resolveStridedSlice(NodeImporter &n,
                                            ArrayRef<int64_t> shape,
                                            ArrayRef<int64_t> begin,
                                            ArrayRef<int64_t> end,
                                            ArrayRef<int64_t> strides) {
  FailureOr<int64_t> beginMask = n.intAttr("begin_mask", 0);
  FailureOr<int64_t> endMask = n.intAttr("end_mask", 0);
  FailureOr<int64_t> ellipsisMask = n.intAttr("ellipsis_mask", 0);
  FailureOr<int64_t> newAxisMask = n.intAttr("new_axis_mask", 0);
  FailureOr<int64_t> shrinkMask = n.intAttr("shrink_axis_mask", 0);
  if (failed(beginMask) || failed(endMask) || failed(ellipsisMask) ||
      failed(newAxisMask) || failed(shrinkMask))
    return failure();
  if (begin.size() != end.size() || begin.size() != strides.size())
    return n.emitError() << "begin, end and strides have different lengths";
  if (llvm::popcount(static_cast<uint64_t>(*ellipsisMask)) > 1)
    return n.emitError() << "more than one ellipsis";

  int64_t sparseDims = begin.size();
  int64_t ellipsis = *ellipsisMask;
  // Without an explicit ellipsis, one is implied after the last entry.
  if (!ellipsis) {
    ellipsis = int64_t(1) << sparseDims;
    ++sparseDims;
  }
  int64_t newAxesAfterEllipsis = 0;
  bool seenEllipsis = false;
  for (int64_t i = 0; i < sparseDims; ++i) {
    if (seenEllipsis && ((*newAxisMask >> i) & 1))
      ++newAxesAfterEllipsis;
    if ((ellipsis >> i) & 1)
      seenEllipsis = true;
  }

  int64_t rank = shape.size();
  // Dense entries, and how the output shape gathers them.
  constexpr int64_t kNewAxis = -1, kShrink = -2;
  SmallVector<int64_t> dBegin(rank, 0), dEnd(rank, 0), dStride(rank, 1);
  SmallVector<bool> dBeginMasked(rank, false), dEndMasked(rank, false),
      dShrink(rank, false);
  SmallVector<int64_t> gather;
  int64_t full = 0;
  for (int64_t i = 0; i < sparseDims; ++i) {
    if ((ellipsis >> i) & 1) {
      int64_t next =
          std::min(rank - (sparseDims - i) + 1 + newAxesAfterEllipsis, rank);
      for (; full < next; ++full) {
        dBeginMasked[full] = dEndMasked[full] = true;
        gather.push_back(full);
      }
    } else if ((*newAxisMask >> i) & 1) {
      gather.push_back(kNewAxis);
    } else {
      if (full == rank)
        return n.emitError()
               << "slice index " << i << " is out of range for rank " << rank;
      dBegin[full] = begin[i];
      dEnd[full] = end[i];
      dStride[full] = strides[i];
      dBeginMasked[full] = (*beginMask >> i) & 1;
      dEndMasked[full] = (*endMask >> i) & 1;
      dShrink[full] = (*shrinkMask >> i) & 1;
      gather.push_back(dShrink[full] ? kShrink : full);
      ++full;
    }
  }

  Slice s;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = shape[d], stride = dStride[d];
    if (stride == 0)
      return n.emitError() << "stride of dimension " << d << " is 0";
    int64_t b, e;
    if (dShrink[d]) {
      b = dBegin[d] < 0 ? dBegin[d] + size : dBegin[d];
      if (b < 0 || b >= size)
        return n.emitError()
               << "index " << dBegin[d] << " is out of range for dimension "
               << d << " of size " << size;
      e = b + 1;
      stride = 1;
    } else {
      // Valid range: [0, size] going forward, [-1, size - 1] backward.
      int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? size : size - 1;
      auto canonical = [&](int64_t x, bool masked, bool isBegin) {
        if (masked)
          return (stride > 0) == isBegin ? lo : hi;
        int64_t fwd = x < 0 ? x + size : x;
        return std::clamp(fwd, lo, hi);
      };
      b = canonical(dBegin[d], dBeginMasked[d], true);
      e = canonical(dEnd[d], dEndMasked[d], false);
    }
    int64_t interval = e - b, count;
    if (interval == 0 || ((interval < 0) != (stride < 0)))
      count = 0;
    else
      count = interval / stride + (interval % stride != 0);
    s.begin.push_back(b);
    s.strides.push_back(stride);
    s.sizes.push_back(count);
  }
  for (int64_t g : gather)
    if (g == kNewAxis)
      s.outShape.push_back(1);
    else if (g >= 0)
      s.outShape.push_back(s.sizes[g]);
  return s;
}

static LogicalResult importStridedSlice(NodeImporter &n) {
  if (failed(n.checkInputCount(4, 4)))
    return failure();
  FailureOr<SmallVector<int64_t>> begin = n.constantInts(1, "begin");
  FailureOr<SmallVector<int64_t>> end = n.constantInts(2, "end");
  FailureOr<SmallVector<int64_t>> strides = n.constantInts(3, "strides");
  if (failed(begin) || failed(end) || failed(strides))
    return failure();
  ArrayRef<int64_t> shape = n.inputType(0).getShape();
  FailureOr<Slice> s = resolveStridedSlice(n, shape, *begin, *end, *strides);
  if (failed(s))
    return failure();
  int64_t rank = shape.size();

  if (const HostTensor *c = n.constantInput(0)) {
    HostTensor out;
    out.dtype = c->dtype;
    out.shape = s->outShape;
    int64_t count = 1;
    for (int64_t z : s->sizes)
      count *= z;
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t i = 0; i < count; ++i) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset = offset * shape[d] + s->begin[d] + idx[d] * s->strides[d];
      if (c->isFloat())
        out.floats.push_back(c->floats[offset]);
      else
        out.ints.push_back(c->ints[offset]);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < s->sizes[d])
          break;
        idx[d] = 0;
      }
    }
    n.setConstantOutput(0, std::move(out));
    return success();
  }

  if (!n.inputType(0).getElementType().isF32())
    return n.emitError() << "input '" << n.inputName(0) << "' must be float32";
  RankedTensorType type = n.outputType(0, s->outShape);
  Value x = n.input(0, Layout::TF);
  if (!type || !x)
    return failure();
  auto sliceType = type.clone(s->sizes);
  Value y = qnn::SliceOp::create(n.builder, n.loc, sliceType, x, s->begin,
                                 s->strides);
  if (sliceType != type)
    y = qnn::ReshapeOp::create(n.builder, n.loc, type, y);
  n.setOutput(0, y);
  return success();
}

void qmlir::tf_import::registerShapeHandlers(HandlerTable &table) {
  table["Shape"] = importShape;
  table["Size"] = importSize;
  table["Rank"] = importRank;
  table["Fill"] = importFill;
  table["Cast"] = importCast;
  table["StridedSlice"] = importStridedSlice;
}
