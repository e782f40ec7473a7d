//===- fuzz-calib-stats.cpp - fuzz the calibration statistics reader ------===//

#include "FuzzCommon.h"
#include "qmlir/Quant/Calibration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qmlir::setMaxTensorBytes(int64_t(64) << 20);
  auto stats = qmlir::calib::parseStatsFile(qmlir::fuzz::bytes(data, size),
                                            "fuzz.json");
  if (!stats)
    llvm::consumeError(stats.takeError());
  return 0;
}
