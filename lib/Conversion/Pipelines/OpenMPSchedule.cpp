//===- OpenMPSchedule.cpp - the qnn-cpu-omp-schedule pass -----------------===//
//
// Sets a round-robin static schedule on the OpenMP work-sharing loops that
// convert-scf-to-openmp made (it sets none), so that threads share loops
// whose iterations differ in cost evenly (see the pass description).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace qmlir {
#define GEN_PASS_DEF_CPUOPENMPSCHEDULEPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {

struct CPUOpenMPSchedulePass
    : public qmlir::impl::CPUOpenMPSchedulePassBase<CPUOpenMPSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunk < 0) {
      getOperation().emitError("qnn-cpu-omp-schedule: chunk must be >= 0, "
                               "got ")
          << static_cast<int64_t>(chunk);
      return signalPassFailure();
    }
    if (chunk == 0)
      return;
    MLIRContext *ctx = &getContext();
    getOperation().walk([&](omp::WsloopOp loop) {
      if (loop.getScheduleKindAttr())
        return;
      OpBuilder b(loop);
      Value size = arith::ConstantOp::create(b, loop.getLoc(),
                                             b.getI64IntegerAttr(chunk));
      loop.setScheduleKindAttr(
          omp::ClauseScheduleKindAttr::get(ctx, omp::ClauseScheduleKind::Static));
      loop.getScheduleChunkMutable().assign(size);
    });
  }
};

} // namespace
