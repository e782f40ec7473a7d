// RUN: not qopt %s --qnn-adaround 2>&1 | FileCheck %s --check-prefix=NOSAMPLES
// NOSAMPLES: error: qnn-adaround: needs calibration data: give the 'samples' option (a .npy or .npz file of model inputs)
// RUN: not qopt %s --qnn-adaround="samples=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qnn-adaround: {{.*}}missing.npy
// RUN: %python -c "import numpy as np; np.save('%t.bad.npy', np.ones((4, 3), 'f4'))"
// RUN: not qopt %s --qnn-adaround="samples=%t.bad.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: qnn-adaround: {{.*}}bad.npy: sample shape 4x3 does not match input 'x' (2x4: N x 4 expected)
// RUN: %python -c "import numpy as np; np.save('%t.ones.npy', np.ones((4, 4), 'f4'))"
// RUN: not qopt %s --qnn-adaround="samples=%t.ones.npy iterations=0" 2>&1 | FileCheck %s --check-prefix=ITER
// ITER: error: qnn-adaround: iterations and learning-rate must be positive
// RUN: not qopt %s --qnn-bias-correction="mode=empirical" 2>&1 | FileCheck %s --check-prefix=BC
// BC: error: qnn-bias-correction: mode=empirical needs calibration data: give the 'samples' option (a .npy or .npz file of model inputs)

func.func @main(%x: tensor<2x4xf32> {qnn.name = "x"}) -> tensor<2x1xf32> {
  %w = arith.constant dense<[[0.7, 0.06, 0.062, 0.064]]> : tensor<1x4xf32>
  %0 = qnn.dense %x, %w : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
