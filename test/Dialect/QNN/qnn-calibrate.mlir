// Calibration runs the model on the JIT and records each probe's range.

// 5 samples on a batch-2 model: two full batches and a partial one; the
// ranges are exactly those of the samples (x) and of relu(x) * 2 + 1.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2], [3, 0.5], [-4, 2], [0, 0], [7, -1]], 'f4'))"
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy" 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.err
// The textual pass-pipeline form the Python package builds gives the same.
// RUN: qopt %s --pass-pipeline="builtin.module(qnn-calibrate{samples=%t.x.npy num-samples=5 batch-size=2 epochs=1 method=minmax})" 2>/dev/null | FileCheck %s
// CHECK: qnn.observe %arg0 {max = 7.000000e+00 : f64, min = -4.000000e+00 : f64, name = "x"}
// CHECK: qnn.observe %{{.*}} {max = 7.000000e+00 : f64, min = 0.000000e+00 : f64, name = "relu:0"}
// CHECK: qnn.observe %{{.*}} {max = 1.500000e+01 : f64, min = 1.000000e+00 : f64, name = "add:0"}
// PROGRESS: calibrating [{{#+}}] 5/5 samples

// num-samples limits the samples used.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy num-samples=2" 2>/dev/null | FileCheck %s --check-prefix=FIRST2
// FIRST2: qnn.observe %arg0 {max = 3.000000e+00 : f64, min = -2.000000e+00 : f64, name = "x"}

// The moving methods average per-batch extrema over batches of batch-size
// samples: x's batches are [-2, 3], [-4, 2], [-1, 7].
// moving-average (PyTorch, 0.01): min -2 -> -2.02 -> -2.0098,
// max 3 -> 2.99 -> 3.0301. moving-max (QuantizeML, momentum 0.9):
// min -2 -> -2.2 -> -2.08, max 3 -> 2.9 -> 3.31.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=moving-average batch-size=2" 2>/dev/null | FileCheck %s --check-prefix=MAVG
// MAVG: qnn.observe %arg0 {max = 3.0301{{[0-9e+]*}} : f64, min = -2.0098{{[0-9e+]*}} : f64, name = "x"}
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=moving-max batch-size=2" 2>/dev/null | FileCheck %s --check-prefix=MMAX
// MMAX: qnn.observe %arg0 {max = {{3\.31|3\.3099}}{{[0-9e+]*}} : f64, min = {{-2\.08|-2\.0799}}{{[0-9e+]*}} : f64, name = "x"}
// Two epochs replay the batches: max continues 3.31 -> 3.279 -> 3.1511 -> 3.53599.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=moving-max batch-size=2 epochs=2" 2>/dev/null | FileCheck %s --check-prefix=EPOCHS
// EPOCHS: qnn.observe %arg0 {max = {{3\.53599|3\.5359899}}{{[0-9e+]*}} : f64

// Range-dependent methods record the type they chose the range for.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=entropy" 2>/dev/null | FileCheck %s --check-prefix=ENTROPY
// ENTROPY: qnn.observe %arg0 {bits = 8 : i64, max = {{.*}}, min = {{.*}}, name = "x", symmetric = false}
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=mse activation-bits=4 symmetric-activations=true" 2>/dev/null | FileCheck %s --check-prefix=MSE
// MSE: qnn.observe %arg0 {bits = 4 : i64, max = {{.*}}, min = {{.*}}, name = "x", symmetric = true}
// Percentile 100 keeps the extrema.
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=percentile percentile=100" 2>/dev/null | FileCheck %s --check-prefix=P100
// P100: qnn.observe %arg0 {max = 7.000000e+00 : f64, min = -4.000000e+00 : f64, name = "x"}

// .npz samples, stored and deflated.
// RUN: %python -c "import numpy as np; x = np.load('%t.x.npy'); np.savez('%t.s.npz', x=x); np.savez_compressed('%t.c.npz', x=x)"
// RUN: qopt %s --qnn-calibrate="samples=%t.s.npz" 2>/dev/null | FileCheck %s
// RUN: qopt %s --qnn-calibrate="samples=%t.c.npz" 2>/dev/null | FileCheck %s

// Without samples: random samples (int8 values for this non-image input)
// and a warning.
// RUN: qopt %s --qnn-calibrate="num-samples=8" 2>&1 | FileCheck %s --check-prefix=RANDOM
// RANDOM: warning: qnn-calibrate: no samples given: calibrating on 8 random samples ('x': int8 values in [-128, 127], as QuantizeML does); real samples give better results

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
