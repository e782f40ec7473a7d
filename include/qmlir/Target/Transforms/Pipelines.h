//===- Pipelines.h - float model to quantized model for a target -*- C++ -*-===//
//
// The one pass sequence from a float qnn model to a quantized one, with or
// without a target, shared by qopt (--qnn-calibrate-quantize), the Python
// package's qmlir.quantize and npu::compileArtifact (qmlir-compile).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_TRANSFORMS_PIPELINES_H
#define QMLIR_TARGET_TRANSFORMS_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace qmlir::target {

/// Options of buildCalibrateQuantizePipeline (the pipeline options of
/// --qnn-calibrate-quantize); the calibration ones are qnn-calibrate's.
struct CalibrateQuantizeOptions
    : public mlir::PassPipelineOptions<CalibrateQuantizeOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Target description file (docs/Targets.md); empty: no "
                     "target")};
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("Quantization config (JSON, docs/Quantization.md)")};
  Option<std::string> configOut{
      *this, "config-out",
      llvm::cl::desc("Where qnn-quantize writes the resolved config")};
  Option<bool> foldBatchNorm{*this, "fold-batchnorm",
                             llvm::cl::desc("Run qnn-fold-batchnorm first"),
                             llvm::cl::init(true)};
  Option<bool> calibrate{
      *this, "calibrate",
      llvm::cl::desc("Run qnn-calibrate (false for a model whose "
                     "quantization qnn-insert-calibration adopts)"),
      llvm::cl::init(true)};
  Option<bool> calibrateFloatOps{
      *this, "calibrate-float-ops",
      llvm::cl::desc("qnn-insert-calibration calibrate-float-ops=: the ops "
                     "an adopted (QDQ / FakeQuant) model leaves float are "
                     "calibrated and quantized"),
      llvm::cl::init(false)};
  Option<std::string> samples{*this, "samples",
                              llvm::cl::desc("qnn-calibrate samples=")};
  Option<int64_t> numSamples{*this, "num-samples",
                             llvm::cl::desc("qnn-calibrate num-samples="),
                             llvm::cl::init(0)};
  Option<int64_t> batchSize{*this, "batch-size",
                            llvm::cl::desc("qnn-calibrate batch-size="),
                            llvm::cl::init(0)};
  Option<unsigned> epochs{*this, "epochs",
                          llvm::cl::desc("qnn-calibrate epochs="),
                          llvm::cl::init(1)};
  Option<std::string> method{*this, "method",
                             llvm::cl::desc("qnn-calibrate method="),
                             llvm::cl::init("minmax")};
  Option<double> percentile{*this, "percentile",
                            llvm::cl::desc("qnn-calibrate percentile="),
                            llvm::cl::init(99.99)};
};

/// Adds to the module pass manager `pm`: qnn-fold-batchnorm (optional),
/// qnn-insert-calibration, then
///  - without a target: qnn-calibrate and qnn-quantize with `config`;
///  - with a target: qnn-legalize-bitwidth (before calibration: the widths,
///    per-tensor choices and power-of-two scales the target forces become
///    the module's qnn.quant_config, so qnn-calibrate picks ranges for the
///    types the model will have), qnn-calibrate, qnn-legalize-bitwidth
///    again with accumulators-only (now with ranges: fits the
///    accumulators), qnn-quantize.
void buildCalibrateQuantizePipeline(mlir::OpPassManager &pm,
                                    const CalibrateQuantizeOptions &options);

/// Registers --qnn-calibrate-quantize (buildCalibrateQuantizePipeline).
void registerTargetPipelines();

} // namespace qmlir::target

#endif // QMLIR_TARGET_TRANSFORMS_PIPELINES_H
