//===- FuzzCommon.h - shared setup of qmlir's libFuzzer targets -*- C++ -*-===//
//
// Each target feeds libFuzzer's bytes to one reader. A reader must return an
// error for any input; a crash, sanitizer report, timeout or out-of-memory
// is a bug (docs/reliability.md).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_FUZZ_FUZZCOMMON_H
#define QMLIR_FUZZ_FUZZCOMMON_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "qmlir/Support/Limits.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace qmlir::fuzz {

/// The bytes libFuzzer gives as a StringRef.
inline llvm::StringRef bytes(const uint8_t *data, size_t size) {
  return llvm::StringRef(reinterpret_cast<const char *>(data), size);
}

/// A context that drops diagnostics (a fuzzer prints nothing per input),
/// kept across inputs: creating one per input would dominate the run time.
/// Tensor limits are lowered to 64 MiB so that libFuzzer's RSS limit flags a
/// reader that allocates past them, not a legitimately large input.
inline mlir::MLIRContext &context(void (*setup)(mlir::MLIRContext &)) {
  static std::unique_ptr<mlir::MLIRContext> ctx = [&] {
    setMaxTensorBytes(int64_t(64) << 20);
    auto c = std::make_unique<mlir::MLIRContext>(
        mlir::MLIRContext::Threading::DISABLED);
    c->getDiagEngine().registerHandler(
        [](mlir::Diagnostic &) { return mlir::success(); });
    if (setup)
      setup(*c);
    return c;
  }();
  return *ctx;
}

} // namespace qmlir::fuzz

#endif // QMLIR_FUZZ_FUZZCOMMON_H
