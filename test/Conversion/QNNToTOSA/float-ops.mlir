// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Binary ops broadcast through tosa.reshape; division is an exact
// arith.divf in a linalg.generic (TOSA has only a reciprocal).
// CHECK-LABEL: func @binary
// CHECK: %[[Y:.*]] = tosa.reshape %{{.*}} -> tensor<1x3x1xf32>
// CHECK: tosa.sub %{{.*}}, %[[Y]] : (tensor<2x3x4xf32>, tensor<1x3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<1x3x1xf32>)
// CHECK:   arith.divf
// CHECK: tosa.maximum
// CHECK: tosa.minimum
func.func @binary(%x: tensor<2x3x4xf32>, %y: tensor<3x1xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %0 = qnn.sub %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = qnn.div %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %2 = qnn.maximum %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %3 = qnn.minimum %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// Unary ops map to TOSA, except sqrt (math.sqrt: TOSA has no exact one).
// CHECK-LABEL: func @unary
// CHECK: tosa.exp
// CHECK: tosa.sigmoid
// CHECK: tosa.tanh
// CHECK: math.sqrt
// CHECK: tosa.rsqrt
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnn.exp %x : tensor<4xf32>
  %1 = qnn.sigmoid %0 : tensor<4xf32>
  %2 = qnn.tanh %1 : tensor<4xf32>
  %3 = qnn.sqrt %2 : tensor<4xf32>
  %4 = qnn.rsqrt %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// One TOSA reduction per axis (in order); the mean divides by the count;
// dropped axes are reshaped away.
// CHECK-LABEL: func @reduce
// CHECK: %[[A:.*]] = tosa.reduce_sum %{{.*}} {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK: %[[B:.*]] = tosa.reduce_sum %[[A]] {axis = 2 : i32} : (tensor<2x1x4xf32>) -> tensor<2x1x1xf32>
// CHECK: %[[N:.*]] = "tosa.const"() <{values = dense<1.200000e+01> : tensor<1x1x1xf32>}>
// CHECK: linalg.generic {{.*}} ins(%[[B]], %[[N]]
// CHECK:   arith.divf
// CHECK: tosa.reshape {{.*}} -> tensor<2xf32>
// CHECK: tosa.reduce_max %{{.*}} {axis = 0 : i32} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
func.func @reduce(%x: tensor<2x3x4xf32>) -> (tensor<2xf32>, tensor<1x3x4xf32>) {
  %0 = qnn.reduce_mean %x {axes = array<i64: 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2xf32>
  %1 = qnn.reduce_max %x {axes = array<i64: 0>, keep_dims = true} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  return %0, %1 : tensor<2xf32>, tensor<1x3x4xf32>
}

// -----

// Matmul: batch dimensions tiled to the output's and flattened into
// tosa.matmul's one batch dimension.
// CHECK-LABEL: func @matmul
// CHECK: tosa.tile %{{.*}} : (tensor<2x1x4x3xf32>, !tosa.shape<4>) -> tensor<2x5x4x3xf32>
// CHECK: tosa.reshape {{.*}} -> tensor<10x4x3xf32>
// CHECK: tosa.reshape {{.*}} -> tensor<1x5x3x6xf32>
// CHECK: tosa.tile {{.*}} -> tensor<2x5x3x6xf32>
// CHECK: tosa.matmul {{.*}} : (tensor<10x4x3xf32>, tensor<10x3x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<10x4x6xf32>
// CHECK: tosa.reshape {{.*}} -> tensor<2x5x4x6xf32>
func.func @matmul(%a: tensor<2x1x4x3xf32>, %b: tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32> {
  %0 = qnn.matmul %a, %b : (tensor<2x1x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32>
  return %0 : tensor<2x5x4x6xf32>
}

// -----

// A transposed conv becomes tosa.transpose_conv2d with out_pad = -padding
// (+ output_padding at the end), which TOSA's decomposition turns into a
// stride-1 tosa.conv2d.
// CHECK-LABEL: func @conv_transpose
// CHECK-NOT: tosa.transpose_conv2d
// CHECK: tosa.conv2d {{.*}} -> tensor<1x5x5x12xf32>
// CHECK: tosa.slice {{.*}} -> tensor<1x8x10x3xf32>
func.func @conv_transpose(%x: tensor<1x4x4x8xf32>, %w: tensor<3x3x3x8xf32>, %b: tensor<3xf32>) -> tensor<1x8x10x3xf32> {
  %0 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>, output_padding = array<i64: 0, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x8x10x3xf32>
  return %0 : tensor<1x8x10x3xf32>
}

// -----

// Slices are tensor.extract_slice (on storage when quantized).
// CHECK-LABEL: func @slice
// CHECK: tensor.extract_slice %{{.*}}[0, 2] [3, 2] [1, 2] : tensor<4x8xi8> to tensor<3x2xi8>
func.func @slice(%i: tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.1:3>> {
  %0 = qnn.slice %i {offsets = array<i64: 0, 2>, sizes = array<i64: 3, 2>, strides = array<i64: 1, 2>} : (tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.1:3>>
  return %0 : tensor<3x2x!quant.uniform<i8:f32, 0.1:3>>
}
