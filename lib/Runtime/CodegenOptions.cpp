//===- CodegenOptions.cpp - code-generation options of the tools ----------===//

#include "qmlir/Runtime/CodegenOptions.h"

#include <memory>

using namespace qmlir;
namespace cl = llvm::cl;

namespace {

struct CodegenOptions {
  explicit CodegenOptions(cl::OptionCategory &category)
      : codegen("cpu-codegen", cl::init(CPUCodegen::Fast),
                cl::desc("How linalg ops become CPU code"),
                cl::values(clEnumValN(CPUCodegen::Fast, "fast",
                                      "vector kernels for convolutions and "
                                      "matrix products (default)"),
                           clEnumValN(CPUCodegen::Reference, "reference",
                                      "plain loops, the reference for tests")),
                cl::cat(category)),
        cpuFeatures(
            "cpu-features",
            cl::desc("Overrides of the host's CPU features, comma separated, "
                     "e.g. -avx512vnni (to test the kernels for CPUs without "
                     "it)"),
            cl::value_desc("list"), cl::cat(category)),
        threads("threads", cl::init(0),
                cl::desc("Threads of the compiled code: 1 sequential, N a "
                         "fixed OpenMP team, 0 (default) the OpenMP runtime's "
                         "choice where it runs (OMP_NUM_THREADS, else every "
                         "core). Outputs do not depend on it"),
                cl::value_desc("N"), cl::cat(category)),
        parallelMinWork(
            "parallel-min-work", cl::init(100000),
            cl::desc("With threads: loops with a smaller static operation "
                     "count stay sequential (0: every parallel loop runs on "
                     "threads)"),
            cl::cat(category)),
        batchChunkBytes(
            "batch-chunk-bytes", cl::init(1 << 20),
            cl::desc("Fast codegen: a batch whose largest per-op working set "
                     "exceeds this many bytes runs as a loop over chunks of "
                     "the batch inside one call (0: never)"),
            cl::cat(category)) {}

  cl::opt<CPUCodegen> codegen;
  cl::opt<std::string> cpuFeatures;
  cl::opt<unsigned> threads;
  cl::opt<int64_t> parallelMinWork;
  cl::opt<int64_t> batchChunkBytes;
};

std::unique_ptr<CodegenOptions> &registered() {
  static std::unique_ptr<CodegenOptions> options;
  return options;
}

} // namespace

void qmlir::registerCodegenOptions(cl::OptionCategory &category) {
  if (registered())
    return;
  if (cl::Option *other = cl::getRegisteredOptions().lookup("threads"))
    other->removeArgument();
  registered() = std::make_unique<CodegenOptions>(category);
}

JITOptions qmlir::codegenOptionsFromCommandLine() {
  JITOptions options;
  if (const std::unique_ptr<CodegenOptions> &o = registered()) {
    options.codegen = o->codegen;
    options.cpuFeatures = o->cpuFeatures;
    options.threads = o->threads;
    options.parallelMinWork = o->parallelMinWork;
    options.batchChunkBytes = o->batchChunkBytes;
  }
  return options;
}
