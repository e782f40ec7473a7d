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
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void qmlir::buildQNNToLLVMPipeline(OpPassManager &pm) {
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

  // Tensors -> buffers; results become out-parameters; every allocation is
  // freed (ownership-based deallocation) so repeated calls do not leak.
  pm.addPass(createCPUBufferizePass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Loops and the LLVM dialect.
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void qmlir::buildQNNToTOSAExportPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertQNNToTOSAPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQNNFinalizeTOSAExportPass());
}

void qmlir::registerQNNPipelines() {
  PassPipelineRegistration<>(
      "qnn-export-tosa",
      "Export a qnn module (float or quantized) as pure TOSA: integer "
      "tensors, tosa.rescale with qmlir's multipliers and shifts",
      [](OpPassManager &pm) { buildQNNToTOSAExportPipeline(pm); });
  PassPipelineRegistration<>(
      "qnn-lower-to-llvm",
      "Lower qnn (float or quantized) to the LLVM dialect: qnn -> TOSA -> "
      "linalg -> bufferized loops -> LLVM",
      [](OpPassManager &pm) { buildQNNToLLVMPipeline(pm); });
}
