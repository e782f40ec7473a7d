//===- my-opt.cpp - a tool of another compiler that embeds qmlir ----------===//
//
// Registers qmlir's qnn dialect and passes beside a pass of its own
// (--my-count-qnn-ops, which prints how many qnn ops each function has) and
// the upstream dialects qmlir's IR uses.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/raw_ostream.h"

namespace {

struct CountQNNOpsPass
    : mlir::PassWrapper<CountQNNOpsPass,
                        mlir::OperationPass<mlir::func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CountQNNOpsPass)
  llvm::StringRef getArgument() const final { return "my-count-qnn-ops"; }
  llvm::StringRef getDescription() const final {
    return "Print the number of qnn ops in each function";
  }
  void runOnOperation() override {
    int count = 0;
    getOperation().walk([&](mlir::Operation *op) {
      if (llvm::isa<qmlir::qnn::QNNDialect>(op->getDialect()))
        ++count;
    });
    llvm::errs() << getOperation().getName() << ": " << count
                 << " qnn ops\n";
  }
};

} // namespace

int main(int argc, char **argv) {
  qmlir::qnn::registerQNNPasses();
  mlir::PassRegistration<CountQNNOpsPass>();
  mlir::DialectRegistry registry;
  registry.insert<qmlir::qnn::QNNDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::quant::QuantDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "a compiler embedding qmlir\n", registry));
}
