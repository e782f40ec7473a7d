//===- ErrorCollector.h - diagnostics collected by importer tests -*- C++ -*-===//
//
// A context whose diagnostics are collected as strings instead of printed:
// the importer tests check that every failure is exactly one line.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_UNITTESTS_IMPORT_ERRORCOLLECTOR_H
#define QMLIR_UNITTESTS_IMPORT_ERRORCOLLECTOR_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <string>
#include <vector>

namespace qmlir::testing {

struct ErrorCollector {
  mlir::MLIRContext ctx;
  std::vector<std::string> errors;
  mlir::ScopedDiagnosticHandler handler{&ctx, [this](mlir::Diagnostic &diag) {
                                          errors.push_back(diag.str());
                                          return mlir::success();
                                        }};
};

} // namespace qmlir::testing

#endif // QMLIR_UNITTESTS_IMPORT_ERRORCOLLECTOR_H
