//===- TensorOps.cpp - reshapes, concatenation, padding, reductions -------===//
//
// These ops index dimensions, so they work in TF layout (an NCHW value held
// in NHWC is transposed back), except where the NHWC form is free to use:
// ConcatV2 and Pad of NHWC-held values map their axis/paddings, Mean over
// the spatial axes of a rank-4 value is qnn.global_avg_pool, and a
// Transpose NCHW -> NHWC of an NHWC-held value is that value. Constant
// inputs are computed on the host (shape arithmetic).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

/// Normalizes a possibly negative axis of a rank-`rank` tensor.
static FailureOr<int64_t> normalizeAxis(NodeImporter &n, int64_t axis,
                                        int64_t rank) {
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  return axis < 0 ? axis + rank : axis;
}

/// A float runtime value of input `i` in TF layout.
static Value runtimeInput(NodeImporter &n, unsigned i) {
  if (!n.inputType(i).getElementType().isF32()) {
    n.emitError() << "input '" << n.inputName(i) << "' has element type "
                  << n.inputType(i).getElementType()
                  << "; only float32 tensors are supported at run time";
    return {};
  }
  return n.input(i, Layout::TF);
}

/// Defines output 0 as input 0 with another shape of as many elements.
static LogicalResult reshapeTo(NodeImporter &n, ArrayRef<int64_t> shape) {
  if (const HostTensor *c = n.constantInput(0)) {
    n.setConstantOutput(0, c->reshaped(shape));
    return success();
  }
  RankedTensorType type = n.outputType(0, shape);
  Value x = runtimeInput(n, 0);
  if (!type || !x)
    return failure();
  n.setOutput(0, qnn::ReshapeOp::create(n.builder, n.loc, type, x));
  return success();
}

static LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> target = n.constantInts(1, "shape");
  if (failed(target))
    return failure();
  int64_t count = n.inputType(0).getNumElements(), known = 1;
  int inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == -1 && inferred < 0) {
      inferred = i;
      continue;
    }
    if (d < 0)
      return n.emitError() << "invalid target shape " << formatList(*target);
    known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || count % known != 0)
      return n.emitError() << "cannot reshape "
                           << formatShape(n.inputType(0).getShape()) << " to "
                           << formatList(*target);
    (*target)[inferred] = count / known;
  } else if (known != count) {
    return n.emitError() << "cannot reshape "
                         << formatShape(n.inputType(0).getShape()) << " to "
                         << formatList(*target);
  }
  return reshapeTo(n, *target);
}

static LogicalResult importSqueeze(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> dims = n.intsAttr("squeeze_dims", {});
  if (failed(dims))
    return failure();
  if (dims->empty() && n.attr("axis")) {
    dims = n.intsAttr("axis", {});
    if (failed(dims))
      return failure();
  }
  ArrayRef<int64_t> in = n.inputType(0).getShape();
  SmallVector<bool> drop(in.size(), dims->empty());
  for (int64_t d : *dims) {
    FailureOr<int64_t> axis = normalizeAxis(n, d, in.size());
    if (failed(axis))
      return failure();
    if (in[*axis] != 1)
      return n.emitError() << "cannot squeeze dimension " << d << " of size "
                           << in[*axis];
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(in))
    if (!drop[i] || d != 1)
      shape.push_back(d);
  return reshapeTo(n, shape);
}

static LogicalResult importExpandDims(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> dim = n.constantInts(1, "dim");
  if (failed(dim))
    return failure();
  if (dim->size() != 1)
    return n.emitError() << "dim must hold one value, got " << formatList(*dim);
  SmallVector<int64_t> shape(n.inputType(0).getShape());
  FailureOr<int64_t> axis = normalizeAxis(n, (*dim)[0], shape.size() + 1);
  if (failed(axis))
    return failure();
  shape.insert(shape.begin() + *axis, 1);
  return reshapeTo(n, shape);
}

/// Concatenation of host tensors along `axis`.
static HostTensor concatHost(ArrayRef<const HostTensor *> parts, int64_t axis) {
  HostTensor out;
  out.dtype = parts[0]->dtype;
  out.shape = parts[0]->shape;
  out.shape[axis] = 0;
  for (const HostTensor *p : parts)
    out.shape[axis] += p->shape[axis];
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor *p : parts) {
      int64_t chunk = p->numElements() / std::max<int64_t>(outer, 1);
      for (int64_t i = 0; i < chunk; ++i) {
        if (out.isFloat())
          out.floats.push_back(p->floats[o * chunk + i]);
        else
          out.ints.push_back(p->ints[o * chunk + i]);
      }
    }
  return out;
}

/// Concatenates inputs [0, count) along `axis` (TF layout); each input is
/// first reshaped to `shapes[i]` when given (Pack).
static LogicalResult concatInputs(NodeImporter &n, unsigned count, int64_t axis,
                                  ArrayRef<SmallVector<int64_t>> shapes) {
  SmallVector<SmallVector<int64_t>> inShapes;
  for (unsigned i = 0; i < count; ++i)
    inShapes.push_back(shapes.empty()
                           ? SmallVector<int64_t>(n.inputType(i).getShape())
                           : shapes[i]);
  SmallVector<int64_t> outShape = inShapes[0];
  outShape[axis] = 0;
  for (auto [i, s] : llvm::enumerate(inShapes)) {
    bool ok = s.size() == outShape.size();
    for (size_t d = 0; ok && d < s.size(); ++d)
      ok = d == static_cast<size_t>(axis) || s[d] == inShapes[0][d];
    if (!ok)
      return n.emitError() << "input '" << n.inputName(i) << "' of shape "
                           << formatShape(s) << " does not concatenate with "
                           << formatShape(inShapes[0]) << " along axis "
                           << axis;
    outShape[axis] += s[axis];
  }

  SmallVector<const HostTensor *> constants;
  for (unsigned i = 0; i < count; ++i)
    constants.push_back(n.constantInput(i));
  if (llvm::all_of(constants, [](const HostTensor *c) { return c; })) {
    SmallVector<HostTensor> reshaped;
    for (unsigned i = 0; i < count; ++i)
      reshaped.push_back(constants[i]->reshaped(inShapes[i]));
    SmallVector<const HostTensor *> parts;
    for (const HostTensor &t : reshaped) {
      if (t.dtype != reshaped[0].dtype)
        return n.emitError() << "inputs have different element types";
      parts.push_back(&t);
    }
    n.setConstantOutput(0, concatHost(parts, axis));
    return success();
  }

  // NHWC when every non-constant rank-4 input is held in NHWC.
  bool nhwc = outShape.size() == 4 && shapes.empty();
  bool anyRuntime = false;
  for (unsigned i = 0; i < count; ++i)
    if (!constants[i]) {
      anyRuntime = true;
      nhwc &= n.inputLayout(i) == Layout::NHWC;
    }
  nhwc &= anyRuntime;
  Layout layout = nhwc ? Layout::NHWC : Layout::TF;
  int64_t qnnAxis =
      nhwc ? llvm::find(kToNHWC, axis) - std::begin(kToNHWC) : axis;
  RankedTensorType type = n.outputType(0, outShape, layout);
  if (!type)
    return failure();
  SmallVector<Value> values;
  for (unsigned i = 0; i < count; ++i) {
    Value v;
    if (constants[i]) {
      if (!constants[i]->isFloat())
        return n.emitError() << "input '" << n.inputName(i)
                             << "' is an integer tensor; only float32 "
                                "tensors are supported at run time";
      HostTensor t = constants[i]->reshaped(inShapes[i]);
      v = n.materialize(nhwc ? t.transposed(kToNHWC) : t, i);
    } else if (nhwc) {
      v = n.input(i, Layout::NHWC);
    } else {
      v = runtimeInput(n, i);
      if (v && !shapes.empty())
        v = qnn::ReshapeOp::create(
            n.builder, n.loc,
            cast<RankedTensorType>(v.getType()).clone(inShapes[i]), v);
    }
    if (!v)
      return failure();
    values.push_back(v);
  }
  n.setOutput(0, qnn::ConcatOp::create(n.builder, n.loc, type, values, qnnAxis),
              layout);
  return success();
}

static LogicalResult importConcatV2(NodeImporter &n) {
  if (n.numInputs() < 2)
    return n.emitError() << "ConcatV2 expects inputs and an axis";
  unsigned count = n.numInputs() - 1;
  FailureOr<SmallVector<int64_t>> axis = n.constantInts(count, "axis");
  if (failed(axis))
    return failure();
  if (axis->size() != 1)
    return n.emitError() << "axis must hold one value";
  FailureOr<int64_t> a = normalizeAxis(n, (*axis)[0], n.inputType(0).getRank());
  if (failed(a))
    return failure();
  return concatInputs(n, count, *a, {});
}

static LogicalResult importPack(NodeImporter &n) {
  if (n.numInputs() < 1)
    return n.emitError() << "Pack expects at least one input";
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  FailureOr<int64_t> axis = normalizeAxis(n, *axisAttr, rank + 1);
  if (failed(axis))
    return failure();
  SmallVector<SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    SmallVector<int64_t> s(n.inputType(i).getShape());
    s.insert(s.begin() + *axis, 1);
    shapes.push_back(s);
  }
  return concatInputs(n, n.numInputs(), *axis, shapes);
}

/// The [rank, 2] paddings of input 1 as [lo_0, hi_0, lo_1, hi_1, ...].
static FailureOr<SmallVector<int64_t>> readPaddings(NodeImporter &n,
                                                    int64_t rank) {
  FailureOr<SmallVector<int64_t>> p = n.constantInts(1, "paddings");
  if (failed(p))
    return failure();
  if (static_cast<int64_t>(p->size()) != 2 * rank ||
      llvm::any_of(*p, [](int64_t v) { return v < 0; }))
    return n.emitError() << "paddings must be " << rank
                         << "x2 values >= 0, got " << formatList(*p);
  return p;
}

static LogicalResult importPad(NodeImporter &n) {
  if (failed(n.checkInputCount(2, n.opType() == "PadV2" ? 3 : 2)) ||
      failed(n.requireFloatType("T")))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  FailureOr<SmallVector<int64_t>> pads = readPaddings(n, rank);
  if (failed(pads))
    return failure();
  float value = 0.0f;
  if (n.numInputs() == 3) {
    const HostTensor *c = n.requireConstant(2, "constant_values");
    if (!c)
      return failure();
    if (!c->isFloat() || c->numElements() != 1)
      return n.emitError() << "constant_values must be a float32 scalar";
    value = c->floats[0];
  }
  SmallVector<int64_t> shape(n.inputType(0).getShape());
  for (int64_t d = 0; d < rank; ++d)
    shape[d] += (*pads)[2 * d] + (*pads)[2 * d + 1];
  bool nhwc =
      rank == 4 && !n.constantInput(0) && n.inputLayout(0) == Layout::NHWC;
  Layout layout = nhwc ? Layout::NHWC : Layout::TF;
  SmallVector<int64_t> padding = *pads;
  if (nhwc) {
    padding.clear();
    for (int64_t d : kToNHWC)
      padding.append({(*pads)[2 * d], (*pads)[2 * d + 1]});
  }
  RankedTensorType type = n.outputType(0, shape, layout);
  Value x = nhwc ? n.input(0, Layout::NHWC) : runtimeInput(n, 0);
  if (!type || !x)
    return failure();
  n.setOutput(0,
              qnn::PadOp::create(n.builder, n.loc, type, x, padding,
                                 APFloat(value), qnn::PadMode::Constant),
              layout);
  return success();
}

/// MirrorPad: REFLECT mirrors around the edge element, which is qnn.pad
/// reflect. SYMMETRIC includes the edge element, which qnn.pad has no mode
/// for: per padded dimension, the reversed first `lo` and last `hi` elements
/// (qnn.slice with stride -1) concatenated around the tensor.
static LogicalResult importMirrorPad(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(n.requireFloatType("T")))
    return failure();
  FailureOr<std::string> mode = n.stringAttr("mode", "");
  if (failed(mode))
    return failure();
  if (*mode != "REFLECT" && *mode != "SYMMETRIC")
    return n.unsupportedAttr("mode", *mode, "expected REFLECT or SYMMETRIC");
  bool reflect = *mode == "REFLECT";
  int64_t rank = n.inputType(0).getRank();
  FailureOr<SmallVector<int64_t>> pads = readPaddings(n, rank);
  if (failed(pads))
    return failure();
  SmallVector<int64_t> outShape(n.inputType(0).getShape());
  for (int64_t d = 0; d < rank; ++d) {
    int64_t limit = outShape[d] - (reflect ? 1 : 0);
    if ((*pads)[2 * d] > limit || (*pads)[2 * d + 1] > limit)
      return n.emitError() << *mode << " padding "
                           << formatList({(*pads)[2 * d], (*pads)[2 * d + 1]})
                           << " of dimension " << d << " exceeds " << limit;
    outShape[d] += (*pads)[2 * d] + (*pads)[2 * d + 1];
  }
  RankedTensorType type = n.outputType(0, outShape);
  Value x = runtimeInput(n, 0);
  if (!type || !x)
    return failure();
  OpBuilder &b = n.builder;
  if (reflect) {
    n.setOutput(0, qnn::PadOp::create(b, n.loc, type, x, *pads, APFloat(0.0f),
                                      qnn::PadMode::Reflect));
    return success();
  }
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = (*pads)[2 * d], hi = (*pads)[2 * d + 1];
    if (!lo && !hi)
      continue;
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t size = xType.getDimSize(d);
    // `count` elements of dimension d, from `first` backwards.
    auto reversed = [&](int64_t first, int64_t count) -> Value {
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1),
          shape(xType.getShape());
      offsets[d] = first;
      strides[d] = -1;
      shape[d] = count;
      return qnn::SliceOp::create(b, n.loc, xType.clone(shape), x, offsets,
                                  strides);
    };
    SmallVector<Value> parts;
    if (lo)
      parts.push_back(reversed(lo - 1, lo));
    parts.push_back(x);
    if (hi)
      parts.push_back(reversed(size - 1, hi));
    SmallVector<int64_t> shape(xType.getShape());
    shape[d] += lo + hi;
    x = qnn::ConcatOp::create(b, n.loc, xType.clone(shape), parts, d);
  }
  n.setOutput(0, x);
  return success();
}

static LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> perm = n.constantInts(1, "perm");
  if (failed(perm))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<bool> seen(rank, false);
  if (static_cast<int64_t>(perm->size()) != rank)
    return n.emitError() << "perm " << formatList(*perm)
                         << " does not permute rank " << rank;
  for (int64_t p : *perm) {
    if (p < 0 || p >= rank || seen[p])
      return n.emitError() << "perm " << formatList(*perm)
                           << " does not permute rank " << rank;
    seen[p] = true;
  }
  if (const HostTensor *c = n.constantInput(0)) {
    n.setConstantOutput(0, c->transposed(*perm));
    return success();
  }
  RankedTensorType type =
      n.outputType(0, permuteShape(n.inputType(0).getShape(), *perm));
  if (!type)
    return failure();
  // NCHW -> NHWC of a value the importer already holds in NHWC.
  if (rank == 4 && n.inputLayout(0) == Layout::NHWC &&
      ArrayRef<int64_t>(*perm) == ArrayRef<int64_t>(kToNHWC)) {
    Value v = n.input(0, Layout::NHWC);
    if (!v)
      return failure();
    n.setOutput(0, v);
    return success();
  }
  Value x = runtimeInput(n, 0);
  if (!x)
    return failure();
  n.setOutput(0, qnn::TransposeOp::create(n.builder, n.loc, type, x, *perm));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class Reduce { Mean, Sum, Max, Min, Prod };

/// A reduction of a constant, in double then rounded to the type.
static HostTensor reduceHost(Reduce kind, const HostTensor &in,
                             ArrayRef<bool> reduced, bool keepDims) {
  int64_t rank = in.shape.size();
  HostTensor out;
  out.dtype = in.dtype;
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    kept.push_back(reduced[d] ? 1 : in.shape[d]);
  int64_t n = 1;
  for (int64_t d : kept)
    n *= d;
  std::vector<double> acc(n), count(n, 0);
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0, e = in.numElements(); i < e; ++i) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o = o * kept[d] + (reduced[d] ? 0 : idx[d]);
    double v = in.get(i);
    if (count[o] == 0)
      acc[o] = v;
    else if (kind == Reduce::Max)
      acc[o] = std::max(acc[o], v);
    else if (kind == Reduce::Min)
      acc[o] = std::min(acc[o], v);
    else if (kind == Reduce::Prod)
      acc[o] *= v;
    else
      acc[o] += v;
    ++count[o];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < in.shape[d])
        break;
      idx[d] = 0;
    }
  }
  for (int64_t o = 0; o < n; ++o) {
    double v = acc[o];
    if (kind == Reduce::Mean)
      v = in.isFloat() ? v / count[o] : std::trunc(v / count[o]);
    if (count[o] == 0)
      v = kind == Reduce::Prod ? 1.0 : 0.0;
    if (in.isFloat())
      out.floats.push_back(float(v));
    else
      out.ints.push_back(static_cast<int64_t>(v));
  }
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d] || keepDims)
      out.shape.push_back(kept[d]);
  return out;
}

template <Reduce kind> static LogicalResult importReduce(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = n.constantInts(1, "reduction_indices");
  FailureOr<bool> keepDims = n.boolAttr("keep_dims", false);
  if (failed(axes) || failed(keepDims))
    return failure();
  RankedTensorType in = n.inputType(0);
  int64_t rank = in.getRank();
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = normalizeAxis(n, a, rank);
    if (failed(axis))
      return failure();
    reduced[*axis] = true;
  }
  SmallVector<int64_t> axisList, shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[d])
      axisList.push_back(d);
    if (!reduced[d])
      shape.push_back(in.getDimSize(d));
    else if (*keepDims)
      shape.push_back(1);
  }
  if (const HostTensor *c = n.constantInput(0)) {
    n.setConstantOutput(0, reduceHost(kind, *c, reduced, *keepDims));
    return success();
  }
  OpBuilder &b = n.builder;
  // The mean over H and W of a rank-4 value is a global average pool, which
  // qnn can quantize: axes {1, 2} of an NHWC value, or {2, 3} of an NCHW
  // value held in NHWC.
  if (kind == Reduce::Mean && rank == 4) {
    bool nhwcHeld = n.inputLayout(0) == Layout::NHWC;
    SmallVector<int64_t> spatial =
        nhwcHeld ? SmallVector<int64_t>{2, 3} : SmallVector<int64_t>{1, 2};
    if (axisList == spatial) {
      Layout layout = nhwcHeld ? Layout::NHWC : Layout::TF;
      Value x = n.input(0, layout);
      if (!x)
        return failure();
      auto xType = cast<RankedTensorType>(x.getType());
      auto poolType =
          xType.clone({xType.getDimSize(0), 1, 1, xType.getDimSize(3)});
      Value pool = qnn::GlobalAvgPoolOp::create(b, n.loc, poolType, x);
      RankedTensorType type =
          n.outputType(0, shape, *keepDims ? layout : Layout::TF);
      if (!type)
        return failure();
      if (*keepDims) {
        n.setOutput(0, pool, layout);
      } else {
        n.setOutput(0, qnn::ReshapeOp::create(b, n.loc, type, pool));
      }
      return success();
    }
  }
  RankedTensorType type = n.outputType(0, shape);
  Value x = runtimeInput(n, 0);
  if (!type || !x)
    return failure();
  qnn::ReduceKind reduceKind = qnn::ReduceKind::Mean;
  switch (kind) {
  case Reduce::Mean:
    reduceKind = qnn::ReduceKind::Mean;
    break;
  case Reduce::Sum:
    reduceKind = qnn::ReduceKind::Sum;
    break;
  case Reduce::Max:
    reduceKind = qnn::ReduceKind::Max;
    break;
  case Reduce::Min:
    reduceKind = qnn::ReduceKind::Min;
    break;
  case Reduce::Prod:
    reduceKind = qnn::ReduceKind::Prod;
    break;
  }
  Value y =
      qnn::ReduceOp::create(b, n.loc, type, reduceKind, x, axisList, *keepDims);
  n.setOutput(0, y);
  return success();
}

void qmlir::tf_import::registerTensorHandlers(HandlerTable &table) {
  table["Reshape"] = importReshape;
  table["Squeeze"] = importSqueeze;
  table["ExpandDims"] = importExpandDims;
  table["ConcatV2"] = importConcatV2;
  table["Pack"] = importPack;
  table["Pad"] = importPad;
  table["PadV2"] = importPad;
  table["MirrorPad"] = importMirrorPad;
  table["Transpose"] = importTranspose;
  table["Mean"] = importReduce<Reduce::Mean>;
  table["Sum"] = importReduce<Reduce::Sum>;
  table["Max"] = importReduce<Reduce::Max>;
  table["Min"] = importReduce<Reduce::Min>;
  table["Prod"] = importReduce<Reduce::Prod>;
}
