//===- CpuSegments.cpp - compiled code of CPU fallback segments -----------===//
//
// Each CPU segment is compiled ahead of time by the AOT path (compileAOT,
// docs/AOT.md) into a shared object with the C ABI, which the artifact
// embeds; loading writes it to a temporary file and opens it with
// AOTLibrary. So the runtime needs no MLIR pipeline or LLVM code generator
// to run the CPU part, only dlopen.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::npu;

/// The CPU features generated code may use: the host's enabled features with
/// the `+f`/`-f` overrides of `overrides` (JITOptions::cpuFeatures) applied,
/// sorted. A loader checks them against its own host (loadCpuSegments).
static std::vector<std::string> codegenFeatures(llvm::StringRef overrides) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  llvm::SmallVector<llvm::StringRef> items;
  overrides.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    bool enable = !item.consume_front("-");
    if (enable)
      item.consume_front("+");
    features[item] = enable;
  }
  std::vector<std::string> out;
  for (const auto &f : features)
    if (f.second)
      out.push_back(f.first().str());
  llvm::sort(out);
  return out;
}

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Removes a file when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

std::string prefixOf(int64_t index) {
  return "qart_cpu" + std::to_string(index);
}

} // namespace

llvm::Expected<std::vector<CpuSegmentCode>>
npu::compileCpuSegments(ModuleOp cpuModule, int64_t count,
                        const JITOptions &codegen, llvm::StringRef linker) {
  std::vector<CpuSegmentCode> out;
  for (int64_t k = 0; k < count; ++k) {
    auto func = cpuModule.lookupSymbol<func::FuncOp>(cpuSegmentName(k));
    if (!func)
      return makeError("no function @" + cpuSegmentName(k));
    // One module per segment, so that each library holds only its code.
    OpBuilder b(cpuModule.getContext());
    OwningOpRef<ModuleOp> single = ModuleOp::create(func.getLoc());
    single->getOperation()->setAttrs(cpuModule->getAttrDictionary());
    b.setInsertionPointToEnd(single->getBody());
    b.clone(*func.getOperation());

    TempFile lib;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("qart-cpu", "so", lib.path))
      return makeError("cannot create a temporary file: " + ec.message());
    AOTOptions options;
    options.entry = cpuSegmentName(k);
    options.prefix = prefixOf(k);
    options.codegen = codegen;
    options.libraryPath = lib.path.str().str();
    options.linker = linker.str();
    options.source = "CPU segment " + std::to_string(k);
    if (llvm::Error e = compileAOT(*single, options))
      return makeError("CPU segment " + llvm::Twine(k) + ": " +
                       llvm::toString(std::move(e)));
    auto bytes = llvm::MemoryBuffer::getFile(lib.path);
    if (!bytes)
      return makeError("cannot read " + lib.path + ": " +
                       bytes.getError().message());
    CpuSegmentCode code;
    code.symbolPrefix = prefixOf(k);
    code.hostTriple = llvm::sys::getProcessTriple();
    code.hostCPU = llvm::sys::getHostCPUName().str();
    code.cpuFeatures = codegenFeatures(codegen.cpuFeatures);
    code.sharedObject = (*bytes)->getBuffer().str();
    out.push_back(std::move(code));
  }
  return out;
}

llvm::Expected<std::vector<std::unique_ptr<CompiledModel>>>
npu::loadCpuSegments(llvm::ArrayRef<CpuSegmentCode> code,
                     llvm::StringRef what) {
  std::vector<std::unique_ptr<CompiledModel>> out;
  std::string triple = llvm::sys::getProcessTriple();
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  for (auto [k, c] : llvm::enumerate(code)) {
    if (c.hostTriple != triple)
      return makeError(what + ": CPU segment " + llvm::Twine(k) +
                       " was compiled for '" + c.hostTriple +
                       "', this machine is '" + triple + "'");
    // Code using an instruction this CPU lacks would die of SIGILL.
    for (const std::string &feature : c.cpuFeatures)
      if (!host.lookup(feature))
        return makeError(what + ": CPU segment " + llvm::Twine(k) +
                         " was compiled for CPU feature '" + feature +
                         "' (on a '" + c.hostCPU +
                         "'), which this machine lacks: recompile it here "
                         "(or with --cpu-features -" + feature + ")");
    bool identifier = !c.symbolPrefix.empty();
    for (char ch : c.symbolPrefix)
      identifier &= llvm::isAlnum(ch) || ch == '_';
    if (!identifier)
      return makeError(what + ": CPU segment " + llvm::Twine(k) +
                       ": symbol prefix is not a C identifier");
    TempFile lib;
    int fd;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "qart-cpu", "so", fd, lib.path))
      return makeError("cannot create a temporary file: " + ec.message());
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os << c.sharedObject;
      if (os.has_error())
        return makeError("cannot write " + lib.path);
    }
    // The library stays mapped after its file is removed.
    auto loaded = AOTLibrary::load(lib.path, c.symbolPrefix);
    if (!loaded)
      return makeError(what + ": CPU segment " + llvm::Twine(k) + ": " +
                       llvm::toString(loaded.takeError()));
    out.push_back(std::move(*loaded));
  }
  return out;
}
