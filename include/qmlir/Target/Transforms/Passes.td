//===- Passes.td - target legalization passes --------------*- tablegen -*-===//

#ifndef QMLIR_TARGET_TRANSFORMS_PASSES_TD
#define QMLIR_TARGET_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNLegalizeBitwidthPass : Pass<"qnn-legalize-bitwidth", "mlir::ModuleOp"> {
  let summary = "Constrain the quantization scheme to what a target supports";
  let description = [{
    Reads a target description (docs/Targets.md) and brings every layer the
    target runs within it, before `qnn-quantize` picks the types:

    - weight, activation and output widths are clamped to the widest width
      the target allows that is not wider than requested (or its narrowest);
    - per-axis weights become per-tensor, per-axis activations per-tensor,
      where the target requires it; `buffer_bits` becomes the target's
      accumulator width;
    - with `power_of_two_scales`, every scale (model inputs, weights,
      activations) is rounded up to a power of two, so requantization is a
      shift;
    - a conv2d or dense whose worst-case accumulator (`max_o Σ|q_w| ·
      max|q_in − zp_in| + |bias_q|`) would not fit the accumulator gets a
      narrower input: the layer (or model input) that produces it is
      requantized to the widest allowed width that fits (QuantizeML's
      OutputQuantizer).

    The accumulator check needs calibrated ranges and skips layers without
    them, so `qnn-calibrate-quantize` runs the pass before `qnn-calibrate`
    (the scheme) and again after it with `accumulators-only=true`.

    Every change is reported as a remark on the layer. The result is a
    quantization config (docs/Quantization.md, the user's `config` with the
    changes applied) stored as the module attribute `qnn.quant_config`,
    which `qnn-calibrate`, `qnn-quantize` and `qnn-dump-config` read when
    they are given no `config` file.

    ```mlir
    // Before (target: 4-bit weights, 1-4-bit activations, power-of-two scales)
    module { ... qnn.conv2d ... loc("conv1") ... }
    // After: remarks "layer 'conv1': weight_bits 8 -> 4", ...
    module attributes {qnn.quant_config = "{\"defaults\": {...}, \"layers\":
        {\"conv1\": {\"weight_bits\": 4, ...}}}"} { ... }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", "\"\"",
           "Target description file (JSON, docs/Targets.md)">,
    Option<"config", "config", "std::string", "\"\"",
           "Quantization config to start from (JSON, docs/Quantization.md)">,
    Option<"accumulatorsOnly", "accumulators-only", "bool", "false",
           "Only the accumulator check: the scheme was legalized by an "
           "earlier run before calibration (qnn-calibrate-quantize)">,
  ];
}

#endif // QMLIR_TARGET_TRANSFORMS_PASSES_TD
