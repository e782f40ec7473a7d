//===- QuantPlan.cpp - a quantization config resolved on a model ----------===//

#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Support/OutputFile.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

//===----------------------------------------------------------------------===//
// Op kinds
//===----------------------------------------------------------------------===//

namespace {

/// What a config can say about an op, by op name (op_types entries have no
/// op instance).
enum class Kind {
  Weighted,   ///< conv2d, conv_transpose2d, dense, batch_norm
  Activation, ///< ElementwiseFunctionOpInterface (relu, clip, ...)
  Output,     ///< add, sub, mul, matmul, concat, max/minimum, prelu, reduce
  Softmax,    ///< output_bits (fixed scale)
  KeepType,   ///< pooling, pad: the input's type
  Layout,     ///< reshape, transpose, slice, gather: no entry
  Other,      ///< quantization ops, other dialects
};

Kind kindOf(OperationName name) {
  if (name.getDialectNamespace() != QNNDialect::getDialectNamespace())
    return Kind::Other;
  StringRef op = name.getStringRef();
  if (op == Conv2dOp::getOperationName() || op == DenseOp::getOperationName() ||
      op == ConvTranspose2dOp::getOperationName() ||
      op == BatchNormOp::getOperationName())
    return Kind::Weighted;
  std::optional<RegisteredOperationName> info = name.getRegisteredInfo();
  if (info && info->hasInterface<ElementwiseFunctionOpInterface>())
    return Kind::Activation;
  if (op == AddOp::getOperationName() || op == SubOp::getOperationName() ||
      op == MulOp::getOperationName() || op == MatMulOp::getOperationName() ||
      op == ConcatOp::getOperationName() ||
      op == MaximumOp::getOperationName() ||
      op == MinimumOp::getOperationName() ||
      op == PReluOp::getOperationName() || op == ReduceOp::getOperationName())
    return Kind::Output;
  if (op == SoftmaxOp::getOperationName())
    return Kind::Softmax;
  if (op == MaxPool2dOp::getOperationName() ||
      op == AvgPool2dOp::getOperationName() ||
      op == GlobalAvgPoolOp::getOperationName() ||
      op == PadOp::getOperationName())
    return Kind::KeepType;
  if (op == ReshapeOp::getOperationName() ||
      op == TransposeOp::getOperationName() ||
      op == SliceOp::getOperationName() || op == GatherOp::getOperationName())
    return Kind::Layout;
  return Kind::Other;
}

/// Whether a config key applies to ops of this kind.
bool keyApplies(Kind kind, StringRef key) {
  if (key == "quantize")
    return kind != Kind::Layout && kind != Kind::Other;
  if (key == "power_of_two_scales")
    return kind == Kind::Weighted || kind == Kind::Activation ||
           kind == Kind::Output;
  if (key == "weight_bits" || key == "per_tensor_weights" ||
      key == "weight_axis")
    return kind == Kind::Weighted;
  if (key == "buffer_bits")
    return kind == Kind::Weighted || kind == Kind::Output;
  if (key == "activation_bits")
    return kind == Kind::Activation;
  if (key == "output_bits")
    return kind == Kind::Weighted || kind == Kind::Output ||
           kind == Kind::Softmax;
  if (key == "symmetric_activations")
    return kind == Kind::Weighted || kind == Kind::Activation ||
           kind == Kind::Output;
  if (key == "per_tensor_activations" || key == "activation_axis")
    return kind == Kind::Weighted || kind == Kind::Activation;
  return false;
}

} // namespace

Value qmlir::qnn::throughProbes(Value v) {
  while (auto probe = v.getDefiningOp<ObserveOp>())
    v = probe.getInput();
  return v;
}

Operation *qmlir::qnn::onlyUserThroughProbes(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  Operation *user = *v.getUsers().begin();
  if (auto probe = dyn_cast<ObserveOp>(user))
    return onlyUserThroughProbes(probe.getResult());
  return user;
}

bool qnn::isWeightedOp(Operation *op) {
  return kindOf(op->getName()) == Kind::Weighted;
}

bool qnn::isActivationOp(Operation *op) {
  return kindOf(op->getName()) == Kind::Activation;
}

bool qnn::isLayoutOp(Operation *op) {
  return kindOf(op->getName()) == Kind::Layout;
}

bool qnn::keepsInputType(Operation *op) {
  Kind k = kindOf(op->getName());
  return k == Kind::KeepType || k == Kind::Layout;
}

bool qnn::isConfigurableLayer(Operation *op) {
  Kind k = kindOf(op->getName());
  return k != Kind::Layout && k != Kind::Other;
}

//===----------------------------------------------------------------------===//
// Building the plan
//===----------------------------------------------------------------------===//

namespace {

class PlanBuilder {
public:
  PlanBuilder(func::FuncOp func, const qconfig::Config *config,
              StringRef source)
      : func(func), config(config), source(source.str()) {}
  void setFunc(func::FuncOp f) { func = f; }

  LogicalResult checkConfig(const llvm::StringMap<SmallVector<Operation *>> &byName);
  bool isFirstLayer(Operation *op);
  LogicalResult checkAxes(Operation *op, const LayerPlan &plan);
  TensorPlan computeTensor(Value v, const DenseMap<Operation *, LayerPlan> &layers);

private:
  InFlightDiagnostic error() {
    return func.emitError() << source << ": ";
  }

  func::FuncOp func;
  const qconfig::Config *config;
  std::string source;
};

} // namespace

LogicalResult PlanBuilder::checkConfig(
    const llvm::StringMap<SmallVector<Operation *>> &byName) {
  if (!config)
    return success();
  MLIRContext *ctx = func.getContext();
  for (const auto &[name, settings] : config->opTypes) {
    std::optional<RegisteredOperationName> op =
        RegisteredOperationName::lookup(name, ctx);
    Kind kind = op ? kindOf(*op) : Kind::Other;
    if (kind == Kind::Other || kind == Kind::Layout)
      return error() << "op type '" << name
                     << "' is not a configurable qnn op";
    for (StringRef key : settings.setKeys())
      if (!keyApplies(kind, key))
        return error() << "op type '" << name << "': key '" << key
                       << "' does not apply to " << name;
  }
  for (const auto &[name, layer] : config->layers) {
    auto it = byName.find(name);
    if (it == byName.end())
      return error() << "unknown layer '" << name
                     << "' (no op of the model has this name)";
    if (it->second.size() > 1)
      return error() << "layer name '" << name << "' is ambiguous: "
                     << it->second.size() << " ops have it";
    Operation *op = it->second.front();
    StringRef opName = op->getName().getStringRef();
    Kind kind = kindOf(op->getName());
    if (kind == Kind::Layout)
      return error() << "layer '" << name << "' (" << opName
                     << ") has no quantization settings: layout ops keep "
                        "their input's quantization";
    if (!layer.op.empty() && layer.op != opName)
      return error() << "layer '" << name << "' is a " << opName
                     << ", not the '" << layer.op << "' the config says";
    for (StringRef key : layer.settings.setKeys())
      if (!keyApplies(kind, key))
        return error() << "layer '" << name << "' (" << opName
                       << "): key '" << key << "' does not apply to "
                       << opName;
  }
  return success();
}

bool PlanBuilder::isFirstLayer(Operation *op) {
  Value in = throughProbes(op->getOperand(0));
  while (Operation *def = in.getDefiningOp()) {
    if (!isa<ReshapeOp, TransposeOp, PadOp>(def))
      return false;
    in = throughProbes(def->getOperand(0));
  }
  return true;
}

static bool explicitlySet(const qconfig::Config *config, StringRef layer,
                          StringRef key) {
  if (!config)
    return false;
  auto it = config->layers.find(layer.str());
  return it != config->layers.end() &&
         llvm::is_contained(it->second.settings.setKeys(), key);
}

LogicalResult PlanBuilder::checkAxes(Operation *op, const LayerPlan &plan) {
  Kind kind = kindOf(op->getName());
  auto rankOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getRank();
  };
  if (kind == Kind::Weighted && !isa<BatchNormOp>(op)) {
    int64_t rank = rankOf(op->getOperand(1));
    int64_t axis = plan.scheme.weightAxis;
    if (axis < -rank || axis >= rank)
      return op->emitError() << source << ": layer '" << plan.name
                             << "': weight_axis " << axis
                             << " is out of range for the rank-" << rank
                             << " weights";
    if (!plan.scheme.perTensorWeights && (axis + rank) % rank != 0)
      return op->emitError()
             << source << ": layer '" << plan.name << "': weight_axis "
             << axis << ": per-axis weights are quantized along the output "
                         "channel axis 0 only";
  }
  if (kind == Kind::Weighted || kind == Kind::Activation) {
    int64_t rank = rankOf(op->getResult(0));
    int64_t axis = plan.scheme.activationAxis;
    if (axis < -rank || axis >= rank)
      return op->emitError() << source << ": layer '" << plan.name
                             << "': activation_axis " << axis
                             << " is out of range for the rank-" << rank
                             << " output";
    if (!plan.scheme.perTensorActivations && (axis + rank) % rank != rank - 1)
      return op->emitError()
             << source << ": layer '" << plan.name << "': activation_axis "
             << axis << ": per-axis activations are quantized along the "
                        "channel (last) axis only";
  }
  return success();
}

/// Per-axis activations are the outputs of conv2d/dense (batch_norm becomes
/// a depthwise conv2d), alone or through the activation that shares their
/// type: those are the ones whose consumers can fold per-channel scales.
TensorPlan
PlanBuilder::computeTensor(Value v,
                           const DenseMap<Operation *, LayerPlan> &layers) {
  TensorPlan t;
  Operation *def = v.getDefiningOp();
  auto rankOf = [](Value x) {
    return cast<RankedTensorType>(x.getType()).getRank();
  };
  if (!def)
    return t; // arguments are handled by the caller
  if (keepsInputType(def) && def->getNumOperands() > 0)
    return computeTensor(throughProbes(def->getOperand(0)), layers);
  auto it = layers.find(def);
  if (it == layers.end())
    return t;
  const qconfig::LayerScheme &s = it->second.scheme;
  Kind kind = kindOf(def->getName());
  if (kind != Kind::Activation) {
    // A layer whose only user is an activation takes the activation's type.
    if (Operation *user = onlyUserThroughProbes(v))
      if (isa<ReluOp, ClipOp>(user) && layers.count(user) &&
          layers.lookup(user).scheme.quantize)
        return computeTensor(user->getResult(0), layers);
  }
  t.symmetric = s.symmetricActivations;
  t.bits = kind == Kind::Activation ? s.activationBits : s.outputBits;
  t.powerOfTwo = s.powerOfTwoScales;
  if (kind == Kind::Softmax) {
    t.symmetric = false;
    t.powerOfTwo = false; // its output scale is 2^-n already
  }
  bool canBePerAxis = kind == Kind::Weighted && rankOf(v) >= 2;
  if (kind == Kind::Activation) {
    // An activation is per axis when it shares the type of a conv/dense.
    Value in = throughProbes(def->getOperand(0));
    Operation *producer = in.getDefiningOp();
    canBePerAxis = isa<ReluOp, ClipOp>(def) && producer &&
                   kindOf(producer->getName()) == Kind::Weighted &&
                   onlyUserThroughProbes(in) == def && rankOf(v) >= 2;
  }
  if (!s.perTensorActivations && canBePerAxis) {
    t.perAxis = true;
    t.axis = rankOf(v) - 1;
  }
  return t;
}

FailureOr<QuantPlan> QuantPlan::build(ArrayRef<func::FuncOp> funcs,
                                      const qconfig::Scheme &base,
                                      const qconfig::Config *config,
                                      StringRef source) {
  QuantPlan plan;
  plan.globalScheme = config ? config->resolveGlobal(base) : base;
  if (funcs.empty())
    return plan;
  PlanBuilder builder(funcs.front(), config, source);
  for (func::FuncOp func : funcs)
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return func.emitError("quantization needs a single-block function");

  llvm::StringMap<SmallVector<Operation *>> byName;
  for (func::FuncOp func : funcs) {
    builder.setFunc(func);
    for (Operation &op : func.getBody().front()) {
      Kind kind = kindOf(op.getName());
      if (kind == Kind::Other)
        continue;
      byName[layerName(&op)].push_back(&op);
      if (kind == Kind::Layout)
        continue;
      LayerPlan layer;
      layer.name = layerName(&op);
      layer.firstLayer = kind == Kind::Weighted && builder.isFirstLayer(&op);
      layer.scheme = config ? config->resolve(plan.globalScheme, layer.name,
                                              op.getName().getStringRef(),
                                              layer.firstLayer)
                            : plan.globalScheme.defaults;
      if (!config && layer.firstLayer)
        layer.scheme.weightBits = plan.globalScheme.inputWeightBits;
      plan.layers[&op] = layer;
      plan.order.push_back(&op);
    }
  }
  builder.setFunc(funcs.front());
  if (failed(builder.checkConfig(byName)))
    return failure();

  for (Operation *op : plan.order) {
    const LayerPlan &layer = plan.layers[op];
    if (failed(builder.checkAxes(op, layer)))
      return failure();
    // An explicit per-axis request that no integer rule supports.
    if (explicitlySet(config, layer.name, "per_tensor_activations") &&
        !layer.scheme.perTensorActivations) {
      TensorPlan t = builder.computeTensor(op->getResult(0), plan.layers);
      if (!t.perAxis)
        return op->emitError()
               << source << ": layer '" << layer.name
               << "': per-axis activations are supported for conv2d/dense "
                  "outputs and the relu/clip that directly follows one, not "
                  "here";
    }
  }

  const qconfig::Scheme &g = plan.globalScheme;
  for (func::FuncOp func : funcs) {
    for (BlockArgument arg : func.getArguments()) {
      TensorPlan t;
      t.bits = g.input.bits;
      t.isUnsigned = g.input.isUnsigned;
      t.symmetric = !g.input.isUnsigned && g.defaults.symmetricActivations;
      t.powerOfTwo = g.defaults.powerOfTwoScales;
      plan.tensors[arg] = t;
    }
    for (Operation &op : func.getBody().front())
      for (Value result : op.getResults())
        if (isa<RankedTensorType>(result.getType()) &&
            kindOf(op.getName()) != Kind::Other)
          plan.tensors[result] = builder.computeTensor(result, plan.layers);
  }
  return plan;
}

const LayerPlan *QuantPlan::layer(Operation *op) const {
  auto it = layers.find(op);
  return it == layers.end() ? nullptr : &it->second;
}

TensorPlan QuantPlan::tensor(Value value) const {
  value = throughProbes(value);
  auto it = tensors.find(value);
  if (it != tensors.end())
    return it->second;
  TensorPlan t;
  t.bits = globalScheme.defaults.outputBits;
  t.symmetric = globalScheme.defaults.symmetricActivations;
  return t;
}

qconfig::Config QuantPlan::dump() const {
  qconfig::Config c;
  c.defaults = globalScheme.defaults.toSettings();
  c.inputWeightBits = globalScheme.inputWeightBits;
  c.inputDtype = globalScheme.input;
  for (Operation *op : order) {
    const LayerPlan &layer = layers.lookup(op);
    Kind kind = kindOf(op->getName());
    qconfig::Settings all = layer.scheme.toSettings(), kept;
    qconfig::Config::Layer entry;
    entry.op = op->getName().getStringRef().str();
    auto keep = [&](StringRef key, auto member) {
      if (keyApplies(kind, key))
        kept.*member = all.*member;
    };
    using S = qconfig::Settings;
    keep("weight_bits", &S::weightBits);
    keep("activation_bits", &S::activationBits);
    keep("output_bits", &S::outputBits);
    keep("buffer_bits", &S::bufferBits);
    keep("per_tensor_weights", &S::perTensorWeights);
    keep("per_tensor_activations", &S::perTensorActivations);
    keep("symmetric_activations", &S::symmetricActivations);
    keep("weight_axis", &S::weightAxis);
    keep("activation_axis", &S::activationAxis);
    keep("quantize", &S::quantize);
    keep("power_of_two_scales", &S::powerOfTwoScales);
    entry.settings = kept;
    c.layers[layer.name] = entry;
  }
  return c;
}

FailureOr<QuantPlan> qnn::buildQuantPlan(ArrayRef<func::FuncOp> funcs,
                                         const qconfig::Scheme &base,
                                         StringRef path) {
  StringAttr inIR;
  if (path.empty() && !funcs.empty())
    if (auto module = funcs.front()->getParentOfType<ModuleOp>())
      inIR = module->getAttrOfType<StringAttr>(kQuantConfigAttrName);
  if (path.empty() && !inIR)
    return QuantPlan::build(funcs, base, nullptr, "");
  llvm::Expected<qconfig::Config> config =
      inIR ? qconfig::parseConfig(inIR.getValue(), kQuantConfigAttrName)
           : qconfig::readConfig(path);
  if (!config) {
    std::string message = llvm::toString(config.takeError());
    if (funcs.empty())
      return failure();
    func::FuncOp first = funcs.front();
    return first.emitError() << message;
  }
  return QuantPlan::build(funcs, base, &*config,
                          inIR ? StringRef(kQuantConfigAttrName) : path);
}

FailureOr<qconfig::Scheme>
qnn::schemeFromOptions(Operation *op, unsigned weightBits,
                       unsigned activationBits, bool perAxisWeights,
                       bool symmetricActivations, bool perTensorActivations,
                       unsigned bufferBits) {
  if (weightBits < 2 || weightBits > 16)
    return op->emitError() << "weight-bits must be in [2, 16], got "
                           << weightBits;
  if (activationBits < 1 || activationBits > 16)
    return op->emitError() << "activation-bits must be in [1, 16], got "
                           << activationBits;
  if (bufferBits < 2 || bufferBits > 32)
    return op->emitError() << "buffer-bits must be in [2, 32], got "
                           << bufferBits;
  qconfig::Scheme s;
  s.defaults.weightBits = weightBits;
  s.inputWeightBits = weightBits;
  s.defaults.activationBits = activationBits;
  s.defaults.outputBits = activationBits;
  s.input.bits = activationBits;
  s.defaults.perTensorWeights = !perAxisWeights;
  s.defaults.symmetricActivations = symmetricActivations;
  s.defaults.perTensorActivations = perTensorActivations;
  s.defaults.bufferBits = bufferBits;
  return s;
}

SmallVector<func::FuncOp> qnn::definedFunctions(ModuleOp module) {
  SmallVector<func::FuncOp> funcs;
  for (func::FuncOp f : module.getOps<func::FuncOp>())
    if (!f.isExternal())
      funcs.push_back(f);
  return funcs;
}

LogicalResult qnn::writeConfig(Operation *op, const qconfig::Config &config,
                               StringRef path) {
  if (llvm::Error err = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
        os << llvm::formatv("{0:2}", qconfig::toJSON(config)) << "\n";
        return llvm::Error::success();
      }))
    return op->emitError() << llvm::toString(std::move(err));
  return success();
}
