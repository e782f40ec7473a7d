//===- PerAxisTest.cpp - per-axis activations in the npu simulator --------===//
//
// A program written by hand with per-axis activations (docs/Quantization.md,
// "Per-axis activations"): a per-channel host quantize, a conv2d with one
// input zero point per input channel (and padding) and one output zero
// point per output channel, a per-channel clamp, a dense reading the
// per-channel tensor, a per-channel -> per-tensor rescale, per-channel and
// per-tensor dequantization. The simulator must equal a reference written
// here with the qmath rules and the convolution over an explicitly padded
// input (padding holds each channel's zero point, as the CPU lowering
// builds it); the artifact (format 1.3) must carry every per-channel
// field, refuse inconsistent ones, never crash on damaged bytes, and write
// the scalar fields so that a 1.2 reader, which ignores the vectors,
// refuses the file instead of misrunning it.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/IR/Tiling.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"
#include "qmlir/Quant/QuantMath.h"

#include "qart_generated.h"

#include "llvm/Support/MemoryBufferRef.h"

#include <gtest/gtest.h>

using namespace qmlir;
using namespace qmlir::npu;

namespace {

constexpr int64_t kIn = 2, kOut = 3, kRows = 9, kDense = 2;
const std::vector<double> kInScales = {0.1, 0.05}, kFcScales = {0.2, 0.3};
const std::vector<int64_t> kInZps = {-3, 7}, kConvZps = {1, -2, 5},
                           kFcZps = {3, -1}, kMaxs = {127, 100, 60};

SimTensor tensor(std::vector<int64_t> shape, ElementType type = ElementType::I8,
                 std::optional<SimQuant> quant = std::nullopt) {
  SimTensor t;
  t.name = "t" + std::to_string(shape.size());
  t.type = type;
  t.shape = std::move(shape);
  t.bits = type == ElementType::F32 ? 0 : 8;
  t.quant = std::move(quant);
  return t;
}

SimQuant perChannel(std::vector<double> scales, std::vector<int64_t> zps) {
  SimQuant q{scales[0], zps[0], -128, 127, scales, zps};
  return q;
}

qmath::Rescale rescale(double ratio) { return *qmath::computeRescale(ratio); }

SimOp requantOp(SimOpKind kind, std::string name, int64_t in, int64_t out,
                std::vector<double> ratios) {
  SimOp op;
  op.kind = kind;
  op.name = std::move(name);
  op.input = in;
  op.output = out;
  op.inputBits = op.weightBits = op.outputBits = 8;
  op.qmin = -128;
  op.qmax = 127;
  for (double r : ratios) {
    op.multiplier.push_back(rescale(r).multiplier);
    op.shift.push_back(rescale(r).shift);
  }
  return op;
}

/// quantize (per channel) -> transfer -> [conv2d -> clamp -> reshape ->
/// dense; clamp -> rescale] -> transfers -> dequantize x 2.
SimProgram perAxisProgram() {
  SimProgram p;
  p.hardware = {"test", 4, 4, 100.0, 0};
  SimQuant pt{0.25, 4, -128, 127, {}, {}};
  p.tensors = {tensor({1, 3, 3, kIn}, ElementType::F32),                  // 0
               tensor({1, 3, 3, kIn}, ElementType::I8,
                      perChannel(kInScales, kInZps)),                      // 1
               tensor({1, 3, 3, kIn}),                                    // 2
               tensor({1, 3, 3, kOut}),                                   // 3
               tensor({1, 3, 3, kOut}),                                   // 4
               tensor({kRows, kOut}),                                     // 5
               tensor({kRows, kDense}),                                   // 6
               tensor({1, 3, 3, kOut}),                                   // 7
               tensor({kRows, kDense}, ElementType::I8,
                      perChannel(kFcScales, kFcZps)),                      // 8
               tensor({1, 3, 3, kOut}, ElementType::I8, pt),              // 9
               tensor({kRows, kDense}, ElementType::F32),                 // 10
               tensor({1, 3, 3, kOut}, ElementType::F32)};                // 11
  p.inputs = {0};
  p.outputs = {10, 11};
  auto step = [](SimStepKind kind, std::vector<int64_t> in,
                 std::vector<int64_t> out, bool toAccelerator = false) {
    SimStep s;
    s.kind = kind;
    s.inputs = std::move(in);
    s.outputs = std::move(out);
    s.toAccelerator = toAccelerator;
    return s;
  };
  SimOp conv =
      requantOp(SimOpKind::Conv2d, "conv", 2, 3, {0.011, 0.023, 0.0071});
  conv.weightShape = {kOut, 3, 3, kIn};
  for (int i = 0; i < kOut * 9 * kIn; ++i)
    conv.weight.push_back((i * 53) % 255 - 127);
  conv.bias = {1000, -2000, 300};
  conv.strides = {1, 1};
  conv.padding = {1, 1, 1, 1};
  conv.dilations = {1, 1};
  conv.inputZp = kInZps[0];
  conv.inputZps = kInZps;
  conv.outputZp = kConvZps[0];
  conv.outputZps = kConvZps;
  SimOp clamp;
  clamp.kind = SimOpKind::Clamp;
  clamp.name = "relu";
  clamp.input = 3;
  clamp.output = 4;
  clamp.bits = 8;
  clamp.mins = kConvZps;
  clamp.maxs = kMaxs;
  clamp.min = clamp.mins[0];
  clamp.max = clamp.maxs[0];
  SimOp reshape;
  reshape.kind = SimOpKind::Reshape;
  reshape.name = "rows";
  reshape.input = 4;
  reshape.output = 5;
  SimOp dense = requantOp(SimOpKind::Dense, "fc", 5, 6, {0.02, 0.013});
  dense.weightShape = {kDense, kOut};
  dense.weight = {5, -7, 9, -11, 13, -15};
  dense.bias = {40, -50};
  dense.inputZp = kConvZps[0];
  dense.inputZps = kConvZps;
  dense.outputZp = kFcZps[0];
  dense.outputZps = kFcZps;
  SimOp down = requantOp(SimOpKind::Rescale, "down", 4, 7, {0.4, 0.8, 1.7});
  down.inputZp = kConvZps[0];
  down.inputZps = kConvZps;
  down.outputZp = 4;
  SimStep seg = step(SimStepKind::Segment, {2}, {6, 7});
  seg.ops = {conv, clamp, reshape, dense, down};
  p.steps = {step(SimStepKind::Quantize, {0}, {1}),
             step(SimStepKind::Transfer, {1}, {2}, true),
             seg,
             step(SimStepKind::Transfer, {6}, {8}),
             step(SimStepKind::Transfer, {7}, {9}),
             step(SimStepKind::Dequantize, {8}, {10}),
             step(SimStepKind::Dequantize, {9}, {11})};
  return p;
}

std::vector<float> input() {
  std::vector<float> x(3 * 3 * kIn);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = -1.5f + 0.37f * static_cast<float>(i); // beyond the ranges too
  return x;
}

/// The reference: the CPU integer path's rules, written out.
std::pair<std::vector<float>, std::vector<float>>
reference(const SimProgram &p) {
  const SimStep &seg = p.steps[2];
  const SimOp &conv = seg.ops[0], &dense = seg.ops[3], &down = seg.ops[4];
  std::vector<float> x = input();
  // Quantize per channel, then pad with each channel's zero point.
  std::vector<int64_t> padded(5 * 5 * kIn);
  for (int64_t h = 0; h < 5; ++h)
    for (int64_t w = 0; w < 5; ++w)
      for (int64_t c = 0; c < kIn; ++c) {
        bool inside = h >= 1 && h <= 3 && w >= 1 && w <= 3;
        padded[(h * 5 + w) * kIn + c] =
            inside ? qmath::quantize(x[((h - 1) * 3 + (w - 1)) * kIn + c],
                                     kInScales[c], kInZps[c], -128, 127)
                   : kInZps[c];
      }
  std::vector<int64_t> act(kRows * kOut);
  for (int64_t oh = 0; oh < 3; ++oh)
    for (int64_t ow = 0; ow < 3; ++ow)
      for (int64_t o = 0; o < kOut; ++o) {
        int64_t acc = conv.bias[o];
        for (int64_t kh = 0; kh < 3; ++kh)
          for (int64_t kw = 0; kw < 3; ++kw)
            for (int64_t c = 0; c < kIn; ++c)
              acc += (padded[((oh + kh) * 5 + ow + kw) * kIn + c] - kInZps[c]) *
                     conv.weight[((o * 3 + kh) * 3 + kw) * kIn + c];
        int64_t v = qmath::requantize(
            acc, 0, {conv.multiplier[o], conv.shift[o]}, kConvZps[o], -128,
            127);
        act[(oh * 3 + ow) * kOut + o] = std::clamp(v, kConvZps[o], kMaxs[o]);
      }
  std::vector<float> fc, flat;
  for (int64_t r = 0; r < kRows; ++r)
    for (int64_t m = 0; m < kDense; ++m) {
      int64_t acc = dense.bias[m];
      for (int64_t k = 0; k < kOut; ++k)
        acc += (act[r * kOut + k] - kConvZps[k]) * dense.weight[m * kOut + k];
      int64_t q = qmath::requantize(
          acc, 0, {dense.multiplier[m], dense.shift[m]}, kFcZps[m], -128, 127);
      fc.push_back(qmath::dequantize(q, kFcScales[m], kFcZps[m]));
    }
  for (size_t i = 0; i < act.size(); ++i) {
    size_t c = i % kOut;
    int64_t q = qmath::requantize(act[i], kConvZps[c],
                                  {down.multiplier[c], down.shift[c]}, 4,
                                  -128, 127);
    flat.push_back(qmath::dequantize(q, 0.25, 4));
  }
  return {fc, flat};
}

std::vector<std::vector<float>> run(const SimProgram &p) {
  HostTensor x = HostTensor::allocate(ElementType::F32, {1, 3, 3, kIn});
  std::vector<float> values = input();
  std::copy(values.begin(), values.end(), x.data<float>());
  SimStats stats;
  auto out = simulate(p, {x}, {}, stats);
  EXPECT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  std::vector<std::vector<float>> result;
  if (out)
    for (const HostTensor &t : *out)
      result.emplace_back(t.data<float>(), t.data<float>() + t.numElements());
  return result;
}

TEST(PerAxis, SimulatorMatchesTheReference) {
  SimProgram p = perAxisProgram();
  ASSERT_FALSE(static_cast<bool>(verifyProgram(p, "test")));
  auto [fc, flat] = reference(p);
  std::vector<std::vector<float>> out = run(p);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], fc);
  EXPECT_EQ(out[1], flat);
  // Not a vacuous check: the per-channel zero points change the result.
  SimProgram scalar = p;
  scalar.steps[2].ops[0].inputZps.clear();
  EXPECT_NE(run(scalar)[0], fc);
}

TEST(PerAxis, ArtifactCarriesEveryPerChannelField) {
  Artifact a;
  a.program = perAxisProgram();
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "pa.qart"));
  ASSERT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
  EXPECT_EQ(b->formatMinor, 3);
  const SimProgram &q = b->program;
  const SimOp &conv = q.steps[2].ops[0], &clamp = q.steps[2].ops[1];
  EXPECT_EQ(conv.inputZps, kInZps);
  EXPECT_EQ(conv.outputZps, kConvZps);
  EXPECT_EQ(conv.inputZp, kInZps[0]);
  EXPECT_EQ(clamp.mins, kConvZps);
  EXPECT_EQ(clamp.maxs, kMaxs);
  EXPECT_EQ(q.steps[2].ops[3].outputZps, kFcZps);
  EXPECT_EQ(q.tensors[1].quant->scales, kInScales);
  EXPECT_EQ(q.tensors[8].quant->zeroPoints, kFcZps);
  auto [fc, flat] = reference(q);
  std::vector<std::vector<float>> out = run(q);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], fc);
  EXPECT_EQ(out[1], flat);
}

TEST(PerAxis, OlderReadersRefuseInsteadOfMisrunning) {
  // A 1.2 reader ignores the per-channel vectors; the scalars it reads
  // instead are ones its verifier refuses.
  Artifact a;
  a.program = perAxisProgram();
  std::string bytes = writeArtifact(a);
  const qart::Artifact *root = qart::GetArtifact(bytes.data());
  const qart::Step *seg = root->steps()->Get(2);
  const qart::NpuOp *conv = seg->ops()->Get(0), *clamp = seg->ops()->Get(1);
  EXPECT_EQ(conv->input_zp(), INT64_MIN);
  EXPECT_EQ(conv->output_zp(), INT64_MIN);
  EXPECT_GT(clamp->min(), clamp->max());
  EXPECT_EQ(root->tensors()->Get(1)->quant()->scale(), 0.0);
  // What a 1.2 reader builds from these fields, checked by the rules it
  // shares with this reader.
  SimProgram old = a.program;
  for (SimOp &op : old.steps[2].ops) {
    if (!op.inputZps.empty())
      op.inputZp = INT64_MIN;
    if (!op.outputZps.empty())
      op.outputZp = INT64_MIN;
    if (!op.mins.empty())
      std::tie(op.min, op.max) = std::make_pair(int64_t(1), int64_t(0));
    op.inputZps.clear();
    op.outputZps.clear();
    op.mins.clear();
    op.maxs.clear();
  }
  llvm::Error e = verifyProgram(old, "old");
  EXPECT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  // Per-tensor programs keep their scalars (and load in 1.2 readers).
  SimProgram plain = a.program;
  plain.steps[2].ops[0].inputZps.clear();
  Artifact b;
  b.program = plain;
  std::string plainBytes = writeArtifact(b);
  EXPECT_EQ(qart::GetArtifact(plainBytes.data())
                ->steps()
                ->Get(2)
                ->ops()
                ->Get(0)
                ->input_zp(),
            kInZps[0]);
}

TEST(PerAxis, InconsistentFieldsAreRefused) {
  auto refused = [](SimProgram p, const char *what,
                    const char *says = "bad.qart") {
    llvm::Error e = verifyProgram(p, "bad.qart");
    EXPECT_TRUE(static_cast<bool>(e)) << what;
    std::string message = llvm::toString(std::move(e));
    EXPECT_NE(message.find("bad.qart"), std::string::npos) << message;
    EXPECT_NE(message.find(says), std::string::npos) << message;
  };
  SimProgram p = perAxisProgram();
  p.steps[2].ops[0].inputZps.push_back(0);
  refused(p, "one input zero point too many");
  p = perAxisProgram();
  p.steps[2].ops[0].outputZps.pop_back();
  refused(p, "one output zero point too few");
  p = perAxisProgram();
  p.steps[2].ops[1].maxs[1] = -100;
  refused(p, "a min above its max");
  p = perAxisProgram();
  p.steps[2].ops[1].maxs.pop_back();
  refused(p, "bounds of different lengths");
  p = perAxisProgram();
  p.steps[2].ops[2].inputZps = {1, 2, 3};
  refused(p, "zero points on a reshape");
  p = perAxisProgram();
  p.tensors[7].shape = {1, 3, 1, 9}; // same count, other channels
  p.steps[2].ops[4].outputZps.assign(9, 0);
  refused(p, "rescale output zero points for other channels",
          "different input and output channels");
  p = perAxisProgram();
  p.tensors[6].shape = {2, kRows};
  p.steps[2].ops[3].outputZps.assign(kRows, 0);
  refused(p, "dense output zero points for other channels",
          "dense output whose last dimension is the outputs");
  p = perAxisProgram();
  p.tensors[1].quant->scales[1] = -0.5;
  refused(p, "a negative channel scale");
  p = perAxisProgram();
  p.tensors[8].quant->zeroPoints.push_back(0);
  refused(p, "more zero points than channels");
}

TEST(PerAxis, DamagedFilesNeverCrash) {
  Artifact a;
  a.program = perAxisProgram();
  std::string good = writeArtifact(a);
  int refused = 0, read = 0;
  auto check = [&](const std::string &bytes) {
    auto loaded = loadArtifact(llvm::MemoryBufferRef(bytes, "bad.qart"));
    if (!loaded) {
      std::string message = llvm::toString(loaded.takeError());
      EXPECT_EQ(message.rfind("bad.qart: ", 0), 0u) << message;
      ++refused;
      return;
    }
    ++read;
    HostTensor x = HostTensor::allocate(ElementType::F32, {1, 3, 3, kIn});
    SimStats stats;
    auto out = simulate(loaded->program, {x}, {}, stats);
    if (!out)
      llvm::consumeError(out.takeError());
  };
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    check(bad);
  }
  for (size_t n = 0; n < good.size(); n += 3)
    check(good.substr(0, n));
  EXPECT_GT(refused, 0);
  EXPECT_GT(read, 0);
}

TEST(PerAxis, CostModelCountsThePerChannelParameters) {
  SimProgram p = perAxisProgram();
  SimStats with = estimateCost(p);
  SimProgram q = perAxisProgram();
  for (SimOp &op : q.steps[2].ops) {
    op.inputZps.clear();
    op.outputZps.clear();
    op.mins.clear();
    op.maxs.clear();
  }
  SimStats without = estimateCost(q);
  ASSERT_EQ(with.layers.size(), without.layers.size());
  // conv: 2 input + 3 output zero points; clamp: 3 + 3 bounds; dense: 3 + 2;
  // rescale: 3 input zero points (8 bits each).
  int64_t extra[] = {5, 6, 0, 5, 3};
  for (size_t i = 0; i < with.layers.size(); ++i)
    EXPECT_EQ(with.layers[i].onChipBytes - without.layers[i].onChipBytes,
              extra[i])
        << with.layers[i].name;
  EXPECT_EQ(with.offChipBytes - without.offChipBytes, 5 + 6 + 5 + 3);
  EXPECT_EQ(with.cycles, without.cycles);
  // The tiler sees them too: a tile needs every input zero point and its
  // channels' output zero points.
  LayerGeometry g = layerGeometry(p, p.steps[2].ops[0]);
  EXPECT_TRUE(g.inputZps && g.outputZps);
  LayerGeometry h = g;
  h.inputZps = h.outputZps = false;
  EXPECT_EQ(tileBytes(g, 2, 1) - tileBytes(h, 2, 1), kIn + 2);
  EXPECT_EQ(wholeLayerBytes(g) - wholeLayerBytes(h), kIn + kOut);
}

} // namespace
