//===- QuantConfig.h - quantization scheme and per-layer config -*- C++ -*-===//
//
// The quantization scheme: global defaults mirroring QuantizeML's
// QuantizationParams, per-op-type defaults, and per-layer (node name)
// overrides, read from and written to JSON. IR-free: which keys apply to
// which op, layer names and axis ranges are checked against the model by
// the QuantPlan of the qnn transforms. See docs/Quantization.md, "Scheme
// and per-layer config".
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_QUANT_QUANTCONFIG_H
#define QMLIR_QUANT_QUANTCONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace qmlir::qconfig {

/// Settings that any level of the config may set; unset ones inherit.
struct Settings {
  std::optional<unsigned> weightBits;     ///< "weight_bits", 2-16
  std::optional<unsigned> activationBits; ///< "activation_bits", 1-16
  std::optional<unsigned> outputBits;     ///< "output_bits", 1-16
  std::optional<unsigned> bufferBits;     ///< "buffer_bits", 2-32
  std::optional<bool> perTensorWeights;     ///< "per_tensor_weights"
  std::optional<bool> perTensorActivations; ///< "per_tensor_activations"
  std::optional<bool> symmetricActivations; ///< "symmetric_activations"
  std::optional<int64_t> weightAxis;        ///< "weight_axis"
  std::optional<int64_t> activationAxis;    ///< "activation_axis"
  std::optional<bool> quantize;             ///< "quantize" (false: keep float)
  std::optional<bool> powerOfTwoScales;     ///< "power_of_two_scales"

  /// The JSON keys this struct holds, in a fixed order.
  static llvm::ArrayRef<llvm::StringRef> keys();
  /// Names of the keys that are set.
  std::vector<llvm::StringRef> setKeys() const;
};

/// The element type model inputs are quantized to: "intN" (signed, from the
/// calibrated range) or "uintN" (the range starts at 0: N-bit unsigned
/// values, held in signed storage with zero point -2^(N-1)).
struct InputType {
  unsigned bits = 8;
  bool isUnsigned = false;
  std::string str() const;
  static std::optional<InputType> parse(llvm::StringRef text);
};

/// One fully resolved layer scheme.
struct LayerScheme {
  unsigned weightBits = 8;
  unsigned activationBits = 8;
  unsigned outputBits = 8;
  unsigned bufferBits = 32;
  bool perTensorWeights = false;
  bool perTensorActivations = true;
  bool symmetricActivations = false;
  int64_t weightAxis = 0;
  int64_t activationAxis = -1;
  bool quantize = true;
  /// Scales rounded up to powers of two (so requantization is a shift).
  bool powerOfTwoScales = false;

  /// Overrides the fields that `s` sets.
  void apply(const Settings &s);
  /// Every field as Settings.
  Settings toSettings() const;
};

/// The global scheme (QuantizeML's QuantizationParams and ours).
struct Scheme {
  LayerScheme defaults;
  unsigned inputWeightBits = 8; ///< Weights of layers fed by a model input.
  InputType input;
};

/// A config file: global defaults, op-type defaults ("qnn.conv2d": {...}),
/// and layers keyed by node name.
struct Config {
  Settings defaults;
  std::optional<unsigned> inputWeightBits;
  std::optional<InputType> inputDtype;
  std::map<std::string, Settings> opTypes;
  struct Layer {
    std::string op; ///< Optional "op" key: must match the layer's op.
    Settings settings;
  };
  std::map<std::string, Layer> layers;

  /// `base` with the global defaults of this config applied.
  Scheme resolveGlobal(const Scheme &base) const;
  /// The scheme of layer `name`, an `op` ("qnn.conv2d"): global defaults,
  /// then the op type's, then input_weight_bits for layers fed by a model
  /// input (`firstLayer`), then the layer's own settings.
  LayerScheme resolve(const Scheme &global, llvm::StringRef name,
                      llvm::StringRef op, bool firstLayer) const;
};

/// Parses a config; every error is one line naming `source`, the section
/// or layer, and the key (unknown keys, wrong types, out-of-range values).
llvm::Expected<Config> parseConfig(llvm::StringRef text,
                                   llvm::StringRef source);
/// Reads and parses a config file.
llvm::Expected<Config> readConfig(llvm::StringRef path);

/// The "defaults" object of a resolved global scheme.
llvm::json::Object toJSON(const Scheme &scheme);
/// The settings of `s` that are set, as a JSON object.
llvm::json::Object toJSON(const Settings &s);
llvm::json::Value toJSON(const Config &config);

} // namespace qmlir::qconfig

#endif // QMLIR_QUANT_QUANTCONFIG_H
