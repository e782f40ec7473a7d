//===- ConvPoolOps.cpp - convolutions, pooling and batch norm -------------===//
//
// qnn's spatial ops are NHWC with OHWI weights. An NHWC graph maps directly;
// an NCHW node takes the NHWC form of its input (a qnn.transpose, created
// once per value) and defines its output in NHWC, so chains of NCHW layers
// stay in NHWC. Filters are transposed on the host when constant:
// HWIO -> OHWI for Conv2D, [H, W, C, M] -> [C*M, H, W, 1] for depthwise,
// [H, W, O, I] -> OHWI for Conv2DBackpropInput.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

namespace {
/// A 2-D window in qnn's conventions.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  /// [top, bottom, left, right].
  SmallVector<int64_t> padding;
};
} // namespace

/// The H and W entries of a 4-element TF list (strides, dilations, ksize)
/// given in data_format order; the N and C entries must be 1.
static FailureOr<SmallVector<int64_t>>
spatialPair(NodeImporter &n, StringRef attrName, bool nchw) {
  FailureOr<SmallVector<int64_t>> v = n.intsAttr(attrName, {1, 1, 1, 1});
  if (failed(v))
    return failure();
  if (v->size() != 4 || llvm::any_of(*v, [](int64_t x) { return x < 1; }))
    return n.unsupportedAttr(attrName, formatList(*v),
                             "expected 4 values >= 1");
  int64_t h = nchw ? 2 : 1, w = nchw ? 3 : 2, c = nchw ? 1 : 3;
  if ((*v)[0] != 1 || (*v)[c] != 1)
    return n.unsupportedAttr(attrName, formatList(*v),
                             "the batch and channel entries must be 1");
  return SmallVector<int64_t>{(*v)[h], (*v)[w]};
}

/// TF's SAME padding of one dimension: the output is ceil(in / stride) and
/// the odd pixel goes at the end.
static std::pair<int64_t, int64_t>
samePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>(
      (out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
  return {total / 2, total - total / 2};
}

/// Reads strides, dilations (when `withDilations`) and padding (SAME,
/// VALID, EXPLICIT) for a window of size `kernel` over `inHW`.
static FailureOr<Window> readWindow(NodeImporter &n, bool nchw,
                                    ArrayRef<int64_t> inHW,
                                    ArrayRef<int64_t> kernel,
                                    bool withDilations) {
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t>> strides = spatialPair(n, "strides", nchw);
  if (failed(strides))
    return failure();
  w.strides = *strides;
  w.dilations = {1, 1};
  if (withDilations) {
    FailureOr<SmallVector<int64_t>> d = spatialPair(n, "dilations", nchw);
    if (failed(d))
      return failure();
    w.dilations = *d;
  }
  FailureOr<std::string> padding = n.stringAttr("padding", "");
  if (failed(padding))
    return failure();
  if (*padding == "VALID") {
    w.padding = {0, 0, 0, 0};
  } else if (*padding == "SAME") {
    for (int d = 0; d < 2; ++d) {
      auto [lo, hi] =
          samePadding(inHW[d], kernel[d], w.strides[d], w.dilations[d]);
      w.padding.append({lo, hi});
    }
  } else if (*padding == "EXPLICIT") {
    FailureOr<SmallVector<int64_t>> explicitPads =
        n.intsAttr("explicit_paddings", {});
    if (failed(explicitPads))
      return failure();
    const SmallVector<int64_t> &p = *explicitPads;
    int64_t h = nchw ? 2 : 1, wd = nchw ? 3 : 2, c = nchw ? 1 : 3;
    if (p.size() != 8 || llvm::any_of(p, [](int64_t x) { return x < 0; }) ||
        p[0] || p[1] || p[2 * c] || p[2 * c + 1])
      return n.unsupportedAttr("explicit_paddings", formatList(p),
                               "expected 8 values >= 0, zero for the batch "
                               "and channel dimensions");
    w.padding = {p[2 * h], p[2 * h + 1], p[2 * wd], p[2 * wd + 1]};
  } else {
    return n.unsupportedAttr("padding", *padding,
                             "expected SAME, VALID or EXPLICIT");
  }
  return w;
}

/// The layout an op with this data_format reads its input in and defines
/// its output in, and the input's NHWC shape.
static Layout spatialLayout(bool nchw) {
  return nchw ? Layout::NHWC : Layout::TF;
}

static LogicalResult requireRank4(NodeImporter &n, unsigned i, StringRef what) {
  int64_t rank = n.inputType(i).getRank();
  if (rank != 4)
    return n.emitError() << what << " '" << n.inputName(i)
                         << "' must have rank 4, got " << rank;
  return success();
}

/// The NHWC shape of input `i` under `nchw`.
static SmallVector<int64_t> nhwcShape(NodeImporter &n, unsigned i, bool nchw) {
  ArrayRef<int64_t> s = n.inputType(i).getShape();
  return nchw ? permuteShape(s, kToNHWC) : SmallVector<int64_t>(s);
}

/// The output type (in the op's layout) for an NHWC result shape, checked
/// against TF's record in TF layout.
static RankedTensorType spatialResult(NodeImporter &n, bool nchw,
                                      ArrayRef<int64_t> nhwc) {
  if (!nchw)
    return n.outputType(0, nhwc);
  return n.outputType(0, permuteShape(nhwc, kToNCHW), Layout::NHWC);
}

/// The filter of input 1 as a qnn weight: `perm` then `shape` on the host
/// for constants, as qnn.transpose/qnn.reshape ops otherwise.
static Value filterWeight(NodeImporter &n, ArrayRef<int64_t> perm,
                          ArrayRef<int64_t> shape) {
  if (const HostTensor *c = n.constantInput(1)) {
    if (!c->isFloat()) {
      n.emitError() << "filter '" << n.inputName(1) << "' must be float32";
      return {};
    }
    return n.materialize(c->transposed(perm).reshaped(shape), 1);
  }
  Value f = n.input(1, Layout::TF);
  if (!f)
    return {};
  auto fType = cast<RankedTensorType>(f.getType());
  auto tType = RankedTensorType::get(permuteShape(fType.getShape(), perm),
                                     fType.getElementType());
  Value t = qnn::TransposeOp::create(n.builder, n.loc, tType, f, perm);
  if (tType.getShape() == shape)
    return t;
  return qnn::ReshapeOp::create(n.builder, n.loc, tType.clone(shape), t);
}

static LogicalResult importConv2D(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(n.requireFloatType("T")) ||
      failed(requireRank4(n, 0, "input")) ||
      failed(requireRank4(n, 1, "filter")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  if (failed(nchw))
    return failure();
  SmallVector<int64_t> in = nhwcShape(n, 0, *nchw);
  ArrayRef<int64_t> f = n.inputType(1).getShape(); // HWIO
  int64_t cin = in[3], fin = f[2], cout = f[3];
  if (fin < 1 || cin < fin || cin % fin != 0 || cout % (cin / fin) != 0)
    return n.emitError() << "input channels " << cin << " and filter "
                         << formatShape(f) << " do not match";
  int64_t groups = cin / fin;
  FailureOr<Window> w =
      readWindow(n, *nchw, {in[1], in[2]}, {f[0], f[1]}, true);
  if (failed(w))
    return failure();
  SmallVector<int64_t> out = {in[0]};
  for (int d = 0; d < 2; ++d)
    out.push_back(qnn::slidingWindowOutputSize(
        in[1 + d], w->kernel[d], w->strides[d], w->padding[2 * d],
        w->padding[2 * d + 1], w->dilations[d]));
  out.push_back(cout);
  RankedTensorType type = spatialResult(n, *nchw, out);
  Value x = n.input(0, spatialLayout(*nchw));
  Value weight = filterWeight(n, {3, 0, 1, 2}, {cout, f[0], f[1], fin});
  if (!type || !x || !weight)
    return failure();
  auto conv =
      qnn::Conv2dOp::create(n.builder, n.loc, type, x, weight, Value(),
                            w->strides, w->padding, w->dilations, groups);
  n.setOutput(0, conv, spatialLayout(*nchw));
  return success();
}

static LogicalResult importDepthwiseConv2D(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(n.requireFloatType("T")) ||
      failed(requireRank4(n, 0, "input")) ||
      failed(requireRank4(n, 1, "filter")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  if (failed(nchw))
    return failure();
  SmallVector<int64_t> in = nhwcShape(n, 0, *nchw);
  ArrayRef<int64_t> f = n.inputType(1).getShape(); // [H, W, C, M]
  int64_t c = in[3], m = f[3];
  if (f[2] != c)
    return n.emitError() << "input channels " << c << " and depthwise filter "
                         << formatShape(f) << " do not match";
  FailureOr<Window> w =
      readWindow(n, *nchw, {in[1], in[2]}, {f[0], f[1]}, true);
  if (failed(w))
    return failure();
  SmallVector<int64_t> out = {in[0]};
  for (int d = 0; d < 2; ++d)
    out.push_back(qnn::slidingWindowOutputSize(
        in[1 + d], w->kernel[d], w->strides[d], w->padding[2 * d],
        w->padding[2 * d + 1], w->dilations[d]));
  out.push_back(c * m);
  RankedTensorType type = spatialResult(n, *nchw, out);
  Value x = n.input(0, spatialLayout(*nchw));
  // Output channel c * M + m is filter[:, :, c, m]: [C, M, H, W] flattened.
  Value weight = filterWeight(n, {2, 3, 0, 1}, {c * m, f[0], f[1], 1});
  if (!type || !x || !weight)
    return failure();
  auto conv = qnn::Conv2dOp::create(n.builder, n.loc, type, x, weight, Value(),
                                    w->strides, w->padding, w->dilations, c);
  n.setOutput(0, conv, spatialLayout(*nchw));
  return success();
}

/// The gradient of Conv2D with respect to its input: input_sizes (constant),
/// filter [H, W, O, I] of the forward conv, out_backprop.
static LogicalResult importConv2DBackpropInput(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)) || failed(n.requireFloatType("T")) ||
      failed(requireRank4(n, 1, "filter")) ||
      failed(requireRank4(n, 2, "out_backprop")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  FailureOr<SmallVector<int64_t>> sizes = n.constantInts(0, "input_sizes");
  if (failed(nchw) || failed(sizes))
    return failure();
  if (sizes->size() != 4)
    return n.emitError() << "input_sizes must have 4 values, got "
                         << formatList(*sizes);
  SmallVector<int64_t> outShape =
      *nchw ? permuteShape(*sizes, kToNHWC) : *sizes;
  SmallVector<int64_t> in = nhwcShape(n, 2, *nchw);
  ArrayRef<int64_t> f = n.inputType(1).getShape();
  if (f[3] != in[3] || f[2] != outShape[3] || outShape[0] != in[0])
    return n.emitError() << "input_sizes " << formatList(*sizes) << ", filter "
                         << formatShape(f) << " and out_backprop "
                         << formatShape(n.inputType(2).getShape())
                         << " do not match";
  // The forward convolution's window over the output.
  FailureOr<Window> w =
      readWindow(n, *nchw, {outShape[1], outShape[2]}, {f[0], f[1]}, true);
  if (failed(w))
    return failure();
  if (w->dilations != SmallVector<int64_t>{1, 1})
    return n.unsupportedAttr("dilations", formatList(w->dilations),
                             "only 1 is supported");
  SmallVector<int64_t> padding, outputPadding;
  for (int d = 0; d < 2; ++d) {
    int64_t fwd = qnn::slidingWindowOutputSize(outShape[1 + d], f[d],
                                               w->strides[d], w->padding[2 * d],
                                               w->padding[2 * d + 1], 1);
    if (fwd != in[1 + d])
      return n.emitError() << "out_backprop has " << in[1 + d]
                           << " positions in dimension " << d + 1
                           << " but a convolution over input_sizes gives "
                           << fwd;
    // Crop the top padding; what remains beyond the requested size at the
    // end is cropped too, or, when the forward conv never read the last
    // rows, appended as output padding.
    int64_t top = w->padding[2 * d];
    int64_t full = (in[1 + d] - 1) * w->strides[d] + f[d];
    int64_t bottom = full - top - outShape[1 + d];
    padding.append({top, std::max<int64_t>(bottom, 0)});
    outputPadding.push_back(std::max<int64_t>(-bottom, 0));
  }
  RankedTensorType type = spatialResult(n, *nchw, outShape);
  Value x = n.input(2, spatialLayout(*nchw));
  Value weight = filterWeight(n, {2, 0, 1, 3}, {f[2], f[0], f[1], f[3]});
  if (!type || !x || !weight)
    return failure();
  auto conv = qnn::ConvTranspose2dOp::create(
      n.builder, n.loc, type, x, weight, Value(), w->strides, padding,
      w->dilations, outputPadding, /*groups=*/1);
  n.setOutput(0, conv, spatialLayout(*nchw));
  return success();
}

template <typename PoolOp> static LogicalResult importPool(NodeImporter &n) {
  constexpr bool isMax = std::is_same_v<PoolOp, qnn::MaxPool2dOp>;
  if (failed(n.checkInputCount(1, 1)) || failed(n.requireFloatType("T")) ||
      failed(requireRank4(n, 0, "input")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  if (failed(nchw))
    return failure();
  FailureOr<SmallVector<int64_t>> kernel = spatialPair(n, "ksize", *nchw);
  if (failed(kernel))
    return failure();
  SmallVector<int64_t> in = nhwcShape(n, 0, *nchw);
  FailureOr<Window> w = readWindow(n, *nchw, {in[1], in[2]}, *kernel, false);
  if (failed(w))
    return failure();
  SmallVector<int64_t> out = {in[0]};
  for (int d = 0; d < 2; ++d)
    out.push_back(qnn::slidingWindowOutputSize(in[1 + d], w->kernel[d],
                                               w->strides[d], w->padding[2 * d],
                                               w->padding[2 * d + 1], 1));
  out.push_back(in[3]);
  RankedTensorType type = spatialResult(n, *nchw, out);
  Value x = n.input(0, spatialLayout(*nchw));
  if (!type || !x)
    return failure();
  Value pool;
  if constexpr (isMax)
    pool = qnn::MaxPool2dOp::create(n.builder, n.loc, type, x, w->kernel,
                                    w->strides, w->padding, w->dilations);
  else
    // TF averages over the window positions inside the input only.
    pool = qnn::AvgPool2dOp::create(n.builder, n.loc, type, x, w->kernel,
                                    w->strides, w->padding,
                                    /*count_include_pad=*/false);
  n.setOutput(0, pool, spatialLayout(*nchw));
  return success();
}

/// FusedBatchNorm, V2 and V3 in inference mode: y = scale * (x - mean) /
/// sqrt(variance + epsilon) + offset over the channels.
static LogicalResult importFusedBatchNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(5, 5)) || failed(n.requireFloatType("T")) ||
      failed(requireRank4(n, 0, "input")) ||
      failed(n.checkNoOutputsReadFrom(1, "batch statistics")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  FailureOr<bool> training = n.boolAttr("is_training", true);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-4f);
  if (failed(nchw) || failed(training) || failed(epsilon))
    return failure();
  if (*training)
    return n.unsupportedAttr("is_training", "true",
                             "only inference is supported");
  SmallVector<int64_t> in = nhwcShape(n, 0, *nchw);
  SmallVector<Value, 4> params;
  for (unsigned i = 1; i <= 4; ++i) {
    static const char *names[] = {"", "scale", "offset", "mean", "variance"};
    const HostTensor *c = n.requireConstant(i, names[i]);
    if (!c)
      return failure();
    if (!c->isFloat() || c->shape != SmallVector<int64_t>{in[3]})
      return n.emitError() << names[i] << " '" << n.inputName(i)
                           << "' must be float32 of shape " << in[3] << ", got "
                           << formatShape(c->shape);
    params.push_back(n.materialize(*c, i));
    if (!params.back())
      return failure();
  }
  RankedTensorType type = spatialResult(n, *nchw, in);
  Value x = n.input(0, spatialLayout(*nchw));
  if (!type || !x)
    return failure();
  auto bn =
      qnn::BatchNormOp::create(n.builder, n.loc, type, x, params[0], params[1],
                               params[2], params[3], APFloat(*epsilon));
  n.setOutput(0, bn, spatialLayout(*nchw));
  return success();
}

void qmlir::tf_import::registerConvPoolHandlers(HandlerTable &table) {
  table["Conv2D"] = importConv2D;
  table["DepthwiseConv2dNative"] = importDepthwiseConv2D;
  table["Conv2DBackpropInput"] = importConv2DBackpropInput;
  table["MaxPool"] = importPool<qnn::MaxPool2dOp>;
  table["AvgPool"] = importPool<qnn::AvgPool2dOp>;
  table["FusedBatchNorm"] = importFusedBatchNorm;
  table["FusedBatchNormV2"] = importFusedBatchNorm;
  table["FusedBatchNormV3"] = importFusedBatchNorm;
}
