//===- ConvPoolOps.cpp - Conv, pooling and BatchNormalization -------------===//
//
// The spatial ops: they take and produce NHWC values (the importer inserts
// qnn.transpose for ONNX-layout inputs and transposes constant weights to
// OHWI on the host). Window attributes are read once, into qnn's padding
// order [top, bottom, left, right]; ONNX's pads are [top, left, bottom,
// right].
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

/// Reads strides, dilations, auto_pad and pads for a window of size `kernel`
/// over the H and W dims of the NCHW input `in`.
static FailureOr<Window> readWindow(NodeImporter &n, RankedTensorType in,
                                    ArrayRef<int64_t> kernel) {
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t>> strides = n.intsAttr("strides", {1, 1});
  FailureOr<SmallVector<int64_t>> dilations = n.intsAttr("dilations", {1, 1});
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  FailureOr<SmallVector<int64_t>> pads = n.intsAttr("pads", {0, 0, 0, 0});
  if (failed(strides) || failed(dilations) || failed(autoPad) || failed(pads))
    return failure();
  for (auto [attrName, values] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"kernel_shape", kernel},
        {"strides", *strides},
        {"dilations", *dilations}})
    if (values.size() != 2 ||
        llvm::any_of(values, [](int64_t v) { return v < 1; }))
      return n.unsupportedAttr(attrName, formatList(values),
                               "expected 2 values >= 1");
  w.strides = *strides;
  w.dilations = *dilations;

  int64_t inHW[] = {in.getDimSize(2), in.getDimSize(3)};
  // ONNX order: [top, left, bottom, right].
  SmallVector<int64_t> onnxPads(4, 0);
  if (*autoPad == "NOTSET") {
    if (pads->size() != 4 ||
        llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return n.unsupportedAttr("pads", formatList(*pads),
                               "expected 4 values >= 0");
    onnxPads = *pads;
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      int64_t out = (inHW[d] + w.strides[d] - 1) / w.strides[d];
      int64_t total =
          std::max<int64_t>((out - 1) * w.strides[d] +
                                (kernel[d] - 1) * w.dilations[d] + 1 - inHW[d],
                            0);
      // SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start.
      int64_t lo = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      onnxPads[d] = lo;
      onnxPads[d + 2] = total - lo;
    }
  } else if (*autoPad != "VALID") {
    return n.unsupportedAttr("auto_pad", *autoPad,
                             "expected NOTSET, VALID, SAME_UPPER or "
                             "SAME_LOWER");
  }
  w.padding = {onnxPads[0], onnxPads[2], onnxPads[1], onnxPads[3]};
  return w;
}

/// ceil_mode = 1 as extra end padding: the smallest amount that makes the
/// floor-based output size (qnn's) equal the ceil-based one. Returns whether
/// any padding was added.
static bool applyCeilMode(Window &w, RankedTensorType in) {
  bool added = false;
  for (int d = 0; d < 2; ++d) {
    int64_t span = in.getDimSize(2 + d) + w.padding[2 * d] +
                   w.padding[2 * d + 1] - w.dilations[d] * (w.kernel[d] - 1) -
                   1;
    if (span < 0 || span % w.strides[d] == 0)
      continue;
    int64_t extra = w.strides[d] - span % w.strides[d];
    w.padding[2 * d + 1] += extra;
    added = true;
  }
  return added;
}

/// The NHWC result type of a window op with `channels` output channels,
/// computed with qnn's size rule and checked against ONNX's.
static RankedTensorType windowResultType(NodeImporter &n, RankedTensorType in,
                                         int64_t channels, const Window &w) {
  SmallVector<int64_t> shape = {in.getDimSize(0), channels};
  for (int d = 0; d < 2; ++d)
    shape.push_back(qnn::slidingWindowOutputSize(
        in.getDimSize(2 + d), w.kernel[d], w.strides[d], w.padding[2 * d],
        w.padding[2 * d + 1], w.dilations[d]));
  return n.outputType(0, shape, Layout::NHWC);
}

static LogicalResult requireRank4(NodeImporter &n, StringRef what) {
  int64_t rank = n.inputType(0).getRank();
  if (rank != 4)
    return n.emitError() << "only " << what << " on rank-4 (NCHW) inputs is "
                         << "supported, input has rank " << rank;
  return success();
}

static LogicalResult importConv(NodeImporter &n) {
  if (failed(requireRank4(n, "2-D convolution")))
    return failure();
  RankedTensorType in = n.inputType(0);
  RankedTensorType weightType = n.inputType(1);
  if (weightType.getRank() != 4)
    return n.emitError() << "weight '" << n.inputName(1) << "' has rank "
                         << weightType.getRank() << ", expected 4";
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<SmallVector<int64_t>> kernelShape =
      n.intsAttr("kernel_shape", kernel);
  if (failed(group) || failed(kernelShape))
    return failure();
  if (*group < 1 || in.getDimSize(1) != weightType.getDimSize(1) * *group ||
      weightType.getDimSize(0) % *group != 0)
    return n.emitError() << "input channels " << in.getDimSize(1) << ", weight "
                         << formatShape(weightType.getShape()) << " and group "
                         << *group << " do not match";
  if (ArrayRef<int64_t>(*kernelShape) != kernel)
    return n.unsupportedAttr("kernel_shape", formatList(*kernelShape),
                             "differs from the weight's " + formatList(kernel));
  FailureOr<Window> w = readWindow(n, in, kernel);
  if (failed(w))
    return failure();
  RankedTensorType type = windowResultType(n, in, weightType.getDimSize(0), *w);
  if (!type)
    return failure();
  // NHWC of an OIHW weight is OHWI: constants are transposed on the host.
  Value x = n.input(0, Layout::NHWC);
  Value weight = n.input(1, Layout::NHWC);
  Value bias = n.hasInput(2) ? n.input(2, Layout::ONNX) : Value();
  if (!x || !weight || (n.hasInput(2) && !bias))
    return failure();
  auto conv =
      qnn::Conv2dOp::create(n.builder, n.loc, type, x, weight, bias, w->strides,
                            w->padding, w->dilations, *group);
  n.setOutput(0, conv, Layout::NHWC);
  return success();
}

template <typename PoolOp> static LogicalResult importPool(NodeImporter &n) {
  constexpr bool isMax = std::is_same_v<PoolOp, qnn::MaxPool2dOp>;
  if (failed(requireRank4(n, "2-D pooling")))
    return failure();
  if (isMax && failed(n.checkNoOutputsFrom(1, "Indices")))
    return failure();
  RankedTensorType in = n.inputType(0);
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
  FailureOr<Window> w = readWindow(n, in, *kernel);
  if (failed(w))
    return failure();
  if (!isMax && w->dilations != SmallVector<int64_t>{1, 1})
    return n.unsupportedAttr("dilations", formatList(w->dilations),
                             "qnn.avg_pool2d has no dilation");
  if (*ceilMode && applyCeilMode(*w, in) && !isMax && *countIncludePad)
    return n.unsupportedAttr("ceil_mode", "1",
                             "with count_include_pad = 1 the extra end "
                             "padding would be counted in the average");
  for (int i = 0; i < 4; ++i)
    if (w->padding[i] >= w->kernel[i / 2] * w->dilations[i / 2])
      return n.emitError() << "padding " << formatList(w->padding)
                           << (*ceilMode ? " (with ceil_mode)" : "")
                           << " must be smaller than the kernel "
                           << formatList(w->kernel);
  RankedTensorType type = windowResultType(n, in, in.getDimSize(1), *w);
  Value x = n.input(0, Layout::NHWC);
  if (!type || !x)
    return failure();
  Value pool;
  if constexpr (isMax)
    pool = qnn::MaxPool2dOp::create(n.builder, n.loc, type, x, w->kernel,
                                    w->strides, w->padding, w->dilations);
  else
    pool =
        qnn::AvgPool2dOp::create(n.builder, n.loc, type, x, w->kernel,
                                 w->strides, w->padding, *countIncludePad != 0);
  n.setOutput(0, pool, Layout::NHWC);
  return success();
}

static LogicalResult importGlobalAveragePool(NodeImporter &n) {
  if (failed(requireRank4(n, "GlobalAveragePool")))
    return failure();
  RankedTensorType in = n.inputType(0);
  RankedTensorType type =
      n.outputType(0, {in.getDimSize(0), in.getDimSize(1), 1, 1}, Layout::NHWC);
  Value x = n.input(0, Layout::NHWC);
  if (!type || !x)
    return failure();
  n.setOutput(0, qnn::GlobalAvgPoolOp::create(n.builder, n.loc, type, x),
              Layout::NHWC);
  return success();
}

/// Inference form only; qnn-fold-batchnorm folds it later.
static LogicalResult importBatchNormalization(NodeImporter &n) {
  if (failed(n.checkNoOutputsFrom(1, "running mean/variance")))
    return failure();
  FailureOr<int64_t> training = n.intAttr("training_mode", 0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(training) || failed(epsilon))
    return failure();
  if (*training != 0)
    return n.unsupportedAttr("training_mode", std::to_string(*training),
                             "only inference is supported");
  // Channels are dim 1 in ONNX; qnn normalizes over the last dim, which is
  // where NHWC puts them (and where rank 2 already has them).
  int64_t rank = n.inputType(0).getRank();
  if (rank != 4 && rank != 2)
    return n.emitError() << "only rank-2 and rank-4 inputs are supported, "
                         << "input has rank " << rank;
  Layout layout = rank == 4 ? Layout::NHWC : Layout::ONNX;
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  SmallVector<Value, 4> params;
  int64_t channels = n.inputType(0).getDimSize(1);
  for (unsigned i = 1; i <= 4; ++i) {
    if (!n.constantInput(i))
      return n.emitError() << "parameter '" << n.inputName(i)
                           << "' must be a constant";
    if (n.inputType(i).getShape() != ArrayRef<int64_t>{channels})
      return n.emitError() << "parameter '" << n.inputName(i) << "' has shape "
                           << formatShape(n.inputType(i).getShape())
                           << ", expected " << channels;
    params.push_back(n.input(i, Layout::ONNX));
    if (!params.back())
      return failure();
  }
  auto bn = qnn::BatchNormOp::create(n.builder, n.loc, x.getType(), x,
                                     params[0], params[1], params[2], params[3],
                                     APFloat(*epsilon));
  n.setOutput(0, bn, layout);
  return success();
}

void qmlir::onnx_import::registerConvPoolHandlers(HandlerTable &table) {
  table["Conv"] = importConv;
  table["MaxPool"] = importPool<qnn::MaxPool2dOp>;
  table["AveragePool"] = importPool<qnn::AvgPool2dOp>;
  table["GlobalAveragePool"] = importGlobalAveragePool;
  table["BatchNormalization"] = importBatchNormalization;
}
