//===- fuzz-import-tf-pbtxt.cpp - fuzz the TF GraphDef importer (.pbtxt) --===//

#include "FuzzCommon.h"
#include "qmlir/Import/TF/TFImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = qmlir::fuzz::context(nullptr);
  qmlir::TFImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importTFGraphString(
      qmlir::fuzz::bytes(data, size), "fuzz.pbtxt", ctx, options);
  return 0;
}
