//===- CustomOps.h - registry of user-defined op implementations -*- C++
//-*-===//
//
// The process-wide table of implementations for qnn.custom ops, filled by
// plugin libraries (include/qmlir-c/CustomOp.h) or by the host directly, and
// the runtime entry points that the JIT binds to the calls qnn-custom-to-call
// emits.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_CUSTOMOPS_H
#define QMLIR_RUNTIME_CUSTOMOPS_H

#include "qmlir-c/CustomOp.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qmlir {

/// Loads a plugin library (kept loaded for the life of the process) and lets
/// it register its ops. Errors are one line naming the path.
llvm::Error loadCustomOpPlugin(llvm::StringRef path);

/// Registers `fn` as the implementation of `opName`; `origin` (a plugin path
/// or "the host") names the registrant in the error when the name is taken.
llvm::Error registerCustomOp(llvm::StringRef opName, QmlirCustomOpFn fn,
                             llvm::StringRef origin = "the host");

/// The implementation registered for `opName`, or null.
QmlirCustomOpFn lookupCustomOp(llvm::StringRef opName);

/// The function the JIT binds to `_mlir_ciface_qmlir_custom_call_<i>`, which
/// takes `numArgs` memref descriptor pointers (the call-site descriptor, the
/// operands, the results); null when `numArgs` exceeds what is supported
/// (maxCustomCallArgs()).
void *getCustomCallTrampoline(unsigned numArgs);
unsigned maxCustomCallArgs();

/// The first error a custom call reported on this thread since the last
/// call of this function (then cleared), or "" when all succeeded.
std::string takeCustomCallError();

} // namespace qmlir

#endif // QMLIR_RUNTIME_CUSTOMOPS_H
