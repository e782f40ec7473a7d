//===- QuantConfigTest.cpp - parsing and resolving quantization configs ---===//

#include "qmlir/Quant/QuantConfig.h"

#include <gtest/gtest.h>

using namespace qmlir::qconfig;

namespace {

std::string parseError(llvm::StringRef text) {
  auto c = parseConfig(text, "c.json");
  if (c)
    return "ok";
  return llvm::toString(c.takeError());
}

// A config with every section; resolution order: defaults < op type <
// input_weight_bits (first layer) < layer.
TEST(QuantConfig, ParseAndResolve) {
  auto c = parseConfig(R"({
    "format": "qmlir-quant-config", "version": 1,
    "defaults": {"weight_bits": 6, "activation_bits": 7, "input_weight_bits": 5,
                 "input_dtype": "uint8", "per_tensor_activations": false},
    "op_types": {"qnn.dense": {"weight_bits": 4, "output_bits": 12}},
    "layers": {"fc2": {"op": "qnn.dense", "weight_bits": 3, "quantize": true},
               "relu1": {"activation_bits": 2, "symmetric_activations": true}}
  })",
                       "c.json");
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  Scheme base;
  Scheme g = c->resolveGlobal(base);
  EXPECT_EQ(g.inputWeightBits, 5u);
  EXPECT_TRUE(g.input.isUnsigned);
  EXPECT_EQ(g.input.bits, 8u);
  EXPECT_EQ(g.defaults.weightBits, 6u);
  EXPECT_EQ(g.defaults.outputBits, 8u); // untouched builtin default

  LayerScheme conv = c->resolve(g, "conv1", "qnn.conv2d", false);
  EXPECT_EQ(conv.weightBits, 6u);
  EXPECT_FALSE(conv.perTensorActivations);
  LayerScheme first = c->resolve(g, "conv0", "qnn.conv2d", true);
  EXPECT_EQ(first.weightBits, 5u);
  LayerScheme fc1 = c->resolve(g, "fc1", "qnn.dense", false);
  EXPECT_EQ(fc1.weightBits, 4u);
  EXPECT_EQ(fc1.outputBits, 12u);
  // The first-layer rule beats the op type, the layer beats both.
  EXPECT_EQ(c->resolve(g, "fc0", "qnn.dense", true).weightBits, 5u);
  EXPECT_EQ(c->resolve(g, "fc2", "qnn.dense", true).weightBits, 3u);
  LayerScheme relu = c->resolve(g, "relu1", "qnn.relu", false);
  EXPECT_EQ(relu.activationBits, 2u);
  EXPECT_TRUE(relu.symmetricActivations);
  EXPECT_EQ(c->layers.at("fc2").op, "qnn.dense");
}

// Writing and parsing again gives the same config.
TEST(QuantConfig, RoundTrip) {
  Config c;
  c.defaults.weightBits = 4;
  c.inputDtype = InputType{12, false};
  c.opTypes["qnn.conv2d"].bufferBits = 24;
  c.layers["a"].op = "qnn.relu";
  c.layers["a"].settings.activationAxis = -1;
  c.layers["a"].settings.quantize = false;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << toJSON(c);
  auto back = parseConfig(text, "x");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->defaults.weightBits, 4u);
  EXPECT_EQ(back->inputDtype->str(), "int12");
  EXPECT_EQ(back->opTypes.at("qnn.conv2d").bufferBits, 24u);
  EXPECT_EQ(back->layers.at("a").settings.activationAxis, -1);
  EXPECT_EQ(back->layers.at("a").settings.quantize, false);
  EXPECT_EQ(back->layers.at("a").settings.setKeys(),
            (std::vector<llvm::StringRef>{"activation_axis", "quantize"}));
}

// A resolved global scheme written as "defaults" sets every key.
TEST(QuantConfig, SchemeToJSON) {
  Scheme s;
  llvm::json::Object o = toJSON(s);
  for (llvm::StringRef key : Settings::keys())
    EXPECT_TRUE(o.get(key)) << key.str();
  EXPECT_EQ(o.getString("input_dtype"), "int8");
  EXPECT_EQ(o.getInteger("input_weight_bits"), 8);
}

TEST(QuantConfig, InputType) {
  EXPECT_EQ(InputType::parse("uint8")->str(), "uint8");
  EXPECT_EQ(InputType::parse("int16")->bits, 16u);
  EXPECT_FALSE(InputType::parse("int17"));
  EXPECT_FALSE(InputType::parse("int0"));
  EXPECT_FALSE(InputType::parse("float32"));
}

// Bad configs: one-line errors naming the file, the section and the key.
TEST(QuantConfig, Errors) {
  EXPECT_EQ(parseError("[1]"), "c.json: a config must be a JSON object");
  EXPECT_EQ(parseError(R"({"layers": {"conv1": {"weight_bits": 0}}})"),
            "c.json: layer 'conv1': 'weight_bits' must be an integer in "
            "[2, 16], got 0");
  EXPECT_EQ(parseError(R"({"layers": {"conv1": {"activation_bits": 17}}})"),
            "c.json: layer 'conv1': 'activation_bits' must be an integer in "
            "[1, 16], got 17");
  EXPECT_EQ(parseError(R"({"defaults": {"buffer_bits": 33}})"),
            "c.json: defaults: 'buffer_bits' must be an integer in [2, 32], "
            "got 33");
  EXPECT_EQ(parseError(R"({"defaults": {"weight_bit": 8}})"),
            "c.json: defaults: unknown key 'weight_bit'");
  EXPECT_EQ(parseError(R"({"layer": {}})"),
            "c.json: top level: unknown key 'layer'");
  EXPECT_EQ(parseError(R"({"layers": {"x": {"quantize": 1}}})"),
            "c.json: layer 'x': 'quantize' must be true or false");
  EXPECT_EQ(parseError(R"({"op_types": {"qnn.add": {"weight_axis": 0.5}}})"),
            "c.json: op type 'qnn.add': 'weight_axis' must be an integer");
  EXPECT_EQ(parseError(R"({"defaults": {"input_dtype": "float"}})"),
            "c.json: defaults: 'input_dtype' must be \"intN\" or \"uintN\" "
            "with N in [1, 16]");
  EXPECT_EQ(parseError(R"({"format": "other"})"),
            "c.json: top level: 'format' must be \"qmlir-quant-config\"");
  EXPECT_EQ(parseError(R"({"layers": {"x": {"input_weight_bits": 8}}})"),
            "c.json: layer 'x': unknown key 'input_weight_bits'");
}

} // namespace
