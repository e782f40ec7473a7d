//===- Utils.h - helpers shared by the qnn-to-TOSA patterns -----*- C++ -*-===//
//
// Quantization parameters read off `!quant.uniform` types, builders for the
// TOSA constants and shape ops the patterns need, and the one rescale
// primitive every quantized pattern uses (emitRescale), whose result equals
// qmath::requantize element for element.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_QNNTOTOSA_UTILS_H
#define QMLIR_LIB_CONVERSION_QNNTOTOSA_UTILS_H

#include "qmlir/Quant/QuantMath.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace qmlir::qnn_to_tosa {

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

/// Scale(s), zero point(s) and storage range of a quantized tensor type.
/// Per-tensor types have one scale and zero point and `axis == -1`.
struct QuantInfo {
  llvm::SmallVector<double, 1> scales;
  llvm::SmallVector<int64_t, 1> zeroPoints;
  int64_t axis = -1;
  int64_t qmin = 0;
  int64_t qmax = 0;
  mlir::IntegerType storageType;

  bool isPerAxis() const { return axis >= 0; }
  int64_t numChannels() const { return scales.size(); }
  double scale(int64_t c = 0) const { return scales[isPerAxis() ? c : 0]; }
  int64_t zeroPoint(int64_t c = 0) const {
    return zeroPoints[isPerAxis() ? c : 0];
  }
  /// True when the storage range is narrower than the storage type's range
  /// (e.g. i8<-8:7>), so that results need an explicit clamp.
  bool isNarrow() const;
  /// True when every channel has the same zero point.
  bool hasUniformZeroPoint() const;
};

/// Quantization info of a tensor (or element) type; nullopt for floats.
std::optional<QuantInfo> getQuantInfo(mlir::Type type);

/// As getQuantInfo, but reports unsupported quantized types (unsigned storage,
/// storage wider than 32 bits, non-uniform types) as an error on `op` and
/// returns failure. A float type gives success with nullopt.
mlir::FailureOr<std::optional<QuantInfo>>
getSupportedQuantInfo(mlir::Operation *op, mlir::Type type,
                      llvm::StringRef what);

/// Requires a per-tensor quantized type; emits an error naming `what` on `op`
/// otherwise.
mlir::FailureOr<QuantInfo> getPerTensorQuantInfo(mlir::Operation *op,
                                                 mlir::Type type,
                                                 llvm::StringRef what);

/// Smallest and largest value of a signed integer type.
int64_t intTypeMin(mlir::IntegerType type);
int64_t intTypeMax(mlir::IntegerType type);

/// The largest |q - zero_point| over the storage type's range and all
/// channels: a bound on the centered values of a tensor of this type.
int64_t maxAbsCentered(const QuantInfo &info);

/// True if two scales are equal up to float rounding noise.
bool scalesEqual(double a, double b);

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

/// Maps `tensor<...x!quant.uniform<...>>` to the tensor of its storage
/// integer type and leaves every other type alone.
class QuantToStorageTypeConverter : public mlir::TypeConverter {
public:
  QuantToStorageTypeConverter();
};

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

mlir::RankedTensorType tensorOf(llvm::ArrayRef<int64_t> shape,
                                mlir::Type elementType);

/// A `tosa.const` of the given shape holding integer `values` (one value is
/// splatted).
mlir::Value constInt(mlir::OpBuilder &b, mlir::Location loc,
                     llvm::ArrayRef<int64_t> values, mlir::Type elementType,
                     llvm::ArrayRef<int64_t> shape);
/// A `tosa.const` of the given shape holding float `values` (one value is
/// splatted).
mlir::Value constFloat(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<double> values, mlir::Type elementType,
                       llvm::ArrayRef<int64_t> shape);
/// A zero point operand: a one-element tensor of `elementType` (integer or
/// float) holding `zp`.
mlir::Value zeroPointConst(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type elementType, int64_t zp);
/// Per-channel integer constants shaped to broadcast against a tensor of rank
/// `rank` along `axis` ([1, .., C, .., 1]); a single value gives all ones.
mlir::Value channelConstInt(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::ArrayRef<int64_t> values,
                            mlir::Type elementType, int64_t rank, int64_t axis);
mlir::Value channelConstFloat(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<double> values,
                              mlir::Type elementType, int64_t rank,
                              int64_t axis);
mlir::Value constShape(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<int64_t> values);

mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> shape);
/// Reshapes `v` to `rank` by prepending unit dimensions (numpy broadcasting).
mlir::Value expandToRank(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         int64_t rank);
/// tosa.transpose, folded into a new constant when `v` is a constant.
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> perm);
/// tosa.reverse along `axis`, folded into a new constant when `v` is a
/// constant.
mlir::Value reverse(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    int64_t axis);
mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                  llvm::ArrayRef<int64_t> start, llvm::ArrayRef<int64_t> size);
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                 mlir::Type elementType);
/// Integer clamp to [lo, hi]; returns `v` when the range covers its type.
mlir::Value clampInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     int64_t lo, int64_t hi);
/// Per-channel integer clamp with tosa.maximum/minimum (or one clamp when
/// the bounds are uniform).
mlir::Value clampIntPerChannel(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value v, llvm::ArrayRef<int64_t> lo,
                               llvm::ArrayRef<int64_t> hi, int64_t axis);
mlir::Value clampFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       double lo, double hi);
/// Elementwise binary ops on equal-rank operands (sizes may be 1 to
/// broadcast); the result shape is the broadcast shape.
mlir::Value add(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                mlir::Value y);
mlir::Value sub(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                mlir::Value y);
mlir::Value mul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                mlir::Value y);
mlir::Value maximum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value y);
mlir::Value minimum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value y);

/// The body of an elementwise computation: scalar operands in, one scalar
/// out.
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
/// A linalg.generic computing `fn` elementwise over `inputs` (equal ranks,
/// size-1 dimensions broadcast) into a tensor of `elementType`. For
/// computations TOSA has no op for (float division, sqrt, composite
/// activations); they fuse with their neighbours like tosa-to-linalg's
/// generics.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::ValueRange inputs, mlir::Type elementType,
                        ScalarFn fn);

/// Applies the TOSA reduction `ReduceOpTy` along every axis in `axes`,
/// keeping the reduced dimensions as size 1.
template <typename ReduceOpTy>
mlir::Value reduceAxes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       llvm::ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    auto type = mlir::cast<mlir::RankedTensorType>(x.getType());
    llvm::SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    x = ReduceOpTy::create(b, loc, type.clone(shape), x,
                           static_cast<uint32_t>(axis));
  }
  return x;
}

/// The number of elements a reduction of `type` along `axes` combines.
int64_t reducedCount(mlir::ShapedType type, llvm::ArrayRef<int64_t> axes);

/// `table[indices]` for an i32 index tensor of any shape, through
/// tosa.gather on a [1, K, 1] constant of `elementType`.
mlir::Value gatherTable(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value indices, llvm::ArrayRef<int64_t> table,
                        mlir::Type elementType);

/// The constant elements behind `v` (arith.constant or tosa.const), if any.
mlir::DenseElementsAttr getConstantElements(mlir::Value v);

/// For a window of effective size `kernel` (dilation included) sliding over
/// `size` elements with `stride` and the given padding, TOSA requires
/// `size + padLo + padHi - kernel` to be a multiple of the stride, while qnn
/// rounds the output size down. Returns the high padding to use and how many
/// trailing input elements to drop so that TOSA's rule holds and the output is
/// unchanged.
struct WindowFix {
  int64_t padHi = 0;
  int64_t crop = 0;
};
WindowFix fixWindow(int64_t size, int64_t kernel, int64_t stride,
                    int64_t padLo, int64_t padHi);

/// Applies fixWindow to the H and W dimensions of an NHWC tensor: crops `x`
/// when needed and returns the TOSA padding [top, bottom, left, right].
mlir::Value fixWindows2d(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         llvm::ArrayRef<int64_t> effectiveKernel,
                         llvm::ArrayRef<int64_t> stride,
                         llvm::ArrayRef<int64_t> padding,
                         llvm::SmallVectorImpl<int64_t> &tosaPad);

//===----------------------------------------------------------------------===//
// Rescale
//===----------------------------------------------------------------------===//

/// What emitRescale computes for each element `v` in channel `c` (channels
/// along `axis`; vectors of size 1 apply to all channels):
///   clamp(sat32(applyRescale(sat32(v - inZps[c]), rescales[c])) + outZps[c],
///         qmin, qmax)
/// which is qmath::requantize. `inLo`/`inHi` bound the input values (before
/// the zero point is subtracted); they decide whether the fast path
/// (tosa.rescale, whose 32-bit intermediates must not overflow) is exact or
/// the 64-bit path is needed.
struct RescaleSpec {
  llvm::SmallVector<qmath::Rescale, 1> rescales;
  llvm::SmallVector<int64_t, 1> inZps = {0};
  llvm::SmallVector<int64_t, 1> outZps = {0};
  int64_t axis = -1;
  mlir::IntegerType outType;
  int64_t qmin = 0;
  int64_t qmax = 0;
  int64_t inLo = INT32_MIN;
  int64_t inHi = INT32_MAX;
};

/// The spec that rescales 32-bit values known to lie in [inLo, inHi] (zero
/// point 0) by `rescales` into the per-tensor quantized type `out`: its
/// zero point, storage type and storage range.
RescaleSpec outputRescaleSpec(llvm::ArrayRef<qmath::Rescale> rescales,
                              const QuantInfo &out, int64_t inLo,
                              int64_t inHi);

/// Builds the integer rescale described by `spec` on the integer tensor `v`.
mlir::Value emitRescale(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        const RescaleSpec &spec);

/// Computes one Rescale per value of `scales`; emits an error naming `what`
/// on `op` when a scale cannot be represented (<= 0 or >= 2^29).
mlir::FailureOr<llvm::SmallVector<qmath::Rescale, 1>>
computeRescales(mlir::Operation *op, llvm::ArrayRef<double> scales,
                llvm::StringRef what);

/// The spec that requantizes a tensor of type `in` to type `out` (per-tensor
/// or per-axis on the same axis).
mlir::FailureOr<RescaleSpec> requantizeSpec(mlir::Operation *op,
                                            const QuantInfo &in,
                                            const QuantInfo &out);

/// Lowers "the real value is scale * (q - zp)" for the float tensor `x` of
/// the given quantized type: the storage tensor equal to qmath::quantize.
mlir::Value emitQuantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         const QuantInfo &info);
/// qmath::dequantize on a storage tensor; the result has element type
/// `floatType`.
mlir::Value emitDequantize(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value q, const QuantInfo &info,
                           mlir::Type floatType);

} // namespace qmlir::qnn_to_tosa

#endif // QMLIR_LIB_CONVERSION_QNNTOTOSA_UTILS_H
