// A function returning one value twice (as calibration's instrumented models
// do) gets one out-parameter buffer per result.
// RUN: %python -c "import numpy as np; x = np.array([[1, -2], [-3, 4]], 'f4'); np.save('%t.x.npy', x); np.save('%t.e.npy', np.maximum(x, 0))"
// RUN: qrun %s --input %t.x.npy --expect %t.e.npy --expect %t.e.npy | FileCheck %s
// CHECK: output 0
// CHECK: output 1
func.func @main(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0 = qnn.relu %x : tensor<2x2xf32>
  return %0, %0 : tensor<2x2xf32>, tensor<2x2xf32>
}
