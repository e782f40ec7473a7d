//===- NormalizationOps.cpp - softmax, reductions, normalizations ---------===//
//
// Softmax, LogSoftmax and the Reduce ops map to one qnn op each, along axes
// mapped to NHWC when the input is NHWC. InstanceNormalization,
// LayerNormalization, MeanVarianceNormalization and LRN are built from qnn
// reductions and elementwise ops (qnn has no normalization op of its own
// besides batch_norm): mean, centered second moment, rsqrt, scale, shift.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// A rank-0 float constant.
static Value scalar(NodeImporter &n, float v, StringRef what) {
  return n.materialize(HostTensor::fromFloats({}, {v}), what);
}

/// `x` reduced with `kind` over `axes` (sorted, in x's dims), dims kept.
static Value reduceKeep(NodeImporter &n, qnn::ReduceKind kind, Value x,
                        ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(tensorType(x).getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  return qnn::ReduceOp::create(n.builder, n.loc, tensorType(x).clone(shape),
                               kind, x, axes, /*keep_dims=*/true);
}

template <typename OpTy>
static Value binary(NodeImporter &n, Value a, Value b) {
  SmallVector<int64_t> shape;
  OpTrait::util::getBroadcastedShape(tensorType(a).getShape(),
                                     tensorType(b).getShape(), shape);
  return OpTy::create(n.builder, n.loc, tensorType(a).clone(shape), a, b);
}

namespace {
/// The pieces of a normalization over some axes (dims kept).
struct Normalized {
  Value y, mean, var, invStdDev;
};
} // namespace

/// (x - mean) / sqrt(var + eps) over `axes` of `x` (biased variance).
static std::optional<Normalized> normalize(NodeImporter &n, Value x,
                                           ArrayRef<int64_t> axes,
                                           float epsilon) {
  Normalized r;
  r.mean = reduceKeep(n, qnn::ReduceKind::Mean, x, axes);
  Value centered = binary<qnn::SubOp>(n, x, r.mean);
  r.var = reduceKeep(n, qnn::ReduceKind::Mean,
                     binary<qnn::MulOp>(n, centered, centered), axes);
  Value eps = scalar(n, epsilon, "epsilon");
  if (!eps)
    return std::nullopt;
  Value denom = binary<qnn::AddOp>(n, r.var, eps);
  r.invStdDev = qnn::UnaryOp::create(n.builder, n.loc, denom.getType(),
                                     qnn::UnaryKind::Rsqrt, denom, FloatAttr(),
                                     FloatAttr());
  r.y = binary<qnn::MulOp>(n, centered, r.invStdDev);
  return r;
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

/// Opset 13 semantics (older models are converted): along one axis.
template <typename OpTy> static LogicalResult importSoftmax(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> attrAxis = n.intAttr("axis", -1);
  if (failed(attrAxis))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*attrAxis, rank, "axis");
  if (failed(axis))
    return failure();
  Layout layout = n.inputLayout(0) == Layout::NHWC && rank == 4
                      ? Layout::NHWC
                      : Layout::ONNX;
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  int64_t mapped = layout == Layout::NHWC ? nhwcPosition(*axis) : *axis;
  auto op = OpTy::create(n.builder, n.loc, x.getType(), x,
                         n.builder.getI64IntegerAttr(mapped));
  n.setOutput(0, op, layout);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <qnn::ReduceKind kind>
static LogicalResult importReduce(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  FailureOr<int64_t> keepDims = n.intAttr("keepdims", 1);
  FailureOr<int64_t> noop = n.intAttr("noop_with_empty_axes", 0);
  if (failed(keepDims) || failed(noop))
    return failure();
  SmallVector<int64_t> axes;
  if (n.hasInput(1)) {
    const HostTensor *c = n.requireConstant(1, "axes");
    if (!c)
      return failure();
    if (c->isFloat())
      return n.emitError() << "axes must be integers";
    axes.assign(c->ints.begin(), c->ints.end());
  } else {
    FailureOr<SmallVector<int64_t>> a = n.intsAttr("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (axes.empty() && *noop) {
    n.forwardInput(0, 0);
    return success();
  }
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = n.normalizeAxis(a, rank, "axis");
    if (failed(axis))
      return failure();
    reduced[*axis] = true;
  }
  SmallVector<int64_t> onnxAxes, shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[d])
      onnxAxes.push_back(d);
    if (!reduced[d])
      shape.push_back(in[d]);
    else if (*keepDims)
      shape.push_back(1);
  }
  // NHWC works when the kept dims come out in ONNX order: always with
  // keepdims, else when C goes or H and W both go.
  Layout layout = n.inputLayout(0) == Layout::NHWC && rank == 4
                      ? Layout::NHWC
                      : Layout::ONNX;
  if (layout == Layout::NHWC && !*keepDims && !reduced[1] &&
      !(reduced[2] && reduced[3]))
    layout = Layout::ONNX;
  SmallVector<int64_t> qAxes;
  for (int64_t a : onnxAxes)
    qAxes.push_back(layout == Layout::NHWC ? nhwcPosition(a) : a);
  llvm::sort(qAxes);
  Value x = n.input(0, layout);
  if (!x || !n.outputType(0, shape))
    return failure();
  SmallVector<int64_t> qShape(tensorType(x).getShape());
  for (int64_t a : llvm::reverse(qAxes)) {
    if (*keepDims)
      qShape[a] = 1;
    else
      qShape.erase(qShape.begin() + a);
  }
  // A mean over H and W of an NHWC tensor is a global average pooling
  // (PyTorch's `x.mean([2, 3])`, Keras' GlobalAveragePooling2D), which has
  // integer semantics; qnn.reduce stays float under qnn-quantize.
  if (kind == qnn::ReduceKind::Mean && layout == Layout::NHWC &&
      ArrayRef<int64_t>(qAxes) == ArrayRef<int64_t>{1, 2}) {
    ArrayRef<int64_t> xs = tensorType(x).getShape();
    Value pool = qnn::GlobalAvgPoolOp::create(
        n.builder, n.loc, tensorType(x).clone({xs[0], 1, 1, xs[3]}), x);
    if (!*keepDims)
      pool = qnn::ReshapeOp::create(n.builder, n.loc,
                                    tensorType(x).clone(qShape), pool);
    n.setOutput(0, pool, *keepDims ? layout : Layout::ONNX);
    return success();
  }
  auto op = qnn::ReduceOp::create(n.builder, n.loc, tensorType(x).clone(qShape),
                                  kind, x, qAxes, *keepDims != 0);
  n.setOutput(0, op, *keepDims ? layout : Layout::ONNX);
  return success();
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

/// A per-channel parameter (shape [C], C the dim 1 of input 0) shaped to
/// broadcast against a value of rank `rank` in `layout` with channels at dim
/// 1 (ONNX) or last (NHWC). Null after an error for another shape, which
/// libonnx's InstanceNormalization inference does not check (a [3] bias for
/// 2 channels broadcast to a result of the wrong rank, found by
/// fuzz-import-onnx).
static Value channelParam(NodeImporter &n, unsigned i, int64_t rank,
                          Layout layout) {
  int64_t c = n.inputShape(0)[1];
  if (n.inputShape(i) != ArrayRef<int64_t>{c}) {
    n.emitError() << "input '" << n.inputName(i) << "' must have shape ["
                  << c << "] (one value per channel), got "
                  << formatShape(n.inputShape(i));
    return {};
  }
  SmallVector<int64_t> shape(rank - 1, 1);
  if (layout == Layout::NHWC) {
    shape = {c};
  } else {
    shape[0] = c;
  }
  if (const HostTensor *t = n.constantInput(i))
    return n.materialize(t->reshaped(shape), n.inputName(i));
  Value v = n.input(i, Layout::ONNX);
  if (!v || tensorType(v).getShape() == ArrayRef<int64_t>(shape))
    return v;
  return qnn::ReshapeOp::create(n.builder, n.loc, tensorType(v).clone(shape),
                                v);
}

static LogicalResult importInstanceNormalization(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  if (rank < 3)
    return n.emitError() << "input must have rank >= 3, got " << rank;
  Layout layout = rank == 4 ? Layout::NHWC : Layout::ONNX;
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(layout == Layout::NHWC ? nhwcPosition(d) : d);
  llvm::sort(axes);
  Value x = n.input(0, layout);
  Value scale = channelParam(n, 1, rank, layout);
  Value bias = channelParam(n, 2, rank, layout);
  if (!x || !scale || !bias)
    return failure();
  std::optional<Normalized> norm = normalize(n, x, axes, *epsilon);
  if (!norm)
    return failure();
  Value y = binary<qnn::AddOp>(n, binary<qnn::MulOp>(n, norm->y, scale), bias);
  n.setOutput(0, y, layout);
  return success();
}

static LogicalResult importLayerNormalization(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> attrAxis = n.intAttr("axis", -1);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stashType = n.intAttr("stash_type", 1);
  if (failed(attrAxis) || failed(epsilon) || failed(stashType))
    return failure();
  if (*stashType != 1)
    return n.unsupportedAttr("stash_type", std::to_string(*stashType),
                             "only 1 (float32) is supported");
  FailureOr<int64_t> axis = n.normalizeAxis(*attrAxis, rank, "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  Value x = n.input(0, Layout::ONNX);
  if (!x)
    return failure();
  std::optional<Normalized> norm = normalize(n, x, axes, *epsilon);
  if (!norm)
    return failure();
  Value y = norm->y;
  for (unsigned i = 1; i <= 2; ++i) {
    if (!n.hasInput(i))
      continue;
    Value p = n.input(i, Layout::ONNX);
    if (!p)
      return failure();
    y = i == 1 ? binary<qnn::MulOp>(n, y, p) : binary<qnn::AddOp>(n, y, p);
  }
  if (!n.outputType(0, tensorType(y).getShape()))
    return failure();
  n.setOutput(0, y, Layout::ONNX);
  // The statistics outputs: the mean and 1 / sqrt(var + eps), dims kept.
  if (n.hasOutput(1))
    n.setOutput(1, norm->mean, Layout::ONNX);
  if (n.hasOutput(2))
    n.setOutput(2, norm->invStdDev, Layout::ONNX);
  return success();
}

/// BatchNormalization with training_mode = 1: normalized with the batch's
/// own mean and (biased) variance; the optional outputs are the running
/// statistics input * momentum + batch * (1 - momentum).
LogicalResult qmlir::onnx_import::importBatchNormTraining(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  FailureOr<float> momentum = n.floatAttr("momentum", 0.9f);
  if (failed(epsilon) || failed(momentum))
    return failure();
  if (rank < 2)
    return n.emitError() << "input must have rank >= 2, got " << rank;
  SmallVector<int64_t> axes = {0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  Value x = n.input(0, Layout::ONNX);
  Value scale = channelParam(n, 1, rank, Layout::ONNX);
  Value bias = channelParam(n, 2, rank, Layout::ONNX);
  if (!x || !scale || !bias)
    return failure();
  std::optional<Normalized> norm = normalize(n, x, axes, *epsilon);
  if (!norm)
    return failure();
  n.setOutput(0, binary<qnn::AddOp>(n, binary<qnn::MulOp>(n, norm->y, scale),
                                    bias),
              Layout::ONNX);
  int64_t c = n.inputShape(0)[1];
  for (unsigned out = 1; out <= 2; ++out) {
    if (!n.hasOutput(out))
      continue;
    Value running = n.input(2 + out, Layout::ONNX);
    Value m = scalar(n, *momentum, "momentum"),
          rest = scalar(n, 1.0f - *momentum, "momentum");
    if (!running || !m || !rest)
      return failure();
    Value batch = out == 1 ? norm->mean : norm->var;
    batch = qnn::ReshapeOp::create(n.builder, n.loc,
                                   tensorType(batch).clone({c}), batch);
    n.setOutput(out,
                binary<qnn::AddOp>(n, binary<qnn::MulOp>(n, running, m),
                                   binary<qnn::MulOp>(n, batch, rest)),
                Layout::ONNX);
  }
  return success();
}

/// (x - mean) / sqrt(var + 1e-9) over `axes` (default N, H, W), ONNX's
/// function body.
static LogicalResult importMeanVarianceNormalization(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<SmallVector<int64_t>> attrAxes = n.intsAttr("axes", {0, 2, 3});
  if (failed(attrAxes))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t a : *attrAxes) {
    FailureOr<int64_t> axis = n.normalizeAxis(a, rank, "axis");
    if (failed(axis))
      return failure();
    axes.push_back(*axis);
  }
  llvm::sort(axes);
  Value x = n.input(0, Layout::ONNX);
  if (!x)
    return failure();
  std::optional<Normalized> norm = normalize(n, x, axes, 1e-9f);
  if (!norm)
    return failure();
  n.setOutput(0, norm->y, Layout::ONNX);
  return success();
}

/// x / (bias + alpha / size * sum of x^2 over a window of `size` channels)
/// ^ beta. The channel window sum is an average pool (with the padded zeros
/// counted) over a [N, H*W, C, 1] view of NHWC x^2.
static LogicalResult importLRN(NodeImporter &n) {
  if (n.inputRank(0) != 4)
    return n.emitError() << "only rank-4 (NCHW) inputs are supported";
  FailureOr<float> alpha = n.floatAttr("alpha", 1e-4f);
  FailureOr<float> beta = n.floatAttr("beta", 0.75f);
  FailureOr<float> bias = n.floatAttr("bias", 1.0f);
  FailureOr<int64_t> size = n.intAttr("size", 0);
  if (failed(alpha) || failed(beta) || failed(bias) || failed(size))
    return failure();
  if (*size < 1)
    return n.unsupportedAttr("size", std::to_string(*size), "must be >= 1");
  Value x = n.input(0, Layout::NHWC);
  if (!x)
    return failure();
  auto type = tensorType(x);
  int64_t b = type.getDimSize(0), h = type.getDimSize(1),
          w = type.getDimSize(2), c = type.getDimSize(3);
  Value sq = binary<qnn::MulOp>(n, x, x);
  auto viewType = type.clone({b, h * w, c, 1});
  Value view = qnn::ReshapeOp::create(n.builder, n.loc, viewType, sq);
  int64_t lo = (*size - 1) / 2, hi = *size - 1 - lo;
  int64_t kernel[] = {1, *size}, strides[] = {1, 1},
          padding[] = {0, 0, lo, hi};
  Value avg = qnn::AvgPool2dOp::create(n.builder, n.loc, viewType, view,
                                       kernel, strides, padding,
                                       /*count_include_pad=*/true);
  avg = qnn::ReshapeOp::create(n.builder, n.loc, type, avg);
  Value a = scalar(n, *alpha, "alpha"), k = scalar(n, *bias, "bias"),
        p = scalar(n, *beta, "beta");
  if (!a || !k || !p)
    return failure();
  Value denom = binary<qnn::PowOp>(
      n, binary<qnn::AddOp>(n, binary<qnn::MulOp>(n, avg, a), k), p);
  n.setOutput(0, binary<qnn::DivOp>(n, x, denom), Layout::NHWC);
  return success();
}

void qmlir::onnx_import::registerNormalizationHandlers(HandlerTable &table) {
  using K = qnn::ReduceKind;
  table["Softmax"] = importSoftmax<qnn::SoftmaxOp>;
  table["LogSoftmax"] = importSoftmax<qnn::LogSoftmaxOp>;
  table["ReduceSum"] = importReduce<K::Sum>;
  table["ReduceMean"] = importReduce<K::Mean>;
  table["ReduceMax"] = importReduce<K::Max>;
  table["ReduceMin"] = importReduce<K::Min>;
  table["ReduceProd"] = importReduce<K::Prod>;
  table["ReduceSumSquare"] = importReduce<K::SumSquare>;
  table["ReduceL1"] = importReduce<K::L1>;
  table["ReduceL2"] = importReduce<K::L2>;
  table["ReduceLogSum"] = importReduce<K::LogSum>;
  table["ReduceLogSumExp"] = importReduce<K::LogSumExp>;
  table["InstanceNormalization"] = importInstanceNormalization;
  table["LayerNormalization"] = importLayerNormalization;
  table["MeanVarianceNormalization"] = importMeanVarianceNormalization;
  table["LRN"] = importLRN;
}
