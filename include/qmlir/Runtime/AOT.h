//===- AOT.h - ahead-of-time compilation with a C ABI ----------*- C++ -*-===//
//
// compileAOT lowers a qnn module like the JIT, but writes an object file (and
// optionally a shared library) whose entry points form a small C ABI, plus
// the C header that declares them. AOTLibrary loads such a shared library
// and runs it like a JITModule. The ABI is documented in docs/AOT.md.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_AOT_H
#define QMLIR_RUNTIME_AOT_H

#include "qmlir/Runtime/JIT.h"

#include <string>

namespace qmlir {

struct AOTOptions {
  /// The function to compile.
  std::string entry = "main";
  /// Prefix of the exported C symbols (`<prefix>_init`, `<prefix>_run`, ...):
  /// a C identifier.
  std::string prefix = "model";
  /// Code generation. `threads` here: 1 sequential, N a fixed OpenMP team,
  /// 0 (the default) the OpenMP runtime's choice on the machine that runs
  /// the library (OMP_NUM_THREADS, else every core).
  JITOptions codegen = [] {
    JITOptions o;
    o.threads = 0;
    return o;
  }();
  /// Outputs; empty paths are not written. At least one of them must be set.
  std::string objectPath, libraryPath, headerPath;
  /// The C compiler driver that links the shared library (default: the
  /// first of clang-22, clang, cc on PATH).
  std::string linker;
  /// Where the model came from, for the header's comment.
  std::string source;
};

/// Compiles `options.entry` of `module` (not modified) for the host CPU and
/// writes the object, shared library and header that `options` ask for.
llvm::Error compileAOT(mlir::ModuleOp module, const AOTOptions &options);

/// A shared library written by compileAOT, loaded with dlopen.
class AOTLibrary : public CompiledModel {
public:
  static llvm::Expected<std::unique_ptr<AOTLibrary>>
  load(llvm::StringRef path, llvm::StringRef prefix = "model");
  ~AOTLibrary() override;

protected:
  llvm::Error call(llvm::ArrayRef<const void *> inputs,
                   llvm::ArrayRef<void *> outputs) override;

private:
  AOTLibrary() = default;

  void *handle = nullptr;
  void *context = nullptr;
  int (*runFn)(void *, const void *const *, void *const *) = nullptr;
  const char *(*errorFn)(const void *) = nullptr;
  void (*freeFn)(void *) = nullptr;
  std::string path;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_AOT_H
