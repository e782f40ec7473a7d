//===- GraphImporter.cpp - TF graph walk, values and layouts --------------===//
//
// Frozen-graph structure first: tensor names ("node", "node:i", control
// inputs "^node"), the outputs (given, or the nodes nothing reads), the
// inputs (given, or the Placeholders the outputs need), and the nodes the
// outputs need in producer-first order; unused nodes are never looked at,
// dangling inputs and cycles among the needed nodes are errors. Then one
// generic path per node: look its op up in the handler table (unknown ops
// become qnn.custom), run the handler, check every output something reads
// was defined. Values live in a table keyed by "node:i"; each entry caches
// the other layout once asked for, so a value is transposed at most once.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "qmlir/Support/Limits.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

//===----------------------------------------------------------------------===//
// Handler table
//===----------------------------------------------------------------------===//

const HandlerTable &qmlir::tf_import::getHandlers() {
  static const HandlerTable table = [] {
    HandlerTable t;
    registerConvPoolHandlers(t);
    registerDenseHandlers(t);
    registerElementwiseHandlers(t);
    registerShapeHandlers(t);
    registerTensorHandlers(t);
    registerQuantHandlers(t);
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// Graph structure
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &ctx, StringRef fileName,
                             const tfproto::GraphDef &graph,
                             const TFImportOptions &options)
    : ctx(ctx), fileName(fileName.str()), graph(graph), options(options),
      builder(&ctx), fileLoc(FileLineColLoc::get(&ctx, fileName, 0, 0)),
      currentLoc(fileLoc) {}

InFlightDiagnostic GraphImporter::emitError() {
  return mlir::emitError(UnknownLoc::get(&ctx)) << fileName << ": ";
}

Location GraphImporter::nameLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(&ctx, name), fileLoc);
}

void GraphImporter::markRead(const TensorRef &ref) {
  SmallVector<bool, 2> &read = outputsRead[ref.node];
  if (static_cast<int>(read.size()) <= ref.index)
    read.resize(ref.index + 1, false);
  read[ref.index] = true;
}

LogicalResult GraphImporter::indexGraph() {
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    if (node.name().empty())
      return emitError() << "node #" << i << " (" << node.op()
                         << ") has no name";
    if (!nodes.try_emplace(node.name(), &node).second)
      return emitError() << "two nodes are named '" << node.name() << "'";
    nodeIndex[node.name()] = i;
  }
  for (const tfproto::NodeDef &node : graph.node())
    for (const std::string &in : node.input()) {
      FailureOr<TensorRef> ref = parseTensorRef(in);
      if (failed(ref))
        return emitError() << "node '" << node.name()
                           << "': malformed input name '" << in << "'";
      if (ref->control)
        controlRead.insert(ref->node);
      else
        markRead(*ref);
    }
  return success();
}

/// Ops that a default output selection skips: they produce nothing a user
/// wants as a model result.
static bool isNeverDefaultOutput(StringRef op) {
  return op == "NoOp" || op == "Const" || op == "Placeholder" ||
         op == "PlaceholderWithDefault" || op == "Assert";
}

LogicalResult GraphImporter::selectOutputs() {
  if (!options.outputs.empty()) {
    for (const std::string &name : options.outputs) {
      FailureOr<TensorRef> ref = parseTensorRef(name);
      if (failed(ref) || ref->control)
        return emitError() << "malformed output name '" << name << "'";
      if (!nodes.count(ref->node))
        return emitError() << "output '" << name << "' names no node";
      outputRefs.push_back(*ref);
    }
  } else {
    // Nodes only reached through control inputs (asserts, initializers)
    // are not results either.
    for (const tfproto::NodeDef &node : graph.node())
      if (!outputsRead.count(node.name()) &&
          !controlRead.contains(node.name()) &&
          !isNeverDefaultOutput(node.op()))
        outputRefs.push_back(TensorRef{node.name(), 0, false});
    if (outputRefs.empty())
      return emitError() << "the graph has no outputs (every node is read "
                            "by another node); name them with --outputs";
  }
  for (const TensorRef &ref : outputRefs)
    markRead(ref);
  return success();
}

LogicalResult GraphImporter::selectInputs() {
  for (const std::string &name : options.inputs) {
    FailureOr<TensorRef> ref = parseTensorRef(name);
    if (failed(ref) || ref->control)
      return emitError() << "malformed input name '" << name << "'";
    if (!nodes.count(ref->node))
      return emitError() << "input '" << name << "' names no node";
    for (const TensorRef &other : inputRefs)
      if (other.key() == ref->key())
        return emitError() << "input '" << name << "' is given twice";
    inputRefs.push_back(*ref);
    fedNodes[ref->node] = true;
  }
  return success();
}

LogicalResult GraphImporter::orderNodes() {
  enum State { Unvisited, OnStack, Done };
  llvm::StringMap<State> state;
  std::vector<const tfproto::NodeDef *> placeholders;
  // Iterative DFS; a frame is a node and the next input to follow.
  SmallVector<std::pair<const tfproto::NodeDef *, int>> stack;
  auto push = [&](const tfproto::NodeDef *node) -> LogicalResult {
    State &s = state[node->name()];
    if (s == Done)
      return success();
    if (s == OnStack) {
      // The cycle is the stack from the first frame of `node` on.
      std::string path;
      bool in = false;
      for (auto &[n, _] : stack) {
        in |= n == node;
        if (in)
          path += n->name() + " -> ";
      }
      return emitError() << "the graph has a cycle: " << path << node->name();
    }
    if (fedNodes.count(node->name())) {
      s = Done;
      return success();
    }
    if (node->op() == "Placeholder") {
      if (!options.inputs.empty())
        return emitError() << "Placeholder '" << node->name()
                           << "' is needed but not among the inputs";
      placeholders.push_back(node);
      s = Done;
      return success();
    }
    s = OnStack;
    stack.push_back({node, 0});
    return success();
  };
  for (const TensorRef &ref : outputRefs) {
    if (failed(push(nodes.lookup(ref.node))))
      return failure();
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next == node->input_size()) {
        state[node->name()] = Done;
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      TensorRef in = *parseTensorRef(node->input(next++));
      // Control inputs carry no data: frozen graphs use them for asserts and
      // initialization, which inference does not need.
      if (in.control)
        continue;
      const tfproto::NodeDef *producer = nodes.lookup(in.node);
      if (!producer)
        return emitError() << "node '" << node->name() << "': input '"
                           << in.str() << "' names no node";
      if (failed(push(producer)))
        return failure();
    }
  }
  // Default inputs: the needed Placeholders, in graph order.
  llvm::sort(placeholders,
             [&](const tfproto::NodeDef *a, const tfproto::NodeDef *b) {
               return nodeIndex.lookup(a->name()) < nodeIndex.lookup(b->name());
             });
  for (const tfproto::NodeDef *p : placeholders)
    inputRefs.push_back(TensorRef{p->name(), 0, false});
  return success();
}

const SmallVector<int64_t> *
GraphImporter::shapeOption(const TensorRef &ref) const {
  for (const auto &[name, shape] : options.shapes) {
    FailureOr<TensorRef> r = parseTensorRef(name);
    if (succeeded(r) && r->key() == ref.key())
      return &shape;
  }
  return nullptr;
}

/// The shape a `shape` attribute or `_output_shapes` entry records, -1 for
/// unknown dims; nullopt for an unknown rank.
static std::optional<SmallVector<int64_t>>
readShape(const tfproto::TensorShapeProto &shape) {
  if (shape.unknown_rank())
    return std::nullopt;
  SmallVector<int64_t> dims;
  for (const auto &d : shape.dim())
    dims.push_back(d.size() < 0 ? -1 : d.size());
  return dims;
}

RankedTensorType GraphImporter::inputType(const TensorRef &ref) {
  const tfproto::NodeDef &node = *nodes.lookup(ref.node);
  std::string name = ref.str();
  // Declared: the Placeholder's shape, or what TF recorded for a cut.
  std::optional<SmallVector<int64_t>> declared;
  int dtype = tfproto::DT_FLOAT;
  auto attr = [&](StringRef n) -> const tfproto::AttrValue * {
    auto it = node.attr().find(n.str());
    return it == node.attr().end() ? nullptr : &it->second;
  };
  if (node.op() == "Placeholder" || node.op() == "PlaceholderWithDefault") {
    if (const tfproto::AttrValue *a = attr("shape"))
      declared = readShape(a->shape());
    if (const tfproto::AttrValue *a = attr("dtype"))
      dtype = a->type();
  } else {
    if (const tfproto::AttrValue *a = attr("_output_shapes");
        a && ref.index < a->list().shape_size())
      declared = readShape(a->list().shape(ref.index));
    if (const tfproto::AttrValue *a = attr("T"))
      dtype = a->type();
  }
  if (dtype != tfproto::DT_FLOAT) {
    emitError() << "input '" << name << "' has element type "
                << dataTypeName(dtype) << "; only DT_FLOAT is supported";
    return {};
  }
  SmallVector<int64_t> shape;
  if (const SmallVector<int64_t> *given = shapeOption(ref)) {
    bool compatible = !declared || declared->size() == given->size();
    for (size_t i = 0; compatible && declared && i < given->size(); ++i)
      compatible = (*declared)[i] < 0 || (*declared)[i] == (*given)[i];
    if (!compatible) {
      emitError() << "--shape " << formatShape(*given) << " for input '" << name
                  << "' contradicts its declared shape "
                  << formatShape(*declared);
      return {};
    }
    shape = *given;
  } else {
    if (!declared) {
      emitError() << "input '" << name
                  << "' has no known shape; give it with --shape " << name
                  << "=...";
      return {};
    }
    shape = *declared;
    for (auto [i, d] : llvm::enumerate(shape)) {
      if (d >= 0)
        continue;
      if (i != 0) {
        emitError() << "input '" << name << "' has shape "
                    << formatShape(*declared)
                    << ": only dimension 0 (the batch) "
                    << "may be unknown; give the shape with --shape " << name
                    << "=...";
        return {};
      }
      d = options.batchSize;
    }
  }
  if (llvm::Error err = checkTensorSize(shape, 4)) {
    emitError() << "input '" << name << "' " << llvm::toString(std::move(err));
    return {};
  }
  return RankedTensorType::get(shape, builder.getF32Type());
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

Value GraphImporter::materialize(const HostTensor &t, Location loc,
                                 ErrorFn emitError, StringRef name) {
  Type elementType = elementTypeOf(&ctx, t.dtype);
  if (!elementType) {
    emitError() << "'" << name << "' of type " << dataTypeName(t.dtype)
                << " cannot be a tensor value";
    return {};
  }
  return import::materializeHostConstant(
      builder, loc, RankedTensorType::get(t.shape, elementType), t.floats,
      t.ints, constants);
}

Value GraphImporter::getValue(StringRef key, Layout layout, ErrorFn emitError) {
  auto it = values.find(key);
  if (it == values.end()) {
    emitError() << "value '" << key << "' is not defined";
    return {};
  }
  Entry &e = *it->second;
  auto constant = [&](bool nhwc) {
    return materialize(nhwc ? e.constant->transposed(kToNHWC) : *e.constant,
                       nameLoc(e.origin), emitError, key);
  };
  return import::valueInLayout(
      builder, currentLoc, e.tf, e.nhwc, layout == Layout::NHWC,
      e.tfType.getRank(), key,
      e.constant ? function_ref<Value(bool)>(constant) : nullptr, emitError);
}

LogicalResult GraphImporter::importNode(const tfproto::NodeDef &node) {
  currentLoc = nameLoc(node.name());
  NodeImporter n(*this, node, currentLoc);
  for (const std::string &in : node.input()) {
    TensorRef ref = *parseTensorRef(in);
    if (ref.control || values.count(ref.key()))
      continue;
    return n.emitError() << "input '" << ref.str() << "' is not defined: '"
                         << ref.node << "' (" << nodes.lookup(ref.node)->op()
                         << ") has no output " << ref.index
                         << " that the importer knows";
  }
  OpHandler handler = getHandlers().lookup(node.op());
  if (!handler && !options.allowCustomOps)
    return n.emitError() << "unsupported op '" << node.op() << "'";
  if (failed(handler ? handler(n) : importCustomOp(n)))
    return failure();
  // Outputs a handler leaves undefined are fine as long as nothing reads
  // them.
  auto it = outputsRead.find(node.name());
  if (it != outputsRead.end())
    for (auto [i, read] : llvm::enumerate(it->second))
      if (read && !values.count(node.name() + ":" + std::to_string(i)))
        return n.emitError() << "output " << i << " of " << node.op()
                             << " is read but not supported";
  return success();
}

/// Conv2D/DepthwiseConv2dNative/Conv2DBackpropInput/MatMul followed by
/// BiasAdd (or an Add of a constant vector over the channels) is one layer
/// with a bias: the bias of a qnn.conv2d/dense/conv_transpose2d is what
/// qnn-quantize makes an int32 bias and qnn-fold-batchnorm folds into, where
/// a separate add would be quantized as an activation.
static void fuseBiasAdds(func::FuncOp func) {
  SmallVector<qnn::AddOp> adds;
  func.walk([&](qnn::AddOp add) { adds.push_back(add); });
  for (qnn::AddOp add : adds) {
    Value layer = add.getLhs();
    if (!layer.hasOneUse() || layer.getType() != add.getType())
      continue;
    Operation *producer = layer.getDefiningOp();
    if (!producer ||
        !isa<qnn::Conv2dOp, qnn::DenseOp, qnn::ConvTranspose2dOp>(producer) ||
        producer->getNumOperands() != 2)
      continue;
    auto bias = add.getRhs().getDefiningOp<arith::ConstantOp>();
    auto biasType = dyn_cast<RankedTensorType>(add.getRhs().getType());
    int64_t channels =
        cast<RankedTensorType>(layer.getType()).getShape().back();
    if (!bias || !biasType ||
        biasType.getShape() != ArrayRef<int64_t>{channels})
      continue;
    // Constants are created where first used; the layer needs its bias
    // before it.
    if (!bias->isBeforeInBlock(producer))
      bias->moveBefore(producer);
    if (auto conv = dyn_cast<qnn::Conv2dOp>(producer))
      conv.getBiasMutable().assign(bias);
    else if (auto dense = dyn_cast<qnn::DenseOp>(producer))
      dense.getBiasMutable().assign(bias);
    else
      cast<qnn::ConvTranspose2dOp>(producer).getBiasMutable().assign(bias);
    add.replaceAllUsesWith(layer);
    add.erase();
  }
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (failed(indexGraph()) || failed(selectOutputs()) ||
      failed(selectInputs()) || failed(orderNodes()))
    return nullptr;

  module = ModuleOp::create(fileLoc);
  SmallVector<Type> argTypes;
  for (const TensorRef &ref : inputRefs) {
    RankedTensorType type = inputType(ref);
    if (!type)
      return nullptr;
    argTypes.push_back(type);
  }
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, nameLoc(options.entryName),
                                   options.entryName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = new Block();
  func.getBody().push_back(entry);
  for (auto [i, ref] : llvm::enumerate(inputRefs)) {
    BlockArgument arg = entry->addArgument(argTypes[i], nameLoc(ref.node));
    func.setArgAttr(i, "qnn.name", builder.getStringAttr(ref.str()));
    auto e = std::make_shared<Entry>();
    e->tfType = cast<RankedTensorType>(argTypes[i]);
    e->tf = arg;
    values[ref.key()] = std::move(e);
  }

  builder.setInsertionPointToEnd(entry);
  for (const tfproto::NodeDef *node : order)
    if (failed(importNode(*node)))
      return nullptr;

  SmallVector<Value> results;
  for (const TensorRef &ref : outputRefs) {
    currentLoc = nameLoc(ref.node);
    if (!values.count(ref.key())) {
      emitError() << "output '" << ref.str() << "' is not defined: '"
                  << ref.node << "' (" << nodes.lookup(ref.node)->op()
                  << ") has no output " << ref.index
                  << " that the importer knows";
      return nullptr;
    }
    Value v = getValue(ref.key(), Layout::TF, [&] {
      return emitError() << "output '" << ref.str() << "': ";
    });
    if (!v)
      return nullptr;
    results.push_back(v);
  }
  func::ReturnOp::create(builder, func.getLoc(), results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, ref] : llvm::enumerate(outputRefs))
    func.setResultAttr(i, "qnn.name", builder.getStringAttr(ref.str()));
  fuseBiasAdds(func);

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

NodeImporter::NodeImporter(GraphImporter &graph, const tfproto::NodeDef &node,
                           Location loc)
    : builder(graph.builder), loc(loc), graph(graph), node(node) {
  for (const std::string &in : node.input()) {
    TensorRef ref = *parseTensorRef(in);
    if (!ref.control)
      inputs.push_back(ref);
  }
}

InFlightDiagnostic NodeImporter::emitError() {
  return graph.emitError() << "node '" << node.name() << "': ";
}

LogicalResult NodeImporter::unsupportedAttr(StringRef attrName, StringRef value,
                                            StringRef why) {
  return emitError() << "unsupported attribute " << attrName << " = " << value
                     << " (" << why << ")";
}

LogicalResult NodeImporter::checkInputCount(unsigned min, unsigned max) {
  if (numInputs() >= min && numInputs() <= max)
    return success();
  InFlightDiagnostic diag = emitError() << node.op() << " expects ";
  if (min == max)
    diag << min;
  else
    diag << min << " to " << max;
  return diag << " inputs, got " << numInputs();
}

RankedTensorType NodeImporter::inputType(unsigned i) const {
  return graph.values.find(inputs[i].key())->second->tfType;
}

Layout NodeImporter::inputLayout(unsigned i) const {
  return graph.values.find(inputs[i].key())->second->native;
}

Value NodeImporter::input(unsigned i, Layout layout) {
  return graph.getValue(inputs[i].key(), layout, [&] { return emitError(); });
}

const HostTensor *NodeImporter::constantInput(unsigned i) const {
  const auto &c = graph.values.find(inputs[i].key())->second->constant;
  return c ? &*c : nullptr;
}

const HostTensor *NodeImporter::requireConstant(unsigned i, StringRef what) {
  const HostTensor *c = constantInput(i);
  if (!c)
    emitError() << what << " '" << inputName(i)
                << "' must be a constant (or computable from constants and "
                   "static shapes)";
  return c;
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantInts(unsigned i,
                                                           StringRef what) {
  const HostTensor *c = requireConstant(i, what);
  if (!c)
    return failure();
  if (c->isFloat())
    return emitError() << what << " '" << inputName(i)
                       << "' must be an integer tensor";
  return SmallVector<int64_t>(c->ints.begin(), c->ints.end());
}

Value NodeImporter::materialize(const HostTensor &t,
                                std::optional<unsigned> fromInput) {
  if (fromInput)
    return graph.materialize(
        t, graph.nameLoc(inputs[*fromInput].node), [&] { return emitError(); },
        inputs[*fromInput].str());
  return graph.materialize(
      t, loc, [&] { return emitError(); }, node.name());
}

int NodeImporter::numOutputsRead() const {
  auto it = graph.outputsRead.find(node.name());
  return it == graph.outputsRead.end() ? 0 : it->second.size();
}

std::optional<SmallVector<int64_t>>
NodeImporter::recordedShape(unsigned i) const {
  const tfproto::AttrValue *a = attr("_output_shapes");
  if (!a || static_cast<int>(i) >= a->list().shape_size())
    return std::nullopt;
  return readShape(a->list().shape(i));
}

const SmallVector<int64_t> *NodeImporter::shapeOption(unsigned i) const {
  return graph.shapeOption(TensorRef{node.name(), static_cast<int>(i), false});
}

int64_t NodeImporter::batchSize() const { return graph.options.batchSize; }

RankedTensorType NodeImporter::outputType(unsigned i,
                                          ArrayRef<int64_t> computed,
                                          Layout layout) {
  // Inputs only ever fill dimensions the graph leaves unknown (--batch,
  // --shape), so the shapes TF recorded at export still hold.
  std::optional<SmallVector<int64_t>> recorded = recordedShape(i);
  if (recorded) {
    bool same = recorded->size() == computed.size();
    for (size_t d = 0; same && d < computed.size(); ++d)
      same = (*recorded)[d] < 0 || (*recorded)[d] == computed[d];
    if (!same) {
      emitError() << "TF records output shape " << formatShape(*recorded)
                  << " but the importer computes " << formatShape(computed);
      return {};
    }
  }
  auto type = RankedTensorType::get(computed, builder.getF32Type());
  if (layout == Layout::TF)
    return type;
  return RankedTensorType::get(permuteShape(computed, kToNHWC),
                               builder.getF32Type());
}

void NodeImporter::setOutput(unsigned i, Value value, Layout layout) {
  auto e = std::make_shared<GraphImporter::Entry>();
  auto type = cast<RankedTensorType>(value.getType());
  e->native = layout;
  if (layout == Layout::TF) {
    e->tfType = type;
    e->tf = value;
  } else {
    e->tfType = RankedTensorType::get(permuteShape(type.getShape(), kToNCHW),
                                      type.getElementType());
    e->nhwc = value;
  }
  graph.values[node.name() + ":" + std::to_string(i)] = std::move(e);
}

void NodeImporter::setConstantOutput(unsigned i, HostTensor tensor) {
  auto e = std::make_shared<GraphImporter::Entry>();
  Type elementType = elementTypeOf(getContext(), tensor.dtype);
  e->tfType = RankedTensorType::get(
      tensor.shape, elementType ? elementType : builder.getI64Type());
  e->constant = std::move(tensor);
  e->origin = node.name();
  graph.values[node.name() + ":" + std::to_string(i)] = std::move(e);
}

void NodeImporter::forwardInput(unsigned i, unsigned inputIdx) {
  graph.values[node.name() + ":" + std::to_string(i)] =
      graph.values.find(inputs[inputIdx].key())->second;
}

LogicalResult NodeImporter::checkNoOutputsReadFrom(unsigned first,
                                                   StringRef what) {
  auto it = graph.outputsRead.find(node.name());
  if (it == graph.outputsRead.end())
    return success();
  for (unsigned i = first; i < it->second.size(); ++i)
    if (it->second[i])
      return emitError() << "the " << what << " output (" << i << ") of "
                         << opType() << " is not supported";
  return success();
}

const tfproto::AttrValue *NodeImporter::attr(StringRef attrName) const {
  auto it = node.attr().find(attrName.str());
  return it == node.attr().end() ? nullptr : &it->second;
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef attrName, int64_t dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->value_case() != tfproto::AttrValue::kI)
    return emitError() << "attribute '" << attrName << "' must be an int";
  return a->i();
}

FailureOr<float> NodeImporter::floatAttr(StringRef attrName, float dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->value_case() != tfproto::AttrValue::kF)
    return emitError() << "attribute '" << attrName << "' must be a float";
  return a->f();
}

FailureOr<bool> NodeImporter::boolAttr(StringRef attrName, bool dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->value_case() != tfproto::AttrValue::kB)
    return emitError() << "attribute '" << attrName << "' must be a bool";
  return a->b();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef attrName,
                                                StringRef dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return dflt.str();
  if (a->value_case() != tfproto::AttrValue::kS)
    return emitError() << "attribute '" << attrName << "' must be a string";
  return a->s();
}

FailureOr<SmallVector<int64_t>> NodeImporter::intsAttr(StringRef attrName,
                                                       ArrayRef<int64_t> dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return SmallVector<int64_t>(dflt);
  if (a->value_case() != tfproto::AttrValue::kList)
    return emitError() << "attribute '" << attrName
                       << "' must be a list of ints";
  return SmallVector<int64_t>(a->list().i().begin(), a->list().i().end());
}

FailureOr<int> NodeImporter::typeAttr(StringRef attrName, int dflt) {
  const tfproto::AttrValue *a = attr(attrName);
  if (!a)
    return dflt;
  if (a->value_case() != tfproto::AttrValue::kType)
    return emitError() << "attribute '" << attrName << "' must be a type";
  return static_cast<int>(a->type());
}

LogicalResult NodeImporter::requireFloatType(StringRef attrName) {
  FailureOr<int> t = typeAttr(attrName, tfproto::DT_FLOAT);
  if (failed(t))
    return failure();
  if (*t != tfproto::DT_FLOAT)
    return unsupportedAttr(attrName, dataTypeName(*t),
                           "only DT_FLOAT is supported");
  return success();
}

FailureOr<bool> NodeImporter::isNCHW() {
  FailureOr<std::string> format = stringAttr("data_format", "NHWC");
  if (failed(format))
    return failure();
  if (*format == "NHWC")
    return false;
  if (*format == "NCHW")
    return true;
  return unsupportedAttr("data_format", *format, "expected NHWC or NCHW");
}
