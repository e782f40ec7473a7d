//===- ElementwiseOps.cpp - Const, Identity, activations, binary ops ------===//
//
// Unary ops work in whatever layout their input has. Binary ops switch to
// NHWC when a non-constant operand is held in NHWC: rank-4 values use their
// NHWC form, lower-rank constants are right-aligned to rank 4 and transposed
// on the host, which keeps TF's broadcasting intact. Binary ops on two
// constants are folded on the host (shape arithmetic, parameter
// preprocessing), in float32 for floats as TF computes them. Sigmoid, Tanh,
// Exp, Sqrt, Rsqrt, LeakyRelu and Elu are qnn.unary of their kind; ops qnn
// has no single op for are decomposed exactly: Relu6 = clip, Square and
// SquaredDifference = mul, Sub of a constant = add of its negation.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

//===----------------------------------------------------------------------===//
// Graph plumbing
//===----------------------------------------------------------------------===//

static LogicalResult importConst(NodeImporter &n) {
  const tfproto::AttrValue *value = n.attr("value");
  if (!value || value->value_case() != tfproto::AttrValue::kTensor)
    return n.emitError() << "Const has no tensor 'value' attribute";
  std::string error;
  FailureOr<HostTensor> t = readTensor(value->tensor(), error);
  if (failed(t))
    return n.emitError() << "value " << error;
  n.setConstantOutput(0, std::move(*t));
  return success();
}

/// Identity, StopGradient, Snapshot, and PlaceholderWithDefault that is not
/// fed: the output is the input.
static LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  n.forwardInput(0, 0);
  return success();
}

static LogicalResult importIdentityN(NodeImporter &n) {
  for (unsigned i = 0; i < n.numInputs(); ++i)
    n.forwardInput(i, i);
  return success();
}

/// NoOp has no outputs; it is only needed when named as an output.
static LogicalResult importNoOp(NodeImporter &n) { return success(); }

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

/// A float runtime value of input 0 in its producer's layout.
static Value floatInput(NodeImporter &n, unsigned i, Layout layout) {
  if (!n.inputType(i).getElementType().isF32()) {
    n.emitError() << "input '" << n.inputName(i) << "' has element type "
                  << n.inputType(i).getElementType()
                  << "; only float32 tensors are supported here";
    return {};
  }
  return n.input(i, layout);
}

enum class Unary {
  Relu,
  Relu6,
  Sigmoid,
  Tanh,
  Exp,
  Sqrt,
  Rsqrt,
  Square,
  LeakyRelu,
  Elu
};

template <Unary kind> static LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) || failed(n.requireFloatType("T")))
    return failure();
  Layout layout = n.inputLayout(0);
  Value x = floatInput(n, 0, layout);
  if (!x)
    return failure();
  Type type = x.getType();
  OpBuilder &b = n.builder;
  Location loc = n.loc;
  auto unary = [&](qnn::UnaryKind unaryKind, float alpha = 0.0f,
                   bool hasAlpha = false) -> Value {
    return qnn::UnaryOp::create(
        b, loc, type, unaryKind, x,
        hasAlpha ? b.getF32FloatAttr(alpha) : FloatAttr(), FloatAttr());
  };
  Value y;
  switch (kind) {
  case Unary::Relu:
    y = qnn::ReluOp::create(b, loc, type, x);
    break;
  case Unary::Relu6:
    y = qnn::ClipOp::create(b, loc, type, x, APFloat(0.0f), APFloat(6.0f));
    break;
  case Unary::Sigmoid:
    y = unary(qnn::UnaryKind::Sigmoid);
    break;
  case Unary::Tanh:
    y = unary(qnn::UnaryKind::Tanh);
    break;
  case Unary::Exp:
    y = unary(qnn::UnaryKind::Exp);
    break;
  case Unary::Sqrt:
    y = unary(qnn::UnaryKind::Sqrt);
    break;
  case Unary::Rsqrt:
    y = unary(qnn::UnaryKind::Rsqrt);
    break;
  case Unary::Square:
    y = qnn::MulOp::create(b, loc, type, x, x);
    break;
  case Unary::LeakyRelu: {
    // TF: x > 0 ? x : alpha * x, qnn.unary leaky_relu for any alpha.
    FailureOr<float> alpha = n.floatAttr("alpha", 0.2f);
    if (failed(alpha))
      return failure();
    y = unary(qnn::UnaryKind::LeakyRelu, *alpha, /*hasAlpha=*/true);
    break;
  }
  case Unary::Elu:
    // TF: x < 0 ? exp(x) - 1 : x, qnn.unary elu with alpha 1.
    y = unary(qnn::UnaryKind::Elu, 1.0f, /*hasAlpha=*/true);
    break;
  }
  n.setOutput(0, y, layout);
  return success();
}

static LogicalResult importSoftmax(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) || failed(n.requireFloatType("T")))
    return failure();
  Value x = floatInput(n, 0, Layout::TF);
  if (!x)
    return failure();
  if (n.inputType(0).getRank() < 1)
    return n.emitError() << "Softmax needs an input of rank >= 1";
  RankedTensorType type = n.outputType(0, n.inputType(0).getShape());
  if (!type)
    return failure();
  n.setOutput(0, qnn::SoftmaxOp::create(n.builder, n.loc, type, x, -1));
  return success();
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

enum class Binary { Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference };

static double applyBinary(Binary kind, double a, double b, bool isFloat) {
  // Floats are computed in float32, as TF does.
  auto f = [&](double v) { return isFloat ? double(float(v)) : v; };
  float fa = float(a), fb = float(b);
  switch (kind) {
  case Binary::Add:
    return isFloat ? double(fa + fb) : a + b;
  case Binary::Sub:
    return isFloat ? double(fa - fb) : a - b;
  case Binary::Mul:
    return isFloat ? double(fa * fb) : a * b;
  case Binary::Div:
    return isFloat ? double(fa / fb) : a / b;
  case Binary::Maximum:
    return f(std::max(a, b));
  case Binary::Minimum:
    return f(std::min(a, b));
  case Binary::SquaredDifference:
    return isFloat ? double((fa - fb) * (fa - fb)) : (a - b) * (a - b);
  }
  return 0.0;
}

/// Both operands known: the result on the host, with numpy broadcasting.
static LogicalResult foldBinary(NodeImporter &n, Binary kind,
                                const HostTensor &a, const HostTensor &b) {
  if (a.dtype != b.dtype)
    return n.emitError() << "operands have types " << dataTypeName(a.dtype)
                         << " and " << dataTypeName(b.dtype);
  if (kind == Binary::Div && !a.isFloat())
    return n.emitError() << "integer RealDiv is not supported";
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(a.shape, b.shape, shape))
    return n.emitError() << "operand shapes " << formatShape(a.shape) << " and "
                         << formatShape(b.shape) << " do not broadcast";
  int64_t rank = shape.size();
  HostTensor ea = a.withRank(rank), eb = b.withRank(rank);
  HostTensor out;
  out.dtype = a.dtype;
  out.shape = shape;
  int64_t count = out.numElements();
  SmallVector<int64_t> idx(rank, 0);
  auto offset = [&](const HostTensor &t) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o = o * t.shape[d] + (t.shape[d] == 1 ? 0 : idx[d]);
    return o;
  };
  for (int64_t i = 0; i < count; ++i) {
    double v =
        applyBinary(kind, ea.get(offset(ea)), eb.get(offset(eb)), a.isFloat());
    if (a.isFloat())
      out.floats.push_back(float(v));
    else
      out.ints.push_back(static_cast<int64_t>(v));
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  n.setConstantOutput(0, std::move(out));
  return success();
}

template <Binary kind> static LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  const HostTensor *ca = n.constantInput(0), *cb = n.constantInput(1);
  if (ca && cb)
    return foldBinary(n, kind, *ca, *cb);
  if (failed(n.requireFloatType("T")))
    return failure();

  bool nhwc = false;
  for (unsigned i = 0; i < 2; ++i)
    nhwc |= !n.constantInput(i) && n.inputLayout(i) == Layout::NHWC;
  Layout layout = nhwc ? Layout::NHWC : Layout::TF;

  // Sub of a constant is the add of its negation, which qnn can quantize.
  bool negateRhs = (kind == Binary::Sub || kind == Binary::SquaredDifference) &&
                   cb && cb->isFloat();
  Value operands[2];
  for (unsigned i = 0; i < 2; ++i) {
    int64_t rank = n.inputType(i).getRank();
    const HostTensor *c = n.constantInput(i);
    bool negate = negateRhs && i == 1;
    if (nhwc && rank > 4)
      return n.emitError() << "operand '" << n.inputName(i) << "' of rank "
                           << rank << " cannot broadcast with NHWC operands";
    if (nhwc && rank < 4 && !c)
      return n.emitError() << "non-constant operand '" << n.inputName(i)
                           << "' of rank " << rank
                           << " cannot broadcast with an NCHW operand held "
                              "in NHWC";
    if (c && (negate || (nhwc && rank < 4))) {
      HostTensor t = *c;
      if (!t.isFloat())
        return n.emitError() << "operand '" << n.inputName(i)
                             << "' is an integer tensor; only float32 "
                                "tensors are supported here";
      if (negate)
        for (float &v : t.floats)
          v = -v;
      if (nhwc)
        t = t.withRank(4).transposed(kToNHWC);
      operands[i] = n.materialize(t, i);
    } else {
      operands[i] = floatInput(n, i, layout);
    }
    if (!operands[i])
      return failure();
  }

  auto lhsType = cast<RankedTensorType>(operands[0].getType());
  auto rhsType = cast<RankedTensorType>(operands[1].getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                          rhsType.getShape(), shape))
    return n.emitError() << "operand shapes "
                         << formatShape(n.inputType(0).getShape()) << " and "
                         << formatShape(n.inputType(1).getShape())
                         << " do not broadcast";
  RankedTensorType type =
      n.outputType(0, nhwc ? permuteShape(shape, kToNCHW) : shape, layout);
  if (!type)
    return failure();
  OpBuilder &b = n.builder;
  Location loc = n.loc;
  Value lhs = operands[0], rhs = operands[1], result;
  switch (kind) {
  case Binary::Add:
    result = qnn::AddOp::create(b, loc, type, lhs, rhs);
    break;
  case Binary::Sub:
    result = negateRhs ? Value(qnn::AddOp::create(b, loc, type, lhs, rhs))
                       : Value(qnn::SubOp::create(b, loc, type, lhs, rhs));
    break;
  case Binary::Mul:
    result = qnn::MulOp::create(b, loc, type, lhs, rhs);
    break;
  case Binary::Div:
    result = qnn::DivOp::create(b, loc, type, lhs, rhs);
    break;
  case Binary::Maximum:
    result = qnn::MaximumOp::create(b, loc, type, lhs, rhs);
    break;
  case Binary::Minimum:
    result = qnn::MinimumOp::create(b, loc, type, lhs, rhs);
    break;
  case Binary::SquaredDifference: {
    Value d = negateRhs ? Value(qnn::AddOp::create(b, loc, type, lhs, rhs))
                        : Value(qnn::SubOp::create(b, loc, type, lhs, rhs));
    result = qnn::MulOp::create(b, loc, type, d, d);
    break;
  }
  }
  n.setOutput(0, result, layout);
  return success();
}

/// BiasAdd adds a 1-D bias along the channel dimension, which data_format
/// names: the last one (NHWC), or dimension 1 (NCHW).
static LogicalResult importBiasAdd(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(n.requireFloatType("T")))
    return failure();
  FailureOr<bool> nchw = n.isNCHW();
  if (failed(nchw))
    return failure();
  RankedTensorType in = n.inputType(0), biasType = n.inputType(1);
  int64_t rank = in.getRank();
  if (rank < 2)
    return n.emitError() << "BiasAdd needs an input of rank >= 2, got " << rank;
  int64_t channelDim = *nchw ? 1 : rank - 1;
  int64_t channels = in.getDimSize(channelDim);
  if (biasType.getShape() != ArrayRef<int64_t>{channels})
    return n.emitError() << "bias '" << n.inputName(1) << "' has shape "
                         << formatShape(biasType.getShape()) << ", expected "
                         << channels;
  RankedTensorType outTF = n.outputType(0, in.getShape());
  if (!outTF)
    return failure();
  // NCHW values held in NHWC take the bias on their last dimension.
  bool viaNHWC = *nchw && rank == 4 && n.inputLayout(0) == Layout::NHWC;
  Value bias;
  if (*nchw && !viaNHWC) {
    // Bias [C] as [C, 1, ..., 1] to broadcast against dimension 1.
    SmallVector<int64_t> shape(rank - 1, 1);
    shape[0] = channels;
    if (const HostTensor *c = n.constantInput(1)) {
      bias = n.materialize(c->reshaped(shape), 1);
    } else {
      Value b = floatInput(n, 1, Layout::TF);
      if (!b)
        return failure();
      bias = qnn::ReshapeOp::create(
          n.builder, n.loc,
          RankedTensorType::get(shape, n.builder.getF32Type()), b);
    }
  } else {
    bias = floatInput(n, 1, Layout::TF);
  }
  Layout layout = viaNHWC ? Layout::NHWC : Layout::TF;
  Value x = floatInput(n, 0, layout);
  if (!x || !bias)
    return failure();
  n.setOutput(0, qnn::AddOp::create(n.builder, n.loc, x.getType(), x, bias),
              layout);
  return success();
}

void qmlir::tf_import::registerElementwiseHandlers(HandlerTable &table) {
  table["Const"] = importConst;
  table["Identity"] = importIdentity;
  table["StopGradient"] = importIdentity;
  table["Snapshot"] = importIdentity;
  table["PlaceholderWithDefault"] = importIdentity;
  table["IdentityN"] = importIdentityN;
  table["NoOp"] = importNoOp;
  table["Relu"] = importUnary<Unary::Relu>;
  table["Relu6"] = importUnary<Unary::Relu6>;
  table["Sigmoid"] = importUnary<Unary::Sigmoid>;
  table["Tanh"] = importUnary<Unary::Tanh>;
  table["Exp"] = importUnary<Unary::Exp>;
  table["Sqrt"] = importUnary<Unary::Sqrt>;
  table["Rsqrt"] = importUnary<Unary::Rsqrt>;
  table["Square"] = importUnary<Unary::Square>;
  table["LeakyRelu"] = importUnary<Unary::LeakyRelu>;
  table["Elu"] = importUnary<Unary::Elu>;
  table["Softmax"] = importSoftmax;
  table["Add"] = importBinary<Binary::Add>;
  table["AddV2"] = importBinary<Binary::Add>;
  table["Sub"] = importBinary<Binary::Sub>;
  table["Mul"] = importBinary<Binary::Mul>;
  table["RealDiv"] = importBinary<Binary::Div>;
  table["Maximum"] = importBinary<Binary::Maximum>;
  table["Minimum"] = importBinary<Binary::Minimum>;
  table["SquaredDifference"] = importBinary<Binary::SquaredDifference>;
  table["BiasAdd"] = importBiasAdd;
}
