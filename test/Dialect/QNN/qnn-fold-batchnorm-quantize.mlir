// A batch norm that folds into no layer becomes a per-channel mul and add,
// which calibrate and quantize like any other mul and add.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(3).uniform(-1, 1, (4, 2, 2, 2)).astype('f4'))"
// RUN: qopt %s --qnn-fold-batchnorm --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize 2>/dev/null | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: qnn.batch_norm
// CHECK: qnn.relu {{.*}}!quant.uniform
// CHECK: qnn.mul {{.*}} -> tensor<2x2x2x2x!quant.uniform
// CHECK: qnn.add {{.*}} -> tensor<2x2x2x2x!quant.uniform
func.func @main(%x: tensor<2x2x2x2xf32>) -> tensor<2x2x2x2xf32> {
  %g = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = qnn.relu %x : tensor<2x2x2x2xf32>
  %1 = qnn.batch_norm %0, %g, %b, %m, %v : (tensor<2x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2x2x2xf32>
  return %1 : tensor<2x2x2x2xf32>
}
