//===- fuzz-mlir.cpp - fuzz .mlir through qopt's parser and verifier ------===//
//
// The dialects a qmlir model uses (qnn, npu, quant, func, arith, tensor),
// parsed and verified as qopt does before running any pass. Upstream
// dialects are included because qnn ops verify against their types.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "qmlir/Dialect/NPU/IR/NPUDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

static void setup(mlir::MLIRContext &ctx) {
  ctx.loadDialect<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::quant::QuantDialect, mlir::tensor::TensorDialect,
                  qmlir::qnn::QNNDialect, qmlir::npu::NPUDialect>();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = qmlir::fuzz::context(setup);
  mlir::ParserConfig config(&ctx, /*verifyAfterParse=*/true);
  // MLIR's lexer needs the NUL after the buffer that files read through
  // MemoryBuffer have (libFuzzer's data has none: reading past it was the
  // first "crash" this target found, a harness bug).
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, config, "fuzz.mlir");
  return 0;
}
