//===- TargetDescription.cpp - target description files -------------------===//

#include "qmlir/Target/TargetDescription.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace qmlir;
using namespace qmlir::target;

static constexpr llvm::StringLiteral kFormat = "qmlir-target";
static constexpr int64_t kVersion = 1;

llvm::ArrayRef<llvm::StringRef> target::knownOpKinds() {
  static const llvm::StringRef kinds[] = {
      "conv2d",  "dense",      "relu",       "clip",
      "add",     "max_pool2d", "avg_pool2d", "global_avg_pool",
      "reshape", "transpose",  "requantize", "concat", "pad"};
  return kinds;
}

const OpLimits *TargetDescription::lookup(llvm::StringRef op) const {
  auto it = ops.find(op.str());
  return it == ops.end() ? nullptr : &it->second;
}

unsigned TargetDescription::clamp(llvm::ArrayRef<unsigned> allowed,
                                  unsigned requested) {
  unsigned best = 0;
  for (unsigned b : allowed)
    if (b <= requested)
      best = std::max(best, b);
  if (best)
    return best;
  return *std::min_element(allowed.begin(), allowed.end());
}

namespace {

/// One-line errors "<file>: <where>: <what>".
class Parser {
public:
  explicit Parser(llvm::StringRef source) : source(source.str()) {}

  llvm::Error error(const llvm::Twine &where, const llvm::Twine &what) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   source + ": " + where + ": " + what);
  }

  static std::string show(const llvm::json::Value &v) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    return s;
  }

  llvm::Error integer(const llvm::json::Value &v, const llvm::Twine &where,
                      int64_t lo, int64_t hi, int64_t &out) const {
    std::optional<int64_t> n = v.getAsInteger();
    if (!n || *n < lo || *n > hi)
      return error(where, "must be an integer in [" + llvm::Twine(lo) + ", " +
                              llvm::Twine(hi) + "], got " + show(v));
    out = *n;
    return llvm::Error::success();
  }

  llvm::Error boolean(const llvm::json::Value &v, const llvm::Twine &where,
                      bool &out) const {
    std::optional<bool> b = v.getAsBoolean();
    if (!b)
      return error(where, "must be true or false, got " + show(v));
    out = *b;
    return llvm::Error::success();
  }

  /// A non-empty list of distinct integers in [lo, hi], sorted on return.
  template <typename T>
  llvm::Error list(const llvm::json::Value &v, const llvm::Twine &where,
                   int64_t lo, int64_t hi, std::vector<T> &out) const {
    const llvm::json::Array *a = v.getAsArray();
    if (!a || a->empty())
      return error(where, "must be a non-empty list of integers in [" +
                              llvm::Twine(lo) + ", " + llvm::Twine(hi) +
                              "], got " + show(v));
    out.clear();
    for (const llvm::json::Value &e : *a) {
      int64_t n;
      if (llvm::Error err = integer(e, where, lo, hi, n))
        return err;
      if (llvm::is_contained(out, static_cast<T>(n)))
        return error(where, "lists " + llvm::Twine(n) + " twice");
      out.push_back(static_cast<T>(n));
    }
    llvm::sort(out);
    return llvm::Error::success();
  }

  llvm::Error opKey(llvm::StringRef op, llvm::StringRef key,
                    const llvm::json::Value &val, OpLimits &out) const {
    std::string at = ("ops." + op + "." + key).str();
    int64_t n = 0;
    if (key == "kernel_sizes")
      return list(val, at, 1, 1 << 16, out.kernelSizes);
    if (key == "strides")
      return list(val, at, 1, 1 << 16, out.strides);
    if (key == "max_input_channels" || key == "max_output_channels") {
      if (llvm::Error err = integer(val, at, 1, INT32_MAX, n))
        return err;
      (key == "max_input_channels" ? out.maxInputChannels
                                   : out.maxOutputChannels) = n;
      return llvm::Error::success();
    }
    if (key == "depthwise" && op == "conv2d")
      return boolean(val, at, out.depthwise);
    if (key == "grouped" && op == "conv2d")
      return boolean(val, at, out.grouped);
    if (key == "max_inputs" && op == "concat") {
      if (llvm::Error err = integer(val, at, 2, 4096, n))
        return err;
      out.maxInputs = n;
      return llvm::Error::success();
    }
    if (key == "axes" && op == "concat")
      return list(val, at, 0, 7, out.axes);
    return error(at, "unknown key");
  }

  llvm::Error opLimits(const llvm::json::Value &v, llvm::StringRef op,
                       OpLimits &out) const {
    const llvm::json::Object *o = v.getAsObject();
    if (!o)
      return error("ops." + op, "must be an object");
    for (const auto &[k, val] : *o)
      if (llvm::Error err = opKey(op, k, val, out))
        return err;
    return llvm::Error::success();
  }

  llvm::Error topKey(llvm::StringRef key, const llvm::json::Value &v,
                     TargetDescription &t) const {
    int64_t n = 0;
    if (key == "format") {
      if (v.getAsString() != std::optional<llvm::StringRef>(kFormat))
        return error(key, "must be \"" + kFormat + "\", got " + show(v));
      return llvm::Error::success();
    }
    if (key == "version")
      return integer(v, key, kVersion, kVersion, n);
    if (key == "name") {
      if (!v.getAsString())
        return error(key, "must be a string");
      t.name = v.getAsString()->str();
      return llvm::Error::success();
    }
    if (key == "ops") {
      const llvm::json::Object *ops = v.getAsObject();
      if (!ops)
        return error(key, "must be an object keyed by op kind");
      for (const auto &[op, limits] : *ops) {
        if (!llvm::is_contained(knownOpKinds(), llvm::StringRef(op)))
          return error("ops." + llvm::StringRef(op),
                       "unknown op kind (known: " +
                           llvm::join(knownOpKinds(), ", ") + ")");
        if (llvm::Error e = opLimits(limits, op, t.ops[op.str()]))
          return e;
      }
      return llvm::Error::success();
    }
    if (key == "weight_bits")
      return list(v, key, 2, 16, t.weightBits);
    if (key == "activation_bits")
      return list(v, key, 1, 16, t.activationBits);
    if (key == "output_bits")
      return list(v, key, 1, 16, t.outputBits);
    if (key == "accumulator_bits") {
      if (llvm::Error err = integer(v, key, 2, 32, n))
        return err;
      t.accumulatorBits = static_cast<unsigned>(n);
      return llvm::Error::success();
    }
    if (key == "per_axis_weights")
      return boolean(v, key, t.perAxisWeights);
    if (key == "per_tensor_activations_only")
      return boolean(v, key, t.perTensorActivationsOnly);
    if (key == "power_of_two_scales")
      return boolean(v, key, t.powerOfTwoScales);
    if (key == "memory_bytes")
      return integer(v, key, 0, INT64_MAX, t.memoryBytes);
    if (key == "mac_array") {
      const llvm::json::Object *mac = v.getAsObject();
      if (!mac)
        return error(key, "must be an object {\"rows\", \"cols\"}");
      for (const auto &[mk, mv] : *mac) {
        std::string at = "mac_array." + mk.str();
        if (mk == "rows") {
          if (llvm::Error e = integer(mv, at, 1, 1 << 16, t.macRows))
            return e;
        } else if (mk == "cols") {
          if (llvm::Error e = integer(mv, at, 1, 1 << 16, t.macCols))
            return e;
        } else {
          return error(at, "unknown key");
        }
      }
      return llvm::Error::success();
    }
    if (key == "clock_mhz") {
      std::optional<double> d = v.getAsNumber();
      if (!d || !(*d > 0) || *d > 1e6)
        return error(key, "must be a number in (0, 1e6], got " + show(v));
      t.clockMHz = *d;
      return llvm::Error::success();
    }
    return error(key, "unknown key");
  }

  llvm::Expected<TargetDescription> parse(llvm::StringRef text) const {
    llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
    if (!json)
      return error("invalid JSON", llvm::toString(json.takeError()));
    const llvm::json::Object *root = json->getAsObject();
    if (!root)
      return error("top level", "must be an object");
    TargetDescription t;
    for (const auto &[k, v] : *root)
      if (llvm::Error err = topKey(k, v, t))
        return std::move(err);
    bool sawFormat = root->get("format"), sawVersion = root->get("version");
    if (!sawFormat)
      return error("format", "missing (must be \"" + kFormat + "\")");
    if (!sawVersion)
      return error("version",
                   "missing (must be " + llvm::Twine(kVersion) + ")");
    // Layer outputs feed the next layer: a width the next layer cannot read
    // as an activation would make every chain of layers illegal.
    if (!t.ops.empty() &&
        t.accumulatorBits < t.weightBits.front() + t.activationBits.front())
      return error("accumulator_bits",
                   llvm::Twine(t.accumulatorBits) +
                       " bits cannot hold even one product of the narrowest "
                       "weights and activations (" +
                       llvm::Twine(t.weightBits.front()) + " + " +
                       llvm::Twine(t.activationBits.front()) + " bits)");
    return t;
  }

private:
  std::string source;
};

} // namespace

llvm::Expected<TargetDescription> target::parseTarget(llvm::StringRef text,
                                                      llvm::StringRef source) {
  return Parser(source).parse(text);
}

llvm::Expected<TargetDescription> target::readTarget(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        path + ": cannot open: " + buffer.getError().message());
  return parseTarget((*buffer)->getBuffer(), path);
}
