//===- ResizeOps.cpp - Resize (nearest, linear, cubic) --------------------===//
//
// Resize is separable: along each resized axis, output position i reads a few
// input positions with weights that depend only on i. The importer computes
// those positions and weights on the host with ONNX's formulas (every
// coordinate_transformation_mode and nearest_mode, cubic coefficients,
// exclude_outside, tf_crop_and_resize extrapolation) and emits, per axis, one
// qnn.gather per tap and the weighted sum with qnn.mul/qnn.add (nearest is a
// single gather). No resize op is needed in qnn, and the result is ONNX's
// reference arithmetic up to float rounding.
//
// Upsample only exists before opset 10; libonnx converts it (and Resize-10)
// to Resize-13 but keeps Resize-13's default coordinate mode, so the model
// loader marks those nodes "asymmetric" + "floor" (ONNXImporter.cpp).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

namespace {

/// How one axis is resized: `taps` input positions (and weights) per output
/// position, plus the value of positions that fall outside the input
/// (tf_crop_and_resize).
struct AxisPlan {
  int64_t taps = 1;
  /// [out][tap], indices clamped into the input.
  SmallVector<int64_t> indices;
  SmallVector<float> weights;
  /// 1 where the output position extrapolates.
  SmallVector<float> outside;
};

struct ResizeAttrs {
  std::string mode, transform, nearest;
  float cubicA = -0.75f;
  bool excludeOutside = false;
  float extrapolation = 0.0f;
};

/// The source coordinate of output position `i` (ONNX's
/// coordinate_transformation_mode). Like ONNX's reference, the "output
/// width" in the formulas is scale * in, not the integer output size.
double sourceCoordinate(const ResizeAttrs &a, int64_t i, int64_t in,
                        double scale, double roiStart, double roiEnd) {
  const std::string &m = a.transform;
  double width = scale * double(in);
  if (m == "half_pixel")
    return (i + 0.5) / scale - 0.5;
  if (m == "pytorch_half_pixel")
    return width == 1 ? -0.5 : (i + 0.5) / scale - 0.5;
  if (m == "align_corners")
    return width == 1 ? 0.0 : double(i) * (in - 1) / (width - 1);
  if (m == "asymmetric")
    return i / scale;
  if (m == "tf_half_pixel_for_nn")
    return (i + 0.5) / scale;
  // tf_crop_and_resize
  double x = width == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                        : i * (roiEnd - roiStart) * (in - 1) / (width - 1);
  return x + roiStart * (in - 1);
}

int64_t roundNearest(const std::string &mode, double x) {
  double f = std::floor(x);
  if (mode == "floor")
    return static_cast<int64_t>(f);
  if (mode == "ceil")
    return static_cast<int64_t>(std::ceil(x));
  double frac = x - f;
  if (frac == 0.5)
    return static_cast<int64_t>(mode == "round_prefer_ceil" ? f + 1 : f);
  return static_cast<int64_t>(std::round(x));
}

/// ONNX's cubic convolution coefficients for the 4 taps around a point at
/// fraction `t` past the second tap.
std::array<double, 4> cubicCoefficients(double t, double a) {
  auto far = [&](double x) { // 1 < |x| < 2
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  };
  auto near = [&](double x) { // |x| <= 1
    return ((a + 2) * x - (a + 3)) * x * x + 1;
  };
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

AxisPlan planAxis(const ResizeAttrs &a, int64_t in, int64_t out, double scale,
                  double roiStart, double roiEnd) {
  AxisPlan p;
  bool linear = a.mode == "linear", cubic = a.mode == "cubic";
  p.taps = cubic ? 4 : linear ? 2 : 1;
  for (int64_t i = 0; i < out; ++i) {
    double x = sourceCoordinate(a, i, in, scale, roiStart, roiEnd);
    bool outside = a.transform == "tf_crop_and_resize" &&
                   (x < 0 || x > double(in - 1));
    p.outside.push_back(outside ? 1.0f : 0.0f);
    auto clampIndex = [&](int64_t j) {
      return std::clamp<int64_t>(j, 0, in - 1);
    };
    if (!linear && !cubic) {
      p.indices.push_back(clampIndex(roundNearest(a.nearest, x)));
      p.weights.push_back(outside ? 0.0f : 1.0f);
      continue;
    }
    int64_t base = static_cast<int64_t>(std::floor(x));
    double t = x - double(base);
    SmallVector<double, 4> w;
    SmallVector<int64_t, 4> idx;
    if (linear) {
      w = {1 - t, t};
      idx = {base, base + 1};
    } else {
      auto c = cubicCoefficients(t, a.cubicA);
      w.assign(c.begin(), c.end());
      idx = {base - 1, base, base + 1, base + 2};
    }
    if (cubic && a.excludeOutside) {
      double sum = 0;
      for (size_t k = 0; k < w.size(); ++k) {
        if (idx[k] < 0 || idx[k] >= in)
          w[k] = 0;
        sum += w[k];
      }
      for (double &v : w)
        v /= sum;
    }
    for (size_t k = 0; k < w.size(); ++k) {
      p.indices.push_back(clampIndex(idx[k]));
      p.weights.push_back(outside ? 0.0f : static_cast<float>(w[k]));
    }
  }
  return p;
}

} // namespace

/// Resizes dimension `axis` of `x` (size `in`) to `out` following `plan`.
static Value resizeAxis(NodeImporter &n, Value x, int64_t axis,
                        const AxisPlan &plan, float extrapolation) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t out = plan.outside.size();
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = out;
  auto outType = type.clone(shape);
  SmallVector<int64_t> wShape(type.getRank(), 1);
  wShape[axis] = out;
  auto gather = [&](int64_t tap) {
    SmallVector<int64_t> idx;
    for (int64_t i = 0; i < out; ++i)
      idx.push_back(plan.indices[i * plan.taps + tap]);
    auto attrType = RankedTensorType::get({out}, n.builder.getI64Type());
    return qnn::GatherOp::create(
        n.builder, n.loc, outType, x, n.builder.getI64IntegerAttr(axis),
        DenseIntElementsAttr::get(attrType, ArrayRef<int64_t>(idx)));
  };
  bool anyOutside = llvm::any_of(plan.outside, [](float o) { return o; });
  Value sum;
  for (int64_t tap = 0; tap < plan.taps; ++tap) {
    std::vector<float> w;
    for (int64_t i = 0; i < out; ++i)
      w.push_back(plan.weights[i * plan.taps + tap]);
    if (llvm::all_of(w, [](float v) { return v == 0.0f; }))
      continue;
    Value g = gather(tap);
    if (!llvm::all_of(w, [](float v) { return v == 1.0f; })) {
      Value wc = n.materialize(HostTensor::fromFloats(wShape, w), "weights");
      if (!wc)
        return {};
      g = qnn::MulOp::create(n.builder, n.loc, outType, g, wc);
    }
    sum = sum ? Value(qnn::AddOp::create(n.builder, n.loc, outType, sum, g))
              : g;
  }
  if (anyOutside && extrapolation != 0.0f) {
    std::vector<float> e;
    for (float o : plan.outside)
      e.push_back(o * extrapolation);
    Value ec = n.materialize(HostTensor::fromFloats(wShape, e), "extrapolation");
    if (!ec)
      return {};
    sum = sum ? Value(qnn::AddOp::create(n.builder, n.loc, outType, sum, ec))
              : ec;
  }
  if (!sum) // every position extrapolates to 0
    sum = qnn::MulOp::create(
        n.builder, n.loc, outType, gather(0),
        n.materialize(HostTensor::fromFloats({}, {0.0f}), "zero"));
  return sum;
}

static LogicalResult importResize(NodeImporter &n) {
  ResizeAttrs a;
  FailureOr<std::string> mode = n.stringAttr("mode", "nearest");
  FailureOr<std::string> transform =
      n.stringAttr("coordinate_transformation_mode", "half_pixel");
  FailureOr<std::string> nearest =
      n.stringAttr("nearest_mode", "round_prefer_floor");
  FailureOr<float> cubicA = n.floatAttr("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> exclude = n.intAttr("exclude_outside", 0);
  FailureOr<float> extrapolation = n.floatAttr("extrapolation_value", 0.0f);
  if (failed(mode) || failed(transform) || failed(nearest) || failed(cubicA) ||
      failed(exclude) || failed(extrapolation))
    return failure();
  a = {*mode, *transform, *nearest, *cubicA, *exclude != 0, *extrapolation};
  if (a.mode != "nearest" && a.mode != "linear" && a.mode != "cubic")
    return n.unsupportedAttr("mode", a.mode, "expected nearest, linear or "
                                             "cubic");
  static const char *transforms[] = {
      "half_pixel",   "pytorch_half_pixel",   "align_corners",
      "asymmetric",   "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(transforms, a.transform))
    return n.unsupportedAttr("coordinate_transformation_mode", a.transform,
                             "unknown mode");
  static const char *nearestModes[] = {"round_prefer_floor",
                                       "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(nearestModes, a.nearest))
    return n.unsupportedAttr("nearest_mode", a.nearest, "unknown mode");

  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  RankedTensorType outType = n.outputType(0);
  if (!outType)
    return failure();
  ArrayRef<int64_t> out = outType.getShape();
  // Scales from input 2, else sizes (input 3) / input sizes. Upsample (before
  // conversion) has its scales as input 1.
  unsigned scalesIdx = n.opType() == "Upsample" ? 1 : 2;
  SmallVector<double> scales(rank, 1.0);
  const HostTensor *sc = nullptr, *sz = nullptr;
  if (n.hasInput(scalesIdx) && !(sc = n.requireConstant(scalesIdx, "scales")))
    return failure();
  if (scalesIdx == 2 && n.hasInput(3) &&
      !(sz = n.requireConstant(3, "sizes")))
    return failure();
  if (sc && sc->numElements() == rank) {
    for (int64_t d = 0; d < rank; ++d)
      scales[d] = sc->value(d);
  } else if (sz && sz->numElements() == rank) {
    // ONNX derives the scale from the sizes in double precision.
    for (int64_t d = 0; d < rank; ++d)
      scales[d] = double(out[d]) / double(in[d]);
  } else {
    return n.emitError() << "needs " << rank << " scales or sizes";
  }
  SmallVector<double> roi;
  if (a.transform == "tf_crop_and_resize") {
    const HostTensor *r = n.hasInput(1) ? n.requireConstant(1, "roi") : nullptr;
    if (!r)
      return n.hasInput(1) ? failure()
                           : n.emitError() << "tf_crop_and_resize needs roi";
    if (r->numElements() != 2 * rank)
      return n.emitError() << "roi must have " << 2 * rank << " values";
    for (int64_t d = 0; d < 2 * rank; ++d)
      roi.push_back(r->value(d));
  }

  Layout layout = rank == 4 ? Layout::NHWC : Layout::ONNX;
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  for (int64_t d = 0; d < rank; ++d) {
    bool crop = !roi.empty();
    if (out[d] == in[d] && scales[d] == 1.0 && !crop)
      continue;
    if (in[d] == 0 || out[d] == 0)
      return n.emitError() << "cannot resize an empty dimension";
    AxisPlan plan = planAxis(a, in[d], out[d], scales[d],
                             crop ? roi[d] : 0.0, crop ? roi[d + rank] : 1.0);
    x = resizeAxis(n, x, layout == Layout::NHWC ? nhwcPosition(d) : d, plan,
                   a.extrapolation);
    if (!x)
      return failure();
  }
  n.setOutput(0, x, layout);
  return success();
}

void qmlir::onnx_import::registerResizeHandlers(HandlerTable &table) {
  table["Resize"] = importResize;
  // Only before opset 10; the version converter turns it into Resize.
  table["Upsample"] = importResize;
}
