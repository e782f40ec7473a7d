//===- CustomOpsTest.cpp - custom-op implementations in the JIT -----------===//
//
// The embedding path of include/qmlir-c/CustomOp.h: a host registers an
// implementation in-process (no plugin library), compiles a module with
// qnn.custom and runs it; tensors and attributes reach the implementation as
// the ABI says, and its failures come back as errors naming node and op.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/CustomOps.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Runtime/JIT.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace qmlir;

namespace {

/// ScaleAndCount(x) {scale: float, tag: string, axes: ints} = (x * scale,
/// [numel(x), len(tag), sum(axes)]).
int scaleAndCount(const QmlirTensor *inputs, int32_t numInputs,
                  QmlirTensor *outputs, int32_t numOutputs,
                  const QmlirAttr *attrs, int32_t numAttrs) {
  if (numInputs != 1 || numOutputs != 2 || inputs[0].dtype != QMLIR_DTYPE_F32 ||
      outputs[1].dtype != QMLIR_DTYPE_I64)
    return 1;
  const QmlirAttr *scale = qmlirFindAttr(attrs, numAttrs, "scale");
  const QmlirAttr *tag = qmlirFindAttr(attrs, numAttrs, "tag");
  const QmlirAttr *axes = qmlirFindAttr(attrs, numAttrs, "axes");
  if (!scale || scale->kind != QMLIR_ATTR_FLOAT || !tag ||
      tag->kind != QMLIR_ATTR_STRING || !axes || axes->kind != QMLIR_ATTR_INTS)
    return 2;
  if (scale->f < 0)
    return 7;
  int64_t n = qmlirNumElements(&inputs[0]);
  auto *in = static_cast<const float *>(inputs[0].data);
  auto *out = static_cast<float *>(outputs[0].data);
  for (int64_t i = 0; i < n; ++i)
    out[i] = in[i] * static_cast<float>(scale->f);
  auto *counts = static_cast<int64_t *>(outputs[1].data);
  counts[0] = n;
  counts[1] = tag->size;
  counts[2] = 0;
  for (int64_t i = 0; i < axes->size; ++i)
    counts[2] += axes->ints[i];
  return 0;
}

constexpr const char *kModule = R"mlir(
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi64>) {
  %0:2 = qnn.custom "ScaleAndCount"(%x) {op_attrs = {scale = 2.5 : f32, tag = "hello", axes = array<i64: 1, 2, 3>}} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi64>) loc("node1")
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<3xi64>
}
func.func @negative(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0:2 = qnn.custom "ScaleAndCount"(%x) {op_attrs = {scale = -1.0 : f32, tag = "", axes = array<i64>}} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi64>) loc("node2")
  return %0#0 : tensor<2x3xf32>
}
)mlir";

class CustomOpsTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    llvm::cantFail(registerCustomOp("ScaleAndCount", scaleAndCount));
  }

  CustomOpsTest() {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    registry.insert<qnn::QNNDialect>();
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
    module = mlir::parseSourceString<mlir::ModuleOp>(kModule, ctx.get());
  }

  std::unique_ptr<mlir::MLIRContext> ctx;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

TEST_F(CustomOpsTest, RunsTheRegisteredImplementation) {
  ASSERT_TRUE(module);
  auto jit = JITModule::compile(*module, "main");
  ASSERT_TRUE(bool(jit)) << llvm::toString(jit.takeError());
  HostTensor x = HostTensor::allocate(ElementType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    x.data<float>()[i] = i - 2.0f;
  auto outs = (*jit)->run({x});
  ASSERT_TRUE(bool(outs)) << llvm::toString(outs.takeError());
  ASSERT_EQ(outs->size(), 2u);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ((*outs)[0].data<float>()[i], (i - 2.0f) * 2.5f);
  EXPECT_EQ((*outs)[1].data<int64_t>()[0], 6);
  EXPECT_EQ((*outs)[1].data<int64_t>()[1], 5);
  EXPECT_EQ((*outs)[1].data<int64_t>()[2], 6);
}

TEST_F(CustomOpsTest, FailureNamesNodeOpAndStatus) {
  ASSERT_TRUE(module);
  auto jit = JITModule::compile(*module, "negative");
  ASSERT_TRUE(bool(jit)) << llvm::toString(jit.takeError());
  HostTensor x = HostTensor::allocate(ElementType::F32, {2, 3});
  auto outs = (*jit)->run({x});
  ASSERT_FALSE(bool(outs));
  EXPECT_EQ(llvm::toString(outs.takeError()),
            "node 'node2': custom op 'ScaleAndCount' failed (the "
            "implementation returned 7)");
}

TEST(CustomOpRegistry, NamesAreUnique) {
  llvm::cantFail(registerCustomOp("UniqueName", scaleAndCount, "first"));
  llvm::Error err = registerCustomOp("UniqueName", scaleAndCount, "second");
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "second: custom op 'UniqueName' is already registered by first");
  EXPECT_EQ(lookupCustomOp("UniqueName"), &scaleAndCount);
  EXPECT_EQ(lookupCustomOp("NotRegistered"), nullptr);
}

TEST(CustomOpRegistry, PluginErrorsNameThePath) {
  llvm::Error err = loadCustomOpPlugin("/nonexistent/plugin.so");
  ASSERT_TRUE(bool(err));
  EXPECT_TRUE(llvm::StringRef(llvm::toString(std::move(err)))
                  .starts_with("/nonexistent/plugin.so: cannot load plugin: "));
}

} // namespace
