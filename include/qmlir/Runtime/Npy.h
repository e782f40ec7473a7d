//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes .npy files (format versions 1, 2 and 3; little-endian,
// C order) holding the dtypes <f4 <f8 |i1 |u1 <i2 <i4 <i8 |b1.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_NPY_H
#define QMLIR_RUNTIME_NPY_H

#include "qmlir/Runtime/HostTensor.h"

#include "llvm/Support/Error.h"

namespace qmlir {

/// Reads a .npy file. Errors are one line naming the file and the problem
/// (bad magic, unsupported dtype or version, Fortran order, truncated data).
llvm::Expected<HostTensor> readNpy(llvm::StringRef path);

/// Parses the contents of a .npy file; errors name `path`.
llvm::Expected<HostTensor> parseNpy(llvm::StringRef data, llvm::StringRef path);

/// Writes `tensor` as a version 1.0 .npy file (2.0 if the header needs it).
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &tensor);

/// The .npy dtype string of an element type, e.g. "<f4".
llvm::StringRef getNpyDescr(ElementType type);

} // namespace qmlir

#endif // QMLIR_RUNTIME_NPY_H
