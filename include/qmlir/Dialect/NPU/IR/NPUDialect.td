//===- NPUDialect.td - npu dialect definition --------------*- tablegen -*-===//
//
// The npu dialect: what an integer-only accelerator executes. Every tensor
// is a plain signless integer tensor holding storage values; every number
// the hardware needs (zero points, multiplier/shift pairs, clamp bounds,
// bit widths, accumulator width) is an attribute, so no op depends on a
// !quant type. See docs/Targets.md.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_NPU_IR_NPUDIALECT_TD
#define QMLIR_DIALECT_NPU_IR_NPUDIALECT_TD

include "mlir/IR/OpBase.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let cppNamespace = "::qmlir::npu";
  let summary = "Integer-only accelerator ops with explicit bit widths";
  let description = [{
    `convert-qnn-to-npu` lowers the quantized qnn ops a target description
    supports to npu ops; `npu-partition` groups them into `npu.segment`
    regions, the unit an accelerator runs. Everything else stays qnn and
    runs on the CPU path; `npu.transfer` marks each tensor that crosses
    between the two. The integer rules are those of docs/Quantization.md
    (TOSA RESCALE requantization), written out as attributes.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // QMLIR_DIALECT_NPU_IR_NPUDIALECT_TD
