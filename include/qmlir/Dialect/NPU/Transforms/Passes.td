//===- Passes.td - npu dialect passes ----------------------*- tablegen -*-===//

#ifndef QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NPUPartitionPass : Pass<"npu-partition", "mlir::ModuleOp"> {
  let summary = "Group npu ops into accelerator segments";
  let description = [{
    After `convert-qnn-to-npu`, every maximal run of npu ops with no CPU op
    between them (in program order) becomes one `npu.segment`: its weights
    move inside, the tensors it reads from the CPU side (through
    `npu.transfer`) become its operands, the tensors the CPU side reads
    become its results. Segments are numbered in program order across the
    module. A function without npu ops is left alone (a warning when the
    whole module has none: everything runs on the CPU).

    ```mlir
    // Before
    %t = npu.transfer %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xi8>
    %c = npu.clamp %t {bits = 8, max = 127, min = 0} : tensor<4xi8>
    %r = npu.transfer %c : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
    // After
    %t = npu.transfer %x : ...
    %s = npu.segment 0 (%t) : (tensor<4xi8>) -> tensor<4xi8> {
    ^bb0(%a: tensor<4xi8>):
      %c = npu.clamp %a {bits = 8, max = 127, min = 0} : tensor<4xi8>
      npu.yield %c : tensor<4xi8>
    }
    %r = npu.transfer %s : ...
    ```
  }];
}

def NPUSummaryPass : Pass<"npu-summary", "mlir::ModuleOp"> {
  let summary = "Print a model summary: segments, layers, shapes, bit widths";
  let description = [{
    Prints, per function, every layer in program order with where it runs
    (`npu <segment>` or `cpu`), its op, output shape, kernel (weight) shape
    and bit widths (weights / input / output / accumulator), then totals:
    segments, layers per device, transfers and the bytes they move. In the
    spirit of Akida's model summary. The IR is unchanged.

    ```
    qopt m.npu.mlir --npu-summary -o /dev/null
    ```
  }];
  let options = [
    Option<"out", "out", "std::string", "\"-\"",
           "Where to write the summary ('-': stdout)">,
  ];
}

#endif // QMLIR_DIALECT_NPU_TRANSFORMS_PASSES_TD
