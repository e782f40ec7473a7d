//===- HostTensor.cpp - owning host tensors -------------------------------===//

#include "qmlir/Runtime/HostTensor.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

using namespace qmlir;

static constexpr size_t kAlignment = 64;

llvm::StringRef qmlir::stringifyElementType(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F64:
    return "f64";
  case ElementType::I8:
    return "i8";
  case ElementType::U8:
    return "u8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  case ElementType::I1:
    return "i1";
  }
  llvm_unreachable("unknown ElementType");
}

size_t qmlir::getElementByteSize(ElementType type) {
  switch (type) {
  case ElementType::I8:
  case ElementType::U8:
  case ElementType::I1:
    return 1;
  case ElementType::I16:
    return 2;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F64:
  case ElementType::I64:
    return 8;
  }
  llvm_unreachable("unknown ElementType");
}

void HostTensor::FreeDeleter::operator()(void *p) const { std::free(p); }

/// A zeroed, 64-byte aligned buffer of at least `bytes` bytes.
static void *allocateBuffer(size_t bytes, size_t &capacity) {
  capacity = std::max(kAlignment, (bytes + kAlignment - 1) / kAlignment *
                                      kAlignment);
  void *p = std::aligned_alloc(kAlignment, capacity);
  if (!p)
    llvm::report_bad_alloc_error("HostTensor allocation failed");
  std::memset(p, 0, capacity);
  return p;
}

HostTensor HostTensor::allocate(ElementType type,
                                llvm::ArrayRef<int64_t> shape) {
  HostTensor t;
  t.type = type;
  t.shape.assign(shape.begin(), shape.end());
  t.buffer.reset(allocateBuffer(t.byteSize(), t.capacity));
  return t;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t HostTensor::byteSize() const {
  return static_cast<size_t>(numElements()) * getElementByteSize(type);
}

HostTensor::HostTensor(const HostTensor &other)
    : type(other.type), shape(other.shape) {
  if (!other.buffer)
    return;
  buffer.reset(allocateBuffer(other.capacity, capacity));
  std::memcpy(buffer.get(), other.buffer.get(), other.capacity);
}

HostTensor &HostTensor::operator=(const HostTensor &other) {
  if (this != &other)
    *this = HostTensor(other);
  return *this;
}
