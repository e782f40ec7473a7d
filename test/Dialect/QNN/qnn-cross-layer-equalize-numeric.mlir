// Cross-layer equalization keeps the float function: a depthwise-separable
// model with very different channel ranges, equalized, run before and after
// through qrun. With replace-relu6=false the ReLU6 pair stays unequalized and
// the model is the same; by default the ReLU6 becomes a relu, so the
// reference is the model with that one substitution (sed), which changes
// the outputs (some inputs of the ReLU6 exceed 6). Outputs reach |28|, so
// atol 1e-4 is within 1e-5 of their scale.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(2).uniform(0, 1, (8, 8, 8, 2)).astype('f4'))"
// RUN: qrun %s --input %t.x.npy --output %t.ref.npy
// RUN: qopt %s --qnn-cross-layer-equalize=replace-relu6=false -o %t.keep6.mlir
// RUN: qrun %t.keep6.mlir --input %t.x.npy --expect %t.ref.npy --rtol 1e-5 --atol 1e-4 | FileCheck %s --check-prefix=SAME
// RUN: sed -e 's/qnn.clip \(%[0-9]*\) {max = 6.0 : f32, min = 0.0 : f32}/qnn.relu \1/' %s > %t.relu.mlir
// RUN: qrun %t.relu.mlir --input %t.x.npy --output %t.relu.npy
// RUN: qopt %s --qnn-cross-layer-equalize -o %t.cle.mlir
// RUN: FileCheck %s < %t.cle.mlir
// RUN: qrun %t.cle.mlir --input %t.x.npy --expect %t.relu.npy --rtol 1e-5 --atol 1e-4 | FileCheck %s --check-prefix=SAME
// SAME: 0 mismatches

// CHECK-NOT: qnn.clip
// CHECK-COUNT-4: qnn.relu

func.func @main(%x: tensor<2x8x8x2xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<[[[[-1.173, 2.104], [-1.463, -1.51], [-0.7069, -1.269]], [[0.8026, -1.813], [1.866, 1.686], [-2.341, 0.1953]], [[-1.851, -1.14], [-0.3913, -0.2184], [-0.15, 2.013]]], [[[-1.635, -2.116], [1.156, 3.028], [2.866, 2.578]], [[-2.954, 2.961], [1.012, 2.519], [-0.6231, -1.902]], [[1.986, 1.096], [1.89, -2.025], [-2.479, 1.787]]], [[[-0.1378, 0.128], [-0.1048, 0.0287], [-0.0233, -0.0506]], [[-0.0947, 0.0805], [0.119, 0.0657], [0.0288, 0.0607]], [[0.0104, 0.0167], [0.1166, -0.0624], [-0.0798, 0.1283]]], [[[2.206, -0.1195], [1.497, 1.211], [2.236, -2.082]], [[1.982, 0.0006], [-0.2541, 0.9297], [0.5798, -0.3159]], [[-1.04, 2.084], [1.587, -1.979], [-0.4755, 1.311]]]]> : tensor<4x3x3x2xf32>
  %b1 = arith.constant dense<[0.3897, -0.8636, -0.5787, -0.6226]> : tensor<4xf32>
  %w2 = arith.constant dense<[[[[-0.8871], [0.3934], [-0.3985]], [[0.4025], [-0.878], [0.7792]], [[0.4105], [0.5923], [0.2234]]], [[[-0.0124], [-0.0898], [0.1295]], [[-0.1038], [0.0062], [-0.1108]], [[-0.1146], [0.0576], [0.1138]]], [[[-0.1051], [0.797], [0.9728]], [[0.0959], [0.7453], [-0.5602]], [[-0.9465], [-0.8411], [-1.334]]], [[[-0.0996], [0.0583], [0.0937]], [[-0.1028], [0.0513], [0.0645]], [[0.0421], [-0.0002], [-0.0034]]]]> : tensor<4x3x3x1xf32>
  %b2 = arith.constant dense<[-0.9296, 0.8675, -0.8189, -0.6067]> : tensor<4xf32>
  %w3 = arith.constant dense<[[[[-1.389, -1.532, -1.176, 1.318]]], [[[6.143, -2.984, -15.5, 10.32]]], [[[-0.0093, 0.2177, 0.0026, -0.2595]]], [[[-0.6196, 0.4213, -0.4035, -0.5085]]], [[[-1.727, -4.536, -4.247, 5.58]]]]> : tensor<5x1x1x4xf32>
  %b3 = arith.constant dense<[-0.1293, 0.5391, -0.1339, -0.1881, 0.772]> : tensor<5xf32>
  %w4 = arith.constant dense<[[[[-0.9318, 0.2323, 0.323, -2.284, -2.006], [-1.32, -2.487, 0.9168, 0.3933, -0.7904], [-0.4046, -2.296, -0.4954, 1.707, -2.312]], [[0.7661, 0.9571, -1.404, -1.023, -1.603], [0.3297, -0.6538, -1.85, -1.055, -1.279], [2.435, 0.552, -0.1068, -0.0552, 0.3801]], [[2.406, -0.5757, -2.215, -1.578, -2.464], [-1.492, 0.5129, -1.214, 1.681, 2.259], [-1.889, 1.531, 0.8082, 2.466, -1.556]]], [[[1.43, -0.9059, -1.623, -1.296, 2.362], [-0.1138, -0.35, 2.006, 1.926, 2.139], [-2.574, 2.672, 1.004, 2.171, 1.633]], [[2.147, 2.081, 0.7932, -2.009, 0.9698], [-2.503, -0.8084, -1.168, -1.104, 1.65], [2.06, 2.162, 0.6448, 1.467, -2.017]], [[-0.827, 1.547, -0.2438, -0.0298, 1.536], [-1.49, 1.975, 1.295, -2.281, -0.4073], [2.245, -1.237, -2.627, -1.774, 0.2318]]], [[[-0.5344, -0.5987, -0.4874, 0.4361, 0.6282], [-0.4897, 0.0783, 0.2424, -0.5765, 0.5102], [0.3324, 0.243, -0.0263, 0.3895, 0.4361]], [[-0.2876, -0.3531, 0.6489, -0.0205, -0.1173], [0.5835, 0.297, 0.331, 0.4085, 0.4493], [0.2453, 0.6646, 0.3904, 0.4397, 0.4444]], [[-0.6089, 0.6575, 0.3549, -0.5575, 0.2967], [0.2803, -0.0019, -0.2648, 0.0523, -0.4526], [-0.1426, 0.1658, 0.2889, 0.0583, 0.5221]]]]> : tensor<3x3x3x5xf32>
  %b4 = arith.constant dense<[-0.5019, -0.9082, 0.1599]> : tensor<3xf32>
  %w5 = arith.constant dense<[[0.0691, -2.062, -1.48], [3.1, 1.667, 2.684]]> : tensor<2x3xf32>
  %b5 = arith.constant dense<[0.1682, -0.1955]> : tensor<2xf32>
  %0 = qnn.conv2d %x, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<2x8x8x4xf32>
  %1 = qnn.relu %0 : tensor<2x8x8x4xf32>
  %2 = qnn.max_pool2d %1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x8x8x4xf32>) -> tensor<2x4x4x4xf32>
  %3 = qnn.conv2d %2, %w2, %b2 {groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x4x4x4xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  %4 = qnn.relu %3 : tensor<2x4x4x4xf32>
  %5 = qnn.conv2d %4, %w3, %b3 : (tensor<2x4x4x4xf32>, tensor<5x1x1x4xf32>, tensor<5xf32>) -> tensor<2x4x4x5xf32>
  %6 = qnn.clip %5 {max = 6.0 : f32, min = 0.0 : f32} : tensor<2x4x4x5xf32>
  %7 = qnn.avg_pool2d %6 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x4x4x5xf32>) -> tensor<2x2x2x5xf32>
  %8 = qnn.conv2d %7, %w4, %b4 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x2x2x5xf32>, tensor<3x3x3x5xf32>, tensor<3xf32>) -> tensor<2x2x2x3xf32>
  %9 = qnn.relu %8 : tensor<2x2x2x3xf32>
  %10 = qnn.global_avg_pool %9 : (tensor<2x2x2x3xf32>) -> tensor<2x1x1x3xf32>
  %11 = qnn.transpose %10 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<2x1x1x3xf32>) -> tensor<2x3x1x1xf32>
  %12 = qnn.reshape %11 : (tensor<2x3x1x1xf32>) -> tensor<2x3xf32>
  %13 = qnn.dense %12, %w5, %b5 : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %13 : tensor<2x2xf32>
}
