//===- CustomOps.cpp - plugin loading and custom-op calls -----------------===//
//
// A registry of op implementations, the plugin loader, and the trampolines
// that compiled code calls for each qnn.custom. The compiled call passes
// memref descriptors only; the first is the call-site descriptor that
// qnn-custom-to-call wrote (lib/Conversion/Pipelines/CustomToCall.cpp; the
// format is in docs/Lowering.md): op and node name, operand and result types,
// attributes. The trampoline parses it, checks the buffers against it, and
// calls the registered implementation with QmlirTensor/QmlirAttr arrays.
// Failures cannot unwind through compiled code: they are recorded per thread
// and reported by the JIT after the call (takeCustomCallError).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/CustomOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/DynamicLibrary.h"

#include <array>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

using namespace qmlir;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

namespace {
struct Implementation {
  QmlirCustomOpFn fn = nullptr;
  std::string origin;
};

struct Registry {
  std::mutex mutex;
  llvm::StringMap<Implementation> ops;
};

Registry &registry() {
  static Registry r;
  return r;
}
} // namespace

llvm::Error qmlir::registerCustomOp(llvm::StringRef opName, QmlirCustomOpFn fn,
                                    llvm::StringRef origin) {
  if (opName.empty() || !fn)
    return makeError(origin + ": registered an op without a name or function");
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto [it, inserted] = r.ops.try_emplace(opName);
  if (!inserted)
    return makeError(origin + ": custom op '" + opName +
                     "' is already registered by " + it->second.origin);
  it->second.fn = fn;
  it->second.origin = origin.str();
  return llvm::Error::success();
}

QmlirCustomOpFn qmlir::lookupCustomOp(llvm::StringRef opName) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.ops.find(opName);
  return it == r.ops.end() ? nullptr : it->second.fn;
}

namespace {
/// What the registration callback sees as its context.
struct PluginLoad {
  std::string path;
  std::string error;
};
} // namespace

static int registerFromPlugin(void *context, const char *opName,
                              QmlirCustomOpFn fn) {
  auto *load = static_cast<PluginLoad *>(context);
  if (llvm::Error err =
          registerCustomOp(opName ? opName : "", fn, load->path)) {
    if (load->error.empty())
      load->error = llvm::toString(std::move(err));
    else
      llvm::consumeError(std::move(err));
    return 1;
  }
  return 0;
}

llvm::Error qmlir::loadCustomOpPlugin(llvm::StringRef path) {
  std::string error;
  auto lib = llvm::sys::DynamicLibrary::getPermanentLibrary(path.str().c_str(),
                                                            &error);
  if (!lib.isValid())
    return makeError(path + ": cannot load plugin: " + error);
  auto registerFn = reinterpret_cast<QmlirRegisterCustomOpsFn>(
      lib.getAddressOfSymbol(QMLIR_CUSTOM_OP_REGISTER_SYMBOL));
  if (!registerFn)
    return makeError(path + ": not a qmlir plugin (it does not export " +
                     QMLIR_CUSTOM_OP_REGISTER_SYMBOL + ")");
  PluginLoad load{path.str(), ""};
  QmlirCustomOpRegistrar registrar{QMLIR_CUSTOM_OP_ABI_VERSION, &load,
                                   registerFromPlugin};
  int status = registerFn(&registrar);
  if (!load.error.empty())
    return makeError(load.error);
  if (status != 0)
    return makeError(path + ": " + QMLIR_CUSTOM_OP_REGISTER_SYMBOL +
                     " failed (returned " + llvm::Twine(status) + ")");
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Call-site descriptors
//===----------------------------------------------------------------------===//

namespace {

struct TensorInfo {
  QmlirDType dtype;
  std::vector<int64_t> shape;
};

/// A parsed call-site descriptor. Attribute strings and arrays live in
/// deques so that the pointers in `attrs` stay valid.
struct CallSite {
  std::string op, node;
  std::vector<TensorInfo> inputs, outputs;
  std::vector<QmlirAttr> attrs;
  std::deque<std::string> strings;
  std::deque<std::vector<int64_t>> intArrays;
  std::deque<std::vector<double>> floatArrays;

  std::string where() const {
    return (node.empty() ? std::string() : "node '" + node + "': ") +
           "custom op '" + op + "'";
  }
};

/// Reads the whitespace-separated tokens and `<len>:<bytes>` strings of a
/// descriptor.
class Cursor {
public:
  explicit Cursor(llvm::StringRef text) : rest(text) {}

  llvm::StringRef token() {
    rest = rest.ltrim();
    llvm::StringRef tok = rest.take_until(llvm::isSpace);
    rest = rest.drop_front(tok.size());
    return tok;
  }
  bool expect(llvm::StringRef word) { return token() == word; }
  bool integer(int64_t &v) { return !token().getAsInteger(10, v); }
  bool real(double &v) {
    std::string tok = token().str();
    char *end = nullptr;
    v = std::strtod(tok.c_str(), &end);
    return !tok.empty() && end == tok.c_str() + tok.size();
  }
  bool string(std::string &s) {
    rest = rest.ltrim();
    auto [len, tail] = rest.split(':');
    size_t n;
    if (len.getAsInteger(10, n) || tail.size() < n)
      return false;
    s = tail.take_front(n).str();
    rest = tail.drop_front(n);
    return true;
  }

private:
  llvm::StringRef rest;
};

bool parseDType(llvm::StringRef name, QmlirDType &dtype) {
  static const std::pair<llvm::StringRef, QmlirDType> names[] = {
      {"f32", QMLIR_DTYPE_F32}, {"f64", QMLIR_DTYPE_F64},
      {"i1", QMLIR_DTYPE_I1},   {"i8", QMLIR_DTYPE_I8},
      {"i16", QMLIR_DTYPE_I16}, {"i32", QMLIR_DTYPE_I32},
      {"i64", QMLIR_DTYPE_I64}};
  for (auto &[n, t] : names)
    if (n == name) {
      dtype = t;
      return true;
    }
  return false;
}

size_t dtypeSize(QmlirDType t) {
  switch (t) {
  case QMLIR_DTYPE_F64:
  case QMLIR_DTYPE_I64:
    return 8;
  case QMLIR_DTYPE_F32:
  case QMLIR_DTYPE_I32:
    return 4;
  case QMLIR_DTYPE_I16:
    return 2;
  case QMLIR_DTYPE_I1:
  case QMLIR_DTYPE_I8:
    return 1;
  }
  return 1;
}

bool parseTensor(Cursor &c, TensorInfo &t) {
  int64_t rank;
  if (!parseDType(c.token(), t.dtype) || !c.integer(rank) || rank < 0 ||
      rank > 64)
    return false;
  t.shape.resize(rank);
  for (int64_t &d : t.shape)
    if (!c.integer(d) || d < 0)
      return false;
  return true;
}

bool parseAttr(Cursor &c, CallSite &site) {
  QmlirAttr a = {};
  std::string &name = site.strings.emplace_back();
  if (!c.string(name))
    return false;
  a.name = name.c_str();
  llvm::StringRef kind = c.token();
  if (kind == "int") {
    a.kind = QMLIR_ATTR_INT;
    if (!c.integer(a.i))
      return false;
  } else if (kind == "float") {
    a.kind = QMLIR_ATTR_FLOAT;
    if (!c.real(a.f))
      return false;
  } else if (kind == "string") {
    a.kind = QMLIR_ATTR_STRING;
    std::string &s = site.strings.emplace_back();
    if (!c.string(s))
      return false;
    a.s = s.c_str();
    a.size = s.size();
  } else if (kind == "ints" || kind == "floats") {
    int64_t n;
    if (!c.integer(n) || n < 0)
      return false;
    a.size = n;
    if (kind == "ints") {
      a.kind = QMLIR_ATTR_INTS;
      auto &values = site.intArrays.emplace_back(n);
      for (int64_t &v : values)
        if (!c.integer(v))
          return false;
      a.ints = values.data();
    } else {
      a.kind = QMLIR_ATTR_FLOATS;
      auto &values = site.floatArrays.emplace_back(n);
      for (double &v : values)
        if (!c.real(v))
          return false;
      a.floats = values.data();
    }
  } else {
    return false;
  }
  site.attrs.push_back(a);
  return true;
}

bool parseCallSite(llvm::StringRef text, CallSite &site) {
  Cursor c(text);
  if (!c.expect("qmlir.custom.v1") || !c.expect("op") || !c.string(site.op) ||
      !c.expect("node") || !c.string(site.node))
    return false;
  while (true) {
    llvm::StringRef key = c.token();
    if (key == "end")
      return true;
    if (key == "in" || key == "out") {
      TensorInfo t;
      if (!parseTensor(c, t))
        return false;
      (key == "in" ? site.inputs : site.outputs).push_back(std::move(t));
    } else if (key == "attr") {
      if (!parseAttr(c, site))
        return false;
    } else {
      return false;
    }
  }
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

thread_local std::string customCallError;

void recordError(const std::string &message) {
  if (customCallError.empty())
    customCallError = message;
}

/// The rank-1 i8 memref descriptor of the call-site descriptor.
struct ByteDescriptor {
  int8_t *allocated;
  int8_t *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
};

/// Reads a ranked memref descriptor {allocated, aligned, offset,
/// sizes[rank], strides[rank]} into a tensor, checking it against `info`.
bool readTensor(void *descriptor, const TensorInfo &info, QmlirTensor &t,
                const CallSite &site, const std::string &what) {
  auto *words = static_cast<int64_t *>(descriptor);
  size_t rank = info.shape.size();
  const int64_t *sizes = words + 3, *strides = words + 3 + rank;
  int64_t expectedStride = 1;
  for (size_t d = rank; d-- > 0;) {
    if (sizes[d] != info.shape[d]) {
      recordError(site.where() + ": " + what + " has dimension " +
                  std::to_string(d) + " of size " + std::to_string(sizes[d]) +
                  " but the model says " + std::to_string(info.shape[d]));
      return false;
    }
    if (sizes[d] != 1 && strides[d] != expectedStride) {
      recordError(site.where() + ": " + what + " is not contiguous");
      return false;
    }
    expectedStride *= sizes[d];
  }
  char *aligned = reinterpret_cast<char *>(words[1]);
  t.data = aligned + words[2] * dtypeSize(info.dtype);
  t.dtype = info.dtype;
  t.rank = static_cast<int32_t>(rank);
  t.shape = info.shape.data();
  return true;
}

void invokeCustomCall(void **args, unsigned numArgs) {
  auto *meta = static_cast<ByteDescriptor *>(args[0]);
  llvm::StringRef text(reinterpret_cast<const char *>(meta->aligned) +
                           meta->offset,
                       static_cast<size_t>(meta->size));
  CallSite site;
  if (!parseCallSite(text, site)) {
    recordError("malformed custom-op call-site descriptor");
    return;
  }
  if (numArgs != 1 + site.inputs.size() + site.outputs.size()) {
    recordError(site.where() + ": called with " + std::to_string(numArgs - 1) +
                " buffers but it has " + std::to_string(site.inputs.size()) +
                " operands and " + std::to_string(site.outputs.size()) +
                " results");
    return;
  }
  QmlirCustomOpFn fn = lookupCustomOp(site.op);
  if (!fn) {
    recordError(site.where() +
                " has no implementation: load a plugin that registers it "
                "(--load-plugin)");
    return;
  }
  std::vector<QmlirTensor> inputs(site.inputs.size()),
      outputs(site.outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!readTensor(args[1 + i], site.inputs[i], inputs[i], site,
                    "operand #" + std::to_string(i)))
      return;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!readTensor(args[1 + inputs.size() + i], site.outputs[i], outputs[i],
                    site, "result #" + std::to_string(i)))
      return;
  int status = fn(inputs.data(), static_cast<int32_t>(inputs.size()),
                  outputs.data(), static_cast<int32_t>(outputs.size()),
                  site.attrs.data(), static_cast<int32_t>(site.attrs.size()));
  if (status != 0)
    recordError(site.where() + " failed (the implementation returned " +
                std::to_string(status) + ")");
}

/// A function of exactly sizeof...(I) pointer parameters, as the C
/// interface of a call site with that many memref arguments expects.
template <size_t I> using Pointer = void *;

template <typename Indices> struct Trampoline;

template <size_t... I> struct Trampoline<std::index_sequence<I...>> {
  static void call(Pointer<I>... args) {
    void *array[] = {args...};
    invokeCustomCall(array, sizeof...(I));
  }
};

/// Descriptor plus up to 64 operands and results.
constexpr unsigned kMaxArgs = 65;

template <size_t... N>
std::array<void *, sizeof...(N)> makeTrampolines(std::index_sequence<N...>) {
  return {reinterpret_cast<void *>(
      &Trampoline<std::make_index_sequence<N + 1>>::call)...};
}

} // namespace

void *qmlir::getCustomCallTrampoline(unsigned numArgs) {
  static const auto table =
      makeTrampolines(std::make_index_sequence<kMaxArgs>());
  if (numArgs == 0 || numArgs > kMaxArgs)
    return nullptr;
  return table[numArgs - 1];
}

unsigned qmlir::maxCustomCallArgs() { return kMaxArgs; }

std::string qmlir::takeCustomCallError() {
  return std::exchange(customCallError, std::string());
}
