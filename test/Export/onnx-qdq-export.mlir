// RUN: qmlir-translate --export-onnx-qdq --onnx-text --split-input-file --verify-diagnostics %s | FileCheck %s

// A conv with per-axis int8 weights and an int32 bias between a quantized
// input and output: NHWC/OHWI inside, NCHW/OIHW in ONNX (the transposes cost
// nothing), per-axis DequantizeLinear on axis 0, pads reordered to ONNX's
// [top, left, bottom, right], float input and output kept.
// CHECK: <ir_version: 8, opset_import: ["" : 13], producer_name: "qmlir">
// CHECK-NEXT: main (float[1,2,4,4] x) => (float[1,3,4,5] y) {
// CHECK-NEXT: x_quantized = QuantizeLinear(x, x_scale, x_zero_point)
// CHECK-NEXT: x_dequantized = DequantizeLinear(x_quantized, x_scale, x_zero_point)
// CHECK-NEXT: conv1.weight = DequantizeLinear<axis = 0>(conv1.weight_quantized, conv1.weight_scale, conv1.weight_zero_point)
// CHECK-NEXT: conv1.bias = DequantizeLinear<axis = 0>(conv1.bias_quantized, conv1.bias_scale, conv1.bias_zero_point)
// CHECK-NEXT: conv1:0 = Conv<kernel_shape = [2, 1], strides = [1, 1], pads = [1, 1, 0, 0], dilations = [1, 1], group = 1>(x_dequantized, conv1.weight, conv1.bias)
// CHECK-NEXT: conv1:0_quantized = QuantizeLinear(conv1:0, conv1:0_scale, conv1:0_zero_point)
// CHECK-NEXT: conv1:0_dequantized = DequantizeLinear(conv1:0_quantized, conv1:0_scale, conv1:0_zero_point)
// CHECK-NEXT: reshape_3:0 = Reshape(conv1:0_dequantized, reshape_3_shape)
// CHECK-NEXT: reshape_4:0 = Reshape(reshape_3:0, reshape_4_shape)
// CHECK-NEXT: y = Relu(reshape_4:0)
// CHECK-NEXT: }
!qx = !quant.uniform<i8:f32, 0.0039:-128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03}>
!qb = !quant.uniform<i32:f32:0, {3.9e-05, 7.8e-05, 1.17e-04}>
!qy = !quant.uniform<i8:f32, 0.05:-128>
func.func @main(%x: tensor<1x2x4x4xf32> {qnn.name = "x"}) -> (tensor<1x3x4x5xf32> {qnn.name = "y"}) {
  %q = qnn.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qx> loc("x")
  %t = qnn.transpose %q {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x2x4x4x!qx>) -> tensor<1x4x4x2x!qx>
  %wi = arith.constant dense<1> : tensor<3x2x1x2xi8>
  %w = quant.scast %wi : tensor<3x2x1x2xi8> to tensor<3x2x1x2x!qw>
  %bi = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
  %b = quant.scast %bi : tensor<3xi32> to tensor<3x!qb>
  %c = qnn.conv2d %t, %w, %b {padding = array<i64: 1, 0, 1, 0>} : (tensor<1x4x4x2x!qx>, tensor<3x2x1x2x!qw>, tensor<3x!qb>) -> tensor<1x4x5x3x!qy> loc("conv1")
  %d = qnn.dequantize %c : (tensor<1x4x5x3x!qy>) -> tensor<1x4x5x3xf32>
  %t2 = qnn.transpose %d {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
  %s = qnn.reshape %t2 : (tensor<1x3x4x5xf32>) -> tensor<1x3x20xf32>
  %r = qnn.reshape %s : (tensor<1x3x20xf32>) -> tensor<1x3x4x5xf32>
  %y = qnn.relu %r : tensor<1x3x4x5xf32> loc("relu1")
  return %y : tensor<1x3x4x5xf32>
}

// -----
// Per-tensor weights on a Gemm; a symmetric activation (storage range
// -127..127) is clipped after DequantizeLinear, which saturates at -128; a
// per-channel float constant added to an NHWC value held as NCHW becomes
// [1, C, 1, 1]; outputs without a qnn.name are output<N>.
// CHECK: main (float[2,3] a, float[1,3,2,2] b) => (float[2,4] output0, float[1,3,2,2] output1) {
// CHECK: a_dequantized = DequantizeLinear(a_quantized, a_scale, a_zero_point)
// CHECK-NEXT: a_narrow = Clip(a_dequantized, a_narrow_min, a_narrow_max)
// CHECK-NEXT: fc.weight = DequantizeLinear(fc.weight_quantized, fc.weight_scale, fc.weight_zero_point)
// CHECK-NEXT: fc:0 = Gemm<transB = 1>(a_narrow, fc.weight)
// CHECK: output0 = DequantizeLinear(fc:0_quantized, fc:0_scale, fc:0_zero_point)
// CHECK-NEXT: output1 = Add(b, shift.const)
// CHECK-NEXT: }
!qa = !quant.uniform<i8<-127:127>:f32, 0.1>
!qfw = !quant.uniform<i8<-127:127>:f32, 0.02>
!qo = !quant.uniform<i8:f32, 0.2:3>
func.func @main(%a: tensor<2x3xf32> {qnn.name = "a"}, %b: tensor<1x3x2x2xf32> {qnn.name = "b"}) -> (tensor<2x4xf32>, tensor<1x3x2x2xf32>) {
  %q = qnn.quantize %a : (tensor<2x3xf32>) -> tensor<2x3x!qa> loc("a")
  %wi = arith.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, -2, -3]]> : tensor<4x3xi8>
  %w = quant.scast %wi : tensor<4x3xi8> to tensor<4x3x!qfw>
  %y = qnn.dense %q, %w : (tensor<2x3x!qa>, tensor<4x3x!qfw>) -> tensor<2x4x!qo> loc("fc")
  %d = qnn.dequantize %y : (tensor<2x4x!qo>) -> tensor<2x4xf32>
  %bt = qnn.transpose %b {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x2x3xf32>
  %c = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %s = qnn.add %bt, %c : (tensor<1x2x2x3xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32> loc("shift")
  %t = qnn.transpose %s {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32>
  return %d, %t : tensor<2x4xf32>, tensor<1x3x2x2xf32>
}

// -----
// Ops of the ONNX operator set: Max, MatMul (operands in declared order),
// Pad with a mode, Sub with a broadcast constant.
// CHECK: main (float[2,3] a, float[3,4] b) => (float[2,6] output0) {
// CHECK-NEXT: max1:0 = Max(a, a)
// CHECK-NEXT: mm:0 = MatMul(max1:0, b)
// CHECK-NEXT: pad1:0 = Pad<mode = "reflect">(mm:0, pad1:0_pads)
// CHECK-NEXT: output0 = Sub(pad1:0, sub1.const)
// CHECK-NEXT: }
func.func @main(%a: tensor<2x3xf32> {qnn.name = "a"}, %b: tensor<3x4xf32> {qnn.name = "b"}) -> tensor<2x6xf32> {
  %0 = qnn.maximum %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("max1")
  %1 = qnn.matmul %0, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("mm")
  %2 = qnn.pad reflect %1 {padding = array<i64: 0, 0, 1, 1>} : (tensor<2x4xf32>) -> tensor<2x6xf32> loc("pad1")
  %c = arith.constant dense<1.0> : tensor<6xf32>
  %3 = qnn.sub %2, %c : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32> loc("sub1")
  return %3 : tensor<2x6xf32>
}

// -----
// qnn-quantize's per-axis input reinterpretation (quant.scast to the
// storage and back with one scale): the QuantizeLinear integers dequantized
// again with the new parameters; per-axis Q/DQ of activations.
// CHECK: main (float[1,2,2,2] x) => (float[1,2,2,1] output0) {
// CHECK-NEXT: x_quantized = QuantizeLinear<axis = 3>(x, x_scale, x_zero_point)
// CHECK-NEXT: x_quantized_reinterpreted = DequantizeLinear<axis = 3>(x_quantized, x_quantized_reinterpreted_scale, x_quantized_reinterpreted_zero_point)
// CHECK-NEXT: x_quantized_reinterpreted_transposed = Transpose<perm = [0, 3, 1, 2]>(x_quantized_reinterpreted)
// CHECK: conv2:0 = Conv<{{.*}}>(x_quantized_reinterpreted_transposed, conv2.weight)
!qpa = !quant.uniform<i8:f32:3, {0.1:-1, 0.2:3}>
!qone = !quant.uniform<i8:f32:3, {0.2:-1, 0.2:3}>
!qcw = !quant.uniform<i8<-127:127>:f32:0, {0.05}>
!qco = !quant.uniform<i8:f32, 0.3:2>
func.func @main(%x: tensor<1x2x2x2xf32> {qnn.name = "x"}) -> tensor<1x2x2x1xf32> {
  %q = qnn.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!qpa> loc("x")
  %s = quant.scast %q : tensor<1x2x2x2x!qpa> to tensor<1x2x2x2xi8>
  %r = quant.scast %s : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!qone>
  %wi = arith.constant dense<[[[[2, 1]]]]> : tensor<1x1x1x2xi8>
  %w = quant.scast %wi : tensor<1x1x1x2xi8> to tensor<1x1x1x2x!qcw>
  %c = qnn.conv2d %r, %w : (tensor<1x2x2x2x!qone>, tensor<1x1x1x2x!qcw>) -> tensor<1x2x2x1x!qco> loc("conv2")
  %d = qnn.dequantize %c : (tensor<1x2x2x1x!qco>) -> tensor<1x2x2x1xf32>
  return %d : tensor<1x2x2x1xf32>
}

// -----
// A lookup table has no ONNX operator: the error names the node.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qnn.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-2:1>:f32, 0.1>>
  // expected-error @+1 {{op 'qnn.table' (node 'table_0') cannot be expressed in ONNX opset 13}}
  %0 = qnn.table %q {table = array<i32: 0, 1, 2, 3>} : (tensor<4x!quant.uniform<i8<-2:1>:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = qnn.dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// 16-bit activations need QuantizeLinear of opset 21.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'quantize_0' has a tensor of type '!quant.uniform<i16:f32, 1.000000e-01>'; opset 13 QuantizeLinear/DequantizeLinear hold only 8-bit storage (and int32 biases)}}
  %0 = qnn.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.1>>
  %1 = qnn.dequantize %0 : (tensor<4x!quant.uniform<i16:f32, 0.1>>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// A module that was not quantized yet.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'observe_0' is a calibration probe; run qnn-calibrate and qnn-quantize before exporting}}
  %0 = qnn.observe %x {name = "x"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// Quantized model outputs are not ONNX QDQ outputs.
func.func @main(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %0 = qnn.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  // expected-error @+1 {{result 0 has type 'tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>'; ONNX QDQ models have float outputs}}
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}
