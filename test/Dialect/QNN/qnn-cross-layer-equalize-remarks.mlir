// RUN: qopt %s --qnn-cross-layer-equalize --split-input-file --verify-diagnostics | FileCheck %s
// RUN: not qopt %s --qnn-cross-layer-equalize=tolerance=0 2>&1 | FileCheck %s --check-prefix=TOL

// The tensor between the layers has another user: scaling it would change
// that user's input, so the pair is left alone, and with it the function.
// CHECK-LABEL: func @other_user
// CHECK-DAG: arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00], [1.000000e+00, 1.000000e+00]]>
// expected-remark @+1 {{qnn-cross-layer-equalize: no equalizable layer pairs in function 'other_user'}}
func.func @other_user(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w1 = arith.constant dense<[[4.0, 4.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[1.0, 4.0], [1.0, 4.0]]> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w1 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %1 = qnn.relu %0 : tensor<1x2xf32>
  %2 = qnn.dense %1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %1, %2 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----
// An op that does not commute with a per-channel scale (softmax) separates
// the layers.
// expected-remark @+1 {{no equalizable layer pairs in function 'softmax_between'}}
func.func @softmax_between(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[4.0, 4.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %1 = qnn.softmax %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %2 = qnn.dense %1, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----
// A single layer.
// expected-remark @+1 {{no equalizable layer pairs in function 'single'}}
func.func @single(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %0 = qnn.dense %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// TOL: error: qnn-cross-layer-equalize: tolerance must be positive, got 0
