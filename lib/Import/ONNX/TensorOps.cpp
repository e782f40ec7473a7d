//===- TensorOps.cpp - Constant, Reshape, Flatten, Softmax ----------------===//
//
// Ops whose meaning depends on ONNX's dimension order: their inputs are
// converted back to ONNX layout first. Reshape and Flatten of constants are
// done on the host (the data does not move, only the shape changes).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

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
    t.floats = {a.f()};
  } else if (a.name() == "value_floats") {
    t.floats.assign(a.floats().begin(), a.floats().end());
    t.shape = {static_cast<int64_t>(t.floats.size())};
  } else if (a.name() == "value_int") {
    t.isFloat = false;
    t.ints = {a.i()};
  } else if (a.name() == "value_ints") {
    t.isFloat = false;
    t.ints.assign(a.ints().begin(), a.ints().end());
    t.shape = {static_cast<int64_t>(t.ints.size())};
  } else {
    return n.emitError() << "Constant attribute '" << a.name()
                         << "' is not supported (only value, value_float(s) "
                            "and value_int(s))";
  }
  n.setConstantOutput(0, std::move(t));
  return success();
}

/// Defines output 0 as input 0 reshaped (row-major, ONNX layout) to `shape`.
static LogicalResult reshapeTo(NodeImporter &n, ArrayRef<int64_t> shape) {
  if (const HostTensor *c = n.constantInput(0)) {
    HostTensor t = *c;
    t.shape.assign(shape.begin(), shape.end());
    n.setConstantOutput(0, std::move(t));
    return success();
  }
  RankedTensorType type = n.outputType(0, shape);
  Value x = n.input(0, Layout::ONNX);
  if (!type || !x)
    return failure();
  n.setOutput(0, qnn::ReshapeOp::create(n.builder, n.loc, type, x),
              Layout::ONNX);
  return success();
}

static LogicalResult importReshape(NodeImporter &n) {
  const HostTensor *target = n.constantInput(1);
  if (!target || target->isFloat || target->shape.size() != 1)
    return n.emitError() << "shape '" << n.inputName(1)
                         << "' must be a constant 1-D integer tensor";
  FailureOr<int64_t> allowZero = n.intAttr("allowzero", 0);
  if (failed(allowZero))
    return failure();
  ArrayRef<int64_t> in = n.inputType(0).getShape();
  int64_t total = 1;
  for (int64_t d : in)
    total *= d;
  SmallVector<int64_t> shape;
  std::optional<size_t> inferredDim;
  int64_t known = 1;
  for (size_t i = 0; i < target->ints.size(); ++i) {
    int64_t d = target->ints[i];
    if (d == 0 && !*allowZero) {
      if (i >= in.size())
        return n.emitError()
               << "shape " << formatList(target->ints) << " copies dimension "
               << i << " of a rank-" << in.size() << " input";
      d = in[i];
    }
    if (d == -1) {
      if (inferredDim)
        return n.emitError() << "shape " << formatList(target->ints)
                             << " has more than one -1";
      inferredDim = i;
    } else if (d < 0) {
      return n.emitError() << "shape " << formatList(target->ints)
                           << " has a negative dimension";
    } else {
      known *= d;
    }
    shape.push_back(d);
  }
  if (inferredDim) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << formatShape(in) << " to "
                           << formatList(target->ints);
    shape[*inferredDim] = total / known;
  } else if (known != total) {
    return n.emitError() << "cannot reshape " << formatShape(in) << " to "
                         << formatList(target->ints);
  }
  return reshapeTo(n, shape);
}

static LogicalResult importFlatten(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputType(0).getShape();
  int64_t rank = in.size();
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return n.unsupportedAttr("axis", std::to_string(*axis),
                             "out of range for rank " + std::to_string(rank));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < a ? outer : inner) *= in[d];
  int64_t shape[] = {outer, inner};
  return reshapeTo(n, shape);
}

/// Opset 13 semantics: softmax along the single dimension `axis`.
static LogicalResult importSoftmax(NodeImporter &n) {
  int64_t rank = n.inputType(0).getRank();
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  if (failed(axis))
    return failure();
  if (*axis < -rank || *axis >= rank)
    return n.unsupportedAttr("axis", std::to_string(*axis),
                             "out of range for rank " + std::to_string(rank));
  Value x = n.input(0, Layout::ONNX);
  if (!x)
    return failure();
  auto softmax = qnn::SoftmaxOp::create(n.builder, n.loc, x.getType(), x,
                                        n.builder.getI64IntegerAttr(*axis));
  n.setOutput(0, softmax, Layout::ONNX);
  return success();
}

void qmlir::onnx_import::registerTensorHandlers(HandlerTable &table) {
  table["Constant"] = importConstant;
  table["Reshape"] = importReshape;
  table["Flatten"] = importFlatten;
  table["Softmax"] = importSoftmax;
}
