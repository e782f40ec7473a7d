//===- CostModel.cpp - the simulator's cycle and memory model -------------===//
//
// The cost of every accelerator layer from the program's shapes and bit
// widths alone (docs/Targets.md, "Simulator"): what `simulate` reports and
// what a model summary shows before anything runs.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include "qmlir/Dialect/NPU/IR/Tiling.h"

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

int64_t packed(int64_t n, int64_t bits) { return packedBytes(n, bits); }

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Per-axis activations: the per-channel zero points of a rescale and the
/// per-channel bounds of a clamp, at their tensors' widths (conv2d and
/// dense count theirs with the weights, Tiling.h).
int64_t channelParamBytes(const SimOp &op) {
  switch (op.kind) {
  case SimOpKind::Rescale:
    return packed(static_cast<int64_t>(op.inputZps.size()), op.inputBits) +
           packed(static_cast<int64_t>(op.outputZps.size()), op.outputBits);
  case SimOpKind::Clamp:
    return packed(static_cast<int64_t>(op.mins.size() + op.maxs.size()),
                  op.bits);
  default:
    return 0;
  }
}

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
  switch (op.kind) {
  case SimOpKind::Conv2d:
  case SimOpKind::Dense: {
    // Tile by tile (one tile when untiled): output channels across the
    // columns, the reduction across the rows; a partial tile costs a full
    // pass.
    LayerGeometry g = layerGeometry(program, op);
    int64_t tc = op.tileChannels ? op.tileChannels : g.O;
    int64_t tr = op.tileRows ? op.tileRows : g.OH;
    bool tiled = tc < g.O || tr < g.OH;
    int64_t reduction = g.KH * g.KW * g.CG;
    int64_t tiles = 0;
    for (int64_t r0 = 0; r0 < g.OH; r0 += tr)
      for (int64_t c0 = 0; c0 < g.O; c0 += tc) {
        int64_t r1 = std::min(g.OH, r0 + tr), c1 = std::min(g.O, c0 + tc);
        ++tiles;
        s.cycles += g.N * (r1 - r0) * g.OW * ceilDiv(c1 - c0, hw.macCols) *
                    ceilDiv(reduction, hw.macRows);
      }
    s.macs = g.N * g.OH * g.OW * g.O * reduction;
    // Untiled: the whole layer is on chip; tiled: the largest tile, and the
    // layer streams its weights and activations through off-chip memory.
    s.onChipBytes = tiled ? tileBytes(g, tc, tr) : wholeLayerBytes(g);
    if (tiled) {
      s.tiles = g.N * tiles;
      s.offChipBytes = tiledTrafficBytes(g, TilePlan{tc, tr});
    }
    break;
  }
  case SimOpKind::Clamp:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = 2 * packed(out, op.bits) + channelParamBytes(op);
    break;
  case SimOpKind::Rescale:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = packed(out, op.inputBits) + packed(out, op.outputBits) +
                    channelParamBytes(op);
    break;
  case SimOpKind::MaxPool2d:
  case SimOpKind::AvgPool2d:
    s.cycles = ceilDiv(out * op.kernel[0] * op.kernel[1], lanes);
    s.onChipBytes = packed(in, op.bits) + packed(out, op.bits);
    break;
  case SimOpKind::Add:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = 2 * packed(in, op.inputBits) + packed(out, op.outputBits);
    break;
  case SimOpKind::Pad:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = packed(in, op.bits) + packed(out, op.bits);
    break;
  case SimOpKind::Concat:
    s.cycles = ceilDiv(out, lanes);
    s.onChipBytes = 2 * packed(out, op.bits);
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

/// The weights (with their per-channel zero points) of a segment's untiled
/// layers (loaded once per run of the segment, i.e. per image) (tiled layers count their own traffic, LayerStats::offChipBytes)
/// and the per-channel parameters of its rescales and clamps.
int64_t segmentWeightBytes(const SimStep &seg) {
  int64_t bytes = 0;
  for (const SimOp &op : seg.ops) {
    bytes += channelParamBytes(op);
    if ((op.kind == SimOpKind::Conv2d || op.kind == SimOpKind::Dense) &&
        !op.tileChannels && !op.tileRows)
      bytes += packed(static_cast<int64_t>(op.weight.size()), op.weightBits) +
               4 * static_cast<int64_t>(op.bias.size()) +
               packed(static_cast<int64_t>(op.inputZps.size()), op.inputBits) +
               packed(static_cast<int64_t>(op.outputZps.size()),
                      op.outputBits);
  }
  return bytes;
}

} // namespace

namespace {

/// The compiled batch N when every tensor an accelerator segment touches
/// has N as its first dimension (so the segment can run image by image);
/// 1 otherwise.
int64_t batchImages(const SimProgram &p) {
  if (p.inputs.empty() || p.tensors[p.inputs[0]].shape.empty())
    return 1;
  int64_t n = p.tensors[p.inputs[0]].shape[0];
  if (n <= 1)
    return 1;
  auto batched = [&](int64_t id) {
    const std::vector<int64_t> &shape = p.tensors[id].shape;
    return !shape.empty() && shape[0] == n;
  };
  for (const SimStep &step : p.steps) {
    if (step.kind != SimStepKind::Segment)
      continue;
    if (!llvm::all_of(step.inputs, batched) ||
        !llvm::all_of(step.outputs, batched))
      return 1;
    for (const SimOp &op : step.ops)
      if (!batched(op.input) || !batched(op.output) ||
          !llvm::all_of(op.inputs, batched))
        return 1;
  }
  return n;
}

SimStats costOfOneRun(const SimProgram &program);

} // namespace

SimStats npu::estimateCost(const SimProgram &program) {
  // A batch of N images runs as N runs of one image: the cost of one image
  // (the program with the batch dimension 1), N times; on-chip memory is
  // what one image needs.
  int64_t n = batchImages(program);
  if (n == 1)
    return costOfOneRun(program);
  SimProgram one = program;
  for (SimTensor &t : one.tensors)
    if (!t.shape.empty() && t.shape[0] == n)
      t.shape[0] = 1;
  SimStats stats = costOfOneRun(one);
  stats.images = n;
  stats.cycles *= n;
  stats.macs *= n;
  stats.offChipBytes *= n;
  for (LayerStats &l : stats.layers) {
    l.macs *= n;
    l.cycles *= n;
    l.tiles *= n;
    l.offChipBytes *= n;
  }
  return stats;
}

namespace {

SimStats costOfOneRun(const SimProgram &program) {
  SimStats stats;
  stats.runs = 1;
  for (const SimStep &step : program.steps) {
    if (step.kind == SimStepKind::CpuSegment) {
      ++stats.cpuSegmentRuns;
      stats.cpuMacs += step.cpuMacs;
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
    stats.offChipBytes += l.offChipBytes;
    if (l.tiles)
      ++stats.tiledLayers;
  }
  return stats;
}

} // namespace

LayerGeometry npu::layerGeometry(const SimProgram &program, const SimOp &op) {
  const std::vector<int64_t> &in = program.tensors[op.input].shape;
  const std::vector<int64_t> &out = program.tensors[op.output].shape;
  LayerGeometry g;
  g.inputBits = op.inputBits;
  g.weightBits = op.weightBits;
  g.outputBits = op.outputBits;
  g.bias = !op.bias.empty();
  g.inputZps = !op.inputZps.empty();
  g.outputZps = !op.outputZps.empty();
  if (op.kind == SimOpKind::Dense) {
    g.C = g.CG = op.weightShape[1];
    g.O = op.weightShape[0];
    g.H = g.OH = numel(in) / g.C;
    return g;
  }
  g.N = in[0];
  g.H = in[1];
  g.W = in[2];
  g.C = in[3];
  g.O = op.weightShape[0];
  g.KH = op.weightShape[1];
  g.KW = op.weightShape[2];
  g.CG = op.weightShape[3];
  g.OH = out[1];
  g.OW = out[2];
  g.strideH = op.strides[0];
  g.dilationH = op.dilations[0];
  g.padTop = op.padding[0];
  g.groups = op.groups;
  return g;
}
