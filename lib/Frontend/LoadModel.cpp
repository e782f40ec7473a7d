//===- LoadModel.cpp - one entry point for every model format -------------===//

#include "qmlir/Frontend/LoadModel.h"

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

void qmlir::registerModelDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<qnn::QNNDialect>();
}

llvm::Expected<OwningOpRef<ModuleOp>>
qmlir::loadModel(llvm::StringRef path, MLIRContext &ctx,
                 const LoadOptions &options) {
  // The parser and the importers report through the context; keep the
  // first error so that callers print one line.
  std::string firstError;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error && firstError.empty()) {
      llvm::raw_string_ostream os(firstError);
      if (auto fileLoc = dyn_cast<FileLineColLoc>(diag.getLocation()))
        os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine()
           << ":" << fileLoc.getColumn() << ": ";
      os << diag.str();
    }
    return success();
  });
  OwningOpRef<ModuleOp> module;
  if (path.ends_with(".onnx") || path.ends_with(".onnxtxt")) {
    ONNXImportOptions onnxOptions;
    onnxOptions.batchSize = options.batchSize;
    for (const std::string &spec : options.inputShapes) {
      std::string error = addInputShape(onnxOptions, spec);
      if (!error.empty())
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "--shape: " + error);
    }
    module = importONNXFile(path, ctx, onnxOptions);
  } else {
    module = parseSourceFile<ModuleOp>(path, &ctx);
  }
  if (!module)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        firstError.empty() ? "cannot load model " + path.str() : firstError);
  return std::move(module);
}
