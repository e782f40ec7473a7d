//===- fuzz-npy.cpp - fuzz the .npy and .npz readers ----------------------===//
//
// One target for both formats: inputs starting with the zip magic go to the
// .npz reader (whose members are .npy files), the rest to the .npy reader.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"
#include "qmlir/Runtime/Npy.h"
#include "qmlir/Runtime/Npz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qmlir::setMaxTensorBytes(int64_t(64) << 20);
  llvm::StringRef in = qmlir::fuzz::bytes(data, size);
  if (in.starts_with("PK")) {
    auto arrays = qmlir::parseNpz(in, "fuzz.npz");
    if (!arrays)
      llvm::consumeError(arrays.takeError());
    return 0;
  }
  auto tensor = qmlir::parseNpy(in, "fuzz.npy");
  if (!tensor)
    llvm::consumeError(tensor.takeError());
  return 0;
}
