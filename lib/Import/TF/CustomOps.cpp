//===- CustomOps.cpp - unknown ops as qnn.custom --------------------------===//
//
// A node whose op has no handler becomes qnn.custom: the op type as its
// name, the node's attributes (except TF-internal "_..." ones) as a
// dictionary, every data input as an operand (in TF layout), and one result
// per output anything reads. Result types, in order of preference:
//   1. --shape node[:i]=...;
//   2. the node's _output_shapes, an unknown dimension 0 taking the batch
//      size (dimension 0 of the first operand, else --batch);
//   3. output 0 only: the type of the first operand (an elementwise op).
// The element type is the node's "T" attribute when it names a type qnn can
// hold, float32 otherwise. A plugin supplies the implementation at run time.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

/// The MLIR form of one TF attribute value, or null after an error.
static Attribute convertAttr(NodeImporter &n, StringRef name,
                             const tfproto::AttrValue &value) {
  OpBuilder &b = n.builder;
  MLIRContext *ctx = n.getContext();
  auto typeAttr = [&](int dtype) -> Attribute {
    if (Type t = elementTypeOf(ctx, dtype))
      return TypeAttr::get(t);
    return b.getStringAttr(dataTypeName(dtype));
  };
  auto shapeAttr = [&](const tfproto::TensorShapeProto &s) {
    SmallVector<int64_t> dims;
    for (const auto &d : s.dim())
      dims.push_back(d.size());
    return b.getDenseI64ArrayAttr(dims);
  };
  switch (value.value_case()) {
  case tfproto::AttrValue::kS:
    return b.getStringAttr(value.s());
  case tfproto::AttrValue::kI:
    return b.getI64IntegerAttr(value.i());
  case tfproto::AttrValue::kF:
    return b.getF32FloatAttr(value.f());
  case tfproto::AttrValue::kB:
    return b.getBoolAttr(value.b());
  case tfproto::AttrValue::kType:
    return typeAttr(value.type());
  case tfproto::AttrValue::kShape:
    return shapeAttr(value.shape());
  case tfproto::AttrValue::kTensor: {
    std::string error;
    FailureOr<HostTensor> t = readTensor(value.tensor(), error);
    if (failed(t)) {
      n.emitError() << "attribute '" << name << "' " << error;
      return {};
    }
    auto type = RankedTensorType::get(t->shape, elementTypeOf(ctx, t->dtype));
    if (t->isFloat())
      return DenseElementsAttr::get(type, ArrayRef<float>(t->floats));
    unsigned width = type.getElementTypeBitWidth();
    SmallVector<APInt> ints;
    for (int64_t v : t->ints)
      ints.push_back(APInt(width, static_cast<uint64_t>(v), width > 1,
                           /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, ints);
  }
  case tfproto::AttrValue::kList: {
    const auto &l = value.list();
    if (l.i_size())
      return b.getDenseI64ArrayAttr(
          SmallVector<int64_t>(l.i().begin(), l.i().end()));
    if (l.f_size())
      return b.getDenseF32ArrayAttr(
          SmallVector<float>(l.f().begin(), l.f().end()));
    SmallVector<Attribute> items;
    for (const std::string &s : l.s())
      items.push_back(b.getStringAttr(s));
    for (bool v : l.b())
      items.push_back(b.getBoolAttr(v));
    for (int t : l.type())
      items.push_back(typeAttr(t));
    for (const auto &s : l.shape())
      items.push_back(shapeAttr(s));
    if (l.tensor_size() || l.func_size()) {
      n.emitError() << "attribute '" << name
                    << "' (a list of tensors or functions) is not supported "
                       "on a custom op";
      return {};
    }
    return b.getArrayAttr(items);
  }
  default:
    n.emitError() << "attribute '" << name
                  << "' (a function or placeholder) is not supported on a "
                     "custom op";
    return {};
  }
}

LogicalResult qmlir::tf_import::importCustomOp(NodeImporter &n) {
  // Attributes, sorted by name for a deterministic dictionary.
  SmallVector<NamedAttribute> attrs;
  for (const auto &[name, value] : n.proto().attr()) {
    if (StringRef(name).starts_with("_"))
      continue;
    Attribute a = convertAttr(n, name, value);
    if (!a)
      return failure();
    attrs.push_back(n.builder.getNamedAttr(name, a));
  }

  SmallVector<Value> operands;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i, Layout::TF);
    if (!v)
      return failure();
    operands.push_back(v);
  }

  Type elementType = n.builder.getF32Type();
  if (const tfproto::AttrValue *t = n.attr("T");
      t && t->value_case() == tfproto::AttrValue::kType)
    if (Type e = elementTypeOf(n.getContext(), t->type()))
      elementType = e;

  int numResults = std::max(n.numOutputsRead(), 1);
  SmallVector<Type> resultTypes;
  for (int i = 0; i < numResults; ++i) {
    SmallVector<int64_t> shape;
    if (const SmallVector<int64_t> *given = n.shapeOption(i)) {
      shape = *given;
    } else if (auto recorded = n.recordedShape(i)) {
      shape = *recorded;
      for (auto [d, size] : llvm::enumerate(shape)) {
        if (size >= 0)
          continue;
        if (d != 0)
          return n.emitError()
                 << "custom op '" << n.opType() << "': output " << i
                 << " has _output_shapes " << formatShape(*recorded)
                 << " with an unknown dimension " << d
                 << "; give the shape with --shape " << n.name()
                 << (i ? ":" + std::to_string(i) : std::string()) << "=...";
        size =
            operands.empty() ||
                    cast<RankedTensorType>(operands[0].getType()).getRank() == 0
                ? n.batchSize()
                : cast<RankedTensorType>(operands[0].getType()).getDimSize(0);
      }
    } else if (i == 0 && !operands.empty()) {
      shape.assign(
          cast<RankedTensorType>(operands[0].getType()).getShape().begin(),
          cast<RankedTensorType>(operands[0].getType()).getShape().end());
    } else {
      return n.emitError() << "custom op '" << n.opType()
                           << "': the shape of output " << i
                           << " is unknown; give it with --shape " << n.name()
                           << (i ? ":" + std::to_string(i) : std::string())
                           << "=... or an _output_shapes attribute";
    }
    resultTypes.push_back(RankedTensorType::get(shape, elementType));
  }

  auto op = qnn::CustomOp::create(n.builder, n.loc, resultTypes,
                                  n.builder.getStringAttr(n.opType()),
                                  n.builder.getDictionaryAttr(attrs), operands);
  for (int i = 0; i < numResults; ++i)
    n.setOutput(i, op.getResult(i));
  return success();
}
