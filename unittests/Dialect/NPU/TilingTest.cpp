//===- TilingTest.cpp - tiled layers, add and concat on the simulator -----===//
//
// The tiler (qmlir/Dialect/NPU/IR/Tiling.h): plans fit the memory they are
// made for, the whole layer when it fits, none when one output channel of
// one row does not. The simulator: every tiling of a conv2d and a dense
// produces exactly the untiled outputs, with the cycles and traffic of the
// documented formulas; add and concat compute the qmath rules; programs
// with tiles, adds and concats survive the artifact round trip.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/IR/Tiling.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"
#include "qmlir/Quant/QuantMath.h"

#include "SimProgramBuilder.h"

#include "llvm/Support/MemoryBufferRef.h"

#include <gtest/gtest.h>

#include <random>

using namespace qmlir;
using namespace qmlir::npu;
using namespace qmlir::npu::testing;

namespace {

std::vector<HostTensor> inputsFor(const SimProgram &p, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-7.0f, 7.0f);
  std::vector<HostTensor> inputs;
  for (int64_t id : p.inputs) {
    HostTensor t = HostTensor::allocate(ElementType::F32, p.tensors[id].shape);
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.data<float>()[i] = dist(rng);
    inputs.push_back(std::move(t));
  }
  return inputs;
}

std::vector<float> run(const SimProgram &p, SimStats &stats, unsigned seed) {
  llvm::Error e = verifyProgram(p, "test");
  EXPECT_FALSE(static_cast<bool>(e)) << llvm::toString(std::move(e));
  auto out = simulate(p, inputsFor(p, seed), {}, stats);
  if (!out) {
    ADD_FAILURE() << llvm::toString(out.takeError());
    return {};
  }
  const HostTensor &t = (*out)[0];
  return std::vector<float>(t.data<float>(), t.data<float>() + t.numElements());
}

/// A 3x3 conv (stride 2, padding 1) of a [2, 9, 7, 5] image to 11 channels
/// with random weights and biases, or a dense of 40 inputs to 13 outputs
/// over 6 rows.
SimProgram layerProgram(bool dense, int64_t tileChannels, int64_t tileRows) {
  ProgramBuilder b;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> w(-127, 127), bias(-3000, 3000);
  SimOp op;
  op.name = dense ? "fc" : "conv";
  op.inputZp = -3;
  op.inputBits = op.weightBits = op.outputBits = 8;
  op.outputZp = 2;
  op.qmin = -128;
  op.qmax = 127;
  op.tileChannels = tileChannels;
  op.tileRows = tileRows;
  int64_t out;
  if (dense) {
    op.kind = SimOpKind::Dense;
    op.input = b.addInput({6, 40});
    out = b.addTensor({6, 13});
    op.weightShape = {13, 40};
  } else {
    op.kind = SimOpKind::Conv2d;
    op.input = b.addInput({2, 9, 7, 5});
    out = b.addTensor({2, 5, 4, 11});
    op.weightShape = {11, 3, 3, 5};
    op.strides = {2, 2};
    op.padding = {1, 1, 1, 1};
    op.dilations = {1, 1};
  }
  op.output = out;
  int64_t n = op.weightShape[0] * op.weightShape[1] *
              (dense ? 1 : op.weightShape[2] * op.weightShape[3]);
  for (int64_t i = 0; i < n; ++i)
    op.weight.push_back(w(rng));
  for (int64_t o = 0; o < op.weightShape[0]; ++o) {
    op.bias.push_back(bias(rng));
    op.multiplier.push_back(1 << 30);
    op.shift.push_back(static_cast<int32_t>(38 + o % 3));
  }
  return b.finish({op}, out);
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

TEST(Tiling, PlanFitsOrIsWhole) {
  LayerGeometry g;
  g.N = 1;
  g.H = 28;
  g.W = 28;
  g.C = 16;
  g.O = 32;
  g.KH = g.KW = 3;
  g.CG = 16;
  g.OH = g.OW = 28;
  g.padTop = 1;
  g.bias = true;
  // 4608 + 128 bytes of weights and bias, 12544 in, 25088 out.
  EXPECT_EQ(wholeLayerBytes(g), 4608 + 128 + 12544 + 25088);
  auto whole = planTiles(g, 1 << 20, 16);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->channels, 32);
  EXPECT_EQ(whole->rows, 28);
  for (int64_t memory : {40000, 20000, 8000, 4000, 1600}) {
    auto plan = planTiles(g, memory, 16);
    ASSERT_TRUE(plan) << memory;
    EXPECT_LE(tileBytes(g, plan->channels, plan->rows), memory) << memory;
    EXPECT_LT(plan->channels * plan->rows, 32 * 28) << memory;
  }
  // One channel of one row: 144 weights + 4 bias + 3 input rows (1344) +
  // 28 outputs = 1520 bytes.
  EXPECT_EQ(tileBytes(g, 1, 1), 144 + 4 + 1344 + 28);
  EXPECT_TRUE(planTiles(g, 1520, 16));
  EXPECT_FALSE(planTiles(g, 1519, 16));
}

TEST(Tiling, InputRowsWithHalo) {
  LayerGeometry g;
  g.H = 9;
  g.KH = 3;
  g.strideH = 2;
  g.padTop = 1;
  g.OH = 5;
  // Output row 0 reads rows -1..1 (two inside), row 4 reads 7..9 (two).
  EXPECT_EQ(inputRowsOf(g, 0, 1), 2);
  EXPECT_EQ(inputRowsOf(g, 4, 1), 2);
  EXPECT_EQ(inputRowsOf(g, 1, 2), 5);
  EXPECT_EQ(inputRowsOf(g, 0, 5), 9);
}

TEST(Tiling, EveryTilingOfAConvIsBitExact) {
  SimStats base;
  std::vector<float> expected = run(layerProgram(false, 0, 0), base, 1);
  ASSERT_EQ(expected.size(), 2u * 5 * 4 * 11);
  ASSERT_EQ(base.layers.size(), 1u);
  EXPECT_EQ(base.layers[0].tiles, 0);
  for (int64_t tc = 1; tc <= 11; ++tc)
    for (int64_t tr = 1; tr <= 5; ++tr) {
      SimStats stats;
      std::vector<float> got = run(layerProgram(false, tc, tr), stats, 1);
      EXPECT_EQ(got, expected) << tc << " channels x " << tr << " rows";
      // Cycles of a 4x4 array over the tiles: N * rows * OW *
      // ceil(channels / 4) * ceil(3*3*5 / 4) per tile.
      int64_t cycles = 0;
      for (int64_t r0 = 0; r0 < 5; r0 += tr)
        for (int64_t c0 = 0; c0 < 11; c0 += tc)
          cycles += std::min(tr, 5 - r0) * 4 *
                    ceilDiv(std::min(tc, 11 - c0), 4) * ceilDiv(45, 4);
      const LayerStats &l = stats.layers[0];
      EXPECT_EQ(l.cycles, 2 * cycles);
      EXPECT_EQ(l.macs, base.layers[0].macs);
      bool tiled = tc < 11 || tr < 5;
      EXPECT_EQ(l.tiles, tiled ? 2 * ceilDiv(5, tr) * ceilDiv(11, tc) : 0);
      if (tiled) {
        // The batch of 2 runs as 2 runs of one image (docs/Targets.md,
        // "Batches"): one image's tile, twice its traffic.
        LayerGeometry g;
        g.N = 1;
        g.H = 9;
        g.W = 7;
        g.C = g.CG = 5;
        g.O = 11;
        g.KH = g.KW = 3;
        g.OH = 5;
        g.OW = 4;
        g.strideH = 2;
        g.padTop = 1;
        g.bias = true;
        EXPECT_EQ(l.onChipBytes, tileBytes(g, tc, tr));
        EXPECT_EQ(l.offChipBytes, 2 * tiledTrafficBytes(g, TilePlan{tc, tr}));
        EXPECT_GE(l.offChipBytes, 11 * 45 + 44) << "weights at least once";
      }
    }
}

TEST(Tiling, EveryTilingOfADenseIsBitExact) {
  SimStats base;
  std::vector<float> expected = run(layerProgram(true, 0, 0), base, 2);
  ASSERT_EQ(expected.size(), 6u * 13);
  for (int64_t tc = 1; tc <= 13; ++tc)
    for (int64_t tr = 1; tr <= 6; ++tr) {
      SimStats stats;
      EXPECT_EQ(run(layerProgram(true, tc, tr), stats, 2), expected)
          << tc << " channels x " << tr << " rows";
    }
}

TEST(Tiling, TilesSurviveTheArtifact) {
  Artifact a;
  a.program = layerProgram(false, 3, 2);
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "tiled.qart"));
  ASSERT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
  const SimOp &op = b->program.steps[2].ops[0];
  EXPECT_EQ(op.tileChannels, 3);
  EXPECT_EQ(op.tileRows, 2);
  // Out of range tiles are refused.
  a.program.steps[2].ops[0].tileChannels = 12;
  bytes = writeArtifact(a);
  auto c = loadArtifact(llvm::MemoryBufferRef(bytes, "bad.qart"));
  ASSERT_FALSE(static_cast<bool>(c));
  EXPECT_NE(llvm::toString(c.takeError()).find("tile of 12 channels"),
            std::string::npos);
}

namespace {

/// add(lhs, rhs) of two [2, 3, 3, 4] int8 tensors of scales 0.05 and
/// 0.0125, then concat(add, rhs) along the channels.
SimProgram addConcatProgram(qmath::AddRescale &r) {
  ProgramBuilder b;
  int64_t lhs = b.addInput({2, 3, 3, 4});
  int64_t rhs = b.addInput({2, 3, 3, 4});
  int64_t sum = b.addTensor({2, 3, 3, 4});
  int64_t cat = b.addTensor({2, 3, 3, 8});
  std::optional<qmath::AddRescale> rs = qmath::computeAddRescale(
      {0.05, -3, -128, 127}, {0.0125, -3, -128, 127}, 0.07, false);
  EXPECT_TRUE(rs);
  r = *rs;
  SimOp add;
  add.kind = SimOpKind::Add;
  add.name = "add";
  add.input = lhs;
  add.inputs = {lhs, rhs};
  add.output = sum;
  add.inputZp = -3;
  add.rhsZp = 5;
  add.inputBits = add.outputBits = 8;
  add.inputMultiplier = {rs->lhs.multiplier, rs->rhs.multiplier};
  add.inputShift = {rs->lhs.shift, rs->rhs.shift};
  add.multiplier = {rs->output.multiplier};
  add.shift = {rs->output.shift};
  add.outputZp = 1;
  add.qmin = -128;
  add.qmax = 127;
  SimOp concat;
  concat.kind = SimOpKind::Concat;
  concat.name = "concat";
  concat.input = sum;
  concat.inputs = {sum, rhs};
  concat.output = cat;
  concat.axis = 3;
  concat.bits = 8;
  return b.finish({add, concat}, cat);
}

} // namespace

TEST(AddConcat, SimulatorComputesTheQmathRules) {
  qmath::AddRescale r;
  SimProgram p = addConcatProgram(r);
  // Shift 20 for 8-bit inputs: lhs at the common scale 0.05 / 2^20.
  EXPECT_EQ(r.shift, 20);
  SimStats stats;
  std::vector<float> got = run(p, stats, 3);
  ASSERT_EQ(got.size(), 2u * 3 * 3 * 8);
  // Recompute from the quantized inputs (quantize with the program's
  // parameters: scale 0.05, zero point -3).
  std::vector<HostTensor> in = inputsFor(p, 3);
  auto q = [](float x) { return qmath::quantize(x, 0.05, -3, -128, 127); };
  for (int64_t i = 0; i < 2 * 3 * 3; ++i)
    for (int64_t c = 0; c < 8; ++c) {
      int64_t a = q(in[0].data<float>()[i * 4 + c % 4]);
      int64_t b = q(in[1].data<float>()[i * 4 + c % 4]);
      int64_t v = c < 4 ? qmath::addQuantized(a, b, -3, 5, r, 1, -128, 127)
                        : b;
      // Dequantized with the output's (the program's) parameters.
      EXPECT_EQ(got[i * 8 + c], qmath::dequantize(v, 0.05, -3))
          << "element " << i << " channel " << c;
    }
  // Round trip through the artifact: the same outputs.
  Artifact a;
  a.program = p;
  std::string bytes = writeArtifact(a);
  auto loaded = loadArtifact(llvm::MemoryBufferRef(bytes, "add.qart"));
  ASSERT_TRUE(static_cast<bool>(loaded)) << llvm::toString(loaded.takeError());
  SimStats stats2;
  EXPECT_EQ(run(loaded->program, stats2, 3), got);
}

TEST(AddConcat, InconsistentOpsAreRefused) {
  qmath::AddRescale r;
  SimProgram p = addConcatProgram(r);
  SimProgram bad = p;
  bad.steps.back().kind = SimStepKind::Dequantize; // keep shape
  SimOp &add = bad.steps[4].ops[0];
  add.inputs = {add.input};
  llvm::Error e = verifyProgram(bad, "bad");
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("add needs two inputs"),
            std::string::npos);
  bad = p;
  bad.steps[4].ops[1].axis = 4;
  e = verifyProgram(bad, "bad");
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("concat axis out of range"),
            std::string::npos);
  bad = p;
  bad.steps[4].ops[1].inputs = {bad.steps[4].ops[1].input};
  e = verifyProgram(bad, "bad");
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e))
                .find("concat inputs do not add up to the output"),
            std::string::npos);
}

TEST(AddConcat, SegmentsWithoutOutputsAreRefused) {
  qmath::AddRescale r;
  SimProgram bad = addConcatProgram(r);
  bad.steps[4].outputs.clear();
  llvm::Error e = verifyProgram(bad, "bad");
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e))
                .find("step 4: a segment needs at least one output"),
            std::string::npos);
}

TEST(AddRescale, LowersTheShiftWhenTheSumCouldOverflow) {
  // 16-bit storage: shift 15 by default; equal scales keep it.
  auto wide = qmath::computeAddRescale({1.0, 0, -32768, 32767},
                                       {1.0, 0, -32768, 32767}, 1.0, false);
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->shift, 15);
  EXPECT_LE(wide->sumHi, INT32_MAX);
  // 32-bit storage ranges cannot take any left shift.
  auto huge = qmath::computeAddRescale({1.0, 0, INT32_MIN, INT32_MAX},
                                       {1.0, 0, INT32_MIN, INT32_MAX}, 1.0,
                                       false);
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->shift, 0);
  // The result is the sum of the real values, rounded once (within one
  // step) for 8-bit inputs.
  auto r = qmath::computeAddRescale({0.05, -3, -128, 127},
                                    {0.0125, 5, -128, 127}, 0.07, false);
  ASSERT_TRUE(r);
  for (int64_t a = -128; a <= 127; a += 5)
    for (int64_t b = -128; b <= 127; b += 7) {
      double real = 0.05 * (a + 3) + 0.0125 * (b - 5);
      int64_t v = qmath::addQuantized(a, b, -3, 5, *r, 1, -128, 127);
      double exact = std::clamp(real / 0.07 + 1, -128.0, 127.0);
      EXPECT_LE(std::abs(double(v) - exact), 0.5 + 1e-3) << a << " " << b;
    }
}

TEST(AddConcat, DamagedFilesNeverCrash) {
  // The fields of format 1.2 (inputs, axis, rhs_zp, input rescales).
  qmath::AddRescale r;
  Artifact a;
  a.program = addConcatProgram(r);
  expectDamagedFilesNeverCrash(writeArtifact(a), [](const SimProgram &p) {
    SimStats stats;
    auto out = simulate(p, inputsFor(p, 5), {}, stats);
    if (!out)
      llvm::consumeError(out.takeError());
  });
}

TEST(Tiling, DamagedTiledFilesNeverCrash) {
  // Flips in the tile fields of a tiled conv: refused or run.
  Artifact a;
  a.program = layerProgram(false, 3, 2);
  std::string good = writeArtifact(a);
  int read = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    auto loaded = loadArtifact(llvm::MemoryBufferRef(bad, "bad.qart"));
    if (!loaded) {
      llvm::consumeError(loaded.takeError());
      continue;
    }
    ++read;
    SimStats stats;
    auto out =
        simulate(loaded->program, inputsFor(loaded->program, 6), {}, stats);
    if (!out)
      llvm::consumeError(out.takeError());
  }
  EXPECT_GT(read, 0);
}
