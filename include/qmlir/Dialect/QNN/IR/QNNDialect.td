//===- QNNDialect.td - qnn dialect definition --------------*- tablegen -*-===//
//
// The qnn dialect: a framework-neutral neural-network graph whose ops work on
// float tensors and on upstream `!quant.uniform` tensors alike.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
#define QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD

include "mlir/IR/OpBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::qmlir::qnn";
  let summary = "Framework-neutral neural-network graph with quantized types";
  let description = [{
    Ops of the `qnn` dialect describe a neural network at the level of layers
    (convolution, dense, pooling, elementwise, layout ops). Spatial tensors are
    channel-last (NHWC); convolution weights are OHWI (`[out, kh, kw, in /
    groups]`). Importers convert at the model boundary.

    The same op works on float tensors and on quantized tensors whose element
    type is an upstream `!quant.uniform` type (per-tensor or per-axis). Whether
    an op is quantized, and with which scale, zero point and storage range, is
    carried entirely by the types of its operands and results; the integer
    semantics are defined in `docs/Quantization.md`.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  // qnn.bn_scale / qnn.bn_shift (batch-norm statistics).
  let hasOperationAttrVerify = 1;
}

#endif // QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
