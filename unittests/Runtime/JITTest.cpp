//===- JITTest.cpp - tests of the JIT runtime -----------------------------===//
//
// Signatures, calling convention, batching and errors of JITModule, the
// bit-exactness of the lowered quantization ops against QuantMath on every
// 8-bit value, the fast codegen against the reference codegen, and that
// repeated runs do not leak.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Quant/QuantMath.h"
#include "qmlir/Runtime/JIT.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <string>

using namespace qmlir;

namespace {

class JITTest : public ::testing::Test {
protected:
  JITTest() {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    registry.insert<qnn::QNNDialect>();
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
  }

  mlir::OwningOpRef<mlir::ModuleOp> parse(llvm::StringRef source) {
    auto module =
        mlir::parseSourceString<mlir::ModuleOp>(source, ctx.get());
    EXPECT_TRUE(module);
    return module;
  }

  std::unique_ptr<JITModule> compile(llvm::StringRef source,
                                     llvm::StringRef entry = "main",
                                     const JITOptions &options = {}) {
    auto module = parse(source);
    if (!module)
      return nullptr;
    auto jit = JITModule::compile(*module, entry, options);
    if (!jit) {
      ADD_FAILURE() << llvm::toString(jit.takeError());
      return nullptr;
    }
    return std::move(*jit);
  }

  std::unique_ptr<mlir::MLIRContext> ctx;
};

std::string errorOf(llvm::Error err) { return llvm::toString(std::move(err)); }

const char *kAddModule = R"mlir(
func.func @main(%x: tensor<2x3xf32> {qnn.name = "x"}, %y: tensor<3xf32>)
    -> (tensor<2x3xf32> {qnn.name = "sum"}, tensor<2x3xf32>) {
  %0 = qnn.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = qnn.relu %0 : tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}
)mlir";

TEST_F(JITTest, SignatureNamesAndTypes) {
  auto jit = compile(kAddModule);
  ASSERT_TRUE(jit);
  ASSERT_EQ(jit->inputs().size(), 2u);
  EXPECT_EQ(jit->inputs()[0].name, "x");
  EXPECT_EQ(jit->inputs()[1].name, "input1");
  EXPECT_EQ(jit->inputs()[1].shape, (llvm::SmallVector<int64_t, 4>{3}));
  ASSERT_EQ(jit->outputs().size(), 2u);
  EXPECT_EQ(jit->outputs()[0].name, "sum");
  EXPECT_EQ(jit->outputs()[1].name, "output1");
  EXPECT_EQ(jit->outputs()[1].type, ElementType::F32);
}

TEST_F(JITTest, RunsAndLeavesInputsAndModuleAlone) {
  auto module = parse(kAddModule);
  std::string before;
  llvm::raw_string_ostream(before) << *module;
  auto jitOr = JITModule::compile(*module);
  ASSERT_TRUE(bool(jitOr)) << llvm::toString(jitOr.takeError());
  std::string after;
  llvm::raw_string_ostream(after) << *module;
  EXPECT_EQ(before, after);

  HostTensor x = HostTensor::allocate(ElementType::F32, {2, 3});
  HostTensor y = HostTensor::allocate(ElementType::F32, {3});
  for (int i = 0; i < 6; ++i)
    x.data<float>()[i] = i - 3.0f;
  for (int i = 0; i < 3; ++i)
    y.data<float>()[i] = 0.5f * i;
  HostTensor xCopy = x;
  auto out = (*jitOr)->run({x, y});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  ASSERT_EQ(out->size(), 2u);
  for (int i = 0; i < 6; ++i) {
    float expected = (i - 3.0f) + 0.5f * (i % 3);
    EXPECT_EQ((*out)[0].data<float>()[i], expected);
    EXPECT_EQ((*out)[1].data<float>()[i], std::max(expected, 0.0f));
    EXPECT_EQ(x.data<float>()[i], xCopy.data<float>()[i]);
  }
}

TEST_F(JITTest, InputErrors) {
  auto jit = compile(kAddModule);
  ASSERT_TRUE(jit);
  HostTensor x = HostTensor::allocate(ElementType::F32, {2, 3});
  HostTensor y = HostTensor::allocate(ElementType::F32, {3});
  std::string e = errorOf(jit->run({x}).takeError());
  EXPECT_NE(e.find("expected 2 inputs, got 1"), std::string::npos) << e;
  HostTensor bad = HostTensor::allocate(ElementType::F32, {3, 2});
  e = errorOf(jit->run({bad, y}).takeError());
  EXPECT_NE(e.find("input 'x' (#0): expected 2x3 f32, got 3x2 f32"),
            std::string::npos)
      << e;
  HostTensor wrongType = HostTensor::allocate(ElementType::F64, {3});
  e = errorOf(jit->run({x, wrongType}).takeError());
  EXPECT_NE(e.find("input 'input1' (#1): expected 3 f32, got 3 f64"),
            std::string::npos)
      << e;
  // run() does not batch; runBatched needs the same multiple everywhere.
  HostTensor x4 = HostTensor::allocate(ElementType::F32, {4, 3});
  e = errorOf(jit->run({x4, y}).takeError());
  EXPECT_NE(e.find("expected 2x3 f32, got 4x3 f32"), std::string::npos) << e;
  HostTensor y3 = HostTensor::allocate(ElementType::F32, {9});
  e = errorOf(jit->runBatched({x4, y3}).takeError());
  EXPECT_NE(e.find("input 'input1' (#1) holds 3 batches of its compiled size "
                   "but input 'x' holds 2"),
            std::string::npos)
      << e;
}

TEST_F(JITTest, CompileErrors) {
  auto module = parse(kAddModule);
  std::string e = errorOf(JITModule::compile(*module, "nope").takeError());
  EXPECT_NE(e.find("no function 'nope'"), std::string::npos) << e;

  auto f16 = parse(R"mlir(
func.func @main(%x: tensor<2xf16>) -> tensor<2xf16> {
  return %x : tensor<2xf16>
})mlir");
  e = errorOf(JITModule::compile(*f16).takeError());
  EXPECT_NE(e.find("element type f16"), std::string::npos) << e;

  auto softmax = parse(R"mlir(
func.func @main(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.004>> {
  %0 = qnn.softmax %x : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.004>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.004>>
})mlir");
  e = errorOf(JITModule::compile(*softmax).takeError());
  EXPECT_NE(e.find("a quantized softmax output must have 8-bit storage "
                   "range, scale 2^-8 and zero point -128"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

// Dim 0 of 2 compiled, inputs of 6: three chunks, outputs concatenated.
TEST_F(JITTest, RunBatched) {
  auto jit = compile(kAddModule);
  ASSERT_TRUE(jit);
  HostTensor x = HostTensor::allocate(ElementType::F32, {6, 3});
  for (int i = 0; i < 18; ++i)
    x.data<float>()[i] = float(i);
  // y is [3] compiled: given as 3 * 3 elements it is split too.
  HostTensor y = HostTensor::allocate(ElementType::F32, {9});
  for (int i = 0; i < 9; ++i)
    y.data<float>()[i] = 100.0f * (i / 3);
  std::vector<std::pair<int64_t, int64_t>> calls;
  auto out = jit->runBatched(
      {x, y}, [&](int64_t done, int64_t total) { calls.push_back({done, total}); });
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, int64_t>>{
                       {1, 3}, {2, 3}, {3, 3}}));
  ASSERT_EQ((*out)[0].shape, (llvm::SmallVector<int64_t, 4>{6, 3}));
  for (int i = 0; i < 18; ++i)
    EXPECT_EQ((*out)[0].data<float>()[i], float(i) + 100.0f * (i / 6));

  // An input of exactly its compiled shape is the same for every chunk.
  HostTensor y1 = HostTensor::allocate(ElementType::F32, {3});
  for (int i = 0; i < 3; ++i)
    y1.data<float>()[i] = 10.0f * i;
  out = jit->runBatched({x, y1});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  for (int i = 0; i < 18; ++i)
    EXPECT_EQ((*out)[0].data<float>()[i], float(i) + 10.0f * (i % 3));
}

// Builds a function from `body` with one input and one output type.
std::string unary(llvm::StringRef in, llvm::StringRef out,
                  llvm::StringRef op) {
  return ("func.func @main(%x: " + in + ") -> " + out + " {\n  %0 = " + op +
          " %x : (" + in + ") -> " + out + "\n  return %0 : " + out + "\n}\n")
      .str();
}

struct RequantizeCase {
  double inScale;
  int64_t inZp;
  double outScale;
  int64_t outZp;
  int64_t qmin, qmax;
  const char *outStorage;
};

// requantize on all 256 int8 values equals qmath::requantize, including
// narrow ranges, 16-bit outputs and ratios that need the 64-bit path.
TEST_F(JITTest, RequantizeMatchesQuantMath) {
  const RequantizeCase cases[] = {
      {0.5, -3, 0.25, 1, -128, 127, "i8"},
      {0.1, 5, 0.3, -7, -8, 7, "i8<-8:7>"},
      {0.02, 0, 0.0003, -1000, -32768, 32767, "i16"},
      {0.5, -3, 1.0e-8, 0, -128, 127, "i8"},
      {1.0, 0, 0.999999, 127, -128, 127, "i8"},
      {0.3, 100, 0.7, -100, -2147483648, 2147483647, "i32"},
  };
  for (const RequantizeCase &c : cases) {
    auto fmt = [](double s) {
      std::string out;
      llvm::raw_string_ostream(out) << llvm::format("%.17e", s);
      return out;
    };
    std::string in = "tensor<256x!quant.uniform<i8:f32, " + fmt(c.inScale) +
                     ":" + std::to_string(c.inZp) + ">>";
    std::string out = "tensor<256x!quant.uniform<" + std::string(c.outStorage) +
                      ":f32, " + fmt(c.outScale) + ":" +
                      std::to_string(c.outZp) + ">>";
    auto jit = compile(unary(in, out, "qnn.requantize"));
    ASSERT_TRUE(jit) << in << " -> " << out;
    HostTensor x = HostTensor::allocate(ElementType::I8, {256});
    for (int i = 0; i < 256; ++i)
      x.data<int8_t>()[i] = static_cast<int8_t>(i - 128);
    auto y = jit->run({x});
    ASSERT_TRUE(bool(y)) << llvm::toString(y.takeError());
    auto r = qmath::computeRescale(c.inScale / c.outScale);
    ASSERT_TRUE(r);
    for (int i = 0; i < 256; ++i) {
      int64_t expected =
          qmath::requantize(i - 128, c.inZp, *r, c.outZp, c.qmin, c.qmax);
      int64_t got = 0;
      switch ((*y)[0].type) {
      case ElementType::I8:
        got = (*y)[0].data<int8_t>()[i];
        break;
      case ElementType::I16:
        got = (*y)[0].data<int16_t>()[i];
        break;
      default:
        got = (*y)[0].data<int32_t>()[i];
        break;
      }
      ASSERT_EQ(got, expected) << in << " -> " << out << " at " << i - 128;
    }
  }
}

// quantize equals qmath::quantize on ties, saturation, NaN, infinities and
// random values; dequantize equals qmath::dequantize on all int8 values.
TEST_F(JITTest, QuantizeDequantizeMatchQuantMath) {
  const int n = 4096;
  auto jit = compile(
      "func.func @main(%x: tensor<4096xf32>, %q: tensor<256x!quant.uniform<i8:f32, 0.037:-11>>) -> "
      "(tensor<4096x!quant.uniform<i8:f32, 0.037:-11>>, "
      "tensor<4096x!quant.uniform<i8<-8:7>:f32, 0.25:3>>, tensor<256xf32>) {\n"
      "  %0 = qnn.quantize %x : (tensor<4096xf32>) -> tensor<4096x!quant.uniform<i8:f32, 0.037:-11>>\n"
      "  %1 = qnn.quantize %x : (tensor<4096xf32>) -> tensor<4096x!quant.uniform<i8<-8:7>:f32, 0.25:3>>\n"
      "  %2 = qnn.dequantize %q : (tensor<256x!quant.uniform<i8:f32, 0.037:-11>>) -> tensor<256xf32>\n"
      "  return %0, %1, %2 : tensor<4096x!quant.uniform<i8:f32, 0.037:-11>>, "
      "tensor<4096x!quant.uniform<i8<-8:7>:f32, 0.25:3>>, tensor<256xf32>\n}\n");
  ASSERT_TRUE(jit);
  HostTensor x = HostTensor::allocate(ElementType::F32, {n});
  std::mt19937 gen(7);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  float *xs = x.data<float>();
  for (int i = 0; i < n; ++i)
    xs[i] = dist(gen);
  const float special[] = {0.0f,  -0.0f, 0.125f, 0.375f, -0.125f, -0.375f,
                           1e30f, -1e30f, std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(), 4.6991f};
  for (size_t i = 0; i < sizeof(special) / sizeof(float); ++i)
    xs[i] = special[i];
  // Exact ties of the 0.25 scale.
  for (int i = 0; i < 64; ++i)
    xs[100 + i] = 0.125f * (i - 32);
  HostTensor q = HostTensor::allocate(ElementType::I8, {256});
  for (int i = 0; i < 256; ++i)
    q.data<int8_t>()[i] = static_cast<int8_t>(i - 128);
  auto out = jit->run({x, q});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ((*out)[0].data<int8_t>()[i],
              qmath::quantize(xs[i], 0.037, -11, -128, 127))
        << xs[i];
    ASSERT_EQ((*out)[1].data<int8_t>()[i],
              qmath::quantize(xs[i], 0.25, 3, -8, 7))
        << xs[i];
  }
  for (int i = 0; i < 256; ++i) {
    float expected = qmath::dequantize(i - 128, 0.037, -11);
    ASSERT_EQ((*out)[2].data<float>()[i], expected) << i - 128;
  }
}

/// Resident set size in bytes.
size_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

// 1000 calls of a model with intermediate buffers (about 50 KiB per call)
// do not grow the process: every allocation is freed.
TEST_F(JITTest, RepeatedRunsDoNotLeak) {
  auto jit = compile(R"mlir(
func.func @main(%x: tensor<1x32x32x8x!quant.uniform<i8:f32, 0.05:-3>>, %w: tensor<8x3x3x8x!quant.uniform<i8:f32, 0.01>>)
    -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.1:2>> {
  %0 = qnn.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x32x32x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<8x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x32x32x8x!quant.uniform<i8:f32, 0.1:2>>
  %1 = qnn.relu %0 : tensor<1x32x32x8x!quant.uniform<i8:f32, 0.1:2>>
  %2 = qnn.global_avg_pool %1 : (tensor<1x32x32x8x!quant.uniform<i8:f32, 0.1:2>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.1:2>>
  return %2 : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.1:2>>
})mlir");
  ASSERT_TRUE(jit);
  HostTensor x = HostTensor::allocate(ElementType::I8, {1, 32, 32, 8});
  HostTensor w = HostTensor::allocate(ElementType::I8, {8, 3, 3, 8});
  for (int i = 0; i < 32 * 32 * 8; ++i)
    x.data<int8_t>()[i] = static_cast<int8_t>(i * 7);
  for (int i = 0; i < 8 * 9 * 8; ++i)
    w.data<int8_t>()[i] = static_cast<int8_t>(i * 13);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(bool(jit->run({x, w})));
  size_t before = residentBytes();
  for (int i = 0; i < 1000; ++i) {
    auto out = jit->run({x, w});
    ASSERT_TRUE(bool(out));
  }
  size_t after = residentBytes();
  EXPECT_LT(after, before + (16u << 20))
      << "RSS grew from " << before << " to " << after << " bytes";
}

/// A dense literal (hex) of `n` bytes in [-127, 127] from a small linear
/// congruential sequence.
std::string byteLiteral(int n, unsigned seed) {
  std::string text = "dense<\"0x";
  for (int i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    auto byte = static_cast<uint8_t>(int((seed >> 16) % 255) - 127);
    const char *digits = "0123456789ABCDEF";
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text + "\">";
}

TEST_F(JITTest, FastCodegenMatchesReference) {
  // A quantized 3x3 convolution (constant weights: the fast kernels), relu,
  // max pooling and a dense layer, on inputs covering all 256 byte values.
  std::string source = R"mlir(
!in = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32, 0.004>
!a = !quant.uniform<i8:f32, 0.2:7>
!o = !quant.uniform<i8:f32, 0.5:-2>
func.func @main(%x: tensor<2x9x9x6x!in>) -> tensor<2x11x!o> {
  %wc = arith.constant )mlir" +
                       byteLiteral(20 * 9 * 6, 1) +
                       R"mlir( : tensor<20x3x3x6xi8>
  %w = quant.scast %wc : tensor<20x3x3x6xi8> to tensor<20x3x3x6x!w>
  %0 = qnn.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x9x9x6x!in>, tensor<20x3x3x6x!w>) -> tensor<2x9x9x20x!a>
  %1 = qnn.relu %0 : tensor<2x9x9x20x!a>
  %2 = qnn.max_pool2d %1 {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>} : (tensor<2x9x9x20x!a>) -> tensor<2x3x3x20x!a>
  %3 = qnn.reshape %2 : (tensor<2x3x3x20x!a>) -> tensor<2x180x!a>
  %dc = arith.constant )mlir" +
                       byteLiteral(11 * 180, 2) + R"mlir( : tensor<11x180xi8>
  %d = quant.scast %dc : tensor<11x180xi8> to tensor<11x180x!w>
  %4 = qnn.dense %3, %d : (tensor<2x180x!a>, tensor<11x180x!w>) -> tensor<2x11x!o>
  return %4 : tensor<2x11x!o>
})mlir";
  HostTensor x = HostTensor::allocate(ElementType::I8, {2, 9, 9, 6});
  for (int i = 0; i < 2 * 9 * 9 * 6; ++i)
    x.data<int8_t>()[i] = static_cast<int8_t>(i * 37);

  JITOptions reference, fast, noVNNI;
  reference.codegen = CPUCodegen::Reference;
  noVNNI.cpuFeatures = "-avx512vnni";
  auto expected = compile(source, "main", reference)->run({x});
  ASSERT_TRUE(bool(expected)) << llvm::toString(expected.takeError());
  std::set<int> distinct;
  for (int i = 0; i < 22; ++i)
    distinct.insert((*expected)[0].data<int8_t>()[i]);
  EXPECT_GT(distinct.size(), 8u) << "a degenerate test: few distinct outputs";
  for (const JITOptions *options : {&fast, &noVNNI}) {
    auto jit = compile(source, "main", *options);
    ASSERT_TRUE(jit);
    auto out = jit->run({x});
    ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
    for (int i = 0; i < 22; ++i)
      EXPECT_EQ((*out)[0].data<int8_t>()[i], (*expected)[0].data<int8_t>()[i])
          << "element " << i << " with cpuFeatures '" << options->cpuFeatures
          << "'";
  }
}

TEST_F(JITTest, CPUFeatureErrors) {
  auto module = parse(kAddModule);
  JITOptions options;
  options.cpuFeatures = "+avx512vnni,-nosuchfeature";
  std::string e =
      errorOf(JITModule::compile(*module, "main", options).takeError());
  EXPECT_EQ(e, "unknown CPU feature 'nosuchfeature' (expected an LLVM "
               "feature name of this host, e.g. avx512vnni)");
}

} // namespace
