//===- FakeQuantize.cpp - simulate a quantized model in float -------------===//
//
// Each quantized value gets a float "simulated" value holding its real
// values: quantize ops are followed by a dequantize, quantized constants
// become float constants, layer ops are cloned in float on simulated
// operands and their results pass through a quantize/dequantize pair of
// their quantized type. The quantized originals die and are erased.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNFAKEQUANTIZEPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

namespace {

quant::QuantizedType quantTypeOf(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  return tensor ? dyn_cast<quant::QuantizedType>(tensor.getElementType())
                : quant::QuantizedType();
}

/// The float tensor type a quantized tensor type expresses.
RankedTensorType expressedType(Type t) {
  auto tensor = cast<RankedTensorType>(t);
  return tensor.clone(quantTypeOf(t).getExpressedType());
}

/// The dequantized values of an integer constant of quantized type `type`
/// (qmath::dequantize), or nullopt for non-constant or non-uniform data.
std::optional<std::vector<float>> dequantizeConstant(Value storage,
                                                     RankedTensorType type) {
  DenseIntElementsAttr attr;
  if (!matchPattern(storage, m_Constant(&attr)))
    return std::nullopt;
  Type elem = type.getElementType();
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  int64_t axis = -1;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(elem)) {
    scales.push_back(u.getScale());
    zps.push_back(u.getZeroPoint());
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(elem)) {
    scales.assign(pa.getScales().begin(), pa.getScales().end());
    zps.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
    axis = pa.getQuantizedDimension();
  } else {
    return std::nullopt;
  }
  int64_t inner = 1;
  if (axis >= 0)
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  std::vector<float> out;
  int64_t i = 0;
  for (const APInt &v : attr.getValues<APInt>()) {
    int64_t c = axis >= 0 ? (i / inner) % int64_t(scales.size()) : 0;
    out.push_back(qmath::dequantize(v.getSExtValue(), scales[c], zps[c]));
    ++i;
  }
  if (static_cast<int64_t>(out.size()) != type.getNumElements()) {
    // A splat: one value for every element.
    if (out.size() != 1 || axis >= 0)
      return std::nullopt;
    out.assign(type.getNumElements(), out.front());
  }
  return out;
}

class Simulator {
public:
  explicit Simulator(func::FuncOp func) : func(func), b(func.getContext()) {}

  void run();

private:
  /// The simulated (float) value of a quantized value, materialized by
  /// dequantizing it when nothing better is known.
  Value simulated(Value q);
  /// quantize -> dequantize of a float value with a quantized type.
  Value roundTrip(Value f, Type quantizedTensorType);
  void simulateOp(Operation *op);

  func::FuncOp func;
  OpBuilder b;
  DenseMap<Value, Value> sim;
};

Value Simulator::simulated(Value q) {
  if (Value f = sim.lookup(q))
    return f;
  b.setInsertionPointAfterValue(q);
  Value f = DequantizeOp::create(b, q.getLoc(), expressedType(q.getType()), q);
  sim[q] = f;
  return f;
}

Value Simulator::roundTrip(Value f, Type quantizedTensorType) {
  Value q = QuantizeOp::create(b, f.getLoc(), quantizedTensorType, f);
  return DequantizeOp::create(b, f.getLoc(), f.getType(), q);
}

void Simulator::simulateOp(Operation *op) {
  bool quantizedOperand = llvm::any_of(op->getOperandTypes(), [](Type t) {
    return bool(quantTypeOf(t));
  });
  bool quantizedResult = llvm::any_of(op->getResultTypes(), [](Type t) {
    return bool(quantTypeOf(t));
  });

  if (auto quantize = dyn_cast<QuantizeOp>(op)) {
    // The pair the model already has: keep it, read the dequantized value.
    simulated(quantize.getResult());
    return;
  }
  if (auto dequantize = dyn_cast<DequantizeOp>(op)) {
    Value f = simulated(dequantize.getInput());
    if (f != dequantize.getResult())
      dequantize.getResult().replaceAllUsesWith(f);
    return;
  }
  if (auto requantize = dyn_cast<RequantizeOp>(op)) {
    Value f = simulated(requantize.getInput());
    b.setInsertionPoint(op);
    sim[requantize.getResult()] =
        roundTrip(f, requantize.getResult().getType());
    return;
  }
  if (auto scast = dyn_cast<quant::StorageCastOp>(op)) {
    // Quantized constants become their dequantized float constants.
    auto type = dyn_cast<RankedTensorType>(scast.getResult().getType());
    if (type && quantTypeOf(type) && !quantTypeOf(scast.getInput().getType()))
      if (auto values = dequantizeConstant(scast.getInput(), type)) {
        b.setInsertionPoint(op);
        sim[scast.getResult()] = createFloatConstant(
            b, op->getLoc(), expressedType(type), *values);
        return;
      }
  }
  if (!quantizedOperand && !quantizedResult)
    return;

  bool floatForm = isa<QNNDialect>(op->getDialect()) &&
                   !isa<TableOp, Table2dOp>(op) && op->getNumResults() == 1;
  b.setInsertionPoint(op);
  if (floatForm) {
    IRMapping mapping;
    for (Value operand : op->getOperands())
      if (quantTypeOf(operand.getType()))
        mapping.map(operand, simulated(operand));
    Operation *clone = b.clone(*op, mapping);
    for (auto [r, cr] : llvm::zip_equal(op->getResults(), clone->getResults())) {
      if (!quantTypeOf(r.getType()))
        continue;
      cr.setType(expressedType(r.getType()));
      b.setInsertionPointAfter(clone);
      sim[r] = roundTrip(cr, r.getType());
    }
    return;
  }
  // No float form (qnn.table, qnn.table2d, quant.scast of a tensor): run the op
  // itself on its operands re-quantized from their simulated values, which is
  // exact since those values are on the operands' grids.
  for (OpOperand &operand : op->getOpOperands()) {
    Value v = operand.get();
    if (!quantTypeOf(v.getType()))
      continue;
    Value q = QuantizeOp::create(b, v.getLoc(), v.getType(), simulated(v));
    operand.set(q);
  }
  for (Value r : op->getResults())
    if (quantTypeOf(r.getType()))
      sim.erase(r), simulated(r);
}

void Simulator::run() {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (BlockArgument arg : func.getArguments())
    if (quantTypeOf(arg.getType()))
      simulated(arg);
  for (Operation *op : ops)
    simulateOp(op);
  // The quantized originals are dead now.
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(func.getBody().front())))
    if (isOpTriviallyDead(&op))
      op.erase();
}

struct QNNFakeQuantizePass
    : qmlir::qnn::impl::QNNFakeQuantizePassBase<QNNFakeQuantizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("qnn-fake-quantize expects a single-block function");
      return signalPassFailure();
    }
    Simulator(func).run();
  }
};

} // namespace
