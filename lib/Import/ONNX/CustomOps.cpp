//===- CustomOps.cpp - nodes of custom domains as qnn.custom --------------===//
//
// A node of a domain other than the default ONNX one (e.g. `com.example`)
// becomes qnn.custom named `domain::op_type`, so that a plugin registering
// that name runs it (include/qmlir-c/CustomOp.h). The node's attributes are
// the op's attributes; every given input is an operand, in ONNX layout. ONNX
// cannot infer the outputs of an op it has no schema for, so their types
// come from the model's value_info (or graph outputs).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// The MLIR form of one ONNX attribute, or null after an error.
static Attribute convertAttr(NodeImporter &n, const onnx::AttributeProto &a) {
  OpBuilder &b = n.builder;
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    return b.getI64IntegerAttr(a.i());
  case onnx::AttributeProto::FLOAT:
    return b.getF32FloatAttr(a.f());
  case onnx::AttributeProto::STRING:
    return b.getStringAttr(a.s());
  case onnx::AttributeProto::INTS:
    return b.getDenseI64ArrayAttr(
        SmallVector<int64_t>(a.ints().begin(), a.ints().end()));
  case onnx::AttributeProto::FLOATS:
    return b.getDenseF32ArrayAttr(
        SmallVector<float>(a.floats().begin(), a.floats().end()));
  case onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> items;
    for (const std::string &s : a.strings())
      items.push_back(b.getStringAttr(s));
    return b.getArrayAttr(items);
  }
  default:
    n.emitError() << "attribute '" << a.name()
                  << "' (a tensor, graph or type) is not supported on a "
                     "custom op";
    return {};
  }
}

LogicalResult qmlir::onnx_import::importCustomOp(NodeImporter &n) {
  const onnx::NodeProto &node = n.proto();
  std::string opName = node.domain() + "::" + node.op_type();
  SmallVector<NamedAttribute> attrs;
  for (const onnx::AttributeProto &a : node.attribute()) {
    Attribute value = convertAttr(n, a);
    if (!value)
      return failure();
    attrs.push_back(n.builder.getNamedAttr(a.name(), value));
  }
  llvm::sort(attrs, [](const NamedAttribute &x, const NamedAttribute &y) {
    return x.getName().strref() < y.getName().strref();
  });

  SmallVector<Value> operands;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    if (!n.hasInput(i))
      continue;
    Value v = n.input(i, Layout::ONNX);
    if (!v)
      return failure();
    operands.push_back(v);
  }

  SmallVector<Type> resultTypes;
  SmallVector<unsigned> outputs;
  for (unsigned i = 0; i < n.numOutputs(); ++i) {
    if (!n.hasOutput(i))
      continue;
    if (!n.outputDataType(i))
      return n.emitError() << "custom op '" << opName << "': output '"
                           << node.output(i)
                           << "' has no type; give it in the model's "
                              "value_info (ONNX cannot infer it)";
    RankedTensorType type = n.outputType(i);
    if (!type)
      return failure();
    resultTypes.push_back(type);
    outputs.push_back(i);
  }
  if (resultTypes.empty())
    return n.emitError() << "custom op '" << opName << "' has no outputs";

  auto op = qnn::CustomOp::create(n.builder, n.loc, resultTypes,
                                  n.builder.getStringAttr(opName),
                                  n.builder.getDictionaryAttr(attrs), operands);
  for (auto [r, i] : llvm::enumerate(outputs))
    n.setOutput(i, op.getResult(r), Layout::ONNX);
  return success();
}
