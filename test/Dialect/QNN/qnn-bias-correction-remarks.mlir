// RUN: qopt %s --split-input-file --qnn-bias-correction --verify-diagnostics
// RUN: not qopt %s --qnn-bias-correction=mode=bogus 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not qopt %s --qnn-bias-correction=weight-bits=1 2>&1 | FileCheck %s --check-prefix=BITS

// The mean of a max pool's output is not that of its input: no correction.
// expected-remark @+1 {{qnn-bias-correction: no layer in function 'max_pool' reads a tensor with batch-norm statistics}}
func.func @max_pool(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = qnn.conv2d %x, %w1 {qnn.bn_scale = dense<1.0> : tensor<1xf32>, qnn.bn_shift = dense<1.0> : tensor<1xf32>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = qnn.max_pool2d %0 {kernel = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  %2 = qnn.conv2d %1, %w1 : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}

// -----
// No batch-norm statistics anywhere (nothing was folded).
// expected-remark @+1 {{no layer in function 'no_statistics'}}
func.func @no_statistics(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %0 = qnn.dense %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %1 = qnn.relu %0 : tensor<1x2xf32>
  %2 = qnn.dense %1, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// MODE: error: qnn-bias-correction: unknown mode 'bogus' (analytical, empirical)
// BITS: error: weight-bits must be in [2, 16], got 1
