// RUN: qopt %s --qnn-cross-layer-equalize --split-input-file | FileCheck %s
// RUN: qopt %s --qnn-cross-layer-equalize=replace-relu6=false --split-input-file 2>/dev/null | FileCheck %s --check-prefix=KEEP6

// dense -> relu -> dense: r1 = [4, 1] (rows of w1), r2 = [1, 4] (columns of
// w2), s = sqrt(r1 / r2) = [2, 0.5]. w1 rows and b1 divided by s, w2 columns
// multiplied by s: every range becomes 2.
// CHECK-LABEL: func @dense_pair
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[D1:.*]] = qnn.dense %arg0, %[[W1]], %[[B1]]
// CHECK: %[[R:.*]] = qnn.relu %[[D1]]
// CHECK: %[[W2:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00], [1.000000e+00, -1.000000e+00]]> : tensor<2x2xf32>
// CHECK: qnn.dense %[[R]], %[[W2]] :
func.func @dense_pair(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[4.0, 2.0], [0.5, 1.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.0, 4.0], [0.5, -2.0]]> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w1, %b1 : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = qnn.relu %0 : tensor<1x2xf32>
  %2 = qnn.dense %1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----
// conv -> depthwise -> conv, one set of three: r1 = [8, 1], r2 = [1, 8],
// r3 = [1, 1]; m = cbrt(r1 r2 r3) = [2, 2], s12 = r1 / m = [4, 0.5],
// s23 = m / r3 = [2, 2]. All weights become 2; the statistics of the first
// conv are divided by s12, those of the depthwise conv by s23.
// CHECK-LABEL: func @depthwise_separable
// CHECK: %[[W1:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK: qnn.conv2d %arg0, %[[W1]], %{{.*}} {qnn.bn_scale = dense<[2.500000e-01, 2.000000e+00]> : tensor<2xf32>, qnn.bn_shift = dense<[-2.500000e-01, -2.000000e+00]> : tensor<2xf32>}
// CHECK: %[[W2:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK: qnn.conv2d %{{.*}}, %[[W2]], %{{.*}} {groups = 2 : i64, qnn.bn_scale = dense<5.000000e-01> : tensor<2xf32>, qnn.bn_shift = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: %[[W3:.*]] = arith.constant dense<2.000000e+00> : tensor<1x1x1x2xf32>
// CHECK: qnn.conv2d %{{.*}}, %[[W3]] :
func.func @depthwise_separable(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = arith.constant dense<[[[[8.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = arith.constant dense<0.0> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]]], [[[8.0]]]]> : tensor<2x1x1x1xf32>
  %b2 = arith.constant dense<0.0> : tensor<2xf32>
  %w3 = arith.constant dense<[[[[1.0, 1.0]]]]> : tensor<1x1x1x2xf32>
  %0 = qnn.conv2d %x, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[-1.0, -1.0]> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = qnn.relu %0 : tensor<1x2x2x2xf32>
  %2 = qnn.conv2d %1, %w2, %b2 {groups = 2 : i64, qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[0.0, 0.0]> : tensor<2xf32>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %3 = qnn.relu %2 : tensor<1x2x2x2xf32>
  %4 = qnn.conv2d %3, %w3 : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x1xf32>
  return %4 : tensor<1x2x2x1xf32>
}

// -----
// Through max pooling, global pooling and a flatten into a dense: dense
// column j reads conv channel j. r1 = [1, 4], r2 = [4, 1], s = [0.5, 2].
// CHECK-LABEL: func @through_pooling_and_flatten
// CHECK: %[[W1:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK: qnn.conv2d %arg0, %[[W1]] :
// CHECK: %[[W2:.*]] = arith.constant dense<2.000000e+00> : tensor<1x2xf32>
// CHECK: qnn.dense %{{.*}}, %[[W2]] :
func.func @through_pooling_and_flatten(%x: tensor<1x2x2x1xf32>) -> tensor<1x1xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[4.0, 1.0]]> : tensor<1x2xf32>
  %0 = qnn.conv2d %x, %w1 : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = qnn.relu %0 : tensor<1x2x2x2xf32>
  %2 = qnn.max_pool2d %1 {kernel = array<i64: 2, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  %3 = qnn.global_avg_pool %2 : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x2xf32>
  %4 = qnn.transpose %3 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x2xf32>) -> tensor<1x2x1x1xf32>
  %5 = qnn.reshape %4 : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %6 = qnn.dense %5, %w2 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %6 : tensor<1x1xf32>
}

// -----
// A ReLU6 between the layers is replaced by a relu (the scaled channels no
// longer saturate at one common bound); with replace-relu6=false the pair
// is left alone.
// CHECK-LABEL: func @relu6
// CHECK-DAG: arith.constant dense<2.000000e+00> : tensor<2x2xf32>
// CHECK: qnn.relu
// CHECK-NOT: qnn.clip
// KEEP6-LABEL: func @relu6
// KEEP6: qnn.clip
// KEEP6-NOT: dense<2.000000e+00>
func.func @relu6(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[4.0, 4.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[1.0, 4.0], [1.0, 4.0]]> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w1 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %1 = qnn.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2xf32>
  %2 = qnn.dense %1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----
// High-bias absorption: beta = [5, 0], gamma = [1, 1] give c = [2, 0] (the
// ranges are already equal, s = 1). A's bias and beta lose c; B's bias gains
// w2 c = [1 * 2, 3 * 2] = [2, 6] on top of [1, 1].
// CHECK-LABEL: func @high_bias
// CHECK: %[[B1:.*]] = arith.constant dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK: qnn.dense %arg0, %{{.*}}, %[[B1]] {qnn.bn_scale = dense<1.000000e+00> : tensor<2xf32>, qnn.bn_shift = dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>}
// CHECK: %[[B2:.*]] = arith.constant dense<[3.000000e+00, 7.000000e+00]> : tensor<2xf32>
// CHECK: qnn.dense %{{.*}}, %{{.*}}, %[[B2]] :
func.func @high_bias(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[3.0, 1.0], [1.0, 3.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[5.0, 0.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.0, 3.0], [3.0, 1.0]]> : tensor<2x2xf32>
  %b2 = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = qnn.dense %x, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[5.0, 0.0]> : tensor<2xf32>} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = qnn.relu %0 : tensor<1x2xf32>
  %2 = qnn.dense %1, %w2, %b2 : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----
// Nothing between the layers: the whole beta = [1, -2] is absorbed (exact:
// no activation to clip at). B's bias gains w2 beta = [1 - 2, 1 + 2] = [-1, 3].
// CHECK-LABEL: func @no_activation
// CHECK: %[[B1:.*]] = arith.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: qnn.dense %arg0, %{{.*}}, %[[B1]] {qnn.bn_scale = dense<1.000000e+00> : tensor<2xf32>, qnn.bn_shift = dense<0.000000e+00> : tensor<2xf32>}
// CHECK: %[[B2:.*]] = arith.constant dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: qnn.dense %{{.*}}, %{{.*}}, %[[B2]] :
func.func @no_activation(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.0, 1.0], [1.0, -1.0]]> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[1.0, -2.0]> : tensor<2xf32>} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = qnn.dense %0, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}
