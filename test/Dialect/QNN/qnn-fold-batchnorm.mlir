// RUN: qopt %s --qnn-fold-batchnorm --split-input-file | FileCheck %s

// Conv without bias: weights scaled per output channel, bias created, the
// batch norm's scale and bias recorded on the conv.
// a = scale / sqrt(var + eps) = [2, 1]; w' = w * a; b' = (0 - mean) * a + shift.
// CHECK-LABEL: func @conv_no_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = qnn.conv2d %{{.*}}, %[[W]], %[[B]] {qnn.bn_scale = dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>, qnn.bn_shift = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}
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
// Depthwise conv: one filter per channel, scaled by its channel's a = [4, 0.5].
// CHECK-LABEL: func @depthwise
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}4.000000e+00], [8.000000e+00]]], {{\[\[\[}}-5.000000e-01], [1.000000e+00]]]]> : tensor<2x1x2x1xf32>
// CHECK-DAG: arith.constant dense<[4.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK: qnn.conv2d {{.*}}groups = 2
// CHECK-NOT: qnn.batch_norm
func.func @depthwise(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x2xf32> {
  %w = arith.constant dense<[[[[1.0], [2.0]]], [[[-1.0], [2.0]]]]> : tensor<2x1x2x1xf32>
  %c = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %g = arith.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %z = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = qnn.conv2d %x, %w, %c {groups = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x2x1xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
  %1 = qnn.batch_norm %0, %g, %z, %z, %v {epsilon = 0.0 : f32} : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
  return %1 : tensor<1x2x1x2xf32>
}

// -----
// Through layout ops: dense -> reshape -> transpose -> batch norm. The
// transpose moves unit dimensions only, so dense output j is batch-norm
// channel j: w' = w * [2, 3], b' = [0, 0] * a + [1, -1].
// CHECK-LABEL: func @through_layout
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00], [3.000000e+00, -3.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[D:.*]] = qnn.dense %{{.*}}, %[[W]], %[[B]]
// CHECK: %[[R:.*]] = qnn.reshape %[[D]]
// CHECK: %[[T:.*]] = qnn.transpose %[[R]]
// CHECK: return %[[T]]
func.func @through_layout(%x: tensor<1x2xf32>) -> tensor<1x1x1x2xf32> {
  %w = arith.constant dense<[[1.0, 1.0], [1.0, -1.0]]> : tensor<2x2xf32>
  %g = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %z = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = qnn.dense %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %1 = qnn.reshape %0 : (tensor<1x2xf32>) -> tensor<1x2x1x1xf32>
  %2 = qnn.transpose %1 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x2xf32>
  %3 = qnn.batch_norm %2, %g, %b, %z, %v {epsilon = 0.0 : f32} : (tensor<1x1x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
  return %3 : tensor<1x1x1x2xf32>
}

// -----
// Batch norm before an unpadded conv folds forward: a = [2, 0.5],
// shift = [1, -2]; w'[o, i] = w[o, i] * a[i]; b'[o] = b[o] + sum_i w[o, i] * shift[i]
// = 1 + (1 * 1 + 2 * -2) = -2. No statistics: the conv's output is not normalized.
// CHECK-LABEL: func @bn_before_conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, 1.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<-2.000000e+00> : tensor<1xf32>
// CHECK: qnn.conv2d %arg0, %[[W]], %[[B]] :
// CHECK-NOT: qnn.batch_norm
func.func @bn_before_conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>
  %c = arith.constant dense<[1.0]> : tensor<1xf32>
  %g = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %z = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = qnn.batch_norm %x, %g, %b, %z, %v {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = qnn.conv2d %0, %w, %c : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----
// Before a padded conv the fold is exact only with a zero shift: it folds.
// CHECK-LABEL: func @bn_before_padded_conv_no_shift
// CHECK-DAG: %[[W:.*]] = arith.constant dense<3.000000e+00> : tensor<1x3x3x1xf32>
// CHECK: qnn.conv2d %arg0, %[[W]], %{{.*}} {padding
// CHECK-NOT: qnn.batch_norm
func.func @bn_before_padded_conv_no_shift(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x3x3x1xf32>
  %g = arith.constant dense<[3.0]> : tensor<1xf32>
  %z = arith.constant dense<[0.0]> : tensor<1xf32>
  %v = arith.constant dense<[1.0]> : tensor<1xf32>
  %0 = qnn.batch_norm %x, %g, %z, %z, %v {epsilon = 0.0 : f32} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.conv2d %0, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x3x3x1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----
// With a shift, padding makes the forward fold inexact: the batch norm
// becomes a per-channel scale and shift, x * a + (shift - mean * a), which
// quantizes. The add carries the statistics.
// a = 3 / sqrt(3 + 1) = 1.5; b = 1 - 2 * 1.5 = -2.
// CHECK-LABEL: func @bn_before_padded_conv
// CHECK-DAG: %[[A:.*]] = arith.constant dense<1.500000e+00> : tensor<1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<-2.000000e+00> : tensor<1xf32>
// CHECK: %[[M:.*]] = qnn.mul %arg0, %[[A]] : (tensor<1x2x2x1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
// CHECK: %[[S:.*]] = qnn.add %[[M]], %[[B]] {qnn.bn_scale = dense<3.000000e+00> : tensor<1xf32>, qnn.bn_shift = dense<1.000000e+00> : tensor<1xf32>}
// CHECK: qnn.conv2d %[[S]]
func.func @bn_before_padded_conv(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x3x3x1xf32>
  %g = arith.constant dense<[3.0]> : tensor<1xf32>
  %b = arith.constant dense<[1.0]> : tensor<1xf32>
  %m = arith.constant dense<[2.0]> : tensor<1xf32>
  %v = arith.constant dense<[3.0]> : tensor<1xf32>
  %0 = qnn.batch_norm %x, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.conv2d %0, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x3x3x1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----
// A conv with another user keeps its weights; its batch norm becomes a
// scale and shift.
// CHECK-LABEL: func @shared_conv
// CHECK: %[[C:.*]] = qnn.conv2d
// CHECK: %[[M:.*]] = qnn.mul %[[C]]
// CHECK: %[[A:.*]] = qnn.add %[[M]]
// CHECK: return %[[C]], %[[A]]
func.func @shared_conv(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %p, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %0, %1 : tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>
}

// -----
// Non-constant weights cannot absorb the batch norm.
// CHECK-LABEL: func @dynamic_weights
// CHECK: qnn.conv2d %arg0, %arg1 :
// CHECK: qnn.mul
// CHECK: qnn.add
// CHECK-NOT: qnn.batch_norm
func.func @dynamic_weights(%x: tensor<1x2x2x1xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %p, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----
// A layer whose channels spread over several batch-norm channels (NCHW
// flatten) keeps its weights; with nothing after it either, the batch norm
// becomes a scale and shift.
// CHECK-LABEL: func @channels_do_not_map
// CHECK: qnn.conv2d %arg0, %cst{{.*}} : (tensor<1x1x2x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x1x2x2xf32>
// CHECK: qnn.mul
// CHECK: qnn.add
func.func @channels_do_not_map(%x: tensor<1x1x2x2xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x2xf32>
  %p = arith.constant dense<1.0> : tensor<4xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x1x2x2xf32>
  %1 = qnn.transpose %0 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x2x1x2xf32>
  %2 = qnn.reshape %1 : (tensor<1x2x1x2xf32>) -> tensor<1x4xf32>
  %3 = qnn.batch_norm %2, %p, %p, %p, %p : (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}

// -----
// Non-constant batch-norm parameters: left alone (runs in float).
// CHECK-LABEL: func @dynamic_parameters
// CHECK: qnn.batch_norm
func.func @dynamic_parameters(%x: tensor<1x2x2x1xf32>, %g: tensor<1xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.batch_norm %0, %g, %p, %p, %p : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}
