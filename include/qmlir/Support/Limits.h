//===- Limits.h - size limits on untrusted input ----------------*- C++ -*-===//
//
// Readers of models, tensors and configs check every size a file declares
// against these limits before allocating for it, so a file declaring a
// 10^12-element tensor gets an error naming the tensor rather than the OOM
// killer (docs/reliability.md).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_LIMITS_H
#define QMLIR_SUPPORT_LIMITS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace qmlir {

/// The largest tensor a reader materializes, in bytes: 4 GiB unless the
/// environment variable QMLIR_MAX_TENSOR_BYTES or setMaxTensorBytes (the
/// tools' --max-tensor-bytes) says otherwise.
int64_t maxTensorBytes();
void setMaxTensorBytes(int64_t bytes);

/// The element count of `shape`, or nullopt when a dimension is negative or
/// the product of its non-zero dimensions overflows int64_t: an empty
/// tensor's other dimensions are bounded too, since strides and partial
/// products over them would overflow (a [2^63-1, 0, 4, 4] graph input was
/// signed overflow transposing it, found by fuzz-import-onnx).
std::optional<int64_t> checkedElementCount(llvm::ArrayRef<int64_t> shape);

/// Fails when a tensor of `shape` with `elementBytes`-byte elements is above
/// maxTensorBytes() (or its size overflows). The message is a phrase to put
/// after the tensor's name: "has shape 1000000x1000000 (4e+12 bytes), above
/// the limit of ... bytes (raise it with --max-tensor-bytes or
/// QMLIR_MAX_TENSOR_BYTES)".
llvm::Error checkTensorSize(llvm::ArrayRef<int64_t> shape,
                            int64_t elementBytes);

} // namespace qmlir

#endif // QMLIR_SUPPORT_LIMITS_H
