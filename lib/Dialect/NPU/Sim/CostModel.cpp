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
#include <optional>

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

/// Row tiling of a layer other than conv2d/dense whose one image does not
/// fit on chip (docs/Targets.md, "Tiling"): NHWC tensors, tiles of output
/// rows, each tile holding the input rows its outputs read (pooling: with
/// the window's halo; pad: the rows inside the image) and its outputs. The
/// values do not change (every output row depends only on those rows); the
/// layer streams its input and output through off-chip memory instead.
struct RowTiling {
  int64_t rows = 0;     ///< output rows per tile
  int64_t tiles = 0;    ///< per run (every image)
  int64_t bytes = 0;    ///< on chip, the largest tile
  int64_t traffic = 0;  ///< input rows read (halo included), outputs written
};

std::optional<RowTiling> tileRows(const SimProgram &program, const SimOp &op,
                                  int64_t memoryBytes) {
  const std::vector<int64_t> &y = program.tensors[op.output].shape;
  if (y.size() != 4 || op.kind == SimOpKind::Conv2d ||
      op.kind == SimOpKind::Dense || op.kind == SimOpKind::Reshape ||
      op.kind == SimOpKind::Transpose)
    return std::nullopt;
  // Every input must be NHWC with the output's rows, but pools and pad,
  // which map rows through their window / padding; concat not along rows.
  std::vector<int64_t> inputs =
      op.inputs.empty() ? std::vector<int64_t>{op.input} : op.inputs;
  bool window = op.kind == SimOpKind::MaxPool2d ||
                op.kind == SimOpKind::AvgPool2d || op.kind == SimOpKind::Pad;
  if (op.kind == SimOpKind::Concat && op.axis <= 1)
    return std::nullopt;
  if (op.kind == SimOpKind::Pad && (op.padding.size() != 8 ||
                                    op.padding[0] != 0 || op.padding[1] != 0))
    return std::nullopt;
  for (int64_t id : inputs) {
    const std::vector<int64_t> &x = program.tensors[id].shape;
    if (x.size() != 4 || x[0] != y[0] || (!window && x[1] != y[1]))
      return std::nullopt;
  }
  int64_t N = y[0], OH = y[1];
  auto inBits = [&](int64_t id) {
    return op.kind == SimOpKind::Rescale ? op.inputBits
           : op.kind == SimOpKind::Add   ? op.inputBits
           : op.bits ? op.bits : program.tensors[id].bits;
  };
  int64_t outBits = op.kind == SimOpKind::Rescale || op.kind == SimOpKind::Add
                        ? op.outputBits
                        : (op.bits ? op.bits : program.tensors[op.output].bits);
  // Input rows [first, last] that output rows [r0, r0 + rows) of one image
  // read.
  auto inputRows = [&](int64_t id, int64_t r0, int64_t rows) {
    int64_t H = program.tensors[id].shape[1];
    int64_t first = r0, last = r0 + rows - 1;
    if (op.kind == SimOpKind::MaxPool2d || op.kind == SimOpKind::AvgPool2d) {
      int64_t pad = op.kind == SimOpKind::MaxPool2d ? op.padding[0] : 0;
      first = r0 * op.strides[0] - pad;
      last = (r0 + rows - 1) * op.strides[0] - pad + op.kernel[0] - 1;
    } else if (op.kind == SimOpKind::Pad) {
      first = r0 - op.padding[2];
      last = r0 + rows - 1 - op.padding[2];
    }
    first = std::max<int64_t>(first, 0);
    last = std::min(last, H - 1);
    return std::max<int64_t>(last - first + 1, 0);
  };
  auto rowBytes = [&](int64_t id, int64_t rows, int64_t bits) {
    const std::vector<int64_t> &t = program.tensors[id].shape;
    return packed(rows * t[2] * t[3], bits);
  };
  // The most input rows any tile of `rows` output rows reads.
  auto tileBytes = [&](int64_t rows) {
    int64_t bytes = rowBytes(op.output, rows, outBits) + channelParamBytes(op);
    for (int64_t id : inputs) {
      int64_t most = 0;
      for (int64_t r0 = 0; r0 < OH; r0 += rows)
        most = std::max(most, inputRows(id, r0, std::min(rows, OH - r0)));
      bytes += rowBytes(id, most, inBits(id));
    }
    return bytes;
  };
  if (tileBytes(OH) <= memoryBytes)
    return std::nullopt; // fits whole
  // The most rows per tile that fit (tile bytes grow with the rows).
  int64_t lo = 0, hi = OH;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo + 1) / 2;
    if (tileBytes(mid) <= memoryBytes)
      lo = mid;
    else
      hi = mid - 1;
  }
  if (lo == 0)
    return std::nullopt; // not even one output row fits: over memory
  RowTiling t;
  t.rows = lo;
  t.bytes = tileBytes(lo);
  int64_t perImage = 0;
  for (int64_t r0 = 0; r0 < OH; r0 += lo) {
    ++t.tiles;
    for (int64_t id : inputs)
      perImage += rowBytes(id, inputRows(id, r0, std::min(lo, OH - r0)),
                           inBits(id));
  }
  t.tiles *= N;
  t.traffic = N * (perImage + rowBytes(op.output, OH, outBits));
  return t;
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
  if (hw.memoryBytes > 0 && s.onChipBytes > hw.memoryBytes)
    if (std::optional<RowTiling> t = tileRows(program, op, hw.memoryBytes)) {
      s.onChipBytes = t->bytes;
      s.tiles = t->tiles;
      s.offChipBytes = t->traffic;
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
