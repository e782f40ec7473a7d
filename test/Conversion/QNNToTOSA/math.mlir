// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Functions TOSA has become TOSA ops; composites become one linalg.generic.
// CHECK-LABEL: func @unary
// CHECK: tosa.sigmoid
// CHECK: linalg.generic
// CHECK:   arith.cmpf olt
// CHECK:   arith.select
// CHECK: linalg.generic
// CHECK:   math.sqrt
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnn.unary sigmoid %x : tensor<2x3xf32>
  %1 = qnn.unary leaky_relu %0 {alpha = 0.1 : f32} : tensor<2x3xf32>
  %2 = qnn.unary sqrt %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// Division is exact (arith.divf), with the rank-1 operand broadcast.
// CHECK-LABEL: func @div
// CHECK: %[[Y:.*]] = tosa.reshape %{{.*}} -> tensor<1x3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[Y]] : tensor<2x3xf32>, tensor<1x3xf32>)
// CHECK:   arith.divf
func.func @div(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = qnn.div %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A mean over two axes: one tosa.reduce_sum per axis, a division by the
// count, and the reshape that drops the reduced dims.
// CHECK-LABEL: func @reduce_mean
// CHECK: tosa.reduce_sum %{{.*}} {axis = 1 : i32}
// CHECK: tosa.reduce_sum %{{.*}} {axis = 2 : i32}
// CHECK: dense<1.200000e+01>
// CHECK: arith.divf
// CHECK: tosa.reshape {{.*}} -> tensor<2xf32>
func.func @reduce_mean(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  %0 = qnn.reduce mean %x {axes = array<i64: 1, 2>, keep_dims = false} : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// A negative stride reverses the dimension; strides other than 1 are a
// strided tensor.extract_slice.
// CHECK-LABEL: func @slice
// CHECK: %[[R:.*]] = tosa.reverse %{{.*}} {axis = 1 : i32}
// CHECK: tensor.extract_slice %[[R]][0, 0] [2, 3] [1, 2]
func.func @slice(%x: tensor<2x6xi8>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1>>
  %0 = qnn.slice %q {offsets = array<i64: 0, 5>, strides = array<i64: 1, -2>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Gather: one row of indices per outer index, over a [outer, axis, inner]
// view.
// CHECK-LABEL: func @gather
// CHECK: %[[V:.*]] = tosa.reshape %{{.*}} -> tensor<2x4x3xf32>
// CHECK: %[[I:.*]] = "tosa.const"() <{values = dense<{{\[\[}}3, 0], [3, 0]]> : tensor<2x2xi32>}>
// CHECK: %[[G:.*]] = tosa.gather %[[V]], %[[I]] : (tensor<2x4x3xf32>, tensor<2x2xi32>) -> tensor<2x2x3xf32>
// CHECK: tosa.reshape %[[G]], {{.*}} -> tensor<2x2x3x1xf32>
func.func @gather(%x: tensor<2x4x3x1xf32>) -> tensor<2x2x3x1xf32> {
  %0 = qnn.gather %x {axis = 1 : i64, indices = dense<[3, 0]> : tensor<2xi64>} : (tensor<2x4x3x1xf32>) -> tensor<2x2x3x1xf32>
  return %0 : tensor<2x2x3x1xf32>
}

// -----

// Reflect padding: reversed slices on both sides, concatenated.
// CHECK-LABEL: func @pad_reflect
// CHECK: %[[L:.*]] = tosa.slice %[[X:[^,]*]], {{.*}} -> tensor<2x1xf32>
// CHECK: %[[H:.*]] = tosa.slice %[[X]], {{.*}} -> tensor<2x2xf32>
// CHECK: %[[HR:.*]] = tosa.reverse %[[H]] {axis = 1 : i32}
// CHECK: tosa.concat %[[L]], %[[X]], %[[HR]] {axis = 1 : i32} {{.*}} -> tensor<2x6xf32>
func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %0 = qnn.pad reflect %x {padding = array<i64: 0, 0, 1, 2>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// A broadcast lhs batch is tiled; the batch folds into one tosa.matmul.
// CHECK-LABEL: func @matmul
// CHECK: tosa.tile {{.*}} -> tensor<3x2x4xf32>
// CHECK: tosa.matmul {{.*}} -> tensor<3x2x5xf32>
func.func @matmul(%a: tensor<2x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<3x2x5xf32> {
  %0 = qnn.matmul %a, %b : (tensor<2x4xf32>, tensor<3x4x5xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// Transposed convolution: zeros inserted between pixels (reshape, pad,
// reshape, slice), a border of d*(k-1) - pad, then a stride-1 tosa.conv2d
// with the kernel flipped on the host.
// CHECK-LABEL: func @conv_transpose
// CHECK: tosa.pad {{.*}} -> tensor<1x4x2x4x2x8xf32>
// CHECK: tosa.slice {{.*}} -> tensor<1x7x7x8xf32>
// CHECK: tosa.pad {{.*}} -> tensor<1x11x11x8xf32>
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}8.000000e+00
// CHECK: tosa.conv2d %{{.*}}, %[[W]], {{.*}} -> tensor<1x9x9x1xf32>
func.func @conv_transpose(%x: tensor<1x4x4x8xf32>) -> tensor<1x9x9x1xf32> {
  %w = arith.constant dense<[[[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]], [[3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0], [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]], [[6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0], [7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0], [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0]]]]> : tensor<1x3x3x8xf32>
  %0 = qnn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<1x3x3x8xf32>) -> tensor<1x9x9x1xf32>
  return %0 : tensor<1x9x9x1xf32>
}
