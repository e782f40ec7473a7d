//===- GraphImporter.cpp - ONNX graph walk, values and layouts ------------===//
//
// One generic path for every node: look the op_type up in the handler table,
// run the handler, check that every output something reads was defined.
// Values live in a table keyed by ONNX name; each entry remembers the layout
// its producer chose and caches the other layout once it has been asked for,
// so a value is never transposed twice. Constants stay host data until an op
// needs them, so their layout changes are done on the data, not with ops.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

HostTensor HostTensor::transposed(ArrayRef<int64_t> perm) const {
  HostTensor out;
  out.isFloat = isFloat;
  out.shape = permuteShape(shape, perm);
  int64_t rank = shape.size();
  // Strides of the source, indexed by output dimension.
  SmallVector<int64_t> srcStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    srcStrides[d] = srcStrides[d + 1] * shape[d + 1];
  SmallVector<int64_t> strideOfOut;
  for (int64_t p : perm)
    strideOfOut.push_back(srcStrides[p]);
  int64_t n = numElements();
  auto copy = [&](const auto &src, auto &dst) {
    dst.resize(n);
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += idx[d] * strideOfOut[d];
      dst[i] = src[offset];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < out.shape[d])
          break;
        idx[d] = 0;
      }
    }
  };
  if (isFloat)
    copy(floats, out.floats);
  else
    copy(ints, out.ints);
  return out;
}

HostTensor HostTensor::withRank(int64_t rank) const {
  HostTensor out = *this;
  while (static_cast<int64_t>(out.shape.size()) < rank)
    out.shape.insert(out.shape.begin(), 1);
  return out;
}

std::string qmlir::onnx_import::elementTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

/// Reads `n` values into `out`: from `raw` (little-endian `Stored` values)
/// when it is set, else from the typed repeated field `typed`.
template <typename Stored, typename Field, typename Out>
static LogicalResult readValues(const std::string &raw, const Field &typed,
                                int64_t n, const std::string &shape,
                                std::vector<Out> &out, std::string &error) {
  if (raw.empty()) {
    if (typed.size() != n) {
      error = "has " + std::to_string(typed.size()) + " values but its shape " +
              shape + " needs " + std::to_string(n);
      return failure();
    }
    out.assign(typed.begin(), typed.end());
    return success();
  }
  if (raw.size() != n * sizeof(Stored)) {
    error = "has " + std::to_string(raw.size()) + " bytes of data but its " +
            "shape " + shape + " needs " + std::to_string(n * sizeof(Stored));
    return failure();
  }
  std::vector<Stored> values(n);
  std::memcpy(values.data(), raw.data(), raw.size());
  out.assign(values.begin(), values.end());
  return success();
}

FailureOr<HostTensor>
qmlir::onnx_import::readTensor(const onnx::TensorProto &tensor,
                               std::string &error) {
  HostTensor t;
  for (int64_t d : tensor.dims()) {
    // Bounds keep the element count far from overflow.
    if (d < 0 || d > (int64_t(1) << 31)) {
      error = "has an invalid dimension " + std::to_string(d);
      return failure();
    }
    t.shape.push_back(d);
  }
  int64_t n = t.numElements();
  if (n > (int64_t(1) << 34)) {
    error = "is too large";
    return failure();
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "uses external data, which is not supported";
    return failure();
  }
  const std::string &raw = tensor.raw_data();
  std::string shape = formatShape(t.shape);
  t.isFloat = tensor.data_type() == onnx::TensorProto::FLOAT;
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (failed(readValues<float>(raw, tensor.float_data(), n, shape, t.floats,
                                 error)))
      return failure();
    return t;
  case onnx::TensorProto::INT64:
    if (failed(readValues<int64_t>(raw, tensor.int64_data(), n, shape, t.ints,
                                   error)))
      return failure();
    return t;
  case onnx::TensorProto::INT32:
    if (failed(readValues<int32_t>(raw, tensor.int32_data(), n, shape, t.ints,
                                   error)))
      return failure();
    return t;
  case onnx::TensorProto::BOOL:
    // Dropout's training_mode: one byte per value in raw_data.
    if (failed(readValues<uint8_t>(raw, tensor.int32_data(), n, shape, t.ints,
                                   error)))
      return failure();
    return t;
  default:
    error = "has element type " + elementTypeName(tensor.data_type()) +
            "; only FLOAT (and INT64, INT32, BOOL for shapes and flags) are "
            "supported";
    return failure();
  }
}

SmallVector<int64_t> qmlir::onnx_import::permuteShape(ArrayRef<int64_t> shape,
                                                      ArrayRef<int64_t> perm) {
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

std::string qmlir::onnx_import::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return shape.empty() ? "scalar" : s;
}

std::string qmlir::onnx_import::formatList(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(values, os);
  os << "]";
  return s;
}

//===----------------------------------------------------------------------===//
// Handler table
//===----------------------------------------------------------------------===//

const HandlerTable &qmlir::onnx_import::getHandlers() {
  static const HandlerTable table = [] {
    HandlerTable t;
    registerConvPoolHandlers(t);
    registerDenseHandlers(t);
    registerElementwiseHandlers(t);
    registerTensorHandlers(t);
    return t;
  }();
  return table;
}

static bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

std::string qmlir::onnx_import::nodeName(const onnx::NodeProto &node,
                                         size_t index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

/// Whether a handler imports `node`.
static bool isSupported(const onnx::NodeProto &node) {
  return isDefaultDomain(node.domain()) && getHandlers().count(node.op_type());
}

/// "node '<name>': unsupported op '<domain>::<op_type>' (opset N)" with the
/// version `model` imports for the node's domain.
static std::string unsupportedOpMessage(const onnx::ModelProto &model,
                                        const onnx::NodeProto &node,
                                        size_t index) {
  bool isDefault = isDefaultDomain(node.domain());
  std::string version = "?";
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (isDefault ? isDefaultDomain(o.domain()) : o.domain() == node.domain())
      version = std::to_string(o.version());
  return "node '" + nodeName(node, index) + "': unsupported op '" +
         (isDefault ? std::string("ai.onnx") : node.domain()) +
         "::" + node.op_type() + "' (opset " + version + ")";
}

std::string
qmlir::onnx_import::findUnsupportedOp(const onnx::ModelProto &model) {
  for (auto [i, node] : llvm::enumerate(model.graph().node()))
    if (!isSupported(node))
      return unsupportedOpMessage(model, node, i);
  return "";
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &ctx, StringRef fileName,
                             const onnx::ModelProto &model,
                             const ONNXImportOptions &options)
    : ctx(ctx), fileName(fileName.str()), model(model), options(options),
      builder(&ctx), fileLoc(FileLineColLoc::get(&ctx, fileName, 0, 0)),
      currentLoc(fileLoc) {}

InFlightDiagnostic GraphImporter::emitError() {
  return mlir::emitError(UnknownLoc::get(&ctx)) << fileName << ": ";
}

Location GraphImporter::nameLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(&ctx, name), fileLoc);
}

RankedTensorType
GraphImporter::inferredType(StringRef name, StringRef what,
                            function_ref<InFlightDiagnostic()> emitError) {
  auto it = types.find(name);
  if (it == types.end() || !it->second->has_tensor_type()) {
    emitError() << what << " '" << name
                << "' has no tensor type after shape inference";
    return {};
  }
  const onnx::TypeProto_Tensor &tt = it->second->tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT) {
    emitError() << what << " '" << name << "' has element type "
                << elementTypeName(tt.elem_type())
                << "; only float32 is supported";
    return {};
  }
  if (!tt.has_shape()) {
    emitError() << what << " '" << name
                << "' has no shape after shape inference";
    return {};
  }
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tt.shape().dim())) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      emitError() << what << " '" << name << "' has a non-static dimension "
                  << i
                  << (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                          : std::string())
                  << " after shape inference";
      return {};
    }
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, builder.getF32Type());
}

Value GraphImporter::materialize(const HostTensor &t, Location loc,
                                 function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name) {
  if (!t.isFloat) {
    emitError() << "'" << name
                << "' is an integer tensor; only float32 is supported here";
    return {};
  }
  auto type = RankedTensorType::get(t.shape, builder.getF32Type());
  auto attr = DenseElementsAttr::get(type, ArrayRef<float>(t.floats));
  // Attributes are uniqued: one arith.constant per distinct tensor, however
  // many initializers or host transposes produce it.
  Value &cached = constants[attr];
  if (!cached)
    cached = arith::ConstantOp::create(builder, loc, attr);
  return cached;
}

Value GraphImporter::getValue(StringRef name, Layout layout,
                              function_ref<InFlightDiagnostic()> emitError) {
  auto it = values.find(name);
  if (it == values.end()) {
    emitError() << "value '" << name << "' is not defined";
    return {};
  }
  Entry &e = *it->second;
  Value &slot = layout == Layout::ONNX ? e.onnx : e.nhwc;
  if (slot)
    return slot;
  if (layout == Layout::NHWC && e.onnxType.getRank() != 4) {
    emitError() << "value '" << name << "' of rank " << e.onnxType.getRank()
                << " has no NHWC form";
    return {};
  }
  if (e.constant) {
    slot = materialize(layout == Layout::ONNX ? *e.constant
                                              : e.constant->transposed(kToNHWC),
                       nameLoc(name), emitError, name);
    return slot;
  }
  Value from = layout == Layout::ONNX ? e.nhwc : e.onnx;
  ArrayRef<int64_t> perm = layout == Layout::ONNX ? kToNCHW : kToNHWC;
  auto fromType = cast<RankedTensorType>(from.getType());
  auto type = RankedTensorType::get(permuteShape(fromType.getShape(), perm),
                                    fromType.getElementType());
  slot = qnn::TransposeOp::create(builder, currentLoc, type, from, perm);
  return slot;
}

LogicalResult GraphImporter::importInitializers() {
  for (const onnx::TensorProto &init : model.graph().initializer()) {
    std::string error;
    FailureOr<HostTensor> t = readTensor(init, error);
    if (failed(t))
      return emitError() << "initializer '" << init.name() << "' " << error;
    auto entry = std::make_shared<Entry>();
    entry->onnxType = RankedTensorType::get(
        t->shape,
        t->isFloat ? Type(builder.getF32Type()) : Type(builder.getI64Type()));
    entry->constant = std::move(*t);
    values[init.name()] = std::move(entry);
  }
  return success();
}

LogicalResult GraphImporter::importInputs(SmallVectorImpl<Type> &argTypes,
                                          SmallVectorImpl<StringRef> &names) {
  for (const onnx::ValueInfoProto &vi : model.graph().input()) {
    // Inputs with an initializer are weights (IR version < 4 lists them).
    if (values.count(vi.name()))
      continue;
    RankedTensorType type =
        inferredType(vi.name(), "input", [&] { return emitError(); });
    if (!type)
      return failure();
    argTypes.push_back(type);
    names.push_back(vi.name());
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  std::string name = nodeName(node, index);
  currentLoc = nameLoc(name);
  NodeImporter n(*this, node, name, currentLoc);
  // Unsupported ops were reported before conversion; this catches ops the
  // version converter introduced.
  if (!isSupported(node))
    return emitError() << unsupportedOpMessage(model, node, index);
  for (const std::string &in : node.input())
    if (!in.empty() && !values.count(in))
      return n.emitError() << "input '" << in << "' is not defined";
  if (failed(getHandlers().lookup(node.op_type())(n)))
    return failure();
  // Outputs a handler leaves undefined (Dropout's mask) are fine as long as
  // nothing reads them.
  for (auto [i, out] : llvm::enumerate(node.output()))
    if (!out.empty() && !values.count(out) && used.contains(out))
      return n.emitError() << "output #" << i << " ('" << out << "') of "
                           << node.op_type() << " is not supported";
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::ValueInfoProto &vi : graph.input())
    types[vi.name()] = &vi.type();
  for (const onnx::ValueInfoProto &vi : graph.value_info())
    types[vi.name()] = &vi.type();
  for (const onnx::ValueInfoProto &vi : graph.output())
    types[vi.name()] = &vi.type();
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &in : node.input())
      used.insert(in);
  for (const onnx::ValueInfoProto &vi : graph.output())
    used.insert(vi.name());

  module = ModuleOp::create(fileLoc);
  SmallVector<Type> argTypes;
  SmallVector<StringRef> argNames;
  if (failed(importInitializers()) || failed(importInputs(argTypes, argNames)))
    return nullptr;

  Location funcLoc =
      nameLoc(graph.name().empty() ? options.entryName : graph.name());
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, funcLoc, options.entryName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = new Block();
  func.getBody().push_back(entry);
  for (auto [type, name] : llvm::zip_equal(argTypes, argNames))
    entry->addArgument(type, nameLoc(name));
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "qnn.name", builder.getStringAttr(name));
    auto e = std::make_shared<Entry>();
    e->onnxType = cast<RankedTensorType>(argTypes[i]);
    e->onnx = entry->getArgument(i);
    values[name] = std::move(e);
  }

  builder.setInsertionPointToEnd(entry);
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  // Model outputs keep the layout the model declared.
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    currentLoc = nameLoc(vi.name());
    Value v = getValue(vi.name(), Layout::ONNX, [&] {
      return emitError() << "output '" << vi.name() << "': ";
    });
    if (!v)
      return nullptr;
    results.push_back(v);
  }
  func::ReturnOp::create(builder, funcLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, vi] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "qnn.name", builder.getStringAttr(vi.name()));

  // Handlers check what the qnn verifiers check; should something slip
  // through, it is still one line naming the node.
  std::string verifierError;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler capture(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error &&
          verifierError.empty()) {
        llvm::raw_string_ostream os(verifierError);
        if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
          os << "node '" << name.getName().getValue() << "': ";
        os << diag.str();
      }
      return success();
    });
    verified = verify(*module);
  }
  if (failed(verified)) {
    emitError() << "the importer produced invalid IR: " << verifierError;
    return nullptr;
  }
  return std::move(module);
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

InFlightDiagnostic NodeImporter::emitError() {
  return graph.emitError() << "node '" << name << "': ";
}

LogicalResult NodeImporter::unsupportedAttr(StringRef attrName, StringRef value,
                                            StringRef why) {
  return emitError() << "unsupported attribute " << attrName << " = " << value
                     << " (" << why << ")";
}

bool NodeImporter::hasInput(unsigned i) const {
  return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
}

RankedTensorType NodeImporter::inputType(unsigned i) const {
  return graph.values.find(node.input(i))->second->onnxType;
}

Layout NodeImporter::inputLayout(unsigned i) const {
  return graph.values.find(node.input(i))->second->native;
}

Value NodeImporter::input(unsigned i, Layout layout) {
  return graph.getValue(node.input(i), layout, [&] { return emitError(); });
}

const HostTensor *NodeImporter::constantInput(unsigned i) const {
  const auto &c = graph.values.find(node.input(i))->second->constant;
  return c ? &*c : nullptr;
}

Value NodeImporter::materialize(const HostTensor &t, StringRef what) {
  return graph.materialize(
      t, graph.nameLoc(what), [&] { return emitError(); }, what);
}

bool NodeImporter::hasOutput(unsigned i) const {
  return static_cast<int>(i) < node.output_size() && !node.output(i).empty();
}

RankedTensorType NodeImporter::outputType(unsigned i) {
  return graph.inferredType(node.output(i), "output",
                            [&] { return emitError(); });
}

RankedTensorType NodeImporter::outputType(unsigned i,
                                          ArrayRef<int64_t> computed,
                                          Layout layout) {
  RankedTensorType inferred = outputType(i);
  if (!inferred)
    return {};
  if (inferred.getShape() != computed) {
    emitError() << "ONNX infers output shape "
                << formatShape(inferred.getShape())
                << " but the importer computes " << formatShape(computed);
    return {};
  }
  if (layout == Layout::ONNX)
    return inferred;
  return RankedTensorType::get(permuteShape(computed, kToNHWC),
                               inferred.getElementType());
}

void NodeImporter::setOutput(unsigned i, Value value, Layout layout) {
  auto e = std::make_shared<GraphImporter::Entry>();
  auto type = cast<RankedTensorType>(value.getType());
  e->native = layout;
  if (layout == Layout::ONNX) {
    e->onnxType = type;
    e->onnx = value;
  } else {
    e->onnxType = RankedTensorType::get(permuteShape(type.getShape(), kToNCHW),
                                        type.getElementType());
    e->nhwc = value;
  }
  graph.values[node.output(i)] = std::move(e);
}

void NodeImporter::setConstantOutput(unsigned i, HostTensor tensor) {
  auto e = std::make_shared<GraphImporter::Entry>();
  e->onnxType = RankedTensorType::get(
      tensor.shape,
      tensor.isFloat ? Type(builder.getF32Type()) : Type(builder.getI64Type()));
  e->constant = std::move(tensor);
  graph.values[node.output(i)] = std::move(e);
}

void NodeImporter::forwardInput(unsigned i, unsigned inputIdx) {
  graph.values[node.output(i)] =
      graph.values.find(node.input(inputIdx))->second;
}

LogicalResult NodeImporter::checkNoOutputsFrom(unsigned first, StringRef what) {
  for (unsigned i = first; i < numOutputs(); ++i)
    if (hasOutput(i))
      return emitError() << "the " << what << " output ('" << node.output(i)
                         << "') of " << opType() << " is not supported";
  return success();
}

const onnx::AttributeProto *NodeImporter::attr(StringRef attrName) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == attrName)
      return &a;
  return nullptr;
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef attrName, int64_t dflt) {
  const onnx::AttributeProto *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->type() != onnx::AttributeProto::INT)
    return emitError() << "attribute '" << attrName << "' must be an int";
  return a->i();
}

FailureOr<float> NodeImporter::floatAttr(StringRef attrName, float dflt) {
  const onnx::AttributeProto *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->type() != onnx::AttributeProto::FLOAT)
    return emitError() << "attribute '" << attrName << "' must be a float";
  return a->f();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef attrName,
                                                StringRef dflt) {
  const onnx::AttributeProto *a = attr(attrName);
  if (!a)
    return dflt.str();
  if (a->type() != onnx::AttributeProto::STRING)
    return emitError() << "attribute '" << attrName << "' must be a string";
  return a->s();
}

FailureOr<SmallVector<int64_t>> NodeImporter::intsAttr(StringRef attrName,
                                                       ArrayRef<int64_t> dflt) {
  const onnx::AttributeProto *a = attr(attrName);
  if (!a)
    return SmallVector<int64_t>(dflt);
  if (a->type() != onnx::AttributeProto::INTS)
    return emitError() << "attribute '" << attrName
                       << "' must be a list of ints";
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}
