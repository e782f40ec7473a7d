//===- Common.h - helpers shared by the _qmlir extension's files -*- C++ -*-===//
//
// The process-wide MLIR context, errors raised as qmlir.Error, and the
// collector that turns a pass pipeline's diagnostics into a Python error
// (the first error) and Python warnings (warnings and remarks).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_PYTHON_COMMON_H
#define QMLIR_PYTHON_COMMON_H

#include "qmlir/Runtime/HostTensor.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

namespace qmlir::npu {
struct Artifact;
} // namespace qmlir::npu

namespace qmlir::python {

/// Raises the Python exception qmlir.Error with `message`.
[[noreturn]] void raise(const std::string &message);

inline std::string takeMessage(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// One context per process: models share it, so their IR can be combined.
mlir::MLIRContext &context();

/// The numpy dtype of an element type.
pybind11::dtype toDtype(ElementType t);

/// While alive, collects the diagnostics emitted on context(): the first
/// error (the one-line message a failure raises) and every warning and
/// remark in order, as ("warning" | "remark", text) for Python's
/// warnings.warn.
class DiagnosticCollector {
public:
  DiagnosticCollector();
  /// The first error, or `fallback` when no error was emitted.
  std::string error(const std::string &fallback) const {
    return firstError.empty() ? fallback : firstError;
  }
  /// The warnings and remarks as a list of (kind, text) tuples.
  pybind11::list messages() const;

private:
  std::string firstError;
  std::vector<std::pair<std::string, std::string>> collected;
  mlir::ScopedDiagnosticHandler handler;
};

/// Binds qmlir._qmlir.Artifact (ArtifactBinding.cpp).
void bindArtifact(pybind11::module_ &m);

/// A Python qmlir._qmlir.Artifact owning `artifact`; `what` names it in
/// errors.
pybind11::object wrapArtifact(npu::Artifact artifact, std::string what);

} // namespace qmlir::python

#endif // QMLIR_PYTHON_COMMON_H
