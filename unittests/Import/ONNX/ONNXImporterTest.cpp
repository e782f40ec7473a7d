//===- ONNXImporterTest.cpp - the ONNX importer's C++ API -----------------===//
//
// What qmlir-translate cannot show: the library's own file handling, its
// options, and that every failure is exactly one diagnostic line.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Import/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "../ErrorCollector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlir;

namespace {

constexpr const char *kModel = R"(
  <ir_version: 8, opset_import: ["" : 13]>
  g (float[N,4] X) => (float[N,4] Y) { Y = Relu (X) }
)";

/// Imports with diagnostics collected instead of printed.
struct Importer : qmlir::testing::ErrorCollector {

  OwningOpRef<ModuleOp> fromString(StringRef text, StringRef name,
                                   qmlir::ONNXImportOptions options = {}) {
    return qmlir::importONNXString(text, name, ctx, options);
  }
};

TEST(ONNXImporter, MissingFileNamesFileAndReason) {
  Importer imp;
  qmlir::ONNXImportOptions options;
  auto module =
      qmlir::importONNXFile("/nonexistent/model.onnx", imp.ctx, options);
  EXPECT_FALSE(module);
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0],
            "/nonexistent/model.onnx: cannot open: No such file or directory");
}

TEST(ONNXImporter, TextIsRecognizedByContent) {
  Importer imp;
  auto module = imp.fromString(kModel, "model-from-memory");
  ASSERT_TRUE(module) << (imp.errors.empty() ? "" : imp.errors[0]);
  EXPECT_TRUE(imp.errors.empty());
  auto func = module->lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(func);
  EXPECT_EQ(func.getFunctionType().getInput(0),
            RankedTensorType::get({1, 4}, Float32Type::get(&imp.ctx)));
}

TEST(ONNXImporter, OptionsSetBatchAndEntryName) {
  Importer imp;
  qmlir::ONNXImportOptions options;
  options.batchSize = 6;
  options.entryName = "forward";
  auto module = imp.fromString(kModel, "m.onnxtxt", options);
  ASSERT_TRUE(module);
  auto func = module->lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(func);
  EXPECT_EQ(func.getFunctionType().getResult(0),
            RankedTensorType::get({6, 4}, Float32Type::get(&imp.ctx)));
}

TEST(ONNXImporter, InputShapesFixSymbolicDims) {
  Importer imp;
  qmlir::ONNXImportOptions options;
  options.batchSize = 6;
  EXPECT_EQ(qmlir::addInputShape(options, "X=3x4"), "");
  auto module = imp.fromString(kModel, "m.onnxtxt", options);
  ASSERT_TRUE(module) << (imp.errors.empty() ? "" : imp.errors[0]);
  auto func = module->lookupSymbol<func::FuncOp>("main");
  // The shape wins over the batch size.
  EXPECT_EQ(func.getFunctionType().getInput(0),
            RankedTensorType::get({3, 4}, Float32Type::get(&imp.ctx)));
}

TEST(ONNXImporter, InputShapeSpecErrors) {
  qmlir::ONNXImportOptions options;
  EXPECT_EQ(qmlir::addInputShape(options, "X"),
            "expected name=DIMS (e.g. input=1x3x224x224), got 'X'");
  EXPECT_EQ(qmlir::addInputShape(options, "X=3xa"),
            "bad dimension 'a' in 'X=3xa'");
  EXPECT_EQ(qmlir::addInputShape(options, "a=b=2x2"), "");
  EXPECT_EQ(options.inputShapes.count("a=b"), 1u);
  EXPECT_EQ(qmlir::addInputShape(options, "a=b=2"),
            "the shape of 'a=b' is given twice");
}

TEST(ONNXImporter, InputShapeMustMatchDeclaration) {
  Importer imp;
  qmlir::ONNXImportOptions options;
  EXPECT_EQ(qmlir::addInputShape(options, "X=3x5"), "");
  EXPECT_FALSE(imp.fromString(kModel, "m.onnxtxt", options));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0], "m.onnxtxt: input 'X' declares dimension 1 as 4 "
                           "but --shape gives 3x5");
}

TEST(ONNXImporter, InvalidBatchSize) {
  Importer imp;
  qmlir::ONNXImportOptions options;
  options.batchSize = 0;
  EXPECT_FALSE(imp.fromString(kModel, "m.onnxtxt", options));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0], "m.onnxtxt: batch size must be positive, got 0");
}

TEST(ONNXImporter, CorruptBinaryIsOneError) {
  Importer imp;
  EXPECT_FALSE(imp.fromString("garbage", "m.onnx"));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0], "m.onnx: not a valid ONNX model (protobuf parsing "
                           "failed: truncated or corrupt file?)");
}

TEST(ONNXImporter, LibonnxErrorsAreOneLine) {
  Importer imp;
  // The checker's message spans lines; the diagnostic does not.
  EXPECT_FALSE(imp.fromString(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,4] X) => (float[1,4] Y) { Y = Relu (X, X) }
  )",
                              "m.onnxtxt"));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0].find('\n'), std::string::npos) << imp.errors[0];
  EXPECT_EQ(imp.errors[0].rfind("m.onnxtxt: ONNX checker failed: ", 0), 0u)
      << imp.errors[0];
}

TEST(ONNXImporter, UndefinedNodeInputNamesTheNode) {
  Importer imp;
  EXPECT_FALSE(imp.fromString(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,4] X) => (float[1,4] Y) { Y = Relu (Undefined) }
  )",
                              "m.onnxtxt"));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0], "m.onnxtxt: node 'Relu_0': input 'Undefined' is "
                           "not a graph input, an initializer or the output "
                           "of any node");
}

TEST(ONNXImporter, ContextIsReusableAfterFailure) {
  Importer imp;
  EXPECT_FALSE(imp.fromString("garbage", "m.onnx"));
  EXPECT_TRUE(imp.fromString(kModel, "m.onnxtxt"));
}

} // namespace
