// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file --verify-diagnostics

// Unsigned storage has no lowering yet.
func.func @unsigned_storage(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>> {
  // expected-error @+2 {{'qnn.relu' op input has unsigned storage type '!quant.uniform<u8:f32, 1.000000e-01:128>': unsigned storage is not supported yet}}
  // expected-error @+1 {{failed to legalize operation 'qnn.relu'}}
  %0 = qnn.relu %x : tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// An average pool into another scale sums each window in 32 bits.
func.func @avg_pool_sum_overflow(%x: tensor<1x256x256x1x!quant.uniform<i16:f32, 0.1>>) -> tensor<1x1x1x1x!quant.uniform<i16:f32, 0.2>> {
  // expected-error @+2 {{'qnn.avg_pool2d' op the sum of a 256x256 window of 16-bit values can overflow 32 bits}}
  // expected-error @+1 {{failed to legalize operation 'qnn.avg_pool2d'}}
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 256, 256>} : (tensor<1x256x256x1x!quant.uniform<i16:f32, 0.1>>) -> tensor<1x1x1x1x!quant.uniform<i16:f32, 0.2>>
  return %0 : tensor<1x1x1x1x!quant.uniform<i16:f32, 0.2>>
}

// -----

func.func @global_pool_scale(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+2 {{'qnn.global_avg_pool' op quantized average pooling needs equal input and output scales}}
  // expected-error @+1 {{failed to legalize operation 'qnn.global_avg_pool'}}
  %0 = qnn.global_avg_pool %x : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05>>
  return %0 : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05>>
}

// -----

// TOSA takes zero points of 16-bit average pools only when they are 0.
func.func @avg_pool_i16_zp(%x: tensor<1x4x4x1x!quant.uniform<i16:f32, 0.1:5>>) -> tensor<1x2x2x1x!quant.uniform<i16:f32, 0.1:5>> {
  // expected-error @+2 {{'qnn.avg_pool2d' op quantized average pooling with 16-bit storage needs zero points of 0}}
  // expected-error @+1 {{failed to legalize operation 'qnn.avg_pool2d'}}
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x1x!quant.uniform<i16:f32, 0.1:5>>) -> tensor<1x2x2x1x!quant.uniform<i16:f32, 0.1:5>>
  return %0 : tensor<1x2x2x1x!quant.uniform<i16:f32, 0.1:5>>
}

// -----

// A quantized softmax output has the scale and zero point of its rule.
func.func @softmax_quant(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.004:-128>> {
  // expected-error @+2 {{'qnn.softmax' op a quantized softmax output must have 8-bit storage range, scale 2^-8 and zero point -128}}
  // expected-error @+1 {{failed to legalize operation 'qnn.softmax'}}
  %0 = qnn.softmax %x : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.004:-128>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.004:-128>>
}

// -----

// A table is per tensor.
func.func @table_per_axis(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 0.1>>) -> tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{'qnn.table' op input and output must be quantized per tensor}}
  %0 = qnn.table %x {table = array<i32: 0, 1>} : (tensor<2x!quant.uniform<i8<-1:0>:f32, 0.1>>) -> tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return %0 : tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
}

// -----

// Elementwise binary ops need per-tensor activations.
func.func @add_per_axis(%a: tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, %b: tensor<2x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+2 {{'qnn.add' op lhs is quantized per axis, which this op does not support}}
  // expected-error @+1 {{failed to legalize operation 'qnn.add'}}
  %0 = qnn.add %a, %b : (tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32, 0.2>>
}

// -----

// The int32 bias must be on the accumulator's scale.
func.func @conv_bias_scale(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.1>>, %w: tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>, %b: tensor<1x!quant.uniform<i32:f32, 0.1>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+2 {{'qnn.conv2d' op bias scale 1.000000e-01 of channel 0 must equal input scale times weight scale (5.000000e-02)}}
  // expected-error @+1 {{failed to legalize operation 'qnn.conv2d'}}
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>, tensor<1x!quant.uniform<i32:f32, 0.1>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
}

// -----

// A per-axis conv input needs one scale for every channel (qnn-quantize
// folds per-channel scales into the weights).
func.func @conv_per_axis_input(%x: tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>, %w: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+2 {{'qnn.conv2d' op a per-axis input must be quantized along its last (channel) dimension with one scale for every channel}}
  // expected-error @+1 {{failed to legalize operation 'qnn.conv2d'}}
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
}

// -----

// Per-axis to per-axis on another axis has no single rescale.
func.func @requantize_axes(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+2 {{'qnn.requantize' op cannot requantize from axis 0 to axis 1}}
  // expected-error @+1 {{failed to legalize operation 'qnn.requantize'}}
  %0 = qnn.requantize %x : (tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

// A scale ratio of 2^29 or more has no multiplier/shift with shift >= 2.
func.func @requantize_ratio(%x: tensor<2x!quant.uniform<i8:f32, 1.0e9>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+2 {{'qnn.requantize' op cannot represent the requantization scale ratio 1.000000e+09 as a 32-bit multiplier and shift}}
  // expected-error @+1 {{failed to legalize operation 'qnn.requantize'}}
  %0 = qnn.requantize %x : (tensor<2x!quant.uniform<i8:f32, 1.0e9>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// A per-axis pad must quantize its value to one storage value.
func.func @pad_per_axis(%x: tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+2 {{'qnn.pad' op pad value 1.000000e+00 quantizes differently per channel}}
  // expected-error @+1 {{failed to legalize operation 'qnn.pad'}}
  %0 = qnn.pad %x {padding = array<i64: 1, 0, 0, 0>, value = 1.0 : f32} : (tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %0 : tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

// Dynamic shapes are refused up front.
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'qnn.relu' op has a dynamically shaped tensor: the TOSA lowering needs static shapes}}
  %0 = qnn.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Quantized matmul needs per-tensor operands.
func.func @matmul_per_axis(%a: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+2 {{'qnn.matmul' op lhs is quantized per axis, which this op does not support}}
  // expected-error @+1 {{failed to legalize operation 'qnn.matmul'}}
  %0 = qnn.matmul %a, %b : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// A quantized prod whose 32-bit sum of logarithms could overflow even with
// 8 fraction bits (2^21 elements of up to log2(128) = 7).
func.func @prod_log_sum_overflow(%x: tensor<1x2097152x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x1x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+2 {{'qnn.reduce' op a quantized prod over 2097152 elements could overflow its 32-bit sum of logarithms}}
  // expected-error @+1 {{failed to legalize operation 'qnn.reduce'}}
  %0 = qnn.reduce prod %x {axes = array<i64: 1>} : (tensor<1x2097152x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x1x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<1x1x!quant.uniform<i8:f32, 1.0>>
}
