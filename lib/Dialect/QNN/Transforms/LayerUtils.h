//===- LayerUtils.h - constant layers and channel maps ----------*- C++ -*-===//
//
// Shared by the data-free passes (qnn-fold-batchnorm,
// qnn-cross-layer-equalize, qnn-bias-correction): reading and rewriting the
// constant weights of conv2d / dense layers as dfq::LayerWeights, the
// batch-norm statistics recorded on folded layers, and how channels (the
// last dimension) move through reshape / transpose.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERUTILS_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERUTILS_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Quant/DataFree.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <vector>

namespace qmlir::qnn {

/// A float conv2d or dense whose weights (and bias, if any) are constants.
struct ConstantLayer {
  mlir::Operation *op = nullptr;
  dfq::LayerWeights weights;
  std::vector<float> bias; ///< Empty when the layer has no bias.
};

/// Reads `op` as a constant layer; nullopt for other ops, quantized layers
/// and non-constant parameters.
std::optional<ConstantLayer> readConstantLayer(mlir::Operation *op);

/// Replaces the layer's weight and bias operands with new constants holding
/// `layer.weights.values` and `layer.bias` (a bias operand is added when the
/// layer had none and `layer.bias` is not empty); with `weights` false only
/// the bias. Replaced constants left without users are erased.
void writeConstantLayer(mlir::RewriterBase &rewriter,
                        const ConstantLayer &layer, bool weights = true);

/// The layer's zero padding is not all zero (a conv2d with padding).
bool hasPadding(mlir::Operation *layer);

/// Batch-norm statistics of an op's output channels: its qnn.bn_scale
/// (gamma) and qnn.bn_shift (beta), which model the output as N(beta,
/// gamma^2) per channel. The dialect verifier guarantees one value per
/// channel of the op's result.
struct BnStats {
  std::vector<double> gamma, beta;
};
std::optional<BnStats> readBnStats(mlir::Operation *op);
void writeBnStats(mlir::Operation *op, const BnStats &stats);

/// How the channels (last dimension) of a tensor relate to the channels of
/// the tensor that a chain of reshape / transpose ops makes of it. Each
/// direction is set when it is a function: `toDst[c]` is the one destination
/// channel that source channel c lands in, `toSrc[d]` the one source channel
/// that destination channel d holds.
struct ChannelRelation {
  std::optional<dfq::ChannelMap> toDst, toSrc;
};

/// Relates the channels of `source` to those of the result of `layoutOps`
/// (reshape / transpose, each reading the previous one's result). Empty
/// `layoutOps` is the identity. nullopt when the tensors are too large to
/// trace (more than 2^24 elements).
std::optional<ChannelRelation>
relateChannels(mlir::RankedTensorType source,
               llvm::ArrayRef<mlir::Operation *> layoutOps);

/// The path from the op that produces a layer's input to the layer, through
/// ops that `transparent` accepts (each of which keeps channels in the last
/// dimension, or is a reshape / transpose).
struct InputTrace {
  mlir::Value source; ///< Result of the producer (or a block argument).
  llvm::SmallVector<mlir::Operation *> chain; ///< From source to the layer.
  /// Layer input channel -> channel of `source`.
  dfq::ChannelMap map;
};

/// Walks back from `input` through `transparent` ops (and reshape /
/// transpose, which are always transparent). With `singleUse`, every value
/// on the way, `source` included, must have exactly one user. nullopt when
/// that fails or the channels do not map (a layer input channel mixing
/// several source channels).
std::optional<InputTrace>
traceInput(mlir::Value input,
           llvm::function_ref<bool(mlir::Operation *)> transparent,
           bool singleUse);

} // namespace qmlir::qnn

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERUTILS_H
