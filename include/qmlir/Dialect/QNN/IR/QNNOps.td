//===- QNNOps.td - qnn dialect operations ------------------*- tablegen -*-===//
//
// Layer ops (conv2d, dense, pooling, elementwise, layout) and quantization ops
// (observe, quantize, dequantize, requantize) of the qnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_TD
#define QMLIR_DIALECT_QNN_IR_QNNOPS_TD

include "qmlir/Dialect/QNN/IR/QNNDialect.td"
include "qmlir/Dialect/QNN/IR/QNNInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QNN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QNN_QuantTensor : RankedTensorOf<[quant_QuantizedType]>;
/// Every layer op accepts float tensors and quantized tensors.
def QNN_Tensor : RankedTensorOf<[AnyFloat, quant_QuantizedType]>;

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

def QNN_VerifyQuantTypes : NativeOpTrait<"VerifyQuantTypes"> {
  let cppNamespace = "::qmlir::qnn::OpTrait";
}
/// Layer ops are wholly float or wholly quantized.
def QNN_SameNumericKind : NativeOpTrait<"SameNumericKind"> {
  let cppNamespace = "::qmlir::qnn::OpTrait";
}

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, !listconcat(traits, [QNN_VerifyQuantTypes])>;

/// An op whose operands and results are all float or all quantized.
class QNN_LayerOp<string mnemonic, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits, [Pure, QNN_SameNumericKind])>;

/// An elementwise op with one operand whose result has the operand's type.
class QNN_UnaryOp<string mnemonic, list<Trait> traits = []>
    : QNN_LayerOp<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

/// An elementwise binary op with numpy-style broadcasting.
class QNN_BinaryOp<string mnemonic, list<Trait> traits = []>
    : QNN_LayerOp<mnemonic, traits> {
  let arguments = (ins QNN_Tensor:$lhs, QNN_Tensor:$rhs);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

/// A 2-D pooling op over the H and W dimensions of an NHWC tensor.
class QNN_Pool2dOp<string mnemonic, list<Trait> traits = []>
    : QNN_LayerOp<mnemonic, traits> {
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layer ops
//===----------------------------------------------------------------------===//

def QNN_Conv2dOp : QNN_LayerOp<"conv2d"> {
  let summary = "2-D convolution, NHWC input, OHWI weights, optional bias";
  let description = [{
    `output[n, oh, ow, o] = bias[o] + sum(input[n, ih, iw, g*Cg + c] *
    weight[o, kh, kw, c])` over the kernel window and the input channels of
    the group `g` of output channel `o`. `padding` is `[top, bottom, left,
    right]`. Depthwise convolution is `groups == input channels`.

    Quantized: input, weight and output are `!quant.uniform`; the weight may
    be per-axis on dimension 0; the bias is 32-bit with scale `input_scale *
    weight_scale` and zero point 0.

    ```mlir
    %y = qnn.conv2d %x, %w, %b {strides = array<i64: 1, 1>,
        padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x28x28x1xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>)
      -> tensor<1x28x28x16xf32>
    ```
  }];
  let arguments = (ins
    QNN_Tensor:$input,
    QNN_Tensor:$weight,
    Optional<QNN_Tensor>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    bool isDepthwise() {
      int64_t groups = static_cast<int64_t>(getGroups());
      return groups > 1 && groups == getInput().getType().getDimSize(3);
    }
  }];
}

def QNN_DenseOp : QNN_LayerOp<"dense"> {
  let summary = "Fully connected layer: input [..., K] times weight [M, K]^T";
  let description = [{
    `output[..., m] = bias[m] + sum_k input[..., k] * weight[m, k]`. The
    weight is `[out_features, in_features]` (PyTorch's and ONNX Gemm
    `transB = 1` layout). Quantization as for `qnn.conv2d`, per-axis weights
    on dimension 0.
  }];
  let arguments = (ins QNN_Tensor:$input, QNN_Tensor:$weight,
                       Optional<QNN_Tensor>:$bias);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_BatchNormOp : QNN_Op<"batch_norm", [Pure]> {
  let summary = "Inference batch normalization over the last (channel) dim";
  let description = [{
    `output = (input - mean) / sqrt(variance + epsilon) * scale + bias`, each
    parameter a 1-D tensor over the last dimension (channels, NHWC). Float
    only: before quantization, `qnn-fold-batchnorm` folds it into a
    neighbouring conv2d / dense or rewrites it to a per-channel `mul` and
    `add`.
  }];
  let arguments = (ins QNN_FloatTensor:$input, QNN_FloatTensor:$scale,
                       QNN_FloatTensor:$bias, QNN_FloatTensor:$mean,
                       QNN_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ReluOp : QNN_UnaryOp<"relu",
    [DeclareOpInterfaceMethods<QNN_ElementwiseFunctionOpInterface>]> {
  let summary = "max(input, 0)";
  let description = [{
    Quantized: `max(q, zero_point)` on the storage values, same type in and
    out.
  }];
  let arguments = (ins QNN_Tensor:$input);
}

def QNN_ClipOp : QNN_UnaryOp<"clip",
    [DeclareOpInterfaceMethods<QNN_ElementwiseFunctionOpInterface>]> {
  let summary = "min(max(input, min), max)";
  let description = [{
    Bounds are real values. Quantized: the bounds are quantized with the
    tensor's own scale and zero point and applied to the storage values.
  }];
  let arguments = (ins QNN_Tensor:$input, F32Attr:$min, F32Attr:$max);
  let hasVerifier = 1;
}

def QNN_AddOp : QNN_BinaryOp<"add"> {
  let summary = "Elementwise addition with numpy broadcasting";
  let description = [{
    Quantized: both inputs are rescaled to a common 32-bit scale, added, and
    requantized to the output type.
  }];
}

def QNN_MulOp : QNN_BinaryOp<"mul"> {
  let summary = "Elementwise multiplication with numpy broadcasting";
  let description = [{
    Quantized: `(qa - za) * (qb - zb)` in 32 bits, requantized to the output
    type.
  }];
}

def QNN_MaxPool2dOp : QNN_Pool2dOp<"max_pool2d"> {
  let summary = "2-D max pooling on an NHWC tensor";
  let description = [{
    `padding` is `[top, bottom, left, right]`; padded positions never win.
    Quantized: same type in and out.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
}

def QNN_AvgPool2dOp : QNN_Pool2dOp<"avg_pool2d"> {
  let summary = "2-D average pooling on an NHWC tensor";
  let description = [{
    `padding` is `[top, bottom, left, right]`. With `count_include_pad` the
    divisor is the full kernel size; otherwise only positions inside the
    input are counted.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def QNN_GlobalAvgPoolOp : QNN_LayerOp<"global_avg_pool"> {
  let summary = "Mean over H and W of an NHWC tensor, keeping them as 1x1";
  let arguments = (ins QNN_Tensor:$input);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_SoftmaxOp : QNN_LayerOp<"softmax"> {
  let summary = "Softmax along one axis";
  let description = [{
    Quantized (per-tensor input and output): an integer softmax with an
    exponential table computed at compile time from the input scale; the
    output type has scale `2^-n` and zero point `-2^(n-1)` for `n`-bit
    storage, so that probabilities [0, 1) use the whole range. See
    docs/Quantization.md.
  }];
  let arguments = (ins QNN_Tensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layout ops (the same storage values in and out when quantized)
//===----------------------------------------------------------------------===//

def QNN_ReshapeOp : QNN_LayerOp<"reshape"> {
  let summary = "Row-major reshape to a static shape";
  let arguments = (ins QNN_Tensor:$input);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_TransposeOp : QNN_LayerOp<"transpose"> {
  let summary = "Permute dimensions: output dim i is input dim permutation[i]";
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_ConcatOp : QNN_LayerOp<"concat"> {
  let summary = "Concatenate tensors along one axis";
  let description = [{
    Quantized: inputs of a different type than the output are requantized to
    it first.
  }];
  let arguments = (ins Variadic<QNN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_PadOp : QNN_LayerOp<"pad"> {
  let summary = "Constant padding";
  let description = [{
    `padding` holds `[low_0, high_0, low_1, high_1, ...]`, one pair per
    dimension; `value` is a real value (quantized with the tensor's type when
    quantized).
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<F32Attr, "0.0">:$value);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

def QNN_ObserveOp : QNN_Op<"observe", [SameOperandsAndResultType]> {
  let summary = "Calibration probe: identity that records its input's range";
  let description = [{
    Inserted by `qnn-insert-calibration` on every tensor that will be
    quantized. `qnn-calibrate` runs the model and writes the chosen range
    (real values) into `min` and `max`, and, for tensors quantized per axis,
    one range per element of the last dimension into `channel_min` and
    `channel_max`. Methods whose range depends on the quantized type
    (entropy, MSE) also record the type it was chosen for in `bits` and
    `symmetric`, which `qnn-quantize` checks. `qnn-quantize` reads the
    ranges and removes the probe. `name` identifies the tensor in reports,
    statistics files and configs.
  }];
  let arguments = (ins QNN_FloatTensor:$input, StrAttr:$name,
                       OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max,
                       OptionalAttr<DenseF64ArrayAttr>:$channel_min,
                       OptionalAttr<DenseF64ArrayAttr>:$channel_max,
                       OptionalAttr<I64Attr>:$bits,
                       OptionalAttr<BoolAttr>:$symmetric);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::llvm::StringRef":$name), [{
      build($_builder, $_state, input.getType(), input,
            $_builder.getStringAttr(name), nullptr, nullptr, nullptr, nullptr,
            nullptr, nullptr);
    }]>
  ];
  let hasVerifier = 1;
}

def QNN_QuantizeOp : QNN_Op<"quantize", [Pure]> {
  let summary = "Float tensor to quantized tensor";
  let description = [{
    `q = clamp(round_half_even(x / scale) + zero_point, storage_min,
    storage_max)` with the scale and zero point of the result type (per-axis
    along its quantized dimension).
  }];
  let arguments = (ins QNN_FloatTensor:$input);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_DequantizeOp : QNN_Op<"dequantize", [Pure]> {
  let summary = "Quantized tensor to float tensor";
  let description = [{
    `x = scale * (q - zero_point)` with the parameters of the input type.
  }];
  let arguments = (ins QNN_QuantTensor:$input);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_TableOp : QNN_Op<"table", [Pure]> {
  let summary = "Lookup table: an elementwise function of one quantized input";
  let description = [{
    `output = table[q - qmin]` for each input storage value `q`, where
    `qmin` is the input type's storage minimum: the table holds one output
    storage value per value the (per-tensor, at most 8-bit) input type can
    hold. `qnn-quantize` builds it at compile time from the float function of
    an op implementing `ElementwiseFunctionOpInterface`:
    `table[i] = quantize_out(f(dequantize_in(qmin + i)))`.

    ```mlir
    %y = qnn.table %x {table = array<i32: -128, -127, ...>}
      : (tensor<4x!quant.uniform<i8:f32, 0.05:-10>>)
      -> tensor<4x!quant.uniform<i8:f32, 0.004:-128>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, DenseI32ArrayAttr:$table);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_RequantizeOp : QNN_Op<"requantize", [Pure]> {
  let summary = "Quantized tensor to another quantization";
  let description = [{
    Integer-only change of scale and zero point, with the rounding rule of
    TOSA `RESCALE` (see `docs/Quantization.md`).
  }];
  let arguments = (ins QNN_QuantTensor:$input);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_TD
