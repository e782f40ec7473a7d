// RUN: qopt %s --qnn-fold-batchnorm --split-input-file | FileCheck %s

// Conv without bias: weights scaled per output channel, bias created.
// a = scale / sqrt(var + eps) = [2, 1]; w' = w * a; b' = (0 - mean) * a + shift.
// CHECK-LABEL: func @conv_no_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = qnn.conv2d %{{.*}}, %[[W]], %[[B]]
// CHECK-NOT: qnn.batch_norm
// CHECK: return %[[Y]]
func.func @conv_no_bias(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %m = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %v = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = qnn.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----
// Dense with bias: b' = (b - mean) * a + shift.
// CHECK-LABEL: func @dense_bias
// CHECK-DAG: arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00]]> : tensor<1x2xf32>
// CHECK-DAG: arith.constant dense<1.100000e+01> : tensor<1xf32>
// CHECK: qnn.dense
// CHECK-NOT: qnn.batch_norm
func.func @dense_bias(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[2.0, 3.0]]> : tensor<1x2xf32>
  %c = arith.constant dense<[5.0]> : tensor<1xf32>
  %g = arith.constant dense<[2.0]> : tensor<1xf32>
  %b = arith.constant dense<[1.0]> : tensor<1xf32>
  %m = arith.constant dense<[0.0]> : tensor<1xf32>
  %v = arith.constant dense<[1.0]> : tensor<1xf32>
  %0 = qnn.dense %x, %w, %c : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %1 = qnn.batch_norm %0, %g, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}

// -----
// A conv with another user keeps its batch norm.
// CHECK-LABEL: func @shared_conv
// CHECK: qnn.batch_norm
func.func @shared_conv(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %p, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %0, %1 : tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>
}

// -----
// Non-constant weights cannot be folded.
// CHECK-LABEL: func @dynamic_weights
// CHECK: qnn.batch_norm
func.func @dynamic_weights(%x: tensor<1x2x2x1xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %p, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----
// A batch norm after a non-layer op stays.
// CHECK-LABEL: func @after_relu
// CHECK: qnn.batch_norm
func.func @after_relu(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.relu %x : tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %p, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}
