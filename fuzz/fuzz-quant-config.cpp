//===- fuzz-quant-config.cpp - fuzz the quantization config JSON reader ---===//

#include "FuzzCommon.h"
#include "qmlir/Quant/QuantConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qmlir::setMaxTensorBytes(int64_t(64) << 20);
  auto config =
      qmlir::qconfig::parseConfig(qmlir::fuzz::bytes(data, size), "fuzz.json");
  if (!config)
    llvm::consumeError(config.takeError());
  return 0;
}
