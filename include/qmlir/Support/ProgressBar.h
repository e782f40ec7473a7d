//===- ProgressBar.h - a progress bar on stderr -----------------*- C++ -*-===//

#ifndef QMLIR_SUPPORT_PROGRESSBAR_H
#define QMLIR_SUPPORT_PROGRESSBAR_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace qmlir {

/// Receives every progress update instead of stderr: (label, done, total,
/// unit). A host such as the Python package installs one to draw its own bar
/// (tqdm); `done == total` is the last call of a bar.
using ProgressSink = std::function<void(llvm::StringRef label, int64_t done,
                                        int64_t total, llvm::StringRef unit)>;

/// Installs `sink` for the whole process (an empty function restores the
/// stderr bar). Not thread-safe: set it before running passes.
void setProgressSink(ProgressSink sink);

/// Draws `label [#####     ] done/total unit, elapsed` on stderr, redrawn
/// in place when stderr is a terminal and printed once at the end otherwise
/// (so logs stay readable).
class ProgressBar {
public:
  ProgressBar(llvm::StringRef label, int64_t total, llvm::StringRef unit);
  void update(int64_t done);
  void finish();

private:
  std::string label, unit;
  int64_t total;
  int64_t last = -1;
  bool interactive;
  bool finished = false;
  std::chrono::steady_clock::time_point start;
};

} // namespace qmlir

#endif // QMLIR_SUPPORT_PROGRESSBAR_H
