//===- Npz.h - NumPy .npz archives ------------------------------*- C++ -*-===//
//
// Reads the zip archives that np.savez and np.savez_compressed write: one
// .npy file per array, stored or deflated, zip64 extra fields accepted.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_NPZ_H
#define QMLIR_RUNTIME_NPZ_H

#include "qmlir/Runtime/HostTensor.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace qmlir {

/// One array of an archive; `name` is the member name without ".npy".
struct NamedArray {
  std::string name;
  HostTensor tensor;
};

/// Reads every array of a .npz file, in archive order. Errors are one line
/// naming the file (and the member).
llvm::Expected<std::vector<NamedArray>> readNpz(llvm::StringRef path);
/// As readNpz, for an archive already in memory; `path` names it in errors.
llvm::Expected<std::vector<NamedArray>> parseNpz(llvm::StringRef data,
                                                 llvm::StringRef path);

/// Reads a .npy file (one array named "") or a .npz archive, by extension.
llvm::Expected<std::vector<NamedArray>> readArrays(llvm::StringRef path);

} // namespace qmlir

#endif // QMLIR_RUNTIME_NPZ_H
