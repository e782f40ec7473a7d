//===- Pipelines.cpp - qnn to LLVM pass pipeline --------------------------===//
//
// qnn -> TOSA -> linalg on tensors -> bufferized loops -> LLVM dialect. The
// order and the reason for each step are in docs/Lowering.md.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Pipelines.h"
#include "qmlir/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;

llvm::Expected<llvm::StringMap<bool>>
qmlir::resolveCPUFeatures(llvm::StringRef overrides) {
  llvm::StringMap<bool> features;
  for (const auto &f : llvm::sys::getHostCPUFeatures())
    features[f.getKey()] = f.getValue();
  bool x86 = llvm::Triple(llvm::sys::getProcessTriple()).isX86();
  llvm::SmallVector<llvm::StringRef> items;
  overrides.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    bool enable = !item.consume_front("-");
    if (enable)
      item.consume_front("+");
    if (!features.count(item))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "unknown CPU feature '" + item +
                                         "' (expected an LLVM feature "
                                         "name of this host, e.g. avx512vnni)");
    if (x86)
      llvm::X86::updateImpliedFeatures(item, enable, features);
    else
      features[item] = enable;
  }
  return features;
}

bool qmlir::hasVNNI(const llvm::StringMap<bool> &features) {
  // AVX512-VL too: the kernels with 8 or 24 columns use vpdpbusd on ymm
  // registers (every CPU with AVX-512 VNNI has it; --cpu-features=-avx512vl
  // then falls back to the 32-bit multiply-adds).
  return features.lookup("avx512f") && features.lookup("avx512vnni") &&
         features.lookup("avx512vl");
}

qmlir::QNNToLLVMOptions
qmlir::kernelOptionsFor(const llvm::StringMap<bool> &features,
                        CPUCodegen codegen) {
  QNNToLLVMOptions options;
  options.codegen = codegen;
  options.vnni = hasVNNI(features);
  options.vectorBits = features.lookup("avx512f") ? 512 : 256;
  return options;
}

std::optional<qmlir::CPUCodegen> qmlir::parseCPUCodegen(llvm::StringRef name) {
  if (name == "fast")
    return CPUCodegen::Fast;
  if (name == "reference")
    return CPUCodegen::Reference;
  return std::nullopt;
}

void qmlir::buildQNNToLLVMPipeline(OpPassManager &pm,
                                   const QNNToLLVMOptions &options) {
  bool fast = options.codegen == CPUCodegen::Fast;
  // A large batch becomes a loop over chunks whose activations stay in the
  // caches (before anything else: it clones the qnn function).
  if (fast && options.batchChunkBytes > 0)
    pm.addPass(
        createCPUBatchChunksPass({options.batchChunkBytes, options.threads}));
  // User-defined ops become calls of their plugin implementation first (a
  // module pass: it adds declarations and constants).
  pm.addPass(createQNNCustomToCallPass());
  // qnn -> TOSA -> linalg/arith/tensor; the TOSA passes are func-anchored.
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createConvertQNNToTOSAPass());
  fpm.addPass(tosa::createTosaToLinalgNamed());
  fpm.addPass(tosa::createTosaToLinalg());
  TosaToArithPassOptions toArith;
  toArith.includeApplyRescale = true;
  fpm.addPass(createTosaToArithPass(toArith));
  fpm.addPass(createTosaToTensorPass());
  fpm.addPass(createCanonicalizerPass());

  // Fuse elementwise linalg.generic chains (rescale + clamp + cast, ...).
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Fast: convolutions and matrix products (+ their elementwise consumer)
  // become register-tiled vector kernels, still on tensors.
  if (fast) {
    OpPassManager &kernels = pm.nest<func::FuncOp>();
    CPUVectorizeContractionsPassOptions vectorize;
    vectorize.vnni = options.vnni;
    vectorize.vectorBits = options.vectorBits;
    vectorize.threads = options.threads;
    kernels.addPass(createCPUVectorizeContractionsPass(vectorize));
    kernels.addPass(createCanonicalizerPass());
    kernels.addPass(createCSEPass());
  }

  // Tensors -> buffers; results become out-parameters; every allocation is
  // freed (ownership-based deallocation) so repeated calls do not leak.
  pm.addPass(createCPUBufferizePass());
  // A kernel that wrote into the interior of a padded tensor in place leaves
  // a copy of that subview onto an identical one: CSE makes the two one
  // value and the canonicalizer of the deallocation pipeline erases the
  // self-copy.
  pm.addPass(createCSEPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Loops and the LLVM dialect. With threads, the outer loops become
  // OpenMP work-sharing loops first.
  bool parallel = options.threads != 1;
  if (parallel)
    pm.addNestedPass<func::FuncOp>(
        createCPUParallelizePass({options.parallelMinWork, options.threads}));
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  if (parallel) {
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    // A team unknown at compile time: the kernels' items round-robin (with
    // a known team, qnn-cpu-parallelize made each thread's share explicit
    // and every other loop keeps OpenMP's contiguous ranges).
    if (options.threads == 0)
      pm.addNestedPass<func::FuncOp>(createCPUOpenMPSchedulePass());
    // convert-scf-to-openmp wraps each loop body in memref.alloca_scope,
    // which must stay one block, so the loops inside could not become
    // branches; the canonicalizer inlines the scopes that allocate nothing
    // on the stack (all of ours).
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (fast) {
    if (options.vnni)
      pm.addNestedPass<func::FuncOp>(createCPULowerVNNIPass());
    pm.addPass(createConvertVectorToLLVMPass());
  }
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  // The OpenMP ops' operands and block arguments last: the pass also
  // converts arith and memref ops, which must first go through the kernels'
  // own patterns above (qnn-cpu-lower-vnni matches arith ops). The OpenMP
  // lowering leaves ub.poison for unused loop values.
  if (parallel) {
    pm.addPass(createConvertOpenMPToLLVMPass());
    pm.addPass(createUBToLLVMConversionPass());
  }
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void qmlir::buildQNNToTOSAExportPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertQNNToTOSAPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQNNFinalizeTOSAExportPass());
}

namespace {
struct QNNToLLVMPipelineOptions
    : public PassPipelineOptions<QNNToLLVMPipelineOptions> {
  Option<std::string> codegen{
      *this, "cpu-codegen",
      llvm::cl::desc("fast (vector kernels for convolutions and matrix "
                     "products) or reference (plain loops)"),
      llvm::cl::init("fast")};
  Option<std::string> cpuFeatures{
      *this, "cpu-features",
      llvm::cl::desc("Overrides of the host's CPU features, e.g. "
                     "-avx512vnni"),
      llvm::cl::init("")};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("Threads of the generated code: 1 sequential (default), "
                     "N OpenMP threads, 0 the OpenMP runtime's choice"),
      llvm::cl::init(1)};
  Option<int64_t> parallelMinWork{
      *this, "parallel-min-work",
      llvm::cl::desc("With threads: loops with a smaller static operation "
                     "count stay sequential"),
      llvm::cl::init(100000)};
  Option<int64_t> batchChunkBytes{
      *this, "batch-chunk-bytes",
      llvm::cl::desc("Fast codegen: run a batch whose per-op working set "
                     "exceeds this many bytes as a loop over chunks "
                     "(qnn-cpu-batch-chunks; 0: never)"),
      llvm::cl::init(1 << 20)};
};
} // namespace

void qmlir::registerQNNPipelines() {
  PassPipelineRegistration<>(
      "qnn-export-tosa",
      "Export a qnn module (float or quantized) as pure TOSA: integer "
      "tensors, tosa.rescale with qmlir's multipliers and shifts",
      [](OpPassManager &pm) { buildQNNToTOSAExportPipeline(pm); });
  // registerPassPipeline rather than PassPipelineRegistration, so that a bad
  // option value is reported instead of silently replaced.
  registerPassPipeline(
      "qnn-lower-to-llvm",
      "Lower qnn (float or quantized) to the LLVM dialect: qnn -> TOSA -> "
      "linalg -> (vector kernels) -> bufferized loops -> LLVM",
      [](OpPassManager &pm, llvm::StringRef optionString,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> error) {
        QNNToLLVMPipelineOptions opts;
        if (failed(opts.parseFromString(optionString)))
          return failure();
        std::optional<CPUCodegen> codegen = parseCPUCodegen(opts.codegen);
        if (!codegen)
          return error("qnn-lower-to-llvm: cpu-codegen must be 'fast' or "
                       "'reference', got '" +
                       opts.codegen + "'");
        auto features = resolveCPUFeatures(opts.cpuFeatures);
        if (!features)
          return error("qnn-lower-to-llvm: " +
                       llvm::toString(features.takeError()));
        QNNToLLVMOptions options = kernelOptionsFor(*features, *codegen);
        options.threads = opts.threads;
        options.parallelMinWork = opts.parallelMinWork;
        options.batchChunkBytes = opts.batchChunkBytes;
        buildQNNToLLVMPipeline(pm, options);
        return success();
      },
      [](llvm::function_ref<void(const detail::PassOptions &)> handler) {
        handler(QNNToLLVMPipelineOptions());
      });
}
