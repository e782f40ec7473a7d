//===- TFImporterTest.cpp - the TF importer's C++ API ---------------------===//
//
// What qmlir-translate cannot show: the library's file handling, its
// options, the --shape parser, and that every failure is one diagnostic.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Import/TF/TFImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "../ErrorCollector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlir;

namespace {

constexpr const char *kGraph = R"pb(
  node {
    name: "x"
    op: "Placeholder"
    attr { key: "dtype" value { type: DT_FLOAT } }
    attr { key: "shape" value { shape { dim { size: -1 } dim { size: 4 } } } }
  }
  node { name: "y" op: "Relu" input: "x" }
)pb";

/// Imports with diagnostics collected instead of printed.
struct Importer : qmlir::testing::ErrorCollector {

  OwningOpRef<ModuleOp> fromString(StringRef text, StringRef name,
                                   const qmlir::TFImportOptions &options = {}) {
    return qmlir::importTFGraphString(text, name, ctx, options);
  }
};

TEST(TFImporter, MissingFileNamesFileAndReason) {
  Importer imp;
  auto module = qmlir::importTFGraphFile("/nonexistent/graph.pb", imp.ctx, {});
  EXPECT_FALSE(module);
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0],
            "/nonexistent/graph.pb: cannot open: No such file or directory");
}

TEST(TFImporter, OptionsSetBatchAndEntryName) {
  Importer imp;
  qmlir::TFImportOptions options;
  options.batchSize = 3;
  options.entryName = "predict";
  auto module = imp.fromString(kGraph, "graph.pbtxt", options);
  ASSERT_TRUE(module) << (imp.errors.empty() ? "" : imp.errors[0]);
  auto func = module->lookupSymbol<func::FuncOp>("predict");
  ASSERT_TRUE(func);
  EXPECT_EQ(func.getFunctionType().getInput(0),
            RankedTensorType::get({3, 4}, Float32Type::get(&imp.ctx)));
}

TEST(TFImporter, FormatFollowsTheName) {
  // Text contents under a binary name do not parse as a binary GraphDef.
  Importer imp;
  EXPECT_FALSE(imp.fromString(kGraph, "graph.pb"));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0].rfind("graph.pb: not a TensorFlow GraphDef", 0), 0u)
      << imp.errors[0];
}

TEST(TFImporter, BadBatchIsOneError) {
  Importer imp;
  qmlir::TFImportOptions options;
  options.batchSize = 0;
  EXPECT_FALSE(imp.fromString(kGraph, "graph.pbtxt", options));
  ASSERT_EQ(imp.errors.size(), 1u);
  EXPECT_EQ(imp.errors[0], "graph.pbtxt: batch size must be positive, got 0");
}

TEST(TFImporter, ShapeOptionParses) {
  qmlir::TFImportOptions options;
  llvm::cantFail(qmlir::addTFShapeOption(options, "input=1x28x28x1"));
  llvm::cantFail(qmlir::addTFShapeOption(options, "node:1=scalar"));
  ASSERT_EQ(options.shapes.size(), 2u);
  EXPECT_EQ(options.shapes[0].first, "input");
  EXPECT_EQ(options.shapes[0].second,
            (llvm::SmallVector<int64_t>{1, 28, 28, 1}));
  EXPECT_EQ(options.shapes[1].first, "node:1");
  EXPECT_TRUE(options.shapes[1].second.empty());
  for (const char *bad : {"input", "=1x2", "input=1xx2", "input=-1x2"}) {
    llvm::Error err = qmlir::addTFShapeOption(options, bad);
    EXPECT_TRUE(bool(err)) << bad;
    llvm::consumeError(std::move(err));
  }
}

} // namespace
