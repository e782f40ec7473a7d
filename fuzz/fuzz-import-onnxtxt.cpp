//===- fuzz-import-onnxtxt.cpp - fuzz the ONNX importer: ONNX textual syntax (libonnx's parser) ===//

#include "FuzzCommon.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = qmlir::fuzz::context(nullptr);
  qmlir::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importONNXString(
      qmlir::fuzz::bytes(data, size), "fuzz.onnxtxt", ctx, options);
  return 0;
}
