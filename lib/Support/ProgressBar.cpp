//===- ProgressBar.cpp - a progress bar on stderr -------------------------===//

#include "qmlir/Support/ProgressBar.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace qmlir;

static ProgressSink &progressSink() {
  static ProgressSink sink;
  return sink;
}

void qmlir::setProgressSink(ProgressSink sink) {
  progressSink() = std::move(sink);
}

ProgressBar::ProgressBar(llvm::StringRef label, int64_t total,
                         llvm::StringRef unit)
    : label(label.str()), unit(unit.str()), total(total),
      interactive(llvm::errs().is_displayed()),
      start(std::chrono::steady_clock::now()) {}

void ProgressBar::update(int64_t done) {
  if (done == last)
    return;
  last = done;
  if (ProgressSink &sink = progressSink()) {
    sink(label, done, total, unit);
    return;
  }
  if (!interactive && done < total)
    return;
  constexpr int width = 30;
  int filled = total > 0 ? static_cast<int>(width * done / total) : width;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  llvm::errs() << (interactive ? "\r" : "") << label << " ["
               << std::string(filled, '#') << std::string(width - filled, ' ')
               << "] " << done << "/" << total << " " << unit << ", "
               << llvm::format("%.1f", seconds) << " s";
  if (!interactive)
    llvm::errs() << "\n";
  llvm::errs().flush();
}

void ProgressBar::finish() {
  if (finished)
    return;
  finished = true;
  update(total);
  if (interactive && !progressSink())
    llvm::errs() << "\n";
}
