//===- CPUBufferize.cpp - the qnn-cpu-bufferize pass ----------------------===//
//
// One-shot module bufferization configured for qmlir's CPU calling
// convention: identity-layout memrefs at function boundaries, read-only
// public arguments, results as out-parameters, copies as linalg.copy.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_CPUBUFFERIZEPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

/// Copies become linalg.copy so that they lower to plain loops: memref.copy
/// of a non-contiguous view would need the C runner utilities' memrefCopy.
LogicalResult createLinalgCopy(OpBuilder &b, Location loc, Value from,
                               Value to) {
  linalg::CopyOp::create(b, loc, from, to);
  return success();
}

/// Gives every repeated operand of a return its own tensor (a copy).
/// promoteBufferResultsToOutParams crashes on a function that returns the
/// same buffer twice (LLVM 22), and each out-parameter needs its own buffer
/// anyway.
void copyRepeatedResults(func::FuncOp func) {
  func.walk([](func::ReturnOp ret) {
    llvm::SmallPtrSet<Value, 8> seen;
    OpBuilder b(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value v = operand.get();
      if (!isa<RankedTensorType>(v.getType()) || seen.insert(v).second)
        continue;
      auto copy = bufferization::AllocTensorOp::create(
          b, ret.getLoc(), cast<RankedTensorType>(v.getType()),
          /*dynamicSizes=*/ValueRange(), /*copy=*/v);
      operand.set(copy);
    }
  });
}

struct CPUBufferizePass
    : qmlir::impl::CPUBufferizePassBase<CPUBufferizePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    StringRef writable = bufferization::BufferizationDialect::kWritableAttrName;

    // The caller owns the buffers of public functions' arguments: never
    // bufferize in place into them.
    SmallVector<std::pair<func::FuncOp, unsigned>> marked;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        if (!isa<TensorType>(func.getArgument(i).getType()) ||
            func.getArgAttr(i, writable))
          continue;
        func.setArgAttr(i, writable, BoolAttr::get(&getContext(), false));
        marked.push_back({func, i});
      }
    }

    for (auto func : module.getOps<func::FuncOp>())
      copyRepeatedResults(func);

    bufferization::OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = true;
    options.setFunctionBoundaryTypeConversion(
        bufferization::LayoutMapOption::IdentityLayoutMap);
    options.unknownTypeConverterFn =
        [](TensorType type, Attribute memorySpace,
           const bufferization::BufferizationOptions &) {
          return bufferization::getMemRefTypeWithStaticIdentityLayout(
              type, memorySpace);
        };
    options.memCpyFn = createLinalgCopy;
    bufferization::BufferizationState state;
    if (failed(bufferization::runOneShotModuleBufferize(module, options,
                                                        state)))
      return signalPassFailure();

    for (auto [func, i] : marked)
      func.removeArgAttr(i, writable);

    // Loops that wrote into a tensor they carried (the CPU kernels) now
    // carry its buffer unchanged; fold those results to the buffer itself
    // so that a returned allocation is recognized below and becomes the
    // out-parameter instead of being copied into it.
    RewritePatternSet patterns(&getContext());
    scf::ForOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();

    bufferization::BufferResultsToOutParamsOpts outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    outParams.memCpyFn = createLinalgCopy;
    if (failed(bufferization::promoteBufferResultsToOutParams(module,
                                                              outParams)))
      return signalPassFailure();
  }
};

} // namespace
