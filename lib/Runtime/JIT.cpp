//===- JIT.cpp - compile and run qnn modules on the host CPU --------------===//
//
// Calling convention (after qnn-cpu-bufferize and func-to-llvm with
// llvm.emit_c_interface): `void _mlir_ciface_<entry>(in_0*, ..., in_n*,
// out_0*, ..., out_m*)` where each argument points to a strided memref
// descriptor {allocated, aligned, offset, sizes[rank], strides[rank]}. The
// descriptors point straight into the HostTensor buffers, so inputs and
// outputs are never copied; batched runs move the aligned pointers chunk by
// chunk.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/JIT.h"

#include "CPUTarget.h"

#include "qmlir/Conversion/Pipelines.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Runtime/CustomOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Support/Memory.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__linux__)
#include <sys/mman.h>
#endif

using namespace mlir;
using namespace qmlir;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Types and signatures
//===----------------------------------------------------------------------===//

/// The runtime element type of a tensor element type (quantized types by
/// their storage type).
static std::optional<ElementType> toElementType(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type)) {
    if (!q.isSigned())
      return q.getStorageTypeIntegralWidth() == 8
                 ? std::optional<ElementType>(ElementType::U8)
                 : std::nullopt;
    type = q.getStorageType();
  }
  if (type.isF32())
    return ElementType::F32;
  if (type.isF64())
    return ElementType::F64;
  if (auto i = dyn_cast<IntegerType>(type)) {
    if (i.isUnsigned())
      return i.getWidth() == 8 ? std::optional<ElementType>(ElementType::U8)
                               : std::nullopt;
    switch (i.getWidth()) {
    case 1:
      return ElementType::I1;
    case 8:
      return ElementType::I8;
    case 16:
      return ElementType::I16;
    case 32:
      return ElementType::I32;
    case 64:
      return ElementType::I64;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

static llvm::Expected<TensorSpec> makeSpec(Type type, DictionaryAttr attrs,
                                           llvm::StringRef fallback) {
  TensorSpec spec;
  spec.name = fallback.str();
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("qnn.name"))
      spec.name = name.getValue().str();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape()) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << type;
    return makeError("'" + spec.name + "' has type " + s +
                     ": only statically shaped tensors are supported");
  }
  std::optional<ElementType> et = toElementType(tensor.getElementType());
  if (!et) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << tensor.getElementType();
    return makeError("'" + spec.name + "' has element type " + s +
                     ", which the runtime does not support");
  }
  spec.type = *et;
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return spec;
}

static std::string describe(const TensorSpec &spec) {
  return formatShape(spec.shape) + " " +
         stringifyElementType(spec.type).str();
}

static std::string describe(const TensorRef &t) {
  return formatShape(t.shape) + " " + stringifyElementType(t.type).str();
}

/// Views of host tensors.
static std::vector<TensorRef> refsOf(llvm::ArrayRef<HostTensor> tensors) {
  std::vector<TensorRef> refs;
  for (const HostTensor &t : tensors)
    refs.push_back({t.type, t.shape, t.rawData()});
  return refs;
}

//===----------------------------------------------------------------------===//
// memrefCopy fallback
//===----------------------------------------------------------------------===//

namespace {
struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};
} // namespace

/// The C runner utilities' memrefCopy, for the rare copy that the lowering
/// leaves as memref.copy of a non-contiguous view.
extern "C" void qmlirMemrefCopy(int64_t elementSize, UnrankedDescriptor *src,
                                UnrankedDescriptor *dst) {
  int64_t rank = src->rank;
  auto *s = static_cast<int64_t *>(src->descriptor);
  auto *d = static_cast<int64_t *>(dst->descriptor);
  char *srcPtr = reinterpret_cast<char *>(s[1]) + s[2] * elementSize;
  char *dstPtr = reinterpret_cast<char *>(d[1]) + d[2] * elementSize;
  const int64_t *sizes = s + 3, *srcStrides = s + 3 + rank,
                *dstStrides = d + 3 + rank;
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0)
      return;
  llvm::SmallVector<int64_t> index(rank, 0);
  while (true) {
    int64_t so = 0, dof = 0;
    for (int64_t i = 0; i < rank; ++i) {
      so += index[i] * srcStrides[i];
      dof += index[i] * dstStrides[i];
    }
    std::memcpy(dstPtr + dof * elementSize, srcPtr + so * elementSize,
                elementSize);
    int64_t i = rank - 1;
    for (; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
    if (i < 0)
      return;
  }
}

//===----------------------------------------------------------------------===//
// Threads
//===----------------------------------------------------------------------===//

// From the LLVM OpenMP runtime (libomp), which QMLIRRuntime links.
extern "C" int omp_get_num_procs(void);

unsigned qmlir::resolveThreads(unsigned threads) {
  if (threads != 0)
    return threads;
  return static_cast<unsigned>(std::max(1, omp_get_num_procs()));
}

//===----------------------------------------------------------------------===//
// JITModule
//===----------------------------------------------------------------------===//

JITModule::JITModule() = default;
JITModule::~JITModule() = default;

std::optional<BufferPoolStats> JITModule::bufferPoolStats() const {
  if (!pool)
    return std::nullopt;
  return pool->stats();
}

/// Whether compiled models get a BufferPool (QMLIR_BUFFER_POOL=0 opts out,
/// to compare with plain malloc).
/// The JIT's section memory (code and the model's constants: resnet18's
/// 47 MB of fp32 weights), allocated by LLVM's default mapper and, on Linux,
/// advised to be backed by transparent huge pages (with THP in "madvise"
/// mode, the default of many distributions, anonymous memory otherwise gets
/// 4 KiB pages). Every call streams all weights once; with 4 KiB pages the
/// JIT ran resnet18 fp32 b1 ~3 % slower than the same code in a shared
/// library (docs/performance.md). `QMLIR_JIT_HUGE_PAGES=0` turns it off.
namespace {
class HugePageMapper final : public llvm::SectionMemoryManager::MemoryMapper {
public:
  llvm::sys::MemoryBlock
  allocateMappedMemory(llvm::SectionMemoryManager::AllocationPurpose purpose,
                       size_t numBytes, const llvm::sys::MemoryBlock *near,
                       unsigned flags, std::error_code &ec) override {
    llvm::sys::MemoryBlock block =
        llvm::sys::Memory::allocateMappedMemory(numBytes, near, flags, ec);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only blocks that span a huge page can use one; the advice is a hint
    // (ignored where THP is off), so its result does not matter.
    if (!ec && block.allocatedSize() >= kHugePage)
      (void)::madvise(block.base(), block.allocatedSize(), MADV_HUGEPAGE);
#endif
    (void)purpose;
    return block;
  }
  std::error_code protectMappedMemory(const llvm::sys::MemoryBlock &block,
                                      unsigned flags) override {
    return llvm::sys::Memory::protectMappedMemory(block, flags);
  }
  std::error_code releaseMappedMemory(llvm::sys::MemoryBlock &block) override {
    return llvm::sys::Memory::releaseMappedMemory(block);
  }

private:
  static constexpr size_t kHugePage = 2 << 20;
};
} // namespace

static llvm::SectionMemoryManager::MemoryMapper *sectionMemoryMapper() {
  const char *env = std::getenv("QMLIR_JIT_HUGE_PAGES");
  if (env && std::strcmp(env, "0") == 0)
    return nullptr;
  static HugePageMapper mapper; // stateless, outlives every engine
  return &mapper;
}

static bool useBufferPool() {
  const char *env = std::getenv("QMLIR_BUFFER_POOL");
  return !(env && std::strcmp(env, "0") == 0);
}

/// Redirects the lowered module's `malloc` and `free` (what
/// finalize-memref-to-llvm calls for memref.alloc/dealloc) to `pool`:
/// internal functions `qmlir_pool_malloc`/`qmlir_pool_free` pass the pool's
/// address, a constant, to qmlirBufferPoolAlloc/Free. The renamed calls are
/// no longer library calls to LLVM, so its optimizer cannot turn one into a
/// calloc that the pool would then be asked to free. Any allocation LLVM
/// itself inserts later still pairs libc's malloc with libc's free.
static void bindBuffersToPool(ModuleOp module, BufferPool *pool) {
  MLIRContext *ctx = module.getContext();
  auto ptrTy = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidTy = LLVM::LLVMVoidType::get(ctx);
  Location loc = module.getLoc();
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto poolAddress = [&](OpBuilder &fb) -> Value {
    Value address = LLVM::ConstantOp::create(
        fb, loc, i64, static_cast<int64_t>(reinterpret_cast<intptr_t>(pool)));
    return LLVM::IntToPtrOp::create(fb, loc, ptrTy, address);
  };
  // fn(args...) { return runtimeFn(pool, args...); }
  auto redirect = [&](llvm::StringRef libcName, llvm::StringRef newName,
                      llvm::StringRef runtimeName, Type result,
                      llvm::ArrayRef<Type> args) {
    auto libcFn = module.lookupSymbol<LLVM::LLVMFuncOp>(libcName);
    if (!libcFn)
      return;
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> runtimeArgs = {ptrTy};
    llvm::append_range(runtimeArgs, args);
    auto runtimeFn = LLVM::LLVMFuncOp::create(
        b, loc, runtimeName, LLVM::LLVMFunctionType::get(result, runtimeArgs));
    auto fn = LLVM::LLVMFuncOp::create(
        b, loc, newName, LLVM::LLVMFunctionType::get(result, args),
        LLVM::Linkage::Internal);
    Block *entry = fn.addEntryBlock(b);
    OpBuilder fb = OpBuilder::atBlockEnd(entry);
    SmallVector<Value> operands = {poolAddress(fb)};
    llvm::append_range(operands, entry->getArguments());
    auto call = LLVM::CallOp::create(fb, loc, runtimeFn, operands);
    if (isa<LLVM::LLVMVoidType>(result))
      LLVM::ReturnOp::create(fb, loc, ValueRange{});
    else
      LLVM::ReturnOp::create(fb, loc, call.getResult());
    if (failed(SymbolTable::replaceAllSymbolUses(
            libcFn, StringAttr::get(ctx, newName), module)))
      return;
    if (SymbolTable::symbolKnownUseEmpty(libcFn, module))
      libcFn.erase();
  };
  redirect("malloc", "qmlir_pool_malloc", "qmlirBufferPoolAlloc", ptrTy, {i64});
  redirect("free", "qmlir_pool_free", "qmlirBufferPoolFree", voidTy, {ptrTy});
}

/// Collects diagnostics into one line.
namespace {
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &diag) {
          if (diag.getSeverity() != DiagnosticSeverity::Error)
            return success();
          std::string s;
          llvm::raw_string_ostream os(s);
          os << diag.getLocation() << ": " << diag;
          std::replace(s.begin(), s.end(), '\n', ' ');
          if (!message.empty())
            message += "; ";
          message += s;
          return success();
        }) {}
  std::string message;

private:
  ScopedDiagnosticHandler handler;
};
} // namespace

llvm::Error qmlir::detail::readSignature(func::FuncOp func,
                                         std::vector<TensorSpec> &inputs,
                                         std::vector<TensorSpec> &outputs) {
  FunctionType fnType = func.getFunctionType();
  for (unsigned i = 0; i < fnType.getNumInputs(); ++i) {
    auto spec = makeSpec(fnType.getInput(i), func.getArgAttrDict(i),
                         "input" + std::to_string(i));
    if (!spec)
      return makeError("input " + llvm::Twine(i) + " " +
                       llvm::toString(spec.takeError()));
    inputs.push_back(std::move(*spec));
  }
  for (unsigned i = 0; i < fnType.getNumResults(); ++i) {
    auto spec = makeSpec(fnType.getResult(i), func.getResultAttrDict(i),
                         "output" + std::to_string(i));
    if (!spec)
      return makeError("output " + llvm::Twine(i) + " " +
                       llvm::toString(spec.takeError()));
    outputs.push_back(std::move(*spec));
  }
  return llvm::Error::success();
}

llvm::Expected<OwningOpRef<ModuleOp>>
qmlir::detail::lowerToLLVMDialect(ModuleOp module, llvm::StringRef entry,
                                  const JITOptions &options) {
  // Every custom op needs an implementation before anything is compiled.
  std::string missing;
  module.walk([&](qnn::CustomOp op) {
    if (!missing.empty() || lookupCustomOp(op.getOpName()))
      return;
    std::string node;
    op.getLoc()->walk([&](Location l) {
      if (auto n = dyn_cast<NameLoc>(l)) {
        node = n.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    missing = (node.empty() ? "" : "node '" + node + "': ") + "custom op '" +
              op.getOpName().str() +
              "' has no implementation: load a plugin that registers it "
              "(--load-plugin)";
  });
  if (!missing.empty())
    return makeError(missing);

  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<qnn::QNNDialect>();
  ctx->appendDialectRegistry(registry);

  OwningOpRef<ModuleOp> lowered = module.clone();
  auto loweredFunc =
      cast<func::FuncOp>(SymbolTable::lookupSymbolIn(*lowered, entry));
  loweredFunc->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                       UnitAttr::get(ctx));
  auto features = resolveCPUFeatures(options.cpuFeatures);
  if (!features)
    return features.takeError();
  DiagnosticCollector diags(ctx);
  PassManager pm(ctx);
  QNNToLLVMOptions lowering = kernelOptionsFor(*features, options.codegen);
  lowering.threads = options.threads;
  lowering.parallelMinWork = options.parallelMinWork;
  lowering.batchChunkBytes = options.batchChunkBytes;
  buildQNNToLLVMPipeline(pm, lowering);
  if (failed(pm.run(*lowered)))
    return makeError(
        "lowering '" + entry + "' failed: " +
        (diags.message.empty() ? std::string("unknown error") : diags.message));
  return std::move(lowered);
}

llvm::Expected<llvm::orc::JITTargetMachineBuilder>
qmlir::detail::hostTargetMachineBuilder(llvm::StringRef cpuFeatures,
                                        unsigned optLevel) {
  static std::once_flag initTargets;
  std::call_once(initTargets, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder)
    return tmBuilder.takeError();
  // The host's features plus the overrides (validated by
  // resolveCPUFeatures); LLVM disables what a disabled feature implies.
  llvm::SmallVector<llvm::StringRef> overrides;
  cpuFeatures.split(overrides, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : overrides) {
    item = item.trim();
    bool enable = !item.consume_front("-");
    if (enable)
      item.consume_front("+");
    tmBuilder->getFeatures().AddFeature(item, enable);
  }
  tmBuilder->setCodeGenOptLevel(codeGenOptLevel(optLevel));
  return std::move(*tmBuilder);
}

llvm::CodeGenOptLevel qmlir::detail::codeGenOptLevel(unsigned optLevel) {
  return optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
         : optLevel == 0 ? llvm::CodeGenOptLevel::None
                         : llvm::CodeGenOptLevel::Default;
}

llvm::Expected<std::unique_ptr<JITModule>>
JITModule::compile(ModuleOp module, llvm::StringRef entry,
                   const JITOptions &options) {
  auto func = dyn_cast_or_null<func::FuncOp>(
      SymbolTable::lookupSymbolIn(module, entry));
  if (!func || func.isExternal())
    return makeError("no function '" + entry + "' with a body in the module");

  std::unique_ptr<JITModule> jit(new JITModule());
  if (llvm::Error err =
          detail::readSignature(func, jit->inputSpecs, jit->outputSpecs))
    return std::move(err);

  JITOptions resolved = options;
  resolved.threads = resolveThreads(options.threads);
  auto lowered = detail::lowerToLLVMDialect(module, entry, resolved);
  if (!lowered)
    return lowered.takeError();

  // The model's temporary buffers come from its own pool (BufferPool.h).
  // aligned_alloc is left to libc: finalize-memref-to-llvm only calls it
  // with use-aligned-alloc, which the pipeline does not set.
  if (useBufferPool()) {
    jit->pool = std::make_unique<BufferPool>();
    bindBuffersToPool(**lowered, jit->pool.get());
  }

  auto tmBuilder =
      detail::hostTargetMachineBuilder(options.cpuFeatures, options.optLevel);
  if (!tmBuilder)
    return tmBuilder.takeError();
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    return tm.takeError();
  // The optimizer needs the target machine for its cost models (so that the
  // loop vectorizer uses the host's vector width).
  auto transformer = makeOptimizingTransformer(std::min(options.optLevel, 3u),
                                               /*sizeLevel=*/0, tm->get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = detail::codeGenOptLevel(options.optLevel);
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  engineOptions.sectionMemoryMapper = sectionMemoryMapper();
  // Threaded code calls libomp. QMLIRRuntime links it, but a process that
  // loaded us with RTLD_LOCAL (Python) does not export its symbols, so the
  // engine loads it by path as well (the same, already loaded copy).
  llvm::StringRef ompLibrary = QMLIR_OMP_LIBRARY;
  if (resolved.threads != 1)
    engineOptions.sharedLibPaths = ompLibrary;
  std::unique_ptr<llvm::TargetMachine> engineTm;
  if (auto other = tmBuilder->createTargetMachine())
    engineTm = std::move(*other);
  else
    return other.takeError();
  DiagnosticCollector diags(module.getContext());
  auto engine =
      ExecutionEngine::create(**lowered, engineOptions, std::move(engineTm));
  if (!engine)
    return makeError("JIT compilation of '" + entry + "' failed: " +
                     llvm::toString(engine.takeError()) + diags.message);
  // The C interfaces of custom-op call sites (qnn-custom-to-call) take one
  // descriptor pointer per memref argument; each binds to the runtime
  // trampoline of that arity.
  SmallVector<std::pair<std::string, void *>> customCalls;
  for (auto fn : (*lowered)->getOps<LLVM::LLVMFuncOp>()) {
    if (!fn.isExternal() ||
        !fn.getName().starts_with("_mlir_ciface_qmlir_custom_call_"))
      continue;
    void *trampoline = getCustomCallTrampoline(fn.getNumArguments());
    if (!trampoline)
      return makeError("a custom op has " +
                       llvm::Twine(fn.getNumArguments() - 1) +
                       " operands and results; at most " +
                       llvm::Twine(maxCustomCallArgs() - 1) +
                       " are supported");
    customCalls.push_back({fn.getName().str(), trampoline});
  }
  jit->engine = std::move(*engine);
  jit->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner("memrefCopy")] = {
        llvm::orc::ExecutorAddr::fromPtr(&qmlirMemrefCopy),
        llvm::JITSymbolFlags::Exported};
    symbols[interner("qmlirBufferPoolAlloc")] = {
        llvm::orc::ExecutorAddr::fromPtr(&qmlirBufferPoolAlloc),
        llvm::JITSymbolFlags::Exported};
    symbols[interner("qmlirBufferPoolFree")] = {
        llvm::orc::ExecutorAddr::fromPtr(&qmlirBufferPoolFree),
        llvm::JITSymbolFlags::Exported};
    for (auto &[name, trampoline] : customCalls)
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(trampoline),
                                 llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  auto fn = jit->engine->lookupPacked(("_mlir_ciface_" + entry).str());
  if (!fn)
    return makeError("JIT compilation of '" + entry +
                     "' failed: " + llvm::toString(fn.takeError()));
  jit->entryFn = *fn;
  return std::move(jit);
}

llvm::Expected<int64_t>
CompiledModel::checkInputs(llvm::ArrayRef<TensorRef> inputs,
                           bool batched) const {
  if (inputs.size() != inputSpecs.size())
    return makeError("expected " + llvm::Twine(inputSpecs.size()) +
                     " inputs, got " + llvm::Twine(inputs.size()));
  // How many compiled batches each input holds; inputs of exactly the
  // compiled shape (1) are passed whole to every chunk.
  int64_t chunks = 1;
  size_t chunkedInput = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorRef &t = inputs[i];
    const TensorSpec &spec = inputSpecs[i];
    auto mismatch = [&]() {
      return makeError("input '" + spec.name + "' (#" + llvm::Twine(i) +
                       "): expected " + describe(spec) +
                       (batched ? " (or a multiple along dim 0)" : "") +
                       ", got " + describe(t));
    };
    if (t.type != spec.type || t.shape.size() != spec.shape.size() ||
        !t.data)
      return mismatch();
    if (spec.shape.empty())
      continue;
    if (!llvm::equal(llvm::ArrayRef(t.shape).drop_front(),
                     llvm::ArrayRef(spec.shape).drop_front()))
      return mismatch();
    if (t.shape[0] == spec.shape[0])
      continue;
    if (!batched || spec.shape[0] == 0 || t.shape[0] == 0 ||
        t.shape[0] % spec.shape[0] != 0)
      return mismatch();
    int64_t k = t.shape[0] / spec.shape[0];
    if (chunks > 1 && k != chunks)
      return makeError("input '" + spec.name + "' (#" + llvm::Twine(i) +
                       ") holds " + llvm::Twine(k) +
                       " batches of its compiled size but input '" +
                       inputSpecs[chunkedInput].name + "' holds " +
                       llvm::Twine(chunks));
    chunks = k;
    chunkedInput = i;
  }
  return chunks;
}

namespace {
/// A strided memref descriptor: allocated, aligned, offset, sizes, strides.
struct Descriptor {
  llvm::SmallVector<int64_t, 11> words;

  Descriptor(void *data, llvm::ArrayRef<int64_t> shape) {
    words.push_back(reinterpret_cast<intptr_t>(data));
    words.push_back(reinterpret_cast<intptr_t>(data));
    words.push_back(0);
    llvm::append_range(words, shape);
    llvm::SmallVector<int64_t, 4> strides(shape.size(), 1);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];
    llvm::append_range(words, strides);
  }
};
} // namespace

llvm::Error JITModule::call(llvm::ArrayRef<const void *> inputs,
                            llvm::ArrayRef<void *> outputs) {
  std::vector<Descriptor> descriptors;
  for (auto [data, spec] : llvm::zip(inputs, inputSpecs))
    descriptors.emplace_back(const_cast<void *>(data), spec.shape);
  for (auto [data, spec] : llvm::zip(outputs, outputSpecs))
    descriptors.emplace_back(data, spec.shape);
  std::vector<void *> descriptorPtrs;
  for (Descriptor &d : descriptors)
    descriptorPtrs.push_back(d.words.data());
  std::vector<void *> args;
  for (void *&p : descriptorPtrs)
    args.push_back(&p);
  entryFn(args.data());
  std::string customError = takeCustomCallError();
  if (!customError.empty())
    return makeError(customError);
  return llvm::Error::success();
}

CompiledModel::~CompiledModel() = default;

llvm::Expected<int64_t>
CompiledModel::countBatches(llvm::ArrayRef<TensorRef> inputs) const {
  auto chunks = checkInputs(inputs, /*batched=*/true);
  if (!chunks)
    return chunks.takeError();
  if (*chunks > 1)
    for (const TensorSpec &spec : outputSpecs)
      if (spec.shape.empty())
        return makeError("output '" + spec.name +
                         "' is a scalar and cannot be concatenated along "
                         "dim 0 for a batched run");
  return *chunks;
}

llvm::Error
CompiledModel::runBatchedInto(llvm::ArrayRef<TensorRef> inputs,
                              llvm::ArrayRef<void *> outputs,
                              llvm::function_ref<void(int64_t, int64_t)> progress) {
  auto chunksOr = countBatches(inputs);
  if (!chunksOr)
    return chunksOr.takeError();
  int64_t chunks = *chunksOr;
  if (outputs.size() != outputSpecs.size())
    return makeError("expected " + llvm::Twine(outputSpecs.size()) +
                     " output buffers, got " + llvm::Twine(outputs.size()));
  // Bytes of one chunk of each input (split inputs) and output.
  std::vector<size_t> inChunk(inputs.size()), outChunk(outputs.size());
  for (auto [i, t] : llvm::enumerate(inputs)) {
    int64_t n = 1;
    for (int64_t d : inputSpecs[i].shape)
      n *= d;
    inChunk[i] = n * getElementByteSize(t.type);
  }
  for (auto [i, spec] : llvm::enumerate(outputSpecs)) {
    int64_t n = 1;
    for (int64_t d : spec.shape)
      n *= d;
    outChunk[i] = n * getElementByteSize(spec.type);
  }
  std::vector<const void *> inPtrs(inputs.size());
  std::vector<void *> outPtrs(outputs.size());
  for (int64_t c = 0; c < chunks; ++c) {
    for (auto [i, t] : llvm::enumerate(inputs)) {
      // Unbatched inputs are the same for every chunk.
      bool whole = t.shape.empty() || t.shape[0] == inputSpecs[i].shape[0];
      inPtrs[i] =
          static_cast<const char *>(t.data) + (whole ? 0 : c * inChunk[i]);
    }
    for (auto [i, p] : llvm::enumerate(outputs))
      outPtrs[i] = static_cast<char *>(p) + c * outChunk[i];
    if (llvm::Error err = call(inPtrs, outPtrs))
      return err;
    if (progress)
      progress(c + 1, chunks);
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<HostTensor>>
CompiledModel::runBatched(llvm::ArrayRef<HostTensor> inputs,
                          llvm::function_ref<void(int64_t, int64_t)> progress) {
  std::vector<TensorRef> refs = refsOf(inputs);
  auto chunksOr = countBatches(refs);
  if (!chunksOr)
    return chunksOr.takeError();
  int64_t chunks = *chunksOr;
  std::vector<HostTensor> outputs;
  std::vector<void *> outPtrs;
  for (const TensorSpec &spec : outputSpecs) {
    llvm::SmallVector<int64_t, 4> shape(spec.shape);
    if (chunks > 1)
      shape[0] *= chunks;
    outputs.push_back(HostTensor::allocate(spec.type, shape));
    outPtrs.push_back(outputs.back().rawData());
  }
  if (llvm::Error err = runBatchedInto(refs, outPtrs, progress))
    return std::move(err);
  return std::move(outputs);
}

llvm::Expected<std::vector<HostTensor>>
CompiledModel::run(llvm::ArrayRef<HostTensor> inputs) {
  auto chunks = checkInputs(refsOf(inputs), /*batched=*/false);
  if (!chunks)
    return chunks.takeError();
  return runBatched(inputs);
}
