// Empirical bias correction: E[x] of each layer's input (im2col patches for
// a conv, zero padding included) measured on the samples.
// RUN: %python -c "import numpy as np; np.save('%t.d.npy', np.array([[1, 2], [3, 2], [2, 2]], 'f4'))"
// RUN: qopt %s --qnn-bias-correction="mode=empirical samples=%t.d.npy weight-bits=4 per-axis-weights=false" 2>/dev/null | FileCheck %s --check-prefix=DENSE
// RUN: %python -c "import numpy as np; np.save('%t.c.npy', np.array([1, 3, 1, 3], 'f4').reshape(2, 1, 2, 1))"
// RUN: qopt %s --qnn-bias-correction="mode=empirical samples=%t.c.npy weight-bits=4 per-axis-weights=false entry=conv" 2>/dev/null | FileCheck %s --check-prefix=CONV

// 4-bit per-tensor weights: scale 0.7 / 7 = 0.1, W_q = [[0.7, 0.3], [-0.3,
// 0.1]], W_q - W = [[0, 0.04], [0.03, 0]]. E[x] over the three samples (two
// on a batch-2 model, the last batch padded with a repeated sample that
// is not counted) = [2, 2]: the bias [1, 1] becomes [1 - 0.08, 1 - 0.06].
// DENSE-LABEL: func @main
// DENSE: %[[B:.*]] = arith.constant dense<[0.919999957, 0.939999997]> : tensor<2xf32>
// DENSE: qnn.dense %{{.*}}, %{{.*}}, %[[B]] :
func.func @main(%x: tensor<2x2xf32> {qnn.name = "x"}) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.7, 0.26], [-0.33, 0.1]]> : tensor<2x2xf32>
  %b = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = qnn.dense %x, %w, %b : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// A second function, corrected with entry=conv.
// A 1x3 kernel with one column of zero padding each side on a 1x2 input
// [1, 3]: the patches are [0, 1, 3] and [1, 3, 0], E[x] = [0.5, 2, 1.5].
// W = [0.7, 0.26, -0.33], W_q - W = [0, 0.04, 0.03]: the bias (none) becomes
// -(0.04 * 2 + 0.03 * 1.5) = -0.125.
// CONV-LABEL: func @conv
// CONV: %[[B:.*]] = arith.constant dense<-0.12500{{[0-9]*}}> : tensor<1xf32>
// CONV: qnn.conv2d %{{.*}}, %{{.*}}, %[[B]] {padding = array<i64: 0, 0, 1, 1>}
func.func @conv(%x: tensor<1x1x2x1xf32> {qnn.name = "x"}) -> tensor<1x1x2x1xf32> {
  %w = arith.constant dense<[[[[0.7], [0.26], [-0.33]]]]> : tensor<1x1x3x1xf32>
  %0 = qnn.conv2d %x, %w {padding = array<i64: 0, 0, 1, 1>} : (tensor<1x1x2x1xf32>, tensor<1x1x3x1xf32>) -> tensor<1x1x2x1xf32>
  return %0 : tensor<1x1x2x1xf32>
}
