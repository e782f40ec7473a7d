//===- QNNToTOSA.cpp - the convert-qnn-to-tosa pass -----------------------===//
//
// Sets up the dialect conversion: quantized tensor types become their storage
// integer types (function signatures included) and every qnn op is rewritten
// by the pattern groups of this directory.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qmlir {
#define GEN_PASS_DEF_CONVERTQNNTOTOSAPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

namespace {

struct ConvertQNNToTOSAPass
    : qmlir::impl::ConvertQNNToTOSAPassBase<ConvertQNNToTOSAPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // The patterns build TOSA ops with static shapes only.
    WalkResult dynamic = getOperation().walk([](Operation *op) {
      if (!isa<qnn::QNNDialect>(op->getDialect()))
        return WalkResult::advance();
      auto isDynamic = [](Type t) {
        auto shaped = dyn_cast<ShapedType>(t);
        return shaped && !shaped.hasStaticShape();
      };
      if (llvm::any_of(op->getOperandTypes(), isDynamic) ||
          llvm::any_of(op->getResultTypes(), isDynamic)) {
        op->emitOpError("has a dynamically shaped tensor: the TOSA lowering "
                        "needs static shapes");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (dynamic.wasInterrupted())
      return signalPassFailure();

    QuantToStorageTypeConverter converter;

    ConversionTarget target(*ctx);
    target.addIllegalDialect<qnn::QNNDialect>();
    target.addIllegalOp<quant::StorageCastOp, quant::QuantizeCastOp,
                        quant::DequantizeCastOp>();
    target.addLegalDialect<tosa::TosaDialect, arith::ArithDialect,
                           tensor::TensorDialect, linalg::LinalgDialect,
                           math::MathDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateConvDensePatterns(converter, patterns);
    populatePoolingPatterns(converter, patterns);
    populateElementwisePatterns(converter, patterns);
    populateMathPatterns(converter, patterns);
    populateLogDomainPatterns(converter, patterns);
    populateIntegerPatterns(converter, patterns);
    populateLayoutPatterns(converter, patterns);
    populateQuantOpsPatterns(converter, patterns);

    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
