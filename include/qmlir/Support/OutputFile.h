//===- OutputFile.h - safe writing of tool outputs --------------*- C++ -*-===//
//
// Tools write their outputs through writeFileAtomically: never over one of
// their inputs, and never half-written (a temporary file in the destination
// directory, renamed over the destination when complete).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_OUTPUTFILE_H
#define QMLIR_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace qmlir {

/// An error when `output` names the same file as one of `inputs` (in any
/// spelling: symlinks, `..`, hard links), naming it; success otherwise
/// (also when `output` does not exist yet).
llvm::Error checkNotAnInput(llvm::StringRef output,
                            llvm::ArrayRef<std::string> inputs);

/// Writes `bytes` to `path` atomically: into a temporary file next to it,
/// renamed over `path` once complete (llvm::writeToOutput), so a failure
/// leaves no partial file. Refuses a `path` equal to one of `inputs`
/// (checkNotAnInput). Errors name the path.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes,
                                llvm::ArrayRef<std::string> inputs = {});

} // namespace qmlir

#endif // QMLIR_SUPPORT_OUTPUTFILE_H
