// Rank-0 inputs and outputs.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array(-2.5, 'f4')); np.save('%t.e.npy', np.array(0.0, 'f4'))"
// RUN: qrun %s --input %t.x.npy --expect %t.e.npy | FileCheck %s
// CHECK: output 0 'output0': max abs error 0, 0 mismatches of 1
// A rank-1 file for a rank-0 input is an error naming both shapes.
// RUN: %python -c "import numpy as np; np.save('%t.v.npy', np.zeros(3, 'f4'))"
// RUN: not qrun %s --input %t.v.npy 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: qrun: error: input 'input0' (#0) from {{.*}}.v.npy: expected scalar f32, got 3 f32
func.func @main(%x: tensor<f32>) -> tensor<f32> {
  %0 = qnn.relu %x : tensor<f32>
  return %0 : tensor<f32>
}
