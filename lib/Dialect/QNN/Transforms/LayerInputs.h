//===- LayerInputs.h - statistics of layer inputs on samples ----*- C++ -*-===//
//
// qnn-adaround and empirical qnn-bias-correction need, for each conv2d /
// dense, statistics of the vectors its weights multiply: the input rows of a
// dense, the im2col patches (zero padding included) of a conv, one set per
// group. They run a copy of the float model on the CPU JIT in which every
// such layer input is an extra result (as qnn-calibrate does with its
// probes) and accumulate, over all samples and positions, the mean patch
// and optionally the Gram matrix E[x x^T].
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERINPUTS_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERINPUTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace qmlir::qnn {

/// The input statistics of one layer. Patch element k of group g is the
/// input value that weight element k of every output channel of group g
/// multiplies (OHWI order: (kh * KW + kw) * Cg + c for a conv).
struct LayerInputStats {
  int64_t groups = 1;
  int64_t k = 0;      ///< Patch length.
  int64_t rows = 0;   ///< Patches seen per group (samples x positions).
  std::vector<std::vector<double>> mean; ///< [groups][k]: E[x].
  std::vector<std::vector<double>> gram; ///< [groups][k * k]: E[x x^T].
};

/// Whether the input statistics of `op` can be collected: a conv2d with a
/// static NHWC input and output, or a dense with a static [N, K] input.
bool hasSupportedInput(mlir::Operation *op);

/// The input tensors of some layers over all samples, as the float model
/// computes them: per layer, `count` rows of `rowSize[l]` floats.
struct LayerInputs {
  int64_t count = 0;
  std::vector<int64_t> rowSize;
  std::vector<std::vector<float>> values;
};

/// Runs `module`'s function `entry` on the samples of `samplesPath` (.npy /
/// .npz; the first `numSamples` if positive) on the CPU JIT and returns the
/// inputs of `layers` (conv2d / dense ops of that function). `label` names
/// the progress bar.
llvm::Expected<LayerInputs>
captureLayerInputs(mlir::ModuleOp module, llvm::StringRef entry,
                   llvm::ArrayRef<mlir::Operation *> layers,
                   llvm::StringRef samplesPath, int64_t numSamples,
                   llvm::StringRef label);

/// The statistics of layer `index` of `inputs` (which `layer` reads), with
/// Gram matrices if `withGram`.
LayerInputStats inputStats(mlir::Operation *layer, const LayerInputs &inputs,
                           size_t index, bool withGram);

/// E[x~ x^T] per group (k x k, row-major): the cross moment of the patches
/// of `layer` over inputs x~ (input `pIndex` of `perturbed`) and x (input
/// `rIndex` of `reference`), sample by sample.
std::vector<std::vector<double>>
crossMoments(mlir::Operation *layer, const LayerInputs &perturbed,
             size_t pIndex, const LayerInputs &reference, size_t rIndex);

/// captureLayerInputs followed by inputStats for every layer.
llvm::Expected<std::vector<LayerInputStats>>
collectLayerInputStats(mlir::ModuleOp module, llvm::StringRef entry,
                       llvm::ArrayRef<mlir::Operation *> layers,
                       llvm::StringRef samplesPath, int64_t numSamples,
                       bool withGram, llvm::StringRef label);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERINPUTS_H
