//===- QuantOps.cpp - FakeQuant ops as quantize/dequantize pairs ----------===//
//
// Quantization-aware training leaves FakeQuantWithMinMax{Args,Vars,
// VarsPerChannel} nodes whose trained [min, max] ranges are the intended
// quantization. Each becomes qnn.quantize -> qnn.dequantize with TF's nudged
// parameters (fake_quant_ops_functor.h), so the float model computes what TF
// computes and the ranges travel in the !quant.uniform type:
//
//   quant_min = narrow_range ? 1 : 0,  quant_max = 2^num_bits - 1
//   scale = (max - min) / (quant_max - quant_min)                 (float32)
//   zero_point_from_min = quant_min - min / scale
//   nudged_zp = quant_min if zero_point_from_min < quant_min,
//               quant_max if it is > quant_max,
//               round(zero_point_from_min) otherwise (half away from zero)
//   nudged_min = (quant_min - nudged_zp) * scale
//   nudged_max = (quant_max - nudged_zp) * scale
//
// TF then computes floor((clamp(x, nudged_min, nudged_max) - nudged_min) /
// scale - (nudged_zp - quant_min) + 0.5) * scale, i.e. q * scale with q an
// integer in [quant_min - nudged_zp, quant_max - nudged_zp]. qnn stores q +
// nudged_zp - 2^(num_bits-1) in signed storage with that range, zero point
// nudged_zp - 2^(num_bits-1) and the same scale; dequantize gives the same
// q * scale. The two round differently only for x within float rounding of
// a half step (TF rounds half up, qnn.quantize half to even).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

namespace {
struct Nudged {
  float scale;
  int64_t zeroPoint;
};
} // namespace

/// TF's Nudge(), in float32 as TF computes it.
static Nudged nudge(float min, float max, int64_t quantMin, int64_t quantMax) {
  const float quantMinF = static_cast<float>(quantMin);
  const float quantMaxF = static_cast<float>(quantMax);
  float scale = (max - min) / (quantMaxF - quantMinF);
  const float zeroPointFromMin = quantMinF - min / scale;
  int64_t zp;
  if (zeroPointFromMin < quantMinF)
    zp = quantMin;
  else if (zeroPointFromMin > quantMaxF)
    zp = quantMax;
  else
    zp = static_cast<int64_t>(std::round(zeroPointFromMin));
  return {scale, zp};
}

static LogicalResult importFakeQuant(NodeImporter &n) {
  bool args = n.opType() == "FakeQuantWithMinMaxArgs";
  bool perChannel = n.opType() == "FakeQuantWithMinMaxVarsPerChannel";
  if (failed(n.checkInputCount(args ? 1 : 3, args ? 1 : 3)))
    return failure();
  FailureOr<int64_t> bits = n.intAttr("num_bits", 8);
  FailureOr<bool> narrow = n.boolAttr("narrow_range", false);
  if (failed(bits) || failed(narrow))
    return failure();
  if (*bits < 2 || *bits > 16)
    return n.unsupportedAttr("num_bits", std::to_string(*bits),
                             "expected 2 to 16");
  RankedTensorType in = n.inputType(0);
  int64_t channels = perChannel && in.getRank() ? in.getShape().back() : 1;

  // The trained ranges: attributes, or constant inputs 1 and 2.
  std::vector<float> mins, maxs;
  if (args) {
    FailureOr<float> min = n.floatAttr("min", -6.0f);
    FailureOr<float> max = n.floatAttr("max", 6.0f);
    if (failed(min) || failed(max))
      return failure();
    mins = {*min};
    maxs = {*max};
  } else {
    for (unsigned i = 1; i <= 2; ++i) {
      const HostTensor *c = n.requireConstant(i, i == 1 ? "min" : "max");
      if (!c)
        return failure();
      if (!c->isFloat() || c->numElements() != channels)
        return n.emitError() << (i == 1 ? "min" : "max") << " '"
                             << n.inputName(i) << "' must hold " << channels
                             << " float32 value" << (channels > 1 ? "s" : "");
      (i == 1 ? mins : maxs) = c->floats;
    }
  }

  int64_t quantMin = *narrow ? 1 : 0;
  int64_t quantMax = (int64_t(1) << *bits) - 1;
  int64_t offset = int64_t(1) << (*bits - 1);
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  for (size_t c = 0; c < mins.size(); ++c) {
    if (!(mins[c] < maxs[c]))
      return n.emitError() << "min " << mins[c] << " must be below max "
                           << maxs[c];
    Nudged p = nudge(mins[c], maxs[c], quantMin, quantMax);
    scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint - offset);
  }

  MLIRContext *ctx = n.getContext();
  Type f32 = Float32Type::get(ctx);
  IntegerType storage = IntegerType::get(ctx, *bits <= 8 ? 8 : 16);
  Type elementType;
  if (perChannel)
    elementType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storage, f32, scales, zeroPoints,
        in.getRank() - 1, quantMin - offset, quantMax - offset);
  else
    elementType = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, storage, f32, scales[0],
        zeroPoints[0], quantMin - offset, quantMax - offset);

  // Per-tensor ranges work in any layout; per-channel ones on TF's last
  // dimension.
  Layout layout = perChannel ? Layout::TF : n.inputLayout(0);
  if (!in.getElementType().isF32())
    return n.emitError() << "input '" << n.inputName(0) << "' must be float32";
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  Value q =
      qnn::QuantizeOp::create(n.builder, n.loc, xType.clone(elementType), x);
  n.setOutput(0, qnn::DequantizeOp::create(n.builder, n.loc, xType, q), layout);
  return success();
}

void qmlir::tf_import::registerQuantHandlers(HandlerTable &table) {
  table["FakeQuantWithMinMaxArgs"] = importFakeQuant;
  table["FakeQuantWithMinMaxVars"] = importFakeQuant;
  table["FakeQuantWithMinMaxVarsPerChannel"] = importFakeQuant;
}
