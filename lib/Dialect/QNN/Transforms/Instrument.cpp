//===- Instrument.cpp - expose inner tensors as function results ----------===//

#include "qmlir/Dialect/QNN/Transforms/Instrument.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace qmlir::qnn;

void qmlir::qnn::appendResults(func::FuncOp func, ArrayRef<Value> values) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  results.append(values.begin(), values.end());
  ret->setOperands(results);
  SmallVector<Type> types;
  for (Value v : results)
    types.push_back(v.getType());
  func.setType(
      FunctionType::get(func.getContext(), func.getArgumentTypes(), types));
}

static bool isLayerOp(Operation *op) {
  return isa<QNNDialect>(op->getDialect()) &&
         !isa<ObserveOp, QuantizeOp, DequantizeOp, RequantizeOp, ReshapeOp,
              TransposeOp>(op);
}

std::vector<NamedTensor> qmlir::qnn::exposeLayerOutputs(func::FuncOp func) {
  std::vector<NamedTensor> named;
  SmallVector<Value> values;
  OpBuilder b(func.getContext());
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isLayerOp(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    for (OpResult result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type)
        continue;
      if (result.hasOneUse() &&
          isa<ReluOp, ClipOp>(*result.getUsers().begin()) &&
          result.getUsers().begin()->getResult(0).getType() == type)
        continue;
      Value value = result;
      // A simulated (fake-quantized) layer: its value after the quantize ->
      // dequantize round trip, which is what the next layer reads.
      if (result.hasOneUse())
        if (auto q = dyn_cast<QuantizeOp>(*result.getUsers().begin()))
          if (q.getResult().hasOneUse())
            if (auto d =
                    dyn_cast<DequantizeOp>(*q.getResult().getUsers().begin()))
              value = d.getResult();
      if (auto qt = dyn_cast<quant::QuantizedType>(type.getElementType())) {
        b.setInsertionPointAfter(op);
        value = DequantizeOp::create(
            b, op->getLoc(), type.clone(qt.getExpressedType()), result);
      }
      named.push_back({resultName(result), op->getName().getStringRef().str()});
      values.push_back(value);
    }
  }
  appendResults(func, values);
  return named;
}
