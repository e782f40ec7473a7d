//===- ConvPoolOps.cpp - Conv, ConvTranspose, pooling, BatchNormalization -===//
//
// The spatial ops: they take and produce NHWC values (the importer inserts
// qnn.transpose for ONNX-layout inputs and transposes constant weights to
// OHWI on the host). Window attributes are read once, into qnn's padding
// order [top, bottom, left, right]; ONNX's pads are [top, left, bottom,
// right]. 1-D ops ([N, C, L]) run as 2-D ones on [N, C, 1, L].
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

namespace {
/// Attributes of a 2-D sliding window, in qnn's conventions.
struct Window {
  SmallVector<int64_t> kernel;
  SmallVector<int64_t> strides;
  SmallVector<int64_t> dilations;
  /// [top, bottom, left, right].
  SmallVector<int64_t> padding;
};
} // namespace

/// The number of spatial dims of input 0 (1 or 2), or failure.
static FailureOr<int64_t> spatialRank(NodeImporter &n, StringRef what) {
  int64_t rank = n.inputRank(0);
  if (rank != 3 && rank != 4)
    return n.emitError() << "only 1-D and 2-D " << what
                         << " (inputs of rank 3 or 4) are supported, input "
                            "has rank "
                         << rank;
  return rank - 2;
}

/// Reads strides, dilations, auto_pad and pads for a window of size `kernel`
/// over the spatial sizes `in` (1 or 2 dims) and lifts them to 2-D.
static FailureOr<Window> readWindow(NodeImporter &n, ArrayRef<int64_t> in,
                                    ArrayRef<int64_t> kernel) {
  size_t r = in.size();
  SmallVector<int64_t> ones(r, 1), zeros(2 * r, 0);
  FailureOr<SmallVector<int64_t>> strides = n.intsAttr("strides", ones);
  FailureOr<SmallVector<int64_t>> dilations = n.intsAttr("dilations", ones);
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  FailureOr<SmallVector<int64_t>> pads = n.intsAttr("pads", zeros);
  if (failed(strides) || failed(dilations) || failed(autoPad) || failed(pads))
    return failure();
  for (auto [attrName, values] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"kernel_shape", kernel},
        {"strides", *strides},
        {"dilations", *dilations}})
    if (values.size() != r ||
        llvm::any_of(values, [](int64_t v) { return v < 1; }))
      return n.unsupportedAttr(attrName, formatList(values),
                               "expected " + std::to_string(r) +
                                   " values >= 1");
  SmallVector<int64_t> begin(r, 0), end(r, 0);
  if (*autoPad == "NOTSET") {
    if (pads->size() != 2 * r ||
        llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return n.unsupportedAttr("pads", formatList(*pads),
                               "expected " + std::to_string(2 * r) +
                                   " values >= 0");
    for (size_t d = 0; d < r; ++d) {
      begin[d] = (*pads)[d];
      end[d] = (*pads)[d + r];
    }
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    for (size_t d = 0; d < r; ++d) {
      int64_t s = (*strides)[d];
      int64_t out = (in[d] + s - 1) / s;
      int64_t total = std::max<int64_t>(
          (out - 1) * s + (kernel[d] - 1) * (*dilations)[d] + 1 - in[d], 0);
      // SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start.
      begin[d] = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end[d] = total - begin[d];
    }
  } else if (*autoPad != "VALID") {
    return n.unsupportedAttr("auto_pad", *autoPad,
                             "expected NOTSET, VALID, SAME_UPPER or "
                             "SAME_LOWER");
  }
  Window w;
  if (r == 1) {
    w.kernel = {1, kernel[0]};
    w.strides = {1, (*strides)[0]};
    w.dilations = {1, (*dilations)[0]};
    w.padding = {0, 0, begin[0], end[0]};
  } else {
    w.kernel.assign(kernel.begin(), kernel.end());
    w.strides = *strides;
    w.dilations = *dilations;
    w.padding = {begin[0], end[0], begin[1], end[1]};
  }
  return w;
}

/// Input `i` as a rank-4 NHWC value: rank-3 [N, C, L] becomes [N, 1, L, C].
static Value spatialInput(NodeImporter &n, unsigned i) {
  if (n.inputRank(i) == 4)
    return n.input(i, Layout::NHWC);
  Value x = n.input(i, Layout::ONNX);
  if (!x)
    return {};
  auto type = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> s = type.getShape();
  Value lifted = qnn::ReshapeOp::create(n.builder, n.loc,
                                        type.clone({s[0], s[1], 1, s[2]}), x);
  return qnn::TransposeOp::create(n.builder, n.loc,
                                  permutedType(cast<RankedTensorType>(
                                                   lifted.getType()),
                                               kToNHWC),
                                  lifted, kToNHWC);
}

/// The NHWC type of a spatial op's result with ONNX shape `nchw` (H = 1 for
/// 1-D ops), checked against ONNX's shape.
static RankedTensorType spatialResultType(NodeImporter &n,
                                          ArrayRef<int64_t> nchw,
                                          int64_t rank, Type elementType) {
  SmallVector<int64_t> expected(nchw);
  if (rank == 1)
    expected.erase(expected.begin() + 2);
  if (!n.outputType(0, expected))
    return {};
  return RankedTensorType::get(permuteShape(nchw, kToNHWC), elementType);
}

/// Defines output 0 from a rank-4 NHWC result; 1-D results go back to
/// [N, C, L].
static void setSpatialOutput(NodeImporter &n, Value nhwc, int64_t rank) {
  if (rank == 2) {
    n.setOutput(0, nhwc, Layout::NHWC);
    return;
  }
  auto type = cast<RankedTensorType>(nhwc.getType());
  Value t = qnn::TransposeOp::create(n.builder, n.loc,
                                     permutedType(type, kToNCHW), nhwc,
                                     kToNCHW);
  ArrayRef<int64_t> s = cast<RankedTensorType>(t.getType()).getShape();
  Value r = qnn::ReshapeOp::create(n.builder, n.loc,
                                   type.clone({s[0], s[1], s[3]}), t);
  n.setOutput(0, r, Layout::ONNX);
}

/// A weight [O, I, k...] (1 or 2 spatial dims) as OHWI (1-D: H = 1):
/// constants on the host, values with ops.
static Value ohwiWeight(NodeImporter &n, unsigned i) {
  if (const HostTensor *c = n.constantInput(i)) {
    HostTensor t = *c;
    if (t.shape.size() == 3)
      t = t.reshaped({t.shape[0], t.shape[1], 1, t.shape[2]});
    return n.materialize(t.transposed(kToNHWC), n.inputName(i));
  }
  return spatialInput(n, i);
}

static LogicalResult importConv(NodeImporter &n) {
  FailureOr<int64_t> rank = spatialRank(n, "convolutions");
  if (failed(rank))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0), w = n.inputShape(1);
  if (static_cast<int64_t>(w.size()) != *rank + 2)
    return n.emitError() << "weight '" << n.inputName(1) << "' has rank "
                         << w.size() << ", expected " << *rank + 2;
  ArrayRef<int64_t> kernel = w.drop_front(2);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<SmallVector<int64_t>> kernelShape =
      n.intsAttr("kernel_shape", kernel);
  if (failed(group) || failed(kernelShape))
    return failure();
  if (*group < 1 || in[1] != w[1] * *group || w[0] % *group != 0)
    return n.emitError() << "input channels " << in[1] << ", weight "
                         << formatShape(w) << " and group " << *group
                         << " do not match";
  if (ArrayRef<int64_t>(*kernelShape) != kernel)
    return n.unsupportedAttr("kernel_shape", formatList(*kernelShape),
                             "differs from the weight's " + formatList(kernel));
  FailureOr<Window> win = readWindow(n, in.drop_front(2), kernel);
  if (failed(win))
    return failure();
  int64_t inHW[] = {*rank == 1 ? 1 : in[2], in.back()};
  SmallVector<int64_t> nchw = {in[0], w[0]};
  for (int d = 0; d < 2; ++d)
    nchw.push_back(qnn::slidingWindowOutputSize(
        inHW[d], win->kernel[d], win->strides[d], win->padding[2 * d],
        win->padding[2 * d + 1], win->dilations[d]));
  Value x = spatialInput(n, 0);
  Value weight = ohwiWeight(n, 1);
  Value bias = n.hasInput(2) ? n.input(2, Layout::ONNX) : Value();
  if (!x || !weight || (n.hasInput(2) && !bias))
    return failure();
  RankedTensorType type = spatialResultType(
      n, nchw, *rank, cast<RankedTensorType>(x.getType()).getElementType());
  if (!type)
    return failure();
  auto conv = qnn::Conv2dOp::create(n.builder, n.loc, type, x, weight, bias,
                                    win->strides, win->padding,
                                    win->dilations, *group);
  setSpatialOutput(n, conv, *rank);
  return success();
}

/// ConvTranspose weights [C_in, C_out / group, k...] as qnn's
/// [C_out, kh, kw, C_in / group].
static Value convTransposeWeight(NodeImporter &n, int64_t groups) {
  ArrayRef<int64_t> w = n.inputShape(1);
  int64_t cin = w[0], og = w[1], cg = cin / groups;
  int64_t kh = w.size() == 4 ? w[2] : 1, kw = w.back();
  SmallVector<int64_t> grouped = {groups, cg, og, kh, kw};
  SmallVector<int64_t> perm = {0, 2, 3, 4, 1};
  SmallVector<int64_t> result = {groups * og, kh, kw, cg};
  if (const HostTensor *c = n.constantInput(1))
    return n.materialize(c->reshaped(grouped).transposed(perm).reshaped(result),
                         n.inputName(1));
  Value v = n.input(1, Layout::ONNX);
  if (!v)
    return {};
  auto type = cast<RankedTensorType>(v.getType());
  Value g = qnn::ReshapeOp::create(n.builder, n.loc, type.clone(grouped), v);
  Value t = qnn::TransposeOp::create(
      n.builder, n.loc, type.clone(permuteShape(grouped, perm)), g, perm);
  return qnn::ReshapeOp::create(n.builder, n.loc, type.clone(result), t);
}

static LogicalResult importConvTranspose(NodeImporter &n) {
  FailureOr<int64_t> rank = spatialRank(n, "transposed convolutions");
  if (failed(rank))
    return failure();
  size_t r = *rank;
  ArrayRef<int64_t> in = n.inputShape(0), w = n.inputShape(1);
  if (w.size() != r + 2)
    return n.emitError() << "weight '" << n.inputName(1) << "' has rank "
                         << w.size() << ", expected " << r + 2;
  ArrayRef<int64_t> kernel = w.drop_front(2);
  SmallVector<int64_t> ones(r, 1), zeros(r, 0);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<SmallVector<int64_t>> kernelShape =
      n.intsAttr("kernel_shape", kernel);
  FailureOr<SmallVector<int64_t>> strides = n.intsAttr("strides", ones);
  FailureOr<SmallVector<int64_t>> dilations = n.intsAttr("dilations", ones);
  FailureOr<SmallVector<int64_t>> outPad = n.intsAttr("output_padding", zeros);
  FailureOr<SmallVector<int64_t>> outShape = n.intsAttr("output_shape", {});
  FailureOr<SmallVector<int64_t>> pads =
      n.intsAttr("pads", SmallVector<int64_t>(2 * r, 0));
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(group) || failed(kernelShape) || failed(strides) ||
      failed(dilations) || failed(outPad) || failed(outShape) ||
      failed(pads) || failed(autoPad))
    return failure();
  if (*group < 1 || in[1] != w[0] || w[0] % *group != 0)
    return n.emitError() << "input channels " << in[1] << ", weight "
                         << formatShape(w) << " and group " << *group
                         << " do not match";
  if (ArrayRef<int64_t>(*kernelShape) != kernel)
    return n.unsupportedAttr("kernel_shape", formatList(*kernelShape),
                             "differs from the weight's " + formatList(kernel));
  for (auto [attrName, values] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"strides", *strides},
        {"dilations", *dilations},
        {"output_padding", *outPad}})
    if (values.size() != r)
      return n.unsupportedAttr(attrName, formatList(values),
                               "expected " + std::to_string(r) + " values");
  if (!outShape->empty() && outShape->size() != r)
    return n.unsupportedAttr("output_shape", formatList(*outShape),
                             "expected " + std::to_string(r) + " values");
  bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
  if (!same && *autoPad != "NOTSET" && *autoPad != "VALID")
    return n.unsupportedAttr("auto_pad", *autoPad,
                             "expected NOTSET, VALID, SAME_UPPER or "
                             "SAME_LOWER");
  // The output size below is computed in int64_t: values past 2^31 would
  // overflow it (output_padding = INT64_MAX was signed overflow, found by
  // fuzz-import-onnx; the check before libonnx's inference refuses them
  // first). Negative values have no meaning here.
  constexpr int64_t kMaxWindowValue = int64_t(1) << 31;
  for (auto [attrName, values] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"strides", *strides},
        {"dilations", *dilations},
        {"output_padding", *outPad},
        {"output_shape", *outShape}})
    if (llvm::any_of(values, [&](int64_t v) {
          return v < 0 || v >= kMaxWindowValue;
        }))
      return n.unsupportedAttr(attrName, formatList(values),
                               "values must be in [0, 2^31)");
  // Per spatial dim: crop at the begin and end, and extension at the end.
  SmallVector<int64_t> begin(r), end(r), extra(*outPad);
  for (size_t d = 0; d < r; ++d) {
    int64_t full = (*strides)[d] * (in[2 + d] - 1) + (*outPad)[d] +
                   ((kernel[d] - 1) * (*dilations)[d] + 1);
    if (!outShape->empty() || same) {
      int64_t target = !outShape->empty() ? (*outShape)[d]
                                          : in[2 + d] * (*strides)[d];
      int64_t total = full - target;
      if (total < 0) {
        extra[d] -= total;
        total = 0;
      }
      bool upper = *autoPad == "SAME_UPPER";
      begin[d] = upper ? total / 2 : total - total / 2;
      end[d] = total - begin[d];
    } else if (*autoPad == "NOTSET") {
      if (pads->size() != 2 * r)
        return n.unsupportedAttr("pads", formatList(*pads),
                                 "expected " + std::to_string(2 * r) +
                                     " values");
      begin[d] = (*pads)[d];
      end[d] = (*pads)[d + r];
    }
    if (begin[d] < 0 || end[d] < 0)
      return n.unsupportedAttr("pads", formatList(*pads), "must be >= 0");
  }
  auto lift = [&](ArrayRef<int64_t> v, int64_t fill) {
    return r == 1 ? SmallVector<int64_t>{fill, v[0]} : SmallVector<int64_t>(v);
  };
  SmallVector<int64_t> s2 = lift(*strides, 1), d2 = lift(*dilations, 1),
                       op2 = lift(extra, 0), b2 = lift(begin, 0),
                       e2 = lift(end, 0);
  SmallVector<int64_t> k2 = lift(kernel, 1);
  SmallVector<int64_t> padding = {b2[0], e2[0], b2[1], e2[1]};
  int64_t inHW[] = {r == 1 ? 1 : in[2], in.back()};
  int64_t cout = w[1] * *group;
  SmallVector<int64_t> nchw = {in[0], cout};
  for (int d = 0; d < 2; ++d)
    nchw.push_back((inHW[d] - 1) * s2[d] + d2[d] * (k2[d] - 1) + 1 -
                   padding[2 * d] - padding[2 * d + 1] + op2[d]);
  Value x = spatialInput(n, 0);
  Value weight = convTransposeWeight(n, *group);
  Value bias = n.hasInput(2) ? n.input(2, Layout::ONNX) : Value();
  if (!x || !weight || (n.hasInput(2) && !bias))
    return failure();
  RankedTensorType type = spatialResultType(
      n, nchw, r, cast<RankedTensorType>(x.getType()).getElementType());
  if (!type)
    return failure();
  auto conv = qnn::ConvTranspose2dOp::create(n.builder, n.loc, type, x, weight,
                                             bias, s2, padding, d2, op2,
                                             *group);
  setSpatialOutput(n, conv, r);
  return success();
}

template <typename PoolOp> static LogicalResult importPool(NodeImporter &n) {
  constexpr bool isMax = std::is_same_v<PoolOp, qnn::MaxPool2dOp>;
  FailureOr<int64_t> rank = spatialRank(n, "pooling");
  if (failed(rank))
    return failure();
  if (isMax && failed(n.checkNoOutputsFrom(1, "Indices")))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  FailureOr<SmallVector<int64_t>> kernel = n.intsAttr("kernel_shape", {});
  FailureOr<int64_t> ceilMode = n.intAttr("ceil_mode", 0);
  FailureOr<int64_t> storageOrder = n.intAttr("storage_order", 0);
  FailureOr<int64_t> countIncludePad = n.intAttr("count_include_pad", 0);
  if (failed(kernel) || failed(ceilMode) || failed(storageOrder) ||
      failed(countIncludePad))
    return failure();
  if (*storageOrder != 0)
    return n.unsupportedAttr("storage_order", std::to_string(*storageOrder),
                             "only 0 (row major) is supported");
  if (*ceilMode != 0 && *ceilMode != 1)
    return n.unsupportedAttr("ceil_mode", std::to_string(*ceilMode),
                             "expected 0 or 1");
  FailureOr<Window> w = readWindow(n, in.drop_front(2), *kernel);
  if (failed(w))
    return failure();
  if (!isMax && w->dilations != SmallVector<int64_t>{1, 1})
    return n.unsupportedAttr("dilations", formatList(w->dilations),
                             "qnn.avg_pool2d has no dilation");
  // ceil_mode: the output size ONNX infers, reached with extra end padding
  // that no window counts.
  int64_t inHW[] = {*rank == 1 ? 1 : in[2], in.back()};
  SmallVector<int64_t> extra(2, 0);
  if (*ceilMode) {
    RankedTensorType inferredType = n.outputType(0);
    if (!inferredType)
      return failure();
    ArrayRef<int64_t> inferred = inferredType.getShape();
    for (int d = 0; d < 2; ++d) {
      int64_t out = *rank == 1 && d == 0 ? 1 : inferred[2 + d - (*rank == 1)];
      int64_t span = w->dilations[d] * (w->kernel[d] - 1) + 1;
      extra[d] = std::max<int64_t>(0, (out - 1) * w->strides[d] + span -
                                          (inHW[d] + w->padding[2 * d] +
                                           w->padding[2 * d + 1]));
    }
  }
  Value x = spatialInput(n, 0);
  if (!x)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> padding(w->padding);
  // Average pooling that counts the explicit padding but not the ceil_mode
  // overhang: pad with zeros explicitly and count only "input" positions.
  bool explicitPad = !isMax && *countIncludePad && (extra[0] || extra[1]) &&
                     llvm::any_of(padding, [](int64_t p) { return p; });
  if (explicitPad) {
    SmallVector<int64_t> shape(xType.getShape());
    shape[1] += padding[0] + padding[1];
    shape[2] += padding[2] + padding[3];
    x = qnn::PadOp::create(
        n.builder, n.loc, xType.clone(shape), x,
        ArrayRef<int64_t>{0, 0, padding[0], padding[1], padding[2], padding[3],
                          0, 0},
        APFloat(0.0f), qnn::PadMode::Constant);
    inHW[0] = shape[1];
    inHW[1] = shape[2];
    padding.assign(4, 0);
  }
  padding[1] += extra[0];
  padding[3] += extra[1];
  for (int i = 0; i < 4; ++i)
    if (padding[i] >= w->kernel[i / 2] * w->dilations[i / 2])
      return n.emitError() << "padding " << formatList(padding)
                           << (*ceilMode ? " (with ceil_mode)" : "")
                           << " must be smaller than the kernel "
                           << formatList(w->kernel);
  SmallVector<int64_t> nchw = {in[0], in[1]};
  for (int d = 0; d < 2; ++d)
    nchw.push_back(qnn::slidingWindowOutputSize(
        inHW[d], w->kernel[d], w->strides[d], padding[2 * d],
        padding[2 * d + 1], w->dilations[d]));
  RankedTensorType type =
      spatialResultType(n, nchw, *rank, xType.getElementType());
  if (!type)
    return failure();
  Value pool;
  if constexpr (isMax)
    pool = qnn::MaxPool2dOp::create(n.builder, n.loc, type, x, w->kernel,
                                    w->strides, padding, w->dilations);
  else
    pool = qnn::AvgPool2dOp::create(
        n.builder, n.loc, type, x, w->kernel, w->strides, padding,
        *countIncludePad != 0 && !explicitPad && !extra[0] && !extra[1]);
  if (!isMax && *countIncludePad && (extra[0] || extra[1]))
    pool.getDefiningOp()->setAttr(qnn::kFullWindowCountAttr,
                                  n.builder.getUnitAttr());
  setSpatialOutput(n, pool, *rank);
  return success();
}

template <bool isMax> static LogicalResult importGlobalPool(NodeImporter &n) {
  FailureOr<int64_t> rank = spatialRank(n, "global pooling");
  if (failed(rank))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  Value x = spatialInput(n, 0);
  if (!x)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> nchw = {in[0], in[1], 1, 1};
  RankedTensorType type =
      spatialResultType(n, nchw, *rank, xType.getElementType());
  if (!type)
    return failure();
  Value pool;
  if (isMax) {
    int64_t kernel[] = {xType.getDimSize(1), xType.getDimSize(2)};
    int64_t ones[] = {1, 1}, zeros[] = {0, 0, 0, 0};
    pool = qnn::MaxPool2dOp::create(n.builder, n.loc, type, x, kernel, ones,
                                    zeros, ones);
  } else {
    pool = qnn::GlobalAvgPoolOp::create(n.builder, n.loc, type, x);
  }
  setSpatialOutput(n, pool, *rank);
  return success();
}

/// Inference form: one qnn.batch_norm, which qnn-fold-batchnorm folds later.
static LogicalResult importBatchNormalization(NodeImporter &n) {
  FailureOr<int64_t> training = n.intAttr("training_mode", 0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(training) || failed(epsilon))
    return failure();
  if (*training != 0)
    return importBatchNormTraining(n);
  if (failed(n.checkNoOutputsFrom(1, "running mean/variance")))
    return failure();
  // Channels are dim 1 in ONNX; qnn normalizes over the last dim, which is
  // where NHWC puts them (and where rank 2 already has them).
  int64_t rank = n.inputRank(0);
  if (rank < 2 || rank > 4)
    return n.emitError() << "only inputs of rank 2 to 4 are supported, "
                         << "input has rank " << rank;
  int64_t channels = n.inputShape(0)[1];
  Value x = rank == 2 ? n.input(0, Layout::ONNX) : spatialInput(n, 0);
  if (!x)
    return failure();
  SmallVector<Value, 4> params;
  for (unsigned i = 1; i <= 4; ++i) {
    if (n.inputShape(i) != ArrayRef<int64_t>{channels})
      return n.emitError() << "parameter '" << n.inputName(i) << "' has shape "
                           << formatShape(n.inputShape(i)) << ", expected "
                           << channels;
    params.push_back(n.input(i, Layout::ONNX));
    if (!params.back())
      return failure();
  }
  auto bn = qnn::BatchNormOp::create(n.builder, n.loc, x.getType(), x,
                                     params[0], params[1], params[2], params[3],
                                     APFloat(*epsilon));
  if (rank == 2)
    n.setOutput(0, bn, Layout::ONNX);
  else
    setSpatialOutput(n, bn, rank - 2);
  return success();
}

void qmlir::onnx_import::registerConvPoolHandlers(HandlerTable &table) {
  table["Conv"] = importConv;
  table["ConvTranspose"] = importConvTranspose;
  // Max pooling compares storage values: integers pass as they are.
  table["MaxPool"] = {importPool<qnn::MaxPool2dOp>, /*takesQuantized=*/true};
  table["AveragePool"] = importPool<qnn::AvgPool2dOp>;
  table["GlobalAveragePool"] = importGlobalPool<false>;
  table["GlobalMaxPool"] = {importGlobalPool<true>, /*takesQuantized=*/true};
  table["BatchNormalization"] = importBatchNormalization;
}
