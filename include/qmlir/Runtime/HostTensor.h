//===- HostTensor.h - owning host tensors for the runtime -------*- C++ -*-===//
//
// The tensors the runtime, qrun and the .npy reader/writer exchange: owning,
// 64-byte aligned, row-major and contiguous.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_HOSTTENSOR_H
#define QMLIR_RUNTIME_HOSTTENSOR_H

#include "qmlir/Support/Shapes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace qmlir {

/// Element types the runtime can pass to and from compiled code. Integer
/// types are signed except U8; I1 is one byte per element (0 or 1).
enum class ElementType { F32, F64, I8, U8, I16, I32, I64, I1 };

/// "f32", "f64", "i8", "u8", "i16", "i32", "i64", "i1".
llvm::StringRef stringifyElementType(ElementType type);

/// Size of one element in bytes.
size_t getElementByteSize(ElementType type);

/// An owning, 64-byte aligned, row-major, contiguous tensor on the host.
/// Copies are deep; moves transfer the buffer.
struct HostTensor {
  ElementType type = ElementType::F32;
  llvm::SmallVector<int64_t, 4> shape;

  /// A zero-filled tensor.
  static HostTensor allocate(ElementType type, llvm::ArrayRef<int64_t> shape);

  /// Product of the dimensions (1 for a scalar).
  int64_t numElements() const;
  /// numElements() times the element size.
  size_t byteSize() const;

  void *rawData() { return buffer.get(); }
  const void *rawData() const { return buffer.get(); }
  template <typename T>
  T *data() {
    return static_cast<T *>(rawData());
  }
  template <typename T>
  const T *data() const {
    return static_cast<const T *>(rawData());
  }

  HostTensor() = default;
  HostTensor(const HostTensor &other);
  HostTensor &operator=(const HostTensor &other);
  HostTensor(HostTensor &&) noexcept = default;
  HostTensor &operator=(HostTensor &&) noexcept = default;
  ~HostTensor() = default;

private:
  struct FreeDeleter {
    void operator()(void *p) const;
  };
  std::unique_ptr<void, FreeDeleter> buffer;
  /// Bytes allocated for `buffer` (a multiple of 64, at least 64).
  size_t capacity = 0;
};

} // namespace qmlir

#endif // QMLIR_RUNTIME_HOSTTENSOR_H
