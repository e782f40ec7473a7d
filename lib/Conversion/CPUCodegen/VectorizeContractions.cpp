//===- VectorizeContractions.cpp - qnn-cpu-vectorize-contractions ---------===//
//
// Finds the contractions ContractionMatch.cpp recognizes and replaces each,
// with its elementwise consumer when that can be fused, by the kernel of
// ContractionEmit.cpp. Everything else is left to the reference lowering.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qmlir {
#define GEN_PASS_DEF_CPUVECTORIZECONTRACTIONSPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

namespace {

struct CPUVectorizeContractionsPass
    : qmlir::impl::CPUVectorizeContractionsPassBase<
          CPUVectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Weights sliced out of a constant (grouped convolutions take one slice
    // per group) become constants themselves, so that they can be packed.
    {
      RewritePatternSet patterns(&getContext());
      tensor::populateFoldConstantExtractSlicePatterns(
          patterns, [](tensor::ExtractSliceOp slice) {
            return llvm::all_of(slice->getUsers(), [](Operation *user) {
              return isa<linalg::LinalgOp>(user);
            });
          });
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }

    // Collect first: rewriting one contraction replaces values (its
    // epilogue's result) that a later one may read, so each is matched
    // again right before it is rewritten. Contractions are never another
    // one's epilogue, so the collected ops stay alive.
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (succeeded(cpu::matchContraction(op)))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    cpu::KernelOptions options;
    options.vnni = vnni;
    options.vectorBits = vectorBits;
    options.threads = threads;
    if (vectorBits != 256 && vectorBits != 512) {
      getOperation().emitError("qnn-cpu-vectorize-contractions: vector-bits "
                               "must be 256 or 512, got ")
          << static_cast<int64_t>(vectorBits);
      return signalPassFailure();
    }
    for (linalg::LinalgOp op : candidates) {
      FailureOr<cpu::ContractionSpec> spec = cpu::matchContraction(op);
      if (failed(spec))
        continue;
      std::optional<cpu::EpilogueSpec> epilogue = cpu::matchEpilogue(*spec);
      cpu::emitContraction(rewriter, *spec, epilogue ? &*epilogue : nullptr,
                           options);
    }
    cpu::writeProducersIntoPads(rewriter, getOperation());
    // The kernels' 64-bit rescales on even and odd lanes.
    {
      RewritePatternSet patterns(&getContext());
      cpu::populateRescaleEvenOddPatterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
