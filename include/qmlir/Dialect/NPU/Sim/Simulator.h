//===- Simulator.h - bit-exact functional npu simulator ---------*- C++ -*-===//
//
// Executes npu segments on integer tensors with the integer rules of
// docs/Quantization.md (qmath, the same functions the CPU lowering is tested
// against), and models the cost of each layer on the target's MAC array:
// cycles, MAC utilization, on-chip memory and off-chip traffic. See
// docs/Targets.md, "Simulator".
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_SIM_SIMULATOR_H
#define QMLIR_DIALECT_NPU_SIM_SIMULATOR_H

#include "qmlir/Dialect/NPU/IR/Tiling.h"
#include "qmlir/Dialect/NPU/Sim/Program.h"
#include "qmlir/Runtime/JIT.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qmlir::npu {

/// The cost of one layer for one run of its segment (a batch of N images:
/// N runs of one image, SimStats::images; MACs, cycles, tiles and traffic
/// summed over them, on-chip bytes per image).
struct LayerStats {
  std::string name, op;
  int64_t segment = 0;
  int64_t macs = 0;
  int64_t cycles = 0;
  /// Weights (packed at their width) and bias, input and output
  /// activations (packed at their width) of one image: what must be on
  /// chip at once (for a tiled layer: its largest tile).
  int64_t onChipBytes = 0;
  /// A tiled layer (docs/Targets.md, "Tiling"): its tiles per run (0:
  /// untiled), and its off-chip traffic (weights reloaded per row tile,
  /// input rows with their halo, outputs).
  int64_t tiles = 0;
  int64_t offChipBytes = 0;
};

struct SimStats {
  std::vector<LayerStats> layers;
  int64_t cycles = 0, macs = 0;
  int64_t peakOnChipBytes = 0;
  /// Segment inputs and outputs (packed) plus each segment's weights,
  /// loaded once per run, plus the traffic of tiled layers.
  int64_t offChipBytes = 0;
  int64_t tiledLayers = 0;
  int64_t runs = 0;
  /// The images of the compiled batch, which the accelerator processes as
  /// that many runs of one image (docs/Targets.md, "Batches"): on-chip
  /// bytes are per image, the rest totals over the batch. 1 when the
  /// program's accelerator tensors do not all keep the batch as their first
  /// dimension (the batch is then charged in memory at once).
  int64_t images = 1;
  /// CPU segments executed per run, the MACs of their conv2d/dense layers
  /// per run (SimStep::cpuMacs), and the host wall time of all their calls
  /// (every run).
  int64_t cpuSegmentRuns = 0;
  int64_t cpuMacs = 0;
  double cpuSeconds = 0.0;
};

/// The op's mnemonic (`npu.conv2d`, ...).
llvm::StringRef opKindName(SimOpKind kind);

/// Runs `program` (verifyProgram must accept it) on the simulator:
/// quantize/dequantize with the qmath rules, accelerator segments on the
/// bit-exact interpreter with the cycle model, CPU segment k by calling
/// `cpuSegments[k]` (the compiled outlined function). Inputs are the
/// program's f32 inputs; inputs holding k times the compiled batch run k
/// times. Errors name the layer or segment that fails.
llvm::Expected<std::vector<HostTensor>>
simulate(const SimProgram &program, llvm::ArrayRef<HostTensor> inputs,
         llvm::ArrayRef<CompiledModel *> cpuSegments, SimStats &stats);

/// The cycle model's figures for one run of the compiled batch (what
/// `simulate` reports in `stats`), from the program's shapes and bit widths
/// alone: the values do not change them.
SimStats estimateCost(const SimProgram &program);

/// The tiler's view (Tiling.h) of a conv2d or dense op of `program`: its
/// input, weight and output shapes and bit widths.
LayerGeometry layerGeometry(const SimProgram &program, const SimOp &op);

/// One row of a program's layer table: a host step (quantize, dequantize,
/// transfer), an npu op, or a CPU segment.
struct ProgramRow {
  /// "host", "npu <segment>" or "cpu <segment>".
  std::string device;
  std::string layer, op;
  std::vector<int64_t> outputShape;
  /// Weight shape of conv2d/dense, window of the pools; empty otherwise.
  std::vector<int64_t> kernelShape;
  /// "f32", a bit count ("8"), or "" where the row has no such value.
  std::string weightBits, inputBits, outputBits, accBits;
  /// A tiled conv2d/dense (docs/Targets.md, "Tiling"): output channels and
  /// rows per tile; 0 when untiled.
  int64_t tileChannels = 0, tileRows = 0;
};

/// The rows of printProgram, in program order.
std::vector<ProgramRow> describeProgram(const SimProgram &program);

/// Prints the program as a table: hardware, inputs and outputs, then one
/// row per host step, npu op and CPU segment (device, layer, op, output
/// shape, kernel shape, bit widths).
void printProgram(llvm::raw_ostream &os, const SimProgram &program);

/// Prints per-layer costs and totals.
void printStats(llvm::raw_ostream &os, const SimStats &stats,
                const SimHardware &hw);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_SIM_SIMULATOR_H
