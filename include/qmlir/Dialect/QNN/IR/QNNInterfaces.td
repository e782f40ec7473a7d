//===- QNNInterfaces.td - qnn op interfaces ----------------*- tablegen -*-===//
//
// Interfaces through which passes treat families of qnn ops uniformly.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNINTERFACES_TD
#define QMLIR_DIALECT_QNN_IR_QNNINTERFACES_TD

include "mlir/IR/OpBase.td"

def QNN_ElementwiseFunctionOpInterface
    : OpInterface<"ElementwiseFunctionOpInterface"> {
  let cppNamespace = "::qmlir::qnn";
  let description = [{
    An op whose result is a function of its one operand, element by element
    (relu, clip, sigmoid, tanh, ...). `qnn-quantize` quantizes such an op
    with an input of at most 16 bits as a `qnn.table`: the function is
    evaluated at compile time on every value the input type can hold (at
    most 65,536; relu and clip use a table only up to 8 bits and clamp
    storage values otherwise). Implementing
    `evaluate` is all a new elementwise op needs to be quantizable
    (docs/Quantization.md, "Adding an elementwise op").
  }];
  let methods = [
    InterfaceMethod<
      "The real result for the real input `x`.",
      "double", "evaluate", (ins "double":$x)>,
  ];
}

#endif // QMLIR_DIALECT_QNN_IR_QNNINTERFACES_TD
