//===- CodegenOptions.h - code-generation options of the tools --*- C++ -*-===//
//
// qrun and qmlir-compile compile models for the CPU with the same options:
// --cpu-codegen, --cpu-features, --threads and --parallel-min-work. They are
// declared once here.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_CODEGENOPTIONS_H
#define QMLIR_RUNTIME_CODEGENOPTIONS_H

#include "qmlir/Runtime/JIT.h"

#include "llvm/Support/CommandLine.h"

namespace qmlir {

/// Registers the code-generation options in `category`; call it once,
/// before llvm::cl::ParseCommandLineOptions. libLLVM's own global
/// `-threads` option (for its ThinLTO code generator, which no qmlir tool
/// uses) is unregistered so that ours can have the name.
void registerCodegenOptions(llvm::cl::OptionCategory &category);

/// The JITOptions the parsed command line selects (codegen, cpuFeatures,
/// threads, parallelMinWork; the rest default).
JITOptions codegenOptionsFromCommandLine();

} // namespace qmlir

#endif // QMLIR_RUNTIME_CODEGENOPTIONS_H
