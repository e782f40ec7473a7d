//===- ConstantOps.cpp - Constant, Shape, Size, Cast, Range, ConstantOfShape //
//
// Ops whose results are known at import time: every shape is static, so
// Shape and Size are constants, and Cast, Range and ConstantOfShape of
// constants are folded on the host. Their integer results (shape tensors)
// feed Reshape, Slice, Pad, ... as constants and never become qnn values.
// Cast of values computed at run time: float to float is the identity,
// integers to float a dequantize (INT64: qnn.cast), anything to an integer
// type a qnn.cast on plain integers.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Support/Limits.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

static LogicalResult importConstant(NodeImporter &n) {
  const onnx::NodeProto &node = n.proto();
  if (node.attribute_size() != 1)
    return n.emitError() << "expected exactly one value attribute";
  const onnx::AttributeProto &a = node.attribute(0);
  HostTensor t;
  if (a.name() == "value") {
    std::string error;
    FailureOr<HostTensor> read = readTensor(a.t(), error);
    if (failed(read))
      return n.emitError() << "attribute 'value' " << error;
    t = std::move(*read);
  } else if (a.name() == "value_float") {
    t = HostTensor::fromFloats({}, {a.f()});
  } else if (a.name() == "value_floats") {
    t = HostTensor::fromFloats({a.floats_size()},
                               {a.floats().begin(), a.floats().end()});
  } else if (a.name() == "value_int") {
    t = HostTensor::fromInts({}, {a.i()});
  } else if (a.name() == "value_ints") {
    t = HostTensor::fromInts({a.ints_size()},
                             {a.ints().begin(), a.ints().end()});
  } else {
    return n.emitError() << "Constant attribute '" << a.name()
                         << "' is not supported (only value, value_float(s) "
                            "and value_int(s))";
  }
  n.setConstantOutput(0, std::move(t));
  return success();
}

/// Opset 15 Shape: the static shape, sliced by `start` and `end`.
static LogicalResult importShape(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  FailureOr<int64_t> start = n.intAttr("start", 0);
  FailureOr<int64_t> end = n.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t s = clampIndex(*start), e = std::max(s, clampIndex(*end));
  std::vector<int64_t> dims(in.begin() + s, in.begin() + e);
  n.setConstantOutput(0, HostTensor::fromInts({e - s}, std::move(dims)));
  return success();
}

static LogicalResult importSize(NodeImporter &n) {
  n.setConstantOutput(
      0, HostTensor::fromInts({}, {n.inputType(0).getNumElements()}));
  return success();
}

static LogicalResult importCast(NodeImporter &n) {
  FailureOr<int64_t> to = n.intAttr("to", 0);
  if (failed(to))
    return failure();
  if (const HostTensor *c = n.constantInput(0)) {
    FailureOr<HostTensor> t = c->castTo(*to);
    if (failed(t))
      return n.emitError() << "Cast to " << elementTypeName(*to)
                           << " is not supported";
    n.setConstantOutput(0, std::move(*t));
    return success();
  }
  int32_t from = n.inputDataType(0);
  if (*to == from) {
    n.forwardInput(0, 0);
    return success();
  }
  // To an integer type, or INT64 values to float: qnn.cast on plain
  // integers (wrapping to narrower types, float truncated toward zero).
  IntegerType toInt = integerComputeType(n.context(), *to);
  IntegerType fromInt = integerComputeType(n.context(), from);
  bool fromFloat = from == onnx::TensorProto::FLOAT;
  if ((toInt && (fromInt || fromFloat)) ||
      (*to == onnx::TensorProto::FLOAT && from == onnx::TensorProto::INT64)) {
    Value v = fromFloat ? n.input(0, Layout::ONNX)
                        : plainIntegers(n, 0, fromInt);
    if (!v)
      return failure();
    auto type = cast<RankedTensorType>(v.getType());
    Type et = toInt ? Type(toInt) : Type(n.builder.getF32Type());
    if (type.getElementType() != et)
      v = qnn::CastOp::create(n.builder, n.loc, type.clone(et), v);
    if (toInt && !(v = fromPlainIntegers(n, v, *to)))
      return failure();
    n.setOutput(0, v, Layout::ONNX);
    return success();
  }
  // Integers computed at run time (quantized values) to float: their raw
  // values, i.e. a dequantize with scale 1 and zero point 0.
  if (*to == onnx::TensorProto::FLOAT && !isFloatType(from)) {
    Value f = integersAsFloat(n, 0);
    if (!f)
      return failure();
    n.setOutput(0, f, n.inputLayout(0));
    return success();
  }
  if (*to != n.inputDataType(0))
    return n.emitError() << "Cast of a value computed at run time from "
                         << elementTypeName(n.inputDataType(0)) << " to "
                         << elementTypeName(*to) << " is not supported";
  n.forwardInput(0, 0);
  return success();
}

/// CastLike: Cast to the element type of input 1.
static LogicalResult importCastLike(NodeImporter &n) {
  int32_t to = n.inputDataType(1);
  if (const HostTensor *c = n.constantInput(0)) {
    FailureOr<HostTensor> t = c->castTo(to);
    if (failed(t))
      return n.emitError() << "CastLike to " << elementTypeName(to)
                           << " is not supported";
    n.setConstantOutput(0, std::move(*t));
    return success();
  }
  if (to != n.inputDataType(0))
    return n.emitError() << "CastLike of a value computed at run time from "
                         << elementTypeName(n.inputDataType(0)) << " to "
                         << elementTypeName(to) << " is not supported";
  n.forwardInput(0, 0);
  return success();
}

static LogicalResult importRange(NodeImporter &n) {
  const HostTensor *start = n.requireConstant(0, "start");
  const HostTensor *limit = n.requireConstant(1, "limit");
  const HostTensor *delta = n.requireConstant(2, "delta");
  if (!start || !limit || !delta)
    return failure();
  if (start->numElements() != 1 || limit->numElements() != 1 ||
      delta->numElements() != 1)
    return n.emitError() << "start, limit and delta must be scalars";
  double s = start->value(0), l = limit->value(0), d = delta->value(0);
  if (d == 0)
    return n.emitError() << "delta is 0";
  // The count is checked as a double: a huge one would overflow the cast.
  double steps = std::max(0.0, std::ceil((l - s) / d));
  if (!(steps <= double(maxTensorBytes() / 8)))
    return n.emitError() << "Range of " << steps
                         << " elements is above the limit of "
                         << maxTensorBytes()
                         << " bytes (raise it with --max-tensor-bytes or "
                            "QMLIR_MAX_TENSOR_BYTES)";
  int64_t count = static_cast<int64_t>(steps);
  HostTensor t;
  t.dataType = start->dataType;
  t.shape = {count};
  // ONNX defines element i as start + i * delta.
  for (int64_t i = 0; i < count; ++i) {
    if (start->isFloat())
      t.floats.push_back(static_cast<float>(start->floats[0] +
                                            float(i) * delta->floats[0]));
    else
      t.ints.push_back(start->ints[0] + i * delta->ints[0]);
  }
  n.setConstantOutput(0, std::move(t));
  return success();
}

static LogicalResult importConstantOfShape(NodeImporter &n) {
  const HostTensor *shapeInput = n.requireConstant(0, "shape");
  if (!shapeInput)
    return failure();
  if (shapeInput->isFloat() || shapeInput->shape.size() != 1)
    return n.emitError() << "shape '" << n.inputName(0)
                         << "' must be a 1-D integer tensor";
  HostTensor value = HostTensor::fromFloats({1}, {0.0f});
  if (const onnx::AttributeProto *a = n.attr("value")) {
    std::string error;
    FailureOr<HostTensor> read = readTensor(a->t(), error);
    if (failed(read))
      return n.emitError() << "attribute 'value' " << error;
    if (read->numElements() != 1)
      return n.emitError() << "attribute 'value' must hold one element";
    value = std::move(*read);
  }
  for (int64_t d : shapeInput->ints)
    if (d < 0)
      return n.emitError() << "shape " << formatList(shapeInput->ints)
                           << " has a negative dimension";
  if (llvm::Error err = checkTensorSize(shapeInput->ints, 8))
    return n.emitError() << "output " << llvm::toString(std::move(err));
  n.setConstantOutput(0, value.reshaped({}).broadcastTo(shapeInput->ints));
  return success();
}

void qmlir::onnx_import::registerConstantHandlers(HandlerTable &table) {
  // Shape and Size read only the (static) shape, so any value will do.
  table["Constant"] = importConstant;
  table["Shape"] = {importShape, /*takesQuantized=*/true,
                    /*takesPlainIntegers=*/true};
  table["Size"] = {importSize, /*takesQuantized=*/true,
                   /*takesPlainIntegers=*/true};
  table["Cast"] = {importCast, /*takesQuantized=*/true,
                   /*takesPlainIntegers=*/true};
  table["CastLike"] = importCastLike;
  table["Range"] = importRange;
  table["ConstantOfShape"] = importConstantOfShape;
}
