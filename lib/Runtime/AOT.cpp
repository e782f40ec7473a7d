//===- AOT.cpp - ahead-of-time compilation to objects with a C ABI --------===//
//
// The model is lowered exactly as for the JIT (detail::lowerToLLVMDialect),
// translated to LLVM IR, and given the ABI of docs/AOT.md as functions
// written here with IRBuilder (so the object needs no support code of its
// own: only malloc/free and, for threaded code, libomp):
//
//   <p>_ctx *<p>_init(void);
//   int <p>_run(<p>_ctx *, const void *const *inputs, void *const *outputs);
//   const char *<p>_error(const <p>_ctx *);
//   void <p>_free(<p>_ctx *);
//   const qmlir_tensor_info *<p>_inputs(int32_t *count), *<p>_outputs(...);
//
// <p>_run wraps the buffers in memref descriptors and calls the lowered
// `_mlir_ciface_<entry>`. Every other symbol of the model is made internal,
// so that several models (or a model and a program with its own `main`)
// link together.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/AOT.h"

#include "CPUTarget.h"
#include "qmlir/Support/OutputFile.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Target/TargetMachine.h"

#include <dlfcn.h>

using namespace mlir;
using namespace qmlir;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The element type codes of the ABI (docs/AOT.md), in ElementType order.
static int32_t abiTypeCode(ElementType type) {
  return static_cast<int32_t>(type);
}

static bool isCIdentifier(llvm::StringRef s) {
  if (s.empty() || llvm::isDigit(s.front()))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

static int64_t numBytes(const TensorSpec &spec) {
  int64_t n = static_cast<int64_t>(getElementByteSize(spec.type));
  for (int64_t d : spec.shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// The ABI functions in LLVM IR
//===----------------------------------------------------------------------===//

namespace {
class ABIEmitter {
public:
  ABIEmitter(llvm::Module &m, llvm::StringRef prefix, llvm::StringRef entry,
             ArrayRef<TensorSpec> inputs, ArrayRef<TensorSpec> outputs)
      : m(m), ctx(m.getContext()), prefix(prefix.str()), entry(entry.str()),
        inputs(inputs), outputs(outputs) {
    ptr = llvm::PointerType::get(ctx, 0);
    i32 = llvm::Type::getInt32Ty(ctx);
    i64 = llvm::Type::getInt64Ty(ctx);
    infoType = llvm::StructType::create(ctx, {ptr, i32, i32, ptr, i64},
                                        "qmlir_tensor_info");
  }

  llvm::Error emit();
  /// The names of the functions emit() defines.
  std::vector<std::string> exportedNames() const {
    return {prefix + "_init", prefix + "_run",    prefix + "_error",
            prefix + "_free", prefix + "_inputs", prefix + "_outputs"};
  }

private:
  llvm::Function *define(llvm::StringRef name, llvm::Type *result,
                         ArrayRef<llvm::Type *> params) {
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(result, params, false),
        llvm::GlobalValue::ExternalLinkage, prefix + "_" + name, m);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    return fn;
  }
  /// A private constant C string.
  llvm::Constant *string(llvm::StringRef s) {
    llvm::GlobalVariable *&gv = strings[s];
    if (!gv) {
      auto *init = llvm::ConstantDataArray::getString(ctx, s);
      gv = new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    ".qmlir.str");
      gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    }
    return gv;
  }
  llvm::Constant *infoTable(ArrayRef<TensorSpec> specs, llvm::StringRef what);
  void emitInfoFunction(llvm::StringRef name, ArrayRef<TensorSpec> specs);
  void emitRun(llvm::Function *ciface);

  llvm::Module &m;
  llvm::LLVMContext &ctx;
  std::string prefix, entry;
  ArrayRef<TensorSpec> inputs, outputs;
  llvm::Type *ptr, *i32, *i64;
  llvm::StructType *infoType;
  llvm::StringMap<llvm::GlobalVariable *> strings;
};
} // namespace

llvm::Constant *ABIEmitter::infoTable(ArrayRef<TensorSpec> specs,
                                      llvm::StringRef what) {
  SmallVector<llvm::Constant *> rows;
  for (const TensorSpec &spec : specs) {
    SmallVector<uint64_t> dims(spec.shape.begin(), spec.shape.end());
    auto *shapeInit = llvm::ConstantDataArray::get(ctx, dims);
    auto *shape = new llvm::GlobalVariable(m, shapeInit->getType(), true,
                                           llvm::GlobalValue::PrivateLinkage,
                                           shapeInit, ".qmlir.shape");
    rows.push_back(llvm::ConstantStruct::get(
        infoType,
        {string(spec.name), llvm::ConstantInt::get(i32, abiTypeCode(spec.type)),
         llvm::ConstantInt::get(i32, spec.shape.size()), shape,
         llvm::ConstantInt::get(i64, numBytes(spec))}));
  }
  auto *arrayType = llvm::ArrayType::get(infoType, rows.size());
  return new llvm::GlobalVariable(
      m, arrayType, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(arrayType, rows), (".qmlir." + what).str());
}

void ABIEmitter::emitInfoFunction(llvm::StringRef name,
                                  ArrayRef<TensorSpec> specs) {
  llvm::Function *fn = define(name, ptr, {ptr});
  llvm::Constant *table = infoTable(specs, name);
  auto *entryBB = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto *store = llvm::BasicBlock::Create(ctx, "store", fn);
  auto *done = llvm::BasicBlock::Create(ctx, "done", fn);
  llvm::IRBuilder<> b(entryBB);
  llvm::Value *count = fn->getArg(0);
  b.CreateCondBr(b.CreateIsNull(count), done, store);
  b.SetInsertPoint(store);
  b.CreateStore(llvm::ConstantInt::get(i32, specs.size()), count);
  b.CreateBr(done);
  b.SetInsertPoint(done);
  b.CreateRet(table);
}

void ABIEmitter::emitRun(llvm::Function *ciface) {
  // The context is one pointer: the last error message (a constant string)
  // or null.
  llvm::Function *run = define("run", i32, {ptr, ptr, ptr});
  llvm::Value *context = run->getArg(0), *inArray = run->getArg(1),
              *outArray = run->getArg(2);
  auto *entryBB = llvm::BasicBlock::Create(ctx, "entry", run);
  llvm::IRBuilder<> b(entryBB);
  auto *noContext = llvm::BasicBlock::Create(ctx, "no_context", run);
  auto *checks = llvm::BasicBlock::Create(ctx, "checks", run);
  b.CreateCondBr(b.CreateIsNull(context), noContext, checks);
  b.SetInsertPoint(noContext);
  b.CreateRet(llvm::ConstantInt::get(i32, 1));
  b.SetInsertPoint(checks);

  // Fails with `message` when `value` is null.
  auto requireNonNull = [&](llvm::Value *value, const std::string &message) {
    auto *fail = llvm::BasicBlock::Create(ctx, "fail", run);
    auto *ok = llvm::BasicBlock::Create(ctx, "ok", run);
    b.CreateCondBr(b.CreateIsNull(value), fail, ok);
    b.SetInsertPoint(fail);
    b.CreateStore(string(message), context);
    b.CreateRet(llvm::ConstantInt::get(i32, 1));
    b.SetInsertPoint(ok);
  };

  SmallVector<llvm::Value *> args;
  auto describe = [](const TensorSpec &spec, size_t i, const char *kind) {
    return std::string(kind) + " " + std::to_string(i) + " ('" + spec.name +
           "')";
  };
  auto addArguments = [&](llvm::Value *array, ArrayRef<TensorSpec> specs,
                          const char *kind) {
    if (specs.empty())
      return;
    requireNonNull(array, std::string(kind) + "s array is NULL");
    for (auto [i, spec] : llvm::enumerate(specs)) {
      llvm::Value *data = b.CreateLoad(
          ptr, b.CreateConstInBoundsGEP1_64(ptr, array, i), "data");
      requireNonNull(data, describe(spec, i, kind) + " is NULL");
      // {allocated, aligned, offset, sizes[rank], strides[rank]}, all 64-bit
      // words on the 64-bit hosts this targets (like the JIT's descriptors).
      int64_t rank = spec.shape.size();
      auto *descType = llvm::ArrayType::get(i64, 3 + 2 * rank);
      llvm::Value *desc = b.CreateAlloca(descType);
      auto word = [&](int64_t k) {
        return b.CreateConstInBoundsGEP2_64(descType, desc, 0, k);
      };
      b.CreateStore(data, word(0));
      b.CreateStore(data, word(1));
      b.CreateStore(llvm::ConstantInt::get(i64, 0), word(2));
      int64_t stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        b.CreateStore(llvm::ConstantInt::get(i64, spec.shape[d]), word(3 + d));
        b.CreateStore(llvm::ConstantInt::get(i64, stride), word(3 + rank + d));
        stride *= spec.shape[d];
      }
      args.push_back(desc);
    }
  };
  addArguments(inArray, inputs, "input");
  addArguments(outArray, outputs, "output");
  b.CreateCall(ciface->getFunctionType(), ciface, args);
  b.CreateStore(llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0)),
                context);
  b.CreateRet(llvm::ConstantInt::get(i32, 0));
}

llvm::Error ABIEmitter::emit() {
  for (const std::string &name : exportedNames())
    if (m.getNamedValue(name))
      return makeError("the model already defines '" + name +
                       "': choose another --prefix");
  llvm::Function *ciface = m.getFunction("_mlir_ciface_" + entry);
  if (!ciface || ciface->arg_size() != inputs.size() + outputs.size())
    return makeError("the lowered model has no '_mlir_ciface_" + entry +
                     "' taking " + llvm::Twine(inputs.size() + outputs.size()) +
                     " descriptors");

  llvm::FunctionCallee mallocFn = m.getOrInsertFunction("malloc", ptr, i64);
  llvm::FunctionCallee freeFn =
      m.getOrInsertFunction("free", llvm::Type::getVoidTy(ctx), ptr);

  // <p>_init: allocate the context, no error yet.
  {
    llvm::Function *fn = define("init", ptr, {});
    auto *bb = llvm::BasicBlock::Create(ctx, "entry", fn);
    auto *store = llvm::BasicBlock::Create(ctx, "store", fn);
    auto *done = llvm::BasicBlock::Create(ctx, "done", fn);
    llvm::IRBuilder<> b(bb);
    llvm::Value *p = b.CreateCall(mallocFn, {llvm::ConstantInt::get(i64, 8)});
    b.CreateCondBr(b.CreateIsNull(p), done, store);
    b.SetInsertPoint(store);
    b.CreateStore(
        llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0)), p);
    b.CreateBr(done);
    b.SetInsertPoint(done);
    b.CreateRet(p);
  }
  // <p>_error: the message of the last failed run, "" if none.
  {
    llvm::Function *fn = define("error", ptr, {ptr});
    auto *bb = llvm::BasicBlock::Create(ctx, "entry", fn);
    auto *load = llvm::BasicBlock::Create(ctx, "load", fn);
    auto *done = llvm::BasicBlock::Create(ctx, "done", fn);
    llvm::IRBuilder<> b(bb);
    llvm::Value *context = fn->getArg(0);
    b.CreateCondBr(b.CreateIsNull(context), done, load);
    b.SetInsertPoint(load);
    llvm::Value *message = b.CreateLoad(ptr, context);
    llvm::Value *orEmpty =
        b.CreateSelect(b.CreateIsNull(message), string(""), message);
    b.CreateBr(done);
    b.SetInsertPoint(done);
    llvm::PHINode *phi = b.CreatePHI(ptr, 2);
    phi->addIncoming(string("NULL context"), bb);
    phi->addIncoming(orEmpty, load);
    b.CreateRet(phi);
  }
  // <p>_free.
  {
    llvm::Function *fn = define("free", llvm::Type::getVoidTy(ctx), {ptr});
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateCall(freeFn, {fn->getArg(0)});
    b.CreateRetVoid();
  }
  emitRun(ciface);
  emitInfoFunction("inputs", inputs);
  emitInfoFunction("outputs", outputs);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Header
//===----------------------------------------------------------------------===//

static std::string cTypeName(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "float";
  case ElementType::F64:
    return "double";
  case ElementType::I8:
    return "int8_t";
  case ElementType::U8:
  case ElementType::I1:
    return "uint8_t";
  case ElementType::I16:
    return "int16_t";
  case ElementType::I32:
    return "int32_t";
  case ElementType::I64:
    return "int64_t";
  }
  llvm_unreachable("unknown element type");
}

static std::string makeHeader(const AOTOptions &options,
                              ArrayRef<TensorSpec> inputs,
                              ArrayRef<TensorSpec> outputs) {
  std::string s;
  llvm::raw_string_ostream os(s);
  const std::string &p = options.prefix;
  std::string P = llvm::StringRef(p).upper();
  os << "/* " << p << ".h: C interface of a model compiled by qmlir-compile"
     << (options.source.empty() ? "" : " from " + options.source)
     << ".\n * ABI version 1, documented in qmlir's docs/AOT.md. All buffers "
        "are contiguous,\n * row-major, owned by the caller; the functions "
        "keep no pointer to them. */\n";
  os << "#ifndef " << P << "_H\n#define " << P << "_H\n\n";
  os << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "#ifndef QMLIR_AOT_ABI\n#define QMLIR_AOT_ABI 1\n"
        "/* Element types of qmlir_tensor_info.dtype (bool: one byte, 0 or "
        "1). */\n"
        "enum {\n  QMLIR_F32 = 0, QMLIR_F64 = 1, QMLIR_I8 = 2, QMLIR_U8 = 3, "
        "QMLIR_I16 = 4,\n  QMLIR_I32 = 5, QMLIR_I64 = 6, QMLIR_BOOL = 7\n};\n"
        "typedef struct qmlir_tensor_info {\n"
        "  const char *name;     /* the model's tensor name */\n"
        "  int32_t dtype;        /* QMLIR_F32, ... */\n"
        "  int32_t rank;\n"
        "  const int64_t *shape; /* rank sizes */\n"
        "  int64_t num_bytes;    /* size of the buffer */\n"
        "} qmlir_tensor_info;\n#endif\n\n";
  auto describe = [&](ArrayRef<TensorSpec> specs, const char *kind,
                      const char *KIND) {
    os << "#define " << P << "_NUM_" << KIND << "S " << specs.size() << "\n";
    for (auto [i, spec] : llvm::enumerate(specs)) {
      os << "/* " << kind << " " << i << " '" << spec.name
         << "': " << stringifyElementType(spec.type) << " "
         << formatShape(spec.shape) << ", " << cTypeName(spec.type)
         << " elements */\n";
      os << "#define " << P << "_" << KIND << i << "_BYTES " << numBytes(spec)
         << "\n";
    }
  };
  describe(inputs, "input", "INPUT");
  describe(outputs, "output", "OUTPUT");
  os << "\n/* Per-user state (the last error). */\n"
     << "typedef struct " << p << "_ctx " << p << "_ctx;\n\n"
     << "/* A new context; NULL only when out of memory. */\n"
     << p << "_ctx *" << p << "_init(void);\n"
     << "/* Runs the model: inputs[i] points to " << P
     << "_INPUTi_BYTES bytes of input i,\n"
     << " * outputs[i] to " << P
     << "_OUTPUTi_BYTES writable bytes for output i. Returns 0, or\n"
     << " * non-zero with the reason in " << p
     << "_error(). Calls on different contexts may run\n"
     << " * concurrently. */\n"
     << "int " << p << "_run(" << p
     << "_ctx *ctx, const void *const *inputs, void *const *outputs);\n"
     << "/* The last error of ctx (\"\" after a successful run); a constant "
        "string. */\n"
     << "const char *" << p << "_error(const " << p << "_ctx *ctx);\n"
     << "void " << p << "_free(" << p << "_ctx *ctx);\n"
     << "/* The inputs/outputs in argument order; *count (if not NULL) is set "
        "to their number. */\n"
     << "const qmlir_tensor_info *" << p << "_inputs(int32_t *count);\n"
     << "const qmlir_tensor_info *" << p << "_outputs(int32_t *count);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << P << "_H */\n";
  return s;
}

//===----------------------------------------------------------------------===//
// compileAOT
//===----------------------------------------------------------------------===//

#ifndef QMLIR_OMP_LIBRARY
#define QMLIR_OMP_LIBRARY ""
#endif

static llvm::Error linkSharedLibrary(const AOTOptions &options,
                                     llvm::StringRef objectPath,
                                     bool needsOpenMP) {
  std::string linker = options.linker;
  if (linker.empty()) {
    for (const char *name : {"clang-22", "clang", "cc"})
      if (auto found = llvm::sys::findProgramByName(name)) {
        linker = *found;
        break;
      }
    if (linker.empty())
      return makeError("no C compiler to link the shared library (looked for "
                       "clang-22, clang, cc on PATH; pass --linker)");
  } else if (!llvm::sys::fs::can_execute(linker)) {
    auto found = llvm::sys::findProgramByName(linker);
    if (!found)
      return makeError("linker '" + linker + "' not found");
    linker = *found;
  }
  // The linker writes a temporary beside the library, renamed onto it only
  // when linking succeeded (a failed link keeps the previous library).
  llvm::Expected<TemporaryOutput> library =
      TemporaryOutput::create(options.libraryPath);
  if (!library)
    return library.takeError();
  std::vector<std::string> argStrings = {linker, "-shared", "-o",
                                         library->tempPath().str(),
                                         objectPath.str()};
  if (needsOpenMP)
    argStrings.push_back(QMLIR_OMP_LIBRARY);
  SmallVector<llvm::StringRef> args(argStrings.begin(), argStrings.end());
  std::string message;
  int rc =
      llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return makeError("linking " + options.libraryPath + " with " + linker +
                     " failed" + (message.empty() ? "" : ": " + message) +
                     " (exit " + llvm::Twine(rc) + ")");
  return library->commit();
}

llvm::Error qmlir::compileAOT(ModuleOp module, const AOTOptions &options) {
  if (!isCIdentifier(options.prefix))
    return makeError("prefix '" + options.prefix + "' is not a C identifier");
  if (options.objectPath.empty() && options.libraryPath.empty() &&
      options.headerPath.empty())
    return makeError("nothing to write: give an object, library or header "
                     "path");
  auto func = dyn_cast_or_null<func::FuncOp>(
      SymbolTable::lookupSymbolIn(module, options.entry));
  if (!func || func.isExternal())
    return makeError("no function '" + options.entry +
                     "' with a body in the module");
  std::vector<TensorSpec> inputs, outputs;
  if (llvm::Error err = detail::readSignature(func, inputs, outputs))
    return err;

  if (!options.headerPath.empty()) {
    if (llvm::Error err = writeFileAtomically(
            options.headerPath, [&](llvm::raw_ostream &os) {
              os << makeHeader(options, inputs, outputs);
              return llvm::Error::success();
            }))
      return err;
  }
  if (options.objectPath.empty() && options.libraryPath.empty())
    return llvm::Error::success();

  auto lowered =
      detail::lowerToLLVMDialect(module, options.entry, options.codegen);
  if (!lowered)
    return lowered.takeError();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(**lowered, llvmContext, options.prefix);
  if (!llvmModule)
    return makeError("translating the lowered model to LLVM IR failed");

  auto tmBuilder = detail::hostTargetMachineBuilder(options.codegen.cpuFeatures,
                                                    options.codegen.optLevel);
  if (!tmBuilder)
    return tmBuilder.takeError();
  tmBuilder->setRelocationModel(llvm::Reloc::PIC_);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    return tm.takeError();
  llvmModule->setDataLayout((*tm)->createDataLayout());
  llvmModule->setTargetTriple((*tm)->getTargetTriple());

  ABIEmitter abi(*llvmModule, options.prefix, options.entry, inputs, outputs);
  if (llvm::Error err = abi.emit())
    return err;
  // Only the ABI is exported.
  std::vector<std::string> exported = abi.exportedNames();
  for (llvm::GlobalValue &gv : llvmModule->global_values()) {
    if (gv.isDeclaration() || llvm::is_contained(exported, gv.getName()))
      continue;
    gv.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  std::string verifyMessage;
  llvm::raw_string_ostream verifyOs(verifyMessage);
  if (llvm::verifyModule(*llvmModule, &verifyOs))
    return makeError("internal error: invalid ABI functions: " + verifyMessage);
  auto optimize = makeOptimizingTransformer(
      std::min(options.codegen.optLevel, 3u), /*sizeLevel=*/0, tm->get());
  if (llvm::Error err = optimize(llvmModule.get()))
    return err;
  for (llvm::Function &fn : llvmModule->functions())
    if (fn.isDeclaration() && !fn.use_empty() && fn.getName() == "memrefCopy")
      return makeError("the lowered model calls memrefCopy (a copy of a "
                       "non-contiguous view), which compiled libraries do "
                       "not provide");
  bool needsOpenMP = llvm::any_of(llvmModule->functions(), [](auto &fn) {
    return fn.isDeclaration() && fn.getName().starts_with("__kmpc_");
  });

  std::string objectPath = options.objectPath;
  SmallString<128> tempObject;
  if (objectPath.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("qmlir-aot", "o", tempObject))
      return makeError("cannot create a temporary object file: " +
                       ec.message());
    objectPath = tempObject.str().str();
  }
  {
    // Emitted to memory first: the object file is then written atomically
    // (qmlir/Support/OutputFile.h) like every other output.
    SmallVector<char, 0> objectBytes;
    llvm::raw_svector_ostream objectOs(objectBytes);
    llvm::legacy::PassManager codegen;
    if ((*tm)->addPassesToEmitFile(codegen, objectOs, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
      return makeError("the target cannot emit object files");
    codegen.run(*llvmModule);
    if (llvm::Error err =
            writeFileAtomically(objectPath, [&](llvm::raw_ostream &os) {
              os.write(objectBytes.data(), objectBytes.size());
              return llvm::Error::success();
            }))
      return err;
  }
  llvm::Error linked = llvm::Error::success();
  if (!options.libraryPath.empty())
    linked = linkSharedLibrary(options, objectPath, needsOpenMP);
  if (!tempObject.empty())
    llvm::sys::fs::remove(tempObject);
  return linked;
}

//===----------------------------------------------------------------------===//
// AOTLibrary
//===----------------------------------------------------------------------===//

namespace {
/// qmlir_tensor_info of the ABI.
struct TensorInfo {
  const char *name;
  int32_t dtype;
  int32_t rank;
  const int64_t *shape;
  int64_t numBytes;
};
} // namespace

AOTLibrary::~AOTLibrary() {
  if (context && freeFn)
    freeFn(context);
  if (handle)
    dlclose(handle);
}

llvm::Expected<std::unique_ptr<AOTLibrary>>
AOTLibrary::load(llvm::StringRef path, llvm::StringRef prefix) {
  std::unique_ptr<AOTLibrary> lib(new AOTLibrary());
  lib->path = path.str();
  // dlopen searches the library path for names without a slash.
  SmallString<256> absolute(path);
  if (std::error_code ec = llvm::sys::fs::make_absolute(absolute))
    return makeError("cannot load " + path + ": " + ec.message());
  lib->handle = dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle)
    return makeError("cannot load " + path + ": " + dlerror());
  auto lookup = [&](const char *name) -> llvm::Expected<void *> {
    std::string symbol = (prefix + "_" + name).str();
    if (void *p = dlsym(lib->handle, symbol.c_str()))
      return p;
    return makeError(path + " has no symbol '" + symbol +
                     "' (not a qmlir-compile library, or compiled with "
                     "another --prefix)");
  };
  using InfoFn = const TensorInfo *(*)(int32_t *);
  using InitFn = void *(*)();
  void *init, *inputsFn, *outputsFn, *run, *error, *free;
  for (auto [name, slot] : {std::pair<const char *, void **>{"init", &init},
                            {"inputs", &inputsFn},
                            {"outputs", &outputsFn},
                            {"run", &run},
                            {"error", &error},
                            {"free", &free}}) {
    auto p = lookup(name);
    if (!p)
      return p.takeError();
    *slot = *p;
  }
  lib->runFn = reinterpret_cast<decltype(runFn)>(run);
  lib->errorFn = reinterpret_cast<decltype(errorFn)>(error);
  lib->freeFn = reinterpret_cast<decltype(freeFn)>(free);
  for (auto [fn, specs] : {std::pair{inputsFn, &lib->inputSpecs},
                           std::pair{outputsFn, &lib->outputSpecs}}) {
    int32_t count = 0;
    const TensorInfo *infos = reinterpret_cast<InfoFn>(fn)(&count);
    for (int32_t i = 0; i < count; ++i) {
      const TensorInfo &info = infos[i];
      if (info.dtype < 0 || info.dtype > static_cast<int32_t>(ElementType::I1))
        return makeError(path + ": tensor '" + info.name +
                         "' has unknown element type code " +
                         llvm::Twine(info.dtype));
      TensorSpec spec;
      spec.name = info.name;
      spec.type = static_cast<ElementType>(info.dtype);
      spec.shape.assign(info.shape, info.shape + info.rank);
      specs->push_back(std::move(spec));
    }
  }
  lib->context = reinterpret_cast<InitFn>(init)();
  if (!lib->context)
    return makeError(path + ": " + prefix + "_init failed (out of memory)");
  return std::move(lib);
}

llvm::Error AOTLibrary::call(llvm::ArrayRef<const void *> inputs,
                             llvm::ArrayRef<void *> outputs) {
  if (runFn(context, inputs.data(), outputs.data()) != 0)
    return makeError(path + ": " + errorFn(context));
  return llvm::Error::success();
}
