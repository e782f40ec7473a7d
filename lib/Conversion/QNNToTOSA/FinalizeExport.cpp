//===- FinalizeExport.cpp - the qnn-finalize-tosa-export pass -------------===//
//
// convert-qnn-to-tosa keeps weights as arith.constant (the CPU pipeline folds
// them either way); an exported TOSA module must hold only TOSA ops.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

namespace qmlir {
#define GEN_PASS_DEF_QNNFINALIZETOSAEXPORTPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

struct QNNFinalizeTOSAExportPass
    : qmlir::impl::QNNFinalizeTOSAExportPassBase<QNNFinalizeTOSAExportPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<arith::ConstantOp> constants;
    func.walk([&](arith::ConstantOp c) {
      if (isa<RankedTensorType>(c.getType()))
        constants.push_back(c);
    });
    for (arith::ConstantOp c : constants) {
      auto values = dyn_cast<ElementsAttr>(c.getValue());
      if (!values)
        continue;
      OpBuilder b(c);
      Value replacement =
          tosa::ConstOp::create(b, c.getLoc(), c.getType(), values);
      c.replaceAllUsesWith(replacement);
      c.erase();
    }
    WalkResult result = func.walk([&](Operation *op) {
      if (op == func.getOperation() || isa<func::ReturnOp>(op) ||
          isa<tosa::TosaDialect>(op->getDialect()))
        return WalkResult::advance();
      // The location is the qnn op (the model's node) this op came from.
      mlir::emitError(op->getLoc())
          << "cannot be exported to TOSA: it lowers to '" << op->getName()
          << "', which is not a TOSA op (it runs on qmlir's CPU path)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
