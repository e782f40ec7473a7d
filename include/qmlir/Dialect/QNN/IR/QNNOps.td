//===- QNNOps.td - qnn dialect operations ------------------*- tablegen -*-===//
//
// Layer ops (conv2d, dense, pooling, elementwise, reductions, layout), the
// user-defined op (custom) and quantization ops (observe, quantize,
// dequantize, requantize) of the qnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_TD
#define QMLIR_DIALECT_QNN_IR_QNNOPS_TD

include "qmlir/Dialect/QNN/IR/QNNDialect.td"
include "qmlir/Dialect/QNN/IR/QNNInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QNN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QNN_QuantTensor : RankedTensorOf<[quant_QuantizedType]>;
/// Every layer op accepts float tensors and quantized tensors.
def QNN_Tensor : RankedTensorOf<[AnyFloat, quant_QuantizedType]>;
/// Plain integers computed at run time (two's complement, signless like
/// TOSA's): ONNX integer arithmetic and INT64 data. The elementwise
/// arithmetic ops take them besides floats (and quantized values).
def QNN_IntTensor : RankedTensorOf<[I8, I32, I64]>;
def QNN_FloatOrIntTensor : RankedTensorOf<[AnyFloat, I8, I32, I64]>;
def QNN_ArithTensor : RankedTensorOf<[AnyFloat, quant_QuantizedType, I8, I32,
                                      I64]>;

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

/// An elementwise binary op with numpy-style broadcasting, on floats,
/// quantized values, or plain integers (one integer type throughout, wrapping
/// two's complement arithmetic).
class QNN_BinaryOp<string mnemonic, list<Trait> traits = []>
    : QNN_LayerOp<mnemonic, traits> {
  let arguments = (ins QNN_ArithTensor:$lhs, QNN_ArithTensor:$rhs);
  let results = (outs QNN_ArithTensor:$output);
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

def QNN_MatMulOp : QNN_LayerOp<"matmul"> {
  let summary = "Batched matrix product with broadcast batch dimensions";
  let description = [{
    `lhs [..., M, K]` times `rhs [..., K, N]` is `[..., M, N]`; both have
    rank >= 2 and their batch dimensions broadcast like numpy's. Use
    `qnn.dense` when the right operand is a weight. Quantized: per-tensor
    operands and result; `sum((qa - za) * (qb - zb))` in 32 bits, requantized
    by `sa * sb / s_out`.

    ```mlir
    %y = qnn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins QNN_Tensor:$lhs, QNN_Tensor:$rhs);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ConvTranspose2dOp : QNN_LayerOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution, NHWC input, OHWI weights";
  let description = [{
    The gradient of `qnn.conv2d` with respect to its input: every input
    pixel `(ih, iw)` of group `g` adds `input[n, ih, iw, g*Cg + c] *
    weight[o, kh, kw, c]` to output pixel `(ih*s_h - top + kh*d_h, iw*s_w -
    left + kw*d_w)` of the output channels `o` of group `g`. The weight is
    `[out, kh, kw, in/groups]` like a conv2d weight. `padding` `[top, bottom,
    left, right]` crops the full result; `output_padding` `[h, w]` extends it
    at the end (only bias reaches those rows), so the output size is
    `(in - 1) * s + d * (k - 1) + 1 - pad_lo - pad_hi + output_padding`.

    Quantized like `qnn.conv2d`: input, weight and output are
    `!quant.uniform`; the weight may be per-axis on dimension 0 (output
    channels); the bias is 32-bit with scale `input_scale * weight_scale`
    and zero point 0.

    ```mlir
    %y = qnn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>}
      : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>) -> tensor<1x9x9x3xf32>
    ```
  }];
  let arguments = (ins
    QNN_Tensor:$input,
    QNN_Tensor:$weight,
    Optional<QNN_Tensor>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
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
    requantized to the output type. Plain integers (`i8`, `i32`, `i64`, one
    type throughout): wrapping addition modulo 2^bits, as ONNX's integer Add.

    ```mlir
    %z = qnn.add %x, %y : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi64>
    ```
  }];
}

def QNN_MulOp : QNN_BinaryOp<"mul"> {
  let summary = "Elementwise multiplication with numpy broadcasting";
  let description = [{
    Quantized: `(qa - za) * (qb - zb)` in 32 bits, requantized to the output
    type. Plain integers: wrapping multiplication modulo 2^bits.
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
    input are counted. Quantized (per tensor): with one scale in and out,
    TOSA's AVG_POOL2D on the centered storage values; into another scale or
    storage type, the int32 sum of each window's centered values requantized
    once by `s_in / (s_out * count)`, `count` taken per output position.
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

def QNN_LogSoftmaxOp : QNN_LayerOp<"log_softmax"> {
  let summary = "Logarithm of the softmax along one axis";
  let description = [{
    `x - max(x) - log(sum(exp(x - max(x))))` along `axis`.

    Quantized (per-tensor input of up to 16 bits and output): the integer
    rule of docs/Quantization.md, the exponentials of the softmax table
    summed in 32 bits and their logarithm from a compile-time table indexed
    by the sum's leading bits.
  }];
  let arguments = (ins QNN_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise functions and float-only binaries
//===----------------------------------------------------------------------===//

def QNN_UnaryKind : I32EnumAttr<"UnaryKind", "function applied by qnn.unary", [
  I32EnumAttrCase<"Sigmoid", 0, "sigmoid">,
  I32EnumAttrCase<"Tanh", 1, "tanh">,
  I32EnumAttrCase<"Exp", 2, "exp">,
  I32EnumAttrCase<"Log", 3, "log">,
  I32EnumAttrCase<"Sqrt", 4, "sqrt">,
  I32EnumAttrCase<"Rsqrt", 5, "rsqrt">,
  I32EnumAttrCase<"Reciprocal", 6, "reciprocal">,
  I32EnumAttrCase<"Abs", 7, "abs">,
  I32EnumAttrCase<"Neg", 8, "neg">,
  I32EnumAttrCase<"Floor", 9, "floor">,
  I32EnumAttrCase<"Ceil", 10, "ceil">,
  I32EnumAttrCase<"Sin", 11, "sin">,
  I32EnumAttrCase<"Cos", 12, "cos">,
  I32EnumAttrCase<"Softplus", 13, "softplus">,
  I32EnumAttrCase<"Softsign", 14, "softsign">,
  I32EnumAttrCase<"HardSwish", 15, "hard_swish">,
  I32EnumAttrCase<"HardSigmoid", 16, "hard_sigmoid">,
  I32EnumAttrCase<"LeakyRelu", 17, "leaky_relu">,
  I32EnumAttrCase<"Elu", 18, "elu">,
  I32EnumAttrCase<"Selu", 19, "selu">,
  I32EnumAttrCase<"Celu", 20, "celu">,
  I32EnumAttrCase<"ThresholdedRelu", 21, "thresholded_relu">]> {
  let cppNamespace = "::qmlir::qnn";
}

def QNN_UnaryOp : QNN_Op<"unary", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<QNN_ElementwiseFunctionOpInterface>]> {
  let summary = "Elementwise function of one float tensor";
  let description = [{
    One op for the activations and math functions of one input, selected by
    `kind`. The op itself is float; `qnn-quantize` turns it into a
    `qnn.table` (its `evaluate` at every input storage value) when its input
    is quantized per tensor with at most 16 bits. Parameters, where the
    function has them, are `alpha` and `beta` (ONNX's names and defaults are
    the importer's business; here they are required):

    | kind | function |
    |---|---|
    | sigmoid, tanh, exp, log, sqrt, abs, floor, ceil, sin, cos | as named |
    | rsqrt, reciprocal, neg | `1/sqrt(x)`, `1/x`, `-x` |
    | softplus, softsign | `log(1 + exp(x))`, `x / (1 + abs(x))` |
    | hard_swish | `x * max(0, min(1, x/6 + 1/2))` |
    | hard_sigmoid | `max(0, min(1, alpha * x + beta))` |
    | leaky_relu | `x < 0 ? alpha * x : x` |
    | elu | `x < 0 ? alpha * (exp(x) - 1) : x` |
    | selu | `beta * (x <= 0 ? alpha * (exp(x) - 1) : x)` |
    | celu | `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` |
    | thresholded_relu | `x > alpha ? x : 0` |

    ```mlir
    %y = qnn.unary leaky_relu %x {alpha = 0.1 : f32} : tensor<1x8x8x4xf32>
    ```
  }];
  let arguments = (ins QNN_UnaryKind:$kind, QNN_FloatTensor:$input,
                       OptionalAttr<F32Attr>:$alpha,
                       OptionalAttr<F32Attr>:$beta);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Which of alpha and beta `kind` takes.
    static std::pair<bool, bool> takesAlphaBeta(UnaryKind kind);
  }];
}

/// An elementwise binary op on float or plain integer tensors with numpy
/// broadcasting.
class QNN_FloatOrIntBinaryOp<string mnemonic, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits, [Pure])> {
  let arguments = (ins QNN_FloatOrIntTensor:$lhs, QNN_FloatOrIntTensor:$rhs);
  let results = (outs QNN_FloatOrIntTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

/// An elementwise binary op on float tensors with numpy broadcasting.
class QNN_FloatBinaryOp<string mnemonic, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits, [Pure])> {
  let arguments = (ins QNN_FloatTensor:$lhs, QNN_FloatTensor:$rhs);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_SubOp : QNN_BinaryOp<"sub"> {
  let summary = "lhs - rhs with numpy broadcasting";
  let description = [{
    Quantized: like `add`, with the rescaled rhs subtracted. Plain integers:
    wrapping subtraction.
  }];
}
/// div and pow also take quantized tensors (all three per tensor): their
/// integer form is in the log domain (qmlir/Quant/LogDomain.h).
class QNN_LogDomainBinaryOp<string mnemonic>
    : QNN_FloatOrIntBinaryOp<mnemonic> {
  let arguments = (ins QNN_ArithTensor:$lhs, QNN_ArithTensor:$rhs);
  let results = (outs QNN_ArithTensor:$output);
}
def QNN_DivOp : QNN_LogDomainBinaryOp<"div"> {
  let summary = "lhs / rhs with numpy broadcasting";
  let description = [{
    Floats: IEEE division. Plain integers (one type throughout): the quotient
    truncated toward zero (C, and ONNX Runtime's integer Div); `x / 0` is 0
    and `MIN / -1` wraps to `MIN` instead of trapping.

    Quantized (operands and result per tensor, each with its own type;
    `qnn-quantize` uses it when an operand is wider than 8 bits, a
    `qnn.table2d` otherwise): `log2|a| - log2|b|` from per-operand tables
    in fixed point, a sign flag, and a fixed-point exponential to the
    output; `x / 0` saturates by the sign of `x`, `0 / 0` gives the output
    zero point (docs/Quantization.md, "Log-domain forms").
  }];
}
def QNN_PowOp : QNN_LogDomainBinaryOp<"pow"> {
  let summary = "lhs ** rhs with numpy broadcasting";
  let description = [{
    The result has the base's (lhs) element type; the exponent may be of
    another type (ONNX Pow's `T` and `T1`).

    - float ** float: `powf`.
    - float ** integer: the exponent converted to float, `powf` in f64,
      rounded to the result type (numpy's `float32 ** int64`).
    - integer ** float: `powf` in f64, truncated toward zero (ONNX's
      reference, `np.power(x, y).astype(x.dtype)`).
    - integer ** integer: exact repeated multiplication, wrapping; a negative
      exponent gives the integer part of `1 / x^-y` (0 unless `|x| = 1`; 0
      for `x = 0`).
    - quantized (operands and result per tensor, each with its own type):
      `2^(b log2 a)` in fixed point, with `powf`'s results for a zero or
      negative base (docs/Quantization.md, "Log-domain forms").

    ```mlir
    %z = qnn.pow %x, %y : (tensor<3xi64>, tensor<3xf32>) -> tensor<3xi64>
    ```
  }];
}
def QNN_MaximumOp : QNN_BinaryOp<"maximum"> {
  let summary = "Elementwise maximum with numpy broadcasting";
  let description = [{
    Quantized: operands and result of one type; the maximum of the storage
    values (quantization preserves order). Plain integers: signed maximum.
  }];
}
def QNN_MinimumOp : QNN_BinaryOp<"minimum"> {
  let summary = "Elementwise minimum with numpy broadcasting";
  let description = [{
    Quantized: operands and result of one type; the minimum of the storage
    values. Plain integers: signed minimum.
  }];
}
def QNN_PReluOp : QNN_BinaryOp<"prelu"> {
  let summary = "lhs < 0 ? rhs * lhs : lhs, the slope rhs broadcast to lhs";
  let description = [{
    The slope broadcasts to the input's shape (ONNX's unidirectional
    broadcasting), so the output has the input's shape.

    Quantized (input, slope and output per tensor): a non-negative centered
    input `x - zx` is requantized by `sx / so`, a negative one times the
    centered slope `(a - za)` by `sx * sa / so`, both with TOSA's rounding.

    ```mlir
    %y = qnn.prelu %x, %slope
      : (tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>>,
         tensor<4x!quant.uniform<i8:f32, 0.002:-128>>)
      -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.08:5>>
    ```
  }];
}

def QNN_CastOp : QNN_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise conversion between floats and plain integers";
  let description = [{
    ONNX Cast of values computed at run time: integer to a wider integer
    sign-extends, to a narrower one keeps the low bits (wraps); integer to
    float rounds to nearest; float to integer truncates toward zero (values
    out of the integer's range give an unspecified result, as in ONNX);
    float to float rounds or extends. Quantized values are not cast: their
    storage is reinterpreted with `quant.scast` first.

    ```mlir
    %y = qnn.cast %x : tensor<3xi64> to tensor<3xf32>
    ```
  }];
  let arguments = (ins QNN_FloatOrIntTensor:$input);
  let results = (outs QNN_FloatOrIntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
}

def QNN_ReduceKind : I32EnumAttr<"ReduceKind", "reduction of qnn.reduce", [
  I32EnumAttrCase<"Sum", 0, "sum">,
  I32EnumAttrCase<"Mean", 1, "mean">,
  I32EnumAttrCase<"Max", 2, "max">,
  I32EnumAttrCase<"Min", 3, "min">,
  I32EnumAttrCase<"Prod", 4, "prod">,
  I32EnumAttrCase<"SumSquare", 5, "sum_square">,
  I32EnumAttrCase<"L1", 6, "l1">,
  I32EnumAttrCase<"L2", 7, "l2">,
  I32EnumAttrCase<"LogSum", 8, "log_sum">,
  I32EnumAttrCase<"LogSumExp", 9, "log_sum_exp">]> {
  let cppNamespace = "::qmlir::qnn";
}

def QNN_ReduceOp : QNN_LayerOp<"reduce"> {
  let summary = "Reduction of a tensor over some axes";
  let description = [{
    Reduces over `axes` (sorted, distinct, non-negative). With `keep_dims`
    (the default) the reduced dimensions stay as size 1; otherwise they are
    dropped. `l1` is `sum(abs(x))`, `l2` `sqrt(sum(x*x))`, `sum_square`
    `sum(x*x)`, `log_sum` `log(sum(x))`, `log_sum_exp` `log(sum(exp(x)))`
    (computed as `m + log(sum(exp(x - m)))` with `m = max(x)`). Empty `axes`
    is the identity.

    Quantized (input and output per tensor): the
    reduction of the centered storage values `x - zx` (`l1`: of `|x - zx|`,
    `sum_square` and `l2`: of `(x - zx)^2`) in 32 bits, requantized by
    `sx / so` (`mean`: `sx / (so * count)`, `sum_square`: `sx^2 / so`);
    `l2`, `log_sum` and `log_sum_exp` map a 32-bit sum through a
    compile-time table; `prod` sums fixed-point logarithms and counts zeros
    and negatives (docs/Quantization.md).

    ```mlir
    %m = qnn.reduce mean %x {axes = array<i64: 1, 2>}
      : (tensor<1x7x7x64xf32>) -> tensor<1x1x1x64xf32>
    ```
  }];
  let arguments = (ins QNN_ReduceKind:$kind, QNN_Tensor:$input,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keep_dims);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` functional-type(operands, results)
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

def QNN_PadMode : I32EnumAttr<"PadMode", "how qnn.pad fills the border", [
  I32EnumAttrCase<"Constant", 0, "constant">,
  I32EnumAttrCase<"Reflect", 1, "reflect">,
  I32EnumAttrCase<"Edge", 2, "edge">]> {
  let cppNamespace = "::qmlir::qnn";
}

def QNN_PadOp : QNN_LayerOp<"pad"> {
  let summary = "Padding with a constant, a reflection or the edge values";
  let description = [{
    `padding` holds `[low_0, high_0, low_1, high_1, ...]`, one pair per
    dimension. `constant` (the default, not printed) fills with `value`, a
    real value (quantized with the tensor's type when quantized); `reflect`
    mirrors the tensor without repeating the edge (numpy's `reflect`, so each
    pad must be smaller than its dimension); `edge` repeats the edge values.

    ```mlir
    %y = qnn.pad reflect %x {padding = array<i64: 0, 0, 1, 1>}
      : (tensor<2x3xf32>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<F32Attr, "0.0">:$value,
                       DefaultValuedAttr<QNN_PadMode,
                                         "::qmlir::qnn::PadMode::Constant">:$mode);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    ($mode^)? $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_SliceOp : QNN_LayerOp<"slice"> {
  let summary = "Strided slice: output[i] = input[offsets + i * strides]";
  let description = [{
    Per dimension `d`, element `i` of the output is element
    `offsets[d] + i * strides[d]` of the input; the output shape gives the
    number of elements. Strides are nonzero and may be negative (reversed
    order); every index read must be inside the input.

    ```mlir
    %y = qnn.slice %x {offsets = array<i64: 0, 5>, strides = array<i64: 1, -2>}
      : (tensor<2x6xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$strides);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_GatherOp : QNN_LayerOp<"gather"> {
  let summary = "Gather slices along one axis at constant indices";
  let description = [{
    `output[a..., j..., b...] = input[a..., indices[j...], b...]` where `a`
    indexes the dimensions before `axis` and `b` those after: the output
    shape is `input[:axis] ++ shape(indices) ++ input[axis+1:]`. Indices are
    constant, non-negative and smaller than the axis size (importers
    normalize negative ones).

    ```mlir
    %y = qnn.gather %x {axis = 1 : i64, indices = dense<[2, 0]> : tensor<2xi64>}
      : (tensor<4x3xf32>) -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins QNN_Tensor:$input, I64Attr:$axis,
                       I64ElementsAttr:$indices);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// User-defined ops
//===----------------------------------------------------------------------===//

def QNN_CustomOp : QNN_Op<"custom"> {
  let summary = "An op the importer does not know, run by a user plugin";
  let description = [{
    A model node whose op the importers have no handler for: `op_name` is
    the framework's op type (e.g. TF's `op`, or `domain::op_type` for an
    ONNX custom domain), `op_attrs` its attributes. The CPU path lowers it to a
    call of the implementation a plugin library registered under `op_name`
    (`include/qmlir-c/CustomOp.h`, `docs/Import.md`); without one, lowering
    for execution fails with an error naming the node and the op. The op is
    opaque to every qnn pass (it stays float through qnn-quantize).

    ```mlir
    %d = qnn.custom "PowerDifference"(%x, %y) {op_attrs = {pow = 3 : i64}}
      : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins StrAttr:$op_name,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$op_attrs,
                       Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let assemblyFormat = [{
    $op_name `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)
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
    storage value per value the (per-tensor, at most 16-bit) input type can
    hold, so at most 65,536 entries. `qnn-quantize` builds it at compile time
    from the float function of an op implementing
    `ElementwiseFunctionOpInterface`:
    `table[i] = quantize_out(f(dequantize_in(qmin + i)))`. It lowers to
    `tosa.table` when input and output are i8, to one `tosa.gather` of
    `q - qmin` otherwise (as `qnn.table2d`).

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

def QNN_Table2dOp : QNN_Op<"table2d", [Pure]> {
  let summary = "Two-input lookup table: an elementwise function of two "
                "quantized tensors";
  let description = [{
    `output = table[(a - qmin_a) * n_b + (b - qmin_b)]` for each pair of
    storage values `a` (lhs) and `b` (rhs), with numpy broadcasting, where
    `qmin_x` is the storage minimum of x's type and `n_b` the number of
    storage values rhs's type holds. Both inputs are per tensor with at most
    8 bits, so the table has at most 65,536 entries. `qnn-quantize` builds it
    at compile time for `div` and `pow` of two quantized tensors:
    `table[i * n_b + j] = quantize_out(f(dequantize_a(qmin_a + i),
    dequantize_b(qmin_b + j)))`, `f` evaluated in double.

    ```mlir
    %z = qnn.table2d %a, %b {table = array<i32: ...>}
      : (tensor<4x!quant.uniform<i8<-2:1>:f32, 0.5>>,
         tensor<1x!quant.uniform<i8<-2:1>:f32, 0.25>>)
      -> tensor<4x!quant.uniform<i8:f32, 0.1:3>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$lhs, QNN_QuantTensor:$rhs,
                       DenseI32ArrayAttr:$table);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
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
