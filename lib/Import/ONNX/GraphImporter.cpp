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
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Support/Limits.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

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
    registerConstantHandlers(t);
    registerNormalizationHandlers(t);
    registerResizeHandlers(t);
    registerQuantHandlers(t);
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

/// Whether a handler imports `node`, or it becomes qnn.custom (a node of
/// another domain, run by a plugin).
static bool isSupported(const onnx::NodeProto &node) {
  return !isDefaultDomain(node.domain()) ||
         getHandlers().count(node.op_type());
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
                            function_ref<InFlightDiagnostic()> emitError,
                            int32_t *dataType, ArrayRef<int64_t> computed) {
  auto it = types.find(name);
  if (it == types.end() || !it->second->has_tensor_type()) {
    emitError() << what << " '" << name
                << "' has no tensor type after shape inference";
    return {};
  }
  const onnx::TypeProto_Tensor &tt = it->second->tensor_type();
  Type elementType = mlirElementType(&ctx, tt.elem_type());
  if (!elementType) {
    emitError() << what << " '" << name << "' has element type "
                << elementTypeName(tt.elem_type())
                << "; only FLOAT and integer types are supported";
    return {};
  }
  if (dataType)
    *dataType = tt.elem_type();
  if (!tt.has_shape()) {
    emitError() << what << " '" << name
                << "' has no shape after shape inference";
    return {};
  }
  SmallVector<int64_t> shape;
  bool useComputed =
      !computed.empty() && int64_t(computed.size()) == tt.shape().dim_size();
  for (auto [i, dim] : llvm::enumerate(tt.shape().dim())) {
    // A dim libonnx could not infer (e.g. the length of a Range whose limit
    // the importer folded from a bound input) is the importer's.
    if (useComputed && !dim.has_dim_value()) {
      shape.push_back(computed[i]);
      continue;
    }
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
  // A declared size is checked before anything is allocated for it.
  if (llvm::Error err = checkTensorSize(
          shape, (elementType.getIntOrFloatBitWidth() + 7) / 8)) {
    emitError() << what << " '" << name << "' " << llvm::toString(std::move(err));
    return {};
  }
  return RankedTensorType::get(shape, elementType);
}

Value GraphImporter::materialize(const HostTensor &t, Location loc,
                                 function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name) {
  Type elementType = mlirElementType(&ctx, t.dataType);
  if (!elementType) {
    emitError() << "'" << name << "' has element type "
                << elementTypeName(t.dataType) << ", which has no constant form";
    return {};
  }
  return import::materializeHostConstant(
      builder, loc, RankedTensorType::get(t.shape, elementType), t.floats,
      t.ints, constants);
}

Value GraphImporter::getValue(StringRef name, Layout layout,
                              function_ref<InFlightDiagnostic()> emitError) {
  auto it = values.find(name);
  if (it == values.end()) {
    emitError() << "value '" << name << "' is not defined";
    return {};
  }
  Entry &e = *it->second;
  auto constant = [&](bool nhwc) {
    return materialize(nhwc ? e.constant->transposed(kToNHWC) : *e.constant,
                       nameLoc(name), emitError, name);
  };
  return import::valueInLayout(
      builder, currentLoc, e.onnx, e.nhwc, layout == Layout::NHWC,
      e.onnxType.getRank(), name,
      e.constant ? function_ref<Value(bool)>(constant) : nullptr, emitError);
}

LogicalResult GraphImporter::importInitializers() {
  for (const onnx::TensorProto &init : model.graph().initializer()) {
    std::string error;
    FailureOr<HostTensor> t = readTensor(init, error);
    if (failed(t))
      return emitError() << "initializer '" << init.name() << "' " << error;
    auto entry = std::make_shared<Entry>();
    entry->onnxType = RankedTensorType::get(
        t->shape, mlirElementType(&ctx, t->dataType));
    entry->dataType = t->dataType;
    entry->constant = std::move(*t);
    values[init.name()] = std::move(entry);
  }
  return success();
}

LogicalResult GraphImporter::importInputs(SmallVectorImpl<Type> &argTypes,
                                          SmallVectorImpl<StringRef> &names,
                                          SmallVectorImpl<int32_t> &dataTypes) {
  for (const onnx::ValueInfoProto &vi : model.graph().input()) {
    // Inputs with an initializer are weights (IR version < 4 lists them).
    if (values.count(vi.name()))
      continue;
    int32_t dataType = 0;
    RankedTensorType type = inferredType(
        vi.name(), "input", [&] { return emitError(); }, &dataType);
    if (!type)
      return failure();
    // INT64 data are plain integers (!quant.uniform has at most 32 bits);
    // the integer arithmetic ops and Max/Min take them.
    if (!isFloatType(dataType) && dataType != onnx::TensorProto::INT64) {
      // Integer inputs are the data of quantized ops, which give them their
      // scale and zero point.
      std::string error;
      FailureOr<RankedTensorType> qtype = quantizedInputType(
          &ctx, model.graph(), vi.name(), type.getShape(), dataType,
          [&](StringRef n) -> const HostTensor * {
            auto v = values.find(n);
            return v != values.end() && v->second->constant
                       ? &*v->second->constant
                       : nullptr;
          },
          error);
      if (failed(qtype))
        return emitError() << "input '" << vi.name() << "' has element type "
                           << elementTypeName(dataType) << ": " << error;
      type = *qtype;
    }
    argTypes.push_back(type);
    names.push_back(vi.name());
    dataTypes.push_back(dataType);
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
  if (!isDefaultDomain(node.domain()))
    return importCustomOp(n);
  const OpHandler &handler = getHandlers().find(node.op_type())->second;
  if (!handler.takesQuantized)
    for (unsigned i = 0; i < n.numInputs(); ++i)
      if (n.hasInput(i) && !n.constantInput(i) &&
          !isFloatType(n.inputDataType(i)))
        return n.emitError()
               << node.op_type() << " of " << elementTypeName(n.inputDataType(i))
               << " values computed at run time is not supported (input '"
               << n.inputName(i) << "'); only FLOAT, or integers known at "
               << "import time";
  if (!handler.takesPlainIntegers)
    for (unsigned i = 0; i < n.numInputs(); ++i)
      if (n.hasInput(i) && !n.constantInput(i) &&
          isa<IntegerType>(n.inputType(i).getElementType()))
        return n.emitError()
               << node.op_type() << " of " << elementTypeName(n.inputDataType(i))
               << " values computed at run time is not supported (input '"
               << n.inputName(i) << "')";
  if (failed(handler.fn(n)))
    return failure();
  // An empty result holds no data: it is a constant (TOSA has no empty
  // tensors; the ops that computed it are erased as dead code at the end).
  for (const std::string &out : node.output()) {
    auto it = values.find(out);
    if (out.empty() || it == values.end() || it->second->constant ||
        !llvm::is_contained(it->second->onnxType.getShape(), 0))
      continue;
    it->second = emptyEntry(it->second->onnxType.getShape(),
                            it->second->dataType);
  }
  // Outputs a handler leaves undefined (Dropout's mask) are fine as long as
  // nothing reads them.
  for (auto [i, out] : llvm::enumerate(node.output()))
    if (!out.empty() && !values.count(out) && used.contains(out))
      return n.emitError() << "output #" << i << " ('" << out << "') of "
                           << node.op_type() << " is not supported";
  return success();
}

std::shared_ptr<GraphImporter::Entry>
GraphImporter::emptyEntry(ArrayRef<int64_t> shape, int32_t dataType) {
  auto e = std::make_shared<Entry>();
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.dataType = isFloatType(dataType) || isIntegerType(dataType)
                   ? dataType
                   : int32_t(onnx::TensorProto::FLOAT);
  e->onnxType = RankedTensorType::get(shape, mlirElementType(&ctx, t.dataType));
  e->dataType = t.dataType;
  e->constant = std::move(t);
  return e;
}

void GraphImporter::eraseDeadEmptyOps(func::FuncOp func) {
  auto isEmpty = [](Type t) {
    auto r = dyn_cast<RankedTensorType>(t);
    return r && r.hasStaticShape() && r.getNumElements() == 0;
  };
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : llvm::reverse(ops))
    if (op->getNumResults() && op->use_empty() && isPure(op) &&
        llvm::any_of(op->getResultTypes(), isEmpty))
      op->erase();
}

Value GraphImporter::outputValue(StringRef name) {
  auto error = [&] { return emitError() << "output '" << name << "': "; };
  auto it = values.find(name);
  if (it == values.end()) {
    error() << "value is not defined";
    return {};
  }
  Entry &e = *it->second;
  // A folded constant of UINT8: its storage bits as !quant.uniform<u8>, the
  // type the runtime passes as uint8.
  if (e.constant && e.dataType == onnx::TensorProto::UINT8) {
    auto type = RankedTensorType::get(
        e.constant->shape,
        rawQuantType(&ctx, onnx::TensorProto::UINT8, /*shifted=*/false));
    return qnn::createQuantizedConstant(builder, currentLoc, type,
                                        e.constant->ints);
  }
  Value v = getValue(name, Layout::ONNX, error);
  if (!v || e.constant || e.dataType != onnx::TensorProto::UINT8)
    return v;
  // UINT8 values are held as int8 with the zero point moved by -128; the
  // graph returns them as uint8 again.
  return toUnsignedOutput(builder, currentLoc, v);
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
  SmallVector<int32_t> argDataTypes;
  if (failed(importInitializers()) ||
      failed(importInputs(argTypes, argNames, argDataTypes)))
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
  builder.setInsertionPointToEnd(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "qnn.name", builder.getStringAttr(name));
    auto e = std::make_shared<Entry>();
    Value arg = entry->getArgument(i);
    e->dataType = argDataTypes[i];
    // uint8 data is held as int8 (zero point - 128) from here on.
    if (argDataTypes[i] == onnx::TensorProto::UINT8) {
      currentLoc = nameLoc(name);
      arg = fromUnsignedInput(builder, currentLoc, arg);
    }
    e->onnxType = cast<RankedTensorType>(arg.getType());
    e->onnx = arg;
    // An empty input holds no data: a constant for the graph.
    if (llvm::is_contained(e->onnxType.getShape(), 0))
      e = emptyEntry(e->onnxType.getShape(), e->dataType);
    values[name] = std::move(e);
  }

  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  // Model outputs keep the layout the model declared.
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    currentLoc = nameLoc(vi.name());
    Value v = outputValue(vi.name());
    if (!v)
      return nullptr;
    results.push_back(v);
  }
  func::ReturnOp::create(builder, funcLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, vi] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "qnn.name", builder.getStringAttr(vi.name()));

  eraseDeadEmptyOps(func);

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

int64_t NodeImporter::opset() const {
  for (const onnx::OperatorSetIdProto &o : graph.model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return o.version();
  return -1;
}

bool NodeImporter::hasInput(unsigned i) const {
  return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
}

RankedTensorType NodeImporter::inputType(unsigned i) const {
  return graph.values.find(node.input(i))->second->onnxType;
}

int32_t NodeImporter::inputDataType(unsigned i) const {
  return graph.values.find(node.input(i))->second->dataType;
}

Layout NodeImporter::inputLayout(unsigned i) const {
  return graph.values.find(node.input(i))->second->native;
}

Value NodeImporter::input(unsigned i, Layout layout) {
  return graph.getValue(node.input(i), layout, [&] { return emitError(); });
}

const HostTensor *NodeImporter::constantInput(unsigned i) const {
  if (!hasInput(i))
    return nullptr;
  const auto &c = graph.values.find(node.input(i))->second->constant;
  return c ? &*c : nullptr;
}

/// The graph inputs (not initializers) that `name` is computed from, in
/// graph input order.
static SmallVector<std::string>
graphInputsBehind(const onnx::GraphProto &graph, StringRef name) {
  llvm::StringMap<const onnx::NodeProto *> producer;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      producer[out] = &node;
  llvm::StringSet<> seen;
  SmallVector<StringRef> stack = {name};
  while (!stack.empty()) {
    StringRef v = stack.pop_back_val();
    if (v.empty() || !seen.insert(v).second)
      continue;
    auto it = producer.find(v);
    if (it != producer.end())
      for (const std::string &in : it->second->input())
        stack.push_back(in);
  }
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers.insert(t.name());
  SmallVector<std::string> inputs;
  for (const onnx::ValueInfoProto &vi : graph.input())
    if (seen.contains(vi.name()) && !initializers.contains(vi.name()))
      inputs.push_back(vi.name());
  return inputs;
}

const HostTensor *NodeImporter::requireConstant(unsigned i, StringRef what) {
  const HostTensor *c = constantInput(i);
  if (c)
    return c;
  InFlightDiagnostic diag = emitError();
  diag << what << " '" << inputName(i)
       << "' must be a constant (an initializer or computed from constants)";
  // Name the graph inputs whose run-time values it depends on: the model
  // has a shape that only they determine (give them as initializers).
  SmallVector<std::string> inputs =
      graphInputsBehind(graph.model.graph(), inputName(i));
  if (!inputs.empty()) {
    diag << "; it is computed from graph input";
    if (inputs.size() > 1)
      diag << "s";
    for (auto [k, in] : llvm::enumerate(inputs))
      diag << (k ? ", '" : " '") << in << "'";
  }
  return nullptr;
}

bool NodeImporter::allInputsConstant() const {
  for (unsigned i = 0; i < numInputs(); ++i)
    if (hasInput(i) && !constantInput(i))
      return false;
  return true;
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

int32_t NodeImporter::outputDataType(unsigned i) const {
  auto it = graph.types.find(node.output(i));
  if (it == graph.types.end() || !it->second->has_tensor_type())
    return 0;
  return it->second->tensor_type().elem_type();
}

RankedTensorType NodeImporter::outputType(unsigned i,
                                          ArrayRef<int64_t> computed,
                                          Layout layout, Type elementType) {
  RankedTensorType inferred = graph.inferredType(
      node.output(i), "output", [&] { return emitError(); }, nullptr,
      computed);
  if (!inferred)
    return {};
  if (inferred.getShape() != computed) {
    emitError() << "ONNX infers output shape "
                << formatShape(inferred.getShape())
                << " but the importer computes " << formatShape(computed);
    return {};
  }
  if (!elementType)
    elementType = inferred.getElementType();
  if (layout == Layout::ONNX)
    return RankedTensorType::get(computed, elementType);
  return RankedTensorType::get(permuteShape(computed, kToNHWC), elementType);
}

void NodeImporter::setOutput(unsigned i, Value value, Layout layout) {
  auto e = std::make_shared<GraphImporter::Entry>();
  auto type = cast<RankedTensorType>(value.getType());
  e->native = layout;
  e->dataType = outputDataType(i);
  if (!e->dataType)
    e->dataType = onnx::TensorProto::FLOAT;
  if (layout == Layout::ONNX) {
    e->onnxType = type;
    e->onnx = value;
  } else {
    e->onnxType = permutedType(type, kToNCHW);
    e->nhwc = value;
  }
  graph.values[node.output(i)] = std::move(e);
}

void NodeImporter::setConstantOutput(unsigned i, HostTensor tensor) {
  auto e = std::make_shared<GraphImporter::Entry>();
  e->onnxType = RankedTensorType::get(
      tensor.shape, mlirElementType(context(), tensor.dataType));
  e->dataType = tensor.dataType;
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

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
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

FailureOr<SmallVector<float>> NodeImporter::floatsAttr(StringRef attrName,
                                                      ArrayRef<float> dflt) {
  const onnx::AttributeProto *a = attr(attrName);
  if (!a)
    return SmallVector<float>(dflt);
  if (a->type() != onnx::AttributeProto::FLOATS)
    return emitError() << "attribute '" << attrName
                       << "' must be a list of floats";
  return SmallVector<float>(a->floats().begin(), a->floats().end());
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
