// Sequential AdaRound rounds each layer on its inputs in the model whose
// earlier layers are rounded already; sequential=false on float inputs.
// RUN: %python -c "import numpy as np; np.save('%t.ones.npy', np.ones((2, 1), 'f4'))"
// RUN: qopt %s --qnn-adaround="samples=%t.ones.npy weight-bits=4 per-axis-weights=false" | FileCheck %s --check-prefix=SEQ
// RUN: qopt %s --qnn-adaround="samples=%t.ones.npy weight-bits=4 per-axis-weights=false sequential=false" | FileCheck %s --check-prefix=FLOAT

// 4-bit per-tensor weights, scale 0.7 / 7 = 0.1 in both layers; x = 1.
// Layer 1 rounds 0.16 to 0.2 (its inputs are the float ones either way), so
// layer 2 reads [0.7, 0.2] where the float model has [0.7, 0.16]. Its
// float output is 0.49 + 0.36 * 0.16 = 0.5476. On float inputs 0.36 rounds
// up to 0.4 (0.554, against 0.538 for 0.3); on the rounded inputs down to
// 0.3 (0.49 + 0.3 * 0.2 = 0.55, against 0.57 for 0.4).
// SEQ: arith.constant dense<{{\[\[}}0.699999988], [2.000000e-01]]> : tensor<2x1xf32>
// SEQ: arith.constant dense<{{\[\[}}0.699999988, 3.000000e-01]]> : tensor<1x2xf32>
// FLOAT: arith.constant dense<{{\[\[}}0.699999988], [2.000000e-01]]> : tensor<2x1xf32>
// FLOAT: arith.constant dense<{{\[\[}}0.699999988, 4.000000e-01]]> : tensor<1x2xf32>
func.func @main(%x: tensor<2x1xf32> {qnn.name = "x"}) -> tensor<2x1xf32> {
  %w1 = arith.constant dense<[[0.7], [0.16]]> : tensor<2x1xf32>
  %w2 = arith.constant dense<[[0.7, 0.36]]> : tensor<1x2xf32>
  %0 = qnn.dense %x, %w1 : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %1 = qnn.dense %0, %w2 : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<2x1xf32>
  return %1 : tensor<2x1xf32>
}
