//===- QuantConfig.cpp - quantization scheme and per-layer config ---------===//

#include "qmlir/Quant/QuantConfig.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace qmlir;
using namespace qmlir::qconfig;

static constexpr llvm::StringLiteral kFormat = "qmlir-quant-config";

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Settings, InputType, LayerScheme
//===----------------------------------------------------------------------===//

llvm::ArrayRef<llvm::StringRef> Settings::keys() {
  static const llvm::StringRef names[] = {
      "weight_bits",          "activation_bits",        "output_bits",
      "buffer_bits",          "per_tensor_weights",     "per_tensor_activations",
      "symmetric_activations", "weight_axis",           "activation_axis",
      "quantize",             "power_of_two_scales"};
  return names;
}

std::vector<llvm::StringRef> Settings::setKeys() const {
  std::vector<llvm::StringRef> out;
  llvm::ArrayRef<llvm::StringRef> k = keys();
  bool set[] = {weightBits.has_value(),       activationBits.has_value(),
                outputBits.has_value(),       bufferBits.has_value(),
                perTensorWeights.has_value(), perTensorActivations.has_value(),
                symmetricActivations.has_value(), weightAxis.has_value(),
                activationAxis.has_value(),   quantize.has_value(),
                powerOfTwoScales.has_value()};
  for (size_t i = 0; i < k.size(); ++i)
    if (set[i])
      out.push_back(k[i]);
  return out;
}

std::string InputType::str() const {
  return (isUnsigned ? "uint" : "int") + std::to_string(bits);
}

std::optional<InputType> InputType::parse(llvm::StringRef text) {
  InputType t;
  t.isUnsigned = text.consume_front("u");
  unsigned bits;
  if (!text.consume_front("int") || text.getAsInteger(10, bits) || bits < 1 ||
      bits > 16)
    return std::nullopt;
  t.bits = bits;
  return t;
}

void LayerScheme::apply(const Settings &s) {
  weightBits = s.weightBits.value_or(weightBits);
  activationBits = s.activationBits.value_or(activationBits);
  outputBits = s.outputBits.value_or(outputBits);
  bufferBits = s.bufferBits.value_or(bufferBits);
  perTensorWeights = s.perTensorWeights.value_or(perTensorWeights);
  perTensorActivations = s.perTensorActivations.value_or(perTensorActivations);
  symmetricActivations = s.symmetricActivations.value_or(symmetricActivations);
  weightAxis = s.weightAxis.value_or(weightAxis);
  activationAxis = s.activationAxis.value_or(activationAxis);
  quantize = s.quantize.value_or(quantize);
  powerOfTwoScales = s.powerOfTwoScales.value_or(powerOfTwoScales);
}

Settings LayerScheme::toSettings() const {
  Settings s;
  s.weightBits = weightBits;
  s.activationBits = activationBits;
  s.outputBits = outputBits;
  s.bufferBits = bufferBits;
  s.perTensorWeights = perTensorWeights;
  s.perTensorActivations = perTensorActivations;
  s.symmetricActivations = symmetricActivations;
  s.weightAxis = weightAxis;
  s.activationAxis = activationAxis;
  s.quantize = quantize;
  s.powerOfTwoScales = powerOfTwoScales;
  return s;
}

Scheme Config::resolveGlobal(const Scheme &base) const {
  Scheme s = base;
  s.defaults.apply(defaults);
  s.inputWeightBits = inputWeightBits.value_or(s.inputWeightBits);
  if (inputDtype)
    s.input = *inputDtype;
  return s;
}

LayerScheme Config::resolve(const Scheme &global, llvm::StringRef name,
                            llvm::StringRef op, bool firstLayer) const {
  LayerScheme s = global.defaults;
  auto type = opTypes.find(op.str());
  if (type != opTypes.end())
    s.apply(type->second);
  if (firstLayer)
    s.weightBits = global.inputWeightBits;
  auto layer = layers.find(name.str());
  if (layer != layers.end())
    s.apply(layer->second.settings);
  return s;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

class Parser {
public:
  explicit Parser(llvm::StringRef source) : source(source.str()) {}

  llvm::Error error(const llvm::Twine &where, const llvm::Twine &what) const {
    return makeError(source + ": " + where + ": " + what);
  }

  llvm::Expected<unsigned> bits(const llvm::json::Value &v,
                                llvm::StringRef key, const llvm::Twine &where,
                                unsigned lo, unsigned hi) const {
    std::optional<int64_t> n = v.getAsInteger();
    if (!n || *n < lo || *n > hi) {
      std::string got;
      llvm::raw_string_ostream os(got);
      os << v;
      return error(where, "'" + key + "' must be an integer in [" +
                              llvm::Twine(lo) + ", " + llvm::Twine(hi) +
                              "], got " + got);
    }
    return static_cast<unsigned>(*n);
  }

  llvm::Expected<bool> boolean(const llvm::json::Value &v, llvm::StringRef key,
                               const llvm::Twine &where) const {
    std::optional<bool> b = v.getAsBoolean();
    if (!b)
      return error(where, "'" + key + "' must be true or false");
    return *b;
  }

  llvm::Expected<int64_t> integer(const llvm::json::Value &v,
                                  llvm::StringRef key,
                                  const llvm::Twine &where) const {
    std::optional<int64_t> n = v.getAsInteger();
    if (!n)
      return error(where, "'" + key + "' must be an integer");
    return *n;
  }

  /// Parses one key of Settings; returns false if `key` is not a settings
  /// key.
  llvm::Expected<bool> settingsKey(Settings &s, llvm::StringRef key,
                                   const llvm::json::Value &v,
                                   const llvm::Twine &where) const {
    auto setBits = [&](std::optional<unsigned> &field, unsigned lo,
                       unsigned hi) -> llvm::Expected<bool> {
      auto b = bits(v, key, where, lo, hi);
      if (!b)
        return b.takeError();
      field = *b;
      return true;
    };
    auto setBool = [&](std::optional<bool> &field) -> llvm::Expected<bool> {
      auto b = boolean(v, key, where);
      if (!b)
        return b.takeError();
      field = *b;
      return true;
    };
    auto setInt = [&](std::optional<int64_t> &field) -> llvm::Expected<bool> {
      auto n = integer(v, key, where);
      if (!n)
        return n.takeError();
      field = *n;
      return true;
    };
    if (key == "weight_bits")
      return setBits(s.weightBits, 2, 16);
    if (key == "activation_bits")
      return setBits(s.activationBits, 1, 16);
    if (key == "output_bits")
      return setBits(s.outputBits, 1, 16);
    if (key == "buffer_bits")
      return setBits(s.bufferBits, 2, 32);
    if (key == "per_tensor_weights")
      return setBool(s.perTensorWeights);
    if (key == "per_tensor_activations")
      return setBool(s.perTensorActivations);
    if (key == "symmetric_activations")
      return setBool(s.symmetricActivations);
    if (key == "weight_axis")
      return setInt(s.weightAxis);
    if (key == "activation_axis")
      return setInt(s.activationAxis);
    if (key == "quantize")
      return setBool(s.quantize);
    if (key == "power_of_two_scales")
      return setBool(s.powerOfTwoScales);
    return false;
  }

  llvm::Error unknownKey(llvm::StringRef key, const llvm::Twine &where) const {
    return error(where, "unknown key '" + key + "'");
  }

private:
  std::string source;
};

} // namespace

llvm::Expected<Config> qconfig::parseConfig(llvm::StringRef text,
                                            llvm::StringRef source) {
  Parser p(source);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return makeError(source + ": invalid JSON: " +
                     llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return makeError(source + ": a config must be a JSON object");
  Config config;
  for (const auto &[k, v] : *root) {
    llvm::StringRef key = k;
    if (key == "format") {
      if (v.getAsString() != kFormat)
        return p.error("top level", "'format' must be \"" + kFormat + "\"");
    } else if (key == "version") {
      if (v.getAsInteger() != 1)
        return p.error("top level", "'version' must be 1");
    } else if (key == "defaults") {
      const llvm::json::Object *d = v.getAsObject();
      if (!d)
        return p.error("defaults", "must be an object");
      for (const auto &[dk, dv] : *d) {
        llvm::StringRef dkey = dk;
        if (dkey == "input_weight_bits") {
          auto b = p.bits(dv, dkey, "defaults", 2, 16);
          if (!b)
            return b.takeError();
          config.inputWeightBits = *b;
          continue;
        }
        if (dkey == "input_dtype") {
          std::optional<llvm::StringRef> s = dv.getAsString();
          std::optional<InputType> t = s ? InputType::parse(*s) : std::nullopt;
          if (!t)
            return p.error("defaults", "'input_dtype' must be \"intN\" or "
                                       "\"uintN\" with N in [1, 16]");
          config.inputDtype = *t;
          continue;
        }
        auto known = p.settingsKey(config.defaults, dkey, dv, "defaults");
        if (!known)
          return known.takeError();
        if (!*known)
          return p.unknownKey(dkey, "defaults");
      }
    } else if (key == "op_types") {
      const llvm::json::Object *o = v.getAsObject();
      if (!o)
        return p.error("op_types", "must be an object");
      for (const auto &[ok, ov] : *o) {
        std::string where = "op type '" + ok.str() + "'";
        const llvm::json::Object *entry = ov.getAsObject();
        if (!entry)
          return p.error(where, "must be an object");
        Settings &s = config.opTypes[ok.str()];
        for (const auto &[ek, ev] : *entry) {
          auto known = p.settingsKey(s, ek, ev, where);
          if (!known)
            return known.takeError();
          if (!*known)
            return p.unknownKey(ek, where);
        }
      }
    } else if (key == "layers") {
      const llvm::json::Object *o = v.getAsObject();
      if (!o)
        return p.error("layers", "must be an object");
      for (const auto &[lk, lv] : *o) {
        std::string where = "layer '" + lk.str() + "'";
        const llvm::json::Object *entry = lv.getAsObject();
        if (!entry)
          return p.error(where, "must be an object");
        Config::Layer &layer = config.layers[lk.str()];
        for (const auto &[ek, ev] : *entry) {
          if (llvm::StringRef(ek) == "op") {
            std::optional<llvm::StringRef> op = ev.getAsString();
            if (!op)
              return p.error(where, "'op' must be a string");
            layer.op = op->str();
            continue;
          }
          auto known = p.settingsKey(layer.settings, ek, ev, where);
          if (!known)
            return known.takeError();
          if (!*known)
            return p.unknownKey(ek, where);
        }
      }
    } else {
      return p.unknownKey(key, "top level");
    }
  }
  return config;
}

llvm::Expected<Config> qconfig::readConfig(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError(path + ": cannot open: " + buffer.getError().message());
  return parseConfig((*buffer)->getBuffer(), path);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

llvm::json::Object qconfig::toJSON(const Settings &s) {
  llvm::json::Object o;
  auto put = [&](llvm::StringRef key, const auto &field) {
    if (field)
      o[key] = *field;
  };
  put("weight_bits", s.weightBits);
  put("activation_bits", s.activationBits);
  put("output_bits", s.outputBits);
  put("buffer_bits", s.bufferBits);
  put("per_tensor_weights", s.perTensorWeights);
  put("per_tensor_activations", s.perTensorActivations);
  put("symmetric_activations", s.symmetricActivations);
  put("weight_axis", s.weightAxis);
  put("activation_axis", s.activationAxis);
  put("quantize", s.quantize);
  put("power_of_two_scales", s.powerOfTwoScales);
  return o;
}

llvm::json::Object qconfig::toJSON(const Scheme &scheme) {
  llvm::json::Object o = toJSON(scheme.defaults.toSettings());
  o["input_weight_bits"] = scheme.inputWeightBits;
  o["input_dtype"] = scheme.input.str();
  return o;
}

llvm::json::Value qconfig::toJSON(const Config &config) {
  llvm::json::Object defaults = toJSON(config.defaults);
  if (config.inputWeightBits)
    defaults["input_weight_bits"] = *config.inputWeightBits;
  if (config.inputDtype)
    defaults["input_dtype"] = config.inputDtype->str();
  llvm::json::Object types;
  for (const auto &[name, s] : config.opTypes)
    types[name] = toJSON(s);
  llvm::json::Object layers;
  for (const auto &[name, layer] : config.layers) {
    llvm::json::Object o = toJSON(layer.settings);
    if (!layer.op.empty())
      o["op"] = layer.op;
    layers[name] = std::move(o);
  }
  llvm::json::Object root{{"format", kFormat}, {"version", 1},
                          {"defaults", std::move(defaults)}};
  if (!types.empty())
    root["op_types"] = std::move(types);
  root["layers"] = std::move(layers);
  return root;
}
