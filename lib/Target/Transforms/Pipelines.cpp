//===- Pipelines.cpp - float model to quantized model for a target --------===//
//
// buildCalibrateQuantizePipeline: the pass order of qmlir.quantize and
// qmlir-compile, in one place (include/qmlir/Target/Transforms/Pipelines.h).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Transforms/Pipelines.h"

#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Target/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace qmlir;

void target::buildCalibrateQuantizePipeline(
    OpPassManager &pm, const CalibrateQuantizeOptions &options) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  if (options.foldBatchNorm)
    func.addPass(qnn::createQNNFoldBatchNormPass());
  qnn::QNNInsertCalibrationPassOptions insert;
  insert.calibrateFloatOps = options.calibrateFloatOps;
  func.addPass(qnn::createQNNInsertCalibrationPass(insert));
  bool hasTarget = !options.target.empty();
  // With a target, the legalized config is the module's qnn.quant_config,
  // which the later passes read when given no config file.
  std::string config = hasTarget ? std::string() : options.config.getValue();
  if (hasTarget) {
    // Before calibration: fitAccumulators needs ranges and skips layers
    // without, so this run only constrains the scheme.
    QNNLegalizeBitwidthPassOptions legalize;
    legalize.target = options.target;
    legalize.config = options.config;
    pm.addPass(createQNNLegalizeBitwidthPass(legalize));
  }
  if (options.calibrate) {
    qnn::QNNCalibratePassOptions calibrate;
    calibrate.samples = options.samples;
    calibrate.numSamples = options.numSamples;
    calibrate.batchSize = options.batchSize;
    calibrate.epochs = options.epochs;
    calibrate.method = options.method;
    calibrate.percentile = options.percentile;
    calibrate.config = config;
    pm.addPass(qnn::createQNNCalibratePass(calibrate));
  }
  if (hasTarget) {
    // Again, with ranges: accumulators that could overflow get narrower
    // inputs (the scheme is already legal).
    QNNLegalizeBitwidthPassOptions legalize;
    legalize.target = options.target;
    legalize.accumulatorsOnly = true;
    pm.addPass(createQNNLegalizeBitwidthPass(legalize));
  }
  qnn::QNNQuantizePassOptions quantize;
  quantize.config = config;
  quantize.configOut = options.configOut;
  pm.addPass(qnn::createQNNQuantizePass(quantize));
}

void target::registerTargetPipelines() {
  PassPipelineRegistration<CalibrateQuantizeOptions>(
      "qnn-calibrate-quantize",
      "Float qnn model to quantized: fold batch norm, calibrate, quantize; "
      "with target=, constrained to the target before calibration",
      [](OpPassManager &pm, const CalibrateQuantizeOptions &options) {
        buildCalibrateQuantizePipeline(pm, options);
      });
}
