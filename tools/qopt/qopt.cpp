//===- qopt.cpp - qmlir's mlir-opt ----------------------------------------===//
//
// Every qmlir dialect and pass, plus the upstream dialects and passes that
// qmlir pipelines use, behind mlir-opt's driver. --load-plugin loads
// custom-op implementations for passes that run the model.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Conversion/Pipelines.h"
#include "qmlir/Dialect/NPU/IR/NPUDialect.h"
#include "qmlir/Dialect/NPU/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Runtime/CustomOps.h"
#include "qmlir/Support/OutputFile.h"
#include "qmlir/Support/ToolArgs.h"
#include "qmlir/Target/Transforms/Passes.h"
#include "qmlir/Target/Transforms/Pipelines.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

static llvm::cl::list<std::string> plugins(
    "load-plugin",
    llvm::cl::desc("Load a custom-op plugin library (include/qmlir-c/"
                   "CustomOp.h) before running passes that execute the model "
                   "(qnn-calibrate)"),
    llvm::cl::value_desc("lib.so"));

int main(int argc, char **argv) {
  std::vector<char *> args = qmlir::withDebugInfoByDefault(argc, argv);
  argc = static_cast<int>(args.size());
  argv = args.data();
  mlir::registerAllPasses();
  qmlir::qnn::registerQNNPasses();
  qmlir::registerQMLIRConversionPasses();
  qmlir::registerQNNPipelines();
  qmlir::target::registerTargetPasses();
  qmlir::target::registerTargetPipelines();
  qmlir::npu::registerNPUPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qmlir::qnn::QNNDialect, qmlir::npu::NPUDialect>();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "qmlir optimizer driver\n", registry);
  // Never overwrite the model the user gave: -o naming the input file (in
  // any spelling) is refused before anything is read or written.
  if (llvm::Error err = qmlir::checkOutputNotInput(outputFile, {inputFile})) {
    llvm::errs() << "qopt: error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  // MlirOptMain writes -o in place (llvm::ToolOutputFile); it gets a
  // temporary beside it instead, renamed onto -o only when the run succeeded,
  // so a failed run keeps the previous file.
  llvm::Expected<qmlir::TemporaryOutput> output =
      qmlir::TemporaryOutput::create(outputFile);
  if (!output) {
    llvm::errs() << "qopt: error: " << llvm::toString(output.takeError())
                 << "\n";
    return 1;
  }
  for (const std::string &path : plugins)
    if (llvm::Error err = qmlir::loadCustomOpPlugin(path)) {
      llvm::errs() << "qopt: error: " << llvm::toString(std::move(err))
                   << "\n";
      return 1;
    }
  if (mlir::failed(mlir::MlirOptMain(argc, argv, inputFile,
                                     output->tempPath(), registry)))
    return 1;
  if (llvm::Error err = output->commit()) {
    llvm::errs() << "qopt: error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  return 0;
}
