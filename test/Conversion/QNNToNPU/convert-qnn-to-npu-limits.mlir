// RUN: qopt %s --split-input-file --verify-diagnostics --convert-qnn-to-npu=target=%S/Inputs/limits.json | FileCheck %s

// Each op outside the target's limits stays on the CPU.

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:1>
!qw2 = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!qw4 = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.01, 0.02}>

// CHECK-LABEL: func @conv_limits
// A 1x1 conv with 2 output channels runs; with its 4x4x2 input and output
// it needs 68 bytes, so it runs as tiles of 2 output rows (36 bytes).
// CHECK: npu.conv2d {{.*}}tile_channels = 2 : i64, tile_rows = 2 : i64
// A 3x3 kernel is not in kernel_sizes.
// CHECK: qnn.conv2d {{.*}} tensor<2x3x3x2x
// Stride 2 is not in strides.
// CHECK: qnn.conv2d {{.*}}strides = array<i64: 2, 2>
// 4 output channels exceed max_output_channels.
// CHECK: qnn.conv2d {{.*}} tensor<4x1x1x2x
// Depthwise convolutions are not allowed.
// CHECK: qnn.conv2d {{.*}}groups = 2
func.func @conv_limits(%x: tensor<1x4x4x2x!qx>) -> (tensor<1x4x4x2x!qy>, tensor<1x2x2x2x!qy>, tensor<1x4x4x2x!qy>, tensor<1x4x4x4x!qy>, tensor<1x4x4x2x!qy>) {
  %w1i = arith.constant dense<1> : tensor<2x1x1x2xi8>
  %w1 = quant.scast %w1i : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!qw2>
  // expected-remark @below {{layer 'conv2d_0' (68 bytes) is tiled for the 40 bytes of on-chip memory of target 'limits': tiles of 2 of 2 output channels and 2 of 4 output rows (36 bytes each)}}
  %a = qnn.conv2d %x, %w1 : (tensor<1x4x4x2x!qx>, tensor<2x1x1x2x!qw2>) -> tensor<1x4x4x2x!qy>
  %w3i = arith.constant dense<1> : tensor<2x3x3x2xi8>
  %w3 = quant.scast %w3i : tensor<2x3x3x2xi8> to tensor<2x3x3x2x!qw2>
  %b = qnn.conv2d %x, %w3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x2x!qx>, tensor<2x3x3x2x!qw2>) -> tensor<1x4x4x2x!qy>
  %c = qnn.conv2d %x, %w1 {strides = array<i64: 2, 2>} : (tensor<1x4x4x2x!qx>, tensor<2x1x1x2x!qw2>) -> tensor<1x2x2x2x!qy>
  %w4i = arith.constant dense<1> : tensor<4x1x1x2xi8>
  %w4 = quant.scast %w4i : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!qw4>
  %d = qnn.conv2d %x, %w4 : (tensor<1x4x4x2x!qx>, tensor<4x1x1x2x!qw4>) -> tensor<1x4x4x4x!qy>
  %wdi = arith.constant dense<1> : tensor<2x1x1x1xi8>
  %wd = quant.scast %wdi : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!qw2>
  %e = qnn.conv2d %x, %wd {groups = 2} : (tensor<1x4x4x2x!qx>, tensor<2x1x1x1x!qw2>) -> tensor<1x4x4x2x!qy>
  return %a, %c, %b, %d, %e : tensor<1x4x4x2x!qy>, tensor<1x2x2x2x!qy>, tensor<1x4x4x2x!qy>, tensor<1x4x4x4x!qy>, tensor<1x4x4x2x!qy>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:1>
!qw = !quant.uniform<i8<-127:127>:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.005>

// CHECK-LABEL: func @dense_limits
// 4 inputs, 2 outputs: 8 bytes of weights and 8 of bias fit 40 bytes.
// CHECK: npu.dense {{.*}} -> tensor<1x2xi8>
// 8 inputs exceed max_input_channels.
// CHECK: qnn.dense {{.*}} -> tensor<1x2x
// 4 x 16 weights and 16 int32 biases (128 bytes) do not fit on chip: tiles
// of 4 output channels (16 + 16 bytes of weights and bias, 4 + 4 of
// activations).
// CHECK: npu.dense {{.*}}tile_channels = 4 : i64, tile_rows = 1 : i64{{.*}} -> tensor<1x16xi8>
// The worst-case accumulator 4 * 127 * 255 = 129540 does not fit 16 bits.
// CHECK: qnn.dense {{.*}} -> tensor<1x1x
func.func @dense_limits(%x: tensor<1x4x!qx>, %x8: tensor<1x8x!qx>) -> (tensor<1x2x!qy>, tensor<1x2x!qy>, tensor<1x16x!qy>, tensor<1x1x!qy>) {
  %w1i = arith.constant dense<1> : tensor<2x4xi8>
  %w1 = quant.scast %w1i : tensor<2x4xi8> to tensor<2x4x!qw>
  %b1i = arith.constant dense<3> : tensor<2xi32>
  %b1 = quant.scast %b1i : tensor<2xi32> to tensor<2x!qb>
  %a = qnn.dense %x, %w1, %b1 : (tensor<1x4x!qx>, tensor<2x4x!qw>, tensor<2x!qb>) -> tensor<1x2x!qy>
  %w2i = arith.constant dense<1> : tensor<2x8xi8>
  %w2 = quant.scast %w2i : tensor<2x8xi8> to tensor<2x8x!qw>
  %b = qnn.dense %x8, %w2 : (tensor<1x8x!qx>, tensor<2x8x!qw>) -> tensor<1x2x!qy>
  %w3i = arith.constant dense<1> : tensor<16x4xi8>
  %w3 = quant.scast %w3i : tensor<16x4xi8> to tensor<16x4x!qw>
  %b3i = arith.constant dense<3> : tensor<16xi32>
  %b3 = quant.scast %b3i : tensor<16xi32> to tensor<16x!qb>
  // expected-remark @below {{layer 'dense_2' (148 bytes) is tiled for the 40 bytes of on-chip memory of target 'limits': tiles of 4 of 16 output channels and 1 of 1 output rows (40 bytes each)}}
  %c = qnn.dense %x, %w3, %b3 : (tensor<1x4x!qx>, tensor<16x4x!qw>, tensor<16x!qb>) -> tensor<1x16x!qy>
  %w4i = arith.constant dense<127> : tensor<1x4xi8>
  %w4 = quant.scast %w4i : tensor<1x4xi8> to tensor<1x4x!qw>
  %d = qnn.dense %x, %w4 : (tensor<1x4x!qx>, tensor<1x4x!qw>) -> tensor<1x1x!qy>
  return %a, %b, %c, %d : tensor<1x2x!qy>, tensor<1x2x!qy>, tensor<1x16x!qy>, tensor<1x1x!qy>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:1>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.01}>

// One output channel of a 1x1 conv over 64 input channels has 64 bytes of
// weights: no tiling fits 40 bytes, so it stays on the CPU with a warning.
// CHECK-LABEL: func @untileable
// CHECK: qnn.conv2d
// CHECK-NOT: npu.conv2d
func.func @untileable(%x: tensor<1x1x1x64x!qx>) -> tensor<1x1x1x1x!qy> {
  %wi = arith.constant dense<1> : tensor<1x1x1x64xi8>
  %w = quant.scast %wi : tensor<1x1x1x64xi8> to tensor<1x1x1x64x!qw>
  // expected-warning @below {{layer 'conv2d_0' cannot be tiled for the 40 bytes of on-chip memory of target 'limits': one output channel of one output row needs 129 bytes (its weights, bias, input rows and output): it stays on the CPU}}
  %y = qnn.conv2d %x, %w : (tensor<1x1x1x64x!qx>, tensor<1x1x1x64x!qw>) -> tensor<1x1x1x1x!qy>
  return %y : tensor<1x1x1x1x!qy>
}
