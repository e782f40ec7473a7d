//===- Encodings.cpp - AIMET encodings files ------------------------------===//

#include "qmlir/Quant/Encodings.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace qmlir::encodings;

static llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

Encoding Encoding::fromQuantParams(double scale, int64_t zeroPoint,
                                   int64_t qmin, int64_t qmax) {
  Encoding e;
  uint64_t levels = static_cast<uint64_t>(qmax - qmin) + 1;
  e.bitwidth = 0;
  while ((uint64_t(1) << e.bitwidth) < levels)
    ++e.bitwidth;
  e.isSymmetric = zeroPoint == 0 && qmin == -qmax;
  e.offset = qmin - zeroPoint;
  e.scale = scale;
  e.min = scale * static_cast<double>(qmin - zeroPoint);
  e.max = scale * static_cast<double>(qmax - zeroPoint);
  return e;
}

namespace {
class Parser {
public:
  explicit Parser(llvm::StringRef source) : source(source.str()) {}

  llvm::Error error(const llvm::Twine &where, const llvm::Twine &what) const {
    return makeError(source + ": " + where + ": " + what);
  }

  llvm::Expected<Encoding> encoding(const llvm::json::Value &v,
                                    const std::string &where) const {
    const llvm::json::Object *o = v.getAsObject();
    if (!o)
      return error(where, "an encoding must be a JSON object");
    static const char *const kKeys[] = {
        "bitwidth", "dtype", "is_symmetric", "min", "max", "offset", "scale"};
    for (const auto &kv : *o)
      if (!llvm::is_contained(kKeys, kv.first.str()))
        return error(where, "unknown key '" + kv.first.str() + "'");
    for (const char *key : kKeys)
      if (!o->get(key))
        return error(where, "missing key '" + llvm::Twine(key) + "'");
    Encoding e;
    std::optional<int64_t> bits = o->getInteger("bitwidth");
    if (!bits || *bits < 1 || *bits > 32)
      return error(where, "'bitwidth' must be an integer in [1, 32]");
    e.bitwidth = static_cast<unsigned>(*bits);
    std::optional<llvm::StringRef> dtype = o->getString("dtype");
    if (!dtype)
      return error(where, "'dtype' must be a string");
    if (*dtype != "int")
      return error(where,
                   "dtype '" + *dtype + "' is not supported (only \"int\")");
    e.dtype = dtype->str();
    // AIMET writes "True"/"False"; JSON booleans are accepted too.
    const llvm::json::Value *sym = o->get("is_symmetric");
    if (std::optional<bool> b = sym->getAsBoolean())
      e.isSymmetric = *b;
    else if (sym->getAsString() == "True")
      e.isSymmetric = true;
    else if (sym->getAsString() == "False")
      e.isSymmetric = false;
    else
      return error(where,
                   "'is_symmetric' must be \"True\", \"False\" or a boolean");
    for (auto [key, field] : {std::pair<const char *, double *>{"min", &e.min},
                              {"max", &e.max},
                              {"scale", &e.scale}}) {
      std::optional<double> d = o->getNumber(key);
      if (!d || !std::isfinite(*d))
        return error(where, "'" + llvm::Twine(key) + "' must be a number");
      *field = *d;
    }
    std::optional<int64_t> offset = o->getInteger("offset");
    if (!offset)
      return error(where, "'offset' must be an integer");
    e.offset = *offset;
    if (e.min > e.max)
      return error(where, "'min' is greater than 'max'");
    if (!(e.scale > 0.0))
      return error(where, "'scale' must be positive");
    return e;
  }

  llvm::Error section(const llvm::json::Value &v, llvm::StringRef name,
                      TensorEncodings &out) const {
    const llvm::json::Object *o = v.getAsObject();
    if (!o)
      return error(name, "must be a JSON object of tensor names");
    for (const auto &[tensor, list] : *o) {
      std::string where = (name + " '" + tensor.str() + "'").str();
      std::vector<Encoding> encodings;
      // One encoding may also be given as an object rather than a list.
      if (list.getAsObject()) {
        llvm::Expected<Encoding> e = encoding(list, where);
        if (!e)
          return e.takeError();
        encodings.push_back(*e);
      } else if (const llvm::json::Array *a = list.getAsArray()) {
        if (a->empty())
          return error(where, "has no encoding");
        for (auto [i, item] : llvm::enumerate(*a)) {
          llvm::Expected<Encoding> e = encoding(
              item,
              a->size() == 1 ? where : where + " channel " + std::to_string(i));
          if (!e)
            return e.takeError();
          encodings.push_back(*e);
        }
      } else {
        return error(where, "must be a list of encodings");
      }
      out[tensor.str()] = std::move(encodings);
    }
    return llvm::Error::success();
  }

private:
  std::string source;
};
} // namespace

llvm::Expected<EncodingsFile>
qmlir::encodings::parseEncodings(llvm::StringRef text, llvm::StringRef source) {
  Parser p(source);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return makeError(source +
                     ": invalid JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return makeError(source + ": an encodings file must be a JSON object");
  EncodingsFile file;
  for (const auto &[k, v] : *root) {
    llvm::StringRef key = k;
    if (key == "activation_encodings") {
      if (llvm::Error e = p.section(v, key, file.activations))
        return std::move(e);
    } else if (key == "param_encodings") {
      if (llvm::Error e = p.section(v, key, file.params))
        return std::move(e);
    } else if (key != "excluded_layers" && key != "quantizer_args" &&
               key != "version") {
      // AIMET's other top-level keys carry nothing qmlir applies.
      return p.error("top level", "unknown key '" + key + "'");
    }
  }
  return file;
}

static llvm::json::Value toJSON(const std::vector<Encoding> &list) {
  llvm::json::Array a;
  for (const Encoding &e : list)
    a.push_back(
        llvm::json::Object{{"bitwidth", e.bitwidth},
                           {"dtype", e.dtype},
                           {"is_symmetric", e.isSymmetric ? "True" : "False"},
                           {"max", e.max},
                           {"min", e.min},
                           {"offset", e.offset},
                           {"scale", e.scale}});
  return a;
}

llvm::json::Value qmlir::encodings::toJSON(const EncodingsFile &file) {
  llvm::json::Object activations, params;
  for (const auto &[name, list] : file.activations)
    activations[name] = ::toJSON(list);
  for (const auto &[name, list] : file.params)
    params[name] = ::toJSON(list);
  return llvm::json::Object{{"activation_encodings", std::move(activations)},
                            {"excluded_layers", llvm::json::Array{}},
                            {"param_encodings", std::move(params)},
                            {"version", "0.6.1"}};
}
