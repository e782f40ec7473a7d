//===- SimProgramBuilder.h - simulator programs for the NPU tests -*- C++ -*-===//
//
// Builds the programs the NPU unit tests run and serialize: one segment
// between quantize + transfer of each input and transfer + dequantize of
// the result, on a 4x4 test accelerator. Shared by ArtifactTest and
// TilingTest.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_UNITTESTS_DIALECT_NPU_SIMPROGRAMBUILDER_H
#define QMLIR_UNITTESTS_DIALECT_NPU_SIMPROGRAMBUILDER_H

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qmlir::npu::testing {

inline SimTensor tensor(ElementType type, std::vector<int64_t> shape,
                        int64_t bits,
                        std::optional<SimQuant> quant = std::nullopt) {
  SimTensor t;
  t.name = "t";
  t.type = type;
  t.shape = std::move(shape);
  t.bits = bits;
  t.quant = quant;
  return t;
}

/// A program of one segment: quantize each input, the ops, dequantize the
/// result. Tensors are numbered as they are added: per input the float
/// input, its quantized form and its accelerator copy; then the segment's
/// own tensors (addTensor); then the result's host copy and its float form.
struct ProgramBuilder {
  ProgramBuilder() { p.hardware = {"test", 4, 4, 100.0, 0}; }
  SimProgram p;
  /// The quantization of inputs and the result unless given.
  SimQuant q{0.05, -3, -128, 127, {}, {}};
  std::vector<int64_t> segIn;

  /// Adds a float input quantized with `quant` (default `q`); returns its
  /// accelerator copy, which the ops read.
  int64_t addInput(std::vector<int64_t> shape,
                   std::optional<SimQuant> quant = std::nullopt) {
    int64_t f = static_cast<int64_t>(p.tensors.size());
    p.tensors.push_back(tensor(ElementType::F32, shape, 0));
    p.tensors.push_back(tensor(ElementType::I8, shape, 8, quant.value_or(q)));
    p.tensors.push_back(tensor(ElementType::I8, shape, 8));
    p.inputs.push_back(f);
    SimStep s;
    s.kind = SimStepKind::Quantize;
    s.inputs = {f};
    s.outputs = {f + 1};
    p.steps.push_back(s);
    SimStep t;
    t.kind = SimStepKind::Transfer;
    t.toAccelerator = true;
    t.inputs = {f + 1};
    t.outputs = {f + 2};
    p.steps.push_back(t);
    segIn.push_back(f + 2);
    return f + 2;
  }
  /// An int8 tensor on the accelerator.
  int64_t addTensor(std::vector<int64_t> shape) {
    p.tensors.push_back(tensor(ElementType::I8, shape, 8));
    return static_cast<int64_t>(p.tensors.size()) - 1;
  }
  /// The segment of `ops`, then `result` back to the host, dequantized with
  /// `quant` (default `q`): the program's one output.
  SimProgram finish(std::vector<SimOp> ops, int64_t result,
                    std::optional<SimQuant> quant = std::nullopt) {
    SimStep seg;
    seg.kind = SimStepKind::Segment;
    seg.inputs = segIn;
    seg.outputs = {result};
    seg.ops = std::move(ops);
    p.steps.push_back(seg);
    std::vector<int64_t> shape = p.tensors[result].shape;
    p.tensors.push_back(tensor(ElementType::I8, shape, 8, quant.value_or(q)));
    p.tensors.push_back(tensor(ElementType::F32, shape, 0));
    int64_t back = static_cast<int64_t>(p.tensors.size()) - 2;
    SimStep t;
    t.kind = SimStepKind::Transfer;
    t.inputs = {result};
    t.outputs = {back};
    p.steps.push_back(t);
    SimStep d;
    d.kind = SimStepKind::Dequantize;
    d.inputs = {back};
    d.outputs = {back + 1};
    p.steps.push_back(d);
    p.outputs = {back + 1};
    return p;
  }
};

/// Every flip of a byte (all bits, the lowest, the highest) and every
/// truncation of the artifact `good`: refused with a one-line error naming
/// the file, or read into a program that `run` runs (which must not crash;
/// it may fail cleanly). Some of each must occur.
inline void
expectDamagedFilesNeverCrash(const std::string &good,
                             llvm::function_ref<void(const SimProgram &)> run) {
  int refused = 0, read = 0;
  auto check = [&](const std::string &bytes) {
    auto loaded = loadArtifact(llvm::MemoryBufferRef(bytes, "bad.qart"));
    if (!loaded) {
      std::string message = llvm::toString(loaded.takeError());
      EXPECT_EQ(message.rfind("bad.qart: ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      ++refused;
      return;
    }
    ++read;
    run(loaded->program);
  };
  for (size_t i = 0; i < good.size(); ++i)
    for (uint8_t mask : {0xFF, 0x01, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      check(bad);
    }
  for (size_t n = 0; n < good.size(); ++n)
    check(good.substr(0, n));
  EXPECT_GT(refused, 0);
  EXPECT_GT(read, 0); // flips inside weight data stay readable
}

} // namespace qmlir::npu::testing

#endif // QMLIR_UNITTESTS_DIALECT_NPU_SIMPROGRAMBUILDER_H
