//===- TensorOps.cpp - reshapes, transposes, concat, split, slice, pad ----===//
//
// Ops that move values without computing. Reshape-like ops need ONNX's
// dimension order, so their input goes back to ONNX layout; ops along axes
// (concat, split, slice, gather, pad) work in NHWC with the axes mapped when
// their input is NHWC, so a channel-last graph stays channel-last. Constant
// inputs are folded on the host. All of them also move quantized values.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// The constant 1-D integer input `i`, or failure after an error naming it
/// `what`.
static FailureOr<SmallVector<int64_t>> intList(NodeImporter &n, unsigned i,
                                               StringRef what) {
  const HostTensor *c = n.requireConstant(i, what);
  if (!c)
    return failure();
  if (c->isFloat() || c->shape.size() > 1)
    return n.emitError() << what << " '" << n.inputName(i)
                         << "' must be a 1-D integer tensor";
  return SmallVector<int64_t>(c->ints.begin(), c->ints.end());
}

/// Input 0 where an axis-based op works on it: NHWC when its producer made
/// it NHWC, ONNX layout otherwise.
static Layout axisOpLayout(NodeImporter &n) {
  return n.inputLayout(0) == Layout::NHWC && n.inputRank(0) == 4
             ? Layout::NHWC
             : Layout::ONNX;
}

static int64_t mapAxis(int64_t axis, Layout layout) {
  return layout == Layout::NHWC ? nhwcPosition(axis) : axis;
}

/// The tensor type of `v` with shape `shape`.
static RankedTensorType withShape(Value v, ArrayRef<int64_t> shape) {
  return cast<RankedTensorType>(v.getType()).clone(shape);
}

//===----------------------------------------------------------------------===//
// Reshape family
//===----------------------------------------------------------------------===//

/// Defines output 0 as input 0 reshaped (row-major, ONNX layout) to `shape`.
static LogicalResult reshapeTo(NodeImporter &n, ArrayRef<int64_t> shape) {
  if (const HostTensor *c = n.constantInput(0)) {
    n.setConstantOutput(0, c->reshaped(shape));
    return success();
  }
  Value x = n.input(0, Layout::ONNX);
  if (!x)
    return failure();
  RankedTensorType type =
      n.outputType(0, shape, Layout::ONNX,
                   cast<RankedTensorType>(x.getType()).getElementType());
  if (!type)
    return failure();
  n.setOutput(0, qnn::ReshapeOp::create(n.builder, n.loc, type, x),
              Layout::ONNX);
  return success();
}

static LogicalResult importReshape(NodeImporter &n) {
  FailureOr<SmallVector<int64_t>> target = intList(n, 1, "shape");
  FailureOr<int64_t> allowZero = n.intAttr("allowzero", 0);
  if (failed(target) || failed(allowZero))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t total = 1;
  for (int64_t d : in)
    total *= d;
  SmallVector<int64_t> shape;
  std::optional<size_t> inferredDim;
  int64_t known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !*allowZero) {
      if (i >= in.size())
        return n.emitError()
               << "shape " << formatList(*target) << " copies dimension " << i
               << " of a rank-" << in.size() << " input";
      d = in[i];
    }
    if (d == -1) {
      if (inferredDim)
        return n.emitError() << "shape " << formatList(*target)
                             << " has more than one -1";
      inferredDim = i;
    } else if (d < 0) {
      return n.emitError() << "shape " << formatList(*target)
                           << " has a negative dimension";
    } else {
      known *= d;
    }
    shape.push_back(d);
  }
  if (inferredDim) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << formatShape(in) << " to "
                           << formatList(*target);
    shape[*inferredDim] = total / known;
  } else if (known != total) {
    return n.emitError() << "cannot reshape " << formatShape(in) << " to "
                         << formatList(*target);
  }
  return reshapeTo(n, shape);
}

static LogicalResult importFlatten(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return n.unsupportedAttr("axis", std::to_string(*axis),
                             "out of range for rank " + std::to_string(rank));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < a ? outer : inner) *= in[d];
  int64_t shape[] = {outer, inner};
  return reshapeTo(n, shape);
}

/// The axes of Squeeze/Unsqueeze: input 1 (opset 13+) or the attribute.
static FailureOr<SmallVector<int64_t>> squeezeAxes(NodeImporter &n,
                                                   bool &given) {
  given = true;
  if (n.hasInput(1))
    return intList(n, 1, "axes");
  if (n.attr("axes"))
    return n.intsAttr("axes", {});
  given = false;
  return SmallVector<int64_t>();
}

static LogicalResult importSqueeze(NodeImporter &n) {
  bool given;
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(n, given);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  SmallVector<bool> drop(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = n.normalizeAxis(a, rank, "axis");
    if (failed(axis))
      return failure();
    if (in[*axis] != 1)
      return n.emitError() << "cannot squeeze dimension " << *axis
                           << " of size " << in[*axis];
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!(given ? drop[d] : in[d] == 1))
      shape.push_back(in[d]);
  return reshapeTo(n, shape);
}

static LogicalResult importUnsqueeze(NodeImporter &n) {
  bool given;
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(n, given);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = n.normalizeAxis(a, rank, "axis");
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return n.emitError() << "axis " << *axis << " is given twice";
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : in[next++]);
  return reshapeTo(n, shape);
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  FailureOr<SmallVector<int64_t>> perm = n.intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  SmallVector<bool> seen(rank, false);
  bool valid = static_cast<int64_t>(perm->size()) == rank;
  for (int64_t p : *perm)
    valid = valid && p >= 0 && p < rank && !seen[p] && (seen[p] = true);
  if (!valid)
    return n.unsupportedAttr("perm", formatList(*perm),
                             "not a permutation of the input's dims");
  if (const HostTensor *c = n.constantInput(0)) {
    n.setConstantOutput(0, c->transposed(*perm));
    return success();
  }
  // An NHWC input is the ONNX value transposed by kToNHWC: compose the two
  // permutations so that the value is transposed once (or not at all).
  Layout layout = axisOpLayout(n);
  SmallVector<int64_t> applied(*perm);
  if (layout == Layout::NHWC)
    for (int64_t &p : applied)
      p = nhwcPosition(p);
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  RankedTensorType type =
      permutedType(cast<RankedTensorType>(x.getType()), applied);
  if (!n.outputType(0, type.getShape()))
    return failure();
  bool identity = llvm::equal(applied, llvm::seq<int64_t>(0, rank));
  Value y = identity ? x
                     : Value(qnn::TransposeOp::create(n.builder, n.loc, type,
                                                      x, applied));
  n.setOutput(0, y, Layout::ONNX);
  return success();
}

//===----------------------------------------------------------------------===//
// Concat, Split, Slice, Gather
//===----------------------------------------------------------------------===//

static LogicalResult importConcat(NodeImporter &n) {
  FailureOr<int64_t> attrAxis = n.intAttr("axis", 0);
  if (failed(attrAxis))
    return failure();
  FailureOr<int64_t> axis =
      n.normalizeAxis(*attrAxis, n.inputRank(0), "axis");
  if (failed(axis))
    return failure();
  SmallVector<unsigned> inputs;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      inputs.push_back(i);
  if (n.allInputsConstant()) {
    // Host concat: every input viewed as [outer, size_i * inner].
    HostTensor out = *n.constantInput(inputs[0]);
    SmallVector<int64_t> shape(out.shape);
    shape[*axis] = 0;
    for (unsigned i : inputs)
      shape[*axis] += n.constantInput(i)->shape[*axis];
    int64_t outer = 1;
    for (int64_t d = 0; d < *axis; ++d)
      outer *= shape[d];
    out.floats.clear();
    out.ints.clear();
    for (int64_t o = 0; o < outer; ++o)
      for (unsigned i : inputs) {
        const HostTensor *c = n.constantInput(i);
        if (c->dataType != out.dataType)
          return n.emitError() << "inputs of different element types";
        int64_t block = c->numElements() / std::max<int64_t>(outer, 1);
        if (c->isFloat())
          out.floats.insert(out.floats.end(), c->floats.begin() + o * block,
                            c->floats.begin() + (o + 1) * block);
        else
          out.ints.insert(out.ints.end(), c->ints.begin() + o * block,
                          c->ints.begin() + (o + 1) * block);
      }
    out.shape = shape;
    n.setConstantOutput(0, std::move(out));
    return success();
  }
  // NHWC when every input computed at run time is NHWC.
  bool nhwc = true;
  for (unsigned i : inputs)
    if (!n.constantInput(i))
      nhwc &= n.inputLayout(i) == Layout::NHWC;
  Layout layout = nhwc && n.inputRank(0) == 4 ? Layout::NHWC : Layout::ONNX;
  SmallVector<Value> operands;
  Type elementType;
  for (unsigned i : inputs) {
    Value v;
    if (const HostTensor *c = n.constantInput(i)) {
      if (!c->isFloat())
        return n.emitError() << "integer constant '" << n.inputName(i)
                             << "' concatenated with values computed at run "
                                "time is not supported";
      v = n.materialize(layout == Layout::NHWC ? c->transposed(kToNHWC) : *c,
                        n.inputName(i));
    } else {
      v = n.input(i, layout);
    }
    if (!v)
      return failure();
    Type et = cast<RankedTensorType>(v.getType()).getElementType();
    if (!elementType)
      elementType = et;
    if (et != elementType)
      return n.emitError() << "inputs of different element types (" << et
                           << " and " << elementType << ")";
    operands.push_back(v);
  }
  int64_t mapped = mapAxis(*axis, layout);
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(operands[0].getType()).getShape());
  shape[mapped] = 0;
  for (Value v : operands)
    shape[mapped] += cast<RankedTensorType>(v.getType()).getDimSize(mapped);
  SmallVector<int64_t> onnxShape =
      layout == Layout::NHWC ? permuteShape(shape, kToNCHW) : shape;
  if (!n.outputType(0, onnxShape))
    return failure();
  auto concat = qnn::ConcatOp::create(
      n.builder, n.loc, RankedTensorType::get(shape, elementType), operands,
      n.builder.getI64IntegerAttr(mapped));
  n.setOutput(0, concat, layout);
  return success();
}

/// Defines output `out` as input 0 sliced by `offsets`/`strides` (ONNX
/// dims) to `shape` (ONNX dims), in the input's axis-op layout.
static LogicalResult sliceOutput(NodeImporter &n, unsigned out,
                                 ArrayRef<int64_t> offsets,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> shape) {
  if (const HostTensor *c = n.constantInput(0)) {
    SmallVector<int64_t> srcStrides = c->strides();
    n.setConstantOutput(out, c->gathered(shape, [&](ArrayRef<int64_t> idx) {
      int64_t offset = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        offset += (offsets[d] + idx[d] * strides[d]) * srcStrides[d];
      return offset;
    }));
    return success();
  }
  Layout layout = axisOpLayout(n);
  Value x = n.input(0, layout);
  if (!x || !n.outputType(out, shape))
    return failure();
  SmallVector<int64_t> o(offsets), s(strides), sh(shape);
  if (layout == Layout::NHWC) {
    o = permuteShape(o, kToNHWC);
    s = permuteShape(s, kToNHWC);
    sh = permuteShape(sh, kToNHWC);
  }
  auto slice = qnn::SliceOp::create(n.builder, n.loc, withShape(x, sh), x, o,
                                    s);
  n.setOutput(out, slice, layout);
  return success();
}

static LogicalResult importSplit(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  FailureOr<int64_t> attrAxis = n.intAttr("axis", 0);
  if (failed(attrAxis))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*attrAxis, in.size(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = intList(n, 1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (n.attr("split")) {
    FailureOr<SmallVector<int64_t>> s = n.intsAttr("split", {});
    if (failed(s))
      return failure();
    sizes = *s;
  } else {
    int64_t parts = n.numOutputs();
    if (in[*axis] % parts != 0)
      return n.emitError() << "dimension " << *axis << " of size "
                           << in[*axis] << " does not split into " << parts
                           << " equal parts";
    sizes.assign(parts, in[*axis] / parts);
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if (static_cast<int64_t>(sizes.size()) != n.numOutputs() ||
      total != in[*axis])
    return n.emitError() << "split " << formatList(sizes) << " does not cut "
                         << "dimension " << *axis << " of size " << in[*axis]
                         << " into " << n.numOutputs() << " outputs";
  int64_t start = 0;
  SmallVector<int64_t> strides(in.size(), 1);
  for (auto [i, size] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> offsets(in.size(), 0), shape(in);
    offsets[*axis] = start;
    shape[*axis] = size;
    start += size;
    if (n.hasOutput(i) && failed(sliceOutput(n, i, offsets, strides, shape)))
      return failure();
  }
  return success();
}

static LogicalResult importSlice(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  FailureOr<SmallVector<int64_t>> starts = intList(n, 1, "starts");
  FailureOr<SmallVector<int64_t>> ends = intList(n, 2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = intList(n, 3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (size_t i = 0; i < starts->size(); ++i)
      axes.push_back(i);
  }
  if (n.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> s = intList(n, 4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return n.emitError() << "starts, ends, axes and steps differ in length";
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1), shape(in);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = n.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    int64_t dim = in[*axis], step = steps[i];
    if (step == 0)
      return n.emitError() << "step of axis " << *axis << " is 0";
    int64_t start = (*starts)[i], end = (*ends)[i];
    // ONNX: negative indices count from the end; then clamp to the valid
    // range for the step's direction.
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    int64_t count =
        step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
    count = std::max<int64_t>(count, 0);
    offsets[*axis] = count ? start : 0;
    strides[*axis] = step;
    shape[*axis] = count;
  }
  return sliceOutput(n, 0, offsets, strides, shape);
}

static LogicalResult importGather(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  FailureOr<int64_t> attrAxis = n.intAttr("axis", 0);
  if (failed(attrAxis))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*attrAxis, in.size(), "axis");
  const HostTensor *idx = n.requireConstant(1, "indices");
  if (failed(axis) || !idx)
    return failure();
  if (idx->isFloat())
    return n.emitError() << "indices '" << n.inputName(1)
                         << "' must be integers";
  SmallVector<int64_t> indices;
  for (int64_t i : idx->ints) {
    int64_t j = i < 0 ? i + in[*axis] : i;
    if (j < 0 || j >= in[*axis])
      return n.emitError() << "index " << i << " is out of range for a "
                           << "dimension of size " << in[*axis];
    indices.push_back(j);
  }
  SmallVector<int64_t> shape(in.take_front(*axis));
  llvm::append_range(shape, idx->shape);
  llvm::append_range(shape, in.drop_front(*axis + 1));
  if (const HostTensor *c = n.constantInput(0)) {
    SmallVector<int64_t> srcStrides = c->strides();
    int64_t idxRank = idx->shape.size();
    SmallVector<int64_t> idxStrides = idx->strides();
    n.setConstantOutput(0, c->gathered(shape, [&](ArrayRef<int64_t> at) {
      int64_t offset = 0, flat = 0;
      for (int64_t d = 0; d < idxRank; ++d)
        flat += at[*axis + d] * idxStrides[d];
      for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
        int64_t i = d < *axis    ? at[d]
                    : d == *axis ? indices[flat]
                                 : at[d + idxRank - 1];
        offset += i * srcStrides[d];
      }
      return offset;
    }));
    return success();
  }
  // NHWC stays NHWC when the gathered dimension keeps its place.
  Layout layout = idx->shape.size() == 1 ? axisOpLayout(n) : Layout::ONNX;
  Value x = n.input(0, layout);
  if (!x || !n.outputType(0, shape))
    return failure();
  SmallVector<int64_t> qShape =
      layout == Layout::NHWC ? permuteShape(shape, kToNHWC) : shape;
  auto attrType = RankedTensorType::get(idx->shape, n.builder.getI64Type());
  auto gather = qnn::GatherOp::create(
      n.builder, n.loc, withShape(x, qShape), x,
      n.builder.getI64IntegerAttr(mapAxis(*axis, layout)),
      DenseIntElementsAttr::get(attrType, ArrayRef<int64_t>(indices)));
  n.setOutput(0, gather, layout);
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

static LogicalResult importPad(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  FailureOr<std::string> mode = n.stringAttr("mode", "constant");
  FailureOr<SmallVector<int64_t>> pads = intList(n, 1, "pads");
  if (failed(mode) || failed(pads))
    return failure();
  if (n.hasInput(3))
    return n.emitError() << "the axes input of Pad is not supported";
  if (static_cast<int64_t>(pads->size()) != 2 * rank)
    return n.emitError() << "pads " << formatList(*pads) << " must have "
                         << 2 * rank << " values";
  qnn::PadMode padMode;
  if (*mode == "constant")
    padMode = qnn::PadMode::Constant;
  else if (*mode == "reflect")
    padMode = qnn::PadMode::Reflect;
  else if (*mode == "edge")
    padMode = qnn::PadMode::Edge;
  else
    return n.unsupportedAttr("mode", *mode,
                             "expected constant, reflect or edge");
  float value = 0.0f;
  if (n.hasInput(2)) {
    const HostTensor *c = n.requireConstant(2, "constant_value");
    if (!c)
      return failure();
    if (c->numElements() != 1)
      return n.emitError() << "constant_value must be a scalar";
    value = static_cast<float>(c->value(0));
  }
  // Negative pads crop: a slice first, then the positive pads.
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1), cropped(in),
      padding;
  bool crop = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = (*pads)[d], hi = (*pads)[d + rank];
    if (lo < 0) {
      offsets[d] = -lo;
      cropped[d] += lo;
      lo = 0;
      crop = true;
    }
    if (hi < 0) {
      cropped[d] += hi;
      hi = 0;
      crop = true;
    }
    padding.push_back(lo);
    padding.push_back(hi);
  }
  SmallVector<int64_t> shape(cropped);
  for (int64_t d = 0; d < rank; ++d)
    shape[d] += padding[2 * d] + padding[2 * d + 1];
  if (n.constantInput(0) && n.constantInput(0)->isFloat() &&
      padMode == qnn::PadMode::Constant) {
    const HostTensor &c = *n.constantInput(0);
    SmallVector<int64_t> srcStrides = c.strides();
    HostTensor padded = HostTensor::fromFloats(shape, {});
    padded.floats.resize(padded.numElements());
    SmallVector<int64_t> idx(rank, 0);
    for (float &v : padded.floats) {
      int64_t offset = 0;
      bool inside = true;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t src = idx[d] - padding[2 * d] + offsets[d];
        inside &= src >= offsets[d] && src < offsets[d] + cropped[d];
        offset += src * srcStrides[d];
      }
      v = inside ? c.floats[offset] : value;
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < shape[d])
          break;
        idx[d] = 0;
      }
    }
    n.setConstantOutput(0, std::move(padded));
    return success();
  }
  Layout layout = axisOpLayout(n);
  Value x = n.input(0, layout);
  if (!x || !n.outputType(0, shape))
    return failure();
  // qnn.pad takes a real value; an integer pad value of a quantized tensor
  // is a storage value.
  Type et = cast<RankedTensorType>(x.getType()).getElementType();
  if (auto qt = dyn_cast<quant::UniformQuantizedType>(et)) {
    double storage = value;
    if (n.inputDataType(0) == onnx::TensorProto::UINT8)
      storage -= 128;
    value = static_cast<float>(qt.getScale() * (storage - qt.getZeroPoint()));
  } else if (isa<quant::QuantizedType>(et) && value != 0.0f) {
    return n.emitError() << "a nonzero pad value of a per-axis quantized "
                            "tensor is not supported";
  }
  auto toLayout = [&](ArrayRef<int64_t> v) {
    return layout == Layout::NHWC ? permuteShape(v, kToNHWC)
                                  : SmallVector<int64_t>(v);
  };
  if (crop)
    x = qnn::SliceOp::create(n.builder, n.loc, withShape(x, toLayout(cropped)),
                             x, toLayout(offsets), toLayout(strides));
  SmallVector<int64_t> qPadding;
  for (int64_t d : toLayout(llvm::to_vector(llvm::seq<int64_t>(0, rank)))) {
    qPadding.push_back(padding[2 * d]);
    qPadding.push_back(padding[2 * d + 1]);
  }
  if (padMode == qnn::PadMode::Reflect)
    for (int64_t d = 0; d < rank; ++d)
      if (padding[2 * d] >= cropped[d] || padding[2 * d + 1] >= cropped[d])
        return n.emitError() << "reflect padding of dimension " << d
                             << " must be smaller than its size "
                             << cropped[d];
  auto pad = qnn::PadOp::create(n.builder, n.loc, withShape(x, toLayout(shape)),
                                x, qPadding, APFloat(value), padMode);
  n.setOutput(0, pad, layout);
  return success();
}

void qmlir::onnx_import::registerTensorHandlers(HandlerTable &table) {
  constexpr bool moves = true;
  table["Reshape"] = {importReshape, moves};
  table["Flatten"] = {importFlatten, moves};
  table["Squeeze"] = {importSqueeze, moves};
  table["Unsqueeze"] = {importUnsqueeze, moves};
  table["Transpose"] = {importTranspose, moves};
  table["Concat"] = {importConcat, moves};
  table["Split"] = {importSplit, moves};
  table["Slice"] = {importSlice, moves};
  table["Gather"] = {importGather, moves};
  table["Pad"] = {importPad, moves};
}
