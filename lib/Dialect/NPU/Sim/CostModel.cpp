//===- CostModel.cpp - the simulator's cycle and memory model -------------===//
//
// The cost of every accelerator layer from the program's shapes and bit
// widths alone (docs/Targets.md, "Simulator"): what `simulate` reports and
// what a model summary shows before anything runs.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include <algorithm>

using namespace qmlir;
using namespace qmlir::npu;

namespace {

int64_t numel(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Packed bytes of `n` values of `bits` bits.
int64_t packed(int64_t n, int64_t bits) { return (n * bits + 7) / 8; }

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

LayerStats layerCost(const SimProgram &program, const SimOp &op,
                     int64_t segment) {
  const SimHardware &hw = program.hardware;
  int64_t lanes = hw.macRows * hw.macCols;
  const std::vector<int64_t> &inShape = program.tensors[op.input].shape;
  const std::vector<int64_t> &outShape = program.tensors[op.output].shape;
  int64_t in = numel(inShape), out = numel(outShape);
  LayerStats s;
  s.name = op.name;
  s.op = opKindName(op.kind).str();
  s.segment = segment;
  int64_t weights = packed(static_cast<int64_t>(op.weight.size()),
                           op.weightBits) +
                    4 * static_cast<int64_t>(op.bias.size());
  switch (op.kind) {
  case SimOpKind::Conv2d: {
    int64_t O = op.weightShape[0], KH = op.weightShape[1],
            KW = op.weightShape[2], CG = op.weightShape[3];
    int64_t positions = outShape[0] * outShape[1] * outShape[2];
    s.macs = positions * O * KH * KW * CG;
    // Output channels across the columns, the reduction across the rows.
    s.cycles = positions * ceilDiv(O, hw.macCols) *
               ceilDiv(KH * KW * CG, hw.macRows);
    s.onChipBytes = weights + packed(in, op.inputBits) +
                    packed(out, op.outputBits);
    break;
  }
  case SimOpKind::Dense: {
    int64_t M = op.weightShape[0], K = op.weightShape[1];
    int64_t rows = in / K;
    s.macs = rows * M * K;
    s.cycles = rows * ceilDiv(M, hw.macCols) * ceilDiv(K, hw.macRows);
    s.onChipBytes = weights + packed(in, op.inputBits) +
                    packed(out, op.outputBits);
    break;
  }
  case SimOpKind::Clamp:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = 2 * packed(out, op.bits);
    break;
  case SimOpKind::Rescale:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = packed(out, op.inputBits) + packed(out, op.outputBits);
    break;
  case SimOpKind::MaxPool2d:
  case SimOpKind::AvgPool2d:
    s.cycles = ceilDiv(out * op.kernel[0] * op.kernel[1], lanes);
    s.onChipBytes = packed(in, op.bits) + packed(out, op.bits);
    break;
  case SimOpKind::Transpose:
  case SimOpKind::Reshape:
    break; // free: the layout is the addressing of the next op
  }
  return s;
}

/// Packed bytes of a segment boundary tensor for the traffic count.
int64_t boundaryBytes(const SimProgram &program, int64_t id) {
  const SimTensor &t = program.tensors[id];
  return packed(numel(t.shape), t.bits);
}

int64_t segmentWeightBytes(const SimStep &seg) {
  int64_t bytes = 0;
  for (const SimOp &op : seg.ops)
    if (op.kind == SimOpKind::Conv2d || op.kind == SimOpKind::Dense)
      bytes += packed(static_cast<int64_t>(op.weight.size()), op.weightBits) +
               4 * static_cast<int64_t>(op.bias.size());
  return bytes;
}

} // namespace

SimStats npu::estimateCost(const SimProgram &program) {
  SimStats stats;
  stats.runs = 1;
  for (const SimStep &step : program.steps) {
    if (step.kind == SimStepKind::CpuSegment) {
      ++stats.cpuSegmentRuns;
      continue;
    }
    if (step.kind != SimStepKind::Segment)
      continue;
    for (const SimOp &op : step.ops)
      stats.layers.push_back(layerCost(program, op, step.index));
    for (int64_t id : step.inputs)
      stats.offChipBytes += boundaryBytes(program, id);
    for (int64_t id : step.outputs)
      stats.offChipBytes += boundaryBytes(program, id);
    stats.offChipBytes += segmentWeightBytes(step);
  }
  for (const LayerStats &l : stats.layers) {
    stats.cycles += l.cycles;
    stats.macs += l.macs;
    stats.peakOnChipBytes = std::max(stats.peakOnChipBytes, l.onChipBytes);
  }
  return stats;
}
