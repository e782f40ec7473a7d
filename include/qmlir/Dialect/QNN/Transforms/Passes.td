//===- Passes.td - qnn transformation passes ---------------*- tablegen -*-===//
//
// Graph and quantization passes on the qnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNFoldBatchNormPass : Pass<"qnn-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold batch normalization into conv2d / dense, or make it quantizable";
  let description = [{
    With `a = scale / sqrt(variance + epsilon)` and `b = bias - mean * a`
    per channel, each `qnn.batch_norm` with constant parameters is rewritten
    by the first of these that applies:

    1. Into the preceding layer: the batch norm's input is a single-use
       conv2d (any groups, depthwise included) or dense with constant
       weights, possibly through single-use reshape / transpose ops that
       keep each layer channel in one batch-norm channel. The weights of
       output channel `o` are multiplied by `a[o]`, the bias becomes
       `bias * a + b` (created if absent), and the layer records the batch
       norm's `scale` and `bias` as `qnn.bn_scale` / `qnn.bn_shift` (the
       statistics of its output, used by `qnn-cross-layer-equalize` and
       `qnn-bias-correction`).
    2. Into the following layer: the batch norm's only user is a constant
       conv2d / dense (possibly through reshape / transpose). Input channel
       `i`'s weights are multiplied by `a[i]` and `sum w * b` is added to
       the bias. Exact only without padding, so a padded conv absorbs a
       batch norm only when every `b` is zero.
    3. Otherwise a per-channel scale and shift, `qnn.add(qnn.mul(x, a), b)`
       with constant `[C]` operands, which `qnn-quantize` quantizes; the add
       carries `qnn.bn_scale` / `qnn.bn_shift`.

    Batch norms with non-constant parameters stay and run in float.

    ```mlir
    // Before
    %0 = qnn.conv2d %x, %w : (...) -> tensor<1x8x8x4xf32>
    %1 = qnn.batch_norm %0, %g, %b, %m, %v : (...) -> tensor<1x8x8x4xf32>
    // After
    %1 = qnn.conv2d %x, %w_folded, %b_folded
        {qnn.bn_scale = dense<...> : tensor<4xf32>,
         qnn.bn_shift = dense<...> : tensor<4xf32>} : (...) -> tensor<1x8x8x4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QNNInsertCalibrationPass
    : Pass<"qnn-insert-calibration", "mlir::func::FuncOp"> {
  let summary = "Insert a qnn.observe probe on every tensor to be quantized";
  let description = [{
    Adds a `qnn.observe` after every float function argument and every float
    result of a layer op (conv2d, dense, activations, elementwise, pooling,
    concat, pad, softmax). Layout-only ops (reshape, transpose) keep their
    input's quantization and get no probe. Each probe is named after the
    tensor: the op's location name (the model's node name) with `:N` for
    result N, or the function argument's `qnn.name`.

    ```mlir
    // Before
    %0 = qnn.relu %x : tensor<4xf32> loc("relu1")
    // After
    %x0 = qnn.observe %x {name = "input"} : tensor<4xf32>
    %0 = qnn.relu %x0 : tensor<4xf32> loc("relu1")
    %1 = qnn.observe %0 {name = "relu1:0"} : tensor<4xf32>
    ```
  }];
}

def QNNCalibratePass : Pass<"qnn-calibrate", "mlir::ModuleOp"> {
  let summary = "Run the float model on samples and record tensor ranges";
  let description = [{
    JIT-compiles a copy of the module in which every `qnn.observe` input is
    an extra result of the entry function, runs it over the samples (batch
    by batch, at the batch size the model was compiled for) and writes the
    minimum and maximum seen by each probe into its `min` and `max`
    attributes. A progress bar goes to stderr.

    ```mlir
    // Before
    %1 = qnn.observe %0 {name = "conv1:0"} : tensor<1x8x8x4xf32>
    // After (qnn-calibrate{samples=calib.npy})
    %1 = qnn.observe %0 {max = 3.2 : f64, min = -1.5 : f64, name = "conv1:0"}
      : tensor<1x8x8x4xf32>
    ```
  }];
  let options = [
    Option<"samples", "samples", "std::string", "\"\"",
           "Path of a .npy file of calibration inputs (first dimension: samples)">,
    Option<"numSamples", "num-samples", "int64_t", "0",
           "Use at most this many samples (0: all)">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "Name of the function to calibrate">,
  ];
}

def QNNQuantizePass : Pass<"qnn-quantize", "mlir::func::FuncOp"> {
  let summary = "Rewrite calibrated float ops into quantized ops";
  let description = [{
    Reads the ranges recorded in `qnn.observe` probes and rewrites every op
    that has integer semantics (conv2d, dense, relu, clip, add, mul, pooling,
    reshape, transpose, concat, pad) to operate on `!quant.uniform` tensors:
    activations get asymmetric (or symmetric) parameters from their range,
    weights symmetric per-axis or per-tensor parameters from their values,
    biases 32 bits with scale `input_scale * weight_scale`. A relu or clip
    that is the only user of its input shares one type with it, so the layer
    before it saturates at the activation's bounds. Ops without integer
    semantics (softmax, batch_norm) stay float between `qnn.dequantize` and
    `qnn.quantize`. Float function inputs get a `qnn.quantize`, outputs a
    `qnn.dequantize`, so the function signature is unchanged.

    ```mlir
    // Before
    %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4xf32>
    %y = qnn.dense %x0, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
    %y0 = qnn.observe %y {name = "fc:0", min = -2.0, max = 2.0} : tensor<1x2xf32>
    // After
    %q = qnn.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.0039:-128>>
    %wq = quant.scast %w_i8 : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {...}>>
    %yq = qnn.dense %q, %wq : (...) -> tensor<1x2x!quant.uniform<i8:f32, 0.0157:0>>
    %y = qnn.dequantize %yq : (...) -> tensor<1x2xf32>
    ```
  }];
  let options = [
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bit width of weights (2-16)">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "Bit width of activations (1-16)">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "Use zero point 0 for activations">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def QNNCrossLayerEqualizePass
    : Pass<"qnn-cross-layer-equalize", "mlir::func::FuncOp"> {
  let summary = "Equalize per-channel weight ranges across consecutive layers";
  let description = [{
    Cross-layer equalization (Nagel et al., ICCV 2019; docs/CLE.md). Two
    constant layers A -> B (conv2d, depthwise conv2d, dense) are a pair when
    A's output reaches B's input through single-use ops that commute with a
    positive per-channel scale: relu, max / avg / global-avg pooling,
    reshape / transpose (channels traced through them, e.g. a flatten into a
    dense), and `qnn.clip` with min 0 (ReLU6), which is replaced by relu
    (option `replace-relu6`, as AIMET does; the float model then no longer
    clips at 6). With r1 = A's per-output-channel range max|w| and r2 = B's
    per-input-channel range, A's channel i is divided by
    s_i = sqrt(r1_i * r2_i) / r2_i and B's input channel i multiplied by it,
    which leaves the function unchanged and both ranges sqrt(r1_i * r2_i).
    A conv -> depthwise -> conv chain is equalized as one set of three
    (AIMET's CLS set: all three ranges become cbrt(r1 r2 r3)). Sets are
    swept in order until every scale factor is within `tolerance` of 1.

    Then high-bias absorption, for each pair whose first layer has batch-norm
    statistics (`qnn.bn_scale` / `qnn.bn_shift`, from qnn-fold-batchnorm):
    c = max(0, beta - 3 |gamma|) (c = beta without a relu) is subtracted from
    A's bias and `W_B c` added to B's. It is exact up to the 0.13 % of a
    normal's mass below beta - 3 gamma and the zero padding of a padded B.

    A function without equalizable pairs is left unchanged with a remark.

    ```mlir
    // Before: ranges r1 = [4, 1], r2 = [1, 4]
    %0 = qnn.dense %x, %w1 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    %1 = qnn.relu %0 : tensor<1x2xf32>
    %2 = qnn.dense %1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    // After: s = [2, 0.5]; w1 rows divided by s, w2 columns multiplied by s
    // (all ranges 2)
    ```
  }];
  let options = [
    Option<"tolerance", "tolerance", "double", "1.0e-4",
           "Stop sweeping when every scale factor is within this of 1">,
    Option<"maxIterations", "max-iterations", "unsigned", "100",
           "Most sweeps over the sets">,
    Option<"absorbHighBias", "absorb-high-bias", "bool", "true",
           "Absorb high biases into the next layer after equalizing">,
    Option<"replaceRelu6", "replace-relu6", "bool", "true",
           "Replace qnn.clip with min 0 between equalized layers by qnn.relu "
           "(else such layers are not equalized)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QNNBiasCorrectionPass : Pass<"qnn-bias-correction", "mlir::func::FuncOp"> {
  let summary = "Correct the bias shift that weight quantization will cause";
  let description = [{
    Analytical (data-free) bias correction (Nagel et al., ICCV 2019;
    docs/CLE.md). Quantizing a layer's weights W to W_q shifts its expected
    output by (W_q - W) E[x]; the pass subtracts that from the float bias so
    the quantized layer's output keeps the float mean. E[x] comes from the
    batch-norm statistics (`qnn.bn_scale` = gamma, `qnn.bn_shift` = beta,
    recorded by qnn-fold-batchnorm) of the op producing the layer's input:
    its output is modelled as N(beta, gamma^2) per channel, passed through
    the relu / clip between them (the clipped-normal mean), averaging pools,
    reshape / transpose and `qnn.observe`. Layers whose input has no such
    statistics, or reaches them through max pooling or another op that
    changes the mean unpredictably, are left alone.

    W_q is computed here, before quantization, with the weight rule of
    qnn-quantize (symmetric, zero point 0, per output channel or per
    tensor; docs/Quantization.md), because the quantized IR no longer holds
    the float W. `weight-bits` and `per-axis-weights` must therefore be
    the values given to qnn-quantize. Run it after qnn-calibrate (the ranges
    are those of the uncorrected float model) and before qnn-quantize.

    ```mlir
    // Before
    %0 = qnn.dense %x, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>,
                                 qnn.bn_shift = dense<[1.0, 2.0]> : tensor<2xf32>} : ...
    %1 = qnn.dense %0, %w2, %b2 : ...
    // After: b2 - (W2_q - W2) [1, 2]
    %1 = qnn.dense %0, %w2, %b2_corrected : ...
    ```

    Empirical bias correction (measured E[x] and output shifts) and
    AdaRound need calibration data and are not implemented yet.
  }];
  let options = [
    Option<"mode", "mode", "std::string", "\"analytical\"",
           "Correction method: analytical (from batch-norm statistics)">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bit width qnn-quantize will give the weights (2-16)">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "Whether qnn-quantize will quantize weights per output channel">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
