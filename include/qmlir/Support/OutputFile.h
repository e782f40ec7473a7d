//===- OutputFile.h - safe output files for qmlir tools ---------*- C++ -*-===//
//
// Every file a qmlir tool writes goes through these helpers: the content is
// written to a temporary file in the destination directory and renamed into
// place only when the whole write succeeded, so an interrupted or failed run
// never leaves a half-written file and never destroys a file that was there
// before. An output path naming an input file is refused.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_OUTPUTFILE_H
#define QMLIR_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace qmlir {

/// Writes `path` through `write`: into a temporary file beside `path`, which
/// is renamed onto `path` when `write` and the flush succeed and removed
/// otherwise (also on SIGINT/SIGTERM). `-` writes to stdout; an existing
/// non-regular destination (/dev/null, a FIFO) is written directly; a symlink
/// is resolved so the link stays and its target is replaced.
///
/// Why not llvm::ToolOutputFile (what MLIR's openOutputFile returns): it opens
/// the destination itself with O_TRUNC, so a failed run has already destroyed
/// the previous file (and then deletes it), and a concurrent reader sees a
/// partial file. llvm::writeToOutput does use a temporary file but ignores
/// write errors (a full disk) and would rename over /dev/null.
llvm::Error
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);

/// Fails with "<tool>: output file 'X' is the input file 'Y'" when `output`
/// names the same file as one of `inputs` (through any spelling: `./`, `..`,
/// hard links, symlinks). `-` and paths that do not exist never match.
llvm::Error checkOutputNotInput(llvm::StringRef output,
                                llvm::ArrayRef<std::string> inputs);

/// For tools whose inputs are not known before a library driver parses the
/// command line (mlir-translate's): every argument, and the value after `=`
/// in `--opt=value`, that names an existing file counts as an input.
std::vector<std::string> pathsInArguments(llvm::ArrayRef<char *> args);

/// A temporary path beside `path` for a writer that needs a file name rather
/// than a stream (an external linker, a library driver's -o). The temporary
/// is removed on destruction unless commit() renamed it onto `path`. For
/// `-` and non-regular destinations tempPath() is `path` itself and commit()
/// does nothing.
class TemporaryOutput {
public:
  static llvm::Expected<TemporaryOutput> create(llvm::StringRef path);
  TemporaryOutput(TemporaryOutput &&other);
  TemporaryOutput &operator=(TemporaryOutput &&) = delete;
  ~TemporaryOutput();

  llvm::StringRef tempPath() const { return temp; }
  /// Renames the temporary onto the destination.
  llvm::Error commit();

private:
  TemporaryOutput(std::string dest, std::string temp)
      : dest(std::move(dest)), temp(std::move(temp)) {}
  std::string dest, temp;
  bool active = false;
};

} // namespace qmlir

#endif // QMLIR_SUPPORT_OUTPUTFILE_H
