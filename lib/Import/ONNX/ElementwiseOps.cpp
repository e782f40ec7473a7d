//===- ElementwiseOps.cpp - activations, math and n-ary arithmetic --------===//
//
// Unary ops work in whatever layout their input has. Binary and n-ary ops
// switch to NHWC when a value computed at run time is NHWC and every such
// value has rank 4: rank-4 values are transposed, constants are right-aligned
// to rank 4 and transposed on the host, which keeps ONNX's broadcasting
// intact. With a lower-rank value computed at run time they stay in ONNX
// layout. Ops whose inputs are all constants are folded on the host (shape
// arithmetic is integer and never reaches qnn). Integer arithmetic on values
// computed at run time becomes qnn ops on plain integers (ONNX layout).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Support/Limits.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

static LogicalResult importRelu(NodeImporter &n) {
  Value x = n.inputAsIs(0);
  if (!x)
    return failure();
  n.setOutput(0, qnn::ReluOp::create(n.builder, n.loc, x.getType(), x),
              n.inputLayout(0));
  return success();
}

/// Opset 13 Clip: optional constant scalar bounds as inputs 1 and 2. On
/// integers held as quantized values the bounds are integers of the same
/// type, turned into the real values of the value's type (qnn.clip
/// quantizes them back to exactly those integers).
static LogicalResult importClip(NodeImporter &n) {
  float bounds[2] = {-std::numeric_limits<float>::infinity(),
                     std::numeric_limits<float>::infinity()};
  Value x = n.inputAsIs(0);
  if (!x)
    return failure();
  Type et = cast<RankedTensorType>(x.getType()).getElementType();
  auto qt = dyn_cast<quant::UniformQuantizedType>(et);
  if (isa<quant::QuantizedType>(et) && !qt)
    return n.emitError() << "Clip of per-axis quantized values is not "
                            "supported";
  for (unsigned i = 1; i <= 2; ++i) {
    if (!n.hasInput(i))
      continue;
    const HostTensor *c = n.constantInput(i);
    if (!c || c->numElements() != 1 || c->isFloat() == bool(qt))
      return n.emitError() << "bound '" << n.inputName(i)
                           << "' must be a constant scalar of the input's "
                              "element type";
    double b = c->value(0);
    if (qt) {
      double storage = b - (n.inputDataType(0) == onnx::TensorProto::UINT8
                                ? 128
                                : 0);
      b = qt.getScale() * (storage - double(qt.getZeroPoint()));
    }
    bounds[i - 1] = static_cast<float>(b);
  }
  // ONNX gives max priority when min > max: every value becomes max.
  if (bounds[0] > bounds[1])
    bounds[0] = bounds[1];
  auto clip = qnn::ClipOp::create(n.builder, n.loc, x.getType(), x,
                                  APFloat(bounds[0]), APFloat(bounds[1]));
  n.setOutput(0, clip, n.inputLayout(0));
  return success();
}

namespace {
/// An ONNX op that is one qnn.unary kind, with its attributes' defaults.
struct UnaryInfo {
  qnn::UnaryKind kind;
  const char *alphaAttr = nullptr;
  float alphaDefault = 0.0f;
  const char *betaAttr = nullptr;
  float betaDefault = 0.0f;
};
} // namespace

static const llvm::StringMap<UnaryInfo> &unaryOps() {
  using K = qnn::UnaryKind;
  static const llvm::StringMap<UnaryInfo> table = {
      {"Sigmoid", {K::Sigmoid}},
      {"Tanh", {K::Tanh}},
      {"Exp", {K::Exp}},
      {"Log", {K::Log}},
      {"Sqrt", {K::Sqrt}},
      {"Reciprocal", {K::Reciprocal}},
      {"Abs", {K::Abs}},
      {"Neg", {K::Neg}},
      {"Floor", {K::Floor}},
      {"Ceil", {K::Ceil}},
      {"Sin", {K::Sin}},
      {"Cos", {K::Cos}},
      {"Softplus", {K::Softplus}},
      {"Softsign", {K::Softsign}},
      {"HardSwish", {K::HardSwish}},
      {"HardSigmoid", {K::HardSigmoid, "alpha", 0.2f, "beta", 0.5f}},
      {"LeakyRelu", {K::LeakyRelu, "alpha", 0.01f}},
      {"Elu", {K::Elu, "alpha", 1.0f}},
      {"Selu",
       {K::Selu, "alpha", 1.67326319217681884765625f, "gamma",
        1.05070102214813232421875f}},
      {"Celu", {K::Celu, "alpha", 1.0f}},
      {"ThresholdedRelu", {K::ThresholdedRelu, "alpha", 1.0f}},
  };
  return table;
}

/// The float function of a constant, for folding (shape computations with
/// float constants, e.g. Sqrt of a constant).
static std::optional<float> foldUnary(qnn::UnaryKind kind, float x) {
  using K = qnn::UnaryKind;
  switch (kind) {
  case K::Exp:
    return std::exp(x);
  case K::Log:
    return std::log(x);
  case K::Sqrt:
    return std::sqrt(x);
  case K::Reciprocal:
    return 1.0f / x;
  case K::Abs:
    return std::fabs(x);
  case K::Neg:
    return -x;
  case K::Floor:
    return std::floor(x);
  case K::Ceil:
    return std::ceil(x);
  default:
    return std::nullopt;
  }
}

static LogicalResult importUnary(NodeImporter &n) {
  const UnaryInfo &info = unaryOps().find(n.opType())->second;
  std::optional<float> alpha, beta;
  if (info.alphaAttr) {
    FailureOr<float> a = n.floatAttr(info.alphaAttr, info.alphaDefault);
    if (failed(a))
      return failure();
    alpha = *a;
  }
  if (info.betaAttr) {
    FailureOr<float> b = n.floatAttr(info.betaAttr, info.betaDefault);
    if (failed(b))
      return failure();
    beta = *b;
  }
  if (const HostTensor *c = n.constantInput(0)) {
    // Integer Abs/Neg on constants (shape arithmetic) and simple float
    // functions fold; anything else is materialized and computed.
    if (!c->isFloat() && (info.kind == qnn::UnaryKind::Abs ||
                          info.kind == qnn::UnaryKind::Neg)) {
      HostTensor t = *c;
      for (int64_t &v : t.ints)
        v = info.kind == qnn::UnaryKind::Abs ? std::abs(v) : -v;
      n.setConstantOutput(0, std::move(t));
      return success();
    }
    if (c->isFloat() && foldUnary(info.kind, 1.0f)) {
      HostTensor t = *c;
      for (float &v : t.floats)
        v = *foldUnary(info.kind, v);
      n.setConstantOutput(0, std::move(t));
      return success();
    }
    if (!c->isFloat())
      return n.emitError() << n.opType() << " of integer constants is not "
                           << "supported";
  }
  Value x = n.inputAsIs(0);
  if (!x)
    return failure();
  auto op = qnn::UnaryOp::create(
      n.builder, n.loc, x.getType(), info.kind, x,
      alpha ? n.builder.getF32FloatAttr(*alpha) : FloatAttr(),
      beta ? n.builder.getF32FloatAttr(*beta) : FloatAttr());
  n.setOutput(0, op, n.inputLayout(0));
  return success();
}

static LogicalResult importIdentity(NodeImporter &n) {
  n.forwardInput(0, 0);
  return success();
}

/// Inference Dropout is the identity; its mask must be unused (the graph
/// walk reports outputs that are read but not defined).
static LogicalResult importDropout(NodeImporter &n) {
  if (n.hasInput(2)) {
    const HostTensor *training = n.constantInput(2);
    if (!training || training->numElements() != 1 || training->value(0) != 0)
      return n.emitError() << "training_mode '" << n.inputName(2)
                           << "' must be a constant false";
  }
  n.forwardInput(0, 0);
  return success();
}

//===----------------------------------------------------------------------===//
// Binary and n-ary
//===----------------------------------------------------------------------===//

namespace {
enum class BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, PRelu };
} // namespace

/// numpy broadcasting of two host tensors with `fn` on doubles (floats) or
/// int64 (integers).
static FailureOr<HostTensor> foldBinary(NodeImporter &n, const HostTensor &a,
                                        const HostTensor &b, BinaryKind kind) {
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(a.shape, b.shape, shape))
    return n.emitError() << "operand shapes " << formatShape(a.shape)
                         << " and " << formatShape(b.shape)
                         << " do not broadcast";
  if (llvm::Error err = checkTensorSize(shape, 8))
    return n.emitError() << "folded output " << llvm::toString(std::move(err));
  HostTensor x = a.broadcastTo(shape), y = b.broadcastTo(shape);
  HostTensor out = x;
  int64_t count = out.numElements();
  if (a.isFloat()) {
    if (!b.isFloat()) {
      FailureOr<HostTensor> yf = y.castTo(a.dataType);
      y = *yf;
    }
    for (int64_t i = 0; i < count; ++i) {
      double p = x.floats[i], q = y.floats[i], r = 0;
      switch (kind) {
      case BinaryKind::Add: r = p + q; break;
      case BinaryKind::Sub: r = p - q; break;
      case BinaryKind::Mul: r = p * q; break;
      case BinaryKind::Div: r = p / q; break;
      case BinaryKind::Pow: r = std::pow(p, q); break;
      case BinaryKind::Max: r = std::max(p, q); break;
      case BinaryKind::Min: r = std::min(p, q); break;
      case BinaryKind::PRelu: r = p < 0 ? p * q : p; break;
      }
      out.floats[i] = static_cast<float>(r);
    }
    return out;
  }
  if (b.isFloat())
    return n.emitError() << "operands of different element types";
  for (int64_t i = 0; i < count; ++i) {
    int64_t p = x.ints[i], q = y.ints[i], r = 0;
    switch (kind) {
    case BinaryKind::Add: r = p + q; break;
    case BinaryKind::Sub: r = p - q; break;
    case BinaryKind::Mul: r = p * q; break;
    case BinaryKind::Div:
      if (q == 0)
        return n.emitError() << "integer division by zero";
      r = p / q;
      break;
    case BinaryKind::Pow:
      r = static_cast<int64_t>(std::pow(double(p), double(q)));
      break;
    case BinaryKind::Max: r = std::max(p, q); break;
    case BinaryKind::Min: r = std::min(p, q); break;
    case BinaryKind::PRelu: r = p < 0 ? p * q : p; break;
    }
    out.ints[i] = r;
  }
  FailureOr<HostTensor> wrapped = out.castTo(a.dataType);
  return *wrapped;
}

/// The operands of an elementwise op in a common layout: NHWC when a value
/// computed at run time is NHWC and all such values have rank 4, else ONNX.
/// Constants are materialized in that layout (right-aligned to rank 4 for
/// NHWC); `transform` may rewrite a constant first (negation for Sub).
static FailureOr<Layout>
elementwiseOperands(NodeImporter &n, ArrayRef<unsigned> inputs,
                    SmallVectorImpl<Value> &operands,
                    function_ref<HostTensor(unsigned, const HostTensor &)>
                        transform = nullptr) {
  bool nhwc = false, lowRank = false;
  for (unsigned i : inputs) {
    if (n.constantInput(i))
      continue;
    nhwc |= n.inputLayout(i) == Layout::NHWC;
    lowRank |= n.inputRank(i) != 4;
  }
  Layout layout = nhwc && !lowRank ? Layout::NHWC : Layout::ONNX;
  for (unsigned i : inputs) {
    const HostTensor *c = n.constantInput(i);
    if (layout == Layout::NHWC && n.inputRank(i) > 4)
      return n.emitError() << "operand '" << n.inputName(i) << "' of rank "
                           << n.inputRank(i)
                           << " cannot broadcast with NHWC operands";
    Value v;
    if (c) {
      HostTensor t = transform ? transform(i, *c) : *c;
      if (!t.isFloat()) {
        FailureOr<HostTensor> f = t.castTo(onnx::TensorProto::FLOAT);
        t = *f;
      }
      if (layout == Layout::NHWC)
        t = t.withRank(4).transposed(kToNHWC);
      v = n.materialize(t, n.inputName(i));
    } else {
      v = n.input(i, layout);
    }
    if (!v)
      return failure();
    operands.push_back(v);
  }
  return layout;
}

/// The broadcast result type of `a` op `b` in `layout`, checked against
/// ONNX's shape.
static RankedTensorType broadcastResultType(NodeImporter &n, Value a, Value b,
                                            Layout layout) {
  auto lhs = cast<RankedTensorType>(a.getType());
  auto rhs = cast<RankedTensorType>(b.getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape)) {
    n.emitError() << "operand shapes " << formatShape(lhs.getShape())
                  << " and " << formatShape(rhs.getShape())
                  << " do not broadcast";
    return {};
  }
  return RankedTensorType::get(shape, lhs.getElementType());
}

static Value createBinary(NodeImporter &n, BinaryKind kind,
                          RankedTensorType type, Value a, Value b) {
  OpBuilder &bld = n.builder;
  switch (kind) {
  case BinaryKind::Add:
    return qnn::AddOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Sub:
    return qnn::SubOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Mul:
    return qnn::MulOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Div:
    return qnn::DivOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Pow:
    return qnn::PowOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Max:
    return qnn::MaximumOp::create(bld, n.loc, type, a, b);
  case BinaryKind::Min:
    return qnn::MinimumOp::create(bld, n.loc, type, a, b);
  case BinaryKind::PRelu:
    break;
  }
  return qnn::PReluOp::create(bld, n.loc, type, a, b);
}

/// Checks the final shape against ONNX's and defines output 0.
static LogicalResult finishElementwise(NodeImporter &n, Value result,
                                       Layout layout) {
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<int64_t> onnxShape(type.getShape());
  if (layout == Layout::NHWC)
    onnxShape = permuteShape(onnxShape, kToNCHW);
  if (!n.outputType(0, onnxShape, layout))
    return failure();
  n.setOutput(0, result, layout);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer arithmetic on values computed at run time
//===----------------------------------------------------------------------===//

IntegerType qmlir::onnx_import::integerComputeType(MLIRContext *ctx,
                                                   int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::INT8:
    return IntegerType::get(ctx, 8);
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT32:
    return IntegerType::get(ctx, 32);
  case onnx::TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}

/// The ONNX type whose host values a constant of `type` holds.
static int32_t onnxTypeOf(IntegerType type) {
  switch (type.getWidth()) {
  case 8:
    return onnx::TensorProto::INT8;
  case 32:
    return onnx::TensorProto::INT32;
  default:
    return onnx::TensorProto::INT64;
  }
}

/// `v` converted elementwise to `elementType` (no op when it has it).
static Value castElements(NodeImporter &n, Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return qnn::CastOp::create(n.builder, n.loc, type.clone(elementType), v);
}

Value qmlir::onnx_import::plainIntegers(NodeImporter &n, unsigned i,
                                        IntegerType type) {
  if (const HostTensor *c = n.constantInput(i)) {
    FailureOr<HostTensor> t = c->castTo(onnxTypeOf(type));
    if (failed(t)) {
      n.emitError() << "'" << n.inputName(i) << "' of element type "
                    << elementTypeName(c->dataType)
                    << " cannot be an integer operand";
      return {};
    }
    return n.materialize(*t, n.inputName(i));
  }
  Value v = n.input(i, Layout::ONNX);
  if (!v)
    return {};
  auto vt = cast<RankedTensorType>(v.getType());
  auto q = dyn_cast<quant::QuantizedType>(vt.getElementType());
  if (!q)
    return castElements(n, v, type);
  // The storage integers are the ONNX integers, except UINT8's u - 128.
  v = quant::StorageCastOp::create(n.builder, n.loc,
                                   vt.clone(q.getStorageType()), v);
  v = castElements(n, v, type);
  if (n.inputDataType(i) == onnx::TensorProto::UINT8) {
    if (type.getWidth() <= 8) {
      n.emitError() << "UINT8 values need a compute type wider than 8 bits";
      return {};
    }
    Value offset = n.materialize(
        HostTensor::fromInts({}, {128}, onnxTypeOf(type)), "uint8_offset");
    if (!offset)
      return {};
    v = qnn::AddOp::create(n.builder, n.loc, v.getType(), v, offset);
  }
  return v;
}

Value qmlir::onnx_import::fromPlainIntegers(NodeImporter &n, Value v,
                                            int32_t dataType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (dataType == onnx::TensorProto::INT64)
    return castElements(n, v, n.builder.getI64Type());
  if (dataType != onnx::TensorProto::INT8 &&
      dataType != onnx::TensorProto::UINT8 &&
      dataType != onnx::TensorProto::INT32) {
    n.emitError() << "integer results of type " << elementTypeName(dataType)
                  << " are not supported";
    return {};
  }
  bool isU8 = dataType == onnx::TensorProto::UINT8;
  if (isU8) {
    // u (any integer) wraps to 0..255, held as int8 storage u - 128: the
    // low 8 bits of u - 128.
    Value offset = n.materialize(
        HostTensor::fromInts({}, {-128},
                             onnxTypeOf(cast<IntegerType>(
                                 type.getElementType()))),
        "uint8_offset");
    if (!offset)
      return {};
    v = qnn::AddOp::create(n.builder, n.loc, type, v, offset);
  }
  quant::UniformQuantizedType raw =
      rawQuantType(n.context(), dataType, /*shifted=*/isU8);
  v = castElements(n, v, raw.getStorageType());
  return quant::StorageCastOp::create(n.builder, n.loc, type.clone(raw), v);
}

/// Add, Sub, Mul, Div, Pow, Max, Min with an integer operand computed at
/// run time: ONNX's integer semantics (wrapping; Div truncates toward zero)
/// on plain integers, in ONNX layout. Pow's base and exponent may differ in
/// type (T, T1); the result has the base's.
static LogicalResult importIntegerBinary(NodeImporter &n, BinaryKind kind,
                                         ArrayRef<unsigned> inputs) {
  int32_t resultType = n.inputDataType(inputs[0]);
  auto operand = [&](unsigned i) -> Value {
    int32_t t = n.inputDataType(i);
    if (isFloatType(t))
      return n.constantInput(i)
                 ? n.materialize(*n.constantInput(i), n.inputName(i))
                 : n.input(i, Layout::ONNX);
    IntegerType ct = integerComputeType(n.context(), t);
    if (!ct) {
      n.emitError() << n.opType() << " of " << elementTypeName(t)
                    << " values is not supported";
      return {};
    }
    return plainIntegers(n, i, ct);
  };
  if (kind != BinaryKind::Pow)
    for (unsigned i : inputs)
      if (n.inputDataType(i) != resultType)
        return n.emitError() << n.opType() << " of "
                             << elementTypeName(resultType) << " and "
                             << elementTypeName(n.inputDataType(i))
                             << " operands";
  Value acc = operand(inputs[0]);
  if (!acc)
    return failure();
  for (unsigned i : inputs.drop_front()) {
    Value v = operand(i);
    if (!v)
      return failure();
    RankedTensorType type = broadcastResultType(n, acc, v, Layout::ONNX);
    if (!type)
      return failure();
    acc = createBinary(n, kind, type, acc, v);
  }
  if (!isFloatType(resultType)) {
    acc = fromPlainIntegers(n, acc, resultType);
    if (!acc)
      return failure();
  }
  return finishElementwise(n, acc, Layout::ONNX);
}

/// Whether an input of `n` is integers computed at run time.
static bool hasRunTimeIntegers(NodeImporter &n, ArrayRef<unsigned> inputs) {
  return llvm::any_of(inputs, [&](unsigned i) {
    return !n.constantInput(i) && !isFloatType(n.inputDataType(i));
  });
}

template <BinaryKind kind> static LogicalResult importBinary(NodeImporter &n) {
  if (kind != BinaryKind::PRelu && !n.allInputsConstant() &&
      hasRunTimeIntegers(n, {0, 1}))
    return importIntegerBinary(n, kind, {0, 1});
  if (n.allInputsConstant()) {
    FailureOr<HostTensor> t =
        foldBinary(n, *n.constantInput(0), *n.constantInput(1), kind);
    if (failed(t))
      return failure();
    n.setConstantOutput(0, std::move(*t));
    return success();
  }
  // x - c is x + (-c): qnn.add has integer semantics, qnn.sub does not.
  bool subOfConstant = kind == BinaryKind::Sub && n.constantInput(1);
  // PRelu before opset 7 applied a 1-D slope of C values along dim 1, which
  // numpy broadcasting does not; such constant slopes get their trailing
  // unit dims.
  bool legacySlope = false;
  if (kind == BinaryKind::PRelu && n.constantInput(1)) {
    ArrayRef<int64_t> in = n.inputShape(0), slope = n.inputShape(1);
    SmallVector<int64_t> shape;
    legacySlope = in.size() > 2 && slope.size() == 1 && slope[0] == in[1] &&
                  slope[0] != 1 &&
                  !(OpTrait::util::getBroadcastedShape(in, slope, shape) &&
                    ArrayRef<int64_t>(shape) == in);
  }
  SmallVector<Value, 2> ops;
  FailureOr<Layout> layout = elementwiseOperands(
      n, {0, 1}, ops, [&](unsigned i, const HostTensor &c) {
        HostTensor t = c;
        if (subOfConstant && i == 1) {
          for (float &v : t.floats)
            v = -v;
          for (int64_t &v : t.ints)
            v = -v;
        }
        if (legacySlope && i == 1) {
          SmallVector<int64_t> shape(n.inputRank(0) - 1, 1);
          shape[0] = t.shape[0];
          t = t.reshaped(shape);
        }
        return t;
      });
  if (failed(layout))
    return failure();
  RankedTensorType type = broadcastResultType(n, ops[0], ops[1], *layout);
  if (!type)
    return failure();
  BinaryKind k = subOfConstant ? BinaryKind::Add : kind;
  if (kind == BinaryKind::PRelu &&
      type.getShape() !=
          cast<RankedTensorType>(ops[0].getType()).getShape())
    return n.emitError() << "slope '" << n.inputName(1)
                         << "' does not broadcast to the input's shape";
  return finishElementwise(n, createBinary(n, k, type, ops[0], ops[1]),
                           *layout);
}

/// Sum, Mean, Max, Min: a left-to-right chain of binary ops (Mean divides
/// by the count at the end).
template <BinaryKind kind, bool mean = false>
static LogicalResult importVariadic(NodeImporter &n) {
  SmallVector<unsigned> inputs;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      inputs.push_back(i);
  if (inputs.empty())
    return n.emitError() << n.opType() << " needs at least one input";
  // INT64 values are plain integers; Max and Min of integers held as
  // quantized values compare storage values: every operand must be a
  // run-time value of the same type.
  bool quantized = hasRunTimeIntegers(n, inputs);
  if (quantized && (kind == BinaryKind::Max || kind == BinaryKind::Min) &&
      llvm::any_of(inputs, [&](unsigned i) {
        return n.inputDataType(i) == onnx::TensorProto::INT64;
      }))
    return importIntegerBinary(n, kind, inputs);
  if (quantized) {
    if (kind != BinaryKind::Max && kind != BinaryKind::Min)
      return n.emitError() << n.opType() << " of "
                           << elementTypeName(n.inputDataType(inputs[0]))
                           << " values computed at run time is not "
                              "supported (integer arithmetic)";
    SmallVector<Value> ops;
    for (unsigned i : inputs) {
      Value v = n.constantInput(i) ? Value() : n.input(i, Layout::ONNX);
      if (!v || (!ops.empty() &&
                 cast<RankedTensorType>(v.getType()).getElementType() !=
                     cast<RankedTensorType>(ops[0].getType())
                         .getElementType()))
        return n.emitError() << n.opType() << " of integers needs run-time "
                                "operands of one type";
      ops.push_back(v);
    }
    Value acc = ops[0];
    for (Value v : ArrayRef<Value>(ops).drop_front()) {
      RankedTensorType type = broadcastResultType(n, acc, v, Layout::ONNX);
      if (!type)
        return failure();
      acc = createBinary(n, kind, type, acc, v);
    }
    return finishElementwise(n, acc, Layout::ONNX);
  }
  if (n.allInputsConstant()) {
    HostTensor acc = *n.constantInput(inputs[0]);
    for (unsigned i : ArrayRef<unsigned>(inputs).drop_front()) {
      FailureOr<HostTensor> t = foldBinary(n, acc, *n.constantInput(i), kind);
      if (failed(t))
        return failure();
      acc = std::move(*t);
    }
    if (mean) {
      HostTensor count = HostTensor::fromFloats({}, {float(inputs.size())});
      FailureOr<HostTensor> t = foldBinary(n, acc, count, BinaryKind::Div);
      if (failed(t))
        return failure();
      acc = std::move(*t);
    }
    n.setConstantOutput(0, std::move(acc));
    return success();
  }
  SmallVector<Value> ops;
  FailureOr<Layout> layout = elementwiseOperands(n, inputs, ops);
  if (failed(layout))
    return failure();
  Value acc = ops[0];
  for (Value v : ArrayRef<Value>(ops).drop_front()) {
    RankedTensorType type = broadcastResultType(n, acc, v, *layout);
    if (!type)
      return failure();
    acc = createBinary(n, kind, type, acc, v);
  }
  if (mean && ops.size() > 1) {
    auto type = cast<RankedTensorType>(acc.getType());
    Value inv = n.materialize(
        HostTensor::fromFloats({}, {1.0f / float(ops.size())}), "mean_scale");
    if (!inv)
      return failure();
    acc = qnn::MulOp::create(n.builder, n.loc, type, acc, inv);
  }
  return finishElementwise(n, acc, *layout);
}

void qmlir::onnx_import::registerElementwiseHandlers(HandlerTable &table) {
  table["Relu"] = importRelu;
  table["Clip"] = {importClip, /*takesQuantized=*/true};
  for (const auto &entry : unaryOps())
    table[entry.getKey()] = importUnary;
  table["Identity"] = {importIdentity, /*takesQuantized=*/true,
                       /*takesPlainIntegers=*/true};
  table["Dropout"] = importDropout;
  // Integer arithmetic: see importIntegerBinary.
  table["Add"] = {importBinary<BinaryKind::Add>, true, true};
  table["Sub"] = {importBinary<BinaryKind::Sub>, true, true};
  table["Mul"] = {importBinary<BinaryKind::Mul>, true, true};
  table["Div"] = {importBinary<BinaryKind::Div>, true, true};
  table["Pow"] = {importBinary<BinaryKind::Pow>, true, true};
  table["PRelu"] = importBinary<BinaryKind::PRelu>;
  table["Sum"] = importVariadic<BinaryKind::Add>;
  table["Mean"] = importVariadic<BinaryKind::Add, true>;
  table["Max"] = {importVariadic<BinaryKind::Max>, true, true};
  table["Min"] = {importVariadic<BinaryKind::Min>, true, true};
}
