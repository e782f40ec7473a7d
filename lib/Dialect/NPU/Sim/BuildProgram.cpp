//===- BuildProgram.cpp - a partitioned function as a SimProgram ----------===//
//
// Translates a function partitioned by npu-partition into the plain-data
// program the simulator executes (Program.h), outlining each run of CPU
// fallback ops into a function of its own.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/Sim/Program.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::npu;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string opName(Operation *op) {
  std::string name = qnn::locationName(op->getLoc());
  return name.empty() ? op->getName().getStringRef().str() : name;
}

/// The parameters of a quantized tensor type: per tensor, or per channel of
/// the last dimension (per-axis activations); nullopt for anything else.
std::optional<SimQuant> quantOf(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return std::nullopt;
  if (auto q = dyn_cast<quant::UniformQuantizedType>(t.getElementType()))
    return SimQuant{q.getScale(), q.getZeroPoint(), q.getStorageTypeMin(),
                    q.getStorageTypeMax(), {}, {}};
  auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(t.getElementType());
  if (!pa || t.getRank() == 0 ||
      pa.getQuantizedDimension() != t.getRank() - 1 ||
      static_cast<int64_t>(pa.getScales().size()) != t.getShape().back())
    return std::nullopt;
  SimQuant q{pa.getScales().front(), pa.getZeroPoints().front(),
             pa.getStorageTypeMin(), pa.getStorageTypeMax(), {}, {}};
  q.scales.assign(pa.getScales().begin(), pa.getScales().end());
  q.zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  return q;
}

int64_t bitsOf(const SimQuant &q) {
  return llvm::Log2_64_Ceil(static_cast<uint64_t>(q.qmax - q.qmin + 1));
}

/// A constant, or a quant.scast of one (how quantized weights are written):
/// cloned into every CPU segment that uses it rather than passed between
/// segments.
bool isConstant(Operation *op) {
  if (auto cast = dyn_cast<quant::StorageCastOp>(op)) {
    Operation *def = cast.getInput().getDefiningOp();
    return def && isConstant(def);
  }
  return op->getNumOperands() == 0 && op->hasTrait<OpTrait::ConstantLike>();
}

/// Adds `op` to `constants` after the constants it is computed from.
void addConstant(Operation *op, llvm::SetVector<Operation *> &constants) {
  for (Value v : op->getOperands())
    addConstant(v.getDefiningOp(), constants);
  constants.insert(op);
}

/// A host op the simulator runs itself; everything else outside segments
/// (but constants) is CPU fallback.
bool isHostOp(Operation *op) {
  if (isa<SegmentOp, TransferOp, func::ReturnOp>(op))
    return true;
  if (auto q = dyn_cast<qnn::QuantizeOp>(op))
    return isa<FloatType>(
               cast<ShapedType>(q.getInput().getType()).getElementType()) &&
           quantOf(q.getOutput().getType()).has_value();
  if (auto d = dyn_cast<qnn::DequantizeOp>(op))
    return quantOf(d.getInput().getType()).has_value() &&
           cast<ShapedType>(d.getOutput().getType()).getElementType().isF32();
  return false;
}

std::vector<int64_t> valuesOf(Value v) {
  DenseIntElementsAttr attr;
  std::vector<int64_t> out;
  if (!matchPattern(v, m_Constant(&attr)))
    return out;
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

class ProgramBuilder {
public:
  ProgramBuilder(func::FuncOp func, OwningOpRef<ModuleOp> *cpuModule)
      : func(func), cpuModule(cpuModule) {}
  llvm::Expected<SimProgram> build();

private:
  llvm::Expected<int64_t> tensor(Value v, const std::string &name);
  llvm::Expected<int64_t> use(Value v);
  llvm::Error segment(SegmentOp seg);
  llvm::Error cpuRun(ArrayRef<Operation *> run);
  llvm::Expected<SimOp> op(Operation *op);

  func::FuncOp func;
  OwningOpRef<ModuleOp> *cpuModule;
  SimProgram program;
  DenseMap<Value, int64_t> ids;
};

llvm::Expected<int64_t> ProgramBuilder::tensor(Value v, const std::string &name) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return makeError("'" + name + "' is not a statically shaped tensor");
  SimTensor t;
  t.name = name;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  Type elem = type.getElementType();
  if (auto q = quantOf(type)) {
    t.quant = q;
    t.bits = bitsOf(*q);
    elem = cast<quant::QuantizedType>(elem).getStorageType();
    bool isSigned =
        cast<quant::QuantizedType>(type.getElementType()).isSigned();
    unsigned w = elem.getIntOrFloatBitWidth();
    if (w == 8)
      t.type = isSigned ? ElementType::I8 : ElementType::U8;
    else if (w == 16 && isSigned)
      t.type = ElementType::I16;
    else if (w == 32 && isSigned)
      t.type = ElementType::I32;
    else
      return makeError("'" + name + "': unsupported storage type");
  } else if (elem.isF32()) {
    t.type = ElementType::F32;
  } else if (auto i = dyn_cast<IntegerType>(elem)) {
    unsigned w = i.getWidth();
    t.bits = w;
    if (w == 8)
      t.type = i.isUnsigned() ? ElementType::U8 : ElementType::I8;
    else if (w == 16)
      t.type = ElementType::I16;
    else if (w == 32)
      t.type = ElementType::I32;
    else
      return makeError("'" + name + "': unsupported element type");
  } else if (isa<quant::UniformQuantizedPerAxisType>(elem)) {
    return makeError("'" + name + "': a tensor quantized per axis of another "
                     "dimension than the last crosses a CPU/accelerator "
                     "boundary (host tensors have one scale or one per "
                     "channel): quantize with per-tensor activations, e.g. "
                     "legalized for the target (qnn-legalize-bitwidth)");
  } else {
    return makeError("'" + name + "': unsupported element type");
  }
  int64_t id = static_cast<int64_t>(program.tensors.size());
  program.tensors.push_back(std::move(t));
  ids[v] = id;
  return id;
}

llvm::Expected<int64_t> ProgramBuilder::use(Value v) {
  auto it = ids.find(v);
  if (it != ids.end())
    return it->second;
  Operation *def = v.getDefiningOp();
  return makeError("value of '" +
                   (def ? opName(def) : std::string("argument")) +
                   "' cannot be represented (a constant used by the host?)");
}

llvm::Expected<SimOp> ProgramBuilder::op(Operation *o) {
  SimOp s;
  s.name = opName(o);
  Value in, out;
  auto channelZps = [&](auto layer) {
    if (auto v = layer.getInputZps())
      s.inputZps.assign(v->begin(), v->end());
    if (auto v = layer.getOutputZps())
      s.outputZps.assign(v->begin(), v->end());
  };
  auto weights = [&](Value w, Value b) {
    s.weightShape.assign(cast<ShapedType>(w.getType()).getShape().begin(),
                         cast<ShapedType>(w.getType()).getShape().end());
    s.weight = valuesOf(w);
    if (b)
      s.bias = valuesOf(b);
  };
  if (auto c = dyn_cast<Conv2dOp>(o)) {
    s.kind = SimOpKind::Conv2d;
    in = c.getInput();
    out = c.getOutput();
    weights(c.getWeight(), c.getBias());
    s.strides.assign(c.getStrides().begin(), c.getStrides().end());
    s.padding.assign(c.getPadding().begin(), c.getPadding().end());
    s.dilations.assign(c.getDilations().begin(), c.getDilations().end());
    s.groups = static_cast<int64_t>(c.getGroups());
    s.inputZp = c.getInputZp();
    s.inputBits = c.getInputBits();
    s.weightBits = c.getWeightBits();
    s.accBits = c.getAccBits();
    s.outputZp = c.getOutputZp();
    s.qmin = c.getQmin();
    s.qmax = c.getQmax();
    s.outputBits = c.getOutputBits();
    s.multiplier.assign(c.getMultiplier().begin(), c.getMultiplier().end());
    s.shift.assign(c.getShift().begin(), c.getShift().end());
    s.tileChannels = c.getTileChannels().value_or(0);
    s.tileRows = c.getTileRows().value_or(0);
    channelZps(c);
  } else if (auto d = dyn_cast<DenseOp>(o)) {
    s.kind = SimOpKind::Dense;
    in = d.getInput();
    out = d.getOutput();
    weights(d.getWeight(), d.getBias());
    s.inputZp = d.getInputZp();
    s.inputBits = d.getInputBits();
    s.weightBits = d.getWeightBits();
    s.accBits = d.getAccBits();
    s.outputZp = d.getOutputZp();
    s.qmin = d.getQmin();
    s.qmax = d.getQmax();
    s.outputBits = d.getOutputBits();
    s.multiplier.assign(d.getMultiplier().begin(), d.getMultiplier().end());
    s.shift.assign(d.getShift().begin(), d.getShift().end());
    s.tileChannels = d.getTileChannels().value_or(0);
    s.tileRows = d.getTileRows().value_or(0);
    channelZps(d);
  } else if (auto r = dyn_cast<RescaleOp>(o)) {
    s.kind = SimOpKind::Rescale;
    in = r.getInput();
    out = r.getOutput();
    s.inputZp = r.getInputZp();
    s.inputBits = r.getInputBits();
    s.outputZp = r.getOutputZp();
    s.qmin = r.getQmin();
    s.qmax = r.getQmax();
    s.outputBits = r.getOutputBits();
    s.multiplier.assign(r.getMultiplier().begin(), r.getMultiplier().end());
    s.shift.assign(r.getShift().begin(), r.getShift().end());
    channelZps(r);
  } else if (auto c = dyn_cast<ClampOp>(o)) {
    s.kind = SimOpKind::Clamp;
    in = c.getInput();
    out = c.getOutput();
    s.min = c.getMin();
    s.max = c.getMax();
    s.bits = c.getBits();
    if (auto v = c.getMins())
      s.mins.assign(v->begin(), v->end());
    if (auto v = c.getMaxs())
      s.maxs.assign(v->begin(), v->end());
  } else if (auto p = dyn_cast<MaxPool2dOp>(o)) {
    s.kind = SimOpKind::MaxPool2d;
    in = p.getInput();
    out = p.getOutput();
    s.kernel.assign(p.getKernel().begin(), p.getKernel().end());
    s.strides.assign(p.getStrides().begin(), p.getStrides().end());
    s.padding.assign(p.getPadding().begin(), p.getPadding().end());
    s.bits = p.getBits();
  } else if (auto p = dyn_cast<AvgPool2dOp>(o)) {
    s.kind = SimOpKind::AvgPool2d;
    in = p.getInput();
    out = p.getOutput();
    s.kernel.assign(p.getKernel().begin(), p.getKernel().end());
    s.strides.assign(p.getStrides().begin(), p.getStrides().end());
    s.inputZp = p.getInputZp();
    s.outputZp = p.getOutputZp();
    s.qmin = p.getQmin();
    s.qmax = p.getQmax();
    s.bits = p.getBits();
  } else if (auto t = dyn_cast<TransposeOp>(o)) {
    s.kind = SimOpKind::Transpose;
    in = t.getInput();
    out = t.getOutput();
    s.permutation.assign(t.getPermutation().begin(),
                         t.getPermutation().end());
  } else if (auto r = dyn_cast<ReshapeOp>(o)) {
    s.kind = SimOpKind::Reshape;
    in = r.getInput();
    out = r.getOutput();
  } else if (auto a = dyn_cast<AddOp>(o)) {
    s.kind = SimOpKind::Add;
    in = a.getLhs();
    out = a.getOutput();
    for (Value v : {a.getLhs(), a.getRhs()}) {
      auto id = use(v);
      if (!id)
        return id.takeError();
      s.inputs.push_back(*id);
    }
    s.inputZp = a.getLhsZp();
    s.rhsZp = a.getRhsZp();
    s.inputBits = a.getInputBits();
    s.inputMultiplier.assign(a.getInputMultiplier().begin(),
                             a.getInputMultiplier().end());
    s.inputShift.assign(a.getInputShift().begin(), a.getInputShift().end());
    s.outputZp = a.getOutputZp();
    s.qmin = a.getQmin();
    s.qmax = a.getQmax();
    s.outputBits = a.getOutputBits();
    s.multiplier.assign(a.getMultiplier().begin(), a.getMultiplier().end());
    s.shift.assign(a.getShift().begin(), a.getShift().end());
  } else if (auto p = dyn_cast<PadOp>(o)) {
    s.kind = SimOpKind::Pad;
    in = p.getInput();
    out = p.getOutput();
    s.padding.assign(p.getPadding().begin(), p.getPadding().end());
    s.padValue = static_cast<int64_t>(p.getValue());
    s.bits = p.getBits();
  } else if (auto c = dyn_cast<ConcatOp>(o)) {
    s.kind = SimOpKind::Concat;
    in = c.getInputs().front();
    out = c.getOutput();
    for (Value v : c.getInputs()) {
      auto id = use(v);
      if (!id)
        return id.takeError();
      s.inputs.push_back(*id);
    }
    s.axis = static_cast<int64_t>(c.getAxis());
    s.bits = c.getBits();
  } else {
    return makeError("'" + o->getName().getStringRef() + "' ('" + s.name +
                     "') cannot run in an accelerator segment");
  }
  auto i = use(in);
  if (!i)
    return i.takeError();
  s.input = *i;
  auto r = tensor(out, s.name);
  if (!r)
    return r.takeError();
  s.output = *r;
  return s;
}

llvm::Error ProgramBuilder::segment(SegmentOp seg) {
  SimStep step;
  step.kind = SimStepKind::Segment;
  step.index = seg.getIndex();
  Block &body = seg.getBody().front();
  for (auto [arg, in] : llvm::zip_equal(body.getArguments(), seg.getInputs())) {
    auto id = use(in);
    if (!id)
      return id.takeError();
    ids[arg] = *id;
    step.inputs.push_back(*id);
  }
  for (Operation &o : body) {
    if (isa<arith::ConstantOp>(o))
      continue;
    if (auto y = dyn_cast<YieldOp>(o)) {
      for (auto [v, r] : llvm::zip_equal(y.getValues(), seg.getResults())) {
        auto id = use(v);
        if (!id)
          return id.takeError();
        step.outputs.push_back(*id);
        ids[r] = *id;
      }
      continue;
    }
    auto s = op(&o);
    if (!s)
      return s.takeError();
    step.ops.push_back(std::move(*s));
  }
  program.steps.push_back(std::move(step));
  return llvm::Error::success();
}

llvm::Error ProgramBuilder::cpuRun(ArrayRef<Operation *> run) {
  if (run.empty())
    return llvm::Error::success();
  llvm::SmallPtrSet<Operation *, 16> inRun(run.begin(), run.end());
  llvm::SetVector<Value> args, results;
  llvm::SetVector<Operation *> constants;
  for (Operation *o : run)
    o->walk([&](Operation *nested) {
      for (Value v : nested->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (auto arg = dyn_cast<BlockArgument>(v))
          if (arg.getOwner()->getParentOp() != func.getOperation())
            continue; // an argument of a region inside the run
        if (def && (inRun.count(def) || !isa<func::FuncOp>(def->getParentOp())))
          continue; // defined in the run (or inside one of its regions)
        if (def && isConstant(def))
          addConstant(def, constants);
        else
          args.insert(v);
      }
    });
  for (Operation *o : run)
    for (Value r : o->getResults())
      for (Operation *user : r.getUsers())
        if (!inRun.count(func.getBody().front().findAncestorOpInBlock(*user))) {
          results.insert(r);
          break;
        }
  if (!*cpuModule)
    *cpuModule = ModuleOp::create(func.getLoc());
  int64_t index = program.numCpuSegments++;
  OpBuilder b = OpBuilder::atBlockEnd((*cpuModule)->getBody());
  SmallVector<Type> argTypes, resultTypes;
  for (Value v : args)
    argTypes.push_back(v.getType());
  for (Value v : results)
    resultTypes.push_back(v.getType());
  auto f = func::FuncOp::create(b, run.front()->getLoc(), cpuSegmentName(index),
                                b.getFunctionType(argTypes, resultTypes));
  Block *entry = f.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [v, a] : llvm::zip_equal(args, entry->getArguments()))
    map.map(v, a);
  for (Operation *c : constants)
    b.clone(*c, map);
  for (Operation *o : run)
    b.clone(*o, map);
  SmallVector<Value> returned;
  for (Value r : results)
    returned.push_back(map.lookup(r));
  func::ReturnOp::create(b, run.back()->getLoc(), returned);

  SimStep step;
  step.kind = SimStepKind::CpuSegment;
  step.index = index;
  for (Operation *o : run) {
    step.cpuMacs += layerMacs(o);
    // Its layers, for summaries (quant.scast only retypes a value).
    if (isa<quant::StorageCastOp>(o))
      continue;
    CpuLayerInfo layer;
    layer.name = opName(o);
    layer.op = o->getName().getStringRef().str();
    if (o->getNumResults())
      if (auto t = dyn_cast<RankedTensorType>(o->getResult(0).getType()))
        if (t.hasStaticShape())
          layer.shape.assign(t.getShape().begin(), t.getShape().end());
    step.cpuLayers.push_back(std::move(layer));
  }
  for (Value v : args) {
    auto id = use(v);
    if (!id)
      return id.takeError();
    step.inputs.push_back(*id);
  }
  for (Value r : results) {
    auto id = tensor(r, qnn::resultName(cast<OpResult>(r)));
    if (!id)
      return id.takeError();
    step.outputs.push_back(*id);
  }
  program.steps.push_back(std::move(step));
  return llvm::Error::success();
}

llvm::Expected<SimProgram> ProgramBuilder::build() {
  program.hardware = hardwareOf(func->getParentOfType<ModuleOp>());
  if (func.getBody().getBlocks().size() != 1)
    return makeError("@" + func.getName() + " must have one block");
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto id = tensor(arg, qnn::argumentName(func, i));
    if (!id)
      return id.takeError();
    program.inputs.push_back(*id);
  }
  SmallVector<Operation *> run;
  for (Operation &ref : func.getBody().front()) {
    Operation *o = &ref;
    if (isConstant(o))
      continue;
    if (!isHostOp(o)) {
      run.push_back(o);
      continue;
    }
    if (llvm::Error e = cpuRun(run))
      return std::move(e);
    run.clear();
    if (auto seg = dyn_cast<SegmentOp>(o)) {
      if (llvm::Error e = segment(seg))
        return std::move(e);
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(o)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        auto id = use(v);
        if (!id)
          return id.takeError();
        program.outputs.push_back(*id);
        // The graph output's name: its `qnn.name` result attribute, else
        // output<i> (as the CPU JIT names it).
        auto name = func.getResultAttrOfType<StringAttr>(i, "qnn.name");
        program.tensors[*id].name =
            name ? name.getValue().str() : "output" + std::to_string(i);
      }
      continue;
    }
    SimStep step;
    Value in = o->getOperand(0), out = o->getResult(0);
    if (isa<qnn::QuantizeOp>(o))
      step.kind = SimStepKind::Quantize;
    else if (isa<qnn::DequantizeOp>(o))
      step.kind = SimStepKind::Dequantize;
    else
      step.kind = SimStepKind::Transfer;
    auto i = use(in);
    if (!i)
      return i.takeError();
    auto r = tensor(out, qnn::resultName(cast<OpResult>(out)));
    if (!r)
      return r.takeError();
    step.inputs.push_back(*i);
    step.outputs.push_back(*r);
    if (step.kind == SimStepKind::Transfer) {
      // The integer side moves the significant bits of the quantized side.
      SimTensor &a = program.tensors[*i], &z = program.tensors[*r];
      step.toAccelerator = !z.quant.has_value();
      if (a.quant)
        z.bits = a.bits;
      if (z.quant)
        a.bits = z.bits;
    }
    program.steps.push_back(std::move(step));
  }
  return std::move(program);
}

} // namespace

int64_t npu::layerMacs(Operation *op) {
  if (!isa<qnn::Conv2dOp, qnn::DenseOp>(op))
    return 0;
  auto w = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  auto y = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!w || !y || !w.hasStaticShape() || !y.hasStaticShape() ||
      w.getRank() < 2)
    return 0;
  // Every output takes one reduction over a weight row (conv2d: KH·KW·C/g;
  // dense: K).
  int64_t reduction = w.getNumElements() / w.getDimSize(0);
  return y.getNumElements() * reduction;
}

std::string npu::cpuSegmentName(int64_t index) {
  return "cpu_segment_" + std::to_string(index);
}

SimHardware npu::hardwareOf(ModuleOp module) {
  SimHardware hw;
  auto dict = module ? module->getAttrOfType<DictionaryAttr>("npu.target")
                     : DictionaryAttr();
  if (!dict)
    return hw;
  if (auto s = dict.getAs<StringAttr>("name"))
    hw.name = s.getValue().str();
  if (auto a = dict.getAs<IntegerAttr>("mac_rows"))
    hw.macRows = a.getInt();
  if (auto a = dict.getAs<IntegerAttr>("mac_cols"))
    hw.macCols = a.getInt();
  if (auto a = dict.getAs<FloatAttr>("clock_mhz"))
    hw.clockMHz = a.getValueAsDouble();
  if (auto a = dict.getAs<IntegerAttr>("memory_bytes"))
    hw.memoryBytes = a.getInt();
  return hw;
}

llvm::Expected<SimProgram>
npu::buildProgram(func::FuncOp func, OwningOpRef<ModuleOp> *cpuModule) {
  return ProgramBuilder(func, cpuModule).build();
}
