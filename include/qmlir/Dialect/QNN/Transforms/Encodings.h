//===- Encodings.h - AIMET encodings of qnn modules -------------*- C++ -*-===//
//
// Which tensors of a qnn function the encodings name, and how: activations
// by the names their calibration probes have (TensorNames.h: `<node>:<N>`,
// or the argument's `qnn.name`), weights by `parameterName`. Export reads
// them off a quantized function; import is the qnn-apply-encodings pass.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_ENCODINGS_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_ENCODINGS_H

#include "qmlir/Quant/Encodings.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

namespace qmlir::qnn {

/// The discardable attribute qnn-apply-encodings puts on a conv2d/dense:
/// `{bits = N : i64, scales = array<f64: ...>}`, the weight scales (one, or
/// one per output channel) qnn-quantize uses.
inline constexpr llvm::StringLiteral kWeightEncodingAttr =
    "qnn.weight_encoding";

/// The discardable attribute qnn-adopt-qdq puts on a qnn.observe probe: the
/// `!quant.uniform` element type the model gives the tensor, which
/// qnn-quantize uses as it is (its `min`/`max` are only for reports).
inline constexpr llvm::StringLiteral kFixedTypeAttr = "qnn.fixed_type";

/// The discardable unit attribute qnn-adopt-qdq puts on an op that reads a
/// plain float constant (not a dequantized one): qnn-quantize leaves it
/// float (and drops the attribute), as ONNX Runtime runs it; its result
/// still gets the model's type where the model quantizes it.
inline constexpr llvm::StringLiteral kKeepFloatAttr = "qnn.keep_float";

/// The encodings of a quantized function: every tensor a layer op computes
/// or a qnn.quantize creates from a float tensor (per-axis types give one
/// encoding per channel), and the weights of conv2d/dense (quantized, or
/// dequantized from a quantized constant as in QDQ models). Biases are left
/// out: their scale is `s_in * s_w` by definition. Fails with an error at
/// the op for quantized types other than uniform ones.
mlir::FailureOr<encodings::EncodingsFile>
collectEncodings(mlir::func::FuncOp func);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_ENCODINGS_H
