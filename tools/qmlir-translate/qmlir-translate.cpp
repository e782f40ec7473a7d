//===- qmlir-translate.cpp - qmlir's mlir-translate -----------------------===//
//
// Imports and exports behind mlir-translate's driver. `--import-onnx` reads
// a binary or textual ONNX model, `--import-tf-graph` a TensorFlow GraphDef
// (.pb or .pbtxt), and prints the qnn module; `--export-onnx-qdq` writes a
// quantized qnn module as an ONNX QDQ model; `--export-encodings` writes its
// quantization parameters as AIMET encodings JSON.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/Transforms/Encodings.h"
#include "qmlir/Export/ONNX/QDQExport.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"
#include "qmlir/Import/TF/TFImporter.h"
#include "qmlir/Support/Limits.h"
#include "qmlir/Support/OutputFile.h"
#include "qmlir/Support/ToolArgs.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"

static llvm::cl::opt<int64_t>
    batchSize("batch",
              llvm::cl::desc("--import-onnx, --import-tf-graph: value of a "
                             "symbolic or unknown dimension 0 of the model "
                             "inputs"),
              llvm::cl::init(1));

static llvm::cl::opt<int64_t> maxTensorBytes(
    "max-tensor-bytes",
    llvm::cl::desc("Largest tensor a model file may declare or hold, in "
                   "bytes (default 4 GiB, or QMLIR_MAX_TENSOR_BYTES)"),
    llvm::cl::cb<void, int64_t>(
        [](int64_t bytes) { qmlir::setMaxTensorBytes(bytes); }));

static llvm::cl::opt<bool> onnxText(
    "onnx-text",
    llvm::cl::desc("--export-onnx-qdq: write ONNX's textual syntax (without "
                   "initializer data) instead of the binary model"),
    llvm::cl::init(false));

static llvm::cl::list<std::string> inputShapes(
    "shape",
    llvm::cl::desc("--import-onnx, --import-tf-graph: static shape of an "
                   "input (TF: or of a custom op's result `node[:i]`), e.g. "
                   "--shape input=1x3x224x224 (repeatable)"),
    llvm::cl::value_desc("name=DxDx..."));
static llvm::cl::list<std::string> tfInputs(
    "inputs",
    llvm::cl::desc("--import-tf-graph: tensors that become the function "
                   "arguments (default: the Placeholders the outputs need)"),
    llvm::cl::CommaSeparated, llvm::cl::value_desc("node[:i],..."));
static llvm::cl::list<std::string> tfOutputs(
    "outputs",
    llvm::cl::desc("--import-tf-graph: tensors that become the function "
                   "results (default: the nodes nothing reads)"),
    llvm::cl::CommaSeparated, llvm::cl::value_desc("node[:i],..."));
static llvm::cl::opt<bool> tfNoCustomOps(
    "tf-no-custom-ops",
    llvm::cl::desc("--import-tf-graph: reject unknown ops instead of "
                   "importing them as qnn.custom"),
    llvm::cl::init(false));

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

/// Import errors name the file in their text and have no source position;
/// print them as "error: <file>: ..." rather than with the source manager's
/// "<unknown>:0:" prefix.
static mlir::LogicalResult printPlainDiagnostic(mlir::Diagnostic &diag) {
  if (!llvm::isa<mlir::UnknownLoc>(diag.getLocation()))
    return mlir::failure();
  llvm::errs() << severityName(diag.getSeverity()) << ": " << diag << "\n";
  return mlir::success();
}

static void registerImportTFGraph() {
  static mlir::TranslateToMLIRRegistration importTF(
      "import-tf-graph",
      "import a TensorFlow frozen graph (GraphDef .pb, or .pbtxt) into qnn",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         mlir::MLIRContext *ctx) -> mlir::OwningOpRef<mlir::Operation *> {
        mlir::ScopedDiagnosticHandler plainErrors(ctx, printPlainDiagnostic);
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        qmlir::TFImportOptions options;
        options.batchSize = batchSize;
        options.inputs.assign(tfInputs.begin(), tfInputs.end());
        options.outputs.assign(tfOutputs.begin(), tfOutputs.end());
        options.allowCustomOps = !tfNoCustomOps;
        for (const std::string &spec : inputShapes)
          if (llvm::Error err = qmlir::addTFShapeOption(options, spec)) {
            mlir::emitError(mlir::UnknownLoc::get(ctx))
                << llvm::toString(std::move(err));
            return nullptr;
          }
        mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importTFGraphString(
            buffer->getBuffer(), buffer->getBufferIdentifier(), *ctx, options);
        return mlir::OwningOpRef<mlir::Operation *>(
            module ? module.release().getOperation() : nullptr);
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                        qmlir::qnn::QNNDialect>();
      });
}

static void registerImportONNX() {
  static mlir::TranslateToMLIRRegistration importONNX(
      "import-onnx", "import an ONNX model (binary or text) into qnn",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         mlir::MLIRContext *ctx) -> mlir::OwningOpRef<mlir::Operation *> {
        mlir::ScopedDiagnosticHandler plainErrors(ctx, printPlainDiagnostic);
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

static void registerExportONNXQDQ() {
  static mlir::TranslateFromMLIRRegistration exportQDQ(
      "export-onnx-qdq",
      "export a quantized qnn module as an ONNX QDQ model (opset 13)",
      [](mlir::Operation *op, llvm::raw_ostream &os) -> mlir::LogicalResult {
        auto module = llvm::dyn_cast<mlir::ModuleOp>(op);
        if (!module)
          return op->emitError("ONNX QDQ export: expected a builtin.module");
        qmlir::ONNXQDQExportOptions options;
        options.text = onnxText;
        return qmlir::exportONNXQDQ(module, os, options);
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                        mlir::quant::QuantDialect, qmlir::qnn::QNNDialect>();
      });
}

static void registerExportEncodings() {
  static mlir::TranslateFromMLIRRegistration exportEncodings(
      "export-encodings",
      "export a quantized qnn module's parameters as AIMET encodings JSON",
      [](mlir::Operation *op, llvm::raw_ostream &os) -> mlir::LogicalResult {
        llvm::SmallVector<mlir::func::FuncOp> funcs;
        op->walk([&](mlir::func::FuncOp f) {
          if (!f.isExternal())
            funcs.push_back(f);
        });
        if (funcs.size() != 1)
          return op->emitError()
                 << "encodings export: expected one function with a body, "
                    "found "
                 << funcs.size();
        mlir::FailureOr<qmlir::encodings::EncodingsFile> file =
            qmlir::qnn::collectEncodings(funcs.front());
        if (mlir::failed(file))
          return mlir::failure();
        os << llvm::formatv("{0:2}", qmlir::encodings::toJSON(*file)) << "\n";
        return mlir::success();
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                        mlir::quant::QuantDialect, qmlir::qnn::QNNDialect>();
      });
}

int main(int argc, char **argv) {
  // Imported ops are located at their node names; keep them in the output.
  std::vector<char *> args = qmlir::withDebugInfoByDefault(argc, argv);
  argc = static_cast<int>(args.size());
  argv = args.data();
  registerImportONNX();
  registerImportTFGraph();
  registerExportONNXQDQ();
  registerExportEncodings();

  // mlirTranslateMain opens -o in place (llvm::ToolOutputFile) and parses the
  // command line itself, so -o is found here and swapped for a temporary
  // beside it, renamed onto it when the translation succeeded. The input is
  // not known before that parse: any argument naming an existing file counts.
  std::optional<size_t> outputArg;
  llvm::StringRef outputPath;
  bool separateValue = false;
  for (size_t i = 1; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if ((arg == "-o" || arg == "--o") && i + 1 < args.size()) {
      outputArg = ++i;
      outputPath = args[i];
      separateValue = true;
    } else if (arg.consume_front("-o=") || arg.consume_front("--o=")) {
      outputArg = i;
      outputPath = arg;
      separateValue = false;
    }
  }
  std::optional<qmlir::TemporaryOutput> output;
  std::string tempArg;
  if (outputArg) {
    std::vector<char *> others = args;
    others.erase(others.begin() + *outputArg);
    std::vector<std::string> inputs = qmlir::pathsInArguments(others);
    if (llvm::Error err = qmlir::checkOutputNotInput(outputPath, inputs)) {
      llvm::errs() << "qmlir-translate: error: "
                   << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
    llvm::Expected<qmlir::TemporaryOutput> temp =
        qmlir::TemporaryOutput::create(outputPath);
    if (!temp) {
      llvm::errs() << "qmlir-translate: error: "
                   << llvm::toString(temp.takeError()) << "\n";
      return 1;
    }
    output.emplace(std::move(*temp));
    tempArg = ("-o=" + output->tempPath()).str();
    if (separateValue) {
      args.erase(args.begin() + *outputArg - 1);
      --*outputArg;
    }
    args[*outputArg] = tempArg.data();
    argc = static_cast<int>(args.size());
    argv = args.data();
  }
  if (mlir::failed(
          mlir::mlirTranslateMain(argc, argv, "qmlir translation driver\n")))
    return 1;
  if (output)
    if (llvm::Error err = output->commit()) {
      llvm::errs() << "qmlir-translate: error: "
                   << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
  return 0;
}
