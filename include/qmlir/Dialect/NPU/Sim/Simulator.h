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

#include "qmlir/Runtime/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

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

/// The cost of one layer for one run of its segment.
struct LayerStats {
  std::string name, op;
  int64_t segment = 0;
  int64_t macs = 0;
  int64_t cycles = 0;
  /// Weights (packed at their width) and bias, input and output
  /// activations (packed at their width): what must be on chip at once.
  int64_t onChipBytes = 0;
};

struct SimStats {
  std::vector<LayerStats> layers;
  int64_t cycles = 0, macs = 0;
  int64_t peakOnChipBytes = 0;
  /// Segment inputs and outputs (packed) plus each segment's weights,
  /// loaded once per run.
  int64_t offChipBytes = 0;
  int64_t runs = 0;
};

/// Reads the hardware of `module` (its `npu.target` attribute).
SimHardware hardwareOf(mlir::ModuleOp module);

/// Runs `func` on the simulator: its ops must be qnn.quantize /
/// qnn.dequantize (executed with the qmath rules), npu.transfer,
/// npu.segment and func.return. Inputs are the function's float (or
/// integer) arguments; inputs holding k times the compiled batch run k
/// times. Errors name the op that cannot run.
llvm::Expected<std::vector<HostTensor>>
simulate(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> inputs,
         const SimHardware &hw, SimStats &stats);

/// Prints per-layer costs and totals.
void printStats(llvm::raw_ostream &os, const SimStats &stats,
                const SimHardware &hw);

} // namespace qmlir::npu

#endif // QMLIR_DIALECT_NPU_SIM_SIMULATOR_H
