//===- LegalizeBitwidth.cpp - constrain a quantization to a target -------===//
//
// qnn-legalize-bitwidth turns a target description into a quantization
// config: it resolves the scheme qnn-quantize would use (QuantPlan, from the
// user's config), changes what the target does not allow, layer by layer,
// with a remark per change, and stores the result as the module's
// qnn.quant_config, which qnn-calibrate / qnn-quantize read. Working on the
// scheme rather than on quantized IR means the weights, biases and
// requantization parameters are computed once, by qnn-quantize, from the
// final types.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Transforms/Passes.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Quant/QuantMath.h"
#include "qmlir/Target/TargetDescription.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace qmlir::target {
#define GEN_PASS_DEF_QNNLEGALIZEBITWIDTHPASS
#include "qmlir/Target/Transforms/Passes.h.inc"
} // namespace qmlir::target

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using qmlir::target::TargetDescription;

namespace {

/// The op kind a target lists for `op` ("conv2d" for qnn.conv2d).
StringRef opKind(Operation *op) { return op->getName().stripDialect(); }

bool isWeighted(Operation *op) { return isa<Conv2dOp, DenseOp>(op); }
bool hasOutputBits(Operation *op) {
  return isa<Conv2dOp, DenseOp, AddOp, MulOp, ConcatOp>(op);
}

/// Who sets the type of a tensor: a layer and the key that holds its width,
/// or a model input (op == null).
struct TypeOwner {
  Operation *op = nullptr;
  StringRef key;
};

/// Mirrors QuantPlan's rule: pooling / padding / layout keep their input's
/// type; a conv/dense/add whose only user is a relu/clip takes the
/// activation's type.
TypeOwner ownerOf(Value v) {
  v = throughProbes(v);
  Operation *def = v.getDefiningOp();
  if (!def)
    return {};
  if (keepsInputType(def) && def->getNumOperands() > 0)
    return ownerOf(def->getOperand(0));
  if (isActivationOp(def))
    return {def, "activation_bits"};
  if (Operation *user = onlyUserThroughProbes(v))
    if (isa<ReluOp, ClipOp>(user))
      return {user, "activation_bits"};
  return {def, "output_bits"};
}

/// The calibrated range a probe recorded for `v`, if any.
std::optional<std::pair<double, double>> rangeOf(Value v) {
  for (Operation *user : v.getUsers())
    if (auto probe = dyn_cast<ObserveOp>(user))
      if (probe.getMin() && probe.getMax())
        return std::make_pair(probe.getMin()->convertToDouble(),
                              probe.getMax()->convertToDouble());
  if (auto probe = v.getDefiningOp<ObserveOp>())
    if (probe.getMin() && probe.getMax())
      return std::make_pair(probe.getMin()->convertToDouble(),
                            probe.getMax()->convertToDouble());
  return std::nullopt;
}

std::optional<std::vector<float>> floatConstant(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  std::vector<float> out;
  for (APFloat f : attr.getValues<APFloat>())
    out.push_back(static_cast<float>(f.convertToDouble()));
  return out;
}

unsigned bitsFor(double magnitude) {
  unsigned bits = 1;
  while (std::ldexp(1.0, bits - 1) - 1.0 < magnitude)
    ++bits;
  return bits;
}

class Legalizer {
public:
  Legalizer(ModuleOp module, const TargetDescription &target,
            qconfig::Config config)
      : module(module), target(target), config(std::move(config)),
        funcs(definedFunctions(module)) {}

  LogicalResult run(bool accumulatorsOnly);
  const qconfig::Config &result() const { return config; }

private:
  FailureOr<QuantPlan> plan() {
    return QuantPlan::build(funcs, base, &config, "qnn-legalize-bitwidth");
  }
  /// Where global changes are reported: the first function (the module's
  /// own location is usually unknown).
  Location globalLoc() {
    return funcs.empty() ? module.getLoc() : funcs.front().getLoc();
  }
  bool runsOn(Operation *op) const { return target.lookup(opKind(op)); }
  void setLayer(Operation *op, StringRef name, StringRef key,
                const std::function<void(qconfig::Settings &)> &set,
                const Twine &from, const Twine &to, const Twine &why);
  LogicalResult legalizeScheme(const QuantPlan &p);
  LogicalResult fitAccumulators();
  /// The worst-case accumulator of a conv2d/dense per output channel split
  /// in (sum |q_w|, |bias_q|) under plan `p`, given input parameters.
  std::optional<std::pair<std::vector<double>, std::vector<double>>>
  accumulatorTerms(Operation *op, const LayerPlan &layer,
                   const qmath::QuantParams &in);

  ModuleOp module;
  const TargetDescription &target;
  qconfig::Config config;
  SmallVector<func::FuncOp> funcs;
  qconfig::Scheme base;
};

void Legalizer::setLayer(Operation *op, StringRef name, StringRef key,
                         const std::function<void(qconfig::Settings &)> &set,
                         const Twine &from, const Twine &to, const Twine &why) {
  qconfig::Config::Layer &entry = config.layers[name.str()];
  set(entry.settings);
  mlir::emitRemark(op->getLoc()) << "layer '" << name << "': " << key << " "
                                 << from << " -> " << to << " (" << why << ")";
}

LogicalResult Legalizer::legalizeScheme(const QuantPlan &p) {
  std::string targetName = "target '" + target.name + "'";
  bool anyOps = !target.ops.empty();
  qconfig::Scheme global = p.global();
  auto allowed = [](ArrayRef<unsigned> bits) {
    return llvm::join(
        llvm::map_range(bits, [](unsigned b) { return std::to_string(b); }),
        ", ");
  };
  // Global: scales, and the model inputs the first accelerator layers read.
  if (target.powerOfTwoScales && anyOps && !global.defaults.powerOfTwoScales) {
    config.defaults.powerOfTwoScales = true;
    mlir::emitRemark(globalLoc())
        << "power_of_two_scales false -> true (" << targetName
        << " requantizes by shifts only)";
  }
  if (anyOps && !llvm::is_contained(target.activationBits, global.input.bits)) {
    qconfig::InputType in = global.input;
    in.bits = TargetDescription::clamp(target.activationBits, in.bits);
    config.inputDtype = in;
    mlir::emitRemark(globalLoc())
        << "input_dtype " << global.input.str() << " -> " << in.str() << " ("
        << targetName << " allows activation_bits "
        << allowed(target.activationBits) << ")";
  }
  for (func::FuncOp func : funcs) {
    for (Operation &op : func.getBody().front()) {
      const LayerPlan *layer = p.layer(&op);
      if (!layer || !layer->scheme.quantize || !runsOn(&op))
        continue;
      const qconfig::LayerScheme &s = layer->scheme;
      StringRef name = layer->name;
      if (isWeighted(&op)) {
        unsigned w = TargetDescription::clamp(target.weightBits, s.weightBits);
        if (w != s.weightBits)
          setLayer(
              &op, name, "weight_bits",
              [&](qconfig::Settings &x) { x.weightBits = w; },
              Twine(s.weightBits), Twine(w),
              targetName + " allows " + allowed(target.weightBits));
        if (!target.perAxisWeights && !s.perTensorWeights)
          setLayer(
              &op, name, "per_tensor_weights",
              [](qconfig::Settings &x) { x.perTensorWeights = true; }, "false",
              "true", targetName + " has per-tensor weights only");
      }
      if (isActivationOp(&op)) {
        unsigned a =
            TargetDescription::clamp(target.activationBits, s.activationBits);
        if (a != s.activationBits)
          setLayer(
              &op, name, "activation_bits",
              [&](qconfig::Settings &x) { x.activationBits = a; },
              Twine(s.activationBits), Twine(a),
              targetName + " allows " + allowed(target.activationBits));
      }
      if (hasOutputBits(&op)) {
        // A layer output that feeds the next layer is an activation too.
        std::vector<unsigned> both;
        for (unsigned b : target.outputBits)
          if (llvm::is_contained(target.activationBits, b))
            both.push_back(b);
        ArrayRef<unsigned> ok = both.empty()
                                    ? ArrayRef<unsigned>(target.outputBits)
                                    : ArrayRef<unsigned>(both);
        unsigned o = TargetDescription::clamp(ok, s.outputBits);
        if (o != s.outputBits)
          setLayer(
              &op, name, "output_bits",
              [&](qconfig::Settings &x) { x.outputBits = o; },
              Twine(s.outputBits), Twine(o),
              targetName + " allows " + allowed(ok));
        if (s.bufferBits != target.accumulatorBits)
          setLayer(
              &op, name, "buffer_bits",
              [&](qconfig::Settings &x) {
                x.bufferBits = target.accumulatorBits;
              },
              Twine(s.bufferBits), Twine(target.accumulatorBits),
              targetName + " accumulates in " + Twine(target.accumulatorBits) +
                  " bits");
      }
      if ((isWeighted(&op) || isActivationOp(&op)) &&
          target.perTensorActivationsOnly && !s.perTensorActivations)
        setLayer(
            &op, name, "per_tensor_activations",
            [](qconfig::Settings &x) { x.perTensorActivations = true; },
            "false", "true", targetName + " has per-tensor activations only");
    }
  }
  return success();
}

std::optional<std::pair<std::vector<double>, std::vector<double>>>
Legalizer::accumulatorTerms(Operation *op, const LayerPlan &layer,
                            const qmath::QuantParams &in) {
  std::optional<std::vector<float>> w = floatConstant(op->getOperand(1));
  if (!w)
    return std::nullopt;
  std::optional<std::vector<float>> bias;
  if (op->getNumOperands() > 2)
    bias = floatConstant(op->getOperand(2));
  int64_t outChannels =
      cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(0);
  int64_t perChannel = static_cast<int64_t>(w->size()) / outChannels;
  const qconfig::LayerScheme &s = layer.scheme;
  auto absMaxOf = [&](int64_t begin, int64_t end) {
    double m = 0.0;
    for (int64_t i = begin; i < end; ++i)
      m = std::max(m, std::fabs(double((*w)[i])));
    return m;
  };
  double tensorMax = absMaxOf(0, static_cast<int64_t>(w->size()));
  std::vector<double> sums, biases;
  for (int64_t o = 0; o < outChannels; ++o) {
    int64_t begin = o * perChannel, end = begin + perChannel;
    double absMax = s.perTensorWeights ? tensorMax : absMaxOf(begin, end);
    qmath::QuantParams wp = qmath::paramsForRange(-absMax, absMax, s.weightBits,
                                                  true, s.powerOfTwoScales);
    double sum = 0.0;
    for (int64_t i = begin; i < end; ++i)
      sum += std::fabs(
          double(qmath::quantize((*w)[i], wp.scale, 0, wp.qmin, wp.qmax)));
    sums.push_back(sum);
    biases.push_back(bias ? std::fabs(double(qmath::quantizeBias(
                                (*bias)[o], in.scale * wp.scale)))
                          : 0.0);
  }
  return std::make_pair(sums, biases);
}

LogicalResult Legalizer::fitAccumulators() {
  double limit = std::ldexp(1.0, target.accumulatorBits - 1) - 1.0;
  for (func::FuncOp func : funcs) {
    for (Operation &opRef : func.getBody().front()) {
      Operation *op = &opRef;
      if (!isWeighted(op) || !runsOn(op))
        continue;
      // Each fix changes the types of later layers: re-resolve.
      FailureOr<QuantPlan> p = plan();
      if (failed(p))
        return failure();
      const LayerPlan *layer = p->layer(op);
      if (!layer || !layer->scheme.quantize)
        continue;
      Value input = op->getOperand(0);
      std::optional<std::pair<double, double>> range =
          rangeOf(throughProbes(input));
      if (!range)
        continue; // not calibrated: qnn-quantize checks the exact types
      TensorPlan t = p->tensor(input);
      auto paramsAt = [&](unsigned bits) {
        return qmath::paramsForRange(t.isUnsigned ? 0.0 : range->first,
                                     range->second, bits, t.symmetric,
                                     t.powerOfTwo);
      };
      auto worstAt = [&](unsigned bits) -> std::optional<double> {
        qmath::QuantParams in = paramsAt(bits);
        double maxIn =
            double(std::max(in.qmax - in.zeroPoint, in.zeroPoint - in.qmin));
        auto terms = accumulatorTerms(op, *layer, in);
        if (!terms)
          return std::nullopt;
        double worst = 0.0;
        for (size_t o = 0; o < terms->first.size(); ++o)
          worst = std::max(worst, terms->first[o] * maxIn + terms->second[o]);
        return worst;
      };
      std::optional<double> worst = worstAt(t.bits);
      if (!worst || *worst <= limit)
        continue;
      // The widest allowed input width that fits.
      unsigned fit = 0;
      for (unsigned b : target.activationBits) {
        std::optional<double> w = b < t.bits ? worstAt(b) : std::nullopt;
        if (w && *w <= limit)
          fit = std::max(fit, b);
      }
      if (!fit)
        return op->emitError()
               << "layer '" << layer->name << "': the accumulator needs "
               << bitsFor(*worst) << " bits in the worst case with its "
               << t.bits << "-bit input, and no input width target '"
               << target.name << "' allows brings it "
               << "within its " << target.accumulatorBits
               << "-bit accumulator: use fewer weight bits for this layer";
      TypeOwner owner = ownerOf(input);
      std::string why = llvm::formatv(
          "layer '{0}' accumulates up to {1} bits, target '{2}' has {3}: "
          "its input is requantized to {4} bits",
          layer->name, bitsFor(*worst), target.name, target.accumulatorBits,
          fit);
      if (!owner.op) {
        qconfig::InputType in = p->global().input;
        std::string from = in.str();
        in.bits = fit;
        config.inputDtype = in;
        mlir::emitRemark(op->getLoc()) << "input_dtype " << from << " -> "
                                       << in.str() << " (" << why << ")";
        continue;
      }
      const LayerPlan *producer = p->layer(owner.op);
      if (!producer)
        return op->emitError() << "layer '" << layer->name
                               << "': cannot narrow its input to fit the "
                                  "accumulator: the input is not a layer";
      bool isAct = owner.key == "activation_bits";
      unsigned from =
          isAct ? producer->scheme.activationBits : producer->scheme.outputBits;
      setLayer(
          owner.op, producer->name, owner.key,
          [&](qconfig::Settings &x) {
            (isAct ? x.activationBits : x.outputBits) = fit;
          },
          Twine(from), Twine(fit), why);
    }
  }
  return success();
}

LogicalResult Legalizer::run(bool accumulatorsOnly) {
  FailureOr<QuantPlan> p = plan();
  if (failed(p))
    return failure();
  if (!accumulatorsOnly && failed(legalizeScheme(*p)))
    return failure();
  if (failed(fitAccumulators()))
    return failure();
  // Check the result resolves (e.g. keys applying to the layers).
  return success(succeeded(plan()));
}

struct QNNLegalizeBitwidthPass
    : qmlir::target::impl::QNNLegalizeBitwidthPassBase<
          QNNLegalizeBitwidthPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (target.empty()) {
      module.emitError("qnn-legalize-bitwidth needs target=<file.json>");
      return signalPassFailure();
    }
    llvm::Expected<TargetDescription> desc = qmlir::target::readTarget(target);
    if (!desc) {
      module.emitError() << llvm::toString(desc.takeError());
      return signalPassFailure();
    }
    qconfig::Config start;
    if (!config.empty()) {
      llvm::Expected<qconfig::Config> c = qconfig::readConfig(config);
      if (!c) {
        module.emitError() << llvm::toString(c.takeError());
        return signalPassFailure();
      }
      start = std::move(*c);
    } else if (auto inIR =
                   module->getAttrOfType<StringAttr>(kQuantConfigAttrName)) {
      llvm::Expected<qconfig::Config> c =
          qconfig::parseConfig(inIR.getValue(), kQuantConfigAttrName);
      if (!c) {
        module.emitError() << llvm::toString(c.takeError());
        return signalPassFailure();
      }
      start = std::move(*c);
    }
    if (desc->ops.empty() && !accumulatorsOnly)
      module.emitWarning() << "target '" << desc->name
                           << "' runs no ops: everything stays on the CPU";
    Legalizer legalizer(module, *desc, std::move(start));
    if (failed(legalizer.run(accumulatorsOnly)))
      return signalPassFailure();
    std::string json;
    llvm::raw_string_ostream os(json);
    os << qconfig::toJSON(legalizer.result());
    module->setAttr(kQuantConfigAttrName,
                    StringAttr::get(module.getContext(), json));
  }
};

} // namespace
