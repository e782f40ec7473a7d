//===- QDQExport.h - quantized qnn module to an ONNX QDQ model --*- C++ -*-===//
//
// Writes a quantized qnn module as an ONNX model in the QDQ format that ONNX
// Runtime and other ONNX tools read: every quantized tensor is a
// QuantizeLinear/DequantizeLinear pair, weights are int8 initializers read
// through DequantizeLinear, biases int32. Free of ONNX and protobuf headers
// (the library catches everything libonnx throws), like ONNXImporter.h.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_EXPORT_ONNX_QDQEXPORT_H
#define QMLIR_EXPORT_ONNX_QDQEXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

namespace qmlir {

struct ONNXQDQExportOptions {
  /// Write ONNX's textual syntax (libonnx's printer) instead of the binary
  /// ModelProto. Initializer data is left out of the text.
  bool text = false;
};

/// Exports the module's one function (opset 13, NCHW at the ONNX side). On
/// failure emits an error at the op that cannot be expressed (its location
/// names the model's node) and writes nothing.
mlir::LogicalResult exportONNXQDQ(mlir::ModuleOp module, llvm::raw_ostream &os,
                                  const ONNXQDQExportOptions &options = {});

} // namespace qmlir

#endif // QMLIR_EXPORT_ONNX_QDQEXPORT_H
