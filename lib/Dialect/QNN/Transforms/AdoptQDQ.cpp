//===- AdoptQDQ.cpp - use an already-quantized model's parameters ---------===//
//
// qnn-adopt-qdq: the quantize/dequantize pairs of an imported QDQ (ONNX) or
// FakeQuant (TF) model become what qnn-quantize consumes: fixed types on
// qnn.observe probes for activations, quantized constants in the layer's
// layout for weights, float constants for biases. qnn-quantize then builds
// integer ops with the model's exact parameters, without calibration.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/AdoptQDQ.h"

#include "QuantizeUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Encodings.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNADOPTQDQPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::quantize_utils;

namespace {

/// Integers of a quantized constant and their type.
struct QuantizedConstant {
  RankedTensorType type;
  SmallVector<int64_t> storage;
};

/// Scale and zero point of element `index` of a tensor of `type` (per tensor
/// or per axis).
std::pair<double, int64_t> paramsAt(RankedTensorType type, int64_t index) {
  Type e = type.getElementType();
  if (auto u = dyn_cast<quant::UniformQuantizedType>(e))
    return {u.getScale(), u.getZeroPoint()};
  auto pa = cast<quant::UniformQuantizedPerAxisType>(e);
  int64_t axis = pa.getQuantizedDimension();
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  int64_t c = (index / inner) % type.getDimSize(axis);
  return {pa.getScales()[c], pa.getZeroPoints()[c]};
}

/// The integers of `v` when it is a constant quantized tensor: a
/// quant.scast of an integer constant (ONNX initializers), or a
/// qnn.quantize of a float constant (TF FakeQuant on weights), evaluated
/// with qnn.quantize's arithmetic.
std::optional<QuantizedConstant> readQuantizedConstant(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() ||
      !isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          type.getElementType()))
    return std::nullopt;
  QuantizedConstant out{type, {}};
  if (auto cast = v.getDefiningOp<quant::StorageCastOp>()) {
    DenseIntElementsAttr ints;
    if (!matchPattern(cast.getInput(), m_Constant(&ints)))
      return std::nullopt;
    for (const APInt &i : ints.getValues<APInt>())
      out.storage.push_back(i.getSExtValue());
    return out;
  }
  if (auto q = v.getDefiningOp<QuantizeOp>()) {
    std::optional<std::vector<float>> values = readFloatConstant(q.getInput());
    if (!values)
      return std::nullopt;
    auto qt = cast<quant::QuantizedType>(type.getElementType());
    for (auto [i, x] : llvm::enumerate(*values)) {
      auto [scale, zp] = paramsAt(type, i);
      out.storage.push_back(qmath::quantize(x, scale, zp,
                                            qt.getStorageTypeMin(),
                                            qt.getStorageTypeMax()));
    }
    return out;
  }
  return std::nullopt;
}

/// A dequantized constant that `v` reaches through layout ops (transpose,
/// reshape): the dequantize, the constant as stored, and those layout ops
/// from `v` back to it. None when `v` is no such value, or when it already
/// is the quant.scast form qnn-quantize takes.
struct TracedConstant {
  DequantizeOp dq;
  QuantizedConstant constant;
  SmallVector<Operation *> chain;
};
std::optional<TracedConstant> traceDequantizedConstant(Value v) {
  TracedConstant t;
  while (isa_and_nonnull<TransposeOp, ReshapeOp>(v.getDefiningOp())) {
    t.chain.push_back(v.getDefiningOp());
    v = v.getDefiningOp()->getOperand(0);
  }
  t.dq = v.getDefiningOp<DequantizeOp>();
  if (!t.dq)
    return std::nullopt;
  std::optional<QuantizedConstant> c = readQuantizedConstant(t.dq.getInput());
  if (!c || (t.chain.empty() &&
             isa<quant::StorageCastOp>(t.dq.getInput().getDefiningOp())))
    return std::nullopt;
  t.constant = std::move(*c);
  return t;
}

/// `c` after `op` (a qnn.transpose or qnn.reshape): storage permuted or
/// reshaped, a per-axis dimension moved with it. Null type when the
/// per-axis dimension does not survive.
QuantizedConstant applyLayout(Operation *op, const QuantizedConstant &c) {
  auto outShape = cast<RankedTensorType>(op->getResult(0).getType());
  Type element = movedAxisType(op, c.type.getElementType());
  if (!element)
    return {RankedTensorType(), {}};
  QuantizedConstant out{outShape.clone(element), c.storage};
  auto t = dyn_cast<TransposeOp>(op);
  if (!t)
    return out;
  ArrayRef<int64_t> perm = t.getPermutation();
  ArrayRef<int64_t> inShape = c.type.getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * inShape[d + 1];
  SmallVector<int64_t> idx(rank, 0);
  ArrayRef<int64_t> oShape = outShape.getShape();
  for (int64_t e = 0, n = c.storage.size(); e < n; ++e) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += idx[d] * inStrides[perm[d]];
    out.storage[e] = c.storage[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < oShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// The real values of a quantized constant (qnn.dequantize's arithmetic).
std::vector<float> dequantizeConstant(const QuantizedConstant &c) {
  std::vector<float> out;
  out.reserve(c.storage.size());
  for (auto [i, q] : llvm::enumerate(c.storage)) {
    auto [scale, zp] = paramsAt(c.type, i);
    out.push_back(qmath::dequantize(q, scale, zp));
  }
  return out;
}

/// Real range of a quantized element type (over all channels).
std::pair<double, double> realRange(Type t) {
  auto qt = cast<quant::QuantizedType>(t);
  double lo = 0.0, hi = 0.0;
  auto add = [&](double s, int64_t zp) {
    lo = std::min(lo, double(qt.getStorageTypeMin() - zp) * s);
    hi = std::max(hi, double(qt.getStorageTypeMax() - zp) * s);
  };
  if (auto u = dyn_cast<quant::UniformQuantizedType>(t))
    add(u.getScale(), u.getZeroPoint());
  else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(t))
    for (auto [s, zp] : llvm::zip_equal(pa.getScales(), pa.getZeroPoints()))
      add(s, zp);
  return {lo, hi};
}

class Adopter {
public:
  Adopter(func::FuncOp func, bool calibrateFloatOps)
      : func(func), builder(func), calibrateFloatOps(calibrateFloatOps) {}
  LogicalResult run();

private:
  void adoptWeights();
  void adoptConstantOperands();
  void foldConstantDequantizes();
  void adoptActivations();
  void insertProbes();
  void findFloatConstantOperands();
  void findFloatLayers();
  bool fix(Value v, Type t, Operation *at);

  func::FuncOp func;
  OpBuilder builder;
  /// Probe the results of ops the model leaves float instead of leaving
  /// them float.
  bool calibrateFloatOps;
  /// Those results (calibrateFloatOps), probed without a fixed type.
  SmallVector<Value> calibrated;
  /// Ops with a plain float constant operand (not a dequantized one) -> that
  /// constant (findFloatConstantOperands).
  llvm::MapVector<Operation *, Value> floatConstantUsers;
  /// Float tensor -> the model's quantized element type for it, in the
  /// order they were found (probes are inserted in that order).
  llvm::MapVector<Value, Type> fixed;
};

/// Records `t` for `v`; false (and a remark at `at`) when `v` already has
/// another type or `t` cannot be an activation type of `v`.
bool Adopter::fix(Value v, Type t, Operation *at) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.getElementType().isF32())
    return false;
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(t)) {
    if (pa.getQuantizedDimension() != type.getRank() - 1) {
      at->emitRemark() << "qnn-adopt-qdq: quantization per axis "
                       << pa.getQuantizedDimension()
                       << " (not the channel dimension) kept as float "
                          "quantize/dequantize";
      return false;
    }
  }
  auto [it, inserted] = fixed.insert({v, t});
  if (inserted || it->second == t)
    return true;
  at->emitRemark() << "qnn-adopt-qdq: the tensor already has type "
                   << it->second << "; this requantization to " << t
                   << " is kept as float quantize/dequantize";
  return false;
}

/// Weight operands: dequantize(constant) -> transpose/reshape* -> layer
/// becomes one quantized constant in the layer's layout -> dequantize.
void Adopter::adoptWeights() {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2dOp, DenseOp>(op))
      layers.push_back(op);
  });
  for (Operation *layer : layers) {
    std::optional<TracedConstant> traced =
        traceDequantizedConstant(layer->getOperand(1));
    if (!traced)
      continue;
    DequantizeOp dq = traced->dq;
    ArrayRef<Operation *> chain = traced->chain;
    std::optional<QuantizedConstant> c = traced->constant;
    QuantizedConstant original = *c;
    for (Operation *op : llvm::reverse(chain)) {
      *c = applyLayout(op, *c);
      if (!c->type)
        break;
    }
    if (!c->type) {
      // The channels of a per-axis type do not survive as one dimension
      // (e.g. a TF depthwise filter [H, W, C, M] per M): the real values,
      // moved like the weights, which qnn-quantize quantizes as it would a
      // float model's.
      QuantizedConstant index{
          RankedTensorType::get(original.type.getShape(),
                                builder.getI64Type()),
          {}};
      for (int64_t i = 0, n = original.storage.size(); i < n; ++i)
        index.storage.push_back(i);
      for (Operation *op : llvm::reverse(chain))
        index = applyLayout(op, index);
      std::vector<float> real = dequantizeConstant(original), moved;
      for (int64_t i : index.storage)
        moved.push_back(real[i]);
      builder.setInsertionPoint(layer);
      layer->setOperand(
          1, createFloatConstant(
                 builder, dq.getLoc(),
                 cast<RankedTensorType>(layer->getOperand(1).getType()),
                 moved));
      layer->emitRemark()
          << "qnn-adopt-qdq: the model's per-axis weight scales do not "
             "follow the weights into the layer's layout; qnn-quantize "
             "quantizes the weights of '"
          << layerName(layer) << "' itself";
      continue;
    }
    builder.setInsertionPoint(layer);
    Value q = createQuantizedConstant(builder, dq.getLoc(), c->type, c->storage);
    Value f = DequantizeOp::create(
        builder, dq.getLoc(),
        RankedTensorType::get(c->type.getShape(), builder.getF32Type()), q);
    layer->setOperand(1, f);
  }
}

/// Ops whose operands qnn-quantize takes as quantized values (the layers'
/// weights and biases aside).
static bool takesQuantizedOperands(Operation *op) {
  return isa<AddOp, SubOp, MulOp, MatMulOp, ConcatOp, MaximumOp, MinimumOp,
             PReluOp>(op);
}

/// A dequantized constant operand of such an op (an Add / Mul operand, a
/// Concat input, a PRelu slope), behind the importer's transpose / reshape:
/// one quantized constant in the operand's layout and a dequantize, so that
/// qnn-quantize uses the model's integers, scale and zero point. A per-axis
/// dimension that does not survive the layout leaves the operand to
/// foldConstantDequantizes (float values, quantized by qnn-quantize).
void Adopter::adoptConstantOperands() {
  SmallVector<Operation *> users;
  func.walk([&](Operation *op) {
    if (takesQuantizedOperands(op))
      users.push_back(op);
  });
  for (Operation *user : users) {
    for (OpOperand &operand : user->getOpOperands()) {
      std::optional<TracedConstant> traced =
          traceDequantizedConstant(operand.get());
      if (!traced)
        continue;
      DequantizeOp dq = traced->dq;
      std::optional<QuantizedConstant> c = traced->constant;
      for (Operation *op : llvm::reverse(traced->chain)) {
        *c = applyLayout(op, *c);
        if (!c->type)
          break;
      }
      if (!c->type)
        continue;
      builder.setInsertionPoint(user);
      Value q = createQuantizedConstant(builder, dq.getLoc(), c->type,
                                        c->storage);
      operand.set(DequantizeOp::create(
          builder, dq.getLoc(),
          RankedTensorType::get(c->type.getShape(), builder.getF32Type()), q));
    }
  }
}

/// Remaining dequantized constants (biases, constant operands): float
/// constants with the same real values.
void Adopter::foldConstantDequantizes() {
  SmallVector<DequantizeOp> dqs;
  func.walk([&](DequantizeOp dq) { dqs.push_back(dq); });
  for (DequantizeOp dq : dqs) {
    std::optional<QuantizedConstant> c = readQuantizedConstant(dq.getInput());
    if (!c)
      continue;
    Value replacement;
    for (OpOperand &use : llvm::make_early_inc_range(dq->getUses())) {
      Operation *user = use.getOwner();
      if (((isa<Conv2dOp, DenseOp>(user) && use.getOperandNumber() == 1) ||
           takesQuantizedOperands(user)) &&
          isa<quant::StorageCastOp>(dq.getInput().getDefiningOp()))
        continue;
      if (!replacement) {
        builder.setInsertionPoint(dq);
        replacement = createFloatConstant(builder, dq.getLoc(), dq.getType(),
                                          dequantizeConstant(*c));
      }
      use.set(replacement);
    }
  }
}

/// Activation pairs, and dequantizes of integers computed at run time.
void Adopter::adoptActivations() {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<QuantizeOp, DequantizeOp>(op))
      ops.push_back(op);
  });
  llvm::SmallPtrSet<Operation *, 8> erased;
  for (Operation *op : ops) {
    if (erased.contains(op))
      continue;
    if (auto q = dyn_cast<QuantizeOp>(op)) {
      if (readQuantizedConstant(q.getResult()))
        continue;
      SmallVector<DequantizeOp> dqs;
      for (Operation *user : q->getUsers())
        if (auto dq = dyn_cast<DequantizeOp>(user))
          dqs.push_back(dq);
      if (dqs.empty() || !fix(q.getInput(), elementTypeOf(q.getResult()), q))
        continue;
      for (DequantizeOp dq : dqs) {
        dq.getResult().replaceAllUsesWith(q.getInput());
        erased.insert(dq);
        dq.erase();
      }
      if (q->use_empty())
        q.erase();
      continue;
    }
    auto dq = cast<DequantizeOp>(op);
    // A pair left as it is (above) stays whole.
    if (readQuantizedConstant(dq.getInput()) ||
        dq.getInput().getDefiningOp<QuantizeOp>())
      continue;
    fix(dq.getResult(), elementTypeOf(dq.getInput()), dq);
  }
}

void Adopter::insertProbes() {
  Builder b(func.getContext());
  // Names first, as qnn-insert-calibration does: positional names of
  // unnamed ops must not depend on the probes inserted before them.
  SmallVector<std::pair<Value, std::string>> names;
  auto nameOf = [&](Value v) {
    return isa<BlockArgument>(v)
               ? argumentName(func, cast<BlockArgument>(v).getArgNumber())
               : resultName(cast<OpResult>(v));
  };
  for (auto &[v, t] : fixed)
    names.push_back({v, nameOf(v)});
  for (Value v : calibrated)
    names.push_back({v, nameOf(v)});
  for (auto &[v, name] : names) {
    Type t = fixed.lookup(v);
    if (auto arg = dyn_cast<BlockArgument>(v))
      builder.setInsertionPointToStart(arg.getOwner());
    else
      builder.setInsertionPointAfterValue(v);
    auto probe = ObserveOp::create(builder, v.getLoc(), v, name);
    v.replaceAllUsesExcept(probe.getResult(), probe);
    if (!t)
      continue; // measured by qnn-calibrate
    auto [lo, hi] = realRange(t);
    probe.setMinAttr(b.getF64FloatAttr(lo));
    probe.setMaxAttr(b.getF64FloatAttr(hi));
    probe->setAttr(kFixedTypeAttr, TypeAttr::get(t));
  }
}

/// Ops that read a plain float constant (behind the importer's transpose /
/// reshape), not a DequantizeLinear output: ONNX Runtime fuses a node unit
/// into an integer kernel (QLinearAdd, ...) only when all its inputs are
/// dequantized, so it runs such an op in float on the dequantized other
/// operands and quantizes its result with the model's parameters.
/// Recorded before foldConstantDequantizes makes dequantized constants
/// float too.
void Adopter::findFloatConstantOperands() {
  func.walk([&](Operation *op) {
    if (!takesQuantizedOperands(op))
      return;
    for (OpOperand &operand : op->getOpOperands()) {
      Value v = operand.get();
      while (isa_and_nonnull<TransposeOp, ReshapeOp>(v.getDefiningOp()))
        v = v.getDefiningOp()->getOperand(0);
      DenseFPElementsAttr values;
      if (matchPattern(v, m_Constant(&values))) {
        floatConstantUsers.insert({op, v});
        return;
      }
    }
  });
}

/// Layers the model leaves float: their output has no quantization. A
/// remark names each, or (calibrateFloatOps) their results get plain probes.
/// Ops with a plain float constant operand stay float too (kKeepFloatAttr),
/// as ONNX Runtime runs them, unless calibrateFloatOps (qnn-quantize then
/// quantizes the constant with its own parameters).
void Adopter::findFloatLayers() {
  func.walk([&](Operation *op) {
    auto floatConstant = floatConstantUsers.find(op);
    if (floatConstant != floatConstantUsers.end() && !calibrateFloatOps) {
      op->setAttr(kKeepFloatAttr, UnitAttr::get(op->getContext()));
      op->emitRemark() << "qnn-adopt-qdq: '" << layerName(op)
                       << "' stays float: its operand '"
                       << resultName(cast<OpResult>(floatConstant->second))
                       << "' is a float constant, not a dequantized one";
      return;
    }
    bool computes =
        isa<Conv2dOp, DenseOp, MatMulOp, AddOp, SubOp, MulOp, ConcatOp,
            SoftmaxOp, AvgPool2dOp, GlobalAvgPoolOp>(op) ||
        (isa<ElementwiseFunctionOpInterface>(op) && !isa<ReluOp, ClipOp>(op));
    if (!computes)
      return;
    Value r = op->getResult(0);
    if (fixed.count(r) ||
        !isa<FloatType>(cast<RankedTensorType>(r.getType()).getElementType()))
      return;
    // A relu / clip as only user shares its output's quantization.
    if (r.hasOneUse() && isa<ReluOp, ClipOp>(*r.getUsers().begin()) &&
        fixed.count(r.getUsers().begin()->getResult(0)))
      return;
    if (calibrateFloatOps) {
      calibrated.push_back(r);
      return;
    }
    op->emitRemark() << "qnn-adopt-qdq: '" << layerName(op)
                     << "' stays float: the model does not quantize its "
                        "output";
  });
}

LogicalResult Adopter::run() {
  bool probed = false;
  func.walk([&](ObserveOp) { probed = true; });
  if (probed)
    return func.emitError()
           << "qnn-adopt-qdq: the function already has qnn.observe probes: "
              "run qnn-adopt-qdq instead of qnn-insert-calibration, not after "
              "it";
  findFloatConstantOperands();
  adoptWeights();
  adoptConstantOperands();
  foldConstantDequantizes();
  adoptActivations();
  // The importer's weight chains and folded quantize ops are now unused.
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : llvm::reverse(ops))
    if (op->use_empty() && isMemoryEffectFree(op) &&
        op->getNumRegions() == 0 && !op->hasTrait<mlir::OpTrait::IsTerminator>())
      op->erase();
  findFloatLayers();
  insertProbes();
  return success();
}

} // namespace

bool qmlir::qnn::isAlreadyQuantized(func::FuncOp func) {
  return func
      .walk([](Operation *op) {
        return isa<QuantizeOp, DequantizeOp>(op) ? WalkResult::interrupt()
                                                 : WalkResult::advance();
      })
      .wasInterrupted();
}

LogicalResult qmlir::qnn::adoptQDQ(func::FuncOp func, bool calibrateFloatOps) {
  return Adopter(func, calibrateFloatOps).run();
}

namespace {

struct QNNAdoptQDQPass
    : qmlir::qnn::impl::QNNAdoptQDQPassBase<QNNAdoptQDQPass> {
  using Base::Base;

  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(adoptQDQ(func, calibrateFloatOps)))
        return signalPassFailure();
    }
  }
};

} // namespace
