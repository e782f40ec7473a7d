//===- fuzz-target-json.cpp - fuzz the accelerator target JSON reader -----===//

#include "FuzzCommon.h"
#include "qmlir/Target/TargetDescription.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto target =
      qmlir::target::parseTarget(qmlir::fuzz::bytes(data, size), "fuzz.json");
  if (!target)
    llvm::consumeError(target.takeError());
  return 0;
}
