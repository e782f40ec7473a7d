//===- JIT.h - compile and run qnn modules on the host CPU ------*- C++ -*-===//
//
// JITModule lowers a module with buildQNNToLLVMPipeline, compiles it with
// the MLIR ExecutionEngine (LLVM -O2, host CPU features) and calls the entry
// function on HostTensors without copying them. See docs/Lowering.md for the
// calling convention.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_JIT_H
#define QMLIR_RUNTIME_JIT_H

#include "qmlir/Conversion/Pipelines.h"
#include "qmlir/Runtime/BufferPool.h"
#include "qmlir/Runtime/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qmlir {

/// Name, element type and static shape of one entry-function argument or
/// result. Quantized tensors report their storage type.
struct TensorSpec {
  std::string name;
  ElementType type;
  llvm::SmallVector<int64_t, 4> shape;
};

struct JITOptions {
  /// LLVM optimization level of the generated code (0-3). 2 by default:
  /// the kernels arrive vectorized and register-tiled, and what -O3 adds
  /// (more loop unrolling and vectorization attempts) made resnet18's int8
  /// qmlir-compile take 9.8 s of CPU time instead of 7.4 s for no faster
  /// code (docs/performance.md, "Compile time").
  unsigned optLevel = 2;
  /// Vector kernels for convolutions and matrix products (Fast) or plain
  /// loops (Reference, what the fast path is tested against).
  CPUCodegen codegen = CPUCodegen::Fast;
  /// Overrides of the host's CPU features for code generation, e.g.
  /// "-avx512vnni" (see resolveCPUFeatures): they select the kernels and
  /// are passed to LLVM's target machine.
  std::string cpuFeatures;
  /// Threads the compiled code runs on (QNNToLLVMOptions::threads): 0 (the
  /// default) for every core of this machine, 1 for sequential code.
  /// Outputs are identical for every count.
  unsigned threads = 0;
  /// QNNToLLVMOptions::parallelMinWork.
  int64_t parallelMinWork = 100000;
  /// QNNToLLVMOptions::batchChunkBytes.
  int64_t batchChunkBytes = 1 << 20;
};

/// The thread count `threads` (JITOptions::threads) resolves to: itself, or
/// the number of cores the OpenMP runtime sees for 0.
unsigned resolveThreads(unsigned threads);

/// A compiled model with a fixed signature: JIT-compiled (JITModule) or
/// loaded from an ahead-of-time compiled library (AOTLibrary, AOT.h).
/// A caller-owned tensor: `data` holds `shape` elements of `type`,
/// contiguous and row-major. The caller keeps both alive during the call.
struct TensorRef {
  ElementType type = ElementType::F32;
  llvm::ArrayRef<int64_t> shape;
  const void *data = nullptr;
};

class CompiledModel {
public:
  virtual ~CompiledModel();

  /// Names come from the `qnn.name` argument/result attributes (fallback
  /// "input<i>"/"output<i>").
  llvm::ArrayRef<TensorSpec> inputs() const { return inputSpecs; }
  llvm::ArrayRef<TensorSpec> outputs() const { return outputSpecs; }

  /// One call; input count, element types and shapes must match exactly
  /// (errors name the input and both shapes).
  llvm::Expected<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs);

  /// Inputs whose dim 0 is a multiple k of the compiled dim 0 run in k
  /// chunks; outputs are concatenated along dim 0. Inputs given at exactly
  /// their compiled shape (weights, parameters) are passed whole to every
  /// chunk; all split inputs must have the same k. `progress(done, total)` is
  /// called after each chunk.
  llvm::Expected<std::vector<HostTensor>>
  runBatched(llvm::ArrayRef<HostTensor> inputs,
             llvm::function_ref<void(int64_t, int64_t)> progress = {});

  /// How many compiled batches `inputs` hold under runBatched's rule (1 for
  /// inputs of exactly the compiled shapes); errors name the input.
  llvm::Expected<int64_t> countBatches(llvm::ArrayRef<TensorRef> inputs) const;

  /// runBatched on caller-owned buffers, without copies (the Python
  /// package's predict): output i must hold countBatches(inputs) times its
  /// compiled size, contiguous.
  llvm::Error
  runBatchedInto(llvm::ArrayRef<TensorRef> inputs,
                 llvm::ArrayRef<void *> outputs,
                 llvm::function_ref<void(int64_t, int64_t)> progress = {});

protected:
  /// One call of the compiled code on contiguous row-major buffers of
  /// exactly the compiled shapes.
  virtual llvm::Error call(llvm::ArrayRef<const void *> inputs,
                           llvm::ArrayRef<void *> outputs) = 0;

  std::vector<TensorSpec> inputSpecs;
  std::vector<TensorSpec> outputSpecs;

private:
  llvm::Expected<int64_t> checkInputs(llvm::ArrayRef<TensorRef> inputs,
                                      bool batched) const;
};

class JITModule : public CompiledModel {
public:
  /// Lowers a clone of `module` (qnn/tosa/linalg on tensors; `module` is not
  /// modified) with buildQNNToLLVMPipeline and compiles the function `entry`.
  /// The dialects and translations the lowering needs are registered with
  /// the module's context.
  static llvm::Expected<std::unique_ptr<JITModule>>
  compile(mlir::ModuleOp module, llvm::StringRef entry = "main",
          const JITOptions &options = {});

  ~JITModule() override;

  /// The counters of the model's buffer pool (BufferPool.h), or nullopt
  /// when the compiled code uses malloc directly (QMLIR_BUFFER_POOL=0).
  std::optional<BufferPoolStats> bufferPoolStats() const;

protected:
  llvm::Error call(llvm::ArrayRef<const void *> inputs,
                   llvm::ArrayRef<void *> outputs) override;

private:
  JITModule();
  /// The compiled code's malloc/free; declared before the engine, so that
  /// it outlives the code.
  std::unique_ptr<BufferPool> pool;

  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*entryFn)(void **) = nullptr;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_JIT_H
