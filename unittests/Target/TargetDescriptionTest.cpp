//===- TargetDescriptionTest.cpp - parsing target description files -------===//

#include "qmlir/Target/TargetDescription.h"

#include <gtest/gtest.h>

using namespace qmlir::target;

namespace {

std::string parseError(llvm::StringRef text) {
  auto t = parseTarget(text, "t.json");
  if (t)
    return "ok";
  return llvm::toString(t.takeError());
}

std::string wrap(llvm::StringRef body) {
  return (R"({"format": "qmlir-target", "version": 1)" +
          (body.empty() ? "" : ", " + body) + "}")
      .str();
}

// Every key, read back.
TEST(TargetDescription, ParseAllKeys) {
  auto t = parseTarget(wrap(R"("name": "x", "weight_bits": [8, 4],
      "activation_bits": [2, 1], "output_bits": [4], "accumulator_bits": 20,
      "per_axis_weights": false, "per_tensor_activations_only": true,
      "power_of_two_scales": true, "memory_bytes": 4096,
      "mac_array": {"rows": 4, "cols": 8}, "clock_mhz": 250.5,
      "ops": {"conv2d": {"kernel_sizes": [3, 1], "strides": [1],
                         "max_input_channels": 64, "max_output_channels": 32,
                         "depthwise": false, "grouped": true},
              "relu": {}, "add": {"max_output_channels": 16},
              "concat": {"max_inputs": 3, "axes": [3, 1]}})"),
                       "t.json");
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->name, "x");
  EXPECT_EQ(t->weightBits, (std::vector<unsigned>{4, 8}));
  EXPECT_EQ(t->activationBits, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(t->accumulatorBits, 20u);
  EXPECT_FALSE(t->perAxisWeights);
  EXPECT_TRUE(t->powerOfTwoScales);
  EXPECT_EQ(t->memoryBytes, 4096);
  EXPECT_EQ(t->macRows, 4);
  EXPECT_EQ(t->macCols, 8);
  EXPECT_DOUBLE_EQ(t->clockMHz, 250.5);
  const OpLimits *conv = t->lookup("conv2d");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->kernelSizes, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(conv->maxInputChannels, 64);
  EXPECT_FALSE(conv->depthwise);
  EXPECT_TRUE(conv->grouped);
  EXPECT_NE(t->lookup("relu"), nullptr);
  EXPECT_EQ(t->lookup("dense"), nullptr);
  EXPECT_EQ(t->lookup("add")->maxOutputChannels, 16);
  const OpLimits *concat = t->lookup("concat");
  ASSERT_NE(concat, nullptr);
  EXPECT_EQ(concat->maxInputs, 3);
  EXPECT_EQ(concat->axes, (std::vector<int64_t>{1, 3}));
}

// The presets shipped in targets/ parse.
TEST(TargetDescription, Presets) {
  for (const char *name : {"int8", "edge-lowbit", "cpu"}) {
    std::string path = std::string(QMLIR_TARGETS_DIR) + "/" + name + ".json";
    auto t = readTarget(path);
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->name, name);
  }
  auto edge = readTarget(std::string(QMLIR_TARGETS_DIR) + "/edge-lowbit.json");
  ASSERT_TRUE(bool(edge));
  EXPECT_EQ(edge->weightBits, (std::vector<unsigned>{4}));
  EXPECT_EQ(edge->accumulatorBits, 20u);
  EXPECT_TRUE(edge->powerOfTwoScales);
}

// Clamping picks the widest allowed width not above the request.
TEST(TargetDescription, Clamp) {
  std::vector<unsigned> allowed = {1, 2, 4};
  EXPECT_EQ(TargetDescription::clamp(allowed, 8), 4u);
  EXPECT_EQ(TargetDescription::clamp(allowed, 3), 2u);
  EXPECT_EQ(TargetDescription::clamp(allowed, 4), 4u);
  std::vector<unsigned> wide = {8, 16};
  EXPECT_EQ(TargetDescription::clamp(wide, 4), 8u);
}

// One line per bad input, naming the file and the key.
TEST(TargetDescription, Errors) {
  EXPECT_EQ(parseError("{"),
            "t.json: invalid JSON: [1:1, byte=1]: Expected object key");
  EXPECT_EQ(parseError(R"({"version": 1})"),
            "t.json: format: missing (must be \"qmlir-target\")");
  EXPECT_EQ(parseError(R"({"format": "qmlir-target"})"),
            "t.json: version: missing (must be 1)");
  EXPECT_EQ(parseError(R"({"format": "qmlir-target", "version": 2})"),
            "t.json: version: must be an integer in [1, 1], got 2");
  EXPECT_EQ(parseError(wrap(R"("colour": 1)")), "t.json: colour: unknown key");
  EXPECT_EQ(parseError(wrap(R"("weight_bits": [8, 17])")),
            "t.json: weight_bits: must be an integer in [2, 16], got 17");
  EXPECT_EQ(parseError(wrap(R"("weight_bits": [])")),
            "t.json: weight_bits: must be a non-empty list of integers in "
            "[2, 16], got []");
  EXPECT_EQ(parseError(wrap(R"("activation_bits": [4, 4])")),
            "t.json: activation_bits: lists 4 twice");
  EXPECT_EQ(parseError(wrap(R"("accumulator_bits": 40)")),
            "t.json: accumulator_bits: must be an integer in [2, 32], got 40");
  EXPECT_EQ(parseError(wrap(R"("memory_bytes": -1)")),
            "t.json: memory_bytes: must be an integer in [0, "
            "9223372036854775807], got -1");
  EXPECT_EQ(parseError(wrap(R"("clock_mhz": 0)")),
            "t.json: clock_mhz: must be a number in (0, 1e6], got 0");
  EXPECT_EQ(parseError(wrap(R"("mac_array": {"rows": 0})")),
            "t.json: mac_array.rows: must be an integer in [1, 65536], got 0");
  EXPECT_EQ(parseError(wrap(R"("mac_array": {"depth": 2})")),
            "t.json: mac_array.depth: unknown key");
  EXPECT_EQ(parseError(wrap(R"("per_axis_weights": 1)")),
            "t.json: per_axis_weights: must be true or false, got 1");
  EXPECT_EQ(parseError(wrap(R"("ops": {"lstm": {}})")).substr(0, 41),
            "t.json: ops.lstm: unknown op kind (known:");
  EXPECT_EQ(parseError(wrap(R"("ops": {"dense": {"depthwise": true}})")),
            "t.json: ops.dense.depthwise: unknown key");
  EXPECT_EQ(parseError(wrap(R"("ops": {"conv2d": {"strides": [0]}})")),
            "t.json: ops.conv2d.strides: must be an integer in [1, 65536], "
            "got 0");
  EXPECT_EQ(parseError(wrap(R"("accumulator_bits": 8, "weight_bits": [4],
      "activation_bits": [8], "ops": {"relu": {}})")),
            "t.json: accumulator_bits: 8 bits cannot hold even one product "
            "of the narrowest weights and activations (4 + 8 bits)");
}

} // namespace
