//===- Limits.cpp - size limits on untrusted input ------------------------===//

#include "qmlir/Support/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cstdlib>

using namespace qmlir;

static constexpr int64_t kDefaultMaxTensorBytes = int64_t(1) << 32;

static int64_t initialLimit() {
  int64_t bytes = 0;
  if (const char *env = std::getenv("QMLIR_MAX_TENSOR_BYTES"))
    if (!llvm::StringRef(env).getAsInteger(10, bytes) && bytes > 0)
      return bytes;
  return kDefaultMaxTensorBytes;
}

static std::atomic<int64_t> &limit() {
  static std::atomic<int64_t> value(initialLimit());
  return value;
}

int64_t qmlir::maxTensorBytes() { return limit().load(); }

void qmlir::setMaxTensorBytes(int64_t bytes) {
  limit().store(bytes > 0 ? bytes : kDefaultMaxTensorBytes);
}

std::optional<int64_t>
qmlir::checkedElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d == 0)
      empty = true;
    else if (llvm::MulOverflow(n, d, n))
      return std::nullopt;
  }
  return empty ? 0 : n;
}

llvm::Error qmlir::checkTensorSize(llvm::ArrayRef<int64_t> shape,
                                   int64_t elementBytes) {
  std::string dims;
  llvm::raw_string_ostream os(dims);
  llvm::interleave(shape, os, "x");
  if (shape.empty())
    dims = "scalar";
  std::optional<int64_t> n = checkedElementCount(shape);
  int64_t bytes = 0;
  if (!n || llvm::MulOverflow(*n, std::max<int64_t>(elementBytes, 1), bytes))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "has shape " + dims +
                                       ", whose size overflows 64 bits");
  if (bytes <= maxTensorBytes())
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "has shape " + dims + " (" + std::to_string(bytes) +
          " bytes), above the limit of " + std::to_string(maxTensorBytes()) +
          " bytes (raise it with --max-tensor-bytes or "
          "QMLIR_MAX_TENSOR_BYTES)");
}
