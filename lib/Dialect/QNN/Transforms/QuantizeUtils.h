//===- QuantizeUtils.h - types, weights and checks for qnn-quantize -*- C++ -*-===//
//
// The pieces of qnn-quantize that do not walk the IR: quantized types from
// ranges, weight and bias quantization (with per-channel input scales folded
// into the weights), the reinterpretation of a per-channel input with one
// scale, and the worst-case accumulator check against buffer_bits.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEUTILS_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEUTILS_H

#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qmlir::qnn::quantize_utils {

struct Range {
  double min = 0.0;
  double max = 0.0;
};

/// The storage integer type that holds `bits`-wide values (i8 or i16).
mlir::IntegerType storageTypeFor(mlir::MLIRContext *ctx, unsigned bits);

mlir::quant::UniformQuantizedType
perTensorType(mlir::MLIRContext *ctx, unsigned bits,
              const qmath::QuantParams &p, mlir::Type expressed);

/// One scale and zero point per channel range, along `axis`.
mlir::quant::UniformQuantizedPerAxisType
perAxisType(mlir::MLIRContext *ctx, unsigned bits, bool symmetric,
            llvm::ArrayRef<Range> channels, int64_t axis, mlir::Type expressed,
            bool powerOfTwo = false);

/// A per-tensor type of the same width and symmetry covering the real
/// ranges of every channel of `type`.
mlir::quant::UniformQuantizedType
mergedPerTensorType(mlir::quant::UniformQuantizedPerAxisType type);

mlir::RankedTensorType withElementType(mlir::Value v, mlir::Type elementType);
mlir::Type elementTypeOf(mlir::Value v);

/// The element type of a reshape/transpose result for an input of element
/// type `in`: `in` itself per tensor; per axis, the same scales along the
/// dimension the channel dimension moves to, or null when it does not
/// survive as one dimension.
mlir::Type movedAxisType(mlir::Operation *op, mlir::Type in);

/// Reinterprets a per-channel tensor (scales s_c, zero points z_c) as the
/// per-channel type with the largest scale s for every channel and the same
/// zero points (two quant.scast, storage unchanged): its real values become
/// x_c * s / s_c. `factors` receives s_c / s, by which the weights that
/// read the tensor are multiplied.
mlir::Value reinterpretWithOneScale(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value perAxis,
                                    llvm::SmallVectorImpl<double> &factors);

/// The scale of a per-tensor type, or the common scale of a per-axis type
/// with equal scales.
double referenceScale(mlir::Value quantized);

/// How to quantize the weights of a conv2d (OHWI) or dense ([out, in]).
struct WeightSpec {
  unsigned bits = 8;
  bool perAxis = true;
  /// Per input channel factor to multiply the weights by (empty: none).
  llvm::SmallVector<double> channelFactors;
  int64_t groups = 1;
  bool isConv = true;
  /// Power-of-two weight scales (power_of_two_scales).
  bool powerOfTwo = false;
  /// Given scales (one, or one per output channel; e.g. from AIMET
  /// encodings) instead of each channel's max |w| / (2^(bits-1) - 1).
  llvm::SmallVector<double> scales;
};

struct QuantizedWeights {
  mlir::Value value;
  llvm::SmallVector<double> scales; ///< One per output channel, or one.
  llvm::SmallVector<int64_t> storage;
  int64_t outChannels = 1;
};

/// Symmetric weights, per output channel (dimension 0) or per tensor.
QuantizedWeights quantizeWeights(mlir::OpBuilder &b, mlir::Value weights,
                                 const WeightSpec &spec);

/// The weights of a layer that the model quantized itself (qnn-adopt-qdq):
/// `quantized` is a quant.scast of an integer constant in the layer's
/// layout (OHWI / [out, in]), per tensor or per axis 0 (output channels).
/// `storage` holds q - zero_point (for the accumulator check). Errors at
/// `op` for other axes.
mlir::FailureOr<QuantizedWeights>
fixedQuantizedWeights(mlir::Operation *op, mlir::Value quantized);

/// For a layer carrying qnn.adaround: errors (naming the layer) unless its
/// weights are quantized with the scheme they were rounded for and every
/// quantized weight dequantizes back to its float weight. Success for other
/// layers.
mlir::LogicalResult checkAdaRounded(mlir::Operation *op, llvm::StringRef name,
                                    mlir::Value weights, const WeightSpec &spec,
                                    const QuantizedWeights &quantized);

/// int32 bias with scale inputScale * weight scale and zero point 0.
mlir::Value quantizeBias(mlir::OpBuilder &b, mlir::Value bias,
                         double inputScale, llvm::ArrayRef<double> wScales,
                         bool perAxis, llvm::SmallVectorImpl<int64_t> &storage);

/// Errors (naming the layer) when the worst-case accumulator of a conv2d or
/// dense, sum |q_w| * max |q_in - zp| + |bias| over any output channel,
/// does not fit a signed `bufferBits` integer.
mlir::LogicalResult checkAccumulator(mlir::Operation *op, llvm::StringRef name,
                                     mlir::Value input,
                                     const QuantizedWeights &weights,
                                     llvm::ArrayRef<int64_t> bias,
                                     unsigned bufferBits);

/// The same check for the sum of `terms` products of two centered operands
/// (mul: 1; matmul: the contraction length).
mlir::LogicalResult checkProduct(mlir::Operation *op, llvm::StringRef name,
                                 mlir::Value a, mlir::Value b,
                                 unsigned bufferBits, int64_t terms = 1);

/// The largest |q - zero_point| over the storage range and channels.
int64_t maxAbsCentered(mlir::quant::QuantizedType type);

} // namespace qmlir::qnn::quantize_utils

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZEUTILS_H
