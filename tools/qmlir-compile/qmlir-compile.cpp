//===- qmlir-compile.cpp - compile a model ahead of time ------------------===//
//
//   qmlir-compile model.{mlir,mlirbc,onnx} [--batch N] [--entry main]
//       [-o libmodel.so] [--emit-obj model.o] [--header model.h]
//       [--prefix model] [--threads N] [--cpu-codegen fast|reference]
//       [--cpu-features -avx512vnni,...] [--parallel-min-work W]
//       [--linker cc] [--time]
//   qmlir-compile model.{onnx,mlir,...} [--target t.json [--samples c.npy]]
//       -o model.qart
//
// Lowers the model for this host's CPU as qrun's JIT does and writes a
// shared library and/or object file exporting the C ABI of docs/AOT.md, and
// the C header declaring it. `qrun libmodel.so` runs the library.
//
// With `-o model.qart` it writes an accelerator artifact (docs/Artifact.md)
// instead: a float model with --target and --samples is folded, calibrated,
// legalized for the target, quantized, lowered to npu and partitioned; a
// quantized one with --target only lowered and partitioned; a partitioned
// one (npu.segment ops) is taken as it is. It prints the model summary,
// compiles each CPU fallback segment to a shared object and writes the
// artifact atomically. `qrun model.qart` runs it.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/Artifact/Compile.h"
#include "qmlir/Dialect/NPU/IR/NPUDialect.h"
#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/AOT.h"
#include "qmlir/Runtime/CodegenOptions.h"
#include "qmlir/Support/OutputFile.h"
#include "qmlir/Target/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace qmlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("qmlir-compile options");

static cl::opt<std::string>
    modelPath(cl::Positional, cl::Required,
              cl::desc("<model.mlir | model.mlirbc | model.onnx>"),
              cl::cat(category));
static cl::opt<std::string> libraryPath("o",
                                        cl::desc("Shared library to write"),
                                        cl::value_desc("libmodel.so"),
                                        cl::cat(category));
static cl::opt<std::string> objectPath("emit-obj",
                                       cl::desc("Object file to write"),
                                       cl::value_desc("model.o"),
                                       cl::cat(category));
static cl::opt<std::string> headerPath("header", cl::desc("C header to write"),
                                       cl::value_desc("model.h"),
                                       cl::cat(category));
static cl::opt<std::string>
    prefix("prefix", cl::init("model"),
           cl::desc("Prefix of the exported C symbols (default: model)"),
           cl::cat(category));
static cl::opt<std::string> entryName("entry", cl::init("main"),
                                      cl::desc("Function to compile"),
                                      cl::cat(category));
static cl::opt<int64_t>
    onnxBatch("batch", cl::init(1),
              cl::desc("ONNX models: batch size the model is compiled for"),
              cl::cat(category));
static cl::opt<std::string>
    linker("linker",
           cl::desc("C compiler driver that links the shared library "
                    "(default: clang-22, clang or cc from PATH)"),
           cl::cat(category));
static cl::opt<std::string> targetPath(
    "target",
    cl::desc("Artifact (-o model.qart): the target description file "
             "(targets/*.json) to quantize, lower and partition for"),
    cl::value_desc("t.json"), cl::cat(category));
static cl::opt<std::string> samplesPath(
    "samples",
    cl::desc("Artifact from a float model: calibration samples (.npy/.npz, "
             "as qnn-calibrate's samples=)"),
    cl::value_desc("calib.npy"), cl::cat(category));
static cl::opt<std::string> calibrationMethod(
    "method",
    cl::desc("Artifact from a float model: the calibration method "
             "(qnn-calibrate's method=: minmax, moving-max, moving-average, "
             "percentile, entropy, mse)"),
    cl::init("minmax"), cl::cat(category));
static cl::opt<bool> printTime("time",
                               cl::desc("Print the load and compile times"),
                               cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "qmlir-compile: error: " << message << "\n";
  return 1;
}

/// The .qart flow (npu::compileArtifact: quantize/lower/partition as far as
/// needed, build the program, compile the CPU segments), then the artifact
/// written atomically.
static int writeArtifactFile(ModuleOp module, const AOTOptions &aot) {
  // Warnings (e.g. nothing on the accelerator) and the legalization's
  // remarks are printed, as qopt prints them.
  // One line per error: no dump of the module under a failing pass.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, module.getContext());
  module.getContext()->printOpOnDiagnostic(false);
  npu::ArtifactCompileOptions options;
  options.targetPath = targetPath;
  options.samplesPath = samplesPath;
  options.method = calibrationMethod;
  options.summaryOut = "-";
  options.entry = entryName;
  options.source = modelPath;
  options.producer =
      "qmlir-compile " + llvm::sys::path::filename(modelPath).str();
  options.codegen = aot.codegen;
  options.linker = linker;
  auto artifact = npu::compileArtifact(module, options);
  if (!artifact)
    return fail(llvm::toString(artifact.takeError()));
  std::string bytes = npu::writeArtifact(*artifact);
  std::vector<std::string> inputs = {modelPath};
  if (!targetPath.empty())
    inputs.push_back(targetPath);
  if (!samplesPath.empty())
    inputs.push_back(samplesPath);
  if (llvm::Error e = checkOutputNotInput(libraryPath, inputs))
    return fail(llvm::toString(std::move(e)));
  if (llvm::Error e =
          writeFileAtomically(libraryPath, [&](llvm::raw_ostream &os) {
            os << bytes;
            return llvm::Error::success();
          }))
    return fail(llvm::toString(std::move(e)));
  int64_t npuSegments = 0;
  for (const npu::SimStep &s : artifact->program.steps)
    npuSegments += s.kind == npu::SimStepKind::Segment;
  llvm::outs() << "wrote " << libraryPath << ": " << bytes.size()
               << " bytes, " << npuSegments << " accelerator segment(s), "
               << artifact->program.numCpuSegments << " CPU segment(s)\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerCodegenOptions(category);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "qmlir ahead-of-time model compiler\n");
  if (libraryPath.empty() && objectPath.empty() && headerPath.empty())
    return fail("nothing to write: give -o libmodel.so, --emit-obj model.o "
                "and/or --header model.h (or -o model.qart)");
  bool artifactMode = llvm::StringRef(libraryPath).ends_with(".qart");
  if (artifactMode && (!objectPath.empty() || !headerPath.empty()))
    return fail("-o model.qart writes an artifact; --emit-obj and --header "
                "are for libraries");
  if (!artifactMode && (!targetPath.empty() || !samplesPath.empty()))
    return fail("--target and --samples need -o model.qart");
  std::vector<std::string> inputPaths = {modelPath, targetPath, samplesPath};
  for (const std::string &path :
       {libraryPath.getValue(), objectPath.getValue(), headerPath.getValue()})
    if (!path.empty())
      if (llvm::Error err = checkOutputNotInput(path, inputPaths))
        return fail(llvm::toString(std::move(err)));

  auto start = std::chrono::steady_clock::now();
  DialectRegistry registry;
  registerModelDialects(registry);
  registry.insert<npu::NPUDialect>();
  qnn::registerQNNPasses();
  registerQMLIRConversionPasses();
  target::registerTargetPasses();
  npu::registerNPUPasses();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  LoadOptions loadOptions;
  loadOptions.batchSize = onnxBatch;
  auto module = loadModel(modelPath, ctx, loadOptions);
  if (!module)
    return fail(llvm::toString(module.takeError()));
  auto loaded = std::chrono::steady_clock::now();

  AOTOptions options;
  options.entry = entryName;
  options.prefix = prefix;
  options.codegen = codegenOptionsFromCommandLine();
  options.objectPath = objectPath;
  options.libraryPath = libraryPath;
  options.headerPath = headerPath;
  options.linker = linker;
  options.source = llvm::sys::path::filename(modelPath).str();
  if (artifactMode)
    return writeArtifactFile(**module, options);
  if (llvm::Error err = compileAOT(**module, options))
    return fail(llvm::toString(std::move(err)));
  if (printTime) {
    auto done = std::chrono::steady_clock::now();
    auto seconds = [](auto a, auto b) {
      return std::chrono::duration<double>(b - a).count();
    };
    llvm::outs() << llvm::format("load %.3f s, compile %.3f s\n",
                                 seconds(start, loaded), seconds(loaded, done));
  }
  return 0;
}
