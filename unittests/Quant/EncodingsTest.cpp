//===- EncodingsTest.cpp - AIMET encodings files --------------------------===//

#include "qmlir/Quant/Encodings.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

using namespace qmlir::encodings;

namespace {

std::string parseError(llvm::StringRef text) {
  auto f = parseEncodings(text, "e.json");
  if (f)
    return "ok";
  return llvm::toString(f.takeError());
}

const char *kEntry = R"({"bitwidth": 8, "dtype": "int", "is_symmetric": "False",
  "min": -1.0, "max": 2.0, "offset": -43, "scale": 0.0117647})";

// AIMET's layout: per-tensor lists of one, per-channel lists, string
// booleans, and the top-level keys it writes beside the two sections.
TEST(Encodings, ParseAimetLayout) {
  std::string text = llvm::formatv(R"({{
    "activation_encodings": {{"conv1:0": [{0}]},
    "param_encodings": {{"conv1.weight": [
      {{"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "min": -1.27,
        "max": 1.27, "offset": -127, "scale": 0.01},
      {{"bitwidth": 8, "dtype": "int", "is_symmetric": true, "min": -2.54,
        "max": 2.54, "offset": -127, "scale": 0.02}]},
    "excluded_layers": [], "quantizer_args": {{}, "version": "0.6.1"})",
                                   kEntry)
                         .str();
  auto f = parseEncodings(text, "e.json");
  ASSERT_TRUE(bool(f)) << llvm::toString(f.takeError());
  ASSERT_EQ(f->activations.at("conv1:0").size(), 1u);
  const Encoding &a = f->activations.at("conv1:0")[0];
  EXPECT_EQ(a.bitwidth, 8u);
  EXPECT_FALSE(a.isSymmetric);
  EXPECT_EQ(a.offset, -43);
  EXPECT_DOUBLE_EQ(a.min, -1.0);
  ASSERT_EQ(f->params.at("conv1.weight").size(), 2u);
  EXPECT_TRUE(f->params.at("conv1.weight")[1].isSymmetric);
  EXPECT_DOUBLE_EQ(f->params.at("conv1.weight")[1].scale, 0.02);
}

// qmlir's parameters: offset = qmin - zero point, min/max the real values of
// the storage range's ends; symmetric when the zero point is 0 and the range
// is symmetric.
TEST(Encodings, FromQuantParams) {
  Encoding asym = Encoding::fromQuantParams(0.5, -100, -128, 127);
  EXPECT_EQ(asym.bitwidth, 8u);
  EXPECT_FALSE(asym.isSymmetric);
  EXPECT_EQ(asym.offset, -28);
  EXPECT_DOUBLE_EQ(asym.min, -14.0);
  EXPECT_DOUBLE_EQ(asym.max, 113.5);
  Encoding sym = Encoding::fromQuantParams(0.25, 0, -127, 127);
  EXPECT_EQ(sym.bitwidth, 8u);
  EXPECT_TRUE(sym.isSymmetric);
  EXPECT_DOUBLE_EQ(sym.max, 31.75);
  Encoding four = Encoding::fromQuantParams(1.0, 0, -7, 7);
  EXPECT_EQ(four.bitwidth, 4u);
}

// Written files parse back to the same values.
TEST(Encodings, RoundTrip) {
  EncodingsFile file;
  file.activations["input"] = {
      Encoding::fromQuantParams(1.0 / 255, -128, -128, 127)};
  file.params["fc.weight"] = {Encoding::fromQuantParams(0.1, 0, -127, 127),
                              Encoding::fromQuantParams(0.3, 0, -127, 127)};
  std::string text = llvm::formatv("{0}", toJSON(file)).str();
  auto back = parseEncodings(text, "e.json");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->activations.at("input")[0].scale, 1.0 / 255);
  EXPECT_EQ(back->activations.at("input")[0].offset, 0);
  EXPECT_EQ(back->params.at("fc.weight")[1].scale, 0.3);
  EXPECT_EQ(back->params.at("fc.weight")[1].min, -0.3 * 127);
}

// Every error names the file, the section and tensor, and the key.
TEST(Encodings, Errors) {
  EXPECT_EQ(parseError("["),
            "e.json: invalid JSON: [1:1, byte=1]: Unexpected EOF");
  EXPECT_EQ(parseError("[]"),
            "e.json: an encodings file must be a JSON object");
  EXPECT_EQ(parseError(R"({"activations": {}})"),
            "e.json: top level: unknown key 'activations'");
  EXPECT_EQ(
      parseError(R"({"activation_encodings": []})"),
      "e.json: activation_encodings: must be a JSON object of tensor names");
  EXPECT_EQ(parseError(R"({"activation_encodings": {"x": []}})"),
            "e.json: activation_encodings 'x': has no encoding");
  EXPECT_EQ(parseError(R"({"param_encodings": {"w": [{"bitwidth": 8}]}})"),
            "e.json: param_encodings 'w': missing key 'dtype'");
  EXPECT_EQ(
      parseError(
          R"({"activation_encodings": {"x": [{"bitwidth": 40, "dtype": "int",
        "is_symmetric": "False", "min": 0, "max": 1, "offset": 0, "scale": 1}]}})"),
      "e.json: activation_encodings 'x': 'bitwidth' must be an integer in [1, "
      "32]");
  EXPECT_EQ(
      parseError(
          R"({"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "float",
        "is_symmetric": "False", "min": 0, "max": 1, "offset": 0, "scale": 1}]}})"),
      "e.json: activation_encodings 'x': dtype 'float' is not supported (only "
      "\"int\")");
  EXPECT_EQ(
      parseError(
          R"({"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int",
        "is_symmetric": "yes", "min": 0, "max": 1, "offset": 0, "scale": 1}]}})"),
      "e.json: activation_encodings 'x': 'is_symmetric' must be \"True\", "
      "\"False\" or a boolean");
  EXPECT_EQ(
      parseError(
          R"({"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int",
        "is_symmetric": "False", "min": 2, "max": 1, "offset": 0, "scale": 1}]}})"),
      "e.json: activation_encodings 'x': 'min' is greater than 'max'");
  EXPECT_EQ(
      parseError(
          R"({"activation_encodings": {"x": [{"bitwidth": 8, "dtype": "int",
        "is_symmetric": "False", "min": 0, "max": 1, "offset": 0, "scale": 1, "y": 1}]}})"),
      "e.json: activation_encodings 'x': unknown key 'y'");
}

} // namespace
