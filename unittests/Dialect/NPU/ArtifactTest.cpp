//===- ArtifactTest.cpp - .qart round trip and damaged files --------------===//
//
// A small program written by hand (quantize, a segment with a 4-bit conv, a
// reshape and an 8-bit dense, dequantize) is serialized and read back;
// then every single-byte corruption and every truncation of the file must
// be refused with an error or read into a program the simulator runs
// without crashing (what the fuzzer will check at scale). The same program
// checks the cycle model (estimateCost) and the summary rows by hand.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include "llvm/Support/MemoryBufferRef.h"
#include "llvm/TargetParser/Host.h"

#include "SimProgramBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace qmlir;
using namespace qmlir::npu;
using namespace qmlir::npu::testing;

namespace {

/// quantize, a segment with a 4-bit conv, a reshape and an 8-bit dense,
/// dequantize.
Artifact smallArtifact() {
  ProgramBuilder b;
  int64_t x = b.addInput({1, 4, 4, 1}, SimQuant{1.0 / 255, -128, -128, 127, {}, {}});
  int64_t c = b.addTensor({1, 4, 4, 2});
  int64_t flat = b.addTensor({1, 32});
  int64_t y = b.addTensor({1, 3});
  SimOp conv;
  conv.kind = SimOpKind::Conv2d;
  conv.name = "conv";
  conv.input = x;
  conv.output = c;
  conv.weightShape = {2, 3, 3, 1};
  for (int i = 0; i < 18; ++i)
    conv.weight.push_back(i % 16 - 8); // every 4-bit value
  conv.bias = {100, -100};
  conv.strides = {1, 1};
  conv.padding = {1, 1, 1, 1};
  conv.dilations = {1, 1};
  conv.inputZp = -128;
  conv.inputBits = 8;
  conv.weightBits = 4;
  conv.outputBits = 8;
  conv.qmin = -128;
  conv.qmax = 127;
  conv.multiplier = {1 << 30, 1 << 30};
  conv.shift = {36, 37};
  SimOp reshape;
  reshape.kind = SimOpKind::Reshape;
  reshape.name = "flatten";
  reshape.input = c;
  reshape.output = flat;
  SimOp dense;
  dense.kind = SimOpKind::Dense;
  dense.name = "fc";
  dense.input = flat;
  dense.output = y;
  dense.weightShape = {3, 32};
  for (int i = 0; i < 96; ++i)
    dense.weight.push_back((i * 37) % 255 - 127);
  dense.inputBits = 8;
  dense.weightBits = 8;
  dense.outputBits = 8;
  dense.qmin = -128;
  dense.qmax = 127;
  dense.multiplier = {1 << 30};
  dense.shift = {40};
  Artifact a;
  a.program = b.finish({conv, reshape, dense}, y, SimQuant{0.05, 0, -128, 127, {}, {}});
  return a;
}

llvm::Expected<std::vector<HostTensor>> runOnce(const SimProgram &p) {
  std::vector<HostTensor> inputs;
  for (int64_t id : p.inputs) {
    HostTensor t = HostTensor::allocate(ElementType::F32, p.tensors[id].shape);
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.data<float>()[i] = static_cast<float>(i % 7) * 0.1f;
    inputs.push_back(std::move(t));
  }
  SimStats stats;
  return simulate(p, inputs, {}, stats);
}

TEST(Artifact, RoundTrip) {
  Artifact a = smallArtifact();
  ASSERT_FALSE(static_cast<bool>(verifyProgram(a.program, "test")));
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "small.qart"));
  ASSERT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
  EXPECT_EQ(b->formatMajor, kArtifactFormatMajor);
  ASSERT_EQ(b->program.steps.size(), a.program.steps.size());
  const SimOp &c = b->program.steps[2].ops[0];
  EXPECT_EQ(c.weight, a.program.steps[2].ops[0].weight); // 4-bit packing
  EXPECT_EQ(c.shift, a.program.steps[2].ops[0].shift);
  EXPECT_EQ(b->program.steps[2].ops[2].weight,
            a.program.steps[2].ops[2].weight);
  EXPECT_EQ(b->program.tensors[1].quant->zeroPoint, -128);
  // The 18 4-bit conv weights take 9 bytes.
  auto x = runOnce(a.program), y = runOnce(b->program);
  ASSERT_TRUE(static_cast<bool>(x)) << llvm::toString(x.takeError());
  ASSERT_TRUE(static_cast<bool>(y)) << llvm::toString(y.takeError());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ((*x)[0].data<float>()[i], (*y)[0].data<float>()[i]);
}

// The cycle model from the program alone (estimateCost) on the 4x4 MAC
// array, by hand: conv 16 positions x 2 channels x 9 taps = 288 MACs in
// 16 * ceil(2/4) * ceil(9/4) = 48 cycles, on chip 9 (4-bit weights) + 8
// (bias) + 16 (input) + 32 (output) bytes; reshape free; dense 96 MACs in
// ceil(3/4) * ceil(32/4) = 8 cycles, on chip 96 + 32 + 3. Off chip: the
// segment's input (16) and output (3) and its weights and bias (113). The
// simulator reports the same figures after running.
TEST(CostModel, FromShapesAndBitWidths) {
  Artifact a = smallArtifact();
  SimStats cost = estimateCost(a.program);
  ASSERT_EQ(cost.layers.size(), 3u);
  EXPECT_EQ(cost.layers[0].macs, 288);
  EXPECT_EQ(cost.layers[0].cycles, 48);
  EXPECT_EQ(cost.layers[0].onChipBytes, 65);
  EXPECT_EQ(cost.layers[1].cycles, 0);
  EXPECT_EQ(cost.layers[2].macs, 96);
  EXPECT_EQ(cost.layers[2].cycles, 8);
  EXPECT_EQ(cost.layers[2].onChipBytes, 131);
  EXPECT_EQ(cost.macs, 384);
  EXPECT_EQ(cost.cycles, 56);
  EXPECT_EQ(cost.peakOnChipBytes, 131);
  EXPECT_EQ(cost.offChipBytes, 132);
  EXPECT_EQ(cost.cpuSegmentRuns, 0);
  std::vector<HostTensor> inputs;
  inputs.push_back(HostTensor::allocate(ElementType::F32, {3, 4, 4, 1}));
  std::fill_n(inputs[0].data<float>(), 48, 0.5f);
  SimStats ran;
  auto out = simulate(a.program, inputs, {}, ran);
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  EXPECT_EQ(ran.runs, 3);
  EXPECT_EQ(ran.cycles, cost.cycles);
  EXPECT_EQ(ran.offChipBytes, cost.offChipBytes);
  EXPECT_EQ(ran.layers.size(), cost.layers.size());
}

// A batch of N images runs as N runs of one image: MACs, cycles, traffic
// N times those of one image, on-chip bytes those of one image (before,
// the whole batch's activations were charged on chip at once); the values
// are those of N separate images.
TEST(CostModel, BatchRunsImageByImage) {
  Artifact a = smallArtifact();
  SimStats one = estimateCost(a.program);
  SimProgram batched = a.program;
  for (SimTensor &t : batched.tensors)
    t.shape[0] = 3;
  ASSERT_FALSE(static_cast<bool>(verifyProgram(batched, "batched")));
  SimStats three = estimateCost(batched);
  EXPECT_EQ(one.images, 1);
  EXPECT_EQ(three.images, 3);
  EXPECT_EQ(three.macs, 3 * one.macs);
  EXPECT_EQ(three.cycles, 3 * one.cycles);
  EXPECT_EQ(three.offChipBytes, 3 * one.offChipBytes);
  EXPECT_EQ(three.peakOnChipBytes, one.peakOnChipBytes);
  ASSERT_EQ(three.layers.size(), one.layers.size());
  for (size_t i = 0; i < one.layers.size(); ++i) {
    EXPECT_EQ(three.layers[i].onChipBytes, one.layers[i].onChipBytes);
    EXPECT_EQ(three.layers[i].cycles, 3 * one.layers[i].cycles);
  }
  HostTensor x = HostTensor::allocate(ElementType::F32, {3, 4, 4, 1});
  for (int64_t i = 0; i < x.numElements(); ++i)
    x.data<float>()[i] = static_cast<float>(i % 11) * 0.09f;
  SimStats ran;
  auto out = simulate(batched, {x}, {}, ran);
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  EXPECT_EQ(ran.images, 3);
  for (int64_t n = 0; n < 3; ++n) {
    HostTensor xn = HostTensor::allocate(ElementType::F32, {1, 4, 4, 1});
    std::copy_n(x.data<float>() + 16 * n, 16, xn.data<float>());
    SimStats s;
    auto yn = simulate(a.program, {xn}, {}, s);
    ASSERT_TRUE(static_cast<bool>(yn)) << llvm::toString(yn.takeError());
    for (int64_t i = 0; i < 3; ++i)
      EXPECT_EQ((*out)[0].data<float>()[3 * n + i], (*yn)[0].data<float>()[i]);
  }
  // A segment tensor without the batch as its first dimension (here the
  // flatten of all images into one row): the batch is charged at once.
  SimProgram merged = a.program;
  for (SimTensor &t : merged.tensors)
    t.shape[0] = 2;
  merged.tensors[4].shape = {1, 64};
  merged.tensors[5].shape = {2, 3};
  merged.steps[2].ops[2].weightShape = {3, 32};
  SimStats whole = estimateCost(merged);
  EXPECT_EQ(whole.images, 1);
  EXPECT_GT(whole.peakOnChipBytes, one.peakOnChipBytes);
}

// describeProgram: one row per host step and npu op, bit widths as text.
TEST(CostModel, ProgramRows) {
  auto rows = describeProgram(smallArtifact().program);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].op, "quantize");
  EXPECT_EQ(rows[0].inputBits, "f32");
  EXPECT_EQ(rows[2].device, "npu 0");
  EXPECT_EQ(rows[2].op, "npu.conv2d");
  EXPECT_EQ(rows[2].weightBits, "4");
  EXPECT_EQ(rows[2].accBits, "32");
  EXPECT_EQ(rows[2].kernelShape, (std::vector<int64_t>{2, 3, 3, 1}));
  EXPECT_EQ(rows[3].weightBits, "");
  EXPECT_EQ(rows[6].outputBits, "f32");
}

TEST(Artifact, DamagedFilesNeverCrash) {
  expectDamagedFilesNeverCrash(
      writeArtifact(smallArtifact()), [](const SimProgram &p) {
        // Whatever passed verification must run (or fail cleanly).
        auto out = runOnce(p);
        if (!out)
          llvm::consumeError(out.takeError());
      });
}

TEST(Artifact, MisalignedBytesAreRead) {
  std::string bytes = " " + writeArtifact(smallArtifact());
  auto b = loadArtifact(
      llvm::MemoryBufferRef(llvm::StringRef(bytes).drop_front(), "odd.qart"));
  EXPECT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
}

TEST(Artifact, NewerMajorIsRefused) {
  Artifact a = smallArtifact();
  a.formatMajor = kArtifactFormatMajor + 1;
  a.formatMinor = 4;
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "new.qart"));
  ASSERT_FALSE(static_cast<bool>(b));
  EXPECT_EQ(llvm::toString(b.takeError()),
            "new.qart: artifact format version 2.4 is newer than this "
            "reader's 1.3 (a different major version): use a newer qmlir");
  // A newer minor version of this major is read.
  a.formatMajor = kArtifactFormatMajor;
  bytes = writeArtifact(a);
  auto c = loadArtifact(llvm::MemoryBufferRef(bytes, "minor.qart"));
  EXPECT_TRUE(static_cast<bool>(c)) << llvm::toString(c.takeError());
}

TEST(Artifact, UnknownOpKindNamesTheNewerVersion) {
  // An op kind this reader does not know, in a file of a newer minor
  // version: refused, naming both versions; in a file of this version:
  // refused as damaged.
  Artifact a = smallArtifact();
  a.program.steps[2].ops[1].kind = static_cast<SimOpKind>(11);
  a.formatMinor = kArtifactFormatMinor + 1;
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "m.qart"));
  ASSERT_FALSE(static_cast<bool>(b));
  EXPECT_EQ(llvm::toString(b.takeError()),
            "m.qart: step 2: unknown op kind 11 (the file is format 1.4, "
            "newer than this reader's 1.3: use a newer qmlir)");
  a.formatMinor = kArtifactFormatMinor;
  bytes = writeArtifact(a);
  auto c = loadArtifact(llvm::MemoryBufferRef(bytes, "m.qart"));
  ASSERT_FALSE(static_cast<bool>(c));
  EXPECT_EQ(llvm::toString(c.takeError()),
            "m.qart: step 2: unknown op kind 11");
}

TEST(Artifact, HugeTensorIsRefusedBeforeSimulation) {
  // 2^30 elements pass the format's element bound but would take 8 GiB in
  // the simulator: refused against the tensor limit, naming the tensor.
  Artifact a = smallArtifact();
  a.program.tensors[0].shape = {1, 32768, 32768, 1};
  a.program.tensors[0].name = "images";
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "huge.qart"));
  ASSERT_FALSE(static_cast<bool>(b));
  std::string message = llvm::toString(b.takeError());
  EXPECT_NE(message.find("huge.qart"), std::string::npos) << message;
  EXPECT_NE(message.find("tensor 'images' has shape 1x32768x32768x1"),
            std::string::npos)
      << message;
}

TEST(Artifact, CodeForMissingCpuFeaturesIsRefused) {
  // The feature list survives the file; a feature this machine lacks is
  // refused before the code is loaded (it would die of SIGILL).
  Artifact a = smallArtifact();
  CpuSegmentCode code;
  code.symbolPrefix = "seg0";
  code.hostTriple = llvm::sys::getProcessTriple();
  code.hostCPU = "future-cpu";
  code.cpuFeatures = {"qmlir-test-feature"};
  code.sharedObject = "not loaded";
  a.cpuSegments.push_back(code);
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "future.qart"));
  ASSERT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
  ASSERT_EQ(b->cpuSegments.size(), 1u);
  EXPECT_EQ(b->cpuSegments[0].cpuFeatures,
            std::vector<std::string>{"qmlir-test-feature"});
  auto loaded = loadCpuSegments(b->cpuSegments, "future.qart");
  ASSERT_FALSE(static_cast<bool>(loaded));
  EXPECT_EQ(llvm::toString(loaded.takeError()),
            "future.qart: CPU segment 0 was compiled for CPU feature "
            "'qmlir-test-feature' (on a 'future-cpu'), which this machine "
            "lacks: recompile it here (or with --cpu-features "
            "-qmlir-test-feature)");
}

TEST(Artifact, CpuSegmentLayersAreRecorded) {
  // Format 1.3: a CPU segment's layers (name, op, shape) are in the file,
  // so a summary of a loaded artifact lists them under the segment.
  Artifact a = smallArtifact();
  SimProgram &p = a.program;
  SimStep cpu;
  cpu.kind = SimStepKind::CpuSegment;
  cpu.inputs = {1};
  cpu.outputs = {6};
  cpu.cpuMacs = 384;
  cpu.cpuLayers = {{"conv", "qnn.conv2d", {1, 4, 4, 2}},
                   {"relu", "qnn.relu", {1, 4, 4, 2}},
                   {"fc", "qnn.dense", {1, 3}}};
  p.steps = {p.steps[0], cpu, p.steps[4]};
  p.numCpuSegments = 1;
  CpuSegmentCode code;
  code.symbolPrefix = "qart_cpu0";
  code.hostTriple = llvm::sys::getProcessTriple();
  code.sharedObject = "not loaded";
  a.cpuSegments = {code};
  std::string bytes = writeArtifact(a);
  auto b = loadArtifact(llvm::MemoryBufferRef(bytes, "mixed.qart"));
  ASSERT_TRUE(static_cast<bool>(b)) << llvm::toString(b.takeError());
  const std::vector<CpuLayerInfo> &layers = b->program.steps[1].cpuLayers;
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].name, "conv");
  EXPECT_EQ(layers[0].op, "qnn.conv2d");
  EXPECT_EQ(layers[2].shape, (std::vector<int64_t>{1, 3}));
  std::vector<ProgramRow> rows = describeProgram(b->program);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[1].device, "cpu 0");
  EXPECT_EQ(rows[1].op, "compiled code");
  EXPECT_EQ(rows[2].device, "cpu 0");
  EXPECT_EQ(rows[2].layer, "conv");
  EXPECT_EQ(rows[2].op, "qnn.conv2d");
  EXPECT_EQ(rows[2].outputShape, (std::vector<int64_t>{1, 4, 4, 2}));
  EXPECT_EQ(rows[4].layer, "fc");
  // Damaged bytes: an error or a program, never a crash.
  int refused = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    auto c = loadArtifact(llvm::MemoryBufferRef(bad, "bad.qart"));
    if (!c) {
      ++refused;
      llvm::consumeError(c.takeError());
    } else {
      (void)describeProgram(c->program);
    }
  }
  EXPECT_GT(refused, 0);
}

} // namespace
