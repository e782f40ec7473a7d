// RUN: qopt %s -split-input-file -verify-diagnostics

// Conv input must be NHWC rank 4.
func.func @conv_rank(%x: tensor<28x28x3xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error @+1 {{input must have rank 4, got 3}}
  %0 = qnn.conv2d %x, %w : (tensor<28x28x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x26x26x8xf32>
  return %0 : tensor<1x26x26x8xf32>
}

// -----
// Input channels must match weight channels times groups.
func.func @conv_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{input has 4 channels but weight has 3 per group and 1 groups}}
  %0 = qnn.conv2d %x, %w : (tensor<1x8x8x4xf32>, tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----
// Output channels must divide into groups.
func.func @conv_groups(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x1xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{output channels 6 are not divisible by groups 4}}
  %0 = qnn.conv2d %x, %w {groups = 4 : i64} : (tensor<1x8x8x4xf32>, tensor<6x3x3x1xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----
// The output shape follows from the window arithmetic.
func.func @conv_shape(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{output has shape 1x8x8x8 but expected 1x6x6x8}}
  %0 = qnn.conv2d %x, %w : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----
// Strides have one value per spatial dimension.
func.func @conv_strides(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{'strides' must have 2 elements, got 1}}
  %0 = qnn.conv2d %x, %w {strides = array<i64: 1>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----
// Padding is never negative.
func.func @conv_padding(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{'padding' values must be >= 0, got -1}}
  %0 = qnn.conv2d %x, %w {padding = array<i64: 0, 0, 0, -1>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----
// groups must be positive.
func.func @conv_zero_groups(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{'groups' must be >= 1}}
  %0 = qnn.conv2d %x, %w {groups = 0 : i64} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----
// Bias has one value per output channel.
func.func @conv_bias(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{bias has shape 4 but expected 8}}
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<4xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----
// Float and quantized operands do not mix.
func.func @conv_mixed(%x: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, %w: tensor<1x3x3x1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{operands and results must be all float or all quantized}}
  %0 = qnn.conv2d %x, %w : (tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x3x1xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----
// A quantized bias is 32-bit.
func.func @conv_bias_width(%x: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, %w: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, %b: tensor<1x!quant.uniform<i16:f32, 0.01>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized bias must have 32-bit storage}}
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x!quant.uniform<i16:f32, 0.01>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----
// A quantized bias has zero point 0.
func.func @conv_bias_zp(%x: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, %w: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, %b: tensor<1x!quant.uniform<i32:f32, 0.01:3>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized bias must have zero point 0}}
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x!quant.uniform<i32:f32, 0.01:3>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Per-axis weights are quantized along the output-channel dimension.
func.func @conv_weight_axis(%x: tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1>>, %w: tensor<1x3x3x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{per-axis weight must be quantized along dimension 0}}
  %0 = qnn.conv2d %x, %w : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x3x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----
// A per-axis type names an existing dimension.
func.func @per_axis_rank(%x: tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 is quantized along dimension 1 but has rank 1}}
  %0 = qnn.dequantize %x : (tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// A per-axis type has one scale per element of its dimension.
func.func @per_axis_count(%x: tensor<4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 has 2 scales for dimension 0 of size 4}}
  %0 = qnn.dequantize %x : (tensor<4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// Dense weight is [out, in] and in matches the input's last dimension.
func.func @dense_features(%x: tensor<2x64xf32>, %w: tensor<10x32xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{input has 64 features but weight expects 32}}
  %0 = qnn.dense %x, %w : (tensor<2x64xf32>, tensor<10x32xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----
// Dense weight is 2-D.
func.func @dense_weight_rank(%x: tensor<2x64xf32>, %w: tensor<10x64x1xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{weight must have rank 2, got 3}}
  %0 = qnn.dense %x, %w : (tensor<2x64xf32>, tensor<10x64x1xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----
// Dense output shape.
func.func @dense_output(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>) -> tensor<2x11xf32> {
  // expected-error @+1 {{output has shape 2x11 but expected 2x10}}
  %0 = qnn.dense %x, %w : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x11xf32>
  return %0 : tensor<2x11xf32>
}

// -----
// Batch-norm parameters have one value per channel.
func.func @bn_params(%x: tensor<1x2x2x3xf32>, %s: tensor<4xf32>) -> tensor<1x2x2x3xf32> {
  // expected-error @+1 {{scale has shape 4 but expected 3}}
  %0 = qnn.batch_norm %x, %s, %s, %s, %s : (tensor<1x2x2x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x2x3xf32>
  return %0 : tensor<1x2x2x3xf32>
}

// -----
// Batch norm keeps its input type.
func.func @bn_output(%x: tensor<1x2x2x3xf32>, %s: tensor<3xf32>) -> tensor<1x2x2x3xf16> {
  // expected-error @+1 {{output type must equal input type}}
  %0 = qnn.batch_norm %x, %s, %s, %s, %s : (tensor<1x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf16>
  return %0 : tensor<1x2x2x3xf16>
}

// -----
// Clip bounds are ordered.
func.func @clip_bounds(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'min' must not exceed 'max'}}
  %0 = qnn.clip %x {min = 6.0 : f32, max = 0.0 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// Relu keeps its type.
func.func @relu_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "qnn.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----
// Binary operands must broadcast.
func.func @add_broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = qnn.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
// The result of a binary op has the broadcast shape.
func.func @mul_shape(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{output has shape 3 but expected 2x3}}
  %0 = qnn.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----
// Pool kernels are 2-D.
func.func @pool_kernel(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  // expected-error @+1 {{'kernel' must have 2 elements, got 3}}
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  return %0 : tensor<1x2x2x1xf32>
}

// -----
// Pool padding is smaller than the kernel.
func.func @pool_padding(%x: tensor<1x4x4x1xf32>) -> tensor<1x7x7x1xf32> {
  // expected-error @+1 {{'padding' must be smaller than the kernel}}
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x7x7x1xf32>
  return %0 : tensor<1x7x7x1xf32>
}

// -----
// Pool output shape.
func.func @pool_shape(%x: tensor<1x4x4x1xf32>) -> tensor<1x3x3x1xf32> {
  // expected-error @+1 {{output has shape 1x3x3x1 but expected 1x2x2x1}}
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x3x3x1xf32>
  return %0 : tensor<1x3x3x1xf32>
}

// -----
// Max pooling keeps the element type.
func.func @max_pool_type(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+1 {{output element type must equal input element type}}
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.2>>
}

// -----
// Global pooling keeps N and C, with H = W = 1.
func.func @global_pool(%x: tensor<1x4x4x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{output has shape 1x8 but expected 1x1x1x8}}
  %0 = qnn.global_avg_pool %x : (tensor<1x4x4x8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----
// Softmax axis within the rank.
func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0 = qnn.softmax %x {axis = 2} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
// Reshape keeps the element count.
func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape 6 elements into 7}}
  %0 = qnn.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----
// Reshape keeps the element type.
func.func @reshape_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{output element type must equal input element type}}
  %0 = qnn.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----
// Per-axis quantization does not survive an arbitrary reshape.
func.func @reshape_per_axis(%x: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<6x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>> {
  // expected-error @+1 {{cannot reshape a per-axis quantized tensor}}
  %0 = qnn.reshape %x : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<6x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>
  return %0 : tensor<6x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>
}

// -----
// Reshape needs static shapes.
func.func @reshape_dynamic(%x: tensor<?x3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{requires static shapes}}
  %0 = qnn.reshape %x : (tensor<?x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----
// Permutation length equals the rank.
func.func @transpose_len(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'permutation' must have 2 elements}}
  %0 = qnn.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----
// Permutation has no repeats.
func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'permutation' must be a permutation of the dims}}
  %0 = qnn.transpose %x {permutation = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----
// Transpose output shape.
func.func @transpose_shape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{output has shape 2x3 but expected 3x2}}
  %0 = qnn.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
// Per-axis quantization moves with its dimension.
func.func @transpose_per_axis(%x: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>> {
  // expected-error @+1 {{per-axis quantization must follow the permutation}}
  %0 = qnn.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
  return %0 : tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
}

// -----
// Transpose keeps the element type.
func.func @transpose_type(%x: tensor<2x3xf32>) -> tensor<3x2xf16> {
  // expected-error @+1 {{output element type must equal input element type}}
  %0 = qnn.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}

// -----
// Concat axis in range.
func.func @concat_axis(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0 = qnn.concat %x, %x {axis = 2} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
// Concat inputs agree off the axis.
func.func @concat_dims(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{input dimension 0 is 3 but output has 2}}
  %0 = qnn.concat %x, %y {axis = 1} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
// Concat output sums the axis.
func.func @concat_sum(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{output has shape 2x5 but expected 2x6}}
  %0 = qnn.concat %x, %x {axis = 1} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----
// Concat ranks agree.
func.func @concat_rank(%x: tensor<2x3xf32>, %y: tensor<6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{all inputs must have the output's rank}}
  %0 = qnn.concat %x, %y {axis = 1} : (tensor<2x3xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
// Concat needs an input.
func.func @concat_empty() -> tensor<2x6xf32> {
  // expected-error @+1 {{requires at least one input}}
  %0 = qnn.concat {axis = 1} : () -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
// Pad has a (low, high) pair per dimension.
func.func @pad_len(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'padding' must have 4 elements, got 2}}
  %0 = qnn.pad %x {padding = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----
// Pad output shape.
func.func @pad_shape(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{output has shape 2x6 but expected 2x5}}
  %0 = qnn.pad %x {padding = array<i64: 0, 0, 1, 1>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
// An observed range has both ends.
func.func @observe_half(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'min' and 'max' must be given together}}
  %0 = qnn.observe %x {name = "x", min = 0.0} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// An observed range is ordered.
func.func @observe_order(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'min' must not exceed 'max'}}
  %0 = qnn.observe %x {name = "x", min = 1.0, max = 0.0} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// Per-channel ranges have one entry per element of the last dimension.
func.func @observe_channels(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'channel_min' and 'channel_max' need one value per element of the last dimension (3)}}
  %0 = qnn.observe %x {name = "x", channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 1.0>} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
// Per-channel ranges are ordered.
func.func @observe_channel_order(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'channel_min' must not exceed 'channel_max'}}
  %0 = qnn.observe %x {name = "x", channel_min = array<f64: 0.0, 2.0>, channel_max = array<f64: 1.0, 1.0>} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// The type a range was chosen for has a width and a symmetry.
func.func @observe_bits(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'bits' and 'symmetric' must be given together}}
  %0 = qnn.observe %x {name = "x", bits = 8} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// ... of at most 16 bits.
func.func @observe_bits_range(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'bits' must be in [1, 16]}}
  %0 = qnn.observe %x {name = "x", bits = 17, symmetric = false} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// Observe is float only.
func.func @observe_quant(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = qnn.observe %x {name = "x"} : tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Quantize keeps the shape.
func.func @quantize_shape(%x: tensor<4xf32>) -> tensor<5x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized tensor has shape 5 but expected 4}}
  %0 = qnn.quantize %x : (tensor<4xf32>) -> tensor<5x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<5x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Quantize targets a type expressing the input's float type.
func.func @quantize_expressed(%x: tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized type expresses 'f32' but float tensor has 'f16'}}
  %0 = qnn.quantize %x : (tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Quantize produces a quantized tensor.
func.func @quantize_result(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{result #0 must be ranked tensor of quantized type values}}
  %0 = qnn.quantize %x : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----
// Dequantize keeps the shape.
func.func @dequantize_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<3xf32> {
  // expected-error @+1 {{quantized tensor has shape 4 but expected 3}}
  %0 = qnn.dequantize %x : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----
// Requantize keeps the shape.
func.func @requantize_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<3x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+1 {{output has shape 3 but expected 4}}
  %0 = qnn.requantize %x : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<3x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<3x!quant.uniform<i8:f32, 0.2>>
}

// -----
// Requantize keeps the expressed type.
func.func @requantize_expressed(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f16, 0.2>> {
  // expected-error @+1 {{input and output must express the same float type}}
  %0 = qnn.requantize %x : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f16, 0.2>>
  return %0 : tensor<4x!quant.uniform<i8:f16, 0.2>>
}

// -----
// Batch-norm statistics hold one value per output channel.
func.func @bn_stats_size(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'qnn.bn_scale' must be a dense f32 tensor of 2 values (one per output channel), got dense<1.000000e+00> : tensor<3xf32>}}
  %0 = qnn.dense %x, %w {qnn.bn_scale = dense<1.0> : tensor<3xf32>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----
// Batch-norm statistics are f32.
func.func @bn_stats_type(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'qnn.bn_shift' must be a dense f32 tensor of 2 values}}
  %0 = qnn.dense %x, %w {qnn.bn_shift = dense<1> : tensor<2xi32>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----
// A table has one entry per input storage value.
func.func @table_size(%x: tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{table has 2 entries but the input types hold 16 values}}
  %0 = qnn.table %x {table = array<i32: 0, 1>} : (tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Table entries are output storage values.
func.func @table_entry(%x: tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>> {
  // expected-error @+1 {{table entry 9 is outside the output storage range [-8, 7]}}
  %0 = qnn.table %x {table = array<i32: 0, 9>} : (tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>>
}

// -----
// A table takes at most 16-bit inputs (65,536 entries).
func.func @table_wide(%x: tensor<4x!quant.uniform<i32<-65536:65535>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{input has 131072 storage values: a table takes inputs of at most 16 bits (65536 entries)}}
  %0 = qnn.table %x {table = array<i32: 0>} : (tensor<4x!quant.uniform<i32<-65536:65535>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// A table of a wider input still has one entry per input storage value:
// 2^12 for a 12-bit input, not 256.
func.func @table_size_wide(%x: tensor<4x!quant.uniform<i16<-2048:2047>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{table has 4 entries but the input types hold 4096 values}}
  %0 = qnn.table %x {table = array<i32: 0, 1, 2, 3>} : (tensor<4x!quant.uniform<i16<-2048:2047>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// A two-input table has one entry per pair of input storage values.
func.func @table2d_size(%a: tensor<4x!quant.uniform<i8<-2:1>:f32, 0.5>>, %b: tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{table has 4 entries but the input types hold 8 values}}
  %0 = qnn.table2d %a, %b {table = array<i32: 0, 1, 2, 3>} : (tensor<4x!quant.uniform<i8<-2:1>:f32, 0.5>>, tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Both inputs of a two-input table have at most 8 bits.
func.func @table2d_wide(%a: tensor<4x!quant.uniform<i8<-2:1>:f32, 0.5>>, %b: tensor<4x!quant.uniform<i16<-256:255>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{rhs has 512 storage values: a 2-D table takes inputs of at most 8 bits (256 values each)}}
  %0 = qnn.table2d %a, %b {table = array<i32: 0>} : (tensor<4x!quant.uniform<i8<-2:1>:f32, 0.5>>, tensor<4x!quant.uniform<i16<-256:255>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// The inputs broadcast to the output's shape.
func.func @table2d_shape(%a: tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>, %b: tensor<3x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = qnn.table2d %a, %b {table = array<i32: 0, 0, 0, 0>} : (tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>, tensor<3x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Table entries of a two-input table are output storage values.
func.func @table2d_entry(%a: tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>, %b: tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>> {
  // expected-error @+1 {{table entry -9 is outside the output storage range [-8, 7]}}
  %0 = qnn.table2d %a, %b {table = array<i32: 0, 0, 0, -9>} : (tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>, tensor<4x!quant.uniform<i8<-1:0>:f32, 0.5>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8<-8:7>:f32, 0.1>>
}

// -----
// qnn.unary kinds take exactly the parameters they use.
func.func @unary_missing_alpha(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'leaky_relu' requires 'alpha'}}
  %0 = qnn.unary leaky_relu %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
func.func @unary_extra_beta(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'elu' takes no 'beta'}}
  %0 = qnn.unary elu %x {alpha = 1.0 : f32, beta = 1.0 : f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
func.func @unary_celu_zero(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'celu' requires a nonzero 'alpha'}}
  %0 = qnn.unary celu %x {alpha = 0.0 : f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// Float-only ops reject quantized tensors.
func.func @unary_quant(%x: tensor<2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = qnn.unary sigmoid %x : tensor<2x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.1>>
}

// -----
// Float binary ops broadcast like add.
func.func @sub_broadcast(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = qnn.sub %x, %y : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
// The prelu slope broadcasts to the input, not the other way round.
func.func @prelu_slope(%x: tensor<3xf32>, %s: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{slope must broadcast to the input's shape}}
  %0 = qnn.prelu %x, %s : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----
func.func @reduce_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.reduce sum %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
func.func @reduce_axes_order(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'axes' must be sorted and distinct}}
  %0 = qnn.reduce sum %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----
func.func @reduce_shape(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{output has shape 2x1 but expected 2}}
  %0 = qnn.reduce sum %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----
// A quantized prod is per tensor too.
func.func @reduce_prod_per_axis_output(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{quantized input and output must be per tensor}}
  %0 = qnn.reduce prod %x {axes = array<i64: 1>} : (tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return %0 : tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
}

// -----
// Quantized div: operands and result all quantized per tensor.
func.func @div_quant_float_rhs(%x: tensor<4x!quant.uniform<i16:f32, 0.1>>, %y: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized operands and result must all be quantized per tensor}}
  %0 = qnn.div %x, %y : (tensor<4x!quant.uniform<i16:f32, 0.1>>, tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
func.func @pow_quant_per_axis(%x: tensor<2x2x!quant.uniform<i16:f32:1, {0.1, 0.2}>>, %y: tensor<2x2x!quant.uniform<i16:f32, 0.1>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized operands and result must all be quantized per tensor}}
  %0 = qnn.pow %x, %y : (tensor<2x2x!quant.uniform<i16:f32:1, {0.1, 0.2}>>, tensor<2x2x!quant.uniform<i16:f32, 0.1>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32, 0.1>>
}

// -----
func.func @pow_quant_float_result(%x: tensor<4x!quant.uniform<i16:f32, 0.1>>, %y: tensor<4x!quant.uniform<i16:f32, 0.1>>) -> tensor<4xf32> {
  // expected-error @+1 {{quantized operands and result must all be quantized per tensor}}
  %0 = qnn.pow %x, %y : (tensor<4x!quant.uniform<i16:f32, 0.1>>, tensor<4x!quant.uniform<i16:f32, 0.1>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
func.func @reduce_quantized_per_axis(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<2x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized input and output must be per tensor}}
  %0 = qnn.reduce max %x {axes = array<i64: 1>} : (tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<2x1x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x1x!quant.uniform<i8:f32, 0.1>>
}

// -----
func.func @reduce_mixed(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x1xf32> {
  // expected-error @+1 {{operands and results must be all float or all quantized}}
  %0 = qnn.reduce sum %x {axes = array<i64: 1>} : (tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----
func.func @prelu_integer(%x: tensor<3xi32>, %s: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{takes float or quantized tensors, not plain integers}}
  %0 = qnn.prelu %x, %s : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----
func.func @prelu_mixed(%x: tensor<3x!quant.uniform<i8:f32, 0.1>>, %s: tensor<3xf32>) -> tensor<3x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{operands and results must be all float or all quantized}}
  %0 = qnn.prelu %x, %s : (tensor<3x!quant.uniform<i8:f32, 0.1>>, tensor<3xf32>) -> tensor<3x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<3x!quant.uniform<i8:f32, 0.1>>
}

// -----
func.func @conv_transpose_mixed(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1>>, %w: tensor<3x3x3x8xf32>) -> tensor<1x6x6x3x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{operands and results must be all float or all quantized}}
  %0 = qnn.conv_transpose2d %x, %w : (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1>>, tensor<3x3x3x8xf32>) -> tensor<1x6x6x3x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x6x6x3x!quant.uniform<i8:f32, 0.1>>
}

// -----
func.func @log_softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0 = qnn.log_softmax %x {axis = 2} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----
func.func @slice_zero_stride(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{stride of dimension 0 is 0}}
  %0 = qnn.slice %x {offsets = array<i64: 0>, strides = array<i64: 0>} : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
func.func @slice_bounds(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{dimension 0 reads indices 1 to -3 of a dimension of size 4}}
  %0 = qnn.slice %x {offsets = array<i64: 1>, strides = array<i64: -2>} : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----
func.func @slice_per_axis(%x: tensor<4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<4x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+1 {{cannot slice the quantized dimension of a per-axis quantized tensor}}
  %0 = qnn.slice %x {offsets = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<4x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %0 : tensor<4x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----
func.func @gather_index(%x: tensor<4x3xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{index 3 is out of range for a dimension of size 3}}
  %0 = qnn.gather %x {axis = 1 : i64, indices = dense<[3]> : tensor<1xi64>} : (tensor<4x3xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----
func.func @gather_shape(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{output has shape 4x2 but expected 4x1x2}}
  %0 = qnn.gather %x {axis = 1 : i64, indices = dense<[[0, 1]]> : tensor<1x2xi64>} : (tensor<4x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----
func.func @pad_reflect_too_wide(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{reflect padding of dimension 1 must be smaller than its size 3}}
  %0 = qnn.pad reflect %x {padding = array<i64: 0, 0, 3, 0>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----
func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{lhs has 3 columns but rhs has 4 rows}}
  %0 = qnn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----
func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x5xf32>) -> tensor<3x2x5xf32> {
  // expected-error @+1 {{batch dimensions are not broadcast-compatible}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x5xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----
func.func @conv_transpose_shape(%x: tensor<1x4x4x8xf32>, %w: tensor<3x3x3x8xf32>) -> tensor<1x8x8x3xf32> {
  // expected-error @+1 {{output has shape 1x8x8x3 but expected 1x9x9x3}}
  %0 = qnn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>) -> tensor<1x8x8x3xf32>
  return %0 : tensor<1x8x8x3xf32>
}

// -----
func.func @conv_transpose_groups(%x: tensor<1x4x4x8xf32>, %w: tensor<3x3x3x8xf32>) -> tensor<1x6x6x3xf32> {
  // expected-error @+1 {{input has 8 channels but weight has 8 per group and 2 groups}}
  %0 = qnn.conv_transpose2d %x, %w {groups = 2 : i64} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>) -> tensor<1x6x6x3xf32>
  return %0 : tensor<1x6x6x3xf32>
}

// -----
// Quantized maximum compares storage values: one type throughout.
func.func @maximum_quant_types(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.2>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized operands and result must have one element type}}
  %0 = qnn.maximum %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.2>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----
// A custom op names its op.
func.func @custom_name(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'op_name' must not be empty}}
  %0 = qnn.custom ""(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// A custom op has results.
func.func @custom_results(%x: tensor<4xf32>) {
  // expected-error @+1 {{must have at least one result}}
  qnn.custom "Sink"(%x) : (tensor<4xf32>) -> ()
  return
}

// -----
// Integer arithmetic has no implicit conversions: one integer type.
func.func @int_add_mixed(%x: tensor<4xi32>, %y: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{integer operands and result must have one element type}}
  %0 = qnn.add %x, %y : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----
// Integers and floats do not mix either (except in pow).
func.func @int_div_float(%x: tensor<4xi64>, %y: tensor<4xf32>) -> tensor<4xi64> {
  // expected-error @+1 {{integer operands and result must have one element type}}
  %0 = qnn.div %x, %y : (tensor<4xi64>, tensor<4xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----
// Integer maximum of a quantized and a plain integer operand.
func.func @int_max_quant(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>, %y: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{operands and results must be all float or all quantized}}
  %0 = qnn.maximum %x, %y : (tensor<4x!quant.uniform<i32:f32, 1.0>>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----
// Pow's result has the base's element type.
func.func @pow_result_type(%x: tensor<4xi64>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result must have the base's (lhs) element type}}
  %0 = qnn.pow %x, %y : (tensor<4xi64>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// Only i8, i32 and i64 are plain integer types.
func.func @int16_add(%x: tensor<4xi16>) -> tensor<4xi16> {
  // expected-error @+1 {{operand #0 must be ranked tensor of}}
  %0 = qnn.add %x, %x : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----
// qnn.cast takes floats and plain integers, not quantized values.
func.func @cast_quant(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of}}
  %0 = qnn.cast %x : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----
// qnn.cast keeps the shape.
func.func @cast_shape(%x: tensor<4xi64>) -> tensor<2xi32> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = qnn.cast %x : tensor<4xi64> to tensor<2xi32>
  return %0 : tensor<2xi32>
}
