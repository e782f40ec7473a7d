//===- InsertCalibration.cpp - add qnn.observe probes ---------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/AdoptQDQ.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/QuantPlan.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "mlir/IR/Builders.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNINSERTCALIBRATIONPASS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

namespace {

/// Layout ops move values without changing them: their output is quantized
/// like their input and needs no probe of its own.
bool preservesValues(Operation *op) { return isLayoutOp(op); }

bool isFloatTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

/// Inserts a probe after `value` and redirects all its other uses to it.
void observe(OpBuilder &b, Value value, StringRef name) {
  auto probe = ObserveOp::create(b, value.getLoc(), value, name);
  value.replaceAllUsesExcept(probe.getResult(), probe);
}

struct QNNInsertCalibrationPass
    : qmlir::qnn::impl::QNNInsertCalibrationPassBase<
          QNNInsertCalibrationPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Running twice must not stack probes.
    bool alreadyInstrumented = false;
    func.walk([&](ObserveOp) { alreadyInstrumented = true; });
    if (alreadyInstrumented)
      return;
    // A model that carries its own quantization keeps it: no calibration.
    if (adoptQdq && isAlreadyQuantized(func)) {
      func.emitRemark()
          << "qnn-insert-calibration: '" << func.getSymName()
          << "' is already quantized (quantize/dequantize pairs): adopting "
             "its scales and zero points (qnn-adopt-qdq) instead of "
             "calibrating; adopt-qdq=false calibrates it";
      if (failed(adoptQDQ(func, calibrateFloatOps)))
        signalPassFailure();
      return;
    }

    // Names first: positional names of unnamed ops must not depend on the
    // probes inserted before them.
    SmallVector<std::pair<Value, std::string>> tensors;
    for (BlockArgument arg : func.getArguments())
      if (isFloatTensor(arg))
        tensors.push_back({arg, argumentName(func, arg.getArgNumber())});
    func.walk([&](Operation *op) {
      if (!isa<QNNDialect>(op->getDialect()) || isa<ObserveOp>(op) ||
          preservesValues(op))
        return;
      for (OpResult result : op->getResults())
        if (isFloatTensor(result))
          tensors.push_back({result, resultName(result)});
    });

    OpBuilder b(func.getContext());
    for (auto &[value, name] : tensors) {
      if (auto arg = dyn_cast<BlockArgument>(value))
        b.setInsertionPointToStart(arg.getOwner());
      else
        b.setInsertionPointAfterValue(value);
      observe(b, value, name);
    }
  }
};

} // namespace
