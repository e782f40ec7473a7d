//===- fuzz-import-tf-pb.cpp - fuzz the TF GraphDef importer (.pb) --===//

#include "FuzzCommon.h"
#include "qmlir/Import/TF/TFImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = qmlir::fuzz::context(nullptr);
  qmlir::TFImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importTFGraphString(
      qmlir::fuzz::bytes(data, size), "fuzz.pb", ctx, options);
  return 0;
}
