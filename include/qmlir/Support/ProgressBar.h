//===- ProgressBar.h - a progress bar on stderr -----------------*- C++ -*-===//

#ifndef QMLIR_SUPPORT_PROGRESSBAR_H
#define QMLIR_SUPPORT_PROGRESSBAR_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace qmlir {

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
