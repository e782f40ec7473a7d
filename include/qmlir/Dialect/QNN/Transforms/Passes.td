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

    An already-quantized function (one with `qnn.quantize` /
    `qnn.dequantize` ops: an imported ONNX QDQ model or TF FakeQuant graph)
    is adopted instead, as `qnn-adopt-qdq` does: its probes carry the
    model's own types and `qnn-calibrate` has nothing to measure. With
    `adopt-qdq=false` the float ops between the pairs are probed and
    calibrated like any float model (the pairs stay float fake
    quantization). `calibrate-float-ops=true` adopts it as
    `qnn-adopt-qdq{calibrate-float-ops=true}` does: the ops the model leaves
    float get plain probes, which `qnn-calibrate` measures.
  }];
  let options = [
    Option<"adoptQdq", "adopt-qdq", "bool", "true",
           "Adopt the parameters of an already-quantized function instead of "
           "probing it for calibration">,
    Option<"calibrateFloatOps", "calibrate-float-ops", "bool", "false",
           "When adopting: probe the results of the ops the model leaves "
           "float for qnn-calibrate (as qnn-adopt-qdq's option)">,
  ];
  // It creates qnn.observe in functions that may have no qnn op.
  let dependentDialects = ["::qmlir::qnn::QNNDialect"];
}

def QNNCalibratePass : Pass<"qnn-calibrate", "mlir::ModuleOp"> {
  let summary = "Run the float model on samples and record tensor ranges";
  let description = [{
    JIT-compiles a copy of the module in which every `qnn.observe` input is
    an extra result of the entry function, runs it over the samples (in
    chunks of the batch size the model was compiled for; a last partial
    chunk is padded and only its real rows are recorded), records
    statistics of every probed tensor, and writes the range that `method`
    chooses into the probe's `min` and `max` (per channel in `channel_min`
    and `channel_max` for tensors the scheme quantizes per axis).

    Methods: `minmax`; `moving-max` (QuantizeML: per-batch extrema averaged
    with `momentum`); `moving-average` (PyTorch's MovingAverageMinMaxObserver,
    `averaging-constant`); `percentile`, `entropy` (KL divergence, TensorRT
    style) and `mse` on a histogram of `bins` bins per sign over a fixed
    range, taken from a first min-max pass or from `range-from`. Batches
    for the moving methods hold `batch-size` samples and are replayed
    `epochs` times. Statistics can be saved (`stats-out`) and loaded
    (`stats-in`, comma-separated files that are merged, e.g. shards of a
    sample set). Without samples or statistics, random samples are used as
    QuantizeML does, with a warning. A progress bar goes to stderr. See
    docs/Quantization.md, "Calibration".

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
           "Calibration inputs: a .npy file (one input) or a .npz file with "
           "one array per input name; the first dimension counts samples">,
    Option<"numSamples", "num-samples", "int64_t", "0",
           "Use at most this many samples (0: all; 1024 random samples "
           "without a sample file)">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "minmax, moving-max, moving-average, percentile, entropy or mse">,
    Option<"batchSize", "batch-size", "int64_t", "0",
           "Samples per batch of the moving methods (0: the model's "
           "compiled batch size)">,
    Option<"epochs", "epochs", "unsigned", "1",
           "Passes over the samples (moving methods; the others do not "
           "change with repeated samples)">,
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile kept by method=percentile, in (0, 100]">,
    Option<"momentum", "momentum", "double", "0.9",
           "moving-max: weight of the running value">,
    Option<"averagingConstant", "averaging-constant", "double", "0.01",
           "moving-average: weight of each new batch">,
    Option<"bins", "bins", "unsigned", "2048",
           "Histogram bins per sign (percentile, entropy, mse)">,
    ListOption<"statsIn", "stats-in", "std::string",
               "Statistics files (JSON) to load and merge before running">,
    Option<"statsOut", "stats-out", "std::string", "\"\"",
           "Write the statistics (JSON) to this file">,
    Option<"rangeFrom", "range-from", "std::string", "\"\"",
           "Statistics file whose extrema fix the histogram ranges (so that "
           "histograms of sample shards can be merged)">,
    Option<"seed", "seed", "uint64_t", "0",
           "Seed of the random samples used without a sample file">,
    Option<"config", "config", "std::string", "\"\"",
           "Quantization config (JSON, as for qnn-quantize): the bit widths "
           "and symmetry that entropy and MSE ranges are chosen for, and "
           "which tensors need per-channel ranges">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "Default bit width of quantized tensors, as for qnn-quantize">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "Default symmetry of quantized tensors, as for qnn-quantize">,
    Option<"perTensorActivations", "per-tensor-activations", "bool", "true",
           "As for qnn-quantize: false records per-channel ranges for the "
           "tensors quantized per axis">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "Name of the function to calibrate">,
  ];
}

def QNNApplyEncodingsPass : Pass<"qnn-apply-encodings", "mlir::ModuleOp"> {
  let summary = "Set calibration ranges and weight scales from AIMET encodings";
  let description = [{
    Instead of `qnn-calibrate`: reads an encodings file in AIMET's JSON
    layout (`activation_encodings`, `param_encodings`; one encoding per
    tensor or one per channel) and writes each activation encoding's
    `min`/`max` (per channel: `channel_min`/`channel_max`), `bitwidth` and
    `is_symmetric` into the `qnn.observe` probe of that name, so that
    `qnn-quantize` derives the same scale and zero point (and checks that
    the config quantizes the tensor to that width and symmetry). Weight
    encodings (named as `parameterName` names them: the initializer's name,
    or `<layer>.weight`) become a `qnn.weight_encoding` attribute on the
    layer whose scales `qnn-quantize` uses instead of the weights' maximum;
    bias encodings are accepted and ignored (the int32 bias scale is
    `s_in * s_w` by definition). Tensor names the model does not have, and
    probes without an encoding, are errors that name them. See
    docs/Export.md, "Encodings".

    ```mlir
    // Before (qnn-apply-encodings{file=enc.json}, enc.json has
    // "conv1:0": [ {"min": -1.0, "max": 3.0, "bitwidth": 8, ...} ])
    %1 = qnn.observe %0 {name = "conv1:0"} : tensor<1x8x8x4xf32>
    // After
    %1 = qnn.observe %0 {bits = 8 : i64, max = 3.0 : f64, min = -1.0 : f64,
                         name = "conv1:0", symmetric = false}
      : tensor<1x8x8x4xf32>
    ```
  }];
  let options = [
    Option<"file", "file", "std::string", "\"\"",
           "AIMET encodings JSON file">,
  ];
}

def QNNAdoptQDQPass : Pass<"qnn-adopt-qdq", "mlir::ModuleOp"> {
  let summary = "Adopt an already-quantized (QDQ / FakeQuant) model's parameters";
  let description = [{
    Instead of `qnn-insert-calibration` + `qnn-calibrate` for models that
    carry their own quantization: ONNX QDQ models (QuantizeLinear /
    DequantizeLinear around float ops, e.g. from quantization-aware
    training or ONNX Runtime's quantizer) and TensorFlow FakeQuant graphs,
    which the importers turn into `qnn.quantize` -> `qnn.dequantize` pairs
    around float ops. The pass rewrites them into what `qnn-quantize`
    consumes, so that `qnn-quantize` then builds integer ops whose types
    are exactly the model's scales and zero points, without samples:

    - An activation pair `y = dequantize(quantize(x))` is removed (users of
      `y` read `x`) and `x` gets a `qnn.observe` probe with a
      `qnn.fixed_type` attribute (the pair's `!quant.uniform` element type;
      `min`/`max` are its real range, for reports). `qnn-quantize` gives
      the tensor exactly that type. A dequantize of integers computed at run
      time (a quantized graph input, a QLinearConv result) fixes its float
      result the same way.
    - A weight `dequantize(constant)` (ONNX: an int8/uint8 initializer;
      TF: a FakeQuant of a float constant, quantized here on the host with
      qnn.quantize's rounding), through the importer's transpose / reshape
      to OHWI (conv2d) or [out, in] (dense), becomes one quantized constant
      in the layer's layout (per-axis scales moved to axis 0) and a
      `qnn.dequantize` feeding the layer; `qnn-quantize` uses its storage,
      scales and zero points as they are.
    - A dequantized constant operand of add / sub / mul / matmul / concat /
      maximum / minimum / prelu (through the importer's transpose /
      reshape) becomes one quantized constant in the operand's layout and a
      `qnn.dequantize`: `qnn-quantize` uses the model's integers, scale and
      zero point.
    - Any other dequantized constant (a bias) becomes a float constant
      holding its real values; `qnn-quantize` quantizes a conv2d/dense bias
      to int32 with scale `s_in * s_w` (ONNX QDQ biases have that scale
      already, so the integers are the model's).
    - Tensors no pair covers get no probe: ops whose output has no
      quantization stay float, as ONNX Runtime runs them (a remark names
      each such conv2d / dense / matmul / add / sub / mul / concat /
      softmax / average pool / elementwise function); data-movement ops,
      relu and clip follow their input. Float readers of an adopted tensor
      (ops left float, the results) read its quantized values, as in the
      model. With `calibrate-float-ops`, the results of those ops get
      plain probes instead (no fixed type): `qnn-calibrate` measures them
      and `qnn-quantize` quantizes the ops with its own types.
    - A pair that would give a tensor a second, different type, and per-axis
      activation pairs along another axis than the last, stay as they are
      (float quantize/dequantize, the model's arithmetic), with a remark.

    ```mlir
    // Before
    %q = qnn.quantize %x : (tensor<1x4x4x2xf32>)
           -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
    %d = qnn.dequantize %q : (...) -> tensor<1x4x4x2xf32>
    %c = qnn.conv2d %d, %w, %b ...
    // After
    %p = qnn.observe %x {name = "x", min = -62.5 : f64, max = 65.0 : f64,
           qnn.fixed_type = !quant.uniform<i8:f32, 0.5:-3>}
    %c = qnn.conv2d %p, %w, %b ...
    ```

    Run it before `qnn-quantize` and instead of the calibration passes (and
    not after `qnn-cross-layer-equalize` / `qnn-adaround`, which would change
    the trained weights). See docs/Quantization.md, "Already-quantized
    models".
  }];
  let options = [
    Option<"calibrateFloatOps", "calibrate-float-ops", "bool", "false",
           "Give the results of the ops the model leaves float plain "
           "qnn.observe probes, so that qnn-calibrate measures them and "
           "qnn-quantize quantizes those ops with its own types (default: "
           "they stay float, as ONNX Runtime runs them)">,
  ];
}

def QNNQuantizePass : Pass<"qnn-quantize", "mlir::ModuleOp"> {
  let summary = "Rewrite calibrated float ops into quantized ops";
  let description = [{
    Reads the ranges recorded in `qnn.observe` probes and rewrites every op
    that has integer semantics (conv2d, dense, relu, clip, add, mul, pooling,
    reshape, transpose, concat, pad, softmax, unfolded batch_norm as a
    depthwise conv2d, and elementwise functions of one input as a lookup
    table) in every function to operate on `!quant.uniform` tensors:
    activations get asymmetric (or symmetric) parameters from their range,
    per tensor or per axis, weights symmetric per-axis or per-tensor
    parameters from their values, biases 32 bits with scale
    `input_scale * weight_scale`. A relu or clip that is the only user of its
    input shares one type with it, so the layer before it saturates at the
    activation's bounds. Ops without integer semantics, and layers the config
    excludes, stay float between `qnn.dequantize` and `qnn.quantize`. Float
    function inputs get a `qnn.quantize`, outputs a `qnn.dequantize`, so the
    function signature is unchanged.

    The scheme: the options set global defaults (`activation-bits` is the
    width of every quantized tensor unless the config says otherwise), and a
    JSON `config` overrides them globally, per op type and per layer (node
    name); `config-out` writes the resolved config, which reproduces the
    same quantized model when fed back. A layer whose worst-case accumulator
    does not fit `buffer_bits` is an error. See docs/Quantization.md.

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
           "Bit width of activations, layer outputs and inputs (1-16)">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "Use zero point 0 for activations">,
    Option<"perTensorActivations", "per-tensor-activations", "bool", "true",
           "Quantize activations per tensor (else per channel where the "
           "integer semantics allow it)">,
    Option<"bufferBits", "buffer-bits", "unsigned", "32",
           "Accumulator width that every layer must fit in (2-32)">,
    Option<"config", "config", "std::string", "\"\"",
           "Quantization config (JSON) overriding the options globally, per "
           "op type and per layer">,
    Option<"configOut", "config-out", "std::string", "\"\"",
           "Write the resolved config (JSON) to this file">,
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

def QNNBiasCorrectionPass : Pass<"qnn-bias-correction", "mlir::ModuleOp"> {
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

    The pass runs before qnn-quantize, because the quantized IR no longer
    holds the float W, and takes qnn-quantize's options and `config`: it
    resolves the same per-layer scheme and computes W_q with qnn-quantize's
    own weight quantization. Layers the config does not quantize, and layers
    with a per-axis quantized input (whose weights qnn-quantize rescales by
    the calibrated channel scales), are left alone. Run it after
    qnn-calibrate (the ranges are those of the uncorrected float model) and
    give it the options given to qnn-quantize.

    ```mlir
    // Before
    %0 = qnn.dense %x, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>,
                                 qnn.bn_shift = dense<[1.0, 2.0]> : tensor<2xf32>} : ...
    %1 = qnn.dense %0, %w2, %b2 : ...
    // After: b2 - (W2_q - W2) [1, 2]
    %1 = qnn.dense %0, %w2, %b2_corrected : ...
    ```

    `mode=empirical` measures instead of modelling: it runs the float model
    on the calibration `samples` (CPU JIT) and takes E[x] of every constant
    conv2d / dense input (the mean im2col patch of a conv, zero padding
    included), so the correction (W_q - W) E[x] is the measured expected
    output error E[W_q x - W x] per output channel. It corrects every layer
    qnn-quantize will quantize, whatever produces its input, and needs the
    `samples` option.
  }];
  let options = [
    Option<"mode", "mode", "std::string", "\"analytical\"",
           "Correction method: analytical (from batch-norm statistics) or "
           "empirical (measured on samples)">,
    Option<"samples", "samples", "std::string", "\"\"",
           "Calibration samples for mode=empirical (.npy / .npz)">,
    Option<"numSamples", "num-samples", "int64_t", "0",
           "Use the first N samples (0: all)">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "The function the samples are fed to (mode=empirical)">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "As for qnn-quantize">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "As for qnn-quantize">,
    Option<"perTensorActivations", "per-tensor-activations", "bool", "true",
           "As for qnn-quantize">,
    Option<"bufferBits", "buffer-bits", "unsigned", "32",
           "As for qnn-quantize">,
    Option<"config", "config", "std::string", "\"\"",
           "Quantization config (JSON), as for qnn-quantize">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def QNNAdaRoundPass : Pass<"qnn-adaround", "mlir::ModuleOp"> {
  let summary = "Learn whether to round each weight up or down (AdaRound)";
  let description = [{
    AdaRound (Nagel et al., "Up or Down? Adaptive Rounding for Post-Training
    Quantization", ICML 2020; docs/CLE.md). For every constant conv2d and
    dense that qnn-quantize will quantize, the pass chooses for each weight
    whether to round it up or down so that the layer's output on the
    calibration samples stays closest to the float output, instead of
    rounding each weight to nearest. The samples run through the float
    model on the CPU JIT; each layer's float inputs (im2col patches for a
    conv, one set per group) enter the objective through their Gram matrix
    E[x x^T], so every iteration is exact over all samples. The optimization
    (rectified-sigmoid soft rounding, the regularizer
    lambda * sum(1 - |2h - 1|^beta) with beta annealed from beta-start to
    beta-end after a warm-up, Adam) is in `qmlir/Quant/AdaRound.h`.

    The result replaces the layer's float weights by the dequantized
    integer weights, s * q, with qnn-quantize's own scales (which those
    weights reproduce exactly), and records the scheme they were rounded
    for in `qnn.adaround = {bits, per_axis}`. qnn-quantize checks that it
    quantizes such a layer with that scheme and that the weights still lie
    on its grid, and errors otherwise. Run it after the float rewrites
    (fold, CLE, bias correction) and before qnn-quantize, with
    qnn-quantize's scheme options and config. Layers with a per-axis
    quantized input are left alone (qnn-quantize rescales their weights).

    ```mlir
    // Before (4-bit per-axis weights: scale 0.1, nearest would give [3, 3])
    %y = qnn.dense %x, %w, %b : ... // %w = [[0.26, 0.27]]
    // After: one weight rounded down
    %y = qnn.dense %x, %w, %b {qnn.adaround = {bits = 4 : i64, per_axis = true}} : ...
    // %w = [[0.2, 0.3]]
    ```
  }];
  let options = [
    Option<"samples", "samples", "std::string", "\"\"",
           "Calibration samples (.npy, or .npz with one array per input); "
           "required">,
    Option<"numSamples", "num-samples", "int64_t", "0",
           "Use the first N samples (0: all)">,
    Option<"iterations", "iterations", "unsigned", "1000",
           "Adam iterations per layer">,
    Option<"regularization", "lambda", "double", "0.01",
           "Weight of the rounding regularizer">,
    Option<"betaStart", "beta-start", "double", "20.0",
           "Regularizer exponent at the start of the annealing">,
    Option<"betaEnd", "beta-end", "double", "2.0",
           "Regularizer exponent at the end">,
    Option<"warmup", "warmup", "double", "0.2",
           "Fraction of the iterations without the regularizer">,
    Option<"learningRate", "learning-rate", "double", "0.01",
           "Adam learning rate">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "As for qnn-quantize">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "As for qnn-quantize">,
    Option<"perTensorActivations", "per-tensor-activations", "bool", "true",
           "As for qnn-quantize">,
    Option<"bufferBits", "buffer-bits", "unsigned", "32",
           "As for qnn-quantize">,
    Option<"config", "config", "std::string", "\"\"",
           "Quantization config (JSON), as for qnn-quantize">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "The function the samples are fed to">,
    Option<"sequential", "sequential", "bool", "true",
           "Round the layers in order, each on its inputs in the model whose "
           "earlier layers are rounded already (else all on float inputs)">,
    Option<"verbose", "verbose", "bool", "false",
           "Print each layer's output error (mean squared, on the samples) "
           "with rounding to nearest and with AdaRound to stderr">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def QNNDumpConfigPass : Pass<"qnn-dump-config", "mlir::ModuleOp"> {
  let summary = "Write the resolved quantization config of every layer";
  let description = [{
    Resolves the scheme options and `config` against every layer of the
    module, as `qnn-quantize` would, and writes the result to `out`: the
    global defaults and one entry per layer (node name) with every key that
    applies to it. Edit it and pass it to `qnn-quantize{config=...}`. The IR
    is not changed.

    ```json
    {"format": "qmlir-quant-config", "version": 1,
     "defaults": {"weight_bits": 8, "activation_bits": 8, ...},
     "layers": {"conv1": {"op": "qnn.conv2d", "weight_bits": 8, ...}, ...}}
    ```
  }];
  let options = [
    Option<"out", "out", "std::string", "\"\"",
           "Where to write the config (JSON); required">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "As for qnn-quantize">,
    Option<"perAxisWeights", "per-axis-weights", "bool", "true",
           "As for qnn-quantize">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "As for qnn-quantize">,
    Option<"perTensorActivations", "per-tensor-activations", "bool", "true",
           "As for qnn-quantize">,
    Option<"bufferBits", "buffer-bits", "unsigned", "32",
           "As for qnn-quantize">,
    Option<"config", "config", "std::string", "\"\"",
           "A config to resolve (as for qnn-quantize)">,
  ];
}

def QNNFakeQuantizePass : Pass<"qnn-fake-quantize", "mlir::func::FuncOp"> {
  let summary = "Simulate a quantized model in float (QuantSim)";
  let description = [{
    Rewrites a quantized function (the output of `qnn-quantize`) into a
    float one that simulates it: every quantized op becomes its float op on
    the simulated real values of its operands, followed by a
    `qnn.quantize` -> `qnn.dequantize` pair with the op's quantized output
    type; quantized weights and biases become their dequantized float
    constants; `qnn.requantize` becomes a quantize/dequantize pair. The
    quantization parameters are exactly the quantized model's (they are
    read off its types), so the simulation differs from the integer model
    only where integer arithmetic rounds differently from float (the
    requantization's round-half-up, average pooling's reciprocal, softmax's
    table), and it runs at float speed. Ops without a float form
    (`qnn.table`, `quant.scast`) run on their quantized operands,
    re-quantized from the simulated values (exact), and are dequantized.

    ```mlir
    // Before
    %y = qnn.conv2d %xq, %wq, %bq : (...) -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.02:-128>>
    // After
    %y = qnn.conv2d %x, %w, %b : (...) -> tensor<1x8x8x4xf32>
    %q = qnn.quantize %y : (...) -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.02:-128>>
    %d = qnn.dequantize %q : (...) -> tensor<1x8x8x4xf32>
    ```
  }];
  // It creates qnn ops in functions that may have none (an npu-only
  // module), where the qnn dialect would not be loaded otherwise.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect",
                           "::qmlir::qnn::QNNDialect"];
}

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
