// qnn-calibrate on bad input: one-line errors naming the file.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2], [3, 0.5], [-4, 2], [0, 0], [7, -1]], 'f4'))"
// RUN: %python -c "import numpy as np; np.savez('%t.s.npz', x=np.load('%t.x.npy'))"

// Bad input: a missing file, a shape mismatch, NaN or infinity in the
// samples, an empty sample file, a corrupt .npz, an unknown method,
// statistics of another method.
// RUN: not qopt %s --qnn-calibrate="samples=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qnn-calibrate: {{.*}}missing.npy: cannot open
// RUN: %python -c "import numpy as np; np.save('%t.shape.npy', np.zeros((4, 3), 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.shape.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: qnn-calibrate: {{.*}}shape.npy: sample shape 4x3 does not match input 'x' (2x2: N x 2 expected)
// RUN: %python -c "import numpy as np; np.save('%t.nan.npy', np.array([[1, 2], [1, np.nan]], 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.nan.npy" 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: error: qnn-calibrate: {{.*}}nan.npy: sample values for input 'x' contain NaN or infinity (sample 1)
// RUN: %python -c "import numpy as np; np.save('%t.inf.npy', np.array([[1, -np.inf]], 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.inf.npy" 2>&1 | FileCheck %s --check-prefix=INF
// INF: error: qnn-calibrate: {{.*}}inf.npy: sample values for input 'x' contain NaN or infinity (sample 0)
// RUN: %python -c "import numpy as np; np.save('%t.empty.npy', np.zeros((0, 2), 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.empty.npy" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: qnn-calibrate: {{.*}}empty.npy: the file holds no samples
// RUN: %python -c "open('%t.bad.npz', 'wb').write(open('%t.s.npz', 'rb').read()[:-30])"
// RUN: not qopt %s --qnn-calibrate="samples=%t.bad.npz" 2>&1 | FileCheck %s --check-prefix=BADNPZ
// BADNPZ: error: qnn-calibrate: {{.*}}bad.npz: not a .npz file (no zip end-of-directory record)
// RUN: not qopt %s --qnn-calibrate="samples=%t.x.npy method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: error: qnn-calibrate: unknown method 'kl' (minmax, moving-max, moving-average, percentile, entropy, mse)
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=minmax stats-out=%t.mm.json" -o /dev/null 2>/dev/null
// RUN: not qopt %s --qnn-calibrate="method=entropy stats-in=%t.mm.json" 2>&1 | FileCheck %s --check-prefix=OTHER
// OTHER: error: qnn-calibrate: {{.*}}mm.json holds statistics of method minmax, not entropy
func.func @main(%x: tensor<2x2xf32> {qnn.name = "x"}) -> tensor<2x2xf32> {
  %0 = qnn.observe %x {name = "x"} : tensor<2x2xf32>
  %1 = qnn.relu %0 : tensor<2x2xf32>
  %2 = qnn.observe %1 {name = "relu:0"} : tensor<2x2xf32>
  %c = arith.constant dense<[[2.0, 2.0]]> : tensor<1x2xf32>
  %3 = qnn.mul %2, %c : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %one = arith.constant dense<1.0> : tensor<1x1xf32>
  %4 = qnn.add %3, %one : (tensor<2x2xf32>, tensor<1x1xf32>) -> tensor<2x2xf32>
  %5 = qnn.observe %4 {name = "add:0"} : tensor<2x2xf32>
  return %5 : tensor<2x2xf32>
}
