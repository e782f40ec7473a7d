//===- qmlir-translate.cpp - qmlir's mlir-translate -----------------------===//
//
// Imports and exports behind mlir-translate's driver. `--import-onnx` reads
// a binary or textual ONNX model and prints the qnn module.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"
#include "qmlir/Support/ToolArgs.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

static llvm::cl::opt<int64_t>
    batchSize("batch",
              llvm::cl::desc("--import-onnx: value of a symbolic or unknown "
                             "dimension 0 of the model inputs"),
              llvm::cl::init(1));

static llvm::cl::list<std::string> inputShapes(
    "shape",
    llvm::cl::desc("--import-onnx: static shape of an input, e.g. "
                   "--shape input=1x3x224x224 (repeatable)"),
    llvm::cl::value_desc("name=DxDx..."));

static llvm::StringRef severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return "error";
  case mlir::DiagnosticSeverity::Warning:
    return "warning";
  case mlir::DiagnosticSeverity::Note:
    return "note";
  case mlir::DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

static void registerImportONNX() {
  static mlir::TranslateToMLIRRegistration importONNX(
      "import-onnx", "import an ONNX model (binary or text) into qnn",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         mlir::MLIRContext *ctx) -> mlir::OwningOpRef<mlir::Operation *> {
        // Import errors name the file in their text and have no source
        // position; print them as "error: <file>: ..." rather than with the
        // source manager's "<unknown>:0:" prefix.
        mlir::ScopedDiagnosticHandler plainErrors(
            ctx, [](mlir::Diagnostic &diag) -> mlir::LogicalResult {
              if (!llvm::isa<mlir::UnknownLoc>(diag.getLocation()))
                return mlir::failure();
              llvm::errs() << severityName(diag.getSeverity()) << ": " << diag
                           << "\n";
              return mlir::success();
            });
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        qmlir::ONNXImportOptions options;
        options.batchSize = batchSize;
        for (const std::string &spec : inputShapes) {
          std::string error = qmlir::addInputShape(options, spec);
          if (!error.empty()) {
            mlir::emitError(mlir::UnknownLoc::get(ctx)) << "--shape: " << error;
            return nullptr;
          }
        }
        mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importONNXString(
            buffer->getBuffer(), buffer->getBufferIdentifier(), *ctx, options);
        return mlir::OwningOpRef<mlir::Operation *>(
            module ? module.release().getOperation() : nullptr);
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                        qmlir::qnn::QNNDialect>();
      });
}

int main(int argc, char **argv) {
  // Imported ops are located at their node names; keep them in the output.
  std::vector<char *> args = qmlir::withDebugInfoByDefault(argc, argv);
  argc = static_cast<int>(args.size());
  argv = args.data();
  registerImportONNX();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "qmlir translation driver\n"));
}
