//===- NPUOps.td - npu dialect ops -------------------------*- tablegen -*-===//

#ifndef QMLIR_DIALECT_NPU_IR_NPUOPS_TD
#define QMLIR_DIALECT_NPU_IR_NPUOPS_TD

include "qmlir/Dialect/NPU/IR/NPUDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"

class NPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, traits>;

def NPU_IntTensor : RankedTensorOf<[AnySignlessInteger]>;

// The requantization every compute op ends with:
// out = clamp(((acc * multiplier + 2^(shift-1)) >> shift) + output_zp,
//             qmin, qmax), per output channel when the arrays have one
// entry per channel (docs/Quantization.md, TOSA RESCALE, single rounding).
defvar NPU_RequantArgs = (ins I64Attr:$output_zp,
    DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift, I64Attr:$qmin,
    I64Attr:$qmax, I64Attr:$output_bits);

// The tiling of a layer too large for on-chip memory (Tiling.h): output
// channels and output rows (per image) per tile; absent: one tile.
defvar NPU_TileArgs = (ins OptionalAttr<I64Attr>:$tile_channels,
    OptionalAttr<I64Attr>:$tile_rows);

// Per-axis activations (docs/Quantization.md, "Per-axis activations"): one
// zero point per channel (the last dimension) of the input and of the
// output; when present they replace `input_zp` / `output_zp` (which then
// hold the first channel's).
defvar NPU_ChannelZpArgs = (ins OptionalAttr<DenseI64ArrayAttr>:$input_zps,
    OptionalAttr<DenseI64ArrayAttr>:$output_zps);

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def NPU_SegmentOp : NPU_Op<"segment", [IsolatedFromAbove]> {
  let summary = "A subgraph the accelerator runs as one unit";
  let description = [{
    Its operands are the tensors the accelerator receives (each produced by
    an `npu.transfer` from the CPU side), its results the tensors it sends
    back. The body holds npu ops and their constant weights only.

    ```mlir
    %r = npu.segment 0 (%in) : (tensor<1x8x8x1xi8>) -> tensor<1x8x8x4xi8> {
    ^bb0(%x: tensor<1x8x8x1xi8>):
      %y = npu.conv2d %x, %w, %b {...} : ...
      npu.yield %y : tensor<1x8x8x4xi8>
    }
    ```
  }];
  let arguments = (ins I64Attr:$index, Variadic<NPU_IntTensor>:$inputs);
  let results = (outs Variadic<NPU_IntTensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $index `(` $inputs `)` attr-dict `:` functional-type($inputs, results)
    $body
  }];
  let hasVerifier = 1;
}

def NPU_YieldOp : NPU_Op<"yield", [Pure, Terminator, ReturnLike,
                                   HasParent<"SegmentOp">]> {
  let summary = "The results of a segment";
  let arguments = (ins Variadic<NPU_IntTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def NPU_TransferOp : NPU_Op<"transfer", [Pure]> {
  let summary = "A tensor crossing between the CPU and the accelerator";
  let description = [{
    To the accelerator: a `!quant.uniform` tensor becomes the integer tensor
    of its storage values; back: the reverse. The values are unchanged; the
    op marks the data movement (the cycle model counts its bytes) and
    carries the quantization the accelerator does not need.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True for CPU -> accelerator.
    bool isToDevice() {
      return ::llvm::isa<::mlir::IntegerType>(
          getOutput().getType().getElementType());
    }
  }];
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

def NPU_Conv2dOp : NPU_Op<"conv2d", [Pure]> {
  let summary = "Integer 2-D convolution (NHWC, OHWI) with requantization";
  let description = [{
    `acc[o] = bias[o] + Σ (x - input_zp) · w` in an `acc_bits`-wide signed
    accumulator (the weights are symmetric), then the requantization
    `out = clamp(((acc · multiplier + 2^(shift-1)) >> shift) + output_zp,
    qmin, qmax)`, per output channel when `multiplier` and `shift` have one
    entry per channel. Padded positions hold `input_zp`.

    `tile_channels` / `tile_rows` (optional, set by `convert-qnn-to-npu`
    when the layer does not fit on-chip memory at once): the layer runs as
    tiles of that many output channels and output rows; the values do not
    change, the cycle and memory model charge the tiles.
  }];
  let arguments = !con((ins NPU_IntTensor:$input, NPU_IntTensor:$weight,
                            Optional<NPU_IntTensor>:$bias,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$padding,
                            DenseI64ArrayAttr:$dilations, I64Attr:$groups,
                            I64Attr:$input_zp, I64Attr:$input_bits,
                            I64Attr:$weight_bits, I64Attr:$acc_bits),
                       NPU_RequantArgs, NPU_TileArgs, NPU_ChannelZpArgs);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_DenseOp : NPU_Op<"dense", [Pure]> {
  let summary = "Integer fully connected layer with requantization";
  let description = [{
    `acc[m] = bias[m] + Σ_k (x[k] - input_zp) · w[m, k]`, then the
    requantization of `out = clamp(((acc · multiplier + 2^(shift-1)) >> shift) +
    output_zp, qmin, qmax)`. `tile_channels` / `tile_rows` as for
    `npu.conv2d` (rows: rows of the flattened [rows, K] input).
  }];
  let arguments = !con((ins NPU_IntTensor:$input, NPU_IntTensor:$weight,
                            Optional<NPU_IntTensor>:$bias,
                            I64Attr:$input_zp, I64Attr:$input_bits,
                            I64Attr:$weight_bits, I64Attr:$acc_bits),
                       NPU_RequantArgs, NPU_TileArgs, NPU_ChannelZpArgs);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_RescaleOp : NPU_Op<"rescale", [Pure]> {
  let summary = "Requantization of a tensor (qnn.requantize)";
  let description = [{
    `out = clamp(((x - input_zp) · multiplier + 2^(shift-1)) >> shift) +
    output_zp, qmin, qmax)`.
  }];
  let arguments = !con((ins NPU_IntTensor:$input, I64Attr:$input_zp,
                            I64Attr:$input_bits),
                       NPU_RequantArgs, NPU_ChannelZpArgs);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_AddOp : NPU_Op<"add", [Pure]> {
  let summary = "Element-wise addition of two tensors of different scales";
  let description = [{
    The quantized add of the CPU path (`qmath::computeAddRescale`, TFLite's
    left-shift scheme): each input is requantized to a common 32-bit scale,
    `a32 = ((lhs - lhs_zp) · input_multiplier[0] + 2^(input_shift[0]-1)) >>
    input_shift[0]` (likewise `b32` with index 1), then `out =
    clamp((((a32 + b32) · multiplier + 2^(shift-1)) >> shift) + output_zp,
    qmin, qmax)`. Both inputs and the output have the same shape.

    ```mlir
    %z = npu.add %x, %y {lhs_zp = -3 : i64, rhs_zp = 5 : i64, input_bits = 8 : i64,
                         input_multiplier = array<i32: 1073741824, 1518500250>,
                         input_shift = array<i32: 10, 11>, output_zp = -1 : i64,
                         multiplier = array<i32: 1431655765>, shift = array<i32: 50>,
                         qmin = -128 : i64, qmax = 127 : i64, output_bits = 8 : i64}
        : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
    ```
  }];
  let arguments = !con((ins NPU_IntTensor:$lhs, NPU_IntTensor:$rhs,
                            I64Attr:$lhs_zp, I64Attr:$rhs_zp,
                            I64Attr:$input_bits,
                            DenseI32ArrayAttr:$input_multiplier,
                            DenseI32ArrayAttr:$input_shift),
                       NPU_RequantArgs);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_ConcatOp : NPU_Op<"concat", [Pure]> {
  let summary = "Concatenation of storage values along one axis";
  let description = [{
    The inputs have the output's element type and one quantization (inputs
    of other scales pass through `npu.rescale` first, as the CPU lowering
    requantizes them); `bits` is their width.
  }];
  let arguments = (ins Variadic<NPU_IntTensor>:$inputs, I64Attr:$axis,
                       I64Attr:$bits);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_ClampOp : NPU_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "Clamp of storage values (relu, clip)";
  let description = [{
    `out = clamp(x, min, max)`; with `mins` / `maxs` (per-axis activations:
    one bound per channel, the last dimension) channel `c` is clamped to
    `[mins[c], maxs[c]]` (`min` / `max` then hold the first channel's).
  }];
  let arguments = (ins NPU_IntTensor:$input, I64Attr:$min, I64Attr:$max,
                       I64Attr:$bits, OptionalAttr<DenseI64ArrayAttr>:$mins,
                       OptionalAttr<DenseI64ArrayAttr>:$maxs);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def NPU_MaxPool2dOp : NPU_Op<"max_pool2d", [Pure]> {
  let summary = "Max pooling of storage values; padding never wins";
  let arguments = (ins NPU_IntTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       I64Attr:$bits);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_AvgPool2dOp : NPU_Op<"avg_pool2d", [Pure]> {
  let summary = "Average pooling (no padding) with TOSA AVG_POOL2D's division";
  let description = [{
    Per window of `count = KH·KW` values: `acc = Σ (x - input_zp)`, then
    `out = clamp(((acc · m + 2^(s-1)) >> s) + output_zp, qmin, qmax)` with
    TOSA's reciprocal `k = ceil(log2(count))`, `m = ((2^30 + 1) << k) /
    count`, `s = 30 + k` (input and output share the scale). Global average
    pooling is the window of the whole image.
  }];
  let arguments = (ins NPU_IntTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, I64Attr:$input_zp,
                       I64Attr:$output_zp, I64Attr:$qmin, I64Attr:$qmax,
                       I64Attr:$bits);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_PadOp : NPU_Op<"pad", [Pure]> {
  let summary = "Constant padding of storage values";
  let description = [{
    `padding` holds `[low_0, high_0, low_1, high_1, ...]`, one pair per
    dimension; padded positions hold `value`, the real pad value quantized
    with the tensor's parameters (as the CPU lowering quantizes it).

    ```mlir
    %y = npu.pad %x {padding = array<i64: 0, 0, 1, 1, 1, 1, 0, 0>, value = -3, bits = 8}
      : (tensor<1x4x4x2xi8>) -> tensor<1x6x6x2xi8>
    ```
  }];
  let arguments = (ins NPU_IntTensor:$input, DenseI64ArrayAttr:$padding,
                       I64Attr:$value, I64Attr:$bits);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_TransposeOp : NPU_Op<"transpose", [Pure]> {
  let summary = "Permutation of storage values: output dim i is input dim permutation[i]";
  let arguments = (ins NPU_IntTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_ReshapeOp : NPU_Op<"reshape", [Pure]> {
  let summary = "Row-major reshape of storage values";
  let arguments = (ins NPU_IntTensor:$input);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_NPU_IR_NPUOPS_TD
