//===- qmlir-compile.cpp - compile a model ahead of time ------------------===//
//
//   qmlir-compile model.{mlir,mlirbc,onnx} [--batch N] [--entry main]
//       [-o libmodel.so] [--emit-obj model.o] [--header model.h]
//       [--prefix model] [--threads N] [--cpu-codegen fast|reference]
//       [--cpu-features -avx512vnni,...] [--parallel-min-work W]
//       [--linker cc] [--time]
//
// Lowers the model for this host's CPU as qrun's JIT does and writes a
// shared library and/or object file exporting the C ABI of docs/AOT.md, and
// the C header declaring it. `qrun libmodel.so` runs the library.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/AOT.h"
#include "qmlir/Support/OutputFile.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
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
/// --threads. libLLVM registers a global `-threads` option for its ThinLTO
/// code generator, which this tool does not use; it is unregistered first so
/// that this option can have the name.
static cl::opt<unsigned> &numThreads() {
  static cl::opt<unsigned> *option = [] {
    if (cl::Option *other = cl::getRegisteredOptions().lookup("threads"))
      other->removeArgument();
    return new cl::opt<unsigned>(
        "threads", cl::init(0),
        cl::desc("Threads of the compiled code: 1 sequential, N a fixed OpenMP "
                 "team, 0 (default) the OpenMP runtime's choice where it runs "
                 "(OMP_NUM_THREADS, else every core)"),
        cl::value_desc("N"), cl::cat(category));
  }();
  return *option;
}
static cl::opt<CPUCodegen> cpuCodegen(
    "cpu-codegen", cl::init(CPUCodegen::Fast),
    cl::desc("How linalg ops become CPU code"),
    cl::values(clEnumValN(CPUCodegen::Fast, "fast",
                          "vector kernels for convolutions and matrix "
                          "products (default)"),
               clEnumValN(CPUCodegen::Reference, "reference", "plain loops")),
    cl::cat(category));
static cl::opt<std::string> cpuFeatures(
    "cpu-features",
    cl::desc("Overrides of the host's CPU features, e.g. -avx512vnni"),
    cl::value_desc("list"), cl::cat(category));
static cl::opt<std::string>
    linker("linker",
           cl::desc("C compiler driver that links the shared library "
                    "(default: clang-22, clang or cc from PATH)"),
           cl::cat(category));
static cl::opt<bool> printTime("time",
                               cl::desc("Print the load and compile times"),
                               cl::cat(category));

static cl::opt<int64_t> parallelMinWork(
    "parallel-min-work", cl::init(300000),
    cl::desc("With threads: loops with a smaller static operation count "
             "stay sequential (0: every parallel loop runs on threads)"),
    cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "qmlir-compile: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  numThreads();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "qmlir ahead-of-time model compiler\n");
  if (libraryPath.empty() && objectPath.empty() && headerPath.empty())
    return fail("nothing to write: give -o libmodel.so, --emit-obj model.o "
                "and/or --header model.h");

  for (const std::string &path :
       {libraryPath.getValue(), objectPath.getValue(), headerPath.getValue()})
    if (llvm::Error err = checkOutputNotInput(path, {modelPath}))
      return fail(llvm::toString(std::move(err)));

  auto start = std::chrono::steady_clock::now();
  DialectRegistry registry;
  registerModelDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  auto module = loadModel(modelPath, ctx, {onnxBatch});
  if (!module)
    return fail(llvm::toString(module.takeError()));
  auto loaded = std::chrono::steady_clock::now();

  AOTOptions options;
  options.entry = entryName;
  options.prefix = prefix;
  options.codegen.codegen = cpuCodegen;
  options.codegen.cpuFeatures = cpuFeatures;
  options.codegen.threads = numThreads();
  options.codegen.parallelMinWork = parallelMinWork;
  options.objectPath = objectPath;
  options.libraryPath = libraryPath;
  options.headerPath = headerPath;
  options.linker = linker;
  options.source = llvm::sys::path::filename(modelPath).str();
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
