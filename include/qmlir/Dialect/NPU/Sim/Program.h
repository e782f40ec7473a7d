//===- Program.h - the program the npu simulator executes -------*- C++ -*-===//
//
// A partitioned model as plain data: a table of tensors and a list of steps
// in program order (host quantize/dequantize, transfers, accelerator
// segments with their npu ops and weights, CPU fallback segments). The
// simulator (Simulator.h) executes only this form; it is built either from
// a partitioned MLIR function (buildProgram) or from an artifact file
// (qmlir/Dialect/NPU/Artifact/Artifact.h), so both run on one
// implementation. See docs/Targets.md and docs/Artifact.md.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_SIM_PROGRAM_H
#define QMLIR_DIALECT_NPU_SIM_PROGRAM_H

#include "qmlir/Runtime/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace qmlir::npu {

/// The hardware the cycle model assumes (from the target description the
/// module was converted for: its `npu.target` attribute).
struct SimHardware {
  std::string name;
  int64_t macRows = 1;
  int64_t macCols = 1;
  double clockMHz = 100.0;
  int64_t memoryBytes = 0;
};

/// Quantization parameters of a host tensor: per tensor, or (per-axis
/// activations, artifact format 1.3) one scale and zero point per channel
/// of the last dimension, `scale`/`zeroPoint` then holding the first
/// channel's.
struct SimQuant {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = 0, qmax = 0;
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  bool perChannel() const { return !scales.empty(); }
  double scaleOf(size_t c) const { return scales.empty() ? scale : scales[c]; }
  int64_t zeroPointOf(size_t c) const {
    return zeroPoints.empty() ? zeroPoint : zeroPoints[c];
  }
};

/// One tensor of the program: a graph input/output, a host tensor, a
/// segment boundary or a value inside a segment.
struct SimTensor {
  std::string name;
  /// F32 for float tensors; the storage type (I8, U8, I16, I32) for
  /// quantized and integer ones.
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  /// The significant bits of integer values (e.g. 4 for 4-bit values stored
  /// in i8): what a transfer moves, packed. 0 for floats.
  int64_t bits = 0;
  /// Set for quantized host tensors (`!quant.uniform`, per tensor).
  std::optional<SimQuant> quant;
};

enum class SimOpKind {
  Conv2d,
  Dense,
  Rescale,
  Clamp,
  MaxPool2d,
  AvgPool2d,
  Transpose,
  Reshape,
  Add,   ///< artifact format 1.2
  Concat, ///< artifact format 1.2
  Pad     ///< artifact format 1.2
};

/// One npu op inside an accelerator segment: every attribute of the npu
/// dialect op (docs/Targets.md) as a field; fields an op kind does not use
/// keep their defaults.
struct SimOp {
  SimOpKind kind = SimOpKind::Reshape;
  std::string name;
  int64_t input = 0, output = 0;
  /// conv2d [O, KH, KW, C/groups], dense [M, K]; values are integers.
  std::vector<int64_t> weightShape, weight, bias;
  std::vector<int64_t> strides, padding, dilations, kernel, permutation;
  int64_t groups = 1;
  int64_t inputZp = 0, outputZp = 0, qmin = 0, qmax = 0;
  /// input/weight/output/acc bits of conv2d, dense and rescale; `bits` of
  /// clamp and the pools.
  int64_t inputBits = 0, weightBits = 0, outputBits = 0, accBits = 32;
  int64_t bits = 0;
  int64_t min = 0, max = 0;
  std::vector<int32_t> multiplier, shift;
  /// conv2d/dense tiling (docs/Targets.md, "Tiling"): output channels and
  /// output rows per tile; 0: untiled.
  int64_t tileChannels = 0, tileRows = 0;
  /// add (lhs, rhs) and concat (all): the input tensors; `input` is the
  /// first of them.
  std::vector<int64_t> inputs;
  /// concat: the axis.
  int64_t axis = 0;
  /// add: the rhs zero point (`inputZp` is the lhs's), and the rescales of
  /// the two inputs to the common 32-bit scale.
  int64_t rhsZp = 0;
  std::vector<int32_t> inputMultiplier, inputShift;
  /// pad: the storage value of padded positions (`padding` holds
  /// [low_0, high_0, ...]).
  int64_t padValue = 0;
  /// Per-axis activations (artifact format 1.3): conv2d, dense and rescale
  /// may have one input zero point per input channel and one output zero
  /// point per output channel (the last dimension); clamp one bound pair per
  /// channel. Empty: the scalar (`inputZp`, `outputZp`, `min`, `max`)
  /// applies to every channel.
  std::vector<int64_t> inputZps, outputZps, mins, maxs;
  int64_t inputZpOf(size_t c) const {
    return inputZps.empty() ? inputZp : inputZps[c];
  }
  int64_t outputZpOf(size_t c) const {
    return outputZps.empty() ? outputZp : outputZps[c];
  }
};

enum class SimStepKind { Quantize, Dequantize, Transfer, Segment, CpuSegment };

/// One layer of a CPU segment (for summaries; artifact format 1.3).
struct CpuLayerInfo {
  std::string name;
  /// The op's name, e.g. "qnn.conv2d".
  std::string op;
  /// Its first result's shape (empty when it has none or it is unranked).
  std::vector<int64_t> shape;
};

/// One step of the host program.
struct SimStep {
  SimStepKind kind = SimStepKind::Transfer;
  /// Segment/CpuSegment: its index among the accelerator (resp. CPU)
  /// segments.
  int64_t index = 0;
  /// Tensor ids. Quantize/Dequantize/Transfer: one each. Segment: its
  /// inputs (the block arguments of its body) and the yielded values.
  std::vector<int64_t> inputs, outputs;
  /// Segment: npu ops in order.
  std::vector<SimOp> ops;
  /// Transfer: true from the CPU to the accelerator.
  bool toAccelerator = false;
  /// CpuSegment: the multiply-accumulates of its conv2d and dense layers
  /// per run (for the report; 0 when unknown, as in format 1.0/1.1 files).
  int64_t cpuMacs = 0;
  /// CpuSegment: its layers in program order (empty in files older than
  /// format 1.3).
  std::vector<CpuLayerInfo> cpuLayers;
};

/// A partitioned model. CPU segments are outlined functions: `cpuModule`
/// (from buildProgram) holds them as `cpu_segment_<k>`; an artifact holds
/// them compiled (docs/Artifact.md).
struct SimProgram {
  SimHardware hardware;
  std::vector<SimTensor> tensors;
  std::vector<int64_t> inputs, outputs;
  std::vector<SimStep> steps;
  int64_t numCpuSegments = 0;
};

/// The multiply-accumulates of a qnn.conv2d or qnn.dense (0 for other ops).
int64_t layerMacs(mlir::Operation *op);

/// The name of CPU segment `index`'s outlined function.
std::string cpuSegmentName(int64_t index);

/// Reads the hardware of `module` (its `npu.target` attribute).
SimHardware hardwareOf(mlir::ModuleOp module);

/// Builds the program of a partitioned function (npu.segment ops). Ops
/// outside segments other than per-tensor qnn.quantize/qnn.dequantize,
/// npu.transfer and func.return are CPU fallback: each maximal run of them
/// (in program order) is outlined into the function `cpuSegmentName(k)` of
/// `cpuModule` (created when there is one), with constants cloned in.
/// Errors name the op that cannot be represented.
llvm::Expected<SimProgram>
buildProgram(mlir::func::FuncOp func,
             mlir::OwningOpRef<mlir::ModuleOp> *cpuModule);

/// Checks that every tensor id, shape and op field of `program` is
/// consistent (ids in range, element counts match, weights sized as their
/// shapes say, segments use only values defined before them): what the
/// simulator relies on. `what` names the source in errors.
llvm::Error verifyProgram(const SimProgram &program, llvm::StringRef what);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_SIM_PROGRAM_H
