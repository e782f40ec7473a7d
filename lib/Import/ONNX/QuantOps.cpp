//===- QuantOps.cpp - already-quantized ONNX models -----------------------===//
//
// QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger
// and MatMulInteger keep the model's scales and zero points: their integer
// tensors become values of !quant.uniform types built from the model's
// parameters, and the ops are qnn.quantize / qnn.dequantize / qnn.conv2d /
// qnn.dense / qnn.matmul on those types, so they run with integer arithmetic.
//
// Representation of ONNX integer tensors:
// - INT8 data is i8 storage with the model's zero point.
// - UINT8 data is held as i8 storage holding u - 128, with the zero point
//   moved by -128 as well: q - zp is unchanged, so every real value is
//   exactly the same, and the qnn lowering (which has no unsigned storage)
//   runs it with its i8 kernels. Constants are shifted on the host; uint8
//   graph inputs and outputs get a qnn.requantize between
//   !quant.uniform<u8:...> and the shifted i8 type, which lowers to flipping
//   the top bit.
// - INT32 data (ConvInteger/MatMulInteger results, QLinearConv biases) is i32
//   storage.
// The parameters live in the types; an op that reads the same integers with
// other parameters reinterprets them with a pair of quant.scast (storage
// unchanged).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

namespace {
/// Scale(s) and zero point(s) of one quantized tensor, as the model gives
/// them (per tensor: one value; per axis: one per index of `axis`).
struct QuantParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  /// ONNX element type of the integers (INT8, UINT8 or INT32).
  int32_t dataType = onnx::TensorProto::UINT8;
  /// -1 per tensor.
  int64_t axis = -1;
};
} // namespace

static bool isQuantDataType(int32_t t) {
  return t == onnx::TensorProto::INT8 || t == onnx::TensorProto::UINT8 ||
         t == onnx::TensorProto::INT32;
}

/// The !quant.uniform element type of `p`. `unsignedStorage` keeps UINT8 as
/// u8 (graph boundary); otherwise UINT8 gets the shifted i8 form.
static Type quantType(MLIRContext *ctx, const QuantParams &p,
                      bool unsignedStorage = false) {
  bool isUnsigned = p.dataType == onnx::TensorProto::UINT8 && unsignedStorage;
  bool shift = p.dataType == onnx::TensorProto::UINT8 && !unsignedStorage;
  unsigned width = p.dataType == onnx::TensorProto::INT32 ? 32 : 8;
  auto storage = IntegerType::get(ctx, width);
  Type f32 = Float32Type::get(ctx);
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  int64_t qmin = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
  int64_t qmax = isUnsigned ? 255 : (int64_t(1) << (width - 1)) - 1;
  SmallVector<int64_t> zps(p.zeroPoints.begin(), p.zeroPoints.end());
  if (shift)
    for (int64_t &z : zps)
      z -= 128;
  if (p.axis < 0)
    return quant::UniformQuantizedType::get(flags, storage, f32, p.scales[0],
                                            zps[0], qmin, qmax);
  return quant::UniformQuantizedPerAxisType::get(
      flags, storage, f32, p.scales, zps, p.axis, qmin, qmax);
}

quant::UniformQuantizedType
qmlir::onnx_import::rawQuantType(MLIRContext *ctx, int32_t dataType,
                                 bool shifted) {
  QuantParams p{{1.0}, {0}, dataType, -1};
  return cast<quant::UniformQuantizedType>(quantType(ctx, p, !shifted));
}

/// Reads a scale (input `scaleIdx`) and zero point (`zpIdx`, optional) from
/// constants `scale`/`zp`. A 1-D scale of more than one element is per axis
/// `axis` of a tensor of shape `shape`. Fails with `error`.
static FailureOr<QuantParams>
readParams(const HostTensor *scale, const HostTensor *zp, int32_t dataType,
           int64_t axis, ArrayRef<int64_t> shape, std::string &error,
           bool unitScale = false) {
  QuantParams p;
  p.dataType = zp ? zp->dataType : dataType;
  if (!isQuantDataType(p.dataType)) {
    error = "zero point of type " + elementTypeName(p.dataType) +
            " (only INT8, UINT8 and INT32 are supported)";
    return failure();
  }
  if (!scale || !scale->isFloat()) {
    error = "scale must be a float32 constant";
    return failure();
  }
  int64_t n = scale->numElements();
  SmallVector<int64_t> scaleShape(scale->shape);
  if (scale->shape.size() > 1 || n == 0) {
    error = "scale must be a scalar or 1-D";
    return failure();
  }
  for (float s : scale->floats) {
    if (!(s > 0.0f) || !std::isfinite(s)) {
      error = "scale " + std::to_string(s) + " is not positive and finite";
      return failure();
    }
    p.scales.push_back(s);
  }
  // Ops without scales (ConvInteger, MatMulInteger) may still have one zero
  // point per channel: scale 1 for each.
  if (unitScale && zp && zp->numElements() > 1 && n == 1) {
    p.scales.assign(zp->numElements(), 1.0);
    n = zp->numElements();
    scaleShape = {n};
  }
  if (zp && (zp->isFloat() || zp->numElements() != n)) {
    error = "zero point must be an integer constant with one value per scale";
    return failure();
  }
  for (int64_t i = 0; i < n; ++i)
    p.zeroPoints.push_back(zp ? zp->ints[i] : 0);
  // A 1-D scale of one element is per tensor.
  if (scaleShape.size() == 1 && n > 1) {
    int64_t rank = shape.size();
    if (axis < -rank || axis >= rank) {
      error = "axis " + std::to_string(axis) + " is out of range";
      return failure();
    }
    p.axis = axis < 0 ? axis + rank : axis;
    if (shape[p.axis] != n) {
      error = "has " + std::to_string(n) + " scales for a dimension of size " +
              std::to_string(shape[p.axis]);
      return failure();
    }
  }
  return p;
}

/// The parameters given by inputs `scaleIdx` and `zpIdx` of `n` for a tensor
/// of shape `shape`; scaleIdx < 0 means scale 1.
static FailureOr<QuantParams> nodeParams(NodeImporter &n, int scaleIdx,
                                         int zpIdx, int32_t dataType,
                                         int64_t axis,
                                         ArrayRef<int64_t> shape) {
  HostTensor one = HostTensor::fromFloats({}, {1.0f});
  const HostTensor *scale = &one, *zp = nullptr;
  if (scaleIdx >= 0 && !(scale = n.requireConstant(scaleIdx, "scale")))
    return failure();
  if (zpIdx >= 0 && n.hasInput(zpIdx) &&
      !(zp = n.requireConstant(zpIdx, "zero point")))
    return failure();
  std::string error;
  FailureOr<QuantParams> p = readParams(scale, zp, dataType, axis, shape,
                                        error, /*unitScale=*/scaleIdx < 0);
  if (failed(p))
    return n.emitError() << error;
  return p;
}

/// Where a quantized op reads the parameters of its data input `input`:
/// (scale input or -1 for 1.0, zero-point input, axis of per-axis params).
static std::optional<std::tuple<int, int, int64_t>>
paramsOfInput(const onnx::NodeProto &node, int input) {
  StringRef op = node.op_type();
  if (op == "DequantizeLinear" && input == 0) {
    int64_t axis = 1;
    for (const onnx::AttributeProto &a : node.attribute())
      if (a.name() == "axis")
        axis = a.i();
    return std::make_tuple(1, 2, axis);
  }
  if ((op == "QLinearConv" || op == "QLinearMatMul") && input == 0)
    return std::make_tuple(1, 2, int64_t(0));
  if (op == "QLinearConv" && input == 3)
    return std::make_tuple(4, 5, int64_t(0));
  if (op == "QLinearMatMul" && input == 3)
    return std::make_tuple(4, 5, int64_t(-1));
  if ((op == "ConvInteger" || op == "MatMulInteger") && input <= 1)
    return std::make_tuple(-1, 2 + input,
                           int64_t(op == "ConvInteger" ? 0 : -1));
  return std::nullopt;
}

FailureOr<RankedTensorType> qmlir::onnx_import::quantizedInputType(
    MLIRContext *ctx, const onnx::GraphProto &graph, StringRef name, ArrayRef<int64_t> shape,
    int32_t dataType, function_ref<const HostTensor *(StringRef)> lookup,
    std::string &error) {
  if (!isQuantDataType(dataType)) {
    error = "only INT8, UINT8 and INT32 integer inputs are supported (held "
            "as quantized values)";
    return failure();
  }
  for (const onnx::NodeProto &node : graph.node()) {
    for (int i = 0; i < node.input_size(); ++i) {
      if (node.input(i) != name)
        continue;
      auto where = paramsOfInput(node, i);
      if (!where)
        continue;
      auto [scaleIdx, zpIdx, axis] = *where;
      HostTensor one = HostTensor::fromFloats({}, {1.0f});
      const HostTensor *scale = &one, *zp = nullptr;
      if (scaleIdx >= 0)
        scale = scaleIdx < node.input_size() ? lookup(node.input(scaleIdx))
                                             : nullptr;
      if (zpIdx < node.input_size() && !node.input(zpIdx).empty()) {
        zp = lookup(node.input(zpIdx));
        if (!zp) {
          error = "the zero point '" + node.input(zpIdx) + "' of its " +
                  node.op_type() + " must be an initializer";
          return failure();
        }
      }
      if (!scale) {
        error = "the scale of its " + node.op_type() +
                " must be an initializer";
        return failure();
      }
      FailureOr<QuantParams> p = readParams(scale, zp, dataType, axis, shape,
                                            error, /*unitScale=*/scaleIdx < 0);
      if (failed(p))
        return failure();
      if (p->dataType != dataType) {
        error = "its " + node.op_type() + " has a zero point of type " +
                elementTypeName(p->dataType);
        return failure();
      }
      return RankedTensorType::get(shape, quantType(ctx, *p, true));
    }
  }
  // No quantized op gives it parameters: raw integers (scale 1, zero point
  // 0), which ops that move or compare values (Max, Min, Clip, MaxPool,
  // Pad, ...) take as they are.
  return RankedTensorType::get(shape, rawQuantType(ctx, dataType, false));
}

//===----------------------------------------------------------------------===//
// Boundary conversions and reinterpretation
//===----------------------------------------------------------------------===//

/// The same parameters with the zero points moved by `delta` and the
/// signedness flipped.
static Type flipSignedness(Type elementType, int64_t delta) {
  auto qt = cast<quant::QuantizedType>(elementType);
  bool toSigned = !qt.isSigned();
  unsigned flags = toSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t qmin = toSigned ? -128 : 0, qmax = toSigned ? 127 : 255;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(qt))
    return quant::UniformQuantizedType::get(
        flags, u.getStorageType(), u.getExpressedType(), u.getScale(),
        u.getZeroPoint() + delta, qmin, qmax);
  auto pa = cast<quant::UniformQuantizedPerAxisType>(qt);
  SmallVector<int64_t> zps(pa.getZeroPoints());
  for (int64_t &z : zps)
    z += delta;
  return quant::UniformQuantizedPerAxisType::get(
      flags, pa.getStorageType(), pa.getExpressedType(), pa.getScales(), zps,
      pa.getQuantizedDimension(), qmin, qmax);
}

Value qmlir::onnx_import::fromUnsignedInput(OpBuilder &b, Location loc,
                                            Value u8) {
  auto type = cast<RankedTensorType>(u8.getType());
  return qnn::RequantizeOp::create(
      b, loc, type.clone(flipSignedness(type.getElementType(), -128)), u8);
}

Value qmlir::onnx_import::toUnsignedOutput(OpBuilder &b, Location loc,
                                           Value i8) {
  auto type = cast<RankedTensorType>(i8.getType());
  if (!isa<quant::QuantizedType>(type.getElementType()))
    return i8;
  return qnn::RequantizeOp::create(
      b, loc, type.clone(flipSignedness(type.getElementType(), 128)), i8);
}

/// `v` read with element type `elementType`: the same storage integers with
/// other parameters (two quant.scast), or `v` when the types agree.
static Value reinterpret(OpBuilder &b, Location loc, Value v,
                         Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  auto storage = type.clone(
      cast<quant::QuantizedType>(type.getElementType()).getStorageType());
  Value raw = quant::StorageCastOp::create(b, loc, storage, v);
  return quant::StorageCastOp::create(b, loc, type.clone(elementType), raw);
}

/// Input `i` of `n` as a quantized value with parameters `p` (ONNX layout
/// axis), in `layout`: constants become quantized constants, values are
/// reinterpreted when their parameters differ.
static Value quantizedOperand(NodeImporter &n, unsigned i,
                              const QuantParams &p, Layout layout) {
  Type elementType = quantType(n.context(), p);
  ArrayRef<int64_t> shape = n.inputShape(i);
  RankedTensorType onnxType = RankedTensorType::get(shape, elementType);
  RankedTensorType type =
      layout == Layout::NHWC ? permutedType(onnxType, kToNHWC) : onnxType;
  if (const HostTensor *c = n.constantInput(i)) {
    if (c->dataType != p.dataType) {
      n.emitError() << "'" << n.inputName(i) << "' has element type "
                    << elementTypeName(c->dataType) << " but its zero point "
                    << elementTypeName(p.dataType);
      return {};
    }
    HostTensor t = layout == Layout::NHWC ? c->transposed(kToNHWC) : *c;
    if (p.dataType == onnx::TensorProto::UINT8)
      for (int64_t &v : t.ints)
        v -= 128;
    return qnn::createQuantizedConstant(n.builder, n.loc, type, t.ints);
  }
  if (n.inputDataType(i) != p.dataType) {
    n.emitError() << "'" << n.inputName(i) << "' has element type "
                  << elementTypeName(n.inputDataType(i))
                  << " but its zero point " << elementTypeName(p.dataType);
    return {};
  }
  Value v = n.input(i, layout);
  if (!v)
    return {};
  return reinterpret(n.builder, n.loc, v, type.getElementType());
}

Value qmlir::onnx_import::integersAsFloat(NodeImporter &n, unsigned i) {
  Value v = n.input(i, n.inputLayout(i));
  if (!v)
    return {};
  auto type = cast<RankedTensorType>(v.getType());
  Value raw = reinterpret(n.builder, n.loc, v,
                          rawQuantType(n.context(), n.inputDataType(i),
                                       /*shifted=*/true));
  return qnn::DequantizeOp::create(n.builder, n.loc,
                                   type.clone(n.builder.getF32Type()), raw);
}

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

/// The element type of `p` for a value of rank `rank` in `layout`.
static RankedTensorType typeIn(NodeImporter &n, const QuantParams &p,
                               ArrayRef<int64_t> onnxShape, Layout layout) {
  auto type = RankedTensorType::get(onnxShape, quantType(n.context(), p));
  return layout == Layout::NHWC ? permutedType(type, kToNHWC) : type;
}

/// y = saturate(round(x / scale) + zero_point).
static LogicalResult importQuantizeLinear(NodeImporter &n) {
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  FailureOr<QuantParams> p = nodeParams(n, 1, 2, onnx::TensorProto::UINT8,
                                        *axis, n.inputShape(0));
  if (failed(p))
    return failure();
  if (p->dataType == onnx::TensorProto::INT32)
    return n.emitError() << "QuantizeLinear to INT32 is not supported";
  if (const HostTensor *c = n.constantInput(0)) {
    // ONNX's definition, on the host: division, round half to even.
    HostTensor t = HostTensor::fromInts(c->shape, {}, p->dataType);
    int64_t lo = p->dataType == onnx::TensorProto::UINT8 ? 0 : -128;
    int64_t inner = 1;
    if (p->axis >= 0)
      for (size_t d = p->axis + 1; d < c->shape.size(); ++d)
        inner *= c->shape[d];
    for (int64_t i = 0; i < c->numElements(); ++i) {
      int64_t ch = p->axis >= 0 ? (i / inner) % p->scales.size() : 0;
      float q = std::nearbyint(c->floats[i] / static_cast<float>(p->scales[ch]));
      double v = double(q) + double(p->zeroPoints[ch]);
      t.ints.push_back(static_cast<int64_t>(
          std::clamp(v, double(lo), double(lo + 255))));
    }
    n.setConstantOutput(0, std::move(t));
    return success();
  }
  Layout layout = n.inputLayout(0);
  Value x = n.input(0, layout);
  if (!x)
    return failure();
  RankedTensorType type = typeIn(n, *p, n.inputShape(0), layout);
  n.setOutput(0, qnn::QuantizeOp::create(n.builder, n.loc, type, x), layout);
  return success();
}

/// y = (x - zero_point) * scale.
static LogicalResult importDequantizeLinear(NodeImporter &n) {
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  FailureOr<QuantParams> p = nodeParams(n, 1, 2, n.inputDataType(0), *axis,
                                        n.inputShape(0));
  if (failed(p))
    return failure();
  Layout layout = n.constantInput(0) ? Layout::ONNX : n.inputLayout(0);
  Value q = quantizedOperand(n, 0, *p, layout);
  if (!q)
    return failure();
  auto type = cast<RankedTensorType>(q.getType());
  n.setOutput(0,
              qnn::DequantizeOp::create(n.builder, n.loc,
                                        type.clone(n.builder.getF32Type()), q),
              layout);
  return success();
}

/// A window attribute list of 2 values (default `dflt`).
static FailureOr<SmallVector<int64_t>> pair(NodeImporter &n, StringRef attr,
                                            int64_t dflt) {
  FailureOr<SmallVector<int64_t>> v = n.intsAttr(attr, {dflt, dflt});
  if (succeeded(v) && v->size() != 2)
    return n.unsupportedAttr(attr, formatList(*v), "expected 2 values");
  return v;
}

/// The qnn.conv2d of QLinearConv (with y params and a bias) and ConvInteger
/// (scale 1 everywhere, int32 result).
static LogicalResult importQuantConv(NodeImporter &n, unsigned xIdx,
                                     unsigned wIdx, const QuantParams &xp,
                                     const QuantParams &wp,
                                     const QuantParams &yp, int biasIdx) {
  if (n.inputRank(xIdx) != 4 || n.inputRank(wIdx) != 4)
    return n.emitError() << "only 2-D (rank-4) quantized convolutions are "
                            "supported";
  ArrayRef<int64_t> in = n.inputShape(xIdx), w = n.inputShape(wIdx);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<SmallVector<int64_t>> strides = pair(n, "strides", 1);
  FailureOr<SmallVector<int64_t>> dilations = pair(n, "dilations", 1);
  FailureOr<SmallVector<int64_t>> pads = n.intsAttr("pads", {0, 0, 0, 0});
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(group) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(autoPad))
    return failure();
  if (*autoPad != "NOTSET" || pads->size() != 4)
    return n.emitError() << "quantized convolutions need explicit pads "
                            "(auto_pad NOTSET)";
  if (*group < 1 || in[1] != w[1] * *group || w[0] % *group != 0)
    return n.emitError() << "input channels " << in[1] << ", weight "
                         << formatShape(w) << " and group " << *group
                         << " do not match";
  SmallVector<int64_t> padding = {(*pads)[0], (*pads)[2], (*pads)[1],
                                  (*pads)[3]};
  SmallVector<int64_t> nchw = {in[0], w[0]};
  for (int d = 0; d < 2; ++d)
    nchw.push_back(qnn::slidingWindowOutputSize(
        in[2 + d], w[2 + d], (*strides)[d], padding[2 * d],
        padding[2 * d + 1], (*dilations)[d]));
  if (!n.outputType(0, nchw))
    return failure();
  Value x = quantizedOperand(n, xIdx, xp, Layout::NHWC);
  Value weight = quantizedOperand(n, wIdx, wp, Layout::NHWC);
  if (!x || !weight)
    return failure();
  Value bias;
  if (biasIdx >= 0 && n.hasInput(biasIdx)) {
    // int32 with scale x_scale * w_scale[o] and zero point 0.
    QuantParams bp = wp;
    bp.dataType = onnx::TensorProto::INT32;
    for (double &s : bp.scales)
      s *= xp.scales[0];
    bp.zeroPoints.assign(bp.scales.size(), 0);
    bp.axis = wp.axis >= 0 ? 0 : -1;
    if (n.inputShape(biasIdx) != ArrayRef<int64_t>{w[0]})
      return n.emitError() << "bias must have shape " << w[0];
    bias = quantizedOperand(n, biasIdx, bp, Layout::ONNX);
    if (!bias)
      return failure();
  }
  RankedTensorType type = typeIn(n, yp, nchw, Layout::NHWC);
  auto conv = qnn::Conv2dOp::create(n.builder, n.loc, type, x, weight, bias,
                                    *strides, padding, *dilations, *group);
  n.setOutput(0, conv, Layout::NHWC);
  return success();
}

static LogicalResult importQLinearConv(NodeImporter &n) {
  FailureOr<QuantParams> xp =
      nodeParams(n, 1, 2, n.inputDataType(0), 0, n.inputShape(0));
  FailureOr<QuantParams> wp =
      nodeParams(n, 4, 5, n.inputDataType(3), 0, n.inputShape(3));
  FailureOr<QuantParams> yp = nodeParams(n, 6, 7, onnx::TensorProto::UINT8,
                                         -1, n.outputType(0).getShape());
  if (failed(xp) || failed(wp) || failed(yp))
    return failure();
  if (xp->axis >= 0 || yp->axis >= 0)
    return n.emitError() << "input and output must be quantized per tensor";
  return importQuantConv(n, 0, 3, *xp, *wp, *yp, 8);
}

static LogicalResult importConvInteger(NodeImporter &n) {
  FailureOr<QuantParams> xp =
      nodeParams(n, -1, 2, n.inputDataType(0), 0, n.inputShape(0));
  FailureOr<QuantParams> wp =
      nodeParams(n, -1, 3, n.inputDataType(1), 0, n.inputShape(1));
  if (failed(xp) || failed(wp))
    return failure();
  if (xp->axis >= 0)
    return n.emitError() << "x_zero_point must be a scalar";
  QuantParams yp{{1.0}, {0}, onnx::TensorProto::INT32, -1};
  return importQuantConv(n, 0, 1, *xp, *wp, yp, -1);
}

/// QLinearMatMul and MatMulInteger: qnn.dense for a constant 2-D right
/// operand (its per-column parameters become per-axis weights), qnn.matmul
/// otherwise.
static LogicalResult importQuantMatMul(NodeImporter &n, unsigned aIdx,
                                       unsigned bIdx, const QuantParams &ap,
                                       const QuantParams &bp,
                                       const QuantParams &yp) {
  ArrayRef<int64_t> as = n.inputShape(aIdx), bs = n.inputShape(bIdx);
  if (as.size() < 2 || bs.size() < 2)
    return n.emitError() << "quantized matmuls need operands of rank >= 2";
  if (ap.axis >= 0)
    return n.emitError() << "the left operand must be quantized per tensor";
  RankedTensorType out = n.outputType(0);
  if (!out)
    return failure();
  Value a = quantizedOperand(n, aIdx, ap, Layout::ONNX);
  if (!a)
    return failure();
  RankedTensorType type = typeIn(n, yp, out.getShape(), Layout::ONNX);
  Value result;
  if (n.constantInput(bIdx) && bs.size() == 2) {
    // Dense weight [N, K]: the transposed integers, per-column params on
    // dim 0.
    QuantParams wp = bp;
    if (wp.axis >= 0)
      wp.axis = 0;
    HostTensor t = n.constantInput(bIdx)->transposed({1, 0});
    if (wp.dataType == onnx::TensorProto::UINT8)
      for (int64_t &v : t.ints)
        v -= 128;
    auto wType = RankedTensorType::get(t.shape, quantType(n.context(), wp));
    Value weight =
        qnn::createQuantizedConstant(n.builder, n.loc, wType, t.ints);
    result = qnn::DenseOp::create(n.builder, n.loc, type, a, weight, Value());
  } else {
    if (bp.axis >= 0)
      return n.emitError() << "a per-column quantized right operand must be "
                              "a constant matrix";
    Value b = quantizedOperand(n, bIdx, bp, Layout::ONNX);
    if (!b)
      return failure();
    result = qnn::MatMulOp::create(n.builder, n.loc, type, a, b);
  }
  n.setOutput(0, result, Layout::ONNX);
  return success();
}

static LogicalResult importQLinearMatMul(NodeImporter &n) {
  FailureOr<QuantParams> ap =
      nodeParams(n, 1, 2, n.inputDataType(0), -1, n.inputShape(0));
  FailureOr<QuantParams> bp =
      nodeParams(n, 4, 5, n.inputDataType(3), -1, n.inputShape(3));
  FailureOr<QuantParams> yp =
      nodeParams(n, 6, 7, onnx::TensorProto::UINT8, -1, {});
  if (failed(ap) || failed(bp) || failed(yp))
    return failure();
  if (yp->axis >= 0)
    return n.emitError() << "the output must be quantized per tensor";
  return importQuantMatMul(n, 0, 3, *ap, *bp, *yp);
}

static LogicalResult importMatMulInteger(NodeImporter &n) {
  FailureOr<QuantParams> ap =
      nodeParams(n, -1, 2, n.inputDataType(0), -1, n.inputShape(0));
  FailureOr<QuantParams> bp =
      nodeParams(n, -1, 3, n.inputDataType(1), -1, n.inputShape(1));
  if (failed(ap) || failed(bp))
    return failure();
  QuantParams yp{{1.0}, {0}, onnx::TensorProto::INT32, -1};
  return importQuantMatMul(n, 0, 1, *ap, *bp, yp);
}

void qmlir::onnx_import::registerQuantHandlers(HandlerTable &table) {
  constexpr bool quantized = true;
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DequantizeLinear"] = {importDequantizeLinear, quantized};
  table["QLinearConv"] = {importQLinearConv, quantized};
  table["QLinearMatMul"] = {importQLinearMatMul, quantized};
  table["ConvInteger"] = {importConvInteger, quantized};
  table["MatMulInteger"] = {importMatMulInteger, quantized};
}
