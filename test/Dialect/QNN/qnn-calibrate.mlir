// Calibration runs the model on the JIT and records each probe's range.

// 5 samples on a batch-2 model: two full batches and a partial one; the
// ranges are exactly those of the samples (x) and of relu(x) * 2 + 1.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2], [3, 0.5], [-4, 2], [0, 0], [7, -1]], 'f4'))"
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy" 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.err
// CHECK: qnn.observe %arg0 {max = 7.000000e+00 : f64, min = -4.000000e+00 : f64, name = "x"}
// CHECK: qnn.observe %{{.*}} {max = 7.000000e+00 : f64, min = 0.000000e+00 : f64, name = "relu:0"}
// CHECK: qnn.observe %{{.*}} {max = 1.500000e+01 : f64, min = 1.000000e+00 : f64, name = "add:0"}
// PROGRESS: calibrating [{{#+}}] 5/5 samples

// num-samples limits the samples used.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy num-samples=2" 2>/dev/null | FileCheck %s --check-prefix=FIRST2
// FIRST2: qnn.observe %arg0 {max = 3.000000e+00 : f64, min = -2.000000e+00 : f64, name = "x"}

// Bad input: no samples option, a missing file, a shape mismatch, NaN in
// the samples, an empty sample file.
// RUN: not qopt %s --qnn-calibrate 2>&1 | FileCheck %s --check-prefix=NOSAMPLES
// NOSAMPLES: error: qnn-calibrate: the 'samples' option (a .npy file) is required
// RUN: not qopt %s --qnn-calibrate="samples=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qnn-calibrate: {{.*}}missing.npy
// RUN: %python -c "import numpy as np; np.save('%t.shape.npy', np.zeros((4, 3), 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.shape.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: qnn-calibrate: {{.*}}shape.npy: sample shape does not match input 'x'
// RUN: %python -c "import numpy as np; np.save('%t.nan.npy', np.array([[1, np.nan]], 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.nan.npy" 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: error: qnn-calibrate: {{.*}}nan.npy: sample values contain NaN or infinity
// RUN: %python -c "import numpy as np; np.save('%t.empty.npy', np.zeros((0, 2), 'f4'))"
// RUN: not qopt %s --qnn-calibrate="samples=%t.empty.npy" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: qnn-calibrate: {{.*}}empty.npy: the file holds no samples
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
